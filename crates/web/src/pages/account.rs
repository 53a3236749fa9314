//! Login, logout, one's own account (password, API tokens) and user administration.

use super::extract::{Form, Path, Query};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jukiops_domain::FieldErrors;
use jukiops_domain::people::{Action, Role, check_password, check_username};
use jukiops_domain::validation::required_text;
use jukiops_store::{NewUser, PageRequest, UserPatch, password};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    ListQuery, PageError, PageResult, PageUser, form_errors, merge, page_value, see_other,
};
use crate::AppState;
use crate::auth::{self, ClientAddress, CurrentUser};
use crate::error::AppError;
use crate::forms::role_options;
use crate::templates::render;

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    pub next: Option<String>,
}

/// Only local paths are followed after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
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

pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Form(f): Form<LoginForm>,
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
    let secret = auth::cookie_value(&headers, auth::SESSION_COOKIE).map(String::from);
    if let Some(s) = secret
        && let Err(e) = state.store.delete_session(&s).await
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
    user.require(Action::ManageOwnAccount)?;
    account_page(&state, &user, StatusCode::OK, Value::Null).await
}

async fn account_page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let tokens = state.store.api_tokens(user.0.0.id).await?;
    let mut ctx = json!({"tokens": tokens, "new_secret": null});
    merge(&mut ctx, extra);
    Ok((status, render("account.html", user.ctx("アカウント", ctx))?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    let result = change_own_password(&state, &user.0, &f.current, &f.new_password).await;
    match result {
        // Every session of the account ended, this one too: sign in again.
        Ok(()) => Ok(see_other("/login")),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            account_page(
                &state,
                &user,
                status,
                json!({"error": message, "errors": errors}),
            )
            .await
        }
    }
}

/// The one password-change operation behind the page and the API.
pub async fn change_own_password(
    state: &AppState,
    user: &CurrentUser,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let actor = user.require(Action::ManageOwnAccount)?;
    let mut e = FieldErrors::default();
    check_password(&mut e, "new_password", new);
    if !e.is_empty() {
        return Err(e.into());
    }
    if state
        .store
        .check_password(&user.0.username, current)
        .await?
        .is_none()
    {
        return Err(AppError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "current",
            "現在のパスワードが違います。",
        ));
    }
    let hash = password::hash(new.to_string()).await;
    state.store.change_own_password(&actor, &hash).await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub days: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<TokenForm>,
) -> PageResult {
    let days = f.days.trim();
    let days = if days.is_empty() {
        Ok(None)
    } else {
        days.parse::<i64>().map(Some).map_err(|_| ())
    };
    let result = match days {
        Ok(d) => create_api_token(&state, &user.0, &f.name, d).await,
        Err(()) => Err(AppError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "days",
            "有効日数は数字で入力してください。",
        )),
    };
    match result {
        Ok(t) => {
            account_page(
                &state,
                &user,
                StatusCode::OK,
                json!({"new_secret": t.secret, "flash": "APIトークンを発行しました。"}),
            )
            .await
        }
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            account_page(
                &state,
                &user,
                status,
                json!({"error": message, "errors": errors}),
            )
            .await
        }
    }
}

