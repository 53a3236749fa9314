//! All-site plans (R4.4): the planner's answer kept with its input, and its visits
//! written as planned visits of the schedule, all in one transaction.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::people::Authorized;
use jukiops_domain::planner::{Plan, PlanInput};
use jukiops_domain::schedule::{
    PlanFacts, PlanPerson, PlanSiteFact, Span, VisitDraft, judge_plan_agreement,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::Rules;
use super::visit_changes::insert_visit;
use crate::common::{jst_text, raced};
use crate::{Store, StoreError};

/// What a plan is called, the work content its visits carry, and the request it serves.
#[derive(Debug, Clone, Copy)]
pub struct PlanAbout<'a> {
    pub title: &'a str,
    pub purpose: &'a str,
    pub request_id: Option<i64>,
}

/// A saved plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SavedPlan {
    pub id: i64,
    pub title: String,
    /// `YYYY-MM-DD`
    pub start_date: String,
    pub created_by: String,
    /// Japan time, for display.
    pub created_at: String,
    pub input: PlanInput,
    pub plan: Plan,
    /// The 作業依頼書 the plan serves, if any.
    pub request_id: Option<i64>,
    /// The City's agreement (who, when in Japan time).
    pub agreed_by: Option<String>,
    pub agreed_at: Option<String>,
}

/// A saved plan in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanSummary {
    pub id: i64,
    pub title: String,
    pub start_date: String,
    pub created_by: String,
    pub created_at: String,
    pub visits: usize,
    pub within_deadline: bool,
    pub last_date: Option<String>,
    pub request_id: Option<i64>,
    pub agreed: bool,
}

/// A kept plan's summary from its row.
pub(super) fn summary(r: &AnyRow) -> Result<PlanSummary, StoreError> {
    let p = saved(r)?;
    Ok(PlanSummary {
        id: p.id,
        title: p.title,
        start_date: p.start_date,
        created_by: p.created_by,
        created_at: p.created_at,
        visits: p.plan.visits.len(),
        within_deadline: p.plan.within_deadline,
        last_date: p.plan.totals.last_date.map(|d| d.to_string()),
        request_id: p.request_id,
        agreed: p.agreed_by.is_some(),
    })
}

fn saved(r: &AnyRow) -> Result<SavedPlan, StoreError> {
    let bad = |e: serde_json::Error| StoreError::Db(sqlx::Error::Decode(Box::new(e)));
    Ok(SavedPlan {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        start_date: r.try_get("start_date")?,
        created_by: r.try_get("created_by")?,
        created_at: jst_text(r.try_get("created_at")?).unwrap_or_default(),
        input: serde_json::from_str(&r.try_get::<String, _>("input")?).map_err(bad)?,
        plan: serde_json::from_str(&r.try_get::<String, _>("result")?).map_err(bad)?,
        request_id: r.try_get("request_id")?,
        agreed_by: r.try_get("agreed_by")?,
        agreed_at: jst_text(r.try_get("agreed_at")?),
    })
}

impl Store {
    /// What a plan request is judged against: the contractor's people, every site, and
    /// the terminals to plan (those of 作業依頼書 `request_id`, or every terminal in use;
    /// none when that request is not registered).
    pub async fn plan_facts(&self, request_id: Option<i64>) -> Result<PlanFacts, StoreError> {
        let terminals = match request_id {
            None => Some(self.terminals_in_use().await?),
            Some(rid) => {
                let mut conn = self.pool.acquire().await?;
                let contract = self.contract_id()?;
                if crate::requests::request_bounds(&mut conn, contract, rid)
                    .await?
                    .is_some()
                {
                    let targets = self.request_terminals(rid).await?;
                    Some(targets.into_iter().map(|t| (t.site_id, t.id)).collect())
                } else {
                    None
                }
            }
        };
        let people = self
            .contractor_people()
            .await?
            .into_iter()
            .map(|p| PlanPerson {
                id: p.id,
                display_name: p.display_name,
            })
            .collect();
        let sites = self
            .all_sites()
            .await?
            .into_iter()
            .map(|s| PlanSiteFact {
                id: s.id,
                code: s.code,
                name: s.name,
                lat: s.lat,
                lon: s.lon,
            })
            .collect();
        Ok(PlanFacts {
            people,
            sites,
            terminals,
            roster: None,
        })
    }

