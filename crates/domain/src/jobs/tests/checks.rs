//! The input checks of notices, jobs, work requests, questions, decisions and waivers.

use super::{d, fields};
use crate::contract::CategoryCode;
use crate::jobs::*;
use crate::requests::*;

fn notice() -> NoticeInput {
    NoticeInput {
        received_on: "2020-09-25".into(),
        jlis_reference: "地情機発第123号".into(),
        title: "OSセキュリティ更新プログラムの適用について".into(),
        body: "令和2年9月分のセキュリティ更新プログラムを適用してください。".into(),
        kind: "os_security_update".into(),
        requested_deadline: Some("2020-10-30".into()),
    }
}

#[test]
fn notice_input_is_checked() {
    let n = notice().check().unwrap();
    assert_eq!(n.kind, NoticeKind::OsSecurityUpdate);
    assert_eq!(n.kind.category(), CategoryCode::OsSecurityUpdate);
    assert_eq!(n.requested_deadline, Some(d(2020, 10, 30)));
    let kana = NoticeInput {
        kind: "ウ".into(),
        requested_deadline: Some(" ".into()),
        ..notice()
    };
    let n = kana.check().unwrap();
    assert_eq!(
        (n.kind, n.requested_deadline),
        (NoticeKind::SettingsChange, None)
    );
    let bad = NoticeInput {
        received_on: "2020-02-30".into(),
        jlis_reference: " ".into(),
        title: "".into(),
        body: "x".repeat(10_001),
        kind: "エ".into(),
        requested_deadline: Some("soon".into()),
    };
    assert_eq!(
        fields(bad.check()),
        [
            "received_on",
            "jlis_reference",
            "title",
            "body",
            "kind",
            "requested_deadline"
        ]
    );
    let early = NoticeInput {
        requested_deadline: Some("2020-09-24".into()),
        ..notice()
    };
    assert_eq!(fields(early.check()), ["requested_deadline"]);
}

fn job(category: &str, origin: &str, notice_id: Option<i64>) -> JobInput {
    JobInput {
        category: category.into(),
        origin: origin.into(),
        notice_id,
        title: "作業".into(),
        description: None,
        all_terminals: true,
        terminal_ids: vec![],
    }
}

#[test]
fn job_origin_must_fit_the_category() {
    for kana in ["ア", "イ", "ウ"] {
        let j = job(kana, "notice", Some(7)).check().unwrap();
        assert_eq!(j.origin, JobOrigin::Notice { notice_id: 7 });
        assert_eq!(j.origin.notice_id(), Some(7));
        assert_eq!(fields(job(kana, "city_order", None).check()), ["origin"]);
        assert_eq!(fields(job(kana, "notice", None).check()), ["notice_id"]);
    }
    for kana in ["エ", "オ", "カ"] {
        assert_eq!(
            job(kana, "city_order", None).check().unwrap().origin,
            JobOrigin::CityOrder
        );
        assert_eq!(fields(job(kana, "incident", None).check()), ["origin"]);
        assert_eq!(fields(job(kana, "notice", Some(1)).check()), ["origin"]);
        assert_eq!(
            fields(job(kana, "city_order", Some(1)).check()),
            ["notice_id"]
        );
    }
    for kana in ["キ", "ク"] {
        assert_eq!(
            job(kana, "incident", None).check().unwrap().origin,
            JobOrigin::Incident
        );
        assert_eq!(fields(job(kana, "city_order", None).check()), ["origin"]);
    }
    let why = job("エ", "notice", Some(3)).check().unwrap_err().0[0]
        .message
        .clone();
    assert_eq!(
        why,
        "作業区分エは「本市独自指示に基づく作業」の作業です（発生元「J-LISからの通知」とは組み合わせられません）。"
    );
    assert_eq!(
        fields(job("ケ", "whim", None).check()),
        ["category", "origin"]
    );
    for c in CategoryCode::ALL {
        let o = origin_of(c);
        assert!(
            crate::contract::Contract::builtin_default()
                .category(c)
                .is_some_and(|x| x.origin == o)
        );
    }
}

#[test]
fn job_target_is_all_terminals_or_chosen_ones() {
    let chosen = JobInput {
        all_terminals: false,
        terminal_ids: vec![5, 3, 5],
        ..job("キ", "incident", None)
    };
    let j = chosen.check().unwrap();
    assert_eq!(j.target, JobTarget::Terminals(vec![3, 5]));
    assert_eq!(j.target.resolve(&[1, 2, 3]), [3, 5]);
    assert_eq!(JobTarget::AllTerminals.resolve(&[2, 1, 2]), [1, 2]);
    let both = JobInput {
        terminal_ids: vec![1],
        ..job("オ", "city_order", None)
    };
    assert_eq!(fields(both.check()), ["terminal_ids"]);
    let none = JobInput {
        all_terminals: false,
        ..job("オ", "city_order", None)
    };
    assert_eq!(fields(none.check()), ["terminal_ids"]);
    let long = JobInput {
        title: "".into(),
        description: Some("x".repeat(4001)),
        ..job("オ", "city_order", None)
    };
    assert_eq!(fields(long.check()), ["title", "description"]);
    let json = serde_json::to_value(JobTarget::Terminals(vec![1])).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "terminals", "terminal_ids": [1]})
    );
}

