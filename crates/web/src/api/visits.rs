//! Visits over the API: planned by hand or by the all-site planner, completed or cancelled.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::people::Action;
use jukiops_domain::schedule::{VisitInput, VisitVerb};
use jukiops_store::{Page, Visit, VisitQuery};
use serde::Deserialize;

use super::JsonResult;
use super::calendar::business_calendar;
use super::json::ApiJson;
use super::schedule::ScheduleQuery;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{Path, Query};

/// What happens to a visit.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VisitTransition {
    /// `complete` (実施を記録) or `cancel` (中止)
    pub verb: VisitVerb,
}

/// Visits matching `q`, judged by the rules in force.
pub async fn list_visits(
    state: &AppState,
    user: &CurrentUser,
    q: &VisitQuery,
    req: jukiops_store::PageRequest,
) -> Result<Page<Visit>, AppError> {
    user.require(Action::ViewSchedule)?;
    let cal = business_calendar(state).await?;
    let rules = state.rules(&cal);
    Ok(state.store.visits(&rules, q, req).await?)
}

/// One visit, judged by the rules in force.
pub async fn show_visit(state: &AppState, user: &CurrentUser, id: i64) -> Result<Visit, AppError> {
    user.require(Action::ViewSchedule)?;
    let cal = business_calendar(state).await?;
    let rules = state.rules(&cal);
    Ok(state.store.visit(&rules, id).await?)
}

/// Plans one visit by hand.
pub async fn plan_visit(
    state: &AppState,
    user: &CurrentUser,
    input: &VisitInput,
) -> Result<Visit, AppError> {
    let actor = user.require(Action::PlanVisits)?;
    let draft = input.check()?;
    let cal = business_calendar(state).await?;
    let rules = state.rules(&cal);
    let id = state.store.plan_visit(&actor, &rules, &draft).await?;
    Ok(state.store.visit(&rules, id).await?)
}

/// Completes or cancels a visit.
pub async fn move_visit(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    verb: VisitVerb,
) -> Result<Visit, AppError> {
    let actor = user.require(match verb {
        VisitVerb::Complete => Action::RecordVisits,
        VisitVerb::Cancel => Action::PlanVisits,
    })?;
    let cal = business_calendar(state).await?;
    let rules = state.rules(&cal);
    state.store.move_visit(&actor, &rules, id, verb).await?;
    Ok(state.store.visit(&rules, id).await?)
}

#[utoipa::path(get, path = "/api/v1/visits", tag = "schedule", params(ScheduleQuery), responses((status = 200, body = Page<Visit>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ScheduleQuery>,
) -> JsonResult<Page<Visit>> {
    let vq = VisitQuery {
        filter: q.filter()?,
        request_id: q.request_id,
        ..VisitQuery::default()
    };
    Ok(Json(list_visits(&state, &user, &vq, q.request()).await?))
}

/// Plans a visit. Outside 08:45-17:15 or on a closed day it needs an off-hours record
/// (the City's instruction, or the contractor's application) covering it.
#[utoipa::path(post, path = "/api/v1/visits", tag = "schedule", request_body = VisitInput,
    responses((status = 201, body = Visit), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<VisitInput>,
) -> ApiResult<(StatusCode, Json<Visit>)> {
    Ok((
        StatusCode::CREATED,
        Json(plan_visit(&state, &user, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "schedule", params(("id" = i64, Path)), responses((status = 200, body = Visit), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Visit> {
    Ok(Json(show_visit(&state, &user, id).await?))
}

/// Records that the visit took place (refused, 409, when it is outside the working window
/// without the City's instruction or approval) or cancels it.
#[utoipa::path(post, path = "/api/v1/visits/{id}/transition", tag = "schedule", params(("id" = i64, Path)), request_body = VisitTransition,
    responses((status = 200, body = Visit), (status = 409, body = crate::error::Problem)))]
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(t): ApiJson<VisitTransition>,
) -> JsonResult<Visit> {
    Ok(Json(move_visit(&state, &user, id, t.verb).await?))
}

/// The City agrees to one visit.
pub async fn agree_visit(state: &AppState, user: &CurrentUser, id: i64) -> Result<Visit, AppError> {
    let actor = user.require(Action::AgreeSchedule)?;
    state.store.agree_visit(&actor, id).await?;
    show_visit(state, user, id).await
}

/// The City's agreement to a visit (本市担当者).
#[utoipa::path(post, path = "/api/v1/visits/{id}/agreement", tag = "schedule", params(("id" = i64, Path)),
    responses((status = 200, body = Visit), (status = 409, body = crate::error::Problem)))]
pub async fn agreement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Visit> {
    Ok(Json(agree_visit(&state, &user, id).await?))
}
