//! Property tests: random small instances keep every rule, and the lower bound never
//! exceeds the cost (R4.4, R5.2).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::tests_support::{assert_valid, d, fy2020, workers};
use super::*;

/// A random site near Sapporo with up to 12 terminals.
fn site() -> impl Strategy<Value = (f64, f64, usize)> {
    (42.95f64..43.15, 141.20f64..141.50, 0usize..12)
}

/// A random worker availability: every business day, or some days of the first weeks.
fn availability() -> impl Strategy<Value = Option<Vec<u32>>> {
    prop_oneof![
        Just(None),
        proptest::collection::vec(0u32..20, 0..8).prop_map(Some)
    ]
}

fn build(
    start_offset: u32,
    deadline: u32,
    minutes: u32,
    sites: Vec<(f64, f64, usize)>,
    availability: Vec<Option<Vec<u32>>>,
    depot: bool,
    as_matrix: bool,
) -> PlanInput {
    let start = d(2020, 11, 16) + chrono::TimeDelta::days(i64::from(start_offset));
    let mut ws = workers(availability.len());
    for (w, a) in ws.iter_mut().zip(availability) {
        w.available = a.map(|days| {
            days.iter()
                .map(|&k| start + chrono::TimeDelta::days(i64::from(k)))
                .collect()
        });
    }
    let mut input = PlanInput {
        start,
        deadline_business_days: deadline,
        sites: sites
            .into_iter()
            .enumerate()
            .map(|(i, (lat, lon, n))| PlanSite {
                id: i as i64,
                code: format!("S{i:03}"),
                name: format!("拠点{i}"),
                lat: Some(lat),
                lon: Some(lon),
                terminal_ids: (0..n as i64).map(|t| i as i64 * 100 + t).collect(),
            })
            .collect(),
        workers: ws,
        work_minutes_per_terminal: minutes,
        travel: TravelModel::sapporo_default(),
        depot: depot.then(|| PlanDepot {
            code: "base".into(),
            name: "事務所".into(),
            lat: Some(43.06),
            lon: Some(141.35),
        }),
    };
    if as_matrix {
        input.travel = matrix_of(&input);
    }
    input
}

/// A travel matrix from the coordinates, slightly asymmetric and not always obeying the
/// triangle inequality; some pairs given in one direction only.
fn matrix_of(input: &PlanInput) -> TravelModel {
    let mut places: Vec<(&str, f64, f64)> = input
        .sites
        .iter()
        .map(|s| (s.code.as_str(), s.lat.unwrap(), s.lon.unwrap()))
        .collect();
    if let Some(p) = &input.depot {
        places.push((p.code.as_str(), p.lat.unwrap(), p.lon.unwrap()));
    }
    let mut entries = Vec::new();
    for (i, a) in places.iter().enumerate() {
        for (j, b) in places.iter().enumerate() {
            if i == j || (i > j && (i + j) % 3 == 0) {
                continue;
            }
            let km = travel::great_circle_km(a.1, a.2, b.1, b.2);
            entries.push(TravelEntry {
                from: a.0.to_owned(),
                to: b.0.to_owned(),
                minutes: (km * 3.0) as u32 + ((i * 7 + j * 3) % 5) as u32,
            });
        }
    }
    TravelModel::Matrix { entries }
}

/// Every plan of `input` keeps every rule, or the input is refused with a reason.
fn keeps_every_rule(input: &PlanInput) -> Result<(), TestCaseError> {
    let cal = fy2020();
    let has = |findings: &[Finding], pred: fn(&FindingKind) -> bool| {
        findings.iter().any(|f| pred(&f.kind))
    };
    match plan(input, &cal) {
        Ok(plan) => {
            assert_valid(input, &cal, &plan);
            let late = has(&plan.findings, |k| {
                matches!(k, FindingKind::DeadlineMissed { .. })
            });
            prop_assert_eq!(late, !plan.within_deadline);
            if !plan.within_deadline {
                let advised = has(&plan.findings, |k| {
                    matches!(k, FindingKind::NotEnoughWorkers { .. })
                });
                prop_assert!(advised, "no advice in {:?}", plan.findings);
            }
        }
        Err(err) => {
            prop_assert!(err.findings.iter().all(|f| !f.message.is_empty()));
            let why = has(&err.findings, |k| {
                matches!(
                    k,
                    FindingKind::AvailabilityExhausted { .. } | FindingKind::HorizonExceeded { .. }
                )
            });
            prop_assert!(why, "{}", err);
        }
    }
    Ok(())
}

/// Writing `rows` as CSV and reading them back gives the same entries.
fn round_trips(rows: BTreeMap<(String, String), u32>) -> Result<(), TestCaseError> {
    let entries: Vec<TravelEntry> = rows
        .into_iter()
        .map(|((from, to), minutes)| TravelEntry { from, to, minutes })
        .collect();
    let written = csv::write_travel_csv(&entries);
    let parsed = csv::parse_travel_csv(std::str::from_utf8(&written).unwrap()).unwrap();
    prop_assert_eq!(parsed, entries);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random small instances: every plan keeps every rule.
    #[test]
    fn plans_keep_every_rule(
        start_offset in 0u32..60,
        deadline in 1u32..5,
        minutes in 10u32..120,
        sites in proptest::collection::vec(site(), 0..9),
        availability in proptest::collection::vec(availability(), 1..4),
        depot in any::<bool>(),
        as_matrix in any::<bool>(),
    ) {
        let input = build(start_offset, deadline, minutes, sites, availability, depot, as_matrix);
        keeps_every_rule(&input)?;
    }

    /// The travel CSV reads back what it wrote.
    #[test]
    fn travel_csv_round_trips(
        rows in proptest::collection::btree_map(("[A-Z]{1,6}", "[a-z]{1,6}"), 0u32..=1440, 1..20),
    ) {
        round_trips(rows)?;
    }
}
