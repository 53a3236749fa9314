use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::subcontracting::{SubcontractDecision, SubcontractStatus, judge_subcontract_decision};
use super::*;
use crate::people::{PersonFacts, Role};
use crate::rules::Refusal;
use crate::time::jst;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// Japan time `YYYY-MM-DD HH:MM`.
fn at(s: &str) -> DateTime<Utc> {
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("instant");
    jst()
        .from_local_datetime(&local)
        .single()
        .expect("jst")
        .with_timezone(&Utc)
}

fn details(badge: &str) -> RosterDetails {
    RosterDetails {
        name: "札幌 太郎".into(),
        kana: "さっぽろ たろう".into(),
        company: "受託株式会社".into(),
        contract_role: RosterRole::Worker,
        badge_number: badge.into(),
        contact: "011-000-0000".into(),
    }
}

fn notice(kind: NoticeKind, effective: &str, given: &str) -> NoticeFact {
    NoticeFact {
        kind,
        effective_on: date(effective),
        given_at: at(given),
        details: details("B-1"),
    }
}

fn field(r: Result<(), Refusal>) -> String {
    match r {
        Err(Refusal::Invalid(e)) => e.0[0].field.clone(),
        Err(Refusal::Conflict { field, .. }) => field,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_notice_is_late_unless_given_before_its_effective_day_in_japan() {
    // 23:59 JST on the day before is in time; 00:00 JST of the day itself is late (that
    // is 15:00 UTC of the day before: the day is Japan's).
    assert!(!is_late(date("2020-10-05"), at("2020-10-04 23:59")));
    assert!(is_late(date("2020-10-05"), at("2020-10-05 00:00")));
    assert!(is_late(date("2020-10-05"), at("2020-10-07 09:00")));
}

#[test]
fn the_roster_on_a_day_follows_the_notices_in_force() {
    let timely = [notice(NoticeKind::Add, "2020-10-05", "2020-10-01 10:00")];
    assert!(!on_roster(&timely, date("2020-10-04")));
    assert!(on_roster(&timely, date("2020-10-05")));
    // A late addition counts from the day it was given, not from its effective date.
    let late = [notice(NoticeKind::Add, "2020-10-05", "2020-10-07 09:00")];
    assert!(!on_roster(&late, date("2020-10-06")));
    assert!(on_roster(&late, date("2020-10-07")));
    // A removal counts from its effective date, even when notified late.
    let removed = [
        timely[0].clone(),
        notice(NoticeKind::Remove, "2020-11-01", "2020-11-03 09:00"),
    ];
    assert!(on_roster(&removed, date("2020-10-31")));
    assert!(!on_roster(&removed, date("2020-11-01")));
    // Back on the roster by a later addition.
    let back = [
        removed[0].clone(),
        removed[1].clone(),
        notice(NoticeKind::Add, "2020-12-01", "2020-11-20 09:00"),
    ];
    assert!(!on_roster(&back, date("2020-11-30")));
    assert_eq!(
        roster_span(&removed),
        (Some(date("2020-10-05")), Some(date("2020-10-31")))
    );
    assert_eq!(roster_span(&late), (Some(date("2020-10-07")), None));
    assert!(on_roster(&back, date("2020-12-01")));
    assert!(!on_roster(&[], date("2020-12-01")));
}

#[test]
fn details_change_on_the_modifications_day() {
    let mut changed = notice(NoticeKind::Modify, "2020-11-01", "2020-10-20 09:00");
    changed.details = details("B-2");
    let notices = [
        notice(NoticeKind::Add, "2020-10-05", "2020-10-01 10:00"),
        changed,
    ];
    assert_eq!(
        details_on(&notices, date("2020-10-31")).map(|d| d.badge_number.as_str()),
        Some("B-1")
    );
    assert_eq!(
        details_on(&notices, date("2020-11-01")).map(|d| d.badge_number.as_str()),
        Some("B-2")
    );
    // Before any notice is in force, the first one's details.
    assert_eq!(
        details_on(&notices, date("2020-09-01")).map(|d| d.badge_number.as_str()),
        Some("B-1")
    );
}

#[test]
fn only_accounts_on_the_roster_that_day_may_be_named() {
    let roster = [AccountRoster {
        user_id: 3,
        notices: vec![notice(NoticeKind::Add, "2020-10-05", "2020-10-01 10:00")],
    }];
    let ok = judge_on_roster("worker_ids", &[(3, date("2020-10-05"))], &roster);
    assert_eq!(ok, Ok(()));
    let early = judge_on_roster("worker_ids", &[(3, date("2020-10-04"))], &roster);
    assert_eq!(field(early), "worker_ids");
    let stranger = judge_on_roster(
        "performer_id",
        &[(3, date("2020-10-06")), (4, date("2020-10-06"))],
        &roster,
    );
    match stranger {
        Err(Refusal::Invalid(e)) => {
            assert_eq!(e.0[0].field, "performer_id");
            assert!(e.0[0].message.contains("利用者ID 4"), "{}", e.0[0].message);
            assert!(
                e.0[0].message.contains("2020年10月6日(火)"),
                "{}",
                e.0[0].message
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn late_notices_are_counted_per_month_of_their_effective_date() {
    let n = [
        (date("2020-10-05"), true),
        (date("2020-10-20"), true),
        (date("2020-10-21"), false),
        (date("2020-12-01"), true),
    ];
    assert_eq!(
        late_by_month(&n),
        [("2020-10".to_string(), 2), ("2020-12".to_string(), 1)]
    );
}

fn draft() -> RosterPersonDraft {
    RosterPersonInput {
        name: "札幌 太郎".into(),
        kana: "さっぽろ たろう".into(),
        company: "受託株式会社".into(),
        contract_role: "worker".into(),
        badge_number: "B-1".into(),
        contact: "011-000-0000".into(),
        effective_on: "2020-10-05".into(),
        ..Default::default()
    }
    .check()
    .expect("checked")
}

#[test]
fn a_subcontractors_person_joins_only_under_an_approved_application() {
    let now = at("2020-10-01 10:00");
    let facts = NewPersonFacts {
        account: None,
        account_listed: false,
        subcontract: Some(SubcontractStatus::Applied),
        now,
    };
    let d = RosterPersonDraft {
        subcontract_id: Some(1),
        ..draft()
    };
    assert_eq!(
        field(judge_new_person(&d, &facts).map(|_| ())),
        "subcontract_id"
    );
    let unknown = NewPersonFacts {
        subcontract: None,
        ..facts.clone()
    };
    assert_eq!(
        field(judge_new_person(&d, &unknown).map(|_| ())),
        "subcontract_id"
    );
    let approved = NewPersonFacts {
        subcontract: Some(SubcontractStatus::Approved),
        ..facts
    };
    let n = judge_new_person(&d, &approved).expect("joins");
    assert_eq!((n.kind, n.given_at), (NoticeKind::Add, now));
}

#[test]
fn an_account_is_listed_once_and_must_do_contract_work() {
    let now = at("2020-10-01 10:00");
    let worker = PersonFacts {
        username: "w".into(),
        role: Role::ContractorWorker,
        disabled: false,
    };
    let d = RosterPersonDraft {
        user_id: Some(3),
        ..draft()
    };
    let facts = NewPersonFacts {
        account: Some(worker.clone()),
        account_listed: false,
        subcontract: None,
        now,
    };
    assert!(judge_new_person(&d, &facts).is_ok());
    let listed = NewPersonFacts {
        account_listed: true,
        ..facts.clone()
    };
    assert_eq!(field(judge_new_person(&d, &listed).map(|_| ())), "user_id");
    let city = NewPersonFacts {
        account: Some(PersonFacts {
            role: Role::CityStaff,
            ..worker
        }),
        ..facts.clone()
    };
    assert_eq!(field(judge_new_person(&d, &city).map(|_| ())), "user_id");
    let future = RosterPersonDraft {
        given_at: Some(at("2020-10-02 10:00")),
        ..draft()
    };
    assert_eq!(
        field(judge_new_person(&future, &facts).map(|_| ())),
        "given_at"
    );
}

#[test]
fn changes_follow_the_persons_standing() {
    let now = at("2020-10-10 10:00");
    let on = [notice(NoticeKind::Add, "2020-10-05", "2020-10-01 10:00")];
    let change = |kind: &str, badge: Option<&str>| {
        RosterChangeInput {
            kind: kind.into(),
            effective_on: "2020-11-01".into(),
            badge_number: badge.map(str::to_string),
            ..Default::default()
        }
        .check()
        .expect("checked")
    };
    let m = judge_change(&change("modify", Some("B-9")), &on, now).expect("modified");
    assert_eq!(m.details.badge_number, "B-9");
    assert_eq!(m.details.name, "札幌 太郎");
    assert_eq!(
        field(judge_change(&change("modify", None), &on, now).map(|_| ())),
        "kind"
    );
    assert_eq!(
        field(judge_change(&change("add", None), &on, now).map(|_| ())),
        "kind"
    );
    let r = judge_change(&change("remove", None), &on, now).expect("removed");
    let off = [on[0].clone(), r];
    assert_eq!(
        field(judge_change(&change("remove", None), &off, now).map(|_| ())),
        "kind"
    );
    assert!(judge_change(&change("add", None), &off, now).is_ok());
    assert_eq!(field(judge_acknowledgement(true)), "notice_id");
    assert_eq!(judge_acknowledgement(false), Ok(()));
}

#[test]
fn an_application_is_decided_once() {
    use SubcontractStatus::*;
    assert_eq!(
        judge_subcontract_decision(Applied, SubcontractDecision::Approve),
        Ok(Approved)
    );
    assert_eq!(
        judge_subcontract_decision(Applied, SubcontractDecision::Refuse),
        Ok(Refused)
    );
    assert_eq!(
        field(judge_subcontract_decision(Approved, SubcontractDecision::Refuse).map(|_| ())),
        "status"
    );
}
