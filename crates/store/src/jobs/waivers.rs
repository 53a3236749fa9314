//! Waived deliverables (R8.4): the City staff's decision, one per job (a second replaces
//! the first), that some or all of a job's deliverables need not be handed over.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::jobs::{DeliverableWaiver, WaiverScope, may_waive};
use jukiops_domain::people::Authorized;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use super::jst_text;
use crate::{Store, StoreError};

/// A job's waiver as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Waiver {
    pub job_id: i64,
    /// `all` or `part`
    pub scope: String,
    pub scope_label: String,
    /// The deliverables waived; empty when all are.
    pub deliverables: Vec<String>,
    /// `YYYY-MM-DD`
    pub decided_on: String,
    pub reason: Option<String>,
    pub decided_by: String,
    /// Japan time.
    pub recorded_at: String,
}

/// The waiver in words, for the audit trail.
fn summary(scope: &str, deliverables: &[String]) -> String {
    match WaiverScope::parse(scope) {
        Some(WaiverScope::Part) => format!("一部: {}", deliverables.join("、")),
        _ => "全部".to_string(),
    }
}

impl Store {
    /// Records (or replaces) the City's waiver of a job's deliverables, audited on the job.
    pub async fn record_waiver(
        &self,
        who: &Authorized,
        w: &DeliverableWaiver,
    ) -> Result<(), StoreError> {
        let before = self.waiver(w.job_id).await?;
        let mut ch = self.begin(who).await?;
        may_waive(who.role()).map_err(|e| StoreError::conflict("scope", e.0))?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM jobs WHERE id = $1")
            .bind(w.job_id)
            .fetch_optional(ch.conn())
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(Entity::Job));
        }
        sqlx::query("DELETE FROM deliverable_waivers WHERE job_id = $1")
            .bind(w.job_id)
            .execute(ch.conn())
            .await?;
        let now = ch.now().to_string();
        sqlx::query(
            "INSERT INTO deliverable_waivers (job_id, scope, deliverables, decided_on, reason, \
             decided_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(w.job_id)
        .bind(w.scope.as_str())
        .bind(serde_json::to_string(&w.deliverables).unwrap_or_default())
        .bind(w.decided_on.to_string())
        .bind(w.reason.clone())
        .bind(who.name())
        .bind(&now)
        .execute(ch.conn())
        .await?;
        let mut changes = json!({
            "waiver": {"after": summary(w.scope.as_str(), &w.deliverables)},
            "decided_on": {"after": w.decided_on.to_string()},
        });
        if let Some(b) = &before {
            changes["waiver"]["before"] = json!(summary(&b.scope, &b.deliverables));
        }
        if let Some(r) = &w.reason {
            changes["reason"] = json!({"after": r});
        }
        ch.audit(Entity::Job, w.job_id, AuditAction::Waive, &changes);
        ch.commit().await?;
        Ok(())
    }

    /// The waiver of job `job_id`, if the City made one.
    pub async fn waiver(&self, job_id: i64) -> Result<Option<Waiver>, StoreError> {
        let r = sqlx::query(
            "SELECT scope, deliverables, decided_on, reason, decided_by, recorded_at \
             FROM deliverable_waivers WHERE job_id = $1",
        )
        .bind(job_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        let scope: String = r.try_get("scope")?;
        let deliverables: Vec<String> =
            serde_json::from_str(&r.try_get::<String, _>("deliverables")?).unwrap_or_default();
        Ok(Some(Waiver {
            job_id,
            scope_label: WaiverScope::parse(&scope)
                .map(|s| s.label_ja().to_string())
                .unwrap_or_default(),
            scope,
            deliverables,
            decided_on: r.try_get("decided_on")?,
            reason: r.try_get("reason")?,
            decided_by: r.try_get("decided_by")?,
            recorded_at: jst_text(r.try_get("recorded_at")?).unwrap_or_default(),
        }))
    }
}
