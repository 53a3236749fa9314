//! Visits as pages (R4.4, R5): the list by date with the permits and off-hours cover each
//! needs (R5.3, R5.5) and the form to plan one by hand (at `/schedule`), a visit's own
//! page, and its record, cancel and agreement buttons, one route each.

use super::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{Duration, Utc};
use jukiops_app::visits::ScheduleQuery;
use jukiops_domain::inventory::parse_date;
use jukiops_domain::people::Action;
use jukiops_domain::schedule::{
    MAX_VISIT_TERMINALS, MAX_VISIT_WORKERS, VisitInput, VisitStatus, VisitVerb, visit_transition,
};
use jukiops_domain::time::today_jst;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::PageRoutes;
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, Repeated, optional_id, post_redirect_get};
use super::{PageError, PageResult, PageUser, merge};
use crate::AppState;
use crate::templates::render;

/// The form planning a visit by hand; `all_terminals` (a checkbox) adds every terminal in
/// use at the site.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct VisitForm {
    #[serde(default, deserialize_with = "optional_id")]
    site_id: Option<i64>,
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    worker_ids: Repeated<i64, MAX_VISIT_WORKERS>,
    #[serde(default)]
    terminal_ids: Repeated<i64, MAX_VISIT_TERMINALS>,
    #[serde(default)]
    all_terminals: Option<String>,
    #[serde(default, deserialize_with = "optional_id")]
    request_id: Option<i64>,
}

impl PageForm for VisitForm {
    const ACTION: Action = Action::PlanVisits;
}

impl VisitForm {
    fn input(&self) -> VisitInput {
        VisitInput {
            site_id: self.site_id.unwrap_or_default(),
            date: self.date.clone(),
            start: self.start.clone(),
            end: self.end.clone(),
            purpose: self.purpose.clone(),
            room: Some(self.room.clone()),
            worker_ids: self.worker_ids.0.clone(),
            terminal_ids: self.terminal_ids.0.clone(),
            all_terminals: self.all_terminals.as_deref() == Some("1"),
            request_id: self.request_id.filter(|id| *id > 0),
        }
    }
}

/// The button recording that a visit took place.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CompleteVisitForm {}

impl PageForm for CompleteVisitForm {
    const ACTION: Action = VisitVerb::Complete.action();
}

/// The button cancelling a visit.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CancelVisitForm {}

impl PageForm for CancelVisitForm {
    const ACTION: Action = VisitVerb::Cancel.action();
}

/// The City's button agreeing to a visit.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AgreeVisitForm {}

impl PageForm for AgreeVisitForm {
    const ACTION: Action = Action::AgreeSchedule;
}

