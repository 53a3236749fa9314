//! The log of work that is not on the equipment (§6(4), R10.3): inquiries answered,
//! research, meetings and documents — the date, the person, the minutes spent, a summary
//! and the 作業依頼書 it served, if any: what the monthly business report must include
//! beside the work on the terminals (the report itself is not built yet). Each fact is bounded by the contract: the day lies in the contract
//! period and not ahead of today, the person is one of the contractor's, the request is of
//! the same year.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::contract::Period;
use crate::people::{PersonFacts, does_contract_work, not_a_contract_worker};
use crate::rules::Refusal;
use crate::validation::{FieldErrors, required_text};
use crate::vocab;

labelled_enum! {
    /// What the work was.
    pub enum WorkLogKind {
        /// 問い合わせ対応: questions of the City or a ward office answered.
        Inquiry = ("inquiry", "問い合わせ対応"),
        /// 調査: research (a J-LIS manual, a fault's cause, a setting).
        Research = ("research", "調査"),
        /// 打合せ: a meeting with the City or another contractor.
        Meeting = ("meeting", "打合せ"),
        /// 資料作成: writing a document the City receives.
        Documents = ("documents", "資料作成"),
        Other = ("other", "その他"),
    }
}

/// The Japanese names of a work-log entry's fields.
pub const WORK_LOG_FIELDS: &[(&str, &str)] = &[
    ("worked_on", "作業日"),
    ("kind", "作業の種類"),
    ("minutes", "作業時間(分)"),
    ("summary", "内容"),
    ("person_id", "作業した人"),
    ("person", "作業した人"),
    ("request_id", "関連する作業依頼書"),
];

/// The most minutes one entry may hold: one whole day.
pub const MAX_MINUTES: i64 = 24 * 60;
/// The longest summary, in characters.
pub const MAX_SUMMARY: usize = 2000;

/// An entry as typed (the form or the API); the person defaults to whoever records it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct WorkLogInput {
    /// `YYYY-MM-DD`
    pub worked_on: String,
    /// inquiry / research / meeting / documents / other
    pub kind: String,
    /// 1〜1440
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub minutes: Option<i64>,
    pub summary: String,
    /// The contractor's person who did it (default: the one recording it).
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub person_id: Option<i64>,
    /// The 作業依頼書 it served, if any.
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub request_id: Option<i64>,
}

/// A checked entry, still to be judged against the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkLogDraft {
    pub worked_on: NaiveDate,
    pub kind: WorkLogKind,
    pub minutes: i64,
    pub summary: String,
    pub person_id: Option<i64>,
    pub request_id: Option<i64>,
}

impl WorkLogInput {
    pub fn check(&self) -> Result<WorkLogDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let worked_on = crate::rules::required_date(&mut e, "worked_on", "作業日", &self.worked_on);
        let kind = vocab::required::<WorkLogKind>(&mut e, "kind", "作業の種類", &self.kind);
        let minutes = match self.minutes {
            Some(m) if (1..=MAX_MINUTES).contains(&m) => Some(m),
            _ => {
                e.push(
                    "minutes",
                    format!("作業時間は1〜{MAX_MINUTES}分で入力してください。"),
                );
                None
            }
        };
        let summary = required_text(&mut e, "summary", "内容", &self.summary, MAX_SUMMARY);
        match (worked_on, kind, minutes) {
            (Some(worked_on), Some(kind), Some(minutes)) if e.is_empty() => Ok(WorkLogDraft {
                worked_on,
                kind,
                minutes,
                summary,
                person_id: self.person_id,
                request_id: self.request_id,
            }),
            _ => Err(e),
        }
    }
}

checked_by!(WorkLogInput => WorkLogDraft);

/// What an entry is judged against: the contract period, today (Japan time), the person
/// named (as stored, if found) and whether the request named is of this year.
#[derive(Debug, Clone)]
pub struct WorkLogFacts {
    pub period: Period,
    pub today: NaiveDate,
    pub person_id: i64,
    pub person: Option<PersonFacts>,
    /// `None` when no request is named; else whether it was found in the year.
    pub request_found: Option<bool>,
}

/// An entry may be recorded for a day of the contract period up to today, for one of the
/// contractor's people, about a request of the same year. Returns the person's login name.
pub fn judge_work_log(d: &WorkLogDraft, facts: &WorkLogFacts) -> Result<String, Refusal> {
    if !facts.period.contains(d.worked_on) {
        return Err(Refusal::invalid(
            "worked_on",
            format!(
                "作業日は契約の履行期間({}〜{})の日付にしてください。",
                facts.period.start, facts.period.end
            ),
        ));
    }
    if d.worked_on > facts.today {
        return Err(Refusal::invalid(
            "worked_on",
            "作業日に今日より後の日付は記録できません。",
        ));
    }
    let person = match &facts.person {
        Some(p) if does_contract_work(p.role, p.disabled) => p.username.clone(),
        _ => return Err(not_a_contract_worker("person_id", facts.person_id)),
    };
    if let (Some(id), Some(false)) = (d.request_id, facts.request_found) {
        return Err(Refusal::unknown("request_id", "作業依頼書", id));
    }
    Ok(person)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::Role;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, d).expect("date")
    }

    fn facts() -> WorkLogFacts {
        WorkLogFacts {
            period: Period {
                start: day(10, 1),
                end: NaiveDate::from_ymd_opt(2021, 3, 31).expect("date"),
            },
            today: day(11, 16),
            person_id: 7,
            person: Some(PersonFacts {
                username: "worker".into(),
                role: Role::ContractorWorker,
                disabled: false,
            }),
            request_found: None,
        }
    }

    fn draft() -> WorkLogDraft {
        WorkLogInput {
            worked_on: "2020-11-16".into(),
            kind: "調査".into(),
            minutes: Some(90),
            summary: "J-LISの手順書を確認".into(),
            ..WorkLogInput::default()
        }
        .check()
        .expect("valid")
    }

    #[test]
    fn every_field_is_checked_and_named() {
        let bad = WorkLogInput {
            worked_on: "11/16".into(),
            kind: "walk".into(),
            minutes: Some(0),
            summary: " ".into(),
            ..WorkLogInput::default()
        };
        let fields: Vec<String> = bad
            .check()
            .expect_err("invalid")
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["worked_on", "kind", "minutes", "summary"]);
        assert_eq!(draft().kind, WorkLogKind::Research);
    }

    #[test]
    fn the_day_the_person_and_the_request_are_bounded_by_the_contract() {
        assert_eq!(judge_work_log(&draft(), &facts()).expect("ok"), "worker");
        let mut d = draft();
        d.worked_on = day(9, 30);
        assert!(judge_work_log(&d, &facts()).is_err(), "before the period");
        d.worked_on = day(11, 17);
        assert!(judge_work_log(&d, &facts()).is_err(), "after today");
        let mut f = facts();
        f.person = Some(PersonFacts {
            username: "city".into(),
            role: Role::CityStaff,
            disabled: false,
        });
        assert!(
            judge_work_log(&draft(), &f).is_err(),
            "not the contractor's"
        );
        let mut d = draft();
        d.request_id = Some(3);
        let mut f = facts();
        f.request_found = Some(false);
        assert!(judge_work_log(&d, &f).is_err(), "a request of another year");
        f.request_found = Some(true);
        assert!(judge_work_log(&d, &f).is_ok());
    }
}
