//! The one place where state changes: role check, writes and audit entry, one transaction.

use chrono::{DateTime, Utc};
use jukiops_domain::audit::entry_hash;
use jukiops_domain::people::{Action, Role, may};
use jukiops_domain::time::to_db;
use serde_json::Value;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::{Store, StoreError};

/// Who is changing something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person; their role decides what they may do.
    User {
        id: i64,
        username: String,
        role: Role,
    },
    /// The operator at the command line or the system itself (`cli:user-add`, `demo`, ...):
    /// whoever runs the binary on the server already holds the database.
    System(String),
}

impl Actor {
    pub fn name(&self) -> &str {
        match self {
            Actor::User { username, .. } => username,
            Actor::System(name) => name,
        }
    }
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Actor::User { id, .. } => Some(*id),
            Actor::System(_) => None,
        }
    }
    pub fn may(&self, action: Action) -> bool {
        match self {
            Actor::User { role, .. } => may(*role, action),
            Actor::System(_) => true,
        }
    }
}

/// An open writing transaction. Dropping it without [`Change::commit`] rolls back.
#[derive(Debug)]
pub struct Change {
    tx: Transaction<'static, Any>,
    actor: String,
    now: DateTime<Utc>,
    now_text: String,
    seq: i64,
    hash: String,
    entries: usize,
}

impl Store {
    /// Starts a change by `actor` that needs `action`. The first statement moves the audit
    /// head, which takes the write lock at once: writers queue here instead of failing later.
    pub async fn begin(&self, actor: &Actor, action: Action) -> Result<Change, StoreError> {
        if !actor.may(action) {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut *tx)
            .await?;
        let now = Utc::now();
        Ok(Change {
            tx,
            actor: actor.name().to_string(),
            now,
            now_text: to_db(now),
            seq: row.try_get("seq")?,
            hash: row.try_get("hash")?,
            entries: 0,
        })
    }
}

impl Change {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
    /// The instant of this change, in storage format; every row it writes shares it.
    pub fn now(&self) -> &str {
        &self.now_text
    }
    pub fn now_utc(&self) -> DateTime<Utc> {
        self.now
    }
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Appends one entry to the audit trail (R8.5), chained to the one before.
    pub async fn audit(
        &mut self,
        entity: &str,
        entity_id: impl ToString,
        action: &str,
        changes: &Value,
    ) -> Result<(), StoreError> {
        let seq = self.seq + 1;
        let entity_id = entity_id.to_string();
        let changes = changes.to_string();
        let hash = entry_hash(
            &self.hash,
            seq,
            &self.now_text,
            &self.actor,
            entity,
            &entity_id,
            action,
            &changes,
        );
        sqlx::query(
            "INSERT INTO audit_entries (seq, at, actor, entity, entity_id, action, changes, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(seq)
        .bind(&self.now_text)
        .bind(&self.actor)
        .bind(entity)
        .bind(&entity_id)
        .bind(action)
        .bind(&changes)
        .bind(&self.hash)
        .bind(&hash)
        .execute(&mut *self.tx)
        .await?;
        self.seq = seq;
        self.hash = hash;
        self.entries += 1;
        Ok(())
    }

    /// Commits the rows and their audit entries together.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        debug_assert!(self.entries > 0, "a change must leave an audit entry");
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.seq)
            .bind(&self.hash)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }
}
