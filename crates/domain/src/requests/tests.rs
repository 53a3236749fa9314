#![allow(clippy::unwrap_used)]

//! The judges of the request chain over the facts the store loads: issuing, moving the
//! jobs with their request, saving and moving procedure versions, recording work (bounded
//! by what the request has), the hours of the work, and the report's submission and
//! decision.

use chrono::NaiveTime;

use super::*;
use crate::calendar::BusinessCalendar;
use crate::contract::Contract;
use crate::jobs::{JobStatus, JobVerb};
use crate::people::Role::*;
use crate::rules::Refusal;
use crate::schedule::{OffHoursFact, OffHoursStatus, Span};
use crate::validation::FieldErrors;

/// The fields a refusal names, in order.
fn named(r: Refusal) -> Vec<String> {
    match r {
        Refusal::Invalid(FieldErrors(e)) => e.into_iter().map(|e| e.field).collect(),
        Refusal::Conflict { field, .. } => vec![field],
        Refusal::Forbidden(_) => vec!["(role)".into()],
    }
}

fn message(r: &Refusal) -> String {
    r.to_string()
}

fn draft(jobs: Vec<i64>) -> WorkRequestDraft {
    WorkRequestInput {
        request_number: "R2-001".into(),
        issued_on: "2020-10-01".into(),
        period_from: "2020-10-05".into(),
        period_to: "2020-10-07".into(),
        site_ids: vec![1],
        contents: "同時に実施".into(),
        combination_approved: jobs.len() > 1,
        job_ids: jobs,
    }
    .check()
    .unwrap()
}

fn facts(jobs: &[(i64, Option<JobStatus>)]) -> IssueFacts {
    IssueFacts {
        number_taken: false,
        unknown_sites: Vec::new(),
        jobs: jobs.to_vec(),
        terminals: 10,
        job_sites: vec![(1, "中央区役所".into())],
    }
}

fn fy2020() -> crate::contract::Period {
    Contract::builtin_default().period
}

#[test]
fn issuing_moves_every_planned_job_to_requested() {
    let d = draft(vec![1, 2]);
    let f = facts(&[(1, Some(JobStatus::Planned)), (2, Some(JobStatus::Planned))]);
    let issue = judge_issue(&d, &f, fy2020(), CityStaff).unwrap();
    assert_eq!(issue.status, WorkRequestStatus::Issued);
    assert_eq!(
        issue.jobs,
        [1, 2].map(|id| JobMove {
            id,
            from: JobStatus::Planned,
            to: JobStatus::Requested
        })
    );
    let e = judge_issue(&d, &f, fy2020(), ContractorLead).unwrap_err();
    assert_eq!(named(e.clone()), ["(role)"]);
    assert!(message(&e).contains("本市担当者"), "{e}");
}

#[test]
fn issuing_is_refused_on_a_taken_number_unknown_records_and_busy_jobs() {
    let d = draft(vec![1, 2]);
    let taken = IssueFacts {
        number_taken: true,
        ..facts(&[(1, Some(JobStatus::Planned)), (2, Some(JobStatus::Planned))])
    };
    let e = judge_issue(&d, &taken, fy2020(), CityStaff).unwrap_err();
    assert_eq!(named(e.clone()), ["request_number"]);
    assert!(message(&e).contains("R2-001"), "{e}");

    let unknown = IssueFacts {
        unknown_sites: vec![9],
        ..facts(&[(1, Some(JobStatus::Planned)), (2, None)])
    };
    let e = judge_issue(&d, &unknown, fy2020(), CityStaff).unwrap_err();
    assert_eq!(named(e.clone()), ["site_ids", "job_ids"]);
    assert!(message(&e).contains("作業ID 2 は登録されていません"), "{e}");

    let busy = facts(&[
        (1, Some(JobStatus::Planned)),
        (2, Some(JobStatus::Requested)),
    ]);
    let e = judge_issue(&d, &busy, fy2020(), CityStaff).unwrap_err();
    assert_eq!(named(e.clone()), ["job_ids"]);
    assert!(message(&e).starts_with("作業ID 2: "), "{e}");

    let too_many = IssueFacts {
        terminals: MAX_REQUEST_TERMINALS + 1,
        ..facts(&[(1, Some(JobStatus::Planned)), (2, Some(JobStatus::Planned))])
    };
    let e = judge_issue(&d, &too_many, fy2020(), CityStaff).unwrap_err();
    assert_eq!(named(e.clone()), ["job_ids"]);
    assert!(
        message(&e).contains(&MAX_REQUEST_TERMINALS.to_string()),
        "{e}"
    );
}

