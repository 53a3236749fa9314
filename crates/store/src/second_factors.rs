//! The second factor of an account (TOTP, RFC 6238): its secret, sealed by the app with
//! the server's key before it gets here, the last time step accepted (a code is never
//! accepted twice) and the one-time recovery codes, stored as SHA-256 digests.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::rules::Refusal;
use jukiops_domain::time::to_db;
use serde_json::json;
use sqlx::Row;

use crate::{Store, StoreError};

/// The stored second factor of one account.
#[derive(Debug, Clone)]
pub struct SecondFactorRow {
    /// The TOTP secret as sealed by the app (never the secret itself).
    pub secret_sealed: String,
    /// Confirmed by a valid code: in force.
    pub confirmed: bool,
    /// The last TOTP time step accepted.
    pub last_step: i64,
}

/// How many recovery codes of `user_id` are still unused, read on `conn`.
async fn codes_left(conn: &mut sqlx::AnyConnection, user_id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?)
}

impl Store {
    /// The second factor of `user_id`, confirmed or still being enrolled.
    pub async fn second_factor(&self, user_id: i64) -> Result<Option<SecondFactorRow>, StoreError> {
        let r = sqlx::query(
            "SELECT secret_sealed, confirmed_at, last_step FROM second_factors WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        Ok(Some(SecondFactorRow {
            secret_sealed: r.try_get("secret_sealed")?,
            confirmed: r.try_get::<Option<String>, _>("confirmed_at")?.is_some(),
            last_step: r.try_get("last_step")?,
        }))
    }

    /// Starts an enrolment of `user_id` with `secret_sealed`, unless one is already under
    /// way or done (then the stored one stays: a reloaded page shows the same secret).
    /// Nothing is in force before it is confirmed, so nothing is audited yet.
    pub async fn begin_second_factor(
        &self,
        user_id: i64,
        secret_sealed: &str,
    ) -> Result<(), StoreError> {
        let _turn = self.writer.turn().await;
        sqlx::query(
            "INSERT INTO second_factors (user_id, secret_sealed, confirmed_at, last_step, created_at) \
             VALUES ($1, $2, NULL, 0, $3) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(secret_sealed)
        .bind(to_db(chrono::Utc::now()))
        .execute(self.writer.pool())
        .await?;
        Ok(())
    }

    /// Confirms the acting user's enrolment with the code of time step `step`: the second
    /// factor is in force and `code_hashes` are its recovery codes (any earlier ones go).
    pub async fn confirm_second_factor(
        &self,
        who: &Authorized,
        step: i64,
        code_hashes: &[String],
    ) -> Result<(), StoreError> {
        let user_id = who.user_id().ok_or(StoreError::Forbidden)?;
        let mut ch = self.begin(who).await?;
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE second_factors SET confirmed_at = $1, last_step = $2 \
             WHERE user_id = $3 AND confirmed_at IS NULL AND last_step < $2",
        )
        .bind(&now)
        .bind(step)
        .bind(user_id)
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Refusal::conflict(
                "code",
                "二要素認証は既に登録されているか、登録が始まっていません。画面を開き直してください。",
            )
            .into());
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(ch.conn())
            .await?;
        for hash in code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id)
                .bind(hash)
                .execute(ch.conn())
                .await?;
        }
        let changes = json!({
            "username": {"after": who.name()},
            "recovery_codes_left": {"after": code_hashes.len()},
        });
        ch.audit(Entity::SecondFactor, user_id, AuditAction::Enrol, &changes);
        ch.commit().await
    }

    /// Accepts TOTP time step `step` of `user_id` if it is later than every step accepted
    /// before (so a code is never accepted twice, also by two requests at once).
    pub async fn use_totp_step(&self, user_id: i64, step: i64) -> Result<bool, StoreError> {
        let _turn = self.writer.turn().await;
        let n = sqlx::query(
            "UPDATE second_factors SET last_step = $1 \
             WHERE user_id = $2 AND last_step < $1 AND confirmed_at IS NOT NULL",
        )
        .bind(step)
        .bind(user_id)
        .execute(self.writer.pool())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Uses the acting user's unused recovery code of digest `code_hash`, once; returns how
    /// many are left, or `None` when no such code is unused.
    pub async fn use_recovery_code(
        &self,
        who: &Authorized,
        code_hash: &str,
    ) -> Result<Option<i64>, StoreError> {
        let user_id = who.user_id().ok_or(StoreError::Forbidden)?;
        let mut ch = self.begin(who).await?;
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(&now)
        .bind(user_id)
        .bind(code_hash)
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(None);
        }
        let left = codes_left(ch.conn(), user_id).await?;
        let changes = json!({
            "username": {"after": who.name()},
            "recovery_codes_left": {"before": left + 1, "after": left},
        });
        ch.audit(
            Entity::SecondFactor,
            user_id,
            AuditAction::UseRecoveryCode,
            &changes,
        );
        ch.commit().await?;
        Ok(Some(left))
    }

    /// Removes the second factor of `user_id` and its recovery codes (an administrator's
    /// reset): the account signs in with its password until it enrols again.
    pub async fn reset_second_factor(
        &self,
        who: &Authorized,
        user_id: i64,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let username: String = sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(ch.conn())
            .await?
            .ok_or(StoreError::NotFound(Entity::User))?;
        let left = codes_left(ch.conn(), user_id).await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(ch.conn())
            .await?;
        let n = sqlx::query("DELETE FROM second_factors WHERE user_id = $1")
            .bind(user_id)
            .execute(ch.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(Entity::SecondFactor));
        }
        let changes = json!({
            "username": {"after": username},
            "recovery_codes_left": {"before": left, "after": 0},
        });
        ch.audit(Entity::SecondFactor, user_id, AuditAction::Reset, &changes);
        ch.commit().await
    }
}
