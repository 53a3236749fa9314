//! The judges over what the store loads: a job's terminals, the オ password change, the カ
//! checklist and its follow-up, and the bounds of every repeated input.

use chrono::{DateTime, Utc};

use super::{d, fields};
use crate::contract::CategoryCode;
use crate::inventory::AssetStatus;
use crate::jobs::*;
use crate::people::Role;
use crate::rules::Refusal;

fn terminal(id: i64, status: AssetStatus) -> TerminalFacts {
    TerminalFacts {
        id,
        asset_number: format!("T-{id}"),
        status,
    }
}

/// The field and message of a refusal, and whether it is a conflict (409).
fn refusal<T: std::fmt::Debug>(r: Result<T, Refusal>) -> (String, String, bool) {
    match r.unwrap_err() {
        Refusal::Invalid(e) => (e.0[0].field.clone(), e.0[0].message.clone(), false),
        Refusal::Conflict { field, message } => (field, message, true),
        Refusal::Forbidden(message) => ("(role)".into(), message, false),
    }
}

#[test]
fn all_terminals_are_those_installed_now() {
    let found = [
        terminal(1, AssetStatus::InService),
        terminal(2, AssetStatus::Spare),
        terminal(3, AssetStatus::UnderRepair),
    ];
    let ids: Vec<i64> = judge_job_terminals(&JobTarget::AllTerminals, &found)
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, [1, 3]);
    let none = [terminal(2, AssetStatus::Spare)];
    let (field, message, conflict) = refusal(judge_job_terminals(&JobTarget::AllTerminals, &none));
    assert_eq!((field.as_str(), conflict), ("terminal_ids", false));
    assert!(
        message.contains("使用中の統合端末が登録されていない"),
        "{message}"
    );
}

#[test]
fn chosen_terminals_must_exist_and_not_be_retired() {
    let found = [
        terminal(1, AssetStatus::InService),
        terminal(4, AssetStatus::Spare),
        terminal(5, AssetStatus::Retired),
    ];
    let ok = judge_job_terminals(&JobTarget::Terminals(vec![1, 4]), &found).unwrap();
    assert_eq!(ok.iter().map(|t| t.id).collect::<Vec<_>>(), [1, 4]);
    let Err(Refusal::Invalid(e)) =
        judge_job_terminals(&JobTarget::Terminals(vec![1, 9, 5]), &found)
    else {
        panic!("refused");
    };
    let messages: Vec<&str> = e.0.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "統合端末ID 9 は登録されていません。",
            "統合端末 T-5 は撤去済みのため対象にできません。"
        ]
    );
    assert!(e.0.iter().all(|e| e.field == "terminal_ids"));
}

#[test]
fn a_job_names_at_most_its_bound_of_terminals() {
    let input = |n: usize| JobInput {
        category: "エ".into(),
        origin: "city_order".into(),
        title: "設定変更".into(),
        terminal_ids: (1..=n as i64).collect(),
        ..JobInput::default()
    };
    assert!(input(MAX_JOB_TERMINALS).check().is_ok());
    let e = input(MAX_JOB_TERMINALS + 1).check().unwrap_err();
    assert_eq!(e.0[0].field, "terminal_ids");
    assert!(e.0[0].message.contains("1000台まで"), "{}", e.0[0].message);
    assert_eq!(JobVerb::Start.action(), crate::people::Action::RecordWork);
}

fn worker() -> PersonFacts {
    PersonFacts {
        username: "worker".into(),
        role: Role::ContractorWorker,
        disabled: false,
    }
}

#[test]
fn performers_are_enabled_contractor_people() {
    assert_eq!(
        judge_performer("performer_id", 3, Some(&worker())).unwrap(),
        "worker"
    );
    let lead = PersonFacts {
        role: Role::ContractorLead,
        ..worker()
    };
    assert!(judge_performer("performer_id", 3, Some(&lead)).is_ok());
    for p in [
        None,
        Some(PersonFacts {
            disabled: true,
            ..worker()
        }),
        Some(PersonFacts {
            role: Role::CityStaff,
            ..worker()
        }),
    ] {
        let (field, message, _) = refusal(judge_performer("inspector_id", 3, p.as_ref()));
        assert_eq!(field, "inspector_id");
        assert!(message.contains("利用者ID 3"), "{message}");
    }
    assert_eq!(judge_job_terminal(7, Some("T-7")).unwrap(), "T-7");
    let (field, _, _) = refusal(judge_job_terminal(7, None));
    assert_eq!(field, "terminal_id");
}

