//! Off-hours work (R5.3) over the API: the City's instruction or the contractor's
//! application, the City's decision, the withdrawal; thin handlers over
//! [`jukiops_app::off_hours`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_app::visits::ScheduleQuery;
use jukiops_domain::people::Action;
use jukiops_domain::schedule::{OffHoursDecision, OffHoursInput, OffHoursVerb};
use jukiops_store::{OffHours, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::access::{Needs, Source};
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};

#[utoipa::path(get, path = "/api/v1/off-hours", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::ViewSchedule))), params(ScheduleQuery), responses((status = 200, body = Page<OffHours>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ScheduleQuery>,
) -> JsonResult<Page<OffHours>> {
    Ok(Json(state.app.off_hours_list(&user.actor(), &q).await?))
}

/// The City's instruction (cause `city`, by 本市担当者) or the contractor's application
/// (cause `contractor`, by 業務責任者) for work outside 08:45-17:15 or on a closed day.
#[utoipa::path(post, path = "/api/v1/off-hours", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::FileOffHours))), request_body = OffHoursInput,
    responses((status = 201, body = OffHours), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<OffHoursInput>,
) -> ApiResult<(StatusCode, Json<OffHours>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.file_off_hours(&user.actor(), &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/off-hours/{id}", tag = "schedule", extensions(("x-jukiops-action" = json!(Action::ViewSchedule))), params(("id" = i64, Path)), responses((status = 200, body = OffHours), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<OffHours> {
    Ok(Json(state.app.off_hours(&user.actor(), id).await?))
}

/// Approves or rejects an application (本市担当者), or withdraws a record (whoever
/// recorded it); refused (409) with the reason.
#[utoipa::path(post, path = "/api/v1/off-hours/{id}/decision", tag = "schedule", extensions(("x-jukiops-action" = json!(Needs::chosen_by(Source::Body, "verb", OffHoursVerb::action)))), params(("id" = i64, Path)), request_body = OffHoursDecision,
    responses((status = 200, body = OffHours), (status = 409, body = crate::error::Problem)))]
pub async fn decision(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<OffHoursDecision>,
) -> JsonResult<OffHours> {
    Ok(Json(
        state.app.decide_off_hours(&user.actor(), id, &d).await?,
    ))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(decision))
}
