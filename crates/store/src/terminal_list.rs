//! The terminal list, through the list tools' query ([`TERMINAL_LIST`]: search, filters,
//! sort, page size, export): one statement per page that returns the filtered total and the
//! page's rows as one JSON array built by the database (`json_group_array` / `json_agg`),
//! so a page of 100 crosses the driver as one value instead of 1,600; the page is kept in
//! the list cache while no change has been committed since it was read.

use crate::list_cache::audit_head_seq;
use crate::list_sql::{bind_all, list_where};
use crate::{Engine, Page, PageRequest, Store, StoreError, Terminal, sql};
use jukiops_domain::inventory::AssetStatus;
use jukiops_domain::listing::{
    Column, Filter, FilterKind, ListRequest, ListSpec, Searched, choices,
};
use sqlx::Row;

/// The JSON field of each column, in the order of [`Terminal`].
const FIELDS: &[(&str, &str)] = &[
    ("id", "t.id"),
    ("asset_number", "t.asset_number"),
    ("serial", "t.serial"),
    ("model", "t.model"),
    ("site_id", "t.site_id"),
    ("site_code", "s.code"),
    ("site_name", "s.name"),
    ("room", "t.room"),
    ("lessor", "t.lessor"),
    ("lease_start", "t.lease_start"),
    ("lease_end", "t.lease_end"),
    ("status", "t.status"),
    ("touch_panel_id", "p.id"),
    ("touch_panel_asset_number", "p.asset_number"),
    ("created_at", "t.created_at"),
    ("updated_at", "t.updated_at"),
];

const JOINS: &str = "FROM terminals t JOIN sites s ON s.id = t.site_id LEFT JOIN touch_panels p ON p.terminal_id = t.id";

/// The terminals as a list. Every condition and sort expression reads the terminal's own
/// row (the site through a subquery), so a page is chosen on `terminals` alone and only its
/// rows are joined.
pub static TERMINAL_LIST: ListSpec = ListSpec {
    name: "terminals",
    title: "統合端末",
    columns: &[
        Column::sortable("asset_number", "資産番号", "t.asset_number"),
        Column::sortable("serial", "製造番号", "t.serial"),
        Column::sortable("model", "機種", "t.model"),
        Column::sortable(
            "site_name",
            "拠点",
            "(SELECT s2.code FROM sites s2 WHERE s2.id = t.site_id)",
        ),
        Column::sortable("room", "設置場所", "t.room"),
        Column::plain("touch_panel_asset_number", "タッチパネル"),
        Column::sortable("lease_end", "リース終了日", "t.lease_end"),
        Column::sortable("status", "状態", "t.status").shown_as("status_label"),
    ],
    search: &[
        Searched::code("t.asset_number"),
        Searched::code("t.serial"),
        Searched::code("t.model"),
        Searched::text("t.room"),
        Searched::text(
            "EXISTS (SELECT 1 FROM sites s2 WHERE s2.id = t.site_id AND LOWER(s2.name) LIKE {} ESCAPE '\\')",
        ),
    ],
    filters: &[
        Filter {
            key: "site_id",
            label: "拠点",
            sql: "t.site_id",
            kind: FilterKind::Id,
        },
        Filter {
            key: "status",
            label: "状態",
            sql: "t.status",
            kind: FilterKind::Choice(choices::<AssetStatus>),
        },
        Filter {
            key: "lease_end_to",
            label: "リース終了日(まで)",
            sql: "t.lease_end",
            kind: FilterKind::DateTo,
        },
    ],
    default_sort: "asset_number",
    default_desc: false,
    tie_break: "t.id",
};

/// One page of terminals as JSON text (an array of [`Terminal`]) and the filtered total.
#[derive(Debug, Clone)]
pub struct TerminalPageJson {
    pub items: String,
    pub total: i64,
    pub req: PageRequest,
}

impl TerminalPageJson {
    /// The page as the API's `Page<Terminal>` JSON, without parsing the rows.
    pub fn to_page_json(&self) -> String {
        format!(
            r#"{{"items":{},"total":{},"page":{},"per_page":{}}}"#,
            self.items, self.total, self.req.page, self.req.per_page
        )
    }

