//! Sites over the API; thin handlers over [`jukiops_app::sites`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::inventory::SiteInput;
use jukiops_domain::people::Action;
use jukiops_store::{Page, Site};
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

#[utoipa::path(get, path = "/api/v1/sites", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::ViewInventory))), params(ListParamsDoc),
    responses((status = 200, description = "拠点の一覧(検索: 拠点コード・拠点名・所在地。並べ替え: code, name, postal_code, address, terminal_count)", content((Page<Site> = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    lists::api_answer(
        state.app.site_list(&user.actor(), &p).await?,
        lists::labelled_row,
    )
}

#[utoipa::path(post, path = "/api/v1/sites", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::EditInventory))), request_body = SiteInput,
    responses((status = 201, body = Site), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<SiteInput>,
) -> ApiResult<(StatusCode, Json<Site>)> {
    let site = state.app.create_site(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(site)))
}

#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::ViewInventory))), params(("id" = i64, Path)), responses((status = 200, body = Site), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> JsonResult<Site> {
    Ok(Json(state.app.site(&user.actor(), id).await?))
}

#[utoipa::path(put, path = "/api/v1/sites/{id}", tag = "inventory", extensions(("x-jukiops-action" = json!(Action::EditInventory))), params(("id" = i64, Path)), request_body = SiteInput,
    responses((status = 200, body = Site), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SiteInput>,
) -> JsonResult<Site> {
    Ok(Json(
        state.app.update_site(&user.actor(), id, &input).await?,
    ))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, update))
}
