//! The timeline's rules: who records what, in which order.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::contract::CategoryCode;
use crate::inventory::AssetStatus;
use crate::people::Role;
use crate::rules::Refusal;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    // 2020-11-10 (a Tuesday), Japan time.
    Utc.with_ymd_and_hms(2020, 11, 10, h, m, 0)
        .single()
        .expect("instant")
        - Duration::hours(9)
}

fn draft(kind: EventKind) -> EventDraft {
    EventDraft::new(kind)
}

/// Adds `d` by `role` at `now`, as the store would after judging.
fn add(f: &mut IncidentFacts, d: EventDraft, role: Role, now: DateTime<Utc>) -> IncidentStatus {
    let (when, status) = judge_event(f, &d, role, now).unwrap_or_else(|e| panic!("{d:?}: {e}"));
    f.events.push(EventFact {
        kind: d.kind,
        at: when,
        inquiry_number: d.inquiry_number,
        pause_reason: d.pause_reason,
    });
    status
}

fn facts() -> IncidentFacts {
    IncidentFacts {
        category: CategoryCode::TerminalRecovery,
        events: vec![EventFact::new(EventKind::Reported, at(9, 0))],
        tasks: Vec::new(),
    }
}

fn refused_on(r: Result<(DateTime<Utc>, IncidentStatus), Refusal>) -> String {
    match r {
        Err(Refusal::Conflict { field, .. }) => format!("conflict:{field}"),
        Err(Refusal::Invalid(e)) => format!("invalid:{}", e.0[0].field),
        Err(Refusal::Forbidden(_)) => "forbidden".into(),
        Ok(_) => "ok".into(),
    }
}

#[test]
fn a_terminal_fault_with_a_jlis_inquiry_and_a_log_runs_to_the_citys_acceptance() {
    use EventKind::*;
    let mut f = facts();
    assert_eq!(status_of(&f.events), IncidentStatus::Reported);
    let lead = Role::ContractorLead;
    let worker = Role::ContractorWorker;
    assert_eq!(
        add(&mut f, draft(Acknowledged), lead, at(9, 10)),
        IncidentStatus::Responding
    );
    add(&mut f, draft(Arrived), worker, at(10, 0));
    let mut asked = draft(JlisAsked);
    asked.note = Some("エラーコードの意味".into());
    add(&mut f, asked, worker, at(10, 10));
    let mut answered = draft(JlisAnswered);
    answered.inquiry_number = Some("Q-2020-123".into());
    answered.note = Some("再起動で解消".into());
    add(&mut f, answered, worker, at(10, 40));
    add(&mut f, draft(LogCollected), worker, at(10, 45));
    add(&mut f, draft(ActionTaken), worker, at(10, 50));
    add(&mut f, draft(OperationChecked), worker, at(11, 0));
    assert_eq!(
        refused_on(judge_event(&f, &draft(Resolved), worker, at(11, 5))),
        "forbidden"
    );
    assert_eq!(
        add(&mut f, draft(Resolved), lead, at(11, 5)),
        IncidentStatus::Resolved
    );
    assert_eq!(
        refused_on(judge_event(&f, &draft(ActionTaken), worker, at(11, 6))),
        "conflict:kind"
    );
    assert_eq!(
        refused_on(judge_event(&f, &draft(Accepted), lead, at(11, 6))),
        "forbidden"
    );
    assert_eq!(
        add(&mut f, draft(Accepted), Role::CityStaff, at(13, 0)),
        IncidentStatus::Accepted
    );
    assert_eq!(
        refused_on(judge_event(&f, &draft(Note), Role::CityStaff, at(13, 5))),
        "conflict:kind"
    );
}

