//! 作業手順書 (R8.2): one versioned procedure per request, written and submitted by the
//! contractor's lead, approved or returned by the City; an approval belongs to one version
//! and is refused while a question is unanswered.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::jobs::{
    Decision, ProcedureDraft, ProcedureStep, ProcedureVerb, ProcedureVersionStatus, QuestionStatus,
    WorkRequestStatus, WorkRequestVerb, may_approve, next_version, procedure_transition,
};
use jukiops_domain::people::Authorized;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::shared::{latest_procedure, move_request, request_status};
use crate::common::{jst_text, raced};
use crate::{Store, StoreError};

/// One version of a request's procedure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Procedure {
    pub id: i64,
    pub request_id: i64,
    pub version: i64,
    pub steps: Vec<ProcedureStep>,
    pub note: Option<String>,
    pub status: ProcedureVersionStatus,
    pub status_label: String,
    pub created_by: String,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    /// Who approved or returned this version, when, and why.
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_comment: Option<String>,
}

fn row(r: &AnyRow) -> Result<Procedure, StoreError> {
    let status = ProcedureVersionStatus::parse(&r.try_get::<String, _>("status")?)
        .unwrap_or(ProcedureVersionStatus::Returned);
    Ok(Procedure {
        id: r.try_get("id")?,
        request_id: r.try_get("request_id")?,
        version: r.try_get("version")?,
        steps: serde_json::from_str(&r.try_get::<String, _>("steps")?)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?,
        note: r.try_get("note")?,
        status,
        status_label: status.label_ja().into(),
        created_by: r.try_get("created_by")?,
        submitted_by: r.try_get("submitted_by")?,
        submitted_at: jst_text(r.try_get("submitted_at")?),
        decided_by: r.try_get("decided_by")?,
        decided_at: jst_text(r.try_get("decided_at")?),
        decision_comment: r.try_get("decision_comment")?,
    })
}

async fn open_questions(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Vec<QuestionStatus>, StoreError> {
    let rows = sqlx::query("SELECT status FROM questions WHERE request_id = $1")
        .bind(request_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(QuestionStatus::parse(&r.try_get::<String, _>("status")?)
                .unwrap_or(QuestionStatus::Closed))
        })
        .collect()
}

impl Store {
    /// Every version of the request's procedure, newest first.
    pub async fn procedures_of(&self, request_id: i64) -> Result<Vec<Procedure>, StoreError> {
        let rows =
            sqlx::query("SELECT * FROM procedures WHERE request_id = $1 ORDER BY version DESC")
                .bind(request_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(row).collect()
    }

    /// Saves the steps: edits the version being written, or starts the next version after
    /// an approved or returned one. Returns the version's id.
    pub async fn save_procedure(
        &self,
        who: &Authorized,
        request_id: i64,
        d: &ProcedureDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let status = request_status(ch.conn(), request_id).await?;
        if matches!(
            status,
            WorkRequestStatus::Accepted | WorkRequestStatus::Cancelled
        ) {
            return Err(StoreError::conflict(
                "status",
                format!(
                    "この作業依頼書は「{}」のため、作業手順書を変更できません。",
                    status.label_ja()
                ),
            ));
        }
        let latest = latest_procedure(ch.conn(), request_id).await?;
        let steps = serde_json::to_string(&d.steps)
            .map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
        let now = ch.now().to_string();
        let role = who.role();
        let id = match latest {
            Some((id, v, _)) if v.status == ProcedureVersionStatus::Draft => {
                sqlx::query(
                    "UPDATE procedures SET steps = $1, note = $2, updated_at = $3 WHERE id = $4",
                )
                .bind(&steps)
                .bind(d.note.clone())
                .bind(&now)
                .bind(id)
                .execute(ch.conn())
                .await?;
                ch.audit(
                    Entity::Procedure,
                    id,
                    AuditAction::Update,
                    &json!({"steps": {"after": d.steps.len()}, "note": {"after": d.note}}),
                );
                id
            }
            other => {
                let version = next_version(other.map(|(_, v, _)| v), role)
                    .map_err(|e| StoreError::conflict("version", e.0))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO procedures (request_id, version, steps, note, status, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                )
                .bind(request_id)
                .bind(i64::from(version))
                .bind(&steps)
                .bind(d.note.clone())
                .bind(ProcedureVersionStatus::Draft.as_str())
                .bind(who.name())
                .bind(&now)
                .fetch_one(ch.conn())
                .await?;
                ch.audit(Entity::Procedure, id, AuditAction::Create, &json!({"request_id": {"after": request_id}, "version": {"after": version}, "steps": {"after": d.steps.len()}}));
                id
            }
        };
        ch.commit().await?;
        Ok(id)
    }

    /// Submits (the lead), approves or returns (the City) one version. An approval needs
    /// every question answered; the first approval moves the request to 手順書承認済.
    pub async fn move_procedure(
        &self,
        who: &Authorized,
        id: i64,
        verb: ProcedureVerb,
        decision: Option<&Decision>,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let r = sqlx::query("SELECT request_id, status FROM procedures WHERE id = $1")
            .bind(id)
            .fetch_optional(ch.conn())
            .await?
            .ok_or(StoreError::NotFound(Entity::Procedure))?;
        let request_id: i64 = r.try_get("request_id")?;
        let from = ProcedureVersionStatus::parse(&r.try_get::<String, _>("status")?)
            .unwrap_or(ProcedureVersionStatus::Returned);
        let role = who.role();
        let to = procedure_transition(from, verb, role)
            .map_err(|e| StoreError::conflict("status", e.0))?;
        if verb == ProcedureVerb::Approve {
            let questions = open_questions(ch.conn(), request_id).await?;
            may_approve(from, &questions).map_err(|e| StoreError::conflict("status", e.0))?;
        }
        let now = ch.now().to_string();
        let sql = if verb == ProcedureVerb::Submit {
            "UPDATE procedures SET status = $1, submitted_by = $2, submitted_at = $3, updated_at = $3 WHERE id = $4 AND status = $5"
        } else {
            "UPDATE procedures SET status = $1, decided_by = $2, decided_at = $3, decision_comment = $6, updated_at = $3 WHERE id = $4 AND status = $5"
        };
        let mut q = sqlx::query(sql)
            .bind(to.as_str())
            .bind(who.name())
            .bind(&now)
            .bind(id)
            .bind(from.as_str());
        if verb != ProcedureVerb::Submit {
            q = q.bind(decision.and_then(|d| d.comment.clone()));
        }
        let n = q.execute(ch.conn()).await?.rows_affected();
        if n == 0 {
            return Err(raced());
        }
        ch.audit(
            Entity::Procedure,
            id,
            verb,
            &json!({"status": {"before": from.as_str(), "after": to.as_str()},
            "comment": {"after": decision.and_then(|d| d.comment.clone())}}),
        );
        if verb == ProcedureVerb::Approve
            && request_status(ch.conn(), request_id).await? == WorkRequestStatus::Issued
        {
            move_request(&mut ch, request_id, WorkRequestVerb::ApproveProcedure, role).await?;
        }
        ch.commit().await?;
        Ok(request_id)
    }
}
