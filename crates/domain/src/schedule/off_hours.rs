//! Work outside the working window (R5.3): on the City's reason it is the City staff's
//! instruction, recorded as such; on the contractor's reason it is applied for beforehand
//! and approved by the City.

use super::facts::{PersonFact, SiteFact, judge_contractor_people, judge_site};
use super::{OffHoursDraft, TransitionError, outside_window};
use crate::calendar::BusinessCalendar;
use crate::people::{Action, Role};
use crate::rules::Refusal;
use crate::validation::FieldErrors;

labelled_enum! {
    /// Whose reason the off-hours work is.
    pub enum OffHoursCause {
        /// 本市の事由: the City staff instructs it.
        City = ("city", "本市の事由"),
        /// 受注者の事由: the contractor applies and the City approves.
        Contractor = ("contractor", "受注者の事由"),
    }
}

impl OffHoursCause {
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

labelled_enum! {
    /// Where an off-hours record stands.
    pub enum OffHoursStatus {
        /// 申請中: the contractor applied; the City has not decided.
        Requested = ("requested", "申請中"),
        /// 承認済: the City approved the contractor's application.
        Approved = ("approved", "承認済"),
        /// 却下: the City refused it.
        Rejected = ("rejected", "却下"),
        /// 本市指示: the City instructed the work.
        Instructed = ("instructed", "本市指示"),
        /// 取下げ: withdrawn by whoever filed it.
        Withdrawn = ("withdrawn", "取下げ"),
    }
}

impl OffHoursStatus {
    /// Work may be done under it (approved or instructed).
    pub fn allows_work(self) -> bool {
        matches!(self, Self::Approved | Self::Instructed)
    }
    /// A visit may be planned under it (still alive: it may yet be approved).
    pub fn allows_planning(self) -> bool {
        matches!(self, Self::Requested | Self::Approved | Self::Instructed)
    }
}

labelled_enum! {
    /// What someone does to an off-hours record.
    pub enum OffHoursVerb {
        Approve = ("approve", "承認"),
        Reject = ("reject", "却下"),
        Withdraw = ("withdraw", "取下げ"),
    }
}

/// The state machine: who may move a record of `cause` from `from` by `verb`, and where to.
pub fn off_hours_transition(
    cause: OffHoursCause,
    from: OffHoursStatus,
    verb: OffHoursVerb,
    role: Role,
) -> Result<OffHoursStatus, TransitionError> {
    use OffHoursStatus::*;
    let refuse = |why: &str| Err(TransitionError::status(why.to_string()));
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

impl OffHoursVerb {
    /// What the access table must grant: whoever files withdraws; the City decides.
    pub const fn action(self) -> Action {
        match self {
            Self::Withdraw => Action::FileOffHours,
            _ => Action::DecideOffHours,
        }
    }
}

/// Judges a new off-hours record filed by `role` (R5.3): the City staff record the City's
/// reason, the contractor's lead applies for the contractor's; only work outside the
/// window needs one; the site must be registered and the workers the contractor's
/// people. Returns the status the record starts in.
pub fn judge_off_hours_filing(
    cal: &BusinessCalendar,
    d: &OffHoursDraft,
    role: Role,
    site: Option<&SiteFact>,
    workers: &[PersonFact],
) -> Result<OffHoursStatus, Refusal> {
    let mut e = FieldErrors::default();
    if role != d.cause.filed_by() {
        e.push(
            "cause",
            format!(
                "{}による時間外作業は{}が記録します。",
                d.cause.label_ja(),
                d.cause.filed_by().label_ja()
            ),
        );
    }
    if outside_window(cal, &d.span).is_none() {
        e.push(
            "start",
            "指定の日時は作業時間内のため、時間外作業の記録は不要です。",
        );
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    judge_site(d.site_id, site)?;
    judge_contractor_people("worker_ids", &d.worker_ids, workers)?;
    Ok(d.cause.initial_status())
}
