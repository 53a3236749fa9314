//! What a visit needs before its work may be recorded: cover for work outside the window
//! (R5.3) and the building-entry permits (R5.5), judged against the records that exist.

use chrono::NaiveDate;
use serde::Serialize;

use super::{
    OffHoursStatus, PermitKind, PermitNeed, PermitStatus, Span, outside_window, permits_needed,
};
use crate::calendar::BusinessCalendar;

/// An off-hours record, as far as judging a visit goes.
#[derive(Debug, Clone, PartialEq)]
pub struct OffHoursFact {
    pub id: i64,
    pub site_id: i64,
    pub span: Span,
    pub status: OffHoursStatus,
    /// The workers the record names; a visit is covered only for them.
    pub worker_ids: Vec<i64>,
}

/// A permit, as far as judging a visit goes.
#[derive(Debug, Clone, PartialEq)]
pub struct PermitFact {
    pub id: i64,
    pub site_id: i64,
    pub kind: PermitKind,
    pub room: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub status: PermitStatus,
}

/// The visit being judged.
#[derive(Debug, Clone)]
pub struct VisitFacts<'a> {
    pub site_id: i64,
    pub span: Span,
    pub needs_entry_permit: bool,
    pub designated_rooms: &'a [String],
    /// Rooms entered: the terminals' rooms and the one entered by hand.
    pub rooms: Vec<String>,
    /// The workers on the visit.
    pub worker_ids: Vec<i64>,
}

/// One permit a visit needs and whether it is granted.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PermitCheck {
    pub kind: PermitKind,
    pub room: Option<String>,
    pub label: String,
    /// The granted permit that covers the visit, if any.
    pub granted_by: Option<i64>,
    /// A permit applied for but not decided yet.
    pub pending: Option<i64>,
}

/// The verdict on one visit.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    /// Why the visit is outside the working window, when it is.
    pub outside_window: Option<String>,
    /// The off-hours record covering it (the best one: instructed or approved first).
    pub off_hours_id: Option<i64>,
    pub off_hours_status: Option<OffHoursStatus>,
    /// The visit may be planned: inside the window, or covered by a live off-hours record.
    pub may_plan: bool,
    /// Work may be recorded: inside the window, or covered by an instruction or approval.
    pub may_work: bool,
    pub permits: Vec<PermitCheck>,
    /// What is missing, in Japanese, for the page and the dashboard.
    pub warnings: Vec<String>,
}

impl Assessment {
    pub fn permits_missing(&self) -> bool {
        self.permits.iter().any(|p| p.granted_by.is_none())
    }
}

fn rank(s: OffHoursStatus) -> u8 {
    match s {
        OffHoursStatus::Instructed | OffHoursStatus::Approved => 0,
        OffHoursStatus::Requested => 1,
        _ => 2,
    }
}

fn permit_covers(p: &PermitFact, site_id: i64, need: &PermitNeed, date: NaiveDate) -> bool {
    p.site_id == site_id
        && p.kind == need.kind
        && p.room.as_deref().map(str::trim) == need.room.as_deref()
        && p.valid_from <= date
        && date <= p.valid_to
}

/// Judges `visit` against the off-hours records and permits that exist.
pub fn assess(
    cal: &BusinessCalendar,
    visit: &VisitFacts<'_>,
    off_hours: &[OffHoursFact],
    permits: &[PermitFact],
) -> Assessment {
    let outside = outside_window(cal, &visit.span);
    let cover = outside.as_ref().and_then(|_| {
        off_hours
            .iter()
            .filter(|o| o.site_id == visit.site_id && o.span.covers(&visit.span))
            .filter(|o| visit.worker_ids.iter().all(|w| o.worker_ids.contains(w)))
            .filter(|o| o.status.allows_planning())
            .min_by_key(|o| (rank(o.status), o.id))
    });
    let may_plan = outside.is_none() || cover.is_some();
    let may_work = outside.is_none() || cover.is_some_and(|o| o.status.allows_work());
    let mut warnings = Vec::new();
    if let Some(why) = &outside {
        warnings.push(match cover {
            None => format!("{why}。時間外作業の申請・指示がありません"),
            Some(o) if !o.status.allows_work() => format!("{why}。時間外作業は未承認です"),
            Some(_) => format!("{why}（時間外作業は承認・指示済み）"),
        });
    }
    let day_closed = cal.closed_reason(visit.span.date).is_some();
    let needs = permits_needed(
        visit.needs_entry_permit,
        visit.designated_rooms,
        &visit.rooms,
        &visit.span,
        cal.working_hours(),
        day_closed,
    );
    let permits: Vec<PermitCheck> = needs
        .iter()
        .map(|need| {
            let matching = permits
                .iter()
                .filter(|p| permit_covers(p, visit.site_id, need, visit.span.date));
            let granted = matching
                .clone()
                .find(|p| p.status == PermitStatus::Granted)
                .map(|p| p.id);
            let pending = matching
                .filter(|p| p.status == PermitStatus::Requested)
                .map(|p| p.id)
                .next();
            PermitCheck {
                kind: need.kind,
                room: need.room.clone(),
                label: need.label_ja(),
                granted_by: granted,
                pending,
            }
        })
        .collect();
    for p in permits.iter().filter(|p| p.granted_by.is_none()) {
        warnings.push(if p.pending.is_some() {
            format!("{}は申請中です", p.label)
        } else {
            format!("{}がありません", p.label)
        });
    }
    Assessment {
        outside_window: outside,
        off_hours_id: cover.map(|o| o.id),
        off_hours_status: cover.map(|o| o.status),
        may_plan,
        may_work,
        permits,
        warnings,
    }
}
