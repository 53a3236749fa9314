//! Lower bounds (R4.4): no plan does the work with less travel, or in fewer business
//! days, than these.
//!
//! Travel, for plans that use only the worker-days of the first `n_days` days:
//!
//! * Without a depot a worker-day starts at its first site for free, so with `R`
//!   worker-days and `n` sites at least `n - R` sites are entered from another site.
//!   Two bounds hold: (a) the `n - R` smallest "cheapest way in" of the sites; (b) the
//!   routes, taken together as an undirected graph over the sites, have at most `R`
//!   components and reach every site, so they weigh at least the cheapest spanning
//!   forest with `R` trees: the minimum spanning tree less its `R - 1` heaviest edges.
//! * With a depot every route is a closed walk through the depot, so the routes weigh
//!   at least the minimum spanning tree over sites and depot; and every site is entered
//!   once and every route returns to the depot, with at least `ceil(work / window)`
//!   routes.
//!
//! Edge weights are the smaller of both directions under the fastest profile in use, so
//! splitting a site over several visits or days never makes a bound invalid.

use super::problem::Problem;

/// The travel lower bound in minutes for plans within the first `n_days` days.
pub(super) fn travel_lower_bound(problem: &Problem, n_days: usize) -> u64 {
    let n = problem.site_terminals.len();
    let days = &problem.days[..n_days.min(problem.days.len())];
    let routes: usize = days.iter().map(|d| d.workers.len()).sum();
    let mut profiles: Vec<usize> = days.iter().map(|d| d.profile).collect();
    profiles.sort_unstable();
    profiles.dedup();
    if n == 0 || routes == 0 || profiles.is_empty() {
        return 0;
    }
    let directed = |a: usize, b: usize| {
        profiles
            .iter()
            .map(|&p| problem.t(p, a, b))
            .min()
            .unwrap_or(0)
    };
    let weight = |a: usize, b: usize| u64::from(directed(a, b).min(directed(b, a)));
    match problem.depot {
        None => {
            let mut tree = spanning_tree_edges(n, &weight);
            tree.sort_unstable_by(|a, b| b.cmp(a));
            let forest: u64 = tree.iter().skip(routes - 1).sum();
            let mut ways_in: Vec<u64> = (0..n)
                .map(|s| {
                    (0..n)
                        .filter(|&o| o != s)
                        .map(|o| u64::from(directed(o, s)))
                        .min()
                        .unwrap_or(0)
                })
                .collect();
            ways_in.sort_unstable();
            let entered: u64 = ways_in.iter().take(n.saturating_sub(routes)).sum();
            forest.max(entered)
        }
        Some(depot) => {
            let tree: u64 = spanning_tree_edges(n + 1, &weight).iter().sum();
            let ways_in: u64 = (0..n)
                .map(|s| {
                    (0..=n)
                        .filter(|&o| o != s)
                        .map(|o| u64::from(directed(o, s)))
                        .min()
                        .unwrap_or(0)
                })
                .sum();
            let home_again = (0..n)
                .map(|s| u64::from(directed(s, depot)))
                .min()
                .unwrap_or(0);
            let window = u64::from(problem.window_minutes).max(1);
            let min_routes = work_minutes(problem).div_ceil(window);
            tree.max(ways_in + home_again * min_routes)
        }
    }
}

/// All work minutes (fixed whatever the plan).
pub(super) fn work_minutes(problem: &Problem) -> u64 {
    problem.total_terminals() * u64::from(problem.work_minutes_per_terminal)
}

/// The fewest business days whose worker-days can hold every terminal, travel
/// ignored (`None` if the horizon's never can).
pub(super) fn days_lower_bound(problem: &Problem) -> Option<usize> {
    let per_day = u64::from(problem.window_minutes / problem.work_minutes_per_terminal.max(1));
    let need = problem.total_terminals();
    if need == 0 {
        return Some(0);
    }
    let mut held = 0u64;
    for (d, day) in problem.days.iter().enumerate() {
        held += per_day * day.workers.len() as u64;
        if held >= need {
            return Some(d + 1);
        }
    }
    None
}

/// The edge weights of a minimum spanning tree over nodes `0..n` (Prim, O(n^2)).
fn spanning_tree_edges(n: usize, weight: &impl Fn(usize, usize) -> u64) -> Vec<u64> {
    if n < 2 {
        return Vec::new();
    }
    let mut in_tree = vec![false; n];
    let mut best = vec![u64::MAX; n];
    let mut edges = Vec::with_capacity(n - 1);
    in_tree[0] = true;
    for (v, b) in best.iter_mut().enumerate().skip(1) {
        *b = weight(0, v);
    }
    for _ in 1..n {
        let (next, w) = (0..n)
            .filter(|&v| !in_tree[v])
            .map(|v| (v, best[v]))
            .min_by_key(|&(v, w)| (w, v))
            .expect("a node is still outside the tree");
        in_tree[next] = true;
        edges.push(w);
        for (v, b) in best.iter_mut().enumerate() {
            if !in_tree[v] {
                *b = (*b).min(weight(next, v));
            }
        }
    }
    edges
}
