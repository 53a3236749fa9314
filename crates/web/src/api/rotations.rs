//! オ: administrator-password changes over the API (R3.2): one record per terminal of an
//! オ job (who and when, never the password), and the job's terminals still to change.
//! Thin handlers over [`jukiops_app::rotations`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::jobs::PasswordRotationInput;
use jukiops_domain::people::Action;
use jukiops_store::JobRotations;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::Path;

/// Records that a terminal's administrator password was changed (作業従事者・業務責任者).
/// The body has no password and refuses unknown fields: a `password` is rejected (422).
/// The first record of a requested job starts it.
#[utoipa::path(post, path = "/api/v1/password-rotations", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::RecordWork))), request_body = PasswordRotationInput,
    responses((status = 201, body = JobRotations), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<PasswordRotationInput>,
) -> ApiResult<(StatusCode, Json<JobRotations>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.record_rotation(&user.actor(), &input).await?),
    ))
}

/// The password changes recorded for an オ job and its terminals not yet changed.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/rotations", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(("id" = i64, Path)),
    responses((status = 200, body = JobRotations), (status = 404, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<JobRotations> {
    Ok(Json(state.app.job_rotations(&user.actor(), id).await?))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(create))
}
