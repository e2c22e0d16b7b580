//! `--format xlsx`: the district summary as a workbook. Sheet 汇总 is the
//! summary table (scores, ranges, counts as numbers, dates as dates; a
//! pending total has numeric 最低分 and 最高分, never a text), 待评审 lists
//! each unit's criteria still awaiting a judgment, 检查发现 every finding,
//! 扣分明细 every lost point. Ready to print: bordered, header frozen and
//! repeated, A4 landscape at a scale that keeps the text readable (see
//! `PrintLayout`), wrapped texts in rows as tall as they need
//! (`row_heights`), the sheet's title and 第 x 页，共 y 页 on every page.
//! The document's creation date is fixed, so the same inputs give the same
//! bytes.
//!
//! Memory stays flat in the number of units: every sheet is written row by
//! row to a temporary file (`rust_xlsxwriter`'s constant-memory worksheets,
//! whose texts are inline strings, not a shared-string table). The other
//! sheets' rows are written as each unit arrives; 汇总, which needs every
//! unit for its columns and ranks, is written from the summary's small rows
//! at the end, and put first. The rows' heights are set as the finished
//! workbook is copied into its place, a row at a time (`row_heights`).

mod row_heights;

use super::summary::{
    Cell, DEDUCTION_HEADERS, Details, FINDING_HEADERS, PENDING_HEADERS, Summary, SummaryRow,
};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// The workbook's bytes.
pub fn summary_xlsx(rows: Vec<SummaryRow>) -> Result<Vec<u8>, String> {
    let mut book = SummaryBook::new()?;
    for row in rows {
        book.push(row)?;
    }
    book.finish()
}

/// A summary workbook being written, one unit at a time.
pub struct SummaryBook {
    book: Workbook,
    formats: Formats,
    summary: Summary,
    pending: Sheet,
    findings: Sheet,
    deductions: Sheet,
}

impl SummaryBook {
    /// An empty workbook: each sheet's header written.
    pub fn new() -> Result<SummaryBook, String> {
        temp_files_usable()?;
        Self::start().map_err(failed)
    }

    fn start() -> Result<SummaryBook, XlsxError> {
        let mut book = workbook(TITLE, "区财政局")?;
        let formats = Formats::new();
        let pending = Sheet::new(&mut book, "待评审", &texts(&PENDING_HEADERS), &formats, 1)?;
        let findings = Sheet::new(&mut book, "检查发现", &texts(&FINDING_HEADERS), &formats, 1)?;
        let deductions = Sheet::new(
            &mut book,
            "扣分明细",
            &texts(&DEDUCTION_HEADERS),
            &formats,
            1,
        )?;
        Ok(SummaryBook {
            book,
            formats,
            summary: Summary::default(),
            pending,
            findings,
            deductions,
        })
    }

    /// The next input's row: its lines written to the other sheets now,
    /// its cells of 汇总 kept.
    pub fn push(&mut self, row: SummaryRow) -> Result<(), String> {
        let Details {
            pending,
            findings,
            deductions,
        } = self.summary.push(row);
        let f = &self.formats;
        let lines = [
            (&mut self.pending, pending),
            (&mut self.findings, findings),
            (&mut self.deductions, deductions),
        ];
        for (sheet, rows) in lines {
            for cells in &rows {
                sheet.write(cells, f).map_err(failed)?;
            }
        }
        Ok(())
    }

    /// The workbook's bytes, 汇总 first.
    pub fn finish(self) -> Result<Vec<u8>, String> {
        let mut bytes = Vec::new();
        self.save(&mut bytes)?;
        Ok(bytes)
    }

    /// The workbook, 汇总 first, zipped into `out` (a file, so that not
    /// even the zipped workbook is held in memory).
    pub fn finish_into(self, out: impl std::io::Write) -> Result<(), String> {
        self.save(out)
    }

    /// The workbook zipped into a temporary file, then copied into `out`
    /// with its rows' heights (see `row_heights`).
    fn save(self, out: impl std::io::Write) -> Result<(), String> {
        let book = self.assemble().map_err(failed)?;
        let (path, file) = temp_file()?;
        let _removed = Removed(path);
        save_through(book, file, out)
    }

    /// The library's workbook, every sheet in its place.
    fn assemble(self) -> Result<Workbook, XlsxError> {
        let SummaryBook {
            mut book,
            formats,
            summary,
            pending,
            findings,
            deductions,
        } = self;
        let mut table = summary.table();
        let header = table.next().unwrap_or_default();
        let mut main = Sheet::new(
            &mut book,
            crate::data::worksheet::SUMMARY_SHEET,
            &header,
            &formats,
            2,
        )?;
        for cells in table {
            main.write(&cells, &formats)?;
        }
        for sheet in [main, pending, findings, deductions] {
            book.push_worksheet(sheet.done()?);
        }
        Ok(book)
    }
}

