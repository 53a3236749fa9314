//! The schedule (R5): visits to sites inside the working window, work outside it only with
//! the City's instruction or approval (R5.3), and the building-entry permits a visit needs
//! (R5.5). Pure rules; storage keeps the records.

mod assess;
mod facts;
mod input;
mod off_hours;
mod permits;
mod plans;
mod progress;
mod span;
mod visits;

pub use assess::{Assessment, OffHoursFact, PermitCheck, PermitFact, VisitFacts, assess};
pub use facts::{
    BusyFact, PersonFact, SiteFact, TerminalFact, judge_contractor_people, judge_overlap,
    judge_site, judge_visit_terminals,
};
pub use input::{
    MAX_VISIT_TERMINALS, MAX_VISIT_WORKERS, OFF_HOURS_FIELDS, OffHoursDecision, OffHoursDraft,
    OffHoursInput, PERMIT_FIELDS, PLAN_FIELDS, PermitDecision, PermitDraft, PermitInput,
    VISIT_FIELDS, VisitDraft, VisitInput, check_comment,
};
pub use off_hours::{
    OffHoursCause, OffHoursStatus, OffHoursVerb, judge_off_hours_filing, off_hours_transition,
};
pub use permits::{
    PermitKind, PermitNeed, PermitStatus, PermitVerb, judge_permit_request, permit_transition,
    permits_needed,
};
pub use plans::{
    MAX_AVAILABLE_DATES, MAX_PLAN_SITES, MAX_PLAN_TERMINALS, MAX_PLAN_WORKERS, PlanDraft,
    PlanFacts, PlanPerson, PlanRequest, PlanSiteFact, PlanWorkerInput, check_plan_size,
    judge_plan_agreement, judge_plan_input,
};
pub use progress::{PermitWarning, VisitProgress, permits_lacking};
pub use span::{Span, check_span, outside_window, parse_time};
pub use visits::{
    NewVisit, NewVisitFacts, VisitStatus, VisitVerb, judge_new_visit, judge_visit_agreement,
    judge_visit_move, visit_transition,
};

pub use crate::rules::TransitionError;

#[cfg(test)]
mod tests;
