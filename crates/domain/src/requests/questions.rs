//! 疑義 (questions, R8.2, R8.5, §5(11)): points not in the specification or in doubt,
//! raised by the contractor or the City and answered in writing by the other side; the side
//! that asked records them resolved. Whoever answers, a change to the work that follows
//! needs the City's approval, recorded with the question; open questions and changes
//! waiting for approval block the approval of the procedure and of the report.

use serde::{Deserialize, Serialize};

use super::work_request::WorkRequestStatus;
use crate::people::{Action, Role};
use crate::rules::TransitionError;
use crate::rules::{Rule, apply, only};
use crate::validation::{FieldErrors, optional_text, required_text};

/// The Japanese names of a question's fields.
pub const QUESTION_FIELDS: &[(&str, &str)] = &[
    ("work_request_id", "作業依頼書"),
    ("subject", "件名"),
    ("body", "疑義の内容"),
    ("answer", "回答"),
    ("change", "仕様の変更"),
    ("change_approved_by", "作業上の変更を承認した人"),
];

labelled_enum! {
    /// Where a question stands.
    pub enum QuestionStatus {
        /// 未回答: waiting for the other side's answer; blocks approval.
        Open = ("open", "未回答"),
        /// 回答済: answered in writing (and any change to the work approved by the City).
        Answered = ("answered", "回答済"),
        /// 変更の承認待ち: the contractor's answer changes the work; the City has not yet
        /// approved the change (§5(11)). Blocks approval.
        ChangePending = ("change_pending", "変更の承認待ち"),
        /// 解決済: the answer was taken in; nothing left to do.
        Closed = ("closed", "解決済"),
    }
}

impl QuestionStatus {
    /// The status of a newly raised question, when `role` may raise one on a request in
    /// `request`: not once the request is closed or cancelled.
    pub fn initial(role: Role, request: WorkRequestStatus) -> Result<Self, TransitionError> {
        only(RAISERS, role, "疑義の登録")?;
        if matches!(
            request,
            WorkRequestStatus::Accepted | WorkRequestStatus::Cancelled
        ) {
            return Err(TransitionError::status(format!(
                "この作業依頼書は「{}」のため、疑義を登録できません。",
                request.label_ja()
            )));
        }
        Ok(Self::Open)
    }
}

labelled_enum! {
    /// What someone does to a question.
    pub enum QuestionVerb {
        Answer = ("answer", "回答"),
        /// The City approves the change to the work a contractor's answer states.
        ApproveChange = ("approve_change", "作業上の変更の承認"),
        Close = ("close", "解決の記録"),
    }
}

const RAISERS: &[Role] = &[
    Role::ContractorLead,
    Role::ContractorWorker,
    Role::CityStaff,
];
const CITY: &[Role] = &[Role::CityStaff];
const LEAD: &[Role] = &[Role::ContractorLead];

/// A question as its moves are judged: its status, and who raised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionFacts {
    pub status: QuestionStatus,
    pub raised_role: Role,
    /// The account that raised it.
    pub raised_by: String,
}

impl QuestionFacts {
    /// The City raised it: the contractor's lead answers; otherwise the City does.
    fn asked_by_city(&self) -> bool {
        self.raised_role == Role::CityStaff
    }
}

