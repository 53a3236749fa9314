//! Planner tests: the Sapporo case of R4.4, splitting, availability, travel models and
//! input errors.
#![allow(clippy::unwrap_used)]

use chrono::NaiveTime;

use super::tests_support::{TERMINALS_47, assert_valid, d, fy2020, input, ward_sites, workers};
use super::*;

fn kinds(findings: &[Finding]) -> Vec<&FindingKind> {
    findings.iter().map(|f| &f.kind).collect()
}

#[test]
fn sapporo_ten_ward_offices_fit_in_three_business_days() {
    let cal = fy2020();
    let input = input(d(2020, 10, 5), ward_sites(&TERMINALS_47), workers(2), 30);
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    assert!(plan.within_deadline);
    assert_eq!(plan.deadline, d(2020, 10, 7));
    assert!(plan.totals.last_date.unwrap() <= d(2020, 10, 7));
    assert!(plan.gap_percent <= 10.0, "gap {}", plan.gap_percent);
    assert!(plan.findings.is_empty(), "{:?}", plan.findings);
}

#[test]
fn planning_is_deterministic() {
    let cal = fy2020();
    let input = input(d(2020, 10, 5), ward_sites(&TERMINALS_47), workers(2), 30);
    assert_eq!(plan(&input, &cal).unwrap(), plan(&input, &cal).unwrap());
}

#[test]
fn a_site_larger_than_a_day_is_split_over_visits() {
    let cal = fy2020();
    let input = input(d(2020, 10, 5), ward_sites(&[30, 2]), workers(2), 30);
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    assert!(plan.visits.iter().filter(|v| v.site_id == 1).count() >= 2);
    assert!(plan.within_deadline);
}

#[test]
fn availability_is_respected() {
    let cal = fy2020();
    let mut ws = workers(2);
    ws[1].available = Some(vec![d(2020, 10, 6), d(2020, 10, 10)]);
    let input = input(d(2020, 10, 5), ward_sites(&TERMINALS_47), ws, 30);
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    assert!(
        plan.visits
            .iter()
            .filter(|v| v.worker_id == 1001)
            .all(|v| v.date == d(2020, 10, 6))
    );
}

#[test]
fn winter_roads_are_slower() {
    let cal = fy2020();
    let travel_of = |start| {
        let mut input = input(start, ward_sites(&[1, 1]), workers(1), 30);
        input.deadline_business_days = 1;
        let plan = plan(&input, &cal).unwrap();
        assert_valid(&input, &cal, &plan);
        plan.totals.travel_minutes
    };
    let km = travel::great_circle_km(43.05536, 141.34097, 43.09083, 141.34083) * 1.3;
    assert_eq!(travel_of(d(2020, 10, 5)), (km / 25.0 * 60.0).ceil() as u64);
    assert_eq!(travel_of(d(2020, 12, 7)), (km / 20.0 * 60.0).ceil() as u64);
}

#[test]
fn a_depot_adds_the_way_there_and_back() {
    let cal = fy2020();
    let mut input = input(d(2020, 10, 5), ward_sites(&TERMINALS_47), workers(2), 30);
    input.depot = Some(PlanDepot {
        code: "base".into(),
        name: "受託者事務所".into(),
        lat: Some(43.0621),
        lon: Some(141.3544),
    });
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    assert!(
        plan.visits
            .iter()
            .filter(|v| v.order == 1)
            .all(|v| v.travel_minutes_before > 0)
    );
    assert!(plan.days.iter().all(|d| d.return_travel_minutes > 0));
    assert!(plan.within_deadline);
}

#[test]
fn the_matrix_model_uses_the_given_minutes_both_ways() {
    let cal = fy2020();
    let mut sites = ward_sites(&[2, 2, 2]);
    for s in &mut sites {
        s.lat = None;
        s.lon = None;
    }
    let mut input = input(d(2020, 10, 5), sites, workers(1), 60);
    input.deadline_business_days = 1;
    let e = |a: &str, b: &str, m| TravelEntry {
        from: a.into(),
        to: b.into(),
        minutes: m,
    };
    input.travel = TravelModel::Matrix {
        entries: vec![
            e("011011", "011029", 7),
            e("011037", "011029", 11),
            e("011011", "011037", 40),
        ],
    };
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    assert_eq!(plan.totals.travel_minutes, 18, "{:?}", plan.visits);
}

#[test]
fn missing_matrix_entries_are_named() {
    let cal = fy2020();
    let mut input = input(d(2020, 10, 5), ward_sites(&[1, 1, 1]), workers(1), 30);
    input.travel = TravelModel::Matrix {
        entries: vec![TravelEntry {
            from: "011011".into(),
            to: "011029".into(),
            minutes: 7,
        }],
    };
    let err = plan(&input, &cal).unwrap_err();
    let FindingKind::MissingTravelTimes { pairs, total } = &err.findings[0].kind else {
        panic!("{err}");
    };
    assert_eq!(*total, 2);
    assert_eq!(pairs.len(), 2);
    assert!(
        err.to_string().contains("札幌市中央区役所〜札幌市東区役所"),
        "{err}"
    );
}

