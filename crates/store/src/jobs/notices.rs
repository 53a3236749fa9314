//! J-LIS notices (R2.4): recorded by the City with a unique J-LIS reference (a second one
//! is refused by the unique index, named in [`crate::constraints`]), listed, shown with the
//! jobs they led to, withdrawn or closed by the notice state machine; each belongs to the
//! contract year it was recorded in.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::jobs::{
    NoticeDraft, NoticeFacts, NoticeKind, NoticeStatus, NoticeVerb, judge_notice_move,
};
use jukiops_domain::people::Authorized;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Job, JobFilter, jst_text, open_statuses_sql};
use crate::{Change, Page, PageRequest, Store, StoreError, sql};

/// One J-LIS notice.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notice {
    pub id: i64,
    /// J-LIS's own number of the notice (unique).
    pub jlis_reference: String,
    /// `YYYY-MM-DD`
    pub received_on: String,
    pub kind: NoticeKind,
    pub kind_label: String,
    /// The work category of its jobs: ア, イ or ウ.
    pub category: String,
    pub title: String,
    pub body: String,
    /// `YYYY-MM-DD`
    pub requested_deadline: Option<String>,
    pub status: NoticeStatus,
    pub status_label: String,
    /// How many jobs were created from it.
    pub job_count: i64,
    /// Open and past its deadline today (Japan time); set by the operations, which know
    /// the day.
    #[serde(default)]
    pub overdue: bool,
    pub created_by: String,
    /// Japan time, for display.
    pub created_at: String,
}

/// A notice with the jobs it led to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeDetail {
    #[serde(flatten)]
    pub notice: Notice,
    pub jobs: Vec<Job>,
}

/// Which notices a list shows.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NoticeFilter {
    pub status: Option<NoticeStatus>,
    pub kind: Option<NoticeKind>,
}

/// The fields of a [`Notice`] row.
pub(super) const FIELDS: &str = "n.id, n.jlis_reference, n.received_on, n.kind, n.title, n.body, n.requested_deadline, \
    n.status, n.created_by, n.created_at, \
    (SELECT COUNT(*) FROM jobs j WHERE j.notice_id = n.id) AS job_count";

pub(super) fn row(r: &AnyRow) -> Result<Notice, StoreError> {
    let kind = NoticeKind::decode(&r.try_get::<String, _>("kind")?)?;
    let status = NoticeStatus::decode(&r.try_get::<String, _>("status")?)?;
    Ok(Notice {
        id: r.try_get("id")?,
        jlis_reference: r.try_get("jlis_reference")?,
        received_on: r.try_get("received_on")?,
        kind,
        kind_label: kind.label_ja().into(),
        category: kind.category().kana().into(),
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        requested_deadline: r.try_get("requested_deadline")?,
        status,
        status_label: status.label_ja().into(),
        job_count: r.try_get("job_count")?,
        overdue: false,
        created_by: r.try_get("created_by")?,
        created_at: jst_text(r.try_get("created_at")?).unwrap_or_default(),
    })
}

