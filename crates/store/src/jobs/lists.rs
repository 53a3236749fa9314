//! The year's jobs and J-LIS notices as lists (search, filters, sort, page size, export)
//! through the one list reader.

use jukiops_domain::contract::CategoryCode;
use jukiops_domain::jobs::{JobStatus, NoticeKind, NoticeStatus};
use jukiops_domain::listing::{
    Column, Filter, FilterKind, ListRequest, ListSpec, Searched, SqlValue, choices,
};

use super::{Job, Notice, job_reads, notices};
use crate::{Page, Store, StoreError};

/// The categories ア..ク, as codes and labels of the job list's filter.
fn categories() -> Vec<(&'static str, &'static str)> {
    CategoryCode::ALL
        .into_iter()
        .map(|c| (c.kana(), c.kana()))
        .collect()
}

/// The year's jobs: searched by name, description and the notice's J-LIS number; filtered
/// by category (`?category=ア`, as the dashboard links), status and notice.
pub static JOB_LIST: ListSpec = ListSpec {
    name: "jobs",
    title: "作業",
    columns: &[
        Column::sortable("category", "区分", "j.category"),
        Column::sortable("title", "作業名", "j.title"),
        Column::sortable("origin", "発生元", "j.origin").shown_as("origin_label"),
        Column::sortable("notice_reference", "通知の文書番号", "n.jlis_reference"),
        Column::sortable("terminal_count", "対象端末数", "terminal_count"),
        Column::sortable("status", "状態", "j.status").shown_as("status_label"),
        Column::sortable("done_on", "完了日", "j.done_on"),
        Column::sortable("created_at", "登録日時", "j.created_at"),
        Column::plain("created_by", "登録者"),
    ],
    search: &[
        Searched::text("j.title"),
        Searched::text("j.description"),
        Searched::code("n.jlis_reference"),
    ],
    filters: &[
        Filter {
            key: "category",
            label: "作業区分",
            sql: "j.category",
            kind: FilterKind::Choice(categories),
        },
        Filter {
            key: "status",
            label: "状態",
            sql: "j.status",
            kind: FilterKind::Choice(choices::<JobStatus>),
        },
        Filter {
            key: "notice_id",
            label: "通知",
            sql: "j.notice_id",
            kind: FilterKind::Id,
        },
    ],
    default_sort: "created_at",
    default_desc: true,
    tie_break: "j.id",
};

/// A notice kind by its code or its category's kana (`ア` is software_update).
fn notice_kind_clause(code: &str) -> Option<String> {
    let kind = NoticeKind::parse(code)
        .or_else(|| CategoryCode::from_kana(code).and_then(NoticeKind::from_category))?;
    Some(format!("n.kind = '{}'", kind.as_str()))
}

/// The year's J-LIS notices: searched by J-LIS number, title and text; filtered by kind,
/// status and the day received.
pub static NOTICE_LIST: ListSpec = ListSpec {
    name: "notices",
    title: "J-LISからの通知",
    columns: &[
        Column::sortable("received_on", "受付日", "n.received_on"),
        Column::sortable("jlis_reference", "文書番号", "n.jlis_reference"),
        Column::sortable("kind", "種類", "n.kind").shown_as("kind_label"),
        Column::sortable("title", "件名", "n.title"),
        Column::sortable("requested_deadline", "対応期限", "n.requested_deadline"),
        Column::sortable("status", "状態", "n.status").shown_as("status_label"),
        Column::sortable("job_count", "作業数", "job_count"),
    ],
    search: &[
        Searched::code("n.jlis_reference"),
        Searched::text("n.title"),
        Searched::text("n.body"),
    ],
    filters: &[
        Filter {
            key: "kind",
            label: "種類",
            sql: "",
            kind: FilterKind::Clause(choices::<NoticeKind>, notice_kind_clause),
        },
        Filter {
            key: "status",
            label: "状態",
            sql: "n.status",
            kind: FilterKind::Choice(choices::<NoticeStatus>),
        },
        Filter {
            key: "received_from",
            label: "受付日(から)",
            sql: "n.received_on",
            kind: FilterKind::DateFrom,
        },
        Filter {
            key: "received_to",
            label: "受付日(まで)",
            sql: "n.received_on",
            kind: FilterKind::DateTo,
        },
    ],
    default_sort: "received_on",
    default_desc: true,
    tie_break: "n.id",
};

impl Store {
    /// The year's jobs the list tools ask for.
    pub async fn job_list(&self, req: &ListRequest) -> Result<Page<Job>, StoreError> {
        let year = SqlValue::Int(self.contract_id()?);
        self.list_page(
            job_reads::FIELDS,
            job_reads::FROM,
            &[("j.contract_id = {}", year)],
            req,
            job_reads::row,
        )
        .await
    }

    /// The year's notices the list tools ask for.
    pub async fn notice_list(&self, req: &ListRequest) -> Result<Page<Notice>, StoreError> {
        let year = SqlValue::Int(self.contract_id()?);
        self.list_page(
            notices::FIELDS,
            "FROM notices n",
            &[("n.contract_id = {}", year)],
            req,
            notices::row,
        )
        .await
    }
}