/// The dates shown when none are asked for: the next 30 days when today lies in the
/// contract period, the whole period otherwise.
pub fn default_range(state: &AppState) -> (String, String) {
    let today = today_jst(Utc::now());
    let p = &state.app.contract().period;
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
    list_page(&state, &user, q, StatusCode::OK, Value::Null).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    q: ScheduleQuery,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let q = q.or_range(default_range(state));
    let actor = user.actor();
    let page = state.app.visits(&actor, &q).await?;
    let filter = q.filter().map_err(|e| PageError(e.into()))?;
    let choices = state.app.schedule_choices(&actor).await?;
    let base = format!(
        "/schedule?from={}&to={}&",
        filter.from.clone().unwrap_or_default(),
        filter.to.clone().unwrap_or_default()
    );
    let mut ctx = json!({
        "visits": page.items, "page": {"total": page.total, "page": page.page, "pages": page.pages()},
        "base": base, "from": filter.from, "to": filter.to,
        "sites": choices.sites, "workers": choices.workers,
        "can_plan": user.may(Action::PlanVisits),
        "form": {"site_id": 0, "date": "", "start": "09:00", "end": "12:00", "purpose": "", "room": "", "worker_ids": []},
    });
    merge(&mut ctx, extra);
    Ok((status, render("visits.html", user.ctx("訪問予定", ctx))?).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<VisitForm>,
) -> PageResult {
    let result = state.app.plan_visit(&user.actor(), &f.input()).await;
    // The list shown again starts at the day typed, when it is a date.
    let q = ScheduleQuery {
        from: Some(f.date.clone()).filter(|d| parse_date(d).is_some()),
        ..ScheduleQuery::default()
    };
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |v| format!("/visits/{}", v.id),
        &f,
        |status, extra| list_page(&state, &user, q, status, extra),
    )
    .await
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
    let actor = user.actor();
    let v = state.app.visit(&actor, id).await?;
    let history = super::history(state, user, jukiops_domain::audit::Entity::Visit, id).await?;
    let role = user.0.0.role;
    let mut ctx = json!({
        "v": v,
        "history": history,
        "can_record": visit_transition(v.status, VisitVerb::Complete, role).is_ok(),
        "can_cancel": visit_transition(v.status, VisitVerb::Cancel, role).is_ok(),
        "can_agree": user.may(Action::AgreeSchedule) && v.agreed_by.is_none() && v.status == VisitStatus::Planned,
    });
    merge(&mut ctx, extra);
    let title = format!("訪問 {} {}", v.date, v.site_name);
    Ok((
        status,
        render("visit.html", user.ctx_under("/schedule", &[], &title, ctx))?,
    )
        .into_response())
}

/// Moves visit `id` by `verb` and answers with its page.
async fn move_visit(
    done: Done,
    state: &AppState,
    user: &PageUser,
    id: i64,
    verb: VisitVerb,
    typed: &impl Serialize,
) -> PageResult {
    let result = state.app.move_visit(&user.actor(), id, verb).await;
    post_redirect_get(
        done,
        result.map_err(Into::into),
        |_| format!("/visits/{id}"),
        typed,
        |status, extra| show_page(state, user, id, status, extra),
    )
    .await
}

pub async fn complete(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<CompleteVisitForm>,
) -> PageResult {
    move_visit(Done::Recorded, &state, &user, id, VisitVerb::Complete, &f).await
}

pub async fn cancel(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<CancelVisitForm>,
) -> PageResult {
    let what = async {
        let v = state.app.visit(&user.actor(), id).await?;
        Ok(format!(
            "{} {}〜{} {} の訪問を中止します。",
            v.date, v.start, v.end, v.site_name
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    move_visit(
        Done::Cancelled,
        &state,
        &user,
        id,
        VisitVerb::Cancel,
        &c.form,
    )
    .await
}

pub async fn agree(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<AgreeVisitForm>,
) -> PageResult {
    let result = state.app.agree_visit(&user.actor(), id).await;
    post_redirect_get(
        Done::Agreed,
        result.map_err(Into::into),
        |_| format!("/visits/{id}"),
        &f,
        |status, extra| show_page(&state, &user, id, status, extra),
    )
    .await
}

/// Visits not cancelled on `from..=to`, for the month view and the dashboard; none for a
/// user who may not read the schedule.
pub async fn visits_between(
    state: &AppState,
    user: &PageUser,
    from: &str,
    to: &str,
) -> Result<Vec<jukiops_store::Visit>, PageError> {
    if !user.may(Action::ViewSchedule) {
        return Ok(Vec::new());
    }
    Ok(state.app.visits_between(&user.actor(), from, to).await?)
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/schedule", Action::ViewSchedule, list)
        .post("/schedule", Action::PlanVisits, create)
        .get("/visits/{id}", Action::ViewSchedule, show)
        .post(
            "/visits/{id}/complete",
            VisitVerb::Complete.action(),
            complete,
        )
        .post("/visits/{id}/cancel", VisitVerb::Cancel.action(), cancel)
        .post("/visits/{id}/agreement", Action::AgreeSchedule, agree)
}
