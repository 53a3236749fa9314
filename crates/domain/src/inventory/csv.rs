//! CSV import and export of the terminal register (端末台帳), R4.2 / R9.3.
//!
//! City staff keep the register in Excel, so the format follows what Excel in Japan
//! reads and writes:
//!
//! * export is UTF-8 **with** a BOM (without it Excel opens the file as CP932 and the
//!   Japanese text is garbled), CRLF line endings and a Japanese header row;
//! * import accepts UTF-8 (with or without BOM) and CP932 / Shift_JIS, which is what
//!   "CSV (コンマ区切り)" in Japanese Excel saves;
//! * columns are found by header name, in any order, so a sheet whose columns were
//!   moved or which carries the export-only columns can be imported as is;
//! * cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at
//!   the start) get a leading apostrophe on export (OWASP "CSV injection"); import
//!   removes that apostrophe again, so export → import is lossless;
//! * every problem is reported with the row number as the spreadsheet shows it (the
//!   header is row 1) and the Japanese column name, all at once.
//!
//! Pure functions on bytes and strings; reading files and storing rows live elsewhere.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{AssetStatus, TerminalDraft, TerminalInput};

/// Most data rows one import may carry (R4.2); larger files are refused as a whole.
pub const MAX_IMPORT_ROWS: usize = 20_000;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One column of the terminal CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    AssetNumber,
    Serial,
    Model,
    SiteCode,
    SiteName,
    Room,
    Lessor,
    LeaseStart,
    LeaseEnd,
    Status,
    TouchPanelAssetNumber,
}

impl Column {
    /// Export order.
    const ALL: [Column; 11] = [
        Self::AssetNumber,
        Self::Serial,
        Self::Model,
        Self::SiteCode,
        Self::SiteName,
        Self::Room,
        Self::Lessor,
        Self::LeaseStart,
        Self::LeaseEnd,
        Self::Status,
        Self::TouchPanelAssetNumber,
    ];

    /// Header as exported (and as staff see it).
    fn label_ja(self) -> &'static str {
        match self {
            Self::AssetNumber => "資産番号",
            Self::Serial => "製造番号",
            Self::Model => "機種",
            Self::SiteCode => "拠点コード",
            Self::SiteName => "拠点名",
            Self::Room => "設置場所",
            Self::Lessor => "賃貸業者",
            Self::LeaseStart => "リース開始日",
            Self::LeaseEnd => "リース終了日",
            Self::Status => "状態",
            Self::TouchPanelAssetNumber => "タッチパネル資産番号",
        }
    }

    /// Machine name: the `TerminalInput` field, also accepted as a header.
    fn field(self) -> &'static str {
        match self {
            Self::AssetNumber => "asset_number",
            Self::Serial => "serial",
            Self::Model => "model",
            Self::SiteCode => "site_code",
            Self::SiteName => "site_name",
            Self::Room => "room",
            Self::Lessor => "lessor",
            Self::LeaseStart => "lease_start",
            Self::LeaseEnd => "lease_end",
            Self::Status => "status",
            Self::TouchPanelAssetNumber => "touch_panel_asset_number",
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            Self::AssetNumber | Self::Serial | Self::Model | Self::SiteCode
        )
    }

    fn from_header(h: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.label_ja() == h || c.field().eq_ignore_ascii_case(h))
    }

    fn from_field(f: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.field() == f)
    }
}

/// The header row of an exported terminal CSV, in column order (R4.2).
pub const TERMINAL_HEADERS: [&str; 11] = [
    "資産番号",
    "製造番号",
    "機種",
    "拠点コード",
    "拠点名",
    "設置場所",
    "賃貸業者",
    "リース開始日",
    "リース終了日",
    "状態",
    "タッチパネル資産番号",
];

/// One exported row of the terminal register (R4.2): a terminal plus the name of its
/// site and the asset number of its linked touch panel, for reading in Excel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerminalCsvRow {
    pub asset_number: String,
    pub serial: String,
    pub model: String,
    pub site_code: String,
    /// 拠点名: export only, ignored on import.
    pub site_name: String,
    pub room: Option<String>,
    pub lessor: Option<String>,
    pub lease_start: Option<NaiveDate>,
    pub lease_end: Option<NaiveDate>,
    pub status: AssetStatus,
    /// タッチパネル資産番号: export only, ignored on import.
    pub touch_panel_asset_number: Option<String>,
}

