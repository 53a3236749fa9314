//! The incidents' figures of the contract year over the API (R10.1); a thin handler over
//! [`jukiops_app::incident_figures`].

use axum::Json;
use axum::extract::State;
use jukiops_domain::incidents::IncidentFigures;
use jukiops_domain::people::Action;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use crate::AppState;
use crate::auth::CurrentUser;

/// キ and ク incidents of the contract year against the contract's expected counts, and per
/// month (Japan time, by the report's instant) the reports per category and the median
/// (the lower of the two middle values for an even count) and worst business minutes to
/// respond and to recover, counting stopped clocks only.
#[utoipa::path(get, path = "/api/v1/incidents/figures", tag = "incidents", extensions(("x-jukiops-action" = json!(Action::ViewIncidents))),
    responses((status = 200, body = IncidentFigures), (status = 403, body = crate::error::Problem)))]
pub async fn show(State(state): State<AppState>, user: CurrentUser) -> JsonResult<IncidentFigures> {
    Ok(Json(state.app.incident_figures(&user.actor()).await?))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show))
}
