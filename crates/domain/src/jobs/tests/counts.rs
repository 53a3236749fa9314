//! Category counts against the estimates, and the monthly burn-down.

use super::d;
use crate::contract::{CategoryCode::*, Contract};
use crate::jobs::*;

fn tally(category: crate::contract::CategoryCode, progress: Progress) -> JobTally {
    JobTally { category, progress }
}

fn jobs() -> Vec<JobTally> {
    vec![
        tally(
            OsSecurityUpdate,
            Progress::Done {
                on: d(2020, 10, 14),
            },
        ),
        tally(
            NoticeSettingsChange,
            Progress::Done {
                on: d(2020, 10, 14),
            },
        ),
        tally(CitySettingsChange, Progress::Done { on: d(2020, 12, 2) }),
        tally(
            PasswordRotation,
            Progress::Done {
                on: d(2020, 10, 14),
            },
        ),
        tally(
            TerminalRecovery,
            Progress::Done {
                on: d(2020, 11, 30),
            },
        ),
        tally(TerminalRecovery, Progress::Open),
        tally(TerminalRecovery, Progress::Cancelled),
        tally(AnnualInspection, Progress::Open),
    ]
}

#[test]
fn jobs_done_under_an_earlier_contract_are_not_counted() {
    let contract = Contract::builtin_default();
    let mut all = jobs();
    all.push(tally(
        TerminalRecovery,
        Progress::Done { on: d(2020, 9, 30) },
    ));
    assert_eq!(
        category_counts(&contract, &all),
        category_counts(&contract, &jobs())
    );
    let today = d(2021, 6, 1);
    assert_eq!(
        burn_down(&contract, &all, today),
        burn_down(&contract, &jobs(), today)
    );
    // Accepted after the period, before next year's contract is loaded: still shown.
    all.push(tally(
        TerminalRecovery,
        Progress::Done { on: d(2021, 4, 1) },
    ));
    let recovery = |rows: Vec<CategoryCount>| rows[5].done;
    assert_eq!(recovery(category_counts(&contract, &all)), 2);
}

#[test]
fn counts_per_row_with_u_and_e_together() {
    let rows = category_counts(&Contract::builtin_default(), &jobs());
    let shown: Vec<_> = rows
        .iter()
        .map(|r| (r.label.as_str(), r.expected, r.done, r.open, r.remaining))
        .collect();
    assert_eq!(
        shown,
        [
            ("ア", Some(1), 0, 0, Some(1)),
            ("イ", Some(1), 1, 0, Some(0)),
            ("ウ・エ", Some(1), 2, 0, Some(0)),
            ("オ", Some(1), 1, 0, Some(0)),
            ("カ", Some(1), 0, 1, Some(1)),
            ("キ", Some(6), 1, 1, Some(5)),
            ("ク", Some(3), 0, 0, Some(3)),
        ]
    );
}

#[test]
fn burn_down_is_linear_and_stops_at_today() {
    let points = burn_down(&Contract::builtin_default(), &jobs(), d(2020, 12, 10));
    let labels: Vec<&str> = points.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["10月", "11月", "12月", "1月", "2月", "3月"]);
    assert_eq!(points[0].month, d(2020, 10, 1));
    assert_eq!(points[5].month, d(2021, 3, 1));
    let total = 14.0;
    for (i, p) in points.iter().enumerate() {
        let want = total * (5 - i) as f64 / 6.0;
        assert!(
            (p.expected_remaining - want).abs() < 1e-9,
            "{i}: {}",
            p.expected_remaining
        );
    }
    let actual: Vec<Option<u32>> = points.iter().map(|p| p.actual_remaining).collect();
    // October: イ, ウ, オ done (14 - 3); November: キ too; December: エ (ウ・エ counted per job).
    assert_eq!(actual, [Some(11), Some(10), Some(9), None, None, None]);
}

#[test]
fn burn_down_of_a_short_period_and_no_jobs() {
    let mut contract = Contract::builtin_default();
    contract.period.start = d(2021, 1, 15);
    contract.period.end = d(2021, 2, 10);
    let points = burn_down(&contract, &[], d(2021, 1, 1));
    assert_eq!(points.len(), 2);
    assert_eq!(points[0].month, d(2021, 1, 1));
    assert!((points[0].expected_remaining - 7.0).abs() < 1e-9);
    assert_eq!(points[1].expected_remaining, 0.0);
    assert_eq!(points[0].actual_remaining, None, "the period has not begun");
    let later = burn_down(&contract, &[], d(2021, 1, 20));
    assert_eq!(later[0].actual_remaining, Some(14));
}