impl TerminalCsvRow {
    /// A row for `draft`, with the export-only site name and touch panel.
    pub fn from_draft(
        draft: &TerminalDraft,
        site_name: impl Into<String>,
        touch_panel_asset_number: Option<String>,
    ) -> Self {
        Self {
            asset_number: draft.asset_number.clone(),
            serial: draft.serial.clone(),
            model: draft.model.clone(),
            site_code: draft.site_code.clone(),
            site_name: site_name.into(),
            room: draft.room.clone(),
            lessor: draft.lessor.clone(),
            lease_start: draft.lease_start,
            lease_end: draft.lease_end,
            status: draft.status,
            touch_panel_asset_number,
        }
    }

    fn cell(&self, c: Column) -> String {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let date = |d: Option<NaiveDate>| {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        match c {
            Column::AssetNumber => self.asset_number.clone(),
            Column::Serial => self.serial.clone(),
            Column::Model => self.model.clone(),
            Column::SiteCode => self.site_code.clone(),
            Column::SiteName => self.site_name.clone(),
            Column::Room => opt(&self.room),
            Column::Lessor => opt(&self.lessor),
            Column::LeaseStart => date(self.lease_start),
            Column::LeaseEnd => date(self.lease_end),
            Column::Status => self.status.label_ja().to_string(),
            Column::TouchPanelAssetNumber => opt(&self.touch_panel_asset_number),
        }
    }
}

/// One problem in an imported CSV (R4.2), shown to staff as is.
///
/// `row` is the row number as the spreadsheet shows it (the header is row 1);
/// `column` is the Japanese column name. Either is `None` when it does not apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvError {
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl CsvError {
    fn file(message: impl Into<String>) -> Self {
        Self {
            row: None,
            column: None,
            message: message.into(),
        }
    }
    fn row(row: usize, message: impl Into<String>) -> Self {
        Self {
            row: Some(row),
            column: None,
            message: message.into(),
        }
    }
    fn cell(row: usize, column: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            row: Some(row),
            column: Some(column.into()),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for CsvError {
    /// `3行目 「製造番号」: 製造番号を入力してください。`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, "{r}行目 「{c}」: {}", self.message),
            (Some(r), None) => write!(f, "{r}行目: {}", self.message),
            (None, Some(c)) => write!(f, "「{c}」: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CsvError {}

/// The character encoding an imported file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceEncoding {
    /// UTF-8 without BOM.
    Utf8,
    /// UTF-8 with BOM ("CSV UTF-8" in Excel).
    Utf8Bom,
    /// CP932 / Windows-31J, the Shift_JIS superset Japanese Excel saves.
    Cp932,
}

// ---------------------------------------------------------------------------------
// Formula (CSV) injection guard
// ---------------------------------------------------------------------------------

fn is_formula_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Prefixes `'` to a cell a spreadsheet would treat as a formula (OWASP CSV injection).
///
/// Cells that already are apostrophes followed by a trigger get one more, so that
/// [`unescape_formula`] restores every value exactly.
fn escape_formula(v: &str) -> String {
    if v.trim_start_matches('\'').starts_with(is_formula_trigger) {
        format!("'{v}")
    } else {
        v.to_string()
    }
}

/// Undoes [`escape_formula`]: drops one leading `'` before a formula trigger.
fn unescape_formula(v: &str) -> &str {
    match v.strip_prefix('\'') {
        Some(rest)
            if rest
                .trim_start_matches('\'')
                .starts_with(is_formula_trigger) =>
        {
            rest
        }
        _ => v,
    }
}

/// Puts back, in each of `codes`, the leading zeros Excel dropped ([`restore_site_code`]).
pub fn restore_site_codes<'a, S: AsRef<str>>(
    codes: impl IntoIterator<Item = &'a mut String>,
    known: &[S],
) {
    for code in codes {
        if let Some(k) = restore_site_code(code, known) {
            *code = k;
        }
    }
}

/// The site code Excel meant: a sheet opened and saved in Excel turns `011029` into
/// `11029`. A code that is not known, all digits, and equal to exactly one known all-digit
/// code once leading zeros are dropped, is that code.
pub fn restore_site_code<S: AsRef<str>>(code: &str, known: &[S]) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(code) || known.iter().any(|k| k.as_ref() == code) {
        return None;
    }
    let bare = code.trim_start_matches('0');
    let mut matches = known
        .iter()
        .map(AsRef::as_ref)
        .filter(|k| digits(k) && k.len() > code.len() && k.trim_start_matches('0') == bare);
    match (matches.next(), matches.next()) {
        (Some(k), None) => Some(k.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------

/// An error of the import's row `row`, named as `rows[row].field` and read with the row's
/// number and the column's Japanese name.
pub fn at_row(row: usize, e: crate::FieldError) -> crate::FieldError {
    let label = super::field_label(&e.field);
    crate::FieldError::new(
        format!("rows[{row}].{}", e.field),
        format!("{row}行目「{label}」: {}", e.message),
    )
}

/// Writes the terminal register as CSV for Excel (R4.2, R9.3): UTF-8 with BOM, CRLF,
/// the Japanese header row [`TERMINAL_HEADERS`], RFC 4180 quoting, and a leading `'`
/// on cells that would otherwise run as a formula.
pub fn write_terminals(rows: &[TerminalCsvRow]) -> Vec<u8> {
    let mut out = Vec::with_capacity(BOM.len() + 128 * (rows.len() + 1));
    out.extend_from_slice(BOM);
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(out);
    w.write_record(Column::ALL.map(Column::label_ja))
        .expect("writing CSV into memory cannot fail");
    for row in rows {
        w.write_record(Column::ALL.map(|c| escape_formula(&row.cell(c))))
            .expect("writing CSV into memory cannot fail");
    }
    w.into_inner()
        .expect("flushing CSV into memory cannot fail")
}

// ---------------------------------------------------------------------------------
// Decode
// ---------------------------------------------------------------------------------

/// The 1-based line at the end of `prefix`: one more than the newlines in it.
fn line_of(prefix: &[u8]) -> usize {
    prefix.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Reads an uploaded file as text (R4.2): UTF-8 (a BOM is removed) when the bytes are
/// valid UTF-8, otherwise CP932 / Shift_JIS. Fails with a Japanese message when the
/// file is neither.
pub fn decode(bytes: &[u8]) -> Result<(String, SourceEncoding), CsvError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(CsvError::file(
            "UTF-16 (Unicode テキスト) のファイルには対応していません。\
             Excel で「CSV UTF-8 (コンマ区切り)」または「CSV (コンマ区切り)」形式で保存し直してください。",
        ));
    }
    if let Some(rest) = bytes.strip_prefix(BOM) {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_string(), SourceEncoding::Utf8Bom)),
            Err(e) => Err(CsvError::file(format!(
                "{}行目付近に UTF-8 として読めない文字があります。\
                 ファイルが壊れていないか確認し、CSV UTF-8 形式で保存し直してください。",
                line_of(&rest[..e.valid_up_to()])
            ))),
        };
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), SourceEncoding::Utf8));
    }
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    if had_errors {
        // U+FFFD cannot come from valid CP932, so the first one marks the bad spot.
        let at = text.find('\u{FFFD}').unwrap_or(text.len());
        return Err(CsvError::file(format!(
            "文字コードを判別できません({}行目付近に UTF-8 としても Shift_JIS (CP932) としても読めない文字があります)。\
             CSV UTF-8 または CSV (コンマ区切り) 形式で保存し直してください。",
            line_of(&text.as_bytes()[..at])
        )));
    }
    Ok((text.into_owned(), SourceEncoding::Cp932))
}

