//! The register of deliverables over the API (§6(1), §5(9)): listed with their due dates,
//! submitted as the raw file, accepted, returned or waived by the City, asked for by the
//! City, and each submission downloaded exactly as submitted. Thin handlers over
//! [`jukiops_app::deliverables`].

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jukiops_app::deliverables::{DeliverableDetail, DeliverableView};
use jukiops_domain::attachments::MAX_ATTACHMENT_BYTES;
use jukiops_domain::deliverables::{DecisionInput, InstructionInput, WaiverInput};
use jukiops_domain::people::Action;
use jukiops_store::DeliverableSubmission;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use super::attachments::{file_name_header, file_response, too_large};
use super::json::ApiJson;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::Path;

/// The register: every deliverable of the contract year with its due date (from the
/// contract's rule and the business calendar), status and whether it is overdue.
#[utoipa::path(get, path = "/api/v1/deliverables", tag = "deliverables", extensions(("x-jukiops-action" = json!(Action::ViewDeliverables))),
    responses((status = 200, body = Vec<DeliverableView>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<Vec<DeliverableView>> {
    Ok(Json(state.app.deliverables(&user.actor()).await?))
}

/// The City asks for a deliverable of a kind the rules do not schedule (進捗報告書, ...),
/// due on a day of the contract period.
#[utoipa::path(post, path = "/api/v1/deliverables", tag = "deliverables", extensions(("x-jukiops-action" = json!(Action::DecideDeliverables))), request_body = InstructionInput,
    responses((status = 201, body = DeliverableDetail), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn instruct(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<InstructionInput>,
) -> ApiResult<(StatusCode, Json<DeliverableDetail>)> {
    let d = state
        .app
        .instruct_deliverable(&user.actor(), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// One deliverable with its submissions.
#[utoipa::path(get, path = "/api/v1/deliverables/{id}", tag = "deliverables", extensions(("x-jukiops-action" = json!(Action::ViewDeliverables))), params(("id" = i64, Path)),
    responses((status = 200, body = DeliverableDetail), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<DeliverableDetail> {
    Ok(Json(state.app.deliverable(&user.actor(), id).await?))
}

/// Submits the deliverable (the contractor's lead or security officer): the raw file as the
/// body, its name percent-encoded (UTF-8) in `X-File-Name`; PDF, Word, Excel, images, text or
/// CSV up to 4 MiB, checked by content; kept exactly as submitted with its SHA-256.
#[utoipa::path(post, path = "/api/v1/deliverables/{id}/submissions", tag = "deliverables", extensions(("x-jukiops-action" = json!(Action::SubmitDeliverables))), params(("id" = i64, Path),
        ("X-File-Name" = String, Header, description = "ファイル名(UTF-8をパーセントエンコード)")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "提出するファイル"),
    responses((status = 201, body = DeliverableSubmission), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
        (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<DeliverableSubmission>)> {
    let name = file_name_header(&headers)?;
    let bytes = axum::body::to_bytes(body, MAX_ATTACHMENT_BYTES)
        .await
        .map_err(|_| too_large())?;
    let s = state
        .app
        .submit_deliverable(&user.actor(), id, &name, &bytes)
        .await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// The City accepts (`accept`) or returns (`return`, with a comment) the last submission.
#[utoipa::path(post, path = "/api/v1/deliverables/{id}/decision", tag = "deliverables", extensions(("x-jukiops-action" = json!(Action::DecideDeliverables))), params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, body = DeliverableDetail), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> JsonResult<DeliverableDetail> {
    Ok(Json(
        state
            .app
            .decide_deliverable(&user.actor(), id, &input)
            .await?,
    ))
}

/// The City waives the deliverable with its reason (§5(9)), unless already accepted.
#[utoipa::path(post, path = "/api/v1/deliverables/{id}/waiver", tag = "deliverables", extensions(("x-jukiops-action" = json!(Action::DecideDeliverables))), params(("id" = i64, Path)), request_body = WaiverInput,
    responses((status = 200, body = DeliverableDetail), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn waive(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<WaiverInput>,
) -> JsonResult<DeliverableDetail> {
    Ok(Json(
        state
            .app
            .waive_deliverable(&user.actor(), id, &input)
            .await?,
    ))
}

/// A submission's file exactly as submitted, always as a download.
#[utoipa::path(get, path = "/api/v1/deliverable-submissions/{id}", tag = "deliverables", extensions(("x-jukiops-action" = json!(Action::ViewDeliverables))), params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = crate::error::Problem)))]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let (meta, content) = state.app.deliverable_file(&user.actor(), id).await?;
    Ok(file_response(content, &meta.content_type, &meta.file_name))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, instruct))
        .routes(routes!(show))
        .routes(routes!(submit))
        .routes(routes!(decide))
        .routes(routes!(waive))
        .routes(routes!(download))
}
