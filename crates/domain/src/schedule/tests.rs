#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;

use super::*;
use crate::calendar::BusinessCalendar;
use crate::contract::Contract;
use crate::people::Role;
use crate::validation::FieldErrors;

fn span(date: &str, start: &str, end: &str) -> Span {
    let mut e = FieldErrors::default();
    let s = check_span(&mut e, date, start, end);
    assert!(e.is_empty(), "{e}");
    s.unwrap()
}

#[test]
fn spans_are_checked_field_by_field() {
    let mut e = FieldErrors::default();
    assert!(check_span(&mut e, "2020-13-01", "9:00", "8:00").is_none());
    assert_eq!(e.0[0].field, "date");
    let mut e = FieldErrors::default();
    assert!(check_span(&mut e, "2020-11-04", "10:00", "09:00").is_none());
    assert_eq!(e.0[0].field, "end");
    assert!(span("2020-11-04", "09:00", "12:00").covers(&span("2020-11-04", "10:00", "11:00")));
    assert!(!span("2020-11-04", "09:00", "12:00").covers(&span("2020-11-04", "10:00", "12:30")));
}

#[test]
fn outside_the_window_names_the_reason() {
    let cal = BusinessCalendar::new(&Contract::builtin_default());
    assert_eq!(
        outside_window(&cal, &span("2020-11-04", "08:45", "17:15")),
        None
    );
    assert_eq!(
        outside_window(&cal, &span("2020-11-03", "09:00", "10:00")).unwrap(),
        "11月3日(火)は閉庁日（文化の日）です"
    );
    assert!(
        outside_window(&cal, &span("2020-11-04", "17:00", "18:00"))
            .unwrap()
            .contains("08:45〜17:15")
    );
}

#[test]
fn off_hours_city_reason_is_an_instruction_and_needs_no_approval() {
    use OffHoursStatus::*;
    assert_eq!(OffHoursCause::City.initial_status(), Instructed);
    assert!(Instructed.allows_work());
    let e = off_hours_transition(
        OffHoursCause::City,
        Instructed,
        OffHoursVerb::Approve,
        Role::CityStaff,
    );
    assert!(e.unwrap_err().0.contains("承認は不要"));
    assert_eq!(
        off_hours_transition(
            OffHoursCause::City,
            Instructed,
            OffHoursVerb::Withdraw,
            Role::CityStaff
        )
        .unwrap(),
        Withdrawn
    );
}

#[test]
fn off_hours_contractor_reason_needs_the_citys_approval() {
    use OffHoursStatus::*;
    let c = OffHoursCause::Contractor;
    assert_eq!(c.initial_status(), Requested);
    assert!(!Requested.allows_work());
    assert!(Requested.allows_planning());
    assert!(
        off_hours_transition(c, Requested, OffHoursVerb::Approve, Role::ContractorLead).is_err()
    );
    assert_eq!(
        off_hours_transition(c, Requested, OffHoursVerb::Approve, Role::CityStaff).unwrap(),
        Approved
    );
    assert_eq!(
        off_hours_transition(c, Requested, OffHoursVerb::Reject, Role::CityStaff).unwrap(),
        Rejected
    );
    assert!(off_hours_transition(c, Rejected, OffHoursVerb::Approve, Role::CityStaff).is_err());
    assert!(
        off_hours_transition(c, Rejected, OffHoursVerb::Withdraw, Role::ContractorLead).is_err()
    );
    assert!(off_hours_transition(c, Approved, OffHoursVerb::Withdraw, Role::CityStaff).is_err());
    assert!(!Rejected.allows_planning() && !Withdrawn.allows_planning());
}

#[test]
fn permits_needed_for_kikusui_after_hours_and_designated_rooms() {
    let cal = BusinessCalendar::new(&Contract::builtin_default());
    let hours = cal.working_hours();
    let inside = span("2020-11-04", "09:00", "12:00");
    assert!(permits_needed(false, &[], &[], &inside, hours, false).is_empty());
    let late = span("2020-11-04", "16:00", "18:00");
    let rooms = vec!["電算室".to_string()];
    let needs = permits_needed(
        true,
        &rooms,
        &["電算室".into(), "電算室".into(), "窓口".into()],
        &late,
        hours,
        false,
    );
    assert_eq!(
        needs.iter().map(PermitNeed::label_ja).collect::<Vec<_>>(),
        vec!["入館許可", "時間外入館許可", "指定室入室許可（電算室）"]
    );
    let closed_day = permits_needed(false, &[], &[], &inside, hours, true);
    assert_eq!(closed_day[0].kind, PermitKind::AfterHours);
}