#[test]
fn a_request_names_a_bounded_number_of_jobs_and_sites() {
    let mut input = WorkRequestInput {
        request_number: "R2-002".into(),
        issued_on: "2020-10-01".into(),
        period_from: "2020-10-05".into(),
        period_to: "2020-10-07".into(),
        site_ids: (1..=MAX_REQUEST_SITES as i64).collect(),
        contents: "内容".into(),
        job_ids: (1..=MAX_REQUEST_JOBS as i64).collect(),
        combination_approved: true,
    };
    assert!(input.check().is_ok(), "at the limits");
    input.site_ids.push(0);
    input.job_ids.push(0);
    let e = input.check().unwrap_err();
    let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["site_ids", "job_ids"]);
    assert!(
        e.0[1]
            .message
            .contains(&format!("{MAX_REQUEST_JOBS}件まで"))
    );
}

#[test]
fn jobs_move_with_their_request_or_name_the_one_that_cannot() {
    let moves = job_moves(
        &[(3, JobStatus::InProgress), (4, JobStatus::InProgress)],
        JobVerb::Complete,
        CityStaff,
    )
    .unwrap();
    assert!(moves.iter().all(|m| m.to == JobStatus::Done));
    let e = job_moves(
        &[(3, JobStatus::InProgress), (4, JobStatus::Done)],
        JobVerb::Complete,
        CityStaff,
    )
    .unwrap_err();
    assert_eq!(named(e.clone()), ["job_ids"]);
    assert!(message(&e).starts_with("作業ID 4: "), "{e}");
}

fn version(number: u32, status: ProcedureVersionStatus) -> Option<ProcedureVersion> {
    Some(ProcedureVersion { number, status })
}

#[test]
fn saving_edits_the_draft_or_starts_the_next_version() {
    use ProcedureVersionStatus::*;
    use WorkRequestStatus::*;
    assert_eq!(
        judge_procedure_save(Issued, None, ContractorLead),
        Ok(ProcedureSave::NewVersion(1))
    );
    assert_eq!(
        judge_procedure_save(Issued, version(1, Draft), ContractorLead),
        Ok(ProcedureSave::EditDraft)
    );
    assert_eq!(
        judge_procedure_save(InProgress, version(2, Approved), ContractorLead),
        Ok(ProcedureSave::NewVersion(3))
    );
    let e = judge_procedure_save(Issued, version(1, Submitted), ContractorLead).unwrap_err();
    assert_eq!(named(e), ["version"]);
    let e = judge_procedure_save(Issued, version(1, Draft), CityStaff).unwrap_err();
    assert_eq!(named(e), ["version"]);
    for closed in [Accepted, Cancelled] {
        let e = judge_procedure_save(closed, version(1, Draft), ContractorLead).unwrap_err();
        assert_eq!(named(e.clone()), ["status"]);
        assert!(message(&e).contains(closed.label_ja()), "{e}");
    }
}

fn procedure_facts(
    status: ProcedureVersionStatus,
    request: WorkRequestStatus,
    questions: &[QuestionStatus],
) -> ProcedureFacts {
    ProcedureFacts {
        status,
        request,
        questions: questions.to_vec(),
        combination: crate::approvals::CombinationState::Settled,
    }
}

