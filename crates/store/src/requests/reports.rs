//! The result report (R8.3, R8.4): compiled from the work records, submitted by the
//! contractor's lead, accepted by the City (which closes the request and its jobs) or
//! returned for more work.

use jukiops_domain::audit::Entity;
use jukiops_domain::jobs::{
    Decision, JobVerb, ReportStatus, ReportSummary, ReportVerb, Verdict, WorkRequestVerb,
    compile_report, report_transition,
};
use jukiops_domain::people::Authorized;
use jukiops_domain::time::today_jst;
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::shared::{job_ids, latest_procedure, move_jobs, move_request, target_terminals};
use crate::common::{jst_text, raced};
use crate::{Store, StoreError};

/// A submitted report with the City's decision.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub id: i64,
    pub request_id: i64,
    pub summary: ReportSummary,
    pub status: ReportStatus,
    pub status_label: String,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_comment: Option<String>,
}

/// The summary of the request's records against its latest procedure and targets.
async fn compile(conn: &mut AnyConnection, request_id: i64) -> Result<ReportSummary, StoreError> {
    let steps = latest_procedure(conn, request_id)
        .await?
        .map(|(_, _, s)| s)
        .unwrap_or_default();
    let terminals = target_terminals(conn, request_id).await?;
    let records = Store::record_drafts(conn, request_id).await?;
    Ok(compile_report(&steps, &terminals, &records))
}

impl Store {
    /// The reports of a request, newest first.
    pub async fn reports_of(&self, request_id: i64) -> Result<Vec<Report>, StoreError> {
        let rows = sqlx::query("SELECT * FROM reports WHERE request_id = $1 ORDER BY id DESC")
            .bind(request_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let status = ReportStatus::parse(&r.try_get::<String, _>("status")?)
                    .unwrap_or(ReportStatus::Returned);
                Ok(Report {
                    id: r.try_get("id")?,
                    request_id: r.try_get("request_id")?,
                    summary: serde_json::from_str(&r.try_get::<String, _>("summary")?)
                        .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?,
                    status,
                    status_label: status.label_ja().into(),
                    submitted_by: r.try_get("submitted_by")?,
                    submitted_at: jst_text(r.try_get("submitted_at")?),
                    decided_by: r.try_get("decided_by")?,
                    decided_at: jst_text(r.try_get("decided_at")?),
                    decision_comment: r.try_get("decision_comment")?,
                })
            })
            .collect()
    }

    /// What a report would say now, without writing anything.
    pub async fn report_preview(&self, request_id: i64) -> Result<ReportSummary, StoreError> {
        // A read transaction on a reader: one snapshot of the request, never the write lock.
        let mut tx = self.pool.begin().await?;
        compile(&mut tx, request_id).await
        // Dropped without commit: nothing was written.
    }

    /// Compiles and submits the report; refused while a terminal has a step missing.
    pub async fn submit_report(
        &self,
        who: &Authorized,
        request_id: i64,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let role = who.role();
        let summary = compile(ch.conn(), request_id).await?;
        if !summary.is_complete() {
            return Err(StoreError::conflict(
                "records",
                format!(
                    "作業が終わっていない統合端末が{}台あります。すべての手順を記録してから報告してください。",
                    summary.incomplete_terminals.len()
                ),
            ));
        }
        let from = ReportStatus::initial(role).map_err(|e| StoreError::conflict("status", e.0))?;
        let to = report_transition(from, ReportVerb::Submit, role)
            .map_err(|e| StoreError::conflict("status", e.0))?;
        move_request(&mut ch, request_id, WorkRequestVerb::Report, role).await?;
        let now = ch.now().to_string();
        let text = serde_json::to_string(&summary)
            .map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reports (request_id, summary, status, submitted_by, submitted_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5, $5) RETURNING id",
        )
        .bind(request_id)
        .bind(&text)
        .bind(to.as_str())
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        ch.audit(
            Entity::Report,
            id,
            ReportVerb::Submit,
            &json!({"request_id": {"after": request_id}, "status": {"after": to.as_str()},
            "exceptions": {"after": summary.exceptions.len()}}),
        );
        ch.commit().await?;
        Ok(id)
    }

    /// Accepts (closing the request and its jobs) or returns a report (the City).
    pub async fn decide_report(
        &self,
        who: &Authorized,
        id: i64,
        d: &Decision,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let role = who.role();
        let r = sqlx::query("SELECT request_id, status FROM reports WHERE id = $1")
            .bind(id)
            .fetch_optional(ch.conn())
            .await?
            .ok_or(StoreError::NotFound(Entity::Report))?;
        let request_id: i64 = r.try_get("request_id")?;
        let from = ReportStatus::parse(&r.try_get::<String, _>("status")?)
            .unwrap_or(ReportStatus::Returned);
        let verb = ReportVerb::from(d.verdict);
        let to =
            report_transition(from, verb, role).map_err(|e| StoreError::conflict("status", e.0))?;
        let now = ch.now().to_string();
        let n = sqlx::query("UPDATE reports SET status = $1, decided_by = $2, decided_at = $3, decision_comment = $4, updated_at = $3 WHERE id = $5 AND status = $6")
            .bind(to.as_str()).bind(who.name()).bind(&now).bind(d.comment.clone()).bind(id).bind(from.as_str())
            .execute(ch.conn()).await?.rows_affected();
        if n == 0 {
            return Err(raced());
        }
        ch.audit(Entity::Report, id, verb, &json!({"status": {"before": from.as_str(), "after": to.as_str()}, "comment": {"after": d.comment}}));
        match d.verdict {
            Verdict::Approve => {
                move_request(&mut ch, request_id, WorkRequestVerb::Accept, role).await?;
                let jobs = job_ids(ch.conn(), request_id).await?;
                let today = today_jst(ch.now_utc()).to_string();
                move_jobs(&mut ch, &jobs, JobVerb::Complete, role, Some(&today)).await?;
            }
            Verdict::Return => {
                move_request(&mut ch, request_id, WorkRequestVerb::ReturnForRework, role).await?;
            }
        }
        ch.commit().await?;
        Ok(request_id)
    }
}
