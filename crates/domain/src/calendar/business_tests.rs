use super::*;
use crate::contract::Contract;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("test dates are valid")
}

/// The instant of `hh:mm` Japan time on the given day.
fn jst(y: i32, m: u32, day: u32, hh: u32, mm: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hh, mm, 0).expect("test times are valid");
    jst_instant(d(y, m, day), time).expect("test instants are in range")
}

fn fy2020() -> BusinessCalendar {
    BusinessCalendar::new(&Contract::builtin_default())
}

/// FY2020 with an election Sunday open (2020-10-04) and a closed Monday (2020-10-05).
fn with_overrides() -> BusinessCalendar {
    fy2020().with_overrides(
        vec![ExtraClosedDay {
            date: d(2020, 10, 5),
            reason: "庁舎設備点検".to_owned(),
        }],
        vec![d(2020, 10, 4)],
    )
}

#[test]
fn year_end_break_and_holidays_are_closed() {
    let cal = fy2020();
    assert!(cal.is_business_day(d(2020, 12, 28)));
    assert_eq!(cal.closed_reason(d(2020, 12, 28)), None);
    let mut day = d(2020, 12, 29);
    while day <= d(2021, 1, 3) {
        assert!(!cal.is_business_day(day), "{day} is in the year-end break");
        day = day.succ_opt().expect("in range");
    }
    assert_eq!(
        cal.closed_reason(d(2020, 12, 29)).as_deref(),
        Some("年末年始")
    );
    assert_eq!(cal.closed_reason(d(2021, 1, 1)).as_deref(), Some("元日"));
    // A Saturday in the break: the break is the more specific reason.
    assert_eq!(
        cal.closed_reason(d(2021, 1, 2)).as_deref(),
        Some("年末年始")
    );
    assert!(cal.is_business_day(d(2021, 1, 4)));
    assert_eq!(
        cal.closed_reason(d(2020, 11, 3)).as_deref(),
        Some("文化の日")
    );
    assert!(!cal.is_business_day(d(2020, 11, 3)));
    assert_eq!(cal.closed_reason(d(2020, 10, 3)).as_deref(), Some("土曜日"));
    assert_eq!(cal.closed_reason(d(2020, 10, 4)).as_deref(), Some("日曜日"));
    // 2020's Sports Day was moved to 07-24 for the Olympics: 10-12 is a business day.
    assert!(cal.is_business_day(d(2020, 10, 12)));
}

#[test]
fn add_business_days_skips_closed_days() {
    let cal = fy2020();
    assert_eq!(cal.add_business_days(d(2020, 11, 2), 1), d(2020, 11, 4));
    assert_eq!(cal.add_business_days(d(2020, 11, 2), 0), d(2020, 11, 2));
    assert_eq!(cal.add_business_days(d(2020, 12, 28), 1), d(2021, 1, 4));
    assert_eq!(cal.add_business_days(d(2020, 10, 30), 3), d(2020, 11, 5));
    // From a closed day: the next business day is the first.
    assert_eq!(cal.add_business_days(d(2020, 10, 3), 1), d(2020, 10, 5));
}

#[test]
fn window_edges_are_half_open() {
    let cal = fy2020();
    assert!(!cal.is_open_at(jst(2020, 10, 1, 8, 44)));
    assert!(cal.is_open_at(jst(2020, 10, 1, 8, 45)));
    assert!(cal.is_open_at(jst(2020, 10, 1, 17, 14)));
    assert!(!cal.is_open_at(jst(2020, 10, 1, 17, 15)));
    assert!(!cal.is_open_at(jst(2020, 10, 3, 10, 0)));

    assert_eq!(
        cal.next_opening(jst(2020, 10, 1, 8, 45)),
        jst(2020, 10, 1, 8, 45)
    );
    assert_eq!(
        cal.next_opening(jst(2020, 10, 1, 7, 0)),
        jst(2020, 10, 1, 8, 45)
    );
    assert_eq!(
        cal.next_opening(jst(2020, 10, 1, 12, 34)),
        jst(2020, 10, 1, 12, 34)
    );
    assert_eq!(
        cal.next_opening(jst(2020, 10, 1, 17, 15)),
        jst(2020, 10, 2, 8, 45)
    );
    // Friday evening -> Monday morning; before the break -> after it.
    assert_eq!(
        cal.next_opening(jst(2020, 10, 2, 17, 15)),
        jst(2020, 10, 5, 8, 45)
    );
    assert_eq!(
        cal.next_opening(jst(2020, 12, 28, 17, 15)),
        jst(2021, 1, 4, 8, 45)
    );
    // 00:30 JST is still the previous day in UTC: the Japan date counts.
    assert_eq!(
        cal.next_opening(jst(2020, 10, 3, 0, 30)),
        jst(2020, 10, 5, 8, 45)
    );
}

