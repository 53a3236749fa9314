//! Touch panels over the API; thin handlers over [`jukiops_app::touch_panels`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::inventory::TouchPanelInput;
use jukiops_domain::people::Action;
use jukiops_store::{Page, TouchPanel};
use serde::Deserialize;
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

#[utoipa::path(get, path = "/api/v1/touch-panels", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::ViewInventory))), params(ListParamsDoc,
        ("status" = Option<String>, Query, description = "状態で絞り込み(in_service, spare, under_repair, retired)")),
    responses((status = 200, description = "タッチパネルの一覧(検索: 資産番号・製造番号・機種・統合端末・拠点名。並べ替え: asset_number, serial, model, status, terminal_asset_number, site_name)", content((Page<TouchPanel> = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    lists::api_answer(
        state.app.touch_panel_list(&user.actor(), &p).await?,
        lists::labelled_row,
    )
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewTouchPanel {
    #[serde(flatten)]
    pub panel: TouchPanelInput,
    /// Attach to this terminal at once (optional).
    pub terminal_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/touch-panels", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::EditInventory))), request_body = NewTouchPanel,
    responses((status = 201, body = TouchPanel), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(n): ApiJson<NewTouchPanel>,
) -> ApiResult<(StatusCode, Json<TouchPanel>)> {
    let p = state
        .app
        .create_touch_panel(&user.actor(), &n.panel, n.terminal_id)
        .await?;
    Ok((StatusCode::CREATED, Json(p)))
}

#[utoipa::path(get, path = "/api/v1/touch-panels/{id}", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::ViewInventory))), params(("id" = i64, Path)), responses((status = 200, body = TouchPanel), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<TouchPanel> {
    Ok(Json(state.app.touch_panel(&user.actor(), id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Attach {
    pub touch_panel_id: i64,
}

/// Attaches a touch panel; one already attached is detached (a swap) and set to 修理中.
#[utoipa::path(put, path = "/api/v1/terminals/{id}/touch-panel", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::EditInventory))), params(("id" = i64, Path)), request_body = Attach,
    responses((status = 200, body = TouchPanel), (status = 409, body = crate::error::Problem)))]
pub async fn attach(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(a): ApiJson<Attach>,
) -> JsonResult<TouchPanel> {
    Ok(Json(
        state
            .app
            .attach_touch_panel(&user.actor(), id, a.touch_panel_id)
            .await?,
    ))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(attach))
        .routes(routes!(list, create))
        .routes(routes!(show))
}