// ---------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------

/// Where each known column sits in the file.
#[derive(Debug)]
struct Layout {
    width: usize,
    index: HashMap<Column, usize>,
}

fn read_header(header_row: usize, header: &::csv::StringRecord) -> Result<Layout, Vec<CsvError>> {
    let mut errors = Vec::new();
    let mut index = HashMap::new();
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim_start_matches('\u{FEFF}').trim();
        if name.is_empty() {
            // Excel often keeps empty trailing columns; data under them is checked per row.
            continue;
        }
        match Column::from_header(name) {
            Some(c) => {
                if index.insert(c, i).is_some() {
                    errors.push(CsvError::cell(
                        header_row,
                        c.label_ja(),
                        "同じ列が2回以上あります。",
                    ));
                }
            }
            None => errors.push(CsvError::cell(
                header_row,
                name,
                format!(
                    "「{name}」という列は取り込めません。使える列名は {} です。",
                    TERMINAL_HEADERS.join("・")
                ),
            )),
        }
    }
    for c in Column::ALL.into_iter().filter(|c| c.required()) {
        if !index.contains_key(&c) {
            errors.push(CsvError::cell(
                header_row,
                c.label_ja(),
                format!("必須の列「{}」がありません。", c.label_ja()),
            ));
        }
    }
    if errors.is_empty() {
        Ok(Layout {
            width: header.len(),
            index,
        })
    } else {
        Err(errors)
    }
}

