//! Reading jobs of the store's contract year: the paged list, one job with its target
//! terminals, the terminals a new job may cover, and the tallies the category counts and
//! burn-down are computed from.

use jukiops_domain::audit::Entity;
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::inventory::parse_date;
use jukiops_domain::jobs::{INSTALLED, JobOrigin, JobOriginKind, JobStatus, JobTally, Progress};
use jukiops_domain::requests::WorkRequestStatus;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{category, jst_text};
use crate::{Page, PageRequest, Store, StoreError, sql};

/// One job (作業).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Job {
    pub id: i64,
    /// ア..ク
    #[schema(value_type = String)]
    pub category: CategoryCode,
    /// `notice`, `city_order` or `incident`
    pub origin: String,
    pub origin_label: String,
    /// The J-LIS notice it came from (ア イ ウ).
    pub notice_id: Option<i64>,
    pub notice_reference: Option<String>,
    /// The incident it recovers from (キ ク issued with an incident's urgent request).
    pub incident_id: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    /// Whether it was created for every terminal in use (resolved when created).
    pub all_terminals: bool,
    pub status: JobStatus,
    pub status_label: String,
    /// `YYYY-MM-DD`, Japan time: the day the City confirmed completion.
    pub done_on: Option<String>,
    pub terminal_count: i64,
    pub created_by: String,
    /// Japan time, for display.
    pub created_at: String,
}

/// A terminal a job covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct JobTerminal {
    pub id: i64,
    pub asset_number: String,
    pub site_name: String,
    pub room: Option<String>,
}

/// A job with its target terminals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobDetail {
    #[serde(flatten)]
    pub job: Job,
    pub terminals: Vec<JobTerminal>,
    /// The 作業依頼書 it was requested by, newest first.
    pub requests: Vec<JobRequest>,
}

/// A 作業依頼書 a job is on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobRequest {
    pub id: i64,
    pub request_number: String,
    pub status: WorkRequestStatus,
    pub status_label: String,
}

/// Which jobs a list shows.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct JobFilter {
    pub category: Option<CategoryCode>,
    pub status: Option<JobStatus>,
    pub notice_id: Option<i64>,
}

/// The fields of a [`Job`] row, read from [`FROM`].
pub(super) const FIELDS: &str = "j.id, j.category, j.origin, j.notice_id, n.jlis_reference, j.incident_id, j.title, j.description, \
    j.all_terminals, j.status, j.done_on, j.created_by, j.created_at, \
    (SELECT COUNT(*) FROM job_terminals jt WHERE jt.job_id = j.id) AS terminal_count";
pub(super) const FROM: &str = "FROM jobs j LEFT JOIN notices n ON n.id = j.notice_id";

/// The origin stored as `code` (with its notice); a notice origin without its notice is
/// a decode error.
fn origin_from(code: &str, notice_id: Option<i64>) -> Result<JobOrigin, StoreError> {
    Ok(match (JobOriginKind::decode(code)?, notice_id) {
        (JobOriginKind::Notice, Some(notice_id)) => JobOrigin::Notice { notice_id },
        (JobOriginKind::Notice, None) => {
            return Err(StoreError::Decode(jukiops_domain::vocab::DecodeError {
                vocabulary: "JobOrigin",
                code: code.into(),
            }));
        }
        (JobOriginKind::CityOrder, _) => JobOrigin::CityOrder,
        (JobOriginKind::Incident, _) => JobOrigin::Incident,
    })
}

pub(super) fn row(r: &AnyRow) -> Result<Job, StoreError> {
    let category = category(&r.try_get::<String, _>("category")?)?;
    let notice_id: Option<i64> = r.try_get("notice_id")?;
    let origin = origin_from(&r.try_get::<String, _>("origin")?, notice_id)?;
    let status = JobStatus::decode(&r.try_get::<String, _>("status")?)?;
    let description: String = r.try_get("description")?;
    Ok(Job {
        id: r.try_get("id")?,
        category,
        origin: origin.as_str().into(),
        origin_label: origin.label_ja().into(),
        notice_id,
        notice_reference: r.try_get("jlis_reference")?,
        incident_id: r.try_get("incident_id")?,
        title: r.try_get("title")?,
        description: Some(description).filter(|d| !d.is_empty()),
        all_terminals: r.try_get::<i64, _>("all_terminals")? != 0,
        status,
        status_label: status.label_ja().into(),
        done_on: r.try_get("done_on")?,
        terminal_count: r.try_get("terminal_count")?,
        created_by: r.try_get("created_by")?,
        created_at: jst_text(r.try_get("created_at")?).unwrap_or_default(),
    })
}

