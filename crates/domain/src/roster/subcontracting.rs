//! Subcontracting (再委託申請書, §6(1)): the contractor's lead applies before any part of
//! the work is subcontracted; the City approves or refuses. Only under an approved
//! application can a subcontractor's person join the roster.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::rules::{Refusal, required_date};
use crate::validation::{FieldErrors, optional_text, required_text};
use crate::vocab;

labelled_enum! {
    /// Where a subcontracting application stands.
    pub enum SubcontractStatus {
        /// Applied for, waiting for the City.
        Applied = ("applied", "承認待ち"),
        /// Approved by the City.
        Approved = ("approved", "承認済み"),
        /// Refused by the City.
        Refused = ("refused", "不承認"),
    }
}

labelled_enum! {
    /// The City's decision on an application.
    pub enum SubcontractDecision {
        Approve = ("approve", "承認"),
        Refuse = ("refuse", "不承認"),
    }
}

/// The Japanese names of a subcontracting application's recorded fields.
pub const SUBCONTRACT_FIELDS: &[(&str, &str)] = &[
    ("subcontractor", "再委託先"),
    ("scope", "再委託する業務の範囲"),
    ("planned_start", "再委託の開始予定日"),
    ("decision", "本市の判断"),
];

/// The longest scope of an application, in characters.
pub const MAX_SCOPE: usize = 2000;

/// An application as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SubcontractInput {
    /// The subcontractor's name.
    pub subcontractor: String,
    /// What part of the work it would do.
    pub scope: String,
    /// `YYYY-MM-DD`
    pub planned_start: String,
}

/// A checked application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubcontractDraft {
    pub subcontractor: String,
    pub scope: String,
    pub planned_start: NaiveDate,
}

impl SubcontractInput {
    pub fn check(&self) -> Result<SubcontractDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let subcontractor = required_text(
            &mut e,
            "subcontractor",
            "再委託先",
            &self.subcontractor,
            200,
        );
        let scope = required_text(
            &mut e,
            "scope",
            "再委託する業務の範囲",
            &self.scope,
            MAX_SCOPE,
        );
        let start = required_date(
            &mut e,
            "planned_start",
            "再委託の開始予定日",
            &self.planned_start,
        );
        match start {
            Some(planned_start) if e.is_empty() => Ok(SubcontractDraft {
                subcontractor,
                scope,
                planned_start,
            }),
            _ => Err(e),
        }
    }
}

/// The City's decision as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SubcontractDecisionInput {
    /// approve / refuse
    pub decision: String,
    /// Required with a refusal.
    pub comment: Option<String>,
}

/// A checked decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubcontractDecisionDraft {
    pub decision: SubcontractDecision,
    pub comment: Option<String>,
}

impl SubcontractDecisionInput {
    pub fn check(&self) -> Result<SubcontractDecisionDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let decision = vocab::required::<SubcontractDecision>(
            &mut e,
            "decision",
            "本市の判断",
            &self.decision,
        );
        let comment = optional_text(&mut e, "comment", "コメント", self.comment.as_deref(), 1000);
        if decision == Some(SubcontractDecision::Refuse) && comment.is_none() {
            e.push("comment", "不承認の理由をコメントに入力してください。");
        }
        match decision {
            Some(decision) if e.is_empty() => Ok(SubcontractDecisionDraft { decision, comment }),
            _ => Err(e),
        }
    }
}

checked_by!(
    SubcontractInput => SubcontractDraft,
    SubcontractDecisionInput => SubcontractDecisionDraft,
);

/// Where an application standing in `from` goes by decision `d`: only one waiting for the
/// City is decided.
pub fn judge_subcontract_decision(
    from: SubcontractStatus,
    d: SubcontractDecision,
) -> Result<SubcontractStatus, Refusal> {
    if from != SubcontractStatus::Applied {
        return Err(Refusal::conflict(
            "status",
            format!("この再委託申請書は既に「{}」です。", from.label_ja()),
        ));
    }
    Ok(match d {
        SubcontractDecision::Approve => SubcontractStatus::Approved,
        SubcontractDecision::Refuse => SubcontractStatus::Refused,
    })
}