#[test]
fn permits_are_granted_by_the_city_only() {
    use PermitStatus::*;
    assert_eq!(
        permit_transition(Requested, PermitVerb::Grant, Role::CityStaff).unwrap(),
        Granted
    );
    assert!(permit_transition(Requested, PermitVerb::Grant, Role::ContractorLead).is_err());
    assert!(permit_transition(Granted, PermitVerb::Refuse, Role::CityStaff).is_err());
    assert_eq!(
        permit_transition(Granted, PermitVerb::Withdraw, Role::ContractorLead).unwrap(),
        Withdrawn
    );
}

#[test]
fn visits_complete_once() {
    use VisitStatus::*;
    assert_eq!(
        visit_transition(Planned, VisitVerb::Complete, Role::ContractorWorker).unwrap(),
        Done
    );
    assert!(visit_transition(Done, VisitVerb::Cancel, Role::ContractorLead).is_err());
    assert!(visit_transition(Planned, VisitVerb::Cancel, Role::ContractorWorker).is_err());
    assert!(visit_transition(Planned, VisitVerb::Complete, Role::CityStaff).is_err());
}

#[test]
fn assess_prefers_an_approval_and_matches_permits_by_site_kind_room_and_date() {
    let cal = BusinessCalendar::new(&Contract::builtin_default());
    let evening = span("2020-11-04", "17:30", "18:30");
    let rooms = vec!["電算室".to_string()];
    let visit = VisitFacts {
        site_id: 1,
        span: evening,
        needs_entry_permit: false,
        designated_rooms: &rooms,
        rooms: vec!["電算室".into()],
        worker_ids: vec![7],
    };
    let oh = |id, site_id, status| OffHoursFact {
        id,
        site_id,
        span: span("2020-11-04", "17:15", "19:00"),
        status,
        worker_ids: vec![7, 8],
    };
    let none = assess(&cal, &visit, &[], &[]);
    assert!(!none.may_plan && !none.may_work);
    let mut stranger = visit.clone();
    stranger.worker_ids = vec![9];
    let other = assess(&cal, &stranger, &[oh(4, 1, OffHoursStatus::Approved)], &[]);
    assert!(!other.may_plan, "a record covers only the workers it names");
    let pending = assess(
        &cal,
        &visit,
        &[
            oh(1, 1, OffHoursStatus::Requested),
            oh(2, 2, OffHoursStatus::Approved),
        ],
        &[],
    );
    assert!(
        pending.may_plan && !pending.may_work,
        "another site's approval does not count"
    );
    assert_eq!(pending.off_hours_id, Some(1));
    let approved = assess(
        &cal,
        &visit,
        &[
            oh(1, 1, OffHoursStatus::Requested),
            oh(3, 1, OffHoursStatus::Approved),
        ],
        &[],
    );
    assert_eq!((approved.off_hours_id, approved.may_work), (Some(3), true));
    let permit = |id, kind, room: Option<&str>, status| PermitFact {
        id,
        site_id: 1,
        kind,
        room: room.map(String::from),
        valid_from: NaiveDate::from_ymd_opt(2020, 11, 1).unwrap(),
        valid_to: NaiveDate::from_ymd_opt(2020, 11, 4).unwrap(),
        status,
    };
    let a = assess(
        &cal,
        &visit,
        &[oh(3, 1, OffHoursStatus::Approved)],
        &[
            permit(10, PermitKind::AfterHours, None, PermitStatus::Granted),
            permit(11, PermitKind::Room, Some("窓口"), PermitStatus::Granted),
            permit(
                12,
                PermitKind::Room,
                Some("電算室"),
                PermitStatus::Requested,
            ),
        ],
    );
    assert_eq!(a.permits.len(), 2);
    assert_eq!(a.permits[0].granted_by, Some(10));
    assert_eq!(
        (a.permits[1].granted_by, a.permits[1].pending),
        (None, Some(12))
    );
    assert_eq!(
        a.warnings.last().unwrap(),
        "指定室入室許可（電算室）は申請中です"
    );
    assert!(a.permits_missing());
}

