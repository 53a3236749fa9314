//! Waived deliverables (R8.4): the City staff's decision, one per job (a second replaces
//! the first), that some or all of a job's deliverables need not be handed over.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::jobs::{DeliverableWaiver, WaiverScope, may_waive};
use jukiops_domain::people::Authorized;
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

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

/// The waiver of job `job_id` (of year `year`), if the City made one.
async fn waiver_of(
    conn: &mut AnyConnection,
    year: i64,
    job_id: i64,
) -> Result<Option<Waiver>, StoreError> {
    let r = sqlx::query(
        "SELECT w.scope, w.deliverables, w.decided_on, w.reason, w.decided_by, w.recorded_at \
         FROM deliverable_waivers w JOIN jobs j ON j.id = w.job_id \
         WHERE w.job_id = $1 AND j.contract_id = $2",
    )
    .bind(job_id)
    .bind(year)
    .fetch_optional(conn)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let scope = WaiverScope::decode(&r.try_get::<String, _>("scope")?)?;
    let deliverables: Vec<String> = serde_json::from_str(&r.try_get::<String, _>("deliverables")?)
        .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
    Ok(Some(Waiver {
        job_id,
        scope: scope.as_str().to_string(),
        scope_label: scope.label_ja().to_string(),
        deliverables,
        decided_on: r.try_get("decided_on")?,
        reason: r.try_get("reason")?,
        decided_by: r.try_get("decided_by")?,
        recorded_at: jst_text(r.try_get("recorded_at")?).unwrap_or_default(),
    }))
}

impl Store {
    /// Records (or replaces) the City's waiver of the deliverables of a job of the year,
    /// audited on the job.
    pub async fn record_waiver(
        &self,
        who: &Authorized,
        w: &DeliverableWaiver,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let year = ch.contract_id()?;
        may_waive(who.role()).map_err(|e| StoreError::conflict("scope", e.0))?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM jobs WHERE id = $1 AND contract_id = $2")
                .bind(w.job_id)
                .bind(year)
                .fetch_optional(ch.conn())
                .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(Entity::Job));
        }
        ch.lock("jobs", w.job_id).await?;
        let before = waiver_of(ch.conn(), year, w.job_id).await?;
        sqlx::query("DELETE FROM deliverable_waivers WHERE job_id = $1")
            .bind(w.job_id)
            .execute(ch.conn())
            .await?;
        let now = ch.now().to_string();
        let deliverables = serde_json::to_string(&w.deliverables)
            .map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
        sqlx::query(
            "INSERT INTO deliverable_waivers (job_id, scope, deliverables, decided_on, reason, \
             decided_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(w.job_id)
        .bind(w.scope.as_str())
        .bind(deliverables)
        .bind(w.decided_on.to_string())
        .bind(w.reason.clone())
        .bind(who.name())
        .bind(&now)
        .execute(ch.conn())
        .await?;
        let mut changes = json!({
            "waiver": {"after": w.scope.summary(&w.deliverables)},
            "decided_on": {"after": w.decided_on.to_string()},
        });
        if let Some(b) = &before {
            let scope = WaiverScope::decode(&b.scope)?;
            changes["waiver"]["before"] = json!(scope.summary(&b.deliverables));
        }
        if let Some(r) = &w.reason {
            changes["reason"] = json!({"after": r});
        }
        ch.audit(Entity::Job, w.job_id, AuditAction::Waive, &changes);
        ch.commit().await?;
        Ok(())
    }

    /// The waiver of job `job_id` of the year, if the City made one.
    pub async fn waiver(&self, job_id: i64) -> Result<Option<Waiver>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        waiver_of(&mut conn, self.contract_id()?, job_id).await
    }
}
