//! Jobs (R2, R3, R4): J-LIS notices lead to jobs of ア イ ウ; the City orders エ オ カ;
//! faults lead to キ ク. Also the category counts against the contract's estimates, the
//! password change (オ), the annual inspection (カ) and the City's waivers of deliverables.
//! The 作業依頼書 chain a job goes through is [`crate::requests`].
//!
//! Every state machine is a `xxx_transition(from, verb, role)` returning the new status or
//! a [`TransitionError`](crate::rules::TransitionError) whose Japanese reason names who
//! may act or why the status forbids it. Pure rules; storage keeps the records.

mod counts;
mod inspections;
pub(crate) mod job;
mod notices;
mod rotations;
mod waivers;
mod work;

pub use crate::people::PersonFacts;
pub use counts::{BurnDownPoint, CategoryCount, JobTally, Progress, burn_down, category_counts};
pub use inspections::{
    AnswerValue, ChecklistAnswer, ChecklistAnswerInput, ChecklistInput, ChecklistItem,
    ChecklistItemInput, ChecklistTemplate, ChecklistTemplateInput, FilledChecklist, Finding,
    INSPECTION_FIELDS, InspectionFacts, InspectionVerdict, ItemKind, MAX_ITEMS, StoredChecklist,
    TEMPLATE_FIELDS, findings, judge_follow_up, judge_inspection, judge_inspection_job,
    may_edit_template,
};
pub use job::{
    INSTALLED, JOB_FIELDS, JobDraft, JobInput, JobMoveFacts, JobOrigin, JobOriginKind, JobStatus,
    JobTarget, JobVerb, MAX_JOB_TERMINALS, TerminalFacts, job_transition, judge_job_move,
    judge_job_terminals, origin_of,
};
pub use notices::{
    NOTICE_FIELDS, NoticeDraft, NoticeFacts, NoticeInput, NoticeKind, NoticeOfJob, NoticeStatus,
    NoticeVerb, judge_job_from_notice, judge_notice_move, notice_transition,
};
pub use rotations::{
    PasswordRotation, PasswordRotationInput, ROTATION_FIELDS, RotationFacts, RotationVerdict,
    judge_rotation, last_rotations, not_rotated,
};
pub use waivers::{
    DeliverableWaiver, DeliverableWaiverInput, MAX_DELIVERABLES, WaiverScope, may_waive,
};
pub use work::{JobFacts, judge_job_terminal, judge_performer};

#[cfg(test)]
mod tests;