fn site(id: i64, needs_entry_permit: bool) -> SiteFact {
    SiteFact {
        id,
        code: format!("S{id}"),
        name: format!("拠点{id}"),
        needs_entry_permit,
    }
}

fn person(id: i64, role: Role, disabled: bool) -> PersonFact {
    PersonFact { id, role, disabled }
}

fn terminal(id: i64, site_id: i64, status: crate::inventory::AssetStatus) -> TerminalFact {
    TerminalFact {
        id,
        asset_number: format!("JT-{id}"),
        room: Some("市民課".into()),
        site_id,
        status,
    }
}

fn fy2020() -> crate::contract::Period {
    Contract::builtin_default().period
}

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn field_of(r: &crate::rules::Refusal) -> (String, String) {
    match r {
        crate::rules::Refusal::Invalid(e) => (e.0[0].field.clone(), e.0[0].message.clone()),
        crate::rules::Refusal::Conflict { field, message } => (field.clone(), message.clone()),
        crate::rules::Refusal::Forbidden(message) => ("(role)".into(), message.clone()),
    }
}

#[test]
fn sites_and_people_must_be_on_record() {
    let s = site(3, false);
    assert_eq!(judge_site(3, Some(&s)).unwrap().name, "拠点3");
    let e = judge_site(4, None).unwrap_err();
    assert_eq!(
        field_of(&e),
        ("site_id".into(), "拠点ID 4 は登録されていません。".into())
    );
    let found = [
        person(1, Role::ContractorWorker, false),
        person(2, Role::ContractorLead, false),
        person(3, Role::CityStaff, false),
        person(4, Role::ContractorWorker, true),
    ];
    assert!(judge_contractor_people("worker_ids", &[1, 2], &found).is_ok());
    for id in [3, 4, 5] {
        let e = judge_contractor_people("performer_id", &[1, id], &found).unwrap_err();
        assert_eq!(
            field_of(&e),
            (
                "performer_id".into(),
                format!("利用者ID {id} は有効な作業従事者・業務責任者ではありません。")
            )
        );
    }
}

#[test]
fn a_visit_works_on_terminals_in_use_at_its_site() {
    use crate::inventory::AssetStatus::*;
    let found = [
        terminal(1, 1, InService),
        terminal(2, 1, UnderRepair),
        terminal(3, 1, Spare),
        terminal(4, 2, InService),
        terminal(5, 1, Retired),
    ];
    let ids = |v: Vec<TerminalFact>| v.iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(
        ids(judge_visit_terminals(1, &[3], false, &found).unwrap()),
        [3]
    );
    assert_eq!(
        ids(judge_visit_terminals(1, &[3, 1], true, &found).unwrap()),
        [1, 2, 3],
        "all in use added, each once"
    );
    let e = judge_visit_terminals(1, &[4, 5, 9], false, &found).unwrap_err();
    let crate::rules::Refusal::Invalid(e) = e else {
        panic!("invalid")
    };
    let messages: Vec<&str> = e.0.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "端末 JT-4 はこの拠点で使用中の端末ではありません。",
            "端末 JT-5 はこの拠点で使用中の端末ではありません。",
            "端末ID 9 は登録されていません。"
        ]
    );
}

#[test]
fn nobody_is_in_two_places_at_once() {
    let busy = [BusyFact {
        worker_id: 7,
        display_name: "作業 一郎".into(),
        site_name: "北区役所".into(),
        span: span("2020-11-04", "09:00", "12:00"),
    }];
    let later = span("2020-11-04", "12:00", "13:00");
    assert!(judge_overlap(&later, &[7], &busy).is_ok(), "back to back");
    let overlapping = span("2020-11-04", "11:00", "13:00");
    assert!(
        judge_overlap(&overlapping, &[8], &busy).is_ok(),
        "someone else"
    );
    let e = judge_overlap(&overlapping, &[8, 7], &busy).unwrap_err();
    assert_eq!(
        field_of(&e),
        (
            "worker_ids".into(),
            "作業 一郎さんは同じ時間に北区役所（09:00から）の訪問が予定されています。".into()
        )
    );
}

