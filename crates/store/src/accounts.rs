//! Sign-in state kept in the database so several app servers share it: browser sessions,
//! API tokens (both stored as SHA-256 of a random secret) and login throttling.

use base64::Engine as _;
use chrono::{Duration, Utc};
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::time::to_db;
use rand::RngCore;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::sql;
use crate::users::{USER_COLUMNS, user_row};
use crate::{Change, Store, StoreError, User, password};

/// A random 256-bit secret, URL-safe.
fn new_secret() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn digest(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A live API token presented with a request.
#[derive(Debug, Clone)]
pub struct TokenUse {
    pub user: User,
    pub token_id: i64,
    /// Never used before.
    pub first: bool,
}

/// A live browser session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    /// Opened by the password; the second factor is still to be given.
    pub second_factor_pending: bool,
    /// When it was last used.
    pub last_seen: Option<chrono::DateTime<Utc>>,
}

/// A sign-in attempt counted before its password is checked.
#[derive(Debug, Clone)]
pub struct LoginAttempt {
    /// Attempts against the account within the window, this one included.
    pub by_account: i64,
    /// Attempts from the client address within the window, this one included.
    pub by_address: i64,
    account: String,
    /// The rows of this attempt: against the account, from the address.
    ids: [i64; 2],
}

/// Which login counter a failure counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    Account,
    Address,
}

