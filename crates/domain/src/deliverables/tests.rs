//! Due dates by the City's rules and the moves of a deliverable.

use chrono::NaiveDate;

use super::*;
use crate::calendar::BusinessCalendar;
use crate::contract::Contract;
use crate::people::Role;
use crate::rules::Refusal;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn spec(due: DueRule) -> DeliverableSpec {
    DeliverableSpec {
        code: "business_report".into(),
        name: "業務報告書".into(),
        size: "Ａ４".into(),
        copies: 1,
        due,
        due_business_days: 5,
    }
}

#[test]
fn the_default_contract_lists_the_tables_deliverables() {
    let c = Contract::builtin_default();
    let names: Vec<&str> = c.deliverables.iter().map(|d| d.name.as_str()).collect();
    for name in [
        "業務責任者指定通知書",
        "作業体制図",
        "情報資産取扱者通知（従事者名簿）",
        "データ保護責任者通知",
        "セキュリティ保全に係る文書",
        "業務報告書",
        "セキュリティ保全状況報告書",
        "進捗報告書",
        "作業関連提出書類",
        "再委託申請書",
        "業務責任者変更通知書",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    let s = scheduled(&c.deliverables, &c.period);
    // Five at the start, two monthly over the six months of the period.
    assert_eq!(s.len(), 5 + 2 * 6, "{s:?}");
    assert!(s.iter().any(|x| x.title == "業務報告書（2021年3月分）"));
}

#[test]
fn monthly_reports_are_due_after_the_month_and_march_by_its_last_business_day() {
    let c = Contract::builtin_default();
    let cal = BusinessCalendar::new(&c);
    let monthly = spec(DueRule::Monthly);
    // October 2020: 5 business days after Saturday the 31st: Nov 2, 4 (3rd is 文化の日), 5, 6, 9.
    assert_eq!(
        due_date(&monthly, "2020-10", &c.period, &cal),
        Some(day(2020, 11, 9))
    );
    // March 2021: by the 31st itself, a Wednesday.
    assert_eq!(
        due_date(&monthly, "2021-03", &c.period, &cal),
        Some(day(2021, 3, 31))
    );
    // A period ending on a closed day: the business day before.
    let mut period = c.period;
    period.end = day(2021, 3, 28); // a Sunday
    assert_eq!(
        due_date(&monthly, "2021-03", &period, &cal),
        Some(day(2021, 3, 26))
    );
    // At the start: the first business day on or after the period's first day.
    let start = spec(DueRule::AtStart);
    let mut period = c.period;
    period.start = day(2020, 10, 3); // a Saturday
    assert_eq!(
        due_date(&start, "start", &period, &cal),
        Some(day(2020, 10, 5))
    );
    assert_eq!(
        due_date(&spec(DueRule::AsInstructed), "x", &period, &cal),
        None
    );
}

#[test]
fn overdue_means_owed_after_the_due_date() {
    let due = Some(day(2020, 11, 9));
    assert!(!is_overdue(DeliverableStatus::Draft, due, day(2020, 11, 9)));
    assert!(is_overdue(DeliverableStatus::Draft, due, day(2020, 11, 10)));
    assert!(is_overdue(
        DeliverableStatus::Returned,
        due,
        day(2020, 11, 10)
    ));
    assert!(!is_overdue(
        DeliverableStatus::Submitted,
        due,
        day(2020, 11, 10)
    ));
    assert!(!is_overdue(
        DeliverableStatus::Waived,
        due,
        day(2020, 11, 10)
    ));
}

fn refused(r: Result<DeliverableStatus, Refusal>) -> String {
    match r {
        Ok(s) => s.as_str().into(),
        Err(Refusal::Forbidden(_)) => "forbidden".into(),
        Err(Refusal::Conflict { field, .. }) => format!("conflict:{field}"),
        Err(Refusal::Invalid(e)) => format!("invalid:{}", e.0[0].field),
    }
}

#[test]
fn the_contractor_submits_and_the_city_decides_or_waives() {
    use DeliverableStatus as S;
    let f = |status| DeliverableFacts { status };
    let lead = Role::ContractorLead;
    let city = Role::CityStaff;
    assert_eq!(refused(judge_submission(lead, f(S::Draft))), "submitted");
    assert_eq!(
        refused(judge_submission(Role::SecurityOfficer, f(S::Returned))),
        "submitted"
    );
    assert_eq!(refused(judge_submission(city, f(S::Draft))), "forbidden");
    assert_eq!(
        refused(judge_submission(Role::ContractorWorker, f(S::Draft))),
        "forbidden"
    );
    assert_eq!(
        refused(judge_submission(lead, f(S::Accepted))),
        "conflict:file"
    );
    let back = DecisionInput {
        verdict: "return".into(),
        comment: None,
    };
    assert_eq!(back.check().expect_err("comment").0[0].field, "comment");
    let accept = DecisionInput {
        verdict: "accept".into(),
        comment: None,
    }
    .check()
    .expect("accept");
    assert_eq!(
        refused(judge_decision(city, f(S::Submitted), &accept)),
        "accepted"
    );
    assert_eq!(
        refused(judge_decision(lead, f(S::Submitted), &accept)),
        "forbidden"
    );
    assert_eq!(
        refused(judge_decision(city, f(S::Draft), &accept)),
        "conflict:verdict"
    );
    assert_eq!(refused(judge_waiver(city, f(S::Submitted))), "waived");
    assert_eq!(
        refused(judge_waiver(city, f(S::Accepted))),
        "conflict:reason"
    );
    assert_eq!(refused(judge_waiver(lead, f(S::Draft))), "forbidden");
    assert!(WaiverInput::default().check().is_err());
}

#[test]
fn the_city_asks_for_unscheduled_kinds_within_the_period() {
    let c = Contract::builtin_default();
    let d = |code: &str, due: &str| {
        InstructionInput {
            code: code.into(),
            due_on: due.into(),
            note: None,
        }
        .check()
        .expect("checked")
    };
    let find = |code: &str| c.deliverables.iter().find(|s| s.code == code);
    let progress = d("progress_report", "2020-12-10");
    assert_eq!(
        judge_instruction(
            Role::CityStaff,
            find("progress_report"),
            &progress,
            &c.period
        ),
        Ok("進捗報告書".into())
    );
    assert!(
        judge_instruction(
            Role::ContractorLead,
            find("progress_report"),
            &progress,
            &c.period
        )
        .is_err()
    );
    let monthly = d("business_report", "2020-12-10");
    assert!(matches!(
        judge_instruction(
            Role::CityStaff,
            find("business_report"),
            &monthly,
            &c.period
        ),
        Err(Refusal::Invalid(_))
    ));
    let late = d("progress_report", "2021-04-10");
    let r = judge_instruction(Role::CityStaff, find("progress_report"), &late, &c.period);
    assert!(matches!(r, Err(Refusal::Invalid(e)) if e.0[0].field == "due_on"));
    assert!(judge_instruction(Role::CityStaff, None, &progress, &c.period).is_err());
}