/// The one token-making operation behind the page and the API.
pub async fn create_api_token(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    days: Option<i64>,
) -> Result<jukiops_store::NewApiToken, AppError> {
    let actor = user.require(Action::ManageOwnAccount)?;
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", "トークン名", name, 100);
    if days.is_some_and(|d| !(1..=366).contains(&d)) {
        e.push("days", "有効日数は1〜366日で指定してください。");
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    Ok(state.store.create_api_token(&actor, &name, days).await?)
}

pub async fn revoke_token(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let actor = user.require(Action::ManageOwnAccount)?;
    state.store.revoke_api_token(&actor, id).await?;
    Ok(see_other("/account"))
}

pub async fn users(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult {
    user.require(Action::ViewUsers)?;
    users_page(
        &state,
        &user,
        q.page_request(),
        StatusCode::OK,
        json!({"form": UserForm::default()}),
    )
    .await
}

async fn users_page(
    state: &AppState,
    user: &PageUser,
    req: PageRequest,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let page = state.store.users(req).await?;
    let mut ctx = json!({"page": page_value(&page), "roles": role_options(), "can_manage": user.may(Action::ManageUsers)});
    merge(&mut ctx, extra);
    Ok((status, render("users.html", user.ctx("利用者管理", ctx))?).into_response())
}

/// A new account, from the form or the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default, skip_serializing)]
    pub password: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    user: PageUser,
    Form(f): Form<UserForm>,
) -> PageResult {
    match add_user(&state, &user.0, &f).await {
        Ok(_) => Ok(see_other("/users")),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            users_page(
                &state,
                &user,
                PageRequest::default(),
                status,
                json!({"form": f, "error": message, "errors": errors}),
            )
            .await
        }
    }
}

/// The one account-making operation behind the page and the API.
pub async fn add_user(
    state: &AppState,
    user: &CurrentUser,
    f: &UserForm,
) -> Result<jukiops_store::User, AppError> {
    let actor = user.require(Action::ManageUsers)?;
    let mut e = FieldErrors::default();
    let username = f.username.trim().to_string();
    check_username(&mut e, "username", &username);
    let display_name = required_text(&mut e, "display_name", "氏名", &f.display_name, 100);
    let role = Role::parse(&f.role);
    if role.is_none() {
        e.push("role", "ロールを選んでください。");
    }
    check_password(&mut e, "password", &f.password);
    let Some(role) = role.filter(|_| e.is_empty()) else {
        return Err(e.into());
    };
    let password_hash = password::hash(f.password.clone()).await;
    Ok(state
        .store
        .create_user(
            &actor,
            NewUser {
                username,
                display_name,
                role,
                password_hash,
            },
        )
        .await?)
}

/// Changes to an account, from the form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UserUpdate {
    pub display_name: Option<String>,
    pub role: Option<String>,
    /// `true` disables the account (its sessions and tokens end).
    #[serde(default, deserialize_with = "crate::forms::flexible_bool")]
    pub disabled: Option<bool>,
    /// A new password set by the administrator; empty leaves it unchanged.
    pub password: Option<String>,
}

pub async fn update_user(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<UserUpdate>,
) -> PageResult {
    match change_user(&state, &user.0, id, &f).await {
        Ok(_) => Ok(see_other("/users")),
        Err(e) => {
            let (status, message, errors) = form_errors(e)?;
            users_page(
                &state,
                &user,
                PageRequest::default(),
                status,
                json!({"form": UserForm::default(), "error": message, "errors": errors}),
            )
            .await
        }
    }
}

/// The one account-changing operation behind the page and the API.
pub async fn change_user(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    f: &UserUpdate,
) -> Result<jukiops_store::User, AppError> {
    let actor = user.require(Action::ManageUsers)?;
    let mut e = FieldErrors::default();
    let display_name = f
        .display_name
        .as_deref()
        .map(|d| required_text(&mut e, "display_name", "氏名", d, 100));
    let role = match f.role.as_deref() {
        None => None,
        Some(r) => {
            let parsed = Role::parse(r);
            if parsed.is_none() {
                e.push("role", "ロールの指定が正しくありません。");
            }
            parsed
        }
    };
    let password = f.password.as_deref().filter(|p| !p.is_empty());
    if let Some(p) = password {
        check_password(&mut e, "password", p);
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let password_hash = match password {
        Some(p) => Some(password::hash(p.to_string()).await),
        None => None,
    };
    Ok(state
        .store
        .update_user(
            &actor,
            id,
            UserPatch {
                display_name,
                role,
                disabled: f.disabled,
                password_hash,
            },
        )
        .await?)
}
