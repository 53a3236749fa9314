//! Any list as an Excel workbook: one sheet, the Japanese headings in bold on a frozen first
//! row, then the rows as the list shows them (numbers as numbers).

use jukiops_domain::listing::Cell;
use rust_xlsxwriter::{Format, Workbook};

use crate::DocumentError;

/// A sheet's name: Excel refuses `[]:*?/\` and more than 31 characters.
fn sheet_name(title: &str) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.is_empty() {
        "一覧".into()
    } else {
        clean
    }
}

/// The workbook of a list titled `title`.
pub fn list_workbook(
    title: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, DocumentError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(title))?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        let col = u16::try_from(c).map_err(|e| DocumentError(e.to_string()))?;
        ws.write_string_with_format(0, col, *h, &bold)?;
        let width = h.chars().count().max(6) * 2 + 2;
        ws.set_column_width(col, width as f64)?;
    }
    for (r, cells) in rows.iter().enumerate() {
        let row = u32::try_from(r + 1).map_err(|e| DocumentError(e.to_string()))?;
        for (c, cell) in cells.iter().enumerate() {
            let col = u16::try_from(c).map_err(|e| DocumentError(e.to_string()))?;
            match cell {
                Cell::Text(s) => {
                    ws.write_string(row, col, s)?;
                }
                Cell::Number(n) => {
                    ws.write_number(row, col, *n)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn headings_and_rows_read_back_with_numbers_as_numbers() {
        let bytes = list_workbook(
            "拠点/一覧",
            &["拠点コード", "統合端末"],
            &[
                vec![Cell::Text("C01".into()), Cell::Number(12.0)],
                vec![Cell::Text("C02".into()), Cell::Empty],
            ],
        )
        .expect("workbook");
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("open");
        assert_eq!(book.sheet_names(), ["拠点一覧"]);
        let range = book.worksheet_range("拠点一覧").expect("sheet");
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        assert_eq!(
            rows,
            vec![
                vec![
                    Data::String("拠点コード".into()),
                    Data::String("統合端末".into())
                ],
                vec![Data::String("C01".into()), Data::Float(12.0)],
                vec![Data::String("C02".into()), Data::Empty],
            ]
        );
    }
}
