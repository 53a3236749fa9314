//! From a solver's routes to the plan people read: checks the routes against the
//! rules, then gives every visit its times and its terminals (R4.4, R5.2).

use std::collections::HashSet;

use chrono::{NaiveTime, TimeDelta};

use super::model::{PlanInput, PlanTotals, PlannedDay, PlannedVisit};
use super::problem::{Problem, Route, Solution};

/// Checks that every route is on a horizon day on which its worker is available, at
/// most one route per worker and day, fits the working window, and plans no site's
/// terminals twice. Returns how many terminals are left unplanned.
pub(super) fn check(problem: &Problem, solution: &Solution) -> Result<u64, String> {
    let n = problem.site_terminals.len();
    let mut planned = vec![0u64; n];
    let mut slots = HashSet::new();
    for r in &solution.routes {
        let day = problem
            .days
            .get(r.day)
            .ok_or_else(|| format!("day {} is outside the horizon", r.day))?;
        if !day.workers.contains(&r.worker) {
            return Err(format!(
                "worker {} is not available on day {}",
                r.worker, r.day
            ));
        }
        if !slots.insert((r.day, r.worker)) {
            return Err(format!(
                "worker {} has two routes on day {}",
                r.worker, r.day
            ));
        }
        for s in &r.stops {
            if s.site >= n || s.terminals == 0 {
                return Err(format!("invalid stop {s:?}"));
            }
            planned[s.site] += u64::from(s.terminals);
        }
        let minutes = problem.route_travel(day.profile, &r.stops) + problem.route_work(&r.stops);
        if minutes > u64::from(problem.window_minutes) {
            return Err(format!(
                "route of worker {} on day {} takes {minutes} minutes",
                r.worker, r.day
            ));
        }
    }
    let mut unplanned = 0;
    for (s, &done) in planned.iter().enumerate() {
        let need = u64::from(problem.site_terminals[s]);
        if done > need {
            return Err(format!(
                "site {s} has {done} terminals planned, {need} exist"
            ));
        }
        unplanned += need - done;
    }
    Ok(unplanned)
}

/// Visits, worker-days and totals of a checked solution.
pub(super) fn render(
    input: &PlanInput,
    problem: &Problem,
    site_input: &[usize],
    opening: NaiveTime,
    solution: &Solution,
) -> (Vec<PlannedVisit>, Vec<PlannedDay>, PlanTotals) {
    let mut routes: Vec<&Route> = solution
        .routes
        .iter()
        .filter(|r| !r.stops.is_empty())
        .collect();
    routes.sort_by_key(|r| (r.day, r.worker));
    let mut next_terminal = vec![0usize; site_input.len()];
    let mut visits = Vec::new();
    let mut days = Vec::new();
    let mut totals = PlanTotals {
        travel_minutes: 0,
        work_minutes: 0,
        cost_minutes: 0,
        business_days_used: 0,
        worker_days: 0,
        last_date: None,
    };
    let home = problem.home();
    let m = problem.work_minutes_per_terminal;
    for r in routes {
        let day = &problem.days[r.day];
        let worker_id = input.workers[r.worker].id;
        let (mut at, mut clock) = (home, 0u32);
        let (mut travel, mut work) = (0u32, 0u32);
        for (k, stop) in r.stops.iter().enumerate() {
            let leg = problem.t(day.profile, at, stop.site);
            clock += leg;
            travel += leg;
            let start = clock;
            clock += stop.terminals * m;
            work += stop.terminals * m;
            let site = &input.sites[site_input[stop.site]];
            let from = next_terminal[stop.site];
            next_terminal[stop.site] += stop.terminals as usize;
            visits.push(PlannedVisit {
                worker_id,
                date: day.date,
                site_id: site.id,
                site_code: site.code.clone(),
                order: u32::try_from(k + 1).unwrap_or(u32::MAX),
                travel_minutes_before: leg,
                start: at_minute(opening, start),
                end: at_minute(opening, clock),
                terminal_ids: site.terminal_ids[from..next_terminal[stop.site]].to_vec(),
            });
            at = stop.site;
        }
        let back = problem.t(day.profile, at, home);
        travel += back;
        days.push(PlannedDay {
            worker_id,
            date: day.date,
            start: opening,
            end: at_minute(opening, clock + back),
            travel_minutes: travel,
            work_minutes: work,
            return_travel_minutes: back,
        });
        totals.travel_minutes += u64::from(travel);
        totals.work_minutes += u64::from(work);
        totals.worker_days += 1;
        totals.business_days_used = totals
            .business_days_used
            .max(u32::try_from(r.day + 1).unwrap_or(u32::MAX));
        totals.last_date = Some(day.date);
    }
    totals.cost_minutes = totals.travel_minutes + totals.work_minutes;
    (visits, days, totals)
}

/// The time `minutes` after `opening` (routes fit the window, so this stays in the day).
fn at_minute(opening: NaiveTime, minutes: u32) -> NaiveTime {
    opening + TimeDelta::minutes(i64::from(minutes))
}
