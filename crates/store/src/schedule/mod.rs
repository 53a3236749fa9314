//! The schedule (R4.4, R5): off-hours records, building-entry permits, visits and plans,
//! each a record of the contract year in force. Every change loads the facts its rule
//! needs, has the domain's `schedule` module judge them, and writes through
//! [`crate::Change`].

mod facts;
pub(crate) use facts::{check_contractor_people, off_hours_facts};
mod off_hours;
mod permits;
mod plan_list;
mod plans;
mod visit_changes;
mod visits;

pub use off_hours::OffHours;
pub use permits::Permit;
pub use plan_list::PLAN_LIST;
pub use plans::{PlanAbout, PlanSummary, SavedPlan};
pub use visits::{Visit, VisitQuery, VisitTerminal};

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::contract::Contract;
use jukiops_domain::vocab::Labelled;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{Change, StoreError, sql};

/// What the schedule's rules consult: the business calendar in force and the contract.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub calendar: &'a BusinessCalendar,
    pub contract: &'a Contract,
}

impl Rules<'_> {
    /// The rooms the City designates at the site with `code` (contract data, R5.5).
    pub fn designated_rooms(&self, code: &str) -> Vec<String> {
        self.contract
            .sites
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.designated_rooms.clone())
            .unwrap_or_default()
    }
}

/// A person named on a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonRef {
    pub id: i64,
    pub username: String,
    pub display_name: String,
}

/// Which dates (inclusive, `YYYY-MM-DD`) and site a schedule list covers.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScheduleFilter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub site_id: Option<i64>,
}

/// Records the City's decision (or a withdrawal) on row `id` of `table`: moved from
/// `from`, the status it was judged in, to `to`, with who decided, when and the comment.
/// When another change moved the row first, nothing is written (409).
pub(super) async fn record_decision<S: Labelled>(
    ch: &mut Change,
    table: &'static str,
    entity: Entity,
    id: i64,
    (from, to): (S, S),
    comment: Option<&str>,
) -> Result<(), StoreError> {
    let now = ch.now().to_string();
    let actor = ch.actor().to_string();
    let n = sqlx::query(sql(format!(
        "UPDATE {table} SET status = $1, decided_by = $2, decided_at = $3, decision_comment = $4, \
         updated_at = $3 WHERE id = $5 AND status = $6"
    )))
    .bind(to.code())
    .bind(actor)
    .bind(&now)
    .bind(comment.map(str::to_string))
    .bind(id)
    .bind(from.code())
    .execute(ch.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(crate::common::raced());
    }
    let changes = json!({"status": {"before": from.code(), "after": to.code()}, "comment": {"after": comment}});
    ch.audit(entity, id, AuditAction::Decide, &changes);
    Ok(())
}