    /// Keeps `plan` as a record of the contract year and writes its visits (each judged
    /// like a visit planned by hand), with `purpose` as their work content.
    pub async fn save_plan(
        &self,
        who: &Authorized,
        rules: &Rules<'_>,
        about: &PlanAbout<'_>,
        input: &PlanInput,
        plan: &Plan,
    ) -> Result<i64, StoreError> {
        let PlanAbout {
            title,
            purpose,
            request_id,
        } = *about;
        let mut ch = self.begin(who).await?;
        let encode = |e: serde_json::Error| StoreError::Db(sqlx::Error::Encode(Box::new(e)));
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plans (title, start_date, input, result, created_by, created_at, request_id, \
             contract_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(title)
        .bind(input.start.to_string())
        .bind(serde_json::to_string(input).map_err(encode)?)
        .bind(serde_json::to_string(plan).map_err(encode)?)
        .bind(who.name())
        .bind(&now)
        .bind(request_id)
        .bind(ch.contract_id()?)
        .fetch_one(ch.conn())
        .await?;
        for v in &plan.visits {
            let draft = VisitDraft {
                site_id: v.site_id,
                span: Span {
                    date: v.date,
                    start: v.start,
                    end: v.end,
                },
                purpose: purpose.to_string(),
                room: None,
                worker_ids: vec![v.worker_id],
                terminal_ids: v.terminal_ids.clone(),
                all_terminals: false,
                request_id,
            };
            insert_visit(&mut ch, rules, &draft, Some(id)).await?;
        }
        let changes = json!({
            "title": {"after": title}, "start": {"after": input.start.to_string()},
            "visits": {"after": plan.visits.len()}, "within_deadline": {"after": plan.within_deadline},
            "cost_minutes": {"after": plan.totals.cost_minutes}, "request_id": {"after": request_id},
        });
        ch.audit(Entity::Plan, id, AuditAction::Create, &changes);
        ch.commit().await?;
        Ok(id)
    }

    /// One plan of the contract year; another year's is not found.
    pub async fn saved_plan(&self, id: i64) -> Result<SavedPlan, StoreError> {
        let r = sqlx::query("SELECT * FROM plans WHERE id = $1 AND contract_id = $2")
            .bind(id)
            .bind(self.contract_id()?)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(Entity::Plan))?;
        saved(&r)
    }
}

impl Store {
    /// The City agrees to a plan, once: the plan and each of its planned visits are marked
    /// agreed, each visit judged as one agreed alone (its permits granted) and audited.
    pub async fn agree_plan(
        &self,
        who: &Authorized,
        rules: &Rules<'_>,
        id: i64,
    ) -> Result<(), StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        let agreed: Option<String> =
            sqlx::query_scalar("SELECT agreed_by FROM plans WHERE id = $1 AND contract_id = $2")
                .bind(id)
                .bind(contract)
                .fetch_optional(ch.conn())
                .await?
                .ok_or(StoreError::NotFound(Entity::Plan))?;
        judge_plan_agreement(agreed.is_some())?;
        let now = ch.now().to_string();
        let n = sqlx::query(
            "UPDATE plans SET agreed_by = $1, agreed_at = $2 WHERE id = $3 AND agreed_by IS NULL",
        )
        .bind(who.name())
        .bind(&now)
        .bind(id)
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(raced());
        }
        let visits: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM visits WHERE plan_id = $1 AND status = $2 AND agreed_by IS NULL ORDER BY id",
        )
        .bind(id)
        .bind(jukiops_domain::schedule::VisitStatus::Planned.as_str())
        .fetch_all(ch.conn())
        .await?;
        for visit in visits {
            super::visit_changes::agree_one(&mut ch, rules, contract, visit).await?;
        }
        ch.audit(
            Entity::Plan,
            id,
            AuditAction::Agree,
            &json!({"agreed_by": {"after": who.name()}}),
        );
        ch.commit().await
    }
}
