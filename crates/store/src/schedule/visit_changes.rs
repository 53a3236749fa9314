//! Planning, completing and cancelling visits: each one transaction that checks the
//! schedule rules against the records as they are inside it.

use jukiops_domain::FieldErrors;
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::schedule::{
    Span, VisitDraft, VisitFacts, VisitStatus, VisitVerb, assess, visit_transition,
};
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::Rules;
use super::facts::{check_workers, off_hours_facts, permit_facts, site_of};
use super::visits::{VisitTerminal, rooms_of};
use crate::common::id_list;
use crate::common::raced;
use crate::{Change, Store, StoreError, sql};

/// The terminals of a draft, each checked to be placed at the visit's site and in use.
async fn check_terminals(
    conn: &mut AnyConnection,
    site_id: i64,
    ids: &[i64],
) -> Result<Vec<VisitTerminal>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(ids);
    let rows = sqlx::query(sql(format!(
        "SELECT id, asset_number, room, site_id, status FROM terminals WHERE id IN ({list})"
    )))
    .fetch_all(conn)
    .await?;
    let mut found = Vec::new();
    let mut e = FieldErrors::default();
    for id in ids {
        match rows
            .iter()
            .find(|r| r.try_get::<i64, _>("id").ok() == Some(*id))
        {
            Some(r)
                if r.try_get::<i64, _>("site_id")? == site_id
                    && r.try_get::<String, _>("status")? != "retired" =>
            {
                found.push(VisitTerminal {
                    id: *id,
                    asset_number: r.try_get("asset_number")?,
                    room: r.try_get("room")?,
                });
            }
            Some(r) => e.push(
                "terminal_ids",
                format!(
                    "端末 {} はこの拠点で使用中の端末ではありません。",
                    r.try_get::<String, _>("asset_number")?
                ),
            ),
            None => e.push(
                "terminal_ids",
                format!("端末ID {id} は登録されていません。"),
            ),
        }
    }
    e.into_result(found).map_err(StoreError::from)
}

/// Refuses a worker already on another live visit overlapping `span`.
async fn check_overlap(
    conn: &mut AnyConnection,
    span: &Span,
    worker_ids: &[i64],
) -> Result<(), StoreError> {
    let list = worker_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let clash = sqlx::query(sql(format!(
        "SELECT u.display_name, s.name AS site_name, v.start_time FROM visits v \
         JOIN visit_workers w ON w.visit_id = v.id JOIN users u ON u.id = w.user_id \
         JOIN sites s ON s.id = v.site_id WHERE v.visit_date = $1 AND v.status <> 'cancelled' \
         AND v.start_time < $2 AND v.end_time > $3 AND w.user_id IN ({list}) LIMIT 1"
    )))
    .bind(span.date.to_string())
    .bind(span.end.format("%H:%M").to_string())
    .bind(span.start.format("%H:%M").to_string())
    .fetch_optional(conn)
    .await?;
    match clash {
        Some(r) => Err(StoreError::conflict(
            "worker_ids",
            format!(
                "{}さんは同じ時間に{}（{}から）の訪問が予定されています。",
                r.try_get::<String, _>("display_name")?,
                r.try_get::<String, _>("site_name")?,
                r.try_get::<String, _>("start_time")?
            ),
        )),
        None => Ok(()),
    }
}

