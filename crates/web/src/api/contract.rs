//! The contract in force (R1) over the API.

use axum::Json;
use axum::extract::State;
use jukiops_domain::people::Action;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use serde_json::Value;

use super::JsonResult;
use crate::AppState;
use crate::auth::CurrentUser;

/// The contract in force: period, categories with expected counts, hours, closed days, sites, parties.
#[utoipa::path(get, path = "/api/v1/contract", tag = "contract", extensions(("x-jukiops-action" = json!(Action::ViewContract))), responses((status = 200, body = Object), (status = 401, body = crate::error::Problem)))]
pub async fn show(State(state): State<AppState>, user: CurrentUser) -> JsonResult<Value> {
    let contract = state.app.contract_for(&user.actor())?;
    let mut v = serde_json::to_value(contract).unwrap_or_default();
    v["expected_count_rows"] =
        serde_json::to_value(contract.expected_count_rows()).unwrap_or_default();
    Ok(Json(v))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show))
}