    /// The page's rows parsed.
    pub fn parsed(&self) -> Result<Page<Terminal>, StoreError> {
        let items: Vec<Terminal> = serde_json::from_str(&self.items)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
        Ok(Page::new(items, self.total, self.req))
    }
}

impl Store {
    /// The terminals the list tools ask for, parsed.
    pub async fn terminal_list(&self, req: &ListRequest) -> Result<Page<Terminal>, StoreError> {
        self.terminals_json(req).await?.parsed()
    }

    /// The same page left as the database's JSON; served from the list cache while no
    /// change has been committed since it was read.
    pub async fn terminals_json(&self, req: &ListRequest) -> Result<TerminalPageJson, StoreError> {
        let w = list_where(req, &[]);
        let page = PageRequest {
            page: req.page,
            per_page: req.per_page,
        };
        let key = format!(
            "terminals|{}|{:?}|{}|{}|{}",
            w.clause,
            w.binds,
            req.order_by(),
            req.limit(),
            req.offset()
        );
        let mut conn = self.pool.acquire().await?;
        let head = audit_head_seq(&mut conn).await?;
        if let Some(hit) = self.list_cache.get(&key, head)
            && let Some((total, items)) = hit.split_once('|')
            && let Ok(total) = total.parse()
        {
            return Ok(TerminalPageJson {
                items: items.to_string(),
                total,
                req: page,
            });
        }
        let (total, items) = self.terminals_json_uncached(&mut conn, req).await?;
        self.list_cache
            .put(key, head, std::sync::Arc::from(format!("{total}|{items}")));
        Ok(TerminalPageJson {
            items,
            total,
            req: page,
        })
    }

    /// The page read from the database: `(total, items as JSON)`.
    async fn terminals_json_uncached(
        &self,
        conn: &mut sqlx::AnyConnection,
        req: &ListRequest,
    ) -> Result<(i64, String), StoreError> {
        let w = list_where(req, &[]);
        let n = w.binds.len();
        let (lim, off) = (format!("${}", n + 1), format!("${}", n + 2));
        let where_ = &w.clause;
        let order = req.order_by();
        let count = format!("(SELECT COUNT(*) FROM terminals t WHERE {where_}) AS total");
        let pairs: Vec<String> = FIELDS.iter().map(|(k, c)| format!("'{k}', {c}")).collect();
        let text = match self.engine {
            Engine::Sqlite => {
                // Page on `terminals` (its indexes) first, then join only the page's rows;
                // json() keeps each object JSON after the subquery (else it would be quoted).
                format!(
                    "SELECT {count}, (SELECT COALESCE(json_group_array(json(obj)), '[]') FROM \
                     (SELECT json_object({}) AS obj {JOINS} JOIN (SELECT t.id AS page_id FROM terminals t \
                     WHERE {where_} ORDER BY {order} LIMIT {lim} OFFSET {off}) pg ON pg.page_id = t.id \
                     ORDER BY {order})) AS items",
                    pairs.join(", ")
                )
            }
            Engine::Postgres => {
                // LATERAL keeps PostgreSQL on index lookups for the rows of the page (with
                // plain joins it hashes the whole terminals and sites tables).
                format!(
                    "SELECT {count}, (SELECT COALESCE(json_agg(json_build_object({}) ORDER BY {order}), '[]'::json)::text \
                     FROM (SELECT * FROM terminals t WHERE {where_} ORDER BY {order} LIMIT {lim} OFFSET {off}) t \
                     JOIN LATERAL (SELECT code, name FROM sites WHERE id = t.site_id) s ON true \
                     LEFT JOIN LATERAL (SELECT id, asset_number FROM touch_panels WHERE terminal_id = t.id) p ON true) AS items",
                    pairs.join(", ")
                )
            }
        };
        let row = bind_all(sqlx::query(sql(text)), &w.binds)
            .bind(req.limit())
            .bind(req.offset())
            .fetch_one(&mut *conn)
            .await?;
        Ok((row.try_get("total")?, row.try_get("items")?))
    }
}
