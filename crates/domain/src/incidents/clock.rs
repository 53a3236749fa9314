//! The service-level clocks (R4.1, R4.2, issue 14 item 5): the time to respond (report to
//! the first acknowledgement or arrival on site) and the time to recover (report to the
//! resolution), in business minutes of the contract's calendar, computed from the events
//! alone.
//!
//! - A report outside working hours starts counting at the next working minute (the
//!   calendar counts only business minutes).
//! - While the incident is paused (waiting for the lessor or for J-LIS) neither clock runs.
//! - The targets are the City's settings per contract, each in force from an instant on.
//!   An incident is measured against the targets in force when it was reported: a target
//!   changed while it is open applies to the incidents reported from then on, so nobody's
//!   running clock changes its goal midway.
//! - A clock is near its breach once the settings' share (80% by default) of its target has
//!   elapsed, and breached once more than the target has.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::timeline::EventFact;
use super::vocab::{ClockState, EventKind, IncidentStatus, Measure, SlaLevel};
use crate::calendar::BusinessCalendar;

/// The share of a target after which a clock counts as near its breach, unless the City
/// sets another.
pub const DEFAULT_NEAR_SHARE_PERCENT: u32 = 80;

/// The City's targets in force from `effective_from` on (until a later one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SlaTarget {
    pub effective_from: DateTime<Utc>,
    /// Response target in business minutes; `None`: none set.
    pub respond_minutes: Option<u32>,
    /// Recovery target in business minutes; `None`: none set.
    pub recover_minutes: Option<u32>,
    /// Near-breach share of a target, in percent.
    pub near_share_percent: u32,
}

/// The targets of a contract: every setting the City made, in any order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlaSettings {
    pub targets: Vec<SlaTarget>,
}

/// The setting in force at `at`: the one with the latest start at or before it.
pub fn target_at(targets: &[SlaTarget], at: DateTime<Utc>) -> Option<&SlaTarget> {
    targets
        .iter()
        .filter(|t| t.effective_from <= at)
        .max_by_key(|t| t.effective_from)
}

/// One clock as it reads at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClockReading {
    pub measure: Measure,
    pub state: ClockState,
    /// Business minutes counted (pauses left out).
    pub elapsed_minutes: i64,
    /// Business minutes left out because the incident was paused.
    pub paused_minutes: i64,
    pub target_minutes: Option<u32>,
    /// The elapsed share of the target, in percent (none without a target).
    pub share_percent: Option<i64>,
    pub level: SlaLevel,
    /// When the clock stopped (the acknowledgement or the resolution).
    pub stopped_at: Option<DateTime<Utc>>,
    /// For a running clock with a target not yet reached: when it will be, if nothing pauses
    /// it.
    pub due_at: Option<DateTime<Utc>>,
}

/// Both clocks of an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Clock {
    pub respond: ClockReading,
    pub recover: ClockReading,
}

impl Clock {
    /// The worse level of the two clocks (breached before near before within).
    pub fn worst_level(&self) -> SlaLevel {
        let rank = |l: SlaLevel| match l {
            SlaLevel::Breached => 3,
            SlaLevel::Near => 2,
            SlaLevel::Within => 1,
            SlaLevel::NoTarget => 0,
        };
        if rank(self.respond.level) >= rank(self.recover.level) {
            self.respond.level
        } else {
            self.recover.level
        }
    }
}

/// Both clocks of an incident reported at `reported_at` with `events` (in order), at `now`.
pub fn clock(
    cal: &BusinessCalendar,
    reported_at: DateTime<Utc>,
    events: &[EventFact],
    targets: &[SlaTarget],
    now: DateTime<Utc>,
) -> Clock {
    let target = target_at(targets, reported_at);
    let read = |measure| reading(cal, reported_at, events, target, measure, now);
    Clock {
        respond: read(Measure::Respond),
        recover: read(Measure::Recover),
    }
}

/// The instant a clock of `measure` stopped, if it did.
fn stop_of(events: &[EventFact], measure: Measure) -> Option<DateTime<Utc>> {
    events
        .iter()
        .find(|e| match measure {
            Measure::Respond => matches!(e.kind, EventKind::Acknowledged | EventKind::Arrived),
            Measure::Recover => e.kind == EventKind::Resolved,
        })
        .map(|e| e.at)
}

/// The paused spans `[from, to)` of the timeline (a pause not yet resumed runs to `end`).
fn pauses(events: &[EventFact], end: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut spans = Vec::new();
    let mut open: Option<DateTime<Utc>> = None;
    for e in events {
        match e.kind {
            EventKind::Paused if open.is_none() => open = Some(e.at),
            EventKind::Resumed => {
                if let Some(from) = open.take() {
                    spans.push((from, e.at));
                }
            }
            _ => {}
        }
    }
    if let Some(from) = open {
        spans.push((from, end.max(from)));
    }
    spans
}

fn reading(
    cal: &BusinessCalendar,
    start: DateTime<Utc>,
    events: &[EventFact],
    target: Option<&super::SlaTarget>,
    measure: Measure,
    now: DateTime<Utc>,
) -> ClockReading {
    let stopped_at = stop_of(events, measure);
    let end = stopped_at.unwrap_or(now).max(start);
    let spans = pauses(events, end);
    let mut counted = 0;
    let mut paused = 0;
    let mut from = start;
    for &(p_from, p_to) in &spans {
        let (p_from, p_to) = (p_from.clamp(start, end), p_to.clamp(start, end));
        counted += cal.business_minutes_between(from, p_from.max(from));
        paused += cal.business_minutes_between(p_from.max(from), p_to);
        from = from.max(p_to);
    }
    counted += cal.business_minutes_between(from, end);
    let paused_now = stopped_at.is_none() && super::status_of(events) == IncidentStatus::Paused;
    let state = if stopped_at.is_some() {
        ClockState::Stopped
    } else if paused_now {
        ClockState::Paused
    } else {
        ClockState::Running
    };
    let target_minutes = target.and_then(|t| match measure {
        Measure::Respond => t.respond_minutes,
        Measure::Recover => t.recover_minutes,
    });
    let share = target.map_or(super::DEFAULT_NEAR_SHARE_PERCENT, |t| t.near_share_percent);
    let (level, share_percent) = match target_minutes {
        None => (SlaLevel::NoTarget, None),
        Some(t) => {
            let t = i64::from(t.max(1));
            let level = if counted > t {
                SlaLevel::Breached
            } else if counted * 100 >= t * i64::from(share) {
                SlaLevel::Near
            } else {
                SlaLevel::Within
            };
            (level, Some(counted * 100 / t))
        }
    };
    let due_at = match (state, target_minutes) {
        (ClockState::Running, Some(t)) if counted < i64::from(t) => {
            let left = u64::try_from(i64::from(t) - counted).unwrap_or(0);
            Some(cal.add_business_minutes(now, left))
        }
        _ => None,
    };
    ClockReading {
        measure,
        state,
        elapsed_minutes: counted,
        paused_minutes: paused,
        target_minutes,
        share_percent,
        level,
        stopped_at,
        due_at,
    }
}
