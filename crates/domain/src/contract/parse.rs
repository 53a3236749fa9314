//! Reading a contract file: the schema (which keys, which types) and the checks that
//! span several fields. The file format is documented by `sapporo-fy2020.toml`.

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};

use super::deliverables::read_deliverables;
use super::parties::{read_parties, read_sites};
use super::reader::{Item, Obj, Reader};
use super::values::{self, boolean, choice, count, date, text, time, year};
use super::{
    CategoryCode, ClosedDayRules, Contract, ContractError, ExpectedCount, ExtraClosedDay, MonthDay,
    MonthDayRange, Period, WorkCategory, WorkOrigin, WorkingHours,
};
use crate::approvals::ApprovalRoutes;
use crate::incidents::FaultLogRules;

const ORIGINS: &[(&str, WorkOrigin)] = &[
    ("jlis_notice", WorkOrigin::JlisNotice),
    ("city_order", WorkOrigin::CityOrder),
    ("incident", WorkOrigin::Incident),
];

pub(super) fn parse(text_in: &str) -> Result<Contract, Vec<ContractError>> {
    let (doc, syntax_errors) = DeTable::parse_recoverable(text_in);
    let mut r = Reader::new(text_in);
    for e in &syntax_errors {
        r.syntax_error(e);
    }
    let mut root = r.root(&doc);
    let name = r.req(&mut root, "name", text);
    let fiscal_year = r.req(&mut root, "fiscal_year", year);
    let period = read_period(&mut r, &mut root);
    if let (Some(fy), Some((start, end))) = (&fiscal_year, &period) {
        check_fiscal_year(&mut r, fy, start, end);
    }
    let working_hours = read_working_hours(&mut r, &mut root);
    let closed_days = read_closed_days(&mut r, &mut root);
    let deadline = r.req(&mut root, "all_site_deadline_business_days", count);
    if let Some(d) = deadline.as_ref().filter(|d| d.value < 1) {
        r.error_at(
            d,
            "1以上の営業日数を指定してください(仕様書 4の参考: 最短で3日以内)",
        );
    }
    let categories = read_categories(&mut r, &mut root);
    let sites = read_sites(&mut r, &mut root);
    let parties = read_parties(&mut r, &mut root);
    let approval_routes = read_approval_routes(&mut r, &mut root);
    let fault_logs = read_fault_logs(&mut r, &mut root);
    let deliverables = read_deliverables(&mut r, &mut root);
    r.finish(root);

    let errors = r.into_errors();
    let built = (|| {
        let (start, end) = period?;
        Some(Contract {
            name: name?.value,
            fiscal_year: fiscal_year?.value,
            period: Period {
                start: start.value,
                end: end.value,
            },
            categories,
            working_hours: working_hours?,
            closed_days: closed_days?,
            all_site_deadline_business_days: deadline?.value,
            sites,
            parties,
            approval_routes,
            fault_logs,
            deliverables,
        })
    })();
    match built {
        Some(contract) if errors.is_empty() => Ok(contract),
        _ if !errors.is_empty() => Err(errors),
        _ => Err(vec![ContractError::new(
            1,
            "",
            "契約ファイルを読み取れませんでした",
        )]),
    }
}

/// `[fault_logs]`: the days the City keeps fault logs and the largest file, in kilobytes;
/// either left out takes its default ([`FaultLogRules::default`]).
fn read_fault_logs(r: &mut Reader<'_>, root: &mut Obj<'_, '_>) -> FaultLogRules {
    let mut rules = FaultLogRules::default();
    let Some(mut t) = r.table(root, "fault_logs", false) else {
        return rules;
    };
    if let Some(days) = r.opt(&mut t, "retention_days", count) {
        if days.value < 1 {
            r.error_at(&days, "1日以上の保管日数を指定してください");
        }
        rules.retention_days = days.value;
    }
    if let Some(kb) = r.opt(&mut t, "max_kilobytes", count) {
        if kb.value < 1 || kb.value > 4096 {
            r.error_at(
                &kb,
                "1〜4096キロバイトを指定してください(サーバーが受け取る大きさの上限に収めます)",
            );
        }
        rules.max_kilobytes = kb.value;
    }
    r.finish(t);
    rules
}

