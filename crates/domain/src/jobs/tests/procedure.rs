//! Questions block approval; procedures are versioned, approved one version at a time, and
//! work waits for the latest version's approval.

use super::fields;
use crate::requests::*;

#[test]
fn an_open_question_blocks_approval() {
    use QuestionStatus::*;
    assert_eq!(blocks_approval(&[]), None);
    assert_eq!(blocks_approval(&[Answered, Closed]), None);
    assert_eq!(
        blocks_approval(&[Open, Answered, Open]).unwrap(),
        "未回答の疑義が2件あります。疑義を解消してから承認してください(仕様書 5(8)イ)。"
    );
}

fn step(action: &str) -> ProcedureStepInput {
    ProcedureStepInput {
        action: action.into(),
        expected_result: "正常に完了すること".into(),
    }
}

#[test]
fn procedure_input_has_1_to_200_bounded_steps() {
    let p = ProcedureInput {
        steps: vec![step("端末を再起動する"), step(" 更新を適用する ")],
        note: Some("J-LIS手引書 第3版".into()),
    };
    let draft = p.check().unwrap();
    let orders: Vec<u32> = draft.steps.iter().map(|s| s.order).collect();
    assert_eq!(orders, [1, 2]);
    assert_eq!(draft.steps[1].action, "更新を適用する");
    assert_eq!(fields(ProcedureInput::default().check()), ["steps"]);
    let many = ProcedureInput {
        steps: (0..=MAX_STEPS).map(|_| step("a")).collect(),
        note: None,
    };
    assert_eq!(fields(many.check()), ["steps"]);
    let most = ProcedureInput {
        steps: (0..MAX_STEPS).map(|_| step("a")).collect(),
        note: None,
    };
    assert_eq!(most.check().unwrap().steps.len(), MAX_STEPS);
    let bad = ProcedureInput {
        steps: vec![
            step("ok"),
            ProcedureStepInput {
                action: " ".into(),
                expected_result: "x".repeat(1001),
            },
        ],
        note: Some("x".repeat(4001)),
    };
    let e = bad.check().unwrap_err();
    let shown: Vec<(&str, &str)> =
        e.0.iter()
            .map(|x| (x.field.as_str(), x.message.as_str()))
            .collect();
    assert_eq!(
        shown,
        [
            ("steps[1].action", "手順2の作業内容を入力してください。"),
            (
                "steps[1].expected_result",
                "手順2の確認内容は1000文字以内で入力してください。"
            ),
            ("note", "備考は4000文字以内で入力してください。"),
        ]
    );
}

fn v(number: u32, status: ProcedureVersionStatus) -> Option<ProcedureVersion> {
    Some(ProcedureVersion { number, status })
}

#[test]
fn a_new_version_supersedes_a_decided_one() {
    use crate::people::Role::*;
    use ProcedureVersionStatus::*;
    assert_eq!(next_version(None, ContractorLead).unwrap(), 1);
    assert_eq!(next_version(v(1, Returned), ContractorLead).unwrap(), 2);
    assert_eq!(next_version(v(2, Approved), ContractorLead).unwrap(), 3);
    assert!(
        next_version(v(2, Draft), ContractorLead)
            .unwrap_err()
            .0
            .contains("第2版が作成中")
    );
    assert!(
        next_version(v(2, Submitted), ContractorLead)
            .unwrap_err()
            .0
            .contains("本市の判断を待っています")
    );
    assert_eq!(
        next_version(None, ContractorWorker).unwrap_err().0,
        "作業手順書の作成は業務責任者が行います。"
    );
}

#[test]
fn approval_needs_a_submitted_version_and_no_open_question() {
    use ProcedureVersionStatus::*;
    use QuestionStatus::*;
    assert_eq!(may_approve(Submitted, &[Answered, Closed]), Ok(()));
    assert!(
        may_approve(Submitted, &[Open])
            .unwrap_err()
            .0
            .contains("未回答の疑義が1件")
    );
    for s in [Draft, Approved, Returned] {
        let why = may_approve(s, &[]).unwrap_err().0;
        assert!(why.contains(&format!("「{}」", s.label_ja())), "{why}");
    }
}

#[test]
fn work_needs_the_latest_version_approved() {
    use ProcedureVersionStatus::*;
    use WorkRequestStatus::*;
    assert_eq!(may_record_work(v(1, Approved), ProcedureApproved), Ok(()));
    assert_eq!(may_record_work(v(1, Approved), InProgress), Ok(()));
    assert!(
        may_record_work(None, ProcedureApproved)
            .unwrap_err()
            .0
            .contains("作業手順書がありません")
    );
    let why = may_record_work(v(2, Draft), InProgress).unwrap_err().0;
    assert_eq!(
        why,
        "最新の作業手順書（第2版）は「作成中」で、承認されていません。本市の承認を得てから作業してください(仕様書 5(8)イ)。"
    );
    assert!(may_record_work(v(1, Submitted), Issued).is_err());
    for s in [Issued, Reported, Accepted, Cancelled] {
        let why = may_record_work(v(1, Approved), s).unwrap_err().0;
        assert!(why.contains(&format!("「{}」", s.label_ja())), "{why}");
    }
}
