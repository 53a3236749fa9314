//! Test support for the planner: the Sapporo ward offices, input builders, and the
//! check of every rule a plan must keep (R4.4, R5.2).
#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::*;
use crate::contract::Contract;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) fn fy2020() -> BusinessCalendar {
    BusinessCalendar::new(&Contract::builtin_default())
}

/// The 10 ward offices (shared/data/sapporo-ward-offices.csv): code, name, lat, lon.
pub(super) const WARD_OFFICES: [(&str, &str, f64, f64); 10] = [
    ("011011", "札幌市中央区役所", 43.05536, 141.34097),
    ("011029", "札幌市北区役所", 43.09083, 141.34083),
    ("011037", "札幌市東区役所", 43.07608, 141.36364),
    ("011045", "札幌市白石区役所", 43.04556, 141.39644),
    ("011088", "札幌市厚別区役所", 43.03633, 141.47472),
    ("011053", "札幌市豊平区役所", 43.03139, 141.38003),
    ("011100", "札幌市清田区役所", 42.99956, 141.44381),
    ("011061", "札幌市南区役所", 42.99000, 141.35344),
    ("011070", "札幌市西区役所", 43.07444, 141.30089),
    ("011096", "札幌市手稲区役所", 43.12192, 141.24583),
];

/// 47 terminals over the 10 ward offices.
pub(super) const TERMINALS_47: [usize; 10] = [8, 5, 5, 5, 4, 4, 4, 4, 4, 4];

/// The ward offices with `counts` terminals each (ids numbered from site id x 100).
pub(super) fn ward_sites(counts: &[usize]) -> Vec<PlanSite> {
    WARD_OFFICES
        .iter()
        .zip(counts)
        .enumerate()
        .map(|(i, (&(code, name, lat, lon), &n))| {
            let id = i as i64 + 1;
            PlanSite {
                id,
                code: code.to_owned(),
                name: name.to_owned(),
                lat: Some(lat),
                lon: Some(lon),
                terminal_ids: (0..n as i64).map(|t| id * 100 + t).collect(),
            }
        })
        .collect()
}

pub(super) fn workers(n: usize) -> Vec<PlanWorker> {
    (0..n)
        .map(|i| PlanWorker {
            id: 1000 + i as i64,
            name: format!("作業員{}", i + 1),
            available: None,
        })
        .collect()
}

pub(super) fn input(
    start: NaiveDate,
    sites: Vec<PlanSite>,
    workers: Vec<PlanWorker>,
    minutes: u32,
) -> PlanInput {
    PlanInput {
        start,
        deadline_business_days: Contract::builtin_default().all_site_deadline_business_days,
        sites,
        workers,
        work_minutes_per_terminal: minutes,
        travel: TravelModel::sapporo_default(),
        depot: None,
    }
}

/// The travel minutes the rules give from one place to another on `date`.
fn expected_travel(
    input: &PlanInput,
    date: NaiveDate,
    from: (&str, Option<f64>, Option<f64>),
    to: (&str, Option<f64>, Option<f64>),
) -> u32 {
    if from.0 == to.0 {
        return 0;
    }
    match &input.travel {
        TravelModel::Coordinates {
            road_factor,
            speed_kmh,
            winter_speed_kmh,
        } => {
            let km = travel::great_circle_km(
                from.1.unwrap(),
                from.2.unwrap(),
                to.1.unwrap(),
                to.2.unwrap(),
            );
            let speed = if matches!(date.month(), 12 | 1..=3) {
                winter_speed_kmh
            } else {
                speed_kmh
            };
            (km * road_factor / speed * 60.0 - 1e-9).ceil() as u32
        }
        TravelModel::Matrix { entries } => {
            entries
                .iter()
                .find(|e| e.from == from.0 && e.to == to.0)
                .or_else(|| entries.iter().find(|e| e.from == to.0 && e.to == from.0))
                .unwrap()
                .minutes
        }
    }
}

