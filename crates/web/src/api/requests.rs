//! The request chain over the API (R8): 作業依頼書, questions, 作業手順書 versions with
//! the City's decision, work records and the result report; thin handlers over
//! [`jukiops_app::requests`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_app::requests::RequestDetail;
use jukiops_domain::people::Action;
use jukiops_domain::requests::{
    AnswerInput, DecisionInput, ProcedureInput, ProcedureVerb, QuestionInput, QuestionVerb,
    RecordsInput, WorkRequestInput,
};
use jukiops_store::{Page, WorkRequestSummary};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};
use crate::lists::{self, ListParamsDoc};
use axum::response::Response;
use jukiops_domain::listing::ListParams;

#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(ListParamsDoc,
        ("status" = Option<String>, Query, description = "状態で絞り込み(issued, completed など状態のコード)"),
        ("waiting" = Option<String>, Query, description = "対応待ちで絞り込み(procedure_submitted, procedure_returned, question_open, report_submitted, report_returned)"),
        ("issued_from" = Option<String>, Query, description = "発行日がこの日以降(YYYY-MM-DD)"),
        ("issued_to" = Option<String>, Query, description = "発行日がこの日以前(YYYY-MM-DD)")),
    responses((status = 200, description = "作業依頼書の一覧(検索: 番号・依頼内容・拠点名・拠点コード。並べ替え: request_number, subject, issued_on, period_from, period_to, status)", content((Page<WorkRequestSummary> = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    lists::api_answer(
        state.app.work_request_list(&user.actor(), &p).await?,
        lists::plain_row,
    )
}

/// Issues a 作業依頼書 (本市担当者) for one job, or several done in one visit with the
/// City's approval of the combination.
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", extensions(("x-jukiops-action" = json!(Action::IssueRequests))), request_body = WorkRequestInput,
    responses((status = 201, body = RequestDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<WorkRequestInput>,
) -> ApiResult<(StatusCode, Json<RequestDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.issue_request(&user.actor(), &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(("id" = i64, Path)), responses((status = 200, body = RequestDetail), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<RequestDetail> {
    Ok(Json(state.app.work_request(&user.actor(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/cancel", tag = "requests", extensions(("x-jukiops-action" = json!(Action::IssueRequests))), params(("id" = i64, Path)), responses((status = 200, body = RequestDetail), (status = 409, body = crate::error::Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<RequestDetail> {
    Ok(Json(state.app.cancel_request(&user.actor(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/questions", tag = "requests", extensions(("x-jukiops-action" = json!(Action::RaiseQuestions))), params(("id" = i64, Path)), request_body = QuestionInput,
    responses((status = 201, body = RequestDetail), (status = 422, body = crate::error::Problem)))]
pub async fn raise_question(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<QuestionInput>,
) -> ApiResult<(StatusCode, Json<RequestDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.raise_question(&user.actor(), id, &input).await?),
    ))
}

#[utoipa::path(post, path = "/api/v1/questions/{id}/answer", tag = "requests", extensions(("x-jukiops-action" = json!(QuestionVerb::Answer.action()))), params(("id" = i64, Path)), request_body = AnswerInput,
    responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn answer_question(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> ApiResult<StatusCode> {
    state.app.answer_question(&user.actor(), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/questions/{id}/close", tag = "requests", extensions(("x-jukiops-action" = json!(QuestionVerb::Close.action()))), params(("id" = i64, Path)), responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn close_question(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.app.close_question(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/questions/{id}/change-approval", tag = "requests", extensions(("x-jukiops-action" = json!(QuestionVerb::ApproveChange.action()))), params(("id" = i64, Path)), responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn approve_question_change(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.app.approve_question_change(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Writes the 作業手順書: edits the version being written, or starts the next version
/// after an approved or returned one (a new version needs a new approval).
#[utoipa::path(put, path = "/api/v1/requests/{id}/procedure", tag = "requests", extensions(("x-jukiops-action" = json!(Action::WriteProcedures))), params(("id" = i64, Path)), request_body = ProcedureInput,
    responses((status = 200, body = RequestDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn save_procedure(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ProcedureInput>,
) -> JsonResult<RequestDetail> {
    Ok(Json(
        state.app.save_procedure(&user.actor(), id, &input).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/procedures/{id}/submit", tag = "requests", extensions(("x-jukiops-action" = json!(ProcedureVerb::Submit.action()))), params(("id" = i64, Path)), responses((status = 204), (status = 409, body = crate::error::Problem)))]
pub async fn submit_procedure(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.app.submit_procedure(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Approves (refused while a question is unanswered) or returns (with a comment) a version.
#[utoipa::path(post, path = "/api/v1/procedures/{id}/decision", tag = "requests", extensions(("x-jukiops-action" = json!(Action::DecideProcedures))), params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 204), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide_procedure(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<StatusCode> {
    state
        .app
        .decide_procedure(&user.actor(), id, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records steps per terminal; refused (409) without an approved procedure version, and
/// (422) with more records than the request has terminals and steps.
#[utoipa::path(post, path = "/api/v1/requests/{id}/records", tag = "requests", extensions(("x-jukiops-action" = json!(Action::RecordWork))), params(("id" = i64, Path)), request_body = RecordsInput,
    responses((status = 200, body = RequestDetail), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn record_work(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RecordsInput>,
) -> JsonResult<RequestDetail> {
    Ok(Json(
        state.app.record_work(&user.actor(), id, &input).await?,
    ))
}

/// Compiles and submits the result report (業務責任者).
#[utoipa::path(post, path = "/api/v1/requests/{id}/report", tag = "requests", extensions(("x-jukiops-action" = json!(Action::SubmitReports))), params(("id" = i64, Path)),
    responses((status = 201, body = RequestDetail), (status = 409, body = crate::error::Problem)))]
pub async fn submit_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<RequestDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.submit_report(&user.actor(), id).await?),
    ))
}

/// Accepts (closing the request and its jobs) or returns a report (本市担当者).
#[utoipa::path(post, path = "/api/v1/reports/{id}/decision", tag = "requests", extensions(("x-jukiops-action" = json!(Action::DecideReports))), params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 204), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<StatusCode> {
    state.app.decide_report(&user.actor(), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Decides a step of the City's 決裁 of a request's combined jobs (本市担当者, R4.3).
#[utoipa::path(post, path = "/api/v1/requests/{id}/combination-decision", tag = "requests", extensions(("x-jukiops-action" = json!(Action::IssueRequests))), params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = RequestDetail), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide_combination(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> JsonResult<RequestDetail> {
    Ok(Json(
        state
            .app
            .decide_combination(&user.actor(), id, &input)
            .await?,
    ))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(cancel))
        .routes(routes!(raise_question))
        .routes(routes!(answer_question))
        .routes(routes!(close_question))
        .routes(routes!(approve_question_change))
        .routes(routes!(save_procedure))
        .routes(routes!(submit_procedure))
        .routes(routes!(decide_procedure))
        .routes(routes!(record_work))
        .routes(routes!(submit_report))
        .routes(routes!(decide_report))
        .routes(routes!(decide_combination))
}
