//! CSV import and export of the travel-time matrix (移動時間表) between site codes,
//! `from,to,minutes` (R4.4): the same conventions as the terminal register (UTF-8 or
//! CP932 in, UTF-8 with BOM and CRLF out, columns found by Japanese or English header,
//! every problem reported with its spreadsheet row and Japanese column name).

use std::collections::HashMap;

use super::model::TravelEntry;
use crate::inventory::csv::{CsvError, SourceEncoding, decode};

/// Japanese headers of the travel CSV, in export order.
pub const TRAVEL_HEADERS: [&str; 3] = ["出発拠点コード", "到着拠点コード", "移動時間（分）"];
/// English headers also accepted on import.
const TRAVEL_FIELDS: [&str; 3] = ["from", "to", "minutes"];
/// Longest travel time one row may give: a day.
pub const MAX_TRAVEL_MINUTES: u32 = 24 * 60;
/// Most data rows one import may carry (a full matrix of 1,000 sites).
pub const MAX_TRAVEL_ROWS: usize = 1_000_000;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes entries as CSV for Excel: UTF-8 with BOM, CRLF, Japanese header row.
pub fn write_travel_csv(entries: &[TravelEntry]) -> Vec<u8> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    w.write_record(TRAVEL_HEADERS)
        .expect("writing CSV into memory cannot fail");
    for e in entries {
        w.write_record([e.from.as_str(), e.to.as_str(), &e.minutes.to_string()])
            .expect("writing CSV into memory cannot fail");
    }
    w.into_inner()
        .expect("flushing CSV into memory cannot fail")
}

/// [`decode`] then [`parse_travel_csv`]: the whole import of an uploaded file.
pub fn import_travel_csv(
    bytes: &[u8],
) -> Result<(Vec<TravelEntry>, SourceEncoding), Vec<CsvError>> {
    let (text, encoding) = decode(bytes).map_err(|e| vec![e])?;
    parse_travel_csv(&text).map(|entries| (entries, encoding))
}

/// Parses a travel matrix: a header row (出発拠点コード・到着拠点コード・移動時間（分）,
/// or from・to・minutes, in any order), then one pair per row. Rows from a site to
/// itself with 0 minutes (a full matrix's diagonal) and exact repeats are skipped; a
/// pair given twice with different minutes is an error. All problems at once.
pub fn parse_travel_csv(text: &str) -> Result<Vec<TravelEntry>, Vec<CsvError>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            return Err(vec![file_error(
                "ファイルが空です。1行目に見出し、2行目以降にデータを入れてください。",
            )]);
        }
        Some(Err(e)) => {
            return Err(vec![row_error(
                1,
                None,
                format!("CSV として読み取れません({e})。"),
            )]);
        }
        Some(Ok(h)) => h,
    };
    let header_row = line_of(&header);
    let columns = read_header(header_row, &header)?;
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    let mut seen: HashMap<(String, String), (u32, usize)> = HashMap::new();
    for result in records {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                errors.push(file_error(&format!("CSV として読み取れません({e})。")));
                break;
            }
        };
        let row = line_of(&record);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if entries.len() + errors.len() >= MAX_TRAVEL_ROWS {
            errors.push(row_error(
                row,
                None,
                format!("データ行が多すぎます。1回に取り込めるのは {MAX_TRAVEL_ROWS} 行までです。"),
            ));
            break;
        }
        let cell = |k: usize| {
            record
                .get(columns[k])
                .map(str::trim)
                .unwrap_or_default()
                .to_owned()
        };
        let (from, to, minutes_text) = (cell(0), cell(1), cell(2));
        let before = errors.len();
        for (k, v) in [&from, &to, &minutes_text].into_iter().enumerate() {
            if v.is_empty() {
                errors.push(row_error(
                    row,
                    Some(k),
                    format!("{}を入力してください。", TRAVEL_HEADERS[k]),
                ));
            }
        }
        let minutes = parse_minutes(&minutes_text);
        if minutes.is_none() && !minutes_text.is_empty() {
            errors.push(row_error(
                row,
                Some(2),
                format!("移動時間（分）は0〜{MAX_TRAVEL_MINUTES}の整数で入力してください（「{minutes_text}」）。"),
            ));
        }
        let (Some(minutes), true) = (minutes, errors.len() == before) else {
            continue;
        };
        if from == to {
            if minutes != 0 {
                errors.push(row_error(
                    row,
                    Some(1),
                    "出発拠点と到着拠点が同じです。".to_owned(),
                ));
            }
            continue;
        }
        match seen.get(&(from.clone(), to.clone())) {
            Some(&(m, _)) if m == minutes => {}
            Some(&(m, first)) => errors.push(row_error(
                row,
                Some(2),
                format!("{from}→{to}の移動時間が{first}行目（{m}分）と異なります。"),
            )),
            None => {
                seen.insert((from.clone(), to.clone()), (minutes, row));
                entries.push(TravelEntry { from, to, minutes });
            }
        }
    }
    if errors.is_empty() && entries.is_empty() {
        errors.push(file_error(
            "取り込むデータがありません。2行目以降に拠点間の移動時間を1行ずつ入れてください。",
        ));
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// Where 出発拠点コード, 到着拠点コード and 移動時間（分） are in the file.
fn read_header(row: usize, header: &::csv::StringRecord) -> Result<[usize; 3], Vec<CsvError>> {
    let mut found: [Option<usize>; 3] = [None; 3];
    let mut errors = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim_start_matches('\u{FEFF}').trim();
        if name.is_empty() {
            continue;
        }
        let k = (0..3)
            .find(|&k| TRAVEL_HEADERS[k] == name || TRAVEL_FIELDS[k].eq_ignore_ascii_case(name));
        match k {
            Some(k) if found[k].is_some() => errors.push(row_error(
                row,
                Some(k),
                "同じ列が2回以上あります。".to_owned(),
            )),
            Some(k) => found[k] = Some(i),
            None => errors.push(CsvError {
                row: Some(row),
                column: Some(name.to_owned()),
                message: format!(
                    "「{name}」という列は取り込めません。使える列名は {} です。",
                    TRAVEL_HEADERS.join("・")
                ),
            }),
        }
    }
    for k in 0..3 {
        if found[k].is_none() {
            errors.push(row_error(
                row,
                Some(k),
                format!("必須の列「{}」がありません。", TRAVEL_HEADERS[k]),
            ));
        }
    }
    match (found, errors.is_empty()) {
        ([Some(a), Some(b), Some(c)], true) => Ok([a, b, c]),
        _ => Err(errors),
    }
}

/// Whole minutes 0..=[`MAX_TRAVEL_MINUTES`]; full-width digits as typed in Japanese
/// input mode are accepted.
fn parse_minutes(text: &str) -> Option<u32> {
    let ascii: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect();
    ascii
        .parse::<u32>()
        .ok()
        .filter(|&m| m <= MAX_TRAVEL_MINUTES)
}

/// The spreadsheet row of a record (header = row 1).
fn line_of(record: &::csv::StringRecord) -> usize {
    record
        .position()
        .and_then(|p| usize::try_from(p.line()).ok())
        .unwrap_or(1)
}

fn file_error(message: &str) -> CsvError {
    CsvError {
        row: None,
        column: None,
        message: message.to_owned(),
    }
}

fn row_error(row: usize, column: Option<usize>, message: String) -> CsvError {
    CsvError {
        row: Some(row),
        column: column.map(|k| TRAVEL_HEADERS[k].to_owned()),
        message,
    }
}
