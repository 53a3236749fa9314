//! Jobs over the API (R2, R3): created from a notice or by the City's order, listed,
//! shown with their terminals, moved by the job state machine; and the category counts
//! against the contract's estimates with the burn-down. Thin handlers over
//! [`jukiops_app::jobs`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jukiops_app::jobs::JobCounts;
use jukiops_domain::jobs::{JobInput, JobVerb};
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_store::{Job, JobDetail, Page};
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
use crate::lists::{self, ListParamsDoc};

/// What happens to a job.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct JobTransition {
    /// `request`(作業依頼、本市担当者)、`start`(作業開始、受注者)、`complete`(完了の確認、本市担当者)、`cancel`(中止、本市担当者)
    pub verb: JobVerb,
}

#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(ListParamsDoc,
        ("category" = Option<String>, Query, description = "作業区分(ア〜ク)で絞り込み"),
        ("status" = Option<String>, Query, description = "状態(planned / requested / in_progress / done / cancelled)で絞り込み"),
        ("notice_id" = Option<i64>, Query, description = "J-LISからの通知のID")),
    responses((status = 200, description = "作業の一覧(検索: 作業名・内容・通知の文書番号。並べ替え: category, title, origin, notice_reference, terminal_count, status, done_on, created_at)", content((Page<Job> = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    lists::api_answer(
        state.app.job_list(&user.actor(), &p).await?,
        lists::plain_row,
    )
}

/// Creates a job. `all_terminals` resolves to the terminals in use now, stored with the
/// job; a job from a notice records 作業登録 on the notice in the same transaction. At most
/// 1,000 chosen `terminal_ids`.
#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ManageJobs))), request_body = JobInput,
    responses((status = 201, body = JobDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<JobInput>,
) -> ApiResult<(StatusCode, Json<JobDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.create_job(&user.actor(), &input).await?),
    ))
}

/// A job with its target terminals.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(("id" = i64, Path)), responses((status = 200, body = JobDetail), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<JobDetail> {
    Ok(Json(state.app.job(&user.actor(), id).await?))
}

/// Moves a job; refused (409) with the Japanese reason when the status or role forbids it.
/// Completing records the Japan-time date as `done_on`.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/transition", tag = "jobs", extensions(("x-jukiops-action" = json!(Needs::chosen_by(Source::Body, "verb", JobVerb::action)))), params(("id" = i64, Path)), request_body = JobTransition,
    responses((status = 200, body = JobDetail), (status = 409, body = crate::error::Problem)))]
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(t): ApiJson<JobTransition>,
) -> JsonResult<JobDetail> {
    Ok(Json(state.app.move_job(&user.actor(), id, t.verb).await?))
}

/// Jobs per category against the contract's expected counts (ウ・エ together), and the
/// monthly burn-down of the estimated total.
#[utoipa::path(get, path = "/api/v1/jobs/counts", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), responses((status = 200, body = JobCounts)))]
pub async fn counts(State(state): State<AppState>, user: CurrentUser) -> JsonResult<JobCounts> {
    Ok(Json(state.app.job_counts(&user.actor()).await?))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(counts))
        .routes(routes!(show))
        .routes(routes!(transition))
}
