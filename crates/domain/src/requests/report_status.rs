//! The life of a result report (R8.3): the contractor's lead drafts and submits it; the
//! City accepts it, or returns it with a comment and the lead submits it again.

use super::decision::Verdict;
use super::questions::{QuestionStatus, blocks_approval};
use super::report::ReportSummary;
use super::work_request::{
    JobMove, WorkRequestStatus, WorkRequestVerb, job_moves, work_request_transition,
};
use crate::jobs::{JobStatus, JobVerb};
use crate::people::Role;
use crate::rules::{Refusal, TransitionError};
use crate::rules::{Rule, apply, only};

labelled_enum! {
    /// Where a result report stands.
    pub enum ReportStatus {
        /// 作成中
        Draft = ("draft", "作成中"),
        /// 提出済: waiting for the City.
        Submitted = ("submitted", "提出済"),
        /// 受理: the City accepted it.
        Accepted = ("accepted", "受理"),
        /// 差戻し: the City returned it with a comment.
        Returned = ("returned", "差戻し"),
    }
}

impl ReportStatus {
    /// The status of a new report, when `role` may write one (the contractor's lead).
    pub fn initial(role: Role) -> Result<Self, TransitionError> {
        only(LEAD, role, "結果報告の作成")?;
        Ok(Self::Draft)
    }
}

labelled_enum! {
    /// What someone does to a result report.
    pub enum ReportVerb {
        Submit = ("submit", "提出"),
        Accept = ("accept", "受理"),
        /// Needs a comment (see `DecisionInput`).
        Return = ("return", "差戻し"),
    }
}

impl From<Verdict> for ReportVerb {
    fn from(v: Verdict) -> Self {
        match v {
            Verdict::Approve => Self::Accept,
            Verdict::Return => Self::Return,
        }
    }
}

const LEAD: &[Role] = &[Role::ContractorLead];
const CITY: &[Role] = &[Role::CityStaff];

/// The report state machine: the lead submits (again after a return); the City accepts
/// or returns.
pub fn report_transition(
    from: ReportStatus,
    verb: ReportVerb,
    role: Role,
) -> Result<ReportStatus, TransitionError> {
    use ReportStatus::*;
    let rule = match verb {
        ReportVerb::Submit => Rule {
            roles: LEAD,
            from: &[Draft, Returned],
            to: Submitted,
        },
        ReportVerb::Accept => Rule {
            roles: CITY,
            from: &[Submitted],
            to: Accepted,
        },
        ReportVerb::Return => Rule {
            roles: CITY,
            from: &[Submitted],
            to: Returned,
        },
    };
    apply("結果報告", rule, from, verb, role)
}

/// What submitting a report writes: its status, and its request's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportSubmission {
    pub status: ReportStatus,
    pub request: WorkRequestStatus,
}

/// Judges submitting the report `summary` of a request standing in `request`, by `role`
/// (R8.3): every step settled on every terminal, by the contractor's lead, while the work
/// is in progress.
pub fn judge_report_submission(
    summary: &ReportSummary,
    request: WorkRequestStatus,
    role: Role,
) -> Result<ReportSubmission, Refusal> {
    if !summary.is_complete() {
        return Err(Refusal::conflict(
            "records",
            format!(
                "作業が終わっていない統合端末が{}台あります。すべての手順を記録してから報告してください。",
                summary.incomplete_terminals.len()
            ),
        ));
    }
    let draft = ReportStatus::initial(role)?;
    Ok(ReportSubmission {
        status: report_transition(draft, ReportVerb::Submit, role)?,
        request: work_request_transition(request, WorkRequestVerb::Report, role)?,
    })
}

/// What the records say about a report about to be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFacts {
    pub status: ReportStatus,
    /// The status of its request.
    pub request: WorkRequestStatus,
    /// Its request's jobs, with their statuses.
    pub jobs: Vec<(i64, JobStatus)>,
    /// The statuses of its request's questions (疑義).
    pub questions: Vec<QuestionStatus>,
}

/// What the City's decision on a report writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDecision {
    pub verb: ReportVerb,
    pub to: ReportStatus,
    /// How the request moves, and to where.
    pub request_verb: WorkRequestVerb,
    pub request: WorkRequestStatus,
    /// The jobs completed by an acceptance (none on a return).
    pub jobs: Vec<JobMove>,
}

/// Judges the City's `verdict` on a report by `role` (R8.3, R8.4): accepting closes the
/// request and completes its jobs; returning sends the work back.
pub fn judge_report_decision(
    facts: &ReportFacts,
    verdict: Verdict,
    role: Role,
) -> Result<ReportDecision, Refusal> {
    let verb = ReportVerb::from(verdict);
    let to = report_transition(facts.status, verb, role)?;
    if verdict == Verdict::Approve
        && let Some(why) = blocks_approval(&facts.questions)
    {
        return Err(Refusal::conflict("status", why));
    }
    let (request_verb, jobs) = match verdict {
        Verdict::Approve => (
            WorkRequestVerb::Accept,
            job_moves(&facts.jobs, JobVerb::Complete, role)?,
        ),
        Verdict::Return => (WorkRequestVerb::ReturnForRework, Vec::new()),
    };
    Ok(ReportDecision {
        verb,
        to,
        request_verb,
        request: work_request_transition(facts.request, request_verb, role)?,
        jobs,
    })
}