/// Line breaks (CRLF, LF or CR) at the start of `rest`: the previous record's
/// terminator plus one per empty line. The csv reader reports a record's position at
/// the terminator of the record before it.
fn row_breaks(rest: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while let Some(&b) = rest.get(i) {
        match b {
            b'\r' if rest.get(i + 1) == Some(&b'\n') => i += 2,
            b'\r' | b'\n' => i += 1,
            _ => break,
        }
        n += 1;
    }
    n
}

fn is_blank(record: &::csv::StringRecord) -> bool {
    record.iter().all(|f| f.trim().is_empty())
}

/// Turns one data record into a terminal input; the cell under each column, trimmed
/// and with the formula-guard apostrophe removed.
fn to_input(layout: &Layout, record: &::csv::StringRecord) -> TerminalInput {
    let get = |c: Column| -> Option<String> {
        let i = *layout.index.get(&c)?;
        let v = unescape_formula(record.get(i)?.trim());
        Some(v.to_string())
    };
    let opt = |c: Column| get(c).filter(|v| !v.is_empty());
    TerminalInput {
        asset_number: get(Column::AssetNumber).unwrap_or_default(),
        serial: get(Column::Serial).unwrap_or_default(),
        model: get(Column::Model).unwrap_or_default(),
        site_code: get(Column::SiteCode).unwrap_or_default(),
        room: opt(Column::Room),
        lessor: opt(Column::Lessor),
        lease_start: opt(Column::LeaseStart),
        lease_end: opt(Column::LeaseEnd),
        status: opt(Column::Status),
    }
}

/// Remembers the first row of each value of a column that must be unique in the file.
#[derive(Debug)]
struct Unique {
    column: Column,
    seen: HashMap<String, usize>,
}

impl Unique {
    fn new(column: Column) -> Self {
        Self {
            column,
            seen: HashMap::new(),
        }
    }
    fn check(&mut self, row: usize, value: &str, errors: &mut Vec<CsvError>) {
        if value.is_empty() {
            return;
        }
        match self.seen.get(value) {
            Some(&first) => {
                let label = self.column.label_ja();
                errors.push(CsvError::cell(
                    row,
                    label,
                    format!("{label}「{value}」は{first}行目と重複しています。"),
                ));
            }
            None => {
                self.seen.insert(value.to_string(), row);
            }
        }
    }
}

/// Parses and checks an imported terminal register (R4.2, R9.3).
///
/// The first row must be the header; columns are matched by name (the Japanese
/// headers of [`write_terminals`] or the English field names such as `asset_number`)
/// in any order, and the export-only columns 拠点名 and タッチパネル資産番号 are
/// ignored. Every data row is checked with [`TerminalInput::validate`], and 資産番号
/// and 製造番号 must not repeat within the file. All problems are returned together,
/// each with the row number as the spreadsheet shows it (header = row 1) and the
/// Japanese column name. On success each draft comes with its row number.
pub fn parse_terminals(text: &str) -> Result<Vec<(usize, TerminalDraft)>, Vec<CsvError>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    // csv skips empty lines before the header; the spreadsheet still counts them.
    let header_row = 1 + row_breaks(text.as_bytes());

    let header = match records.next() {
        None => {
            return Err(vec![CsvError::file(
                "ファイルが空です。1行目に見出し、2行目以降にデータを入れてください。",
            )]);
        }
        Some(Err(e)) => {
            return Err(vec![CsvError::row(
                header_row,
                format!("CSV として読み取れません({e})。"),
            )]);
        }
        Some(Ok(h)) => h,
    };
    if is_blank(&header) {
        return Err(vec![CsvError::row(
            header_row,
            "見出しの行が空です。1行目に見出し(資産番号・製造番号・機種・拠点コード など)を入れてください。",
        )]);
    }
    let layout = read_header(header_row, &header)?;

    let mut errors = Vec::new();
    let mut drafts = Vec::new();
    let mut data_rows = 0usize;
    let mut asset_numbers = Unique::new(Column::AssetNumber);
    let mut serials = Unique::new(Column::Serial);
    // The spreadsheet shows empty lines as rows (csv skips them) and a cell with line
    // breaks as one row, so count the line breaks between records.
    let mut row = header_row;

    for result in records {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                errors.push(CsvError::row(
                    row + 1,
                    format!("CSV として読み取れません({e})。"),
                ));
                break;
            }
        };
        let gap = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .and_then(|at| text.as_bytes().get(at..))
            .map_or(1, row_breaks);
        row += gap.max(1);

        if is_blank(&record) {
            continue;
        }
        data_rows += 1;
        if data_rows > MAX_IMPORT_ROWS {
            errors.push(CsvError::row(
                row,
                format!("データ行が多すぎます。1回に取り込めるのは {MAX_IMPORT_ROWS} 行までです。ファイルを分けてください。"),
            ));
            break;
        }
        if record.len() != layout.width {
            errors.push(CsvError::row(
                row,
                format!(
                    "列の数が見出しと合いません(見出しは{}列、この行は{}列)。セル内のコンマや「\"」の使い方を確認してください。",
                    layout.width,
                    record.len()
                ),
            ));
            continue;
        }
        let input = to_input(&layout, &record);
        asset_numbers.check(row, &input.asset_number, &mut errors);
        serials.check(row, &input.serial, &mut errors);
        match input.check() {
            Ok(draft) => drafts.push((row, draft)),
            Err(field_errors) => errors.extend(field_errors.0.into_iter().map(|fe| {
                let column =
                    Column::from_field(&fe.field).map_or(fe.field, |c| c.label_ja().to_string());
                CsvError::cell(row, column, fe.message)
            })),
        }
        // Data under a column without a header would be silently lost.
        for (i, v) in record.iter().enumerate() {
            let headed = header.get(i).is_some_and(|h| !h.trim().is_empty());
            if !headed && !v.trim().is_empty() {
                errors.push(CsvError::row(
                    row,
                    format!("{}列目に見出しがありませんがデータが入っています。", i + 1),
                ));
            }
        }
    }

    if errors.is_empty() && data_rows == 0 {
        errors.push(CsvError::file(
            "取り込むデータがありません。2行目以降に端末を1行ずつ入れてください。",
        ));
    }
    if errors.is_empty() {
        Ok(drafts)
    } else {
        Err(errors)
    }
}

