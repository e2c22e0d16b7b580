//! The review worksheet (`jixiao review`): what each reviewer fills in
//! Excel or WPS. Layout and column names are those `data::worksheet` reads
//! back (reviews.md):
//!
//! - 评审: the reviewer's name and date beside their labels, then one row
//!   per unit × criterion that needs a judgment for that unit, with a tier
//!   drop-down, a score checked against the criterion's points, the tiers'
//!   bands, the rules' hints and the sheet's words beside it;
//! - 材料: the long texts the reviewer reads (`show` in the rules), one
//!   block per unit, linked from the rows;
//! - 单位: one row per unit with its 送达日期 for the bureau's registry.

use crate::data::Date;
use crate::data::worksheet::{
    DATE_LABEL, FINGERPRINT_COLUMN, MATERIAL_SHEET, REVIEW_COLUMNS, REVIEW_SHEET, REVIEWER_LABEL,
    RULES_LABEL, UNIT_COLUMNS, UNIT_SHEET,
};
use crate::eval::outcome::{Basis, NodeOutcome, Outcome};
use crate::ir::{Method, NodeIr, NodeIrKind, Plan, RuleSet, TierIr};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Url, Worksheet,
    XlsxError,
};

/// One unit's package, scored without judgments.
pub struct WorksheetUnit<'a> {
    /// The package's file, as the bureau names it.
    pub file: String,
    /// Its outcome (with `show` texts).
    pub outcome: &'a Outcome,
    /// Its year's rules.
    pub rules: &'a RuleSet,
    /// The package's own received date, when it has one.
    pub received_on: Option<Date>,
    /// The package file's fingerprint (`package_fingerprint`): scoring
    /// says a package changed after the worksheet was made.
    pub fingerprint: String,
}

/// Excel's limit of characters in one cell.
const CELL_LIMIT: usize = 32_767;

/// The worksheet, as bytes; the same inputs give the same bytes.
pub fn review_worksheet(units: &[WorksheetUnit<'_>]) -> Result<Vec<u8>, String> {
    super::xlsx::temp_files_usable()?;
    build(units).map_err(|e| format!("无法生成评审表：{e}"))
}

/// Rows the worksheet will hold: (unit index, criterion) in file order of
/// the units and sheet order of the criteria.
pub fn pending_criteria(outcome: &Outcome) -> Vec<&NodeOutcome> {
    outcome
        .criteria()
        .into_iter()
        .filter(|n| n.basis == Basis::Pending)
        .collect()
}

struct Formats {
    title: Format,
    label: Format,
    input: Format,
    date_input: Format,
    note: Format,
    head: Format,
    cell: Format,
    number: Format,
    fill: Format,
    link: Format,
    block: Format,
    text: Format,
    date: Format,
}

impl Formats {
    fn new() -> Self {
        let bordered = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        let input = bordered
            .clone()
            .set_background_color(Color::RGB(0xFFF4CC))
            .set_unlocked();
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            label: Format::new()
                .set_bold()
                .set_align(FormatAlign::Right)
                .set_align(FormatAlign::VerticalCenter),
            date_input: input.clone().set_num_format("yyyy-mm-dd"),
            input: input.clone(),
            note: Format::new()
                .set_text_wrap()
                .set_font_color(Color::RGB(0x555555)),
            head: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xDDE5F0))
                .set_border(FormatBorder::Thin),
            cell: bordered.clone(),
            number: bordered.clone().set_align(FormatAlign::Center),
            fill: input,
            link: bordered
                .clone()
                .set_font_color(Color::RGB(0x1F4E9B))
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            block: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xEEF2F7))
                .set_border(FormatBorder::Thin),
            text: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(FormatBorder::Thin),
            date: bordered.set_num_format("yyyy-mm-dd").set_unlocked(),
        }
    }
}

