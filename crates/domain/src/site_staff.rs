//! A ward office's own staff (区役所担当者, issue 13 item 9): they host the work but are
//! not the City's contract officers. Each of them belongs to one site and sees that site
//! only: the visits planned there with the workers' names and badge numbers (for the
//! reception desk), the terminals that will be out of service and when; they report a
//! terminal's fault from their counter and confirm, once per visit and not before its day,
//! that the work at their office was done. Nothing of other sites, no approvals.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::rules::{Refusal, required_instant};
use crate::schedule::VisitStatus;
use crate::validation::{FieldErrors, optional_text, required_text};

labelled_enum! {
    /// Where a fault report stands.
    pub enum FaultReportStatus {
        /// Reported, not yet dealt with by the contractor.
        Open = ("open", "未対応"),
        /// Dealt with.
        Resolved = ("resolved", "対応済み"),
    }
}

/// The Japanese names of a fault report's recorded fields.
pub const FAULT_REPORT_FIELDS: &[(&str, &str)] = &[
    ("site", "拠点"),
    ("terminal_id", "統合端末"),
    ("terminal", "統合端末"),
    ("occurred_at", "発生日時"),
    ("description", "発生した事象"),
    ("reported_by", "報告者"),
    ("incident_id", "障害"),
];

/// The Japanese names of a visit's sign-off fields (recorded on the visit's history).
pub const SIGN_OFF_FIELDS: &[(&str, &str)] = &[
    ("signed_off_by", "作業完了を確認した人"),
    ("signed_off_at", "作業完了の確認日時"),
];

/// The longest description of a fault, in characters.
pub const MAX_DESCRIPTION: usize = 1000;
/// The longest note of a sign-off, in characters.
pub const MAX_SIGN_OFF_NOTE: usize = 500;

/// A fault report as typed at the counter (the form or the API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FaultReportInput {
    /// The terminal of one's own site that failed.
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub terminal_id: Option<i64>,
    /// When it happened, Japan time: `YYYY-MM-DDTHH:MM`.
    pub occurred_at: String,
    /// What happened.
    pub description: String,
}

/// A checked fault report, still to be judged against the site and the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultReportDraft {
    pub terminal_id: i64,
    pub occurred_at: DateTime<Utc>,
    pub description: String,
}

impl FaultReportInput {
    pub fn check(&self) -> Result<FaultReportDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.terminal_id.is_none() {
            e.push("terminal_id", "故障した統合端末を選んでください。");
        }
        let occurred_at = required_instant(&mut e, "occurred_at", "発生日時", &self.occurred_at);
        let description = required_text(
            &mut e,
            "description",
            "発生した事象",
            &self.description,
            MAX_DESCRIPTION,
        );
        match (self.terminal_id, occurred_at) {
            (Some(terminal_id), Some(occurred_at)) if e.is_empty() => Ok(FaultReportDraft {
                terminal_id,
                occurred_at,
                description,
            }),
            _ => Err(e),
        }
    }
}

/// A sign-off as typed: an optional note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SignOffInput {
    /// A remark of the ward office (optional).
    pub note: Option<String>,
}

/// A checked sign-off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignOffDraft {
    pub note: Option<String>,
}

impl SignOffInput {
    pub fn check(&self) -> Result<SignOffDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let note = optional_text(
            &mut e,
            "note",
            "備考",
            self.note.as_deref(),
            MAX_SIGN_OFF_NOTE,
        );
        e.into_result(SignOffDraft { note })
    }
}

checked_by!(FaultReportInput => FaultReportDraft, SignOffInput => SignOffDraft);

/// The terminal a fault report names, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalAt {
    pub asset_number: String,
    pub site_id: i64,
}

/// How far ahead of the server's clock an instant typed at a counter may be (a clock a
/// little fast).
const CLOCK_SLACK_MINUTES: i64 = 5;

/// Judges a fault report of the staff of site `own_site` at `now`: the terminal must exist
/// and stand at their own site, and the fault must not lie in the future.
pub fn judge_fault_report(
    own_site: i64,
    d: &FaultReportDraft,
    terminal: Option<&TerminalAt>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let Some(t) = terminal else {
        return Err(Refusal::unknown("terminal_id", "統合端末", d.terminal_id));
    };
    if t.site_id != own_site {
        return Err(Refusal::invalid(
            "terminal_id",
            format!(
                "統合端末ID {} はあなたの拠点の端末ではありません。自拠点の端末を選んでください。",
                d.terminal_id
            ),
        ));
    }
    if d.occurred_at > now + Duration::minutes(CLOCK_SLACK_MINUTES) {
        return Err(Refusal::invalid(
            "occurred_at",
            "発生日時に未来の日時は指定できません。",
        ));
    }
    Ok(())
}

