//! Attachments over the API (R2.4, R8.2, R8.3): a notice's files, a draft 作業手順書's
//! files and a request's evidence of work, uploaded as the raw body, listed and downloaded.
//! Thin handlers over [`jukiops_app::attachments`]; the download's headers are shared with
//! the pages.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_app::attachments::OwnerQuery;
use jukiops_domain::FieldErrors;
use jukiops_domain::attachments::{
    MAX_ATTACHMENT_BYTES, OwnerKind, content_disposition, percent_decode,
};
use jukiops_domain::people::Action;
use jukiops_store::{Attachment, AttachmentFile, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{JsonResult, Paging};
use crate::AppState;
use crate::access::{Needs, Source};
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{Path, Query};

/// The refusal of a file larger than 4 MiB (413, on the field `file`).
pub fn too_large() -> AppError {
    AppError::field(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file",
        "ファイルが大きすぎます。添付できるのは4メガバイトまでです。",
    )
}

/// Uploads a file: the raw content as the body, its name percent-encoded (UTF-8) in
/// `X-File-Name`. PDF, PNG, JPEG, xlsx, docx, txt and CSV (UTF-8) up to 4 MiB, checked by
/// their first bytes and extension. Notices: the City; a procedure version: the lead, while
/// it is a draft (a submitted or decided version is frozen, 409); a request's evidence:
/// those who record work. The role is checked before the body is read.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "jobs", extensions(("x-jukiops-action" = json!(Needs::chosen_by(Source::Query, "owner", OwnerKind::attach_action)))), params(OwnerQuery,
        ("X-File-Name" = String, Header, description = "ファイル名(UTF-8をパーセントエンコード)")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "ファイルの内容"),
    responses((status = 201, body = Attachment), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OwnerQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let upload = state.app.begin_upload(&user.actor(), &q)?;
    let name = file_name_header(&headers)?;
    let bytes = axum::body::to_bytes(body, MAX_ATTACHMENT_BYTES)
        .await
        .map_err(|_| too_large())?;
    let a = state.app.attach(upload, &name, &bytes).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// The attachments of a notice, a procedure version or a request (metadata only).
#[utoipa::path(get, path = "/api/v1/attachments", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(OwnerQuery),
    responses((status = 200, body = Page<Attachment>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OwnerQuery>,
    Query(p): Query<Paging>,
) -> JsonResult<Page<Attachment>> {
    let all = state.app.attachments(&user.actor(), &q).await?;
    Ok(Json(Page::of_all(all, p.request())))
}

/// Downloads an attachment as stored, always as a download (never shown inline).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "jobs", extensions(("x-jukiops-action" = json!(Action::ViewJobs))), params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = crate::error::Problem)))]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let f = state.app.attachment(&user.actor(), id).await?;
    Ok(download_response(f))
}

/// The name of an uploaded file, percent-encoded (UTF-8) in `X-File-Name`; its absence is
/// an error on the field `file`.
pub fn file_name_header(headers: &HeaderMap) -> Result<String, AppError> {
    headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .and_then(percent_decode)
        .ok_or_else(|| {
            let mut e = FieldErrors::default();
            e.push(
                "file",
                "ファイル名を X-File-Name ヘッダー(UTF-8をパーセントエンコード)で指定してください。",
            );
            AppError::invalid(e)
        })
}

/// The download of a file: its stored content type, `attachment` with its name, `nosniff`
/// and no caching; the page's download link answers the same.
pub fn download_response(f: AttachmentFile) -> Response {
    file_response(f.content, &f.meta.content_type, &f.meta.file_name)
}

/// A stored file as a download: its content type, `attachment` with its name, `nosniff`
/// and no caching. Attachments and fault logs answer the same way.
pub fn file_response(content: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&content_disposition(file_name))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let mut res = content.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, content_type);
    h.insert(header::CONTENT_DISPOSITION, disposition);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, upload))
        .routes(routes!(download))
}
