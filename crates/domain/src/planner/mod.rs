//! The all-site visit planner (R4.4 within the working time of R5.2): which worker
//! visits which site on which business day, so that one job reaches every terminal of
//! every site within the contract's 3 business days, with as little travel as
//! possible.
//!
//! [`plan`] checks a [`PlanInput`], lets a [`Planner`] find routes, then checks those
//! against the rules (a closed day, a worker's day off or a visit past 17:15 is a
//! solver bug, never a plan), gives every visit its times and terminals, compares the
//! cost with a [`LowerBound`] and explains in Japanese why the deadline is missed and
//! what would meet it. A plan past the deadline is still returned: the best found.
//!
//! The [`Planner`] trait is ours so that a real VRP solver can sit behind it later; the
//! built-in [`HeuristicPlanner`] cuts a giant tour into worker-days and improves them by
//! local search, deterministically. Pure: no I/O, no clock, no randomness.

mod bound;
pub mod csv;
mod diagnose;
pub mod explain;
mod improve;
pub mod model;
mod problem;
mod route;
mod schedule;
mod solver;
mod tour;
pub mod travel;

pub use explain::{ClosedDay, Finding, FindingKind, PlanError, Severity, SitePair, date_ja};
pub use model::{
    LowerBound, Plan, PlanDepot, PlanInput, PlanSite, PlanTotals, PlanWorker, PlannedDay,
    PlannedVisit, TravelEntry, TravelModel,
};
pub use problem::{Day, MAX_PLAN_BUSINESS_DAYS, OPEN, Problem, Route, Solution, Stop};
pub use solver::HeuristicPlanner;

use crate::calendar::BusinessCalendar;

/// Finds routes for a [`Problem`] (R4.4).
///
/// A solution should plan every terminal once, only on the problem's days for workers
/// available then, each route within `window_minutes`, and should end within
/// `deadline_days` when it can; [`plan_with`] checks all but the last and refuses a
/// solution that breaks them. `solve` is also run with extra workers to find how many
/// would meet the deadline, so it must be deterministic.
pub trait Planner {
    /// Routes for `problem`; terminals it cannot place within the horizon stay out.
    fn solve(&self, problem: &Problem) -> Solution;
}

/// Plans `input` with the built-in [`HeuristicPlanner`] (R4.4). Blocking and CPU-bound
/// (up to seconds for a thousand sites): run it off the async runtime.
pub fn plan(input: &PlanInput, calendar: &BusinessCalendar) -> Result<Plan, PlanError> {
    plan_with(&HeuristicPlanner::default(), input, calendar)
}

/// Plans `input` with `planner` (R4.4).
///
/// Errors when the input cannot be planned at all (missing coordinates or travel
/// times, no workers, a terminal longer than a day, no availability left for every
/// terminal …); every finding of the error says why in Japanese.
pub fn plan_with(
    planner: &impl Planner,
    input: &PlanInput,
    calendar: &BusinessCalendar,
) -> Result<Plan, PlanError> {
    let prepared = problem::prepare(input, calendar)?;
    let problem = &prepared.problem;
    let solution = planner.solve(problem);
    let unplanned = schedule::check(problem, &solution)
        .map_err(|detail| PlanError::one(FindingKind::SolverFailed { detail }))?;
    let mut findings = diagnose::window_findings(input, calendar, problem);
    if unplanned > 0 {
        findings.push(Finding::new(
            if problem.days.len() < MAX_PLAN_BUSINESS_DAYS.max(problem.deadline_days) {
                FindingKind::AvailabilityExhausted {
                    unplanned_terminals: u32::try_from(unplanned).unwrap_or(u32::MAX),
                }
            } else {
                FindingKind::HorizonExceeded {
                    business_days: u32::try_from(problem.days.len()).unwrap_or(u32::MAX),
                }
            },
        ));
        findings.extend(diagnose::workers_needed(input, problem, planner));
        return Err(PlanError { findings });
    }
    let hours = calendar.working_hours();
    let (visits, days, totals) =
        schedule::render(input, problem, &prepared.site_input, hours.start, &solution);
    let within_deadline = diagnose::meets_deadline(problem, &solution);
    let deadline = diagnose::deadline_date(problem);
    if !within_deadline && let Some(last_date) = totals.last_date {
        findings.push(Finding::new(FindingKind::DeadlineMissed {
            deadline_business_days: input.deadline_business_days,
            deadline,
            last_date,
            business_days_used: totals.business_days_used,
        }));
        findings.extend(diagnose::workers_needed(input, problem, planner));
    }
    let bound_days = if within_deadline {
        problem.deadline_days
    } else {
        totals.business_days_used as usize
    };
    let lower_bound = bound_of(problem, bound_days);
    let gap_percent = gap(totals.cost_minutes, lower_bound.cost_minutes);
    Ok(Plan {
        visits,
        days,
        totals,
        lower_bound,
        gap_percent,
        first_day: problem.days[0].date,
        deadline,
        within_deadline,
        findings,
    })
}

/// The lower bound for plans of `input` within the deadline, without planning (R4.4).
pub fn lower_bound(
    input: &PlanInput,
    calendar: &BusinessCalendar,
) -> Result<LowerBound, PlanError> {
    let prepared = problem::prepare(input, calendar)?;
    Ok(bound_of(&prepared.problem, prepared.problem.deadline_days))
}

/// Work, travel and days bounds for plans within the first `n_days` days.
fn bound_of(problem: &Problem, n_days: usize) -> LowerBound {
    let work = bound::work_minutes(problem);
    let travel = bound::travel_lower_bound(problem, n_days);
    let days = bound::days_lower_bound(problem);
    LowerBound {
        work_minutes: work,
        travel_minutes: travel,
        cost_minutes: work + travel,
        business_days: days.map(|d| u32::try_from(d).unwrap_or(u32::MAX)),
        earliest_last_date: days
            .and_then(|d| d.checked_sub(1))
            .map(|d| problem.days[d].date),
    }
}

/// How far `cost` is above `bound`, in percent.
fn gap(cost: u64, bound: u64) -> f64 {
    if bound == 0 {
        return if cost == 0 { 0.0 } else { 100.0 };
    }
    (cost.saturating_sub(bound)) as f64 / bound as f64 * 100.0
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bound;
#[cfg(test)]
mod tests_explain;
#[cfg(test)]
mod tests_props;
#[cfg(test)]
mod tests_support;