impl Throttle {
    fn as_str(self) -> &'static str {
        match self {
            Throttle::Account => "account",
            Throttle::Address => "address",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A freshly made token: the secret is shown once and never stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NewApiToken {
    pub token: ApiToken,
    pub secret: String,
}

impl Store {
    /// Checks a login name and password; `None` for an unknown, disabled or wrong account
    /// (all take the same time).
    pub async fn check_password(
        &self,
        username: &str,
        pw: &str,
    ) -> Result<Option<User>, StoreError> {
        let found = self.user_with_hash(username).await?;
        let hash = found
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| password::DUMMY_HASH.clone());
        let ok = password::verify(hash, pw.to_string()).await;
        Ok(found.filter(|u| ok && !u.user.disabled).map(|u| u.user))
    }

    /// Opens a browser session; returns the secret for the cookie. A session opened by the
    /// password of an account with a second factor waits for it (`second_factor_pending`).
    pub async fn create_session(
        &self,
        user_id: i64,
        ttl: Duration,
        second_factor_pending: bool,
    ) -> Result<String, StoreError> {
        let _turn = self.writer.turn().await;
        let secret = new_secret();
        let now = Utc::now();
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at, \
             second_factor_pending) VALUES ($1, $2, $3, $4, $3, $5)",
        )
        .bind(digest(&secret))
        .bind(user_id)
        .bind(to_db(now))
        .bind(to_db(now + ttl))
        .bind(i64::from(second_factor_pending))
        .execute(self.writer.pool())
        .await?;
        Ok(secret)
    }

    /// The session of a cookie while it lives: before its absolute end, seen within `idle`,
    /// its user enabled.
    pub async fn session(
        &self,
        secret: &str,
        idle: Duration,
    ) -> Result<Option<Session>, StoreError> {
        let now = Utc::now();
        let r = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS}, s.second_factor_pending, s.last_seen_at FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2 \
             AND COALESCE(s.last_seen_at, s.created_at) > $3 AND u.disabled = 0"
        )))
        .bind(digest(secret))
        .bind(to_db(now))
        .bind(to_db(now - idle))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        let last_seen: Option<String> = r.try_get("last_seen_at")?;
        Ok(Some(Session {
            user: user_row(&r)?,
            second_factor_pending: r.try_get::<i64, _>("second_factor_pending")? != 0,
            last_seen: last_seen.and_then(|t| jukiops_domain::time::from_db(&t)),
        }))
    }

    /// Records that the session was used now (its idle time starts again).
    pub async fn touch_session(&self, secret: &str) -> Result<(), StoreError> {
        let _turn = self.writer.turn().await;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(to_db(Utc::now()))
            .bind(digest(secret))
            .execute(self.writer.pool())
            .await?;
        Ok(())
    }

    /// The session's second factor was given: it is a full session now.
    pub async fn complete_second_factor(&self, secret: &str) -> Result<(), StoreError> {
        let _turn = self.writer.turn().await;
        sqlx::query("UPDATE sessions SET second_factor_pending = 0 WHERE id_hash = $1")
            .bind(digest(secret))
            .execute(self.writer.pool())
            .await?;
        Ok(())
    }

    /// The active user of a session cookie, if the session is live and the user enabled.
    pub async fn session_user(&self, secret: &str) -> Result<Option<User>, StoreError> {
        let r = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
        )))
        .bind(digest(secret))
        .bind(to_db(Utc::now()))
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.as_ref().map(user_row).transpose()?)
    }

    pub async fn delete_session(&self, secret: &str) -> Result<(), StoreError> {
        let _turn = self.writer.turn().await;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(digest(secret))
            .execute(self.writer.pool())
            .await?;
        Ok(())
    }

    /// Removes expired sessions and old login failures (run periodically).
    pub async fn purge_expired(&self) -> Result<(), StoreError> {
        let _turn = self.writer.turn().await;
        let now = Utc::now();
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(to_db(now))
            .execute(self.writer.pool())
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE at <= $1")
            .bind(to_db(now - Duration::days(1)))
            .execute(self.writer.pool())
            .await?;
        Ok(())
    }

    /// Counts a sign-in attempt against `account` and `address` BEFORE its password is
    /// checked, and returns how many attempts each has within `window`, this one included.
    /// Each insert is committed before its count, so of any number of attempts sent at
    /// once the n-th to commit sees at least n: no more than a limit of them can pass it,
    /// whatever the concurrency. A successful attempt is withdrawn ([`Store::settle_login`]).
    pub async fn reserve_login_attempt(
        &self,
        account: &str,
        address: &str,
        window: Duration,
    ) -> Result<LoginAttempt, StoreError> {
        let at = to_db(Utc::now());
        let mut ids = [0_i64; 2];
        for (slot, (kind, key)) in [(Throttle::Account, account), (Throttle::Address, address)]
            .into_iter()
            .enumerate()
        {
            let _turn = self.writer.turn().await;
            ids[slot] = sqlx::query_scalar(
                "INSERT INTO login_failures (kind, key, at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(kind.as_str())
            .bind(key)
            .bind(&at)
            .fetch_one(self.writer.pool())
            .await?;
        }
        Ok(LoginAttempt {
            by_account: self
                .recent_login_failures(Throttle::Account, account, window)
                .await?,
            by_address: self
                .recent_login_failures(Throttle::Address, address, window)
                .await?,
            account: account.to_string(),
            ids,
        })
    }

    /// Settles an attempt once its password was checked: a success clears the account's
    /// failures and withdraws this attempt from the address's count; a failure stays
    /// counted.
    pub async fn settle_login(
        &self,
        attempt: &LoginAttempt,
        succeeded: bool,
    ) -> Result<(), StoreError> {
        if !succeeded {
            return Ok(());
        }
        let _turn = self.writer.turn().await;
        sqlx::query("DELETE FROM login_failures WHERE (kind = $1 AND key = $2) OR id = $3")
            .bind(Throttle::Account.as_str())
            .bind(&attempt.account)
            .bind(attempt.ids[1])
            .execute(self.writer.pool())
            .await?;
        Ok(())
    }

    /// Withdraws the attempt from its address's count only: a correct password whose
    /// sign-in waits for the second factor. The account's count keeps it until the whole
    /// sign-in succeeds, so that guesses of the code are counted like guesses of the
    /// password.
    pub async fn withdraw_from_address(&self, attempt: &LoginAttempt) -> Result<(), StoreError> {
        let _turn = self.writer.turn().await;
        sqlx::query("DELETE FROM login_failures WHERE id = $1")
            .bind(attempt.ids[1])
            .execute(self.writer.pool())
            .await?;
        Ok(())
    }

    /// Records that `account` (as typed, known or not) is locked: once per lock, however
    /// many refused attempts report it at once. A lock older than `window` has run out, and
    /// is recorded again when the account is locked anew. Returns whether this call
    /// recorded it.
    pub async fn record_lock(
        &self,
        who: &Authorized,
        account: &str,
        window: Duration,
        changes: &serde_json::Value,
    ) -> Result<bool, StoreError> {
        let mut ch = self.begin(who).await?;
        let now = ch.now().to_string();
        let stale = to_db(ch.now_utc() - window);
        let n = sqlx::query(
            "INSERT INTO account_locks (account, locked_at) VALUES ($1, $2) \
             ON CONFLICT (account) DO UPDATE SET locked_at = excluded.locked_at \
             WHERE account_locks.locked_at <= $3",
        )
        .bind(account)
        .bind(&now)
        .bind(&stale)
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        ch.audit(Entity::SignIn, account, AuditAction::Lock, changes);
        ch.commit().await?;
        Ok(true)
    }

    /// The account names with `limit` failed sign-ins or more within `window`: those whose
    /// next attempt is refused as locked.
    pub async fn locked_accounts(
        &self,
        window: Duration,
        limit: i64,
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT key FROM login_failures WHERE kind = $1 AND at > $2 \
             GROUP BY key HAVING COUNT(*) >= $3",
        )
        .bind(Throttle::Account.as_str())
        .bind(to_db(Utc::now() - window))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// Unlocks account `username` (an administrator): its failed sign-ins are forgotten.
    /// Refused (409) when there is nothing to clear.
    pub async fn unlock_account(&self, who: &Authorized, user_id: i64) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let username: String = sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(ch.conn())
            .await?
            .ok_or(StoreError::NotFound(Entity::User))?;
        let failures = sqlx::query("DELETE FROM login_failures WHERE kind = $1 AND key = $2")
            .bind(Throttle::Account.as_str())
            .bind(&username)
            .execute(ch.conn())
            .await?
            .rows_affected();
        let locks = sqlx::query("DELETE FROM account_locks WHERE account = $1")
            .bind(&username)
            .execute(ch.conn())
            .await?
            .rows_affected();
        if failures == 0 && locks == 0 {
            return Err(jukiops_domain::rules::Refusal::conflict(
                "locked",
                "この利用者はロックされていません。",
            )
            .into());
        }
        let changes =
            json!({"username": {"after": username}, "failures": {"before": failures, "after": 0}});
        ch.audit(Entity::SignIn, &username, AuditAction::Unlock, &changes);
        ch.commit().await
    }

    /// Records an entry of the login history (a sign-in, a failed one, a sign-out) on
    /// account name `account`.
    pub async fn record_sign_in(
        &self,
        who: &Authorized,
        account: &str,
        action: AuditAction,
        changes: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        ch.audit(Entity::SignIn, account, action, changes);
        ch.commit().await
    }

    /// The last `limit` successful sign-ins of account `account`, newest first.
    pub async fn recent_sign_ins(
        &self,
        account: &str,
        limit: i64,
    ) -> Result<Vec<jukiops_domain::audit::AuditEntry>, StoreError> {
        self.audit_latest(
            Entity::SignIn.as_str(),
            account,
            AuditAction::SignInSucceeded.as_str(),
            limit,
        )
        .await
    }

    /// Ends every browser session of the acting user (API tokens stay); returns how many
    /// ended.
    pub async fn end_own_sessions(&self, who: &Authorized) -> Result<u64, StoreError> {
        let user_id = who.user_id().ok_or(StoreError::Forbidden)?;
        let mut ch = self.begin(who).await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(ch.conn())
            .await?
            .rows_affected();
        let changes =
            json!({"username": {"after": who.name()}, "sessions_ended": {"after": ended}});
        ch.audit(
            Entity::SignIn,
            who.name(),
            AuditAction::SignOutEverywhere,
            &changes,
        );
        ch.commit().await?;
        Ok(ended)
    }

    /// Attempts against `key` within the last `window`.
    pub async fn recent_login_failures(
        &self,
        kind: Throttle,
        key: &str,
        window: Duration,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE kind = $1 AND key = $2 AND at > $3",
        )
        .bind(kind.as_str())
        .bind(key)
        .bind(to_db(Utc::now() - window))
        .fetch_one(&self.pool)
        .await?)
    }

    /// Makes an API token for the acting user; the secret is returned once.
    pub async fn create_api_token(
        &self,
        who: &Authorized,
        name: &str,
        ttl_days: Option<i64>,
    ) -> Result<NewApiToken, StoreError> {
        let user_id = who.user_id().ok_or(StoreError::Forbidden)?;
        let mut ch = self.begin(who).await?;
        let secret = format!("jko_{}", new_secret());
        let expires = ttl_days.map(|d| to_db(ch.now_utc() + Duration::days(d)));
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(digest(&secret))
        .bind(&now)
        .bind(expires.as_deref())
        .fetch_one(ch.conn())
        .await?;
        ch.audit(Entity::ApiToken, id, AuditAction::Create, &json!({"name": {"before": null, "after": name}, "expires_at": {"before": null, "after": expires}}));
        ch.commit().await?;
        Ok(NewApiToken {
            token: ApiToken {
                id,
                name: name.to_string(),
                created_at: now,
                expires_at: expires,
                revoked_at: None,
            },
            secret,
        })
    }

    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query("SELECT id, name, created_at, expires_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    pub async fn revoke_api_token(&self, who: &Authorized, id: i64) -> Result<(), StoreError> {
        let user_id = who.user_id().ok_or(StoreError::Forbidden)?;
        let mut ch = self.begin(who).await?;
        let now = ch.now().to_string();
        let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(&now)
            .bind(id)
            .bind(user_id)
            .execute(ch.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(Entity::ApiToken));
        }
        ch.audit(
            Entity::ApiToken,
            id,
            AuditAction::Revoke,
            &json!({"revoked_at": {"before": null, "after": now}}),
        );
        ch.commit().await
    }

    /// The user of a live, unrevoked API token.
    pub async fn token_user(&self, secret: &str) -> Result<Option<TokenUse>, StoreError> {
        let r = sqlx::query(sql(format!(
            "SELECT {USER_COLUMNS}, t.id AS token_id, t.first_used_at FROM api_tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
             AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled = 0"
        )))
        .bind(digest(secret))
        .bind(to_db(Utc::now()))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        Ok(Some(TokenUse {
            user: user_row(&r)?,
            token_id: r.try_get("token_id")?,
            first: r.try_get::<Option<String>, _>("first_used_at")?.is_none(),
        }))
    }

    /// Records the first use of token `id` (once: a second call changes nothing).
    pub async fn record_token_first_use(
        &self,
        who: &Authorized,
        id: i64,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE api_tokens SET first_used_at = $1 WHERE id = $2 AND first_used_at IS NULL",
        )
        .bind(&now)
        .bind(id)
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(());
        }
        let changes = json!({"first_used_at": {"after": now}});
        ch.audit(Entity::ApiToken, id, AuditAction::FirstUse, &changes);
        ch.commit().await
    }

    /// Lets a signed-in user set a new password (already hashed); every session ends but
    /// the one of `keep` (a cookie's secret), when given.
    pub async fn change_own_password(
        &self,
        who: &Authorized,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<(), StoreError> {
        let user_id = who.user_id().ok_or(StoreError::Forbidden)?;
        let mut ch = self.begin(who).await?;
        let now = ch.now().to_string();
        sqlx::query(
            "UPDATE users SET password_hash = $1, updated_at = $2, must_change_password = 0 \
             WHERE id = $3",
        )
        .bind(password_hash)
        .bind(&now)
        .bind(user_id)
        .execute(ch.conn())
        .await?;
        let revoked = end_credentials(&mut ch, user_id, keep).await?;
        let mut changes = json!({"password": {"before": null, "after": "changed"}});
        if revoked > 0 {
            changes["tokens_revoked"] = json!({"after": revoked});
        }
        ch.audit(Entity::User, user_id, AuditAction::ChangePassword, &changes);
        ch.commit().await
    }
}

/// Ends every session of `user_id` and revokes their live API tokens, inside the change
/// that changed what they were granted on (a password, a role, the account itself); returns
/// how many tokens were revoked. A token a person wants to keep is made again.
pub(crate) async fn end_credentials(
    ch: &mut Change,
    user_id: i64,
    keep: Option<&str>,
) -> Result<u64, StoreError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep.map(digest).unwrap_or_default())
        .execute(ch.conn())
        .await?;
    let now = ch.now().to_string();
    let revoked = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(&now)
    .bind(user_id)
    .execute(ch.conn())
    .await?
    .rows_affected();
    Ok(revoked)
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_are_random_and_digests_hex() {
        let a = super::new_secret();
        assert_ne!(a, super::new_secret());
        assert_eq!(a.len(), 43);
        assert_eq!(super::digest("x").len(), 64);
    }
}
