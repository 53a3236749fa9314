//! 作業手順書 (procedure, R8.2): the contractor's steps for a work request, in versions; the
//! City approves one version before any work, and not while a question is open. A new
//! version supersedes the older ones, whose approval then no longer lets work go on.

use serde::{Deserialize, Serialize};

use super::decision::Verdict;
use super::questions::{QuestionStatus, blocks_approval};
use super::work_request::{WorkRequestStatus, WorkRequestVerb, work_request_transition};
use crate::approvals::CombinationState;
use crate::people::{Action, Role};
use crate::rules::{Refusal, TransitionError};
use crate::rules::{Rule, apply, only};
use crate::validation::{FieldErrors, optional_text, required_text};

/// The Japanese names of a 作業手順書 version's fields.
pub const PROCEDURE_FIELDS: &[(&str, &str)] = &[("version", "版"), ("steps", "手順の数")];

/// The most steps one procedure may have.
pub const MAX_STEPS: usize = 200;

/// One step of a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProcedureStep {
    /// 1, 2, 3 … in the order they are done.
    pub order: u32,
    /// What to do.
    pub action: String,
    /// What one should see when it went right.
    pub expected_result: String,
}

/// One step as entered; its order is its position.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ProcedureStepInput {
    pub action: String,
    pub expected_result: String,
}

/// A version of a procedure as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ProcedureInput {
    #[serde(default)]
    pub steps: Vec<ProcedureStepInput>,
    /// Sources (J-LIS manuals, instructions, own research) and remarks.
    #[serde(default)]
    pub note: Option<String>,
}

/// A checked procedure version's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcedureDraft {
    pub steps: Vec<ProcedureStep>,
    pub note: Option<String>,
}

impl ProcedureInput {
    /// Checks 1..=200 steps, each with its action and expected result, and the note.
    pub fn check(&self) -> Result<ProcedureDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.steps.is_empty() || self.steps.len() > MAX_STEPS {
            e.push(
                "steps",
                format!("手順は1〜{MAX_STEPS}件で入力してください。"),
            );
        }
        let mut steps = Vec::with_capacity(self.steps.len());
        for (i, (s, order)) in self.steps.iter().zip(1u32..).enumerate() {
            let label = format!("手順{order}の");
            let action = required_text(
                &mut e,
                &format!("steps[{i}].action"),
                &format!("{label}作業内容"),
                &s.action,
                1000,
            );
            let expected_result = required_text(
                &mut e,
                &format!("steps[{i}].expected_result"),
                &format!("{label}確認内容"),
                &s.expected_result,
                1000,
            );
            steps.push(ProcedureStep {
                order,
                action,
                expected_result,
            });
        }
        let note = optional_text(&mut e, "note", "備考", self.note.as_deref(), 4000);
        e.into_result(ProcedureDraft { steps, note })
    }
}

labelled_enum! {
    /// Where one version of a procedure stands.
    pub enum ProcedureVersionStatus {
        /// 作成中: the contractor is writing it.
        Draft = ("draft", "作成中"),
        /// 提出済: waiting for the City's decision.
        Submitted = ("submitted", "提出済"),
        /// 承認済: the City approved this version.
        Approved = ("approved", "承認済"),
        /// 差戻し: the City returned it with a comment; a new version follows.
        Returned = ("returned", "差戻し"),
    }
}

labelled_enum! {
    /// What someone does to a procedure version.
    pub enum ProcedureVerb {
        Submit = ("submit", "提出"),
        Approve = ("approve", "承認"),
        /// Needs a comment (see `DecisionInput`).
        Return = ("return", "差戻し"),
    }
}

impl From<Verdict> for ProcedureVerb {
    fn from(v: Verdict) -> Self {
        match v {
            Verdict::Approve => Self::Approve,
            Verdict::Return => Self::Return,
        }
    }
}

/// A version's number and status: what the rules need of the latest version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProcedureVersion {
    /// 1 for the first version (第1版).
    pub number: u32,
    pub status: ProcedureVersionStatus,
}

const LEAD: &[Role] = &[Role::ContractorLead];
const CITY: &[Role] = &[Role::CityStaff];

/// The procedure version state machine: the contractor's lead submits; the City approves
/// or returns.
pub fn procedure_transition(
    from: ProcedureVersionStatus,
    verb: ProcedureVerb,
    role: Role,
) -> Result<ProcedureVersionStatus, TransitionError> {
    use ProcedureVersionStatus::*;
    let rule = match verb {
        ProcedureVerb::Submit => Rule {
            roles: LEAD,
            from: &[Draft],
            to: Submitted,
        },
        ProcedureVerb::Approve => Rule {
            roles: CITY,
            from: &[Submitted],
            to: Approved,
        },
        ProcedureVerb::Return => Rule {
            roles: CITY,
            from: &[Submitted],
            to: Returned,
        },
    };
    apply("作業手順書", rule, from, verb, role)
}

/// The number of a new version the contractor's lead may start, superseding `latest`;
/// refused while the latest is still being written or waits for the City.
pub fn next_version(latest: Option<ProcedureVersion>, role: Role) -> Result<u32, TransitionError> {
    only(LEAD, role, "作業手順書の作成")?;
    let Some(latest) = latest else {
        return Ok(1);
    };
    match latest.status {
        ProcedureVersionStatus::Approved | ProcedureVersionStatus::Returned => {
            Ok(latest.number + 1)
        }
        ProcedureVersionStatus::Draft => Err(TransitionError::status(format!(
            "第{}版が作成中です。新しい版を作らず、その版を編集してください。",
            latest.number
        ))),
        ProcedureVersionStatus::Submitted => Err(TransitionError::status(format!(
            "第{}版は提出済で、本市の判断を待っています。",
            latest.number
        ))),
    }
}

