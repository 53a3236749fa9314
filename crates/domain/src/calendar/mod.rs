//! The Japanese calendar as the contract needs it (R5.2): national holidays and business
//! time (business days, working windows, sums and deadlines in business minutes).
//!
//! Pure date arithmetic, no I/O and no clock: callers pass the dates they ask about.

pub mod business;
pub mod holidays;

pub use business::BusinessCalendar;
pub use holidays::{equinox_is_provisional, holiday_name, holidays_between};

#[cfg(test)]
mod tests;

/// The Japanese names of an extra closed or open day's fields.
pub const OVERRIDE_FIELDS: &[(&str, &str)] =
    &[("date", "日付"), ("is_open", "開庁日"), ("reason", "理由")];

/// Checks one entry of the table of extra closed or open days: a real date within the
/// calendar's range (1955-2099) and a reason of at most 100 characters.
pub fn check_override(
    date: &str,
    reason: &str,
) -> Result<(chrono::NaiveDate, String), crate::FieldErrors> {
    use chrono::Datelike;
    let mut e = crate::FieldErrors::default();
    let day = crate::inventory::parse_date(date).filter(|d| (1955..=2099).contains(&d.year()));
    if day.is_none() {
        e.push(
            "date",
            "日付は 1955-01-01〜2099-12-31 の YYYY-MM-DD 形式で指定してください。",
        );
    }
    let reason = crate::validation::required_text(&mut e, "reason", "理由", reason, 100);
    match day {
        Some(d) if e.is_empty() => Ok((d, reason)),
        _ => Err(e),
    }
}