/// Where a fault report dealt with goes from `from`: an open report becomes resolved; one
/// resolved already is a conflict.
pub fn judge_resolution(from: FaultReportStatus) -> Result<FaultReportStatus, Refusal> {
    match from {
        FaultReportStatus::Open => Ok(FaultReportStatus::Resolved),
        FaultReportStatus::Resolved => Err(Refusal::conflict(
            "status",
            "この故障報告は既に対応済みです。",
        )),
    }
}

/// A visit as far as its sign-off goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignOffFacts {
    pub date: NaiveDate,
    pub status: VisitStatus,
    /// The visit was signed off already.
    pub signed_off: bool,
}

/// Judges a sign-off on `today` (Japan time): once per visit, not for a cancelled visit,
/// and not before the visit's day (the work is confirmed when it has been done).
pub fn judge_sign_off(f: SignOffFacts, today: NaiveDate) -> Result<(), Refusal> {
    if f.signed_off {
        return Err(Refusal::conflict(
            "visit_id",
            "この訪問の作業完了は既に確認済みです。",
        ));
    }
    if f.status == VisitStatus::Cancelled {
        return Err(Refusal::conflict(
            "visit_id",
            "中止された訪問の作業完了は確認できません。",
        ));
    }
    if f.date > today {
        return Err(Refusal::conflict(
            "visit_id",
            format!(
                "訪問日（{}）より前に作業完了を確認することはできません。",
                crate::time::date_ja(f.date)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::{Action, Role, may};

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn site_staff_may_only_what_their_counter_needs() {
        let granted: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| may(Role::SiteStaff, *a))
            .collect();
        assert_eq!(
            granted,
            [
                Action::ViewContract,
                Action::ManageOwnAccount,
                Action::ViewOwnSite,
                Action::ReportFaults,
                Action::SignOffVisits,
                Action::ViewFaultReports,
            ]
        );
        for role in [
            Role::CityStaff,
            Role::ContractorLead,
            Role::ContractorWorker,
        ] {
            assert!(may(role, Action::ViewFaultReports), "{role:?}");
            assert!(!may(role, Action::ReportFaults), "{role:?}");
            assert!(!may(role, Action::SignOffVisits), "{role:?}");
        }
    }

    #[test]
    fn a_fault_names_a_terminal_of_ones_own_site_and_a_past_instant() {
        let input = FaultReportInput {
            terminal_id: Some(7),
            occurred_at: "2020-11-04T10:30".into(),
            description: "画面が映らない".into(),
        };
        let d = input.check().expect("checked");
        assert_eq!(d.occurred_at.to_rfc3339(), "2020-11-04T01:30:00+00:00");
        let now = d.occurred_at + Duration::hours(1);
        let here = TerminalAt {
            asset_number: "JT-0007".into(),
            site_id: 1,
        };
        assert_eq!(judge_fault_report(1, &d, Some(&here), now), Ok(()));
        let elsewhere = TerminalAt { site_id: 2, ..here };
        let field = |r: Result<(), Refusal>| match r {
            Err(Refusal::Invalid(e)) => e.0[0].field.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(judge_fault_report(1, &d, Some(&elsewhere), now)),
            "terminal_id"
        );
        assert_eq!(field(judge_fault_report(1, &d, None, now)), "terminal_id");
        let before = d.occurred_at - Duration::hours(1);
        assert_eq!(
            field(judge_fault_report(2, &d, Some(&elsewhere), before)),
            "occurred_at"
        );
        let empty = FaultReportInput::default().check().expect_err("empty");
        let fields: Vec<&str> = empty.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["terminal_id", "occurred_at", "description"]);
    }

    #[test]
    fn a_visit_is_signed_off_once_from_its_day_on() {
        let f = SignOffFacts {
            date: date("2020-11-04"),
            status: VisitStatus::Planned,
            signed_off: false,
        };
        assert!(judge_sign_off(f, date("2020-11-03")).is_err());
        assert_eq!(judge_sign_off(f, date("2020-11-04")), Ok(()));
        assert_eq!(
            judge_sign_off(
                SignOffFacts {
                    status: VisitStatus::Done,
                    ..f
                },
                date("2020-11-05")
            ),
            Ok(())
        );
        let twice = SignOffFacts {
            signed_off: true,
            ..f
        };
        assert!(matches!(
            judge_sign_off(twice, date("2020-11-05")),
            Err(Refusal::Conflict { field, .. }) if field == "visit_id"
        ));
        let cancelled = SignOffFacts {
            status: VisitStatus::Cancelled,
            ..f
        };
        assert!(judge_sign_off(cancelled, date("2020-11-05")).is_err());
    }
}