#[test]
fn combined_jobs_wait_for_the_citys_route_before_the_procedure_is_approved() {
    use crate::approvals::{CombinationState, combination_state};
    let route = ["係長".to_string()];
    assert_eq!(
        combination_state(false, &route, &[]),
        CombinationState::Settled
    );
    assert_eq!(combination_state(true, &[], &[]), CombinationState::Settled);
    assert_eq!(
        combination_state(true, &route, &[]),
        CombinationState::Waiting
    );
    let waiting = ProcedureFacts {
        combination: CombinationState::Waiting,
        ..procedure_facts(
            ProcedureVersionStatus::Submitted,
            WorkRequestStatus::Issued,
            &[],
        )
    };
    let e = judge_procedure_move(&waiting, ProcedureVerb::Approve, CityStaff).unwrap_err();
    assert!(message(&e).contains("組合せ"), "{e}");
    let returned = ProcedureFacts {
        combination: CombinationState::Returned,
        ..waiting
    };
    assert!(judge_procedure_move(&returned, ProcedureVerb::Approve, CityStaff).is_err());
    assert!(judge_procedure_move(&returned, ProcedureVerb::Return, CityStaff).is_ok());
}

#[test]
fn the_first_approval_moves_the_request_and_an_open_question_blocks_it() {
    use ProcedureVersionStatus::*;
    use WorkRequestStatus::*;
    let f = procedure_facts(Submitted, Issued, &[QuestionStatus::Answered]);
    assert_eq!(
        judge_procedure_move(&f, ProcedureVerb::Approve, CityStaff),
        Ok(ProcedureMove {
            to: Approved,
            request: Some(ProcedureApproved)
        })
    );
    let later = procedure_facts(Submitted, InProgress, &[]);
    assert_eq!(
        judge_procedure_move(&later, ProcedureVerb::Approve, CityStaff),
        Ok(ProcedureMove {
            to: Approved,
            request: None
        })
    );
    let open = procedure_facts(Submitted, Issued, &[QuestionStatus::Open]);
    let e = judge_procedure_move(&open, ProcedureVerb::Approve, CityStaff).unwrap_err();
    assert!(message(&e).contains("疑義"), "{e}");
    assert_eq!(
        judge_procedure_move(&open, ProcedureVerb::Return, CityStaff),
        Ok(ProcedureMove {
            to: Returned,
            request: None
        }),
        "a version may be returned while a question is open"
    );
    let e = judge_procedure_move(&f, ProcedureVerb::Approve, ContractorLead).unwrap_err();
    assert_eq!(named(e), ["(role)"]);
}

fn steps(n: u32) -> Vec<ProcedureStep> {
    (1..=n)
        .map(|order| ProcedureStep {
            order,
            action: format!("手順{order}"),
            expected_result: "正常".into(),
        })
        .collect()
}

fn record_facts(request: WorkRequestStatus) -> RecordFacts {
    RecordFacts {
        request,
        latest: version(2, ProcedureVersionStatus::Approved),
        steps: steps(3),
        terminals: vec![10, 11],
    }
}

fn record(terminal_id: i64, step_order: u32) -> WorkRecordDraft {
    WorkRecordInput {
        terminal_id,
        step_order,
        outcome: "done".into(),
        performer_id: 7,
        started_at: "2020-10-05 09:00".into(),
        ended_at: "2020-10-05 09:30".into(),
        note: None,
    }
    .check()
    .unwrap()
}

#[test]
fn records_need_an_approved_version_and_stay_within_the_request() {
    use WorkRequestStatus::*;
    let f = record_facts(ProcedureApproved);
    assert_eq!(
        judge_records(&f, &[record(10, 1)], ContractorWorker),
        Ok(Some(InProgress)),
        "the first record starts the work"
    );
    assert_eq!(
        judge_records(
            &record_facts(InProgress),
            &[record(11, 3)],
            ContractorWorker
        ),
        Ok(None)
    );
    let e = judge_records(&f, &[], ContractorWorker).unwrap_err();
    assert_eq!(named(e), ["records"]);
    let e = judge_records(&f, &[record(12, 1), record(10, 4)], ContractorWorker).unwrap_err();
    assert_eq!(
        named(e),
        ["records[0].terminal_id", "records[1].step_order"]
    );
    let seven: Vec<WorkRecordDraft> = (0..7).map(|_| record(10, 1)).collect();
    let e = judge_records(&f, &seven, ContractorWorker).unwrap_err();
    assert_eq!(named(e.clone()), ["records"]);
    assert!(message(&e).contains("6件"), "2 terminals x 3 steps: {e}");
    let unapproved = RecordFacts {
        latest: version(3, ProcedureVersionStatus::Draft),
        ..record_facts(InProgress)
    };
    let e = judge_records(&unapproved, &[record(10, 1)], ContractorWorker).unwrap_err();
    assert_eq!(named(e.clone()), ["status"]);
    assert!(message(&e).contains("承認"), "{e}");
}