fn cal() -> crate::calendar::BusinessCalendar {
    crate::calendar::BusinessCalendar::new(&crate::contract::Contract::builtin_default())
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn rotation_facts(status: JobStatus) -> RotationFacts {
    RotationFacts {
        job: Some(JobFacts {
            category: CategoryCode::PasswordRotation,
            status,
        }),
        terminal: Some("T-1".into()),
        performer: Some(worker()),
        recorded: None,
        scope: Some(scope()),
        off_hours: Vec::new(),
        now: utc("2020-10-05T03:00:00Z"),
    }
}

/// A request of 10/1-10/7 with version 1 of its procedure approved, on terminal 1 at site
/// 100.
fn scope() -> crate::requests::WorkScope {
    use crate::requests::*;
    WorkScope {
        request: WorkRequestStatus::InProgress,
        latest: Some(ProcedureVersion {
            number: 1,
            status: ProcedureVersionStatus::Approved,
        }),
        bounds: RequestBounds {
            issued_on: d(2020, 10, 1),
            period_from: d(2020, 10, 1),
            period_to: d(2020, 10, 7),
            site_ids: vec![100],
            terminal_sites: vec![(1, 100)],
        },
    }
}

#[test]
fn a_password_change_is_judged_against_its_job_terminal_and_person() {
    let r = PasswordRotation {
        job_id: 1,
        terminal_id: 1,
        performer_id: 3,
        rotated_at: utc("2020-10-05T01:30:00Z"),
        corrects: None,
    };
    let v = judge_rotation(&cal(), &r, &rotation_facts(JobStatus::Requested)).unwrap();
    assert_eq!(
        v,
        RotationVerdict {
            asset_number: "T-1".into(),
            performer: "worker".into(),
            starts_job: true
        }
    );
    assert!(
        !judge_rotation(&cal(), &r, &rotation_facts(JobStatus::InProgress))
            .unwrap()
            .starts_job
    );
    let base = rotation_facts(JobStatus::InProgress);
    let cases: Vec<(RotationFacts, PasswordRotation, &str, bool)> = vec![
        (
            RotationFacts {
                job: None,
                ..base.clone()
            },
            r,
            "job_id",
            false,
        ),
        (
            RotationFacts {
                job: Some(JobFacts {
                    category: CategoryCode::CitySettingsChange,
                    status: JobStatus::InProgress,
                }),
                ..base.clone()
            },
            r,
            "job_id",
            false,
        ),
        (rotation_facts(JobStatus::Planned), r, "job_id", true),
        (rotation_facts(JobStatus::Done), r, "job_id", true),
        (
            RotationFacts {
                terminal: None,
                ..base.clone()
            },
            r,
            "terminal_id",
            false,
        ),
        (
            RotationFacts {
                performer: None,
                ..base.clone()
            },
            r,
            "performer_id",
            false,
        ),
        (
            base.clone(),
            PasswordRotation {
                rotated_at: utc("2020-10-05T03:06:00Z"),
                ..r
            },
            "rotated_at",
            false,
        ),
        (
            RotationFacts {
                recorded: Some(5),
                ..base.clone()
            },
            r,
            "terminal_id",
            true,
        ),
        (
            RotationFacts {
                recorded: Some(5),
                ..base.clone()
            },
            PasswordRotation {
                corrects: Some(6),
                ..r
            },
            "corrects",
            false,
        ),
        (
            base.clone(),
            PasswordRotation {
                rotated_at: utc("2020-10-03T01:30:00Z"),
                ..r
            },
            "rotated_at",
            true,
        ),
        (
            base.clone(),
            PasswordRotation {
                rotated_at: utc("2020-10-02T13:00:00Z"),
                ..r
            },
            "rotated_at",
            true,
        ),
        (
            base.clone(),
            PasswordRotation {
                rotated_at: utc("2020-09-30T01:30:00Z"),
                ..r
            },
            "rotated_at",
            false,
        ),
        (
            RotationFacts {
                scope: None,
                ..base.clone()
            },
            r,
            "job_id",
            true,
        ),
    ];
    for (facts, r, want, conflict) in cases {
        let (field, message, is_conflict) = refusal(judge_rotation(&cal(), &r, &facts));
        assert_eq!((field.as_str(), is_conflict), (want, conflict), "{message}");
    }
    let within_skew = PasswordRotation {
        rotated_at: utc("2020-10-05T03:05:00Z"),
        ..r
    };
    assert!(judge_rotation(&cal(), &within_skew, &base).is_ok());
    let correction = RotationFacts {
        recorded: Some(5),
        ..base.clone()
    };
    let corrects = PasswordRotation {
        corrects: Some(5),
        ..r
    };
    assert!(judge_rotation(&cal(), &corrects, &correction).is_ok());
    let (_, message, _) = refusal(judge_rotation(
        &cal(),
        &r,
        &RotationFacts { job: None, ..base },
    ));
    assert_eq!(message, "作業ID 1 は登録されていません。");
}

fn checklist(inspected_on: chrono::NaiveDate) -> FilledChecklist {
    FilledChecklist {
        terminal_id: 1,
        inspected_on,
        inspector_id: 3,
        answers: Vec::new(),
    }
}

#[test]
fn a_checklist_is_judged_against_its_job_terminal_person_and_date() {
    let facts = InspectionFacts {
        job: JobFacts {
            category: CategoryCode::AnnualInspection,
            status: JobStatus::Requested,
        },
        terminal: Some("T-1".into()),
        inspector: Some(worker()),
        scope: Some(crate::requests::WorkScope {
            bounds: crate::requests::RequestBounds {
                period_to: d(2020, 11, 30),
                ..scope().bounds
            },
            ..scope()
        }),
        today: d(2020, 11, 10),
    };
    let v = judge_inspection(&checklist(d(2020, 11, 10)), &facts).unwrap();
    assert_eq!((v.asset_number.as_str(), v.starts_job), ("T-1", true));
    let cases = [
        (
            InspectionFacts {
                job: JobFacts {
                    category: CategoryCode::PasswordRotation,
                    status: JobStatus::Requested,
                },
                ..facts.clone()
            },
            d(2020, 11, 10),
            "job_id",
            false,
        ),
        (
            InspectionFacts {
                job: JobFacts {
                    category: CategoryCode::AnnualInspection,
                    status: JobStatus::Cancelled,
                },
                ..facts.clone()
            },
            d(2020, 11, 10),
            "job_id",
            true,
        ),
        (
            InspectionFacts {
                terminal: None,
                ..facts.clone()
            },
            d(2020, 11, 10),
            "terminal_id",
            false,
        ),
        (
            InspectionFacts {
                inspector: None,
                ..facts.clone()
            },
            d(2020, 11, 10),
            "inspector_id",
            false,
        ),
        (facts.clone(), d(2020, 11, 11), "inspected_on", false),
    ];
    for (f, on, want, conflict) in cases {
        let (field, message, is_conflict) = refusal(judge_inspection(&checklist(on), &f));
        assert_eq!((field.as_str(), is_conflict), (want, conflict), "{message}");
    }
    assert!(judge_inspection_job(CategoryCode::AnnualInspection).is_ok());
    let (field, _, _) = refusal(judge_inspection_job(CategoryCode::PasswordRotation));
    assert_eq!(field, "job_id");
}

#[test]
fn a_finding_raises_one_follow_up_job_on_its_terminal() {
    let stored = StoredChecklist {
        terminal_id: 4,
        asset_number: "T-4".into(),
        inspected_on: d(2020, 11, 10),
        answers: vec![
            ChecklistAnswer {
                item_id: "screen_lock".into(),
                label: "画面ロック".into(),
                value: AnswerValue::Fail,
                note: Some("ロックが無効".into()),
            },
            ChecklistAnswer {
                item_id: "wiring".into(),
                label: "配線".into(),
                value: AnswerValue::Pass,
                note: None,
            },
        ],
    };
    let (finding, job) = judge_follow_up(9, &stored, " screen_lock ", None).unwrap();
    assert_eq!(finding.item_id, "screen_lock");
    assert_eq!(job.category, CategoryCode::CitySettingsChange);
    assert_eq!(job.origin, JobOrigin::CityOrder);
    assert_eq!(job.title, "年次点検の指摘: 画面ロック");
    assert_eq!(job.target, JobTarget::Terminals(vec![4]));
    assert_eq!(
        job.description.as_deref(),
        Some("年次点検(作業ID 9)で統合端末 T-4 に指摘(2020-11-10): ロックが無効")
    );
    for item in ["wiring", "nothing"] {
        let (field, message, conflict) = refusal(judge_follow_up(9, &stored, item, None));
        assert_eq!((field.as_str(), conflict), ("item_id", false));
        assert!(message.contains(&format!("「{item}」")), "{message}");
    }
    let (field, message, conflict) = refusal(judge_follow_up(9, &stored, "screen_lock", Some(12)));
    assert_eq!((field.as_str(), conflict), ("item_id", true));
    assert!(message.contains("作業ID 12"), "{message}");
}

#[test]
fn repeated_inputs_are_bounded() {
    let template = ChecklistTemplateInput {
        items: (0..=MAX_ITEMS)
            .map(|i| ChecklistItemInput {
                id: format!("item_{i}"),
                label: "項目".into(),
                kind: "pass_fail".into(),
            })
            .collect(),
    };
    assert_eq!(fields(template.check()), ["items"]);
    let answers = ChecklistInput {
        terminal_id: 1,
        inspected_on: "2020-11-10".into(),
        inspector_id: 3,
        answers: (0..=MAX_ITEMS)
            .map(|i| ChecklistAnswerInput {
                item_id: format!("item_{i}"),
                value: "pass".into(),
                note: None,
            })
            .collect(),
    };
    let e = answers.check(&ChecklistTemplate::default_ja()).unwrap_err();
    assert_eq!(e.0.len(), 1);
    assert_eq!(e.0[0].field, "answers");
    assert!(e.0[0].message.contains("100件まで"), "{}", e.0[0].message);
    let waiver = DeliverableWaiverInput {
        scope: "part".into(),
        deliverables: (0..=MAX_DELIVERABLES)
            .map(|i| format!("成果品{i}"))
            .collect(),
        decided_on: "2020-11-01".into(),
        ..DeliverableWaiverInput::default()
    };
    assert_eq!(fields(waiver.check()), ["deliverables"]);
}
