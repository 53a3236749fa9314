//! Building-entry permits as pages (R5.5): the list, the lead's application form, the
//! City's decision and the withdrawal, one route each, and the permits of the month view.

use super::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_app::visits::ScheduleQuery;
use jukiops_domain::people::Action;
use jukiops_domain::schedule::{PermitDecision, PermitInput, PermitVerb, permit_transition};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::PageRoutes;
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, optional_id, post_redirect_get};
use super::visits::default_range;
use super::{PageError, PageResult, PageUser, merge, without_form};
use crate::AppState;
use crate::templates::render;

/// The lead's application for a permit.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct PermitForm {
    #[serde(default, deserialize_with = "optional_id")]
    site_id: Option<i64>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    note: String,
}

impl PageForm for PermitForm {
    const ACTION: Action = Action::RequestPermits;
}

impl PermitForm {
    fn input(&self) -> PermitInput {
        PermitInput {
            site_id: self.site_id.unwrap_or_default(),
            kind: self.kind.clone(),
            room: Some(self.room.clone()),
            valid_from: self.valid_from.clone(),
            valid_to: Some(self.valid_to.clone()),
            note: Some(self.note.clone()),
        }
    }
}

/// The lead's button withdrawing an application.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct WithdrawPermitForm {}

impl PageForm for WithdrawPermitForm {
    const ACTION: Action = PermitVerb::Withdraw.action();
}

/// What the City decides on an application.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
enum Verdict {
    Grant,
    Refuse,
}

/// The City's decision, with the permit's number or a comment.
#[derive(Debug, Deserialize, Serialize)]
pub struct DecidePermitForm {
    verb: Verdict,
    #[serde(default)]
    comment: String,
}

impl PageForm for DecidePermitForm {
    const ACTION: Action = PermitVerb::Grant.action();
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
    let page = state.app.permits(&actor, &q).await?;
    let filter = q.filter().map_err(|e| PageError(e.into()))?;
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
        .app
        .contract()
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
        "sites": state.app.schedule_choices(&actor).await?.sites,
        // Linked from a plan's visit lacking a permit: the form asks for that site and day.
        "form": {"site_id": filter.site_id.unwrap_or(0), "kind": "after_hours", "room": "",
            "valid_from": filter.site_id.and(filter.from.clone()).unwrap_or_default(),
            "valid_to": filter.site_id.and(filter.to.clone()).unwrap_or_default(), "note": ""},
    });
    merge(&mut ctx, extra);
    Ok((status, render("permits.html", user.ctx("入館許可", ctx))?).into_response())
}

/// Where a permit is shown after a change: its first day in the list.
fn at(p: &jukiops_store::Permit) -> String {
    format!("/permits?from={}#p{}", p.valid_from, p.id)
}

pub async fn request(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<PermitForm>,
) -> PageResult {
    let result = state.app.request_permit(&user.actor(), &f.input()).await;
    post_redirect_get(
        Done::Requested,
        result.map_err(Into::into),
        at,
        &f,
        |status, extra| list_page(&state, &user, ScheduleQuery::default(), status, extra),
    )
    .await
}

/// Answers a decision or a withdrawal on permit `id`.
async fn decide(
    state: &AppState,
    user: &PageUser,
    id: i64,
    d: &PermitDecision,
    typed: &impl Serialize,
) -> PageResult {
    let result = state.app.decide_permit(&user.actor(), id, d).await;
    post_redirect_get(
        match d.verb {
            PermitVerb::Grant => Done::Granted,
            PermitVerb::Refuse => Done::Refused,
            PermitVerb::Withdraw => Done::Withdrawn,
        },
        result.map_err(Into::into),
        at,
        typed,
        |status, extra| {
            // The application form below the list keeps its defaults: only the message is shown.
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
    c: Confirm<DecidePermitForm>,
) -> PageResult {
    let what = async {
        let p = state.app.permit(&user.actor(), id).await?;
        let verb = match c.form.verb {
            Verdict::Grant => "許可します",
            Verdict::Refuse => "不許可とします",
        };
        Ok(format!(
            "{}({}〜{})の{}の申請を{verb}。",
            p.site_name, p.valid_from, p.valid_to, p.kind_label
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let f = c.form;
    let d = PermitDecision {
        verb: match f.verb {
            Verdict::Grant => PermitVerb::Grant,
            Verdict::Refuse => PermitVerb::Refuse,
        },
        comment: Some(f.comment.clone()),
    };
    decide(&state, &user, id, &d, &f).await
}

pub async fn withdrawal(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<WithdrawPermitForm>,
) -> PageResult {
    let what = async {
        let p = state.app.permit(&user.actor(), id).await?;
        Ok(format!(
            "{}({}〜{})の{}の申請を取り下げます。",
            p.site_name, p.valid_from, p.valid_to, p.kind_label
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let f = c.form;
    let d = PermitDecision {
        verb: PermitVerb::Withdraw,
        comment: None,
    };
    decide(&state, &user, id, &d, &f).await
}

/// Permits applied for or granted on some day of `from..=to`, for the month view; none
/// for a user who may not read the schedule.
pub async fn permits_between(
    state: &AppState,
    user: &PageUser,
    from: &str,
    to: &str,
) -> Result<Vec<jukiops_store::Permit>, PageError> {
    if !user.may(Action::ViewSchedule) {
        return Ok(Vec::new());
    }
    Ok(state.app.permits_between(&user.actor(), from, to).await?)
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/permits", Action::ViewSchedule, list)
        .post("/permits", Action::RequestPermits, request)
        .post(
            "/permits/{id}/decision",
            PermitVerb::Grant.action(),
            decision,
        )
        .post(
            "/permits/{id}/withdrawal",
            PermitVerb::Withdraw.action(),
            withdrawal,
        )
}
