//! The request chain (R8): a 作業依頼書 issued by the City for one job or several combined,
//! questions on it, versioned 作業手順書 with the City's decision, per-terminal work records,
//! and the result report that closes it. Every change goes through [`crate::Change`]; the
//! rules are the domain's `jobs` module.

mod issue;
mod procedures;
mod questions;
mod records;
mod reports;
mod shared;

pub use issue::{RequestJob, TargetTerminal, WorkRequest, WorkRequestSummary};
pub use procedures::Procedure;
pub use questions::Question;
pub use records::WorkRecord;
pub use reports::Report;
