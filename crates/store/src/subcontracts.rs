//! Subcontracting applications (再委託申請書, §6(1)): applied for by the contractor's lead,
//! decided by the City.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::roster::subcontracting::{
    SubcontractDecisionDraft, SubcontractDraft, SubcontractStatus, judge_subcontract_decision,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::common::{jst_text, raced};
use crate::{Store, StoreError};

/// A subcontracting application, as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Subcontract {
    pub id: i64,
    pub subcontractor: String,
    pub scope: String,
    /// `YYYY-MM-DD`
    pub planned_start: String,
    pub status: SubcontractStatus,
    pub status_label: String,
    pub applied_by: String,
    /// Japan time.
    pub applied_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
}

fn row(r: &AnyRow) -> Result<Subcontract, StoreError> {
    let status = SubcontractStatus::decode(&r.try_get::<String, _>("status")?)?;
    Ok(Subcontract {
        id: r.try_get("id")?,
        subcontractor: r.try_get("subcontractor")?,
        scope: r.try_get("scope")?,
        planned_start: r.try_get("planned_start")?,
        status,
        status_label: status.label_ja().into(),
        applied_by: r.try_get("applied_by")?,
        applied_at: jst_text(r.try_get("applied_at")?).unwrap_or_default(),
        decided_by: r.try_get("decided_by")?,
        decided_at: jst_text(r.try_get("decided_at")?),
        comment: r.try_get("comment")?,
    })
}

impl Store {
    /// The year's subcontracting applications, newest first.
    pub async fn subcontracts(&self) -> Result<Vec<Subcontract>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM subcontracts WHERE contract_id = $1 ORDER BY applied_at DESC, id DESC",
        )
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// One application of the year.
    pub async fn subcontract(&self, id: i64) -> Result<Subcontract, StoreError> {
        let r = sqlx::query("SELECT * FROM subcontracts WHERE id = $1 AND contract_id = $2")
            .bind(id)
            .bind(self.contract_id()?)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(Entity::Subcontract))?;
        row(&r)
    }

    /// Records an application, waiting for the City, and raises the 再委託申請書 the
    /// register owes before the subcontracted work starts (the day before its planned
    /// start, not before the period). Audited.
    pub async fn apply_subcontract(
        &self,
        who: &Authorized,
        contract: &jukiops_domain::contract::Contract,
        d: &SubcontractDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let status = SubcontractStatus::Applied;
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subcontracts (contract_id, subcontractor, scope, planned_start, status, \
             applied_by, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(ch.contract_id()?)
        .bind(&d.subcontractor)
        .bind(&d.scope)
        .bind(d.planned_start.to_string())
        .bind(status.as_str())
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({
            "subcontractor": {"after": d.subcontractor}, "scope": {"after": d.scope},
            "planned_start": {"after": d.planned_start.to_string()}, "status": {"after": status.as_str()},
        });
        ch.audit(Entity::Subcontract, id, AuditAction::Create, &changes);
        let due = d
            .planned_start
            .pred_opt()
            .unwrap_or(d.planned_start)
            .max(contract.period.start);
        let cause = format!("{}・{}", d.subcontractor, d.scope);
        crate::deliverables::raise_deliverables(
            &mut ch,
            contract,
            jukiops_domain::deliverables::DueRule::BeforeSubcontracting,
            due,
            &cause,
        )
        .await?;
        ch.commit().await?;
        Ok(id)
    }

    /// The City's decision on application `id`, as [`judge_subcontract_decision`] allows.
    /// Audited.
    pub async fn decide_subcontract(
        &self,
        who: &Authorized,
        id: i64,
        d: &SubcontractDecisionDraft,
    ) -> Result<SubcontractStatus, StoreError> {
        let mut ch = self.begin(who).await?;
        let status: String = sqlx::query_scalar(
            "SELECT status FROM subcontracts WHERE id = $1 AND contract_id = $2",
        )
        .bind(id)
        .bind(ch.contract_id()?)
        .fetch_optional(ch.conn())
        .await?
        .ok_or(StoreError::NotFound(Entity::Subcontract))?;
        let from = SubcontractStatus::decode(&status)?;
        let to = judge_subcontract_decision(from, d.decision)?;
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE subcontracts SET status = $1, decided_by = $2, decided_at = $3, comment = $4 \
             WHERE id = $5 AND status = $6",
        )
        .bind(to.as_str())
        .bind(who.name())
        .bind(&now)
        .bind(d.comment.clone())
        .bind(id)
        .bind(from.as_str())
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(raced());
        }
        let changes = json!({
            "status": {"before": from.as_str(), "after": to.as_str()},
            "decision": {"after": d.decision.as_str()},
            "comment": {"after": d.comment},
        });
        ch.audit(Entity::Subcontract, id, AuditAction::Decide, &changes);
        ch.commit().await?;
        Ok(to)
    }
}
