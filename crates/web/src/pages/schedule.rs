//! The schedule pages: visits by date with the permits and off-hours cover each needs
//! (R5.3, R5.5), a visit's own page, and the form to plan one by hand.

use super::extract::{Path, Query};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{Duration, Utc};
use jukiops_domain::people::Action;
use jukiops_domain::schedule::{VisitInput, VisitVerb, visit_transition};
use jukiops_domain::time::today_jst;
use jukiops_store::{PageRequest, VisitQuery};
use serde_json::{Value, json};

use super::{PageResult, PageUser, form_errors, merge, see_other};
use crate::AppState;
use crate::api::schedule::ScheduleQuery;
use crate::api::visits::{list_visits, move_visit, plan_visit, show_visit};
use crate::templates::render;

/// The fields of a form body, repeated keys (checkboxes) kept.
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    pub fn parse(body: &Bytes) -> Self {
        Self(serde_urlencoded::from_bytes(body).unwrap_or_default())
    }
    pub fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    /// Every value of `key` that is a whole number.
    pub fn ids(&self, key: &str) -> Vec<i64> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect()
    }
    pub fn id(&self, key: &str) -> i64 {
        self.get(key).trim().parse().unwrap_or(0)
    }
}

/// The dates shown when none are asked for: the next 30 days when today lies in the
/// contract period, the whole period otherwise.
pub fn default_range(state: &AppState) -> (String, String) {
    let today = today_jst(Utc::now());
    let p = &state.contract.period;
    if p.contains(today) {
        (today.to_string(), (today + Duration::days(30)).to_string())
    } else {
        (p.start.to_string(), p.end.to_string())
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ScheduleQuery>,
) -> PageResult {
    user.require(Action::ViewSchedule)?;
    list_page(&state, &user, q, StatusCode::OK, Value::Null).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    mut q: ScheduleQuery,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let (from, to) = default_range(state);
    q.from = q.from.filter(|s| !s.trim().is_empty()).or(Some(from));
    q.to = q.to.filter(|s| !s.trim().is_empty()).or(Some(to));
    let filter = q.filter().map_err(|e| super::PageError(e.into()))?;
    let vq = VisitQuery {
        filter: filter.clone(),
        ..VisitQuery::default()
    };
    let page = list_visits(state, &user.0, &vq, q.request()).await?;
    let sites = state.store.all_sites().await?;
    let workers = state.store.contractor_people().await?;
    let base = format!(
        "/schedule?from={}&to={}&",
        filter.from.clone().unwrap_or_default(),
        filter.to.clone().unwrap_or_default()
    );
    let mut ctx = json!({
        "visits": page.items, "page": {"total": page.total, "page": page.page, "pages": page.pages()},
        "base": base, "from": filter.from, "to": filter.to,
        "sites": sites, "workers": workers,
        "can_plan": user.may(Action::PlanVisits),
        "form": {"site_id": 0, "date": "", "start": "09:00", "end": "12:00", "purpose": "", "room": "", "worker_ids": []},
    });
    merge(&mut ctx, extra);
    Ok((status, render("schedule.html", user.ctx("訪問予定", ctx))?).into_response())
}

pub async fn create(State(state): State<AppState>, user: PageUser, body: Bytes) -> PageResult {
    let f = FormPairs::parse(&body);
    let site_id = f.id("site_id");
    let mut terminal_ids = f.ids("terminal_ids");
    if f.get("all_terminals") == "1" {
        let all = state.store.terminals_in_use().await?;
        terminal_ids.extend(all.iter().filter(|(s, _)| *s == site_id).map(|(_, t)| *t));
    }
    let input = VisitInput {
        site_id,
        date: f.get("date"),
        start: f.get("start"),
        end: f.get("end"),
        purpose: f.get("purpose"),
        room: Some(f.get("room")),
        worker_ids: f.ids("worker_ids"),
        terminal_ids,
        request_id: Some(f.id("request_id")).filter(|id| *id > 0),
    };
    match plan_visit(&state, &user.0, &input).await {
        Ok(v) => Ok(see_other(&format!("/visits/{}", v.id))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            let q = ScheduleQuery {
                from: Some(input.date.clone())
                    .filter(|d| jukiops_domain::inventory::parse_date(d).is_some()),
                ..ScheduleQuery::default()
            };
            let form = json!({"site_id": input.site_id, "date": input.date, "start": input.start, "end": input.end,
                "purpose": input.purpose, "room": input.room, "worker_ids": input.worker_ids});
            list_page(
                &state,
                &user,
                q,
                status,
                json!({"form": form, "error": message, "errors": errors}),
            )
            .await
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    show_page(&state, &user, id, StatusCode::OK, Value::Null).await
}

async fn show_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let v = show_visit(state, &user.0, id).await?;
    let history: Vec<Value> = state
        .store
        .audit_for("visit", &id.to_string())
        .await?
        .iter()
        .map(crate::forms::audit_view)
        .collect();
    let mut ctx = json!({
        "v": v,
        "history": history,
        "can_record": visit_transition(v.status, VisitVerb::Complete, user.0.0.role).is_ok(),
        "can_cancel": visit_transition(v.status, VisitVerb::Cancel, user.0.0.role).is_ok(),
        "can_agree": user.may(Action::AgreeSchedule) && v.agreed_by.is_none() && v.status == jukiops_domain::schedule::VisitStatus::Planned,
    });
    merge(&mut ctx, extra);
    let title = format!("訪問 {} {}", v.date, v.site_name);
    Ok((status, render("visit.html", user.ctx(&title, ctx))?).into_response())
}

pub async fn transition(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, verb)): Path<(i64, String)>,
) -> PageResult {
    if verb == "agreement" {
        return match crate::api::visits::agree_visit(&state, &user.0, id).await {
            Ok(_) => Ok(see_other(&format!("/visits/{id}"))),
            Err(e) => {
                let (status, message, _) = form_errors(e)?;
                show_page(&state, &user, id, status, json!({"error": message})).await
            }
        };
    }
    let verb = match verb.as_str() {
        "complete" => VisitVerb::Complete,
        "cancel" => VisitVerb::Cancel,
        _ => return Err(super::PageError(crate::error::AppError::not_found("操作"))),
    };
    match move_visit(&state, &user.0, id, verb).await {
        Ok(_) => Ok(see_other(&format!("/visits/{id}"))),
        Err(e) => {
            let (status, message, _) = form_errors(e)?;
            show_page(&state, &user, id, status, json!({"error": message})).await
        }
    }
}

