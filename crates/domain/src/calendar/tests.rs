use super::holidays::{Kind, autumn_equinox_day, is_national, kind, spring_equinox_day};
use super::*;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("test dates are valid")
}

fn first() -> NaiveDate {
    d(1955, 1, 1)
}

fn last() -> NaiveDate {
    d(2099, 12, 31)
}

fn year(y: i32) -> Vec<(NaiveDate, &'static str)> {
    holidays_between(d(y, 1, 1), d(y, 12, 31))
}

fn table(y: i32, rows: &[(u32, u32, &'static str)]) -> Vec<(NaiveDate, &'static str)> {
    rows.iter().map(|&(m, day, n)| (d(y, m, day), n)).collect()
}

/// 2019 as the Cabinet Office CSV lists it: the enthronement week and the last 体育の日.
#[test]
fn all_of_2019() {
    let want = table(
        2019,
        &[
            (1, 1, "元日"),
            (1, 14, "成人の日"),
            (2, 11, "建国記念の日"),
            (3, 21, "春分の日"),
            (4, 29, "昭和の日"),
            (4, 30, "休日"),
            (5, 1, "休日（祝日扱い）"),
            (5, 2, "休日"),
            (5, 3, "憲法記念日"),
            (5, 4, "みどりの日"),
            (5, 5, "こどもの日"),
            (5, 6, "休日"),
            (7, 15, "海の日"),
            (8, 11, "山の日"),
            (8, 12, "休日"),
            (9, 16, "敬老の日"),
            (9, 23, "秋分の日"),
            (10, 14, "体育の日（スポーツの日）"),
            (10, 22, "休日（祝日扱い）"),
            (11, 3, "文化の日"),
            (11, 4, "休日"),
            (11, 23, "勤労感謝の日"),
        ],
    );
    assert_eq!(year(2019), want);
}

/// 2020: the first 2/23 天皇誕生日 and the Olympic moves of 海の日, スポーツの日, 山の日.
#[test]
fn all_of_2020() {
    let want = table(
        2020,
        &[
            (1, 1, "元日"),
            (1, 13, "成人の日"),
            (2, 11, "建国記念の日"),
            (2, 23, "天皇誕生日"),
            (2, 24, "休日"),
            (3, 20, "春分の日"),
            (4, 29, "昭和の日"),
            (5, 3, "憲法記念日"),
            (5, 4, "みどりの日"),
            (5, 5, "こどもの日"),
            (5, 6, "休日"),
            (7, 23, "海の日"),
            (7, 24, "スポーツの日"),
            (8, 10, "山の日"),
            (9, 21, "敬老の日"),
            (9, 22, "秋分の日"),
            (11, 3, "文化の日"),
            (11, 23, "勤労感謝の日"),
        ],
    );
    assert_eq!(year(2020), want);
}

/// 2021: the moves again, 山の日 on a Sunday with its substitute on 8/9.
#[test]
fn all_of_2021() {
    let want = table(
        2021,
        &[
            (1, 1, "元日"),
            (1, 11, "成人の日"),
            (2, 11, "建国記念の日"),
            (2, 23, "天皇誕生日"),
            (3, 20, "春分の日"),
            (4, 29, "昭和の日"),
            (5, 3, "憲法記念日"),
            (5, 4, "みどりの日"),
            (5, 5, "こどもの日"),
            (7, 22, "海の日"),
            (7, 23, "スポーツの日"),
            (8, 8, "山の日"),
            (8, 9, "休日"),
            (9, 20, "敬老の日"),
            (9, 23, "秋分の日"),
            (11, 3, "文化の日"),
            (11, 23, "勤労感謝の日"),
        ],
    );
    assert_eq!(year(2021), want);
}

#[test]
fn all_of_2024() {
    let want = table(
        2024,
        &[
            (1, 1, "元日"),
            (1, 8, "成人の日"),
            (2, 11, "建国記念の日"),
            (2, 12, "休日"),
            (2, 23, "天皇誕生日"),
            (3, 20, "春分の日"),
            (4, 29, "昭和の日"),
            (5, 3, "憲法記念日"),
            (5, 4, "みどりの日"),
            (5, 5, "こどもの日"),
            (5, 6, "休日"),
            (7, 15, "海の日"),
            (8, 11, "山の日"),
            (8, 12, "休日"),
            (9, 16, "敬老の日"),
            (9, 22, "秋分の日"),
            (9, 23, "休日"),
            (10, 14, "スポーツの日"),
            (11, 3, "文化の日"),
            (11, 4, "休日"),
            (11, 23, "勤労感謝の日"),
        ],
    );
    assert_eq!(year(2024), want);
}

#[test]
fn all_of_2025() {
    let want = table(
        2025,
        &[
            (1, 1, "元日"),
            (1, 13, "成人の日"),
            (2, 11, "建国記念の日"),
            (2, 23, "天皇誕生日"),
            (2, 24, "休日"),
            (3, 20, "春分の日"),
            (4, 29, "昭和の日"),
            (5, 3, "憲法記念日"),
            (5, 4, "みどりの日"),
            (5, 5, "こどもの日"),
            (5, 6, "休日"),
            (7, 21, "海の日"),
            (8, 11, "山の日"),
            (9, 15, "敬老の日"),
            (9, 23, "秋分の日"),
            (10, 13, "スポーツの日"),
            (11, 3, "文化の日"),
            (11, 23, "勤労感謝の日"),
            (11, 24, "休日"),
        ],
    );
    assert_eq!(year(2025), want);
}

#[test]
fn one_off_days_set_by_special_laws() {
    assert_eq!(holiday_name(d(1959, 4, 10)), Some("結婚の儀"));
    assert_eq!(holiday_name(d(1989, 2, 24)), Some("大喪の礼"));
    assert_eq!(holiday_name(d(1990, 11, 12)), Some("即位礼正殿の儀"));
    assert_eq!(holiday_name(d(1993, 6, 9)), Some("結婚の儀"));
    // Not repeated in other years.
    assert_eq!(holiday_name(d(1960, 4, 10)), None);
    assert_eq!(holiday_name(d(1994, 6, 9)), None);
    assert_eq!(holiday_name(d(2020, 5, 1)), None);
    assert_eq!(holiday_name(d(2020, 10, 22)), None);
}

#[test]
fn substitute_holidays() {
    // The first one: 天皇誕生日 1973-04-29 was a Sunday, the law in force since 4/12.
    assert_eq!(holiday_name(d(1973, 4, 30)), Some("休日"));
    assert_eq!(kind(d(1973, 4, 30)), Some(Kind::Substitute));
    // 建国記念の日 1973-02-11 was a Sunday too, before the law: no substitute.
    assert_eq!(holiday_name(d(1973, 2, 12)), None);
    // 1973-09-23 秋分の日 (Sunday) → 9/24.
    assert_eq!(holiday_name(d(1973, 9, 24)), Some("休日"));
    // Before 2007 only the next day: 1990-04-29 (Sunday) → 4/30.
    assert_eq!(holiday_name(d(1990, 4, 30)), Some("休日"));
    // Since 2007 the next non-holiday: 2008-05-04 みどりの日 (Sunday) → 5/6.
    assert_eq!(holiday_name(d(2008, 5, 4)), Some("みどりの日"));
    assert_eq!(holiday_name(d(2008, 5, 5)), Some("こどもの日"));
    assert_eq!(holiday_name(d(2008, 5, 6)), Some("休日"));
    assert_eq!(kind(d(2008, 5, 6)), Some(Kind::Substitute));
    // 2009-05-03 憲法記念日 (Sunday) → 5/6, over two holidays.
    assert_eq!(holiday_name(d(2009, 5, 6)), Some("休日"));
    assert_eq!(holiday_name(d(2009, 5, 7)), None);
    // 2007-01-01 was a Monday; 2006-12-31 (Sunday) was no holiday.
    assert_eq!(holiday_name(d(2007, 1, 2)), None);
}

#[test]
fn citizens_holidays() {
    // The first: 1988-05-04 (Wednesday) between 憲法記念日 and こどもの日.
    assert_eq!(holiday_name(d(1988, 5, 4)), Some("休日"));
    assert_eq!(kind(d(1988, 5, 4)), Some(Kind::Citizens));
    // 1986-05-04 and 1997-05-04 were Sundays: not a day off before 2007.
    assert_eq!(holiday_name(d(1986, 5, 4)), None);
    assert_eq!(holiday_name(d(1997, 5, 4)), None);
    // 1987-05-04 was a Monday after Sunday 5/3: a substitute holiday, not a citizens' one.
    assert_eq!(kind(d(1987, 5, 4)), Some(Kind::Substitute));
    // Silver weeks.
    assert_eq!(holiday_name(d(2009, 9, 21)), Some("敬老の日"));
    assert_eq!(holiday_name(d(2009, 9, 22)), Some("休日"));
    assert_eq!(kind(d(2009, 9, 22)), Some(Kind::Citizens));
    assert_eq!(holiday_name(d(2009, 9, 23)), Some("秋分の日"));
    assert_eq!(holiday_name(d(2015, 9, 22)), Some("休日"));
    assert_eq!(kind(d(2015, 9, 22)), Some(Kind::Citizens));
    assert_eq!(holiday_name(d(2026, 9, 22)), Some("休日"));
    // 2019: around the 祝日扱い enthronement day.
    assert_eq!(kind(d(2019, 4, 30)), Some(Kind::Citizens));
    assert_eq!(kind(d(2019, 5, 2)), Some(Kind::Citizens));
}

#[test]
fn names_that_changed() {
    assert_eq!(holiday_name(d(1988, 4, 29)), Some("天皇誕生日"));
    assert_eq!(holiday_name(d(1989, 4, 29)), Some("みどりの日"));
    assert_eq!(holiday_name(d(2006, 4, 29)), Some("みどりの日"));
    assert_eq!(holiday_name(d(2007, 4, 29)), Some("昭和の日"));
    assert_eq!(holiday_name(d(2007, 5, 4)), Some("みどりの日"));
    assert_eq!(holiday_name(d(1989, 12, 23)), Some("天皇誕生日"));
    assert_eq!(holiday_name(d(2018, 12, 23)), Some("天皇誕生日"));
    assert_eq!(holiday_name(d(2019, 12, 23)), None);
    assert_eq!(holiday_name(d(2019, 2, 23)), None);
    assert_eq!(holiday_name(d(1999, 1, 15)), Some("成人の日"));
    assert_eq!(holiday_name(d(2000, 1, 10)), Some("成人の日"));
    assert_eq!(holiday_name(d(2000, 1, 15)), None);
    assert_eq!(holiday_name(d(1999, 10, 10)), Some("体育の日"));
    assert_eq!(holiday_name(d(2000, 10, 9)), Some("体育の日"));
    assert_eq!(holiday_name(d(2018, 10, 8)), Some("体育の日"));
    assert_eq!(holiday_name(d(2022, 10, 10)), Some("スポーツの日"));
    assert_eq!(holiday_name(d(2002, 7, 20)), Some("海の日"));
    assert_eq!(holiday_name(d(2003, 7, 21)), Some("海の日"));
    assert_eq!(holiday_name(d(2002, 9, 15)), Some("敬老の日")); // a Sunday: 9/16 is off
    assert_eq!(holiday_name(d(2002, 9, 16)), Some("休日"));
    assert_eq!(holiday_name(d(2003, 9, 15)), Some("敬老の日"));
    assert_eq!(holiday_name(d(2015, 8, 11)), None);
    assert_eq!(holiday_name(d(2016, 8, 11)), Some("山の日"));
}

#[test]
fn holidays_that_started_late() {
    assert_eq!(holiday_name(d(1965, 9, 15)), None);
    assert_eq!(holiday_name(d(1966, 9, 15)), Some("敬老の日"));
    assert_eq!(holiday_name(d(1965, 10, 10)), None);
    assert_eq!(holiday_name(d(1966, 10, 10)), Some("体育の日"));
    assert_eq!(holiday_name(d(1966, 2, 11)), None);
    assert_eq!(holiday_name(d(1967, 2, 11)), Some("建国記念の日"));
    assert_eq!(holiday_name(d(1995, 7, 20)), None);
    assert_eq!(holiday_name(d(1996, 7, 20)), Some("海の日"));
    assert_eq!(holiday_name(d(1955, 1, 1)), Some("元日"));
    assert_eq!(holiday_name(d(1948, 11, 3)), None);
}

/// Announced equinox days (官報 暦要項), a few per decade.
#[test]
fn equinox_days() {
    let spring = [
        (1971, 21),
        (1972, 20),
        (1976, 20),
        (1979, 21),
        (1980, 20),
        (1984, 20),
        (1988, 20),
        (1999, 21),
        (2010, 21),
        (2012, 20),
        (2019, 21),
        (2023, 21),
        (2026, 20),
    ];
    for (y, day) in spring {
        assert_eq!(spring_equinox_day(y), Some(day), "spring {y}");
        assert_eq!(holiday_name(d(y, 3, day)), Some("春分の日"), "spring {y}");
    }
    let autumn = [
        (1971, 24),
        (1972, 23),
        (1975, 24),
        (1979, 24),
        (1980, 23),
        (2012, 22),
        (2016, 22),
        (2018, 23),
        (2020, 22),
        (2024, 22),
    ];
    for (y, day) in autumn {
        assert_eq!(autumn_equinox_day(y), Some(day), "autumn {y}");
    }
    // Always within the astronomically possible days.
    for y in first().year()..=last().year() {
        let s = spring_equinox_day(y).expect("in range");
        let a = autumn_equinox_day(y).expect("in range");
        assert!((19..=22).contains(&s), "spring {y}: {s}");
        assert!((21..=24).contains(&a), "autumn {y}: {a}");
    }
    assert!(!equinox_is_provisional(2027));
    assert!(equinox_is_provisional(2028));
    assert!(equinox_is_provisional(2099));
}

#[test]
fn between_is_inclusive_and_ordered() {
    assert_eq!(
        holidays_between(d(2019, 4, 30), d(2019, 5, 2)),
        vec![
            (d(2019, 4, 30), "休日"),
            (d(2019, 5, 1), "休日（祝日扱い）"),
            (d(2019, 5, 2), "休日"),
        ]
    );
    assert!(holidays_between(d(2020, 1, 2), d(2020, 1, 1)).is_empty());
    let all = holidays_between(first(), last());
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0));
    for (date, name) in &all {
        assert_eq!(holiday_name(*date), Some(*name));
    }
}

