//! The list tools every list page shares (templates/list_tools.html draws them): the
//! search box and filters, sortable headings with `aria-sort`, the page size, a pager that
//! keeps the query, and the links that export what the filter shows as CSV or .xlsx. The
//! JSON API answers `?format=csv|xlsx` through the same [`export`].

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jukiops_app::lists::Listed;
use jukiops_domain::FieldError;
use jukiops_domain::listing::{
    Cell, DEFAULT_PER_PAGE, EXPORT_CAP, ExportFormat, FilterKind, ListParams, ListRequest,
    ListSpec, PAGE_SIZES, cells_of, csv_bytes, headers,
};
use jukiops_store::Page;
use serde_json::{Value, json};

use crate::error::AppError;

/// Choices a page reads for a filter (the people and actions of the audit trail).
pub type Options = Vec<(&'static str, Vec<(String, String)>)>;

/// The query of `req` as `key=value` pairs, with `changes` applied (`None` removes).
fn query_pairs(req: &ListRequest, changes: &[(&str, Option<String>)]) -> Vec<(String, String)> {
    let p = &req.params;
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut pairs: Vec<(String, Option<String>)> = vec![
        ("q".into(), given(&p.q)),
        ("sort".into(), given(&p.sort)),
        ("dir".into(), given(&p.dir)),
    ];
    for (k, v) in &req.filter_values {
        pairs.push(((*k).to_string(), Some(v.clone())));
    }
    pairs.push((
        "per_page".into(),
        (req.per_page != DEFAULT_PER_PAGE).then(|| req.per_page.to_string()),
    ));
    pairs.push(("page".into(), (req.page > 1).then(|| req.page.to_string())));
    for (k, v) in changes {
        match pairs.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v.clone(),
            None => pairs.push(((*k).to_string(), v.clone())),
        }
    }
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
}

/// `base?query` of `req` with `changes`.
pub fn href(base: &str, req: &ListRequest, changes: &[(&str, Option<String>)]) -> String {
    let q = serde_urlencoded::to_string(query_pairs(req, changes)).unwrap_or_default();
    if q.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{q}")
    }
}

/// The parameters of a list page's query that the list refused, each with its Japanese
/// message: the page shows the list without them, the messages above it, and answers 422.
#[derive(Debug, Default)]
pub struct Refused(pub Vec<FieldError>);

