//! One's own account: signing in and out (throttled per account and per client address),
//! the password, and API tokens (R8.5: every change audited; secrets never stored).

use chrono::Duration;
use jukiops_domain::FieldErrors;
use jukiops_domain::audit::AuditAction;
use jukiops_domain::people::{Action, Actor, Role, check_password, check_token};
use jukiops_domain::rules::Refusal;
use jukiops_store::{ApiToken, LoginAttempt, NewApiToken, Session, User, password};
use serde::Serialize;
use serde_json::json;

use crate::second_factor::FactorUsed;
use crate::{App, Error, Result};

/// How sign-in is guarded: the settings of the deployment.
#[derive(Debug, Clone)]
pub struct AccountPolicy {
    /// How long a browser session lives at most.
    pub session_ttl: Duration,
    /// How long a browser session lives unused.
    pub idle_timeout: Duration,
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
    /// The roles that must sign in with a second factor (TOTP): their accounts enrol one
    /// at their first sign-in. Any account may enrol one.
    pub second_factor_roles: Vec<Role>,
    /// A password set by someone else (an administrator, `jukiops user add`) must be
    /// changed at the first sign-in.
    pub first_sign_in_change: bool,
}

impl AccountPolicy {
    /// The policy of `jukiops demo` and of tests that sign in with passwords only: no
    /// second factor required, no first-sign-in change.
    pub fn relaxed(self) -> AccountPolicy {
        AccountPolicy {
            second_factor_roles: Vec::new(),
            first_sign_in_change: false,
            ..self
        }
    }

    /// Whether `role` must sign in with a second factor.
    pub fn requires_second_factor(&self, role: Role) -> bool {
        self.second_factor_roles.contains(&role)
    }
}

/// The roles that must use a second factor by default: the City's staff, the contractor's
/// lead, the security officer and the administrators.
pub const DEFAULT_SECOND_FACTOR_ROLES: [Role; 4] = [
    Role::CityStaff,
    Role::ContractorLead,
    Role::SecurityOfficer,
    Role::Admin,
];

impl Default for AccountPolicy {
    fn default() -> Self {
        Self {
            session_ttl: Duration::hours(10),
            idle_timeout: Duration::minutes(30),
            max_failures_per_account: 5,
            max_failures_per_address: 30,
            throttle_window: Duration::minutes(15),
            address_delay: std::time::Duration::from_secs(2),
            max_pending_checks: 32,
            max_pending_per_address: 4,
            second_factor_roles: DEFAULT_SECOND_FACTOR_ROLES.to_vec(),
            first_sign_in_change: true,
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
    /// The password was right and the account has a second factor: the API's sign-in
    /// needs its `code` (401 naming it).
    CodeMissing,
    /// A wrong or already used second factor (401 naming `code`).
    WrongCode,
    /// No session waiting for its second factor (the page starts over at the login form).
    NoPendingSession,
    /// Storage failed.
    Failed(Error),
}

/// Who is signing in, as the login history records it.
#[derive(Debug, Clone, Copy)]
pub struct ClientInfo<'a> {
    /// The client address (see the web layer's trusted proxies).
    pub address: &'a str,
    /// The `User-Agent` header, as sent.
    pub user_agent: &'a str,
}

/// When the second factor of an account that has one is given.
#[derive(Debug, Clone, Copy)]
pub enum SecondStep<'a> {
    /// On the next page: the session opened by the password waits for it.
    Later,
    /// With the password, in the same request (the API's optional `code`).
    Now(Option<&'a str>),
}

/// A sign-in that passed its password check.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    /// The session's secret, for the cookie.
    pub secret: String,
    /// The session waits for the second factor ([`SecondStep::Later`]).
    pub second_factor_pending: bool,
}

/// What an account must still do at its first sign-in before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Setup {
    /// Change the password someone else set.
    pub change_password: bool,
    /// Enrol a second factor, which the role requires.
    pub enrol: bool,
}

impl Setup {
    /// Something is left to do.
    pub fn pending(&self) -> bool {
        self.change_password || self.enrol
    }
}

/// One successful sign-in of the login history, for its owner.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignInRecord {
    /// UTC, storage format.
    pub at: String,
    pub address: String,
    pub user_agent: String,
    /// パスワード, 確認コード or 回復コード.
    pub step: String,
}

