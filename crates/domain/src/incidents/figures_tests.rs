//! The figures of a contract year: counts against the estimates, months in Japan time, the
//! lower median, the worst, pauses left out and running clocks told apart.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::*;
use crate::calendar::BusinessCalendar;
use crate::contract::{CategoryCode, Contract};

const KI: CategoryCode = CategoryCode::TerminalRecovery;
const KU: CategoryCode = CategoryCode::TouchPanelRecovery;

/// A Japan-time instant `YYYY-MM-DD HH:MM`.
fn jst(s: &str) -> DateTime<Utc> {
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("instant");
    crate::time::jst()
        .from_local_datetime(&local)
        .single()
        .expect("jst")
        .with_timezone(&Utc)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// An incident reported at `at` with `events` after the report.
fn incident(category: CategoryCode, at: &str, events: &[(EventKind, &str)]) -> ReportedIncident {
    let mut all = vec![EventFact::new(EventKind::Reported, jst(at))];
    all.extend(events.iter().map(|(k, t)| EventFact::new(*k, jst(t))));
    ReportedIncident {
        category,
        reported_at: jst(at),
        events: all,
    }
}

fn run(incidents: &[ReportedIncident], targets: &[SlaTarget]) -> IncidentFigures {
    let contract = Contract::builtin_default();
    let cal = BusinessCalendar::new(&contract);
    figures(&contract, &cal, incidents, targets, jst("2021-06-01 12:00"))
}

fn month(f: &IncidentFigures, first: NaiveDate) -> &Tally {
    &f.months
        .iter()
        .find(|m| m.month == first)
        .expect("month listed")
        .tally
}

#[test]
fn the_median_of_an_odd_count_is_the_middle_value() {
    assert_eq!(lower_median(&[50, 10, 30]), Some(30));
    assert_eq!(lower_median(&[7]), Some(7));
}

#[test]
fn the_median_of_an_even_count_is_the_lower_middle_value() {
    assert_eq!(lower_median(&[40, 10, 30, 20]), Some(20));
    assert_eq!(lower_median(&[90, 10]), Some(10));
    assert_eq!(lower_median(&[]), None);
}

#[test]
fn a_month_runs_from_midnight_to_midnight_in_japan_time() {
    // 23:30 on 31 March in Japan is 14:30 UTC: still March.
    assert_eq!(month_of(jst("2021-03-31 23:30")), day(2021, 3, 1));
    // 08:00 on 1 November in Japan is 23:00 UTC on 31 October: November.
    assert_eq!(month_of(jst("2020-11-01 08:00")), day(2020, 11, 1));
    let f = run(
        &[
            incident(KI, "2021-03-31 23:30", &[]),
            incident(KU, "2020-11-01 08:00", &[]),
        ],
        &[],
    );
    assert_eq!(month(&f, day(2021, 3, 1)).total, 1);
    assert_eq!(month(&f, day(2020, 10, 1)).total, 0);
    assert_eq!(month(&f, day(2020, 11, 1)).total, 1);
}

#[test]
fn every_month_of_the_period_is_listed_and_a_report_outside_it_adds_its_month() {
    let f = run(&[], &[]);
    let labels: Vec<&str> = f.months.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "2020年10月",
            "2020年11月",
            "2020年12月",
            "2021年1月",
            "2021年2月",
            "2021年3月"
        ]
    );
    let quiet = month(&f, day(2020, 12, 1));
    assert_eq!(quiet.total, 0);
    assert_eq!(quiet.respond.median_minutes, None);
    assert_eq!(quiet.recover.worst_minutes, None);

    // 00:10 on 1 April in Japan (31 March in UTC) lies after the period: April is added.
    let f = run(&[incident(KI, "2021-04-01 00:10", &[])], &[]);
    let last = f.months.last().expect("months");
    assert_eq!(
        (last.month, last.label.as_str()),
        (day(2021, 4, 1), "2021年4月")
    );
    assert_eq!(month(&f, day(2021, 3, 1)).total, 0);
}

#[test]
fn counts_against_the_contracts_estimates_of_ki_and_ku() {
    use EventKind::*;
    let f = run(
        &[
            incident(
                KI,
                "2020-10-05 09:00",
                &[
                    (Acknowledged, "2020-10-05 09:10"),
                    (Resolved, "2020-10-05 10:00"),
                ],
            ),
            incident(KI, "2020-11-05 09:00", &[]),
            incident(
                KU,
                "2020-11-06 09:00",
                &[(Acknowledged, "2020-11-06 09:30")],
            ),
        ],
        &[],
    );
    let rows: Vec<(&str, Option<u32>, u32, u32)> = f
        .counts
        .iter()
        .map(|c| (c.label.as_str(), c.expected, c.reported, c.open))
        .collect();
    assert_eq!(rows, [("キ", Some(6), 2, 1), ("ク", Some(3), 1, 1)]);
    let nov = month(&f, day(2020, 11, 1));
    let per: Vec<(CategoryCode, u32)> =
        nov.reported.iter().map(|r| (r.category, r.count)).collect();
    assert_eq!(per, [(KI, 1), (KU, 1)]);
    assert_eq!(f.year.total, 3);
    assert_eq!(f.fiscal_year, 2020);
}

