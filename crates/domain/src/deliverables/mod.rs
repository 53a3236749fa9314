//! The register of deliverables (提出書類, §6(1), §5(9)): what the contractor owes the City,
//! when each is due by the City's rules and the business calendar, and where each stands.
//!
//! The kinds come from the contract file (`[[deliverables]]`), each with its due rule. The
//! register holds one instance per kind and occasion: the ones the rules schedule (at the
//! start of the work, every month of the period) and the ones the City asks for or an event
//! raises (a progress report, a subcontracting application, a change of the 業務責任者),
//! each with its own due date. An instance is submitted as a file kept exactly as
//! submitted, then accepted or returned with a comment by the City, or waived by the City
//! with its reason (§5(9)).

mod due;
mod flow;

pub use due::{Scheduled, due_date, scheduled};
pub use flow::{
    DECISION_FIELDS, DELIVERABLE_FIELDS, DecisionDraft, DecisionInput, DeliverableFacts,
    InstructionDraft, InstructionInput, MAX_COMMENT, WaiverDraft, WaiverInput, judge_decision,
    judge_instruction, judge_submission, judge_waiver,
};

use chrono::NaiveDate;
use serde::Serialize;

labelled_enum! {
    /// When a kind of deliverable is due (the City's rule, from the contract file).
    pub enum DueRule {
        /// 業務着手と同時: the first business day of the period.
        AtStart = ("at_start", "業務着手と同時"),
        /// 月次の業務が完了したとき: a number of business days after each month, the
        /// period's last month by its last business day (３月は末日まで).
        Monthly = ("monthly", "月次の業務が完了したとき"),
        /// 適宜（本市の指示による）: the City sets the date each time.
        AsInstructed = ("as_instructed", "本市の指示による"),
        /// 再委託するとき（事前）: before the subcontracted work starts.
        BeforeSubcontracting = ("before_subcontracting", "再委託するとき（事前）"),
        /// 業務責任者に変更があるとき.
        OnLeadChange = ("on_lead_change", "業務責任者に変更があるとき"),
        /// 作業体制図に変更があるとき (§6(2)).
        OnChartChange = ("on_chart_change", "作業体制図に変更があるとき"),
    }
}

impl DueRule {
    /// Whether the rules schedule the instances (else the City or an event raises them).
    pub fn is_scheduled(self) -> bool {
        matches!(self, Self::AtStart | Self::Monthly)
    }
}

labelled_enum! {
    /// Where one deliverable stands.
    pub enum DeliverableStatus {
        /// 未提出: not submitted yet.
        Draft = ("draft", "未提出"),
        /// 提出済: submitted, waiting for the City.
        Submitted = ("submitted", "提出済"),
        /// 受理: accepted by the City.
        Accepted = ("accepted", "受理"),
        /// 差戻し: returned with a comment; to be submitted again.
        Returned = ("returned", "差戻し"),
        /// 納品不要: waived by the City with its reason (§5(9)).
        Waived = ("waived", "納品不要"),
    }
}

impl DeliverableStatus {
    /// Still owed by the contractor (overdue once its due date passed).
    pub fn is_owed(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

labelled_enum! {
    /// What was done to a deliverable, as the audit trail names it.
    pub enum DeliverableVerb {
        Submit = ("submit", "提出"),
        Accept = ("accept", "受理"),
        Return = ("return", "差戻し"),
        Waive = ("waive", "納品不要とする"),
    }
}

labelled_enum! {
    /// The City's decision on a submission.
    pub enum Verdict {
        Accept = ("accept", "受理"),
        Return = ("return", "差戻し"),
    }
}

/// A kind of deliverable as the contract file lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliverableSpec {
    /// The kind's code (`business_report`), unique in the file.
    pub code: String,
    /// 提出書類の名称.
    pub name: String,
    /// サイズ (Ａ４).
    pub size: String,
    /// 部数.
    pub copies: u32,
    pub due: DueRule,
    /// For [`DueRule::Monthly`]: due this many business days after the month's end.
    pub due_business_days: u32,
}

/// The default for [`DeliverableSpec::due_business_days`] of a monthly kind.
pub const DEFAULT_MONTHLY_BUSINESS_DAYS: u32 = 5;

/// Whether a deliverable owed (`status`) and due on `due` is overdue on `today`.
pub fn is_overdue(status: DeliverableStatus, due: Option<NaiveDate>, today: NaiveDate) -> bool {
    status.is_owed() && due.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests;
