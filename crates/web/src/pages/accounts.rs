//! Signing in and out, and one's own account (password, API tokens).

use super::PageRoutes;
use crate::access::Needs;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jukiops_domain::people::Action;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use jukiops_app::accounts::{LoginRefused, SecondStep};

use super::extract::{Path, Query};
use super::feedback::{Confirm, Done};
use super::form::{Form, PageForm, optional_id, post_redirect_get};
use super::{AccountPageUser, PageError, PageResult, PageUser, merge, see_other};
use crate::AppState;
use crate::auth::{self, Client, ClientAddress};
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
/// A correct password of an account with a second factor opens a session that waits for
/// it on the next page; an account with its first sign-in's setup to do goes there.
pub async fn login(
    State(state): State<AppState>,
    client: Client,
    super::extract::Form(f): super::extract::Form<LoginForm>,
) -> PageResult {
    let next = safe_next(f.next.as_deref());
    match auth::login(&state, &f.username, &f.password, SecondStep::Later, &client).await {
        Ok(signed) => {
            let to = if signed.second_factor_pending {
                let q = serde_urlencoded::to_string([("next", &next)]).unwrap_or_default();
                format!("/login/second-factor?{q}")
            } else if state.app.setup_of(&signed.user).pending() {
                "/account/setup".to_string()
            } else {
                next
            };
            Ok((
                [(
                    header::SET_COOKIE,
                    auth::session_cookie(&state, &signed.secret),
                )],
                Redirect::to(&to),
            )
                .into_response())
        }
        Err(e) if e.status.is_client_error() => {
            login_page(e.status, &next, &f.username, Some(e.message))
        }
        Err(e) => Err(PageError(e)),
    }
}

fn second_step_page(status: StatusCode, next: &str, error: Option<String>) -> PageResult {
    let ctx =
        json!({"title": "二要素認証", "me": null, "flash": null, "error": error, "next": next});
    Ok((
        status,
        render(
            "login_second_factor.html",
            minijinja::Value::from(minijinja::value::Serde(&ctx)),
        )?,
    )
        .into_response())
}

/// The second step of signing in: the code of the authenticator app or a recovery code.
pub async fn code_form(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Query(q): Query<LoginQuery>,
) -> PageResult {
    let pending = match auth::cookie_value(&headers, auth::SESSION_COOKIE) {
        Some(secret) => state.app.session(secret).await?,
        None => None,
    };
    match pending {
        Some(s) if s.second_factor_pending => {
            second_step_page(StatusCode::OK, &safe_next(q.next.as_deref()), None)
        }
        Some(_) => Ok(see_other("/")),
        None => Ok(see_other("/login")),
    }
}

#[derive(Debug, Deserialize)]
pub struct SecondStepForm {
    #[serde(default)]
    pub code: String,
    pub next: Option<String>,
}

