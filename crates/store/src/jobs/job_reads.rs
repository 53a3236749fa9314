//! Reading jobs: the paged list, one job with its target terminals, and the tallies the
//! category counts and burn-down are computed from.

use jukiops_domain::audit::Entity;
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::inventory::parse_date;
use jukiops_domain::jobs::{JobOrigin, JobStatus, JobTally, Progress};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::jst_text;
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
}

/// Which jobs a list shows.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct JobFilter {
    pub category: Option<CategoryCode>,
    pub status: Option<JobStatus>,
    pub notice_id: Option<i64>,
}

const COLUMNS: &str = "j.id, j.category, j.origin, j.notice_id, n.jlis_reference, j.title, j.description, \
    j.all_terminals, j.status, j.done_on, j.created_by, j.created_at, \
    (SELECT COUNT(*) FROM job_terminals jt WHERE jt.job_id = j.id) AS terminal_count \
    FROM jobs j LEFT JOIN notices n ON n.id = j.notice_id";

/// The origin stored as `code` (with its notice).
pub(super) fn origin_from(code: &str, notice_id: Option<i64>) -> JobOrigin {
    match (code, notice_id) {
        ("notice", Some(notice_id)) => JobOrigin::Notice { notice_id },
        ("incident", _) => JobOrigin::Incident,
        _ => JobOrigin::CityOrder,
    }
}

fn row(r: &AnyRow) -> Result<Job, sqlx::Error> {
    let code: String = r.try_get("category")?;
    let category = CategoryCode::from_kana(&code)
        .ok_or_else(|| sqlx::Error::Decode(format!("bad category {code}").into()))?;
    let notice_id: Option<i64> = r.try_get("notice_id")?;
    let origin = origin_from(&r.try_get::<String, _>("origin")?, notice_id);
    let status =
        JobStatus::parse(&r.try_get::<String, _>("status")?).unwrap_or(JobStatus::Cancelled);
    let description: String = r.try_get("description")?;
    Ok(Job {
        id: r.try_get("id")?,
        category,
        origin: origin.as_str().into(),
        origin_label: origin.label_ja().into(),
        notice_id,
        notice_reference: r.try_get("jlis_reference")?,
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
    /// Jobs, newest first.
    pub async fn jobs(&self, f: &JobFilter, req: PageRequest) -> Result<Page<Job>, StoreError> {
        let filter = "WHERE ($1 IS NULL OR j.category = $1) AND ($2 IS NULL OR j.status = $2) \
                      AND ($3 IS NULL OR j.notice_id = $3)";
        let category = f.category.map(|c| c.kana().to_string());
        let status = f.status.map(|s| s.as_str().to_string());
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} {filter} ORDER BY j.id DESC LIMIT $4 OFFSET $5"
        )))
        .bind(category.clone())
        .bind(status.clone())
        .bind(f.notice_id)
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
        let total: i64 = sqlx::query_scalar(sql(format!("SELECT COUNT(*) FROM jobs j {filter}")))
            .bind(category)
            .bind(status)
            .bind(f.notice_id)
            .fetch_one(&mut *conn)
            .await?;
        let items = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(items, total, req))
    }

    /// One job with its target terminals.
    pub async fn job(&self, id: i64) -> Result<JobDetail, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let r = sqlx::query(sql(format!("SELECT {COLUMNS} WHERE j.id = $1")))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound(Entity::Job))?;
        let job = row(&r)?;
        let terminals = terminals_of(&mut conn, id).await?;
        Ok(JobDetail { job, terminals })
    }

    /// Every job as the category counts see it.
    pub async fn job_tallies(&self) -> Result<Vec<JobTally>, StoreError> {
        let rows = sqlx::query("SELECT category, status, done_on FROM jobs")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(category) = CategoryCode::from_kana(&r.try_get::<String, _>("category")?)
            else {
                continue;
            };
            let done_on: Option<String> = r.try_get("done_on")?;
            let progress = match JobStatus::parse(&r.try_get::<String, _>("status")?) {
                Some(JobStatus::Cancelled) | None => Progress::Cancelled,
                Some(JobStatus::Done) => match done_on.as_deref().and_then(parse_date) {
                    Some(on) => Progress::Done { on },
                    None => Progress::Open,
                },
                Some(_) => Progress::Open,
            };
            out.push(JobTally { category, progress });
        }
        Ok(out)
    }
}
