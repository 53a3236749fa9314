//! The built-in solver: cut a giant tour into worker-days (splitting a site between
//! days or workers where a day is full), pull late work forward into earlier
//! worker-days, then improve the routes by local search. Deterministic.

use super::Planner;
use super::improve::{Budget, improve};
use super::problem::{Problem, Route, Solution, Stop};
use super::route::RouteState;
use super::tour::giant_tour;

/// Effort limits of [`HeuristicPlanner`]; counted in rounds, not seconds, so the same
/// input always gives the same plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeuristicPlanner {
    /// Rounds of local search (every operator over every route once per round).
    pub max_rounds: u32,
    /// Whether work may move to any worker-day within the deadline when that saves
    /// travel (the cost), rather than only to the days the first cut needed (the
    /// earliest finish).
    pub spread_within_deadline: bool,
    /// Most move evaluations of the local search (a thousand sites use about 12
    /// million; 100 million take roughly a second).
    pub max_evaluations: u64,
}

impl Default for HeuristicPlanner {
    fn default() -> Self {
        Self {
            max_rounds: 200,
            spread_within_deadline: true,
            max_evaluations: 200_000_000,
        }
    }
}

impl Planner for HeuristicPlanner {
    fn solve(&self, problem: &Problem) -> Solution {
        let order = giant_tour(problem);
        let routes = fill(problem, &order);
        let last = routes.iter().map(|r| r.day).max();
        let Some(mut last) = last else {
            return Solution::default();
        };
        if self.spread_within_deadline {
            last = last.max(problem.deadline_days.saturating_sub(1));
        }
        let mut states = all_slots(problem, last, routes);
        pull_forward(problem, &mut states);
        let mut budget = Budget(self.max_evaluations);
        improve(problem, &mut states, self.max_rounds, &mut budget);
        Solution {
            routes: states
                .into_iter()
                .map(RouteState::into_route)
                .filter(|r| !r.stops.is_empty())
                .collect(),
        }
    }
}

/// Cuts `order` into routes, slot by slot (day-major), each filled until the next
/// terminal no longer fits; a site that does not fit whole is continued by the next
/// slot. Stops early when the horizon's slots run out.
fn fill(problem: &Problem, order: &[usize]) -> Vec<Route> {
    let m = u64::from(problem.work_minutes_per_terminal);
    let window = u64::from(problem.window_minutes);
    let home = problem.home();
    let mut routes = Vec::new();
    let mut k = 0;
    let mut left = order.first().map_or(0, |&s| problem.site_terminals[s]);
    for (d, w) in problem.slots(problem.days.len()) {
        if k == order.len() {
            break;
        }
        let p = problem.days[d].profile;
        let mut route = Route {
            day: d,
            worker: w,
            stops: Vec::new(),
        };
        let (mut used, mut at) = (0u64, home);
        loop {
            let s = order[k];
            let arrive = u64::from(problem.t(p, at, s));
            let back = u64::from(problem.t(p, s, home));
            let free = window.saturating_sub(used + arrive + back);
            let q = u64::from(left).min(free / m);
            if q == 0 {
                break;
            }
            let q = u32::try_from(q).expect("q is at most the site's terminals");
            route.stops.push(Stop {
                site: s,
                terminals: q,
            });
            used += arrive + u64::from(q) * m;
            at = s;
            left -= q;
            if left > 0 {
                break;
            }
            k += 1;
            match order.get(k) {
                Some(&next) => left = problem.site_terminals[next],
                None => break,
            }
        }
        if !route.stops.is_empty() {
            routes.push(route);
        }
    }
    routes
}

/// Every slot of days `0..=last` as a route state, holding `routes` in their slots.
fn all_slots(problem: &Problem, last: usize, routes: Vec<Route>) -> Vec<RouteState> {
    let mut by_slot = routes.into_iter().peekable();
    let mut states = Vec::new();
    for (d, w) in problem.slots(last + 1) {
        let route = match by_slot.peek() {
            Some(r) if r.day == d && r.worker == w => by_slot.next(),
            _ => None,
        }
        .unwrap_or(Route {
            day: d,
            worker: w,
            stops: Vec::new(),
        });
        states.push(RouteState::new(problem, route));
    }
    states
}

/// While the plan ends after the deadline, tries to move all work of its last day
/// into earlier worker-days (cheapest insertion, splitting stops where only part
/// fits); drops the last day when that succeeds and stops at the first failure.
fn pull_forward(problem: &Problem, states: &mut Vec<RouteState>) {
    loop {
        let Some(last) = states
            .iter()
            .filter(|s| !s.route.stops.is_empty())
            .map(|s| s.route.day)
            .max()
        else {
            return;
        };
        if last < problem.deadline_days {
            return;
        }
        let before = states.clone();
        let (early, late): (Vec<RouteState>, Vec<RouteState>) = std::mem::take(states)
            .into_iter()
            .partition(|s| s.route.day < last);
        *states = early;
        let pending: Vec<Stop> = late
            .iter()
            .flat_map(|s| s.route.stops.iter().copied())
            .collect();
        if !pending
            .iter()
            .all(|&stop| insert_anywhere(problem, states, stop))
        {
            *states = before;
            return;
        }
    }
}

/// Inserts all terminals of `stop` into `states` at the cheapest places with room,
/// part by part; false if they do not all fit.
fn insert_anywhere(problem: &Problem, states: &mut [RouteState], stop: Stop) -> bool {
    let mut left = stop.terminals;
    while left > 0 {
        let best = states
            .iter()
            .enumerate()
            .filter_map(|(r, s)| {
                s.best_insertion(problem, stop.site)
                    .map(|(pos, extra, fit)| (r, pos, extra, fit))
            })
            .min_by_key(|&(r, _, extra, fit)| (extra, std::cmp::Reverse(fit), r));
        let Some((r, pos, _, fit)) = best else {
            return false;
        };
        let q = left.min(fit);
        states[r].insert(
            problem,
            pos,
            Stop {
                site: stop.site,
                terminals: q,
            },
        );
        left -= q;
    }
    true
}