#[test]
fn add_business_minutes_ends_at_the_window_end_exactly() {
    let cal = fy2020();
    assert_eq!(
        cal.add_business_minutes(jst(2020, 10, 1, 16, 15), 60),
        jst(2020, 10, 1, 17, 15)
    );
    assert_eq!(
        cal.add_business_minutes(jst(2020, 10, 1, 16, 15), 61),
        jst(2020, 10, 2, 8, 46)
    );
    // A whole day is 510 minutes.
    assert_eq!(
        cal.add_business_minutes(jst(2020, 10, 1, 8, 45), 510),
        jst(2020, 10, 1, 17, 15)
    );
    assert_eq!(
        cal.add_business_minutes(jst(2020, 10, 1, 17, 15), 0),
        jst(2020, 10, 2, 8, 45)
    );
    // From a closed day, counting starts at the next opening.
    assert_eq!(
        cal.add_business_minutes(jst(2020, 10, 3, 9, 0), 15),
        jst(2020, 10, 5, 9, 0)
    );
    assert_eq!(
        cal.add_business_minutes(jst(2020, 12, 28, 17, 0), 30),
        jst(2021, 1, 4, 9, 0)
    );
}

#[test]
fn business_minutes_between_counts_only_windows() {
    let cal = fy2020();
    let (a, b) = (jst(2020, 10, 1, 8, 45), jst(2020, 10, 1, 17, 15));
    assert_eq!(cal.business_minutes_between(a, b), 510);
    assert_eq!(cal.business_minutes_between(b, a), 0);
    assert_eq!(cal.business_minutes_between(a, a), 0);
    // Friday 17:00 to Monday 09:00: 15 + 15 minutes.
    assert_eq!(
        cal.business_minutes_between(jst(2020, 10, 2, 17, 0), jst(2020, 10, 5, 9, 0)),
        30
    );
    // Whole FY2020 period (2020-10-01..2021-03-31): 121 business days (22+19+20+19+18+23).
    let fy = cal.business_minutes_between(jst(2020, 10, 1, 0, 0), jst(2021, 4, 1, 0, 0));
    assert_eq!(fy, 121 * 510);
    // Partial minutes are dropped.
    let half = TimeDelta::seconds(30);
    assert_eq!(cal.business_minutes_between(a, a + half), 0);
    assert_eq!(
        cal.business_minutes_between(a + half, a + TimeDelta::minutes(2)),
        1
    );
}

#[test]
fn deadline_counts_the_own_day_while_it_has_working_time() {
    let cal = fy2020();
    // Friday 10:00: Fri (1), Mon 11-02 (2), Tue 11-03 is 文化の日, Wed 11-04 (3).
    assert_eq!(
        cal.deadline_within_business_days(jst(2020, 10, 30, 10, 0), 3),
        jst(2020, 11, 4, 17, 15)
    );
    // Before the opening the day still counts.
    assert_eq!(
        cal.deadline_within_business_days(jst(2020, 10, 30, 7, 0), 1),
        jst(2020, 10, 30, 17, 15)
    );
    assert_eq!(
        cal.deadline_within_business_days(jst(2020, 10, 30, 17, 14), 1),
        jst(2020, 10, 30, 17, 15)
    );
    // At 17:15 the day is over: Monday is day 1.
    assert_eq!(
        cal.deadline_within_business_days(jst(2020, 10, 30, 17, 15), 3),
        jst(2020, 11, 5, 17, 15)
    );
    // On a closed day the next business day is day 1.
    assert_eq!(
        cal.deadline_within_business_days(jst(2020, 12, 30, 10, 0), 3),
        jst(2021, 1, 6, 17, 15)
    );
    // 0 is taken as 1.
    assert_eq!(
        cal.deadline_within_business_days(jst(2020, 10, 30, 10, 0), 0),
        jst(2020, 10, 30, 17, 15)
    );
}

