//! The one reader of every list the list tools serve: a [`ListRequest`] (search, filters,
//! sort, page) becomes `WHERE`, `ORDER BY` and `LIMIT` with every value bound, the same on
//! SQLite and PostgreSQL, and the filtered total is counted with the same conditions.
//!
//! The search compares `LOWER(column) LIKE pattern ESCAPE '\'`: the pattern is already
//! normalised and lowercased by the domain, so the search ignores case on both engines.

use jukiops_domain::listing::{ListRequest, SqlValue};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Page, PageRequest, Store, StoreError, sql};

/// A list's `WHERE` clause and the values it binds, in placeholder order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListWhere {
    pub clause: String,
    pub binds: Vec<SqlValue>,
}

/// The conditions of `req`, after the list's own `fixed` ones (`{}` marks where the value
/// goes: `("w.contract_id = {}", SqlValue::Int(1))`).
pub fn list_where(req: &ListRequest, fixed: &[(&str, SqlValue)]) -> ListWhere {
    let mut binds = Vec::new();
    let mut next = |v: SqlValue| {
        binds.push(v);
        format!("${}", binds.len())
    };
    let mut conds = Vec::new();
    for (expr, v) in fixed {
        conds.push(expr.replace("{}", &next(v.clone())));
    }
    for c in &req.conditions {
        match &c.value {
            Some(v) => conds.push(format!("{} {} {}", c.sql, c.op, next(v.clone()))),
            None => conds.push(format!("({})", c.sql)),
        }
    }
    let search = req.spec.search;
    for t in &req.terms {
        let text = search
            .iter()
            .any(|s| !s.code)
            .then(|| next(SqlValue::Text(t.text.clone())));
        let code = search
            .iter()
            .any(|s| s.code)
            .then(|| next(SqlValue::Text(t.code.clone())));
        let ors: Vec<String> = search
            .iter()
            .filter_map(|s| {
                let p = if s.code { code.as_ref() } else { text.as_ref() }?;
                Some(s.condition(p))
            })
            .collect();
        if !ors.is_empty() {
            conds.push(format!("({})", ors.join(" OR ")));
        }
    }
    ListWhere {
        clause: if conds.is_empty() {
            "1 = 1".into()
        } else {
            conds.join(" AND ")
        },
        binds,
    }
}

pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

pub(crate) fn bind_all<'q>(mut q: AnyQuery<'q>, binds: &[SqlValue]) -> AnyQuery<'q> {
    for b in binds {
        q = match b {
            SqlValue::Text(s) => q.bind(s.clone()),
            SqlValue::Int(n) => q.bind(*n),
        };
    }
    q
}

impl Store {
    /// One page of a list (or, for an export, every filtered row up to the cap) and the
    /// filtered total: `SELECT {columns} {from} WHERE ... ORDER BY ... LIMIT ... OFFSET ...`.
    pub(crate) async fn list_page<T>(
        &self,
        columns: &str,
        from: &str,
        fixed: &[(&str, SqlValue)],
        req: &ListRequest,
        row: impl Fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Page<T>, StoreError> {
        let w = list_where(req, fixed);
        let n = w.binds.len();
        let mut conn = self.pool.acquire().await?;
        let total: i64 = bind_all(
            sqlx::query(sql(format!(
                "SELECT COUNT(*) AS total {from} WHERE {}",
                w.clause
            ))),
            &w.binds,
        )
        .fetch_one(&mut *conn)
        .await?
        .try_get("total")?;
        let rows = bind_all(
            sqlx::query(sql(format!(
                "SELECT {columns} {from} WHERE {} ORDER BY {} LIMIT ${} OFFSET ${}",
                w.clause,
                req.order_by(),
                n + 1,
                n + 2
            ))),
            &w.binds,
        )
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
        let items = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(
            items,
            total,
            PageRequest {
                page: req.page,
                per_page: req.per_page,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jukiops_domain::listing::{Column, Filter, FilterKind, ListParams, ListSpec, Searched};

    static SPEC: ListSpec = ListSpec {
        name: "things",
        title: "もの",
        columns: &[Column::sortable("code", "コード", "t.code")],
        search: &[Searched::code("t.code"), Searched::text("t.name")],
        filters: &[Filter {
            key: "site_id",
            label: "拠点",
            sql: "t.site_id",
            kind: FilterKind::Id,
        }],
        default_sort: "code",
        default_desc: false,
        tie_break: "t.id",
    };

    #[test]
    fn fixed_conditions_filters_and_each_search_word_are_bound_in_order() {
        let params: ListParams =
            serde_json::from_value(serde_json::json!({"q": "ＪＴ－１ 中央", "site_id": "3"}))
                .expect("params");
        let req = params.check(&SPEC).expect("valid");
        let w = list_where(&req, &[("t.contract_id = {}", SqlValue::Int(9))]);
        assert_eq!(
            w.clause,
            "t.contract_id = $1 AND t.site_id = $2 \
             AND (LOWER(t.code) LIKE $4 ESCAPE '\\' OR LOWER(t.name) LIKE $3 ESCAPE '\\') \
             AND (LOWER(t.code) LIKE $6 ESCAPE '\\' OR LOWER(t.name) LIKE $5 ESCAPE '\\')"
        );
        assert_eq!(
            w.binds,
            vec![
                SqlValue::Int(9),
                SqlValue::Int(3),
                SqlValue::Text("%jt-1%".into()),
                SqlValue::Text("%jt-1%".into()),
                SqlValue::Text("%中央%".into()),
                SqlValue::Text("%中央%".into()),
            ]
        );
        let none = list_where(&ListParams::default().check(&SPEC).expect("valid"), &[]);
        assert_eq!((none.clause.as_str(), none.binds.len()), ("1 = 1", 0));
    }
}
