//! Explanations (R4.4): closed days, missing workers, and what would meet the deadline;
//! the travel-matrix CSV.
#![allow(clippy::unwrap_used)]

use super::tests_support::{TERMINALS_47, assert_valid, d, fy2020, input, ward_sites, workers};
use super::*;

fn find(plan: &Plan, pred: impl Fn(&FindingKind) -> bool) -> &Finding {
    plan.findings
        .iter()
        .find(|f| pred(&f.kind))
        .unwrap_or_else(|| panic!("no such finding in {:?}", plan.findings))
}

#[test]
fn dates_read_as_japanese_staff_write_them() {
    assert_eq!(date_ja(d(2020, 11, 4)), "11月4日(水)");
    assert_eq!(date_ja(d(2021, 1, 10)), "1月10日(日)");
}

#[test]
fn a_closed_start_day_names_the_holiday_and_the_first_business_day() {
    let cal = fy2020();
    let input = input(d(2020, 11, 3), ward_sites(&TERMINALS_47), workers(2), 30);
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    assert_eq!(plan.first_day, d(2020, 11, 4));
    assert_eq!(plan.deadline, d(2020, 11, 6));
    assert!(plan.within_deadline);
    let f = find(&plan, |k| matches!(k, FindingKind::StartClosed { .. }));
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(
        f.message,
        "11月3日(火)は祝日（文化の日）のため、最短の3営業日は11月4日(水)から始まります。"
    );
    assert!(plan.visits.iter().all(|v| v.date >= d(2020, 11, 4)));
}

#[test]
fn a_weekend_start_says_saturday() {
    let cal = fy2020();
    let input = input(d(2020, 10, 3), ward_sites(&[1]), workers(1), 30);
    let plan = plan(&input, &cal).unwrap();
    let f = find(&plan, |k| matches!(k, FindingKind::StartClosed { .. }));
    assert_eq!(
        f.message,
        "10月3日(土)は土曜日のため、最短の3営業日は10月5日(月)から始まります。"
    );
}

#[test]
fn a_holiday_inside_the_window_pushes_the_last_day_out() {
    let cal = fy2020();
    let input = input(d(2020, 11, 2), ward_sites(&TERMINALS_47), workers(2), 30);
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    assert_eq!(plan.deadline, d(2020, 11, 5));
    let f = find(&plan, |k| {
        matches!(k, FindingKind::ClosedDaysInWindow { .. })
    });
    assert_eq!(
        f.message,
        "11月3日(火)は祝日（文化の日）のため、3営業日目は11月5日(木)になります。"
    );
    assert!(plan.visits.iter().all(|v| v.date != d(2020, 11, 3)));
}

#[test]
fn the_year_end_break_is_one_finding() {
    let cal = fy2020();
    let input = input(d(2020, 12, 28), ward_sites(&[2, 2]), workers(1), 30);
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    assert_eq!(plan.deadline, d(2021, 1, 5));
    let closed: Vec<&Finding> = plan
        .findings
        .iter()
        .filter(|f| matches!(f.kind, FindingKind::ClosedDaysInWindow { .. }))
        .collect();
    assert_eq!(closed.len(), 1);
    assert_eq!(
        closed[0].message,
        "12月29日(火)〜1月3日(日)は年末年始・祝日（元日）のため、3営業日目は1月5日(火)になります。"
    );
}

#[test]
fn too_few_workers_gives_the_count_that_really_meets_the_deadline() {
    let cal = fy2020();
    for (n, minutes) in [(1, 30), (2, 70), (3, 90)] {
        let base = input(
            d(2020, 10, 5),
            ward_sites(&TERMINALS_47),
            workers(n),
            minutes,
        );
        let plan = plan(&base, &cal).unwrap();
        assert_valid(&base, &cal, &plan);
        assert!(!plan.within_deadline, "{n} workers at {minutes} minutes");
        let missed = find(&plan, |k| matches!(k, FindingKind::DeadlineMissed { .. }));
        assert!(
            missed
                .message
                .starts_with("全拠点の作業が3営業日以内（10月7日(水)まで）に終わりません。"),
            "{}",
            missed.message
        );
        let f = find(&plan, |k| matches!(k, FindingKind::NotEnoughWorkers { .. }));
        let FindingKind::NotEnoughWorkers {
            needed, current, ..
        } = f.kind
        else {
            unreachable!()
        };
        assert_eq!(current as usize, n);
        assert!(needed as usize > n);
        assert_eq!(
            f.message,
            format!("3営業日以内に終えるには作業従事者が{needed}名必要です（現在{n}名）。")
        );
        let enough = PlanInput {
            workers: workers(needed as usize),
            ..base.clone()
        };
        let replanned = super::plan(&enough, &cal).unwrap();
        assert_valid(&enough, &cal, &replanned);
        assert!(
            replanned.within_deadline,
            "{needed} workers should meet the deadline"
        );
        let one_less = PlanInput {
            workers: workers(needed as usize - 1),
            ..base
        };
        assert!(!super::plan(&one_less, &cal).unwrap().within_deadline);
    }
}

