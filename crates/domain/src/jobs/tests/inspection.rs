//! The password change (オ) never holds a password; the annual inspection (カ) checklist.

use chrono::{DateTime, Utc};

use super::{d, fields};
use crate::jobs::*;

fn rotation(job_id: i64, terminal_id: i64, at: &str) -> PasswordRotation {
    PasswordRotationInput {
        job_id,
        terminal_id,
        performer_id: 7,
        rotated_at: at.into(),
        corrects: None,
    }
    .check()
    .unwrap()
}

#[test]
fn a_rotation_input_refuses_a_password_field() {
    let ok = r#"{"job_id":1,"terminal_id":2,"performer_id":3,"rotated_at":"2020-10-13 10:00"}"#;
    let input: PasswordRotationInput = serde_json::from_str(ok).unwrap();
    assert!(input.check().is_ok());
    let with_password = r#"{"job_id":1,"terminal_id":2,"performer_id":3,"rotated_at":"2020-10-13 10:00","password":"Adm1n!2020"}"#;
    let err = serde_json::from_str::<PasswordRotationInput>(with_password).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `password`"),
        "{err}"
    );
    let serialised = serde_json::to_value(&input).unwrap();
    let keys: Vec<&String> = serialised.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "corrects",
            "job_id",
            "performer_id",
            "rotated_at",
            "terminal_id"
        ]
    );
    assert!(
        serde_json::to_string(&input.check().unwrap())
            .unwrap()
            .find("password")
            .is_none()
    );
    let bad = PasswordRotationInput {
        rotated_at: "yesterday".into(),
        ..input
    };
    assert_eq!(fields(bad.check()), ["rotated_at"]);
}

#[test]
fn terminals_left_to_rotate_and_the_last_rotation() {
    let rotations = [
        rotation(1, 10, "2020-10-13 10:00"),
        rotation(1, 11, "2020-10-13 10:30"),
        rotation(2, 12, "2021-03-01 09:00"),
        rotation(0, 10, "2019-10-10 09:00"),
    ];
    assert_eq!(not_rotated(1, &[12, 10, 11, 13], &rotations), [12, 13]);
    assert_eq!(not_rotated(2, &[12], &rotations), Vec::<i64>::new());
    let last = last_rotations(&rotations);
    let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    assert_eq!(last[&10], utc("2020-10-13T01:00:00Z"));
    assert_eq!(last.len(), 3);
}

#[test]
fn the_default_template_is_japanese_and_valid() {
    let t = ChecklistTemplate::default_ja();
    let labels: Vec<&str> = t.items.iter().map(|i| i.label.as_str()).collect();
    for want in [
        "設置場所",
        "配線",
        "封印・ラベル",
        "画面ロック",
        "OSとパッチの適用状況",
        "ウイルス対策定義ファイルの日付",
        "タッチパネルの校正",
    ] {
        assert!(labels.contains(&want), "{want}");
    }
    assert_eq!(
        t.item("antivirus_definitions").unwrap().kind,
        ItemKind::Date
    );
    let input = ChecklistTemplateInput {
        items: t
            .items
            .iter()
            .map(|i| ChecklistItemInput {
                id: i.id.clone(),
                label: i.label.clone(),
                kind: i.kind.as_str().into(),
            })
            .collect(),
    };
    assert_eq!(
        input.check().unwrap(),
        t,
        "the default passes its own check"
    );
}

#[test]
fn template_input_is_checked() {
    let item = |id: &str, label: &str, kind: &str| ChecklistItemInput {
        id: id.into(),
        label: label.into(),
        kind: kind.into(),
    };
    assert_eq!(fields(ChecklistTemplateInput::default().check()), ["items"]);
    let bad = ChecklistTemplateInput {
        items: vec![
            item("seal", "封印", "pass_fail"),
            item("seal", "封印2", "pass_fail"),
            item("Seal-2", "", "yes_no"),
        ],
    };
    assert_eq!(
        fields(bad.check()),
        [
            "items[1].id",
            "items[2].id",
            "items[2].label",
            "items[2].kind"
        ]
    );
    let too_many = ChecklistTemplateInput {
        items: (0..=MAX_ITEMS)
            .map(|i| item(&format!("i{i}"), "項目", "text"))
            .collect(),
    };
    assert_eq!(fields(too_many.check()), ["items"]);
    let most = ChecklistTemplateInput {
        items: (0..MAX_ITEMS)
            .map(|i| item(&format!("i{i}"), "項目", "text"))
            .collect(),
    };
    assert_eq!(most.check().unwrap().items.len(), MAX_ITEMS);
    assert_eq!(
        fields(
            ChecklistTemplateInput {
                items: vec![item(&"a".repeat(33), "x", "text")]
            }
            .check()
        ),
        ["items[0].id"]
    );
}

