//! カ: the annual inspection (R3.3): the City's checklist template, a checklist filled in
//! per terminal, its findings and the follow-up job each raises.

mod checklist;
mod template;

pub use checklist::{
    AnswerValue, ChecklistAnswer, ChecklistAnswerInput, ChecklistInput, FilledChecklist, Finding,
    INSPECTION_FIELDS, InspectionFacts, InspectionVerdict, StoredChecklist, findings,
    judge_follow_up, judge_inspection, judge_inspection_job,
};
pub use template::{
    ChecklistItem, ChecklistItemInput, ChecklistTemplate, ChecklistTemplateInput, ItemKind,
    MAX_ITEMS, TEMPLATE_FIELDS, may_edit_template,
};