#[test]
fn the_best_late_plan_is_still_returned() {
    let cal = fy2020();
    let input = input(d(2020, 10, 5), ward_sites(&TERMINALS_47), workers(1), 30);
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    // 1,410 minutes of work alone take three full days of one worker.
    assert_eq!(plan.totals.business_days_used, 4);
    assert_eq!(plan.totals.last_date, Some(d(2020, 10, 8)));
    assert!(plan.totals.cost_minutes >= plan.lower_bound.cost_minutes);
}

#[test]
fn a_worker_without_a_day_in_the_window_is_named() {
    let cal = fy2020();
    let mut ws = workers(2);
    ws[1].available = Some(vec![d(2020, 10, 20)]);
    let input = input(d(2020, 10, 5), ward_sites(&TERMINALS_47), ws, 30);
    let plan = plan(&input, &cal).unwrap();
    assert_valid(&input, &cal, &plan);
    let f = find(&plan, |k| {
        matches!(k, FindingKind::WorkerUnavailable { .. })
    });
    assert_eq!(
        f.message,
        "作業従事者「作業員2」は10月5日(月)〜10月7日(水)に稼働できる営業日がありません。"
    );
    let needed = find(&plan, |k| matches!(k, FindingKind::NotEnoughWorkers { .. }));
    assert!(
        needed
            .message
            .contains("追加する作業従事者は毎営業日稼働できるものとして計算")
    );
}

#[test]
fn availability_running_out_is_an_error_that_says_what_helps() {
    let cal = fy2020();
    let mut ws = workers(1);
    ws[0].available = Some(vec![d(2020, 10, 5)]);
    let input = input(d(2020, 10, 5), ward_sites(&TERMINALS_47), ws, 30);
    let err = plan(&input, &cal).unwrap_err();
    assert!(
        err.findings
            .iter()
            .any(|f| matches!(f.kind, FindingKind::AvailabilityExhausted { .. })),
        "{err}"
    );
    assert!(
        err.findings
            .iter()
            .any(|f| matches!(f.kind, FindingKind::NotEnoughWorkers { .. })),
        "{err}"
    );
}

#[test]
fn the_travel_csv_reads_japanese_or_english_headers() {
    let text = "\u{FEFF}移動時間（分）,出発拠点コード,到着拠点コード\r\n12,011011,011029\r\n\r\n０７,011029,011037\r\n0,011011,011011\r\n12,011011,011029\r\n";
    let entries = csv::parse_travel_csv(text).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[1],
        TravelEntry {
            from: "011029".into(),
            to: "011037".into(),
            minutes: 7
        }
    );
    let english = csv::parse_travel_csv("from,to,minutes\nA,B,3\n").unwrap();
    assert_eq!(english[0].minutes, 3);
    let (round, _) = csv::import_travel_csv(&csv::write_travel_csv(&entries)).unwrap();
    assert_eq!(round, entries);
}

#[test]
fn travel_csv_errors_name_row_and_column() {
    let text = "from,to,minutes\nA,B,abc\nA,,3\nA,A,5\nA,B,4\nA,B,6\n";
    let errors = csv::parse_travel_csv(text).unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "2行目 「移動時間（分）」: 移動時間（分）は0〜1440の整数で入力してください（「abc」）。",
            "3行目 「到着拠点コード」: 到着拠点コードを入力してください。",
            "4行目 「到着拠点コード」: 出発拠点と到着拠点が同じです。",
            "6行目 「移動時間（分）」: A→Bの移動時間が5行目（4分）と異なります。",
        ]
    );
    let header = csv::parse_travel_csv("from,to,分数\n").unwrap_err();
    assert!(
        header
            .iter()
            .any(|e| e.message.contains("「分数」という列は取り込めません"))
    );
    assert!(
        header
            .iter()
            .any(|e| e.message.contains("必須の列「移動時間（分）」がありません"))
    );
}