/// Checked terminals, each with its spreadsheet row number (header = row 1).
pub type NumberedDrafts = Vec<(usize, TerminalDraft)>;

/// [`decode`] then [`parse_terminals`]: the whole import of an uploaded file (R4.2).
pub fn import_terminals(bytes: &[u8]) -> Result<(NumberedDrafts, SourceEncoding), Vec<CsvError>> {
    let (text, encoding) = decode(bytes).map_err(|e| vec![e])?;
    parse_terminals(&text).map(|rows| (rows, encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_codes_get_back_the_zeros_excel_dropped() {
        let known = ["011011", "011029", "kikusui", "1100", "01100"];
        assert_eq!(
            restore_site_code("11029", &known).as_deref(),
            Some("011029")
        );
        assert_eq!(restore_site_code("011029", &known), None, "already known");
        assert_eq!(restore_site_code("kikusui", &known), None);
        assert_eq!(
            restore_site_code("99999", &known),
            None,
            "unknown stays unknown"
        );
        assert_eq!(
            restore_site_code("110", &known),
            None,
            "no known code is 110 behind zeros"
        );
        assert_eq!(
            restore_site_code("1100", &known),
            None,
            "a known code is kept"
        );
        assert_eq!(restore_site_code("", &known), None);
        let twins = ["0110", "00110"];
        assert_eq!(
            restore_site_code("110", &twins),
            None,
            "two candidates: left alone"
        );
    }

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    fn sample() -> Vec<TerminalCsvRow> {
        vec![
            TerminalCsvRow {
                asset_number: "T-0001".into(),
                serial: "SN123".into(),
                model: "FMV-D588".into(),
                site_code: "011011".into(),
                site_name: "中央区役所".into(),
                room: Some("戸籍住民課, 窓口\"A\"".into()),
                lessor: Some("札幌リース株式会社".into()),
                lease_start: date(2020, 10, 1),
                lease_end: date(2025, 9, 30),
                status: AssetStatus::InService,
                touch_panel_asset_number: Some("P-0001".into()),
            },
            TerminalCsvRow {
                asset_number: "T-0002".into(),
                serial: "=SUM(A1)".into(),
                model: "-FMV\n2行目".into(),
                site_code: "011029".into(),
                site_name: "北区役所".into(),
                room: Some("@住民票".into()),
                lessor: None,
                lease_start: None,
                lease_end: None,
                status: AssetStatus::UnderRepair,
                touch_panel_asset_number: None,
            },
            TerminalCsvRow {
                asset_number: "T-0003".into(),
                serial: "'+already".into(),
                model: "'plain".into(),
                site_code: "011037".into(),
                site_name: "東区役所".into(),
                room: None,
                lessor: Some("+81 リース".into()),
                lease_start: date(2021, 4, 1),
                lease_end: None,
                status: AssetStatus::Spare,
                touch_panel_asset_number: None,
            },
        ]
    }

    fn draft_of(r: &TerminalCsvRow) -> TerminalDraft {
        TerminalDraft {
            asset_number: r.asset_number.clone(),
            serial: r.serial.clone(),
            model: r.model.clone(),
            site_code: r.site_code.clone(),
            room: r.room.clone(),
            lessor: r.lessor.clone(),
            lease_start: r.lease_start,
            lease_end: r.lease_end,
            status: r.status,
        }
    }

    fn columns(errors: &[CsvError]) -> Vec<(Option<usize>, Option<&str>)> {
        errors
            .iter()
            .map(|e| (e.row, e.column.as_deref()))
            .collect()
    }

    const HEADER: &str =
        "資産番号,製造番号,機種,拠点コード,設置場所,賃貸業者,リース開始日,リース終了日,状態";

    #[test]
    fn header_constant_matches_columns() {
        assert_eq!(Column::ALL.map(Column::label_ja), TERMINAL_HEADERS);
        for c in Column::ALL {
            assert_eq!(Column::from_header(c.label_ja()), Some(c));
            assert_eq!(Column::from_header(c.field()), Some(c));
            assert_eq!(Column::from_field(c.field()), Some(c));
        }
    }

    #[test]
    fn export_has_bom_japanese_header_and_crlf() {
        let bytes = write_terminals(&sample());
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[3..]).expect("utf-8");
        let first = text.split("\r\n").next().expect("header");
        assert_eq!(first, TERMINAL_HEADERS.join(","));
        assert!(text.ends_with("\r\n"));
        // Every record terminator is CRLF (the only bare \n is inside a quoted cell).
        assert_eq!(text.matches("\r\n").count(), 4);
        assert!(text.contains("\"戸籍住民課, 窓口\"\"A\"\"\""));
        assert!(text.contains(",'=SUM(A1),"));
        assert!(text.contains(",'@住民票,"));
        assert!(text.contains(",''+already,"));
        assert!(
            text.contains(",'plain,"),
            "an apostrophe before a non-trigger is left alone"
        );
        assert!(text.contains(",2020-10-01,2025-09-30,稼働中,P-0001\r\n"));
        assert_eq!(
            write_terminals(&[]),
            [BOM, TERMINAL_HEADERS.join(",").as_bytes(), b"\r\n"].concat()
        );
    }

    #[test]
    fn round_trip_is_lossless() {
        // A valid row has no line break in a one-line field; the writer's quoting of one is
        // tested above.
        let mut rows = sample();
        for r in &mut rows {
            r.model = r.model.replace('\n', " ");
        }
        let (text, enc) = decode(&write_terminals(&rows)).expect("decodes");
        assert_eq!(enc, SourceEncoding::Utf8Bom);
        let parsed = parse_terminals(&text).expect("parses");
        let expected: Vec<(usize, TerminalDraft)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i + 2, draft_of(r)))
            .collect();
        assert_eq!(parsed, expected);
    }

    #[test]
    fn formula_guard_round_trips() {
        for v in [
            "=1+2", "+1", "-1", "@x", "\tx", "\rx", "'=x", "''-x", "'x", "x", "", "'", "''",
        ] {
            assert_eq!(unescape_formula(&escape_formula(v)), v, "{v:?}");
        }
        assert_eq!(escape_formula("=cmd"), "'=cmd");
        assert_eq!(escape_formula("普通"), "普通");
    }

    #[test]
    fn cp932_file_decodes_and_parses() {
        let text = format!(
            "{HEADER}\r\nT-0100,SN-9,FMV-D588,011011,戸籍住民課,札幌リース,2020/10/01,2025/09/30,予備\r\n"
        );
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
        let (decoded, enc) = decode(&bytes).expect("decodes");
        assert_eq!(enc, SourceEncoding::Cp932);
        assert_eq!(decoded, text);
        let (rows, enc) = import_terminals(&bytes).expect("imports");
        assert_eq!(enc, SourceEncoding::Cp932);
        assert_eq!(rows.len(), 1);
        let (row, d) = &rows[0];
        assert_eq!(*row, 2);
        assert_eq!(d.room.as_deref(), Some("戸籍住民課"));
        assert_eq!(d.lessor.as_deref(), Some("札幌リース"));
        assert_eq!(d.lease_start, date(2020, 10, 1));
        assert_eq!(d.status, AssetStatus::Spare);
    }

    #[test]
    fn plain_utf8_and_broken_bytes() {
        assert_eq!(
            decode(b"a,b").expect("utf-8"),
            ("a,b".to_string(), SourceEncoding::Utf8)
        );
        // 0x81 0x20 is not a CP932 character, and not UTF-8 either.
        let e = decode(b"header\r\nok\r\n\x81\x20").expect_err("broken");
        assert!(e.message.contains("3行目付近"), "{e}");
        let e = decode(b"\xEF\xBB\xBFa\n\xFF").expect_err("broken utf-8 after BOM");
        assert!(e.message.contains("2行目付近"), "{e}");
        assert!(
            decode(b"\xFF\xFEa\x00")
                .expect_err("utf-16")
                .message
                .contains("UTF-16")
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_row_and_column() {
        let text = format!(
            "{HEADER}\r\n\
             T-1,S-1,M,011011,,,,,\r\n\
             T-2,,M,011011,,,,,\r\n\
             T-3,S-3,M,011011,,,2021-13-01,,\r\n\
             T-4,S-4,M,011011,,,,,稼働中\r\n\
             ,S-5,M,011011,,,2021-04-01,2021-03-31,壊れた\r\n"
        );
        let errors = parse_terminals(&text).expect_err("bad rows");
        assert_eq!(
            columns(&errors),
            [
                (Some(3), Some("製造番号")),
                (Some(4), Some("リース開始日")),
                (Some(6), Some("資産番号")),
                (Some(6), Some("リース終了日")),
                (Some(6), Some("状態")),
            ]
        );
        assert_eq!(
            errors[0].to_string(),
            "3行目 「製造番号」: 製造番号を入力してください。"
        );
    }

    #[test]
    fn duplicates_within_the_file_name_the_first_row() {
        let text = format!(
            "{HEADER}\r\nT-1,SN-1,M,011011,,,,,\r\nT-2,SN-2,M,011011,,,,,\r\nT-3,SN-1,M,011011,,,,,\r\nT-2,SN-4,M,011011,,,,,\r\n"
        );
        let errors = parse_terminals(&text).expect_err("duplicates");
        assert_eq!(
            columns(&errors),
            [(Some(4), Some("製造番号")), (Some(5), Some("資産番号"))]
        );
        assert_eq!(
            errors[0].to_string(),
            "4行目 「製造番号」: 製造番号「SN-1」は2行目と重複しています。"
        );
        assert!(errors[1].message.contains("3行目"));
    }

    #[test]
    fn missing_required_column_is_an_error() {
        let errors =
            parse_terminals("資産番号,機種,拠点コード\r\nT-1,M,011011\r\n").expect_err("missing");
        assert_eq!(columns(&errors), [(Some(1), Some("製造番号"))]);
        assert!(errors[0].message.contains("製造番号"));
    }

    #[test]
    fn unknown_and_repeated_columns_are_errors() {
        let errors = parse_terminals(
            "資産番号,製造番号,機種,拠点コード,備考,serial\r\nT-1,S,M,011011,x,S\r\n",
        )
        .expect_err("unknown");
        assert_eq!(
            columns(&errors),
            [(Some(1), Some("備考")), (Some(1), Some("製造番号"))]
        );
        assert!(errors[0].to_string().contains("「備考」という列"));
    }

    #[test]
    fn headers_in_any_order_and_english_names_work() {
        let text = "状態,site_code,拠点名,Model,serial,資産番号,タッチパネル資産番号\n予備,011011,中央区役所,FMV,SN-1,T-1,P-9\n\n\n";
        let rows = parse_terminals(text).expect("parses");
        assert_eq!(
            rows,
            [(
                2,
                TerminalDraft {
                    asset_number: "T-1".into(),
                    serial: "SN-1".into(),
                    model: "FMV".into(),
                    site_code: "011011".into(),
                    room: None,
                    lessor: None,
                    lease_start: None,
                    lease_end: None,
                    status: AssetStatus::Spare,
                }
            )]
        );
    }

    #[test]
    fn wrong_field_count_blank_rows_and_row_numbers() {
        // Row 3 spans two lines inside quotes (a line break a one-line field refuses, yet
        // the rows after it keep their numbers); row 4 is an empty line (still a row in
        // Excel); row 5 has too few fields; trailing ",,,," rows are ignored.
        let text = format!(
            "{HEADER}\r\nT-1,S-1,M,011011,,,,,\r\nT-2,S-2,\"M\r\n2\",011011,,,,,\r\n\r\nT-4,S-4,M\r\nT-5,,M,011011,,,,,\r\n,,,,,,,,\r\n,,,,,,,,\r\n"
        );
        let errors = parse_terminals(&text).expect_err("bad");
        assert_eq!(
            columns(&errors),
            [
                (Some(3), Some("機種")),
                (Some(5), None),
                (Some(6), Some("製造番号"))
            ]
        );
        assert!(errors[0].message.contains("改行"));
        assert!(errors[1].message.contains("列の数"));
    }

    #[test]
    fn leading_empty_lines_shift_row_numbers() {
        let e = parse_terminals("\r\n\r\n資産番号,製造番号,機種,拠点コード\r\nT-1,,M,X\r\n")
            .expect_err("bad");
        assert_eq!(columns(&e), [(Some(4), Some("製造番号"))]);
        let e = parse_terminals("\n資産番号,機種,拠点コード\nT-1,M,X\n").expect_err("missing");
        assert_eq!(columns(&e), [(Some(2), Some("製造番号"))]);
    }

    #[test]
    fn empty_files_are_errors() {
        assert!(parse_terminals("").is_err());
        let e = parse_terminals(&format!("{HEADER}\r\n\r\n,,,,,,,,\r\n")).expect_err("no data");
        assert_eq!(columns(&e), [(None, None)]);
        assert!(e[0].message.contains("データがありません"));
        assert!(import_terminals(&write_terminals(&[])).is_err());
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut text = String::from("資産番号,製造番号,機種,拠点コード\n");
        for i in 0..=MAX_IMPORT_ROWS {
            text.push_str(&format!("T-{i},S-{i},M,011011\n"));
        }
        let e = parse_terminals(&text).expect_err("too many");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].row, Some(MAX_IMPORT_ROWS + 2));
        assert!(e[0].message.contains("20000"));
    }

    #[test]
    fn data_under_a_blank_header_is_reported() {
        let e = parse_terminals(
            "資産番号,製造番号,機種,拠点コード,\nT-1,S-1,M,011011,lost\nT-2,S-2,M,011011,\n",
        )
        .expect_err("data without header");
        assert_eq!(columns(&e), [(Some(2), None)]);
        assert!(e[0].message.contains("5列目"));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Cell text with the characters that matter: CSV specials, formula triggers,
        /// apostrophes and Japanese (a valid one-line cell holds no line break or tab).
        fn cell(max: usize) -> impl Strategy<Value = String> {
            const CHARS: &[char] = &[
                ',', '"', '\'', '=', '+', '-', '@', ' ', 'a', 'Z', '0', '/', '端', '末', 'ー', 'ｱ',
                '①',
            ];
            proptest::collection::vec(proptest::sample::select(CHARS), 1..=max)
                .prop_map(|cs| cs.into_iter().collect::<String>().trim().to_string())
                .prop_filter("not blank after trimming", |s| !s.is_empty())
        }

        proptest! {
            #[test]
            fn any_valid_rows_round_trip(
                values in proptest::collection::vec((cell(32), cell(64), cell(64), cell(32), cell(64), cell(100)), 1..8),
            ) {
                let rows: Vec<TerminalCsvRow> = values
                    .into_iter()
                    .enumerate()
                    .map(|(i, (a, s, m, c, r, l))| TerminalCsvRow {
                        // Unique per row, keeping any generated prefix.
                        asset_number: format!("{a:.28}{i:04}"),
                        serial: format!("{s:.60}{i:04}"),
                        model: m,
                        site_code: c,
                        site_name: "拠点".into(),
                        room: Some(r),
                        lessor: Some(l),
                        lease_start: None,
                        lease_end: None,
                        status: AssetStatus::Retired,
                        touch_panel_asset_number: None,
                    })
                    .collect();
                let (text, _) = decode(&write_terminals(&rows)).expect("decodes");
                let parsed = parse_terminals(&text).expect("parses");
                let expected: Vec<(usize, TerminalDraft)> =
                    rows.iter().enumerate().map(|(i, r)| (i + 2, draft_of(r))).collect();
                prop_assert_eq!(parsed, expected);
            }
        }
    }
}
