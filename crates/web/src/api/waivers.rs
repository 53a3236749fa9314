//! Waived deliverables over the API (R8.4): the City staff record, per job, that some or
//! all of its deliverables need not be handed over. Shared with the pages.

use axum::Json;
use axum::extract::State;
use jukiops_domain::jobs::DeliverableWaiverInput;
use jukiops_domain::people::Action;
use jukiops_store::Waiver;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::extract::Path;

/// Records (or replaces) the waiver of job `job_id`; returns it as stored.
pub async fn record_waiver(
    state: &AppState,
    user: &CurrentUser,
    job_id: i64,
    input: &DeliverableWaiverInput,
) -> Result<Waiver, AppError> {
    let actor = user.require(Action::DecideReports)?;
    let mut input = input.clone();
    input.job_id = job_id;
    let w = input.check()?;
    state.store.record_waiver(&actor, &w).await?;
    state
        .store
        .waiver(job_id)
        .await?
        .ok_or_else(|| AppError::not_found("成果品の納品不要の記録"))
}

/// Records that some (`part`, naming them) or all (`all`) of a job's deliverables are
/// waived (本市担当者); a second waiver replaces the first.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/waiver", tag = "jobs", params(("id" = i64, Path)), request_body = DeliverableWaiverInput,
    responses((status = 200, body = Waiver), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DeliverableWaiverInput>,
) -> JsonResult<Waiver> {
    Ok(Json(record_waiver(&state, &user, id, &input).await?))
}
