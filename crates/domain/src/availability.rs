//! Who is available when (issue 15 item 6): a person works on a business day when they are
//! on the roster that day (a notice given in time) and not absent (leave, training, ...).
//! The planner takes these days for each worker instead of being told them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::contract::Period;
use crate::people::Role;
use crate::roster::{NoticeFact, on_roster};
use crate::rules::{Refusal, only};
use crate::validation::{FieldErrors, optional_text};
use crate::vocab as v;

/// The longest absence recorded at once, in days (a year).
pub const MAX_ABSENCE_DAYS: i64 = 366;

/// The Japanese names of an absence's recorded fields.
pub const ABSENCE_FIELDS: &[(&str, &str)] = &[
    ("person_id", "従事者"),
    ("person", "従事者"),
    ("from", "開始日"),
    ("to", "終了日"),
    ("kind", "不在の種類"),
    ("note", "備考"),
];

labelled_enum! {
    /// Why a person is away.
    pub enum AbsenceKind {
        AnnualLeave = ("annual_leave", "年次休暇"),
        SickLeave = ("sick_leave", "病気休暇"),
        Training = ("training", "研修"),
        OtherWork = ("other_work", "他業務"),
        Other = ("other", "その他"),
    }
}

/// An absence as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AbsenceInput {
    /// The roster person.
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub person_id: Option<i64>,
    /// First day away, `YYYY-MM-DD`.
    pub from: String,
    /// Last day away, `YYYY-MM-DD`; empty: the first day only.
    pub to: Option<String>,
    /// `annual_leave`, `sick_leave`, `training`, `other_work` or `other`.
    pub kind: String,
    pub note: Option<String>,
}

/// A checked absence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceDraft {
    pub person_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kind: AbsenceKind,
    pub note: Option<String>,
}

impl AbsenceInput {
    pub fn check(&self) -> Result<AbsenceDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.person_id.is_none() {
            e.push("person_id", "不在になる従事者を選んでください。");
        }
        let from = crate::inventory::parse_date(&self.from);
        if from.is_none() {
            e.push("from", "開始日は YYYY-MM-DD の形の日付で入力してください。");
        }
        let to = match self.to.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => from,
            Some(t) => {
                let d = crate::inventory::parse_date(t);
                if d.is_none() {
                    e.push("to", "終了日は YYYY-MM-DD の形の日付で入力してください。");
                }
                d
            }
        };
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.push("to", "終了日は開始日以降にしてください。");
            } else if (t - f).num_days() >= MAX_ABSENCE_DAYS {
                e.push(
                    "to",
                    format!("一度に登録できる不在は{MAX_ABSENCE_DAYS}日までです。"),
                );
            }
        }
        let kind = v::required::<AbsenceKind>(&mut e, "kind", "不在の種類", &self.kind);
        let note = optional_text(&mut e, "note", "備考", self.note.as_deref(), 500);
        match (self.person_id, from, to, kind) {
            (Some(person_id), Some(from), Some(to), Some(kind)) if e.is_empty() => {
                Ok(AbsenceDraft {
                    person_id,
                    from,
                    to,
                    kind,
                    note,
                })
            }
            _ => Err(e),
        }
    }
}

/// The contractor's lead records an absence of a person of the year's roster, within the
/// contract period.
pub fn judge_absence(
    role: Role,
    d: &AbsenceDraft,
    person_known: bool,
    period: &Period,
) -> Result<(), Refusal> {
    only(&[Role::ContractorLead], role, "不在の登録")?;
    if !person_known {
        return Err(Refusal::unknown(
            "person_id",
            "従事者名簿の従事者",
            d.person_id,
        ));
    }
    if d.from < period.start || d.to > period.end {
        return Err(Refusal::invalid(
            "from",
            format!(
                "不在の期間は業務履行期間（{}〜{}）の中にしてください。",
                period.start, period.end
            ),
        ));
    }
    Ok(())
}

/// The contractor's lead takes back an absence (plans change).
pub fn judge_absence_removal(role: Role) -> Result<(), Refusal> {
    Ok(only(&[Role::ContractorLead], role, "不在の取り消し")?)
}

/// The days of `days` a person with roster `notices` and absences `away` (first and last
/// day, inclusive) can work: on the roster that day and not away.
pub fn available_days(
    notices: &[NoticeFact],
    away: &[(NaiveDate, NaiveDate)],
    days: impl IntoIterator<Item = NaiveDate>,
) -> Vec<NaiveDate> {
    days.into_iter()
        .filter(|d| on_roster(notices, *d))
        .filter(|d| !away.iter().any(|(f, t)| f <= d && d <= t))
        .collect()
}

/// One person's time on the contract's work in a month, in minutes: the work recorded on
/// the equipment and the other work logged (問い合わせ対応・調査等).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct MonthMinutes {
    pub user_id: i64,
    pub equipment_minutes: i64,
    pub other_minutes: i64,
}