/// Days off per year (named holidays plus 休日), as the Cabinet Office list counts them:
/// 1970..=2018 checked date by date against the holiday_jp project's list (itself checked
/// against syukujitsu.csv), 2019 and 2020 against the CSV, the rest by hand.
#[test]
fn holidays_per_year() {
    let counts: [(i32, usize); 37] = [
        (1955, 9),
        (1959, 10),
        (1966, 11),
        (1967, 12),
        (1973, 14),
        (1984, 16),
        (1988, 14),
        (1989, 17),
        (1990, 19),
        (1991, 17),
        (1992, 14),
        (1993, 16),
        (1994, 14),
        (1995, 16),
        (1996, 19),
        (1997, 16),
        (1998, 15),
        (1999, 17),
        (2000, 15),
        (2001, 19),
        (2002, 18),
        (2003, 15),
        (2004, 15),
        (2005, 16),
        (2006, 16),
        (2007, 19),
        (2008, 17),
        (2009, 17),
        (2010, 16),
        (2011, 15),
        (2012, 18),
        (2013, 17),
        (2014, 17),
        (2015, 17),
        (2016, 17),
        (2017, 17),
        (2018, 20),
    ];
    let later = [
        (2019, 22),
        (2020, 18),
        (2021, 17),
        (2022, 16),
        (2023, 17),
        (2024, 21),
        (2025, 19),
        (2026, 18),
    ];
    for (y, n) in counts.into_iter().chain(later) {
        assert_eq!(year(y).len(), n, "{y}");
    }
}