/// `book` zipped into `file`, then copied into `out` with its rows'
/// heights. The file is closed on return, so that it can be removed.
fn save_through(
    mut book: Workbook,
    mut file: std::fs::File,
    out: impl std::io::Write,
) -> Result<(), String> {
    use std::io::Seek as _;
    book.save_to_writer(&mut file).map_err(failed)?;
    // What the library still holds is not needed for the copy.
    drop(book);
    file.rewind().map_err(|e| format!("无法生成 XLSX：{e}"))?;
    row_heights::fit_row_heights(std::io::BufReader::new(file), out)
}

/// A new file in the system's temporary folder (whose use
/// `temp_files_usable` checked when the workbook was started).
fn temp_file() -> Result<(std::path::PathBuf, std::fs::File), String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir();
    let mut last = None;
    for _ in 0..16 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".jixiao-xlsx-{}-{n}.zip", std::process::id()));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) => last = Some(e),
        }
    }
    let why = last.map_or_else(String::new, |e| e.to_string());
    Err(format!(
        "无法生成 XLSX：临时文件夹 {} 不能写入（{why}）；请设置环境变量 TMPDIR 指向一个可写的文件夹",
        dir.display()
    ))
}

/// A temporary file, removed when dropped (after the file itself is
/// closed, for systems that do not remove an open file).
struct Removed(std::path::PathBuf);

impl Drop for Removed {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A workbook titled `title`, its creation date fixed so that the same
/// inputs give the same bytes (the summary and the review worksheet).
pub(super) fn workbook(title: &str, author: &str) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author(author)
            .set_creation_datetime(&created),
    );
    Ok(book)
}

/// A date as Excel's, for a cell formatted as a date.
pub(super) fn excel_date(d: crate::data::Date) -> Result<ExcelDateTime, XlsxError> {
    let (y, m, day) = d.parts();
    ExcelDateTime::from_ymd(u16::try_from(y).unwrap_or(1900), m, day)
}

/// Every sheet keeps its rows in a file of the system's temporary folder
/// (constant memory), and the XLSX library cannot report failing to make
/// one: it is tried here first, so that an unwritable temporary folder is a
/// clear error, not a crash.
pub(crate) fn temp_files_usable() -> Result<(), String> {
    let dir = std::env::temp_dir();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let probe = dir.join(format!(".jixiao-probe-{}-{nanos}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(file) => {
            drop(file);
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "不存在".to_string(),
                std::io::ErrorKind::PermissionDenied => "没有写入权限".to_string(),
                _ => e.to_string(),
            };
            Err(format!(
                "无法生成 XLSX：临时文件夹 {} 不能写入（{why}）；请设置环境变量 TMPDIR 指向一个可写的文件夹",
                dir.display()
            ))
        }
    }
}

fn failed(e: XlsxError) -> String {
    format!("无法生成 XLSX：{e}")
}

fn texts(names: &[&str]) -> Vec<Cell> {
    names.iter().map(|h| Cell::Text((*h).into())).collect()
}

struct Formats {
    head: Format,
    text: Format,
    number: Format,
    date: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
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
        }
    }
}

/// Longest a column grows, in Excel's character widths.
const MAX_WIDTH: f64 = 60.0;

/// One sheet being written row by row: the header row frozen and repeated
/// on every printed page, every cell bordered, numbers as numbers and
/// dates as dates, each column as wide as its content (a Chinese character
/// counts two), printed as `PrintLayout` says, a filter on the header.
struct Sheet {
    sheet: Worksheet,
    widths: Vec<f64>,
    /// Columns holding a text in some row (which may wrap onto more lines).
    texts: Vec<bool>,
    /// Rows written, the header included.
    rows: usize,
    /// The leading columns that name the row (序号 and 单位, or 单位):
    /// frozen on screen, and printed on every page when the sheet is
    /// printed several pages wide.
    key_columns: usize,
}

impl Sheet {
    fn new(
        book: &mut Workbook,
        name: &str,
        header: &[Cell],
        f: &Formats,
        key_columns: usize,
    ) -> Result<Sheet, XlsxError> {
        // No row is given a height here (the header's too is set by
        // `row_heights`): a constant-memory sheet keeps every such row's
        // settings, and writes a last row with one twice.
        let mut sheet = book.new_worksheet_with_constant_memory();
        sheet.set_name(name)?;
        let mut out = Sheet {
            sheet,
            widths: vec![4.0_f64; header.len()],
            texts: vec![false; header.len()],
            rows: 0,
            key_columns,
        };
        out.write(header, f)?;
        Ok(out)
    }

