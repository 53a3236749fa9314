//! 作業依頼書 (R8.1, R4.3): issued by the City for one job or several done in one visit
//! (with the City's approval of the combination), listed and read with everything on it.

use jukiops_domain::FieldErrors;
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::jobs::{
    JobStatus, JobVerb, WorkRequestDraft, WorkRequestStatus, WorkRequestVerb,
};
use jukiops_domain::people::Authorized;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::shared::{job_ids, move_jobs, move_request};
use crate::{Page, PageRequest, Store, StoreError, sql};

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
}

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

fn summary(r: &AnyRow, combined: bool) -> Result<WorkRequestSummary, sqlx::Error> {
    let status = WorkRequestStatus::parse(&r.try_get::<String, _>("status")?)
        .unwrap_or(WorkRequestStatus::Cancelled);
    Ok(WorkRequestSummary {
        id: r.try_get("id")?,
        request_number: r.try_get("request_number")?,
        issued_on: r.try_get("issued_on")?,
        period_from: r.try_get("period_from")?,
        period_to: r.try_get("period_to")?,
        status,
        status_label: status.label_ja().into(),
        combined,
    })
}

impl Store {
    /// Issues a request; its jobs move to 依頼済 in the same transaction.
    pub async fn issue_request(
        &self,
        who: &Authorized,
        d: &WorkRequestDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let role = who.role();
        let status =
            WorkRequestStatus::initial(role).map_err(|e| StoreError::conflict("status", e.0))?;
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM work_requests WHERE request_number = $1")
                .bind(&d.request_number)
                .fetch_optional(ch.conn())
                .await?;
        if taken.is_some() {
            return Err(StoreError::conflict(
                "request_number",
                format!("作業依頼書番号「{}」は登録済みです。", d.request_number),
            ));
        }
        let mut e = FieldErrors::default();
        for id in &d.site_ids {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM sites WHERE id = $1")
                .bind(id)
                .fetch_optional(ch.conn())
                .await?;
            if found.is_none() {
                e.push("site_ids", format!("拠点ID {id} は登録されていません。"));
            }
        }
        for id in &d.job_ids {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM jobs WHERE id = $1")
                .bind(id)
                .fetch_optional(ch.conn())
                .await?;
            if found.is_none() {
                e.push("job_ids", format!("作業ID {id} は登録されていません。"));
            }
        }
        if !e.is_empty() {
            return Err(e.into());
        }
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO work_requests (request_number, issued_on, period_from, period_to, contents, \
             combination_approved, status, issued_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(&d.request_number)
        .bind(d.issued_on.to_string())
        .bind(d.period_from.to_string())
        .bind(d.period_to.to_string())
        .bind(&d.contents)
        .bind(i64::from(d.combination_approved))
        .bind(status.as_str())
        .bind(who.name())
        .bind(&now)
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
        move_jobs(&mut ch, &d.job_ids, JobVerb::Request, role, None).await?;
        let changes = json!({
            "request_number": {"after": d.request_number}, "issued_on": {"after": d.issued_on.to_string()},
            "period_from": {"after": d.period_from.to_string()}, "period_to": {"after": d.period_to.to_string()},
            "contents": {"after": d.contents}, "job_ids": {"after": d.job_ids}, "site_ids": {"after": d.site_ids},
            "combination_approved": {"after": d.combination_approved}, "status": {"after": status.as_str()},
        });
        ch.audit(Entity::WorkRequest, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// Requests, newest first.
    pub async fn work_requests(
        &self,
        req: PageRequest,
    ) -> Result<Page<WorkRequestSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT w.*, (SELECT COUNT(*) FROM work_request_jobs j WHERE j.request_id = w.id) AS jobs \
             FROM work_requests w ORDER BY w.issued_on DESC, w.id DESC LIMIT $1 OFFSET $2",
        )
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM work_requests")
            .fetch_one(&self.pool)
            .await?;
        let items = rows
            .iter()
            .map(|r| summary(r, r.try_get::<i64, _>("jobs")? > 1))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(items, total, req))
    }

    pub async fn work_request(&self, id: i64) -> Result<WorkRequest, StoreError> {
        let r = sqlx::query("SELECT * FROM work_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(Entity::WorkRequest))?;
        let jobs = sqlx::query(
            "SELECT j.id, j.category, j.title, j.status, (SELECT COUNT(*) FROM job_terminals t WHERE t.job_id = j.id) AS terminals \
             FROM work_request_jobs rj JOIN jobs j ON j.id = rj.job_id WHERE rj.request_id = $1 ORDER BY j.category, j.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|j| {
            let status = JobStatus::parse(&j.try_get::<String, _>("status")?).unwrap_or(JobStatus::Cancelled);
            Ok(RequestJob {
                id: j.try_get("id")?,
                category: j.try_get("category")?,
                title: j.try_get("title")?,
                status,
                status_label: status.label_ja().into(),
                terminals: j.try_get("terminals")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let sites = sqlx::query(sql(
            "SELECT s.id, s.name FROM work_request_sites ws JOIN sites s ON s.id = ws.site_id WHERE ws.request_id = $1 ORDER BY s.code".to_string(),
        ))
        .bind(id)
        .fetch_all(&self.pool)
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
        let role = who.role();
        move_request(&mut ch, id, WorkRequestVerb::Cancel, role).await?;
        let jobs = job_ids(ch.conn(), id).await?;
        move_jobs(&mut ch, &jobs, JobVerb::Cancel, role, None).await?;
        ch.commit().await
    }
}

impl Store {
    /// Jobs not yet on a request (予定), for the form that issues one: `(id, category, title)`.
    pub async fn jobs_awaiting_request(&self) -> Result<Vec<(i64, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, category, title FROM jobs WHERE status = 'planned' ORDER BY category, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("category")?,
                    r.try_get("title")?,
                ))
            })
            .collect()
    }
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

impl Store {
    /// The terminals the request's jobs cover, by site and asset number.
    pub async fn request_terminals(
        &self,
        request_id: i64,
    ) -> Result<Vec<TargetTerminal>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT t.id, t.site_id, t.asset_number, t.room, s.name AS site_name, s.code FROM work_request_jobs rj \
             JOIN job_terminals jt ON jt.job_id = rj.job_id JOIN terminals t ON t.id = jt.terminal_id \
             JOIN sites s ON s.id = t.site_id WHERE rj.request_id = $1 ORDER BY s.code, t.asset_number",
        )
        .bind(request_id)
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
