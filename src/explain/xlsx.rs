//! `--format xlsx`: the district summary as a workbook. Sheet 汇总 is the
//! summary table (scores and counts as numbers, ranges and errors as text),
//! 检查发现 lists every finding, 扣分明细 every lost point. The document's
//! creation date is fixed, so the same inputs give the same bytes.

use super::summary::{Cell, DEDUCTION_HEADERS, FINDING_HEADERS, Summary};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// A listing sheet: its name, header, rows and column widths.
type Detail<'s> = (
    &'static str,
    &'s [Cell],
    Box<dyn Iterator<Item = &'s [Cell]> + 's>,
    &'static [f64],
);

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
            .set_author("jixiao")
            .set_creation_datetime(&created),
    );
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#DDE5F0")
        .set_border(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let table = summary.table();
    let sheet = book.add_worksheet();
    sheet.set_name("汇总")?;
    write_rows(sheet, table.iter().map(Vec::as_slice), &head, &wrap)?;
    let columns = table.first().map_or(0, Vec::len);
    for c in 0..columns {
        let width = match c {
            0 => 6.0,
            1 => 36.0,
            2 => 30.0,
            _ if c + 1 == columns => 50.0,
            _ => 10.0,
        };
        sheet.set_column_width(col(c), width)?;
    }
    sheet.set_row_height(0, 45)?;
    sheet.set_freeze_panes(1, 3)?;
    if table.len() > 1 && columns > 0 {
        sheet.autofilter(0, 0, row(table.len() - 1), col(columns - 1))?;
    }

    let headers =
        |names: &[&str]| -> Vec<Cell> { names.iter().map(|h| Cell::Text((*h).into())).collect() };
    let (finding_header, deduction_header) =
        (headers(&FINDING_HEADERS), headers(&DEDUCTION_HEADERS));
    let details: [Detail<'_>; 2] = [
        (
            "检查发现",
            &finding_header,
            Box::new(summary.findings()),
            &[30.0, 28.0, 6.0, 26.0, 60.0, 40.0, 28.0, 36.0],
        ),
        (
            "扣分明细",
            &deduction_header,
            Box::new(summary.deductions()),
            &[30.0, 28.0, 18.0, 24.0, 6.0, 10.0, 60.0, 28.0, 30.0],
        ),
    ];
    for (name, header, lines, widths) in details {
        let sheet = book.add_worksheet();
        sheet.set_name(name)?;
        let rows = write_rows(sheet, std::iter::once(header).chain(lines), &head, &wrap)?;
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(col(c), *w)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        if rows > 1 {
            sheet.autofilter(0, 0, row(rows - 1), col(header.len() - 1))?;
        }
    }
    book.save_to_buffer()
}

/// Write the rows (the first is the header); how many were written.
fn write_rows<'c>(
    sheet: &mut Worksheet,
    rows: impl Iterator<Item = &'c [Cell]>,
    head: &Format,
    wrap: &Format,
) -> Result<usize, XlsxError> {
    let mut count = 0;
    for (r, cells) in rows.enumerate() {
        let format = if r == 0 { head } else { wrap };
        for (c, cell) in cells.iter().enumerate() {
            let (r, c) = (row(r), col(c));
            match cell {
                Cell::Empty => continue,
                Cell::Text(s) => sheet.write_string_with_format(r, c, s, format)?,
                Cell::Num(d) => {
                    let n = super::decimal(*d).parse::<f64>().unwrap_or(f64::NAN);
                    sheet.write_number_with_format(r, c, n, format)?
                }
                Cell::Int(n) => sheet.write_number_with_format(r, c, *n as f64, format)?,
            };
        }
        count += 1;
    }
    Ok(count)
}

fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}
