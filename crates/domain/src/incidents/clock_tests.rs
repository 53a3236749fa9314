//! The clocks in business time: reports outside working hours, holidays, pauses and targets
//! changed midway.

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::calendar::BusinessCalendar;
use crate::contract::Contract;

fn cal() -> BusinessCalendar {
    BusinessCalendar::new(&Contract::builtin_default())
}

/// A Japan-time instant `YYYY-MM-DD HH:MM`.
fn jst(s: &str) -> DateTime<Utc> {
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("instant");
    crate::time::jst()
        .from_local_datetime(&local)
        .single()
        .expect("jst")
        .with_timezone(&Utc)
}

fn ev(kind: EventKind, at: &str) -> EventFact {
    EventFact::new(kind, jst(at))
}

fn target(from: &str, respond: Option<u32>, recover: Option<u32>) -> SlaTarget {
    SlaTarget {
        effective_from: jst(from),
        respond_minutes: respond,
        recover_minutes: recover,
        near_share_percent: DEFAULT_NEAR_SHARE_PERCENT,
    }
}

/// Friday 2021-01-08 17:10, the Friday before 成人の日 (Monday 2021-01-11): five minutes
/// count on Friday, none over the weekend and the holiday, then Tuesday from 08:45.
#[test]
fn a_fault_at_17_10_on_the_friday_before_a_holiday_monday() {
    let reported = jst("2021-01-08 17:10");
    let targets = [target("2020-10-01 00:00", Some(30), Some(120))];
    let mut events = vec![ev(EventKind::Reported, "2021-01-08 17:10")];

    let monday_noon = clock(&cal(), reported, &events, &targets, jst("2021-01-11 12:00"));
    assert_eq!(monday_noon.respond.elapsed_minutes, 5);
    assert_eq!(monday_noon.respond.state, ClockState::Running);
    assert_eq!(monday_noon.respond.level, SlaLevel::Within);
    // 25 minutes left from Monday noon: Tuesday 08:45 + 25.
    assert_eq!(monday_noon.respond.due_at, Some(jst("2021-01-12 09:10")));

    let tuesday = clock(&cal(), reported, &events, &targets, jst("2021-01-12 09:05"));
    assert_eq!(tuesday.respond.elapsed_minutes, 25);
    assert_eq!(tuesday.respond.share_percent, Some(83));
    assert_eq!(tuesday.respond.level, SlaLevel::Near);

    events.push(ev(EventKind::Acknowledged, "2021-01-12 09:00"));
    events.push(ev(EventKind::ActionTaken, "2021-01-12 09:30"));
    events.push(ev(EventKind::OperationChecked, "2021-01-12 09:50"));
    events.push(ev(EventKind::Resolved, "2021-01-12 10:00"));
    let done = clock(&cal(), reported, &events, &targets, jst("2021-01-20 12:00"));
    assert_eq!(done.respond.elapsed_minutes, 20);
    assert_eq!(done.respond.state, ClockState::Stopped);
    assert_eq!(done.respond.stopped_at, Some(jst("2021-01-12 09:00")));
    assert_eq!(done.respond.level, SlaLevel::Within);
    assert_eq!(done.recover.elapsed_minutes, 80);
    assert_eq!(done.recover.level, SlaLevel::Within);
    assert_eq!(done.recover.due_at, None);
    assert_eq!(done.worst_level(), SlaLevel::Within);
}

#[test]
fn a_report_outside_working_hours_starts_at_the_next_working_minute() {
    let reported = jst("2020-11-07 10:00"); // a Saturday
    let events = [ev(EventKind::Reported, "2020-11-07 10:00")];
    let c = clock(&cal(), reported, &events, &[], jst("2020-11-09 08:45"));
    assert_eq!(c.respond.elapsed_minutes, 0);
    assert_eq!(c.recover.level, SlaLevel::NoTarget);
    assert_eq!(c.recover.share_percent, None);
    let c = clock(&cal(), reported, &events, &[], jst("2020-11-09 09:15"));
    assert_eq!(c.respond.elapsed_minutes, 30);
    assert_eq!(c.recover.elapsed_minutes, 30);
    // Before 08:45 on a business day, too.
    let early = jst("2020-11-09 07:00");
    let c = clock(&cal(), early, &[], &[], jst("2020-11-09 09:00"));
    assert_eq!(c.respond.elapsed_minutes, 15);
}

