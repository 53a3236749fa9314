//! Who is asking: a session cookie (browser) or a bearer token (API), and the login
//! operation shared by the form and the API, with throttling per account and address.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use jukiops_app::accounts::LoginRefused;
use jukiops_domain::people::Action;
use jukiops_store::{Actor, Authorized, User};

use crate::AppState;
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "jukiops_session";

/// The signed-in user of a request (API: 401 problem when nobody is signed in).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl CurrentUser {
    /// The proof that this user may perform `action`, or 403 when the access table says no.
    pub fn require(&self, action: Action) -> Result<Authorized, AppError> {
        self.actor()
            .authorize(action)
            .map_err(|_| AppError::forbidden())
    }
    pub fn actor(&self) -> Actor {
        Actor::User {
            id: self.0.id,
            username: self.0.username.clone(),
            role: self.0.role,
        }
    }
    pub fn may(&self, action: Action) -> bool {
        self.actor().may(action)
    }
}

/// The value of cookie `name` in the request headers.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<CurrentUser>() {
            return Ok(cached.clone());
        }
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let user = if let Some(token) = bearer {
            state.app.token_user(token.trim()).await?
        } else if let Some(secret) = cookie_value(&parts.headers, SESSION_COOKIE) {
            state.app.session_user(secret).await?
        } else {
            None
        };
        let user = CurrentUser(user.ok_or_else(AppError::unauthorized)?);
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

pub use crate::client_address::ClientAddress;

/// Checks a sign-in (the app throttles it); on success the user and the session's secret.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
) -> Result<(User, String), AppError> {
    state
        .app
        .login(username, password, address)
        .await
        .map_err(|refused| match refused {
            LoginRefused::Missing(e) | LoginRefused::Failed(e) => e.into(),
            LoginRefused::Throttled { seconds } => AppError::field(
                StatusCode::TOO_MANY_REQUESTS,
                "username",
                format!(
                    "ログインの失敗が続いたため一時的にロックしています。{}分後に再度お試しください。",
                    seconds.div_ceil(60)
                ),
            )
            .retry_after(seconds),
            LoginRefused::Busy => AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ログインが混み合っています。しばらくしてから再度お試しください。",
            )
            .retry_after(1),
            LoginRefused::Wrong => AppError::field(
                StatusCode::UNAUTHORIZED,
                "password",
                "ログインIDまたはパスワードが違います。",
            ),
        })
}

/// `Set-Cookie` for a new session (HttpOnly, SameSite=Strict, Secure over TLS).
pub fn session_cookie(state: &AppState, secret: &str) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let age = state.config.accounts.session_ttl.num_seconds();
    format!("{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={age}{secure}")
}

pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}
