//! What an open 作業依頼書 waits on (issue 13, item 1): its status alone says 発行済 while
//! a procedure waits for the City's approval and a question is open. Each state is read
//! from one fact of the chain's records; [`WaitingOn::fact`] declares which, once, and both
//! the list's column ([`waiting_on`]) and its filter (the store's SQL of the same fact)
//! follow it.

use super::procedure::ProcedureVersionStatus;
use super::report_status::ReportStatus;
use super::work_request::WorkRequestStatus;

labelled_enum! {
    /// Something an open request waits on.
    pub enum WaitingOn {
        /// The latest 作業手順書 version is submitted: the City approves or returns it.
        ProcedureSubmitted = ("procedure_submitted", "作業手順書の承認待ち"),
        /// The latest version was returned: the contractor writes the next one.
        ProcedureReturned = ("procedure_returned", "作業手順書の差戻し(再提出待ち)"),
        /// A 疑義 is open: the other side answers it.
        QuestionOpen = ("question_open", "疑義の回答待ち"),
        /// The result report is submitted: the City accepts or returns it.
        ReportSubmitted = ("report_submitted", "結果報告の受理待ち"),
        /// The result report was returned: the contractor reports again.
        ReportReturned = ("report_returned", "結果報告の差戻し(再提出待ち)"),
    }
}

/// The fact of the records a waiting state is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitingFact {
    /// The status of the request's latest 作業手順書 version.
    LatestProcedure(ProcedureVersionStatus),
    /// At least one of its 疑義 is open.
    OpenQuestion,
    /// The status of its latest result report.
    LatestReport(ReportStatus),
}

impl WaitingOn {
    /// The fact this state is: the one definition the list's column and filter share.
    pub fn fact(self) -> WaitingFact {
        match self {
            Self::ProcedureSubmitted => {
                WaitingFact::LatestProcedure(ProcedureVersionStatus::Submitted)
            }
            Self::ProcedureReturned => {
                WaitingFact::LatestProcedure(ProcedureVersionStatus::Returned)
            }
            Self::QuestionOpen => WaitingFact::OpenQuestion,
            Self::ReportSubmitted => WaitingFact::LatestReport(ReportStatus::Submitted),
            Self::ReportReturned => WaitingFact::LatestReport(ReportStatus::Returned),
        }
    }
}

/// What the records say about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitingFacts {
    pub status: WorkRequestStatus,
    pub latest_procedure: Option<ProcedureVersionStatus>,
    pub open_questions: i64,
    pub latest_report: Option<ReportStatus>,
}

/// Whether a request in `status` can wait on anything: a completed or cancelled one cannot.
pub fn may_wait(status: WorkRequestStatus) -> bool {
    status.is_live()
}

/// What the request waits on, in the order of [`WaitingOn::ALL`]; nothing when it is
/// completed or cancelled.
pub fn waiting_on(f: &WaitingFacts) -> Vec<WaitingOn> {
    if !may_wait(f.status) {
        return Vec::new();
    }
    WaitingOn::ALL
        .into_iter()
        .filter(|w| match w.fact() {
            WaitingFact::LatestProcedure(s) => f.latest_procedure == Some(s),
            WaitingFact::OpenQuestion => f.open_questions > 0,
            WaitingFact::LatestReport(s) => f.latest_report == Some(s),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: WorkRequestStatus) -> WaitingFacts {
        WaitingFacts {
            status,
            latest_procedure: None,
            open_questions: 0,
            latest_report: None,
        }
    }

    #[test]
    fn a_procedure_waiting_and_a_question_open_are_both_said() {
        let f = WaitingFacts {
            latest_procedure: Some(ProcedureVersionStatus::Submitted),
            open_questions: 2,
            ..facts(WorkRequestStatus::Issued)
        };
        assert_eq!(
            waiting_on(&f),
            [WaitingOn::ProcedureSubmitted, WaitingOn::QuestionOpen]
        );
    }

    #[test]
    fn returned_documents_wait_on_the_contractor() {
        let f = WaitingFacts {
            latest_procedure: Some(ProcedureVersionStatus::Returned),
            ..facts(WorkRequestStatus::Issued)
        };
        assert_eq!(waiting_on(&f), [WaitingOn::ProcedureReturned]);
        let f = WaitingFacts {
            latest_procedure: Some(ProcedureVersionStatus::Approved),
            latest_report: Some(ReportStatus::Returned),
            ..facts(WorkRequestStatus::InProgress)
        };
        assert_eq!(waiting_on(&f), [WaitingOn::ReportReturned]);
        let f = WaitingFacts {
            latest_report: Some(ReportStatus::Submitted),
            ..facts(WorkRequestStatus::Reported)
        };
        assert_eq!(waiting_on(&f), [WaitingOn::ReportSubmitted]);
    }

    #[test]
    fn drafts_approvals_and_closed_requests_wait_on_nothing() {
        let f = WaitingFacts {
            latest_procedure: Some(ProcedureVersionStatus::Draft),
            latest_report: Some(ReportStatus::Draft),
            ..facts(WorkRequestStatus::Issued)
        };
        assert!(waiting_on(&f).is_empty());
        for closed in [WorkRequestStatus::Accepted, WorkRequestStatus::Cancelled] {
            let f = WaitingFacts {
                open_questions: 1,
                latest_report: Some(ReportStatus::Submitted),
                ..facts(closed)
            };
            assert!(waiting_on(&f).is_empty(), "{closed:?}");
        }
    }
}