pub(super) fn request(job_ids: Vec<i64>, approved: bool) -> WorkRequestInput {
    WorkRequestInput {
        request_number: "令2札住-001".into(),
        issued_on: "2020-10-01".into(),
        period_from: "2020-10-12".into(),
        period_to: "2020-10-14".into(),
        site_ids: vec![2, 1, 2],
        contents: "別紙のとおり".into(),
        job_ids,
        combination_approved: approved,
    }
}

#[test]
fn work_request_input_is_checked() {
    let r = request(vec![4], false).check().unwrap();
    assert_eq!((r.site_ids.clone(), r.is_combined()), (vec![1, 2], false));
    let single_flagged = request(vec![4, 4], true).check().unwrap();
    assert!(!single_flagged.combination_approved && !single_flagged.is_combined());
    assert_eq!(fields(request(vec![], false).check()), ["job_ids"]);
    assert_eq!(
        fields(request(vec![1, 2], false).check()),
        ["combination_approved"]
    );
    assert!(
        request(vec![1, 2], true)
            .check()
            .unwrap()
            .combination_approved
    );
    let backwards = WorkRequestInput {
        period_to: "2020-10-11".into(),
        ..request(vec![1], false)
    };
    assert_eq!(fields(backwards.check()), ["period_to"]);
    let empty = WorkRequestInput::default();
    assert_eq!(
        fields(empty.check()),
        [
            "request_number",
            "issued_on",
            "period_from",
            "period_to",
            "site_ids",
            "contents",
            "job_ids"
        ]
    );
}

#[test]
fn questions_and_answers_are_checked() {
    let q = QuestionInput {
        work_request_id: Some(3),
        subject: " 再起動の要否 ".into(),
        body: "手順5の後に再起動しますか。".into(),
    };
    assert_eq!(q.check().unwrap().subject, "再起動の要否");
    assert_eq!(
        fields(QuestionInput::default().check()),
        ["subject", "body"]
    );
    let a = AnswerInput {
        answer: "再起動してください。".into(),
        change: Some("手順6を追加".into()),
    };
    assert_eq!(a.check().unwrap().change.as_deref(), Some("手順6を追加"));
    let long = AnswerInput {
        answer: "".into(),
        change: Some("x".repeat(4001)),
    };
    assert_eq!(fields(long.check()), ["answer", "change"]);
}

#[test]
fn decisions_need_a_comment_to_return() {
    let approve = DecisionInput {
        verdict: "approve".into(),
        comment: None,
    };
    assert_eq!(
        approve.check().unwrap(),
        Decision {
            verdict: Verdict::Approve,
            comment: None
        }
    );
    let bare = DecisionInput {
        verdict: "return".into(),
        comment: Some("  ".into()),
    };
    assert_eq!(fields(bare.check()), ["comment"]);
    let why = DecisionInput {
        verdict: "return".into(),
        comment: Some("手順3の確認内容が曖昧です".into()),
    };
    assert_eq!(why.check().unwrap().verdict, Verdict::Return);
    assert_eq!(fields(DecisionInput::default().check()), ["verdict"]);
}

#[test]
fn waivers_name_what_they_waive() {
    let all = DeliverableWaiverInput {
        job_id: 1,
        scope: "all".into(),
        deliverables: vec![],
        decided_on: "2020-10-20".into(),
        reason: None,
    };
    assert_eq!(all.check().unwrap().scope, WaiverScope::All);
    let all_named = DeliverableWaiverInput {
        deliverables: vec!["作業写真".into()],
        ..all.clone()
    };
    assert_eq!(fields(all_named.check()), ["deliverables"]);
    let part = DeliverableWaiverInput {
        scope: "part".into(),
        deliverables: vec!["作業写真".into(), " 作業写真".into(), "ログ".into()],
        ..all.clone()
    };
    assert_eq!(part.check().unwrap().deliverables, ["作業写真", "ログ"]);
    let part_empty = DeliverableWaiverInput {
        scope: "part".into(),
        ..all.clone()
    };
    assert_eq!(fields(part_empty.check()), ["deliverables"]);
    let bad = DeliverableWaiverInput {
        scope: "some".into(),
        deliverables: vec!["".into()],
        decided_on: "x".into(),
        reason: Some("x".repeat(1001)),
        job_id: 1,
    };
    assert_eq!(
        fields(bad.check()),
        ["scope", "deliverables[0]", "decided_on", "reason"]
    );
}
