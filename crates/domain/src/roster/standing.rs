//! Who is on the roster on a day, judged from the notices alone (pure functions).

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::{NoticeKind, RosterDetails};
use crate::rules::Refusal;
use crate::time::{date_ja, today_jst};

/// One notice of a roster person, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeFact {
    pub kind: NoticeKind,
    /// The day the change takes effect.
    pub effective_on: NaiveDate,
    /// When the notice was given to the City.
    pub given_at: DateTime<Utc>,
    /// The person's details from that day (a removal repeats the last ones).
    pub details: RosterDetails,
}

/// The Japan date on which a notice was given.
pub fn given_on(given_at: DateTime<Utc>) -> NaiveDate {
    today_jst(given_at)
}

/// Whether a notice effective on `effective_on` and given at `given_at` broke the advance
/// notice rule: it must be given strictly before its effective day, Japan time.
pub fn is_late(effective_on: NaiveDate, given_at: DateTime<Utc>) -> bool {
    given_on(given_at) >= effective_on
}

/// The first day a notice counts: its effective date, but an addition or modification
/// given late counts only from the day it was given; a removal from its effective date
/// however late (it never widens the roster).
pub fn in_force_from(n: &NoticeFact) -> NaiveDate {
    match n.kind {
        NoticeKind::Remove => n.effective_on,
        NoticeKind::Add | NoticeKind::Modify => n.effective_on.max(given_on(n.given_at)),
    }
}

/// The notice in force on `day`: of those counting by then, the one counting from the
/// latest day (a tie goes to the one given last).
fn in_force_on(notices: &[NoticeFact], day: NaiveDate) -> Option<&NoticeFact> {
    notices
        .iter()
        .filter(|n| in_force_from(n) <= day)
        .max_by_key(|n| (in_force_from(n), n.given_at))
}

/// Whether the person of `notices` is on the roster on `day`: an addition or modification
/// in force that day and no later removal.
pub fn on_roster(notices: &[NoticeFact], day: NaiveDate) -> bool {
    in_force_on(notices, day).is_some_and(|n| n.kind != NoticeKind::Remove)
}

/// The person's details as they stand on `day`, or the first ones notified when none is
/// in force yet (a person notified for a later day).
pub fn details_on(notices: &[NoticeFact], day: NaiveDate) -> Option<&RosterDetails> {
    in_force_on(notices, day)
        .or_else(|| {
            notices
                .iter()
                .min_by_key(|n| (in_force_from(n), n.given_at))
        })
        .map(|n| &n.details)
}

/// The notices of the roster person linked to account `user_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRoster {
    pub user_id: i64,
    pub notices: Vec<NoticeFact>,
}

/// Refuses, naming `field`, the first of `named` (an account and the day it would do the
/// work) who is not on the roster that day by the notices of `roster`.
pub fn judge_on_roster(
    field: &str,
    named: &[(i64, NaiveDate)],
    roster: &[AccountRoster],
) -> Result<(), Refusal> {
    for (user_id, day) in named {
        let notices = roster
            .iter()
            .find(|r| r.user_id == *user_id)
            .map(|r| r.notices.as_slice())
            .unwrap_or_default();
        if !on_roster(notices, *day) {
            return Err(Refusal::invalid(
                field,
                format!(
                    "利用者ID {user_id} は{}年{}の従事者名簿に載っていません。名簿に載った人だけが作業を行えます\
                     （名簿への追加は効力発生日より前に本市へ届け出てください）。",
                    day.year(),
                    date_ja(*day)
                ),
            ));
        }
    }
    Ok(())
}

/// The late notices per month of their effective date (`YYYY-MM`, ascending), from the
/// `(effective_on, late)` of every notice.
pub fn late_by_month(notices: &[(NaiveDate, bool)]) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = Vec::new();
    let mut months: Vec<String> = notices
        .iter()
        .filter(|(_, late)| *late)
        .map(|(d, _)| d.format("%Y-%m").to_string())
        .collect();
    months.sort();
    for m in months {
        match out.last_mut() {
            Some((last, n)) if *last == m => *n += 1,
            _ => out.push((m, 1)),
        }
    }
    out
}

/// The first day the person of `notices` is on the roster and, when their last notice
/// removes them, the last day: `(from, until)`.
pub fn roster_span(notices: &[NoticeFact]) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let from = notices
        .iter()
        .filter(|n| n.kind == NoticeKind::Add)
        .map(in_force_from)
        .min();
    let until = notices
        .iter()
        .max_by_key(|n| (in_force_from(n), n.given_at))
        .filter(|n| n.kind == NoticeKind::Remove)
        .and_then(|n| n.effective_on.pred_opt());
    (from, until)
}