    /// The next row.
    fn write(&mut self, cells: &[Cell], f: &Formats) -> Result<(), XlsxError> {
        let r = self.rows;
        let rr = row(r);
        let sheet = &mut self.sheet;
        for (c, cell) in cells.iter().enumerate() {
            let cc = col(c);
            let shown = cell.text();
            if let Some(w) = self.widths.get_mut(c) {
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
                Cell::Text(s) => {
                    if let Some(t) = self.texts.get_mut(c) {
                        *t |= !s.is_empty();
                    }
                    sheet.write_string_with_format(rr, cc, clip(s), &f.text)?
                }
                Cell::Num(d) => {
                    let n = super::decimal(*d).parse::<f64>().unwrap_or(f64::NAN);
                    sheet.write_number_with_format(rr, cc, n, &f.number)?
                }
                Cell::Int(n) => sheet.write_number_with_format(rr, cc, *n as f64, &f.number)?,
                Cell::Date(d) => {
                    sheet.write_datetime_with_format(rr, cc, &excel_date(*d)?, &f.date)?
                }
            };
        }
        self.rows += 1;
        Ok(())
    }

    /// The sheet, its columns sized and its page set up.
    fn done(mut self) -> Result<Worksheet, XlsxError> {
        let natural: Vec<f64> = self.widths.iter().map(|w| w.min(MAX_WIDTH)).collect();
        let layout = PrintLayout::of(&natural, &self.texts, self.key_columns);
        let sheet = &mut self.sheet;
        let columns = layout.widths.len();
        for (c, w) in layout.widths.iter().enumerate() {
            sheet.set_column_width(col(c), *w)?;
        }
        sheet.set_freeze_panes(1, col(self.key_columns))?;
        sheet.set_repeat_rows(0, 0)?;
        if layout.pages_wide > 1 && self.key_columns > 0 {
            sheet.set_repeat_columns(0, col(self.key_columns - 1))?;
        }
        sheet.set_landscape();
        sheet.set_paper_size(9);
        sheet.set_margins(SIDE_MARGIN, SIDE_MARGIN, 0.75, 0.75, 0.3, 0.3);
        sheet.set_print_fit_to_pages(layout.pages_wide, 0);
        // Over, then down: the pages of a band of rows come one after the
        // other, so that a unit's whole row is on pages laid side by side
        // (down-then-over would print every unit's first columns, then
        // every unit's next ones).
        sheet.set_page_order(false);
        let name = sheet.name();
        sheet.set_header(format!("&C{TITLE}　{name}"));
        sheet.set_footer("&C第 &P 页，共 &N 页");
        if self.rows > 1 && columns > 0 {
            sheet.autofilter(0, 0, row(self.rows - 1), col(columns - 1))?;
        }
        Ok(self.sheet)
    }
}

/// The workbook's title, in its properties and atop every printed page.
const TITLE: &str = "绩效自评工作考核评分汇总";

/// Left and right page margins, in inches (Excel's are 0.7).
const SIDE_MARGIN: f64 = 0.5;

/// The width an A4 landscape page leaves for the table between its side
/// margins, in pixels at 100 % (96 a inch; A4 is 11.69 inches long).
const PAGE_PX: f64 = (11.69 - 2.0 * SIDE_MARGIN) * 96.0;

/// The smallest print scale, in percent: 11-point text prints at 9.35
/// points, which reads comfortably on paper (fitting the 33 columns of the
/// district's summary on one page printed it at about 3 points).
/// LibreOffice, fitting a sheet to its pages itself, comes out a few
/// percent smaller (about 80 %, 8.8 points).
const MIN_SCALE: f64 = 85.0;

/// Narrowest a text column is made to fit a page, in characters (8 Chinese
/// characters a line).
const TEXT_FLOOR: f64 = 18.0;

/// How a sheet is printed. A bureau clerk prints the sheets to read them
/// on paper and to file them, so the text must stay readable: a sheet is
/// printed one page wide where it fits at no less than `MIN_SCALE` as it
/// is, or once its long texts (notes, messages, places) are given
/// narrower columns to wrap in; a sheet with too many columns for that
/// (汇总, with a column per criterion) is printed several pages wide
/// instead, its leading columns repeated on every page and the pages of
/// a band of rows in order, each page near `MIN_SCALE` or larger.
#[derive(Debug, PartialEq)]
struct PrintLayout {
    widths: Vec<f64>,
    pages_wide: u16,
}

