//! Who is asking: a session cookie (browser) or a bearer token (API), and the login
//! operation shared by the form and the API, with throttling per account and address.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use jukiops_app::accounts::{ClientInfo, LoginRefused, SecondStep, Setup, SignedIn};
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

/// How a request is signed in, read once per request (cached in its extensions).
#[derive(Debug, Clone)]
pub struct Signed {
    pub user: User,
    /// A browser session opened by the password, waiting for the second factor.
    pub pending: bool,
    /// What the account must still do at its first sign-in.
    pub setup: Setup,
    /// The session cookie's secret (none for an API token).
    pub session: Option<String>,
}

/// The sign-in of a request, or `None` for nobody.
pub async fn signed(parts: &mut Parts, state: &AppState) -> Result<Option<Signed>, AppError> {
    if let Some(cached) = parts.extensions.get::<Option<Signed>>() {
        return Ok(cached.clone());
    }
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let found = if let Some(token) = bearer {
        state
            .app
            .token_user(token.trim())
            .await?
            .map(|user| (user, false, None))
    } else if let Some(secret) = cookie_value(&parts.headers, SESSION_COOKIE) {
        state
            .app
            .session(secret)
            .await?
            .map(|s| (s.user, s.second_factor_pending, Some(secret.to_string())))
    } else {
        None
    };
    let signed = found.map(|(user, pending, session)| Signed {
        setup: state.app.setup_of(&user),
        user,
        pending,
        session,
    });
    parts.extensions.insert(signed.clone());
    Ok(signed)
}

/// The refusal of a request made before the first sign-in's setup is done (403).
pub fn setup_refusal(setup: Setup) -> AppError {
    let todo = match (setup.change_password, setup.enrol) {
        (true, true) => "パスワードの変更と二要素認証の登録",
        (true, false) => "パスワードの変更",
        _ => "二要素認証の登録",
    };
    AppError::new(
        StatusCode::FORBIDDEN,
        format!(
            "最初に{todo}を済ませてください(画面では /account/setup)。それまで他の操作はできません。"
        ),
    )
}

/// The refusal of a session still waiting for its second factor (401).
pub fn pending_refusal() -> AppError {
    AppError::field(
        StatusCode::UNAUTHORIZED,
        "code",
        "二要素認証の確認コードを入力して、ログインを完了してください。",
    )
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let s = signed(parts, state)
            .await?
            .ok_or_else(AppError::unauthorized)?;
        if s.pending {
            return Err(pending_refusal());
        }
        if s.setup.pending() {
            return Err(setup_refusal(s.setup));
        }
        Ok(CurrentUser(s.user))
    }
}

/// The signed-in user of a request that is allowed before the first sign-in's setup is
/// done: the password change, the enrolment of the second factor.
#[derive(Debug, Clone)]
pub struct AccountUser {
    pub user: CurrentUser,
    pub setup: Setup,
    /// The session cookie's secret (none for an API token).
    pub session: Option<String>,
}

impl FromRequestParts<AppState> for AccountUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let s = signed(parts, state)
            .await?
            .ok_or_else(AppError::unauthorized)?;
        if s.pending {
            return Err(pending_refusal());
        }
        Ok(AccountUser {
            user: CurrentUser(s.user),
            setup: s.setup,
            session: s.session,
        })
    }
}

pub use crate::client_address::ClientAddress;

/// Who is on the other end, for the login history: the client address and its browser.
#[derive(Debug, Clone)]
pub struct Client {
    pub address: String,
    pub user_agent: String,
}

impl Client {
    pub fn info(&self) -> ClientInfo<'_> {
        ClientInfo {
            address: &self.address,
            user_agent: &self.user_agent,
        }
    }
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientAddress(address) = ClientAddress::from_request_parts(parts, state).await?;
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        Ok(Client {
            address,
            user_agent,
        })
    }
}

/// The Japanese answer to a refused sign-in.
pub fn login_refusal(refused: LoginRefused) -> AppError {
    match refused {
        LoginRefused::Missing(e) | LoginRefused::Failed(e) => e.into(),
        // The same for every account name typed, known or not: it tells nothing of whether
        // the account exists.
        LoginRefused::Throttled { seconds } => AppError::field(
            StatusCode::TOO_MANY_REQUESTS,
            "username",
            format!(
                "ログインの失敗が続いたため一時的にロックしています。{}分後に再度お試しいただくか、管理者にロックの解除を依頼してください。",
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
        LoginRefused::CodeMissing => AppError::field(
            StatusCode::UNAUTHORIZED,
            "code",
            "この利用者は二要素認証を使います。認証アプリの確認コード(code)も送ってください。",
        ),
        LoginRefused::WrongCode => AppError::field(
            StatusCode::UNAUTHORIZED,
            "code",
            "確認コードが違うか、既に使われています。認証アプリの最新のコードか、未使用の回復コードを入力してください。",
        ),
        LoginRefused::NoPendingSession => AppError::unauthorized(),
    }
}

/// Checks a sign-in (the app throttles it); on success the session to set.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    second: SecondStep<'_>,
    client: &Client,
) -> Result<SignedIn, AppError> {
    state
        .app
        .login(username, password, second, client.info())
        .await
        .map_err(login_refusal)
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
