//! Category counts against the contract's estimates (R1.1): per expected-count row (ウ・エ
//! together), how many jobs are done, open and still expected; and a monthly burn-down.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::contract::{CategoryCode, Contract};
use crate::rules::count;

/// How far one job has come, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Progress {
    /// Planned, requested or in progress.
    Open,
    /// Accepted by the City on this day.
    Done { on: NaiveDate },
    /// Cancelled: not counted.
    Cancelled,
}

/// One job as the counts see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct JobTally {
    pub category: CategoryCode,
    pub progress: Progress,
}

/// One row of the counts table: a category, or categories counted together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    /// In ア..ク order.
    pub codes: Vec<CategoryCode>,
    /// The codes joined with `・`, e.g. `ウ・エ`.
    pub label: String,
    /// The contract's estimate; `None` when it gives none.
    pub expected: Option<u32>,
    pub done: u32,
    pub open: u32,
    /// The estimate less the jobs done, never below zero; `None` without an estimate.
    pub remaining: Option<u32>,
}

/// The day a job counts as done for this contract: accepted on or after its first day. A
/// job accepted under an earlier year's contract (the same database serves several years)
/// counted for that one; work accepted after the period, while no newer contract is loaded,
/// still shows here rather than nowhere.
fn done_within(contract: &Contract, j: &JobTally) -> Option<NaiveDate> {
    match j.progress {
        Progress::Done { on } if on >= contract.period.start => Some(on),
        _ => None,
    }
}

/// The counts per expected-count row of the contract, in the contract's row order; jobs
/// of a category the contract lacks are left out, and so are jobs done before its period.
pub fn category_counts(contract: &Contract, jobs: &[JobTally]) -> Vec<CategoryCount> {
    contract
        .expected_count_rows()
        .into_iter()
        .map(|row| {
            let mine = || jobs.iter().filter(|j| row.codes.contains(&j.category));
            let done = count(mine().filter(|j| done_within(contract, j).is_some()));
            let open = count(mine().filter(|j| j.progress == Progress::Open));
            CategoryCount {
                remaining: row.count.map(|c| c.saturating_sub(done)),
                expected: row.count,
                codes: row.codes,
                label: row.label,
                done,
                open,
            }
        })
        .collect()
}

/// One month of the burn-down.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BurnDownPoint {
    /// The first day of the month.
    pub month: NaiveDate,
    /// `10月`
    pub label: String,
    /// What should remain at the month's end if the estimated jobs were spread evenly:
    /// `total × (months after this one) / months in the period`.
    pub expected_remaining: f64,
    /// The estimates' total less the jobs done by the month's end, never below zero;
    /// `None` for months (of the period) not yet begun on `today`.
    pub actual_remaining: Option<u32>,
}

/// The burn-down of all estimated jobs, one point per month of the contract period.
///
/// The model is deliberately simple: the total is the sum of the estimates (rows without
/// one are left out, and so are their jobs), and the expected remainder falls linearly to
/// zero at the end of the last month.
pub fn burn_down(contract: &Contract, jobs: &[JobTally], today: NaiveDate) -> Vec<BurnDownPoint> {
    let rows = contract.expected_count_rows();
    let estimated: Vec<CategoryCode> = rows
        .iter()
        .filter(|r| r.count.is_some())
        .flat_map(|r| r.codes.iter().copied())
        .collect();
    let total: u32 = rows.iter().filter_map(|r| r.count).sum();
    let done_days: Vec<NaiveDate> = jobs
        .iter()
        .filter(|j| estimated.contains(&j.category))
        .filter_map(|j| done_within(contract, j))
        .collect();
    let start = contract.period.start;
    let months = months_of(start, contract.period.end);
    let n = months.len() as f64;
    months
        .iter()
        .enumerate()
        .map(|(i, &(first, last))| {
            let left = n - (i as f64 + 1.0);
            let done = count(done_days.iter().filter(|d| **d <= last));
            BurnDownPoint {
                month: first,
                label: format!("{}月", first.month()),
                expected_remaining: f64::from(total) * left / n,
                actual_remaining: (first.max(start) <= today).then(|| total.saturating_sub(done)),
            }
        })
        .collect()
}

/// The months from `start`'s to `end`'s, each as its first and last day.
fn months_of(start: NaiveDate, end: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut first = start.with_day(1);
    while let Some(f) = first.filter(|f| *f <= end) {
        let next = f.checked_add_months(Months::new(1));
        let last = next.and_then(|n| n.pred_opt()).unwrap_or(NaiveDate::MAX);
        out.push((f, last));
        first = next;
    }
    out
}
