//! The signed-in person's inbox: what waits for them, kind by kind (issue 13, item 1).

use axum::extract::State;
use axum::response::IntoResponse;
use jukiops_domain::people::Action;
use serde_json::json;

use super::{PageResult, PageRoutes, PageUser};
use crate::AppState;
use crate::templates::render;

pub async fn show(State(state): State<AppState>, user: PageUser) -> PageResult {
    let inbox = state.app.inbox(&user.actor()).await?;
    let extra = json!({"inbox": inbox});
    Ok(render("inbox.html", user.ctx("受信箱", extra))?.into_response())
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new().get("/inbox", Action::ViewContract, show)
}