fn visit_draft(date: &str, start: &str, end: &str) -> VisitDraft {
    VisitDraft {
        site_id: 1,
        span: span(date, start, end),
        purpose: "更新".into(),
        room: None,
        worker_ids: vec![7],
        terminal_ids: vec![],
        all_terminals: true,
        request_id: None,
    }
}

#[test]
fn a_new_visit_is_judged_in_order_site_people_terminals_window_overlap_request() {
    use crate::inventory::AssetStatus::*;
    let cal = BusinessCalendar::new(&Contract::builtin_default());
    let facts = NewVisitFacts {
        site: Some(site(1, true)),
        workers: vec![person(7, Role::ContractorWorker, false)],
        terminals: vec![terminal(1, 1, InService), terminal(2, 1, Spare)],
        ..NewVisitFacts::default()
    };
    let ok = judge_new_visit(&cal, &visit_draft("2020-11-04", "09:00", "12:00"), &facts).unwrap();
    assert_eq!(ok.site_name, "拠点1");
    assert_eq!(ok.terminals.len(), 1, "the spare is not in use");
    assert_eq!(ok.assessment.warnings, ["入館許可がありません"]);

    let holiday = judge_new_visit(&cal, &visit_draft("2020-11-03", "09:00", "12:00"), &facts);
    let (field, message) = field_of(&holiday.unwrap_err());
    assert_eq!(field, "date");
    assert!(
        message.starts_with("11月3日(火)は閉庁日（文化の日）です。時間外作業の申請"),
        "{message}"
    );
    let evening = judge_new_visit(&cal, &visit_draft("2020-11-04", "17:30", "18:00"), &facts);
    assert_eq!(field_of(&evening.unwrap_err()).0, "start");

    let mut unknown = facts.clone();
    unknown.site = None;
    let e = judge_new_visit(&cal, &visit_draft("2020-11-03", "09:00", "12:00"), &unknown);
    assert_eq!(
        field_of(&e.unwrap_err()).0,
        "site_id",
        "the site comes first"
    );

    let mut busy = facts.clone();
    busy.busy = vec![BusyFact {
        worker_id: 7,
        display_name: "作業 一郎".into(),
        site_name: "北区役所".into(),
        span: span("2020-11-04", "11:00", "13:00"),
    }];
    let e = judge_new_visit(&cal, &visit_draft("2020-11-04", "09:00", "12:00"), &busy);
    assert!(matches!(e, Err(crate::rules::Refusal::Conflict { .. })));

    let mut request = visit_draft("2020-11-04", "09:00", "12:00");
    request.request_id = Some(12);
    let missing = facts.clone();
    let e = judge_new_visit(&cal, &request, &missing).unwrap_err();
    assert_eq!(
        field_of(&e),
        (
            "request_id".into(),
            "作業依頼書ID 12 は登録されていません。".into()
        )
    );
    let bounds = crate::requests::RequestBounds {
        issued_on: d("2020-11-02"),
        period_from: d("2020-11-04"),
        period_to: d("2020-11-06"),
        site_ids: vec![1],
        terminal_sites: vec![(1, 1), (9, 2)],
    };
    let found = NewVisitFacts {
        request: Some(bounds.clone()),
        ..facts.clone()
    };
    let ok = judge_new_visit(&cal, &request, &found).unwrap();
    assert_eq!(
        ok.terminals.iter().map(|t| t.id).collect::<Vec<_>>(),
        [1],
        "all terminals of the site: the request's"
    );
    let outside = visit_draft("2020-11-09", "09:00", "12:00");
    let e = judge_new_visit(
        &cal,
        &VisitDraft {
            request_id: Some(12),
            ..outside
        },
        &found,
    );
    assert_eq!(field_of(&e.unwrap_err()).0, "date", "after the period");
    let elsewhere = NewVisitFacts {
        request: Some(crate::requests::RequestBounds {
            site_ids: vec![2],
            ..bounds
        }),
        ..facts.clone()
    };
    let e = judge_new_visit(&cal, &request, &elsewhere).unwrap_err();
    assert_eq!(
        field_of(&e).0,
        "site_id",
        "a site the request does not name"
    );
}

