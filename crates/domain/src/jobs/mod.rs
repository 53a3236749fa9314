//! Jobs from notice to result (R2, R3, R4.3, R8): J-LIS notices lead to jobs; the City
//! issues a 作業依頼書 for one job or several combined; questions are answered and a
//! 作業手順書 version is approved before work; work is recorded per terminal and step, and
//! compiled into the result report. Also the category counts against the contract's
//! estimates, the password change (オ) and the annual inspection (カ).
//!
//! Every state machine is a `xxx_transition(from, verb, role)` returning the new status or
//! a [`TransitionError`](crate::schedule::TransitionError) whose Japanese reason names who
//! may act or why the status forbids it. Pure rules; storage keeps the records.

#[macro_use]
mod common;

mod attachment;
mod counts;
mod decision;
mod inspection;
mod inspection_fill;
mod job;
mod labels;
mod notices;
mod procedure;
mod questions;
mod report;
mod report_status;
mod rotation;
mod waiver;
mod work_records;
mod work_request;

pub use attachment::{
    ACCEPTED_EXTENSIONS, CheckedFile, FileType, MAX_ATTACHMENT_BYTES, MAX_FILE_NAME_CHARS,
    OwnerKind, check_file, clean_file_name, content_disposition, percent_decode,
};
pub use counts::{BurnDownPoint, CategoryCount, JobTally, Progress, burn_down, category_counts};
pub use decision::{Decision, DecisionInput, Verdict};
pub use inspection::{
    ChecklistItem, ChecklistItemInput, ChecklistTemplate, ChecklistTemplateInput, ItemKind,
    MAX_ITEMS, may_edit_template,
};
pub use inspection_fill::{
    AnswerValue, ChecklistAnswer, ChecklistAnswerInput, ChecklistInput, FilledChecklist, Finding,
    findings,
};
pub use job::{
    JobDraft, JobInput, JobOrigin, JobStatus, JobTarget, JobVerb, job_transition, origin_of,
};
pub use labels::field_label;
pub use notices::{
    NoticeDraft, NoticeInput, NoticeKind, NoticeStatus, NoticeVerb, notice_transition,
};
pub use procedure::{
    MAX_STEPS, ProcedureDraft, ProcedureInput, ProcedureStep, ProcedureStepInput, ProcedureVerb,
    ProcedureVersion, ProcedureVersionStatus, may_approve, may_record_work, next_version,
    procedure_transition,
};
pub use questions::{
    AnswerDraft, AnswerInput, QuestionDraft, QuestionInput, QuestionStatus, QuestionVerb,
    blocks_approval, question_transition,
};
pub use report::{ReportException, ReportSummary, StepTally, compile_report};
pub use report_status::{ReportStatus, ReportVerb, report_transition};
pub use rotation::{PasswordRotation, PasswordRotationInput, last_rotations, not_rotated};
pub use waiver::{DeliverableWaiver, DeliverableWaiverInput, WaiverScope, may_waive};
pub use work_records::{StepOutcome, WorkRecordDraft, WorkRecordInput};
pub use work_request::{
    WorkRequestDraft, WorkRequestInput, WorkRequestStatus, WorkRequestVerb, work_request_transition,
};

#[cfg(test)]
mod tests;
