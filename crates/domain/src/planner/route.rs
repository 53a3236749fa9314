//! A worker-day route under local search: its stops with cached travel and work
//! minutes, and the insertion and removal costs the operators need.

use super::problem::{Problem, Route, Stop};

/// A route with its profile and cached travel and work minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RouteState {
    pub route: Route,
    pub profile: usize,
    pub travel: u64,
    pub work: u64,
}

impl RouteState {
    /// The state of `route`, stops merged where the same site follows itself.
    pub fn new(problem: &Problem, route: Route) -> Self {
        let profile = problem.days[route.day].profile;
        let mut state = Self {
            route,
            profile,
            travel: 0,
            work: 0,
        };
        state.refresh(problem);
        state
    }

    /// The route, for the solution.
    pub fn into_route(self) -> Route {
        self.route
    }

    /// Merges adjacent stops at the same site and recomputes the cached sums.
    pub fn refresh(&mut self, problem: &Problem) {
        let stops = &mut self.route.stops;
        let mut merged: Vec<Stop> = Vec::with_capacity(stops.len());
        for s in stops.drain(..) {
            match merged.last_mut() {
                Some(last) if last.site == s.site => last.terminals += s.terminals,
                _ => merged.push(s),
            }
        }
        *stops = merged;
        self.travel = problem.route_travel(self.profile, stops);
        self.work = problem.route_work(stops);
    }

    /// Minutes of the day this route takes.
    pub fn duration(&self) -> i64 {
        to_i64(self.travel + self.work)
    }

    /// The node before stop `pos` (the home node for the first).
    pub fn before(&self, problem: &Problem, pos: usize) -> usize {
        pos.checked_sub(1)
            .map_or(problem.home(), |p| self.route.stops[p].site)
    }

    /// The node at stop `pos` (the home node past the last).
    pub fn at(&self, problem: &Problem, pos: usize) -> usize {
        self.route.stops.get(pos).map_or(problem.home(), |s| s.site)
    }

    /// Extra travel of putting `site` in front of stop `pos`.
    pub fn insertion_extra(&self, problem: &Problem, pos: usize, site: usize) -> i64 {
        let (a, b) = (self.before(problem, pos), self.at(problem, pos));
        let p = self.profile;
        i64::from(problem.t(p, a, site)) + i64::from(problem.t(p, site, b))
            - i64::from(problem.t(p, a, b))
    }

    /// Travel saved by taking out stop `pos`.
    pub fn removal_gain(&self, problem: &Problem, pos: usize) -> i64 {
        let site = self.route.stops[pos].site;
        let (a, b) = (self.before(problem, pos), self.at(problem, pos + 1));
        let p = self.profile;
        i64::from(problem.t(p, a, site)) + i64::from(problem.t(p, site, b))
            - i64::from(problem.t(p, a, b))
    }

    /// The cheapest place for (some terminals of) `site` with room for at least one:
    /// `(position, extra travel, terminals that fit)`.
    pub fn best_insertion(&self, problem: &Problem, site: usize) -> Option<(usize, i64, u32)> {
        let m = i64::from(problem.work_minutes_per_terminal);
        let window = i64::from(problem.window_minutes);
        (0..=self.route.stops.len())
            .filter_map(|pos| {
                let extra = self.insertion_extra(problem, pos, site);
                let fit = (window - self.duration() - extra) / m;
                (fit >= 1).then(|| (pos, extra, u32::try_from(fit).unwrap_or(u32::MAX)))
            })
            .min_by_key(|&(pos, extra, _)| (extra, pos))
    }

    /// Puts `stop` in front of stop `pos`.
    pub fn insert(&mut self, problem: &Problem, pos: usize, stop: Stop) {
        self.route.stops.insert(pos, stop);
        self.refresh(problem);
    }
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
