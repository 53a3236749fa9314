//! One's own account: signing in and out (throttled per account and per client address),
//! the password, and API tokens (R8.5: every change audited; secrets never stored).

use chrono::Duration;
use jukiops_domain::FieldErrors;
use jukiops_domain::people::{Action, Actor, check_password, check_token};
use jukiops_domain::rules::Refusal;
use jukiops_store::{ApiToken, NewApiToken, Throttle, User, password};

use crate::{App, Error, Result};

/// How sign-in is guarded: the settings of the deployment.
#[derive(Debug, Clone)]
pub struct AccountPolicy {
    /// How long a browser session lives.
    pub session_ttl: Duration,
    /// Failed sign-ins allowed per account, and per client address, within `window`.
    pub max_failures_per_account: i64,
    pub max_failures_per_address: i64,
    pub throttle_window: Duration,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        Self {
            session_ttl: Duration::hours(10),
            max_failures_per_account: 5,
            max_failures_per_address: 30,
            throttle_window: Duration::minutes(15),
        }
    }
}

/// Why a sign-in was refused.
#[derive(Debug)]
pub enum LoginRefused {
    /// A field left empty (422), naming it.
    Missing(Error),
    /// Too many failures lately (429): try again after the window.
    Throttled { minutes: i64 },
    /// Unknown account, wrong password or disabled account, indistinguishably (401).
    Wrong,
    /// Storage failed.
    Failed(Error),
}

impl From<Error> for LoginRefused {
    fn from(e: Error) -> Self {
        Self::Failed(e)
    }
}

impl App {
    /// Checks a sign-in from `address`; on success opens a session and returns the user and
    /// the session's secret (for the cookie). Failures count against the account and the
    /// address; past either limit the sign-in is refused before the password is checked.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: &str,
    ) -> std::result::Result<(User, String), LoginRefused> {
        let policy = &self.accounts;
        let username = username.trim();
        if username.is_empty() || password.is_empty() {
            let (field, label) = if username.is_empty() {
                ("username", "ログインID")
            } else {
                ("password", "パスワード")
            };
            let refusal = Refusal::invalid(field, format!("{label}を入力してください。"));
            return Err(LoginRefused::Missing(refusal.into()));
        }
        let window = policy.throttle_window;
        let by_account = self
            .store
            .recent_login_failures(Throttle::Account, username, window)
            .await?;
        let by_address = self
            .store
            .recent_login_failures(Throttle::Address, address, window)
            .await?;
        if by_account >= policy.max_failures_per_account
            || by_address >= policy.max_failures_per_address
        {
            tracing::warn!(username, address, "login throttled");
            return Err(LoginRefused::Throttled {
                minutes: window.num_minutes(),
            });
        }
        match self.store.check_password(username, password).await? {
            Some(user) => {
                self.store
                    .clear_login_failures(Throttle::Account, username)
                    .await?;
                let secret = self
                    .store
                    .create_session(user.id, policy.session_ttl)
                    .await?;
                tracing::info!(username, "login");
                Ok((user, secret))
            }
            None => {
                self.store
                    .record_login_failure(Throttle::Account, username)
                    .await?;
                self.store
                    .record_login_failure(Throttle::Address, address)
                    .await?;
                tracing::warn!(username, address, "login failed");
                Err(LoginRefused::Wrong)
            }
        }
    }

    /// Ends the session of `secret`.
    pub async fn logout(&self, secret: &str) -> Result<()> {
        self.store.delete_session(secret).await
    }

    /// The signed-in user behind a session cookie or an API token.
    pub async fn session_user(&self, secret: &str) -> Result<Option<User>> {
        self.store.session_user(secret).await
    }

    pub async fn token_user(&self, secret: &str) -> Result<Option<User>> {
        self.store.token_user(secret).await
    }

    /// Changes one's own password after checking the current one; every session of the
    /// account ends.
    pub async fn change_own_password(&self, who: &Actor, current: &str, new: &str) -> Result<()> {
        let auth = who.authorize(Action::ManageOwnAccount)?;
        let mut e = FieldErrors::default();
        check_password(&mut e, "new_password", new);
        if !e.is_empty() {
            return Err(e.into());
        }
        let user = self.own_user(who).await?;
        if self
            .store
            .check_password(&user.username, current)
            .await?
            .is_none()
        {
            return Err(Refusal::invalid("current", "現在のパスワードが違います。").into());
        }
        let hash = password::hash(new.to_string()).await;
        self.store.change_own_password(&auth, &hash).await
    }

    /// One's own API tokens.
    pub async fn api_tokens(&self, who: &Actor) -> Result<Vec<ApiToken>> {
        who.authorize(Action::ManageOwnAccount)?;
        let id = who.user_id().ok_or(Error::Forbidden)?;
        self.store.api_tokens(id).await
    }

    /// Makes an API token for oneself; its secret is in the answer once and never stored.
    pub async fn create_api_token(
        &self,
        who: &Actor,
        name: &str,
        days: Option<i64>,
    ) -> Result<NewApiToken> {
        let auth = who.authorize(Action::ManageOwnAccount)?;
        let name = check_token(name, days)?;
        self.store.create_api_token(&auth, &name, days).await
    }

    /// Revokes one of one's own tokens.
    pub async fn revoke_api_token(&self, who: &Actor, id: i64) -> Result<()> {
        let auth = who.authorize(Action::ManageOwnAccount)?;
        self.store.revoke_api_token(&auth, id).await
    }

    /// The signed-in person's own account.
    pub async fn own_user(&self, who: &Actor) -> Result<User> {
        who.authorize(Action::ManageOwnAccount)?;
        let id = who.user_id().ok_or(Error::Forbidden)?;
        self.store.user(id).await
    }
}
