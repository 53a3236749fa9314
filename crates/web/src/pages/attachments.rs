//! Attachments on the pages (R2.4, R8.2, R8.3): the upload forms of the notice, request and
//! on-site pages post here (multipart), and the lists link to the download.

use super::extract::{Path, Query};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use jukiops_app::attachments::{AttachmentHome, OwnerQuery};
use jukiops_domain::attachments::OwnerKind;
use jukiops_domain::people::Action;
use serde_json::json;

use super::PageRoutes;
use super::{PageError, PageResult, PageUser, see_other};
use crate::AppState;
use crate::access::{Needs, Source};
use crate::api::attachments::{download_response, too_large};
use crate::error::AppError;

fn no_file() -> AppError {
    AppError::field(
        StatusCode::UNPROCESSABLE_ENTITY,
        "file",
        "添付するファイルを選んでください。",
    )
}

/// Reads the form's `file` field: its name and content.
pub(super) async fn read_file(
    state: &AppState,
    req: Request,
) -> Result<(String, Vec<u8>), AppError> {
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|_| no_file())?;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Err(no_file()),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(no_file()),
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_string();
        return match field.bytes().await {
            Ok(b) if name.is_empty() && b.is_empty() => Err(no_file()),
            Ok(b) => Ok((name, b.to_vec())),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(too_large()),
            Err(_) => Err(no_file()),
        };
    }
}

/// `POST /attachments?owner=&owner_id=`: the owner named in the query says which action
/// attaching needs, granted before the body is read (the form stays multipart); back to
/// the owner's page, or that page again with the reason.
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<OwnerQuery>,
    req: Request,
) -> PageResult {
    let who = user.actor();
    let upload = state.app.begin_upload(&who, &q)?;
    let (kind, owner_id) = (upload.kind(), upload.owner_id());
    let home = state.app.attachment_home(&who, kind, owner_id).await?;
    let result = match read_file(&state, req).await {
        Ok((name, bytes)) => state
            .app
            .attach(upload, &name, &bytes)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    let back = match home {
        AttachmentHome::Request(r) => format!("/requests/{r}"),
        AttachmentHome::Notice(n) => format!("/notices/{n}"),
        AttachmentHome::OnSite { request, terminal } => {
            format!("/requests/{request}/on-site/{terminal}")
        }
    };
    match result {
        Ok(_) => Ok(super::feedback::Done::Uploaded.on(see_other(&back))),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY
                    | StatusCode::CONFLICT
                    | StatusCode::PAYLOAD_TOO_LARGE
            ) =>
        {
            let extra = json!({"error": format!("添付できませんでした。{}", e.message)});
            match home {
                AttachmentHome::Request(r) => {
                    super::requests::show_page(&state, &user, r, e.status, extra).await
                }
                AttachmentHome::Notice(n) => {
                    super::notices::show_page(&state, &user, n, e.status, extra).await
                }
                AttachmentHome::OnSite { request, terminal } => {
                    super::on_site::terminal_page(
                        &state,
                        &user,
                        (request, terminal),
                        e.status,
                        extra,
                    )
                    .await
                }
            }
        }
        Err(e) => Err(PageError(e)),
    }
}

/// `GET /attachments/{id}`: the download.
pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let f = state.app.attachment(&user.actor(), id).await?;
    Ok(download_response(f))
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .post(
            "/attachments",
            Needs::chosen_by(Source::Query, "owner", OwnerKind::attach_action),
            upload,
        )
        .get("/attachments/{id}", Action::ViewJobs, download)
}
