//! What work recorded on a job is judged against: the job (its category and status), the
//! terminal (one of the job's), and the person named as having done it (an enabled lead or
//! worker). The オ password change and the カ checklist share these rules.

use crate::contract::CategoryCode;
use crate::people::{PersonFacts, does_contract_work, not_a_contract_worker};
use crate::rules::Refusal;

use super::JobStatus;

/// A job as the work recorded on it sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobFacts {
    pub category: CategoryCode,
    pub status: JobStatus,
}

/// What kind of work is recorded, and what its refusals say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WorkKind {
    /// The category of job it belongs to.
    pub category: CategoryCode,
    /// Refusal when the job is of another category.
    pub wrong_category: &'static str,
    /// What cannot be recorded when the job's status forbids it (…を記録できません).
    pub what: &'static str,
}

/// Work of `kind` may be recorded on a job of its category that the City requested and
/// that is not finished; returns whether the record starts the job (the first one does).
pub(crate) fn judge_job_for(kind: WorkKind, job: JobFacts) -> Result<bool, Refusal> {
    if job.category != kind.category {
        return Err(Refusal::invalid("job_id", kind.wrong_category));
    }
    match job.status {
        JobStatus::Requested => Ok(true),
        JobStatus::InProgress => Ok(false),
        other => Err(Refusal::conflict(
            "job_id",
            format!(
                "この作業は「{}」のため、{}を記録できません。",
                other.label_ja(),
                kind.what
            ),
        )),
    }
}

/// The terminal's asset number when it is one of the job's (`asset` as the store found it
/// among the job's terminals), else refused on `terminal_id`.
pub fn judge_job_terminal(terminal_id: i64, asset: Option<&str>) -> Result<String, Refusal> {
    asset.map(str::to_string).ok_or_else(|| {
        Refusal::invalid(
            "terminal_id",
            format!("統合端末ID {terminal_id} はこの作業の対象ではありません。"),
        )
    })
}

/// The login name of person `id` when they are an enabled lead or worker of the
/// contractor, else refused naming `field`.
pub fn judge_performer(
    field: &str,
    id: i64,
    person: Option<&PersonFacts>,
) -> Result<String, Refusal> {
    match person {
        Some(p) if does_contract_work(p.role, p.disabled) => Ok(p.username.clone()),
        _ => Err(not_a_contract_worker(field, id)),
    }
}