/// The minutes of `month` (`(year, month)`, Japan time) per person, from work records
/// `(performer, started, ended)` and the log of other work `(person, day, minutes)`; by
/// user id. A record counts in the month it started.
pub fn minutes_in_month(
    records: &[(
        i64,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
    )],
    logs: &[(i64, NaiveDate, i64)],
    (year, month): (i32, u32),
) -> Vec<MonthMinutes> {
    use chrono::Datelike;
    fn entry(out: &mut Vec<MonthMinutes>, user: i64) -> &mut MonthMinutes {
        match out.iter().position(|m| m.user_id == user) {
            Some(i) => &mut out[i],
            None => {
                out.push(MonthMinutes {
                    user_id: user,
                    ..Default::default()
                });
                out.last_mut().expect("just pushed")
            }
        }
    }
    let mut out: Vec<MonthMinutes> = Vec::new();
    for (user, start, end) in records {
        let day = crate::time::today_jst(*start);
        if (day.year(), day.month()) == (year, month) {
            entry(&mut out, *user).equipment_minutes += (*end - *start).num_minutes().max(0);
        }
    }
    for (user, day, minutes) in logs {
        if (day.year(), day.month()) == (year, month) {
            entry(&mut out, *user).other_minutes += (*minutes).max(0);
        }
    }
    out.sort_by_key(|m| m.user_id);
    out
}

crate::checked_by!(AbsenceInput => AbsenceDraft);

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::roster::{NoticeKind, RosterDetails, RosterRole};

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, d).expect("date")
    }

    fn added(on: NaiveDate) -> NoticeFact {
        NoticeFact {
            kind: NoticeKind::Add,
            effective_on: on,
            given_at: Utc
                .with_ymd_and_hms(2020, 9, 1, 0, 0, 0)
                .single()
                .expect("instant"),
            details: RosterDetails {
                name: "作業 一郎".into(),
                kana: "サギョウ イチロウ".into(),
                company: "受託".into(),
                contract_role: RosterRole::Worker,
                badge_number: "W-1".into(),
                contact: "011".into(),
            },
        }
    }

    #[test]
    fn a_person_works_on_the_roster_and_not_away() {
        let notices = [added(day(11, 2))];
        let away = [(day(11, 4), day(11, 5))];
        let days = (1..=6).map(|d| day(11, d));
        assert_eq!(
            available_days(&notices, &away, days),
            [day(11, 2), day(11, 3), day(11, 6)]
        );
        assert!(available_days(&[], &[], [day(11, 2)]).is_empty());
    }

    #[test]
    fn minutes_count_in_the_month_they_started_in_japan_time() {
        let at = |d: u32, h: u32, m: u32| {
            Utc.with_ymd_and_hms(2020, 10, d, h, m, 0)
                .single()
                .expect("instant")
        };
        // 2020-10-31 15:30 UTC is 11月1日 00:30 in Japan: November's.
        let records = [
            (7, at(5, 0, 0), at(5, 1, 30)),
            (7, at(31, 15, 30), at(31, 16, 0)),
        ];
        let logs = [
            (7, day(10, 20), 45),
            (8, day(10, 21), 30),
            (8, day(11, 2), 60),
        ];
        let october = minutes_in_month(&records, &logs, (2020, 10));
        assert_eq!(
            october,
            [
                MonthMinutes {
                    user_id: 7,
                    equipment_minutes: 90,
                    other_minutes: 45
                },
                MonthMinutes {
                    user_id: 8,
                    equipment_minutes: 0,
                    other_minutes: 30
                },
            ]
        );
        let november = minutes_in_month(&records, &logs, (2020, 11));
        assert_eq!(
            november[0],
            MonthMinutes {
                user_id: 7,
                equipment_minutes: 30,
                other_minutes: 0
            }
        );
    }

    #[test]
    fn an_absence_is_checked_and_judged() {
        let input = AbsenceInput {
            person_id: Some(1),
            from: "2020-11-05".into(),
            to: Some("2020-11-04".into()),
            kind: "annual_leave".into(),
            note: None,
        };
        assert_eq!(input.check().expect_err("order").0[0].field, "to");
        let d = AbsenceInput { to: None, ..input }.check().expect("one day");
        assert_eq!(d.to, d.from);
        let period = Period {
            start: day(10, 1),
            end: NaiveDate::from_ymd_opt(2021, 3, 31).expect("date"),
        };
        assert!(judge_absence(Role::ContractorLead, &d, true, &period).is_ok());
        assert!(judge_absence(Role::ContractorWorker, &d, true, &period).is_err());
        assert!(judge_absence(Role::ContractorLead, &d, false, &period).is_err());
    }
}
