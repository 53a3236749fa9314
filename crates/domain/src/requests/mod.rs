//! The request chain (R8): the City issues a 作業依頼書 for one job or several combined
//! (R4.3); questions (疑義) are answered and a 作業手順書 version is approved before work;
//! work is recorded per terminal and step, and compiled into the result report the City
//! accepts or returns.

mod bounds;
mod decision;
pub mod on_site;
mod procedure;
mod questions;
mod report;
mod report_status;
mod waiting;
mod work_records;
mod work_request;

pub use bounds::{
    CLOCK_SKEW_MINUTES, RequestBounds, WorkScope, judge_request_dates, judge_request_sites,
};
pub use decision::{Decision, DecisionInput, Verdict};
pub use procedure::{
    MAX_STEPS, PROCEDURE_FIELDS, ProcedureDraft, ProcedureFacts, ProcedureInput, ProcedureMove,
    ProcedureSave, ProcedureStep, ProcedureStepInput, ProcedureVerb, ProcedureVersion,
    ProcedureVersionStatus, judge_procedure_move, judge_procedure_save, may_approve,
    may_record_work, next_version, procedure_transition,
};
pub use questions::{
    AnswerDraft, AnswerInput, QUESTION_FIELDS, QuestionDraft, QuestionFacts, QuestionInput,
    QuestionStatus, QuestionVerb, blocks_approval, judge_question_move,
};
pub use report::{
    REPORT_FIELDS, ReportException, ReportSources, ReportSummary, SiteDay, StepTally,
    compile_report,
};
pub use report_status::{
    ReportDecision, ReportFacts, ReportStatus, ReportSubmission, ReportVerb, judge_report_decision,
    judge_report_submission, report_transition,
};
pub use waiting::{WaitingFact, WaitingFacts, WaitingOn, may_wait, waiting_on};
pub use work_records::{
    MAX_RECORDS, RecordFacts, RecordSelectionInput, RecordsInput, StepOutcome, WORK_RECORD_FIELDS,
    WorkRecordDraft, WorkRecordInput, WorkedHours, judge_record_hours, judge_records, record_days,
};
pub use work_request::{
    Issue, IssueFacts, JobMove, MAX_REQUEST_JOBS, MAX_REQUEST_SITES, MAX_REQUEST_TERMINALS,
    WORK_REQUEST_FIELDS, WorkRequestDraft, WorkRequestInput, WorkRequestStatus, WorkRequestVerb,
    job_moves, judge_issue, work_request_transition,
};

#[cfg(test)]
mod tests;
