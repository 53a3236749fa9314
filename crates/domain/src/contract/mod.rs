//! The contract (R1): its name, period, work categories ア..ク with expected counts,
//! working hours and closed days (R5.2), sites (R5.1, R5.5) and related parties (R9.3).
//!
//! A contract is data, not code: it is read from a TOML file that the City and the
//! contractor edit each fiscal year (R1.2). The FY2020 contract of the specification is
//! built in (`sapporo-fy2020.toml`, see [`Contract::builtin_default`]); it documents the
//! file format by example.
//!
//! [`Contract::parse`] reports every problem of a file at once, each with its line and a
//! dotted field path ([`ContractError`]).

mod calendar;
mod codes;
mod deliverables;
mod error;
mod parse;
mod parties;
mod reader;
#[cfg(test)]
mod tests;
mod values;

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

pub use calendar::{ClosedDayRules, ExtraClosedDay, MonthDay, MonthDayRange};
pub use codes::{CategoryCode, PartyKind, UnknownCategory, WorkOrigin};
pub use error::ContractError;

/// The text of the built-in FY2020 contract file (e.g. for a CLI to write out as a
/// starting point for the next year, R1.2).
pub const BUILTIN_DEFAULT_TOML: &str = include_str!("sapporo-fy2020.toml");

/// The Japanese names of a contract row's recorded fields.
pub const CONTRACT_FIELDS: &[(&str, &str)] = &[
    ("name", "業務名"),
    ("fiscal_year", "年度"),
    ("period", "業務履行期間"),
    ("adopted", "この契約に属させた既存の記録の件数"),
];

/// One fiscal year's contract (R1.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contract {
    /// 業務名 (§1).
    pub name: String,
    /// The Japanese fiscal year (April..March) the period lies in, as a Western year.
    pub fiscal_year: i32,
    /// 業務履行期間 (§2, R1.1).
    pub period: Period,
    /// The work categories ア..ク, in that order (R2-R4).
    pub categories: Vec<WorkCategory>,
    /// Working time on business days (R5.2).
    pub working_hours: WorkingHours,
    /// Closed days (R5.2).
    pub closed_days: ClosedDayRules,
    /// A job on ALL sites must be possible within this many business days (R4.4).
    pub all_site_deadline_business_days: u32,
    /// Ward offices and the Kikusui branch building (R5.1), in the file's order.
    pub sites: Vec<SiteSpec>,
    /// Related parties (R9.3).
    pub parties: Vec<Party>,
    /// The City's 決裁 routes per kind of document (none: one step, any City staff).
    pub approval_routes: crate::approvals::ApprovalRoutes,
    /// How long fault logs are kept and how large one may be (§5(6)ア, `[fault_logs]`).
    pub fault_logs: crate::incidents::FaultLogRules,
    /// What the contractor submits and when (§6(1), `[[deliverables]]`).
    pub deliverables: Vec<crate::deliverables::DeliverableSpec>,
}

/// An inclusive date range (R1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// Working time on business days, 08:45-17:15 (R5.2); both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WorkingHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl WorkingHours {
    /// Whether `time` is within working time (outside it is off-hours work, R5.3).
    pub fn contains(&self, time: NaiveTime) -> bool {
        self.start <= time && time <= self.end
    }
}

/// A work category of the contract (R2-R4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkCategory {
    pub code: CategoryCode,
    /// Short Japanese name for lists.
    pub name: String,
    /// The specification's wording.
    pub description: String,
    pub origin: WorkOrigin,
    /// The expected number of jobs in the period, if the contract gives one.
    pub expected: Option<ExpectedCount>,
}

/// An estimated number of jobs in the period (R1.1: estimates that may change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedCount {
    /// The estimate; when `shared_with` is not empty it counts this category and those
    /// together (ウ and エ: 1 together, R2.3, R3.1).
    pub count: u32,
    pub shared_with: Vec<CategoryCode>,
}

/// One row of the expected-count table: a category, or categories counted together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedCountRow {
    /// In ア..ク order.
    pub codes: Vec<CategoryCode>,
    /// The codes joined with `・`, e.g. `ウ・エ`.
    pub label: String,
    /// `None` when the contract gives no estimate.
    pub count: Option<u32>,
}

/// A building where work happens (R5.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteSpec {
    /// ASCII: the local-government code of the ward (`011011`), or a word (`kikusui`).
    pub code: String,
    pub name: String,
    pub postal_code: Option<String>,
    /// `None` until the City fills it in.
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Entering the building at all needs permission (菊水分庁舎, R5.5).
    pub needs_entry_permit: bool,
    /// Rooms the City designates, entered only with permission (R5.5).
    pub designated_rooms: Vec<String>,
}

/// A related party (R9.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub kind: PartyKind,
    pub name: String,
    /// What they do (§7).
    pub role: String,
    pub contacts: Vec<Contact>,
}

/// A person to contact at a party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Party {
    /// The party and its contacts in one line, as recorded when the City calls on it
    /// (`富士通リース株式会社（担当 山田 011-000-0000）`; no contact yet: said so).
    pub fn contact_line(&self) -> String {
        let contacts: Vec<String> = self
            .contacts
            .iter()
            .map(|c| {
                [
                    Some(c.name.as_str()),
                    c.phone.as_deref(),
                    c.email.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
            })
            .collect();
        if contacts.is_empty() {
            format!("{}（連絡先は契約ファイルに未登録）", self.name)
        } else {
            format!("{}（{}）", self.name, contacts.join("、"))
        }
    }
}

impl Contract {
    /// The FY2020 contract of the specification (R1.1), from the embedded file.
    pub fn builtin_default() -> Contract {
        // A unit test proves the embedded file parses.
        Self::parse(BUILTIN_DEFAULT_TOML).expect("the built-in contract file is valid")
    }

    /// Reads a contract file; on failure returns every problem found, in file order.
    pub fn parse(text: &str) -> Result<Contract, Vec<ContractError>> {
        parse::parse(text)
    }

    /// The expected-count table for the dashboard (R1.1): one row per count group, in
    /// ア..ク order of each group's first category; ウ・エ share one row (R2.3, R3.1).
    pub fn expected_count_rows(&self) -> Vec<ExpectedCountRow> {
        let mut rows: Vec<ExpectedCountRow> = Vec::new();
        let mut categories: Vec<&WorkCategory> = self.categories.iter().collect();
        categories.sort_by_key(|c| c.code);
        for category in categories {
            if rows.iter().any(|r| r.codes.contains(&category.code)) {
                continue;
            }
            let mut codes = vec![category.code];
            if let Some(e) = &category.expected {
                codes.extend(e.shared_with.iter().copied());
            }
            codes.sort();
            codes.dedup();
            let label: Vec<&str> = codes.iter().map(|c| c.kana()).collect();
            rows.push(ExpectedCountRow {
                label: label.join("・"),
                codes,
                count: category.expected.as_ref().map(|e| e.count),
            });
        }
        rows
    }

    pub fn category(&self, code: CategoryCode) -> Option<&WorkCategory> {
        self.categories.iter().find(|c| c.code == code)
    }

    pub fn site(&self, code: &str) -> Option<&SiteSpec> {
        self.sites.iter().find(|s| s.code == code)
    }

    pub fn parties_of(&self, kind: PartyKind) -> impl Iterator<Item = &Party> {
        self.parties.iter().filter(move |p| p.kind == kind)
    }
}
