//! The terminal list: one statement per page that returns the total and the page's rows as
//! one JSON array built by the database (`json_group_array` / `json_agg`), so a page of 100
//! crosses the driver as one value instead of 1,600.

use crate::list_cache::audit_head_seq;
use crate::{Engine, Page, PageRequest, Store, StoreError, Terminal, TerminalFilter, sql};
use jukiops_domain::listing::{contains_pattern, normalise, normalise_code};
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
}

impl Store {
    /// A filtered page of terminals, ordered by asset number.
    pub async fn terminals(
        &self,
        f: &TerminalFilter,
        req: PageRequest,
    ) -> Result<Page<Terminal>, StoreError> {
        let page = self.terminals_json(f, req).await?;
        let items: Vec<Terminal> = serde_json::from_str(&page.items)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
        Ok(Page::new(items, page.total, req))
    }

    /// The same page as [`Store::terminals`], left as the database's JSON; served from
    /// the list cache while no change has been committed since it was read.
    pub async fn terminals_json(
        &self,
        f: &TerminalFilter,
        req: PageRequest,
    ) -> Result<TerminalPageJson, StoreError> {
        let key = format!(
            "terminals|{:?}|{:?}|{:?}|{}|{}",
            f.site_id, f.status, f.q, req.page, req.per_page
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
                req,
            });
        }
        let page = self.terminals_json_uncached(&mut conn, f, req).await?;
        self.list_cache.put(
            key,
            head,
            std::sync::Arc::from(format!("{}|{}", page.total, page.items)),
        );
        Ok(page)
    }

    /// The page read from the database.
    async fn terminals_json_uncached(
        &self,
        conn: &mut sqlx::AnyConnection,
        f: &TerminalFilter,
        req: PageRequest,
    ) -> Result<TerminalPageJson, StoreError> {
        let mut conds = vec!["1 = 1".to_string()];
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if f.site_id.is_some() {
            conds.push(format!("t.site_id = {}", next()));
        }
        if f.status.is_some() {
            conds.push(format!("t.status = {}", next()));
        }
        // The search text as every list normalises it (full-width as half-width, any case,
        // long dashes in codes as `-`); `%` and `_` typed match themselves.
        let like =
            f.q.as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(|q| {
                    (
                        contains_pattern(&normalise_code(q)),
                        contains_pattern(&normalise(q)),
                    )
                });
        if like.is_some() {
            let (code, text) = (next(), next());
            conds.push(format!(
                "(LOWER(t.asset_number) LIKE {code} ESCAPE '\\' OR LOWER(t.serial) LIKE {code} ESCAPE '\\' \
                 OR LOWER(t.model) LIKE {code} ESCAPE '\\' OR LOWER(t.room) LIKE {text} ESCAPE '\\')"
            ));
        }
        let (lim, off) = (next(), next());
        let where_ = conds.join(" AND ");
        // SQLite: page on the asset-number index first, then join only the rows of the page.
        let page_ids = format!(
            "JOIN (SELECT t.id AS page_id FROM terminals t WHERE {where_} ORDER BY t.asset_number LIMIT {lim} OFFSET {off}) pg \
             ON pg.page_id = t.id"
        );
        let count = format!("(SELECT COUNT(*) FROM terminals t WHERE {where_}) AS total");
        let text = match self.engine {
            Engine::Sqlite => {
                let pairs: Vec<String> =
                    FIELDS.iter().map(|(k, c)| format!("'{k}', {c}")).collect();
                // json() keeps each object JSON after the subquery (else it would be quoted).
                format!(
                    "SELECT {count}, (SELECT COALESCE(json_group_array(json(obj)), '[]') FROM \
                     (SELECT json_object({}) AS obj {JOINS} {page_ids} ORDER BY t.asset_number)) AS items",
                    pairs.join(", ")
                )
            }
            Engine::Postgres => {
                // LATERAL keeps PostgreSQL on index lookups for the 100 rows of the page
                // (with plain joins it hashes the whole terminals and sites tables).
                let pairs: Vec<String> =
                    FIELDS.iter().map(|(k, c)| format!("'{k}', {c}")).collect();
                format!(
                    "SELECT {count}, (SELECT COALESCE(json_agg(json_build_object({}) ORDER BY t.asset_number), '[]'::json)::text \
                     FROM (SELECT * FROM terminals t WHERE {where_} ORDER BY t.asset_number LIMIT {lim} OFFSET {off}) t \
                     JOIN LATERAL (SELECT code, name FROM sites WHERE id = t.site_id) s ON true \
                     LEFT JOIN LATERAL (SELECT id, asset_number FROM touch_panels WHERE terminal_id = t.id) p ON true) AS items",
                    pairs.join(", ")
                )
            }
        };
        let mut q = sqlx::query(sql(text));
        if let Some(s) = f.site_id {
            q = q.bind(s);
        }
        if let Some(s) = f.status {
            q = q.bind(s.as_str());
        }
        if let Some((code, text)) = like {
            q = q.bind(code).bind(text);
        }
        let row = q
            .bind(req.limit())
            .bind(req.offset())
            .fetch_one(&mut *conn)
            .await?;
        Ok(TerminalPageJson {
            items: row.try_get("items")?,
            total: row.try_get("total")?,
            req,
        })
    }
}
