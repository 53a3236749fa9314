//! Terminals and touch panels over the API, with the CSV export and import (R4.2).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;

use crate::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_domain::FieldError;
use jukiops_domain::inventory::csv as tcsv;
use jukiops_domain::inventory::{
    AssetKind, AssetStatus, TerminalInput, TouchPanelInput, parse_date,
};
use jukiops_domain::people::Action;
use jukiops_store::{
    AssetEvent, Authorized, ImportReport, Page, Terminal, TerminalFilter, TouchPanel,
};
use serde::{Deserialize, Serialize};

use super::json::ApiJson;
use super::{JsonResult, Paging};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TerminalQuery {
    /// 拠点ID
    pub site_id: Option<i64>,
    /// 状態(in_service, spare, under_repair, retired)
    pub status: Option<String>,
    /// 資産番号・製造番号・機種・設置場所の部分一致
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/terminals", tag = "inventory", params(TerminalQuery), responses((status = 200, body = Page<Terminal>), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TerminalQuery>,
) -> Result<Response, AppError> {
    user.require(Action::ViewInventory)?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(AssetStatus::parse(s).ok_or_else(|| {
            AppError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "status",
                "状態は in_service, spare, under_repair, retired のいずれかです。",
            )
        })?),
    };
    let filter = TerminalFilter {
        site_id: q.site_id,
        status,
        q: q.q.clone(),
    };
    let req = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .request();
    // The database builds the page's JSON; it goes out as it is (same shape as Page<Terminal>).
    let page = state.store.terminals_json(&filter, req).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        page.to_page_json(),
    )
        .into_response())
}

#[utoipa::path(post, path = "/api/v1/terminals", tag = "inventory", request_body = TerminalInput,
    responses((status = 201, body = Terminal), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<TerminalInput>,
) -> ApiResult<(StatusCode, Json<Terminal>)> {
    let actor = user.require(Action::EditInventory)?;
    let t = state.store.create_terminal(&actor, input.check()?).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

#[utoipa::path(get, path = "/api/v1/terminals/{id}", tag = "inventory", params(("id" = i64, Path)), responses((status = 200, body = Terminal), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Terminal> {
    user.require(Action::ViewInventory)?;
    Ok(Json(state.store.terminal(id).await?))
}

/// Replaces a terminal's fields; a change of site or room is recorded as a move, a change
/// to 撤去済 as retirement.
#[utoipa::path(put, path = "/api/v1/terminals/{id}", tag = "inventory", params(("id" = i64, Path)), request_body = TerminalInput,
    responses((status = 200, body = Terminal), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TerminalInput>,
) -> JsonResult<Terminal> {
    let actor = user.require(Action::EditInventory)?;
    Ok(Json(
        state
            .store
            .update_terminal(&actor, id, input.check()?)
            .await?,
    ))
}

/// The asset history of a terminal (installed, moved, swapped, retired ...).
#[utoipa::path(get, path = "/api/v1/terminals/{id}/history", tag = "inventory", params(("id" = i64, Path), Paging), responses((status = 200, body = Page<AssetEvent>)))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(p): Query<Paging>,
) -> JsonResult<Page<AssetEvent>> {
    user.require(Action::ViewInventory)?;
    state.store.terminal(id).await?;
    let all = state.store.asset_events(AssetKind::Terminal, id).await?;
    Ok(Json(Page::of_all(all, p.request())))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Attach {
    pub touch_panel_id: i64,
}

/// Attaches a touch panel; one already attached is detached (a swap) and set to 修理中.
#[utoipa::path(put, path = "/api/v1/terminals/{id}/touch-panel", tag = "inventory", params(("id" = i64, Path)), request_body = Attach,
    responses((status = 200, body = TouchPanel), (status = 409, body = crate::error::Problem)))]
pub async fn attach_touch_panel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(a): ApiJson<Attach>,
) -> JsonResult<TouchPanel> {
    let actor = user.require(Action::EditInventory)?;
    Ok(Json(
        state
            .store
            .attach_touch_panel(&actor, id, a.touch_panel_id)
            .await?,
    ))
}

/// All terminals as CSV (UTF-8 with BOM, Japanese headers) for Excel.
#[utoipa::path(get, path = "/api/v1/terminals/export", tag = "inventory", responses((status = 200, content_type = "text/csv", body = String)))]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require(Action::ViewInventory)?;
    csv_response(&state).await
}