fn build(units: &[WorksheetUnit<'_>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = super::xlsx::workbook("绩效自评工作考核评审表", "jixiao")?;
    let f = Formats::new();
    let mut titles: Vec<&str> = Vec::new();
    for u in units {
        if !titles.contains(&u.rules.title.as_str()) {
            titles.push(&u.rules.title);
        }
    }
    // The material sheet first in memory, so that rows can link to it; it
    // is placed second in the workbook.
    let mut material = Worksheet::new();
    material.set_name(MATERIAL_SHEET)?;
    let links = write_material(&mut material, units, &f)?;

    let sheet = book.add_worksheet();
    sheet.set_name(REVIEW_SHEET)?;
    write_review(sheet, units, &titles, &links, &f)?;
    book.push_worksheet(material);
    let unit_sheet = book.add_worksheet();
    unit_sheet.set_name(UNIT_SHEET)?;
    write_units(unit_sheet, units, &f)?;
    book.save_to_buffer()
}

/// Header rows of the 评审 sheet: title, labels, instructions, columns.
const HEADER_ROW: u32 = 3;

/// The instructions span the columns to 评审意见 (I), 119 wide: about 54
/// Chinese characters a line.
const NOTE_LAST_COLUMN: u16 = 8;
const NOTE_CHARS_PER_LINE: usize = 54;

/// Points a line of wrapped text takes: a Chinese font's line is taller
/// than the default 15 (Excel and WPS with 等线 or 宋体, LibreOffice with
/// Noto CJK).
const POINTS_PER_LINE: f64 = 16.0;

fn write_review(
    sheet: &mut Worksheet,
    units: &[WorksheetUnit<'_>],
    titles: &[&str],
    links: &[Vec<Option<u32>>],
    f: &Formats,
) -> Result<(), XlsxError> {
    let last = (REVIEW_COLUMNS.len() - 1) as u16;
    sheet.merge_range(0, 0, 0, 8, "绩效自评工作考核评审表", &f.title)?;
    sheet.write_string_with_format(1, 0, REVIEWER_LABEL, &f.label)?;
    sheet.write_blank(1, 1, &f.input)?;
    sheet.write_string_with_format(1, 2, DATE_LABEL, &f.label)?;
    sheet.write_blank(1, 3, &f.date_input)?;
    sheet.write_string_with_format(1, 4, RULES_LABEL, &f.label)?;
    sheet.merge_range(1, 5, 1, 8, &titles.join("；"), &f.cell)?;
    // Over the columns a screen shows beside the frozen first one (to
    // 评审意见), a line to each step: across every column it would be one
    // line longer than a screen, cut off where the screen ends.
    let mut steps = vec![
        "填写说明：",
        "1. 在“评审人”右边写上姓名，在“评审日期”右边写上日期。",
        "2. 每行是一个单位需要评审的一个评分项：从“档次”下拉框选择档次，在“得分”中写分数（在所选档次的分数段之内，最多两位小数），在“评审意见”中写明理由（未给满分的必须写）。",
        "3. 单位、年度、编号三列（及“单位”工作表的材料校验码）请勿改动。需要阅读的报告原文在“材料”工作表中（“材料”一列的链接）。",
    ];
    if units.iter().any(|u| u.received_on.is_none()) {
        steps
            .push("4. “单位”工作表中标黄的送达日期由收文登记人按登记簿填写（Word 材料中没有送达日期），最好在分发评审表之前填好；评审人不必改动。");
    }
    let note = steps.join("\n");
    sheet.merge_range(2, 0, 2, NOTE_LAST_COLUMN, &note, &f.note)?;
    let note_lines: usize = steps
        .iter()
        .map(|s| s.chars().count().div_ceil(NOTE_CHARS_PER_LINE).max(1))
        .sum();
    sheet.set_row_height(2, note_lines as f64 * POINTS_PER_LINE + 6.0)?;
    for (c, name) in REVIEW_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, *name, &f.head)?;
    }
    let mut row = HEADER_ROW + 1;
    for (ui, u) in units.iter().enumerate() {
        let pending = pending_criteria(u.outcome);
        let relating = super::report::relating(&u.rules.nodes);
        for (ci, node) in pending.iter().enumerate() {
            let tiers = tiers_of(u.rules, &node.id);
            sheet.write_string_with_format(row, 0, &u.outcome.unit, &f.cell)?;
            sheet.write_number_with_format(row, 1, u.outcome.year as f64, &f.number)?;
            sheet.write_string_with_format(row, 2, &u.file, &f.cell)?;
            sheet.write_string_with_format(row, 3, &node.title, &f.cell)?;
            sheet.write_string_with_format(row, 4, &node.id, &f.cell)?;
            write_decimal(sheet, row, 5, node.max, &f.number)?;
            // Only a tiered criterion has a tier to choose.
            let tier_cell = if tiers.iter().any(|t| !t.name.is_empty()) {
                &f.fill
            } else {
                &f.cell
            };
            sheet.write_blank(row, 6, tier_cell)?;
            sheet.write_blank(row, 7, &f.fill)?;
            sheet.write_blank(row, 8, &f.fill)?;
            sheet.write_string_with_format(row, 9, bands(&tiers), &f.cell)?;
            // The rules' hints, then what the checks the criterion names
            // (`related to`) found in this unit's package, in report order.
            let related = relating
                .iter()
                .find(|(id, _)| *id == node.id)
                .map_or(&[][..], |(_, checks)| checks);
            let mut found: Vec<_> = u
                .outcome
                .findings
                .iter()
                .filter(|f| related.contains(&f.id))
                .collect();
            found.sort_by_key(|f| super::report::report_order(f));
            let hints: Vec<String> = node
                .hints
                .iter()
                .map(|(label, value)| format!("{label}：{value}"))
                .chain(
                    found
                        .into_iter()
                        .map(|f| super::report::related_finding_words(None, f)),
                )
                .collect();
            sheet.write_string_with_format(row, 10, clip(&hints.join("\n")), &f.cell)?;
            sheet.write_string_with_format(
                row,
                11,
                clip(node.says.as_deref().unwrap_or("")),
                &f.cell,
            )?;
            match links.get(ui).and_then(|l| l.get(ci)).copied().flatten() {
                Some(target) => {
                    sheet.write_url_with_format(
                        row,
                        12,
                        Url::new(format!("internal:'{MATERIAL_SHEET}'!A{}", target + 1))
                            .set_text(format!("见“材料”第 {} 行", target + 1)),
                        &f.link,
                    )?;
                }
                None => {
                    sheet.write_blank(row, 12, &f.cell)?;
                }
            }
            add_validations(sheet, row, node.max, &tiers)?;
            // Tall enough for the unit's name (about 8 characters a line at
            // width 18), the sheet's words (17 at width 36), the bands (8
            // at width 18) and the hints with the related findings (13 at
            // width 28, each on lines of its own).
            let lines = |text: &str, per_line: usize| text.chars().count().div_ceil(per_line);
            let unit_lines = lines(&u.outcome.unit, 8);
            let says_lines = lines(node.says.as_deref().unwrap_or(""), 17);
            let band_lines = lines(&bands(&tiers), 8);
            let hint_lines: usize = hints.iter().map(|h| lines(h, 13).max(1)).sum();
            let tallest = says_lines
                .max(band_lines)
                .max(hint_lines)
                .max(unit_lines)
                .max(3);
            let height = (tallest as f64 * POINTS_PER_LINE + 6.0).min(409.0);
            sheet.set_row_height(row, height)?;
            row += 1;
        }
    }
    // Narrow enough that the sheet printed on A4 landscape, fitted to the
    // page's width, is still legible (about 215 characters across); the
    // long texts wrap.
    let widths = [
        18.0, 6.0, 14.0, 16.0, 12.0, 5.0, 9.0, 7.0, 32.0, 18.0, 28.0, 36.0, 14.0,
    ];
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_row_height(HEADER_ROW, 24)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, 1)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    if row > HEADER_ROW + 1 {
        sheet.autofilter(HEADER_ROW, 0, row - 1, last)?;
    }
    Ok(())
}

