//! The all-site plan (R4.4) as an Excel workbook for the City and the workers: a summary
//! with the deadline verdict and findings, every visit, and every worker-day.

use std::collections::HashMap;

use jukiops_domain::planner::{Plan, date_ja};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

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

fn header() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#DCE6F1")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
}

fn cell() -> Format {
    Format::new().set_border(FormatBorder::Thin)
}

/// A row number for the sheet; a plan never nears Excel's row limit.
fn row_index(i: usize) -> Result<u32, DocumentError> {
    u32::try_from(i).map_err(|e| DocumentError(e.to_string()))
}

fn name_of(map: &HashMap<i64, String>, id: i64) -> String {
    map.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

fn write_row(
    ws: &mut Worksheet,
    row: u32,
    values: &[String],
    format: &Format,
) -> Result<(), DocumentError> {
    for (col, v) in values.iter().enumerate() {
        let col = u16::try_from(col).map_err(|e| DocumentError(e.to_string()))?;
        ws.write_string_with_format(row, col, v, format)?;
    }
    Ok(())
}

fn summary(ws: &mut Worksheet, d: &PlanDocument<'_>) -> Result<(), DocumentError> {
    let p = d.plan;
    ws.set_name("計画概要")?;
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 60)?;
    ws.write_string_with_format(0, 0, d.title, &Format::new().set_bold().set_font_size(14))?;
    let yes_no = |b: bool| if b { "はい" } else { "いいえ" }.to_string();
    let rows = [
        ("作業開始日(1営業日目)", date_ja(p.first_day)),
        ("期限(最終営業日)", date_ja(p.deadline)),
        ("期限内に完了", yes_no(p.within_deadline)),
        (
            "最終作業日",
            p.totals
                .last_date
                .map(date_ja)
                .unwrap_or_else(|| "なし".into()),
        ),
        ("使用営業日数", format!("{}日", p.totals.business_days_used)),
        (
            "延べ作業日数(人日)",
            format!("{}人日", p.totals.worker_days),
        ),
        ("作業時間(分)", p.totals.work_minutes.to_string()),
        ("移動時間(分)", p.totals.travel_minutes.to_string()),
        ("合計(分)", p.totals.cost_minutes.to_string()),
        ("下限値(分)", p.lower_bound.cost_minutes.to_string()),
        ("下限値との差", format!("{:.1}%", p.gap_percent)),
    ];
    let (h, c) = (header(), cell());
    for (i, (k, v)) in rows.iter().enumerate() {
        let r = 2 + row_index(i)?;
        ws.write_string_with_format(r, 0, *k, &h)?;
        ws.write_string_with_format(r, 1, v, &c)?;
    }
    let first = 3 + row_index(rows.len())?;
    ws.write_string_with_format(first, 0, "所見", &h)?;
    if p.findings.is_empty() {
        ws.write_string_with_format(first, 1, "なし", &c)?;
    }
    for (i, f) in p.findings.iter().enumerate() {
        ws.write_string_with_format(first + row_index(i)?, 1, &f.message, &c)?;
    }
    Ok(())
}

fn visits(ws: &mut Worksheet, d: &PlanDocument<'_>) -> Result<(), DocumentError> {
    ws.set_name("訪問一覧")?;
    let heads = [
        "日付",
        "作業従事者",
        "順",
        "拠点",
        "到着前の移動(分)",
        "開始",
        "終了",
        "台数",
        "統合端末",
    ];
    for (col, w) in [14, 16, 4, 22, 10, 8, 8, 6, 60].iter().enumerate() {
        ws.set_column_width(u16::try_from(col).unwrap_or(0), *w)?;
    }
    write_row(ws, 0, &heads.map(String::from), &header())?;
    let c = cell();
    for (i, v) in d.plan.visits.iter().enumerate() {
        let row = 1 + row_index(i)?;
        let assets: Vec<String> = v
            .terminal_ids
            .iter()
            .map(|t| name_of(d.asset_numbers, *t))
            .collect();
        write_row(
            ws,
            row,
            &[
                date_ja(v.date),
                name_of(d.worker_names, v.worker_id),
                v.order.to_string(),
                name_of(d.site_names, v.site_id),
                v.travel_minutes_before.to_string(),
                v.start.format("%H:%M").to_string(),
                v.end.format("%H:%M").to_string(),
                v.terminal_ids.len().to_string(),
                assets.join("、"),
            ],
            &c,
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn days(ws: &mut Worksheet, d: &PlanDocument<'_>) -> Result<(), DocumentError> {
    ws.set_name("作業日別")?;
    let heads = ["日付", "作業従事者", "出発", "帰着", "作業(分)", "移動(分)"];
    for (col, w) in [14, 16, 8, 8, 10, 10].iter().enumerate() {
        ws.set_column_width(u16::try_from(col).unwrap_or(0), *w)?;
    }
    write_row(ws, 0, &heads.map(String::from), &header())?;
    let c = cell();
    for (i, day) in d.plan.days.iter().enumerate() {
        let row = 1 + row_index(i)?;
        write_row(
            ws,
            row,
            &[
                date_ja(day.date),
                name_of(d.worker_names, day.worker_id),
                day.start.format("%H:%M").to_string(),
                day.end.format("%H:%M").to_string(),
                day.work_minutes.to_string(),
                day.travel_minutes.to_string(),
            ],
            &c,
        )?;
    }
    Ok(())
}

/// The workbook's bytes: 計画概要, 訪問一覧 and 作業日別 sheets, A4 landscape.
pub fn plan_workbook(d: &PlanDocument<'_>) -> Result<Vec<u8>, DocumentError> {
    let mut wb = Workbook::new();
    let mut s = Worksheet::new();
    summary(&mut s, d)?;
    let mut v = Worksheet::new();
    visits(&mut v, d)?;
    let mut w = Worksheet::new();
    days(&mut w, d)?;
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

    use calamine::{Reader, Xlsx};
    use chrono::NaiveDate;
    use jukiops_domain::calendar::BusinessCalendar;
    use jukiops_domain::contract::Contract;
    use jukiops_domain::planner::{PlanInput, PlanSite, PlanWorker, TravelModel, plan};

    use super::*;

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
        assert!(text.contains(&"11月4日(水)".to_string()), "{text:?}");
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
        assert_eq!(
            book.worksheet_range("作業日別").unwrap().rows().count(),
            1 + p.days.len()
        );
    }
}
