//! Who is available when on the pages (issue 15 item 6): the absences of the roster's
//! people with the lead's form (taking one back asks first), and the hours each person
//! worked in a month.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::Utc;
use jukiops_domain::availability::{AbsenceInput, AbsenceKind};
use jukiops_domain::people::Action;
use jukiops_domain::time::today_jst;
use jukiops_domain::vocab::Labelled;
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{Path, Query};
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageResult, PageRoutes, PageUser, merge};
use crate::AppState;
use crate::templates::render;

impl PageForm for AbsenceInput {
    const ACTION: Action = Action::KeepRoster;
}

/// The take-back button's empty form.
#[derive(Debug, Default, Deserialize)]
pub struct RemoveAbsenceForm {}

impl PageForm for RemoveAbsenceForm {
    const ACTION: Action = Action::KeepRoster;
}

/// `?month=YYYY-MM` of the hours table; this month when absent.
#[derive(Debug, Default, Deserialize)]
pub struct MonthParam {
    pub month: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<MonthParam>,
) -> PageResult {
    page(&state, &user, q.month, StatusCode::OK, Value::Null).await
}

async fn page(
    state: &AppState,
    user: &PageUser,
    month: Option<String>,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let who = user.actor();
    let month = month.unwrap_or_else(|| today_jst(Utc::now()).format("%Y-%m").to_string());
    let hours = state.app.hours_by_person(&who, &month).await?;
    let absences = state.app.absences(&who).await?;
    let people: Vec<Value> = state
        .app
        .roster(&who)
        .await?
        .into_iter()
        .map(|p| json!({"id": p.id, "name": p.details.name}))
        .collect();
    let kinds: Vec<Value> = AbsenceKind::all()
        .iter()
        .map(|k| json!({"value": k.code(), "label": k.label()}))
        .collect();
    let mut ctx = json!({"month": month, "hours": hours, "absences": absences, "people": people,
        "kinds": kinds, "can_keep": user.may(Action::KeepRoster), "form": AbsenceInput::default()});
    merge(&mut ctx, extra);
    let html = render(
        "availability.html",
        user.ctx_under("/roster", &[], "不在と稼働時間", ctx),
    )?;
    Ok((status, html).into_response())
}

pub async fn add(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<AbsenceInput>,
) -> PageResult {
    let result = state.app.add_absence(&user.actor(), &form).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |_| "/roster/availability".to_string(),
        &form,
        |status, extra| page(&state, &user, None, status, extra),
    )
    .await
}

pub async fn remove(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<RemoveAbsenceForm>,
) -> PageResult {
    let what = async {
        Ok(format!(
            "不在の予定 {id} を取り消します。その日は再び計画に入ります。"
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let result = state.app.remove_absence(&user.actor(), id).await;
    post_redirect_get(
        Done::Deleted,
        result.map_err(Into::into),
        |_| "/roster/availability".to_string(),
        &Value::Null,
        |status, extra| page(&state, &user, None, status, extra),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/roster/availability", Action::ViewRoster, show)
        .post("/roster/absences", Action::KeepRoster, add)
        .post("/roster/absences/{id}/delete", Action::KeepRoster, remove)
}
