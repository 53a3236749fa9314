//! Signing in and out and one's own account over the API; thin handlers over
//! [`jukiops_app::accounts`].

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_domain::people::Action;
use jukiops_store::{ApiToken, NewApiToken, Page, User};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::json::ApiJson;
use super::{JsonResult, Paging};
use crate::AppState;
use crate::access::Needs;
use crate::auth::{self, ClientAddress, CurrentUser};
use crate::error::ApiResult;
use crate::extract::{Path, Query};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Login {
    pub username: String,
    pub password: String,
}

/// Signs in and sets the session cookie (throttled per account and address).
#[utoipa::path(post, path = "/api/v1/login", tag = "account", extensions(("x-jukiops-action" = json!(Needs::Public))), request_body = Login,
    responses((status = 200, body = User), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(l): ApiJson<Login>,
) -> ApiResult<Response> {
    let (user, secret) = auth::login(&state, &l.username, &l.password, &address).await?;
    Ok((
        [(header::SET_COOKIE, auth::session_cookie(&state, &secret))],
        Json(user),
    )
        .into_response())
}

/// Ends the session of the cookie.
#[utoipa::path(post, path = "/api/v1/logout", tag = "account", extensions(("x-jukiops-action" = json!(Needs::Public))), responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(s) = auth::cookie_value(&headers, auth::SESSION_COOKIE) {
        state.app.logout(s).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::clear_cookie(&state))],
    )
        .into_response())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), responses((status = 200, body = User), (status = 401, body = crate::error::Problem)))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> JsonResult<User> {
    Ok(Json(state.app.own_user(&user.actor()).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current: String,
    pub new_password: String,
}

/// Changes one's own password; every session of the account ends.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "account", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), request_body = PasswordChange,
    responses((status = 204), (status = 422, body = crate::error::Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddress(address): ClientAddress,
    ApiJson(p): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    state
        .app
        .change_own_password(&user.actor(), &p.current, &p.new_password, &address)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), params(Paging), responses((status = 200, body = Page<ApiToken>)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<Paging>,
) -> JsonResult<Page<ApiToken>> {
    let all = state.app.api_tokens(&user.actor()).await?;
    Ok(Json(Page::of_all(all, p.request())))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    pub name: String,
    /// Days until it expires (1-366); none for no expiry.
    pub days: Option<i64>,
}

/// Makes an API token for oneself; the secret is in the answer once and never stored.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), request_body = TokenRequest,
    responses((status = 201, body = NewApiToken), (status = 422, body = crate::error::Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(t): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<NewApiToken>)> {
    let token = state
        .app
        .create_api_token(&user.actor(), &t.name, t.days)
        .await?;
    Ok((StatusCode::CREATED, Json(token)))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), params(("id" = i64, Path)), responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.app.revoke_api_token(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this feature, each operation naming what it needs.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}