/// The terminals job `id` covers, by asset number.
pub(super) async fn terminals_of(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Vec<JobTerminal>, StoreError> {
    let rows = sqlx::query(
        "SELECT t.id, t.asset_number, s.name AS site_name, t.room FROM job_terminals jt \
         JOIN terminals t ON t.id = jt.terminal_id JOIN sites s ON s.id = t.site_id \
         WHERE jt.job_id = $1 ORDER BY t.asset_number",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(JobTerminal {
                id: r.try_get("id")?,
                asset_number: r.try_get("asset_number")?,
                site_name: r.try_get("site_name")?,
                room: r.try_get("room")?,
            })
        })
        .collect()
}

impl Store {
    /// Jobs of the year, newest first.
    pub async fn jobs(&self, f: &JobFilter, req: PageRequest) -> Result<Page<Job>, StoreError> {
        let filter = "WHERE j.contract_id = $1 AND ($2 IS NULL OR j.category = $2) \
                      AND ($3 IS NULL OR j.status = $3) AND ($4 IS NULL OR j.notice_id = $4)";
        let year = self.contract_id()?;
        let category = f.category.map(|c| c.kana().to_string());
        let status = f.status.map(|s| s.as_str().to_string());
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(sql(format!(
            "SELECT {FIELDS} {FROM} {filter} ORDER BY j.id DESC LIMIT $5 OFFSET $6"
        )))
        .bind(year)
        .bind(category.clone())
        .bind(status.clone())
        .bind(f.notice_id)
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
        let total: i64 = sqlx::query_scalar(sql(format!("SELECT COUNT(*) FROM jobs j {filter}")))
            .bind(year)
            .bind(category)
            .bind(status)
            .bind(f.notice_id)
            .fetch_one(&mut *conn)
            .await?;
        let items = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(items, total, req))
    }

    /// One job of the year with its target terminals.
    pub async fn job(&self, id: i64) -> Result<JobDetail, StoreError> {
        let year = self.contract_id()?;
        let mut conn = self.pool.acquire().await?;
        let r = sqlx::query(sql(format!(
            "SELECT {FIELDS} {FROM} WHERE j.id = $1 AND j.contract_id = $2"
        )))
        .bind(id)
        .bind(year)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Entity::Job))?;
        let job = row(&r)?;
        let terminals = terminals_of(&mut conn, id).await?;
        let rows = sqlx::query(
            "SELECT w.id, w.request_number, w.status FROM work_request_jobs rj \
             JOIN work_requests w ON w.id = rj.request_id WHERE rj.job_id = $1 ORDER BY w.id DESC",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let requests = rows
            .iter()
            .map(|r| {
                let status = WorkRequestStatus::decode(&r.try_get::<String, _>("status")?)?;
                Ok(JobRequest {
                    id: r.try_get("id")?,
                    request_number: r.try_get("request_number")?,
                    status,
                    status_label: status.label_ja().into(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(JobDetail {
            job,
            terminals,
            requests,
        })
    }

    /// The terminals installed now (in service or under repair), by site and asset
    /// number: those a new job may cover.
    pub async fn installed_terminals(&self) -> Result<Vec<JobTerminal>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, t.asset_number, s.name AS site_name, t.room FROM terminals t \
             JOIN sites s ON s.id = t.site_id WHERE t.status IN ($1, $2) \
             ORDER BY t.site_id, t.asset_number",
        )
        .bind(INSTALLED[0].as_str())
        .bind(INSTALLED[1].as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(JobTerminal {
                    id: r.try_get("id")?,
                    asset_number: r.try_get("asset_number")?,
                    site_name: r.try_get("site_name")?,
                    room: r.try_get("room")?,
                })
            })
            .collect()
    }

    /// Every job of the year as the category counts see it.
    pub async fn job_tallies(&self) -> Result<Vec<JobTally>, StoreError> {
        let rows = sqlx::query("SELECT category, status, done_on FROM jobs WHERE contract_id = $1")
            .bind(self.contract_id()?)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let category = category(&r.try_get::<String, _>("category")?)?;
            let done_on: Option<String> = r.try_get("done_on")?;
            let progress = match JobStatus::decode(&r.try_get::<String, _>("status")?)? {
                JobStatus::Cancelled => Progress::Cancelled,
                JobStatus::Done => match done_on.as_deref().and_then(parse_date) {
                    Some(on) => Progress::Done { on },
                    None => Progress::Open,
                },
                _ => Progress::Open,
            };
            out.push(JobTally { category, progress });
        }
        Ok(out)
    }
}