/// The tier drop-down (named tiers only) and the score's range.
fn add_validations(
    sheet: &mut Worksheet,
    row: u32,
    max: Decimal,
    tiers: &[&TierIr],
) -> Result<(), XlsxError> {
    let names: Vec<&str> = tiers
        .iter()
        .map(|t| t.name.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    if !names.is_empty() {
        let list = DataValidation::new()
            .allow_list_strings(&names)?
            .set_input_title("档次")?
            .set_input_message("从下拉框选择档次；得分写在所选档次的分数段之内（见“分数段”一列）")?
            .set_error_title("档次")?
            .set_error_message(format!("请从下拉框中选择：{}", names.join("、")))?;
        sheet.add_data_validation(row, 6, row, 6, &list)?;
    }
    // Excel's own check while typing; the exact check is made when the
    // worksheet is read back.
    let high: f64 = max.to_string().parse().unwrap_or(0.0);
    // Said when the cell is chosen, before anything is typed (Excel and
    // WPS show it beside the cell).
    let score = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(0.0, high))
        .set_input_title("得分")?
        .set_input_message(format!(
            "写 0 到 {} 之间的分数，最多两位小数；未给满分的，在“评审意见”中写明理由",
            max.normalize()
        ))?
        .set_error_title("得分")?
        .set_error_message(format!("得分应为 0 到 {} 之间的数字", max.normalize()))?;
    sheet.add_data_validation(row, 7, row, 7, &score)?;
    Ok(())
}

