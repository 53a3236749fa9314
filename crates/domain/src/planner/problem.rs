//! The planning problem in solver terms (indices and minutes), built from a checked
//! [`PlanInput`], and the solver's answer: routes of stops per worker-day.

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;

use super::explain::{Finding, FindingKind, PlanError};
use super::model::PlanInput;
use super::travel::{self, Place, TravelTable};
use crate::calendar::BusinessCalendar;

/// The most business days a plan may span (about a year) unless the deadline is longer.
pub const MAX_PLAN_BUSINESS_DAYS: usize = 245;
/// The node standing for "no place": the free start and end of a day without depot.
pub const OPEN: usize = usize::MAX;
/// How many duplicate terminals are reported one by one.
const LISTED_DUPLICATES: usize = 10;

/// One business day of the horizon and who can work on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    /// The travel profile of the date (see [`TravelTable::profile_of`]).
    pub profile: usize,
    /// Indices of the workers available on this day, ascending.
    pub workers: Vec<usize>,
}

/// What a solver sees: sites to visit (places `0..n` of the travel table), the depot
/// (place `n`, if any), and the business days in order from business day 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Terminals to work on per site (every entry is at least 1).
    pub site_terminals: Vec<u32>,
    pub work_minutes_per_terminal: u32,
    /// Minutes in a working window (510 for 08:45-17:15).
    pub window_minutes: u32,
    /// The depot's place index, if workers start and end there.
    pub depot: Option<usize>,
    pub travel: TravelTable,
    /// Business days from day 1 through the horizon; a route's `day` indexes this.
    pub days: Vec<Day>,
    /// How many of `days` are within the deadline.
    pub deadline_days: usize,
    /// How many workers there are (indices `0..worker_count`).
    pub worker_count: usize,
}

/// One stop of a route: some terminals of one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    pub site: usize,
    pub terminals: u32,
}

/// One worker's visits on one day, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub day: usize,
    pub worker: usize,
    pub stops: Vec<Stop>,
}

/// A solver's answer: routes covering every terminal of every site.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Solution {
    pub routes: Vec<Route>,
}

impl Problem {
    /// Where every day starts and ends: the depot, or [`OPEN`].
    pub fn home(&self) -> usize {
        self.depot.unwrap_or(OPEN)
    }

    /// Travel minutes between nodes under `profile`; 0 to or from [`OPEN`].
    pub fn t(&self, profile: usize, from: usize, to: usize) -> u32 {
        if from == OPEN || to == OPEN {
            0
        } else {
            self.travel.minutes(profile, from, to)
        }
    }

    /// All terminals of all sites.
    pub fn total_terminals(&self) -> u64 {
        self.site_terminals.iter().map(|&t| u64::from(t)).sum()
    }

    /// The travel minutes of a route with these stops under `profile`, legs to and from
    /// the depot included (0 for no stops).
    pub fn route_travel(&self, profile: usize, stops: &[Stop]) -> u64 {
        let Some(first) = stops.first() else {
            return 0;
        };
        let home = self.home();
        let mut sum = u64::from(self.t(profile, home, first.site));
        for w in stops.windows(2) {
            sum += u64::from(self.t(profile, w[0].site, w[1].site));
        }
        sum + u64::from(self.t(profile, stops[stops.len() - 1].site, home))
    }

    /// Work minutes of these stops.
    pub fn route_work(&self, stops: &[Stop]) -> u64 {
        stops
            .iter()
            .map(|s| u64::from(s.terminals) * u64::from(self.work_minutes_per_terminal))
            .sum()
    }

    /// The slots (day index, worker) of `days[..n_days]` in day-major order.
    pub fn slots(&self, n_days: usize) -> Vec<(usize, usize)> {
        self.days[..n_days.min(self.days.len())]
            .iter()
            .enumerate()
            .flat_map(|(d, day)| day.workers.iter().map(move |&w| (d, w)))
            .collect()
    }

    /// A copy with `extra` more workers, available on every day of the horizon.
    pub fn with_extra_workers(&self, extra: usize) -> Problem {
        let mut p = self.clone();
        for day in &mut p.days {
            day.workers
                .extend(self.worker_count..self.worker_count + extra);
        }
        p.worker_count += extra;
        p
    }
}

/// A checked input: the problem plus what maps it back to the input.
#[derive(Debug, Clone)]
pub(super) struct Prepared {
    pub problem: Problem,
    /// For each problem site, its index in `input.sites`.
    pub site_input: Vec<usize>,
}