#[test]
fn median_and_worst_count_only_stopped_clocks_and_tell_the_running_ones() {
    use EventKind::*;
    // Monday 2020-10-05 onwards; responses of 10, 30, 20 and 40 minutes, one still waiting.
    let f = run(
        &[
            incident(
                KI,
                "2020-10-05 09:00",
                &[
                    (Acknowledged, "2020-10-05 09:10"),
                    (Resolved, "2020-10-05 11:00"),
                ],
            ),
            incident(
                KI,
                "2020-10-06 09:00",
                &[(Acknowledged, "2020-10-06 09:30")],
            ),
            incident(
                KU,
                "2020-10-07 09:00",
                &[
                    (Arrived, "2020-10-07 09:20"),
                    (Resolved, "2020-10-07 10:00"),
                ],
            ),
            incident(
                KU,
                "2020-10-08 09:00",
                &[(Acknowledged, "2020-10-08 09:40")],
            ),
            incident(KI, "2020-10-09 09:00", &[]),
        ],
        &[],
    );
    let oct = month(&f, day(2020, 10, 1));
    assert_eq!((oct.respond.stopped, oct.respond.running), (4, 1));
    assert_eq!(oct.respond.median_minutes, Some(20), "lower of 20 and 30");
    assert_eq!(oct.respond.worst_minutes, Some(40));
    assert_eq!((oct.recover.stopped, oct.recover.running), (2, 3));
    assert_eq!(oct.recover.median_minutes, Some(60), "lower of 60 and 120");
    assert_eq!(oct.recover.worst_minutes, Some(120));
    assert_eq!(f.year.respond, oct.respond);
}

#[test]
fn paused_time_and_closed_hours_are_left_out_of_the_recovery() {
    use EventKind::*;
    // Monday 09:00 to 10:00 counts, paused until Tuesday 10:00, then 10:00 to 11:00: 120.
    // Reported Friday 17:00, resolved Monday 09:15: 15 minutes on Friday, 30 on Monday: 45.
    let f = run(
        &[
            incident(
                KI,
                "2020-10-05 09:00",
                &[
                    (Acknowledged, "2020-10-05 09:30"),
                    (Paused, "2020-10-05 10:00"),
                    (Resumed, "2020-10-06 10:00"),
                    (Resolved, "2020-10-06 11:00"),
                ],
            ),
            incident(KI, "2020-10-09 17:00", &[(Resolved, "2020-10-12 09:15")]),
        ],
        &[],
    );
    let oct = month(&f, day(2020, 10, 1));
    assert_eq!(oct.recover.worst_minutes, Some(120));
    assert_eq!(oct.recover.median_minutes, Some(45));
}

#[test]
fn a_paused_clock_is_still_running_for_the_figures() {
    use EventKind::*;
    let f = run(
        &[incident(
            KU,
            "2020-12-01 09:00",
            &[
                (Acknowledged, "2020-12-01 09:05"),
                (Paused, "2020-12-01 10:00"),
            ],
        )],
        &[],
    );
    let dec = month(&f, day(2020, 12, 1));
    assert_eq!(
        (dec.respond.stopped, dec.respond.median_minutes),
        (1, Some(5))
    );
    assert_eq!((dec.recover.stopped, dec.recover.running), (0, 1));
    assert_eq!(dec.recover.median_minutes, None);
    assert_eq!(f.counts[1].open, 1);
}

#[test]
fn stopped_clocks_past_their_target_are_counted_as_breached() {
    use EventKind::*;
    let targets = [SlaTarget {
        effective_from: jst("2020-10-01 00:00"),
        respond_minutes: Some(15),
        recover_minutes: None,
        near_share_percent: DEFAULT_NEAR_SHARE_PERCENT,
    }];
    let f = run(
        &[
            incident(
                KI,
                "2020-10-05 09:00",
                &[(Acknowledged, "2020-10-05 09:10")],
            ),
            incident(
                KI,
                "2020-10-06 09:00",
                &[(Acknowledged, "2020-10-06 09:30")],
            ),
            incident(KI, "2020-10-07 09:00", &[]),
        ],
        &targets,
    );
    let oct = month(&f, day(2020, 10, 1));
    assert_eq!(oct.respond.breached, 1, "the running one is not counted");
    assert_eq!(oct.recover.breached, 0);
}
