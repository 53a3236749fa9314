//! Fault logs of incidents (§5(6)ア): stored with a `log_collected` event of the timeline
//! in one transaction, read by id, and their content deleted once past the retention the
//! City set, the row, its SHA-256 and the fact kept. Each change audited.

use chrono::{DateTime, Utc};
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::incidents::{CheckedLog, EventDraft, EventKind, LogKind, LogState};
use jukiops_domain::people::Authorized;
use jukiops_domain::time::to_db;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::write::append_event;
use crate::common::jst_text;
use crate::{Store, StoreError};

/// A fault log's record (never its content).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FaultLog {
    pub id: i64,
    pub incident_id: i64,
    /// The `log_collected` event it was stored with.
    pub event_id: i64,
    pub file_name: String,
    pub kind: LogKind,
    pub kind_label: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content, lower-case hex (kept after the content is deleted).
    pub sha256: String,
    /// The medium it was carried on (free text until the media register exists).
    pub medium: String,
    pub status: LogState,
    pub status_label: String,
    /// When its content is to be deleted, Japan time.
    pub delete_after: String,
    /// When its content was deleted, Japan time.
    pub deleted_at: Option<String>,
    pub uploaded_by: String,
    /// Japan time.
    pub uploaded_at: String,
}

/// A fault log with its content, for download.
#[derive(Debug, Clone)]
pub struct FaultLogFile {
    pub meta: FaultLog,
    pub content: Vec<u8>,
}

const COLUMNS: &str = "l.id, l.incident_id, l.event_id, l.file_name, l.kind, l.size, l.sha256, \
    l.medium, l.status, l.delete_after, l.deleted_at, l.uploaded_by, l.uploaded_at";
/// Logs of incidents of the contract year `$1`.
const FROM: &str = "FROM incident_logs l JOIN incidents i ON i.id = l.incident_id \
    WHERE i.contract_id = $1";

fn log_row(r: &AnyRow) -> Result<FaultLog, StoreError> {
    let kind = LogKind::decode(&r.try_get::<String, _>("kind")?)?;
    let status = LogState::decode(&r.try_get::<String, _>("status")?)?;
    Ok(FaultLog {
        id: r.try_get("id")?,
        incident_id: r.try_get("incident_id")?,
        event_id: r.try_get("event_id")?,
        file_name: r.try_get("file_name")?,
        kind,
        kind_label: kind.label_ja().into(),
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        medium: r.try_get("medium")?,
        status,
        status_label: status.label_ja().into(),
        delete_after: jst_text(r.try_get("delete_after")?).unwrap_or_default(),
        deleted_at: jst_text(r.try_get("deleted_at")?),
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: jst_text(r.try_get("uploaded_at")?).unwrap_or_default(),
    })
}

