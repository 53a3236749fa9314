//! The schedule (R4.4, R5): off-hours records, building-entry permits, visits and plans.
//! Every change goes through [`crate::Change`]; the rules come from the domain's
//! `schedule` module.

mod facts;
pub(crate) use facts::{check_contractor_people, off_hours_facts};
mod off_hours;
mod permits;
mod plans;
mod visit_changes;
mod visits;

pub use off_hours::OffHours;
pub use permits::Permit;
pub use plans::{PlanAbout, PlanSummary, SavedPlan};
pub use visits::{Visit, VisitQuery, VisitTerminal};

use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::contract::Contract;
use serde::{Deserialize, Serialize};

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
