//! カ over the API (R3.3): the City's checklist template, one filled checklist per
//! terminal of a カ job, the job's findings and terminals left, and the follow-up エ job
//! raised from a finding. Thin handlers over [`jukiops_app::inspections`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::jobs::{ChecklistInput, ChecklistTemplate, ChecklistTemplateInput};
use jukiops_domain::people::Action;
use jukiops_store::{JobDetail, JobInspections};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::Path;

/// Which finding of the terminal's checklist a follow-up job is raised for.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct FollowUpInput {
    /// 不合格だった点検項目のID
    pub item_id: String,
}

/// The checklist template in force: the City's latest edit, or the built-in one.
#[utoipa::path(get, path = "/api/v1/inspection/template", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))),
    responses((status = 200, body = ChecklistTemplate)))]
pub async fn template(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<ChecklistTemplate> {
    Ok(Json(state.app.inspection_template(&user.actor()).await?))
}

/// Replaces the checklist template (本市担当者): 1-100 items with unique ids.
#[utoipa::path(put, path = "/api/v1/inspection/template", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::EditInspectionTemplate))), request_body = ChecklistTemplateInput,
    responses((status = 200, body = ChecklistTemplate), (status = 422, body = crate::error::Problem)))]
pub async fn put_template(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ChecklistTemplateInput>,
) -> JsonResult<ChecklistTemplate> {
    Ok(Json(
        state
            .app
            .save_inspection_template(&user.actor(), &input)
            .await?,
    ))
}

/// The filled checklists of a カ job, their findings and the terminals not yet inspected.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/inspections", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(("id" = i64, Path)),
    responses((status = 200, body = JobInspections), (status = 404, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<JobInspections> {
    Ok(Json(state.app.job_inspections(&user.actor(), id).await?))
}

/// Records one terminal's checklist (作業従事者・業務責任者): at most 100 answers, one per
/// item of the template; a second for the same terminal replaces the first. The first
/// record of a requested job starts it.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/inspections", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::RecordWork))), params(("id" = i64, Path)), request_body = ChecklistInput,
    responses((status = 201, body = JobInspections), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ChecklistInput>,
) -> ApiResult<(StatusCode, Json<JobInspections>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .app
                .record_inspection(&user.actor(), id, &input)
                .await?,
        ),
    ))
}

/// Raises an エ job (the City's order) on the terminal for a failed item, titled after
/// it and linked back; once per finding (409 the second time).
#[utoipa::path(post, path = "/api/v1/jobs/{id}/inspections/{terminal_id}/follow-up", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ManageJobs))),
    params(("id" = i64, Path), ("terminal_id" = i64, Path)), request_body = FollowUpInput,
    responses((status = 201, body = JobDetail), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, terminal_id)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> ApiResult<(StatusCode, Json<JobDetail>)> {
    let job = state
        .app
        .raise_follow_up(&user.actor(), id, terminal_id, &input.item_id)
        .await?;
    Ok((StatusCode::CREATED, Json(job)))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(template, put_template))
        .routes(routes!(list, create))
        .routes(routes!(follow_up))
}
