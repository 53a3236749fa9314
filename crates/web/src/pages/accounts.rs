//! Signing in and out, and one's own account (password, API tokens).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jukiops_domain::people::Action;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::PageRoutes;
use super::extract::{Path, Query};
use super::form::{Form, PageForm, optional_id, post_redirect_get};
use super::{PageError, PageResult, PageUser, merge, see_other};
use crate::AppState;
use crate::access::Needs;
use crate::auth::{self, ClientAddress};
use crate::error::AppError;
use crate::templates::render;

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    pub next: Option<String>,
}

/// Where the browser may go after signing in: a path of this application only. Anything a
/// browser could read as another host (`//host`, `/\\host`, a tab or newline it would
/// drop, a scheme) or that could not be a header sends it home instead.
fn safe_next(next: Option<&str>) -> String {
    let local = |n: &&str| {
        n.starts_with('/')
            && !n.starts_with("//")
            && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
            && n.parse::<axum::http::uri::PathAndQuery>().is_ok()
    };
    next.filter(local).unwrap_or("/").to_string()
}

fn login_page(status: StatusCode, next: &str, username: &str, error: Option<String>) -> PageResult {
    let ctx = json!({"title": "ログイン", "me": null, "flash": null, "error": error, "next": next, "username": username});
    Ok((
        status,
        render(
            "login.html",
            minijinja::Value::from(minijinja::value::Serde(&ctx)),
        )?,
    )
        .into_response())
}

pub async fn login_form(Query(q): Query<LoginQuery>) -> PageResult {
    login_page(StatusCode::OK, &safe_next(q.next.as_deref()), "", None)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    pub next: Option<String>,
}

/// The one form posted before signing in: no role to check, bounded by the body limit.
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    super::extract::Form(f): super::extract::Form<LoginForm>,
) -> PageResult {
    let next = safe_next(f.next.as_deref());
    match auth::login(&state, &f.username, &f.password, &address).await {
        Ok((_, secret)) => Ok((
            [(header::SET_COOKIE, auth::session_cookie(&state, &secret))],
            Redirect::to(&next),
        )
            .into_response()),
        Err(e) if e.status.is_client_error() => {
            login_page(e.status, &next, &f.username, Some(e.message))
        }
        Err(e) => Err(PageError(e)),
    }
}

pub async fn logout(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let secret = auth::cookie_value(&headers, auth::SESSION_COOKIE);
    if let Some(s) = secret
        && let Err(e) = state.app.logout(s).await
    {
        tracing::error!(error = ?e, "could not delete session");
    }
    (
        [(header::SET_COOKIE, auth::clear_cookie(&state))],
        Redirect::to("/login"),
    )
        .into_response()
}

pub async fn show(State(state): State<AppState>, user: PageUser) -> PageResult {
    account_page(&state, &user, StatusCode::OK, Value::Null).await
}

async fn account_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let tokens = state.app.api_tokens(&user.actor()).await?;
    let mut ctx = json!({"tokens": tokens, "new_secret": null});
    merge(&mut ctx, extra);
    Ok((status, render("account.html", user.ctx("アカウント", ctx))?).into_response())
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PasswordForm {
    #[serde(skip_serializing)]
    pub current: String,
    #[serde(skip_serializing)]
    pub new_password: String,
}

impl PageForm for PasswordForm {
    const ACTION: Action = Action::ManageOwnAccount;
}

pub async fn change_password(
    State(state): State<AppState>,
    user: PageUser,
    ClientAddress(address): ClientAddress,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    let result = state
        .app
        .change_own_password(&user.actor(), &f.current, &f.new_password, &address)
        .await;
    // Every session of the account ended, this one too: sign in again.
    post_redirect_get(
        result.map_err(Into::into),
        |_| "/login".to_string(),
        &f,
        |status, extra| account_page(&state, &user, status, extra),
    )
    .await
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TokenForm {
    pub name: String,
    #[serde(deserialize_with = "optional_id")]
    pub days: Option<i64>,
}

impl PageForm for TokenForm {
    const ACTION: Action = Action::ManageOwnAccount;
}

/// Makes a token and shows its secret once, on this answer (it is never stored).
pub async fn create_token(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<TokenForm>,
) -> PageResult {
    match state
        .app
        .create_api_token(&user.actor(), &f.name, f.days)
        .await
    {
        Ok(t) => {
            let extra = json!({"new_secret": t.secret, "flash": "APIトークンを発行しました。"});
            account_page(&state, &user, StatusCode::OK, extra).await
        }
        Err(e) => {
            let (status, message, errors) = super::form_errors(AppError::from(e))?;
            let extra = json!({"error": message, "errors": errors});
            account_page(&state, &user, status, extra).await
        }
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    state.app.revoke_api_token(&user.actor(), id).await?;
    Ok(see_other("/account"))
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/login", Needs::Public, login_form)
        .post("/login", Needs::Public, login)
        .post("/logout", Needs::Public, logout)
        .get("/account", Action::ManageOwnAccount, show)
        .post(
            "/account/password",
            Action::ManageOwnAccount,
            change_password,
        )
        .post("/account/tokens", Action::ManageOwnAccount, create_token)
        .post(
            "/account/tokens/{id}/revoke",
            Action::ManageOwnAccount,
            revoke_token,
        )
}
