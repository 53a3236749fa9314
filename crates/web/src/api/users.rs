//! User administration over the API; thin handlers over [`jukiops_app::users`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jukiops_domain::people::{Action, NewUserInput, UserUpdateInput};
use jukiops_store::{Page, User};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::json::ApiJson;
use super::{JsonResult, Paging};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{Path, Query};

#[utoipa::path(get, path = "/api/v1/users", tag = "users", extensions(("x-jukiops-action" = json!(Action::ViewUsers))), params(Paging), responses((status = 200, body = Page<User>), (status = 403, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<Paging>,
) -> JsonResult<Page<User>> {
    Ok(Json(state.app.users(&user.actor(), p.request()).await?))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", extensions(("x-jukiops-action" = json!(Action::ManageUsers))), request_body = NewUserInput,
    responses((status = 201, body = User), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewUserInput>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let created = state.app.create_user(&user.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", extensions(("x-jukiops-action" = json!(Action::ManageUsers))), params(("id" = i64, Path)), request_body = UserUpdateInput,
    responses((status = 200, body = User), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<UserUpdateInput>,
) -> JsonResult<User> {
    Ok(Json(
        state.app.update_user(&user.actor(), id, &input).await?,
    ))
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update))
}
