//! Attachments (R2.4, R8.2, R8.3): files kept in the database beside a notice, a version
//! of a 作業手順書 (only while it is a draft: a submitted or decided version is frozen) or a
//! 作業依頼書's evidence of work. The audit entry keeps the metadata and the SHA-256, never
//! the content. Attachments follow their owner's contract year: one of another year is not
//! found.

use jukiops_domain::attachments::{CheckedFile, OwnerKind, OwnerState, judge_attach};
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::requests::{ProcedureVersionStatus, WorkRequestStatus};
use jukiops_domain::time::{display_jst, from_db};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError};

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

const COLUMNS: &str = "a.id, a.owner_kind, a.owner_id, a.file_name, a.content_type, a.size, \
    a.sha256, a.uploaded_by, a.uploaded_at";

/// Request `alias` belongs to contract year `param`.
fn request_in_year(alias: &str, param: &str) -> String {
    format!("{alias}.contract_id = {param}")
}

/// Attachment `a`'s owner belongs to contract year `$1`.
fn owner_in_year() -> String {
    format!(
        "(EXISTS (SELECT 1 FROM notices o WHERE a.owner_kind = 'notice' \
         AND o.id = a.owner_id AND o.contract_id = $1) \
         OR EXISTS (SELECT 1 FROM work_requests r WHERE a.owner_kind = 'request' \
         AND r.id = a.owner_id AND {in_year}) \
         OR EXISTS (SELECT 1 FROM procedures p JOIN work_requests r ON r.id = p.request_id \
         WHERE a.owner_kind = 'procedure' AND p.id = a.owner_id AND {in_year}) \
         OR EXISTS (SELECT 1 FROM work_records w JOIN work_requests r ON r.id = w.request_id \
         WHERE a.owner_kind = 'work_record' AND w.id = a.owner_id AND {in_year}))",
        in_year = request_in_year("r", "$1")
    )
}

