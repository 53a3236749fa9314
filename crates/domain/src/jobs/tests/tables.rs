//! Every state machine's table, allowed and refused, and who may create each record.

use super::check_table;
use crate::jobs::*;
use crate::people::Role::{self, *};
use crate::requests::*;

#[test]
fn notice_table() {
    use NoticeStatus::*;
    use NoticeVerb::*;
    check_table(
        notice_transition,
        &NoticeStatus::ALL,
        &NoticeVerb::ALL,
        NoticeStatus::label_ja,
        &[
            (Received, CreateJobs, CityStaff, JobsCreated),
            (JobsCreated, CreateJobs, CityStaff, JobsCreated),
            (JobsCreated, Close, CityStaff, Closed),
            (Received, Withdraw, CityStaff, Withdrawn),
            (JobsCreated, Withdraw, CityStaff, Withdrawn),
        ],
    );
    let why = notice_transition(Closed, CreateJobs, CityStaff)
        .unwrap_err()
        .0;
    assert_eq!(why, "この通知は「完了」のため、作業登録はできません。");
    let why = notice_transition(Received, CreateJobs, ContractorLead)
        .unwrap_err()
        .0;
    assert_eq!(why, "通知の作業登録は本市担当者が行います。");
}

#[test]
fn job_table() {
    use JobStatus::*;
    use JobVerb::*;
    check_table(
        job_transition,
        &JobStatus::ALL,
        &JobVerb::ALL,
        JobStatus::label_ja,
        &[
            (Planned, Request, CityStaff, Requested),
            (Requested, Start, ContractorLead, InProgress),
            (Requested, Start, ContractorWorker, InProgress),
            (InProgress, Complete, CityStaff, Done),
            (Planned, Cancel, CityStaff, Cancelled),
            (Requested, Cancel, CityStaff, Cancelled),
            (InProgress, Cancel, CityStaff, Cancelled),
        ],
    );
    let why = job_transition(Planned, Start, ContractorWorker)
        .unwrap_err()
        .0;
    assert_eq!(why, "この作業は「予定」のため、作業開始はできません。");
    let why = job_transition(Requested, Start, CityStaff).unwrap_err().0;
    assert_eq!(
        why,
        "作業の作業開始は業務責任者または作業従事者が行います。"
    );
    assert!(Planned.is_open() && InProgress.is_open());
    assert!(!Done.is_open() && !Cancelled.is_open());
}

#[test]
fn work_request_table() {
    use WorkRequestStatus::*;
    use WorkRequestVerb::*;
    check_table(
        work_request_transition,
        &WorkRequestStatus::ALL,
        &WorkRequestVerb::ALL,
        WorkRequestStatus::label_ja,
        &[
            (Issued, ApproveProcedure, CityStaff, ProcedureApproved),
            (ProcedureApproved, StartWork, ContractorLead, InProgress),
            (ProcedureApproved, StartWork, ContractorWorker, InProgress),
            (InProgress, Report, ContractorLead, Reported),
            (Reported, ReturnForRework, CityStaff, InProgress),
            (Reported, Accept, CityStaff, Accepted),
            (Issued, Cancel, CityStaff, Cancelled),
            (ProcedureApproved, Cancel, CityStaff, Cancelled),
            (InProgress, Cancel, CityStaff, Cancelled),
        ],
    );
    let why = work_request_transition(InProgress, Report, ContractorWorker)
        .unwrap_err()
        .0;
    assert_eq!(why, "作業依頼書の結果報告は業務責任者が行います。");
}

