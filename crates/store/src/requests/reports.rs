//! The result report (R8.3, R8.4): compiled from the work records, submitted by the
//! contractor's lead, accepted by the City (which closes the request and its jobs) or
//! returned for more work. Reports follow their request's year.

use crate::approvals::decide_step;
use jukiops_domain::approvals::{ApprovalKind, ApprovalRoutes};
use jukiops_domain::audit::Entity;
use jukiops_domain::inventory::parse_date;
use jukiops_domain::jobs::JobVerb;
use jukiops_domain::people::Authorized;
use jukiops_domain::requests::{
    Decision, ReportFacts, ReportSources, ReportStatus, ReportSummary, ReportVerb, SiteDay,
    WorkRequestVerb, judge_report_decision, judge_report_submission,
};
use jukiops_domain::schedule::VisitStatus;
use jukiops_domain::time::today_jst;
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::facts::{
    chain_record, job_statuses, latest_procedure, question_statuses, request_status,
    target_terminals,
};
use super::records::record_drafts;
use super::work_requests::{move_jobs, move_request};
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

/// The summary of the request's records against its latest procedure and targets, with
/// its visits (see [`ReportSources::compile`]).
async fn compile(conn: &mut AnyConnection, request_id: i64) -> Result<ReportSummary, StoreError> {
    let latest = latest_procedure(conn, request_id).await?;
    let visits = sqlx::query(
        "SELECT site_id, visit_date FROM visits WHERE request_id = $1 AND status <> $2",
    )
    .bind(request_id)
    .bind(VisitStatus::Cancelled.as_str())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let text: String = r.try_get("visit_date")?;
        let date = parse_date(&text)
            .ok_or_else(|| sqlx::Error::Decode(format!("visit_date: {text}").into()))?;
        Ok(SiteDay {
            site_id: r.try_get("site_id")?,
            date,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let sources = ReportSources {
        version: latest.as_ref().map(|(id, v, _)| (*id, v.number)),
        steps: latest.map(|(_, _, s)| s).unwrap_or_default(),
        terminal_sites: target_terminals(conn, request_id).await?,
        records: record_drafts(conn, request_id).await?,
        visits,
    };
    Ok(sources.compile())
}

impl Store {
    /// The reports of a request, newest first.
    pub async fn reports_of(&self, request_id: i64) -> Result<Vec<Report>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.* FROM reports r JOIN work_requests w ON w.id = r.request_id \
             WHERE r.request_id = $1 AND w.contract_id = $2 ORDER BY r.id DESC",
        )
        .bind(request_id)
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let status = ReportStatus::decode(&r.try_get::<String, _>("status")?)?;
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
        let contract = self.contract_id()?;
        // A read transaction on a reader: one snapshot of the request, never the write lock.
        let mut tx = self.pool.begin().await?;
        request_status(&mut tx, contract, request_id).await?;
        compile(&mut tx, request_id).await
        // Dropped without commit: nothing was written.
    }

    /// Compiles and submits the report, as [`judge_report_submission`] decides: refused
    /// while a terminal has a step missing.
    pub async fn submit_report(
        &self,
        who: &Authorized,
        request_id: i64,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let status = request_status(ch.conn(), contract, request_id).await?;
        let summary = compile(ch.conn(), request_id).await?;
        let judged = judge_report_submission(&summary, status, who.role())?;
        move_request(
            &mut ch,
            request_id,
            status,
            judged.request,
            WorkRequestVerb::Report,
        )
        .await?;
        let now = ch.now().to_string();
        let text = serde_json::to_string(&summary)
            .map_err(|e| StoreError::Db(sqlx::Error::Encode(Box::new(e))))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reports (request_id, summary, status, submitted_by, submitted_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5, $5) RETURNING id",
        )
        .bind(request_id)
        .bind(&text)
        .bind(judged.status.as_str())
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        ch.audit(
            Entity::Report,
            id,
            ReportVerb::Submit,
            &json!({"request_id": {"after": request_id}, "status": {"after": judged.status.as_str()},
            "exceptions": {"after": summary.exceptions.len()}}),
        );
        ch.commit().await?;
        Ok(id)
    }

    /// Accepts (closing the request and its jobs) or returns a report (the City), as
    /// [`judge_report_decision`] decides. Returns the report's request.
    pub async fn decide_report(
        &self,
        who: &Authorized,
        routes: &ApprovalRoutes,
        id: i64,
        d: &Decision,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let (request_id, status) =
            chain_record(ch.conn(), "reports", Entity::Report, id, contract).await?;
        let facts = ReportFacts {
            status: ReportStatus::decode(&status)?,
            request: request_status(ch.conn(), contract, request_id).await?,
            jobs: job_statuses(ch.conn(), request_id).await?,
            questions: question_statuses(ch.conn(), request_id).await?,
        };
        let judged = judge_report_decision(&facts, d.verdict, who.role())?;
        // Up the City's route: a step short of the last approval leaves it submitted.
        let step = decide_step(
            &mut ch,
            who,
            routes,
            ApprovalKind::Report,
            Entity::Report,
            id,
            d,
        )
        .await?;
        if !step.settles {
            ch.commit().await?;
            return Ok(request_id);
        }
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE reports SET status = $1, decided_by = $2, decided_at = $3, decision_comment = $4, \
             updated_at = $3 WHERE id = $5 AND status = $6",
        )
        .bind(judged.to.as_str())
        .bind(who.name())
        .bind(&now)
        .bind(d.comment.clone())
        .bind(id)
        .bind(facts.status.as_str())
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(raced());
        }
        ch.audit(
            Entity::Report,
            id,
            judged.verb,
            &json!({"status": {"before": facts.status.as_str(), "after": judged.to.as_str()},
            "comment": {"after": d.comment}}),
        );
        move_request(
            &mut ch,
            request_id,
            facts.request,
            judged.request,
            judged.request_verb,
        )
        .await?;
        let today = today_jst(ch.now_utc()).to_string();
        move_jobs(&mut ch, &judged.jobs, JobVerb::Complete, Some(&today)).await?;
        ch.commit().await?;
        Ok(request_id)
    }
}
