//! Planning, completing, cancelling and agreeing to visits: each one transaction that loads
//! the facts as they are inside it, has the domain judge them, and writes.

use chrono::NaiveDate;
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::schedule::{
    NewVisitFacts, VisitDraft, VisitStatus, VisitVerb, judge_new_visit, judge_visit_agreement,
    judge_visit_move,
};
use serde_json::json;

use super::Rules;
use super::facts::{
    busy_facts, hhmm, off_hours_facts_of, permit_facts, person_facts, site_fact, terminal_facts,
};
use crate::common::raced;
use crate::requests::request_bounds;
use crate::roster::check_on_roster;
use crate::{Change, Store, StoreError};

/// Judges and writes one visit of the contract year inside `ch`; returns its id.
pub(super) async fn insert_visit(
    ch: &mut Change,
    rules: &Rules<'_>,
    d: &VisitDraft,
    plan_id: Option<i64>,
) -> Result<i64, StoreError> {
    let contract = ch.contract_id()?;
    let date = d.span.date.to_string();
    let site = site_fact(ch.conn(), d.site_id).await?;
    let facts = NewVisitFacts {
        designated_rooms: site
            .as_ref()
            .map(|s| rules.designated_rooms(&s.code))
            .unwrap_or_default(),
        site,
        workers: person_facts(ch.conn(), &d.worker_ids).await?,
        terminals: terminal_facts(ch.conn(), d.site_id, &d.terminal_ids, d.all_terminals).await?,
        off_hours: off_hours_facts_of(ch.conn(), Some(contract), &date, &date).await?,
        permits: permit_facts(ch.conn(), contract, &date, &date).await?,
        busy: busy_facts(ch.conn(), contract, &date, &d.worker_ids).await?,
        request: match d.request_id {
            Some(rid) => request_bounds(ch.conn(), contract, rid).await?,
            None => None,
        },
    };
    let visit = judge_new_visit(rules.calendar, d, &facts)?;
    let named: Vec<(i64, NaiveDate)> = d.worker_ids.iter().map(|w| (*w, d.span.date)).collect();
    check_on_roster(ch.conn(), contract, "worker_ids", &named).await?;
    let now = ch.now().to_string();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO visits (site_id, visit_date, start_time, end_time, purpose, room, status, plan_id, \
         created_by, created_at, updated_at, request_id, contract_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12) RETURNING id",
    )
    .bind(d.site_id)
    .bind(&date)
    .bind(hhmm(d.span.start))
    .bind(hhmm(d.span.end))
    .bind(&d.purpose)
    .bind(d.room.clone())
    .bind(VisitStatus::Planned.as_str())
    .bind(plan_id)
    .bind(ch.actor().to_string())
    .bind(&now)
    .bind(d.request_id)
    .bind(contract)
    .fetch_one(ch.conn())
    .await?;
    for w in &d.worker_ids {
        sqlx::query("INSERT INTO visit_workers (visit_id, user_id) VALUES ($1, $2)")
            .bind(id)
            .bind(w)
            .execute(ch.conn())
            .await?;
    }
    for t in &visit.terminals {
        sqlx::query("INSERT INTO visit_terminals (visit_id, terminal_id) VALUES ($1, $2)")
            .bind(id)
            .bind(t.id)
            .execute(ch.conn())
            .await?;
    }
    let terminal_ids: Vec<i64> = visit.terminals.iter().map(|t| t.id).collect();
    let changes = json!({
        "site": {"after": visit.site_name}, "date": {"after": date},
        "start": {"after": hhmm(d.span.start)}, "end": {"after": hhmm(d.span.end)},
        "purpose": {"after": d.purpose}, "room": {"after": d.room},
        "worker_ids": {"after": d.worker_ids}, "terminal_ids": {"after": terminal_ids},
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

    /// Records that a visit took place, or cancels it, as
    /// [`judge_visit_move`] decides from its status and its cover for work outside the
    /// window (R5.3).
    pub async fn move_visit(
        &self,
        who: &Authorized,
        rules: &Rules<'_>,
        id: i64,
        verb: VisitVerb,
    ) -> Result<VisitStatus, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let v = Store::visit_in(ch.conn(), contract, rules, id).await?;
        let to = judge_visit_move(v.status, &v.assessment, verb, who.role())?;
        let (by, at) = match verb {
            VisitVerb::Complete => (Some(who.name().to_string()), Some(ch.now().to_string())),
            VisitVerb::Cancel => (None, None),
        };
        let extra = [("completed_by", by), ("completed_at", at)];
        ch.move_status("visits", Entity::Visit, id, v.status, to, verb, &extra)
            .await?;
        ch.commit().await?;
        Ok(to)
    }

    /// The City agrees to one visit, once, while it is planned and its permits are granted.
    pub async fn agree_visit(
        &self,
        who: &Authorized,
        rules: &Rules<'_>,
        id: i64,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        agree_one(&mut ch, rules, contract, id).await?;
        ch.commit().await
    }
}

/// Agrees to visit `id` of contract year `contract` inside `ch`, as
/// [`judge_visit_agreement`] decides from its status, agreement and permits; audited.
pub(super) async fn agree_one(
    ch: &mut Change,
    rules: &Rules<'_>,
    contract: i64,
    id: i64,
) -> Result<(), StoreError> {
    let v = Store::visit_in(ch.conn(), contract, rules, id).await?;
    judge_visit_agreement(v.status, v.agreed_by.is_some(), &v.assessment)?;
    let now = ch.now().to_string();
    let who = ch.actor().to_string();
    let n = sqlx::query(
        "UPDATE visits SET agreed_by = $1, agreed_at = $2 \
         WHERE id = $3 AND agreed_by IS NULL AND status = $4",
    )
    .bind(&who)
    .bind(&now)
    .bind(id)
    .bind(v.status.as_str())
    .execute(ch.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(raced());
    }
    ch.audit(
        Entity::Visit,
        id,
        AuditAction::Agree,
        &json!({"agreed_by": {"after": who}}),
    );
    Ok(())
}
