//! 疑義 (questions, R8.2, R8.5): points not in the specification or in doubt, raised by the
//! contractor or the City, answered by the City in writing, and resolved before work.

use serde::{Deserialize, Serialize};

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
];

labelled_enum! {
    /// Where a question stands.
    pub enum QuestionStatus {
        /// 未回答: waiting for the City's answer; blocks approval.
        Open = ("open", "未回答"),
        /// 回答済: the City answered in writing.
        Answered = ("answered", "回答済"),
        /// 解決済: the answer was taken in; nothing left to do.
        Closed = ("closed", "解決済"),
    }
}

impl QuestionStatus {
    /// The status of a newly raised question, when `role` may raise one.
    pub fn initial(role: Role) -> Result<Self, TransitionError> {
        only(RAISERS, role, "疑義の登録")?;
        Ok(Self::Open)
    }
}

labelled_enum! {
    /// What someone does to a question.
    pub enum QuestionVerb {
        Answer = ("answer", "回答"),
        Close = ("close", "解決の記録"),
    }
}

const RAISERS: &[Role] = &[
    Role::ContractorLead,
    Role::ContractorWorker,
    Role::CityStaff,
];
const CITY: &[Role] = &[Role::CityStaff];
const CLOSERS: &[Role] = &[Role::CityStaff, Role::ContractorLead];

/// The question state machine: the City answers; the City or the contractor's lead closes
/// an answered question.
pub fn question_transition(
    from: QuestionStatus,
    verb: QuestionVerb,
    role: Role,
) -> Result<QuestionStatus, TransitionError> {
    use QuestionStatus::*;
    let rule = match verb {
        QuestionVerb::Answer => Rule {
            roles: CITY,
            from: &[Open],
            to: Answered,
        },
        QuestionVerb::Close => Rule {
            roles: CLOSERS,
            from: &[Answered],
            to: Closed,
        },
    };
    apply("疑義", rule, from, verb, role)
}

/// Why an approval must wait: `Some` (in Japanese) while any question is unanswered.
pub fn blocks_approval(questions: &[QuestionStatus]) -> Option<String> {
    let open = questions
        .iter()
        .filter(|q| **q == QuestionStatus::Open)
        .count();
    (open > 0).then(|| {
        format!("未回答の疑義が{open}件あります。疑義を解消してから承認してください（R8.2）。")
    })
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

/// The City's answer as entered, with any change to the work it leads to (R8.5).
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
    /// What the access table must grant: the City answers; whoever may raise one closes.
    pub fn action(self) -> Action {
        match self {
            Self::Answer => Action::AnswerQuestions,
            Self::Close => Action::RaiseQuestions,
        }
    }
}

checked_by!(QuestionInput => QuestionDraft);
checked_by!(AnswerInput => AnswerDraft);