fn answer(item_id: &str, value: &str, note: Option<&str>) -> ChecklistAnswerInput {
    ChecklistAnswerInput {
        item_id: item_id.into(),
        value: value.into(),
        note: note.map(String::from),
    }
}

fn template() -> ChecklistTemplate {
    ChecklistTemplateInput {
        items: [
            ("seal", "封印・ラベル", "pass_fail"),
            ("lock", "画面ロック", "pass_fail"),
            ("av", "定義ファイルの日付", "date"),
            ("remarks", "特記事項", "text"),
        ]
        .iter()
        .map(|(id, label, kind)| ChecklistItemInput {
            id: (*id).into(),
            label: (*label).into(),
            kind: (*kind).into(),
        })
        .collect(),
    }
    .check()
    .unwrap()
}

#[test]
fn a_filled_checklist_is_checked_against_the_template() {
    let filled = ChecklistInput {
        terminal_id: 10,
        inspected_on: "2020-11-05".into(),
        inspector_id: 7,
        answers: vec![
            answer("av", "2020-11-04", None),
            answer("seal", "fail", Some("封印シールが剥がれている")),
            answer("lock", "pass", None),
        ],
    };
    let c = filled.check(&template()).unwrap();
    let ids: Vec<&str> = c.answers.iter().map(|a| a.item_id.as_str()).collect();
    assert_eq!(
        ids,
        ["seal", "lock", "av"],
        "template order; the empty text item is left out"
    );
    assert_eq!(c.answers[2].value, AnswerValue::Date(d(2020, 11, 4)));
    let bad = ChecklistInput {
        inspected_on: "11/5".into(),
        answers: vec![
            answer("seal", "fail", None),
            answer("seal", "pass", None),
            answer("nope", "pass", None),
            answer("av", "昨日", None),
            answer("remarks", &"x".repeat(1001), None),
        ],
        ..filled.clone()
    };
    assert_eq!(
        fields(bad.check(&template())),
        [
            "inspected_on",
            "answers[1].item_id",
            "answers[2].item_id",
            "answers[0].note",
            "answers",
            "answers[3].value",
            "answers[4].value"
        ]
    );
    let maybe = ChecklistInput {
        answers: vec![answer("seal", "maybe", None)],
        ..filled
    };
    let e = maybe.check(&template()).unwrap_err();
    assert_eq!(
        e.0[0].message,
        "「封印・ラベル」は pass（合格）または fail（不合格）を指定してください。"
    );
}

#[test]
fn each_failed_item_is_a_finding() {
    let fill = |terminal_id, seal: &str, lock: &str| {
        ChecklistInput {
            terminal_id,
            inspected_on: "2020-11-05".into(),
            inspector_id: 7,
            answers: vec![
                answer("seal", seal, Some("剥がれ")),
                answer("lock", lock, Some("ロックされない")),
                answer("av", "2020-11-01", None),
            ],
        }
        .check(&template())
        .unwrap()
    };
    let found = findings(&[
        fill(10, "pass", "fail"),
        fill(11, "pass", "pass"),
        fill(12, "fail", "fail"),
    ]);
    let shown: Vec<(i64, &str, &str)> = found
        .iter()
        .map(|f| (f.terminal_id, f.item_id.as_str(), f.note.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            (10, "lock", "ロックされない"),
            (12, "seal", "剥がれ"),
            (12, "lock", "ロックされない")
        ]
    );
    assert_eq!(found[0].job_title(), "年次点検の指摘: 画面ロック");
    assert_eq!(found[0].inspected_on, d(2020, 11, 5));
}