#[test]
fn question_table() {
    use QuestionStatus::*;
    use QuestionVerb::*;
    let asked_by = |raised_role| {
        move |status, verb, role| {
            let f = QuestionFacts {
                status,
                raised_role,
                raised_by: "asker".into(),
            };
            judge_question_move(&f, verb, role, "someone", None)
        }
    };
    // The contractor asks: the City answers and approves changes; the lead closes.
    check_table(
        asked_by(ContractorWorker),
        &QuestionStatus::ALL,
        &QuestionVerb::ALL,
        QuestionStatus::label_ja,
        &[
            (Open, Answer, CityStaff, Answered),
            (ChangePending, ApproveChange, CityStaff, Answered),
            (Answered, Close, ContractorLead, Closed),
        ],
    );
    // The City asks: the contractor's lead answers; the City closes.
    check_table(
        asked_by(CityStaff),
        &QuestionStatus::ALL,
        &QuestionVerb::ALL,
        QuestionStatus::label_ja,
        &[
            (Open, Answer, ContractorLead, Answered),
            (ChangePending, ApproveChange, CityStaff, Answered),
            (Answered, Close, CityStaff, Closed),
        ],
    );
    let f = QuestionFacts {
        status: Open,
        raised_role: CityStaff,
        raised_by: "city".into(),
    };
    let change = AnswerDraft {
        answer: "手順を追加します".into(),
        change: Some("再起動の手順を追加".into()),
    };
    assert_eq!(
        judge_question_move(&f, Answer, ContractorLead, "lead", Some(&change)),
        Ok(ChangePending),
        "the lead's change waits for the City"
    );
    let mine = QuestionFacts {
        status: Answered,
        raised_role: ContractorWorker,
        raised_by: "worker".into(),
    };
    assert_eq!(
        judge_question_move(&mine, Close, ContractorWorker, "worker", None),
        Ok(Closed)
    );
    assert!(judge_question_move(&mine, Close, ContractorWorker, "other", None).is_err());
    let why = judge_question_move(
        &QuestionFacts {
            status: Open,
            ..mine
        },
        Close,
        ContractorLead,
        "lead",
        None,
    )
    .unwrap_err()
    .0;
    assert_eq!(why, "この疑義は「未回答」のため、解決の記録はできません。");
}

#[test]
fn procedure_table() {
    use ProcedureVerb::*;
    use ProcedureVersionStatus::*;
    check_table(
        procedure_transition,
        &ProcedureVersionStatus::ALL,
        &ProcedureVerb::ALL,
        ProcedureVersionStatus::label_ja,
        &[
            (Draft, Submit, ContractorLead, Submitted),
            (Submitted, Approve, CityStaff, Approved),
            (Submitted, Return, CityStaff, Returned),
        ],
    );
    assert_eq!(ProcedureVerb::from(Verdict::Return), Return);
    assert_eq!(ProcedureVerb::from(Verdict::Approve), Approve);
}

#[test]
fn report_table() {
    use ReportStatus::*;
    use ReportVerb::*;
    check_table(
        report_transition,
        &ReportStatus::ALL,
        &ReportVerb::ALL,
        ReportStatus::label_ja,
        &[
            (Draft, Submit, ContractorLead, Submitted),
            (Returned, Submit, ContractorLead, Submitted),
            (Submitted, Accept, CityStaff, Accepted),
            (Submitted, Return, CityStaff, Returned),
        ],
    );
    assert_eq!(ReportVerb::from(Verdict::Approve), Accept);
    assert_eq!(ReportVerb::from(Verdict::Return), Return);
}

/// Who may create each record, and the status it starts in.
#[test]
fn initial_statuses_by_role() {
    fn who<S>(f: impl Fn(Role) -> Result<S, crate::schedule::TransitionError>) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| f(*r).is_ok()).collect()
    }
    assert_eq!(who(NoticeStatus::initial), [CityStaff]);
    assert_eq!(who(JobStatus::initial), [CityStaff, ContractorLead]);
    assert_eq!(who(WorkRequestStatus::initial), [CityStaff]);
    assert_eq!(
        who(|r| QuestionStatus::initial(r, WorkRequestStatus::Issued)),
        [CityStaff, ContractorLead, ContractorWorker]
    );
    assert_eq!(who(ReportStatus::initial), [ContractorLead]);
    assert_eq!(who(may_waive), [CityStaff]);
    assert_eq!(who(may_edit_template), [CityStaff]);
    assert_eq!(
        NoticeStatus::initial(CityStaff).unwrap(),
        NoticeStatus::Received
    );
    assert_eq!(
        JobStatus::initial(ContractorLead).unwrap(),
        JobStatus::Planned
    );
    assert_eq!(
        WorkRequestStatus::initial(CityStaff).unwrap(),
        WorkRequestStatus::Issued
    );
    assert_eq!(
        QuestionStatus::initial(ContractorWorker, WorkRequestStatus::InProgress).unwrap(),
        QuestionStatus::Open
    );
    for closed in [WorkRequestStatus::Accepted, WorkRequestStatus::Cancelled] {
        assert!(
            QuestionStatus::initial(ContractorWorker, closed).is_err(),
            "no question on a request {closed:?}"
        );
    }
    assert_eq!(
        ReportStatus::initial(ContractorLead).unwrap(),
        ReportStatus::Draft
    );
    assert_eq!(
        WorkRequestStatus::initial(ContractorLead).unwrap_err().0,
        "作業依頼書の発行は本市担当者が行います。"
    );
}