/// A decimal as a number when it is whole (exact in a float), else as the
/// text of the decimal itself.
fn write_decimal(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Decimal,
    format: &Format,
) -> Result<(), XlsxError> {
    let value = value.normalize();
    match i32::try_from(value.mantissa())
        .ok()
        .filter(|_| value.scale() == 0)
    {
        Some(whole) => sheet.write_number_with_format(row, col, f64::from(whole), format)?,
        None => sheet.write_string_with_format(row, col, value.to_string(), format)?,
    };
    Ok(())
}

/// `全面 20；较全面 16–18；…`, or `0–5` for an untiered criterion.
fn bands(tiers: &[&TierIr]) -> String {
    tiers
        .iter()
        .map(|t| {
            let band = if t.low == t.high {
                t.low.normalize().to_string()
            } else {
                format!("{}–{}", t.low.normalize(), t.high.normalize())
            };
            let free = if t.free { "（须写理由）" } else { "" };
            if t.name.is_empty() {
                band
            } else {
                format!("{} {band}{free}", t.name)
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The tiers a criterion may be judged by, in every case of its plan.
fn tiers_of<'r>(rules: &'r RuleSet, id: &str) -> Vec<&'r TierIr> {
    fn find<'r>(nodes: &'r [NodeIr], id: &str) -> Option<&'r NodeIr> {
        nodes.iter().find_map(|n| match &n.kind {
            NodeIrKind::Section(children) => find(children, id),
            NodeIrKind::Criterion(_) if n.id == id => Some(n),
            NodeIrKind::Criterion(_) => None,
        })
    }
    fn collect<'r>(plan: &'r Plan, out: &mut Vec<&'r TierIr>) {
        match &plan.method {
            Method::Judge(j) => out.extend(j.tiers.iter()),
            Method::Cases(cases, otherwise) => {
                for (_, p) in cases {
                    collect(p, out);
                }
                collect(otherwise, out);
            }
            Method::Deduct(_) | Method::Award(_) => {}
        }
    }
    let mut out = Vec::new();
    if let Some(NodeIrKind::Criterion(c)) = find(&rules.nodes, id).map(|n| &n.kind) {
        collect(&c.plan, &mut out);
    }
    out
}

/// The 材料 sheet; for each unit and pending criterion, the row its texts
/// start on (none when the rules show nothing for it).
fn write_material(
    sheet: &mut Worksheet,
    units: &[WorksheetUnit<'_>],
    f: &Formats,
) -> Result<Vec<Vec<Option<u32>>>, XlsxError> {
    sheet.set_column_width(0, MATERIAL_WIDTH)?;
    sheet.write_string_with_format(0, 0, "评审时需要阅读的报告原文", &f.title)?;
    let mut row = 2;
    let mut links = Vec::new();
    for u in units {
        let pending = pending_criteria(u.outcome);
        let mut unit_links = Vec::new();
        let mut heading_done = false;
        for node in &pending {
            if node.shows.is_empty() {
                unit_links.push(None);
                continue;
            }
            if !heading_done {
                sheet.write_string_with_format(
                    row,
                    0,
                    format!("{}（{} 年度）· {}", u.outcome.unit, u.outcome.year, u.file),
                    &f.block,
                )?;
                row += 1;
                heading_done = true;
            }
            unit_links.push(Some(row));
            for (label, text) in &node.shows {
                sheet.write_string_with_format(
                    row,
                    0,
                    format!("{}（评分项：{}）", label, node.title),
                    &f.head,
                )?;
                row += 1;
                // Whole: it is spread over rows below, none over a cell's
                // limit.
                let shown = if text.trim().is_empty() {
                    "（报告中没有这一部分）".to_string()
                } else {
                    text.clone()
                };
                // Over as many rows as it needs: a row is at most 409
                // points high, and a cell shows no more than its row.
                for part in row_parts(&shown) {
                    sheet.write_string_with_format(row, 0, &part, &f.text)?;
                    sheet.set_row_height(row, row_height(&part))?;
                    row += 1;
                }
            }
        }
        if heading_done {
            row += 1;
        }
        links.push(unit_links);
    }
    // Landscape: the column, about 50 Chinese characters wide, is wider
    // than a portrait page, and LibreOffice prints it unscaled.
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    Ok(links)
}

/// Rows are not sized by Excel when the file is written: a line of the
/// column to every `CHARS_PER_LINE` characters, `POINTS_PER_LINE` each, at
/// most 409 points.
fn row_height(text: &str) -> f64 {
    let lines: usize = text
        .split('\n')
        .map(|l| l.chars().count().div_ceil(CHARS_PER_LINE).max(1))
        .sum();
    (lines as f64 * POINTS_PER_LINE + 4.0).min(409.0)
}

/// The 材料 sheet's one column: fits a landscape A4 page at full size.
const MATERIAL_WIDTH: f64 = 100.0;

/// Lines of text a row of the 材料 sheet shows (409 points).
const LINES_PER_ROW: usize = 25;

/// Chinese characters a line of the 材料 sheet's column holds, counted
/// low (a character is two units of width; fonts differ): a row sized for
/// them is never too short for its text.
const CHARS_PER_LINE: usize = 46;

/// A text cut into parts that each fit a row: at line breaks, and a
/// paragraph longer than a row after a full stop (else anywhere).
fn row_parts(text: &str) -> Vec<String> {
    let room = LINES_PER_ROW * CHARS_PER_LINE;
    let mut pieces: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let mut rest = line;
        while rest.chars().count() > room {
            let cut = rest
                .char_indices()
                .take(room)
                .filter(|(_, c)| *c == '。')
                .last()
                .map(|(i, c)| i + c.len_utf8())
                .or_else(|| rest.char_indices().nth(room).map(|(i, _)| i))
                .unwrap_or(rest.len());
            pieces.push(rest.get(..cut).unwrap_or(rest).to_string());
            rest = rest.get(cut..).unwrap_or("");
        }
        pieces.push(rest.to_string());
    }
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut lines = 0;
    for piece in pieces {
        let needs = piece.chars().count().div_ceil(CHARS_PER_LINE).max(1);
        if lines > 0 && lines + needs > LINES_PER_ROW {
            parts.push(std::mem::take(&mut current));
            lines = 0;
        }
        if lines > 0 {
            current.push('\n');
        }
        current.push_str(&piece);
        lines += needs;
    }
    parts.push(current);
    parts
}

