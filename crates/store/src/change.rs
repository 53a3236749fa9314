//! The one place where state changes: role check, writes and audit entry, one transaction.

use chrono::{DateTime, Utc};
use jukiops_domain::people::{Action, Role, may};
use jukiops_domain::time::to_db;
use serde_json::Value;
use sqlx::{Any, AnyConnection, Transaction};

use crate::chain::{self, PendingEntry};
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
        let tx = self.writer.begin().await?;
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
    pub(crate) fn engine(&self) -> crate::Engine {
        self.writer.engine()
    }

    /// Locks row `id` of `table` until the end of this change, so that changes of one row
    /// run one after the other, each seeing the one before, as on SQLite, whose one writer
    /// already has the database to itself. Without it PostgreSQL lets two changes read the
    /// same state and both write as if alone.
    pub(crate) async fn lock(&mut self, table: &'static str, id: i64) -> Result<(), StoreError> {
        if self.engine() == crate::Engine::Postgres {
            let lock = format!("SELECT id FROM {table} WHERE id = $1 FOR NO KEY UPDATE");
            sqlx::query(crate::sql(lock))
                .bind(id)
                .fetch_optional(&mut *self.tx)
                .await?;
        }
        Ok(())
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
    ///
    /// The head is guessed from this process's last append when it has one (one statement
    /// fewer while appenders queue); the database checks every link, and when another
    /// process moved the head in between, the entries are chained again to the real head.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        debug_assert!(
            !self.pending.is_empty(),
            "a change must leave an audit entry"
        );
        let pending = std::mem::take(&mut self.pending);
        let engine = self.writer.engine();
        let may_guess = self.writer.has_guess();
        if may_guess {
            chain::prepare_guess(&mut self.tx, engine).await?;
        }
        let append = self.writer.append_turn().await;
        let entries = chain::Entries {
            at: &self.now_text,
            actor: &self.actor,
            pending: &pending,
        };
        let guess = if may_guess {
            self.writer.head_guess()
        } else {
            None
        };
        let appended = chain::append_after(&mut self.tx, engine, &entries, guess).await;
        let head = match appended {
            Ok(head) => head,
            Err(e) => {
                self.writer.set_guess(None);
                return Err(e);
            }
        };
        // The next appender of this process may go ahead now: its entries follow these, and
        // the database holds them until this commit is done, or refuses them if it fails.
        self.writer.set_guess(Some(head));
        drop(append);
        if let Err(e) = self.tx.commit().await {
            self.writer.set_guess(None);
            return Err(e.into());
        }
        Ok(())
    }
}
