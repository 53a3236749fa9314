//! The lower bound against the true optimum of tiny instances found by brute force
//! (R4.4): the bound must never exceed it.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::problem::{Problem, Stop, prepare};
use super::tests_support::{d, fy2020, workers};
use super::*;

/// The least travel of any order of `sites` as one route, if one fits the window.
fn best_route(problem: &Problem, profile: usize, sites: &mut Vec<usize>, k: usize) -> Option<u64> {
    if k == sites.len() {
        let stops: Vec<Stop> = sites
            .iter()
            .map(|&site| Stop { site, terminals: 1 })
            .collect();
        let travel = problem.route_travel(profile, &stops);
        let fits = travel + problem.route_work(&stops) <= u64::from(problem.window_minutes);
        return fits.then_some(travel);
    }
    let mut best = None;
    for i in k..sites.len() {
        sites.swap(k, i);
        if let Some(t) = best_route(problem, profile, sites, k + 1) {
            best = Some(best.map_or(t, |b: u64| b.min(t)));
        }
        sites.swap(k, i);
    }
    best
}

/// The least total travel over every way to give each site (one terminal each) to one
/// of the worker-days within the deadline; `None` if no way fits.
fn optimum(problem: &Problem) -> Option<u64> {
    let slots = problem.slots(problem.deadline_days);
    let n = problem.site_terminals.len();
    let mut best: Option<u64> = None;
    let mut assignment = vec![0usize; n];
    loop {
        let mut total = Some(0u64);
        for (r, &(day, _)) in slots.iter().enumerate() {
            let mut sites: Vec<usize> = (0..n).filter(|&s| assignment[s] == r).collect();
            let profile = problem.days[day].profile;
            total = total
                .zip(best_route(problem, profile, &mut sites, 0))
                .map(|(a, b)| a + b);
        }
        if let Some(t) = total {
            best = Some(best.map_or(t, |b| b.min(t)));
        }
        // The next assignment, counting in base `slots.len()`.
        let mut k = 0;
        while k < n && assignment[k] + 1 == slots.len() {
            assignment[k] = 0;
            k += 1;
        }
        if k == n {
            return best;
        }
        assignment[k] += 1;
    }
}

fn tiny(sites: &[(f64, f64)], n_workers: usize, days: u32, minutes: u32, depot: bool) -> PlanInput {
    PlanInput {
        start: d(2020, 10, 5),
        deadline_business_days: days,
        sites: sites
            .iter()
            .enumerate()
            .map(|(i, &(lat, lon))| PlanSite {
                id: i as i64,
                code: format!("S{i}"),
                name: format!("拠点{i}"),
                lat: Some(lat),
                lon: Some(lon),
                terminal_ids: vec![i as i64],
            })
            .collect(),
        workers: workers(n_workers),
        work_minutes_per_terminal: minutes,
        travel: TravelModel::sapporo_default(),
        depot: depot.then(|| PlanDepot {
            code: "base".into(),
            name: "事務所".into(),
            lat: Some(43.06),
            lon: Some(141.35),
        }),
    }
}

/// The bound is at most the optimum, and the planner's plan at least the optimum.
fn bound_is_below_optimum(input: &PlanInput) -> Result<(), TestCaseError> {
    let cal = fy2020();
    // A site too far from the depot for one terminal is refused; nothing to bound.
    let Ok(prepared) = prepare(input, &cal) else {
        return Ok(());
    };
    let problem = prepared.problem;
    let Some(best) = optimum(&problem) else {
        return Ok(());
    };
    let bound = bound::travel_lower_bound(&problem, problem.deadline_days);
    prop_assert!(bound <= best, "bound {} above the optimum {}", bound, best);
    let plan = plan(input, &cal).unwrap();
    if plan.within_deadline {
        prop_assert!(plan.totals.travel_minutes >= best);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_travel_bound_never_exceeds_the_optimum(
        sites in proptest::collection::vec((42.95f64..43.15, 141.20f64..141.50), 1..6),
        n_workers in 1usize..3,
        days in 1u32..3,
        minutes in prop_oneof![Just(30u32), Just(200), Just(400)],
        depot in any::<bool>(),
    ) {
        bound_is_below_optimum(&tiny(&sites, n_workers, days, minutes, depot))?;
    }
}
