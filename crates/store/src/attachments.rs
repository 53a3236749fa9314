//! Attachments (R2.4, R8.2, R8.3): files kept in the database beside a notice, a version
//! of a 作業手順書 (only while it is a draft: a submitted or decided version is frozen) or a
//! 作業依頼書's evidence of work. The audit entry keeps the metadata and the SHA-256, never
//! the content.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::jobs::{CheckedFile, OwnerKind, ProcedureVersionStatus, WorkRequestStatus};
use jukiops_domain::people::Authorized;
use jukiops_domain::time::{display_jst, from_db};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Change, Store, StoreError};

/// One attachment's metadata.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub owner_kind: OwnerKind,
    pub owner_id: i64,
    pub file_name: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub uploaded_by: String,
    /// Japan time, for display.
    pub uploaded_at: String,
}

/// An attachment with its content, for download.
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    pub meta: Attachment,
    pub content: Vec<u8>,
}

const COLUMNS: &str =
    "id, owner_kind, owner_id, file_name, content_type, size, sha256, uploaded_by, uploaded_at";

fn row(r: &AnyRow) -> Result<Attachment, StoreError> {
    let kind =
        OwnerKind::parse(&r.try_get::<String, _>("owner_kind")?).unwrap_or(OwnerKind::Request);
    Ok(Attachment {
        id: r.try_get("id")?,
        owner_kind: kind,
        owner_id: r.try_get("owner_id")?,
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: from_db(&r.try_get::<String, _>("uploaded_at")?)
            .map(display_jst)
            .unwrap_or_default(),
    })
}

/// Refuses a missing owner (404), a procedure version that is no longer a draft and a
/// request already closed (409).
async fn check_owner(ch: &mut Change, kind: OwnerKind, owner_id: i64) -> Result<(), StoreError> {
    match kind {
        OwnerKind::Notice => {
            sqlx::query_scalar::<_, i64>("SELECT id FROM notices WHERE id = $1")
                .bind(owner_id)
                .fetch_optional(ch.conn())
                .await?
                .ok_or(StoreError::NotFound(Entity::Notice))?;
        }
        OwnerKind::Request => {
            let status: String =
                sqlx::query_scalar("SELECT status FROM work_requests WHERE id = $1")
                    .bind(owner_id)
                    .fetch_optional(ch.conn())
                    .await?
                    .ok_or(StoreError::NotFound(Entity::WorkRequest))?;
            let status = WorkRequestStatus::parse(&status).unwrap_or(WorkRequestStatus::Cancelled);
            if matches!(
                status,
                WorkRequestStatus::Accepted | WorkRequestStatus::Cancelled
            ) {
                return Err(StoreError::conflict(
                    "status",
                    format!(
                        "この作業依頼書は「{}」のため、作業の証跡を追加できません。",
                        status.label_ja()
                    ),
                ));
            }
        }
        OwnerKind::Procedure => {
            let status: String = sqlx::query_scalar("SELECT status FROM procedures WHERE id = $1")
                .bind(owner_id)
                .fetch_optional(ch.conn())
                .await?
                .ok_or(StoreError::NotFound(Entity::Procedure))?;
            let status =
                ProcedureVersionStatus::parse(&status).unwrap_or(ProcedureVersionStatus::Returned);
            if status != ProcedureVersionStatus::Draft {
                return Err(StoreError::conflict(
                    "status",
                    format!(
                        "この版の作業手順書は「{}」のため、添付ファイルを追加できません。",
                        status.label_ja()
                    ),
                ));
            }
        }
    }
    Ok(())
}

impl Store {
    /// Attaches a checked file to its owner; the role needed depends on the owner (notice:
    /// the City; procedure: the lead, draft only; request evidence: those who record work).
    pub async fn add_attachment(
        &self,
        who: &Authorized,
        kind: OwnerKind,
        owner_id: i64,
        file: &CheckedFile,
        content: &[u8],
    ) -> Result<Attachment, StoreError> {
        let mut ch = self.begin(who).await?;
        check_owner(&mut ch, kind, owner_id).await?;
        let now = ch.now().to_string();
        let size = i64::try_from(file.size).unwrap_or(i64::MAX);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO attachments (owner_kind, owner_id, file_name, content_type, size, sha256, \
             content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(kind.as_str())
        .bind(owner_id)
        .bind(&file.file_name)
        .bind(file.file_type.content_type())
        .bind(size)
        .bind(&file.sha256)
        .bind(content.to_vec())
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({
            "owner_kind": {"after": kind.as_str()}, "owner_id": {"after": owner_id},
            "file_name": {"after": file.file_name}, "content_type": {"after": file.file_type.content_type()},
            "size": {"after": size}, "sha256": {"after": file.sha256},
        });
        ch.audit(Entity::Attachment, id, AuditAction::Create, &changes);
        ch.commit().await?;
        self.attachment_meta(id).await
    }

    /// The attachments of one owner, oldest first (metadata only).
    pub async fn attachments_of(
        &self,
        kind: OwnerKind,
        owner_id: i64,
    ) -> Result<Vec<Attachment>, StoreError> {
        let rows = sqlx::query(crate::sql(format!(
            "SELECT {COLUMNS} FROM attachments WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id"
        )))
        .bind(kind.as_str())
        .bind(owner_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// The attachments of several owners of one kind (a request's procedure versions).
    pub async fn attachments_of_many(
        &self,
        kind: OwnerKind,
        owner_ids: &[i64],
    ) -> Result<Vec<Attachment>, StoreError> {
        let mut all = Vec::new();
        for id in owner_ids {
            all.extend(self.attachments_of(kind, *id).await?);
        }
        Ok(all)
    }

    /// The request a procedure version belongs to.
    pub async fn procedure_request_id(&self, procedure_id: i64) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT request_id FROM procedures WHERE id = $1")
            .bind(procedure_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(Entity::Procedure))
    }

    async fn attachment_meta(&self, id: i64) -> Result<Attachment, StoreError> {
        let r = sqlx::query(crate::sql(format!(
            "SELECT {COLUMNS} FROM attachments WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::Attachment))?;
        row(&r)
    }

    /// One attachment with its content.
    pub async fn attachment(&self, id: i64) -> Result<AttachmentFile, StoreError> {
        let r = sqlx::query(crate::sql(format!(
            "SELECT {COLUMNS}, content FROM attachments WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::Attachment))?;
        Ok(AttachmentFile {
            meta: row(&r)?,
            content: r.try_get("content")?,
        })
    }
}
