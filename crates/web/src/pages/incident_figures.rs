//! The incidents' figures of the contract year (R10.1): キ and ク against the contract's
//! expected counts, and per month the reports and the median and worst business time to
//! respond and to recover, linked from the incident list.

use axum::extract::State;
use axum::response::IntoResponse;
use jukiops_domain::people::Action;
use serde_json::json;

use super::{PageResult, PageRoutes, PageUser};
use crate::AppState;
use crate::templates::render;

pub async fn show(State(state): State<AppState>, user: PageUser) -> PageResult {
    let figures = state.app.incident_figures(&user.actor()).await?;
    let html = render(
        "incident_figures.html",
        user.ctx_under("/incidents", &[], "障害の集計", json!({"f": figures})),
    )?;
    Ok(html.into_response())
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new().get("/incidents/figures", Action::ViewIncidents, show)
}