/// Visits on `from..=to` for the month view, all pages.
pub async fn visits_between(
    state: &AppState,
    user: &PageUser,
    from: &str,
    to: &str,
) -> Result<Vec<jukiops_store::Visit>, super::PageError> {
    if !user.may(Action::ViewSchedule) {
        return Ok(Vec::new());
    }
    let q = VisitQuery {
        filter: jukiops_store::ScheduleFilter {
            from: Some(from.into()),
            to: Some(to.into()),
            site_id: None,
        },
        plan_id: None,
        request_id: None,
        active_only: true,
    };
    let page = list_visits(
        state,
        &user.0,
        &q,
        PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE)),
    )
    .await?;
    Ok(page.items)
}

/// Permits applied for or granted that are valid on some day of `from..=to`, for the
/// month view (refused and withdrawn ones left out).
pub async fn permits_between(
    state: &AppState,
    user: &PageUser,
    from: &str,
    to: &str,
) -> Result<Vec<jukiops_store::Permit>, super::PageError> {
    if !user.may(Action::ViewSchedule) {
        return Ok(Vec::new());
    }
    let filter = jukiops_store::ScheduleFilter {
        from: Some(from.into()),
        to: Some(to.into()),
        site_id: None,
    };
    let all = PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE));
    let page = state.store.permits(&filter, all).await?;
    Ok(page
        .items
        .into_iter()
        .filter(|p| {
            matches!(
                p.status,
                jukiops_domain::schedule::PermitStatus::Requested
                    | jukiops_domain::schedule::PermitStatus::Granted
            )
        })
        .collect())
}
