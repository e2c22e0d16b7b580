//! `--format xlsx`: the district summary as a workbook. Sheet 汇总 is the
//! summary table (scores, ranges, counts as numbers, dates as dates; a
//! pending total has numeric 最低分 and 最高分, never a text), 待评审 lists
//! each unit's criteria still awaiting a judgment, 检查发现 every finding,
//! 扣分明细 every lost point. Ready to print: bordered, header frozen and
//! repeated, A4 landscape fitted to width, wrapped texts in rows as tall
//! as they need (`row_heights`). The document's creation date is fixed, so
//! the same inputs give the same bytes.
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
        let mut book = workbook("绩效自评工作考核评分汇总", "区财政局")?;
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
/// counts two), A4 landscape fitted to the page's width, a filter on the
/// header.
struct Sheet {
    sheet: Worksheet,
    widths: Vec<f64>,
    /// Rows written, the header included.
    rows: usize,
    frozen_columns: usize,
}

impl Sheet {
    fn new(
        book: &mut Workbook,
        name: &str,
        header: &[Cell],
        f: &Formats,
        frozen_columns: usize,
    ) -> Result<Sheet, XlsxError> {
        // No row is given a height here (the header's too is set by
        // `row_heights`): a constant-memory sheet keeps every such row's
        // settings, and writes a last row with one twice.
        let mut sheet = book.new_worksheet_with_constant_memory();
        sheet.set_name(name)?;
        let mut out = Sheet {
            sheet,
            widths: vec![4.0_f64; header.len()],
            rows: 0,
            frozen_columns,
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
                Cell::Text(s) => sheet.write_string_with_format(rr, cc, clip(s), &f.text)?,
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
        let sheet = &mut self.sheet;
        let columns = self.widths.len();
        for (c, w) in self.widths.iter().enumerate() {
            sheet.set_column_width(col(c), w.min(MAX_WIDTH))?;
        }
        sheet.set_freeze_panes(1, col(self.frozen_columns))?;
        sheet.set_repeat_rows(0, 0)?;
        sheet.set_landscape();
        sheet.set_paper_size(9);
        sheet.set_print_fit_to_pages(1, 0);
        if self.rows > 1 && columns > 0 {
            sheet.autofilter(0, 0, row(self.rows - 1), col(columns - 1))?;
        }
        Ok(self.sheet)
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