/// A text fit for one cell: cut visibly at Excel's limit.
fn clip(text: &str) -> String {
    const TAIL: &str = "……（超出单元格容量，全文见报告）";
    if text.chars().count() <= CELL_LIMIT {
        return text.to_string();
    }
    let keep = CELL_LIMIT - TAIL.chars().count();
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(TAIL);
    out
}

fn write_units(
    sheet: &mut Worksheet,
    units: &[WorksheetUnit<'_>],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, name) in UNIT_COLUMNS.iter().chain([&FINGERPRINT_COLUMN]).enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &f.head)?;
    }
    for (row, u) in (1..).zip(units.iter()) {
        sheet.write_string_with_format(row, 0, &u.outcome.unit, &f.cell)?;
        sheet.write_number_with_format(row, 1, u.outcome.year as f64, &f.number)?;
        sheet.write_string_with_format(row, 2, &u.file, &f.cell)?;
        match u.received_on {
            Some(d) => {
                sheet.write_datetime_with_format(row, 3, &super::xlsx::excel_date(d)?, &f.date)?;
            }
            // Yellow to fill, and a date by its format: a date typed or
            // pasted there is a date, not a number (45091).
            None => {
                sheet.write_blank(row, 3, &f.date_input)?;
            }
        }
        sheet.write_string_with_format(row, 4, &u.fingerprint, &f.cell)?;
    }
    for (c, w) in [30.0, 8.0, 30.0, 14.0, 20.0].iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{CHARS_PER_LINE, LINES_PER_ROW, row_parts};

    #[test]
    fn a_long_text_is_spread_over_rows_that_each_show_whole() {
        let line = "指标".repeat(20);
        let text = vec![line.as_str(); 73].join("\n");
        let parts = row_parts(&text);
        assert!(parts.len() >= 3, "{}", parts.len());
        for p in &parts {
            let lines: usize = p
                .split('\n')
                .map(|l| l.chars().count().div_ceil(CHARS_PER_LINE).max(1))
                .sum();
            assert!(lines <= LINES_PER_ROW, "{lines}");
        }
        // Nothing lost, nothing added.
        assert_eq!(parts.join("\n"), text);
        // One paragraph longer than a row is cut after a full stop.
        let sentence = format!("{}。", "字".repeat(99));
        let paragraph = sentence.repeat(20);
        let parts = row_parts(&paragraph);
        assert!(parts.len() >= 2);
        assert!(parts.iter().all(|p| p.ends_with('。')), "{parts:?}");
        assert_eq!(parts.concat(), paragraph);
        assert_eq!(row_parts("短"), vec!["短".to_string()]);
    }
}