#[test]
fn work_outside_the_window_is_recorded_only_with_cover() {
    let cal = BusinessCalendar::new(&Contract::builtin_default());
    let inside = assess(
        &cal,
        &VisitFacts {
            site_id: 1,
            span: span("2020-11-04", "09:00", "10:00"),
            needs_entry_permit: false,
            designated_rooms: &[],
            rooms: vec![],
            worker_ids: vec![7],
        },
        &[],
        &[],
    );
    let mut uncovered = inside.clone();
    uncovered.may_work = false;
    uncovered.outside_window = Some("17:30〜18:00は作業時間（08:45〜17:15）の外です".into());
    use VisitStatus::*;
    assert_eq!(
        judge_visit_move(
            Planned,
            &inside,
            VisitVerb::Complete,
            Role::ContractorWorker
        )
        .unwrap(),
        Done
    );
    let e = judge_visit_move(
        Planned,
        &uncovered,
        VisitVerb::Complete,
        Role::ContractorWorker,
    )
    .unwrap_err();
    let (field, message) = field_of(&e);
    assert_eq!(field, "status");
    assert!(
        message.contains("時間外作業の承認（または本市の指示）がない"),
        "{message}"
    );
    assert_eq!(
        judge_visit_move(Planned, &uncovered, VisitVerb::Cancel, Role::ContractorLead).unwrap(),
        Cancelled,
        "a visit without cover may still be cancelled"
    );
    let e = judge_visit_move(Done, &inside, VisitVerb::Cancel, Role::ContractorLead).unwrap_err();
    assert_eq!(field_of(&e).0, "status");
    assert!(judge_visit_agreement(Planned, false, &inside).is_ok());
    assert!(judge_visit_agreement(Planned, true, &inside).is_err());
    assert!(judge_visit_agreement(Cancelled, false, &inside).is_err());
    let unpermitted = Assessment {
        permits: vec![PermitCheck {
            kind: PermitKind::Building,
            room: None,
            label: "入館許可".into(),
            granted_by: None,
            pending: Some(3),
        }],
        ..inside.clone()
    };
    let e = judge_visit_agreement(Planned, false, &unpermitted).unwrap_err();
    assert_eq!(field_of(&e).0, "permits");
    assert!(field_of(&e).1.contains("入館許可が許可されていない"), "{e}");
    let e = judge_visit_move(
        Planned,
        &unpermitted,
        VisitVerb::Complete,
        Role::ContractorWorker,
    )
    .unwrap_err();
    assert_eq!(
        field_of(&e).0,
        "permits",
        "no work recorded without the permits"
    );
    assert!(judge_plan_agreement(false).is_ok());
    assert_eq!(
        field_of(&judge_plan_agreement(true).unwrap_err()),
        ("agreed_by".into(), "この計画には同意済みです。".into())
    );
}