/// How many of one's own sign-ins the account page shows.
pub const RECENT_SIGN_INS: i64 = 10;
/// The longest account name (as typed) and user agent the login history keeps.
const MAX_TYPED_NAME: usize = 64;
const MAX_USER_AGENT: usize = 200;

/// `text` cut to `max` characters, control characters dropped.
fn bounded(text: &str, max: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(max).collect()
}

fn history_changes(account: &str, client: ClientInfo<'_>, step: &str) -> serde_json::Value {
    json!({
        "username": {"after": bounded(account, MAX_TYPED_NAME)},
        "address": {"after": bounded(client.address, MAX_TYPED_NAME)},
        "user_agent": {"after": bounded(client.user_agent, MAX_USER_AGENT)},
        "step": {"after": step},
    })
}

fn actor_of(user: &User) -> Actor {
    Actor::User {
        id: user.id,
        username: user.username.clone(),
        role: user.role,
    }
}

/// The actor of the entries no signed-in person makes: failed sign-ins and locks.
fn sign_in_recorder() -> Actor {
    Actor::System("system".into())
}

impl From<Error> for LoginRefused {
    fn from(e: Error) -> Self {
        Self::Failed(e)
    }
}

impl App {
    /// Checks a sign-in from `client`; on success opens a session. An account with a
    /// second factor gives it `second` (the pages: on the next page, the session waiting;
    /// the API: with the password). Failures count against the account and the address;
    /// past the account's limit the sign-in is refused (locked) before the password is
    /// checked. Every outcome but a refusal as locked or busy is in the login history.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        second: SecondStep<'_>,
        client: ClientInfo<'_>,
    ) -> std::result::Result<SignedIn, LoginRefused> {
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
        let Some(_slot) = self.pending.enter(client.address, policy) else {
            tracing::warn!(
                address = client.address,
                "login refused: too many checks waiting"
            );
            return Err(LoginRefused::Busy);
        };
        let attempt = self.reserve_attempt(username, client).await?;
        let Some(user) = self.store.check_password(username, password).await? else {
            self.record_failure(username, client, "パスワード", &attempt)
                .await?;
            return Err(LoginRefused::Wrong);
        };
        if !user.second_factor {
            self.store.settle_login(&attempt, true).await?;
            return Ok(self.open_session(user, client, "パスワード").await?);
        }
        match second {
            SecondStep::Later => {
                // The account's count keeps this attempt until the code is given too.
                self.store.withdraw_from_address(&attempt).await?;
                let secret = self
                    .store
                    .create_session(user.id, policy.session_ttl, true)
                    .await?;
                tracing::info!(username, "password accepted, second factor awaited");
                Ok(SignedIn {
                    user,
                    secret,
                    second_factor_pending: true,
                })
            }
            SecondStep::Now(None) => {
                self.store.withdraw_from_address(&attempt).await?;
                Err(LoginRefused::CodeMissing)
            }
            SecondStep::Now(Some(code)) => match self.check_second_factor(&user, code).await? {
                Some(used) => {
                    self.store.settle_login(&attempt, true).await?;
                    Ok(self.open_session(user, client, used.step_label()).await?)
                }
                None => {
                    self.record_failure(username, client, "確認コード", &attempt)
                        .await?;
                    Err(LoginRefused::WrongCode)
                }
            },
        }
    }

    /// The second step of a page sign-in: the code (TOTP or recovery code) for the session
    /// of `secret`, which waits for it. Guesses are counted against the account like
    /// passwords.
    pub async fn second_step(
        &self,
        secret: &str,
        code: &str,
        client: ClientInfo<'_>,
    ) -> std::result::Result<User, LoginRefused> {
        let policy = &self.accounts;
        let session = self.store.session(secret, policy.idle_timeout).await?;
        let Some(Session {
            user,
            second_factor_pending: true,
            ..
        }) = session
        else {
            return Err(LoginRefused::NoPendingSession);
        };
        if code.trim().is_empty() {
            let refusal = Refusal::invalid("code", "確認コードを入力してください。");
            return Err(LoginRefused::Missing(refusal.into()));
        }
        let Some(_slot) = self.pending.enter(client.address, policy) else {
            return Err(LoginRefused::Busy);
        };
        let attempt = self.reserve_attempt(&user.username, client).await?;
        match self.check_second_factor(&user, code).await? {
            Some(used) => {
                self.store.settle_login(&attempt, true).await?;
                self.store.complete_second_factor(secret).await?;
                self.record_success(&user, client, used).await?;
                Ok(user)
            }
            None => {
                self.record_failure(&user.username, client, "確認コード", &attempt)
                    .await?;
                Err(LoginRefused::WrongCode)
            }
        }
    }

    /// Counts an attempt against `account` and the client's address; refused (and the
    /// lock recorded) past the account's limit, slowed past the address's.
    async fn reserve_attempt(
        &self,
        account: &str,
        client: ClientInfo<'_>,
    ) -> std::result::Result<LoginAttempt, LoginRefused> {
        let policy = &self.accounts;
        let attempt = self
            .store
            .reserve_login_attempt(account, client.address, policy.throttle_window)
            .await?;
        if attempt.by_account > policy.max_failures_per_account {
            tracing::warn!(
                account,
                address = client.address,
                "login refused: account locked"
            );
            self.record_lock(account, client, attempt.by_account - 1)
                .await?;
            let seconds = u64::try_from(policy.throttle_window.num_seconds()).unwrap_or(0);
            return Err(LoginRefused::Throttled { seconds });
        }
        if attempt.by_address > policy.max_failures_per_address {
            tracing::warn!(
                address = client.address,
                "login slowed: many attempts from this address"
            );
            tokio::time::sleep(policy.address_delay).await;
        }
        Ok(attempt)
    }

    /// A failed check: in the login history, and the lock when it reaches the limit.
    async fn record_failure(
        &self,
        account: &str,
        client: ClientInfo<'_>,
        step: &str,
        attempt: &LoginAttempt,
    ) -> Result<()> {
        tracing::warn!(account, address = client.address, step, "login failed");
        self.store.settle_login(attempt, false).await?;
        let system = sign_in_recorder().authorize(Action::RecordSignIn)?;
        let changes = history_changes(account, client, step);
        self.store
            .record_sign_in(
                &system,
                &bounded(account, MAX_TYPED_NAME),
                AuditAction::SignInFailed,
                &changes,
            )
            .await?;
        if attempt.by_account >= self.accounts.max_failures_per_account {
            self.record_lock(account, client, attempt.by_account)
                .await?;
        }
        Ok(())
    }

    /// Records that `account` is locked, once per lock.
    async fn record_lock(
        &self,
        account: &str,
        client: ClientInfo<'_>,
        failures: i64,
    ) -> Result<()> {
        let system = sign_in_recorder().authorize(Action::RecordSignIn)?;
        let account = bounded(account, MAX_TYPED_NAME);
        let changes = json!({
            "username": {"after": account},
            "address": {"after": bounded(client.address, MAX_TYPED_NAME)},
            "failures": {"after": failures},
        });
        let window = self.accounts.throttle_window;
        if self
            .store
            .record_lock(&system, &account, window, &changes)
            .await?
        {
            tracing::warn!(account, "account locked after failed sign-ins");
        }
        Ok(())
    }

    /// A full session for `user`, its sign-in in the login history.
    async fn open_session(
        &self,
        user: User,
        client: ClientInfo<'_>,
        step: &str,
    ) -> Result<SignedIn> {
        let secret = self
            .store
            .create_session(user.id, self.accounts.session_ttl, false)
            .await?;
        let who = actor_of(&user).authorize(Action::ManageOwnAccount)?;
        let changes = history_changes(&user.username, client, step);
        self.store
            .record_sign_in(&who, &user.username, AuditAction::SignInSucceeded, &changes)
            .await?;
        tracing::info!(username = %user.username, "login");
        Ok(SignedIn {
            user,
            secret,
            second_factor_pending: false,
        })
    }

    async fn record_success(
        &self,
        user: &User,
        client: ClientInfo<'_>,
        used: FactorUsed,
    ) -> Result<()> {
        let who = actor_of(user).authorize(Action::ManageOwnAccount)?;
        let changes = history_changes(&user.username, client, used.step_label());
        self.store
            .record_sign_in(&who, &user.username, AuditAction::SignInSucceeded, &changes)
            .await?;
        tracing::info!(username = %user.username, "login with second factor");
        Ok(())
    }

    /// Ends the session of `secret`; a signed-in session's end is in the login history.
    pub async fn logout(&self, secret: &str, client: ClientInfo<'_>) -> Result<()> {
        let session = self
            .store
            .session(secret, self.accounts.idle_timeout)
            .await?;
        self.store.delete_session(secret).await?;
        if let Some(s) = session.filter(|s| !s.second_factor_pending) {
            let who = actor_of(&s.user).authorize(Action::ManageOwnAccount)?;
            let changes = json!({
                "username": {"after": s.user.username},
                "address": {"after": bounded(client.address, MAX_TYPED_NAME)},
                "user_agent": {"after": bounded(client.user_agent, MAX_USER_AGENT)},
            });
            self.store
                .record_sign_in(&who, &s.user.username, AuditAction::SignOut, &changes)
                .await?;
        }
        Ok(())
    }

    /// Ends every browser session of one's own account, on every device (API tokens stay);
    /// returns how many ended.
    pub async fn sign_out_everywhere(&self, who: &Actor) -> Result<u64> {
        let auth = who.authorize(Action::ManageOwnAccount)?;
        self.store.end_own_sessions(&auth).await
    }

    /// One's own last sign-ins, newest first.
    pub async fn own_sign_ins(&self, who: &Actor) -> Result<Vec<SignInRecord>> {
        who.authorize(Action::ManageOwnAccount)?;
        let entries = self
            .store
            .recent_sign_ins(who.name(), RECENT_SIGN_INS)
            .await?;
        Ok(entries
            .iter()
            .map(|e| {
                let changes: serde_json::Value =
                    serde_json::from_str(&e.changes).unwrap_or_default();
                let after = |f: &str| changes[f]["after"].as_str().unwrap_or_default().to_string();
                SignInRecord {
                    at: e.at.clone(),
                    address: after("address"),
                    user_agent: after("user_agent"),
                    step: after("step"),
                }
            })
            .collect())
    }

    /// What `user` must still do before anything else, under the policy.
    pub fn setup_of(&self, user: &User) -> Setup {
        Setup {
            change_password: self.accounts.first_sign_in_change && user.must_change_password,
            enrol: self.accounts.requires_second_factor(user.role) && !user.second_factor,
        }
    }

    /// The policy in force.
    pub fn account_policy(&self) -> &AccountPolicy {
        &self.accounts
    }

    /// The session of a cookie (its user, and whether it waits for the second factor): a
    /// session past its absolute lifetime or unused for the idle timeout has ended. A use
    /// restarts the idle time (recorded at most once a minute).
    pub async fn session(&self, secret: &str) -> Result<Option<Session>> {
        let Some(session) = self
            .store
            .session(secret, self.accounts.idle_timeout)
            .await?
        else {
            return Ok(None);
        };
        let stale = session
            .last_seen
            .is_none_or(|t| chrono::Utc::now() - t > Duration::minutes(1));
        if stale {
            self.store.touch_session(secret).await?;
        }
        Ok(Some(session))
    }

    /// The user of a live API token; its first use is recorded in the trail.
    pub async fn token_user(&self, secret: &str) -> Result<Option<User>> {
        let Some(used) = self.store.token_user(secret).await? else {
            return Ok(None);
        };
        if used.first {
            let who = actor_of(&used.user).authorize(Action::ManageOwnAccount)?;
            self.store
                .record_token_first_use(&who, used.token_id)
                .await?;
        }
        Ok(Some(used.user))
    }

    /// Changes one's own password after checking the current one (from `address`, guarded
    /// like a sign-in: counted before it is checked, refused past the account's limit);
    /// every session and API token of the account ends, but the session of `keep` when
    /// given (the first sign-in's setup goes on in it).
    pub async fn change_own_password(
        &self,
        who: &Actor,
        current: &str,
        new: &str,
        address: &str,
        keep: Option<&str>,
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
        self.store.change_own_password(&auth, &hash, keep).await
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
