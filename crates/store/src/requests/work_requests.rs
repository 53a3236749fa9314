//! 作業依頼書 (R8.1, R4.3): issued by the City for one job or several done in one visit
//! (with the City's approval of the combination), listed and read with its jobs, sites and
//! target terminals, cancelled; and the moves of a request and its jobs that every step of
//! the chain makes. A request belongs to the contract year it was issued in.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::Period;
use jukiops_domain::jobs::{JobStatus, JobVerb};
use jukiops_domain::listing::shorten;
use jukiops_domain::people::Authorized;
use jukiops_domain::requests::{
    IssueFacts, JobMove, WorkRequestDraft, WorkRequestStatus, WorkRequestVerb, job_moves,
    judge_issue, work_request_transition,
};
use jukiops_domain::requests::{
    ProcedureVersionStatus, ReportStatus, WaitingFacts, WaitingOn, waiting_on,
};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::facts::{job_statuses, request_status};
use super::list::facts_columns;
use crate::{Change, Page, PageRequest, Rules, Store, StoreError, sql};

/// A job on a request.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestJob {
    pub id: i64,
    /// ア..カ
    pub category: String,
    pub title: String,
    pub status: JobStatus,
    pub status_label: String,
    /// Terminals the job covers.
    pub terminals: i64,
}

/// A request in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkRequestSummary {
    pub id: i64,
    pub request_number: String,
    pub issued_on: String,
    pub period_from: String,
    pub period_to: String,
    pub status: WorkRequestStatus,
    pub status_label: String,
    pub combined: bool,
    /// The first line of the request's contents, shortened: what the list shows as 件名.
    pub subject: String,
    /// What it waits on, from the records of its chain (nothing when closed).
    pub waiting: Vec<WaitingOn>,
    /// The same in Japanese, joined with ・ (empty when nothing waits).
    pub waiting_label: String,
}

/// How many characters of the contents the subject keeps.
const SUBJECT_CHARS: usize = 40;

/// A request with its jobs and sites.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkRequest {
    #[serde(flatten)]
    pub summary: WorkRequestSummary,
    pub contents: String,
    pub combination_approved: bool,
    pub issued_by: String,
    pub jobs: Vec<RequestJob>,
    /// `(id, name)` of the sites.
    pub sites: Vec<(i64, String)>,
}

/// A job waiting for a request (予定), offered on the form that issues one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AwaitingJob {
    pub id: i64,
    /// ア..ク
    pub category: String,
    pub title: String,
}

/// A terminal a request's jobs cover.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TargetTerminal {
    pub id: i64,
    pub site_id: i64,
    pub asset_number: String,
    pub site_name: String,
    pub room: Option<String>,
}

/// A request's summary from a row of `w.*` and [`super::list::facts_columns`].
pub(super) fn summary(r: &AnyRow, combined: bool) -> Result<WorkRequestSummary, StoreError> {
    let status = WorkRequestStatus::decode(&r.try_get::<String, _>("status")?)?;
    let facts = WaitingFacts {
        status,
        latest_procedure: r
            .try_get::<Option<String>, _>("latest_procedure")?
            .as_deref()
            .map(ProcedureVersionStatus::decode)
            .transpose()?,
        open_questions: r.try_get("open_questions")?,
        latest_report: r
            .try_get::<Option<String>, _>("latest_report")?
            .as_deref()
            .map(ReportStatus::decode)
            .transpose()?,
    };
    let waiting = waiting_on(&facts);
    let waiting_label = waiting
        .iter()
        .map(|w| w.label_ja())
        .collect::<Vec<_>>()
        .join("・");
    Ok(WorkRequestSummary {
        waiting,
        waiting_label,
        id: r.try_get("id")?,
        request_number: r.try_get("request_number")?,
        issued_on: r.try_get("issued_on")?,
        period_from: r.try_get("period_from")?,
        period_to: r.try_get("period_to")?,
        status,
        status_label: status.label_ja().into(),
        combined,
        subject: shorten(&r.try_get::<String, _>("contents")?, SUBJECT_CHARS),
    })
}