#[test]
fn off_hours_are_filed_by_the_party_whose_reason_it_is() {
    let cal = BusinessCalendar::new(&Contract::builtin_default());
    let draft = |cause, start, end| OffHoursDraft {
        site_id: 1,
        span: span("2020-11-04", start, end),
        cause,
        reason: "理由".into(),
        worker_ids: vec![7],
    };
    let s = site(1, false);
    let workers = [person(7, Role::ContractorWorker, false)];
    let evening = draft(OffHoursCause::Contractor, "17:15", "19:00");
    assert_eq!(
        judge_off_hours_filing(&cal, &evening, Role::ContractorLead, Some(&s), &workers).unwrap(),
        OffHoursStatus::Requested
    );
    let city = draft(OffHoursCause::City, "17:15", "19:00");
    assert_eq!(
        judge_off_hours_filing(&cal, &city, Role::CityStaff, Some(&s), &workers).unwrap(),
        OffHoursStatus::Instructed
    );
    let e =
        judge_off_hours_filing(&cal, &city, Role::ContractorLead, Some(&s), &workers).unwrap_err();
    assert_eq!(
        field_of(&e),
        (
            "cause".into(),
            "本市の事由による時間外作業は本市担当者が記録します。".into()
        )
    );
    let daytime = draft(OffHoursCause::Contractor, "09:00", "10:00");
    let e = judge_off_hours_filing(&cal, &daytime, Role::ContractorLead, Some(&s), &workers)
        .unwrap_err();
    assert_eq!(field_of(&e).0, "start");
    let e = judge_off_hours_filing(&cal, &evening, Role::ContractorLead, None, &workers);
    assert_eq!(field_of(&e.unwrap_err()).0, "site_id");
    let e = judge_off_hours_filing(&cal, &evening, Role::ContractorLead, Some(&s), &[]);
    assert_eq!(field_of(&e.unwrap_err()).0, "worker_ids");
}

#[test]
fn permits_are_asked_for_what_the_site_has() {
    let draft = |kind, room: Option<&str>| PermitDraft {
        site_id: 1,
        kind,
        room: room.map(String::from),
        valid_from: NaiveDate::from_ymd_opt(2020, 11, 4).unwrap(),
        valid_to: NaiveDate::from_ymd_opt(2020, 11, 4).unwrap(),
        note: None,
    };
    let rooms = vec!["電算室".to_string()];
    let ward = site(1, false);
    let kikusui = site(1, true);
    let building = draft(PermitKind::Building, None);
    assert!(judge_permit_request(&building, Some(&kikusui), &rooms, fy2020()).is_ok());
    let (field, message) =
        field_of(&judge_permit_request(&building, Some(&ward), &rooms, fy2020()).unwrap_err());
    assert_eq!(field, "kind");
    assert!(
        message.starts_with("拠点1は入館許可の対象ではありません"),
        "{message}"
    );
    assert!(
        judge_permit_request(
            &draft(PermitKind::Room, Some("電算室")),
            Some(&ward),
            &rooms,
            fy2020()
        )
        .is_ok()
    );
    assert_eq!(
        field_of(
            &judge_permit_request(
                &draft(PermitKind::Room, Some("倉庫")),
                Some(&ward),
                &rooms,
                fy2020()
            )
            .unwrap_err()
        ),
        (
            "room".into(),
            "「倉庫」は拠点1の指定室ではありません。".into()
        )
    );
    assert_eq!(
        field_of(&judge_permit_request(&building, None, &rooms, fy2020()).unwrap_err()).0,
        "site_id"
    );
    let e = judge_permit_request(
        &draft(PermitKind::Room, None),
        Some(&ward),
        &rooms,
        fy2020(),
    );
    assert_eq!(
        field_of(&e.unwrap_err()).0,
        "room",
        "a room permit names its room"
    );
    let late = PermitDraft {
        valid_to: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
        ..building.clone()
    };
    let e = judge_permit_request(&late, Some(&kikusui), &rooms, fy2020());
    assert_eq!(
        field_of(&e.unwrap_err()).0,
        "valid_to",
        "inside the contract"
    );
}

#[test]
fn lists_are_bounded_before_anything_is_looked_up() {
    let mut v = VisitInput {
        site_id: 1,
        date: "2020-11-04".into(),
        start: "09:00".into(),
        end: "10:00".into(),
        purpose: "更新".into(),
        worker_ids: (1..=MAX_VISIT_WORKERS as i64 + 1).collect(),
        terminal_ids: (1..=MAX_VISIT_TERMINALS as i64 + 1).collect(),
        ..VisitInput::default()
    };
    let e = v.check().unwrap_err();
    let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["worker_ids", "terminal_ids"]);
    assert!(e.0[0].message.contains("20名まで"), "{}", e.0[0].message);
    v.worker_ids = vec![1, 1];
    v.terminal_ids = vec![3, 2, 3];
    let d = v.check().unwrap();
    assert_eq!((d.worker_ids, d.terminal_ids), (vec![1], vec![2, 3]));

    let plan = PlanRequest {
        title: "計画".into(),
        purpose: "更新".into(),
        start: "2020-10-05".into(),
        work_minutes_per_terminal: 30,
        workers: (1..=MAX_PLAN_WORKERS as i64 + 1)
            .map(|id| PlanWorkerInput {
                id,
                available: None,
            })
            .collect(),
        site_ids: Some((1..=MAX_PLAN_SITES as i64 + 1).collect()),
        ..PlanRequest::default()
    };
    let e = plan.check().unwrap_err();
    let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["workers", "site_ids"]);
}