/// Checks `input` and builds the problem, or explains everything that is wrong.
pub(super) fn prepare(
    input: &PlanInput,
    calendar: &BusinessCalendar,
) -> Result<Prepared, PlanError> {
    let mut errors = check_input(input);
    let hours = calendar.working_hours();
    let window = u32::try_from((hours.end - hours.start).num_minutes()).unwrap_or(0);
    if input.work_minutes_per_terminal > window {
        errors.push(Finding::new(FindingKind::TerminalLongerThanDay {
            work_minutes: input.work_minutes_per_terminal,
            window_minutes: window,
        }));
    }
    let site_input: Vec<usize> = (0..input.sites.len())
        .filter(|&i| !input.sites[i].terminal_ids.is_empty())
        .collect();
    let mut places: Vec<Place<'_>> = site_input
        .iter()
        .map(|&i| {
            let s = &input.sites[i];
            Place {
                code: s.code.trim(),
                name: &s.name,
                lat: s.lat,
                lon: s.lon,
            }
        })
        .collect();
    if let Some(d) = &input.depot {
        places.push(Place {
            code: d.code.trim(),
            name: &d.name,
            lat: d.lat,
            lon: d.lon,
        });
    }
    let travel = match travel::build(&input.travel, &places) {
        Ok(t) => Some(t),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let days = horizon(input, calendar, travel.as_ref());
    if days.is_empty() {
        errors.push(Finding::new(FindingKind::NoBusinessDay));
    }
    let (Some(travel), true) = (travel, errors.is_empty()) else {
        return Err(PlanError { findings: errors });
    };
    let problem = Problem {
        site_terminals: site_input
            .iter()
            .map(|&i| u32::try_from(input.sites[i].terminal_ids.len()).unwrap_or(u32::MAX))
            .collect(),
        work_minutes_per_terminal: input.work_minutes_per_terminal,
        window_minutes: window,
        depot: input.depot.as_ref().map(|_| site_input.len()),
        travel,
        deadline_days: (input.deadline_business_days as usize).min(days.len()),
        days,
        worker_count: input.workers.len(),
    };
    check_reachable(&problem, input, &site_input)?;
    Ok(Prepared {
        problem,
        site_input,
    })
}

/// Input errors that need neither the calendar nor the travel model.
fn check_input(input: &PlanInput) -> Vec<Finding> {
    let mut errors = Vec::new();
    let invalid = |field: &str, detail: &str| {
        Finding::new(FindingKind::InvalidInput {
            field: field.to_owned(),
            detail: detail.to_owned(),
        })
    };
    if input.deadline_business_days == 0 {
        errors.push(invalid(
            "deadline_business_days",
            "期限の営業日数は1以上で指定してください。",
        ));
    }
    if input.work_minutes_per_terminal == 0 {
        errors.push(invalid(
            "work_minutes_per_terminal",
            "端末1台あたりの作業時間（分）は1以上で指定してください。",
        ));
    }
    if input.workers.is_empty() {
        errors.push(Finding::new(FindingKind::NoWorkers));
    }
    let mut codes = HashSet::new();
    for s in &input.sites {
        if !codes.insert(s.code.trim()) {
            errors.push(Finding::new(FindingKind::DuplicateSiteCode {
                code: s.code.trim().to_owned(),
            }));
        }
    }
    let mut seen = HashSet::new();
    let mut duplicates = 0;
    for &id in input.sites.iter().flat_map(|s| &s.terminal_ids) {
        if !seen.insert(id) && duplicates < LISTED_DUPLICATES {
            duplicates += 1;
            errors.push(Finding::new(FindingKind::DuplicateTerminal {
                terminal_id: id,
            }));
        }
    }
    errors
}

/// Business days from day 1 with the workers available on each, up to
/// [`MAX_PLAN_BUSINESS_DAYS`] (or the deadline if longer), stopping after the last
/// date any worker is available when every worker has an explicit list.
fn horizon(
    input: &PlanInput,
    calendar: &BusinessCalendar,
    travel: Option<&TravelTable>,
) -> Vec<Day> {
    let available: Vec<Option<HashSet<NaiveDate>>> = input
        .workers
        .iter()
        .map(|w| w.available.as_ref().map(|d| d.iter().copied().collect()))
        .collect();
    let all_listed = available.iter().all(Option::is_some);
    let last_listed = input
        .workers
        .iter()
        .flat_map(|w| w.available.iter().flatten())
        .max()
        .copied();
    let need = input.deadline_business_days as usize;
    let cap = MAX_PLAN_BUSINESS_DAYS.max(need);
    let mut days = Vec::new();
    let mut date = first_business_day(calendar, input.start);
    while let Some(d) = date {
        let past_listed = all_listed && last_listed.is_none_or(|last| d > last);
        if days.len() >= cap || (days.len() >= need && past_listed) {
            break;
        }
        let workers = (0..available.len())
            .filter(|&w| available[w].as_ref().is_none_or(|set| set.contains(&d)))
            .collect();
        days.push(Day {
            date: d,
            profile: travel.map_or(0, |t| t.profile_of(d)),
            workers,
        });
        date = next_business_day(calendar, d);
    }
    days
}

/// `date` if it is a business day, else the next one (`None` if there is none).
pub(super) fn first_business_day(
    calendar: &BusinessCalendar,
    date: NaiveDate,
) -> Option<NaiveDate> {
    if calendar.is_business_day(date) {
        Some(date)
    } else {
        next_business_day(calendar, date)
    }
}

/// The business day after `date`, `None` if the calendar has none.
fn next_business_day(calendar: &BusinessCalendar, date: NaiveDate) -> Option<NaiveDate> {
    let next = calendar.add_business_days(date, 1);
    (next != NaiveDate::MAX).then_some(next)
}

/// With a depot, every site must fit one terminal plus the round trip in a day under
/// every profile the horizon uses.
fn check_reachable(
    problem: &Problem,
    input: &PlanInput,
    site_input: &[usize],
) -> Result<(), PlanError> {
    let (Some(depot), Some(depot_input)) = (problem.depot, input.depot.as_ref()) else {
        return Ok(());
    };
    let profiles: BTreeSet<usize> = problem.days.iter().map(|d| d.profile).collect();
    let mut errors = Vec::new();
    for (s, &i) in site_input.iter().enumerate() {
        let worst = profiles
            .iter()
            .map(|&p| {
                problem
                    .t(p, depot, s)
                    .saturating_add(problem.t(p, s, depot))
            })
            .max()
            .unwrap_or(0);
        if u64::from(worst) + u64::from(problem.work_minutes_per_terminal)
            > u64::from(problem.window_minutes)
        {
            errors.push(Finding::new(FindingKind::SiteUnreachable {
                code: input.sites[i].code.clone(),
                name: input.sites[i].name.clone(),
                depot_name: depot_input.name.clone(),
                round_trip_minutes: worst,
                window_minutes: problem.window_minutes,
            }));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PlanError { findings: errors })
    }
}
