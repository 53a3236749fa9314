//! The instances the rules schedule and their due dates in the business calendar.

use chrono::{Datelike, Months, NaiveDate};

use super::{DeliverableSpec, DueRule};
use crate::calendar::BusinessCalendar;
use crate::contract::Period;

/// One instance the rules schedule: its kind, the occasion (`start`, or the month
/// `YYYY-MM`) and its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    pub code: String,
    pub occasion: String,
    pub title: String,
}

/// The months of `period`, first days.
fn months(period: &Period) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = period.start.with_day(1).unwrap_or(period.start);
    while m <= period.end {
        out.push(m);
        m = m + Months::new(1);
    }
    out
}

/// The instances `specs` schedule over `period`: one per kind due at the start, one per
/// month for the monthly kinds.
pub fn scheduled(specs: &[DeliverableSpec], period: &Period) -> Vec<Scheduled> {
    let mut out = Vec::new();
    for s in specs {
        match s.due {
            DueRule::AtStart => out.push(Scheduled {
                code: s.code.clone(),
                occasion: "start".into(),
                title: s.name.clone(),
            }),
            DueRule::Monthly => out.extend(months(period).into_iter().map(|m| Scheduled {
                code: s.code.clone(),
                occasion: m.format("%Y-%m").to_string(),
                title: format!("{}（{}年{}月分）", s.name, m.year(), m.month()),
            })),
            _ => {}
        }
    }
    out
}

/// The last business day on or before `day` (none within a year: `day`).
fn business_day_on_or_before(cal: &BusinessCalendar, day: NaiveDate) -> NaiveDate {
    let mut d = day;
    for _ in 0..366 {
        if cal.is_business_day(d) {
            return d;
        }
        match d.pred_opt() {
            Some(p) => d = p,
            None => break,
        }
    }
    day
}

/// The first business day on or after `day`.
fn business_day_on_or_after(cal: &BusinessCalendar, day: NaiveDate) -> NaiveDate {
    if cal.is_business_day(day) {
        day
    } else {
        cal.add_business_days(day, 1)
    }
}

/// The due date of a scheduled instance of `spec` on `occasion` in `period`: at the start,
/// the period's first business day; monthly, `due_business_days` business days after the
/// month's last day, but the period's last month by its last business day (３月は末日まで:
/// when the 31st is closed, the business day before). `None` for an occasion the rule does
/// not schedule.
pub fn due_date(
    spec: &DeliverableSpec,
    occasion: &str,
    period: &Period,
    cal: &BusinessCalendar,
) -> Option<NaiveDate> {
    match spec.due {
        DueRule::AtStart => Some(business_day_on_or_after(cal, period.start)),
        DueRule::Monthly => {
            let first = NaiveDate::parse_from_str(&format!("{occasion}-01"), "%Y-%m-%d").ok()?;
            let last = (first + Months::new(1)).pred_opt()?;
            if last >= period.end {
                Some(business_day_on_or_before(cal, period.end.min(last)))
            } else {
                Some(cal.add_business_days(last, spec.due_business_days))
            }
        }
        _ => None,
    }
}