#[test]
fn work_waits_for_the_acknowledgement_and_resolution_for_a_checked_fix() {
    use EventKind::*;
    let mut f = facts();
    let w = Role::ContractorWorker;
    assert_eq!(
        refused_on(judge_event(&f, &draft(ActionTaken), w, at(9, 5))),
        "conflict:kind"
    );
    assert_eq!(
        refused_on(judge_event(
            &f,
            &draft(Acknowledged),
            Role::CityStaff,
            at(9, 5)
        )),
        "forbidden"
    );
    add(&mut f, draft(Arrived), w, at(9, 30));
    assert_eq!(
        refused_on(judge_event(
            &f,
            &draft(Resolved),
            Role::ContractorLead,
            at(9, 40)
        )),
        "conflict:kind"
    );
    add(&mut f, draft(OperationChecked), w, at(9, 40));
    add(&mut f, draft(ActionTaken), w, at(9, 50));
    // The check came before the last action: not enough.
    assert_eq!(
        refused_on(judge_event(
            &f,
            &draft(Resolved),
            Role::ContractorLead,
            at(9, 55)
        )),
        "conflict:kind"
    );
    add(&mut f, draft(Acknowledged), Role::ContractorLead, at(9, 55));
    assert_eq!(
        refused_on(judge_event(
            &f,
            &draft(Acknowledged),
            Role::ContractorLead,
            at(9, 56)
        )),
        "conflict:kind"
    );
    // An answer needs its question; a lessor's visit needs the City's escalation.
    let mut answered = draft(JlisAnswered);
    answered.inquiry_number = Some("Q-1".into());
    assert_eq!(
        refused_on(judge_event(&f, &answered, w, at(10, 0))),
        "invalid:inquiry_number"
    );
    let mut asked = draft(JlisAsked);
    asked.inquiry_number = Some("Q-2".into());
    add(&mut f, asked, w, at(10, 0));
    assert_eq!(
        refused_on(judge_event(&f, &answered, w, at(10, 1))),
        "invalid:inquiry_number"
    );
    answered.inquiry_number = Some("Q-2".into());
    assert_eq!(refused_on(judge_event(&f, &answered, w, at(10, 1))), "ok");
    assert_eq!(
        refused_on(judge_event(&f, &draft(LessorVisited), w, at(10, 1))),
        "conflict:kind"
    );
    assert_eq!(
        refused_on(judge_event(
            &f,
            &draft(Escalated),
            Role::ContractorLead,
            at(10, 1)
        )),
        "forbidden"
    );
    add(&mut f, draft(Escalated), Role::CityStaff, at(10, 1));
    assert_eq!(
        refused_on(judge_event(
            &f,
            &draft(Escalated),
            Role::CityStaff,
            at(10, 2)
        )),
        "conflict:kind"
    );
    assert_eq!(
        refused_on(judge_event(&f, &draft(LessorVisited), w, at(10, 2))),
        "ok"
    );
}

#[test]
fn pauses_resume_before_resolution_and_instants_keep_their_order() {
    use EventKind::*;
    let mut f = facts();
    let lead = Role::ContractorLead;
    add(&mut f, draft(Acknowledged), lead, at(9, 10));
    assert_eq!(
        refused_on(judge_event(&f, &draft(Resumed), lead, at(9, 20))),
        "conflict:kind"
    );
    let mut pause = draft(Paused);
    pause.pause_reason = Some(PauseReason::Jlis);
    assert_eq!(
        add(&mut f, pause.clone(), lead, at(9, 20)),
        IncidentStatus::Paused
    );
    assert_eq!(
        refused_on(judge_event(&f, &pause, lead, at(9, 30))),
        "conflict:kind"
    );
    add(
        &mut f,
        draft(ActionTaken),
        Role::ContractorWorker,
        at(9, 40),
    );
    add(
        &mut f,
        draft(OperationChecked),
        Role::ContractorWorker,
        at(9, 50),
    );
    assert_eq!(
        refused_on(judge_event(&f, &draft(Resolved), lead, at(9, 55))),
        "conflict:kind"
    );
    assert_eq!(
        refused_on(judge_event(
            &f,
            &draft(Resumed),
            Role::ContractorWorker,
            at(9, 55)
        )),
        "forbidden"
    );
    // Typed instants: not before the last event, not in the future.
    let mut early = draft(Resumed);
    early.at = Some(at(9, 45));
    assert_eq!(
        refused_on(judge_event(&f, &early, lead, at(10, 0))),
        "invalid:at"
    );
    early.at = Some(at(11, 0));
    assert_eq!(
        refused_on(judge_event(&f, &early, lead, at(10, 0))),
        "invalid:at"
    );
    early.at = Some(at(9, 55));
    assert_eq!(
        add(&mut f, early, lead, at(10, 0)),
        IncidentStatus::Responding
    );
    assert_eq!(
        add(&mut f, draft(Resolved), lead, at(10, 5)),
        IncidentStatus::Resolved
    );
}