pub async fn code(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    client: Client,
    super::extract::Form(f): super::extract::Form<SecondStepForm>,
) -> PageResult {
    let next = safe_next(f.next.as_deref());
    let Some(secret) = auth::cookie_value(&headers, auth::SESSION_COOKIE) else {
        return Ok(see_other("/login"));
    };
    match state.app.second_step(secret, &f.code, client.info()).await {
        Ok(user) => {
            let to = if state.app.setup_of(&user).pending() {
                "/account/setup".to_string()
            } else {
                next
            };
            Ok(see_other(&to))
        }
        Err(LoginRefused::NoPendingSession) => Ok(see_other("/login")),
        Err(refused) => {
            let e = auth::login_refusal(refused);
            if e.status.is_client_error() {
                second_step_page(e.status, &next, Some(e.message))
            } else {
                Err(PageError(e))
            }
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    client: Client,
) -> Response {
    let secret = auth::cookie_value(&headers, auth::SESSION_COOKIE);
    if let Some(s) = secret
        && let Err(e) = state.app.logout(s, client.info()).await
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
    let me = state.app.own_user(&user.actor()).await?;
    let sign_ins = state.app.own_sign_ins(&user.actor()).await?;
    let mut ctx = json!({
        "tokens": tokens,
        "new_secret": null,
        "second_factor": me.second_factor,
        "second_factor_required": state.app.account_policy().requires_second_factor(me.role),
        "sign_ins": sign_ins,
    });
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
    const DURING_SETUP: bool = true;
}

/// Changes one's own password. Every session of the account ends, this one too (sign in
/// again), but during the first sign-in's setup, which goes on in this session.
pub async fn change_password(
    State(state): State<AppState>,
    account: AccountPageUser,
    ClientAddress(address): ClientAddress,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    let user = &account.user;
    let in_setup = account.setup.pending();
    let keep = account.session.as_deref().filter(|_| in_setup);
    let result = state
        .app
        .change_own_password(&user.actor(), &f.current, &f.new_password, &address, keep)
        .await;
    let to = if in_setup { "/account/setup" } else { "/login" };
    post_redirect_get(
        Done::Updated,
        result.map_err(Into::into),
        |_| to.to_string(),
        &f,
        |status, extra| password_page(&state, &account, status, extra),
    )
    .await
}

/// The page of a refused password change: the setup page during the setup, else the
/// account page.
async fn password_page(
    state: &AppState,
    account: &AccountPageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    if account.setup.pending() {
        setup_page(state, account, status, extra).await
    } else {
        account_page(state, &account.user, status, extra).await
    }
}

/// The first sign-in's setup: the password someone else set is changed, then the second
/// factor the role requires is enrolled. Every other page waits for it.
pub async fn setup(State(state): State<AppState>, account: AccountPageUser) -> PageResult {
    if !account.setup.pending() {
        return Ok(see_other("/"));
    }
    setup_page(&state, &account, StatusCode::OK, Value::Null).await
}

async fn setup_page(
    state: &AppState,
    account: &AccountPageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let enrolment = if account.setup.enrol && !account.setup.change_password {
        Some(state.app.begin_enrolment(&account.user.actor()).await?)
    } else {
        None
    };
    let mut ctx = json!({"setup": account.setup, "enrolment": enrolment});
    merge(&mut ctx, extra);
    Ok((
        status,
        render("setup.html", account.user.ctx("初回の設定", ctx))?,
    )
        .into_response())
}

/// The enrolment of one's own second factor: the QR code and the secret, and the form
/// that confirms it with a code.
pub async fn enrolment(State(state): State<AppState>, account: AccountPageUser) -> PageResult {
    if account.setup.change_password {
        return Ok(see_other("/account/setup"));
    }
    enrolment_page(&state, &account, StatusCode::OK, Value::Null).await
}

async fn enrolment_page(
    state: &AppState,
    account: &AccountPageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    if account.setup.pending() {
        return setup_page(state, account, status, extra).await;
    }
    let enrolment = state.app.begin_enrolment(&account.user.actor()).await?;
    let mut ctx = json!({"enrolment": enrolment});
    merge(&mut ctx, extra);
    let html = render(
        "second_factor.html",
        account.user.ctx("二要素認証の登録", ctx),
    )?;
    Ok((status, html).into_response())
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EnrolmentForm {
    #[serde(skip_serializing)]
    pub code: String,
}

impl PageForm for EnrolmentForm {
    const ACTION: Action = Action::ManageOwnAccount;
    const DURING_SETUP: bool = true;
}

/// Confirms the enrolment with a code; the answer shows the recovery codes, this once.
pub async fn enrol(
    State(state): State<AppState>,
    account: AccountPageUser,
    Form(f): Form<EnrolmentForm>,
) -> PageResult {
    if account.setup.change_password {
        return Ok(see_other("/account/setup"));
    }
    match state
        .app
        .confirm_enrolment(&account.user.actor(), &f.code)
        .await
    {
        Ok(codes) => {
            let ctx = json!({"codes": codes.recovery_codes});
            let html = render("recovery_codes.html", account.user.ctx("回復コード", ctx))?;
            Ok((StatusCode::OK, html).into_response())
        }
        Err(e) => {
            let (status, message, errors) = super::form_errors(AppError::from(e))?;
            let extra = json!({"error": message, "errors": super::error_views(&errors)});
            enrolment_page(&state, &account, status, extra).await
        }
    }
}

/// Ends every session of one's own account, this one too (API tokens stay).
pub async fn sign_out_all(
    State(state): State<AppState>,
    user: PageUser,
    c: Confirm<SignOutEverywhereForm>,
) -> PageResult {
    let what = async {
        Ok("この端末を含む、このアカウントのすべての端末からログアウトします(APIトークンは有効なままです)。".to_string())
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    state.app.sign_out_everywhere(&user.actor()).await?;
    Ok((
        [(header::SET_COOKIE, auth::clear_cookie(&state))],
        Redirect::to("/login"),
    )
        .into_response())
}

/// The button's empty form.
#[derive(Debug, Default, Deserialize)]
pub struct SignOutEverywhereForm {}

impl PageForm for SignOutEverywhereForm {
    const ACTION: Action = Action::ManageOwnAccount;
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
            let extra = json!({"error": message, "errors": super::error_views(&errors)});
            account_page(&state, &user, status, extra).await
        }
    }
}

/// The revoke button's empty form.
#[derive(Debug, Default, Deserialize)]
pub struct RevokeTokenForm {}

impl PageForm for RevokeTokenForm {
    const ACTION: Action = Action::ManageOwnAccount;
}

/// Revokes one of one's own API tokens, after the confirmation page.
pub async fn revoke_token(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<RevokeTokenForm>,
) -> PageResult {
    let what = async {
        Ok("このAPIトークンを失効させます。失効したトークンは元に戻せず、使っている連携は使えなくなります。".to_string())
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    state.app.revoke_api_token(&user.actor(), id).await?;
    Ok(super::feedback::Done::Revoked.on(see_other("/account")))
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/login", Needs::Public, login_form)
        .post("/login", Needs::Public, login)
        .get("/login/second-factor", Needs::Public, code_form)
        .post("/login/second-factor", Needs::Public, code)
        .post("/logout", Needs::Public, logout)
        .get("/account", Action::ManageOwnAccount, show)
        .get("/account/setup", Action::ManageOwnAccount, setup)
        .get(
            "/account/second-factor",
            Action::ManageOwnAccount,
            enrolment,
        )
        .post("/account/second-factor", Action::ManageOwnAccount, enrol)
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
        .post(
            "/account/sign-out-everywhere",
            Action::ManageOwnAccount,
            sign_out_all,
        )
}
