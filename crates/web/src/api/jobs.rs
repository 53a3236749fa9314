//! Jobs over the API (R2, R3): created from a notice or by the City's order, listed,
//! shown with their terminals, moved by the job state machine; and the category counts
//! against the contract's estimates with the burn-down. Shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use jukiops_domain::FieldErrors;
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::jobs::{
    BurnDownPoint, CategoryCount, JobInput, JobStatus, JobVerb, burn_down, category_counts,
};
use jukiops_domain::people::Action;
use jukiops_domain::time::today_jst;
use jukiops_store::{Job, JobDetail, JobFilter, Page};
use serde::{Deserialize, Serialize};

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{Path, Query};
use jukiops_app::given;

/// `?category=&status=&notice_id=&page=&per_page=` of the job list.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct JobQuery {
    /// 作業区分(ア〜ク)
    pub category: Option<String>,
    /// 状態(planned / requested / in_progress / done / cancelled)
    pub status: Option<String>,
    /// J-LISからの通知のID
    pub notice_id: Option<i64>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl JobQuery {
    /// The checked filter: unknown codes are named.
    pub fn filter(&self) -> Result<JobFilter, FieldErrors> {
        let mut e = FieldErrors::default();
        let category = given(&self.category).and_then(|s| {
            let v = CategoryCode::from_kana(s);
            if v.is_none() {
                e.push("category", "作業区分はア〜クのいずれかを指定してください。");
            }
            v
        });
        let status = given(&self.status).and_then(|s| {
            let v = JobStatus::parse(s);
            if v.is_none() {
                e.push("status", "状態は planned・requested・in_progress・done・cancelled のいずれかを指定してください。");
            }
            v
        });
        e.into_result(JobFilter {
            category,
            status,
            notice_id: self.notice_id,
        })
    }
    pub fn request(&self) -> jukiops_store::PageRequest {
        jukiops_store::PageRequest::new(self.page, self.per_page)
    }
}

/// What happens to a job.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct JobTransition {
    /// `request`(作業依頼、本市担当者)、`start`(作業開始、受注者)、`complete`(完了の確認、本市担当者)、`cancel`(中止、本市担当者)
    pub verb: JobVerb,
}

/// The counts per expected-count row and the monthly burn-down.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobCounts {
    /// 日本時間の今日(YYYY-MM-DD)
    pub today: String,
    /// 見込み回数の行ごと(ウ・エは合わせて1行)の完了・未完了・残り
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<CategoryCount>,
    /// 履行期間の月ごとの残り件数(計画と実績)
    #[schema(value_type = Vec<Object>)]
    pub burn_down: Vec<BurnDownPoint>,
}

/// Creates a job (本市担当者 or 業務責任者); from a notice for ア イ ウ.
pub async fn create_job(
    state: &AppState,
    user: &CurrentUser,
    input: &JobInput,
) -> Result<JobDetail, AppError> {
    let actor = user.require(Action::ManageJobs)?;
    let draft = input.check()?;
    let id = state.store.create_job(&actor, &draft).await?;
    Ok(state.store.job(id).await?)
}

/// Moves a job by the state machine.
pub async fn move_job(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    verb: JobVerb,
) -> Result<JobDetail, AppError> {
    let actor = user.require(verb.action())?;
    state.store.move_job(&actor, id, verb).await?;
    Ok(state.store.job(id).await?)
}

/// The counts and the burn-down as of today (Japan time).
pub async fn job_counts(state: &AppState, user: &CurrentUser) -> Result<JobCounts, AppError> {
    user.require(Action::ViewJobs)?;
    let tallies = state.store.job_tallies().await?;
    let today = today_jst(Utc::now());
    Ok(JobCounts {
        today: today.to_string(),
        rows: category_counts(&state.contract, &tallies),
        burn_down: burn_down(&state.contract, &tallies, today),
    })
}

#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobQuery), responses((status = 200, body = Page<Job>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<JobQuery>,
) -> JsonResult<Page<Job>> {
    user.require(Action::ViewJobs)?;
    Ok(Json(state.store.jobs(&q.filter()?, q.request()).await?))
}

/// Creates a job. `all_terminals` resolves to the terminals in use now, stored with the
/// job; a job from a notice records 作業登録 on the notice in the same transaction.
#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs", request_body = JobInput,
    responses((status = 201, body = JobDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<JobInput>,
) -> ApiResult<(StatusCode, Json<JobDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_job(&state, &user, &input).await?),
    ))
}

/// A job with its target terminals.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", params(("id" = i64, Path)), responses((status = 200, body = JobDetail), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<JobDetail> {
    user.require(Action::ViewJobs)?;
    Ok(Json(state.store.job(id).await?))
}

/// Moves a job; refused (409) with the Japanese reason when the status or role forbids it.
/// Completing records the Japan-time date as `done_on`.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/transition", tag = "jobs", params(("id" = i64, Path)), request_body = JobTransition,
    responses((status = 200, body = JobDetail), (status = 409, body = crate::error::Problem)))]
pub async fn transition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(t): ApiJson<JobTransition>,
) -> JsonResult<JobDetail> {
    Ok(Json(move_job(&state, &user, id, t.verb).await?))
}

/// Jobs per category against the contract's expected counts (ウ・エ together), and the
/// monthly burn-down of the estimated total.
#[utoipa::path(get, path = "/api/v1/jobs/counts", tag = "jobs", responses((status = 200, body = JobCounts)))]
pub async fn counts(State(state): State<AppState>, user: CurrentUser) -> JsonResult<JobCounts> {
    Ok(Json(job_counts(&state, &user).await?))
}