/// `[approval_routes]`: for each kind of document, the posts of the City's 決裁 in order
/// (`procedure = ["担当", "係長"]`); a kind left out is decided by one City staff member.
fn read_approval_routes(r: &mut Reader<'_>, root: &mut Obj<'_, '_>) -> ApprovalRoutes {
    let Some(mut t) = r.table(root, "approval_routes", false) else {
        return ApprovalRoutes::default();
    };
    let mut posts = |r: &mut Reader<'_>, key| -> Vec<String> {
        let items = r.list(&mut t, key, text);
        let mut out: Vec<String> = Vec::new();
        for item in items {
            if out.contains(&item.value) {
                r.error_at(&item, "同じ職は1つのルートに1度だけ指定してください");
            }
            out.push(item.value);
        }
        out
    };
    let routes = ApprovalRoutes {
        procedure: posts(r, "procedure"),
        report: posts(r, "report"),
        combination: posts(r, "combination"),
    };
    r.finish(t);
    routes
}

type DateItem = Item<NaiveDate>;

fn read_period(r: &mut Reader<'_>, root: &mut Obj<'_, '_>) -> Option<(DateItem, DateItem)> {
    let mut obj = r.table(root, "period", true)?;
    let start = r.req(&mut obj, "start", date);
    let end = r.req(&mut obj, "end", date);
    r.finish(obj);
    let (start, end) = (start?, end?);
    if end.value < start.value {
        let message = format!(
            "終了日（{}）が開始日（{}）より前です",
            end.value, start.value
        );
        r.error_at(&end, message);
        return None;
    }
    Some((start, end))
}

/// The Japanese fiscal year runs April..March; the period must lie inside it.
fn check_fiscal_year(r: &mut Reader<'_>, fy: &Item<i32>, start: &DateItem, end: &DateItem) {
    let first = NaiveDate::from_ymd_opt(fy.value, 4, 1);
    let last = NaiveDate::from_ymd_opt(fy.value + 1, 3, 31);
    let (Some(first), Some(last)) = (first, last) else {
        return;
    };
    if !(first..=last).contains(&start.value) {
        let message = format!(
            "業務履行期間の開始日（{}）が{}年度（{first}〜{last}）に入っていません",
            start.value, fy.value
        );
        r.error_at(fy, message);
    } else if end.value > last {
        let message = format!(
            "業務履行期間は{}年度の末日（{last}）までにしてください",
            fy.value
        );
        r.error_at(end, message);
    }
}

fn read_working_hours(r: &mut Reader<'_>, root: &mut Obj<'_, '_>) -> Option<WorkingHours> {
    let mut obj = r.table(root, "working_hours", true)?;
    let start = r.req(&mut obj, "start", time);
    let end = r.req(&mut obj, "end", time);
    r.finish(obj);
    let (start, end) = (start?, end?);
    if end.value <= start.value {
        r.error_at(
            &end,
            format!("終業時刻は始業時刻（{}）より後にしてください", start.value),
        );
        return None;
    }
    Some(WorkingHours {
        start: start.value,
        end: end.value,
    })
}

fn month_day(v: &DeValue<'_>) -> Result<MonthDay, String> {
    values::string(v)?.parse()
}

fn read_closed_days(r: &mut Reader<'_>, root: &mut Obj<'_, '_>) -> Option<ClosedDayRules> {
    let mut obj = r.table(root, "closed_days", true)?;
    let weekends = r.req(&mut obj, "weekends", boolean);
    let national_holidays = r.req(&mut obj, "national_holidays", boolean);
    let mut year_end_ok = true;
    let year_end_break = r
        .table(&mut obj, "year_end_break", false)
        .and_then(|mut t| {
            let start = r.req(&mut t, "start", month_day);
            let end = r.req(&mut t, "end", month_day);
            r.finish(t);
            year_end_ok = start.is_some() && end.is_some();
            Some(MonthDayRange {
                start: start?.value,
                end: end?.value,
            })
        });
    let mut extra = Vec::new();
    let mut extra_ok = true;
    for mut t in r.tables(&mut obj, "extra") {
        let day = r.req(&mut t, "date", date);
        let reason = r.req(&mut t, "reason", text);
        r.finish(t);
        match (day, reason) {
            (Some(d), Some(why)) => extra.push(ExtraClosedDay {
                date: d.value,
                reason: why.value,
            }),
            _ => extra_ok = false,
        }
    }
    r.finish(obj);
    extra.sort_by_key(|d| d.date);
    (year_end_ok && extra_ok).then_some(())?;
    Some(ClosedDayRules {
        weekends: weekends?.value,
        national_holidays: national_holidays?.value,
        year_end_break,
        extra,
    })
}

fn category(v: &DeValue<'_>) -> Result<CategoryCode, String> {
    values::string(v)?
        .parse()
        .map_err(|e: super::UnknownCategory| e.to_string())
}

