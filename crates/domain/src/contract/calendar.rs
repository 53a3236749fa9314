//! The contract's calendar rules: closed days (R5.2) as data. Computing national holidays
//! is not done here; `national_holidays` only says whether they count as closed.

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

/// Which days the offices are closed (閉庁日, R5.2): work on them is off-hours work (R5.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosedDayRules {
    /// Saturdays and Sundays are closed.
    pub weekends: bool,
    /// National holidays (祝日, 振替休日, 国民の休日) are closed.
    pub national_holidays: bool,
    /// The year-end break, 12/29..1/3 in FY2020 (年末年始休日); `None` if there is none.
    pub year_end_break: Option<MonthDayRange>,
    /// Further closed days the City announces, with the reason.
    pub extra: Vec<ExtraClosedDay>,
}

impl ClosedDayRules {
    /// Whether `date` is closed by a rule other than national holidays (which the caller
    /// checks with its own holiday table when `national_holidays` is set).
    pub fn is_closed_except_holidays(&self, date: NaiveDate) -> bool {
        let weekend = self.weekends && date.weekday().number_from_monday() >= 6;
        let year_end = self.year_end_break.is_some_and(|r| r.contains(date));
        weekend || year_end || self.extra_reason(date).is_some()
    }

    /// The reason of an extra closed day on `date`, if any.
    pub fn extra_reason(&self, date: NaiveDate) -> Option<&str> {
        self.extra
            .iter()
            .find(|d| d.date == date)
            .map(|d| d.reason.as_str())
    }
}

/// A closed day that is not a weekend, holiday or the year-end break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtraClosedDay {
    pub date: NaiveDate,
    pub reason: String,
}

/// A day of the year without the year; written `MM-DD` (e.g. `12-29`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    /// `None` unless the day exists in some year (02-29 exists).
    pub fn new(month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(2000, month, day).map(|_| Self { month, day })
    }

    pub fn of(date: NaiveDate) -> Self {
        Self {
            month: date.month(),
            day: date.day(),
        }
    }
}

impl std::fmt::Display for MonthDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl std::str::FromStr for MonthDay {
    type Err = String;
    /// Parses `MM-DD` (one-digit month or day accepted).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("「{s}」は正しい月日（例: 12-29）ではありません");
        let (m, d) = s.trim().split_once('-').ok_or_else(bad)?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        let d: u32 = d.parse().map_err(|_| bad())?;
        Self::new(m, d).ok_or_else(bad)
    }
}

impl Serialize for MonthDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Days from `start` to `end` inclusive, every year; may wrap over the new year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthDayRange {
    pub start: MonthDay,
    pub end: MonthDay,
}

impl MonthDayRange {
    pub fn contains(&self, date: NaiveDate) -> bool {
        let md = MonthDay::of(date);
        if self.start <= self.end {
            self.start <= md && md <= self.end
        } else {
            md >= self.start || md <= self.end
        }
    }
}
