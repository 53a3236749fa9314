//! Work outside the working window (R5.3): on the City's reason it is the City staff's
//! instruction, recorded as such; on the contractor's reason it is applied for beforehand
//! and approved by the City.

use serde::{Deserialize, Serialize};

use super::TransitionError;
use crate::people::Role;

/// Whose reason the off-hours work is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OffHoursCause {
    /// 本市の事由: the City staff instructs it.
    City,
    /// 受注者の事由: the contractor applies and the City approves.
    Contractor,
}

impl OffHoursCause {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "city" => Some(Self::City),
            "contractor" => Some(Self::Contractor),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::City => "city",
            Self::Contractor => "contractor",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::City => "本市の事由",
            Self::Contractor => "受注者の事由",
        }
    }
    /// Who records it: the City staff give the instruction; the contractor's lead applies.
    pub fn filed_by(self) -> Role {
        match self {
            Self::City => Role::CityStaff,
            Self::Contractor => Role::ContractorLead,
        }
    }
    /// The status a new record starts in.
    pub fn initial_status(self) -> OffHoursStatus {
        match self {
            Self::City => OffHoursStatus::Instructed,
            Self::Contractor => OffHoursStatus::Requested,
        }
    }
}

/// Where an off-hours record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OffHoursStatus {
    /// 申請中: the contractor applied; the City has not decided.
    Requested,
    /// 承認済: the City approved the contractor's application.
    Approved,
    /// 却下: the City refused it.
    Rejected,
    /// 本市指示: the City instructed the work.
    Instructed,
    /// 取下げ: withdrawn by whoever filed it.
    Withdrawn,
}

impl OffHoursStatus {
    pub const ALL: [Self; 5] = [
        Self::Requested,
        Self::Approved,
        Self::Rejected,
        Self::Instructed,
        Self::Withdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Instructed => "instructed",
            Self::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Requested => "申請中",
            Self::Approved => "承認済",
            Self::Rejected => "却下",
            Self::Instructed => "本市指示",
            Self::Withdrawn => "取下げ",
        }
    }
    /// Work may be done under it (approved or instructed).
    pub fn allows_work(self) -> bool {
        matches!(self, Self::Approved | Self::Instructed)
    }
    /// A visit may be planned under it (still alive: it may yet be approved).
    pub fn allows_planning(self) -> bool {
        matches!(self, Self::Requested | Self::Approved | Self::Instructed)
    }
}

/// What someone does to an off-hours record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OffHoursVerb {
    Approve,
    Reject,
    Withdraw,
}

/// The state machine: who may move a record of `cause` from `from` by `verb`, and where to.
pub fn off_hours_transition(
    cause: OffHoursCause,
    from: OffHoursStatus,
    verb: OffHoursVerb,
    role: Role,
) -> Result<OffHoursStatus, TransitionError> {
    use OffHoursStatus::*;
    let refuse = |why: &str| Err(TransitionError(why.to_string()));
    match verb {
        OffHoursVerb::Approve | OffHoursVerb::Reject => {
            if role != Role::CityStaff {
                return refuse("承認・却下は本市担当者が行います。");
            }
            if cause == OffHoursCause::City {
                return refuse(
                    "本市の事由による時間外作業は本市の指示として記録済みで、承認は不要です。",
                );
            }
            if from != Requested {
                return refuse(&format!(
                    "この申請は「{}」のため、承認・却下できません。",
                    from.label_ja()
                ));
            }
            Ok(if verb == OffHoursVerb::Approve {
                Approved
            } else {
                Rejected
            })
        }
        OffHoursVerb::Withdraw => {
            if role != cause.filed_by() {
                return refuse(&format!(
                    "取下げは記録した側（{}）が行います。",
                    cause.filed_by().label_ja()
                ));
            }
            if !matches!(from, Requested | Approved | Instructed) {
                return refuse(&format!(
                    "この記録は「{}」のため、取り下げできません。",
                    from.label_ja()
                ));
            }
            Ok(Withdrawn)
        }
    }
}