/// What the records say about `d` before it is issued.
async fn issue_facts(
    conn: &mut AnyConnection,
    contract: i64,
    d: &WorkRequestDraft,
) -> Result<IssueFacts, StoreError> {
    let mut unknown_sites = Vec::new();
    for id in &d.site_ids {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM sites WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            unknown_sites.push(*id);
        }
    }
    let mut jobs = Vec::new();
    let mut terminals = std::collections::BTreeSet::new();
    let mut job_sites = std::collections::BTreeMap::new();
    for id in &d.job_ids {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1 AND contract_id = $2")
                .bind(id)
                .bind(contract)
                .fetch_optional(&mut *conn)
                .await?;
        let status = status.as_deref().map(JobStatus::decode).transpose()?;
        if status.is_some() {
            let rows = sqlx::query(
                "SELECT jt.terminal_id, s.id AS site_id, s.name FROM job_terminals jt \
                 JOIN terminals t ON t.id = jt.terminal_id JOIN sites s ON s.id = t.site_id \
                 WHERE jt.job_id = $1",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            for r in rows {
                terminals.insert(r.try_get::<i64, _>("terminal_id")?);
                job_sites.insert(r.try_get::<i64, _>("site_id")?, r.try_get("name")?);
            }
        }
        jobs.push((*id, status));
    }
    // The number last: a request of the same number issued meanwhile, which moved these
    // jobs too, is then seen here, and refused as the duplicate it is. Numbers are unique
    // over every year, as the index that guards them.
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM work_requests WHERE request_number = $1")
            .bind(&d.request_number)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(IssueFacts {
        number_taken: taken.is_some(),
        unknown_sites,
        jobs,
        terminals: terminals.len(),
        job_sites: job_sites.into_iter().collect(),
    })
}

/// Moves request `id` from `from`, the status it was judged in, to `to` by `verb`; a move
/// made first by another change is a lost race (409).
pub(super) async fn move_request(
    ch: &mut Change,
    id: i64,
    from: WorkRequestStatus,
    to: WorkRequestStatus,
    verb: WorkRequestVerb,
) -> Result<(), StoreError> {
    ch.move_status(
        "work_requests",
        Entity::WorkRequest,
        id,
        from,
        to,
        verb,
        &[],
    )
    .await
}

/// Moves each job as judged, guarded on the status it was judged in (a lost race is 409);
/// `done_on` is set when given (a completion). A notice whose last job ends closes too.
pub(super) async fn move_jobs(
    ch: &mut Change,
    moves: &[JobMove],
    verb: JobVerb,
    done_on: Option<&str>,
) -> Result<(), StoreError> {
    let extra: Vec<(&'static str, Option<String>)> = done_on
        .map(|d| ("done_on", Some(d.to_string())))
        .into_iter()
        .collect();
    for m in moves {
        ch.move_status("jobs", Entity::Job, m.id, m.from, m.to, verb, &extra)
            .await?;
    }
    if matches!(verb, JobVerb::Complete | JobVerb::Cancel) {
        let ids: Vec<i64> = moves.iter().map(|m| m.id).collect();
        crate::jobs::close_finished_notices(ch, &ids).await?;
    }
    Ok(())
}

/// Issues request `d` within `ch`, as [`judge_issue`] decides from the records of the
/// contract of `period`; its jobs move to 依頼済 in the same change. Audited. Returns the
/// request's id.
pub(super) async fn insert_request(
    ch: &mut Change,
    who: &Authorized,
    period: Period,
    d: &WorkRequestDraft,
) -> Result<i64, StoreError> {
    let contract = ch.contract_id()?;
    let facts = issue_facts(ch.conn(), contract, d).await?;
    let issue = judge_issue(d, &facts, period, who.role())?;
    let now = ch.now().to_string();
    // The request first: a number issued at the same moment is refused by its index
    // before any job moves.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO work_requests (request_number, issued_on, period_from, period_to, contents, \
         combination_approved, status, issued_by, created_at, updated_at, contract_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
    )
    .bind(&d.request_number)
    .bind(d.issued_on.to_string())
    .bind(d.period_from.to_string())
    .bind(d.period_to.to_string())
    .bind(&d.contents)
    .bind(i64::from(d.combination_approved))
    .bind(issue.status.as_str())
    .bind(who.name())
    .bind(&now)
    .bind(contract)
    .fetch_one(ch.conn())
    .await?;
    for job in &d.job_ids {
        sqlx::query("INSERT INTO work_request_jobs (request_id, job_id) VALUES ($1, $2)")
            .bind(id)
            .bind(job)
            .execute(ch.conn())
            .await?;
    }
    for site in &d.site_ids {
        sqlx::query("INSERT INTO work_request_sites (request_id, site_id) VALUES ($1, $2)")
            .bind(id)
            .bind(site)
            .execute(ch.conn())
            .await?;
    }
    move_jobs(ch, &issue.jobs, JobVerb::Request, None).await?;
    let changes = json!({
        "request_number": {"after": d.request_number}, "issued_on": {"after": d.issued_on.to_string()},
        "period_from": {"after": d.period_from.to_string()}, "period_to": {"after": d.period_to.to_string()},
        "contents": {"after": d.contents}, "job_ids": {"after": d.job_ids}, "site_ids": {"after": d.site_ids},
        "combination_approved": {"after": d.combination_approved}, "status": {"after": issue.status.as_str()},
    });
    ch.audit(Entity::WorkRequest, id, AuditAction::Create, &changes);
    Ok(id)
}

