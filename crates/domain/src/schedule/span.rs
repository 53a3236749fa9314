//! A stretch of time on one date, and whether it lies outside the working window.

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::Serialize;

use crate::calendar::BusinessCalendar;
use crate::inventory::parse_date;
use crate::time::date_ja;
use crate::validation::FieldErrors;

/// From `start` to `end` on `date`, Japan time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Span {
    /// Whether `other` lies wholly inside this span.
    pub fn covers(&self, other: &Span) -> bool {
        self.date == other.date && self.start <= other.start && other.end <= self.end
    }
}

/// `HH:MM` (or `HH:MM:SS`) as a time of day.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .ok()
}

/// Checks the `date`, `start` and `end` fields of a form or JSON body.
pub fn check_span(errors: &mut FieldErrors, date: &str, start: &str, end: &str) -> Option<Span> {
    let d = parse_date(date);
    if d.is_none() {
        errors.push("date", "日付をYYYY-MM-DDの形式で入力してください。");
    }
    let s = parse_time(start);
    if s.is_none() {
        errors.push("start", "開始時刻をHH:MMの形式で入力してください。");
    }
    let e = parse_time(end);
    if e.is_none() {
        errors.push("end", "終了時刻をHH:MMの形式で入力してください。");
    }
    let (date, start, end) = (d?, s?, e?);
    if end <= start {
        errors.push("end", "終了時刻は開始時刻より後にしてください。");
        return None;
    }
    if !(1955..=2099).contains(&date.year()) {
        errors.push("date", "日付は1955年から2099年の間で入力してください。");
        return None;
    }
    Some(Span { date, start, end })
}

/// Why `span` is outside the working window (R5.2), or `None` when it lies inside.
pub fn outside_window(cal: &BusinessCalendar, span: &Span) -> Option<String> {
    if let Some(reason) = cal.closed_reason(span.date) {
        return Some(format!("{}は閉庁日（{reason}）です", date_ja(span.date)));
    }
    let hours = cal.working_hours();
    if span.start < hours.start || span.end > hours.end {
        return Some(format!(
            "{}〜{}は作業時間（{}〜{}）の外です",
            span.start.format("%H:%M"),
            span.end.format("%H:%M"),
            hours.start.format("%H:%M"),
            hours.end.format("%H:%M"),
        ));
    }
    None
}
