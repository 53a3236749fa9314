//! The request chain over the API (R8): 作業依頼書, questions, 作業手順書 versions with
//! the City's decision, work records and the result report. The operations here are
//! shared with the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::FieldErrors;
use jukiops_domain::jobs::{
    AnswerInput, DecisionInput, ProcedureInput, ProcedureVerb, QuestionInput, QuestionVerb,
    ReportSummary, WorkRecordInput, WorkRequestInput,
};
use jukiops_domain::people::Action;
use jukiops_store::{
    Page, Procedure, Question, Report, TargetTerminal, WorkRecord, WorkRequest, WorkRequestSummary,
};
use serde::{Deserialize, Serialize};

use super::json::ApiJson;
use super::{JsonResult, Paging};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{Path, Query};

/// A request with everything on it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestDetail {
    pub request: WorkRequest,
    /// The terminals its jobs cover.
    pub terminals: Vec<TargetTerminal>,
    pub questions: Vec<Question>,
    /// Newest version first.
    pub procedures: Vec<Procedure>,
    pub records: Vec<WorkRecord>,
    /// What a report compiled now would say.
    pub report_preview: ReportSummary,
    /// Newest first.
    pub reports: Vec<Report>,
    /// The visits that serve it (from its plans or entered by hand), with the City's agreement.
    pub visits: Vec<jukiops_store::Visit>,
}

/// Several work records at once (a whole offline checklist).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RecordsInput {
    pub records: Vec<WorkRecordInput>,
}

