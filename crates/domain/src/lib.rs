//! jukiops domain core: the contract's rules as types, with no I/O.
//!
//! Folder names read as the contract: `contract` (R1), `inventory` (R4.2, R9.3),
//! `people` (roles, actors and the access table), `audit` (R8.5), `planner` (the
//! all-site visit plan within 3 business days, R4.4), `jobs` (notices and jobs, R2-R4),
//! `requests` (作業依頼書 to result report, R8), `schedule` (visits, off-hours work and
//! permits, R5), `attachments`, `work_log` (work not on the equipment, §6(4)). Everything here is pure and
//! unit-tested; storage and HTTP live in other crates.

#[macro_use]
pub mod vocab;
#[macro_use]
pub mod validation;

pub mod approvals;
pub mod attachments;
pub mod audit;
pub mod availability;
pub mod calendar;
pub mod contract;
pub mod deliverables;
pub mod era;
pub mod glossary;
pub mod inbox;
pub mod incidents;
pub mod inventory;
pub mod jobs;
pub mod listing;
pub mod mail;
pub mod people;
pub mod planner;
pub mod requests;
pub mod responsible_persons;
pub mod roster;
pub mod rules;
pub mod schedule;
pub mod site_staff;
pub mod time;
pub mod work_log;

pub use validation::{Checked, FieldError, FieldErrors};
