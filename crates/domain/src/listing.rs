//! Lists (一覧): what every list page and list endpoint shares. A [`ListSpec`] names a
//! list's columns (which may be sorted, and by which SQL expression), what its search box
//! looks in and which filters it offers; [`ListParams`] is the query string as typed, and
//! its [`ListParams::check`] turns it into a [`ListRequest`] or field errors in Japanese.
//!
//! The search text is normalised as Japanese users type it: NFKC folds full-width letters
//! and digits to half-width (ＪＴ－０００１ finds JT-0001), letters are lowercased (the
//! store compares with `LOWER(...)`), and in codes every long dash (ー, －, ‐, —) is `-`.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::FieldErrors;
use crate::vocab::Labelled;

/// The page sizes a list offers.
pub const PAGE_SIZES: [u32; 4] = [20, 50, 100, 200];
/// The page size when none is asked for.
pub const DEFAULT_PER_PAGE: u32 = 50;
/// At most this many rows go into one CSV or Excel export.
pub const EXPORT_CAP: u32 = 10_000;
/// The longest search text accepted.
pub const MAX_SEARCH_CHARS: usize = 100;

/// Dashes that people (and input methods) type for the hyphen of a code, after NFKC.
const DASHES: [char; 9] = ['ー', '‐', '‑', '‒', '–', '—', '―', '−', '─'];

/// Search text as compared: NFKC (full-width to half-width), lowercase, spaces trimmed.
pub fn normalise(s: &str) -> String {
    s.nfkc()
        .collect::<String>()
        .to_lowercase()
        .trim()
        .to_string()
}

/// A code as compared: [`normalise`], and every long dash as `-`.
pub fn normalise_code(s: &str) -> String {
    normalise(s)
        .chars()
        .map(|c| if DASHES.contains(&c) { '-' } else { c })
        .collect()
}

/// `s` for `LIKE ... ESCAPE '\'`: `\`, `%` and `_` match themselves.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The `LIKE` pattern of "contains `s`".
pub fn contains_pattern(s: &str) -> String {
    format!("%{}%", like_escape(s))
}

/// The first line of `s`, cut to `max` characters with `…` when longer (a summary column).
pub fn shorten(s: &str, max: usize) -> String {
    let line = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let more = s.trim().lines().count() > 1;
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else if more {
        format!("{line}…")
    } else {
        line.to_string()
    }
}

/// One column of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The name used in `?sort=` (and, by default, the row's field exported).
    pub key: &'static str,
    /// The heading, in Japanese.
    pub label: &'static str,
    /// The SQL expression the list is ordered by, when the column may be sorted.
    pub sort: Option<&'static str>,
    /// The field of a row (as JSON) exported in this column.
    pub cell: &'static str,
}

impl Column {
    pub const fn sortable(key: &'static str, label: &'static str, sql: &'static str) -> Self {
        Self {
            key,
            label,
            sort: Some(sql),
            cell: key,
        }
    }
    pub const fn plain(key: &'static str, label: &'static str) -> Self {
        Self {
            key,
            label,
            sort: None,
            cell: key,
        }
    }
    /// The same column exporting another field of the row (a label instead of a code).
    pub const fn shown_as(self, cell: &'static str) -> Self {
        Self { cell, ..self }
    }
}

/// A column the search box looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Searched {
    /// The column, or (when it holds `{}`) a whole condition with `{}` where the pattern
    /// goes: `EXISTS (... LOWER(s.name) LIKE {} ESCAPE '\')` searches related rows.
    pub sql: &'static str,
    /// A code: long dashes in the search text count as `-`.
    pub code: bool,
}

impl Searched {
    pub const fn text(sql: &'static str) -> Self {
        Self { sql, code: false }
    }
    pub const fn code(sql: &'static str) -> Self {
        Self { sql, code: true }
    }
    /// The condition for one pattern placeholder `p`.
    pub fn condition(&self, p: &str) -> String {
        if self.sql.contains("{}") {
            self.sql.replace("{}", p)
        } else {
            format!("LOWER({}) LIKE {p} ESCAPE '\\'", self.sql)
        }
    }
}

