//! Work records and the result report compiled from them.

use chrono::{DateTime, Utc};

use super::{d, fields};
use crate::requests::*;

fn record(
    terminal_id: i64,
    step_order: u32,
    outcome: &str,
    start: &str,
    end: &str,
) -> WorkRecordInput {
    WorkRecordInput {
        terminal_id,
        step_order,
        outcome: outcome.into(),
        performer_id: 7,
        started_at: start.into(),
        ended_at: end.into(),
        note: None,
    }
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn work_record_input_is_checked() {
    let r = record(1, 2, "done", "2020-10-12 09:30", "2020-10-12T09:45")
        .check()
        .unwrap();
    assert_eq!(
        r.started_at,
        utc("2020-10-12T00:30:00Z"),
        "Japan time is stored in UTC"
    );
    assert_eq!(r.outcome, StepOutcome::Done);
    let same = record(
        1,
        2,
        "not_applicable",
        "2020-10-12 09:30:00",
        "2020-10-12 09:30:00",
    );
    assert!(same.check().is_ok(), "an end equal to the start is allowed");
    let failed = record(1, 2, "failed", "2020-10-12 09:30", "2020-10-12 09:45");
    assert_eq!(fields(failed.check()), ["note"]);
    let failed = WorkRecordInput {
        note: Some("適用時にエラー 0x80070005".into()),
        ..record(1, 2, "failed", "2020-10-12 09:30", "2020-10-12 09:45")
    };
    assert!(failed.check().is_ok());
    let backwards = record(1, 2, "done", "2020-10-12 10:00", "2020-10-12 09:59");
    assert_eq!(fields(backwards.check()), ["ended_at"]);
    let bad = WorkRecordInput {
        note: Some("x".repeat(2001)),
        ..record(1, 0, "skipped", "10:00", "2020-13-01 10:00")
    };
    assert_eq!(
        fields(bad.check()),
        ["step_order", "outcome", "started_at", "ended_at", "note"]
    );
}

fn steps() -> Vec<ProcedureStep> {
    ["バックアップを取得する", "更新を適用する", "動作を確認する"]
        .iter()
        .zip(1u32..)
        .map(|(a, order)| ProcedureStep {
            order,
            action: (*a).into(),
            expected_result: "正常".into(),
        })
        .collect()
}

#[test]
fn a_record_must_be_about_an_approved_step_and_a_target_terminal() {
    let r = record(1, 3, "done", "2020-10-12 09:00", "2020-10-12 09:10")
        .check()
        .unwrap();
    assert_eq!(r.check_against(&steps(), &[1, 2]), Ok(()));
    let stray = record(9, 4, "done", "2020-10-12 09:00", "2020-10-12 09:10")
        .check()
        .unwrap();
    assert_eq!(
        fields(stray.check_against(&steps(), &[1, 2])),
        ["step_order", "terminal_id"]
    );
}

#[test]
fn the_report_is_compiled_from_the_latest_records() {
    let mut records: Vec<WorkRecordDraft> = Vec::new();
    let mut add = |t, s, outcome: &str, start: &str, end: &str, performer, note: Option<&str>| {
        let input = WorkRecordInput {
            performer_id: performer,
            note: note.map(String::from),
            ..record(t, s, outcome, start, end)
        };
        records.push(input.check().unwrap());
    };
    // Terminal 1: all three steps, on 12 October.
    add(
        1,
        1,
        "done",
        "2020-10-12 09:00",
        "2020-10-12 09:10",
        7,
        None,
    );
    add(
        1,
        2,
        "done",
        "2020-10-12 09:10",
        "2020-10-12 09:40",
        7,
        None,
    );
    add(
        1,
        3,
        "done",
        "2020-10-12 09:40",
        "2020-10-12 09:50",
        7,
        None,
    );
    // Terminal 2: step 2 failed, then redone by another worker the next day.
    add(
        2,
        1,
        "done",
        "2020-10-12 10:00",
        "2020-10-12 10:10",
        7,
        None,
    );
    add(
        2,
        2,
        "done",
        "2020-10-13 09:00",
        "2020-10-13 09:30",
        8,
        None,
    );
    add(
        2,
        2,
        "failed",
        "2020-10-12 10:10",
        "2020-10-12 10:40",
        7,
        Some("容量不足"),
    );
    add(
        2,
        3,
        "not_applicable",
        "2020-10-13 09:30",
        "2020-10-13 09:31",
        8,
        None,
    );
    // Terminal 3: step 1 done, step 2 failed, step 3 missing.
    add(
        3,
        1,
        "done",
        "2020-10-13 10:00",
        "2020-10-13 10:10",
        8,
        None,
    );
    add(
        3,
        2,
        "failed",
        "2020-10-13 10:10",
        "2020-10-13 10:20",
        8,
        Some("電源断"),
    );
    // Outside the request: terminal 9, and a step 4.
    add(
        9,
        1,
        "done",
        "2020-10-14 10:00",
        "2020-10-14 10:10",
        9,
        None,
    );
    add(
        1,
        4,
        "done",
        "2020-10-14 10:00",
        "2020-10-14 10:10",
        9,
        None,
    );

    let s = compile_report(&steps(), &[1, 2, 3], &records);
    let tallies: Vec<(u32, u32, u32, u32, u32)> = s
        .steps
        .iter()
        .map(|t| (t.order, t.done, t.not_applicable, t.failed, t.missing))
        .collect();
    assert_eq!(tallies, [(1, 3, 0, 0, 0), (2, 2, 0, 1, 0), (3, 1, 1, 0, 1)]);
    assert_eq!(s.steps[0].action, "バックアップを取得する");
    assert_eq!(s.incomplete_terminals, [3]);
    assert!(!s.is_complete());
    let exceptions: Vec<(i64, u32, &str, bool)> = s
        .exceptions
        .iter()
        .map(|x| (x.terminal_id, x.step_order, x.note.as_str(), x.resolved))
        .collect();
    assert_eq!(
        exceptions,
        [(2, 2, "容量不足", true), (3, 2, "電源断", false)]
    );
    assert_eq!(s.work_days, [d(2020, 10, 12), d(2020, 10, 13)]);
    assert_eq!(s.performers, [7, 8]);
    assert_eq!(s.first_started_at, Some(utc("2020-10-12T00:00:00Z")));
    assert_eq!(s.last_ended_at, Some(utc("2020-10-13T01:20:00Z")));
    assert_eq!(s.ignored, 2);
}

#[test]
fn an_empty_report_misses_everything() {
    let s = compile_report(&steps(), &[4, 5], &[]);
    assert!(s.steps.iter().all(|t| t.missing == 2 && t.done == 0));
    assert_eq!(s.incomplete_terminals, [4, 5]);
    assert_eq!(
        (s.first_started_at, s.work_days.len(), s.ignored),
        (None, 0, 0)
    );
    let nothing = compile_report(&steps(), &[], &[]);
    assert!(nothing.is_complete(), "no terminal, nothing to do");
}
