//! A visit's life: planned, then done (its work recorded) or cancelled.

use serde::{Deserialize, Serialize};

use super::TransitionError;
use crate::people::Role;

/// Where a visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    /// 予定
    Planned,
    /// 実施済
    Done,
    /// 中止
    Cancelled,
}

impl VisitStatus {
    pub const ALL: [Self; 3] = [Self::Planned, Self::Done, Self::Cancelled];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Planned => "予定",
            Self::Done => "実施済",
            Self::Cancelled => "中止",
        }
    }
}

/// What someone does to a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitVerb {
    /// Records that the visit took place (its work is recorded).
    Complete,
    Cancel,
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