#[test]
fn a_records_list_is_bounded_before_each_record_is_checked() {
    let one = WorkRecordInput {
        terminal_id: 1,
        step_order: 1,
        outcome: "done".into(),
        performer_id: 7,
        started_at: "2020-10-05 09:00".into(),
        ended_at: "2020-10-05 09:30".into(),
        note: None,
    };
    let bad = WorkRecordInput {
        outcome: "skipped".into(),
        ..one.clone()
    };
    let e = RecordsInput {
        records: vec![one.clone(), bad],
    }
    .check()
    .unwrap_err();
    assert_eq!(e.0[0].field, "records[1].outcome");
    let e = RecordsInput {
        records: vec![WorkRecordInput::default(); MAX_RECORDS + 1],
    }
    .check()
    .unwrap_err();
    assert_eq!(e.0.len(), 1, "one refusal, no record looked at");
    assert_eq!(e.0[0].field, "records");
    assert!(e.0[0].message.contains(&MAX_RECORDS.to_string()));
}

fn selection(terminals: Vec<i64>, orders: Vec<u32>) -> RecordSelectionInput {
    RecordSelectionInput {
        terminal_ids: terminals,
        step_orders: orders,
        outcome: "done".into(),
        performer_id: Some(7),
        started_at: "2020-10-05T09:00".into(),
        ended_at: "2020-10-05T09:40".into(),
        note: None,
    }
}

#[test]
fn a_selection_records_each_ticked_terminal_and_step_once() {
    let f = record_facts(WorkRequestStatus::ProcedureApproved);
    let records = selection(vec![11, 10], vec![2, 1, 2]).records(&f).unwrap();
    let pairs: Vec<(i64, u32)> = records
        .iter()
        .map(|r| (r.terminal_id, r.step_order))
        .collect();
    assert_eq!(pairs, [(11, 2), (11, 1), (10, 2), (10, 1)]);
    assert!(records.iter().all(|r| r.performer_id == 7));
}

#[test]
fn a_selection_beyond_the_request_is_refused_before_records_are_built() {
    let f = record_facts(WorkRequestStatus::InProgress);
    let e = selection(vec![10, 11, 12], vec![1])
        .records(&f)
        .unwrap_err();
    assert_eq!(named(e.clone()), ["terminal_id"]);
    assert!(message(&e).contains("2台"), "{e}");
    let e = selection(vec![10], vec![1, 2, 3, 4])
        .records(&f)
        .unwrap_err();
    assert_eq!(named(e.clone()), ["step_order"]);
    assert!(message(&e).contains("3件"), "{e}");
    let e = selection(vec![12], vec![9]).records(&f).unwrap_err();
    assert_eq!(named(e), ["terminal_id", "step_order"]);
    let e = selection(vec![], vec![]).records(&f).unwrap_err();
    assert_eq!(named(e), ["terminal_id", "step_order"]);
    let mut common = selection(vec![10], vec![1]);
    common.performer_id = None;
    common.outcome = "failed".into();
    let e = common.records(&f).unwrap_err();
    assert_eq!(named(e), ["performer_id", "note"]);
    let unapproved = RecordFacts {
        latest: None,
        ..record_facts(WorkRequestStatus::Issued)
    };
    let e = selection(vec![10], vec![1])
        .records(&unapproved)
        .unwrap_err();
    assert_eq!(named(e), ["status"]);
}

fn calendar() -> BusinessCalendar {
    BusinessCalendar::new(&Contract::builtin_default())
}

fn late(performer_id: i64) -> WorkRecordDraft {
    WorkRecordDraft {
        performer_id,
        ..WorkRecordInput {
            terminal_id: 10,
            step_order: 1,
            outcome: "done".into(),
            performer_id,
            started_at: "2020-10-05 18:00".into(),
            ended_at: "2020-10-05 18:30".into(),
            note: None,
        }
        .check()
        .unwrap()
    }
}