#[test]
fn inputs_name_their_fields() {
    let e = IncidentInput::default().check().expect_err("empty");
    let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["category", "terminal_id", "symptom"]);
    let ok = IncidentInput {
        category: "ク".into(),
        terminal_id: Some(3),
        reported_at: Some("2021-01-08T17:10".into()),
        symptom: "タッチが反応しない".into(),
        urgency: Some("至急".into()),
        ..Default::default()
    }
    .check()
    .expect("checked");
    assert_eq!(ok.category, CategoryCode::TouchPanelRecovery);
    assert_eq!(ok.urgency, Urgency::High);
    assert_eq!(
        device_of(ok.category),
        Some(crate::inventory::AssetKind::TouchPanel)
    );
    let wrong = IncidentInput {
        category: "ア".into(),
        ..Default::default()
    };
    assert_eq!(wrong.check().expect_err("ア").0[0].field, "category");

    let e = EventInput {
        kind: "jlis_answered".into(),
        ..Default::default()
    }
    .check()
    .expect_err("answer");
    let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["note", "inquiry_number"]);
    let e = EventInput {
        kind: "paused".into(),
        ..Default::default()
    }
    .check()
    .expect_err("pause");
    assert_eq!(e.0[0].field, "pause_reason");
    let e = EventInput {
        kind: "reported".into(),
        ..Default::default()
    }
    .check()
    .expect_err("reported");
    assert_eq!(e.0[0].field, "kind");

    let s = SlaSettingsInput {
        near_share_percent: Some(100),
        respond_minutes: Some(0),
        ..Default::default()
    }
    .check()
    .expect_err("settings");
    let fields: Vec<&str> = s.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["effective_from", "respond_minutes", "near_share_percent"]
    );
    let s = SlaSettingsInput {
        effective_from: Some("2020-10-01T00:00".into()),
        ..Default::default()
    }
    .check()
    .expect("defaults");
    assert_eq!(s.near_share_percent, DEFAULT_NEAR_SHARE_PERCENT);
}

#[test]
fn a_new_incident_is_judged_against_the_inventory_and_the_fault_report() {
    let d = IncidentDraft {
        category: CategoryCode::TouchPanelRecovery,
        terminal_id: 7,
        reported_at: None,
        symptom: "反応しない".into(),
        can_continue: true,
        fallback: None,
        urgency: Urgency::Normal,
        fault_report_id: Some(3),
    };
    let now = at(10, 0);
    let with_panel = TerminalOfIncident {
        status: AssetStatus::InService,
        touch_panel_id: Some(70),
    };
    let report = FaultReportOfIncident {
        terminal_id: 7,
        incident_id: None,
    };
    assert_eq!(
        judge_incident(Role::CityStaff, &d, Some(&with_panel), Some(&report), now),
        Ok((now, Some(70)))
    );
    let field = |r: Result<(DateTime<Utc>, Option<i64>), Refusal>| match r {
        Err(Refusal::Invalid(e)) => e.0[0].field.clone(),
        Err(Refusal::Conflict { field, .. }) => format!("conflict:{field}"),
        Err(Refusal::Forbidden(_)) => "forbidden".into(),
        Ok(_) => "ok".into(),
    };
    assert_eq!(
        field(judge_incident(
            Role::ContractorWorker,
            &d,
            Some(&with_panel),
            Some(&report),
            now
        )),
        "forbidden"
    );
    let bare = TerminalOfIncident {
        touch_panel_id: None,
        ..with_panel.clone()
    };
    assert_eq!(
        field(judge_incident(
            Role::CityStaff,
            &d,
            Some(&bare),
            Some(&report),
            now
        )),
        "terminal_id"
    );
    assert_eq!(
        field(judge_incident(
            Role::CityStaff,
            &d,
            None,
            Some(&report),
            now
        )),
        "terminal_id"
    );
    assert_eq!(
        field(judge_incident(
            Role::CityStaff,
            &d,
            Some(&with_panel),
            None,
            now
        )),
        "fault_report_id"
    );
    let taken = FaultReportOfIncident {
        incident_id: Some(1),
        ..report.clone()
    };
    assert_eq!(
        field(judge_incident(
            Role::CityStaff,
            &d,
            Some(&with_panel),
            Some(&taken),
            now
        )),
        "conflict:fault_report_id"
    );
    let future = IncidentDraft {
        reported_at: Some(now + Duration::hours(1)),
        ..d.clone()
    };
    assert_eq!(
        field(judge_incident(
            Role::CityStaff,
            &future,
            Some(&with_panel),
            Some(&report),
            now
        )),
        "reported_at"
    );
}

