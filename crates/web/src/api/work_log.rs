//! The log of work that is not on the equipment (§6(4)) over the API; thin handlers over
//! [`jukiops_app::work_log`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_app::work_log::WorkLogQuery;
use jukiops_domain::people::Action;
use jukiops_domain::work_log::WorkLogInput;
use jukiops_store::{Page, WorkLogEntry};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::Query;

/// Entries of the contract year, newest day first.
#[utoipa::path(get, path = "/api/v1/work-log", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(WorkLogQuery),
    responses((status = 200, body = Page<WorkLogEntry>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<WorkLogQuery>,
) -> JsonResult<Page<WorkLogEntry>> {
    Ok(Json(state.app.work_log(&user.actor(), &q).await?))
}

/// Records an entry (業務責任者・作業従事者): a day of the contract period up to today, a
/// person of the contractor (by default the one recording), a request of the same year.
#[utoipa::path(post, path = "/api/v1/work-log", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::RecordWork))), request_body = WorkLogInput,
    responses((status = 201, body = WorkLogEntry), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<WorkLogInput>,
) -> ApiResult<(StatusCode, Json<WorkLogEntry>)> {
    let entry = state.app.record_work_log(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create))
}
