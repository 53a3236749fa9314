//! Japanese national holidays, computed from the holiday law (国民の祝日に関する法律)
//! and the special laws that added one-off days off.
//!
//! Meant to be right for every date from 1955-01-01 to 2099-12-31 (see the tests for how
//! that was checked). Names are written exactly as the
//! Cabinet Office list (`syukujitsu.csv`, 内閣府「国民の祝日について」) writes them, which
//! calls every day off that is not itself a named holiday simply 「休日」:
//!
//! - a substitute holiday (振替休日, art. 3(2), from 1973-04-12);
//! - a citizens' holiday (国民の休日, art. 3(3), from 1985-12-27), e.g. 1988-05-04,
//!   2009-09-22, 2019-04-30 and 2019-05-02.
//!
//! Choices taken from the CSV rather than from the law's wording:
//!
//! - 2019-05-01 (天皇の即位の日) and 2019-10-22 (即位礼正殿の儀の行われる日) were made days
//!   off by a special law of 2018 that treats them as national holidays for art. 3(3);
//!   the CSV names both 「休日（祝日扱い）」 with full-width parentheses, and that is what is
//!   returned (checked against a copy of the CSV's 2019 rows). Because they count as holidays, 2019-04-30 and 2019-05-02 are
//!   citizens' holidays, named 「休日」.
//! - 2019-10-14 is written 「体育の日（スポーツの日）」 in the CSV (the law renaming it had
//!   been passed but took effect in 2020), so that text is returned for that one date.
//! - The one-off days set by special laws use the CSV's short names: 1959-04-10 and
//!   1993-06-09 「結婚の儀」, 1989-02-24 「大喪の礼」, 1990-11-12 「即位礼正殿の儀」.
//!
//! The equinox days (春分の日, 秋分の日) are fixed each year by the Cabinet in the
//! February of the year before, from the National Astronomical Observatory's 暦要項; here
//! they come from the usual approximation formula, which agrees with the announced dates
//! of 1970..=2026 and with an astronomical computation (Meeus) for 1955..=2099; the
//! nearest call is 2074-09-23 (equinox about 00:04 JST). [`equinox_is_provisional`] tells
//! which years are not announced yet.
//!
//! Outside 1955..=2099 the rules are extrapolated and unchecked; before 1949 (the law
//! dates from 1948-07-20) there are no holidays at all.

use chrono::{Datelike, NaiveDate, Weekday};

/// The name of the day off that is not a named holiday (substitute or citizens' holiday).
const REST_DAY: &str = "休日";
/// The name of the two 2019 enthronement days, as the Cabinet Office CSV writes it.
const REST_DAY_AS_HOLIDAY: &str = "休日（祝日扱い）";

/// The first year with holidays under the law (promulgated 1948-07-20).
const FIRST_YEAR: i32 = 1949;
/// The last year whose equinox days have been officially announced.
///
/// The Cabinet announces the next year's equinox days each February (官報 暦要項).
// (2027: 春分 3/21, 秋分 9/23, announced in February 2026.)
const LAST_ANNOUNCED_EQUINOX_YEAR: i32 = 2027;

/// Art. 3(2) as first enacted took effect on 1973-04-12.
fn substitute_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(1973, 4, 12).expect("1973-04-12 is a valid date")
}

/// From 2007 (the 2005 amendment that added 昭和の日) a substitute holiday is the first non-holiday after a
/// Sunday holiday, and a citizens' holiday may fall on any day.
fn new_rules_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2007, 1, 1).expect("2007-01-01 is a valid date")
}

/// Art. 3(3) took effect on 1985-12-27.
fn citizens_holiday_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(1985, 12, 27).expect("1985-12-27 is a valid date")
}

/// What kind of day off a date is; the name shown is [`Kind::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A national holiday (国民の祝日), including the two 2019 days treated as one.
    National(&'static str),
    /// A one-off day off set by a special law, not counted as a national holiday.
    Special(&'static str),
    /// 振替休日 (art. 3(2)).
    Substitute,
    /// 国民の休日 (art. 3(3)).
    Citizens,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::National(name) | Kind::Special(name) => name,
            Kind::Substitute | Kind::Citizens => REST_DAY,
        }
    }
}

/// The holiday name of `date` as the Cabinet Office list writes it, or `None` for an
/// ordinary day. Substitute and citizens' holidays are both 「休日」.
///
/// ```
/// use chrono::NaiveDate;
/// use jukiops_domain::calendar::holiday_name;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
/// assert_eq!(holiday_name(d(2025, 2, 23)), Some("天皇誕生日"));
/// assert_eq!(holiday_name(d(2025, 2, 24)), Some("休日"));
/// assert_eq!(holiday_name(d(2025, 2, 25)), None);
/// ```
pub fn holiday_name(date: NaiveDate) -> Option<&'static str> {
    kind(date).map(Kind::name)
}

