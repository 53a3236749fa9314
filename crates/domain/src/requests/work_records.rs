//! 作業記録 (work records, R8.3): what was done on one terminal for one step of the
//! approved procedure, with its outcome, by whom and when.

use crate::vocab::Labelled;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::procedure::ProcedureStep;
use crate::rules::required_instant;
use crate::validation::{FieldErrors, optional_text};

/// The Japanese names of a work record's fields.
pub const WORK_RECORD_FIELDS: &[(&str, &str)] = &[
    ("terminal_id", "統合端末"),
    ("step_order", "手順の番号"),
    ("outcome", "結果"),
    ("performer_id", "実施者"),
    ("started_at", "開始日時"),
    ("ended_at", "終了日時"),
];

labelled_enum! {
    /// How one step went on one terminal.
    pub enum StepOutcome {
        /// 実施済
        Done = ("done", "実施済"),
        /// 対象外: the step does not apply to this terminal.
        NotApplicable = ("not_applicable", "対象外"),
        /// 失敗: needs a note saying what happened.
        Failed = ("failed", "失敗"),
    }
}

impl StepOutcome {
    /// Leaves nothing to do on the step (done, or not applicable).
    pub fn settles_step(self) -> bool {
        matches!(self, Self::Done | Self::NotApplicable)
    }
}

/// A work record as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct WorkRecordInput {
    pub terminal_id: i64,
    /// The step's order in the approved procedure version (1, 2, …).
    pub step_order: u32,
    /// `done`, `not_applicable` or `failed`.
    pub outcome: String,
    /// The worker (user) who did it.
    pub performer_id: i64,
    /// `YYYY-MM-DD HH:MM`, Japan time.
    pub started_at: String,
    /// `YYYY-MM-DD HH:MM`, Japan time; not before the start.
    pub ended_at: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A checked work record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkRecordDraft {
    pub terminal_id: i64,
    pub step_order: u32,
    pub outcome: StepOutcome,
    pub performer_id: i64,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub note: Option<String>,
}

impl WorkRecordInput {
    /// Checks every field: a real step number, an end not before the start, and a note on
    /// a failed step.
    pub fn check(&self) -> Result<WorkRecordDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.step_order == 0 {
            e.push("step_order", "手順の番号は1以上で指定してください。");
        }
        let outcome = StepOutcome::parse(&self.outcome);
        if outcome.is_none() {
            e.push("outcome", StepOutcome::one_of_message("結果"));
        }
        let start = required_instant(&mut e, "started_at", "開始日時", &self.started_at);
        let end = required_instant(&mut e, "ended_at", "終了日時", &self.ended_at);
        if let (Some(s), Some(t)) = (start, end)
            && t < s
        {
            e.push("ended_at", "終了日時は開始日時以降にしてください。");
        }
        let note = optional_text(&mut e, "note", "備考", self.note.as_deref(), 2000);
        if outcome == Some(StepOutcome::Failed) && note.is_none() {
            e.push(
                "note",
                "失敗した手順は、何が起きたかを備考に入力してください。",
            );
        }
        match (outcome, start, end) {
            (Some(outcome), Some(started_at), Some(ended_at)) if e.is_empty() => {
                Ok(WorkRecordDraft {
                    terminal_id: self.terminal_id,
                    step_order: self.step_order,
                    outcome,
                    performer_id: self.performer_id,
                    started_at,
                    ended_at,
                    note,
                })
            }
            _ => Err(e),
        }
    }
}

impl WorkRecordDraft {
    /// Checks that the record is about a step of `steps` (the approved version) and one of
    /// the request's `terminals`.
    pub fn check_against(
        &self,
        steps: &[ProcedureStep],
        terminals: &[i64],
    ) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        if !steps.iter().any(|s| s.order == self.step_order) {
            e.push(
                "step_order",
                format!(
                    "手順{}は承認された作業手順書にありません。",
                    self.step_order
                ),
            );
        }
        if !terminals.contains(&self.terminal_id) {
            e.push("terminal_id", "この統合端末は作業の対象ではありません。");
        }
        e.into_result(())
    }
}

checked_by!(WorkRecordInput => WorkRecordDraft);