fn off_hours(site_id: i64, status: OffHoursStatus, workers: Vec<i64>) -> OffHoursFact {
    let t = |s| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
    OffHoursFact {
        id: 1,
        site_id,
        span: Span {
            date: chrono::NaiveDate::from_ymd_opt(2020, 10, 5).unwrap(),
            start: t("17:15"),
            end: t("19:00"),
        },
        status,
        worker_ids: workers,
    }
}

#[test]
fn work_outside_the_window_needs_approved_off_hours_work_at_the_site() {
    let cal = calendar();
    let sites = [(10, 100)];
    assert_eq!(
        judge_record_hours(&cal, &[record(10, 1)], &sites, &[]),
        Ok(()),
        "inside the window"
    );
    let e = judge_record_hours(&cal, &[late(7)], &sites, &[]).unwrap_err();
    assert_eq!(named(e.clone()), ["started_at"]);
    assert!(message(&e).contains("時間外作業"), "{e}");
    let approved = off_hours(100, OffHoursStatus::Approved, vec![7]);
    assert_eq!(
        judge_record_hours(&cal, &[late(7)], &sites, std::slice::from_ref(&approved)),
        Ok(())
    );
    for other in [
        off_hours(101, OffHoursStatus::Approved, vec![7]),
        off_hours(100, OffHoursStatus::Requested, vec![7]),
        off_hours(100, OffHoursStatus::Approved, vec![8]),
    ] {
        assert!(judge_record_hours(&cal, &[late(7)], &sites, &[other]).is_err());
    }
    let overnight = WorkRecordInput {
        terminal_id: 10,
        step_order: 1,
        outcome: "done".into(),
        performer_id: 7,
        started_at: "2020-10-05 16:00".into(),
        ended_at: "2020-10-06 09:00".into(),
        note: None,
    }
    .check()
    .unwrap();
    let e = judge_record_hours(&cal, &[overnight], &sites, &[approved]).unwrap_err();
    assert_eq!(named(e), ["ended_at"]);
}

#[test]
fn record_days_span_the_first_and_last_start() {
    let mut later = record(10, 1);
    later.started_at += chrono::Duration::days(2);
    let (from, to) = record_days(&[later, record(10, 2)]).unwrap();
    assert_eq!(
        (from.to_string(), to.to_string()),
        ("2020-10-05".into(), "2020-10-07".into())
    );
    assert_eq!(record_days(&[]), None);
}

fn summary(incomplete: Vec<i64>) -> ReportSummary {
    let mut s = compile_report(&steps(1), &[10], &[]);
    s.incomplete_terminals = incomplete;
    s
}

#[test]
fn a_report_is_submitted_once_every_step_is_settled() {
    use WorkRequestStatus::*;
    assert_eq!(
        judge_report_submission(&summary(vec![]), InProgress, ContractorLead),
        Ok(ReportSubmission {
            status: ReportStatus::Submitted,
            request: Reported
        })
    );
    let e =
        judge_report_submission(&summary(vec![10, 11]), InProgress, ContractorLead).unwrap_err();
    assert_eq!(named(e.clone()), ["records"]);
    assert!(message(&e).contains("2台"), "{e}");
    let e = judge_report_submission(&summary(vec![]), InProgress, ContractorWorker).unwrap_err();
    assert_eq!(named(e), ["(role)"]);
    let e = judge_report_submission(&summary(vec![]), Issued, ContractorLead).unwrap_err();
    assert_eq!(named(e), ["status"]);
}