/// Checks and writes one visit inside `ch`; returns its id.
pub(super) async fn insert_visit(
    ch: &mut Change,
    rules: &Rules<'_>,
    d: &VisitDraft,
    plan_id: Option<i64>,
) -> Result<i64, StoreError> {
    let (code, site_name, needs_entry_permit) = site_of(ch.conn(), d.site_id).await?;
    check_workers(ch.conn(), &d.worker_ids).await?;
    let terminals = check_terminals(ch.conn(), d.site_id, &d.terminal_ids).await?;
    let date = d.span.date.to_string();
    let off_hours = off_hours_facts(ch.conn(), &date, &date).await?;
    let permits = permit_facts(ch.conn(), &date, &date).await?;
    let designated = rules.designated_rooms(&code);
    let facts = VisitFacts {
        site_id: d.site_id,
        span: d.span,
        needs_entry_permit,
        designated_rooms: &designated,
        rooms: rooms_of(d.room.as_deref(), &terminals),
        worker_ids: d.worker_ids.clone(),
    };
    let verdict = assess(rules.calendar, &facts, &off_hours, &permits);
    if !verdict.may_plan {
        let field = if rules.calendar.is_business_day(d.span.date) {
            "start"
        } else {
            "date"
        };
        let mut e = FieldErrors::default();
        e.push(
            field,
            format!(
                "{}。時間外作業の申請（受注者の事由）または本市の指示（本市の事由）がないため、訪問を計画できません。",
                verdict.outside_window.unwrap_or_default()
            ),
        );
        return Err(e.into());
    }
    check_overlap(ch.conn(), &d.span, &d.worker_ids).await?;
    if let Some(rid) = d.request_id {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM work_requests WHERE id = $1")
            .bind(rid)
            .fetch_optional(ch.conn())
            .await?;
        if found.is_none() {
            let mut e = FieldErrors::default();
            e.push(
                "request_id",
                format!("作業依頼書ID {rid} は登録されていません。"),
            );
            return Err(e.into());
        }
    }
    let now = ch.now().to_string();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO visits (site_id, visit_date, start_time, end_time, purpose, room, status, plan_id, \
         created_by, created_at, updated_at, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id",
    )
    .bind(d.site_id)
    .bind(&date)
    .bind(d.span.start.format("%H:%M").to_string())
    .bind(d.span.end.format("%H:%M").to_string())
    .bind(&d.purpose)
    .bind(d.room.clone())
    .bind(VisitStatus::Planned.as_str())
    .bind(plan_id)
    .bind(ch.actor().to_string())
    .bind(&now)
    .bind(d.request_id)
    .fetch_one(ch.conn())
    .await?;
    for w in &d.worker_ids {
        sqlx::query("INSERT INTO visit_workers (visit_id, user_id) VALUES ($1, $2)")
            .bind(id)
            .bind(w)
            .execute(ch.conn())
            .await?;
    }
    for t in &terminals {
        sqlx::query("INSERT INTO visit_terminals (visit_id, terminal_id) VALUES ($1, $2)")
            .bind(id)
            .bind(t.id)
            .execute(ch.conn())
            .await?;
    }
    let changes = json!({
        "site": {"after": site_name}, "date": {"after": date},
        "start": {"after": d.span.start.format("%H:%M").to_string()},
        "end": {"after": d.span.end.format("%H:%M").to_string()},
        "purpose": {"after": d.purpose}, "room": {"after": d.room},
        "worker_ids": {"after": d.worker_ids}, "terminal_ids": {"after": d.terminal_ids},
        "plan_id": {"after": plan_id}, "request_id": {"after": d.request_id},
    });
    ch.audit(Entity::Visit, id, AuditAction::Create, &changes);
    Ok(id)
}

impl Store {
    /// Plans one visit by hand.
    pub async fn plan_visit(
        &self,
        who: &Authorized,
        rules: &Rules<'_>,
        d: &VisitDraft,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let id = insert_visit(&mut ch, rules, d, None).await?;
        ch.commit().await?;
        Ok(id)
    }

    /// Records that a visit took place, or cancels it. Work outside the window without the
    /// City's instruction or approval is refused (R5.3).
    pub async fn move_visit(
        &self,
        who: &Authorized,
        rules: &Rules<'_>,
        id: i64,
        verb: VisitVerb,
    ) -> Result<VisitStatus, StoreError> {
        let mut ch = self.begin(who).await?;
        let v = Store::visit_in(ch.conn(), rules, id).await?;
        let role = who.role();
        let to = visit_transition(v.status, verb, role)
            .map_err(|e| StoreError::conflict("status", e.0))?;
        if verb == VisitVerb::Complete && !v.assessment.may_work {
            return Err(StoreError::conflict(
                "status",
                format!(
                    "{}。時間外作業の承認（または本市の指示）がないため、この訪問の作業は記録できません。",
                    v.assessment.outside_window.unwrap_or_default()
                ),
            ));
        }
        let now = ch.now().to_string();
        let (by, at) = match verb {
            VisitVerb::Complete => (Some(who.name().to_string()), Some(now.clone())),
            VisitVerb::Cancel => (None, None),
        };
        let n = sqlx::query(
            "UPDATE visits SET status = $1, completed_by = $2, completed_at = $3, updated_at = $4 \
             WHERE id = $5 AND status = $6",
        )
        .bind(to.as_str())
        .bind(by)
        .bind(at)
        .bind(&now)
        .bind(id)
        .bind(v.status.as_str())
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(raced());
        }
        let changes = json!({"status": {"before": v.status.as_str(), "after": to.as_str()}});
        ch.audit(Entity::Visit, id, AuditAction::Update, &changes);
        ch.commit().await?;
        Ok(to)
    }
}
