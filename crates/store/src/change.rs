//! The one place where state changes: an authorised actor's writes and their audit entries,
//! one transaction.

use chrono::{DateTime, Utc};
use jukiops_domain::audit::{AuditAction, Entity, unlabelled};
use jukiops_domain::people::Authorized;
use jukiops_domain::time::to_db;
use jukiops_domain::vocab::Labelled;
use serde_json::{Value, json};
use sqlx::{Any, AnyConnection, Transaction};

use crate::chain::{self, PendingEntry};
use crate::{Store, StoreError};

/// An open writing transaction. Dropping it without [`Change::commit`] rolls back.
#[derive(Debug)]
pub struct Change {
    // Field order matters: the transaction rolls back before the turn to write passes on.
    tx: Transaction<'static, Any>,
    actor: String,
    now: DateTime<Utc>,
    now_text: String,
    pending: Vec<PendingEntry>,
    contract_id: Option<i64>,
    _turn: crate::writer::Turn,
    writer: crate::writer::Writer,
}

impl Store {
    /// Starts a change by an actor already checked against the access table (the
    /// [`Authorized`] proves it). The audit head is taken only at commit, so concurrent
    /// writers are serialised for a few statements, not the whole change.
    pub async fn begin(&self, who: &Authorized) -> Result<Change, StoreError> {
        let turn = self.writer.turn().await;
        let tx = self.writer.begin().await?;
        let now = Utc::now();
        Ok(Change {
            tx,
            actor: who.name().to_string(),
            now,
            now_text: to_db(now),
            pending: Vec::new(),
            contract_id: self.contract_id,
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
    /// The contract year the change's records belong to (R1.2); refused when the store
    /// was not scoped to one.
    pub fn contract_id(&self) -> Result<i64, StoreError> {
        self.contract_id.ok_or(StoreError::Unscoped)
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

    /// Records one audit entry (R8.5) of `action` (a general [`AuditAction`] or one of the
    /// entity's verbs) on `entity` `entity_id`; it is chained and written at commit. Every
    /// entity, action and field has a Japanese name for the history pages: a change that
    /// would write one without is a bug, caught by every test that makes it.
    ///
    /// [`AuditAction`]: jukiops_domain::audit::AuditAction
    pub fn audit(
        &mut self,
        entity: Entity,
        entity_id: impl ToString,
        action: impl Labelled,
        changes: &Value,
    ) {
        let missing = unlabelled(entity, action.code(), changes);
        debug_assert!(
            missing.is_empty(),
            "audit entry of {} without a Japanese name: {missing:?}",
            entity.as_str()
        );
        self.pending.push(PendingEntry {
            entity: entity.as_str().to_string(),
            entity_id: entity_id.to_string(),
            action: action.code().to_string(),
            changes: changes.to_string(),
        });
    }

    /// Moves `entity` `id` (a row of `table` with a `status` column) from `from`, the status
    /// it was judged in, to `to`, and records the move as `action`. When another change
    /// moved the row first, nothing is written and the move is refused as a lost race
    /// (409), never applied over the other. `extra` columns are set in the same statement.
    #[allow(clippy::too_many_arguments)]
    pub async fn move_status<S: Labelled>(
        &mut self,
        table: &'static str,
        entity: Entity,
        id: i64,
        from: S,
        to: S,
        action: impl Labelled,
        extra: &[(&'static str, Option<String>)],
    ) -> Result<(), StoreError> {
        let note = json!({});
        self.move_status_noting(table, entity, id, (from, to), action, extra, &note)
            .await
    }

    /// [`Change::move_status`], with `note` (an object of field diffs, such as what the
    /// extra columns were set to) added to the move's audit entry.
    #[allow(clippy::too_many_arguments)]
    pub async fn move_status_noting<S: Labelled>(
        &mut self,
        table: &'static str,
        entity: Entity,
        id: i64,
        (from, to): (S, S),
        action: impl Labelled,
        extra: &[(&'static str, Option<String>)],
        note: &Value,
    ) -> Result<(), StoreError> {
        let mut sets = String::from("status = $1, updated_at = $2");
        for (i, (column, _)) in extra.iter().enumerate() {
            sets.push_str(&format!(", {column} = ${}", i + 5));
        }
        let text = format!("UPDATE {table} SET {sets} WHERE id = $3 AND status = $4");
        let now = self.now_text.clone();
        let mut q = sqlx::query(crate::sql(text))
            .bind(to.code())
            .bind(now)
            .bind(id)
            .bind(from.code());
        for (_, value) in extra {
            q = q.bind(value.clone());
        }
        if q.execute(&mut *self.tx).await?.rows_affected() == 0 {
            return Err(crate::common::raced());
        }
        let mut changes = json!({"status": {"before": from.code(), "after": to.code()}});
        if let (Some(all), Some(more)) = (changes.as_object_mut(), note.as_object()) {
            all.extend(more.clone());
        }
        self.audit(entity, id, action, &changes);
        Ok(())
    }

    /// Sets the current row `id` of `table` (a table of versioned records: `replaced_at`,
    /// `replaced_by`) aside before its correction is inserted; a row set aside by another
    /// change meanwhile is a lost race (409).
    pub(crate) async fn set_aside(
        &mut self,
        table: &'static str,
        id: i64,
    ) -> Result<(), StoreError> {
        let text =
            format!("UPDATE {table} SET replaced_at = $1 WHERE id = $2 AND replaced_at IS NULL");
        let n = sqlx::query(crate::sql(text))
            .bind(self.now_text.clone())
            .bind(id)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(crate::common::raced());
        }
        Ok(())
    }

    /// Names row `new` of `table` as the correction of row `old`, set aside before: the old
    /// version stays readable and the trail says who replaced which with which.
    pub(crate) async fn replaced(
        &mut self,
        table: &'static str,
        entity: Entity,
        old: i64,
        new: i64,
    ) -> Result<(), StoreError> {
        let text = format!("UPDATE {table} SET replaced_by = $1 WHERE id = $2");
        sqlx::query(crate::sql(text))
            .bind(new)
            .bind(old)
            .execute(&mut *self.tx)
            .await?;
        self.audit(
            entity,
            old,
            AuditAction::Replace,
            &json!({"replaced_by": {"after": new}}),
        );
        Ok(())
    }

    /// Chains the audit entries to the head and commits them with the rows.
    ///
    /// The head is guessed from this process's last append when it has one (one statement
    /// fewer while appenders queue); the database checks every link, and when another
    /// process moved the head in between, the entries are chained again to the real head.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            // A change that writes rows without saying so in the trail is refused, in
            // release builds too: nothing is committed.
            tracing::error!("a change tried to commit without an audit entry");
            return Err(StoreError::Unaudited);
        }
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
