//! Why a plan is as it is: closed days around the deadline, workers who cannot come,
//! and, when the deadline is missed, how many workers would meet it (R4.4, R5.2).

use chrono::NaiveDate;

use super::Planner;
use super::explain::{ClosedDay, Finding, FindingKind};
use super::model::PlanInput;
use super::problem::{Problem, Solution};
use super::schedule;
use crate::calendar::BusinessCalendar;

/// Findings about the calendar and the workers within the deadline window.
pub(super) fn window_findings(
    input: &PlanInput,
    calendar: &BusinessCalendar,
    problem: &Problem,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(first) = problem.days.first().map(|d| d.date) else {
        return out;
    };
    let deadline = deadline_date(problem);
    let n = input.deadline_business_days;
    if let Some(reason) = calendar.closed_reason(input.start) {
        out.push(Finding::new(FindingKind::StartClosed {
            start: input.start,
            reason,
            first_business_day: first,
            deadline_business_days: n,
        }));
    }
    let mut run: Vec<ClosedDay> = Vec::new();
    for date in first.iter_days().take_while(|d| *d <= deadline) {
        match calendar.closed_reason(date) {
            Some(reason) if !matches!(reason.as_str(), "土曜日" | "日曜日") => {
                run.push(ClosedDay { date, reason });
                continue;
            }
            _ => {}
        }
        if !run.is_empty() {
            out.push(Finding::new(FindingKind::ClosedDaysInWindow {
                days: std::mem::take(&mut run),
                deadline,
                deadline_business_days: n,
            }));
        }
    }
    let window = &problem.days[..problem.deadline_days];
    for (w, worker) in input.workers.iter().enumerate() {
        if !window.iter().any(|d| d.workers.contains(&w)) {
            out.push(Finding::new(FindingKind::WorkerUnavailable {
                worker_id: worker.id,
                name: worker.name.clone(),
                first_day: first,
                deadline,
            }));
        }
    }
    out
}

/// The last business day within the deadline.
pub(super) fn deadline_date(problem: &Problem) -> NaiveDate {
    let k = problem.deadline_days.clamp(1, problem.days.len());
    problem.days[k - 1].date
}

/// Whether `solution` plans every terminal, all within the deadline.
pub(super) fn meets_deadline(problem: &Problem, solution: &Solution) -> bool {
    schedule::check(problem, solution) == Ok(0)
        && solution
            .routes
            .iter()
            .all(|r| r.stops.is_empty() || r.day < problem.deadline_days)
}

/// The finding naming how many workers `planner` needs to meet the deadline, the extra
/// ones available on every business day; `None` if even one per terminal does not.
///
/// Searches upwards from what the working hours alone require, doubling, then halving
/// back; the count given is one the planner was run with and met the deadline.
pub(super) fn workers_needed(
    input: &PlanInput,
    problem: &Problem,
    planner: &impl Planner,
) -> Option<Finding> {
    let meets = |extra: usize| {
        let p = problem.with_extra_workers(extra);
        meets_deadline(&p, &planner.solve(&p))
    };
    let per_slot =
        u64::from(problem.window_minutes / problem.work_minutes_per_terminal.max(1)).max(1);
    let window = &problem.days[..problem.deadline_days];
    let held: u64 = window
        .iter()
        .map(|d| d.workers.len() as u64 * per_slot)
        .sum();
    let per_worker = per_slot * problem.deadline_days.max(1) as u64;
    let short = problem.total_terminals().saturating_sub(held);
    let cap = usize::try_from(problem.total_terminals())
        .unwrap_or(usize::MAX)
        .max(1);
    let mut lo = 0;
    let mut hi = usize::try_from(short.div_ceil(per_worker))
        .unwrap_or(cap)
        .clamp(1, cap);
    while !meets(hi) {
        if hi >= cap {
            return None;
        }
        lo = hi;
        hi = (hi * 2).min(cap);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let current = input.workers.len();
    Some(Finding::new(FindingKind::NotEnoughWorkers {
        needed: u32::try_from(current + hi).unwrap_or(u32::MAX),
        current: u32::try_from(current).unwrap_or(u32::MAX),
        deadline_business_days: input.deadline_business_days,
        extra_assumed_always_available: input.workers.iter().any(|w| w.available.is_some()),
    }))
}
