//! What waits for the signed-in person, over the API (issue 13, item 1).

use axum::Json;
use axum::extract::State;
use jukiops_app::inbox::Inbox;
use jukiops_domain::people::Action;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::JsonResult;
use crate::AppState;
use crate::auth::CurrentUser;

/// The signed-in person's inbox: each kind of thing waiting for their role, with its count
/// and the first items, each linking to the page where it is acted on.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "inbox", extensions(("x-jukiops-action" = json!(Action::ViewContract))), responses((status = 200, body = Inbox), (status = 401, body = crate::error::Problem)))]
pub async fn show(State(state): State<AppState>, user: CurrentUser) -> JsonResult<Inbox> {
    Ok(Json(state.app.inbox(&user.actor()).await?))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(show))
}
