//! Sign-in, one's own account and user administration over the API.

use axum::Json;
use axum::extract::State;

use crate::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_domain::people::Action;
use jukiops_store::{ApiToken, NewApiToken, Page, User};
use serde::Deserialize;

use super::json::ApiJson;
use super::{JsonResult, Paging};
use crate::AppState;
use crate::auth::{self, ClientAddress, CurrentUser};
use crate::error::ApiResult;
use crate::pages::account::{
    UserForm, UserUpdate, add_user, change_own_password, change_user, create_api_token,
};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Login {
    pub username: String,
    pub password: String,
}

/// Signs in and sets the session cookie (throttled per account and address).
#[utoipa::path(post, path = "/api/v1/login", tag = "account", request_body = Login,
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
#[utoipa::path(post, path = "/api/v1/logout", tag = "account", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let secret = auth::cookie_value(&headers, auth::SESSION_COOKIE).map(String::from);
    if let Some(s) = secret {
        state.store.delete_session(&s).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::clear_cookie(&state))],
    )
        .into_response())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", responses((status = 200, body = User), (status = 401, body = crate::error::Problem)))]
pub async fn me(user: CurrentUser) -> JsonResult<User> {
    user.require(Action::ManageOwnAccount)?;
    Ok(Json(user.0))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current: String,
    pub new_password: String,
}

/// Changes one's own password; every session of the account ends.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "account", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = crate::error::Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(p): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    change_own_password(&state, &user, &p.current, &p.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", params(Paging), responses((status = 200, body = Page<ApiToken>)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<Paging>,
) -> JsonResult<Page<ApiToken>> {
    user.require(Action::ManageOwnAccount)?;
    let all = state.store.api_tokens(user.0.id).await?;
    Ok(Json(Page::of_all(all, p.request())))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    pub name: String,
    /// Days until it expires (1-366); none for no expiry.
    pub days: Option<i64>,
}

/// Makes an API token for oneself; the secret is in the answer once and never stored.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = TokenRequest,
    responses((status = 201, body = NewApiToken), (status = 422, body = crate::error::Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(t): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<NewApiToken>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_api_token(&state, &user, &t.name, t.days).await?),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let actor = user.require(Action::ManageOwnAccount)?;
    state.store.revoke_api_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(Paging), responses((status = 200, body = Page<User>), (status = 403, body = crate::error::Problem)))]
pub async fn list_users(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(p): Query<Paging>,
) -> JsonResult<Page<User>> {
    user.require(Action::ViewUsers)?;
    Ok(Json(state.store.users(p.request()).await?))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserForm,
    responses((status = 201, body = User), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(f): ApiJson<UserForm>,
) -> ApiResult<(StatusCode, Json<User>)> {
    Ok((
        StatusCode::CREATED,
        Json(add_user(&state, &user, &f).await?),
    ))
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserUpdate,
    responses((status = 200, body = User), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(f): ApiJson<UserUpdate>,
) -> JsonResult<User> {
    Ok(Json(change_user(&state, &user, id, &f).await?))
}