/// Checks every rule a plan must keep (R4.4, R5.2) against the input.
pub(super) fn assert_valid(input: &PlanInput, cal: &BusinessCalendar, plan: &Plan) {
    let hours = cal.working_hours();
    let m = input.work_minutes_per_terminal;
    let sites: HashMap<i64, &PlanSite> = input.sites.iter().map(|s| (s.id, s)).collect();
    fn place(s: &PlanSite) -> (&str, Option<f64>, Option<f64>) {
        (s.code.as_str(), s.lat, s.lon)
    }
    let depot = input
        .depot
        .as_ref()
        .map(|p| (p.code.as_str(), p.lat, p.lon));
    let mut seen = HashSet::new();
    let mut by_day: HashMap<(i64, NaiveDate), Vec<&PlannedVisit>> = HashMap::new();
    for v in &plan.visits {
        assert!(
            cal.is_business_day(v.date),
            "visit on closed day {}",
            v.date
        );
        assert!(v.date >= input.start);
        let worker = input.workers.iter().find(|w| w.id == v.worker_id).unwrap();
        if let Some(days) = &worker.available {
            assert!(
                days.contains(&v.date),
                "worker {} not available on {}",
                worker.name,
                v.date
            );
        }
        assert!(
            v.start >= hours.start && v.end <= hours.end,
            "{v:?} outside working hours"
        );
        assert!(!v.terminal_ids.is_empty());
        assert_eq!(
            (v.end - v.start).num_minutes(),
            i64::from(m) * v.terminal_ids.len() as i64
        );
        let site = sites[&v.site_id];
        assert_eq!(site.code, v.site_code);
        for t in &v.terminal_ids {
            assert!(
                site.terminal_ids.contains(t),
                "terminal {t} is not at site {}",
                site.code
            );
            assert!(seen.insert(*t), "terminal {t} planned twice");
        }
        by_day.entry((v.worker_id, v.date)).or_default().push(v);
    }
    let all: usize = input.sites.iter().map(|s| s.terminal_ids.len()).sum();
    assert_eq!(seen.len(), all, "every terminal exactly once");
    let mut travel_sum = 0u64;
    for ((worker, date), visits) in &by_day {
        let day = plan
            .days
            .iter()
            .find(|p| p.worker_id == *worker && p.date == *date)
            .unwrap();
        let mut clock = hours.start;
        let mut at = depot;
        for (k, v) in visits.iter().enumerate() {
            assert_eq!(
                v.order as usize,
                k + 1,
                "orders are 1, 2, ... in plan order"
            );
            let here = place(sites[&v.site_id]);
            let leg = at.map_or(0, |a| expected_travel(input, *date, a, here));
            assert_eq!(v.travel_minutes_before, leg, "travel before {v:?}");
            assert!(
                v.start >= clock + chrono::TimeDelta::minutes(i64::from(leg)),
                "overlap or too little travel: {v:?}"
            );
            clock = v.end;
            at = Some(here);
            travel_sum += u64::from(leg);
        }
        let back = match (at, depot) {
            (Some(a), Some(h)) => expected_travel(input, *date, a, h),
            _ => 0,
        };
        assert_eq!(day.return_travel_minutes, back);
        assert!(
            clock + chrono::TimeDelta::minutes(i64::from(back)) <= hours.end,
            "back after closing"
        );
        travel_sum += u64::from(back);
    }
    assert_eq!(plan.days.len(), by_day.len());
    assert_eq!(plan.totals.travel_minutes, travel_sum);
    assert_eq!(plan.totals.work_minutes, all as u64 * u64::from(m));
    assert_eq!(
        plan.totals.cost_minutes,
        plan.totals.travel_minutes + plan.totals.work_minutes
    );
    assert!(
        plan.totals.cost_minutes >= plan.lower_bound.cost_minutes,
        "cost below the lower bound"
    );
    assert_eq!(plan.lower_bound.work_minutes, plan.totals.work_minutes);
    assert_eq!(
        plan.within_deadline,
        plan.totals.last_date.is_none_or(|l| l <= plan.deadline)
    );
    assert!(plan.first_day >= input.start && cal.is_business_day(plan.first_day));
}
