//! Off-hours work records (R5.3): the City's instructions and the contractor's
//! applications with the City's decision.

use jukiops_domain::FieldErrors;
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::people::Authorized;
use jukiops_domain::schedule::{
    OffHoursCause, OffHoursDraft, OffHoursStatus, OffHoursVerb, off_hours_transition,
    outside_window,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::facts::{check_workers, people_of, site_of, span_of};
use super::{PersonRef, ScheduleFilter};
use crate::common::{jst_text, raced};
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

fn row(r: &AnyRow) -> Result<OffHours, sqlx::Error> {
    let span = span_of(r, "work_date")?;
    let cause = OffHoursCause::parse(&r.try_get::<String, _>("cause")?)
        .unwrap_or(OffHoursCause::Contractor);
    let status = OffHoursStatus::parse(&r.try_get::<String, _>("status")?)
        .unwrap_or(OffHoursStatus::Withdrawn);
    Ok(OffHours {
        id: r.try_get("id")?,
        site_id: r.try_get("site_id")?,
        site_name: r.try_get("site_name")?,
        date: span.date.to_string(),
        start: span.start.format("%H:%M").to_string(),
        end: span.end.format("%H:%M").to_string(),
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
    /// Off-hours records by date, then start time.
    pub async fn off_hours_list(
        &self,
        f: &ScheduleFilter,
        req: PageRequest,
    ) -> Result<Page<OffHours>, StoreError> {
        let filter = "WHERE ($1 IS NULL OR o.work_date >= $1) AND ($2 IS NULL OR o.work_date <= $2) \
                      AND ($3 IS NULL OR o.site_id = $3)";
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} {filter} ORDER BY o.work_date, o.start_time, o.id LIMIT $4 OFFSET $5"
        )))
        .bind(f.from.clone())
        .bind(f.to.clone())
        .bind(f.site_id)
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
        let total: i64 =
            sqlx::query_scalar(sql(format!("SELECT COUNT(*) FROM off_hours o {filter}")))
                .bind(f.from.clone())
                .bind(f.to.clone())
                .bind(f.site_id)
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

    pub async fn off_hours(&self, id: i64) -> Result<OffHours, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let r = sqlx::query(sql(format!("SELECT {COLUMNS} WHERE o.id = $1")))
            .bind(id)
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

    /// Records the City's instruction (City's reason) or the contractor's application.
    pub async fn file_off_hours(
        &self,
        who: &Authorized,
        cal: &BusinessCalendar,
        d: &OffHoursDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let mut e = FieldErrors::default();
        if who.actor().role().is_some_and(|r| r != d.cause.filed_by()) {
            e.push(
                "cause",
                format!(
                    "{}による時間外作業は{}が記録します。",
                    d.cause.label_ja(),
                    d.cause.filed_by().label_ja()
                ),
            );
        }
        if outside_window(cal, &d.span).is_none() {
            e.push(
                "start",
                "指定の日時は作業時間内のため、時間外作業の記録は不要です。",
            );
        }
        if !e.is_empty() {
            return Err(e.into());
        }
        let (_, site_name, _) = site_of(ch.conn(), d.site_id).await?;
        check_workers(ch.conn(), &d.worker_ids).await?;
        let status = d.cause.initial_status();
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO off_hours (site_id, work_date, start_time, end_time, cause, reason, status, \
             filed_by, filed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(d.site_id)
        .bind(d.span.date.to_string())
        .bind(d.span.start.format("%H:%M").to_string())
        .bind(d.span.end.format("%H:%M").to_string())
        .bind(d.cause.as_str())
        .bind(&d.reason)
        .bind(status.as_str())
        .bind(who.name())
        .bind(&now)
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
            "start": {"after": d.span.start.format("%H:%M").to_string()},
            "end": {"after": d.span.end.format("%H:%M").to_string()},
            "cause": {"after": d.cause.as_str()}, "reason": {"after": d.reason},
            "status": {"after": status.as_str()}, "worker_ids": {"after": d.worker_ids},
        });
        ch.audit(Entity::OffHours, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// Approves, rejects or withdraws an off-hours record, by the state machine.
    pub async fn decide_off_hours(
        &self,
        who: &Authorized,
        id: i64,
        verb: OffHoursVerb,
        comment: Option<&str>,
    ) -> Result<OffHoursStatus, StoreError> {
        let mut ch = self.begin(who).await?;
        let r = sqlx::query("SELECT cause, status FROM off_hours WHERE id = $1")
            .bind(id)
            .fetch_optional(ch.conn())
            .await?
            .ok_or(StoreError::NotFound(Entity::OffHours))?;
        let cause = OffHoursCause::parse(&r.try_get::<String, _>("cause")?)
            .unwrap_or(OffHoursCause::Contractor);
        let from = OffHoursStatus::parse(&r.try_get::<String, _>("status")?)
            .unwrap_or(OffHoursStatus::Withdrawn);
        let role = who.actor().role().unwrap_or(match verb {
            OffHoursVerb::Withdraw => cause.filed_by(),
            _ => who.role(),
        });
        let to = off_hours_transition(cause, from, verb, role)
            .map_err(|e| StoreError::conflict("status", e.0))?;
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE off_hours SET status = $1, decided_by = $2, decided_at = $3, decision_comment = $4, \
             updated_at = $3 WHERE id = $5 AND status = $6",
        )
        .bind(to.as_str())
        .bind(who.name())
        .bind(&now)
        .bind(comment.map(str::to_string))
        .bind(id)
        .bind(from.as_str())
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(raced());
        }
        let changes = json!({"status": {"before": from.as_str(), "after": to.as_str()}, "comment": {"after": comment}});
        ch.audit(Entity::OffHours, id, AuditAction::Decide, &changes);
        ch.commit().await?;
        Ok(to)
    }
}