/// Whether the City may approve a version standing in `version`: it must be submitted and
/// no question may be open (R8.2).
pub fn may_approve(
    version: ProcedureVersionStatus,
    questions: &[QuestionStatus],
) -> Result<(), TransitionError> {
    if version != ProcedureVersionStatus::Submitted {
        return Err(TransitionError::status(format!(
            "この作業手順書は「{}」のため、承認できません。",
            version.label_ja()
        )));
    }
    match blocks_approval(questions) {
        Some(why) => Err(TransitionError::status(why)),
        None => Ok(()),
    }
}

/// Whether work may be recorded under a request: its latest procedure version must be
/// approved (R8.2), and the request must be approved for work or in progress.
pub fn may_record_work(
    latest: Option<ProcedureVersion>,
    request: WorkRequestStatus,
) -> Result<(), TransitionError> {
    let Some(latest) = latest else {
        return Err(TransitionError::status(
            "作業手順書がありません。本市の承認を得た作業手順書に基づいて作業してください(仕様書 5(8)イ)。",
        ));
    };
    if latest.status != ProcedureVersionStatus::Approved {
        return Err(TransitionError::status(format!(
            "最新の作業手順書（第{}版）は「{}」で、承認されていません。本市の承認を得てから作業してください(仕様書 5(8)イ)。",
            latest.number,
            latest.status.label_ja()
        )));
    }
    if !matches!(
        request,
        WorkRequestStatus::ProcedureApproved | WorkRequestStatus::InProgress
    ) {
        return Err(TransitionError::status(format!(
            "この作業依頼書は「{}」のため、作業を記録できません。",
            request.label_ja()
        )));
    }
    Ok(())
}

/// How a save of the procedure's steps is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcedureSave {
    /// The latest version is being written: it is edited.
    EditDraft,
    /// A new version of this number supersedes the latest (approved or returned) one.
    NewVersion(u32),
}

/// Judges saving the steps of a request standing in `request` whose latest version is
/// `latest`, by `role`: nothing changes on a closed or cancelled request; the draft being
/// written is edited, otherwise a new version follows an approved or returned one.
pub fn judge_procedure_save(
    request: WorkRequestStatus,
    latest: Option<ProcedureVersion>,
    role: Role,
) -> Result<ProcedureSave, Refusal> {
    if matches!(
        request,
        WorkRequestStatus::Accepted | WorkRequestStatus::Cancelled
    ) {
        return Err(Refusal::conflict(
            "status",
            format!(
                "この作業依頼書は「{}」のため、作業手順書を変更できません。",
                request.label_ja()
            ),
        ));
    }
    let version = |e: TransitionError| Refusal::conflict("version", e.0);
    match latest {
        Some(v) if v.status == ProcedureVersionStatus::Draft => {
            only(LEAD, role, "作業手順書の作成").map_err(version)?;
            Ok(ProcedureSave::EditDraft)
        }
        other => next_version(other, role)
            .map(ProcedureSave::NewVersion)
            .map_err(version),
    }
}

/// What the records say about a procedure version about to move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureFacts {
    pub status: ProcedureVersionStatus,
    /// The status of its request.
    pub request: WorkRequestStatus,
    /// The statuses of the request's questions.
    pub questions: Vec<QuestionStatus>,
    /// Where the City's approval of the request's combined jobs stands (R4.3).
    pub combination: CombinationState,
}

/// What a move of a procedure version writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcedureMove {
    pub to: ProcedureVersionStatus,
    /// The request's new status, when the move takes it on: the first approval moves it
    /// to 手順書承認済.
    pub request: Option<WorkRequestStatus>,
}

/// Judges `verb` on a procedure version by `role`: the state machine, and for an approval
/// no open question (R8.2).
pub fn judge_procedure_move(
    facts: &ProcedureFacts,
    verb: ProcedureVerb,
    role: Role,
) -> Result<ProcedureMove, Refusal> {
    let to = procedure_transition(facts.status, verb, role)?;
    let mut request = None;
    if verb == ProcedureVerb::Approve {
        may_approve(facts.status, &facts.questions)?;
        match facts.combination {
            CombinationState::Settled => {}
            CombinationState::Waiting => {
                return Err(Refusal::conflict(
                    "status",
                    "作業の組合せ(同時実施)の本市の決裁が終わっていないため、作業手順書を承認できません(仕様書 4の※)。",
                ));
            }
            CombinationState::Returned => {
                return Err(Refusal::conflict(
                    "status",
                    "作業の組合せ(同時実施)が差し戻されました。作業依頼書を取り消し、作業ごとに発行し直してください(仕様書 4の※)。",
                ));
            }
        }
        if facts.request == WorkRequestStatus::Issued {
            request = Some(work_request_transition(
                facts.request,
                WorkRequestVerb::ApproveProcedure,
                role,
            )?);
        }
    }
    Ok(ProcedureMove { to, request })
}

impl ProcedureVerb {
    /// What the access table must grant: the contractor submits, the City decides.
    pub fn action(self) -> Action {
        match self {
            Self::Submit => Action::WriteProcedures,
            _ => Action::DecideProcedures,
        }
    }
}

checked_by!(ProcedureInput => ProcedureDraft);
