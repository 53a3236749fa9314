//! Fault logs of incidents over the API (§5(6)ア): stored as the raw body, listed and
//! downloaded by those who need them. Thin handlers over [`jukiops_app::fault_logs`]; the
//! download's headers are shared with the pages.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jukiops_domain::incidents::FaultLogRules;
use jukiops_domain::people::Action;
use jukiops_store::{FaultLog, FaultLogFile};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{Path, Query};

/// `?medium=`: what the log was carried on.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct MediumQuery {
    /// 障害ログを持ち出した媒体(USBメモリの管理番号など)
    pub medium: Option<String>,
}

/// The refusal of a log larger than the contract allows (413, on the field `file`).
pub fn too_large(rules: FaultLogRules) -> AppError {
    AppError::field(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file",
        rules.too_large_message(),
    )
}

/// Stores a fault log collected from the incident's terminal (受託者): the raw content
/// as the body, its name percent-encoded (UTF-8) in `X-File-Name`, the medium it was carried
/// on in `medium`. Event logs (.evtx), text (.txt, .log, UTF-8) and ZIP archives, checked by
/// content, up to the contract's `[fault_logs] max_kilobytes`; kept with their SHA-256
/// until the contract's retention ends. Records a 障害ログの取得 on the timeline.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/logs", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::CollectFaultLogs))), params(("id" = i64, Path), MediumQuery,
        ("X-File-Name" = String, Header, description = "ファイル名(UTF-8をパーセントエンコード)")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "障害ログの内容"),
    responses((status = 201, body = FaultLog), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<MediumQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<FaultLog>)> {
    let upload = state.app.begin_fault_log(&user.actor(), id).await?;
    let name = super::attachments::file_name_header(&headers)?;
    let rules = state.app.fault_log_rules();
    let bytes = axum::body::to_bytes(body, rules.max_bytes())
        .await
        .map_err(|_| too_large(rules))?;
    let log = state
        .app
        .store_fault_log(upload, &name, &bytes, q.medium.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(log)))
}

/// The fault logs of an incident (records only; the content of an expired one is gone).
#[utoipa::path(get, path = "/api/v1/incidents/{id}/logs", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::ViewFaultLogs))), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<FaultLog>), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Vec<FaultLog>> {
    Ok(Json(state.app.fault_logs(&user.actor(), id).await?))
}

/// Downloads a fault log as stored, always as a download; 409 once its content was
/// deleted at the end of its retention.
#[utoipa::path(get, path = "/api/v1/fault-logs/{id}", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::ViewFaultLogs))), params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let f = state.app.fault_log_file(&user.actor(), id).await?;
    Ok(download_response(f))
}

/// The download of a fault log: its kind's content type, `attachment` with its name,
/// `nosniff` and no caching.
pub fn download_response(f: FaultLogFile) -> Response {
    super::attachments::file_response(f.content, f.meta.kind.content_type(), &f.meta.file_name)
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, upload))
        .routes(routes!(download))
}
