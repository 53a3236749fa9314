//! jukiops domain core: the contract's rules as types, with no I/O.
//!
//! Folder names read as the contract: `contract` (R1), `inventory` (R4.2, R9.3),
//! `people` (roles and the access table), `audit` (R8.5), `planner` (the all-site visit
//! plan within 3 business days, R4.4), `jobs` (from J-LIS notice to result report, R2,
//! R3, R8). Everything here is pure and
//! unit-tested; storage and HTTP live in other crates.

pub mod audit;
pub mod calendar;
pub mod contract;
pub mod glossary;
pub mod inventory;
pub mod jobs;
pub mod people;
pub mod planner;
pub mod schedule;
pub mod time;
pub mod validation;

pub use validation::{FieldError, FieldErrors};
