//! Jobs from J-LIS notice to completion (R2, R3): notices, jobs with their target
//! terminals, the counts' tallies, the administrator-password changes (オ), the annual
//! inspection (カ) and the City's waivers of deliverables. Every change goes through
//! [`crate::Change`]; the store loads the facts and the domain's `jobs` module judges.
//!
//! Notices, jobs and inspection templates belong to a contract year (R1.2): they are
//! written with the year of the change and read within the store's year; the records of a
//! job (its terminals, password changes, checklists, follow-ups and waiver) follow it. A
//! record of another year is not found.

mod inspections;
mod job_changes;
mod job_reads;
mod lists;
mod notices;
mod rotations;
mod waivers;

pub use inspections::{Inspection, InspectionFinding, JobInspections};
pub(crate) use job_changes::insert_job;
pub use job_reads::{Job, JobDetail, JobFilter, JobRequest, JobTerminal};
pub use lists::{JOB_LIST, NOTICE_LIST};
pub(crate) use notices::close_finished_notices;
pub use notices::{Notice, NoticeDetail, NoticeFilter};
pub use rotations::{JobRotations, LastRotation, Rotation};
pub use waivers::Waiver;

pub(crate) use crate::users::person_facts;
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::jobs::{JobFacts, JobStatus};
use jukiops_domain::vocab::DecodeError;
use sqlx::{AnyConnection, Row};

use crate::StoreError;
pub(super) use crate::common::{id_list, jst_text, raced};

/// The job statuses still to be finished, as an SQL list of their (constant) codes.
fn open_statuses_sql() -> String {
    JobStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A stored category (ア..ク); anything else is a decode error, never a default.
fn category(code: &str) -> Result<CategoryCode, StoreError> {
    CategoryCode::from_kana(code).ok_or_else(|| {
        StoreError::Decode(DecodeError {
            vocabulary: "CategoryCode",
            code: code.chars().take(64).collect(),
        })
    })
}

/// The category and status of job `id` of contract year `year`, if it is one.
async fn job_facts(
    conn: &mut AnyConnection,
    year: i64,
    id: i64,
) -> Result<Option<JobFacts>, StoreError> {
    let r = sqlx::query("SELECT category, status FROM jobs WHERE id = $1 AND contract_id = $2")
        .bind(id)
        .bind(year)
        .fetch_optional(conn)
        .await?;
    let Some(r) = r else { return Ok(None) };
    Ok(Some(JobFacts {
        category: category(&r.try_get::<String, _>("category")?)?,
        status: JobStatus::decode(&r.try_get::<String, _>("status")?)?,
    }))
}

/// The asset number of `terminal_id` when it is one of job `job_id`'s terminals.
async fn job_terminal_asset(
    conn: &mut AnyConnection,
    job_id: i64,
    terminal_id: i64,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT t.asset_number FROM job_terminals jt JOIN terminals t ON t.id = jt.terminal_id \
         WHERE jt.job_id = $1 AND jt.terminal_id = $2",
    )
    .bind(job_id)
    .bind(terminal_id)
    .fetch_optional(conn)
    .await?)
}
