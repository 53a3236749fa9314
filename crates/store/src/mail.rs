//! Inbox notices by e-mail (issue 13, item 1): who has an address, and which of their
//! waiting items have been mailed. An item is claimed before it is sent (`ON CONFLICT DO
//! NOTHING`), so two app servers never mail it twice; a failed send gives it back.

use sqlx::Row;

use crate::{Store, StoreError, sql};

/// A person notices are mailed to.
#[derive(Debug, Clone)]
pub struct MailRecipient {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: jukiops_domain::people::Role,
    pub email: String,
}

impl Store {
    /// The enabled accounts with an e-mail address.
    pub async fn mail_recipients(&self) -> Result<Vec<MailRecipient>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, username, display_name, role, email FROM users \
             WHERE disabled = 0 AND email IS NOT NULL AND email <> '' ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                Ok(MailRecipient {
                    user_id: r.try_get("id")?,
                    username: r.try_get("username")?,
                    display_name: r.try_get("display_name")?,
                    role: jukiops_domain::people::Role::decode(&role)
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                    email: r.try_get("email")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Of `keys` (everything now waiting for `user_id`), those not mailed yet, now claimed
    /// as mailed at `now`; the keys of items no longer waiting are forgotten, so an item
    /// that comes back is mailed again. One transaction.
    pub async fn claim_mail_notices(
        &self,
        user_id: i64,
        keys: &[String],
        now: &str,
    ) -> Result<Vec<String>, StoreError> {
        let _turn = self.writer.turn().await;
        let mut tx = self.writer.begin().await?;
        let kept: Vec<String> =
            sqlx::query_scalar("SELECT item_key FROM mail_notices WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(&mut *tx)
                .await?;
        for gone in kept.iter().filter(|k| !keys.contains(k)) {
            sqlx::query("DELETE FROM mail_notices WHERE user_id = $1 AND item_key = $2")
                .bind(user_id)
                .bind(gone)
                .execute(&mut *tx)
                .await?;
        }
        let mut claimed = Vec::new();
        for key in keys.iter().filter(|k| !kept.contains(k)) {
            let done = sqlx::query(sql(
                "INSERT INTO mail_notices (user_id, item_key, sent_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, item_key) DO NOTHING"
                    .to_string(),
            ))
            .bind(user_id)
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                claimed.push(key.clone());
            }
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Gives back claimed keys whose message could not be sent, so the next round retries.
    pub async fn release_mail_notices(
        &self,
        user_id: i64,
        keys: &[String],
    ) -> Result<(), StoreError> {
        let _turn = self.writer.turn().await;
        let mut tx = self.writer.begin().await?;
        for key in keys {
            sqlx::query("DELETE FROM mail_notices WHERE user_id = $1 AND item_key = $2")
                .bind(user_id)
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