#[test]
fn a_swap_closes_only_after_its_re_setup_tasks_and_a_check_after_them() {
    use EventKind::*;
    let mut f = facts();
    f.category = CategoryCode::TouchPanelRecovery;
    let (w, lead, city) = (
        Role::ContractorWorker,
        Role::ContractorLead,
        Role::CityStaff,
    );
    add(&mut f, draft(Arrived), w, at(9, 30));
    add(&mut f, draft(Escalated), city, at(9, 40));
    add(&mut f, draft(DeviceReplaced), w, at(10, 0));
    // What the store creates with the swap.
    f.tasks = vec![TaskFact {
        id: 5,
        label: "交換後のタッチパネルの設定調整".into(),
        done: false,
    }];
    add(&mut f, draft(OperationChecked), w, at(10, 5));
    let refusal = judge_event(&f, &draft(Resolved), lead, at(10, 10)).expect_err("task open");
    assert!(refusal.to_string().contains("設定調整"), "{refusal}");
    let mut done = draft(TaskDone);
    done.task_id = Some(6);
    assert_eq!(
        refused_on(judge_event(&f, &done, w, at(10, 10))),
        "invalid:task_id"
    );
    done.task_id = Some(5);
    assert_eq!(
        refused_on(judge_event(&f, &done, city, at(10, 10))),
        "forbidden"
    );
    add(&mut f, done.clone(), w, at(10, 20));
    f.tasks[0].done = true;
    assert_eq!(
        refused_on(judge_event(&f, &done, w, at(10, 21))),
        "conflict:task_id"
    );
    // The check before the adjustment does not count.
    assert_eq!(
        refused_on(judge_event(&f, &draft(Resolved), lead, at(10, 25))),
        "conflict:kind"
    );
    add(&mut f, draft(OperationChecked), w, at(10, 30));
    assert_eq!(
        add(&mut f, draft(Resolved), lead, at(10, 35)),
        IncidentStatus::Resolved
    );
    assert!(!next_events(&f, w, at(10, 40)).contains(&TaskDone));
}

#[test]
fn another_partys_part_is_told_to_the_city_beforehand() {
    use EventKind::*;
    let mut f = facts();
    add(&mut f, draft(Acknowledged), Role::ContractorLead, at(9, 10));
    let mut d = draft(PartyInvolved);
    d.at = Some(at(10, 0));
    d.party = Some((crate::contract::PartyKind::NetworkContractor, at(10, 30)));
    assert_eq!(
        refused_on(judge_event(&f, &d, Role::ContractorLead, at(11, 0))),
        "invalid:city_notified_at"
    );
    d.party = Some((crate::contract::PartyKind::NetworkContractor, at(9, 50)));
    assert_eq!(
        refused_on(judge_event(&f, &d, Role::ContractorWorker, at(11, 0))),
        "forbidden"
    );
    add(&mut f, d, Role::ContractorLead, at(11, 0));
    assert!(next_events(&f, Role::CityStaff, at(11, 5)).contains(&PartyInvolved));
}

#[test]
fn the_other_party_and_the_replacement_are_required_and_bounded() {
    let input = EventInput {
        kind: "party_involved".into(),
        party: Some("lessor".into()),
        ..Default::default()
    };
    let fields: Vec<String> = input
        .check()
        .expect_err("lessor refused")
        .0
        .iter()
        .map(|e| e.field.clone())
        .collect();
    assert_eq!(fields, ["party"]);
    let input = EventInput {
        kind: "device_replaced".into(),
        new_serial: Some("x".repeat(65)),
        ..Default::default()
    };
    let fields: Vec<String> = input
        .check()
        .expect_err("fields")
        .0
        .iter()
        .map(|e| e.field.clone())
        .collect();
    assert_eq!(fields, ["new_asset_number", "new_serial"]);
}
