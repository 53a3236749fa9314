//! Local search over worker-day routes: moves that shorten total travel while every
//! route still fits its working window. Only strictly improving moves are taken and
//! the scan order is fixed, so the result is deterministic.

use super::problem::{Problem, Stop};
use super::route::RouteState;

/// Move evaluations left; a count, not a clock, so that results never depend on the
/// machine's speed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Budget(pub u64);

impl Budget {
    /// Uses up `n` evaluations; false once none are left.
    fn spend(&mut self, n: usize) -> bool {
        self.0 = self.0.saturating_sub(n as u64);
        self.0 > 0
    }
}

/// Runs all operators round after round until none improves, `max_rounds` are done
/// or the budget is used up.
pub(super) fn improve(
    problem: &Problem,
    states: &mut [RouteState],
    max_rounds: u32,
    budget: &mut Budget,
) {
    for r in states.iter_mut() {
        improve_within(problem, r, budget);
    }
    for _ in 0..max_rounds {
        let mut improved = relocate(problem, states, budget);
        improved |= swap(problem, states, budget);
        improved |= exchange_tails(problem, states, budget);
        for r in states.iter_mut() {
            improved |= improve_within(problem, r, budget);
        }
        if !improved || budget.0 == 0 {
            break;
        }
    }
}

/// Reorders one route (2-opt reversals and moves of one stop) while that shortens it.
fn improve_within(problem: &Problem, state: &mut RouteState, budget: &mut Budget) -> bool {
    let mut any = false;
    loop {
        let n = state.route.stops.len();
        if !budget.spend(2 * n * n * n) {
            return any;
        }
        let current = state.travel;
        let mut best: Option<(u64, Vec<Stop>)> = None;
        let mut consider = |candidate: Vec<Stop>| {
            let t = problem.route_travel(state.profile, &candidate);
            if t < best.as_ref().map_or(current, |b| b.0) {
                best = Some((t, candidate));
            }
        };
        for i in 0..n {
            for j in (i + 1)..n {
                let mut c = state.route.stops.clone();
                c[i..=j].reverse();
                consider(c);
            }
            for j in 0..n {
                if j != i {
                    let mut c = state.route.stops.clone();
                    let s = c.remove(i);
                    c.insert(j, s);
                    consider(c);
                }
            }
        }
        match best {
            Some((_, stops)) => {
                state.route.stops = stops;
                state.refresh(problem);
                any = true;
            }
            None => return any,
        }
    }
}

/// Moves single stops to the best place in another route when that saves travel.
fn relocate(problem: &Problem, states: &mut [RouteState], budget: &mut Budget) -> bool {
    let positions: usize = states.iter().map(|s| s.route.stops.len() + 1).sum();
    let m = i64::from(problem.work_minutes_per_terminal);
    let window = i64::from(problem.window_minutes);
    let mut any = false;
    for a in 0..states.len() {
        let mut i = 0;
        while i < states[a].route.stops.len() {
            if !budget.spend(positions) {
                return any;
            }
            let stop = states[a].route.stops[i];
            let gain_out = states[a].removal_gain(problem, i);
            let work = i64::from(stop.terminals) * m;
            let mut best: Option<(i64, usize, usize)> = None;
            for (b, target) in states.iter().enumerate() {
                if b == a {
                    continue;
                }
                for pos in 0..=target.route.stops.len() {
                    let extra = target.insertion_extra(problem, pos, stop.site);
                    let gain = gain_out - extra;
                    if gain > best.map_or(0, |x| x.0) && target.duration() + extra + work <= window
                    {
                        best = Some((gain, b, pos));
                    }
                }
            }
            match best {
                Some((_, b, pos)) => {
                    states[a].route.stops.remove(i);
                    states[a].refresh(problem);
                    states[b].insert(problem, pos, stop);
                    any = true;
                }
                None => i += 1,
            }
        }
    }
    any
}

/// Exchanges two stops of different routes when that saves travel.
fn swap(problem: &Problem, states: &mut [RouteState], budget: &mut Budget) -> bool {
    let m = i64::from(problem.work_minutes_per_terminal);
    let window = i64::from(problem.window_minutes);
    let mut any = false;
    for a in 0..states.len() {
        for b in (a + 1)..states.len() {
            if !budget.spend(states[a].route.stops.len() * states[b].route.stops.len() + 1) {
                return any;
            }
            let mut i = 0;
            while i < states[a].route.stops.len() {
                let mut swapped = false;
                for j in 0..states[b].route.stops.len() {
                    let (x, y) = (states[a].route.stops[i], states[b].route.stops[j]);
                    if x.site == y.site {
                        continue;
                    }
                    let da = replace_delta(problem, &states[a], i, y.site);
                    let db = replace_delta(problem, &states[b], j, x.site);
                    let dw = (i64::from(y.terminals) - i64::from(x.terminals)) * m;
                    if da + db < 0
                        && states[a].duration() + da + dw <= window
                        && states[b].duration() + db - dw <= window
                    {
                        states[a].route.stops[i] = y;
                        states[b].route.stops[j] = x;
                        states[a].refresh(problem);
                        states[b].refresh(problem);
                        any = true;
                        swapped = true;
                        break;
                    }
                }
                if !swapped {
                    i += 1;
                }
            }
        }
    }
    any
}

