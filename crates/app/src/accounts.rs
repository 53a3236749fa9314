//! One's own account: signing in and out (throttled per account and per client address),
//! the password, and API tokens (R8.5: every change audited; secrets never stored).

use chrono::Duration;
use jukiops_domain::FieldErrors;
use jukiops_domain::people::{Action, Actor, check_password, check_token};
use jukiops_domain::rules::Refusal;
use jukiops_store::{ApiToken, NewApiToken, User, password};

use crate::{App, Error, Result};

/// How sign-in is guarded: the settings of the deployment.
#[derive(Debug, Clone)]
pub struct AccountPolicy {
    /// How long a browser session lives.
    pub session_ttl: Duration,
    /// Sign-in attempts allowed per account within `throttle_window`; past it the account
    /// is refused (429) until the window has passed.
    pub max_failures_per_account: i64,
    /// Attempts from one client address within the window past which each further attempt
    /// from it is slowed by `address_delay` (a ward office's staff share one address: it is
    /// slowed, never shut).
    pub max_failures_per_address: i64,
    pub throttle_window: Duration,
    pub address_delay: std::time::Duration,
    /// Password checks waiting at once, in all and from one address; past either the
    /// answer is "busy, retry" (503) instead of a queue that delays everyone.
    pub max_pending_checks: usize,
    pub max_pending_per_address: usize,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        Self {
            session_ttl: Duration::hours(10),
            max_failures_per_account: 5,
            max_failures_per_address: 30,
            throttle_window: Duration::minutes(15),
            address_delay: std::time::Duration::from_secs(2),
            max_pending_checks: 32,
            max_pending_per_address: 4,
        }
    }
}

/// The password checks under way, in all and per client address.
#[derive(Debug, Default)]
pub(crate) struct PendingChecks {
    per_address: std::sync::Mutex<std::collections::HashMap<String, usize>>,
}

/// A place in the queue of password checks, given back when dropped.
struct CheckSlot<'a> {
    pending: &'a PendingChecks,
    address: String,
}

impl PendingChecks {
    /// A place for a check from `address`, or `None` when the queue is full.
    fn enter(&self, address: &str, policy: &AccountPolicy) -> Option<CheckSlot<'_>> {
        let mut map = self.per_address.lock().unwrap_or_else(|e| e.into_inner());
        let total: usize = map.values().sum();
        let mine = map.get(address).copied().unwrap_or(0);
        if total >= policy.max_pending_checks || mine >= policy.max_pending_per_address {
            return None;
        }
        *map.entry(address.to_string()).or_default() += 1;
        Some(CheckSlot {
            pending: self,
            address: address.to_string(),
        })
    }
}

impl Drop for CheckSlot<'_> {
    fn drop(&mut self) {
        let mut map = self
            .pending
            .per_address
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.address);
            }
        }
    }
}

/// Why a sign-in was refused.
#[derive(Debug)]
pub enum LoginRefused {
    /// A field left empty (422), naming it.
    Missing(Error),
    /// Too many attempts against the account lately (429): try again after `seconds`.
    Throttled { seconds: u64 },
    /// Too many checks waiting (503): retry in a moment.
    Busy,
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
        let Some(_slot) = self.pending.enter(address, policy) else {
            tracing::warn!(address, "login refused: too many checks waiting");
            return Err(LoginRefused::Busy);
        };
        let attempt = self
            .store
            .reserve_login_attempt(username, address, policy.throttle_window)
            .await?;
        if attempt.by_account > policy.max_failures_per_account {
            tracing::warn!(username, address, "login throttled");
            let seconds = u64::try_from(policy.throttle_window.num_seconds()).unwrap_or(0);
            return Err(LoginRefused::Throttled { seconds });
        }
        if attempt.by_address > policy.max_failures_per_address {
            tracing::warn!(address, "login slowed: many attempts from this address");
            tokio::time::sleep(policy.address_delay).await;
        }
        let checked = self.store.check_password(username, password).await?;
        self.store.settle_login(&attempt, checked.is_some()).await?;
        match checked {
            Some(user) => {
                let secret = self
                    .store
                    .create_session(user.id, policy.session_ttl)
                    .await?;
                tracing::info!(username, "login");
                Ok((user, secret))
            }
            None => {
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

    /// Changes one's own password after checking the current one (from `address`, guarded
    /// like a sign-in: counted before it is checked, refused past the account's limit);
    /// every session and API token of the account ends.
    pub async fn change_own_password(
        &self,
        who: &Actor,
        current: &str,
        new: &str,
        address: &str,
    ) -> Result<()> {
        let auth = who.authorize(Action::ManageOwnAccount)?;
        let mut e = FieldErrors::default();
        check_password(&mut e, "new_password", new);
        if !e.is_empty() {
            return Err(e.into());
        }
        let user = self.own_user(who).await?;
        let policy = &self.accounts;
        let _slot = self.pending.enter(address, policy).ok_or(Error::Busy)?;
        let attempt = self
            .store
            .reserve_login_attempt(&user.username, address, policy.throttle_window)
            .await?;
        if attempt.by_account > policy.max_failures_per_account {
            let seconds = u64::try_from(policy.throttle_window.num_seconds()).unwrap_or(0);
            return Err(Error::Throttled { seconds });
        }
        let checked = self.store.check_password(&user.username, current).await?;
        self.store.settle_login(&attempt, checked.is_some()).await?;
        if checked.is_none() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_of_checks_is_bounded_in_all_and_per_address() {
        let policy = AccountPolicy {
            max_pending_checks: 3,
            max_pending_per_address: 2,
            ..AccountPolicy::default()
        };
        let pending = PendingChecks::default();
        let a1 = pending.enter("10.0.0.1", &policy).expect("first");
        let _a2 = pending.enter("10.0.0.1", &policy).expect("second");
        assert!(pending.enter("10.0.0.1", &policy).is_none(), "per address");
        let _b1 = pending.enter("10.0.0.2", &policy).expect("another address");
        assert!(pending.enter("10.0.0.3", &policy).is_none(), "in all");
        drop(a1);
        assert!(
            pending.enter("10.0.0.3", &policy).is_some(),
            "a place given back"
        );
    }
}
