//! The year's kept 全拠点計画 as a list: searched by title and the number of the request
//! a plan serves; filtered by that request, whether the City agreed to it and the first day.

use jukiops_domain::listing::{
    Column, Filter, FilterKind, ListRequest, ListSpec, Searched, SqlValue,
};

use super::PlanSummary;
use super::plans::summary;
use crate::{Page, Store, StoreError};

fn agreement() -> Vec<(&'static str, &'static str)> {
    vec![("yes", "同意済み"), ("no", "未同意")]
}

fn agreement_clause(code: &str) -> Option<String> {
    match code {
        "yes" => Some("p.agreed_by IS NOT NULL".into()),
        "no" => Some("p.agreed_by IS NULL".into()),
        _ => None,
    }
}

/// The kept plans (the visits, the deadline and the last day are read from each plan).
pub static PLAN_LIST: ListSpec = ListSpec {
    name: "plans",
    title: "全拠点計画",
    columns: &[
        Column::sortable("title", "計画名", "p.title"),
        Column::sortable("start_date", "開始日", "p.start_date"),
        Column::plain("last_date", "最終作業日"),
        Column::plain("within_deadline", "期限内"),
        Column::plain("visits", "訪問"),
        Column::sortable("agreed", "本市の同意", "p.agreed_by"),
        Column::sortable("created_by", "作成者", "p.created_by"),
        Column::sortable("created_at", "作成日時", "p.created_at"),
    ],
    search: &[
        Searched::text("p.title"),
        Searched::code(
            "EXISTS (SELECT 1 FROM work_requests w WHERE w.id = p.request_id \
             AND LOWER(w.request_number) LIKE {} ESCAPE '\\')",
        ),
    ],
    filters: &[
        Filter {
            key: "request_id",
            label: "作業依頼書",
            sql: "p.request_id",
            kind: FilterKind::Id,
        },
        Filter {
            key: "agreed",
            label: "本市の同意",
            sql: "",
            kind: FilterKind::Clause(agreement, agreement_clause),
        },
        Filter {
            key: "start_from",
            label: "開始日(から)",
            sql: "p.start_date",
            kind: FilterKind::DateFrom,
        },
        Filter {
            key: "start_to",
            label: "開始日(まで)",
            sql: "p.start_date",
            kind: FilterKind::DateTo,
        },
    ],
    default_sort: "created_at",
    default_desc: true,
    tie_break: "p.id",
};

impl Store {
    /// The year's kept plans the list tools ask for.
    pub async fn plan_list(&self, req: &ListRequest) -> Result<Page<PlanSummary>, StoreError> {
        let year = SqlValue::Int(self.contract_id()?);
        self.list_page(
            "p.*",
            "FROM plans p",
            &[("p.contract_id = {}", year)],
            req,
            summary,
        )
        .await
    }
}