/// The rules below hold for every date of the checked range.
#[test]
fn every_date_obeys_the_rules() {
    for date in first().iter_days().take_while(|x| *x <= last()) {
        check_rules(date);
    }
}

fn check_rules(date: NaiveDate) {
    match kind(date) {
        Some(Kind::Substitute) => {
            assert!(date > d(1973, 4, 12), "{date}");
            assert!(!is_national(date), "{date}");
            // A Sunday national holiday, with only national holidays between it and `date`.
            let back = if date < d(2007, 1, 1) { 1 } else { 3 };
            let sunday = (1..=back)
                .map(|k| date - Days::new(k))
                .take_while(|p| is_national(*p))
                .find(|p| p.weekday() == Weekday::Sun);
            assert!(sunday.is_some(), "{date}: no Sunday holiday before it");
            assert_ne!(date.weekday(), Weekday::Sun, "{date}");
        }
        Some(Kind::Citizens) => {
            assert!(date >= d(1985, 12, 27), "{date}");
            assert!(!is_national(date), "{date}");
            assert!(is_national(date - Days::new(1)), "{date}");
            assert!(is_national(date + Days::new(1)), "{date}");
            assert_ne!(date.weekday(), Weekday::Sun, "{date}");
        }
        _ => {}
    }
    // Conversely, a Sunday holiday since 1973-04-12 always gives a day off after it.
    if date >= d(1973, 4, 12) && date.weekday() == Weekday::Sun && is_national(date) {
        let mut next = date + Days::new(1);
        if date >= d(2006, 12, 31) {
            while is_national(next) {
                next = next + Days::new(1);
            }
        }
        if !is_national(next) {
            assert_eq!(kind(next), Some(Kind::Substitute), "after {date}");
        }
    }
}

proptest! {
    /// No date is a substitute (or citizens') holiday unless the law's rule holds.
    #[test]
    fn substitute_only_when_the_rule_holds(offset in 0u64..52_961) {
        let date = first() + Days::new(offset);
        prop_assume!(date <= last());
        check_rules(date);
        // Whatever the kind, the name is what the list shows.
        prop_assert_eq!(holiday_name(date), kind(date).map(Kind::name));
    }
}