/// What a filter accepts.
#[derive(Debug, Clone, Copy)]
pub enum FilterKind {
    /// One of a closed vocabulary: `(code, label)`.
    Choice(fn() -> Vec<(&'static str, &'static str)>),
    /// A code from choices the page reads (people, actions): letters, digits and `_.-@`.
    Token,
    /// A record's number.
    Id,
    /// A date column (`YYYY-MM-DD`) on or after the date.
    DateFrom,
    /// A date column on or before the date.
    DateTo,
    /// An instant (stored in UTC) on or after the start of the date in Japan.
    InstantFrom,
    /// An instant before the end of the date in Japan.
    InstantTo,
    /// One of a closed vocabulary, each value its own condition (no value bound): the
    /// choices, and the condition of a code (`None` for an unknown one).
    Clause(
        fn() -> Vec<(&'static str, &'static str)>,
        fn(&str) -> Option<String>,
    ),
}

/// The `(code, label)` of every value of a vocabulary, for a [`FilterKind::Choice`].
pub fn choices<L: Labelled>() -> Vec<(&'static str, &'static str)> {
    L::all().iter().map(|v| (v.code(), v.label())).collect()
}

/// One filter of a list.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// The query parameter.
    pub key: &'static str,
    pub label: &'static str,
    /// The SQL expression compared.
    pub sql: &'static str,
    pub kind: FilterKind,
}

/// A list: its columns, search and filters.
#[derive(Debug)]
pub struct ListSpec {
    /// The file name of its exports (`sites` → `sites.csv`).
    pub name: &'static str,
    /// Its title, in Japanese (the sheet of the Excel export).
    pub title: &'static str,
    pub columns: &'static [Column],
    pub search: &'static [Searched],
    pub filters: &'static [Filter],
    /// The column sorted by when none is asked for, and its direction.
    pub default_sort: &'static str,
    pub default_desc: bool,
    /// Orders rows that sort equal (a unique column), so pages never overlap.
    pub tie_break: &'static str,
}

impl ListSpec {
    pub fn column(&self, key: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.key == key)
    }
    fn sortable_labels(&self) -> String {
        self.columns
            .iter()
            .filter(|c| c.sort.is_some())
            .map(|c| format!("{}({})", c.key, c.label))
            .collect::<Vec<_>>()
            .join("・")
    }
}

/// The query of a list as typed: `?q=&sort=&dir=&page=&per_page=&format=` and the filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ListParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Every other parameter; those the list names as filters are read.
    #[serde(flatten)]
    pub filters: BTreeMap<String, String>,
}

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    Text(String),
    Int(i64),
}

/// `sql op value`, from a filter; a condition of its own when no value is bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub sql: String,
    pub op: &'static str,
    pub value: Option<SqlValue>,
}

/// One word of the search text as `LIKE` patterns: as text and as a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerm {
    pub text: String,
    pub code: String,
}

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// A checked list query.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub spec: &'static ListSpec,
    /// The query as given (links keep it).
    pub params: ListParams,
    pub terms: Vec<SearchTerm>,
    pub sort: &'static Column,
    pub desc: bool,
    pub conditions: Vec<Condition>,
    /// The filters given, by key, as typed (trimmed).
    pub filter_values: BTreeMap<&'static str, String>,
    pub page: u32,
    pub per_page: u32,
    pub format: Option<ExportFormat>,
}

impl ListRequest {
    /// Rows read: a page, or the whole filtered list up to [`EXPORT_CAP`] for an export.
    pub fn limit(&self) -> i64 {
        match self.format {
            Some(_) => i64::from(EXPORT_CAP),
            None => i64::from(self.per_page),
        }
    }
    pub fn offset(&self) -> i64 {
        match self.format {
            Some(_) => 0,
            None => i64::from(self.page - 1) * i64::from(self.per_page),
        }
    }
    /// `ORDER BY` of the list (the expressions are the spec's own).
    pub fn order_by(&self) -> String {
        let dir = if self.desc { "DESC" } else { "ASC" };
        let sort = self.sort.sort.unwrap_or(self.spec.tie_break);
        format!("{sort} {dir}, {} {dir}", self.spec.tie_break)
    }
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The start of `date` in Japan as a stored UTC instant.
fn jst_midnight(date: NaiveDate) -> String {
    let local = date.and_time(NaiveTime::MIN);
    let utc = crate::time::jst()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local));
    crate::time::to_db(utc)
}