#[test]
fn accepting_a_report_closes_the_request_and_completes_its_jobs() {
    use WorkRequestStatus::*;
    let facts = ReportFacts {
        status: ReportStatus::Submitted,
        request: Reported,
        jobs: vec![(1, JobStatus::InProgress), (2, JobStatus::InProgress)],
        questions: vec![QuestionStatus::Closed],
    };
    let d = judge_report_decision(&facts, Verdict::Approve, CityStaff).unwrap();
    assert_eq!(
        (d.verb, d.to, d.request_verb, d.request),
        (
            ReportVerb::Accept,
            ReportStatus::Accepted,
            WorkRequestVerb::Accept,
            Accepted
        )
    );
    assert!(d.jobs.iter().all(|m| m.to == JobStatus::Done));
    let d = judge_report_decision(&facts, Verdict::Return, CityStaff).unwrap();
    assert_eq!((d.to, d.request), (ReportStatus::Returned, InProgress));
    assert!(d.jobs.is_empty(), "a return leaves the jobs in progress");
    let e = judge_report_decision(&facts, Verdict::Approve, ContractorLead).unwrap_err();
    assert_eq!(named(e), ["(role)"]);
    let done = ReportFacts {
        jobs: vec![(1, JobStatus::InProgress), (2, JobStatus::Done)],
        ..facts
    };
    let e = judge_report_decision(&done, Verdict::Approve, CityStaff).unwrap_err();
    assert_eq!(named(e), ["job_ids"]);
    let asked = ReportFacts {
        questions: vec![QuestionStatus::Closed, QuestionStatus::Open],
        ..done
    };
    let e = judge_report_decision(&asked, Verdict::Approve, CityStaff).unwrap_err();
    assert!(
        message(&e).contains("疑義"),
        "an open question blocks acceptance: {e}"
    );
    assert!(judge_report_decision(&asked, Verdict::Return, CityStaff).is_ok());
}

#[test]
fn a_request_names_every_site_of_its_terminals_and_keeps_to_the_contract_period() {
    let d = draft(vec![1]);
    let f = facts(&[(1, Some(JobStatus::Planned))]);
    let three_sites = IssueFacts {
        job_sites: vec![
            (1, "中央区役所".into()),
            (2, "北区役所".into()),
            (3, "東区役所".into()),
        ],
        ..f.clone()
    };
    let e = judge_issue(&d, &three_sites, fy2020(), CityStaff).unwrap_err();
    assert_eq!(named(e.clone()), ["site_ids"]);
    assert!(message(&e).contains("北区役所、東区役所"), "{e}");

    let later = WorkRequestDraft {
        period_to: chrono::NaiveDate::from_ymd_opt(2027, 1, 8).unwrap(),
        ..d.clone()
    };
    let e = judge_issue(&later, &f, fy2020(), CityStaff).unwrap_err();
    assert_eq!(named(e.clone()), ["period_to"]);
    assert!(message(&e).contains("契約期間"), "{e}");
    let before_issue = WorkRequestDraft {
        issued_on: chrono::NaiveDate::from_ymd_opt(2020, 10, 6).unwrap(),
        ..d
    };
    let e = judge_issue(&before_issue, &f, fy2020(), CityStaff).unwrap_err();
    assert_eq!(named(e), ["period_from"]);
}

#[test]
fn records_lie_in_the_period_after_the_issue_and_not_ahead_of_now() {
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let bounds = RequestBounds {
        issued_on: day(2020, 10, 1),
        period_from: day(2020, 10, 5),
        period_to: day(2020, 10, 7),
        site_ids: vec![100],
        terminal_sites: vec![(10, 100)],
    };
    let instant = |text: &str| {
        let mut e = FieldErrors::default();
        crate::rules::required_instant(&mut e, "at", "日時", text).unwrap()
    };
    let at = |text: &str| {
        let mut r = record(10, 1);
        r.started_at = instant(&format!("{text} 09:00"));
        r.ended_at = instant(&format!("{text} 09:30"));
        r
    };
    let now = instant("2020-10-06 12:00");
    assert_eq!(bounds.judge_record_days(&[at("2020-10-05")], now), Ok(()));
    for (when, field) in [
        ("2020-10-08", "records[0].started_at"),
        ("2020-10-02", "records[0].started_at"),
        ("2020-10-07", "records[0].ended_at"),
    ] {
        let e = bounds.judge_record_days(&[at(when)], now).unwrap_err();
        assert_eq!(named(e), [field], "{when}");
    }
}

#[test]
fn starting_a_request_leaves_jobs_already_under_way_as_they_are() {
    use crate::jobs::{JobStatus, JobVerb};
    let jobs = [(1, JobStatus::Requested), (2, JobStatus::InProgress)];
    let moves = job_moves(&jobs, JobVerb::Start, crate::people::Role::ContractorWorker)
        .expect("the request starts");
    assert_eq!(moves.len(), 1);
    assert_eq!((moves[0].id, moves[0].to), (1, JobStatus::InProgress));
}
