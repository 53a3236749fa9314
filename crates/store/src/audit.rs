//! Reading and verifying the audit trail (R8.5).

use jukiops_domain::audit::{AuditEntry, BrokenEntry, ChainVerifier};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::sql;
use crate::{Page, PageRequest, Store, StoreError};

const COLUMNS: &str = "seq, at, actor, entity, entity_id, action, changes, prev_hash, hash";

fn entry(r: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        entity: r.try_get("entity")?,
        entity_id: r.try_get("entity_id")?,
        action: r.try_get("action")?,
        changes: r.try_get("changes")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

/// Where the chain must end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// An intact chain: how many entries were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub entries: u64,
}

impl Store {
    pub async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        let r = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(AuditHead {
            seq: r.try_get("seq")?,
            hash: r.try_get("hash")?,
        })
    }

    /// The history of one entity, oldest first.
    pub async fn audit_for(
        &self,
        entity: &str,
        entity_id: &str,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} FROM audit_entries WHERE entity = $1 AND entity_id = $2 ORDER BY seq"
        )))
        .bind(entity)
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(entry).collect::<Result<_, _>>()?)
    }

    /// The last `limit` entries of `action` on one entity, newest first.
    pub async fn audit_latest(
        &self,
        entity: &str,
        entity_id: &str,
        action: &str,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} FROM audit_entries WHERE entity = $1 AND entity_id = $2 \
             AND action = $3 ORDER BY seq DESC LIMIT $4"
        )))
        .bind(entity)
        .bind(entity_id)
        .bind(action)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(entry).collect::<Result<_, _>>()?)
    }

    /// The whole trail, newest first, optionally for one entity type.
    pub async fn audit_page(
        &self,
        entity: Option<&str>,
        req: PageRequest,
    ) -> Result<Page<AuditEntry>, StoreError> {
        let filter = if entity.is_some() {
            "WHERE entity = $3"
        } else {
            ""
        };
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} FROM audit_entries {filter} ORDER BY seq DESC LIMIT $1 OFFSET $2"
        )))
        .bind(req.limit())
        .bind(req.offset());
        let rows = match entity {
            Some(e) => rows.bind(e),
            None => rows,
        }
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = match entity {
            Some(e) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM audit_entries WHERE entity = $1").bind(e)
            }
            None => sqlx::query_scalar("SELECT COUNT(*) FROM audit_entries"),
        }
        .fetch_one(&self.pool)
        .await?;
        Ok(Page::new(
            rows.iter().map(entry).collect::<Result<_, _>>()?,
            total,
            req,
        ))
    }

    /// Walks the whole chain in order, in batches hashed on a blocking thread, and stops at
    /// the first bad entry. Batches stay small (1,000 entries, about 0.3 MB) so that the
    /// threads they pass through each keep little heap behind.
    pub async fn verify_audit(&self) -> Result<Result<VerifyReport, BrokenEntry>, StoreError> {
        let head = self.audit_head().await?;
        let mut verifier = ChainVerifier::default();
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(sql(format!(
                "SELECT {COLUMNS} FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT 1000"
            )))
            .bind(after)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            let batch: Vec<AuditEntry> = rows.iter().map(entry).collect::<Result<_, _>>()?;
            after = batch.last().map_or(after, |e| e.seq);
            // Hashing 1,000 entries is CPU work: keep it off the async runtime.
            let (back, checked) = tokio::task::spawn_blocking(move || {
                let checked = batch.iter().try_for_each(|e| verifier.check(e));
                (verifier, checked)
            })
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))?;
            verifier = back;
            if let Err(broken) = checked {
                return Ok(Err(broken));
            }
        }
        Ok(verifier
            .finish(head.seq, &head.hash)
            .map(|entries| VerifyReport { entries }))
    }
}