impl ListParams {
    /// Checks the query against `spec`: an unknown sort key, a bad direction, page, page
    /// size, format or filter value is an error naming its parameter.
    pub fn check(&self, spec: &'static ListSpec) -> Result<ListRequest, FieldErrors> {
        let mut e = FieldErrors::default();
        let default_sort = spec.column(spec.default_sort).unwrap_or(&spec.columns[0]);
        let sort = match given(&self.sort) {
            None => default_sort,
            Some(k) => match spec.column(k).filter(|c| c.sort.is_some()) {
                Some(c) => c,
                None => {
                    e.push(
                        "sort",
                        format!(
                            "並べ替えの項目「{k}」はこの一覧では使えません。{} のいずれかを指定してください。",
                            spec.sortable_labels()
                        ),
                    );
                    default_sort
                }
            },
        };
        let desc = match given(&self.dir) {
            None if given(&self.sort).is_none() => spec.default_desc,
            None | Some("asc") => false,
            Some("desc") => true,
            Some(_) => {
                e.push(
                    "dir",
                    "並べ替えの向きは asc(昇順)または desc(降順)で指定してください。",
                );
                false
            }
        };
        let page = match given(&self.page) {
            None => 1,
            Some(p) => match p.parse::<u32>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    e.push("page", "ページ番号は1以上の整数で指定してください。");
                    1
                }
            },
        };
        let per_page = match given(&self.per_page) {
            None => DEFAULT_PER_PAGE,
            Some(p) => match p.parse::<u32>() {
                Ok(n) if PAGE_SIZES.contains(&n) => n,
                _ => {
                    e.push(
                        "per_page",
                        "1ページの件数は 20・50・100・200 のいずれかで指定してください。",
                    );
                    DEFAULT_PER_PAGE
                }
            },
        };
        let format = match given(&self.format) {
            None => None,
            Some("csv") => Some(ExportFormat::Csv),
            Some("xlsx") => Some(ExportFormat::Xlsx),
            Some(_) => {
                e.push("format", "出力形式は csv または xlsx で指定してください。");
                None
            }
        };
        let mut terms = Vec::new();
        if let Some(q) = given(&self.q) {
            if q.chars().count() > MAX_SEARCH_CHARS {
                e.push(
                    "q",
                    format!("検索語は{MAX_SEARCH_CHARS}文字以内で入力してください。"),
                );
            } else {
                terms = normalise(q)
                    .split_whitespace()
                    .map(|w| SearchTerm {
                        text: contains_pattern(w),
                        code: contains_pattern(&normalise_code(w)),
                    })
                    .collect();
            }
        }
        let mut conditions = Vec::new();
        let mut filter_values = BTreeMap::new();
        for f in spec.filters {
            let Some(v) = self
                .filters
                .get(f.key)
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
            else {
                continue;
            };
            filter_values.insert(f.key, v.to_string());
            match filter_condition(f, v) {
                Ok(c) => conditions.push(c),
                Err(m) => e.push(f.key, m),
            }
        }
        e.into_result(ListRequest {
            spec,
            params: self.clone(),
            terms,
            sort,
            desc,
            conditions,
            filter_values,
            page,
            per_page,
            format,
        })
    }
}

fn filter_condition(f: &Filter, v: &str) -> Result<Condition, String> {
    let date = || {
        NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
            format!(
                "{}は 2020-10-01 のような年-月-日の形式で指定してください。",
                f.label
            )
        })
    };
    let cond = |op, value| Condition {
        sql: f.sql.to_string(),
        op,
        value: Some(value),
    };
    Ok(match f.kind {
        FilterKind::Choice(all) => {
            let options = all();
            if !options.iter().any(|(code, _)| *code == v) {
                let names: Vec<String> = options.iter().map(|(c, l)| format!("{c}({l})")).collect();
                return Err(format!(
                    "{}は {} のいずれかを指定してください。",
                    f.label,
                    names.join("・")
                ));
            }
            cond("=", SqlValue::Text(v.to_string()))
        }
        FilterKind::Clause(all, clause) => match clause(v) {
            Some(sql) => Condition {
                sql,
                op: "",
                value: None,
            },
            None => {
                let names: Vec<String> = all().iter().map(|(c, l)| format!("{c}({l})")).collect();
                return Err(format!(
                    "{}は {} のいずれかを指定してください。",
                    f.label,
                    names.join("・")
                ));
            }
        },
        FilterKind::Token => {
            let ok = v.chars().count() <= 100
                && v.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '@'));
            if !ok {
                return Err(format!("{}の指定が正しくありません。", f.label));
            }
            cond("=", SqlValue::Text(v.to_string()))
        }
        FilterKind::Id => match v.parse::<i64>() {
            Ok(n) if n > 0 => cond("=", SqlValue::Int(n)),
            _ => return Err(format!("{}は番号(数字)で指定してください。", f.label)),
        },
        FilterKind::DateFrom => cond(">=", SqlValue::Text(date()?.to_string())),
        FilterKind::DateTo => cond("<=", SqlValue::Text(date()?.to_string())),
        FilterKind::InstantFrom => cond(">=", SqlValue::Text(jst_midnight(date()?))),
        FilterKind::InstantTo => {
            let next = date()? + Duration::days(1);
            cond("<", SqlValue::Text(jst_midnight(next)))
        }
    })
}

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    /// The cell as CSV text.
    pub fn text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Number(n) => n.to_string(),
            Self::Empty => String::new(),
        }
    }
}