impl Store {
    /// Stores fault log `log` (bytes `content`) of incident `incident_id`, collected by
    /// `who` at `now`, with the `log_collected` event the timeline must allow, to be
    /// deleted after `delete_after`. One transaction; audited on both.
    pub async fn add_fault_log(
        &self,
        who: &Authorized,
        incident_id: i64,
        log: &CheckedLog,
        content: &[u8],
        delete_after: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<FaultLog, StoreError> {
        let mut ch = self.begin(who).await?;
        let event = EventDraft {
            note: Some(format!(
                "障害ログ「{}」（{}、媒体: {}）を保管",
                log.file_name,
                log.kind.label_ja(),
                log.medium
            )),
            ..EventDraft::new(EventKind::LogCollected)
        };
        let event_id = append_event(&mut ch, who, incident_id, &event, None, now).await?;
        let size = i64::try_from(log.size).unwrap_or(i64::MAX);
        let stamp = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO incident_logs (incident_id, event_id, file_name, kind, size, sha256, medium, \
             content, status, delete_after, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(incident_id)
        .bind(event_id)
        .bind(&log.file_name)
        .bind(log.kind.as_str())
        .bind(size)
        .bind(&log.sha256)
        .bind(&log.medium)
        .bind(content.to_vec())
        .bind(LogState::Kept.as_str())
        .bind(to_db(delete_after))
        .bind(who.name())
        .bind(&stamp)
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({
            "incident_id": {"after": incident_id}, "file_name": {"after": log.file_name},
            "kind": {"after": log.kind.as_str()}, "size": {"after": size},
            "sha256": {"after": log.sha256}, "medium": {"after": log.medium},
            "status": {"after": LogState::Kept.as_str()}, "delete_after": {"after": to_db(delete_after)},
        });
        ch.audit(Entity::FaultLog, id, AuditAction::Create, &changes);
        ch.commit().await?;
        self.fault_log(id).await
    }

    /// The fault logs of incident `incident_id` (of the year), oldest first.
    pub async fn fault_logs_of(&self, incident_id: i64) -> Result<Vec<FaultLog>, StoreError> {
        let rows = sqlx::query(crate::sql(format!(
            "SELECT {COLUMNS} {FROM} AND l.incident_id = $2 ORDER BY l.id"
        )))
        .bind(self.contract_id()?)
        .bind(incident_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(log_row).collect()
    }

    /// Fault log `id` of the year (its record).
    pub async fn fault_log(&self, id: i64) -> Result<FaultLog, StoreError> {
        let r = sqlx::query(crate::sql(format!("SELECT {COLUMNS} {FROM} AND l.id = $2")))
            .bind(self.contract_id()?)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(Entity::FaultLog))?;
        log_row(&r)
    }

    /// Fault log `id` with its content; `None` as content once deleted.
    pub async fn fault_log_file(&self, id: i64) -> Result<(FaultLog, Option<Vec<u8>>), StoreError> {
        let r = sqlx::query(crate::sql(format!(
            "SELECT {COLUMNS}, l.content {FROM} AND l.id = $2"
        )))
        .bind(self.contract_id()?)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::FaultLog))?;
        Ok((log_row(&r)?, r.try_get("content")?))
    }

    /// Deletes the content of every kept fault log (of any year) whose retention ended at
    /// or before `now`: the content set empty, the status `deleted`, the row and its hash
    /// kept, one audit entry per log keeping its hash. Answers the logs deleted.
    pub async fn purge_fault_logs(
        &self,
        who: &Authorized,
        now: DateTime<Utc>,
    ) -> Result<Vec<FaultLog>, StoreError> {
        let mut ch = self.begin(who).await?;
        let rows = sqlx::query(
            "SELECT id, sha256, file_name, delete_after FROM incident_logs \
             WHERE status = $1 AND delete_after <= $2 ORDER BY id",
        )
        .bind(LogState::Kept.as_str())
        .bind(to_db(now))
        .fetch_all(ch.conn())
        .await?;
        let stamp = ch.now().to_string();
        let mut ids = Vec::new();
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let sha: String = r.try_get("sha256")?;
            let name: String = r.try_get("file_name")?;
            let n = sqlx::query(
                "UPDATE incident_logs SET content = NULL, status = $1, deleted_at = $2 \
                 WHERE id = $3 AND status = $4",
            )
            .bind(LogState::Deleted.as_str())
            .bind(&stamp)
            .bind(id)
            .bind(LogState::Kept.as_str())
            .execute(ch.conn())
            .await?
            .rows_affected();
            if n == 0 {
                continue;
            }
            let changes = json!({
                "file_name": {"before": name}, "sha256": {"before": sha, "after": sha},
                "content": {"before": LogState::Kept.label_ja(), "after": LogState::Deleted.label_ja()},
                "status": {"before": LogState::Kept.as_str(), "after": LogState::Deleted.as_str()},
                "delete_after": {"before": r.try_get::<String, _>("delete_after")?},
            });
            ch.audit(Entity::FaultLog, id, AuditAction::Delete, &changes);
            ids.push(id);
        }
        if ids.is_empty() {
            // Nothing was due: nothing written, nothing to audit (dropping rolls back).
            return Ok(Vec::new());
        }
        ch.commit().await?;
        let mut out = Vec::new();
        for id in ids {
            let r = sqlx::query(crate::sql(format!(
                "SELECT {COLUMNS} FROM incident_logs l WHERE l.id = $1"
            )))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
            out.push(log_row(&r)?);
        }
        Ok(out)
    }
}
