//! The request chain (R8): the City issues a 作業依頼書 for one job or several combined
//! (R4.3); questions (疑義) are answered and a 作業手順書 version is approved before work;
//! work is recorded per terminal and step, and compiled into the result report the City
//! accepts or returns.

mod decision;
mod procedure;
mod questions;
mod report;
mod report_status;
mod work_records;
mod work_request;

pub use decision::{Decision, DecisionInput, Verdict};
pub use procedure::{
    MAX_STEPS, PROCEDURE_FIELDS, ProcedureDraft, ProcedureInput, ProcedureStep, ProcedureStepInput,
    ProcedureVerb, ProcedureVersion, ProcedureVersionStatus, may_approve, may_record_work,
    next_version, procedure_transition,
};
pub use questions::{
    AnswerDraft, AnswerInput, QUESTION_FIELDS, QuestionDraft, QuestionInput, QuestionStatus,
    QuestionVerb, blocks_approval, question_transition,
};
pub use report::{REPORT_FIELDS, ReportException, ReportSummary, StepTally, compile_report};
pub use report_status::{ReportStatus, ReportVerb, report_transition};
pub use work_records::{StepOutcome, WORK_RECORD_FIELDS, WorkRecordDraft, WorkRecordInput};
pub use work_request::{
    WORK_REQUEST_FIELDS, WorkRequestDraft, WorkRequestInput, WorkRequestStatus, WorkRequestVerb,
    work_request_transition,
};
