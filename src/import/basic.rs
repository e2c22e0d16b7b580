//! 附件1 部门整体支出绩效评价基础数据表 → `[basic_data]`: the unit's
//! name, staffing, and the expense lines with their groups as the year's
//! template describes them.

use super::amount;
use super::label::{self, compact};
use super::recognise::{TablePart, find_in_row, find_row};
use super::table::Grid;
use super::template::{ExpenseRow, Templates};
use super::units::{self, Declared};
use super::warning::Warning;
use super::write::{Section, Value};
use super::{AmountRead, Context, Found, footer_date};
use crate::diag::Code;

/// What the table gave.
pub struct BasicData {
    /// `[basic_data]` and its sub-tables, in order.
    pub sections: Vec<Section>,
    /// 预算单位名称.
    pub unit_name: Option<Found>,
    /// The expense lines' amounts, for comparing with the project tables.
    pub lines: Vec<Line>,
}

/// One expense line's amounts as read.
#[derive(Clone, Debug)]
pub struct Line {
    /// Its item, cleaned.
    pub item: String,
    /// Where: table and row.
    pub place: String,
    /// By key (`prior_final`, `budget`, `final`): the column's name and the amount.
    pub values: Vec<(&'static str, String, AmountRead)>,
}

/// Read the table.
pub fn read(part: &TablePart, place: &str, cx: &mut Context<'_>) -> BasicData {
    let t = cx.t;
    let grid = &part.grid;
    let unit_name = cx.value_right_of(grid, &t.basic_data.unit_name.0, place);
    let mut head =
        Section::table("basic_data").comment(format!("{place}（{}）", tables_text(part)));
    if let Some(d) = footer_date(&part.footer, t, place, cx) {
        head.set_noted("filled_on", Value::Date(d), "表下“填报日期”");
    }
    let mut sections = vec![head];
    if let Some(s) = staffing(grid, place, cx) {
        sections.push(s);
    }
    let mut lines = Vec::new();
    sections.extend(expenses(grid, place, &mut lines, cx));
    BasicData {
        sections,
        unit_name,
        lines,
    }
}

/// "第1个表格" or "第3、4个表格（跨页续表）".
pub fn tables_text(part: &TablePart) -> String {
    let numbers: Vec<String> = part.tables.iter().map(usize::to_string).collect();
    if numbers.len() > 1 {
        format!("第{}个表格，跨页续表已合并", numbers.join("、"))
    } else {
        format!("第{}个表格", numbers.join(""))
    }
}

fn staffing(grid: &Grid, place: &str, cx: &mut Context<'_>) -> Option<Section> {
    let t = cx.t;
    let s = &t.basic_data.staffing;
    let (row, _) = find_row(grid, 0, &s.authorized.0, t)?;
    // The numbers' row is named first: a place in the notice is read from
    // the first row a comment names.
    let mut section = Section::table("basic_data.staffing").comment(format!(
        "{}：{}（表头在上一行）",
        s.label.first(),
        grid.place(row + 1)
    ));
    for (key, names, integer) in [
        ("authorized", &s.authorized, true),
        ("actual", &s.actual, true),
        ("control_rate", &s.control_rate, false),
    ] {
        let Some(col) = find_in_row(grid, row, &names.0, t) else {
            cx.warn(Warning::new(
                Code::ImportMissingColumn,
                format!("{place}，{}", grid.place(row)),
                format!("找不到“{}”一栏", names.first()),
            ));
            continue;
        };
        let Some(slot) = grid.at(row + 1, col).filter(|s| !s.from_above) else {
            continue;
        };
        let text = slot.cell.text();
        let at = format!("{place}，{}「{}」", grid.place(row + 1), names.first());
        if integer {
            match amount::whole(&text, &cx.t.blank_marks.0) {
                Ok(Some(n)) => section.set(key, Value::Integer(n)),
                Ok(None) => {}
                Err(reason) => cx.warn_in(
                    &mut section,
                    Warning::new(Code::ImportNotANumber, at, format!("{reason}，未导入")),
                ),
            }
        } else if let Some(r) = amount::rate(&text) {
            section.set(key, Value::Text(r));
        }
    }
    Some(section)
}

/// Where the expense block is: its header row and its columns.
struct Columns {
    header: usize,
    label: usize,
    /// Key, column, the column's name, and the unit its label or the
    /// block's label ("经费控制情况(万元)") declares.
    values: Vec<(&'static str, usize, String, Option<Declared>)>,
}

fn columns(grid: &Grid, place: &str, cx: &mut Context<'_>) -> Option<Columns> {
    let t = cx.t;
    let e = &t.basic_data.expenses;
    let Some((header, label)) = find_row(grid, 0, &e.label.0, t) else {
        cx.warn(Warning::new(
            Code::ImportMissingBlock,
            place,
            format!("找不到“{}”一行，经费数据未导入", e.label.first()),
        ));
        return None;
    };
    // Columns named by year (`2022年决算数`) of another year's template: a
    // form copied from last year with only its title changed. Read by this
    // year's names, this year's 决算 would land under 上年决算, silently.
    let names = [&e.prior_final, &e.budget, &e.final_];
    let expected: Vec<u32> = names
        .iter()
        .flat_map(|n| n.0.iter())
        .filter_map(|n| year_of(n))
        .collect();
    let header_cells: Vec<String> = grid
        .row_cells(header)
        .iter()
        .map(|s| s.cell.text())
        .collect();
    let others: Vec<&String> = header_cells
        .iter()
        .filter(|c| year_of(c).is_some_and(|y| !expected.contains(&y)))
        .collect();
    if !expected.is_empty() && !others.is_empty() {
        let template: Vec<&str> = names.iter().map(|n| n.first()).collect();
        let written: Vec<&str> = header_cells
            .iter()
            .filter(|c| year_of(c).is_some())
            .map(String::as_str)
            .collect();
        cx.warn(
            Warning::new(
                Code::ImportMissingColumn,
                format!("{place}，{}", grid.place(header)),
                format!(
                    "“{}”一行的表头“{}”与本年度模板的“{}”年份不同（像是上一年度的表），按年份认不出哪一栏是哪一年的数，经费数据未导入",
                    e.label.first(),
                    written.join("、"),
                    template.join("、")
                ),
            )
            .help(format!(
                "把表头改成本年度模板的写法（{}），核对各栏的数字确是那一年的，再导入",
                template.join("、")
            )),
        );
        return None;
    }
    let mut values = Vec::new();
    let block = grid
        .at(header, label)
        .and_then(|s| units::from_label(&s.cell.text(), "表头", t));
    for (key, names) in [
        ("prior_final", &e.prior_final),
        ("budget", &e.budget),
        ("final", &e.final_),
    ] {
        match find_in_row(grid, header, &names.0, t) {
            Some(col) => {
                let unit = grid
                    .at(header, col)
                    .and_then(|s| units::from_label(&s.cell.text(), "栏名", t))
                    .or_else(|| block.clone());
                values.push((key, col, names.first().to_string(), unit));
            }
            None => cx.warn(Warning::new(
                Code::ImportMissingColumn,
                format!("{place}，{}", grid.place(header)),
                format!("找不到“{}”一栏，这一栏的数字未导入", names.first()),
            )),
        }
    }
    Some(Columns {
        header,
        label,
        values,
    })
}

/// The year a column is named by: `2022年决算数` → 2022 (digits half- or
/// full-width, at the start of the name).
fn year_of(name: &str) -> Option<u32> {
    let name = name.trim();
    let digits: String = name
        .chars()
        .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .map(|c| {
            char::from_u32(u32::from(c) - if c.is_ascii_digit() { 0 } else { 0xFEE0 }).unwrap_or(c)
        })
        .collect();
    let rest = name.get(name.char_indices().nth(digits.chars().count())?.0..)?;
    (digits.len() == 4 && rest.starts_with('年'))
        .then(|| digits.parse().ok())
        .flatten()
}

fn expenses(grid: &Grid, place: &str, lines: &mut Vec<Line>, cx: &mut Context<'_>) -> Vec<Section> {
    let t = cx.t;
    let e = &t.basic_data.expenses;
    let mut out = Vec::new();
    let Some(cols) = columns(grid, place, cx) else {
        return out;
    };
    let mut top: Option<String> = None;
    let mut seen: Vec<bool> = vec![false; e.rows.len()];
    let mut row = cols.header + 1;
    while row < grid.rows.len() {
        let at = format!("{place}，{}", grid.place(row));
        let label_cell = grid.at(row, cols.label).filter(|s| !s.from_above);
        let text = label_cell.map(|s| s.cell.text()).unwrap_or_default();
        let key = label::key(&text, &t.label_prefixes);
        if t.basic_data
            .not_imported
            .labels
            .iter()
            .any(|l| label::key(l, &[]) == key)
        {
            not_imported(grid, row, cols.label, place, cx);
            break;
        }
        row += 1;
        if grid.is_blank_row(row - 1) {
            continue;
        }
        let row_unit = units::from_label(&text, "行名", t);
        let values = row_values(grid, row - 1, &cols, row_unit.as_ref(), &at, cx);
        let is_placeholder = t.placeholders.iter().any(|p| compact(p) == compact(&text));
        if is_placeholder || key.is_empty() {
            if values.iter().any(|(_, _, v)| v.is_some()) {
                cx.warn(
                    Warning::new(
                        Code::ImportRowWithoutItem,
                        &at,
                        "这一行有数字，但没有项目名称，未导入".to_string(),
                    )
                    .help("在第一栏写上项目名称（如某专项资金的名称）"),
                );
            }
            continue;
        }
        let item = label::clean(&text, &t.label_prefixes);
        let known = e.rows.iter().position(|r| matches_row(r, &key, t));
        let group = match known.and_then(|i| e.rows.get(i)) {
            Some(r) => {
                if let Some(s) = known.and_then(|i| seen.get_mut(i)) {
                    *s = true;
                }
                if r.group.is_none() {
                    top = Some(r.item.clone());
                }
                r.group.clone()
            }
            None => {
                let open = top.as_ref().is_some_and(|g| e.open_groups.contains(g));
                if !open {
                    cx.warn(
                        Warning::new(
                            Code::ImportUnknownRow,
                            &at,
                            format!(
                                "模板中没有“{item}”这一行；已导入，归入“{}”",
                                top.as_deref().unwrap_or("（无上级）")
                            ),
                        )
                        .help("如果它属于别的上级行，导入后改 group"),
                    );
                }
                top.clone()
            }
        };
        let mut section = Section::array("basic_data.expenses").comment(grid.place(row - 1));
        section.set("item", Value::Text(item));
        if let Some(g) = group {
            section.set("group", Value::Text(g));
        }
        let mut read = Vec::new();
        for (k, header, v) in values {
            let Some(v) = v else { continue };
            match &v.converted {
                Some(c) => section.set_noted(k, Value::Number(v.value), c),
                None => section.set(k, Value::Number(v.value)),
            }
            read.push((k, header, v));
        }
        lines.push(Line {
            item: label::clean(&text, &t.label_prefixes),
            place: at.clone(),
            values: read,
        });
        cx.attach_pending(&mut section);
        out.push(section);
    }
    let missing: Vec<&str> = e
        .rows
        .iter()
        .zip(&seen)
        .filter(|(_, s)| !**s)
        .map(|(r, _)| r.item.as_str())
        .collect();
    if !missing.is_empty() {
        cx.warn(Warning::note(
            Code::ImportTemplateRowsMissing,
            place,
            format!("模板中的这些行在表中没有找到：{}", missing.join("、")),
        ));
    }
    out
}

fn matches_row(r: &ExpenseRow, key: &str, t: &Templates) -> bool {
    std::iter::once(&r.item)
        .chain(&r.aliases)
        .any(|n| label::key(n, &t.label_prefixes) == key)
}

/// The amounts of one line, by key with the column's name; a cell that is
/// not an amount is a warning. `row_unit`: the unit the line's label declares.
fn row_values(
    grid: &Grid,
    row: usize,
    cols: &Columns,
    row_unit: Option<&Declared>,
    at: &str,
    cx: &mut Context<'_>,
) -> Vec<(&'static str, String, Option<AmountRead>)> {
    let mut out = Vec::new();
    let mut used = vec![cols.label];
    for (key, col, header, unit) in &cols.values {
        used.push(*col);
        let Some(slot) = grid.at(row, *col).filter(|s| !s.from_above) else {
            out.push((*key, header.clone(), None));
            continue;
        };
        let place = format!("{at}「{header}」");
        // A cell merged across two amounts' columns is the first one's; a
        // picture where an amount belongs is nothing to read. Both said.
        let merged = slot.col != *col && cols.values.iter().any(|(_, c, _, _)| *c == slot.col);
        let picture = slot.cell.has_image && slot.cell.text().trim().is_empty();
        if merged || picture {
            if !slot.cell.is_blank() {
                let what = match merged {
                    true => format!(
                        "这一格与左边一栏合并（“{}”），按左边一栏导入，这一栏未导入",
                        one_line(&slot.cell.text())
                    ),
                    false => format!("这一格是{}，不是文字，未导入", slot.cell.picture_words()),
                };
                cx.warn(
                    Warning::new(Code::ImportCellNotImported, &place, what)
                        .help("请拆分单元格，每栏直接写上数字"),
                );
            }
            out.push((*key, header.clone(), None));
            continue;
        }
        // The column's own label first, then the line's, then the block's.
        let column_own = grid
            .at(cols.header, *col)
            .and_then(|s| units::from_label(&s.cell.text(), "栏名", cx.t));
        let declared = column_own
            .or_else(|| row_unit.cloned())
            .or_else(|| unit.clone());
        out.push((
            *key,
            header.clone(),
            cx.amount_in(&slot.cell.text(), &place, false, declared.as_ref()),
        ));
    }
    for slot in grid.own_cells(row) {
        if !used.contains(&slot.col) && !slot.cell.is_blank() {
            cx.warn(Warning::new(
                Code::ImportCellNotImported,
                format!("{at}，从左数第{}格", grid.seen_position(row, slot.col)),
                format!("“{}”不在任何一栏之下，未导入", one_line(&slot.cell.text())),
            ));
        }
    }
    out
}

/// Parts of the table the format has no place for: say so if filled in.
fn not_imported(grid: &Grid, from: usize, label_col: usize, place: &str, cx: &mut Context<'_>) {
    let mut block = String::new();
    for row in from..grid.rows.len() {
        let cells = grid.own_cells(row);
        if let Some(l) = cells
            .iter()
            .find(|s| s.col == label_col && !s.cell.is_blank())
        {
            block = label::clean(&l.cell.text(), &[]);
        }
        let others: Vec<_> = cells.iter().filter(|s| s.col != label_col).collect();
        let label_row = cells
            .iter()
            .any(|s| s.col == label_col && !s.cell.is_blank());
        let filled = others.iter().any(|s| {
            let text = s.cell.text();
            !s.cell.is_blank()
                && (!label_row || text.chars().any(|c| c.is_ascii_digit()) || others.len() == 1)
        });
        if filled {
            cx.warn(
                Warning::new(
                    Code::ImportPartNotImported,
                    format!("{place}，{}", grid.place(row)),
                    format!("“{block}”填有内容，报送格式中没有这一部分，未导入"),
                )
                .help("如评分需要，请在评审意见中说明"),
            );
        }
    }
}

fn one_line(text: &str) -> String {
    let s: String = text.chars().take(40).collect();
    s.replace('\n', " ")
}
