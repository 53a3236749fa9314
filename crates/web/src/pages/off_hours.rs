//! Off-hours work as pages (R5.3): the list, the form to file the City's instruction or
//! the contractor's application, the City's decision and the withdrawal, one route each.

use super::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_app::visits::ScheduleQuery;
use jukiops_domain::people::{Action, Role};
use jukiops_domain::schedule::{
    MAX_VISIT_WORKERS, OffHoursDecision, OffHoursInput, OffHoursVerb, off_hours_transition,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::PageRoutes;
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, Repeated, optional_id, post_redirect_get};
use super::visits::default_range;
use super::{PageError, PageResult, PageUser, merge, without_form};
use crate::AppState;
use crate::templates::render;

/// The form filing an off-hours record; the page sets `cause` from the filer's role.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct OffHoursForm {
    #[serde(default, deserialize_with = "optional_id")]
    site_id: Option<i64>,
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    cause: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    worker_ids: Repeated<i64, MAX_VISIT_WORKERS>,
}

impl PageForm for OffHoursForm {
    const ACTION: Action = Action::FileOffHours;
}

impl OffHoursForm {
    fn input(&self) -> OffHoursInput {
        OffHoursInput {
            site_id: self.site_id.unwrap_or_default(),
            date: self.date.clone(),
            start: self.start.clone(),
            end: self.end.clone(),
            cause: self.cause.clone(),
            reason: self.reason.clone(),
            worker_ids: self.worker_ids.0.clone(),
        }
    }
}

/// The withdraw button, for whoever recorded the record.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct WithdrawOffHoursForm {}

impl PageForm for WithdrawOffHoursForm {
    const ACTION: Action = OffHoursVerb::Withdraw.action();
}

/// What the City decides on an application.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
enum Verdict {
    Approve,
    Reject,
}

/// The City's decision on an application, with a comment.
#[derive(Debug, Deserialize, Serialize)]
pub struct DecideOffHoursForm {
    verb: Verdict,
    #[serde(default)]
    comment: String,
}

impl PageForm for DecideOffHoursForm {
    const ACTION: Action = OffHoursVerb::Approve.action();
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
    let page = state.app.off_hours_list(&actor, &q).await?;
    let filter = q.filter().map_err(|e| PageError(e.into()))?;
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
    let choices = state.app.schedule_choices(&actor).await?;
    let mut ctx = json!({
        "items": items, "page": {"total": page.total, "page": page.page, "pages": page.pages()},
        "base": format!("/off-hours?from={}&to={}&", filter.from.clone().unwrap_or_default(), filter.to.clone().unwrap_or_default()),
        "from": filter.from, "to": filter.to,
        "cause": cause.map(|c| json!({"value": c.0, "label": c.1})),
        "sites": choices.sites, "workers": choices.workers,
        "form": {"site_id": 0, "date": "", "start": "17:15", "end": "19:00", "reason": "", "worker_ids": []},
    });
    merge(&mut ctx, extra);
    Ok((
        status,
        render("off_hours.html", user.ctx("時間外作業", ctx))?,
    )
        .into_response())
}

/// Where a record is shown after a change: its day in the list.
fn at(o: &jukiops_store::OffHours) -> String {
    format!("/off-hours?from={}#o{}", o.date, o.id)
}

pub async fn file(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<OffHoursForm>,
) -> PageResult {
    let result = state.app.file_off_hours(&user.actor(), &f.input()).await;
    post_redirect_get(
        Done::Requested,
        result.map_err(Into::into),
        at,
        &f,
        |status, extra| list_page(&state, &user, ScheduleQuery::default(), status, extra),
    )
    .await
}

/// Answers a decision or a withdrawal on record `id`.
async fn decide(
    state: &AppState,
    user: &PageUser,
    id: i64,
    d: &OffHoursDecision,
    typed: &impl Serialize,
) -> PageResult {
    let result = state.app.decide_off_hours(&user.actor(), id, d).await;
    post_redirect_get(
        match d.verb {
            OffHoursVerb::Approve => Done::Approved,
            OffHoursVerb::Reject => Done::Rejected,
            OffHoursVerb::Withdraw => Done::Withdrawn,
        },
        result.map_err(Into::into),
        at,
        typed,
        |status, extra| {
            // The filing form below the list keeps its defaults: only the message is shown.
            let extra = without_form(extra);
            list_page(state, user, ScheduleQuery::default(), status, extra)
        },
    )
    .await
}

pub async fn decision(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<DecideOffHoursForm>,
) -> PageResult {
    let what = async {
        let o = state.app.off_hours(&user.actor(), id).await?;
        let verb = match c.form.verb {
            Verdict::Approve => "承認します",
            Verdict::Reject => "却下します",
        };
        Ok(format!(
            "{} {} {}〜{} の時間外作業の申請を{verb}。",
            o.site_name, o.date, o.start, o.end
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let f = c.form;
    let d = OffHoursDecision {
        verb: match f.verb {
            Verdict::Approve => OffHoursVerb::Approve,
            Verdict::Reject => OffHoursVerb::Reject,
        },
        comment: Some(f.comment.clone()),
    };
    decide(&state, &user, id, &d, &f).await
}

pub async fn withdrawal(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<WithdrawOffHoursForm>,
) -> PageResult {
    let what = async {
        let o = state.app.off_hours(&user.actor(), id).await?;
        Ok(format!(
            "{} {} {}〜{} の時間外作業の申請を取り下げます。",
            o.site_name, o.date, o.start, o.end
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let f = c.form;
    let d = OffHoursDecision {
        verb: OffHoursVerb::Withdraw,
        comment: None,
    };
    decide(&state, &user, id, &d, &f).await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/off-hours", Action::ViewSchedule, list)
        .post("/off-hours", Action::FileOffHours, file)
        .post(
            "/off-hours/{id}/decision",
            OffHoursVerb::Approve.action(),
            decision,
        )
        .post(
            "/off-hours/{id}/withdrawal",
            OffHoursVerb::Withdraw.action(),
            withdrawal,
        )
}