pub async fn csv_response(state: &AppState) -> Result<Response, AppError> {
    let rows: Vec<tcsv::TerminalCsvRow> = state
        .store
        .all_terminals()
        .await?
        .into_iter()
        .map(|t| tcsv::TerminalCsvRow {
            asset_number: t.asset_number,
            serial: t.serial,
            model: t.model,
            site_code: t.site_code,
            site_name: t.site_name,
            room: t.room,
            lessor: t.lessor,
            lease_start: t.lease_start.as_deref().and_then(parse_date),
            lease_end: t.lease_end.as_deref().and_then(parse_date),
            status: t.status,
            touch_panel_asset_number: t.touch_panel_asset_number,
        })
        .collect();
    let body = tcsv::write_terminals(&rows);
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

/// Imports terminals from CSV (UTF-8 or CP932) in one transaction: any bad row imports
/// nothing, and every error names its row and column.
#[utoipa::path(post, path = "/api/v1/terminals/import", tag = "inventory", request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportResult), (status = 422, body = crate::error::Problem)))]
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> JsonResult<ImportResult> {
    let actor = user.require(Action::EditInventory)?;
    let (report, encoding) = import_with_encoding(&state, &actor, &body).await?;
    Ok(Json(ImportResult { report, encoding }))
}

/// The one import operation behind the page and the API.
pub async fn import_bytes(
    state: &AppState,
    actor: &Authorized,
    bytes: &[u8],
) -> Result<ImportReport, AppError> {
    Ok(import_with_encoding(state, actor, bytes).await?.0)
}

async fn import_with_encoding(
    state: &AppState,
    actor: &Authorized,
    bytes: &[u8],
) -> Result<(ImportReport, String), AppError> {
    let (rows, encoding) = tcsv::import_terminals(bytes).map_err(|errors| {
        let errors: Vec<FieldError> = errors
            .iter()
            .map(|e| {
                let field = match (e.row, &e.column) {
                    (Some(r), Some(c)) => format!("rows[{r}].{c}"),
                    (Some(r), None) => format!("rows[{r}]"),
                    (None, Some(c)) => format!("header.{c}"),
                    (None, None) => "file".into(),
                };
                FieldError::new(field, e.to_string())
            })
            .collect();
        let message = format!(
            "CSVに{}件の誤りがあります。何も取り込んでいません。",
            errors.len()
        );
        AppError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
            errors,
        }
    })?;
    let mut rows = rows;
    tcsv::restore_site_codes(
        rows.iter_mut().map(|(_, d)| &mut d.site_code),
        &state.store.site_codes().await?,
    );
    let report = state.store.import_terminals(actor, &rows).await?;
    let encoding = serde_json::to_value(encoding)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    Ok((report, encoding))
}

#[utoipa::path(get, path = "/api/v1/touch-panels", tag = "inventory", params(Paging), responses((status = 200, body = Page<TouchPanel>)))]
pub async fn list_touch_panels(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<Paging>,
) -> JsonResult<Page<TouchPanel>> {
    user.require(Action::ViewInventory)?;
    Ok(Json(state.store.touch_panels(p.request()).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewTouchPanel {
    #[serde(flatten)]
    pub panel: TouchPanelInput,
    /// Attach to this terminal at once (optional).
    pub terminal_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/touch-panels", tag = "inventory", request_body = NewTouchPanel,
    responses((status = 201, body = TouchPanel), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_touch_panel(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(n): ApiJson<NewTouchPanel>,
) -> ApiResult<(StatusCode, Json<TouchPanel>)> {
    let actor = user.require(Action::EditInventory)?;
    let p = state
        .store
        .create_touch_panel(&actor, n.panel.check()?, n.terminal_id)
        .await?;
    Ok((StatusCode::CREATED, Json(p)))
}

#[utoipa::path(get, path = "/api/v1/touch-panels/{id}", tag = "inventory", params(("id" = i64, Path)), responses((status = 200, body = TouchPanel), (status = 404, body = crate::error::Problem)))]
pub async fn show_touch_panel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<TouchPanel> {
    user.require(Action::ViewInventory)?;
    Ok(Json(state.store.touch_panel(id).await?))
}
