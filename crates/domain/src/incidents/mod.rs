//! Incidents (障害, R4.1, R4.2): a failed integrated terminal (キ) or touch panel (ク), its
//! recovery timeline and its service-level clocks.
//!
//! An incident is a report plus an append-only list of events (acknowledged, arrived on
//! site, J-LIS inquiries, fault logs, actions, operation check, the lessor's part, pauses,
//! resolution, the City's acceptance). Everything else is judged from those facts: where the
//! incident stands ([`status_of`]), which event may come next and from whom
//! ([`judge_event`]), and how much business time the response and the recovery have taken
//! ([`clock`]), never from stored counters.

mod clock;
mod figures;
mod input;
mod logs;
mod swap;
mod timeline;
mod urgent;
mod vocab;

pub use clock::{
    Clock, ClockReading, DEFAULT_NEAR_SHARE_PERCENT, SlaSettings, SlaTarget, clock, target_at,
};
pub use figures::{
    CategoryReported, CountFigure, IncidentFigures, MeasureFigure, MonthFigure, ReportedIncident,
    Tally, figures, lower_median, month_of,
};
pub use input::{
    EVENT_FIELDS, EventDraft, EventInput, INCIDENT_FIELDS, IncidentDraft, IncidentInput,
    MAX_EVENT_NOTE, MAX_SYMPTOM, MAX_TEXT, OTHER_PARTIES, SETTINGS_FIELDS, SlaSettingsDraft,
    SlaSettingsInput,
};
pub use logs::{
    CheckedLog, FAULT_LOG_FIELDS, FaultLogRules, LOG_EXTENSIONS, LogKind, LogState,
    MAX_MEDIUM_CHARS, check_log,
};
pub use swap::{
    AppliedJob, REAPPLIED, Replacement, SwapHistory, TaskDraft, TaskFact, resetup_tasks,
    swap_history,
};
pub use timeline::{
    EventFact, FaultReportOfIncident, IncidentFacts, TerminalOfIncident, judge_event,
    judge_incident, next_events, status_of,
};
// The urgent 作業依頼書 issued from an incident (issue 14 item 6).
pub use urgent::{
    ROUTE_SKIPPED, URGENT_FIELDS, UrgentApproval, UrgentFacts, UrgentIssue, UrgentRequestDraft,
    UrgentRequestInput, judge_urgent_request, standard_recovery_steps, urgent_request_number,
};
pub use vocab::{
    ClockState, EventKind, IncidentStatus, Measure, PauseReason, SlaLevel, TaskKind, Urgency,
};

use crate::contract::CategoryCode;

/// The categories an incident can be of: キ (terminal) and ク (touch panel).
pub const INCIDENT_CATEGORIES: [CategoryCode; 2] = [
    CategoryCode::TerminalRecovery,
    CategoryCode::TouchPanelRecovery,
];

/// The device that failed, as the inventory names its kind: キ is a terminal's fault, ク a
/// touch panel's.
pub fn device_of(category: CategoryCode) -> Option<crate::inventory::AssetKind> {
    use crate::inventory::AssetKind;
    match category {
        CategoryCode::TerminalRecovery => Some(AssetKind::Terminal),
        CategoryCode::TouchPanelRecovery => Some(AssetKind::TouchPanel),
        _ => None,
    }
}

#[cfg(test)]
mod clock_tests;
#[cfg(test)]
mod figures_tests;
#[cfg(test)]
mod tests;