/// Judges `verb` on a question by `role` (account `name`), with `answer` for an answer:
/// the other side answers (the City the contractor's questions, the contractor's lead the
/// City's); a contractor's answer that changes the work waits for the City's approval; the
/// side that asked records it resolved (the City, or the contractor's lead or the worker
/// who asked). Returns the new status.
pub fn judge_question_move(
    f: &QuestionFacts,
    verb: QuestionVerb,
    role: Role,
    name: &str,
    answer: Option<&AnswerDraft>,
) -> Result<QuestionStatus, TransitionError> {
    use QuestionStatus::*;
    let rule = match verb {
        QuestionVerb::Answer => {
            let changes = answer.is_some_and(|a| a.change.is_some());
            Rule {
                roles: if f.asked_by_city() { LEAD } else { CITY },
                from: &[Open],
                to: if changes && role != Role::CityStaff {
                    ChangePending
                } else {
                    Answered
                },
            }
        }
        QuestionVerb::ApproveChange => Rule {
            roles: CITY,
            from: &[ChangePending],
            to: Answered,
        },
        QuestionVerb::Close => {
            if !f.asked_by_city() && role == Role::ContractorWorker && name == f.raised_by {
                // The worker who asked records it resolved too.
                return apply(
                    "疑義",
                    Rule {
                        roles: &[Role::ContractorWorker],
                        from: &[Answered],
                        to: Closed,
                    },
                    f.status,
                    verb,
                    role,
                );
            }
            Rule {
                roles: if f.asked_by_city() { CITY } else { LEAD },
                from: &[Answered],
                to: Closed,
            }
        }
    };
    apply("疑義", rule, f.status, verb, role)
}

/// Why an approval must wait: `Some` (in Japanese) while any question is unanswered or
/// its change to the work waits for the City's approval.
pub fn blocks_approval(questions: &[QuestionStatus]) -> Option<String> {
    let count = |s: QuestionStatus| questions.iter().filter(|q| **q == s).count();
    let (open, pending) = (
        count(QuestionStatus::Open),
        count(QuestionStatus::ChangePending),
    );
    match (open, pending) {
        (0, 0) => None,
        (open, 0) => Some(format!(
            "未回答の疑義が{open}件あります。疑義を解消してから承認してください(仕様書 5(8)イ)。"
        )),
        (_, pending) => Some(format!(
            "未回答の疑義、または作業上の変更が承認されていない疑義が{}件あります。解消してから承認してください(仕様書 5(8)イ・5(11))。",
            open + pending
        )),
    }
}

/// A question as raised.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct QuestionInput {
    /// The work request it concerns; none for a general point.
    #[serde(default)]
    pub work_request_id: Option<i64>,
    pub subject: String,
    pub body: String,
}

/// A checked question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionDraft {
    pub work_request_id: Option<i64>,
    pub subject: String,
    pub body: String,
}

impl QuestionInput {
    /// Checks the subject and the body.
    pub fn check(&self) -> Result<QuestionDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let subject = required_text(&mut e, "subject", "件名", &self.subject, 200);
        let body = required_text(&mut e, "body", "疑義の内容", &self.body, 4000);
        e.into_result(QuestionDraft {
            work_request_id: self.work_request_id,
            subject,
            body,
        })
    }
}

/// An answer as entered, with any change to the work it leads to (R8.5).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AnswerInput {
    pub answer: String,
    /// 作業上の変更: what changes in the work because of the answer.
    #[serde(default)]
    pub change: Option<String>,
}

/// A checked answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerDraft {
    pub answer: String,
    pub change: Option<String>,
}

impl AnswerInput {
    /// Checks the answer and the optional change.
    pub fn check(&self) -> Result<AnswerDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let answer = required_text(&mut e, "answer", "回答", &self.answer, 4000);
        let change = optional_text(
            &mut e,
            "change",
            "作業上の変更",
            self.change.as_deref(),
            4000,
        );
        e.into_result(AnswerDraft { answer, change })
    }
}

impl QuestionVerb {
    /// What the access table must grant: the City or the contractor's lead answers (the
    /// side is judged by [`judge_question_move`]); the City approves a change as it
    /// approves procedures; whoever may raise one closes.
    pub fn action(self) -> Action {
        match self {
            Self::Answer => Action::AnswerQuestions,
            Self::ApproveChange => Action::DecideProcedures,
            Self::Close => Action::RaiseQuestions,
        }
    }
}

checked_by!(QuestionInput => QuestionDraft);
checked_by!(AnswerInput => AnswerDraft);
