//! Finding the package's parts: each table by its header cells (a table
//! split across pages is stitched back first), each attachment by its
//! title, the report by its title and its numbered headings. Nothing here
//! depends on where a part stands or on the number after "附件".

use super::docx::{Block, Document, Row};
use super::label::{self, Fit, compact, fits, fold};
use super::table::Grid;
use super::template::{FormKind, Templates};
use super::units;
use rust_decimal::Decimal;

/// What a recognised table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    /// One of the forms with data.
    Form(FormKind),
    /// A table that is not the unit's data (index into `Templates::skip`).
    Skip(usize),
    /// An attachment known by its title only, whose content the format
    /// does not keep (index into `Templates::attachments`).
    Listed(usize),
    /// Not recognised.
    Unknown,
}

/// A table (stitched from one or more parts) and what surrounds it.
#[derive(Debug)]
pub struct TablePart {
    /// What it is.
    pub kind: TableKind,
    /// Its grid.
    pub grid: Grid,
    /// The document's table numbers it was stitched from.
    pub tables: Vec<usize>,
    /// "附件2", if a marker precedes it.
    pub marker: Option<String>,
    /// Its title paragraph, if found.
    pub title: Option<String>,
    /// The paragraphs below it up to the next part (填表人, 填报日期), with
    /// each one's number among the body's paragraphs (`第41段`).
    pub footer: Vec<(String, usize)>,
}

/// The report's paragraphs.
#[derive(Debug, Default)]
pub struct ReportPart {
    /// "附件3", if a marker precedes it.
    pub marker: Option<String>,
    /// The title, its lines joined.
    pub title: Option<String>,
    /// The body paragraphs after the title, in order.
    pub paragraphs: Vec<ReportParagraph>,
}

/// A paragraph of the report as the heading finder needs it.
#[derive(Debug, Default, Clone)]
pub struct ReportParagraph {
    /// As Word shows it, list numbering included.
    pub text: String,
    /// All its text is bold.
    pub bold: bool,
    /// 1-based position among the document's body paragraphs.
    pub number: usize,
}

/// An attachment recognised by its title only (the three fund tables).
#[derive(Debug)]
pub struct TitledPart {
    /// Index into `Templates::attachments`.
    pub attachment: usize,
}

/// Everything found.
#[derive(Debug, Default)]
pub struct Layout {
    /// Tables in document order.
    pub tables: Vec<TablePart>,
    /// The report, if found.
    pub report: Option<ReportPart>,
    /// Attachments known by title only.
    pub titled: Vec<TitledPart>,
}

/// The evaluated year and the titles that say another: the year most of
/// the titles give (“2022年度…表”, a short line), the first of them on a
/// tie; with no such title, the first "2022年度" in a body paragraph. A
/// unit that types next year into one title (“2023年度…基础数据表”, the
/// others and the columns still 2022) is not read as next year's package.
pub fn year(doc: &Document) -> (Option<i64>, Vec<YearTitle>) {
    let titles: Vec<YearTitle> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) if is_title_line(&p.text) => {
                year_in(&p.text).map(|year| YearTitle {
                    year,
                    paragraph: p.number,
                    text: p.text.trim().to_string(),
                })
            }
            _ => None,
        })
        .collect();
    // Each year with its count, in the order first met (a few years at
    // most, however many titles).
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for t in &titles {
        match counts.iter_mut().find(|(y, _)| *y == t.year) {
            Some((_, n)) => *n += 1,
            None => counts.push((t.year, 1)),
        }
    }
    let mut best: Option<(i64, usize)> = None;
    for (year, count) in counts {
        if best.is_none_or(|(_, most)| count > most) {
            best = Some((year, count));
        }
    }
    match best {
        Some((year, _)) => {
            let others = titles.into_iter().filter(|t| t.year != year).collect();
            (Some(year), others)
        }
        None => (
            doc.blocks.iter().find_map(|b| match b {
                Block::Paragraph(p) => year_in(&p.text),
                Block::Table(_) => None,
            }),
            Vec::new(),
        ),
    }
}