/// Every holiday from `from` to `to`, both included, in date order (empty if `from > to`).
pub fn holidays_between(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, &'static str)> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter_map(|d| holiday_name(d).map(|name| (d, name)))
        .collect()
}

/// Whether the equinox days of `year` are computed rather than officially announced.
///
/// Years after 2026 are provisional: their 春分の日 and 秋分の日 come from the formula and
/// the Cabinet may still announce a different day (it has not happened for the formula's
/// range so far, but the law leaves the day to the announcement).
pub fn equinox_is_provisional(year: i32) -> bool {
    year > LAST_ANNOUNCED_EQUINOX_YEAR
}

/// The kind of day off `date` is, if any.
pub(crate) fn kind(date: NaiveDate) -> Option<Kind> {
    if let Some(name) = national(date) {
        return Some(Kind::National(name));
    }
    if let Some(name) = special(date) {
        return Some(Kind::Special(name));
    }
    if is_substitute(date) {
        return Some(Kind::Substitute);
    }
    if is_citizens_holiday(date) {
        return Some(Kind::Citizens);
    }
    None
}

/// Whether `date` is a national holiday (国民の祝日) in the sense of art. 3(2) and 3(3).
pub(crate) fn is_national(date: NaiveDate) -> bool {
    national(date).is_some()
}

/// 振替休日: art. 3(2).
///
/// 1973-04-12..=2006: the day after a national holiday falling on a Sunday, if that day is
/// not itself a national holiday. From 2007: the first day after a Sunday national holiday
/// that is not a national holiday.
fn is_substitute(date: NaiveDate) -> bool {
    if is_national(date) {
        return false;
    }
    let Some(mut prev) = date.pred_opt() else {
        return false;
    };
    if date < new_rules_start() {
        return prev >= substitute_start() && prev.weekday() == Weekday::Sun && is_national(prev);
    }
    // Walk back over the run of national holidays just before `date`, looking for a Sunday.
    while is_national(prev) {
        if prev.weekday() == Weekday::Sun {
            return true;
        }
        match prev.pred_opt() {
            Some(p) => prev = p,
            None => return false,
        }
    }
    false
}

/// 国民の休日: art. 3(3), from 1985-12-27. A day that is not a national holiday, whose day
/// before and day after both are. Until 2006 Sundays and substitute holidays were excluded
/// (in practice: May 4th, when 5/3 fell on a Sunday or 5/4 itself did).
fn is_citizens_holiday(date: NaiveDate) -> bool {
    if date < citizens_holiday_start() || is_national(date) {
        return false;
    }
    let (Some(prev), Some(next)) = (date.pred_opt(), date.succ_opt()) else {
        return false;
    };
    if !is_national(prev) || !is_national(next) {
        return false;
    }
    date >= new_rules_start() || (date.weekday() != Weekday::Sun && !is_substitute(date))
}

/// One-off days off set by their own special laws (not national holidays).
fn special(date: NaiveDate) -> Option<&'static str> {
    match (date.year(), date.month(), date.day()) {
        // 皇太子明仁親王の結婚の儀の行われる日を休日とする法律.
        (1959, 4, 10) => Some("結婚の儀"),
        // 昭和天皇の大喪の礼の行われる日を休日とする法律.
        (1989, 2, 24) => Some("大喪の礼"),
        // 即位礼正殿の儀の行われる日を休日とする法律.
        (1990, 11, 12) => Some("即位礼正殿の儀"),
        // 皇太子徳仁親王の結婚の儀の行われる日を休日とする法律.
        (1993, 6, 9) => Some("結婚の儀"),
        _ => None,
    }
}

/// The national holiday (国民の祝日) on `date`, if any.
fn national(date: NaiveDate) -> Option<&'static str> {
    let year = date.year();
    if year < FIRST_YEAR {
        return None;
    }
    let day = date.day();
    match date.month() {
        1 => january(year, day),
        2 => february(year, day),
        3 => (Some(day) == spring_equinox_day(year)).then_some("春分の日"),
        4 => (day == 29).then_some(match year {
            ..=1988 => "天皇誕生日",
            1989..=2006 => "みどりの日",
            _ => "昭和の日",
        }),
        5 => may(year, day),
        7 => july(year, day),
        8 => august(year, day),
        9 => september(year, day),
        10 => october(year, day),
        11 => match day {
            3 => Some("文化の日"),
            23 => Some("勤労感謝の日"),
            _ => None,
        },
        12 => (day == 23 && (1989..=2018).contains(&year)).then_some("天皇誕生日"),
        _ => None,
    }
}

fn january(year: i32, day: u32) -> Option<&'static str> {
    if day == 1 {
        return Some("元日");
    }
    // 成人の日: January 15th until 1999, the second Monday from 2000 (ハッピーマンデー).
    let coming_of_age = if year <= 1999 {
        15
    } else {
        nth_monday(year, 1, 2)
    };
    (day == coming_of_age).then_some("成人の日")
}

