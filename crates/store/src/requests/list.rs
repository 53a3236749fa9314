//! The year's 作業依頼書 as a list: searched by number, contents and the names and codes of
//! their sites; filtered by status, date of issue and what each waits on. The facts the
//! waiting states are read from come in the list's own statement (one subquery each), so a
//! page is one read, not one per request.

use jukiops_domain::listing::{
    Column, Filter, FilterKind, ListRequest, ListSpec, Searched, SqlValue, choices,
};
use jukiops_domain::requests::{
    QuestionStatus, WaitingFact, WaitingOn, WorkRequestStatus, may_wait,
};
use sqlx::Row;

use super::work_requests::summary;
use crate::{Page, Store, StoreError};

/// The status of the request's latest 作業手順書 version.
const LATEST_PROCEDURE: &str =
    "(SELECT p.status FROM procedures p WHERE p.request_id = w.id ORDER BY p.version DESC LIMIT 1)";
/// The status of its latest result report.
const LATEST_REPORT: &str =
    "(SELECT r.status FROM reports r WHERE r.request_id = w.id ORDER BY r.id DESC LIMIT 1)";

/// How many of its 疑義 are open.
fn open_questions() -> String {
    format!(
        "(SELECT COUNT(*) FROM questions q WHERE q.request_id = w.id AND q.status = '{}')",
        QuestionStatus::Open.as_str()
    )
}

/// The columns a request's summary reads beside `w.*`: the jobs it combines and the facts
/// of what it waits on.
pub(super) fn facts_columns() -> String {
    format!(
        "(SELECT COUNT(*) FROM work_request_jobs j WHERE j.request_id = w.id) AS jobs, \
         {LATEST_PROCEDURE} AS latest_procedure, {} AS open_questions, {LATEST_REPORT} AS latest_report",
        open_questions()
    )
}

/// The condition of "waits on `code`": the same fact [`WaitingOn::fact`] names, of a
/// request that may wait at all.
fn waiting_clause(code: &str) -> Option<String> {
    let w = WaitingOn::parse(code)?;
    let live: Vec<String> = WorkRequestStatus::ALL
        .into_iter()
        .filter(|s| may_wait(*s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    let fact = match w.fact() {
        WaitingFact::LatestProcedure(s) => format!("{LATEST_PROCEDURE} = '{}'", s.as_str()),
        WaitingFact::OpenQuestion => format!("{} > 0", open_questions()),
        WaitingFact::LatestReport(s) => format!("{LATEST_REPORT} = '{}'", s.as_str()),
    };
    Some(format!("w.status IN ({}) AND {fact}", live.join(", ")))
}

/// The year's requests as a list.
pub static WORK_REQUEST_LIST: ListSpec = ListSpec {
    name: "requests",
    title: "作業依頼書",
    columns: &[
        Column::sortable("request_number", "番号", "w.request_number"),
        Column::sortable("subject", "件名・概要", "w.contents"),
        Column::sortable("issued_on", "発行日", "w.issued_on"),
        Column::sortable("period_from", "作業期間(開始)", "w.period_from"),
        Column::sortable("period_to", "作業期間(終了)", "w.period_to"),
        Column::sortable("status", "状態", "w.status").shown_as("status_label"),
        Column::plain("waiting", "対応待ち").shown_as("waiting_label"),
        Column::plain("combined", "同時実施"),
    ],
    search: &[
        Searched::code("w.request_number"),
        Searched::text("w.contents"),
        Searched::text(
            "EXISTS (SELECT 1 FROM work_request_sites ws JOIN sites s ON s.id = ws.site_id \
             WHERE ws.request_id = w.id AND LOWER(s.name) LIKE {} ESCAPE '\\')",
        ),
        Searched::code(
            "EXISTS (SELECT 1 FROM work_request_sites ws JOIN sites s ON s.id = ws.site_id \
             WHERE ws.request_id = w.id AND LOWER(s.code) LIKE {} ESCAPE '\\')",
        ),
    ],
    filters: &[
        Filter {
            key: "status",
            label: "状態",
            sql: "w.status",
            kind: FilterKind::Choice(choices::<WorkRequestStatus>),
        },
        Filter {
            key: "waiting",
            label: "対応待ち",
            sql: "",
            kind: FilterKind::Clause(choices::<WaitingOn>, waiting_clause),
        },
        Filter {
            key: "issued_from",
            label: "発行日(から)",
            sql: "w.issued_on",
            kind: FilterKind::DateFrom,
        },
        Filter {
            key: "issued_to",
            label: "発行日(まで)",
            sql: "w.issued_on",
            kind: FilterKind::DateTo,
        },
    ],
    default_sort: "issued_on",
    default_desc: true,
    tie_break: "w.id",
};

impl Store {
    /// The year's requests the list tools ask for, each with what it waits on.
    pub async fn work_request_list(
        &self,
        req: &ListRequest,
    ) -> Result<Page<super::WorkRequestSummary>, StoreError> {
        let contract = self.contract_id()?;
        self.list_page(
            &format!("w.*, {}", facts_columns()),
            "FROM work_requests w",
            &[("w.contract_id = {}", SqlValue::Int(contract))],
            req,
            |r| summary(r, r.try_get::<i64, _>("jobs")? > 1),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_waiting_state_is_a_condition_on_its_fact_of_an_open_request() {
        let c = waiting_clause("procedure_submitted").expect("known");
        assert!(
            c.contains("FROM procedures") && c.ends_with("= 'submitted'"),
            "{c}"
        );
        assert!(c.starts_with("w.status IN ('issued'"), "{c}");
        assert!(
            !c.contains("'cancelled'") && !c.contains("'accepted'"),
            "{c}"
        );
        let c = waiting_clause("question_open").expect("known");
        assert!(c.contains("q.status = 'open'") && c.ends_with("> 0"), "{c}");
        assert!(waiting_clause("nothing").is_none());
    }
}
