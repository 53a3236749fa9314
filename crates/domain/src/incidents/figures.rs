//! The incidents' figures of a contract year (R10.1, issue 14 item 7): how many キ and ク
//! incidents against the contract's expected counts, and per month (Japan time, by the
//! report's instant) how many were reported and how long responding and recovering took.
//!
//! The times are the clocks' ([`super::clock`]) business minutes, read from the events at
//! `now`, never from stored counters: pauses are left out and a report outside working
//! hours counts from the next working minute. A measure counts only the incidents whose
//! clock of it has stopped; the others are told as still running (or paused).

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::Serialize;

use super::INCIDENT_CATEGORIES;
use super::clock::{ClockReading, SlaTarget, clock};
use super::timeline::EventFact;
use super::vocab::{ClockState, Measure, SlaLevel};
use crate::calendar::BusinessCalendar;
use crate::contract::{CategoryCode, Contract};
use crate::rules::count;
use crate::time::jst;

/// One incident of the year as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedIncident {
    pub category: CategoryCode,
    pub reported_at: DateTime<Utc>,
    /// Its events in timeline order.
    pub events: Vec<EventFact>,
}

/// The incidents of an expected-count row (キ, ク, or categories counted together) against
/// the contract's estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CountFigure {
    /// The codes joined with `・`, e.g. `キ`.
    pub label: String,
    /// The contract's estimate for the period; `None` when it gives none.
    pub expected: Option<u32>,
    /// Incidents of the contract year.
    pub reported: u32,
    /// Still open (not yet recovered).
    pub open: u32,
}

/// The incidents of one category reported in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CategoryReported {
    /// キ or ク
    #[schema(value_type = String)]
    pub category: CategoryCode,
    pub count: u32,
}

/// One measure (time to respond or to recover) over a set of incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MeasureFigure {
    pub measure: Measure,
    /// Incidents whose clock of this measure has stopped: the ones counted below.
    pub stopped: u32,
    /// Incidents whose clock still runs or stands paused: not counted below.
    pub running: u32,
    /// The median business minutes of the stopped clocks (the lower median, see
    /// [`lower_median`]); `None` when none has stopped.
    pub median_minutes: Option<i64>,
    /// The longest business minutes of the stopped clocks; `None` when none has stopped.
    pub worst_minutes: Option<i64>,
    /// Stopped clocks past the target in force when their incident was reported.
    pub breached: u32,
}

/// The figures of a set of incidents (a month or the whole year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Tally {
    /// Per incident category (キ, ク), in that order, zero counts included.
    pub reported: Vec<CategoryReported>,
    pub total: u32,
    pub respond: MeasureFigure,
    pub recover: MeasureFigure,
}

/// The figures of one month (Japan time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MonthFigure {
    /// The month's first day.
    pub month: NaiveDate,
    /// `2020年10月`
    pub label: String,
    #[serde(flatten)]
    pub tally: Tally,
}

/// The figures of the contract year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IncidentFigures {
    pub fiscal_year: i32,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The expected-count rows holding キ or ク, in the contract's order.
    pub counts: Vec<CountFigure>,
    /// Every month of the contract period, and any other month an incident of the year was
    /// reported in, oldest first; a month without incidents has zero counts and no times.
    pub months: Vec<MonthFigure>,
    /// The whole year.
    pub year: Tally,
}

/// The median of `values` as this module states it: for an even count the LOWER of the
/// two middle values (so the median is always one incident's actual time, in whole
/// minutes, and never a time no incident took); `None` for no values.
pub fn lower_median(values: &[i64]) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    (n > 0).then(|| sorted[(n - 1) / 2])
}

/// The month (its first day, Japan time) an instant falls in.
pub fn month_of(at: DateTime<Utc>) -> NaiveDate {
    let day = at.with_timezone(&jst()).date_naive();
    day.with_day(1).unwrap_or(day)
}

/// An incident with both its clocks read.
struct Read<'a> {
    incident: &'a ReportedIncident,
    respond: ClockReading,
    recover: ClockReading,
}

/// The figures of the contract year from its incidents, at `now`.
pub fn figures(
    contract: &Contract,
    cal: &BusinessCalendar,
    incidents: &[ReportedIncident],
    targets: &[SlaTarget],
    now: DateTime<Utc>,
) -> IncidentFigures {
    let read: Vec<Read<'_>> = incidents
        .iter()
        .map(|i| {
            let c = clock(cal, i.reported_at, &i.events, targets, now);
            Read {
                incident: i,
                respond: c.respond,
                recover: c.recover,
            }
        })
        .collect();
    let counts = contract
        .expected_count_rows()
        .into_iter()
        .filter(|r| r.codes.iter().any(|c| INCIDENT_CATEGORIES.contains(c)))
        .map(|r| {
            let mine = || {
                read.iter()
                    .filter(|x| r.codes.contains(&x.incident.category))
            };
            CountFigure {
                label: r.label,
                expected: r.count,
                reported: count(mine()),
                open: count(mine().filter(|x| x.recover.state != ClockState::Stopped)),
            }
        })
        .collect();
    let months = months_with(contract, incidents)
        .into_iter()
        .map(|month| MonthFigure {
            month,
            label: format!("{}年{}月", month.year(), month.month()),
            tally: tally(
                read.iter()
                    .filter(|x| month_of(x.incident.reported_at) == month),
            ),
        })
        .collect();
    IncidentFigures {
        fiscal_year: contract.fiscal_year,
        period_start: contract.period.start,
        period_end: contract.period.end,
        counts,
        months,
        year: tally(read.iter()),
    }
}

fn tally<'a, 'b: 'a>(items: impl Iterator<Item = &'a Read<'b>> + Clone) -> Tally {
    let reported = INCIDENT_CATEGORIES
        .iter()
        .map(|&category| CategoryReported {
            category,
            count: count(items.clone().filter(|x| x.incident.category == category)),
        })
        .collect();
    Tally {
        reported,
        total: count(items.clone()),
        respond: measure(Measure::Respond, items.clone().map(|x| &x.respond)),
        recover: measure(Measure::Recover, items.map(|x| &x.recover)),
    }
}

fn measure<'a>(
    measure: Measure,
    readings: impl Iterator<Item = &'a ClockReading>,
) -> MeasureFigure {
    let (stopped, running): (Vec<&ClockReading>, Vec<&ClockReading>) =
        readings.partition(|r| r.state == ClockState::Stopped);
    let minutes: Vec<i64> = stopped.iter().map(|r| r.elapsed_minutes).collect();
    MeasureFigure {
        measure,
        stopped: count(stopped.iter()),
        running: count(running.iter()),
        median_minutes: lower_median(&minutes),
        worst_minutes: minutes.iter().copied().max(),
        breached: count(stopped.iter().filter(|r| r.level == SlaLevel::Breached)),
    }
}

/// The months of the contract period plus those of any report outside it, oldest first.
fn months_with(contract: &Contract, incidents: &[ReportedIncident]) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let mut m = contract.period.start.with_day(1);
    while let Some(first) = m.filter(|f| *f <= contract.period.end) {
        months.push(first);
        m = first.checked_add_months(Months::new(1));
    }
    months.extend(incidents.iter().map(|i| month_of(i.reported_at)));
    months.sort_unstable();
    months.dedup();
    months
}
