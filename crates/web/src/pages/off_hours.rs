//! Off-hours work (R5.3) and building-entry permits (R5.5) as pages: the lists, the forms
//! to file them, and the City's decisions.

use super::extract::{Path, Query};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::people::{Action, Role};
use jukiops_domain::schedule::{
    OffHoursInput, OffHoursVerb, PermitInput, PermitVerb, off_hours_transition, permit_transition,
};
use serde_json::{Value, json};

use super::schedule::{FormPairs, default_range};
use super::{PageError, PageResult, PageUser, form_errors, merge, see_other};
use crate::AppState;
use crate::api::schedule::{
    OffHoursDecision, PermitDecision, ScheduleQuery, decide_off_hours, decide_permit,
    file_off_hours, request_permit,
};
use crate::templates::render;

fn with_range(state: &AppState, mut q: ScheduleQuery) -> ScheduleQuery {
    let (from, to) = default_range(state);
    q.from = q.from.filter(|s| !s.trim().is_empty()).or(Some(from));
    q.to = q.to.filter(|s| !s.trim().is_empty()).or(Some(to));
    q
}

pub async fn off_hours(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ScheduleQuery>,
) -> PageResult {
    user.require(Action::ViewSchedule)?;
    off_hours_page(&state, &user, q, StatusCode::OK, Value::Null).await
}

async fn off_hours_page(
    state: &AppState,
    user: &PageUser,
    q: ScheduleQuery,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let q = with_range(state, q);
    let filter = q.filter().map_err(|e| PageError(e.into()))?;
    let page = state.store.off_hours_list(&filter, q.request()).await?;
    let role = user.0.0.role;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|o| {
            let mut v = json!(o);
            merge(&mut v, json!({
                "can_decide": off_hours_transition(o.cause, o.status, OffHoursVerb::Approve, role).is_ok(),
                "can_withdraw": off_hours_transition(o.cause, o.status, OffHoursVerb::Withdraw, role).is_ok(),
            }));
            v
        })
        .collect();
    let cause = match role {
        Role::CityStaff => Some(("city", "本市の事由(本市の指示として記録)")),
        Role::ContractorLead => Some(("contractor", "受注者の事由(本市の承認が必要)")),
        _ => None,
    };
    let mut ctx = json!({
        "items": items, "page": {"total": page.total, "page": page.page, "pages": page.pages()},
        "base": format!("/off-hours?from={}&to={}&", filter.from.clone().unwrap_or_default(), filter.to.clone().unwrap_or_default()),
        "from": filter.from, "to": filter.to,
        "cause": cause.map(|c| json!({"value": c.0, "label": c.1})),
        "sites": state.store.all_sites().await?, "workers": state.store.contractor_people().await?,
        "form": {"site_id": 0, "date": "", "start": "17:15", "end": "19:00", "reason": "", "worker_ids": []},
    });
    merge(&mut ctx, extra);
    Ok((
        status,
        render("off_hours.html", user.ctx("時間外作業", ctx))?,
    )
        .into_response())
}

pub async fn file(State(state): State<AppState>, user: PageUser, body: Bytes) -> PageResult {
    let f = FormPairs::parse(&body);
    let input = OffHoursInput {
        site_id: f.id("site_id"),
        date: f.get("date"),
        start: f.get("start"),
        end: f.get("end"),
        cause: f.get("cause"),
        reason: f.get("reason"),
        worker_ids: f.ids("worker_ids"),
    };
    match file_off_hours(&state, &user.0, &input).await {
        Ok(o) => Ok(see_other(&format!("/off-hours?from={}#o{}", o.date, o.id))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            off_hours_page(
                &state,
                &user,
                ScheduleQuery::default(),
                status,
                json!({"form": input, "error": message, "errors": errors}),
            )
            .await
        }
    }
}