fn february(year: i32, day: u32) -> Option<&'static str> {
    match day {
        // 建国記念の日: added in 1966, first kept in 1967.
        11 if year >= 1967 => Some("建国記念の日"),
        23 if year >= 2020 => Some("天皇誕生日"),
        _ => None,
    }
}

fn may(year: i32, day: u32) -> Option<&'static str> {
    match day {
        // 天皇の即位の日 (2019 only), treated as a national holiday.
        1 if year == 2019 => Some(REST_DAY_AS_HOLIDAY),
        3 => Some("憲法記念日"),
        4 if year >= 2007 => Some("みどりの日"),
        5 => Some("こどもの日"),
        _ => None,
    }
}

fn july(year: i32, day: u32) -> Option<&'static str> {
    // 海の日: from 1996; the 2020 and 2021 dates were moved for the Olympic Games (by the
    // Tokyo Olympics special-measures law, amended in 2018 and 2020), and スポーツの日 with it.
    let marine = match year {
        ..=1995 => None,
        1996..=2002 => Some(20),
        2020 => Some(23),
        2021 => Some(22),
        _ => Some(nth_monday(year, 7, 3)),
    };
    let sports = match year {
        2020 => Some(24),
        2021 => Some(23),
        _ => None,
    };
    if marine == Some(day) {
        Some("海の日")
    } else if sports == Some(day) {
        Some("スポーツの日")
    } else {
        None
    }
}

fn august(year: i32, day: u32) -> Option<&'static str> {
    // 山の日: from 2016; moved for the Olympic Games in 2020 and 2021.
    let mountain = match year {
        ..=2015 => return None,
        2020 => 10,
        2021 => 8,
        _ => 11,
    };
    (day == mountain).then_some("山の日")
}

fn september(year: i32, day: u32) -> Option<&'static str> {
    // 敬老の日: September 15th from 1966, the third Monday from 2003.
    let respect_for_aged = match year {
        ..=1965 => None,
        1966..=2002 => Some(15),
        _ => Some(nth_monday(year, 9, 3)),
    };
    if respect_for_aged == Some(day) {
        Some("敬老の日")
    } else if Some(day) == autumn_equinox_day(year) {
        Some("秋分の日")
    } else {
        None
    }
}

fn october(year: i32, day: u32) -> Option<&'static str> {
    // 体育の日: October 10th from 1966, the second Monday from 2000; スポーツの日 from 2020
    // (moved to July in 2020 and 2021).
    if year == 2019 && day == 22 {
        // 即位礼正殿の儀の行われる日 (2019 only), treated as a national holiday.
        return Some(REST_DAY_AS_HOLIDAY);
    }
    let (sports_day, name) = match year {
        ..=1965 | 2020 | 2021 => return None,
        1966..=1999 => (10, "体育の日"),
        2000..=2018 => (nth_monday(year, 10, 2), "体育の日"),
        // The CSV writes the last 体育の日 with its coming name.
        2019 => (nth_monday(year, 10, 2), "体育の日（スポーツの日）"),
        _ => (nth_monday(year, 10, 2), "スポーツの日"),
    };
    (day == sports_day).then_some(name)
}

/// The day of the month of the `n`th Monday of `month` in `year`.
fn nth_monday(year: i32, month: u32, n: u8) -> u32 {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, n)
        .expect("every month has a first to fourth Monday")
        .day()
}

/// The day in March of 春分の日, from the usual approximation (valid 1900..=2150; far
/// outside that range the formula drifts and may give no day at all).
pub(crate) fn spring_equinox_day(year: i32) -> Option<u32> {
    equinox_day(year, [20_835_700, 20_843_100, 21_851_000])
}

/// The day in September of 秋分の日, from the usual approximation (as for spring).
pub(crate) fn autumn_equinox_day(year: i32) -> Option<u32> {
    equinox_day(year, [23_258_800, 23_248_800, 24_248_800])
}

/// `floor(base + 0.242194 * (y - 1980) - leap)` in millionths of a day, where `base`
/// depends on the period and `leap` is `(y - 1983) / 4` before 1980 and `(y - 1980) / 4`
/// after, each truncated toward zero (the pre-1980 constant assumes truncation; checked
/// against the announced 1970s dates).
fn equinox_day(year: i32, base_micro_days: [i64; 3]) -> Option<u32> {
    let y = i64::from(year);
    let (base, leap) = match year {
        ..=1979 => (base_micro_days[0], (y - 1983) / 4),
        1980..=2099 => (base_micro_days[1], (y - 1980) / 4),
        _ => (base_micro_days[2], (y - 1980) / 4),
    };
    let micro_days = base + 242_194 * (y - 1980) - 1_000_000 * leap;
    u32::try_from(micro_days.div_euclid(1_000_000)).ok()
}
