//! The giant tour: one short open path through every site (nearest neighbour, then
//! 2-opt over near neighbours), which the construction cuts into worker-days.

use super::problem::Problem;

/// How many nearest sites each site's 2-opt looks at.
const NEIGHBOURS: usize = 12;
/// At most this many sweeps over the path.
const MAX_SWEEPS: usize = 50;

/// A short open path over all sites, starting at the depot's nearest site when there is
/// a depot; symmetric weights (there and back) under the first day's profile.
pub(super) fn giant_tour(problem: &Problem) -> Vec<usize> {
    let n = problem.site_terminals.len();
    if n == 0 {
        return Vec::new();
    }
    let profile = problem.days.first().map_or(0, |d| d.profile);
    let w = |a: usize, b: usize| {
        u64::from(problem.t(profile, a, b)) + u64::from(problem.t(profile, b, a))
    };
    let first = match problem.depot {
        Some(depot) => (0..n).min_by_key(|&s| (w(depot, s), s)).unwrap_or(0),
        None => 0,
    };
    let mut path = nearest_neighbour(n, first, &w);
    let neighbours = neighbour_lists(n, &w);
    two_opt(&mut path, &neighbours, &w, problem.depot.is_some());
    path
}

/// The path that always goes on to the nearest unvisited site (ties: lowest index).
fn nearest_neighbour(n: usize, first: usize, w: &impl Fn(usize, usize) -> u64) -> Vec<usize> {
    let mut visited = vec![false; n];
    let mut path = Vec::with_capacity(n);
    let mut at = first;
    visited[at] = true;
    path.push(at);
    for _ in 1..n {
        let next = (0..n)
            .filter(|&s| !visited[s])
            .min_by_key(|&s| (w(at, s), s))
            .expect("fewer sites on the path than sites");
        visited[next] = true;
        path.push(next);
        at = next;
    }
    path
}

/// For each site its nearest other sites, nearest first.
fn neighbour_lists(n: usize, w: &impl Fn(usize, usize) -> u64) -> Vec<Vec<usize>> {
    (0..n)
        .map(|a| {
            let mut others: Vec<usize> = (0..n).filter(|&b| b != a).collect();
            let k = NEIGHBOURS.min(others.len());
            if k < others.len() {
                others.select_nth_unstable_by_key(k, |&b| (w(a, b), b));
                others.truncate(k);
            }
            others.sort_by_key(|&b| (w(a, b), b));
            others
        })
        .collect()
}

/// Improves the open path by reversing segments while that shortens it; with
/// `fixed_start` the first site stays first (it is the one nearest the depot).
fn two_opt(
    path: &mut [usize],
    neighbours: &[Vec<usize>],
    w: &impl Fn(usize, usize) -> u64,
    fixed_start: bool,
) {
    let n = path.len();
    if n < 3 {
        return;
    }
    let mut pos = vec![0; n];
    for (i, &s) in path.iter().enumerate() {
        pos[s] = i;
    }
    for _ in 0..MAX_SWEEPS {
        let mut improved = false;
        for i in 0..n - 1 {
            let (a, b) = (path[i], path[i + 1]);
            let ab = w(a, b);
            for &c in &neighbours[a] {
                let ac = w(a, c);
                if ac >= ab {
                    break;
                }
                let j = pos[c];
                if j == i + 1 {
                    continue;
                }
                // Removing a-b and c-d, adding a-c and b-d (no d at the path's end),
                // with d after c; the segment between the two edges is reversed.
                let d = path.get(j + 1).copied();
                let (old, new) = match d {
                    Some(d) => (ab + w(c, d), ac + w(b, d)),
                    None => (ab, ac),
                };
                if new < old {
                    if j > i {
                        reverse(path, &mut pos, i + 1, j);
                    } else {
                        reverse(path, &mut pos, j + 1, i);
                    }
                    improved = true;
                    break;
                }
            }
        }
        improved |= reverse_head(path, &mut pos, w, fixed_start);
        if !improved {
            break;
        }
    }
}

/// Tries reversing a prefix (the path's start is free unless fixed).
fn reverse_head(
    path: &mut [usize],
    pos: &mut [usize],
    w: &impl Fn(usize, usize) -> u64,
    fixed_start: bool,
) -> bool {
    if fixed_start {
        return false;
    }
    let n = path.len();
    let (best_j, best_gain) = (1..n - 1)
        .map(|j| {
            let old = w(path[j], path[j + 1]);
            let new = w(path[0], path[j + 1]);
            (j, old.saturating_sub(new))
        })
        .max_by_key(|&(j, g)| (g, std::cmp::Reverse(j)))
        .unwrap_or((0, 0));
    if best_gain > 0 {
        reverse(path, pos, 0, best_j);
        true
    } else {
        false
    }
}

/// Reverses `path[from..=to]` and keeps `pos` in step.
fn reverse(path: &mut [usize], pos: &mut [usize], from: usize, to: usize) {
    path[from..=to].reverse();
    for (k, &s) in path[from..=to].iter().enumerate() {
        pos[s] = from + k;
    }
}