#[test]
fn a_pause_for_the_lessor_is_left_out_of_the_recovery() {
    let reported = jst("2020-11-10 09:00");
    let mut paused = ev(EventKind::Paused, "2020-11-10 10:00");
    paused.pause_reason = Some(PauseReason::Lessor);
    let mut events = vec![
        ev(EventKind::Reported, "2020-11-10 09:00"),
        ev(EventKind::Acknowledged, "2020-11-10 09:10"),
        paused,
    ];
    let targets = [target("2020-10-01 00:00", None, Some(150))];
    let waiting = clock(&cal(), reported, &events, &targets, jst("2020-11-11 09:00"));
    assert_eq!(waiting.recover.state, ClockState::Paused);
    assert_eq!(waiting.recover.elapsed_minutes, 60);
    assert_eq!(waiting.recover.paused_minutes, 435 + 15);
    assert_eq!(waiting.recover.due_at, None);
    assert_eq!(waiting.respond.state, ClockState::Stopped);
    assert_eq!(waiting.respond.elapsed_minutes, 10);

    events.push(ev(EventKind::Resumed, "2020-11-11 10:00"));
    let resumed = clock(&cal(), reported, &events, &targets, jst("2020-11-11 10:30"));
    assert_eq!(resumed.recover.state, ClockState::Running);
    assert_eq!(resumed.recover.elapsed_minutes, 90);
    assert_eq!(resumed.recover.due_at, Some(jst("2020-11-11 11:30")));

    events.push(ev(EventKind::ActionTaken, "2020-11-11 10:40"));
    events.push(ev(EventKind::OperationChecked, "2020-11-11 10:50"));
    events.push(ev(EventKind::Resolved, "2020-11-11 11:00"));
    let done = clock(&cal(), reported, &events, &targets, jst("2020-12-01 09:00"));
    assert_eq!(done.recover.elapsed_minutes, 120);
    assert_eq!(done.recover.paused_minutes, 435 + 75);
    assert_eq!(done.recover.level, SlaLevel::Near);
    assert_eq!(done.recover.share_percent, Some(80));
}

#[test]
fn a_target_changed_midway_applies_to_incidents_reported_after_it() {
    let targets = [
        target("2021-01-12 09:30", Some(10), Some(60)),
        target("2020-10-01 00:00", Some(60), Some(120)),
    ];
    assert_eq!(
        target_at(&targets, jst("2021-01-12 09:29")).map(|t| t.recover_minutes),
        Some(Some(120))
    );
    assert_eq!(target_at(&targets, jst("2020-09-30 00:00")), None);
    let events = |from: &str| {
        vec![
            ev(EventKind::Reported, from),
            ev(EventKind::Acknowledged, "2021-01-12 10:30"),
            ev(EventKind::ActionTaken, "2021-01-12 11:00"),
            ev(EventKind::OperationChecked, "2021-01-12 11:20"),
            ev(EventKind::Resolved, "2021-01-12 11:30"),
        ]
    };
    let now = jst("2021-01-13 09:00");
    // Reported before the change: the old targets (60 / 120), 90 and 150 minutes taken.
    let before = clock(
        &cal(),
        jst("2021-01-12 09:00"),
        &events("2021-01-12 09:00"),
        &targets,
        now,
    );
    assert_eq!(before.respond.target_minutes, Some(60));
    assert_eq!(before.respond.level, SlaLevel::Breached);
    assert_eq!(before.recover.target_minutes, Some(120));
    assert_eq!(before.recover.elapsed_minutes, 150);
    assert_eq!(before.recover.level, SlaLevel::Breached);
    // Reported after it: the new ones (10 / 60).
    let after = clock(
        &cal(),
        jst("2021-01-12 10:00"),
        &events("2021-01-12 10:00"),
        &targets,
        now,
    );
    assert_eq!(after.respond.target_minutes, Some(10));
    assert_eq!(after.recover.target_minutes, Some(60));
    assert_eq!(after.recover.elapsed_minutes, 90);
    assert_eq!(after.worst_level(), SlaLevel::Breached);
}

#[test]
fn the_near_share_is_the_citys_setting() {
    let reported = jst("2020-11-10 09:00");
    let events = [ev(EventKind::Reported, "2020-11-10 09:00")];
    let mut t = target("2020-10-01 00:00", Some(100), None);
    let at = jst("2020-11-10 09:50");
    assert_eq!(
        clock(&cal(), reported, &events, &[t.clone()], at)
            .respond
            .level,
        SlaLevel::Within
    );
    t.near_share_percent = 50;
    assert_eq!(
        clock(&cal(), reported, &events, &[t], at).respond.level,
        SlaLevel::Near
    );
}
