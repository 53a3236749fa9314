//! The schedule (R5): visits to sites inside the working window, work outside it only with
//! the City's instruction or approval (R5.3), and the building-entry permits a visit needs
//! (R5.5). Pure rules; storage keeps the records.

mod assess;
mod input;
mod off_hours;
mod permits;
mod span;
mod visits;

pub use assess::{Assessment, OffHoursFact, PermitCheck, PermitFact, VisitFacts, assess};
pub use input::{
    OFF_HOURS_FIELDS, OffHoursDraft, OffHoursInput, PERMIT_FIELDS, PLAN_FIELDS, PermitDraft,
    PermitInput, VISIT_FIELDS, VisitDraft, VisitInput,
};
pub use off_hours::{OffHoursCause, OffHoursStatus, OffHoursVerb, off_hours_transition};
pub use permits::{
    PermitKind, PermitNeed, PermitStatus, PermitVerb, permit_transition, permits_needed,
};
pub use span::{Span, check_span, outside_window, parse_time};
pub use visits::{VisitStatus, VisitVerb, visit_transition};

pub use crate::rules::TransitionError;

#[cfg(test)]
mod tests;
