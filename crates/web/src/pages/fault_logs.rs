//! Fault logs on the incident page (§5(6)ア): the form posts the file and the medium here
//! (multipart), and the list links to the download.

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use jukiops_domain::incidents::FaultLogRules;
use jukiops_domain::people::Action;
use serde_json::json;

use super::extract::Path;
use super::feedback::Done;
use super::{PageError, PageResult, PageRoutes, PageUser, see_other};
use crate::AppState;
use crate::api::fault_logs::{download_response, too_large};
use crate::error::AppError;

fn no_file() -> AppError {
    AppError::field(
        StatusCode::UNPROCESSABLE_ENTITY,
        "file",
        "保管する障害ログのファイルを選んでください。",
    )
}

/// The form's `file` (name and content) and `medium`.
struct LogForm {
    name: String,
    bytes: Vec<u8>,
    medium: Option<String>,
}

async fn read_form(
    state: &AppState,
    req: Request,
    rules: FaultLogRules,
) -> Result<LogForm, AppError> {
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|_| no_file())?;
    let mut file = None;
    let mut medium = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(rules)),
            Err(_) => return Err(no_file()),
        };
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(b) if name.is_empty() && b.is_empty() => {}
                    Ok(b) if b.len() > rules.max_bytes() => return Err(too_large(rules)),
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(too_large(rules));
                    }
                    Err(_) => return Err(no_file()),
                }
            }
            Some("medium") => medium = field.text().await.ok(),
            _ => {}
        }
    }
    let (name, bytes) = file.ok_or_else(no_file)?;
    Ok(LogForm {
        name,
        bytes,
        medium,
    })
}

/// `POST /incidents/{id}/logs`: the role is checked before the body is read; back to the
/// incident's page, or that page again with the reason (nothing stored).
pub async fn upload(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    req: Request,
) -> PageResult {
    let upload = state.app.begin_fault_log(&user.actor(), id).await?;
    let rules = state.app.fault_log_rules();
    let result = match read_form(&state, req, rules).await {
        Ok(f) => state
            .app
            .store_fault_log(upload, &f.name, &f.bytes, f.medium.as_deref())
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Done::Uploaded.on(see_other(&format!("/incidents/{id}#logs")))),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY
                    | StatusCode::CONFLICT
                    | StatusCode::PAYLOAD_TOO_LARGE
            ) =>
        {
            let extra =
                json!({"log_error": format!("障害ログを保管できませんでした。{}", e.message)});
            super::incidents::show_page(&state, &user, id, e.status, extra).await
        }
        Err(e) => Err(PageError(e)),
    }
}

/// `GET /fault-logs/{id}`: the download.
pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let f = state.app.fault_log_file(&user.actor(), id).await?;
    Ok(download_response(f))
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .post("/incidents/{id}/logs", Action::CollectFaultLogs, upload)
        .get("/fault-logs/{id}", Action::ViewFaultLogs, download)
}