/// Everything on a request.
pub async fn request_detail(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<RequestDetail, AppError> {
    user.require(Action::ViewJobs)?;
    let s = &state.store;
    Ok(RequestDetail {
        request: s.work_request(id).await?,
        terminals: s.request_terminals(id).await?,
        questions: s.questions_of(id).await?,
        procedures: s.procedures_of(id).await?,
        records: s.work_records(id).await?,
        report_preview: s.report_preview(id).await?,
        reports: s.reports_of(id).await?,
        visits: request_visits(state, id).await?,
    })
}

/// The live visits serving request `id`.
async fn request_visits(state: &AppState, id: i64) -> Result<Vec<jukiops_store::Visit>, AppError> {
    let cal = super::calendar::business_calendar(state).await?;
    let rules = state.rules(&cal);
    let q = jukiops_store::VisitQuery {
        request_id: Some(id),
        active_only: true,
        ..Default::default()
    };
    let req =
        jukiops_store::PageRequest::new(Some(1), Some(jukiops_store::PageRequest::MAX_PER_PAGE));
    Ok(state.store.visits(&rules, &q, req).await?.items)
}

pub async fn issue(
    state: &AppState,
    user: &CurrentUser,
    input: &WorkRequestInput,
) -> Result<i64, AppError> {
    let actor = user.require(Action::IssueRequests)?;
    Ok(state.store.issue_request(&actor, &input.check()?).await?)
}

pub async fn raise(
    state: &AppState,
    user: &CurrentUser,
    request_id: i64,
    input: &QuestionInput,
) -> Result<i64, AppError> {
    let actor = user.require(Action::RaiseQuestions)?;
    Ok(state
        .store
        .raise_question(&actor, request_id, &input.check()?)
        .await?)
}

pub async fn answer(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    input: &AnswerInput,
) -> Result<Option<i64>, AppError> {
    let actor = user.require(Action::AnswerQuestions)?;
    let a = input.check()?;
    Ok(state
        .store
        .move_question(&actor, id, QuestionVerb::Answer, Some(&a))
        .await?)
}

pub async fn close_question(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<Option<i64>, AppError> {
    let actor = user.require(Action::RaiseQuestions)?;
    Ok(state
        .store
        .move_question(&actor, id, QuestionVerb::Close, None)
        .await?)
}

pub async fn save_procedure(
    state: &AppState,
    user: &CurrentUser,
    request_id: i64,
    input: &ProcedureInput,
) -> Result<i64, AppError> {
    let actor = user.require(Action::WriteProcedures)?;
    Ok(state
        .store
        .save_procedure(&actor, request_id, &input.check()?)
        .await?)
}

pub async fn submit_procedure(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<i64, AppError> {
    let actor = user.require(Action::WriteProcedures)?;
    Ok(state
        .store
        .move_procedure(&actor, id, ProcedureVerb::Submit, None)
        .await?)
}

pub async fn decide_procedure(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    input: &DecisionInput,
) -> Result<i64, AppError> {
    let actor = user.require(Action::DecideProcedures)?;
    let d = input.check()?;
    Ok(state
        .store
        .move_procedure(&actor, id, ProcedureVerb::from(d.verdict), Some(&d))
        .await?)
}

pub async fn record(
    state: &AppState,
    user: &CurrentUser,
    request_id: i64,
    input: &RecordsInput,
) -> Result<usize, AppError> {
    let actor = user.require(Action::RecordWork)?;
    let mut e = FieldErrors::default();
    let mut drafts = Vec::new();
    for (i, r) in input.records.iter().enumerate() {
        match r.check() {
            Ok(d) => drafts.push(d),
            Err(errors) => errors
                .0
                .into_iter()
                .for_each(|x| e.push(format!("records[{i}].{}", x.field), x.message)),
        }
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let cal = super::calendar::business_calendar(state).await?;
    Ok(state
        .store
        .record_work(&actor, &cal, request_id, &drafts)
        .await?)
}

pub async fn submit_report(
    state: &AppState,
    user: &CurrentUser,
    request_id: i64,
) -> Result<i64, AppError> {
    let actor = user.require(Action::SubmitReports)?;
    Ok(state.store.submit_report(&actor, request_id).await?)
}

pub async fn decide_report(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    input: &DecisionInput,
) -> Result<i64, AppError> {
    let actor = user.require(Action::DecideReports)?;
    Ok(state
        .store
        .decide_report(&actor, id, &input.check()?)
        .await?)
}

pub async fn cancel(state: &AppState, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let actor = user.require(Action::IssueRequests)?;
    Ok(state.store.cancel_request(&actor, id).await?)
}

#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", params(Paging), responses((status = 200, body = Page<WorkRequestSummary>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<Paging>,
) -> JsonResult<Page<WorkRequestSummary>> {
    user.require(Action::ViewJobs)?;
    Ok(Json(state.store.work_requests(p.request()).await?))
}

/// Issues a 作業依頼書 (本市担当者) for one job, or several done in one visit with the
/// City's approval of the combination.
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = WorkRequestInput,
    responses((status = 201, body = RequestDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<WorkRequestInput>,
) -> ApiResult<(StatusCode, Json<RequestDetail>)> {
    let id = issue(&state, &user, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(request_detail(&state, &user, id).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests", params(("id" = i64, Path)), responses((status = 200, body = RequestDetail), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<RequestDetail> {
    Ok(Json(request_detail(&state, &user, id).await?))
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/cancel", tag = "requests", params(("id" = i64, Path)), responses((status = 200, body = RequestDetail), (status = 409, body = crate::error::Problem)))]
pub async fn cancel_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<RequestDetail> {
    cancel(&state, &user, id).await?;
    Ok(Json(request_detail(&state, &user, id).await?))
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/questions", tag = "requests", params(("id" = i64, Path)), request_body = QuestionInput,
    responses((status = 201, body = RequestDetail), (status = 422, body = crate::error::Problem)))]
pub async fn raise_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<QuestionInput>,
) -> ApiResult<(StatusCode, Json<RequestDetail>)> {
    raise(&state, &user, id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(request_detail(&state, &user, id).await?),
    ))
}

#[utoipa::path(post, path = "/api/v1/questions/{id}/answer", tag = "requests", params(("id" = i64, Path)), request_body = AnswerInput,
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn answer_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> ApiResult<StatusCode> {
    answer(&state, &user, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/questions/{id}/close", tag = "requests", params(("id" = i64, Path)), responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn close_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    close_question(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Writes the 作業手順書: edits the version being written, or starts the next version
/// after an approved or returned one (a new version needs a new approval).
#[utoipa::path(put, path = "/api/v1/requests/{id}/procedure", tag = "requests", params(("id" = i64, Path)), request_body = ProcedureInput,
    responses((status = 200, body = RequestDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn procedure_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ProcedureInput>,
) -> JsonResult<RequestDetail> {
    save_procedure(&state, &user, id, &input).await?;
    Ok(Json(request_detail(&state, &user, id).await?))
}

#[utoipa::path(post, path = "/api/v1/procedures/{id}/submit", tag = "requests", params(("id" = i64, Path)), responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn submit_procedure_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    submit_procedure(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Approves (refused while a question is unanswered) or returns (with a comment) a version.
#[utoipa::path(post, path = "/api/v1/procedures/{id}/decision", tag = "requests", params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 204), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide_procedure_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<StatusCode> {
    decide_procedure(&state, &user, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records steps per terminal; refused (409) without an approved procedure version.
#[utoipa::path(post, path = "/api/v1/requests/{id}/records", tag = "requests", params(("id" = i64, Path)), request_body = RecordsInput,
    responses((status = 200, body = RequestDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn records_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RecordsInput>,
) -> JsonResult<RequestDetail> {
    record(&state, &user, id, &input).await?;
    Ok(Json(request_detail(&state, &user, id).await?))
}

/// Compiles and submits the result report (業務責任者).
#[utoipa::path(post, path = "/api/v1/requests/{id}/report", tag = "requests", params(("id" = i64, Path)),
    responses((status = 201, body = RequestDetail), (status = 409, body = crate::error::Problem)))]
pub async fn report_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<RequestDetail>)> {
    submit_report(&state, &user, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(request_detail(&state, &user, id).await?),
    ))
}

/// Accepts (closing the request and its jobs) or returns a report (本市担当者).
#[utoipa::path(post, path = "/api/v1/reports/{id}/decision", tag = "requests", params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 204), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide_report_api(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<StatusCode> {
    decide_report(&state, &user, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