#[test]
fn missing_coordinates_are_explained_not_a_panic() {
    let cal = fy2020();
    let mut sites = ward_sites(&[1, 1]);
    sites.push(PlanSite {
        id: 11,
        code: "kikusui".into(),
        name: "菊水分庁舎".into(),
        lat: None,
        lon: None,
        terminal_ids: vec![1101],
    });
    let input = input(d(2020, 10, 5), sites, workers(1), 30);
    let err = plan(&input, &cal).unwrap_err();
    assert_eq!(err.findings.len(), 1);
    assert_eq!(err.findings[0].severity, Severity::Error);
    assert_eq!(
        err.findings[0].message,
        "菊水分庁舎の緯度・経度が未登録のため移動時間を計算できません。"
    );
}

#[test]
fn a_site_without_terminals_needs_no_visit_nor_coordinates() {
    let cal = fy2020();
    let mut sites = ward_sites(&[3, 0]);
    sites[1].lat = None;
    let input = input(d(2020, 10, 5), sites, workers(1), 30);
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    assert!(plan.visits.iter().all(|v| v.site_id == 1));
}

#[test]
fn nothing_to_do_is_an_empty_plan_within_the_deadline() {
    let cal = fy2020();
    let input = input(d(2020, 10, 5), Vec::new(), workers(1), 30);
    let plan = plan(&input, &cal).unwrap();
    assert!(plan.visits.is_empty() && plan.within_deadline);
    assert_eq!(plan.totals.last_date, None);
    assert_eq!(plan.gap_percent, 0.0);
}

#[test]
fn input_errors_are_all_reported() {
    let cal = fy2020();
    let mut sites = ward_sites(&[1, 1]);
    sites[1].code = sites[0].code.clone();
    sites[1].terminal_ids = sites[0].terminal_ids.clone();
    let mut input = input(d(2020, 10, 5), sites, Vec::new(), 600);
    input.deadline_business_days = 0;
    let err = plan(&input, &cal).unwrap_err();
    let k = kinds(&err.findings);
    assert!(k.iter().any(|k| matches!(k, FindingKind::NoWorkers)));
    assert!(
        k.iter()
            .any(|k| matches!(k, FindingKind::DuplicateSiteCode { .. }))
    );
    assert!(
        k.iter()
            .any(|k| matches!(k, FindingKind::DuplicateTerminal { terminal_id: 100 }))
    );
    assert!(k.iter().any(|k| matches!(
        k,
        FindingKind::TerminalLongerThanDay {
            work_minutes: 600,
            window_minutes: 510
        }
    )));
    assert!(k.iter().any(|k| matches!(k, FindingKind::InvalidInput { field, .. } if field == "deadline_business_days")));
}

#[test]
fn a_site_too_far_from_the_depot_is_refused() {
    let cal = fy2020();
    let mut input = input(d(2020, 10, 5), ward_sites(&[1]), workers(1), 30);
    input.depot = Some(PlanDepot {
        code: "tokyo".into(),
        name: "東京本社".into(),
        lat: Some(35.68),
        lon: Some(139.76),
    });
    let err = plan(&input, &cal).unwrap_err();
    assert!(
        matches!(err.findings[0].kind, FindingKind::SiteUnreachable { .. }),
        "{err}"
    );
}

#[test]
fn the_input_reads_from_json_with_model_defaults() {
    let json = r#"{"start":"2020-10-05","deadline_business_days":3,"work_minutes_per_terminal":30,
        "sites":[{"id":1,"code":"011011","name":"札幌市中央区役所","lat":43.05536,"lon":141.34097,"terminal_ids":[1,2]}],
        "workers":[{"id":7,"name":"作業員1"}],"travel":{"kind":"coordinates"}}"#;
    let parsed: PlanInput = serde_json::from_str(json).unwrap();
    assert_eq!(parsed.travel, TravelModel::sapporo_default());
    assert_eq!(parsed.depot, None);
    let plan = plan(&parsed, &fy2020()).unwrap();
    let back: Plan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
    assert_eq!(back, plan);
    assert_eq!(
        plan.visits[0].start,
        NaiveTime::from_hms_opt(8, 45, 0).unwrap()
    );
}

#[test]
fn the_lower_bound_alone_matches_the_plans() {
    let cal = fy2020();
    let input = input(d(2020, 10, 5), ward_sites(&TERMINALS_47), workers(2), 30);
    let bound = lower_bound(&input, &cal).unwrap();
    let plan = plan(&input, &cal).unwrap();
    assert_eq!(bound, plan.lower_bound);
    assert_eq!(bound.work_minutes, 47 * 30);
    // 1,410 minutes of work in 510-minute days of 2 workers: 2 business days.
    assert_eq!(bound.business_days, Some(2));
    assert_eq!(bound.earliest_last_date, Some(d(2020, 10, 6)));
}
