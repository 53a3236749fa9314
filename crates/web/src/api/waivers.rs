//! Waived deliverables over the API (R8.4): the City staff record, per job, that some or
//! all of its deliverables need not be handed over. Thin handlers over
//! [`jukiops_app::waivers`].

use axum::Json;
use axum::extract::State;
use jukiops_domain::jobs::DeliverableWaiverInput;
use jukiops_domain::people::Action;
use jukiops_store::Waiver;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::extract::Path;

/// Records that some (`part`, naming them, at most 50) or all (`all`) of a job's
/// deliverables are waived (本市担当者); a second waiver replaces the first.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/waiver", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::DecideReports))), params(("id" = i64, Path)), request_body = DeliverableWaiverInput,
    responses((status = 200, body = Waiver), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DeliverableWaiverInput>,
) -> JsonResult<Waiver> {
    Ok(Json(
        state.app.record_waiver(&user.actor(), id, &input).await?,
    ))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create))
}
