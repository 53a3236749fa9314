//! The one place where state changes: role check, writes and audit entry, one transaction.

use chrono::{DateTime, Utc};
use jukiops_domain::audit::entry_hash;
use jukiops_domain::people::{Action, Role, may};
use jukiops_domain::time::to_db;
use serde_json::Value;
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::{Engine, Store, StoreError};

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
    /// The signed-in person's role; `None` for the system.
    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::User { role, .. } => Some(*role),
            Actor::System(_) => None,
        }
    }
    /// The role whose rules apply: the person's, or `default` for the system (CLI, demo),
    /// which acts as the party that would normally do it.
    pub fn role_or(&self, default: Role) -> Role {
        self.role().unwrap_or(default)
    }
    pub fn may(&self, action: Action) -> bool {
        match self {
            Actor::User { role, .. } => may(*role, action),
            Actor::System(_) => true,
        }
    }
}

/// Audit entries per INSERT statement: 7 binds each stays under every engine's limit.
const APPEND_CHUNK: usize = 500;

/// An audit entry waiting for the commit, where it is chained.
#[derive(Debug)]
struct PendingEntry {
    entity: String,
    entity_id: String,
    action: String,
    changes: String,
}

/// An open writing transaction. Dropping it without [`Change::commit`] rolls back.
#[derive(Debug)]
pub struct Change {
    // Field order matters: the transaction rolls back before the turn to write passes on.
    tx: Transaction<'static, Any>,
    actor: String,
    now: DateTime<Utc>,
    now_text: String,
    pending: Vec<PendingEntry>,
    _turn: crate::writer::Turn,
    writer: crate::writer::Writer,
}

impl Store {
    /// Starts a change by `actor` that needs `action`. The audit head is taken only at
    /// commit, so concurrent writers are serialised for a few statements, not the whole
    /// change.
    pub async fn begin(&self, actor: &Actor, action: Action) -> Result<Change, StoreError> {
        if !actor.may(action) {
            return Err(StoreError::Forbidden);
        }
        let turn = self.writer.turn().await;
        let tx = self.writer.pool().begin().await?;
        let now = Utc::now();
        Ok(Change {
            tx,
            actor: actor.name().to_string(),
            now,
            now_text: to_db(now),
            pending: Vec::new(),
            _turn: turn,
            writer: self.writer.clone(),
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

    /// Records one audit entry (R8.5); it is chained and written at commit.
    pub async fn audit(
        &mut self,
        entity: &str,
        entity_id: impl ToString,
        action: &str,
        changes: &Value,
    ) -> Result<(), StoreError> {
        self.pending.push(PendingEntry {
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            action: action.to_string(),
            changes: changes.to_string(),
        });
        Ok(())
    }

    /// Chains the audit entries to the head and commits them with the rows.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        debug_assert!(
            !self.pending.is_empty(),
            "a change must leave an audit entry"
        );
        let _append = self.writer.append_turn().await;
        // Locks the head (PostgreSQL: its row; SQLite: the database, for a writer of another
        // process) until commit: the chain never forks.
        let head = sqlx::query(match self.writer.engine() {
            Engine::Postgres => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
            Engine::Sqlite => "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash",
        })
        .fetch_one(&mut *self.tx)
        .await?;
        let mut seq: i64 = head.try_get("seq")?;
        let mut hash: String = head.try_get("hash")?;
        let pending = std::mem::take(&mut self.pending);
        let mut links = Vec::with_capacity(pending.len());
        for e in &pending {
            seq += 1;
            let next = entry_hash(
                &hash,
                seq,
                &self.now_text,
                &self.actor,
                &e.entity,
                &e.entity_id,
                &e.action,
                &e.changes,
            );
            links.push((seq, std::mem::replace(&mut hash, next.clone()), next));
        }
        // One statement per 500 entries (bind limits); the database checks each link and
        // moves the head.
        for (chunk, links) in pending.chunks(APPEND_CHUNK).zip(links.chunks(APPEND_CHUNK)) {
            let rows = (0..chunk.len())
                .map(|i| {
                    let p = |k: usize| format!("${}", 2 + i * 7 + k);
                    format!(
                        "({}, $1, $2, {}, {}, {}, {}, {}, {})",
                        p(1),
                        p(2),
                        p(3),
                        p(4),
                        p(5),
                        p(6),
                        p(7)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let mut insert = sqlx::query(crate::sql(format!(
                "INSERT INTO audit_entries (seq, at, actor, entity, entity_id, action, changes, prev_hash, hash) VALUES {rows}"
            )))
            .bind(&self.now_text)
            .bind(&self.actor);
            for (e, (seq, prev, next)) in chunk.iter().zip(links) {
                insert = insert
                    .bind(*seq)
                    .bind(&e.entity)
                    .bind(&e.entity_id)
                    .bind(&e.action)
                    .bind(&e.changes)
                    .bind(prev)
                    .bind(next);
            }
            insert.execute(&mut *self.tx).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}
