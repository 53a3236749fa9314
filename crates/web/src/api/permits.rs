//! Building-entry permits (R5.5) over the API: applied for by the contractor's lead,
//! granted or refused by the City, withdrawn; thin handlers over
//! [`jukiops_app::permits`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_app::visits::ScheduleQuery;
use jukiops_domain::people::Action;
use jukiops_domain::schedule::{PermitDecision, PermitInput, PermitVerb};
use jukiops_store::{Page, Permit};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::access::{Needs, Source};
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};

#[utoipa::path(get, path = "/api/v1/permits", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::ViewSchedule))), params(ScheduleQuery), responses((status = 200, body = Page<Permit>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ScheduleQuery>,
) -> JsonResult<Page<Permit>> {
    Ok(Json(state.app.permits(&user.actor(), &q).await?))
}

#[utoipa::path(post, path = "/api/v1/permits", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::RequestPermits))), request_body = PermitInput,
    responses((status = 201, body = Permit), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<PermitInput>,
) -> ApiResult<(StatusCode, Json<Permit>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.request_permit(&user.actor(), &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/permits/{id}", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::ViewSchedule))), params(("id" = i64, Path)), responses((status = 200, body = Permit), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Permit> {
    Ok(Json(state.app.permit(&user.actor(), id).await?))
}

/// Grants or refuses a permit (本市担当者), or withdraws the application (業務責任者);
/// refused (409) with the reason.
#[utoipa::path(post, path = "/api/v1/permits/{id}/decision", tag = "schedule", extensions(("x-jukiops-action" = json!(Needs::chosen_by(Source::Body, "verb", PermitVerb::action)))), params(("id" = i64, Path)), request_body = PermitDecision,
    responses((status = 200, body = Permit), (status = 409, body = crate::error::Problem)))]
pub async fn decision(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<PermitDecision>,
) -> JsonResult<Permit> {
    Ok(Json(state.app.decide_permit(&user.actor(), id, &d).await?))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(decision))
}
