//! Who may move a deliverable how: the contractor submits, the City accepts or returns it
//! with a comment, waives it with its reason (§5(9)), or asks for one (適宜).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DeliverableSpec, DeliverableStatus, Verdict};
use crate::contract::Period;
use crate::people::Role;
use crate::rules::{Refusal, only};
use crate::validation::{FieldErrors, optional_text, required_text};
use crate::vocab as v;

/// The longest comment or reason, in characters.
pub const MAX_COMMENT: usize = 2000;

/// The Japanese names of a deliverable's recorded fields.
pub const DELIVERABLE_FIELDS: &[(&str, &str)] = &[
    ("code", "提出書類"),
    ("occasion", "提出の区切り"),
    ("title", "件名"),
    ("due_on", "提出期限"),
    ("status", "状態"),
    ("note", "指示の内容"),
    ("reason", "納品不要とする理由"),
    ("file_name", "ファイル名"),
    ("sha256", "SHA-256"),
    ("size", "大きさ（バイト）"),
    ("version", "提出の回"),
];

/// The Japanese names of a decision's fields.
pub const DECISION_FIELDS: &[(&str, &str)] = &[("verdict", "判断"), ("comment", "コメント")];

/// A deliverable as far as its next move is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliverableFacts {
    pub status: DeliverableStatus,
}

const SUBMITTERS: &[Role] = &[Role::ContractorLead, Role::SecurityOfficer];
const CITY: &[Role] = &[Role::CityStaff];

/// A submission (a file) by `role`: the contractor's lead or security officer, of a
/// deliverable not yet submitted or returned. Answers the status after it.
pub fn judge_submission(role: Role, f: DeliverableFacts) -> Result<DeliverableStatus, Refusal> {
    only(SUBMITTERS, role, "提出書類の提出")?;
    if !f.status.is_owed() {
        return Err(Refusal::conflict(
            "file",
            format!(
                "この提出書類は「{}」のため、提出できません。",
                f.status.label_ja()
            ),
        ));
    }
    Ok(DeliverableStatus::Submitted)
}

/// The City's decision as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// `accept` or `return`.
    pub verdict: String,
    /// Required when returning.
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionDraft {
    pub verdict: Verdict,
    pub comment: Option<String>,
}

impl DecisionInput {
    pub fn check(&self) -> Result<DecisionDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let verdict = v::required::<Verdict>(&mut e, "verdict", "判断", &self.verdict);
        let comment = if verdict == Some(Verdict::Return) {
            Some(required_text(
                &mut e,
                "comment",
                "差戻しの理由",
                self.comment.as_deref().unwrap_or(""),
                MAX_COMMENT,
            ))
        } else {
            optional_text(
                &mut e,
                "comment",
                "コメント",
                self.comment.as_deref(),
                MAX_COMMENT,
            )
        };
        match verdict {
            Some(verdict) if e.is_empty() => Ok(DecisionDraft { verdict, comment }),
            _ => Err(e),
        }
    }
}

/// The City's decision on a submitted deliverable. Answers the status after it.
pub fn judge_decision(
    role: Role,
    f: DeliverableFacts,
    d: &DecisionDraft,
) -> Result<DeliverableStatus, Refusal> {
    only(CITY, role, "提出書類の受理・差戻し")?;
    if f.status != DeliverableStatus::Submitted {
        return Err(Refusal::conflict(
            "verdict",
            format!(
                "受理・差戻しができるのは提出済の書類だけです（この書類は「{}」）。",
                f.status.label_ja()
            ),
        ));
    }
    Ok(match d.verdict {
        Verdict::Accept => DeliverableStatus::Accepted,
        Verdict::Return => DeliverableStatus::Returned,
    })
}

/// The City's waiver as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct WaiverInput {
    /// Why the City does not need it (§5(9)).
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverDraft {
    pub reason: String,
}

impl WaiverInput {
    pub fn check(&self) -> Result<WaiverDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let reason = required_text(
            &mut e,
            "reason",
            "納品不要とする理由",
            &self.reason,
            MAX_COMMENT,
        );
        e.into_result(WaiverDraft { reason })
    }
}

/// The City waives a deliverable not yet accepted (§5(9)).
pub fn judge_waiver(role: Role, f: DeliverableFacts) -> Result<DeliverableStatus, Refusal> {
    only(CITY, role, "提出書類を納品不要とすること")?;
    if matches!(
        f.status,
        DeliverableStatus::Accepted | DeliverableStatus::Waived
    ) {
        return Err(Refusal::conflict(
            "reason",
            format!(
                "この提出書類は「{}」のため、納品不要にできません。",
                f.status.label_ja()
            ),
        ));
    }
    Ok(DeliverableStatus::Waived)
}

/// The City's request for a deliverable (適宜), or one an event raises, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InstructionInput {
    /// The kind's code from the contract file (`progress_report`).
    pub code: String,
    /// 提出期限 `YYYY-MM-DD`.
    pub due_on: String,
    /// What is asked (optional).
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstructionDraft {
    pub code: String,
    pub due_on: NaiveDate,
    pub note: Option<String>,
}

impl InstructionInput {
    pub fn check(&self) -> Result<InstructionDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let code = required_text(&mut e, "code", "提出書類", &self.code, 64);
        let due_on = crate::inventory::parse_date(&self.due_on);
        if due_on.is_none() {
            e.push(
                "due_on",
                "提出期限は YYYY-MM-DD の形の日付で入力してください。",
            );
        }
        let note = optional_text(
            &mut e,
            "note",
            "指示の内容",
            self.note.as_deref(),
            MAX_COMMENT,
        );
        match due_on {
            Some(due_on) if e.is_empty() => Ok(InstructionDraft { code, due_on, note }),
            _ => Err(e),
        }
    }
}

/// The City asks for a deliverable of a kind the rules do not schedule, due within the
/// contract period. Answers its title.
pub fn judge_instruction(
    role: Role,
    spec: Option<&DeliverableSpec>,
    d: &InstructionDraft,
    period: &Period,
) -> Result<String, Refusal> {
    only(CITY, role, "提出書類の指示")?;
    let Some(spec) = spec else {
        return Err(Refusal::invalid("code", "契約ファイルにない提出書類です。"));
    };
    if spec.due.is_scheduled() {
        return Err(Refusal::invalid(
            "code",
            format!(
                "{}は「{}」に提出する書類で、登録簿に既にあります。",
                spec.name,
                spec.due.label_ja()
            ),
        ));
    }
    if d.due_on < period.start || d.due_on > period.end {
        return Err(Refusal::invalid(
            "due_on",
            format!(
                "提出期限は業務履行期間（{}〜{}）の日付にしてください。",
                period.start, period.end
            ),
        ));
    }
    Ok(spec.name.clone())
}

crate::checked_by!(
    DecisionInput => DecisionDraft,
    WaiverInput => WaiverDraft,
    InstructionInput => InstructionDraft,
);