/// Who gave a category its expected count: `categories[i].expected` or a count group.
struct Owner {
    path: String,
    count: u32,
    group: Vec<CategoryCode>,
}

/// Reads `[[categories]]` and `[[expected_counts]]` (R1.1, R2-R4): all eight categories
/// exactly once; each category's count given at most once.
fn read_categories(r: &mut Reader<'_>, root: &mut Obj<'_, '_>) -> Vec<WorkCategory> {
    let first_span = root.span();
    let mut out: Vec<WorkCategory> = Vec::new();
    let mut owners: Vec<(CategoryCode, Owner)> = Vec::new();
    let mut codes_ok = true;
    let mut seen: Vec<(CategoryCode, String)> = Vec::new();
    let mut first: Option<std::ops::Range<usize>> = None;
    for mut t in r.tables(root, "categories") {
        first.get_or_insert(t.span());
        let code = r.req(&mut t, "code", category);
        let name = r.req(&mut t, "name", text);
        let description = r.req(&mut t, "description", text);
        let origin = r.req(&mut t, "origin", choice(ORIGINS));
        let expected = r.opt(&mut t, "expected", count);
        let path = t.path().to_string();
        r.finish(t);
        let Some(code) = code else {
            codes_ok = false;
            continue;
        };
        if let Some((_, other)) = seen.iter().find(|(c, _)| *c == code.value) {
            r.error_at(
                &code,
                format!(
                    "作業区分「{}」が重複しています（{other} と同じ）",
                    code.value
                ),
            );
            continue;
        }
        seen.push((code.value, path));
        if let Some(e) = &expected {
            let owner = Owner {
                path: e.path.clone(),
                count: e.value,
                group: vec![code.value],
            };
            owners.push((code.value, owner));
        }
        if let (Some(name), Some(description), Some(origin)) = (name, description, origin) {
            let (name, description, origin) = (name.value, description.value, origin.value);
            out.push(WorkCategory {
                code: code.value,
                name,
                description,
                origin,
                expected: None,
            });
        }
    }
    if codes_ok {
        let missing: Vec<&str> = CategoryCode::ALL
            .iter()
            .filter(|c| !seen.iter().any(|(s, _)| s == *c))
            .map(|c| c.kana())
            .collect();
        if !missing.is_empty() {
            let message = format!(
                "作業区分「{}」がありません（ア〜クの8つすべてを [[categories]] で指定してください）",
                missing.join("」「")
            );
            r.error(first.unwrap_or(first_span), "categories", message);
        }
    }
    read_count_groups(r, root, &mut owners);
    for c in &mut out {
        if let Some((_, o)) = owners.iter().find(|(code, _)| *code == c.code) {
            let shared_with = o.group.iter().copied().filter(|g| *g != c.code).collect();
            c.expected = Some(ExpectedCount {
                count: o.count,
                shared_with,
            });
        }
    }
    out.sort_by_key(|c| c.code);
    out
}

/// `[[expected_counts]]`: categories counted together (ウ・エ: 1, R2.3, R3.1).
fn read_count_groups(
    r: &mut Reader<'_>,
    root: &mut Obj<'_, '_>,
    owners: &mut Vec<(CategoryCode, Owner)>,
) {
    for mut t in r.tables(root, "expected_counts") {
        let codes = r.list(&mut t, "categories", category);
        let n = r.req(&mut t, "count", count);
        let (path, span) = (t.path().to_string(), t.span());
        r.finish(t);
        if codes.is_empty() {
            r.error(
                span,
                &format!("{path}.categories"),
                "作業区分を1つ以上指定してください",
            );
        }
        let group: Vec<CategoryCode> = codes.iter().map(|c| c.value).collect();
        let mut accepted: Vec<CategoryCode> = Vec::new();
        for c in &codes {
            if let Some((_, o)) = owners.iter().find(|(code, _)| *code == c.value) {
                let message = format!(
                    "作業区分「{}」の見込み回数は {} で既に指定されています",
                    c.value, o.path
                );
                r.error_at(c, message);
            } else if accepted.contains(&c.value) {
                r.error_at(c, format!("作業区分「{}」が重複しています", c.value));
            } else {
                accepted.push(c.value);
            }
        }
        let Some(n) = n else { continue };
        for code in accepted {
            let owner = Owner {
                path: path.clone(),
                count: n.value,
                group: group.clone(),
            };
            owners.push((code, owner));
        }
    }
}