impl Store {
    /// Issues a request, as [`judge_issue`] decides from the records; its jobs move to
    /// 依頼済 in the same change.
    pub async fn issue_request(
        &self,
        who: &Authorized,
        rules: &Rules<'_>,
        d: &WorkRequestDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let id = insert_request(&mut ch, who, rules.contract.period, d).await?;
        ch.commit().await?;
        Ok(id)
    }

    /// The year's requests, newest first.
    pub async fn work_requests(
        &self,
        req: PageRequest,
    ) -> Result<Page<WorkRequestSummary>, StoreError> {
        let contract = self.contract_id()?;
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(sql(format!(
            "SELECT w.*, {} FROM work_requests w WHERE w.contract_id = $1 \
                 ORDER BY w.issued_on DESC, w.id DESC LIMIT $2 OFFSET $3",
            facts_columns()
        )))
        .bind(contract)
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM work_requests WHERE contract_id = $1")
                .bind(contract)
                .fetch_one(&mut *conn)
                .await?;
        let items = rows
            .iter()
            .map(|r| summary(r, r.try_get::<i64, _>("jobs")? > 1))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(items, total, req))
    }

    /// A request of the year with its jobs and sites.
    pub async fn work_request(&self, id: i64) -> Result<WorkRequest, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let r = sqlx::query(sql(format!(
            "SELECT w.*, {} FROM work_requests w WHERE w.id = $1 AND w.contract_id = $2",
            facts_columns()
        )))
        .bind(id)
        .bind(self.contract_id()?)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Entity::WorkRequest))?;
        let jobs = sqlx::query(
            "SELECT j.id, j.category, j.title, j.status, \
             (SELECT COUNT(*) FROM job_terminals t WHERE t.job_id = j.id) AS terminals \
             FROM work_request_jobs rj JOIN jobs j ON j.id = rj.job_id WHERE rj.request_id = $1 \
             ORDER BY j.category, j.id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|j| {
            let status = JobStatus::decode(&j.try_get::<String, _>("status")?)?;
            Ok(RequestJob {
                id: j.try_get("id")?,
                category: j.try_get("category")?,
                title: j.try_get("title")?,
                status,
                status_label: status.label_ja().into(),
                terminals: j.try_get("terminals")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let sites = sqlx::query(
            "SELECT s.id, s.name FROM work_request_sites ws JOIN sites s ON s.id = ws.site_id \
             WHERE ws.request_id = $1 ORDER BY s.code",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|s| Ok((s.try_get("id")?, s.try_get("name")?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(WorkRequest {
            summary: summary(&r, jobs.len() > 1)?,
            contents: r.try_get("contents")?,
            combination_approved: r.try_get::<i64, _>("combination_approved")? != 0,
            issued_by: r.try_get("issued_by")?,
            jobs,
            sites,
        })
    }

    /// Cancels a request (the City) and the jobs on it.
    pub async fn cancel_request(&self, who: &Authorized, id: i64) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let role = who.role();
        let from = request_status(ch.conn(), contract, id).await?;
        let to = work_request_transition(from, WorkRequestVerb::Cancel, role)?;
        let jobs = job_statuses(ch.conn(), id).await?;
        let moves = job_moves(&jobs, JobVerb::Cancel, role)?;
        move_request(&mut ch, id, from, to, WorkRequestVerb::Cancel).await?;
        move_jobs(&mut ch, &moves, JobVerb::Cancel, None).await?;
        ch.commit().await
    }

    /// Jobs not yet on a request (予定), for the form that issues one.
    pub async fn jobs_awaiting_request(&self) -> Result<Vec<AwaitingJob>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, category, title FROM jobs WHERE status = $1 ORDER BY category, id",
        )
        .bind(JobStatus::Planned.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AwaitingJob {
                    id: r.try_get("id")?,
                    category: r.try_get("category")?,
                    title: r.try_get("title")?,
                })
            })
            .collect()
    }

    /// The terminals the request's jobs cover, by site and asset number; none for a
    /// request of another year.
    pub async fn request_terminals(
        &self,
        request_id: i64,
    ) -> Result<Vec<TargetTerminal>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT t.id, t.site_id, t.asset_number, t.room, s.name AS site_name, s.code \
             FROM work_request_jobs rj JOIN work_requests w ON w.id = rj.request_id \
             JOIN job_terminals jt ON jt.job_id = rj.job_id JOIN terminals t ON t.id = jt.terminal_id \
             JOIN sites s ON s.id = t.site_id WHERE rj.request_id = $1 AND w.contract_id = $2 \
             ORDER BY s.code, t.asset_number",
        )
        .bind(request_id)
        .bind(self.contract_id()?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TargetTerminal {
                    id: r.try_get("id")?,
                    site_id: r.try_get("site_id")?,
                    asset_number: r.try_get("asset_number")?,
                    site_name: r.try_get("site_name")?,
                    room: r.try_get("room")?,
                })
            })
            .collect()
    }
}
