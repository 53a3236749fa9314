//! The request chain (R8): a 作業依頼書 issued by the City for one job or several combined,
//! questions on it, versioned 作業手順書 with the City's decision, per-terminal work records,
//! and the result report that closes it. The store loads the facts, the domain's
//! [`jukiops_domain::requests`] judges, and every change goes through [`crate::Change`].

mod facts;
mod list;
pub(crate) use facts::{job_work_scope, request_bounds, request_status};
mod procedures;
mod questions;
mod records;
mod reports;
mod urgent;
mod work_requests;

pub use list::WORK_REQUEST_LIST;
pub use procedures::Procedure;
pub use questions::Question;
pub use records::WorkRecord;
pub use reports::Report;
pub use urgent::UrgentRequest;
pub use work_requests::{AwaitingJob, RequestJob, TargetTerminal, WorkRequest, WorkRequestSummary};
