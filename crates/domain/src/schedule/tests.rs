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
