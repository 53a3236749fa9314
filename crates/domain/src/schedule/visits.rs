//! A visit's life: planned, then done (its work recorded) or cancelled.

use super::TransitionError;
use crate::people::{Action, Role};

labelled_enum! {
    /// Where a visit stands.
    pub enum VisitStatus {
        /// 予定
        Planned = ("planned", "予定"),
        /// 実施済
        Done = ("done", "実施済"),
        /// 中止
        Cancelled = ("cancelled", "中止"),
    }
}

labelled_enum! {
    /// What someone does to a visit.
    pub enum VisitVerb {
        /// Records that the visit took place (its work is recorded).
        Complete = ("complete", "実施の記録"),
        Cancel = ("cancel", "中止"),
    }
}

/// The visit state machine. Off-hours and permit rules are checked by the caller, which
/// knows the records; this says only who may move which status.
pub fn visit_transition(
    from: VisitStatus,
    verb: VisitVerb,
    role: Role,
) -> Result<VisitStatus, TransitionError> {
    let allowed = match verb {
        VisitVerb::Complete => matches!(role, Role::ContractorLead | Role::ContractorWorker),
        VisitVerb::Cancel => role == Role::ContractorLead,
    };
    if !allowed {
        return Err(TransitionError(match verb {
            VisitVerb::Complete => "実施の記録は業務責任者または作業従事者が行います。".into(),
            VisitVerb::Cancel => "訪問の中止は業務責任者が行います。".into(),
        }));
    }
    if from != VisitStatus::Planned {
        return Err(TransitionError(format!(
            "この訪問は「{}」のため、変更できません。",
            from.label_ja()
        )));
    }
    Ok(match verb {
        VisitVerb::Complete => VisitStatus::Done,
        VisitVerb::Cancel => VisitStatus::Cancelled,
    })
}

impl VisitVerb {
    /// What the access table must grant: the workers record; the lead cancels.
    pub fn action(self) -> Action {
        match self {
            Self::Complete => Action::RecordVisits,
            Self::Cancel => Action::PlanVisits,
        }
    }
}
