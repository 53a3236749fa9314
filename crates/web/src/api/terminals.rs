//! Terminals over the API, with the CSV export and import (R4.2); thin handlers over
//! [`jukiops_app::terminals`].

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_domain::inventory::TerminalInput;
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_store::{AssetEvent, ImportMode, ImportReport, Page, Terminal};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::json::ApiJson;
use super::{JsonResult, Paging};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{Path, Query};
use crate::lists::{self, ListParamsDoc};

#[utoipa::path(get, path = "/api/v1/terminals", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::ViewInventory))), params(ListParamsDoc,
        ("site_id" = Option<i64>, Query, description = "拠点ID"),
        ("status" = Option<String>, Query, description = "状態(in_service, spare, under_repair, retired)"),
        ("lease_end_to" = Option<String>, Query, description = "リース終了日がこの日以前(YYYY-MM-DD)")),
    responses((status = 200, description = "統合端末の一覧(検索: 資産番号・製造番号・機種・設置場所・拠点名。並べ替え: asset_number, serial, model, site_name, room, lease_end, status)", content((Page<Terminal> = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> Result<Response, AppError> {
    let (request, page) = state.app.terminals_json(&user.actor(), &p).await?;
    if let Some(format) = request.format {
        let rows: Vec<serde_json::Value> = page
            .parsed()?
            .items
            .iter()
            .map(lists::labelled_row)
            .collect();
        return lists::export(&request, format, &rows, page.total);
    }
    // The database builds the page's JSON; it goes out as it is (same shape as Page<Terminal>).
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        page.to_page_json(),
    )
        .into_response())
}

#[utoipa::path(post, path = "/api/v1/terminals", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::EditInventory))), request_body = TerminalInput,
    responses((status = 201, body = Terminal), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<TerminalInput>,
) -> ApiResult<(StatusCode, Json<Terminal>)> {
    let t = state.app.create_terminal(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

#[utoipa::path(get, path = "/api/v1/terminals/{id}", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::ViewInventory))), params(("id" = i64, Path)), responses((status = 200, body = Terminal), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Terminal> {
    Ok(Json(state.app.terminal(&user.actor(), id).await?))
}

/// Replaces a terminal's fields; a change of site or room is recorded as a move, a change
/// to 撤去済 as retirement.
#[utoipa::path(put, path = "/api/v1/terminals/{id}", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::EditInventory))), params(("id" = i64, Path)), request_body = TerminalInput,
    responses((status = 200, body = Terminal), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TerminalInput>,
) -> JsonResult<Terminal> {
    Ok(Json(
        state.app.update_terminal(&user.actor(), id, &input).await?,
    ))
}

/// The asset history of a terminal (installed, moved, swapped, retired ...).
#[utoipa::path(get, path = "/api/v1/terminals/{id}/history", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::ViewInventory))), params(("id" = i64, Path), Paging), responses((status = 200, body = Page<AssetEvent>)))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(p): Query<Paging>,
) -> JsonResult<Page<AssetEvent>> {
    let all = state.app.terminal_history(&user.actor(), id).await?;
    Ok(Json(Page::of_all(all, p.request())))
}

/// All terminals as CSV (UTF-8 with BOM, Japanese headers) for Excel.
#[utoipa::path(get, path = "/api/v1/terminals/export", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::ViewInventory))), responses((status = 200, content_type = "text/csv", body = String)))]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    csv_response(&state, &user).await
}

/// The CSV export as a download, for the API and the page.
pub async fn csv_response(state: &AppState, user: &CurrentUser) -> Result<Response, AppError> {
    let body = state.app.export_terminals_csv(&user.actor()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"terminals.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    #[serde(flatten)]
    pub report: ImportReport,
    /// utf8, utf8_bom or cp932
    pub encoding: String,
}

/// How an import runs.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ImportParams {
    /// `true`: check every row and say what the import would do, writing nothing.
    pub preview: Option<bool>,
}

impl ImportParams {
    fn mode(&self) -> ImportMode {
        if self.preview == Some(true) {
            ImportMode::Preview
        } else {
            ImportMode::Apply
        }
    }
}

/// Imports terminals from CSV (UTF-8 or CP932) in one transaction: any bad row imports
/// nothing, and every error names its row and column. With `preview=true` nothing is
/// written: the answer is what the import would do.
#[utoipa::path(post, path = "/api/v1/terminals/import", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::EditInventory))), params(ImportParams), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportResult), (status = 422, body = crate::error::Problem)))]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> JsonResult<ImportResult> {
    let (report, encoding) = import_csv(&state, &user, body.to_vec(), params.mode()).await?;
    let encoding = serde_json::to_value(encoding)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    Ok(Json(ImportResult { report, encoding }))
}

/// The import for the API and the page: a refusal of rows says in one sentence that nothing
/// was imported, beside each row's error.
pub async fn import_csv(
    state: &AppState,
    user: &CurrentUser,
    bytes: Vec<u8>,
    mode: ImportMode,
) -> Result<(ImportReport, jukiops_domain::inventory::csv::SourceEncoding), AppError> {
    state
        .app
        .import_terminals_csv(&user.actor(), bytes, mode)
        .await
        .map_err(|e| {
            let mut e = AppError::from(e);
            if e.status == StatusCode::UNPROCESSABLE_ENTITY && !e.errors.is_empty() {
                e.message = format!(
                    "CSVに{}件の誤りがあります。何も取り込んでいません。",
                    e.errors.len()
                );
            }
            e
        })
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, update))
        .routes(routes!(history))
        .routes(routes!(export))
        .routes(routes!(import))
}