#[test]
fn extra_open_and_closed_days_win_over_the_rules() {
    let cal = with_overrides();
    assert!(cal.is_business_day(d(2020, 10, 4)));
    assert_eq!(cal.closed_reason(d(2020, 10, 4)), None);
    assert!(cal.is_open_at(jst(2020, 10, 4, 9, 0)));
    assert!(!cal.is_business_day(d(2020, 10, 5)));
    assert_eq!(
        cal.closed_reason(d(2020, 10, 5)).as_deref(),
        Some("庁舎設備点検")
    );
    assert_eq!(
        cal.next_opening(jst(2020, 10, 3, 12, 0)),
        jst(2020, 10, 4, 8, 45)
    );
    assert_eq!(
        cal.add_business_minutes(jst(2020, 10, 4, 17, 0), 30),
        jst(2020, 10, 6, 9, 0)
    );
    assert_eq!(cal.add_business_days(d(2020, 10, 2), 2), d(2020, 10, 6));
    // An extra open holiday, and a date both closed and open (closed wins).
    let cal = fy2020().with_overrides(
        vec![ExtraClosedDay {
            date: d(2020, 10, 11),
            reason: "停電".to_owned(),
        }],
        vec![d(2020, 11, 3), d(2020, 10, 11)],
    );
    assert!(cal.is_business_day(d(2020, 11, 3)));
    assert!(!cal.is_business_day(d(2020, 10, 11)));
    assert_eq!(cal.closed_reason(d(2020, 10, 11)).as_deref(), Some("停電"));
}

#[test]
fn a_calendar_without_business_time_saturates() {
    let mut contract = Contract::builtin_default();
    contract.working_hours.end = contract.working_hours.start;
    let cal = BusinessCalendar::new(&contract);
    let t = jst(2020, 10, 1, 9, 0);
    assert!(!cal.is_open_at(t));
    assert_eq!(cal.next_opening(t), DateTime::<Utc>::MAX_UTC);
    assert_eq!(cal.add_business_minutes(t, 1), DateTime::<Utc>::MAX_UTC);
    assert_eq!(cal.business_minutes_between(t, jst(2021, 10, 1, 9, 0)), 0);
    assert_eq!(
        cal.deadline_within_business_days(t, 3),
        DateTime::<Utc>::MAX_UTC
    );

    let mut contract = Contract::builtin_default();
    contract.closed_days.year_end_break = Some(crate::contract::MonthDayRange {
        start: crate::contract::MonthDay::new(1, 1).expect("valid"),
        end: crate::contract::MonthDay::new(12, 31).expect("valid"),
    });
    let cal = BusinessCalendar::new(&contract);
    assert_eq!(cal.add_business_days(d(2020, 10, 1), 1), NaiveDate::MAX);
    assert_eq!(cal.next_opening(t), DateTime::<Utc>::MAX_UTC);
}

// ---- property tests against a brute-force minute counter ----

/// Minutes from 2020-01-01 00:00 JST to 2021-12-31 00:00 JST (leaving room for spans).
const RANGE_MINUTES: i64 = 730 * 24 * 60;

fn origin() -> DateTime<Utc> {
    jst(2020, 1, 1, 0, 0)
}

/// Whether the minute starting at `t` is open, from the date rules and the clock alone.
struct Brute<'a> {
    cal: &'a BusinessCalendar,
    cached: Option<(NaiveDate, bool)>,
}

impl Brute<'_> {
    fn open(&mut self, t: DateTime<Utc>) -> bool {
        let local = (t + TimeDelta::hours(9)).naive_utc();
        let date = local.date();
        let business = match self.cached {
            Some((cached, business)) if cached == date => business,
            _ => {
                let business = self.cal.is_business_day(date);
                self.cached = Some((date, business));
                business
            }
        };
        let hours = self.cal.working_hours();
        business && hours.start <= local.time() && local.time() < hours.end
    }
}