/// The cells of one row (a row serialised to JSON) in the spec's columns: numbers stay
/// numbers, flags read はい/いいえ, nothing is an empty cell.
pub fn cells_of(spec: &ListSpec, row: &Value) -> Vec<Cell> {
    spec.columns
        .iter()
        .map(|c| match row.get(c.cell) {
            None | Some(Value::Null) => Cell::Empty,
            Some(Value::Bool(b)) => Cell::Text(if *b { "はい" } else { "いいえ" }.into()),
            Some(Value::Number(n)) => n.as_f64().map_or(Cell::Empty, Cell::Number),
            Some(Value::String(s)) => Cell::Text(s.clone()),
            Some(other) => Cell::Text(other.to_string()),
        })
        .collect()
}

/// The headings of an export: the columns' Japanese labels.
pub fn headers(spec: &ListSpec) -> Vec<&'static str> {
    spec.columns.iter().map(|c| c.label).collect()
}

/// A CSV export: UTF-8 with a BOM (Excel reads it as UTF-8), Japanese headings, CRLF.
pub fn csv_bytes(headers: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut put = |record: Vec<String>| {
        // Writing to memory does not fail; a failed row would only be left out.
        let _ = w.write_record(&record);
    };
    put(headers.iter().map(|h| h.to_string()).collect());
    for r in rows {
        put(r.iter().map(Cell::text).collect());
    }
    out.extend(w.into_inner().unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn statuses() -> Vec<(&'static str, &'static str)> {
        vec![("open", "未着手"), ("done", "完了")]
    }

    static SPEC: ListSpec = ListSpec {
        name: "things",
        title: "もの",
        columns: &[
            Column::sortable("code", "コード", "t.code"),
            Column::sortable("name", "名称", "t.name"),
            Column::plain("note", "備考"),
            Column::sortable("status", "状態", "t.status").shown_as("status_label"),
        ],
        search: &[Searched::code("t.code"), Searched::text("t.name")],
        filters: &[
            Filter {
                key: "status",
                label: "状態",
                sql: "t.status",
                kind: FilterKind::Choice(statuses),
            },
            Filter {
                key: "site_id",
                label: "拠点",
                sql: "t.site_id",
                kind: FilterKind::Id,
            },
            Filter {
                key: "from",
                label: "期間(開始)",
                sql: "t.at",
                kind: FilterKind::InstantFrom,
            },
            Filter {
                key: "to",
                label: "期間(終了)",
                sql: "t.at",
                kind: FilterKind::InstantTo,
            },
        ],
        default_sort: "code",
        default_desc: false,
        tie_break: "t.id",
    };

    fn params(pairs: &[(&str, &str)]) -> ListParams {
        let qs = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        serde_json::from_value(json!(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        ))
        .unwrap_or_else(|e| panic!("{qs}: {e}"))
    }

    #[test]
    fn full_width_and_dashes_become_the_code_as_stored() {
        assert_eq!(normalise_code("ＪＴ－０００１"), "jt-0001");
        assert_eq!(normalise_code("JTー0001"), "jt-0001");
        assert_eq!(normalise_code("jt‐0001"), "jt-0001");
        assert_eq!(normalise_code("ｊｔ—０００１"), "jt-0001");
        // Text keeps the long vowel mark of katakana.
        assert_eq!(normalise("センター"), "センター");
        assert_eq!(normalise("ｾﾝﾀｰ"), "センター");
        assert_eq!(normalise("  Ｃｈｕｏ　区 "), "chuo 区");
    }

    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(like_escape(r"50%_a\b"), r"50\%\_a\\b");
        assert_eq!(contains_pattern("a_b"), r"%a\_b%");
    }

    #[test]
    fn summaries_keep_the_first_line() {
        assert_eq!(shorten("短い", 10), "短い");
        assert_eq!(shorten("\n一行目\n二行目", 10), "一行目…");
        assert_eq!(shorten("あいうえおかきくけこさ", 5), "あいうえお…");
    }

    #[test]
    fn defaults_are_the_first_page_of_fifty_by_the_default_column() {
        let r = ListParams::default().check(&SPEC).expect("defaults");
        assert_eq!(
            (r.page, r.per_page, r.sort.key, r.desc),
            (1, 50, "code", false)
        );
        assert_eq!((r.limit(), r.offset()), (50, 0));
        assert_eq!(r.order_by(), "t.code ASC, t.id ASC");
        assert!(r.terms.is_empty() && r.conditions.is_empty() && r.format.is_none());
    }

    #[test]
    fn a_query_becomes_terms_sort_filters_and_a_page() {
        let r = params(&[
            ("q", "ＪＴ－０００１　中央"),
            ("sort", "name"),
            ("dir", "desc"),
            ("page", "3"),
            ("per_page", "20"),
            ("status", "done"),
            ("site_id", "7"),
            ("from", "2020-11-01"),
            ("to", "2020-11-30"),
            ("verify", "1"),
        ])
        .check(&SPEC)
        .expect("valid");
        assert_eq!(
            r.terms,
            vec![
                SearchTerm {
                    text: "%jt-0001%".into(),
                    code: "%jt-0001%".into()
                },
                SearchTerm {
                    text: "%中央%".into(),
                    code: "%中央%".into()
                }
            ]
        );
        assert_eq!(r.order_by(), "t.name DESC, t.id DESC");
        assert_eq!((r.limit(), r.offset()), (20, 40));
        let values: Vec<_> = r
            .conditions
            .iter()
            .map(|c| (c.op, c.value.clone().expect("bound")))
            .collect();
        assert_eq!(
            values,
            vec![
                ("=", SqlValue::Text("done".into())),
                ("=", SqlValue::Int(7)),
                // Midnight in Japan is 15:00 UTC the day before; "to" includes its whole day.
                (">=", SqlValue::Text("2020-10-31T15:00:00.000000Z".into())),
                ("<", SqlValue::Text("2020-11-30T15:00:00.000000Z".into())),
            ]
        );
    }

    #[test]
    fn bad_values_are_errors_naming_their_parameter() {
        let e = params(&[
            ("sort", "note"),
            ("dir", "up"),
            ("page", "0"),
            ("per_page", "30"),
            ("format", "pdf"),
            ("status", "lost"),
            ("site_id", "x"),
            ("from", "2020/11/01"),
        ])
        .check(&SPEC)
        .expect_err("invalid");
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "sort", "dir", "page", "per_page", "format", "status", "site_id", "from"
            ]
        );
        assert!(e.0[0].message.contains("note"), "{}", e.0[0].message);
        assert!(
            e.0[0].message.contains("code(コード)"),
            "{}",
            e.0[0].message
        );
        assert!(e.0[5].message.contains("done(完了)"), "{}", e.0[5].message);
        let long = "あ".repeat(MAX_SEARCH_CHARS + 1);
        let e = params(&[("q", &long)]).check(&SPEC).expect_err("too long");
        assert_eq!(e.0[0].field, "q");
    }

    #[test]
    fn empty_parameters_are_absent_and_exports_read_every_row_up_to_the_cap() {
        let r = params(&[
            ("q", " "),
            ("status", ""),
            ("sort", ""),
            ("format", "xlsx"),
            ("page", "4"),
        ])
        .check(&SPEC)
        .expect("valid");
        assert!(r.terms.is_empty() && r.conditions.is_empty());
        assert_eq!(r.format, Some(ExportFormat::Xlsx));
        assert_eq!((r.limit(), r.offset()), (i64::from(EXPORT_CAP), 0));
    }

    #[test]
    fn exports_write_the_columns_in_order_with_a_bom() {
        let row = json!({"code": "JT-0001", "name": "中央, 区", "note": null, "status": "done", "status_label": "完了", "extra": 1});
        let cells = cells_of(&SPEC, &row);
        assert_eq!(
            cells,
            vec![
                Cell::Text("JT-0001".into()),
                Cell::Text("中央, 区".into()),
                Cell::Empty,
                Cell::Text("完了".into())
            ]
        );
        let bytes = csv_bytes(
            &headers(&SPEC),
            &[cells, cells_of(&SPEC, &json!({"code": 5}))],
        );
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        assert_eq!(
            text,
            "コード,名称,備考,状態\r\nJT-0001,\"中央, 区\",,完了\r\n5,,,\r\n"
        );
    }
}