impl Refused {
    /// The page's status: `ok`, or 422 when a parameter was refused.
    pub fn status(&self, ok: StatusCode) -> StatusCode {
        if self.0.is_empty() {
            ok
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    /// Puts the messages into the view of [`view`] (list_tools.html shows them).
    pub fn show(&self, list: &mut Value) {
        if let Some(o) = list.as_object_mut() {
            o.insert("errors".into(), json!(self.0));
        }
    }
}

/// A list page's query with the parameters `spec` refuses taken out (an export is not
/// made of a refused query), and what was refused.
pub fn sound(mut params: ListParams, spec: &'static ListSpec) -> (ListParams, Refused) {
    let Err(e) = params.check(spec) else {
        return (params, Refused::default());
    };
    for f in &e.0 {
        match f.field.as_str() {
            "q" => params.q = None,
            "sort" => params.sort = None,
            "dir" => params.dir = None,
            "page" => params.page = None,
            "per_page" => params.per_page = None,
            "format" => params.format = None,
            other => {
                params.filters.remove(other);
            }
        }
    }
    params.format = None;
    (params, Refused(e.0))
}

/// What list_tools.html draws for the list of `page` at `base`.
pub fn view<T>(base: &str, req: &ListRequest, page: &Page<T>, options: &Options) -> Value {
    let spec = req.spec;
    let dir = if req.desc { "desc" } else { "asc" };
    let columns: Vec<Value> = spec
        .columns
        .iter()
        .map(|c| {
            let current = c.key == req.sort.key;
            let aria = match (current, req.desc) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            };
            // A click sorts by the column ascending, or turns the current sort round.
            let next = if current && !req.desc { "desc" } else { "asc" };
            json!({
                "key": c.key, "label": c.label, "sortable": c.sort.is_some(), "aria_sort": aria,
                "href": href(base, req, &[("sort", Some(c.key.into())), ("dir", Some(next.into())), ("page", None)]),
            })
        })
        .collect();
    let filters: Vec<Value> = spec
        .filters
        .iter()
        .map(|f| {
            let given = options.iter().find(|(k, _)| *k == f.key).map(|(_, o)| o);
            // Choices the page reads (with labels the page knows) before the vocabulary's own.
            let (kind, opts): (&str, Vec<Value>) = match (f.kind, given) {
                (_, Some(o)) => (
                    "select",
                    o.iter()
                        .map(|(v, l)| json!({"value": v, "label": l}))
                        .collect(),
                ),
                (FilterKind::Choice(all) | FilterKind::Clause(all, _), None) => (
                    "select",
                    all()
                        .into_iter()
                        .map(|(v, l)| json!({"value": v, "label": l}))
                        .collect(),
                ),
                (
                    FilterKind::DateFrom
                    | FilterKind::DateTo
                    | FilterKind::InstantFrom
                    | FilterKind::InstantTo,
                    None,
                ) => ("date", Vec::new()),
                (FilterKind::Id, None) => ("number", Vec::new()),
                (FilterKind::Token, None) => ("text", Vec::new()),
            };
            json!({"key": f.key, "label": f.label, "kind": kind, "options": opts,
                "value": req.filter_values.get(f.key).cloned().unwrap_or_default()})
        })
        .collect();
    let pages = page.pages();
    json!({
        "base": base,
        "q": req.params.q.as_deref().unwrap_or("").trim(),
        "sort": req.sort.key, "dir": dir,
        "sort_given": req.params.sort.as_deref().is_some_and(|s| !s.trim().is_empty()),
        "columns": columns, "filters": filters,
        "per_page": req.per_page, "sizes": PAGE_SIZES,
        "total": page.total, "page": page.page, "pages": pages,
        "prev_href": (page.page > 1).then(|| href(base, req, &[("page", Some((page.page - 1).to_string()))])),
        "next_href": (page.page < pages).then(|| href(base, req, &[("page", Some((page.page + 1).to_string()))])),
        "csv_href": href(base, req, &[("format", Some("csv".into())), ("page", None)]),
        "xlsx_href": href(base, req, &[("format", Some("xlsx".into())), ("page", None)]),
        "export_cap": EXPORT_CAP,
        "filtered": !req.terms.is_empty() || !req.filter_values.is_empty(),
        "errors": [],
        "reset_href": base,
    })
}

/// The export `req` asks for, of `rows` (each row as JSON, with the fields its columns
/// name) out of `total` filtered rows: a CSV (UTF-8 with BOM) or an .xlsx download.
/// `X-Total-Count` says how many rows the filter shows; past the cap the file holds the
/// first [`EXPORT_CAP`] and `X-Export-Truncated` says so.
pub fn export(
    req: &ListRequest,
    format: ExportFormat,
    rows: &[Value],
    total: i64,
) -> Result<Response, AppError> {
    let spec = req.spec;
    let cells: Vec<Vec<Cell>> = rows.iter().map(|r| cells_of(spec, r)).collect();
    let heads = headers(spec);
    let (body, content_type) = match format {
        ExportFormat::Csv => (csv_bytes(&heads, &cells), "text/csv; charset=utf-8"),
        ExportFormat::Xlsx => (
            jukiops_documents::list_xlsx::list_workbook(spec.title, &heads, &cells).map_err(
                |e| {
                    tracing::error!(error = %e, "list workbook");
                    AppError::new(
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        "Excelファイルを作成できませんでした。",
                    )
                },
            )?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    };
    let disposition = format!(
        "attachment; filename=\"{}.{}\"",
        spec.name,
        format.extension()
    );
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response();
    let h = response.headers_mut();
    h.insert("x-total-count", header::HeaderValue::from(total));
    if total > i64::from(EXPORT_CAP) {
        h.insert(
            "x-export-truncated",
            header::HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

/// A row as the lists show it: its fields, with `<field>_label` beside codes.
pub fn labelled_row<T: serde::Serialize>(item: &T) -> Value {
    crate::forms::with_labels(serde_json::to_value(item).unwrap_or(Value::Null))
}

/// A row as it is, for types that carry their own labels.
pub fn plain_row<T: serde::Serialize>(item: &T) -> Value {
    serde_json::to_value(item).unwrap_or(Value::Null)
}

/// The export, when the query asks for one (`?format=csv|xlsx`).
pub fn export_if_asked<T>(
    listed: &Listed<T>,
    row: impl Fn(&T) -> Value,
) -> Option<Result<Response, AppError>> {
    let format = listed.request.format?;
    let rows: Vec<Value> = listed.page.items.iter().map(row).collect();
    Some(export(&listed.request, format, &rows, listed.page.total))
}

/// The API's answer for a list: the page as JSON, or the export asked for.
pub fn api_answer<T: serde::Serialize>(
    listed: Listed<T>,
    row: impl Fn(&T) -> Value,
) -> Result<Response, AppError> {
    if let Some(r) = export_if_asked(&listed, row) {
        return r;
    }
    Ok(axum::Json(listed.page).into_response())
}

/// The query parameters every list endpoint takes (its filters are listed beside them).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document only: the handlers read the domain's ListParams.
pub struct ListParamsDoc {
    /// 検索語(全角・半角を区別しません。空白で区切ると、すべてを含む行)
    pub q: Option<String>,
    /// 並べ替える列のキー(一覧ごとに決まっています。使えないキーは 422)
    pub sort: Option<String>,
    /// 並べ替えの向き: asc(昇順)または desc(降順)
    pub dir: Option<String>,
    /// 1 から始まるページ番号
    pub page: Option<u32>,
    /// 1 ページの件数: 20・50・100・200(既定 50)
    pub per_page: Option<u32>,
    /// 出力形式: csv(UTF-8、BOM付き)または xlsx。絞り込んだ行を最大 10,000 件まで出力します
    pub format: Option<String>,
}
