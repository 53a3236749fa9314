//! The signed-in person's inbox: what waits for them, kind by kind (issue 13, item 1).

use axum::response::IntoResponse;
use jukiops_domain::people::Action;
use serde_json::json;

use super::{PageResult, PageRoutes, PageUser};
use crate::templates::render;

pub async fn show(user: PageUser) -> PageResult {
    // Read once with the page's user, for the menu's count too.
    let extra = json!({"inbox": user.1});
    Ok(render("inbox.html", user.ctx("受信箱", extra))?.into_response())
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new().get("/inbox", Action::ViewContract, show)
}