fn brute_between(cal: &BusinessCalendar, from: DateTime<Utc>, minutes: i64) -> i64 {
    let mut brute = Brute { cal, cached: None };
    (0..minutes)
        .filter(|k| brute.open(from + TimeDelta::minutes(*k)))
        .count()
        .try_into()
        .expect("small counts fit")
}

fn brute_add(cal: &BusinessCalendar, from: DateTime<Utc>, minutes: u64) -> DateTime<Utc> {
    let mut brute = Brute { cal, cached: None };
    let mut t = from;
    while !brute.open(t) {
        t += TimeDelta::minutes(1);
    }
    let mut left = minutes;
    while left > 0 {
        if brute.open(t) {
            left -= 1;
        }
        t += TimeDelta::minutes(1);
    }
    t
}

fn calendar(which: bool) -> BusinessCalendar {
    if which { with_overrides() } else { fy2020() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn between_matches_brute_force(
        start in 0..RANGE_MINUTES,
        span in 0i64..6000,
        which in any::<bool>(),
    ) {
        let cal = calendar(which);
        let from = origin() + TimeDelta::minutes(start);
        let to = from + TimeDelta::minutes(span);
        prop_assert_eq!(cal.business_minutes_between(from, to), brute_between(&cal, from, span));
        prop_assert_eq!(cal.business_minutes_between(to, from), 0);
    }

    #[test]
    fn add_matches_brute_force(
        start in 0..RANGE_MINUTES,
        minutes in 0u64..1600,
        which in any::<bool>(),
    ) {
        let cal = calendar(which);
        let from = origin() + TimeDelta::minutes(start);
        let got = cal.add_business_minutes(from, minutes);
        prop_assert_eq!(got, brute_add(&cal, from, minutes));
        if minutes == 0 {
            prop_assert_eq!(got, cal.next_opening(from));
        }
    }

    #[test]
    fn between_undoes_add(
        start_seconds in 0..RANGE_MINUTES * 60,
        minutes in 0u64..20_000,
        which in any::<bool>(),
    ) {
        let cal = calendar(which);
        let from = origin() + TimeDelta::seconds(start_seconds);
        let to = cal.add_business_minutes(from, minutes);
        let expected = i64::try_from(minutes).expect("small");
        prop_assert_eq!(cal.business_minutes_between(from, to), expected);
        // The result is never strictly inside a closed time unless it ends a window.
        prop_assert!(minutes == 0 || cal.is_open_at(to - TimeDelta::seconds(1)));
    }

    #[test]
    fn spans_ending_at_a_window_end_end_there(
        start in 0..RANGE_MINUTES,
        days in 1u32..5,
        which in any::<bool>(),
    ) {
        // Random starts rarely land exactly on 17:15; aim at the end of the `days`-th
        // working window from the next opening instead.
        let cal = calendar(which);
        let from = origin() + TimeDelta::minutes(start);
        let target = cal.deadline_within_business_days(cal.next_opening(from), days);
        let minutes = cal.business_minutes_between(from, target);
        let minutes = u64::try_from(minutes).expect("not negative");
        prop_assert_eq!(cal.add_business_minutes(from, minutes), target);
        prop_assert_eq!(brute_add(&cal, from, minutes), target);
        prop_assert!(!cal.is_open_at(target));
        prop_assert_eq!(
            cal.working_hours().end,
            (target + TimeDelta::hours(9)).naive_utc().time()
        );
    }

    #[test]
    fn next_opening_is_open_and_nothing_is_open_before_it(
        start in 0..RANGE_MINUTES,
        which in any::<bool>(),
    ) {
        let cal = calendar(which);
        let from = origin() + TimeDelta::minutes(start);
        let next = cal.next_opening(from);
        prop_assert!(next >= from);
        prop_assert!(cal.is_open_at(next));
        prop_assert_eq!(cal.business_minutes_between(from, next), 0);
    }
}
