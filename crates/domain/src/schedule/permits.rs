//! Building-entry permits (R5.5): entering the 菊水分庁舎, any ward office outside its open
//! hours, and rooms the City designates needs the City's permission.

use serde::Serialize;

use super::facts::{SiteFact, judge_site};
use super::{PermitDraft, Span, TransitionError};
use crate::contract::{Period, WorkingHours};
use crate::people::{Action, Role};
use crate::rules::Refusal;
use crate::time::date_ja;

labelled_enum! {
    /// What a permit lets one enter.
    pub enum PermitKind {
        /// 入館: a building that needs permission to enter at all (菊水分庁舎).
        Building = ("building", "入館許可"),
        /// 時間外入館: a ward office after 17:15 (or before opening, or on a closed day).
        AfterHours = ("after_hours", "時間外入館許可"),
        /// 指定室入室: a room the City designates.
        Room = ("room", "指定室入室許可"),
    }
}

/// One permit a visit needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
pub struct PermitNeed {
    pub kind: PermitKind,
    /// The designated room, for [`PermitKind::Room`].
    pub room: Option<String>,
}

impl PermitNeed {
    pub fn label_ja(&self) -> String {
        match &self.room {
            Some(room) => format!("{}（{room}）", self.kind.label_ja()),
            None => self.kind.label_ja().to_string(),
        }
    }
}

/// The permits a visit of `span` to a site needs: the building's own (when
/// `needs_entry_permit`), after-hours entry when the visit leaves the open hours or the day
/// is closed, and each designated room among `rooms_visited`.
pub fn permits_needed(
    needs_entry_permit: bool,
    designated_rooms: &[String],
    rooms_visited: &[String],
    span: &Span,
    hours: WorkingHours,
    day_closed: bool,
) -> Vec<PermitNeed> {
    let mut needs = Vec::new();
    if needs_entry_permit {
        needs.push(PermitNeed {
            kind: PermitKind::Building,
            room: None,
        });
    }
    if day_closed || span.start < hours.start || span.end > hours.end {
        needs.push(PermitNeed {
            kind: PermitKind::AfterHours,
            room: None,
        });
    }
    let mut rooms: Vec<&String> = rooms_visited
        .iter()
        .filter(|r| designated_rooms.iter().any(|d| d.trim() == r.trim()))
        .collect();
    rooms.sort();
    rooms.dedup();
    needs.extend(rooms.into_iter().map(|r| PermitNeed {
        kind: PermitKind::Room,
        room: Some(r.trim().to_string()),
    }));
    needs
}

labelled_enum! {
    /// Where a permit stands.
    pub enum PermitStatus {
        /// 申請中
        Requested = ("requested", "申請中"),
        /// 許可
        Granted = ("granted", "許可"),
        /// 不許可
        Refused = ("refused", "不許可"),
        /// 取下げ
        Withdrawn = ("withdrawn", "取下げ"),
    }
}

labelled_enum! {
    /// What someone does to a permit.
    pub enum PermitVerb {
        Grant = ("grant", "許可"),
        Refuse = ("refuse", "不許可"),
        Withdraw = ("withdraw", "取下げ"),
    }
}

/// The permit state machine: the City grants or refuses; the contractor's lead withdraws.
pub fn permit_transition(
    from: PermitStatus,
    verb: PermitVerb,
    role: Role,
) -> Result<PermitStatus, TransitionError> {
    use PermitStatus::*;
    let refuse = |why: String| Err(TransitionError::status(why));
    match verb {
        PermitVerb::Grant | PermitVerb::Refuse => {
            if role != Role::CityStaff {
                return Err(TransitionError::role(
                    "許可・不許可は本市担当者が行います。",
                ));
            }
            if from != Requested {
                return refuse(format!(
                    "この申請は「{}」のため、許可・不許可を変更できません。",
                    from.label_ja()
                ));
            }
            Ok(if verb == PermitVerb::Grant {
                Granted
            } else {
                Refused
            })
        }
        PermitVerb::Withdraw => {
            if role != Role::ContractorLead {
                return Err(TransitionError::role("取下げは業務責任者が行います。"));
            }
            if !matches!(from, Requested | Granted) {
                return refuse(format!(
                    "この申請は「{}」のため、取り下げできません。",
                    from.label_ja()
                ));
            }
            Ok(Withdrawn)
        }
    }
}

impl PermitVerb {
    /// What the access table must grant: the lead withdraws; the City decides.
    pub const fn action(self) -> Action {
        match self {
            Self::Withdraw => Action::RequestPermits,
            _ => Action::DecidePermits,
        }
    }
}

/// Judges an application for a permit at `site` (R5.5): the site must be registered, a
/// building permit is for a building that needs one, a room permit names one of the rooms
/// the City designates there (and only a room permit names a room), and the permit is
/// valid inside the `contract` period.
pub fn judge_permit_request(
    d: &PermitDraft,
    site: Option<&SiteFact>,
    designated_rooms: &[String],
    contract: Period,
) -> Result<(), Refusal> {
    let site = judge_site(d.site_id, site)?;
    let mut e = crate::validation::FieldErrors::default();
    for (field, date) in [("valid_from", d.valid_from), ("valid_to", d.valid_to)] {
        if !contract.contains(date) {
            e.push(
                field,
                format!(
                    "有効期間は契約期間({}〜{})の中の日付にしてください。",
                    date_ja(contract.start),
                    date_ja(contract.end)
                ),
            );
        }
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    match (d.kind, &d.room) {
        (PermitKind::Room, None) => Err(Refusal::invalid(
            "room",
            format!(
                "指定室入室許可には、{}の指定室を入力してください。",
                site.name
            ),
        )),
        (PermitKind::Building | PermitKind::AfterHours, Some(_)) => Err(Refusal::invalid(
            "room",
            "部屋を指定できるのは指定室入室許可だけです。",
        )),
        (PermitKind::Building, _) if !site.needs_entry_permit => Err(Refusal::invalid(
            "kind",
            format!(
                "{}は入館許可の対象ではありません（時間外入館・指定室の許可を選んでください）。",
                site.name
            ),
        )),
        (PermitKind::Room, Some(room)) if !designated_rooms.contains(room) => {
            Err(Refusal::invalid(
                "room",
                format!("「{room}」は{}の指定室ではありません。", site.name),
            ))
        }
        _ => Ok(()),
    }
}