pub async fn decide(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormPairs::parse(&body);
    let verb = match f.get("verb").as_str() {
        "approve" => OffHoursVerb::Approve,
        "reject" => OffHoursVerb::Reject,
        _ => OffHoursVerb::Withdraw,
    };
    let d = OffHoursDecision {
        verb,
        comment: Some(f.get("comment")),
    };
    match decide_off_hours(&state, &user.0, id, &d).await {
        Ok(o) => Ok(see_other(&format!("/off-hours?from={}#o{}", o.date, o.id))),
        Err(e) => {
            let (status, message, _) = form_errors(e)?;
            off_hours_page(
                &state,
                &user,
                ScheduleQuery::default(),
                status,
                json!({"error": message}),
            )
            .await
        }
    }
}

pub async fn permits(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ScheduleQuery>,
) -> PageResult {
    user.require(Action::ViewSchedule)?;
    permits_page(&state, &user, q, StatusCode::OK, Value::Null).await
}

async fn permits_page(
    state: &AppState,
    user: &PageUser,
    q: ScheduleQuery,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let q = with_range(state, q);
    let filter = q.filter().map_err(|e| PageError(e.into()))?;
    let page = state.store.permits(&filter, q.request()).await?;
    let role = user.0.0.role;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|p| {
            let mut v = json!(p);
            merge(
                &mut v,
                json!({
                    "can_decide": permit_transition(p.status, PermitVerb::Grant, role).is_ok(),
                    "can_withdraw": permit_transition(p.status, PermitVerb::Withdraw, role).is_ok(),
                }),
            );
            v
        })
        .collect();
    let rooms: Vec<Value> = state
        .contract
        .sites
        .iter()
        .flat_map(|s| {
            s.designated_rooms
                .iter()
                .map(move |r| json!({"site": s.name, "room": r}))
        })
        .collect();
    let mut ctx = json!({
        "items": items, "page": {"total": page.total, "page": page.page, "pages": page.pages()},
        "base": format!("/permits?from={}&to={}&", filter.from.clone().unwrap_or_default(), filter.to.clone().unwrap_or_default()),
        "from": filter.from, "to": filter.to, "designated_rooms": rooms,
        "can_request": user.may(Action::RequestPermits),
        "sites": state.store.all_sites().await?,
        "form": {"site_id": 0, "kind": "after_hours", "room": "", "valid_from": "", "valid_to": "", "note": ""},
    });
    merge(&mut ctx, extra);
    Ok((status, render("permits.html", user.ctx("入館許可", ctx))?).into_response())
}

pub async fn request(State(state): State<AppState>, user: PageUser, body: Bytes) -> PageResult {
    let f = FormPairs::parse(&body);
    let input = PermitInput {
        site_id: f.id("site_id"),
        kind: f.get("kind"),
        room: Some(f.get("room")),
        valid_from: f.get("valid_from"),
        valid_to: Some(f.get("valid_to")),
        note: Some(f.get("note")),
    };
    match request_permit(&state, &user.0, &input).await {
        Ok(p) => Ok(see_other(&format!(
            "/permits?from={}#p{}",
            p.valid_from, p.id
        ))),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            permits_page(
                &state,
                &user,
                ScheduleQuery::default(),
                status,
                json!({"form": input, "error": message, "errors": errors}),
            )
            .await
        }
    }
}

pub async fn decide_permit_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormPairs::parse(&body);
    let verb = match f.get("verb").as_str() {
        "grant" => PermitVerb::Grant,
        "refuse" => PermitVerb::Refuse,
        _ => PermitVerb::Withdraw,
    };
    let d = PermitDecision {
        verb,
        comment: Some(f.get("comment")),
    };
    match decide_permit(&state, &user.0, id, &d).await {
        Ok(p) => Ok(see_other(&format!(
            "/permits?from={}#p{}",
            p.valid_from, p.id
        ))),
        Err(e) => {
            let (status, message, _) = form_errors(e)?;
            permits_page(
                &state,
                &user,
                ScheduleQuery::default(),
                status,
                json!({"error": message}),
            )
            .await
        }
    }
}
