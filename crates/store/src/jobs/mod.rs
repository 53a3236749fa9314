//! Jobs from J-LIS notice to completion (R2, R3): notices, jobs with their target
//! terminals, the counts' tallies, the administrator-password changes (オ), the annual
//! inspection (カ) and the City's waivers of deliverables. Every
//! change goes through [`crate::Change`]; the rules come from the domain's `jobs` module.

mod inspections;
mod job_changes;
mod job_reads;
mod notices;
mod rotations;
mod waivers;

pub use inspections::{Inspection, InspectionFinding, JobInspections};
pub use job_changes::job_action;
pub use job_reads::{Job, JobDetail, JobFilter, JobTerminal};
pub use notices::{Notice, NoticeDetail, NoticeFilter};
pub use rotations::{JobRotations, LastRotation, Rotation};
pub use waivers::Waiver;

use jukiops_domain::FieldErrors;
use jukiops_domain::jobs::JobStatus;
use jukiops_domain::people::Role;
use jukiops_domain::time::{display_jst, from_db};

use crate::{Actor, StoreError};

/// The actor's role; the system (CLI, demo) acts as `default`.
fn role_or(actor: &Actor, default: Role) -> Role {
    match actor {
        Actor::User { role, .. } => *role,
        Actor::System(_) => default,
    }
}

/// A stored instant shown in Japan time.
fn jst_text(s: Option<String>) -> Option<String> {
    s.and_then(|s| from_db(&s)).map(display_jst)
}

/// One field error as a store error (422).
fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    let mut e = FieldErrors::default();
    e.push(field, message);
    e.into()
}

/// `1,2,3` for an `IN (...)` list of ids (numbers only, never user text).
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The refusal when a conditional update found the row moved by someone else.
fn raced() -> StoreError {
    StoreError::conflict(
        "status",
        "他の操作で状態が変わりました。画面を更新してください。",
    )
}

/// The job statuses still to be finished, as an SQL list of their (constant) codes.
fn open_statuses_sql() -> String {
    JobStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}
