//! The life of a result report (R8.3): the contractor's lead drafts and submits it; the
//! City accepts it, or returns it with a comment and the lead submits it again.

use super::decision::Verdict;
use crate::people::Role;
use crate::rules::TransitionError;
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
