//! `--format xlsx`: the district summary as a workbook. Sheet 汇总 is the
//! summary table (scores, ranges, counts as numbers, dates as dates; a
//! pending total has numeric 最低分 and 最高分, never a text), 待评审 lists
//! each unit's criteria still awaiting a judgment, 检查发现 every finding,
//! 扣分明细 every lost point. Ready to print: bordered, header frozen and
//! repeated, A4 landscape fitted to width. The document's creation date is
//! fixed, so the same inputs give the same bytes.

use super::summary::{Cell, DEDUCTION_HEADERS, FINDING_HEADERS, Summary};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// The workbook's bytes.
pub fn summary_xlsx(summary: &Summary) -> Result<Vec<u8>, String> {
    build(summary).map_err(|e| format!("无法生成 XLSX：{e}"))
}

fn build(summary: &Summary) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title("绩效自评工作考核评分汇总")
            .set_author("区财政局")
            .set_creation_datetime(&created),
    );
    let formats = Formats {
        head: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color("#DDE5F0")
            .set_border(FormatBorder::Thin),
        text: Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin),
        number: Format::new()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin),
        date: Format::new()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_num_format("yyyy-mm-dd"),
    };
    let table = summary.table();
    let sheets: [(&str, Vec<Vec<Cell>>, usize); 4] = [
        ("汇总", table, 2),
        ("待评审", summary.pending(), 1),
        (
            "检查发现",
            with_header(&FINDING_HEADERS, summary.findings()),
            1,
        ),
        (
            "扣分明细",
            with_header(&DEDUCTION_HEADERS, summary.deductions()),
            1,
        ),
    ];
    for (name, rows, frozen_columns) in &sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name)?;
        write_sheet(sheet, rows, &formats, *frozen_columns)?;
    }
    book.save_to_buffer()
}

/// A header row and the lines under it.
fn with_header<'c>(names: &[&str], lines: impl Iterator<Item = &'c [Cell]>) -> Vec<Vec<Cell>> {
    std::iter::once(names.iter().map(|h| Cell::Text((*h).into())).collect())
        .chain(lines.map(<[Cell]>::to_vec))
        .collect()
}

struct Formats {
    head: Format,
    text: Format,
    number: Format,
    date: Format,
}

/// Longest a column grows, in Excel's character widths.
const MAX_WIDTH: f64 = 60.0;

/// One sheet: the header row frozen and repeated on every printed page,
/// every cell bordered, numbers as numbers and dates as dates, each column
/// as wide as its content (a Chinese character counts two), A4 landscape
/// fitted to the page's width, a filter on the header.
fn write_sheet(
    sheet: &mut Worksheet,
    rows: &[Vec<Cell>],
    f: &Formats,
    frozen_columns: usize,
) -> Result<(), XlsxError> {
    let columns = rows.first().map_or(0, Vec::len);
    let mut widths = vec![4.0_f64; columns];
    for (r, cells) in rows.iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            let (rr, cc) = (row(r), col(c));
            let shown = cell.text();
            if let Some(w) = widths.get_mut(c) {
                let longest = shown
                    .lines()
                    .map(super::snippet::display_width)
                    .max()
                    .unwrap_or(0);
                // A header wraps; its words need not set the width alone.
                let need = if r == 0 { longest.min(8) } else { longest };
                *w = w.max(need as f64 + 2.0);
            }
            if r == 0 {
                sheet.write_string_with_format(rr, cc, &shown, &f.head)?;
                continue;
            }
            match cell {
                Cell::Empty => sheet.write_blank(rr, cc, &f.text)?,
                Cell::Text(s) => sheet.write_string_with_format(rr, cc, clip(s), &f.text)?,
                Cell::Num(d) => {
                    let n = super::decimal(*d).parse::<f64>().unwrap_or(f64::NAN);
                    sheet.write_number_with_format(rr, cc, n, &f.number)?
                }
                Cell::Int(n) => sheet.write_number_with_format(rr, cc, *n as f64, &f.number)?,
                Cell::Date(d) => {
                    let (y, m, day) = d.parts();
                    let when = ExcelDateTime::from_ymd(u16::try_from(y).unwrap_or(1900), m, day)?;
                    sheet.write_datetime_with_format(rr, cc, &when, &f.date)?
                }
            };
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col(c), w.min(MAX_WIDTH))?;
    }
    sheet.set_row_height(0, 60)?;
    sheet.set_freeze_panes(1, col(frozen_columns))?;
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    if rows.len() > 1 && columns > 0 {
        sheet.autofilter(0, 0, row(rows.len() - 1), col(columns - 1))?;
    }
    Ok(())
}

/// Excel holds at most 32,767 characters in a cell: a longer text is cut
/// visibly, and the workbook is still written.
fn clip(text: &str) -> String {
    const LIMIT: usize = 32_767;
    const TAIL: &str = "……（全文见报告）";
    if text.chars().count() <= LIMIT {
        return text.to_string();
    }
    let mut out: String = text.chars().take(LIMIT - TAIL.chars().count()).collect();
    out.push_str(TAIL);
    out
}

fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}