/// A title that gives a year.
#[derive(Debug)]
pub struct YearTitle {
    /// The year it gives.
    pub year: i64,
    /// Its body paragraph's number.
    pub paragraph: usize,
    /// Its text.
    pub text: String,
}

/// A line that may be a title: short, not a sentence.
fn is_title_line(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() <= 40 && !t.ends_with(['。', '；', '，', '：', ':'])
}

fn year_in(text: &str) -> Option<i64> {
    let folded: Vec<char> = text
        .chars()
        .map(fold)
        .filter(|c| !c.is_whitespace())
        .collect();
    // Four digits and 年度, not the end of a longer number (“20222年度”
    // is no year of 2022, nor of 0222).
    folded.windows(6).enumerate().find_map(|(at, w)| {
        let digits: String = w.iter().take(4).collect();
        let longer = at
            .checked_sub(1)
            .and_then(|before| folded.get(before))
            .is_some_and(char::is_ascii_digit);
        (!longer
            && w.get(4) == Some(&'年')
            && w.get(5) == Some(&'度')
            && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
    })
}

/// A paragraph that only marks an attachment: "附件1", "附件 2：".
/// Returns the marker and any title after it.
pub fn marker(text: &str, t: &Templates) -> Option<(String, String)> {
    let s = compact(text);
    let rest = s.strip_prefix(t.marker.as_str())?;
    let digits: String = rest
        .chars()
        .take_while(|c| {
            c.is_ascii_digit() || ('０'..='９').contains(c) || "一二三四五六七八九十".contains(*c)
        })
        .collect();
    if digits.is_empty() {
        return None;
    }
    let after = rest.get(digits.len()..)?;
    let after = after.trim_start_matches(['：', ':', '、', '.', '．']);
    let name: String = format!(
        "{}{}",
        t.marker,
        digits.chars().map(fold).collect::<String>()
    );
    Some((name, after.to_string()))
}

/// Which title a paragraph is, if it is one: it ends with the title and
/// does not start with an ordinal (the report's list of attachments does).
fn title_of(text: &str, t: &Templates) -> Option<TitleKind> {
    let mut s = compact(text);
    if let Some((_, rest)) = marker(text, t) {
        s = rest;
    }
    if s.is_empty() || s.chars().count() > 60 || label::clean(&s, &[]) != strip_trailing_note(&s) {
        return None;
    }
    let s: String = strip_trailing_note(&s).chars().map(fold).collect();
    let end = |title: &str| {
        let k: String = compact(title).chars().map(fold).collect();
        !k.is_empty() && s.ends_with(&k)
    };
    let ends = |names: &super::template::Names| names.0.iter().any(|n| end(n));
    if ends(&t.project.title) {
        return Some(TitleKind::Form(FormKind::Project));
    }
    if ends(&t.basic_data.title) {
        return Some(TitleKind::Form(FormKind::BasicData));
    }
    if ends(&t.overall.title) {
        return Some(TitleKind::Form(FormKind::Overall));
    }
    if ends(&t.report.title) {
        return Some(TitleKind::Report);
    }
    if let Some(i) = t.skip.iter().position(|k| ends(&k.title)) {
        return Some(TitleKind::Skip(i));
    }
    t.attachments
        .iter()
        .position(|a| a.form.is_none() && end(&a.title))
        .map(TitleKind::Attachment)
}

fn strip_trailing_note(s: &str) -> String {
    if s.ends_with([')', '）']) {
        if let Some(at) = s.rfind(['(', '（']).filter(|a| *a > 0) {
            return s.get(..at).unwrap_or(s).to_string();
        }
    }
    s.to_string()
}

/// The form a table's title names, if it names one.
pub fn title_form(text: &str, t: &Templates) -> Option<FormKind> {
    match title_of(text, t)? {
        TitleKind::Form(k) => Some(k),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TitleKind {
    Form(FormKind),
    Report,
    Skip(usize),
    Attachment(usize),
}

/// A title is one when a table follows it closely (a title-like line in
/// the report's prose is prose).
fn table_follows(blocks: &[Block], title: usize, t: &Templates) -> bool {
    for block in blocks.iter().skip(title + 1).take(4) {
        match block {
            Block::Table(_) => return true,
            Block::Paragraph(p) => {
                if marker(&p.text, t).is_some() || compact(&p.text).chars().count() > 40 {
                    return false;
                }
            }
        }
    }
    false
}

/// Paragraphs that may stand between two parts of one split table: one
/// of the templates' `continued` words (“续表”, “（续表）”, “续上表：”),
/// a line starting with one of two characters or more (“续表1”), and a
/// title or marker repeated with one in brackets after it (“附件2（续）”,
/// “…自评表（续表）”).
fn is_filler(text: &str, t: &Templates) -> bool {
    let s: String = compact(text).chars().map(fold).collect();
    let bare = s.trim_matches(['(', ')', ':']);
    s.is_empty()
        || t.continued.0.iter().any(|w| {
            let w: String = w.chars().map(fold).collect();
            bare == w
                || (w.chars().count() >= 2 && bare.starts_with(&w))
                || s.strip_suffix(')')
                    .and_then(|s| s.strip_suffix(w.as_str()))
                    .is_some_and(|s| s.ends_with('('))
        })
}

/// Find every part of the package.
pub fn layout(doc: &Document, t: &Templates) -> Layout {
    let mut out = Layout::default();
    let blocks = &doc.blocks;
    let mut i = 0;
    let mut report_done = false;
    while let Some(block) = blocks.get(i) {
        match block {
            // An empty table holds nothing to import or to warn about (as
            // an empty row or paragraph does not).
            Block::Table(tb) if is_blank_table(tb) => i += 1,
            Block::Table(_) => {
                let (part, next) = table_run(blocks, i, t);
                out.tables.push(part);
                i = next;
            }
            Block::Paragraph(p) => {
                match title_of(&p.text, t) {
                    Some(TitleKind::Report) if !report_done => {
                        let (report, next) = report_run(blocks, i, t);
                        out.report = Some(report);
                        report_done = true;
                        i = next;
                        continue;
                    }
                    Some(TitleKind::Attachment(a)) if table_follows(blocks, i, t) => {
                        out.titled.push(TitledPart { attachment: a });
                    }
                    _ => {}
                }
                if !report_done && first_heading(&p.text, p.bold, t) {
                    // A report without a recognisable title.
                    let (report, next) =
                        report_body(blocks, i, None, marker_before(blocks, i, t), t);
                    out.report = Some(report);
                    report_done = true;
                    i = next;
                    continue;
                }
                i += 1;
            }
        }
    }
    out
}

/// "一、单位基本情况" (or "（一）", "1.", "第一部分", a bold paragraph —
/// the styles the report's headings are read in): the report's first
/// heading.
fn first_heading(text: &str, bold: bool, t: &Templates) -> bool {
    let Some(form) = super::heading_number::numbered(text, bold) else {
        return false;
    };
    let first = match form.number {
        Some(n) => n == 1,
        None => form.style == super::heading_number::Style::Bold,
    };
    let key = |s: &str| -> String { compact(s).chars().map(fold).collect() };
    first
        && t.report
            .headings
            .first()
            .is_some_and(|h| !key(h).is_empty() && key(form.rest).starts_with(&key(h)))
}

/// Tables from `start` on that form one table, and the index after them.
fn table_run(blocks: &[Block], start: usize, t: &Templates) -> (TablePart, usize) {
    let mut parts: Vec<usize> = vec![start];
    let mut next = start + 1;
    let mut look = start + 1;
    let columns = |i: usize| match blocks.get(i) {
        Some(Block::Table(tb)) => {
            Grid::build(
                tb.rows
                    .iter()
                    .enumerate()
                    .map(|(n, r)| (tb.number, n + 1, r)),
            )
            .columns
        }
        _ => 0,
    };
    let first_columns = columns(start);
    // The unit the first part is in, as a declaration between the parts
    // is compared with it.
    let first_unit = units::declared_above(blocks, start, t)
        .or_else(|| match blocks.get(start) {
            Some(Block::Table(_)) => units::first_row_unit(&grid_of(blocks, &[start]), t),
            _ => None,
        })
        .map_or(Decimal::ONE, |d| d.factor);
    loop {
        match blocks.get(look) {
            Some(Block::Paragraph(p)) if is_filler(&p.text, t) => look += 1,
            // The unit repeated on the next page (“续表” then “单位：万元”)
            // is part of the table's layout when it says the unit the first
            // part is in; another unit would change the second part's
            // figures, so then the parts are not joined.
            Some(Block::Paragraph(p))
                if units::declaration_only(&p.text, t)
                    .is_some_and(|(factor, _)| factor == first_unit) =>
            {
                look += 1;
            }
            Some(Block::Table(_)) => {
                // A continuation is none of the forms once the rows it
                // repeats from the parts before are set aside: a header row
                // repeated on the next page (“经费控制情况(万元) | …”) would
                // otherwise make the second part of 附件1 a second 附件1.
                // One that starts with the table's own first row is a
                // copy of the table, not its continuation.
                let mut with = parts.clone();
                with.push(look);
                let (rest, starts_over) = continuation(blocks, &with);
                let joined = columns(look) == first_columns
                    && !starts_over
                    && identify(&Grid::build(rest), t) == TableKind::Unknown;
                if !joined {
                    break;
                }
                parts.push(look);
                look += 1;
                next = look;
            }
            _ => break,
        }
    }
    let grid = grid_of(blocks, &parts);
    let (marker, title) = heading_before(blocks, start, t);
    let kind = match (
        identify(&grid, t),
        title.as_deref().and_then(|s| title_of(s, t)),
    ) {
        (TableKind::Unknown, Some(TitleKind::Attachment(a))) => TableKind::Listed(a),
        // Its title names a self-evaluation form and it has the indicator
        // table's header: that form, though a row that identifies it (按收入
        // 性质分, 年度资金总额) was deleted — the missing row is said when
        // the table is read, not the whole table lost.
        (
            TableKind::Unknown,
            Some(TitleKind::Form(form @ (FormKind::Overall | FormKind::Project))),
        ) if has_indicator_header(&grid, t) => TableKind::Form(form),
        (kind, _) => kind,
    };
    let tables = parts
        .iter()
        .filter_map(|&i| match blocks.get(i) {
            Some(Block::Table(tb)) => Some(tb.number),
            _ => None,
        })
        .collect();
    let footer = footer_after(blocks, next, t);
    (
        TablePart {
            kind,
            grid,
            tables,
            marker,
            title,
            footer,
        },
        next,
    )
}

/// One grid from several tables' rows; a continuation's repeated header
/// rows are dropped.
fn grid_of(blocks: &[Block], parts: &[usize]) -> Grid {
    Grid::build(stitched(blocks, parts).0)
}

/// The rows of the last of `parts` as they join the parts before it, and
/// whether it starts over with the first part's first row.
fn continuation<'a>(blocks: &'a [Block], parts: &[usize]) -> (Vec<(usize, usize, &'a Row)>, bool) {
    let (rows, starts_over) = stitched(blocks, parts);
    let last = parts.last().and_then(|&i| match blocks.get(i) {
        Some(Block::Table(tb)) => Some(tb.number),
        _ => None,
    });
    let rows = rows
        .into_iter()
        .filter(|(n, _, _)| Some(*n) == last)
        .collect();
    (rows, starts_over)
}

/// The rows of the parts in order, a continuation's repeated header rows
/// dropped: rows Word repeats on each page (`w:tblHeader`) and the rows
/// at the top of a continuation that repeat a row of the parts before it
/// (a header row copied by hand; blank rows between them do not end the
/// top). With them, whether the last part's first row with text, other
/// than Word's repeated header, is the first part's first row: then it
/// is the table starting over, a copy.
fn stitched<'a>(blocks: &'a [Block], parts: &[usize]) -> (Vec<(usize, usize, &'a Row)>, bool) {
    let mut rows: Vec<(usize, usize, &Row)> = Vec::new();
    let mut headers: Vec<String> = Vec::new();
    let mut earlier: Vec<String> = Vec::new();
    let mut first_row: Option<String> = None;
    let mut starts_over = false;
    for (k, &i) in parts.iter().enumerate() {
        let Some(Block::Table(tb)) = blocks.get(i) else {
            continue;
        };
        let mut at_top = true;
        let mut signatures = Vec::new();
        starts_over = false;
        for (n, row) in tb.rows.iter().enumerate() {
            let sig = signature(row);
            if k == 0 && row.repeat_header {
                headers.push(sig.clone());
            }
            if k == 0 && first_row.is_none() && !sig.is_empty() {
                first_row = Some(sig.clone());
            }
            let word_header = k > 0 && (row.repeat_header || headers.contains(&sig));
            if k > 0 && at_top && !sig.is_empty() && !word_header {
                starts_over |= first_row.as_ref() == Some(&sig);
            }
            let repeat =
                k > 0 && !sig.is_empty() && (word_header || (at_top && earlier.contains(&sig)));
            if repeat {
                continue;
            }
            at_top &= sig.is_empty();
            signatures.push(sig);
            rows.push((tb.number, n + 1, row));
        }
        earlier.extend(signatures);
    }
    (rows, starts_over)
}

fn signature(row: &Row) -> String {
    let cells: Vec<String> = row
        .cells
        .iter()
        .map(|c| compact(&c.paragraphs.join("")))
        .collect();
    if cells.iter().all(String::is_empty) {
        return String::new();
    }
    cells.join("|")
}

/// Keys of every cell, whole and before a colon.
fn cell_keys(grid: &Grid, t: &Templates) -> Vec<String> {
    let mut keys = Vec::new();
    for cell in &grid.cells {
        let text = cell.text();
        keys.push(label::key(&text, &t.label_prefixes));
        if let Some((l, _)) = label::split_value(&text) {
            keys.push(label::key(l, &t.label_prefixes));
        }
    }
    keys
}

/// Has the grid the indicator table's header (一级指标, 二级指标, 三级指标)?
fn has_indicator_header(grid: &Grid, t: &Templates) -> bool {
    let keys = cell_keys(grid, t);
    let columns = &t.evaluation.indicators;
    [&columns.level1, &columns.level2, &columns.name]
        .iter()
        .all(|names| {
            keys.iter()
                .any(|k| fits(k, &names.0, &t.label_prefixes).is_some())
        })
}

/// Which table this is, by its header cells.
pub fn identify(grid: &Grid, t: &Templates) -> TableKind {
    let keys = cell_keys(grid, t);
    let has_all = |names: &[String]| {
        !names.is_empty()
            && names.iter().all(|n| {
                let n = [n.clone()];
                keys.iter()
                    .any(|k| fits(k, &n, &t.label_prefixes).is_some())
            })
    };
    let mut candidates: Vec<(usize, TableKind)> = Vec::new();
    let forms = [
        (&t.basic_data.identify, FormKind::BasicData),
        (&t.overall.identify, FormKind::Overall),
        (&t.project.identify, FormKind::Project),
    ];
    for (names, kind) in forms {
        if has_all(names) {
            candidates.push((names.len(), TableKind::Form(kind)));
        }
    }
    for (i, s) in t.skip.iter().enumerate() {
        if has_all(&s.identify) {
            candidates.push((s.identify.len(), TableKind::Skip(i)));
        }
    }
    candidates
        .into_iter()
        .max_by_key(|(n, _)| *n)
        .map_or(TableKind::Unknown, |(_, k)| k)
}

/// The marker and title paragraphs just before a table.
fn heading_before(
    blocks: &[Block],
    start: usize,
    t: &Templates,
) -> (Option<String>, Option<String>) {
    let mut title = None;
    let mut seen = 0;
    for i in (0..start).rev() {
        let Some(Block::Paragraph(p)) = blocks.get(i) else {
            break;
        };
        if p.text.trim().is_empty() {
            continue;
        }
        if let Some((m, rest)) = marker(&p.text, t) {
            if title.is_none() && !rest.is_empty() {
                title = Some(rest);
            }
            return (Some(m), title);
        }
        if is_footer(&p.text, t) {
            break;
        }
        if title.is_none() && title_of(&p.text, t).is_some() {
            title = Some(p.text.trim().to_string());
        }
        seen += 1;
        if seen >= 3 {
            break;
        }
    }
    (None, title)
}

fn marker_before(blocks: &[Block], start: usize, t: &Templates) -> Option<String> {
    for i in (0..=start).rev() {
        let Some(Block::Paragraph(p)) = blocks.get(i) else {
            return None;
        };
        if let Some((m, _)) = marker(&p.text, t) {
            return Some(m);
        }
        if i + 3 < start {
            return None;
        }
    }
    None
}

/// A 填表人 / 填报日期 line.
fn is_footer(text: &str, t: &Templates) -> bool {
    let s = compact(text);
    t.footer
        .filled_by
        .0
        .iter()
        .chain(&t.footer.filled_on.0)
        .any(|n| s.contains(n.as_str()))
}

/// Paragraphs after a table up to the next table, marker or title.
fn footer_after(blocks: &[Block], start: usize, t: &Templates) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for block in blocks.iter().skip(start) {
        let p = match block {
            Block::Paragraph(p) => p,
            Block::Table(tb) if is_blank_table(tb) => continue,
            Block::Table(_) => break,
        };
        if marker(&p.text, t).is_some() || title_of(&p.text, t).is_some() {
            break;
        }
        if !p.text.trim().is_empty() {
            out.push((p.text.clone(), p.number));
        }
    }
    out
}

/// Is every cell of the table empty (no text, no picture)?
fn is_blank_table(tb: &super::docx::Table) -> bool {
    tb.rows
        .iter()
        .flat_map(|r| &r.cells)
        .all(|c| !c.has_image && c.paragraphs.iter().all(|p| p.trim().is_empty()))
}

/// The report from its title paragraph at `end_of_title`.
fn report_run(blocks: &[Block], end_of_title: usize, t: &Templates) -> (ReportPart, usize) {
    // The title may be written over several lines before this one.
    let mut first = end_of_title;
    while first > 0 && end_of_title - first < 4 {
        let Some(Block::Paragraph(p)) = blocks.get(first - 1) else {
            break;
        };
        let s = compact(&p.text);
        if s.is_empty()
            || marker(&p.text, t).is_some()
            || s.contains(['：', ':'])
            || s.chars().count() > 30
            || is_footer(&p.text, t)
        {
            break;
        }
        first -= 1;
    }
    let title: String = (first..=end_of_title)
        .filter_map(|i| match blocks.get(i) {
            Some(Block::Paragraph(p)) => Some(compact(&p.text)),
            _ => None,
        })
        .collect();
    let title = match marker(&title, t) {
        Some((_, rest)) => rest,
        None => title,
    };
    let m = marker_before(blocks, first, t);
    report_body(blocks, end_of_title + 1, Some(title), m, t)
}

/// The report's body paragraphs from `start` to the next marker, form
/// title or recognised form. A table that is none of the forms and is
/// followed by more of the report (a small table of staff numbers under
/// 一、单位基本情况) is part of the report: its rows are read as lines of
/// the section it stands in, not taken for the report's end.
fn report_body(
    blocks: &[Block],
    start: usize,
    title: Option<String>,
    marker_text: Option<String>,
    t: &Templates,
) -> (ReportPart, usize) {
    let mut paragraphs: Vec<ReportParagraph> = Vec::new();
    let mut i = start;
    while let Some(block) = blocks.get(i) {
        let p = match block {
            Block::Paragraph(p) => p,
            Block::Table(_) => {
                let (part, next) = table_run(blocks, i, t);
                if part.kind != TableKind::Unknown || !report_goes_on(blocks, next, t) {
                    break;
                }
                // Numbered as the paragraph before it: a warning about
                // the section names a paragraph Word counts.
                let number = paragraphs.last().map_or(0, |q| q.number);
                for line in table_lines(blocks, i, next) {
                    paragraphs.push(ReportParagraph {
                        text: line,
                        bold: false,
                        number,
                    });
                }
                i = next;
                continue;
            }
        };
        if marker(&p.text, t).is_some() {
            break;
        }
        if matches!(title_of(&p.text, t), Some(k) if k != TitleKind::Report)
            && table_follows(blocks, i, t)
        {
            break;
        }
        paragraphs.push(ReportParagraph {
            text: p.text.clone(),
            bold: p.bold,
            number: p.number,
        });
        i += 1;
    }
    (
        ReportPart {
            marker: marker_text,
            title,
            paragraphs,
        },
        i,
    )
}

/// Does the report go on at `at` (after a table in it)? A paragraph with
/// text that is not the marker or the title of another part.
fn report_goes_on(blocks: &[Block], at: usize, t: &Templates) -> bool {
    for (i, block) in blocks.iter().enumerate().skip(at) {
        match block {
            Block::Table(_) => return false,
            Block::Paragraph(p) if compact(&p.text).is_empty() => {}
            Block::Paragraph(p) => {
                let other_part = marker(&p.text, t).is_some()
                    || (matches!(title_of(&p.text, t), Some(k) if k != TitleKind::Report)
                        && table_follows(blocks, i, t));
                return !other_part;
            }
        }
    }
    false
}

/// The rows of the tables `from..to`, each a line: its cells' texts joined
/// by a space; empty rows left out.
fn table_lines(blocks: &[Block], from: usize, to: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for block in blocks.get(from..to).unwrap_or(&[]) {
        let Block::Table(tb) = block else { continue };
        for row in &tb.rows {
            let cells: Vec<String> = row
                .cells
                .iter()
                .map(|c| c.paragraphs.join(" ").trim().to_string())
                .filter(|c| !c.is_empty())
                .collect();
            if !cells.is_empty() {
                lines.push(cells.join("　"));
            }
        }
    }
    lines
}

/// The best column for a header name in a row: its cells' keys matched
/// against `names`, exact matches first.
pub fn find_in_row(grid: &Grid, row: usize, names: &[String], t: &Templates) -> Option<usize> {
    grid.row_cells(row)
        .iter()
        .filter_map(|s| {
            let k = label::key(&s.cell.text(), &t.label_prefixes);
            fits(&k, names, &t.label_prefixes).map(|f| (f, s.col))
        })
        .max_by_key(|(f, col)| (*f, std::cmp::Reverse(*col)))
        .map(|(_, c)| c)
}

/// The first row (from `from`) with a cell matching `names`, and that cell's column.
pub fn find_row(
    grid: &Grid,
    from: usize,
    names: &[String],
    t: &Templates,
) -> Option<(usize, usize)> {
    (from..grid.rows.len()).find_map(|r| {
        grid.own_cells(r).iter().find_map(|s| {
            let k = label::key(&s.cell.text(), &t.label_prefixes);
            (fits(&k, names, &t.label_prefixes) == Some(Fit::Exact)).then_some((r, s.col))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_markers() {
        assert_eq!(
            year_in("2022年度预算单位整体支出绩效评价基础数据表"),
            Some(2022)
        );
        assert_eq!(year_in("  ２０２２ 年度项目"), Some(2022));
        assert_eq!(year_in("2022年实际"), None);
        let t = super::super::template::Templates::builtin(2022);
        let Ok(t) = t else { return };
        assert_eq!(
            marker("附件 2：", &t),
            Some(("附件2".into(), String::new()))
        );
        assert_eq!(marker("报告需要以下附件：", &t), None);
        assert_eq!(
            title_of("2022年度预算单位整体支出绩效评价基础数据表", &t),
            Some(TitleKind::Form(FormKind::BasicData))
        );
        assert_eq!(title_of("1、部门整体支出绩效评价基础数据表", &t), None);
        assert_eq!(
            title_of("3、项目支出绩效自评表(一个一级项目支出一张表)", &t),
            None
        );
        assert_eq!(title_of("绩效自评报告", &t), Some(TitleKind::Report));
    }
}
