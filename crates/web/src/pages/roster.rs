//! The worker roster (名簿) and subcontracting (再委託) as pages: the persons with their
//! standing today, the notices flagged 期限後 with the City's acknowledgement button, the
//! lead's forms to add a person and to notify a change; the applications with the City's
//! decision.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::people::Action;
use jukiops_domain::roster::subcontracting::{SubcontractDecisionInput, SubcontractInput};
use jukiops_domain::roster::{NoticeKind, RosterChangeInput, RosterPersonInput, RosterRole};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::extract::Path;
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageResult, PageRoutes, PageUser, merge, without_form};
use crate::AppState;
use crate::templates::render;

impl PageForm for RosterPersonInput {
    const ACTION: Action = Action::KeepRoster;
}

impl PageForm for RosterChangeInput {
    const ACTION: Action = Action::KeepRoster;
}

impl PageForm for SubcontractInput {
    const ACTION: Action = Action::ApplySubcontracting;
}

impl PageForm for SubcontractDecisionInput {
    const ACTION: Action = Action::DecideSubcontracting;
}

/// The City's button acknowledging a notice.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AcknowledgeForm {}

impl PageForm for AcknowledgeForm {
    const ACTION: Action = Action::AcknowledgeRoster;
}

fn choices<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Value {
    all.iter()
        .map(|v| json!({"value": code(*v), "label": label(*v)}))
        .collect()
}

pub async fn roster(State(state): State<AppState>, user: PageUser) -> PageResult {
    roster_page(&state, &user, StatusCode::OK, Value::Null).await
}

async fn roster_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let who = user.actor();
    let persons = state.app.roster(&who).await?;
    let notices = state.app.roster_notices(&who).await?;
    let keeps = user.may(Action::KeepRoster);
    let subcontracts = if keeps {
        state.app.subcontracts(&who).await?
    } else {
        Vec::new()
    };
    let people = if keeps {
        state.app.job_performers(&who).await?
    } else {
        Vec::new()
    };
    let mut ctx = json!({
        "persons": persons, "notices": notices,
        "can_keep": keeps, "can_acknowledge": user.may(Action::AcknowledgeRoster),
        "roles": choices(&RosterRole::ALL, RosterRole::as_str, RosterRole::label_ja),
        "kinds": choices(&NoticeKind::ALL, NoticeKind::as_str, NoticeKind::label_ja),
        "approved": subcontracts.iter()
            .filter(|s| s.status == jukiops_domain::roster::subcontracting::SubcontractStatus::Approved)
            .collect::<Vec<_>>(),
        "accounts": people,
        "form": RosterPersonInput::default(),
    });
    merge(&mut ctx, extra);
    Ok((status, render("roster.html", user.ctx("従事者名簿", ctx))?).into_response())
}

pub async fn add(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<RosterPersonInput>,
) -> PageResult {
    let result = state.app.add_roster_person(&user.actor(), &f).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |p| format!("/roster#r{}", p.id),
        &f,
        |status, extra| roster_page(&state, &user, status, extra),
    )
    .await
}

pub async fn notify(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<RosterChangeInput>,
) -> PageResult {
    let result = state.app.notify_roster_change(&user.actor(), id, &f).await;
    post_redirect_get(
        Done::Recorded,
        result.map_err(Into::into),
        |p| format!("/roster#r{}", p.id),
        &f,
        |status, extra| roster_page(&state, &user, status, without_form(extra)),
    )
    .await
}

pub async fn acknowledge(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<AcknowledgeForm>,
) -> PageResult {
    let what = async {
        let n = state.app.roster_notices(&user.actor()).await?;
        let n = n.items.iter().find(|n| n.id == id);
        Ok(match n {
            Some(n) => format!(
                "{}さんの名簿の{}の届出（効力発生日 {}）を本市が受領したことを記録します。",
                n.details.name, n.kind_label, n.effective_on
            ),
            None => "名簿の届出を本市が受領したことを記録します。".to_string(),
        })
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let result = state.app.acknowledge_roster_notice(&user.actor(), id).await;
    post_redirect_get(
        Done::Accepted,
        result.map_err(Into::into),
        |_| format!("/roster#n{id}"),
        &c.form,
        |status, extra| roster_page(&state, &user, status, without_form(extra)),
    )
    .await
}

pub async fn subcontracting(State(state): State<AppState>, user: PageUser) -> PageResult {
    subcontracting_page(&state, &user, StatusCode::OK, Value::Null).await
}

async fn subcontracting_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let items = state.app.subcontracts(&user.actor()).await?;
    let mut ctx = json!({
        "items": items,
        "can_apply": user.may(Action::ApplySubcontracting),
        "can_decide": user.may(Action::DecideSubcontracting),
        "form": SubcontractInput::default(),
    });
    merge(&mut ctx, extra);
    Ok((
        status,
        render("subcontracting.html", user.ctx("再委託", ctx))?,
    )
        .into_response())
}

pub async fn apply(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<SubcontractInput>,
) -> PageResult {
    let result = state.app.apply_subcontract(&user.actor(), &f).await;
    post_redirect_get(
        Done::Requested,
        result.map_err(Into::into),
        |s| format!("/subcontracting#s{}", s.id),
        &f,
        |status, extra| subcontracting_page(&state, &user, status, extra),
    )
    .await
}

pub async fn decide(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<SubcontractDecisionInput>,
) -> PageResult {
    let approve = c.form.decision == "approve";
    let what = async {
        let items = state.app.subcontracts(&user.actor()).await?;
        let name = items
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.subcontractor.clone())
            .unwrap_or_default();
        Ok(format!(
            "{name}への再委託の申請を{}。",
            if approve {
                "承認します"
            } else {
                "不承認とします"
            }
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let result = state
        .app
        .decide_subcontract(&user.actor(), id, &c.form)
        .await;
    post_redirect_get(
        if approve {
            Done::Approved
        } else {
            Done::Refused
        },
        result.map_err(Into::into),
        |_| format!("/subcontracting#s{id}"),
        &c.form,
        |status, extra| subcontracting_page(&state, &user, status, without_form(extra)),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/roster", Action::ViewRoster, roster)
        .post("/roster", Action::KeepRoster, add)
        .post("/roster/{id}/notices", Action::KeepRoster, notify)
        .post(
            "/roster/notices/{id}/acknowledgement",
            Action::AcknowledgeRoster,
            acknowledge,
        )
        .get("/subcontracting", Action::ViewRoster, subcontracting)
        .post("/subcontracting", Action::ApplySubcontracting, apply)
        .post(
            "/subcontracting/{id}/decision",
            Action::DecideSubcontracting,
            decide,
        )
}
