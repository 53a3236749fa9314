//! Visits over the API (R4.4, R5): planned by hand or by the all-site planner, completed
//! or cancelled, agreed to by the City; thin handlers over [`jukiops_app::visits`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_app::visits::ScheduleQuery;
use jukiops_domain::people::Action;
use jukiops_domain::schedule::{VisitInput, VisitVerb};
use jukiops_store::{Page, Visit};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::access::{Needs, Source};
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};

/// What happens to a visit.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct VisitTransition {
    /// `complete` (実施を記録) or `cancel` (中止)
    pub verb: VisitVerb,
}

#[utoipa::path(get, path = "/api/v1/visits", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::ViewSchedule))), params(ScheduleQuery), responses((status = 200, body = Page<Visit>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ScheduleQuery>,
) -> JsonResult<Page<Visit>> {
    Ok(Json(state.app.visits(&user.actor(), &q).await?))
}

/// Plans a visit. Outside 08:45-17:15 or on a closed day it needs an off-hours record
/// (the City's instruction, or the contractor's application) covering it.
#[utoipa::path(post, path = "/api/v1/visits", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::PlanVisits))), request_body = VisitInput,
    responses((status = 201, body = Visit), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<VisitInput>,
) -> ApiResult<(StatusCode, Json<Visit>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.plan_visit(&user.actor(), &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::ViewSchedule))), params(("id" = i64, Path)), responses((status = 200, body = Visit), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Visit> {
    Ok(Json(state.app.visit(&user.actor(), id).await?))
}

/// Records that the visit took place (refused, 409, when it is outside the working window
/// without the City's instruction or approval) or cancels it.
#[utoipa::path(post, path = "/api/v1/visits/{id}/transition", tag = "schedule", extensions(("x-jukiops-action" = json!(Needs::chosen_by(Source::Body, "verb", VisitVerb::action)))), params(("id" = i64, Path)), request_body = VisitTransition,
    responses((status = 200, body = Visit), (status = 409, body = crate::error::Problem)))]
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(t): ApiJson<VisitTransition>,
) -> JsonResult<Visit> {
    Ok(Json(state.app.move_visit(&user.actor(), id, t.verb).await?))
}

/// The City's agreement to a visit (本市担当者).
#[utoipa::path(post, path = "/api/v1/visits/{id}/agreement", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::AgreeSchedule))), params(("id" = i64, Path)),
    responses((status = 200, body = Visit), (status = 409, body = crate::error::Problem)))]
pub async fn agreement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Visit> {
    Ok(Json(state.app.agree_visit(&user.actor(), id).await?))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(agreement))
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(transition))
}
