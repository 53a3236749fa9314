//! A visit's life: planned, then done (its work recorded) or cancelled.

use super::facts::{
    BusyFact, PersonFact, SiteFact, TerminalFact, judge_contractor_people, judge_overlap,
    judge_site, judge_visit_terminals,
};
use super::{
    Assessment, OffHoursFact, PermitFact, TransitionError, VisitDraft, VisitFacts, assess,
};
use crate::calendar::BusinessCalendar;
use crate::people::{Action, Role};
use crate::requests::RequestBounds;
use crate::rules::Refusal;

labelled_enum! {
    /// Where a visit stands.
    pub enum VisitStatus {
        /// 予定
        Planned = ("planned", "予定"),
        /// 実施済
        Done = ("done", "実施済"),
        /// 中止
        Cancelled = ("cancelled", "中止"),
    }
}

labelled_enum! {
    /// What someone does to a visit.
    pub enum VisitVerb {
        /// Records that the visit took place (its work is recorded).
        Complete = ("complete", "実施の記録"),
        Cancel = ("cancel", "中止"),
    }
}

/// The visit state machine. Off-hours and permit rules are checked by the caller, which
/// knows the records; this says only who may move which status.
pub fn visit_transition(
    from: VisitStatus,
    verb: VisitVerb,
    role: Role,
) -> Result<VisitStatus, TransitionError> {
    let allowed = match verb {
        VisitVerb::Complete => matches!(role, Role::ContractorLead | Role::ContractorWorker),
        VisitVerb::Cancel => role == Role::ContractorLead,
    };
    if !allowed {
        return Err(TransitionError::role(match verb {
            VisitVerb::Complete => "実施の記録は業務責任者または作業従事者が行います。".to_string(),
            VisitVerb::Cancel => "訪問の中止は業務責任者が行います。".to_string(),
        }));
    }
    if from != VisitStatus::Planned {
        return Err(TransitionError::status(format!(
            "この訪問は「{}」のため、変更できません。",
            from.label_ja()
        )));
    }
    Ok(match verb {
        VisitVerb::Complete => VisitStatus::Done,
        VisitVerb::Cancel => VisitStatus::Cancelled,
    })
}

impl VisitVerb {
    /// What the access table must grant: the workers record; the lead cancels.
    pub const fn action(self) -> Action {
        match self {
            Self::Complete => Action::RecordVisits,
            Self::Cancel => Action::PlanVisits,
        }
    }
}

/// What a new visit is judged against, as the store found it (R5.2, R5.3).
#[derive(Debug, Clone, Default)]
pub struct NewVisitFacts {
    /// The site named, if registered.
    pub site: Option<SiteFact>,
    /// The rooms the City designates at that site (contract data, R5.5).
    pub designated_rooms: Vec<String>,
    /// The accounts among the workers named.
    pub workers: Vec<PersonFact>,
    /// The terminals named, and those in use at the site when all are asked for.
    pub terminals: Vec<TerminalFact>,
    /// Off-hours records and permits of the visit's date.
    pub off_hours: Vec<OffHoursFact>,
    pub permits: Vec<PermitFact>,
    /// The workers' other live visits that day.
    pub busy: Vec<BusyFact>,
    /// The bounds of the 作業依頼書 named, when it is one of the year's; `None` when none
    /// is named or it was not found.
    pub request: Option<RequestBounds>,
}

/// A new visit as the rules accept it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewVisit {
    pub site_name: String,
    /// Sorted by id.
    pub terminals: Vec<TerminalFact>,
    pub assessment: Assessment,
}

