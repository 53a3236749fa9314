//! カ over the API (R3.3): the City's checklist template, one filled checklist per
//! terminal of a カ job, the job's findings and terminals left, and the follow-up エ job
//! raised from a finding. Shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::jobs::{ChecklistInput, ChecklistTemplate, ChecklistTemplateInput};
use jukiops_domain::people::Action;
use jukiops_store::{JobDetail, JobInspections};
use serde::{Deserialize, Serialize};

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::Path;

/// Which finding of the terminal's checklist a follow-up job is raised for.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct FollowUpInput {
    /// 不合格だった点検項目のID
    pub item_id: String,
}

/// Stores the City's new template; returns it as stored.
pub async fn save_template(
    state: &AppState,
    user: &CurrentUser,
    input: &ChecklistTemplateInput,
) -> Result<ChecklistTemplate, AppError> {
    let actor = user.require(Action::EditInspectionTemplate)?;
    let t = input.check()?;
    state.store.save_inspection_template(&actor, &t).await?;
    Ok(state.store.inspection_template().await?)
}

/// Records (or replaces) one terminal's checklist of カ job `job_id`.
pub async fn record_inspection(
    state: &AppState,
    user: &CurrentUser,
    job_id: i64,
    input: &ChecklistInput,
) -> Result<JobInspections, AppError> {
    let actor = user.require(Action::RecordWork)?;
    let template = state.store.inspection_template().await?;
    let c = input.check(&template)?;
    state.store.record_inspection(&actor, job_id, &c).await?;
    Ok(state.store.job_inspections(job_id).await?)
}

/// The checklists of a カ job (404 for other jobs).
pub async fn inspections_of(
    state: &AppState,
    user: &CurrentUser,
    job_id: i64,
) -> Result<JobInspections, AppError> {
    user.require(Action::ViewJobs)?;
    let job = state.store.job(job_id).await?;
    if job.job.category != CategoryCode::AnnualInspection {
        return Err(AppError::not_found("作業区分カの作業"));
    }
    Ok(state.store.job_inspections(job_id).await?)
}

/// Raises the follow-up エ job of a finding; returns the new job.
pub async fn raise_follow_up(
    state: &AppState,
    user: &CurrentUser,
    job_id: i64,
    terminal_id: i64,
    item_id: &str,
) -> Result<JobDetail, AppError> {
    let actor = user.require(Action::ManageJobs)?;
    let id = state
        .store
        .raise_follow_up(&actor, job_id, terminal_id, item_id)
        .await?;
    Ok(state.store.job(id).await?)
}

/// The checklist template in force: the City's latest edit, or the built-in one.
#[utoipa::path(get, path = "/api/v1/inspection/template", tag = "jobs",
    responses((status = 200, body = ChecklistTemplate)))]
pub async fn template(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<ChecklistTemplate> {
    user.require(Action::ViewJobs)?;
    Ok(Json(state.store.inspection_template().await?))
}

/// Replaces the checklist template (本市担当者): 1-100 items with unique ids.
#[utoipa::path(put, path = "/api/v1/inspection/template", tag = "jobs", request_body = ChecklistTemplateInput,
    responses((status = 200, body = ChecklistTemplate), (status = 422, body = crate::error::Problem)))]
pub async fn put_template(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ChecklistTemplateInput>,
) -> JsonResult<ChecklistTemplate> {
    Ok(Json(save_template(&state, &user, &input).await?))
}

/// The filled checklists of a カ job, their findings and the terminals not yet inspected.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/inspections", tag = "jobs", params(("id" = i64, Path)),
    responses((status = 200, body = JobInspections), (status = 404, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<JobInspections> {
    Ok(Json(inspections_of(&state, &user, id).await?))
}

/// Records one terminal's checklist (作業従事者・業務責任者); a second for the same
/// terminal replaces the first. The first record of a requested job starts it.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/inspections", tag = "jobs", params(("id" = i64, Path)), request_body = ChecklistInput,
    responses((status = 201, body = JobInspections), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ChecklistInput>,
) -> ApiResult<(StatusCode, Json<JobInspections>)> {
    Ok((
        StatusCode::CREATED,
        Json(record_inspection(&state, &user, id, &input).await?),
    ))
}

/// Raises an エ job (the City's order) on the terminal for a failed item, titled after
/// it and linked back; once per finding (409 the second time).
#[utoipa::path(post, path = "/api/v1/jobs/{id}/inspections/{terminal_id}/follow-up", tag = "jobs",
    params(("id" = i64, Path), ("terminal_id" = i64, Path)), request_body = FollowUpInput,
    responses((status = 201, body = JobDetail), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, terminal_id)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> ApiResult<(StatusCode, Json<JobDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(raise_follow_up(&state, &user, id, terminal_id, &input.item_id).await?),
    ))
}
