//! Off-hours work records (R5.3): the City's instructions and the contractor's
//! applications with the City's decision.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::people::Authorized;
use jukiops_domain::schedule::{
    OffHoursCause, OffHoursDraft, OffHoursStatus, OffHoursVerb, judge_off_hours_filing,
    off_hours_transition,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::facts::{hhmm, people_of, person_facts, site_fact, span_of};
use super::{PersonRef, ScheduleFilter, record_decision};
use crate::common::jst_text;
use crate::{Page, PageRequest, Store, StoreError, sql};

/// One off-hours record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OffHours {
    pub id: i64,
    pub site_id: i64,
    pub site_name: String,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM`
    pub start: String,
    pub end: String,
    pub cause: OffHoursCause,
    pub cause_label: String,
    pub reason: String,
    pub status: OffHoursStatus,
    pub status_label: String,
    pub workers: Vec<PersonRef>,
    pub filed_by: String,
    /// Japan time, for display.
    pub filed_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_comment: Option<String>,
}

const COLUMNS: &str = "o.id, o.site_id, s.name AS site_name, o.work_date, o.start_time, o.end_time, o.cause, \
    o.reason, o.status, o.filed_by, o.filed_at, o.decided_by, o.decided_at, o.decision_comment \
    FROM off_hours o JOIN sites s ON s.id = o.site_id";

fn row(r: &AnyRow) -> Result<OffHours, StoreError> {
    let span = span_of(r, "work_date")?;
    let cause = OffHoursCause::decode(&r.try_get::<String, _>("cause")?)?;
    let status = OffHoursStatus::decode(&r.try_get::<String, _>("status")?)?;
    Ok(OffHours {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        site_name: r.try_get("site_name")?,
        date: span.date.to_string(),
        start: hhmm(span.start),
        end: hhmm(span.end),
        cause,
        cause_label: cause.label_ja().into(),
        reason: r.try_get("reason")?,
        status,
        status_label: status.label_ja().into(),
        workers: Vec::new(),
        filed_by: r.try_get("filed_by")?,
        filed_at: jst_text(r.try_get("filed_at")?).unwrap_or_default(),
        decided_by: r.try_get("decided_by")?,
        decided_at: jst_text(r.try_get("decided_at")?),
        decision_comment: r.try_get("decision_comment")?,
    })
}

impl Store {
    /// Off-hours records of the contract year by date, then start time.
    pub async fn off_hours_list(
        &self,
        f: &ScheduleFilter,
        req: PageRequest,
    ) -> Result<Page<OffHours>, StoreError> {
        let filter = "WHERE ($1 IS NULL OR o.work_date >= $1) AND ($2 IS NULL OR o.work_date <= $2) \
                      AND ($3 IS NULL OR o.site_id = $3) AND o.contract_id = $4";
        let contract = self.contract_id()?;
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} {filter} ORDER BY o.work_date, o.start_time, o.id LIMIT $5 OFFSET $6"
        )))
        .bind(f.from.clone())
        .bind(f.to.clone())
        .bind(f.site_id)
        .bind(contract)
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
        let total: i64 =
            sqlx::query_scalar(sql(format!("SELECT COUNT(*) FROM off_hours o {filter}")))
                .bind(f.from.clone())
                .bind(f.to.clone())
                .bind(f.site_id)
                .bind(contract)
                .fetch_one(&mut *conn)
                .await?;
        let mut items = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<i64> = items.iter().map(|o| o.id).collect();
        for (owner, p) in people_of(&mut conn, "off_hours_workers", "off_hours_id", &ids).await? {
            if let Some(o) = items.iter_mut().find(|o| o.id == owner) {
                o.workers.push(p);
            }
        }
        Ok(Page::new(items, total, req))
    }

    /// One off-hours record of the contract year; another year's is not found.
    pub async fn off_hours(&self, id: i64) -> Result<OffHours, StoreError> {
        let contract = self.contract_id()?;
        let mut conn = self.pool.acquire().await?;
        let r = sqlx::query(sql(format!(
            "SELECT {COLUMNS} WHERE o.id = $1 AND o.contract_id = $2"
        )))
        .bind(id)
        .bind(contract)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Entity::OffHours))?;
        let mut o = row(&r)?;
        o.workers = people_of(&mut conn, "off_hours_workers", "off_hours_id", &[id])
            .await?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        Ok(o)
    }

    /// Records the City's instruction (City's reason) or the contractor's application, as
    /// [`judge_off_hours_filing`] decides from the filer's role, the window, the site and
    /// the workers.
    pub async fn file_off_hours(
        &self,
        who: &Authorized,
        cal: &BusinessCalendar,
        d: &OffHoursDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let site = site_fact(ch.conn(), d.site_id).await?;
        let workers = person_facts(ch.conn(), &d.worker_ids).await?;
        let status = judge_off_hours_filing(cal, d, who.role(), site.as_ref(), &workers)?;
        let named: Vec<_> = d.worker_ids.iter().map(|w| (*w, d.span.date)).collect();
        let contract = ch.contract_id()?;
        crate::roster::check_on_roster(ch.conn(), contract, "worker_ids", &named).await?;
        let site_name = site.map(|s| s.name).unwrap_or_default();
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO off_hours (site_id, work_date, start_time, end_time, cause, reason, status, \
             filed_by, filed_at, updated_at, contract_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
        )
        .bind(d.site_id)
        .bind(d.span.date.to_string())
        .bind(hhmm(d.span.start))
        .bind(hhmm(d.span.end))
        .bind(d.cause.as_str())
        .bind(&d.reason)
        .bind(status.as_str())
        .bind(who.name())
        .bind(&now)
        .bind(ch.contract_id()?)
        .fetch_one(ch.conn())
        .await?;
        for w in &d.worker_ids {
            sqlx::query("INSERT INTO off_hours_workers (off_hours_id, user_id) VALUES ($1, $2)")
                .bind(id)
                .bind(w)
                .execute(ch.conn())
                .await?;
        }
        let changes = json!({
            "site": {"after": site_name}, "date": {"after": d.span.date.to_string()},
            "start": {"after": hhmm(d.span.start)}, "end": {"after": hhmm(d.span.end)},
            "cause": {"after": d.cause.as_str()}, "reason": {"after": d.reason},
            "status": {"after": status.as_str()}, "worker_ids": {"after": d.worker_ids},
        });
        ch.audit(Entity::OffHours, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// Approves, rejects or withdraws an off-hours record of the contract year, as
    /// [`off_hours_transition`] decides from its cause, its status and the actor's role.
    pub async fn decide_off_hours(
        &self,
        who: &Authorized,
        id: i64,
        verb: OffHoursVerb,
        comment: Option<&str>,
    ) -> Result<OffHoursStatus, StoreError> {
        let mut ch = self.begin(who).await?;
        let r =
            sqlx::query("SELECT cause, status FROM off_hours WHERE id = $1 AND contract_id = $2")
                .bind(id)
                .bind(ch.contract_id()?)
                .fetch_optional(ch.conn())
                .await?
                .ok_or(StoreError::NotFound(Entity::OffHours))?;
        let cause = OffHoursCause::decode(&r.try_get::<String, _>("cause")?)?;
        let from = OffHoursStatus::decode(&r.try_get::<String, _>("status")?)?;
        let to = off_hours_transition(cause, from, verb, who.role())?;
        record_decision(
            &mut ch,
            "off_hours",
            Entity::OffHours,
            id,
            (from, to),
            comment,
        )
        .await?;
        ch.commit().await?;
        Ok(to)
    }
}
