//! 作業手順書 (R8.2): one versioned procedure per request, written and submitted by the
//! contractor's lead, approved or returned by the City; an approval belongs to one version
//! and is refused while a question is unanswered. Versions follow their request's year.

use crate::approvals::decide_step;
use jukiops_domain::approvals::{ApprovalKind, ApprovalRoutes};
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::requests::{
    Decision, ProcedureDraft, ProcedureFacts, ProcedureSave, ProcedureStep, ProcedureVerb,
    ProcedureVersionStatus, WorkRequestVerb, judge_procedure_move, judge_procedure_save,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::facts::{chain_record, latest_procedure, question_statuses, request_status, steps_of};
use super::work_requests::move_request;
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
    let status = ProcedureVersionStatus::decode(&r.try_get::<String, _>("status")?)?;
    Ok(Procedure {
        id: r.try_get("id")?,
        request_id: r.try_get("request_id")?,
        version: r.try_get("version")?,
        steps: steps_of(&r.try_get::<String, _>("steps")?)?,
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

impl Store {
    /// Every version of the request's procedure, newest first.
    pub async fn procedures_of(&self, request_id: i64) -> Result<Vec<Procedure>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.* FROM procedures p JOIN work_requests w ON w.id = p.request_id \
             WHERE p.request_id = $1 AND w.contract_id = $2 ORDER BY p.version DESC",
        )
        .bind(request_id)
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// Saves the steps, as [`judge_procedure_save`] decides: edits the version being
    /// written, or starts the next version after an approved or returned one. Returns the
    /// version's id.
    pub async fn save_procedure(
        &self,
        who: &Authorized,
        request_id: i64,
        d: &ProcedureDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let status = request_status(ch.conn(), contract, request_id).await?;
        let latest = latest_procedure(ch.conn(), request_id).await?;
        let save = judge_procedure_save(status, latest.as_ref().map(|(_, v, _)| *v), who.role())?;
        let steps = serde_json::to_string(&d.steps)
            .map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
        let now = ch.now().to_string();
        let id = match (save, latest) {
            (ProcedureSave::EditDraft, Some((id, _, _))) => {
                let n = sqlx::query(
                    "UPDATE procedures SET steps = $1, note = $2, updated_at = $3 \
                     WHERE id = $4 AND status = $5",
                )
                .bind(&steps)
                .bind(d.note.clone())
                .bind(&now)
                .bind(id)
                .bind(ProcedureVersionStatus::Draft.as_str())
                .execute(ch.conn())
                .await?
                .rows_affected();
                if n == 0 {
                    return Err(raced());
                }
                ch.audit(
                    Entity::Procedure,
                    id,
                    AuditAction::Update,
                    &json!({"steps": {"after": d.steps.len()}, "note": {"after": d.note}}),
                );
                id
            }
            (ProcedureSave::NewVersion(version), _) => {
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
                ch.audit(
                    Entity::Procedure,
                    id,
                    AuditAction::Create,
                    &json!({"request_id": {"after": request_id}, "version": {"after": version},
                        "steps": {"after": d.steps.len()}}),
                );
                id
            }
            // The judge edits only a draft it was shown.
            (ProcedureSave::EditDraft, None) => return Err(raced()),
        };
        ch.commit().await?;
        Ok(id)
    }

    /// Submits (the lead), approves or returns (the City) one version, as
    /// [`judge_procedure_move`] decides; the first approval moves the request to
    /// 手順書承認済. Returns the version's request.
    pub async fn move_procedure(
        &self,
        who: &Authorized,
        routes: &ApprovalRoutes,
        id: i64,
        verb: ProcedureVerb,
        decision: Option<&Decision>,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let (request_id, status) =
            chain_record(ch.conn(), "procedures", Entity::Procedure, id, contract).await?;
        let from = ProcedureVersionStatus::decode(&status)?;
        let request = request_status(ch.conn(), contract, request_id).await?;
        let facts = ProcedureFacts {
            status: from,
            request,
            questions: question_statuses(ch.conn(), request_id).await?,
            combination: crate::approvals::combination(ch.conn(), routes, request_id).await?,
        };
        let judged = judge_procedure_move(&facts, verb, who.role())?;
        if let Some(d) = decision {
            // Up the City's route: a step short of the last approval leaves it submitted.
            let kind = ApprovalKind::Procedure;
            let step = decide_step(&mut ch, who, routes, kind, Entity::Procedure, id, d).await?;
            if !step.settles {
                ch.commit().await?;
                return Ok(request_id);
            }
        }
        let now = ch.now().to_string();
        let sql = if verb == ProcedureVerb::Submit {
            "UPDATE procedures SET status = $1, submitted_by = $2, submitted_at = $3, updated_at = $3 WHERE id = $4 AND status = $5"
        } else {
            "UPDATE procedures SET status = $1, decided_by = $2, decided_at = $3, decision_comment = $6, updated_at = $3 WHERE id = $4 AND status = $5"
        };
        let mut q = sqlx::query(sql)
            .bind(judged.to.as_str())
            .bind(who.name())
            .bind(&now)
            .bind(id)
            .bind(from.as_str());
        if verb != ProcedureVerb::Submit {
            q = q.bind(decision.and_then(|d| d.comment.clone()));
        }
        if q.execute(ch.conn()).await?.rows_affected() == 0 {
            return Err(raced());
        }
        ch.audit(
            Entity::Procedure,
            id,
            verb,
            &json!({"status": {"before": from.as_str(), "after": judged.to.as_str()},
            "comment": {"after": decision.and_then(|d| d.comment.clone())}}),
        );
        if let Some(to) = judged.request {
            move_request(
                &mut ch,
                request_id,
                request,
                to,
                WorkRequestVerb::ApproveProcedure,
            )
            .await?;
        }
        ch.commit().await?;
        Ok(request_id)
    }
}
