//! Instants are stored in UTC and shown in Japan time (no DST, always +09:00).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, Utc};

/// Japan Standard Time.
pub fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// The fixed-width UTC text used in storage: `YYYY-MM-DDTHH:MM:SS.ffffffZ` (sorts as text).
pub fn to_db(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses the storage format back (any RFC 3339 text is accepted).
pub fn from_db(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// For people: `2020-10-05 09:30` in Japan time.
pub fn display_jst(t: DateTime<Utc>) -> String {
    t.with_timezone(&jst()).format("%Y-%m-%d %H:%M").to_string()
}

/// Today's date in Japan.
pub fn today_jst(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&jst()).date_naive()
}

/// A date as Japanese staff write it in a schedule: `11月4日(水)`.
pub fn date_ja(date: NaiveDate) -> String {
    const WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
    let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
    format!("{}月{}日({weekday})", date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn db_text_is_fixed_width_utc_and_round_trips() {
        let t = Utc
            .with_ymd_and_hms(2020, 10, 1, 0, 0, 5)
            .single()
            .expect("valid");
        let s = to_db(t);
        assert_eq!(s, "2020-10-01T00:00:05.000000Z");
        assert_eq!(from_db(&s), Some(t));
    }

    #[test]
    fn display_is_japan_time() {
        let t = Utc
            .with_ymd_and_hms(2020, 9, 30, 15, 30, 0)
            .single()
            .expect("valid");
        assert_eq!(display_jst(t), "2020-10-01 00:30");
        assert_eq!(
            today_jst(t),
            NaiveDate::from_ymd_opt(2020, 10, 1).expect("valid")
        );
    }
}
