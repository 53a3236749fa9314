//! The all-site plan (R4.4) as an Excel workbook for the City and the workers: a summary
//! with the deadline verdict and findings, every visit, and every worker-day.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use jukiops_domain::planner::Plan;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::DocumentError;

/// The plan and the names its ids stand for.
#[derive(Debug)]
pub struct PlanDocument<'a> {
    pub title: &'a str,
    pub plan: &'a Plan,
    pub worker_names: &'a HashMap<i64, String>,
    pub site_names: &'a HashMap<i64, String>,
    pub asset_numbers: &'a HashMap<i64, String>,
}

/// A row number for the sheet; a plan never nears Excel's row limit.
fn row_index(i: usize) -> Result<u32, DocumentError> {
    u32::try_from(i).map_err(|e| DocumentError(e.to_string()))
}

fn name_of(map: &HashMap<i64, String>, id: i64) -> String {
    map.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

/// One value of a sheet, written as what it is: text, a number, a date or a time of day,
/// so that Excel sorts, sums and filters them.
enum Value {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Time(NaiveTime),
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Self::Number(f64::from(n))
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Self {
        // Minutes of a plan: far below 2^53.
        Self::Number(n as f64)
    }
}

impl From<usize> for Value {
    fn from(n: usize) -> Self {
        // A count of terminals or visits: far below 2^53.
        Self::Number(n as f64)
    }
}

/// The formats of the sheets' cells: bordered, dates with their year and weekday.
struct Formats {
    header: Format,
    text: Format,
    number: Format,
    date: Format,
    time: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin);
        Self {
            header: Format::new()
                .set_bold()
                .set_background_color("#DCE6F1")
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center),
            number: cell.clone().set_num_format("#,##0"),
            date: cell.clone().set_num_format("yyyy/mm/dd(aaa)"),
            time: cell.clone().set_num_format("hh:mm"),
            text: cell,
        }
    }
}

fn column(col: usize) -> Result<u16, DocumentError> {
    u16::try_from(col).map_err(|e| DocumentError(e.to_string()))
}

fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &Value,
    f: &Formats,
) -> Result<(), DocumentError> {
    match value {
        Value::Text(s) => ws.write_string_with_format(row, col, s, &f.text)?,
        Value::Number(n) => ws.write_number_with_format(row, col, *n, &f.number)?,
        Value::Date(d) => ws.write_datetime_with_format(row, col, excel_date(*d)?, &f.date)?,
        Value::Time(t) => ws.write_datetime_with_format(row, col, excel_time(*t)?, &f.time)?,
    };
    Ok(())
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, DocumentError> {
    let part = |n: u32| u8::try_from(n).map_err(|e| DocumentError(e.to_string()));
    let year = u16::try_from(d.year()).map_err(|e| DocumentError(e.to_string()))?;
    Ok(ExcelDateTime::from_ymd(
        year,
        part(d.month())?,
        part(d.day())?,
    )?)
}

fn excel_time(t: NaiveTime) -> Result<ExcelDateTime, DocumentError> {
    let hour = u16::try_from(t.hour()).map_err(|e| DocumentError(e.to_string()))?;
    let minute = u8::try_from(t.minute()).map_err(|e| DocumentError(e.to_string()))?;
    Ok(ExcelDateTime::from_hms(
        hour,
        minute,
        f64::from(t.second()),
    )?)
}

fn write_row(
    ws: &mut Worksheet,
    row: u32,
    values: &[Value],
    f: &Formats,
) -> Result<(), DocumentError> {
    for (col, v) in values.iter().enumerate() {
        write_value(ws, row, column(col)?, v, f)?;
    }
    Ok(())
}

fn write_headings(
    ws: &mut Worksheet,
    heads: &[(&str, f64)],
    f: &Formats,
) -> Result<(), DocumentError> {
    for (col, (h, width)) in heads.iter().enumerate() {
        let col = column(col)?;
        ws.set_column_width(col, *width)?;
        ws.write_string_with_format(0, col, *h, &f.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn summary(ws: &mut Worksheet, d: &PlanDocument<'_>, f: &Formats) -> Result<(), DocumentError> {
    let p = d.plan;
    ws.set_name("計画概要")?;
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 60)?;
    ws.write_string_with_format(0, 0, d.title, &Format::new().set_bold().set_font_size(14))?;
    let yes_no = |b: bool| Value::from(if b { "はい" } else { "いいえ" });
    let rows: [(&str, Value); 11] = [
        ("作業開始日(1営業日目)", Value::Date(p.first_day)),
        ("期限(最終営業日)", Value::Date(p.deadline)),
        ("期限内に完了", yes_no(p.within_deadline)),
        (
            "最終作業日",
            p.totals.last_date.map_or(Value::from("なし"), Value::Date),
        ),
        ("使用営業日数(日)", p.totals.business_days_used.into()),
        ("延べ作業日数(人日)", p.totals.worker_days.into()),
        ("作業時間(分)", p.totals.work_minutes.into()),
        ("移動時間(分)", p.totals.travel_minutes.into()),
        ("合計(分)", p.totals.cost_minutes.into()),
        ("下限値(分)", p.lower_bound.cost_minutes.into()),
        (
            "下限値との差(%)",
            Value::Number((p.gap_percent * 10.0).round() / 10.0),
        ),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        let r = 2 + row_index(i)?;
        ws.write_string_with_format(r, 0, *k, &f.header)?;
        write_value(ws, r, 1, v, f)?;
    }
    let first = 3 + row_index(rows.len())?;
    ws.write_string_with_format(first, 0, "所見", &f.header)?;
    if p.findings.is_empty() {
        ws.write_string_with_format(first, 1, "なし", &f.text)?;
    }
    for (i, finding) in p.findings.iter().enumerate() {
        ws.write_string_with_format(first + row_index(i)?, 1, &finding.message, &f.text)?;
    }
    Ok(())
}

fn visits(ws: &mut Worksheet, d: &PlanDocument<'_>, f: &Formats) -> Result<(), DocumentError> {
    ws.set_name("訪問一覧")?;
    let heads = [
        ("日付", 16.0),
        ("作業従事者", 16.0),
        ("順", 5.0),
        ("拠点", 22.0),
        ("到着前の移動(分)", 10.0),
        ("開始", 8.0),
        ("終了", 8.0),
        ("台数", 6.0),
        ("統合端末", 60.0),
    ];
    write_headings(ws, &heads, f)?;
    for (i, v) in d.plan.visits.iter().enumerate() {
        let assets: Vec<String> = v
            .terminal_ids
            .iter()
            .map(|t| name_of(d.asset_numbers, *t))
            .collect();
        let values = [
            Value::Date(v.date),
            name_of(d.worker_names, v.worker_id).into(),
            v.order.into(),
            name_of(d.site_names, v.site_id).into(),
            v.travel_minutes_before.into(),
            Value::Time(v.start),
            Value::Time(v.end),
            v.terminal_ids.len().into(),
            assets.join("、").into(),
        ];
        write_row(ws, 1 + row_index(i)?, &values, f)?;
    }
    Ok(())
}

fn days(ws: &mut Worksheet, d: &PlanDocument<'_>, f: &Formats) -> Result<(), DocumentError> {
    ws.set_name("作業日別")?;
    let heads = [
        ("日付", 16.0),
        ("作業従事者", 16.0),
        ("出発", 8.0),
        ("帰着", 8.0),
        ("作業(分)", 10.0),
        ("移動(分)", 10.0),
    ];
    write_headings(ws, &heads, f)?;
    for (i, day) in d.plan.days.iter().enumerate() {
        let values = [
            Value::Date(day.date),
            name_of(d.worker_names, day.worker_id).into(),
            Value::Time(day.start),
            Value::Time(day.end),
            day.work_minutes.into(),
            day.travel_minutes.into(),
        ];
        write_row(ws, 1 + row_index(i)?, &values, f)?;
    }
    Ok(())
}

/// The workbook's bytes: 計画概要, 訪問一覧 and 作業日別 sheets, A4 landscape.
pub fn plan_workbook(d: &PlanDocument<'_>) -> Result<Vec<u8>, DocumentError> {
    let mut wb = Workbook::new();
    let f = Formats::new();
    let mut s = Worksheet::new();
    summary(&mut s, d, &f)?;
    let mut v = Worksheet::new();
    visits(&mut v, d, &f)?;
    let mut w = Worksheet::new();
    days(&mut w, d, &f)?;
    for ws in [&mut s, &mut v, &mut w] {
        ws.set_paper_size(9);
        ws.set_landscape();
    }
    wb.push_worksheet(s);
    wb.push_worksheet(v);
    wb.push_worksheet(w);
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};
    use chrono::NaiveDate;
    use jukiops_domain::calendar::BusinessCalendar;
    use jukiops_domain::contract::Contract;
    use jukiops_domain::planner::{PlanInput, PlanSite, PlanWorker, TravelModel, plan};

    use super::*;

    /// A date or time cell's Excel serial number; `None` for any other cell.
    fn serial(cell: &Data) -> Option<f64> {
        match cell {
            Data::DateTime(d) => Some(d.as_f64()),
            _ => None,
        }
    }

    fn date_serial(d: NaiveDate) -> f64 {
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
        (d - epoch).num_days() as f64
    }

    #[test]
    fn the_workbook_opens_in_a_reader_with_every_visit_and_finding() {
        let sites = vec![
            PlanSite {
                id: 1,
                code: "011011".into(),
                name: "札幌市中央区役所".into(),
                lat: Some(43.05536),
                lon: Some(141.34097),
                terminal_ids: vec![11, 12],
            },
            PlanSite {
                id: 2,
                code: "011029".into(),
                name: "札幌市北区役所".into(),
                lat: Some(43.09083),
                lon: Some(141.34083),
                terminal_ids: vec![21],
            },
        ];
        let input = PlanInput {
            // 文化の日: the plan starts on 11/4 and says why.
            start: NaiveDate::from_ymd_opt(2020, 11, 3).unwrap(),
            deadline_business_days: 3,
            sites,
            workers: vec![PlanWorker {
                id: 7,
                name: "作業 一郎".into(),
                available: None,
            }],
            work_minutes_per_terminal: 30,
            travel: TravelModel::sapporo_default(),
            depot: None,
        };
        let p = plan(&input, &BusinessCalendar::new(&Contract::builtin_default())).unwrap();
        let workers = HashMap::from([(7, "作業 一郎".to_string())]);
        let sites = HashMap::from([
            (1, "札幌市中央区役所".to_string()),
            (2, "札幌市北区役所".to_string()),
        ]);
        let assets = HashMap::from([
            (11, "JT-11".to_string()),
            (12, "JT-12".to_string()),
            (21, "JT-21".to_string()),
        ]);
        let bytes = plan_workbook(&PlanDocument {
            title: "テスト計画",
            plan: &p,
            worker_names: &workers,
            site_names: &sites,
            asset_numbers: &assets,
        })
        .unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let summary = book.worksheet_range("計画概要").unwrap();
        let text: Vec<String> = summary
            .rows()
            .flat_map(|r| r.iter().map(ToString::to_string))
            .collect();
        assert_eq!(text[0], "テスト計画");
        // The first business day is a date with its year, not text.
        let first_day = summary.get_value((2, 1)).unwrap();
        assert_eq!(
            serial(first_day),
            Some(date_serial(NaiveDate::from_ymd_opt(2020, 11, 4).unwrap())),
            "{first_day:?}"
        );
        assert!(matches!(summary.get_value((8, 1)), Some(Data::Float(_))));
        assert!(
            text.iter().any(|t| t.contains("文化の日")),
            "the finding is written: {text:?}"
        );
        let visits = book.worksheet_range("訪問一覧").unwrap();
        let rows: Vec<Vec<String>> = visits
            .rows()
            .map(|r| r.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(rows[0][0], "日付");
        assert_eq!(rows.len(), 1 + p.visits.len());
        assert!(
            rows.iter()
                .any(|r| r[3] == "札幌市北区役所" && r[8] == "JT-21"),
            "{rows:?}"
        );
        let north = visits.rows().find(|r| r[3] == "札幌市北区役所").unwrap();
        assert_eq!(north[7], Data::Float(1.0), "台数 is a number");
        assert!(matches!(north[4], Data::Float(_)), "移動 is a number");
        let planned = p.visits.iter().find(|v| v.site_id == 2).unwrap();
        let minutes = f64::from(planned.start.hour() * 60 + planned.start.minute());
        let start = serial(&north[5]).unwrap();
        assert!(
            (start - minutes / 1440.0).abs() < 1e-9,
            "開始 is a time of day: {start}"
        );
        assert_eq!(
            serial(&north[0]),
            Some(date_serial(planned.date)),
            "日付 is a date"
        );
        let days = book.worksheet_range("作業日別").unwrap();
        assert_eq!(days.rows().count(), 1 + p.days.len());
        assert!(matches!(days.get_value((1, 4)), Some(Data::Float(_))));
    }
}