/// Travel change of replacing stop `pos`'s site by `site`.
fn replace_delta(problem: &Problem, state: &RouteState, pos: usize, site: usize) -> i64 {
    let (a, b) = (state.before(problem, pos), state.at(problem, pos + 1));
    let old = state.route.stops[pos].site;
    let p = state.profile;
    let leg = |x: usize, y: usize| i64::from(problem.t(p, x, y));
    leg(a, site) + leg(site, b) - leg(a, old) - leg(old, b)
}

/// One end of a route part: first node, last node, travel inside, work.
#[derive(Debug, Clone, Copy)]
struct Part {
    ends: Option<(usize, usize)>,
    travel: u64,
    work: u64,
}

/// Internal travel and work of every prefix and suffix of a route.
fn parts(problem: &Problem, s: &RouteState) -> (Vec<Part>, Vec<Part>) {
    let stops = &s.route.stops;
    let n = stops.len();
    let m = u64::from(problem.work_minutes_per_terminal);
    let mut heads = vec![Part {
        ends: None,
        travel: 0,
        work: 0,
    }];
    for k in 0..n {
        let prev = heads[k];
        let step = if k == 0 {
            0
        } else {
            u64::from(problem.t(s.profile, stops[k - 1].site, stops[k].site))
        };
        heads.push(Part {
            ends: Some((stops[0].site, stops[k].site)),
            travel: prev.travel + step,
            work: prev.work + u64::from(stops[k].terminals) * m,
        });
    }
    let tails = (0..=n)
        .map(|k| Part {
            ends: (k < n).then(|| (stops[k].site, stops[n - 1].site)),
            travel: if k < n {
                heads[n].travel - heads[k + 1].travel
            } else {
                0
            },
            work: heads[n].work - heads[k].work,
        })
        .collect();
    (heads, tails)
}

/// Travel and work of `head` followed by `tail` as one route under `profile`.
fn joined(problem: &Problem, profile: usize, head: Part, tail: Part) -> (u64, u64) {
    let home = problem.home();
    let leg = |x: usize, y: usize| u64::from(problem.t(profile, x, y));
    let travel = match (head.ends, tail.ends) {
        (None, None) => 0,
        (Some((f, l)), None) | (None, Some((f, l))) => {
            leg(home, f) + head.travel + tail.travel + leg(l, home)
        }
        (Some((f, hl)), Some((tf, l))) => {
            leg(home, f) + head.travel + leg(hl, tf) + tail.travel + leg(l, home)
        }
    };
    (travel, head.work + tail.work)
}

/// 2-opt*: exchanges the tails of two routes of the same profile when that saves
/// travel (with an empty route this splits a route in two).
fn exchange_tails(problem: &Problem, states: &mut [RouteState], budget: &mut Budget) -> bool {
    let window = u64::from(problem.window_minutes);
    let mut any = false;
    for a in 0..states.len() {
        for b in (a + 1)..states.len() {
            let (sa, sb) = (&states[a], &states[b]);
            if !budget.spend((sa.route.stops.len() + 1) * (sb.route.stops.len() + 1)) {
                return any;
            }
            if sa.profile != sb.profile || (sa.route.stops.is_empty() && sb.route.stops.is_empty())
            {
                continue;
            }
            let p = sa.profile;
            let (ha, ta) = parts(problem, sa);
            let (hb, tb) = parts(problem, sb);
            let (na, nb) = (sa.route.stops.len(), sb.route.stops.len());
            let current = sa.travel + sb.travel;
            let mut best: Option<(u64, usize, usize)> = None;
            for i in 0..=na {
                for j in 0..=nb {
                    if (i == 0 && j == 0) || (i == na && j == nb) {
                        continue;
                    }
                    let (t1, w1) = joined(problem, p, ha[i], tb[j]);
                    let (t2, w2) = joined(problem, p, hb[j], ta[i]);
                    if t1 + w1 <= window
                        && t2 + w2 <= window
                        && t1 + t2 < best.map_or(current, |x| x.0)
                    {
                        best = Some((t1 + t2, i, j));
                    }
                }
            }
            if let Some((_, i, j)) = best {
                let tail_a = states[a].route.stops.split_off(i);
                let tail_b = states[b].route.stops.split_off(j);
                states[a].route.stops.extend(tail_b);
                states[b].route.stops.extend(tail_a);
                states[a].refresh(problem);
                states[b].refresh(problem);
                any = true;
            }
        }
    }
    any
}