/// Judges a visit planned by hand or by the all-site planner: a registered site, the
/// contractor's people, terminals in use at the site, inside the working window or under
/// a live off-hours record naming its workers (R5.3), nobody in two places at once, and a
/// 作業依頼書 that exists, whose sites, period and terminals the visit keeps to (a visit to
/// all the site's terminals is one to the request's terminals there). The first refusal
/// found is the answer.
pub fn judge_new_visit(
    cal: &BusinessCalendar,
    d: &VisitDraft,
    f: &NewVisitFacts,
) -> Result<NewVisit, Refusal> {
    let site = judge_site(d.site_id, f.site.as_ref())?;
    let requested = match (d.request_id, &f.request) {
        (None, _) => None,
        (Some(rid), None) => return Err(Refusal::unknown("request_id", "作業依頼書", rid)),
        (Some(_), Some(b)) => Some(b.judge_visit(d.site_id, d.span.date, &d.terminal_ids)?),
    };
    judge_contractor_people("worker_ids", &d.worker_ids, &f.workers)?;
    let mut terminals =
        judge_visit_terminals(d.site_id, &d.terminal_ids, d.all_terminals, &f.terminals)?;
    if let Some(here) = requested {
        terminals.retain(|t| here.contains(&t.id));
    }
    let rooms = terminals
        .iter()
        .filter_map(|t| t.room.clone())
        .chain(d.room.clone())
        .collect();
    let facts = VisitFacts {
        site_id: d.site_id,
        span: d.span,
        needs_entry_permit: site.needs_entry_permit,
        designated_rooms: &f.designated_rooms,
        rooms,
        worker_ids: d.worker_ids.clone(),
    };
    let assessment = assess(cal, &facts, &f.off_hours, &f.permits);
    if !assessment.may_plan {
        let field = if cal.is_business_day(d.span.date) {
            "start"
        } else {
            "date"
        };
        return Err(Refusal::invalid(
            field,
            format!(
                "{}。時間外作業の申請（受注者の事由）または本市の指示（本市の事由）がないため、訪問を計画できません。",
                assessment.outside_window.clone().unwrap_or_default()
            ),
        ));
    }
    judge_overlap(&d.span, &d.worker_ids, &f.busy)?;
    Ok(NewVisit {
        site_name: site.name.clone(),
        terminals,
        assessment,
    })
}

/// Judges `verb` on a visit in `status` by `role`: the state machine, no work recorded
/// outside the window without the City's instruction or approval (R5.3), and none without
/// every building-entry permit the visit needs granted (R5.5).
pub fn judge_visit_move(
    status: VisitStatus,
    assessment: &Assessment,
    verb: VisitVerb,
    role: Role,
) -> Result<VisitStatus, Refusal> {
    let to = visit_transition(status, verb, role)?;
    if verb == VisitVerb::Complete && !assessment.may_work {
        return Err(Refusal::conflict(
            "status",
            format!(
                "{}。時間外作業の承認（または本市の指示）がないため、この訪問の作業は記録できません。",
                assessment.outside_window.clone().unwrap_or_default()
            ),
        ));
    }
    if verb == VisitVerb::Complete {
        judge_permits(assessment, "この訪問の作業は記録できません")?;
    }
    Ok(to)
}

/// Refuses what `blocked` says (…できません) while a permit the visit needs is not granted.
fn judge_permits(assessment: &Assessment, blocked: &str) -> Result<(), Refusal> {
    let missing: Vec<&str> = assessment
        .permits
        .iter()
        .filter(|p| p.granted_by.is_none())
        .map(|p| p.label.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Refusal::conflict(
        "permits",
        format!(
            "{}が許可されていないため、{blocked}(仕様書 5(4))。",
            missing.join("・")
        ),
    ))
}

/// The City agrees to a visit once, while it is planned and every building-entry permit
/// it needs is granted (R5.5).
pub fn judge_visit_agreement(
    status: VisitStatus,
    agreed: bool,
    assessment: &Assessment,
) -> Result<(), Refusal> {
    if agreed || status != VisitStatus::Planned {
        return Err(Refusal::conflict(
            "agreed_by",
            "この訪問は同意済みか、予定ではありません。",
        ));
    }
    judge_permits(assessment, "訪問に同意できません")
}