fn row(r: &AnyRow) -> Result<Attachment, StoreError> {
    Ok(Attachment {
        id: r.try_get("id")?,
        owner_kind: OwnerKind::decode(&r.try_get::<String, _>("owner_kind")?)?,
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

/// The owner `kind` `owner_id` of year `year` as [`judge_attach`] sees it; a missing owner
/// (or one of another year) is not found.
async fn owner_state(
    conn: &mut AnyConnection,
    year: i64,
    kind: OwnerKind,
    owner_id: i64,
) -> Result<OwnerState, StoreError> {
    let in_year = request_in_year("r", "$2");
    let (query, missing) = match kind {
        OwnerKind::Notice => (
            "SELECT status FROM notices WHERE id = $1 AND contract_id = $2".to_string(),
            Entity::Notice,
        ),
        OwnerKind::Request => (
            format!("SELECT r.status FROM work_requests r WHERE r.id = $1 AND {in_year}"),
            Entity::WorkRequest,
        ),
        OwnerKind::Procedure => (
            format!(
                "SELECT p.status FROM procedures p JOIN work_requests r ON r.id = p.request_id \
                 WHERE p.id = $1 AND {in_year}"
            ),
            Entity::Procedure,
        ),
        OwnerKind::WorkRecord => return work_record_state(conn, year, owner_id).await,
    };
    let code: String = sqlx::query_scalar(crate::sql(query))
        .bind(owner_id)
        .bind(year)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound(missing))?;
    Ok(match kind {
        OwnerKind::Notice => OwnerState::Notice,
        OwnerKind::Request => OwnerState::Request(WorkRequestStatus::decode(&code)?),
        OwnerKind::Procedure => OwnerState::Procedure(ProcedureVersionStatus::decode(&code)?),
        OwnerKind::WorkRecord => return Err(StoreError::NotFound(Entity::WorkRecord)),
    })
}

/// Work record `id` of year `year` as [`judge_attach`] sees it: its request's status,
/// whether it was replaced, and its terminal's site with that site's photo setting.
async fn work_record_state(
    conn: &mut AnyConnection,
    year: i64,
    id: i64,
) -> Result<OwnerState, StoreError> {
    let r = sqlx::query(crate::sql(format!(
        "SELECT r.status, w.replaced_at, s.name AS site_name, s.photos_allowed \
         FROM work_records w JOIN work_requests r ON r.id = w.request_id \
         JOIN terminals t ON t.id = w.terminal_id JOIN sites s ON s.id = t.site_id \
         WHERE w.id = $1 AND {}",
        request_in_year("r", "$2")
    )))
    .bind(id)
    .bind(year)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound(Entity::WorkRecord))?;
    Ok(OwnerState::WorkRecord {
        request: WorkRequestStatus::decode(&r.try_get::<String, _>("status")?)?,
        replaced: r.try_get::<Option<String>, _>("replaced_at")?.is_some(),
        site_name: r.try_get("site_name")?,
        photos_allowed: r.try_get::<i64, _>("photos_allowed")? != 0,
    })
}

impl Store {
    /// Attaches a checked file to its owner of the year, as [`judge_attach`] decides from
    /// the owner's status (a procedure version only while a draft, a request's evidence only
    /// while it is open).
    pub async fn add_attachment(
        &self,
        who: &Authorized,
        kind: OwnerKind,
        owner_id: i64,
        file: &CheckedFile,
        content: &[u8],
    ) -> Result<Attachment, StoreError> {
        let mut ch = self.begin(who).await?;
        let year = ch.contract_id()?;
        judge_attach(owner_state(ch.conn(), year, kind, owner_id).await?, file)?;
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

    /// The attachments of one owner of the year, oldest first (metadata only).
    pub async fn attachments_of(
        &self,
        kind: OwnerKind,
        owner_id: i64,
    ) -> Result<Vec<Attachment>, StoreError> {
        let rows = sqlx::query(crate::sql(format!(
            "SELECT {COLUMNS} FROM attachments a WHERE {} \
             AND a.owner_kind = $2 AND a.owner_id = $3 ORDER BY a.id",
            owner_in_year()
        )))
        .bind(self.contract_id()?)
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

    /// The request and terminal (of the year) a work record is about.
    pub async fn work_record_place(&self, record_id: i64) -> Result<(i64, i64), StoreError> {
        let r = sqlx::query(crate::sql(format!(
            "SELECT w.request_id, w.terminal_id FROM work_records w \
             JOIN work_requests r ON r.id = w.request_id WHERE w.id = $1 AND {}",
            request_in_year("r", "$2")
        )))
        .bind(record_id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::WorkRecord))?;
        Ok((r.try_get("request_id")?, r.try_get("terminal_id")?))
    }

    /// The request (of the year) a procedure version belongs to.
    pub async fn procedure_request_id(&self, procedure_id: i64) -> Result<i64, StoreError> {
        sqlx::query_scalar(crate::sql(format!(
            "SELECT p.request_id FROM procedures p JOIN work_requests r ON r.id = p.request_id \
             WHERE p.id = $1 AND {}",
            request_in_year("r", "$2")
        )))
        .bind(procedure_id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::Procedure))
    }

    async fn attachment_meta(&self, id: i64) -> Result<Attachment, StoreError> {
        let r = sqlx::query(crate::sql(format!(
            "SELECT {COLUMNS} FROM attachments a WHERE a.id = $2 AND {}",
            owner_in_year()
        )))
        .bind(self.contract_id()?)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::Attachment))?;
        row(&r)
    }

    /// One attachment (of an owner of the year) with its content.
    pub async fn attachment(&self, id: i64) -> Result<AttachmentFile, StoreError> {
        let r = sqlx::query(crate::sql(format!(
            "SELECT {COLUMNS}, a.content FROM attachments a WHERE a.id = $2 AND {}",
            owner_in_year()
        )))
        .bind(self.contract_id()?)
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