impl PrintLayout {
    /// The layout of columns of the widths their contents want (`natural`),
    /// `texts` telling which hold texts, the first `key_columns` naming the
    /// row.
    fn of(natural: &[f64], texts: &[bool], key_columns: usize) -> PrintLayout {
        let room = PAGE_PX * 100.0 / MIN_SCALE;
        let px = |widths: &[f64]| {
            widths
                .iter()
                .map(|w| f64::from(row_heights::column_px(*w)))
                .sum::<f64>()
        };
        // Text columns narrowed by `k`, none below the floor (or its own
        // width), to whole characters.
        let narrowed = |k: f64| -> Vec<f64> {
            natural
                .iter()
                .enumerate()
                .map(|(i, &w)| {
                    if texts.get(i).copied().unwrap_or(false) {
                        (w * k).floor().max(w.min(TEXT_FLOOR))
                    } else {
                        w
                    }
                })
                .collect()
        };
        if px(natural) <= room {
            return PrintLayout {
                widths: natural.to_vec(),
                pages_wide: 1,
            };
        }
        if px(&narrowed(0.0)) <= room {
            // The widest narrowing that fits, by bisection (the widths
            // shrink with `k`).
            let (mut fits, mut too_wide) = (0.0_f64, 1.0_f64);
            for _ in 0..30 {
                let k = (fits + too_wide) / 2.0;
                if px(&narrowed(k)) <= room {
                    fits = k;
                } else {
                    too_wide = k;
                }
            }
            return PrintLayout {
                widths: narrowed(fits),
                pages_wide: 1,
            };
        }
        // Pages across: the key columns on each, then as many of the others
        // as fit (a column is never cut).
        let keys = px(natural.get(..key_columns).unwrap_or(natural));
        let mut pages = 1u16;
        let mut used = keys;
        for w in natural.iter().skip(key_columns) {
            let w = f64::from(row_heights::column_px(*w));
            if used + w > room && used > keys {
                pages = pages.saturating_add(1);
                used = keys;
            }
            used += w;
        }
        PrintLayout {
            widths: natural.to_vec(),
            pages_wide: pages,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn px(widths: &[f64]) -> f64 {
        widths
            .iter()
            .map(|w| f64::from(row_heights::column_px(*w)))
            .sum()
    }

    #[test]
    fn a_sheet_that_fits_is_printed_as_it_is() {
        let natural = [6.0, 40.0, 30.0, 10.0];
        let layout = PrintLayout::of(&natural, &[false, true, true, false], 2);
        assert_eq!(layout.widths, natural);
        assert_eq!(layout.pages_wide, 1);
    }

    #[test]
    fn long_texts_wrap_in_narrower_columns_to_fit_one_page() {
        // 扣分明细: 单位, 文件, 编号, 评分项, 扣分, 方式, 原因, 规则位置, 材料位置.
        let natural = [40.0, 14.0, 13.0, 30.0, 6.0, 10.0, 60.0, 30.0, 60.0];
        let texts = [true, true, true, true, false, true, true, true, true];
        let layout = PrintLayout::of(&natural, &texts, 1);
        assert_eq!(layout.pages_wide, 1);
        let room = PAGE_PX * 100.0 / MIN_SCALE;
        assert!(px(&layout.widths) <= room, "{layout:?}");
        assert!(px(&layout.widths) > room - 9.0 * 7.0, "{layout:?}");
        // The longest texts keep the widest columns; short ones and
        // numbers are left as they are.
        assert_eq!(layout.widths.get(4), Some(&6.0));
        assert_eq!(layout.widths.get(1), Some(&14.0));
        let note = layout.widths.get(6).copied().unwrap_or(0.0);
        assert!((30.0..60.0).contains(&note), "{layout:?}");
        assert!(layout.widths.iter().all(|w| *w >= 6.0));
    }

    #[test]
    fn a_table_of_many_numbers_is_printed_several_pages_wide() {
        // 汇总: 序号, 单位, 10 more, then 16 criteria and 5 counts.
        let mut natural = vec![
            6.0, 38.0, 14.0, 6.0, 6.0, 8.0, 8.0, 6.0, 6.0, 12.0, 10.0, 8.0,
        ];
        natural.extend([10.0; 16]);
        natural.extend([6.0, 6.0, 6.0, 10.0, 10.0]);
        let mut texts = vec![false; natural.len()];
        for c in [1, 2, 10, 11, 32] {
            if let Some(t) = texts.get_mut(c) {
                *t = true;
            }
        }
        let layout = PrintLayout::of(&natural, &texts, 2);
        assert_eq!(layout.widths, natural);
        // At 85 % a page holds 序号 and 单位 and about 110 characters more.
        assert_eq!(layout.pages_wide, 3);
    }
}
