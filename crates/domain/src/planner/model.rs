//! The planner's input and output as the web layer exposes them in JSON (R4.4, R5.2).

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::explain::Finding;

/// Road distance over straight-line distance in Sapporo's grid of streets.
pub const DEFAULT_ROAD_FACTOR: f64 = 1.3;
/// Average speed by car between City buildings, April to November.
pub const DEFAULT_SPEED_KMH: f64 = 25.0;
/// Average speed by car on snowy roads, December to March.
pub const DEFAULT_WINTER_SPEED_KMH: f64 = 20.0;

/// What the planner is asked (R4.4): finish one job on all sites within
/// `deadline_business_days` business days counted from `start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    /// The first day work may happen; if it is closed, business day 1 is the next
    /// business day.
    pub start: NaiveDate,
    /// The deadline in business days, `start` being day 1 when it is a business day
    /// (`Contract::all_site_deadline_business_days`, 3 in FY2020).
    pub deadline_business_days: u32,
    pub sites: Vec<PlanSite>,
    pub workers: Vec<PlanWorker>,
    /// Minutes of work at one terminal; a terminal is never split between visits.
    pub work_minutes_per_terminal: u32,
    pub travel: TravelModel,
    /// Where every worker starts and ends each day. `None`: a worker's day starts at
    /// their first site at the opening time and ends at their last site.
    #[serde(default)]
    pub depot: Option<PlanDepot>,
}

/// One site to visit with the terminals to work on there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanSite {
    /// The caller's identifier, passed through unchanged.
    pub id: i64,
    /// The site code; the travel matrix refers to sites by it.
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    /// The caller's terminal identifiers; the work is per terminal. A site without
    /// terminals needs no visit.
    pub terminal_ids: Vec<i64>,
}

/// One worker (作業従事者).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanWorker {
    /// The caller's identifier, passed through unchanged.
    pub id: i64,
    pub name: String,
    /// The dates the worker can work; `None`: every business day. Closed days in the
    /// list are ignored: nobody works on a closed day (R5.2).
    #[serde(default)]
    pub available: Option<Vec<NaiveDate>>,
}

/// The contractor's base where the workers' days start and end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanDepot {
    /// The code the travel matrix uses for the base.
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
}

/// How travel minutes between two places are known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TravelModel {
    /// From coordinates: road distance = `road_factor` x great-circle distance, driven
    /// at `speed_kmh`, or at `winter_speed_kmh` on dates in December to March.
    /// Minutes are rounded up.
    Coordinates {
        #[serde(default = "default_road_factor")]
        road_factor: f64,
        #[serde(default = "default_speed")]
        speed_kmh: f64,
        #[serde(default = "default_winter_speed")]
        winter_speed_kmh: f64,
    },
    /// An explicit table of minutes between site codes (entered, or imported from CSV
    /// `from,to,minutes`); a pair given in one direction only holds both ways.
    Matrix { entries: Vec<TravelEntry> },
}

impl TravelModel {
    /// The coordinate model with Sapporo's defaults: x1.3, 25 km/h, 20 km/h in winter.
    pub fn sapporo_default() -> Self {
        Self::Coordinates {
            road_factor: DEFAULT_ROAD_FACTOR,
            speed_kmh: DEFAULT_SPEED_KMH,
            winter_speed_kmh: DEFAULT_WINTER_SPEED_KMH,
        }
    }
}

impl Default for TravelModel {
    fn default() -> Self {
        Self::sapporo_default()
    }
}

fn default_road_factor() -> f64 {
    DEFAULT_ROAD_FACTOR
}
fn default_speed() -> f64 {
    DEFAULT_SPEED_KMH
}
fn default_winter_speed() -> f64 {
    DEFAULT_WINTER_SPEED_KMH
}

/// Minutes from one site code to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TravelEntry {
    pub from: String,
    pub to: String,
    pub minutes: u32,
}

/// The planner's answer (R4.4): who goes where when, what it costs, how far that is
/// from the best possible, and why the deadline cannot be met if it cannot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Plan {
    /// Sorted by date, worker (in input order) and order within the day.
    pub visits: Vec<PlannedVisit>,
    /// One entry per worker and date with at least one visit, in the same order.
    pub days: Vec<PlannedDay>,
    pub totals: PlanTotals,
    pub lower_bound: LowerBound,
    /// `(cost - lower bound) / lower bound` in percent (0 when both are 0).
    pub gap_percent: f64,
    /// Business day 1: `start`, or the next business day if `start` is closed.
    pub first_day: NaiveDate,
    /// The last business day within the deadline.
    pub deadline: NaiveDate,
    pub within_deadline: bool,
    pub findings: Vec<Finding>,
}

/// One visit of one worker to one site on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlannedVisit {
    pub worker_id: i64,
    pub date: NaiveDate,
    pub site_id: i64,
    pub site_code: String,
    /// 1 for the worker's first site of the day.
    pub order: u32,
    /// From the previous site, or from the depot for the first visit (0 without depot).
    pub travel_minutes_before: u32,
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// The terminals worked on in this visit; a site's terminals may be split over
    /// several visits.
    pub terminal_ids: Vec<i64>,
}

/// One worker's day: from leaving (the depot or the first site) to coming back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlannedDay {
    pub worker_id: i64,
    pub date: NaiveDate,
    pub start: NaiveTime,
    /// After the return to the depot, if there is one.
    pub end: NaiveTime,
    /// All travel of the day, including the way back to the depot.
    pub travel_minutes: u32,
    pub work_minutes: u32,
    pub return_travel_minutes: u32,
}

/// Sums over the whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanTotals {
    pub travel_minutes: u64,
    pub work_minutes: u64,
    /// Travel plus work, the quantity the planner minimises.
    pub cost_minutes: u64,
    /// Business days from day 1 through `last_date` (what the deadline is about).
    pub business_days_used: u32,
    /// Worker-days with at least one visit.
    pub worker_days: u32,
    /// The last date with a visit; `None` when there is nothing to do.
    pub last_date: Option<NaiveDate>,
}

/// What no plan can beat (R4.4). The travel part holds for plans that end no later
/// than this plan's last day, or the deadline if this plan meets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LowerBound {
    pub work_minutes: u64,
    pub travel_minutes: u64,
    pub cost_minutes: u64,
    /// The fewest business days in which the workers' hours can hold all the work,
    /// ignoring travel; `None` when their availability never suffices.
    pub business_days: Option<u32>,
    /// The date of that business day.
    pub earliest_last_date: Option<NaiveDate>,
}
