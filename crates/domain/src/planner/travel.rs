//! Travel minutes between places (sites and the depot), per travel profile: the
//! coordinate model has a summer and a winter profile (slower roads December to
//! March), the matrix model one.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::explain::{Finding, FindingKind, SitePair};
use super::model::{TravelEntry, TravelModel};

/// Mean Earth radius (IUGG) in km.
const EARTH_RADIUS_KM: f64 = 6371.0088;
/// How many missing matrix pairs a finding lists by name.
const LISTED_MISSING_PAIRS: usize = 10;

/// A place travel is computed between.
#[derive(Debug, Clone, Copy)]
pub(super) struct Place<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// Travel minutes between every two of `n` places, one square table per profile.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelTable {
    n: usize,
    profiles: Vec<Vec<u32>>,
    seasonal: bool,
}

impl TravelTable {
    /// Minutes from place `from` to place `to` under `profile`.
    pub fn minutes(&self, profile: usize, from: usize, to: usize) -> u32 {
        self.profiles[profile][from * self.n + to]
    }

    /// The profile that applies to travel on `date`.
    pub fn profile_of(&self, date: NaiveDate) -> usize {
        usize::from(self.seasonal && is_winter(date))
    }

    /// How many profiles there are (1 or 2).
    pub fn profile_count(&self) -> usize {
        self.profiles.len()
    }

    /// How many places the table covers.
    pub fn places(&self) -> usize {
        self.n
    }
}

/// December to March, when snow slows the roads down.
pub fn is_winter(date: NaiveDate) -> bool {
    matches!(date.month(), 12 | 1..=3)
}

/// Great-circle distance in km (haversine).
pub fn great_circle_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// Whole minutes (rounded up) to drive `km` at `speed_kmh`.
fn drive_minutes(km: f64, speed_kmh: f64) -> u32 {
    // The small allowance keeps exact multiples from rounding up by float noise.
    let minutes = (km / speed_kmh * 60.0 - 1e-9).ceil().max(0.0);
    if minutes >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        minutes as u32
    }
}

/// Builds the table for `places` under `model`, or explains every place or pair
/// whose travel time cannot be known.
pub(super) fn build(
    model: &TravelModel,
    places: &[Place<'_>],
) -> Result<TravelTable, Vec<Finding>> {
    match model {
        TravelModel::Coordinates {
            road_factor,
            speed_kmh,
            winter_speed_kmh,
        } => from_coordinates(places, *road_factor, *speed_kmh, *winter_speed_kmh),
        TravelModel::Matrix { entries } => from_matrix(places, entries),
    }
}

/// Checks the coordinate model's numbers.
fn check_speeds(road_factor: f64, speed: f64, winter: f64) -> Vec<Finding> {
    let mut out = Vec::new();
    if !(road_factor.is_finite() && road_factor > 0.0) {
        out.push(invalid_model("道路距離の係数は正の数で指定してください。"));
    }
    if !(speed.is_finite() && speed > 0.0 && winter.is_finite() && winter > 0.0) {
        out.push(invalid_model(
            "移動速度（km/h）は正の数で指定してください。",
        ));
    }
    out
}

fn invalid_model(detail: &str) -> Finding {
    Finding::new(FindingKind::InvalidTravelModel {
        detail: detail.to_owned(),
    })
}

/// The coordinates of `place` in degrees, or the finding that they are
/// missing or out of range.
fn coordinates(place: &Place<'_>) -> Result<(f64, f64), Finding> {
    let (Some(lat), Some(lon)) = (place.lat, place.lon) else {
        return Err(Finding::new(FindingKind::MissingCoordinates {
            code: place.code.to_owned(),
            name: place.name.to_owned(),
        }));
    };
    if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
        return Err(Finding::new(FindingKind::InvalidCoordinates {
            code: place.code.to_owned(),
            name: place.name.to_owned(),
        }));
    }
    Ok((lat, lon))
}

/// The coordinate model: a summer and a winter profile from great-circle distances.
fn from_coordinates(
    places: &[Place<'_>],
    road_factor: f64,
    speed: f64,
    winter: f64,
) -> Result<TravelTable, Vec<Finding>> {
    let mut errors = check_speeds(road_factor, speed, winter);
    let mut coords = Vec::with_capacity(places.len());
    for place in places {
        match coordinates(place) {
            Ok(c) => coords.push(c),
            Err(f) => errors.push(f),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let n = places.len();
    let mut summer = vec![0; n * n];
    let mut snowy = vec![0; n * n];
    for i in 0..n {
        for j in (i + 1)..n {
            let (a, b) = (coords[i], coords[j]);
            let road = great_circle_km(a.0, a.1, b.0, b.1) * road_factor;
            let (s, w) = (drive_minutes(road, speed), drive_minutes(road, winter));
            summer[i * n + j] = s;
            summer[j * n + i] = s;
            snowy[i * n + j] = w;
            snowy[j * n + i] = w;
        }
    }
    Ok(TravelTable {
        n,
        profiles: vec![summer, snowy],
        seasonal: true,
    })
}

/// The matrix model: entries by code, one direction standing for both when the
/// other is not given.
fn from_matrix(places: &[Place<'_>], entries: &[TravelEntry]) -> Result<TravelTable, Vec<Finding>> {
    let mut given: HashMap<(&str, &str), u32> = HashMap::new();
    let mut errors = Vec::new();
    for e in entries {
        let key = (e.from.trim(), e.to.trim());
        if let Some(&before) = given.get(&key)
            && before != e.minutes
        {
            errors.push(invalid_model(&format!(
                "{}→{}の移動時間が2通り（{before}分と{}分）あります。",
                key.0, key.1, e.minutes
            )));
        }
        given.insert(key, e.minutes);
    }
    let n = places.len();
    let mut table = vec![0; n * n];
    let mut missing = Vec::new();
    let mut total_missing = 0u32;
    for i in 0..n {
        for j in (i + 1)..n {
            let (a, b) = (places[i].code, places[j].code);
            let there = given.get(&(a, b)).copied();
            let back = given.get(&(b, a)).copied();
            match (there.or(back), back.or(there)) {
                (Some(x), Some(y)) => {
                    table[i * n + j] = x;
                    table[j * n + i] = y;
                }
                _ => {
                    total_missing += 1;
                    if missing.len() < LISTED_MISSING_PAIRS {
                        missing.push(pair(&places[i], &places[j]));
                    }
                }
            }
        }
    }
    if total_missing > 0 {
        errors.push(Finding::new(FindingKind::MissingTravelTimes {
            pairs: missing,
            total: total_missing,
        }));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(TravelTable {
        n,
        profiles: vec![table],
        seasonal: false,
    })
}

fn pair(a: &Place<'_>, b: &Place<'_>) -> SitePair {
    SitePair {
        from_code: a.code.to_owned(),
        from_name: a.name.to_owned(),
        to_code: b.code.to_owned(),
        to_name: b.name.to_owned(),
    }
}
