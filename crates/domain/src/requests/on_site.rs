//! The worker's screen on site (issue 13 item 6): one terminal at a time, how far each of a
//! request's terminals has come under the approved procedure version, which terminal is
//! next, and the times a record starts from. Pure: the pages only show what this decides.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Timelike, Utc};
use serde::Serialize;

use super::work_records::StepOutcome;
use crate::time::jst;

/// The minutes a pre-filled start time is rounded down to.
pub const START_ROUNDING_MINUTES: u32 = 5;

/// One current record as progress counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedStep {
    pub terminal_id: i64,
    pub step_order: u32,
    pub outcome: StepOutcome,
    /// The procedure version it was recorded under.
    pub procedure_id: i64,
}

/// How far one terminal has come: its steps settled (done or not applicable) under the
/// approved version, of all that version's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TerminalProgress {
    pub terminal_id: i64,
    pub settled: usize,
    pub total: usize,
}

impl TerminalProgress {
    /// Nothing left to do on the terminal (and something was to be done).
    pub fn finished(&self) -> bool {
        self.total > 0 && self.settled >= self.total
    }
}

/// The progress of each of `terminals` under the approved version `approved` (its id and
/// step orders); a record under another version, or a failed step, is not settled.
pub fn progress(
    terminals: &[i64],
    approved: Option<(i64, &[u32])>,
    records: &[RecordedStep],
) -> Vec<TerminalProgress> {
    let (version, steps): (Option<i64>, BTreeSet<u32>) = match approved {
        Some((id, orders)) => (Some(id), orders.iter().copied().collect()),
        None => (None, BTreeSet::new()),
    };
    let mut settled: BTreeMap<i64, BTreeSet<u32>> = BTreeMap::new();
    for r in records {
        if Some(r.procedure_id) == version
            && steps.contains(&r.step_order)
            && r.outcome.settles_step()
        {
            settled
                .entry(r.terminal_id)
                .or_default()
                .insert(r.step_order);
        }
    }
    terminals
        .iter()
        .map(|&t| TerminalProgress {
            terminal_id: t,
            settled: settled.get(&t).map_or(0, BTreeSet::len),
            total: steps.len(),
        })
        .collect()
}

/// `terminals` (each with its site) in the order the worker meets them: those at the
/// sites of the worker's visits today first, each group keeping its order.
pub fn today_first(terminals: &[(i64, i64)], today_sites: &[i64]) -> Vec<i64> {
    let (mut first, rest): (Vec<_>, Vec<_>) = terminals
        .iter()
        .partition(|(_, site)| today_sites.contains(site));
    first.extend(rest);
    first.into_iter().map(|(t, _)| t).collect()
}

/// The terminal after `current` in `order` that is not finished, going round once; `None`
/// when every other terminal is finished.
pub fn next_unfinished(order: &[i64], progress: &[TerminalProgress], current: i64) -> Option<i64> {
    let finished: BTreeSet<i64> = progress
        .iter()
        .filter(|p| p.finished())
        .map(|p| p.terminal_id)
        .collect();
    let at = order.iter().position(|&t| t == current).unwrap_or(0);
    order
        .iter()
        .cycle()
        .skip(at + 1)
        .take(order.len())
        .copied()
        .find(|t| *t != current && !finished.contains(t))
}

/// The start and end a record on site is pre-filled with, as a `datetime-local` input
/// takes them (Japan time): the start is now rounded down to
/// [`START_ROUNDING_MINUTES`], the end is now.
pub fn prefilled_times(now: DateTime<Utc>) -> (String, String) {
    let local = now.with_timezone(&jst());
    let extra = local.minute() % START_ROUNDING_MINUTES;
    let start = local - Duration::minutes(i64::from(extra));
    let fmt = "%Y-%m-%dT%H:%M";
    (start.format(fmt).to_string(), local.format(fmt).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn rec(terminal_id: i64, step_order: u32, outcome: StepOutcome, v: i64) -> RecordedStep {
        RecordedStep {
            terminal_id,
            step_order,
            outcome,
            procedure_id: v,
        }
    }

    #[test]
    fn progress_counts_settled_steps_of_the_approved_version_only() {
        let records = [
            rec(1, 1, StepOutcome::Done, 7),
            rec(1, 2, StepOutcome::NotApplicable, 7),
            rec(2, 1, StepOutcome::Failed, 7),
            rec(2, 2, StepOutcome::Done, 6),
            rec(3, 9, StepOutcome::Done, 7),
        ];
        let p = progress(&[1, 2, 3], Some((7, &[1, 2])), &records);
        assert_eq!(
            p.iter().map(|p| (p.settled, p.total)).collect::<Vec<_>>(),
            [(2, 2), (0, 2), (0, 2)]
        );
        assert!(p[0].finished() && !p[1].finished());
        let none = progress(&[1], None, &records);
        assert_eq!((none[0].settled, none[0].total), (0, 0));
        assert!(!none[0].finished());
    }

    #[test]
    fn today_sites_come_first_and_next_skips_finished_terminals() {
        assert_eq!(
            today_first(&[(1, 10), (2, 20), (3, 10), (4, 20)], &[20]),
            [2, 4, 1, 3]
        );
        let p = |id, settled| TerminalProgress {
            terminal_id: id,
            settled,
            total: 2,
        };
        let all = [p(1, 2), p(2, 0), p(3, 2), p(4, 1)];
        assert_eq!(next_unfinished(&[1, 2, 3, 4], &all, 2), Some(4));
        assert_eq!(next_unfinished(&[1, 2, 3, 4], &all, 4), Some(2));
        assert_eq!(next_unfinished(&[1, 2], &[p(1, 2), p(2, 0)], 2), None);
    }

    #[test]
    fn times_start_rounded_down_and_end_now_in_japan_time() {
        let now = Utc
            .with_ymd_and_hms(2020, 10, 1, 1, 7, 40)
            .single()
            .expect("valid");
        assert_eq!(
            prefilled_times(now),
            (
                "2020-10-01T10:05".to_string(),
                "2020-10-01T10:07".to_string()
            )
        );
    }
}