impl Store {
    /// Notices of the year, newest received first.
    pub async fn notices(
        &self,
        f: &NoticeFilter,
        req: PageRequest,
    ) -> Result<Page<Notice>, StoreError> {
        let filter = "WHERE n.contract_id = $1 AND ($2 IS NULL OR n.status = $2) \
                      AND ($3 IS NULL OR n.kind = $3)";
        let year = self.contract_id()?;
        let status = f.status.map(|s| s.as_str().to_string());
        let kind = f.kind.map(|k| k.as_str().to_string());
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(sql(format!(
            "SELECT {FIELDS} FROM notices n {filter} ORDER BY n.received_on DESC, n.id DESC LIMIT $4 OFFSET $5"
        )))
        .bind(year)
        .bind(status.clone())
        .bind(kind.clone())
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
        let total: i64 =
            sqlx::query_scalar(sql(format!("SELECT COUNT(*) FROM notices n {filter}")))
                .bind(year)
                .bind(status)
                .bind(kind)
                .fetch_one(&mut *conn)
                .await?;
        let items = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(items, total, req))
    }

    /// One notice of the year.
    pub async fn notice(&self, id: i64) -> Result<Notice, StoreError> {
        let r = sqlx::query(sql(format!(
            "SELECT {FIELDS} FROM notices n WHERE n.id = $1 AND n.contract_id = $2"
        )))
        .bind(id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound(Entity::Notice))?;
        row(&r)
    }

    /// A notice with every job it led to.
    pub async fn notice_detail(&self, id: i64) -> Result<NoticeDetail, StoreError> {
        let notice = self.notice(id).await?;
        let filter = JobFilter {
            notice_id: Some(id),
            ..JobFilter::default()
        };
        let all = PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE));
        let jobs = self.jobs(&filter, all).await?.items;
        Ok(NoticeDetail { notice, jobs })
    }

    /// Records a notice of the change's year as received (the City staff); a J-LIS
    /// reference already recorded, in any year, is refused by the unique index (409 naming
    /// `jlis_reference`).
    pub async fn record_notice(
        &self,
        who: &Authorized,
        d: &NoticeDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let year = ch.contract_id()?;
        let status = NoticeStatus::initial(who.role())?;
        let now = ch.now().to_string();
        let deadline = d.requested_deadline.map(|d| d.to_string());
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO notices (jlis_reference, received_on, kind, title, body, requested_deadline, \
             status, created_by, created_at, updated_at, contract_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
        )
        .bind(&d.jlis_reference)
        .bind(d.received_on.to_string())
        .bind(d.kind.as_str())
        .bind(&d.title)
        .bind(&d.body)
        .bind(deadline.clone())
        .bind(status.as_str())
        .bind(who.name())
        .bind(&now)
        .bind(year)
        .fetch_one(ch.conn())
        .await?;
        let changes = json!({
            "jlis_reference": {"after": d.jlis_reference}, "received_on": {"after": d.received_on.to_string()},
            "kind": {"after": d.kind.as_str()}, "title": {"after": d.title}, "body": {"after": d.body},
            "requested_deadline": {"after": deadline}, "status": {"after": status.as_str()},
        });
        ch.audit(Entity::Notice, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// Withdraws or closes a notice, as [`judge_notice_move`] decides from its status and
    /// its open jobs. Jobs are added by creating them.
    pub async fn move_notice(
        &self,
        who: &Authorized,
        id: i64,
        verb: NoticeVerb,
    ) -> Result<NoticeStatus, StoreError> {
        let mut ch = self.begin(who).await?;
        let year = ch.contract_id()?;
        let facts = notice_facts(ch.conn(), year, id).await?;
        let to = judge_notice_move(facts, verb, who.role())?;
        ch.move_status(
            "notices",
            Entity::Notice,
            id,
            facts.status,
            to,
            AuditAction::Transition,
            &[],
        )
        .await?;
        ch.commit().await?;
        Ok(to)
    }
}

/// Closes, inside `ch`, every notice of year `year` whose last open job is among `jobs`
/// (just completed or cancelled), audited as the change's actor (R2.4).
pub(crate) async fn close_finished_notices(
    ch: &mut Change,
    jobs: &[i64],
) -> Result<(), StoreError> {
    if jobs.is_empty() {
        return Ok(());
    }
    let year = ch.contract_id()?;
    let notices: Vec<i64> = sqlx::query_scalar(sql(format!(
        "SELECT DISTINCT notice_id FROM jobs WHERE id IN ({}) AND notice_id IS NOT NULL ORDER BY notice_id",
        crate::common::id_list(jobs)
    )))
    .fetch_all(ch.conn())
    .await?;
    for id in notices {
        let facts = notice_facts(ch.conn(), year, id).await?;
        if facts.closes_with_its_jobs() {
            let to = NoticeStatus::Closed;
            ch.move_status(
                "notices",
                Entity::Notice,
                id,
                facts.status,
                to,
                AuditAction::Transition,
                &[],
            )
            .await?;
        }
    }
    Ok(())
}

/// The status of notice `id` of year `year` and how many of its jobs are still open.
async fn notice_facts(
    conn: &mut AnyConnection,
    year: i64,
    id: i64,
) -> Result<NoticeFacts, StoreError> {
    let status: String =
        sqlx::query_scalar("SELECT status FROM notices WHERE id = $1 AND contract_id = $2")
            .bind(id)
            .bind(year)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound(Entity::Notice))?;
    let open: i64 = sqlx::query_scalar(sql(format!(
        "SELECT COUNT(*) FROM jobs WHERE notice_id = $1 AND status IN ({})",
        open_statuses_sql()
    )))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(NoticeFacts {
        status: NoticeStatus::decode(&status)?,
        open_jobs: u32::try_from(open).unwrap_or(u32::MAX),
    })
}
