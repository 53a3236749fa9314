//! Signing in and out and one's own account over the API; thin handlers over
//! [`jukiops_app::accounts`].

use crate::access::Needs;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_app::accounts::{SecondStep, SignInRecord};
use jukiops_app::second_factor::{Enrolment, RecoveryCodes};
use jukiops_domain::people::Action;
use jukiops_store::{ApiToken, NewApiToken, Page, User};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::json::ApiJson;
use super::{JsonResult, Paging};
use crate::AppState;
use crate::auth::{self, AccountUser, Client, ClientAddress, CurrentUser};
use crate::error::ApiResult;
use crate::extract::{Path, Query};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Login {
    pub username: String,
    pub password: String,
    /// The second factor of an account that has one: the authenticator app's code or a
    /// recovery code.
    pub code: Option<String>,
}

/// Signs in and sets the session cookie (throttled per account and address). An account
/// with a second factor sends its `code` too (without it: 401 naming `code`).
#[utoipa::path(post, path = "/api/v1/login", extensions(("x-jukiops-action" = json!(Needs::Public))), tag = "account", request_body = Login,
    responses((status = 200, body = User), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn login(
    State(state): State<AppState>,
    client: Client,
    ApiJson(l): ApiJson<Login>,
) -> ApiResult<Response> {
    let second = SecondStep::Now(l.code.as_deref());
    let signed = auth::login(&state, &l.username, &l.password, second, &client).await?;
    Ok((
        [(
            header::SET_COOKIE,
            auth::session_cookie(&state, &signed.secret),
        )],
        Json(signed.user),
    )
        .into_response())
}

/// Ends the session of the cookie.
#[utoipa::path(post, path = "/api/v1/logout", extensions(("x-jukiops-action" = json!(Needs::Public))), tag = "account", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
) -> ApiResult<Response> {
    if let Some(s) = auth::cookie_value(&headers, auth::SESSION_COOKIE) {
        state.app.logout(s, client.info()).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::clear_cookie(&state))],
    )
        .into_response())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), tag = "account", responses((status = 200, body = User), (status = 401, body = crate::error::Problem)))]
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> JsonResult<User> {
    Ok(Json(state.app.own_user(&user.actor()).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current: String,
    pub new_password: String,
}

/// Changes one's own password; every session of the account ends (but, during the first
/// sign-in's setup, the one making the change). Allowed before the setup is done.
#[utoipa::path(put, path = "/api/v1/me/password", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), tag = "account", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = crate::error::Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    account: AccountUser,
    ClientAddress(address): ClientAddress,
    ApiJson(p): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let keep = account
        .session
        .as_deref()
        .filter(|_| account.setup.pending());
    state
        .app
        .change_own_password(
            &account.user.actor(),
            &p.current,
            &p.new_password,
            &address,
            keep,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts (or shows again) the enrolment of one's own second factor: the secret, its
/// `otpauth://` URI and QR code. Allowed before the first sign-in's setup is done.
#[utoipa::path(post, path = "/api/v1/me/second-factor", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), tag = "account",
    responses((status = 200, body = Enrolment), (status = 409, body = crate::error::Problem)))]
pub async fn begin_enrolment(
    State(state): State<AppState>,
    account: AccountUser,
) -> JsonResult<Enrolment> {
    Ok(Json(
        state.app.begin_enrolment(&account.user.actor()).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EnrolmentCode {
    /// A code of the authenticator app.
    pub code: String,
}

/// Confirms the enrolment with a code of the authenticator app; the answer holds the ten
/// recovery codes, this once.
#[utoipa::path(post, path = "/api/v1/me/second-factor/confirmation", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), tag = "account", request_body = EnrolmentCode,
    responses((status = 200, body = RecoveryCodes), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn confirm_enrolment(
    State(state): State<AppState>,
    account: AccountUser,
    ApiJson(c): ApiJson<EnrolmentCode>,
) -> JsonResult<RecoveryCodes> {
    if account.setup.change_password {
        return Err(auth::setup_refusal(account.setup));
    }
    let codes = state
        .app
        .confirm_enrolment(&account.user.actor(), &c.code)
        .await?;
    Ok(Json(codes))
}

/// Ends every browser session of one's own account, on every device; API tokens stay.
#[utoipa::path(post, path = "/api/v1/me/sign-out-everywhere", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), tag = "account", responses((status = 204)))]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Response> {
    state.app.sign_out_everywhere(&user.actor()).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::clear_cookie(&state))],
    )
        .into_response())
}

/// One's own last sign-ins (10), newest first.
#[utoipa::path(get, path = "/api/v1/me/sign-ins", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), tag = "account", responses((status = 200, body = Vec<SignInRecord>)))]
pub async fn sign_ins(
    State(state): State<AppState>,
    user: CurrentUser,
) -> JsonResult<Vec<SignInRecord>> {
    Ok(Json(state.app.own_sign_ins(&user.actor()).await?))
}

#[utoipa::path(get, path = "/api/v1/tokens", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), tag = "account", params(Paging), responses((status = 200, body = Page<ApiToken>)))]
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
#[utoipa::path(post, path = "/api/v1/tokens", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), tag = "account", request_body = TokenRequest,
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

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", extensions(("x-jukiops-action" = json!(Action::ManageOwnAccount))), tag = "account", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = crate::error::Problem)))]
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
        .routes(routes!(begin_enrolment))
        .routes(routes!(confirm_enrolment))
        .routes(routes!(sign_out_everywhere))
        .routes(routes!(sign_ins))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}