#[test]
fn a_plan_request_becomes_the_planners_input_against_the_records() {
    let request = PlanRequest {
        title: "計画".into(),
        purpose: "更新".into(),
        start: "2020-10-05".into(),
        work_minutes_per_terminal: 30,
        workers: vec![
            PlanWorkerInput {
                id: 7,
                available: Some(vec!["2020-10-05".into()]),
            },
            PlanWorkerInput {
                id: 8,
                available: None,
            },
        ],
        site_ids: None,
        request_id: None,
        travel_csv: Some("from,to,minutes\n11011,kikusui,20\n".into()),
    };
    let draft = request.check().unwrap();
    let facts = PlanFacts {
        roster: None,
        people: vec![
            PlanPerson {
                id: 7,
                display_name: "作業 一郎".into(),
            },
            PlanPerson {
                id: 8,
                display_name: "受託 太郎".into(),
            },
        ],
        sites: vec![
            PlanSiteFact {
                id: 1,
                code: "011011".into(),
                name: "中央区役所".into(),
                lat: None,
                lon: None,
            },
            PlanSiteFact {
                id: 2,
                code: "kikusui".into(),
                name: "菊水".into(),
                lat: None,
                lon: None,
            },
            PlanSiteFact {
                id: 3,
                code: "011029".into(),
                name: "北区役所".into(),
                lat: None,
                lon: None,
            },
        ],
        terminals: Some(vec![(1, 10), (1, 11), (2, 20)]),
    };
    let input = judge_plan_input(&draft, &facts, 3).unwrap();
    assert_eq!(
        input
            .sites
            .iter()
            .map(|s| (s.id, s.terminal_ids.len()))
            .collect::<Vec<_>>(),
        [(1, 2), (2, 1)],
        "sites without terminals to plan are left out"
    );
    assert_eq!(input.workers[0].name, "作業 一郎");
    assert_eq!(input.deadline_business_days, 3);
    let crate::planner::TravelModel::Matrix { entries } = &input.travel else {
        panic!("a matrix")
    };
    assert_eq!(entries[0].from, "011011", "the leading zero restored");

    let mut strangers = facts.clone();
    strangers.people.truncate(1);
    let e = judge_plan_input(&draft, &strangers, 3).unwrap_err();
    assert_eq!(field_of(&e).0, "workers");
    let mut chosen = draft.clone();
    chosen.site_ids = Some(vec![3, 99]);
    let crate::rules::Refusal::Invalid(e) = judge_plan_input(&chosen, &facts, 3).unwrap_err()
    else {
        panic!("invalid")
    };
    assert_eq!(
        e.0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
        [
            "拠点ID 99 は登録されていません。",
            "統合端末のある拠点を1つ以上選んでください。"
        ]
    );
    let mut unknown = facts.clone();
    unknown.terminals = None;
    let mut for_request = draft.clone();
    for_request.request_id = Some(5);
    assert_eq!(
        field_of(&judge_plan_input(&for_request, &unknown, 3).unwrap_err()),
        (
            "request_id".into(),
            "作業依頼書ID 5 は登録されていません。".into()
        )
    );
    assert!(check_plan_size(&input).is_ok());
}

#[test]
fn decisions_carry_a_short_comment() {
    assert_eq!(check_comment(Some("  ")).unwrap(), None);
    assert_eq!(
        check_comment(Some(" 許可番号 R2-15 ")).unwrap().as_deref(),
        Some("許可番号 R2-15")
    );
    let e = check_comment(Some(&"あ".repeat(501))).unwrap_err();
    assert_eq!(e.0[0].field, "comment");
}
