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
pub use job_reads::{Job, JobDetail, JobFilter, JobTerminal};
pub use notices::{Notice, NoticeDetail, NoticeFilter};
pub use rotations::{JobRotations, LastRotation, Rotation};
pub use waivers::Waiver;

use jukiops_domain::jobs::JobStatus;

pub(super) use crate::common::{id_list, invalid, jst_text, raced};

/// The job statuses still to be finished, as an SQL list of their (constant) codes.
fn open_statuses_sql() -> String {
    JobStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}
