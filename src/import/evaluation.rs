//! 附件2 部门整体支出绩效自评表 → `[overall]`, and each 附件4 项目支出绩效自评表
//! → one `[[projects]]`: funds, goals, indicators and the 总分 row. The two
//! tables share their shape; the overall table adds the funds by source and
//! use, a project table its name and the funds' breakdown.

use super::amount;
use super::basic::tables_text;
use super::label;
use super::recognise::{TablePart, find_in_row, find_row};
use super::table::Grid;
use super::template::Names;
use super::units::{self, Declared};
use super::warning::Warning;
use super::write::{Section, Value};
use super::{AmountRead, Context, Found, footer_date};
use crate::diag::Code;
use rust_decimal::Decimal;

/// Which of the two tables.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// 附件2 → `overall`.
    Overall,
    /// 附件4 → `projects`.
    Project,
}

/// What a table gave.
pub struct Evaluation {
    /// Its sections, in order.
    pub sections: Vec<Section>,
    /// 预算单位名称 (overall) or 项目支出名称 (project).
    pub name: Option<Found>,
    /// The 年度资金总额 row's amounts, for comparing with the rest of the package.
    pub funds: Vec<Figure>,
}

/// An amount of the 年度资金总额 row as read.
#[derive(Clone, Debug)]
pub struct Figure {
    /// `initial_budget`, `full_year_budget` or `executed`.
    pub key: &'static str,
    /// The column's name as the template writes it.
    pub header: String,
    /// The amount read.
    pub read: AmountRead,
    /// Where: table, row and column.
    pub place: String,
}

/// Read one table.
pub fn read(part: &TablePart, which: Which, place: &str, cx: &mut Context<'_>) -> Evaluation {
    let t = cx.t;
    let grid = &part.grid;
    let prefix = match which {
        Which::Overall => "overall",
        Which::Project => "projects",
    };
    let mut head = match which {
        Which::Overall => Section::table(prefix),
        Which::Project => Section::array(prefix),
    }
    .comment(format!("{place}（{}）", tables_text(part)));
    let name = match which {
        Which::Overall => cx.value_right_of(grid, &t.overall.unit_name.0, place),
        Which::Project => {
            let name = cx.value_right_of(grid, &t.project.name.0, place);
            match &name {
                // As written, when it is not as 附件1's lines are read.
                Some(n) => {
                    let cleaned = project_name(&n.text, t);
                    match cleaned == n.text {
                        true => head.set("name", Value::Text(n.text.clone())),
                        false => head.set_noted(
                            "name",
                            Value::Text(cleaned),
                            format!("表中写的是“{}”", n.text.replace('\n', "")),
                        ),
                    }
                }
                None => cx.warn(
                    Warning::new(Code::ImportMissingValue, place, "项目表没有“项目支出名称”")
                        .help("在表中填写项目名称；附件清单按名称对应项目"),
                ),
            }
            if let Some(v) = cx.value_right_of(grid, &t.project.implementer.0, place) {
                head.set("implementer", Value::Text(v.text));
            }
            if let Some(v) = cx.value_right_of(grid, &t.project.department.0, place) {
                head.set("department", Value::Text(v.text));
            }
            name
        }
    };
    if let Some(d) = footer_date(&part.footer, t, place, cx) {
        head.set_noted("filled_on", Value::Date(d), "表下“填报日期”");
    }
    let indicators = indicators(grid, prefix, place, cx);
    if !indicators.weights.is_empty() {
        // Each weight with its own row (`产出指标 第2个表格第12行；…`):
        // reports name the Word row of the weight they cite.
        let rows: Vec<String> = indicators
            .weights
            .iter()
            .zip(&indicators.weight_rows)
            .map(|((group, _), row)| format!("{group} {row}"))
            .collect();
        head.set_noted(
            "level1_weights",
            Value::Inline(indicators.weights.clone()),
            rows.join("；"),
        );
    }
    // Each with its row: reports name the Word row of a total they cite.
    if let Some((w, s, row)) = &indicators.total {
        if let Some(w) = w {
            head.set_noted("total_weight", Value::Number(*w), row.clone());
        }
        if let Some(s) = s {
            head.set_noted("total_score", Value::Number(*s), row.clone());
        }
    }
    cx.attach_pending(&mut head);
    let mut sections = vec![head];
    let mut figures = Vec::new();
    sections.extend(funds(grid, which, prefix, place, &mut figures, cx));
    if let Some(g) = goals(grid, prefix, place, cx) {
        sections.push(g);
    }
    sections.extend(indicators.rows);
    Evaluation {
        sections,
        name,
        funds: figures,
    }
}

struct FundsRow {
    row: usize,
    /// The header row above it: a cell below is named by its column's name.
    header: usize,
    label_col: usize,
    executed_col: Option<usize>,
    columns: Vec<usize>,
    /// The unit a label of the funds header row declares ("项目资金（元）").
    block_unit: Option<Declared>,
    /// The unit the 全年执行数 column's name declares.
    executed_unit: Option<Declared>,
}

/// The unit a label in the header row declares for the whole block: a cell
/// that is not one of the amount columns' names ("项目资金\n（元）").
fn block_unit(grid: &Grid, header: usize, columns: &[usize], cx: &Context<'_>) -> Option<Declared> {
    grid.row_cells(header)
        .iter()
        .filter(|s| !columns.contains(&s.col))
        .find_map(|s| units::from_label(&s.cell.text(), "表头", cx.t))
}

/// The amount's unit as the labels say it: the column's name, else the
/// row's label, else the block's; `None` leaves it to the table's.
fn first_unit(candidates: [Option<Declared>; 3]) -> Option<Declared> {
    candidates.into_iter().flatten().next()
}

/// Set a key, with the conversion (if any) as the comment beside it.
fn set_amount(section: &mut Section, key: &str, read: &AmountRead) {
    match &read.converted {
        Some(c) => section.set_noted(key, Value::Number(read.value), c),
        None => section.set(key, Value::Number(read.value)),
    }
}

fn funds(
    grid: &Grid,
    which: Which,
    prefix: &str,
    place: &str,
    figures: &mut Vec<Figure>,
    cx: &mut Context<'_>,
) -> Vec<Section> {
    let t = cx.t;
    let f = &t.evaluation.funds;
    let mut out = Vec::new();
    let Some((header, _)) = find_row(grid, 0, &f.initial_budget.0, t) else {
        cx.warn(Warning::new(
            Code::ImportMissingBlock,
            place,
            format!("找不到“{}”等列名，资金数据未导入", f.initial_budget.first()),
        ));
        return out;
    };
    let Some((row, label_col)) = find_row(grid, header, &t.evaluation.funds_row.0, t) else {
        cx.warn(Warning::new(
            Code::ImportMissingBlock,
            place,
            format!(
                "找不到“{}”一行，资金数据未导入",
                t.evaluation.funds_row.first()
            ),
        ));
        return out;
    };
    let mut section = Section::table(&format!("{prefix}.funds")).comment(format!(
        "{}：{}",
        t.evaluation.funds_row.first(),
        grid.place(row)
    ));
    let keys: [(&'static str, &Names); 6] = [
        ("initial_budget", &f.initial_budget),
        ("full_year_budget", &f.full_year_budget),
        ("executed", &f.executed),
        ("weight", &f.weight),
        ("rate", &f.rate),
        ("score", &f.score),
    ];
    let amount_columns: Vec<usize> = keys
        .iter()
        .filter_map(|(_, names)| find_in_row(grid, header, &names.0, t))
        .collect();
    let row_unit = grid
        .at(row, label_col)
        .and_then(|s| units::from_label(&s.cell.text(), "行名", t));
    let mut fr = FundsRow {
        row,
        header,
        label_col,
        executed_col: None,
        columns: vec![label_col],
        block_unit: block_unit(grid, header, &amount_columns, cx),
        executed_unit: None,
    };
    for (key, names) in keys {
        let Some(col) = find_in_row(grid, header, &names.0, t) else {
            cx.warn(Warning::new(
                Code::ImportMissingColumn,
                format!("{place}，{}", grid.place(header)),
                format!("找不到“{}”一栏", names.first()),
            ));
            continue;
        };
        fr.columns.push(col);
        let column_unit = grid
            .at(header, col)
            .and_then(|s| units::from_label(&s.cell.text(), "栏名", t));
        if key == "executed" {
            fr.executed_col = Some(col);
            fr.executed_unit = column_unit.clone();
        }
        let Some(slot) = grid.at(row, col).filter(|s| !s.from_above) else {
            continue;
        };
        let at = format!("{place}，{}「{}」", grid.place(row), names.first());
        // A cell merged across two amounts' columns is the first one's.
        if slot.col != col && amount_columns.contains(&slot.col) {
            if !slot.cell.is_blank() {
                cx.warn(
                    Warning::new(
                        Code::ImportCellNotImported,
                        &at,
                        format!(
                            "“{}”一格与左边一栏合并（“{}”），按左边一栏导入，这一栏未导入",
                            names.first(),
                            super::table::one_line(&slot.cell.text())
                        ),
                    )
                    .help("请拆分单元格，每栏分别填写"),
                );
            }
            continue;
        }
        // A picture where a figure belongs: nothing to read, and said.
        if slot.cell.has_image && slot.cell.text().trim().is_empty() {
            cx.warn(
                Warning::new(
                    Code::ImportCellNotImported,
                    &at,
                    format!(
                        "“{}”一格是{}，不是文字，未导入",
                        names.first(),
                        slot.cell.picture_words()
                    ),
                )
                .help("请在这一格中直接写上数字"),
            );
            continue;
        }
        let text = slot.cell.text();
        match key {
            "rate" => section.set_opt(key, amount::rate(&text).map(Value::Text)),
            "weight" | "score" => {
                let v = cx.points(&text, &at);
                section.set_opt(key, v.map(Value::Number));
            }
            _ => {
                let note_allowed = key == "full_year_budget";
                let unit = first_unit([column_unit, row_unit.clone(), fr.block_unit.clone()]);
                if let Some(read) = cx.amount_in(&text, &at, note_allowed, unit.as_ref()) {
                    set_amount(&mut section, key, &read);
                    if let Some(n) = &read.note {
                        section.set("full_year_budget_note", Value::Text(n.clone()));
                    }
                    figures.push(Figure {
                        key,
                        header: names.first().to_string(),
                        read,
                        place: at.clone(),
                    });
                }
            }
        }
    }
    cx.attach_pending(&mut section);
    out.push(section);
    match which {
        Which::Overall => out.extend(by_source_and_use(grid, &fr, prefix, place, cx)),
        Which::Project => out.extend(breakdown(grid, &fr, prefix, place, cx)),
    }
    out
}

/// 按收入性质分 / 按支出性质分: "名称：数额" cells, or a name and the
/// amount in the cell to its right, in the rows below the funds row.
/// A label followed by its amount in one text, without a colon between
/// ("其中：一般公共预算1115.09万元", "一般公共预算 ¥1,115.09"): split where
/// a number starts, at the first place where the text before it is a
/// label `field` knows; the label, the amount's text and the field.
fn amount_after_label<F: Copy>(
    text: &str,
    field: impl Fn(&str) -> Option<F>,
) -> Option<(String, String, F)> {
    let starts_number =
        |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c) || "¥￥".contains(c);
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        let begins = starts_number(c) && !previous.is_some_and(starts_number);
        previous = Some(c);
        if !begins {
            continue;
        }
        let (label, value) = text.split_at(at);
        if label.trim().is_empty() {
            continue;
        }
        if let Some(f) = field(label) {
            return Some((label.to_string(), value.trim().to_string(), f));
        }
    }
    None
}

fn by_source_and_use(
    grid: &Grid,
    fr: &FundsRow,
    prefix: &str,
    place: &str,
    cx: &mut Context<'_>,
) -> Vec<Section> {
    let t = cx.t;
    let o = &t.overall;
    let tables: [(&str, Vec<(&str, &Names)>); 2] = [
        (
            "by_source",
            vec![
                ("general_public", &o.by_source.general_public),
                ("government_fund", &o.by_source.government_fund),
                ("special_account", &o.by_source.special_account),
                ("other", &o.by_source.other),
            ],
        ),
        (
            "by_use",
            vec![("basic", &o.by_use.basic), ("project", &o.by_use.project)],
        ),
    ];
    let end = block_end(grid, fr.row + 1, cx);
    let mut found: Vec<(usize, usize, AmountRead, String)> = Vec::new();
    for row in fr.row + 1..end {
        let cells = grid.own_cells(row);
        let mut i = 0;
        while let Some(slot) = cells.get(i) {
            i += 1;
            let text = slot.cell.text();
            if slot.col == fr.label_col && slot.cell.is_blank() {
                continue;
            }
            let (mut label_text, mut value_text, mut pair) = match label::split_value(&text) {
                // "其中：一般公共预算" is a label, its amount in the next cell.
                Some((l, v)) if !t.label_prefixes.contains(&label::compact(l)) => {
                    (l.to_string(), v.to_string(), true)
                }
                _ => (text.clone(), String::new(), false),
            };
            let key = label::key(&label_text, &t.label_prefixes);
            if key.is_empty() || o.subtotals.iter().any(|s| label::key(s, &[]) == key) {
                continue;
            }
            let field_of = |key: &str| {
                tables.iter().enumerate().find_map(|(ti, (_, fields))| {
                    fields
                        .iter()
                        .position(|(_, names)| {
                            label::fits(key, &names.0, &t.label_prefixes) == Some(label::Fit::Exact)
                        })
                        .map(|fi| (ti, fi))
                })
            };
            let mut hit = field_of(&key);
            // "一般公共预算1115.09万元": the amount written straight after
            // the label, without a colon. Split where a number starts and
            // the text before it is a template label.
            if hit.is_none() && !pair {
                if let Some((l, v, found)) =
                    amount_after_label(&text, |l| field_of(&label::key(l, &t.label_prefixes)))
                {
                    (label_text, value_text, pair, hit) = (l, v, true, Some(found));
                }
            }
            let at = format!("{place}，{}", grid.place(row));
            let Some((ti, fi)) = hit else {
                cx.warn(
                    Warning::new(
                        Code::ImportCellNotImported,
                        at,
                        format!(
                            "“{}”不是模板中的资金来源或用途，未导入",
                            text.replace('\n', " ")
                        ),
                    )
                    .help(
                        "若是模板中的一项，用模板的名称，名称和金额之间加冒号\
                         （如“一般公共预算：1115.09”）；否则核对原文，需要时手工补入",
                    ),
                );
                continue;
            };
            let value_text = if pair {
                value_text
            } else {
                // The amount in the next cell.
                i += 1;
                cells.get(i - 1).map(|s| s.cell.text()).unwrap_or_default()
            };
            let unit = first_unit([
                units::from_label(&label_text, "行名", t),
                fr.block_unit.clone(),
                None,
            ]);
            if let Some(read) = cx.amount_in(
                &value_text,
                &format!("{at}「{}」", label::clean(&label_text, &t.label_prefixes)),
                false,
                unit.as_ref(),
            ) {
                found.push((ti, fi, read, grid.place(row)));
            }
        }
    }
    let mut out = Vec::new();
    for (ti, (name, fields)) in tables.iter().enumerate() {
        let mut section = Section::table(&format!("{prefix}.funds.{name}"));
        let mut places = Vec::new();
        for (_, _, _, p) in found.iter().filter(|(a, _, _, _)| *a == ti) {
            if !places.contains(p) {
                places.push(p.clone());
            }
        }
        for (fi, (key, _)) in fields.iter().enumerate() {
            if let Some((_, _, v, p)) = found.iter().find(|(a, b, _, _)| *a == ti && *b == fi) {
                // Amounts of several rows: each says its own row, which is
                // where a place in the notice is read from.
                match (&v.converted, places.len() > 1) {
                    (Some(c), true) => {
                        section.set_noted(key, Value::Number(v.value), format!("{p}；{c}"));
                    }
                    (None, true) => section.set_noted(key, Value::Number(v.value), p.clone()),
                    _ => set_amount(&mut section, key, v),
                }
            }
        }
        if !section.is_empty() {
            out.push(section.comment(places.join("、")));
        }
    }
    out
}

/// The first row from `from` on that starts the goals or the indicators.
fn block_end(grid: &Grid, from: usize, cx: &Context<'_>) -> usize {
    let t = cx.t;
    let goals = find_row(grid, from, &t.evaluation.goals.expected.0, t).map(|(r, _)| r);
    let indicators = find_row(grid, from, &t.evaluation.indicators.level1.0, t).map(|(r, _)| r);
    goals
        .into_iter()
        .chain(indicators)
        .min()
        .unwrap_or(grid.rows.len())
}

/// A project's 其中 rows: amounts in the 全年执行数 column.
fn breakdown(
    grid: &Grid,
    fr: &FundsRow,
    prefix: &str,
    place: &str,
    cx: &mut Context<'_>,
) -> Vec<Section> {
    let t = cx.t;
    let b = &t.project.breakdown;
    let fields: [(&str, &Names); 3] = [
        ("current_year", &b.current_year),
        ("carried_over", &b.carried_over),
        ("other", &b.other),
    ];
    let end = block_end(grid, fr.row + 1, cx);
    let mut section = Section::table(&format!("{prefix}.funds.breakdown"));
    let mut rows = Vec::new();
    for row in fr.row + 1..end {
        let Some(label_slot) = grid.at(row, fr.label_col).filter(|s| !s.from_above) else {
            continue;
        };
        let key = label::key(&label_slot.cell.text(), &t.label_prefixes);
        let at = format!("{place}，{}", grid.place(row));
        let Some((field, names)) = fields
            .iter()
            .find(|(_, n)| label::fits(&key, &n.0, &t.label_prefixes) == Some(label::Fit::Exact))
        else {
            if !grid.is_blank_row(row) {
                cx.warn(Warning::new(
                    Code::ImportUnknownRow,
                    at,
                    format!(
                        "“{}”不是模板中的资金来源，未导入",
                        label_slot.cell.text().replace('\n', " ")
                    ),
                ));
            }
            continue;
        };
        for slot in grid.own_cells(row) {
            if slot.col == fr.label_col || slot.cell.is_blank() {
                continue;
            }
            if Some(slot.col) == fr.executed_col {
                let unit = first_unit([
                    fr.executed_unit.clone(),
                    units::from_label(&label_slot.cell.text(), "行名", t),
                    fr.block_unit.clone(),
                ]);
                if let Some(read) = cx.amount_in(
                    &slot.cell.text(),
                    &format!("{at}「{}」", names.first()),
                    false,
                    unit.as_ref(),
                ) {
                    set_amount(&mut section, field, &read);
                    rows.push(grid.place(row));
                }
            } else if fr.columns.contains(&slot.col) || slot.col > fr.label_col {
                // Named by its column's name, as a person reads the table
                // (a count of grid columns is not the cells one sees).
                let column = grid
                    .at(fr.header, slot.col)
                    .map(|h| super::table::one_line(&h.cell.text()))
                    .filter(|h| !h.is_empty())
                    .map_or_else(
                        || format!("从左数第{}格", grid.seen_position(row, slot.col)),
                        |h| format!("「{h}」栏"),
                    );
                // Beside a 全年执行数 that was read, the other columns are
                // only more than the format asks (a note for the bureau);
                // without one, this row's figure is in the wrong column and
                // went unread (a warning, in the unit's notice too).
                let executed_read = fr.executed_col.is_some_and(|c| {
                    grid.at(row, c)
                        .is_some_and(|s| !s.from_above && !s.cell.is_blank())
                });
                let message = format!(
                    "“{}”：{}只取“{}”一栏，这一格未导入",
                    slot.cell.text().replace('\n', " "),
                    names.first(),
                    t.evaluation.funds.executed.first()
                );
                let place = format!("{at}，{column}");
                cx.warn(match executed_read {
                    true => Warning::note(Code::ImportCellNotImported, place, message),
                    false => Warning::new(Code::ImportCellNotImported, place, message),
                });
            }
        }
    }
    cx.attach_pending(&mut section);
    if section.is_empty() {
        // Nothing of the block was read: what was said of it goes with
        // the next section written, not away with this one.
        cx.pending.append(&mut section.comments);
        return Vec::new();
    }
    vec![section.comment(format!("其中：{}", rows.join("、")))]
}

fn goals(grid: &Grid, prefix: &str, place: &str, cx: &mut Context<'_>) -> Option<Section> {
    let t = cx.t;
    let g = &t.evaluation.goals;
    let Some((row, expected_col)) = find_row(grid, 0, &g.expected.0, t) else {
        cx.warn(Warning::new(
            Code::ImportMissingBlock,
            place,
            format!("找不到“{}”，年度总体目标未导入", g.expected.first()),
        ));
        return None;
    };
    // The text's row is named first: a place is read from the first row a
    // comment names.
    let mut section = Section::table(&format!("{prefix}.goals")).comment(format!(
        "年度总体目标：{}（表头在上一行）",
        grid.place(row + 1)
    ));
    let actual_col = find_in_row(grid, row, &g.actual.0, t);
    for (key, col) in [("expected", Some(expected_col)), ("actual", actual_col)] {
        let text = col
            .and_then(|c| grid.at(row + 1, c))
            .filter(|s| !s.from_above)
            .map(|s| s.cell.text())
            .unwrap_or_default();
        if !text.is_empty() {
            section.set(key, Value::Text(text));
        }
    }
    Some(section)
}

struct Indicators {
    weights: Vec<(String, Value)>,
    /// Where each weight was read (`第2个表格第12行`), in `weights`' order.
    weight_rows: Vec<String>,
    /// The total row's weight and score, and its place in the Word file.
    total: Option<(Option<Decimal>, Option<Decimal>, String)>,
    rows: Vec<Section>,
}

/// The indicator columns of the header row.
struct IndicatorColumns {
    level1: usize,
    level2: Option<usize>,
    text: Vec<(&'static str, usize)>,
    weight: Option<usize>,
    score: Option<usize>,
    /// Columns the template does not have (“备注”, “指标解释”), right of
    /// 一级指标, with their header as written: their text has no place in
    /// the format, and is said rather than lost unseen.
    extra: Vec<(usize, String)>,
}

/// One indicator row as read.
#[derive(Default)]
struct Line {
    level1: String,
    level2: String,
    texts: Vec<(&'static str, String)>,
    weight: Option<Decimal>,
    score: Option<Decimal>,
    place: String,
    notes: Vec<String>,
}

impl Line {
    fn has_content(&self) -> bool {
        !self.texts.is_empty() || self.weight.is_some() || self.score.is_some()
    }
}

fn indicator_columns(
    grid: &Grid,
    header: usize,
    level1: usize,
    place: &str,
    cx: &mut Context<'_>,
) -> IndicatorColumns {
    let t = cx.t;
    let c = &t.evaluation.indicators;
    // The header as written, quoted when a column is not found in it: the
    // bureau sees what the unit wrote instead (“权重” for “分值”).
    let written: Vec<String> = grid
        .row_cells(header)
        .iter()
        .map(|s| super::table::one_line(&s.cell.text()))
        .filter(|t| !t.is_empty())
        .collect();
    let find = |names: &Names, cx: &mut Context<'_>| {
        let col = find_in_row(grid, header, &names.0, t);
        if col.is_none() {
            cx.warn(
                Warning::new(
                    Code::ImportMissingColumn,
                    format!("{place}，{}", grid.place(header)),
                    format!(
                        "绩效指标表头中找不到“{}”一栏，这一栏的内容未导入（表头写的是：{}）",
                        names.first(),
                        written.join(" | ")
                    ),
                )
                .help(format!(
                    "请单位把表头改回模板的“{}”；或由区财政局在 templates.toml 的 [evaluation.indicators] 中为它加上单位的写法",
                    names.first()
                )),
            );
        }
        col
    };
    let level2 = find(&c.level2, cx);
    let mut text = Vec::new();
    for (key, names) in [
        ("name", &c.name),
        ("target", &c.target),
        ("actual", &c.actual),
        ("deviation", &c.deviation),
    ] {
        if let Some(col) = find(names, cx) {
            text.push((key, col));
        }
    }
    let weight = find(&c.weight, cx);
    let score = find(&c.score, cx);
    let known: Vec<usize> = [Some(level1), level2, weight, score]
        .into_iter()
        .flatten()
        .chain(text.iter().map(|(_, c)| *c))
        .collect();
    let extra = grid
        .own_cells(header)
        .iter()
        .filter(|s| s.col > level1 && !known.contains(&s.col))
        .map(|s| (s.col, super::table::one_line(&s.cell.text())))
        .filter(|(_, h)| !h.is_empty())
        .collect();
    IndicatorColumns {
        level1,
        level2,
        text,
        weight,
        score,
        extra,
    }
}

/// Text in the row under a column the template does not have, said.
fn extra_cells(
    grid: &Grid,
    row: usize,
    cols: &IndicatorColumns,
    place: &str,
    cx: &mut Context<'_>,
) {
    for (col, header) in &cols.extra {
        let Some(slot) = grid.at(row, *col) else {
            continue;
        };
        if slot.from_above || slot.col != *col || slot.cell.is_blank() {
            continue;
        }
        cx.warn(
            Warning::new(
                Code::ImportCellNotImported,
                format!("{place}，{}「{header}」", grid.place(row)),
                format!(
                    "“{}”写在模板中没有的“{header}”一栏，未导入",
                    super::table::one_line(&slot.cell.text())
                ),
            )
            .help("模板没有这一栏，其中的内容不计入评分；属于指标的内容（如实际完成值）请写在模板相应的栏中"),
        );
    }
}

fn indicators(grid: &Grid, prefix: &str, place: &str, cx: &mut Context<'_>) -> Indicators {
    let t = cx.t;
    let c = &t.evaluation.indicators;
    let mut out = Indicators {
        weights: Vec::new(),
        weight_rows: Vec::new(),
        total: None,
        rows: Vec::new(),
    };
    let Some((header, level1)) = find_row(grid, 0, &c.level1.0, t) else {
        cx.warn(Warning::new(
            Code::ImportMissingBlock,
            place,
            format!("找不到“{}”等列名，绩效指标未导入", c.level1.first()),
        ));
        return out;
    };
    let cols = indicator_columns(grid, header, level1, place, cx);
    let mut lines: Vec<Line> = Vec::new();
    let mut previous = (String::new(), String::new());
    for row in header + 1..grid.rows.len() {
        if is_header_again(grid, row, &cols, cx) {
            continue;
        }
        // A subtotal among the indicators (“小计”, or a “合计” with more
        // indicators below it) is neither an indicator nor the table's
        // total: said and passed over, the rows after it read.
        if let Some(label) = subtotal(grid, row, &cols, cx) {
            cx.warn(Warning::note(
                Code::ImportCellNotImported,
                format!("{place}，{}", grid.place(row)),
                format!(
                    "“{label}”一行是小计（下面还有指标），未作为指标或总分导入；总分取表末的总分行"
                ),
            ));
            continue;
        }
        if let Some((w, s)) = total_row(grid, row, &cols, place, cx) {
            out.total = Some((w, s, grid.place(row)));
            break;
        }
        let before = cx.take_pending();
        let read = out.weights.len();
        let line = read_line(grid, row, &cols, &mut previous, &mut out.weights, place, cx);
        extra_cells(grid, row, &cols, place, cx);
        if out.weights.len() > read {
            out.weight_rows.push(grid.place(row));
        }
        let notes = std::mem::replace(&mut cx.pending, before);
        match line {
            Some(mut l) => {
                l.notes = notes;
                lines.push(l);
            }
            None => cx.pending.extend(notes),
        }
    }
    if out.total.is_none() {
        cx.warn(Warning::new(
            Code::ImportMissingTotal,
            place,
            format!(
                "找不到“{}”行，总分行的分值和得分未导入",
                c.total_row.first()
            ),
        ));
    }
    out.rows = group_lines(lines, prefix);
    out
}

/// A project table's 项目名称 as 附件1's lines are read (numbering, spaces
/// and a note in brackets left out), so that the project is found by its
/// line: “1、业务 工作经费（区级专项）” is 业务工作经费. A name that would
/// clean to nothing is kept as written.
pub(super) fn project_name(written: &str, t: &super::Templates) -> String {
    let cleaned = label::clean(written, &t.label_prefixes);
    match cleaned.is_empty() {
        true => written.to_string(),
        false => cleaned,
    }
}

/// The label of a subtotal row: one whose label ends with a subtotal word
/// of the templates (“小计”), or
/// labelled as the total row while an indicator with its 分值 follows it.
fn subtotal(grid: &Grid, row: usize, cols: &IndicatorColumns, cx: &Context<'_>) -> Option<String> {
    let t = cx.t;
    let label = grid
        .own_cells(row)
        .into_iter()
        .filter(|s| Some(s.col) != cols.weight && Some(s.col) != cols.score)
        .map(|s| super::table::one_line(&s.cell.text()))
        .find(|l| !l.is_empty())?;
    let key = label::key(&label, &t.label_prefixes);
    let subtotal = &t.evaluation.indicators.subtotal_row.0;
    if subtotal
        .iter()
        .any(|w| !w.is_empty() && key.ends_with(&label::key(w, &t.label_prefixes)))
    {
        return Some(label);
    }
    let total = label::fits(
        &key,
        &t.evaluation.indicators.total_row.0,
        &t.label_prefixes,
    ) == Some(label::Fit::Exact);
    if !total {
        return None;
    }
    let name_col = cols
        .text
        .iter()
        .find(|(k, _)| *k == "name")
        .map(|(_, c)| *c)?;
    let filled = |r: usize, c: Option<usize>| {
        c.and_then(|c| grid.at(r, c))
            .is_some_and(|s| !s.from_above && !s.cell.is_blank())
    };
    let more =
        (row + 1..grid.rows.len()).any(|r| filled(r, Some(name_col)) && filled(r, cols.weight));
    more.then_some(label)
}

/// A continuation's repeated header row.
fn is_header_again(grid: &Grid, row: usize, cols: &IndicatorColumns, cx: &Context<'_>) -> bool {
    let t = cx.t;
    grid.at(row, cols.level1)
        .filter(|s| !s.from_above)
        .is_some_and(|s| {
            let k = label::key(&s.cell.text(), &t.label_prefixes);
            label::fits(&k, &t.evaluation.indicators.level1.0, &t.label_prefixes)
                == Some(label::Fit::Exact)
        })
}

/// The 总分 row: its label says so, or one cell (perhaps a picture) spans
/// the label columns and the points stand under 分值 and 得分.
fn total_row(
    grid: &Grid,
    row: usize,
    cols: &IndicatorColumns,
    place: &str,
    cx: &mut Context<'_>,
) -> Option<(Option<Decimal>, Option<Decimal>)> {
    let t = cx.t;
    let names = &t.evaluation.indicators.total_row.0;
    let cells = grid.own_cells(row);
    let labelled = cells.iter().any(|s| {
        Some(s.col) != cols.weight && Some(s.col) != cols.score && {
            let k = label::key(&s.cell.text(), &t.label_prefixes);
            label::fits(&k, names, &t.label_prefixes) == Some(label::Fit::Exact)
        }
    });
    let name_col = cols
        .text
        .iter()
        .find(|(k, _)| *k == "name")
        .map(|(_, c)| *c);
    let wide = grid
        .at(row, cols.level1)
        .is_some_and(|s| !s.from_above && name_col.is_some_and(|n| s.col + s.cell.span > n));
    if !labelled && !wide {
        return None;
    }
    let at = format!("{place}，{}", grid.place(row));
    if !labelled {
        let picture = grid.at(row, cols.level1).is_some_and(|s| s.cell.has_image);
        cx.warn(Warning::note(
            Code::ImportTotalByPosition,
            &at,
            if picture {
                format!(
                    "这一行的标签是图片而不是文字，按位置认定为“{}”行",
                    names.first().map_or("", String::as_str)
                )
            } else {
                format!(
                    "这一行的标签不是“{}”，按位置认定为总分行",
                    names.first().map_or("", String::as_str)
                )
            },
        ));
    }
    let value = |col: Option<usize>, header: &str, cx: &mut Context<'_>| {
        col.and_then(|c| grid.at(row, c))
            .filter(|s| !s.from_above)
            .and_then(|s| cx.points(&s.cell.text(), &format!("{at}「{header}」")))
    };
    let w = value(cols.weight, "分值", cx);
    let s = value(cols.score, "得分", cx);
    Some((w, s))
}

fn read_line(
    grid: &Grid,
    row: usize,
    cols: &IndicatorColumns,
    previous: &mut (String, String),
    weights: &mut Vec<(String, Value)>,
    place: &str,
    cx: &mut Context<'_>,
) -> Option<Line> {
    let t = cx.t;
    let at = format!("{place}，{}", grid.place(row));
    // The indicator's own columns. A cell merged across two of them (分值
    // and 得分 merged, one “10” written) is read for the first only: the
    // second is said as not imported, never given the same value.
    let field_cols: Vec<(&str, usize)> = cols
        .text
        .iter()
        .map(|(k, c)| (*k, *c))
        .chain(cols.weight.map(|c| ("weight", c)))
        .chain(cols.score.map(|c| ("score", c)))
        .collect();
    let from_left = |col: usize| {
        grid.at(row, col)
            .filter(|s| !s.from_above && s.col != col)
            .and_then(|s| {
                field_cols
                    .iter()
                    .find(|(_, c)| *c == s.col)
                    .map(|(k, _)| (*k, s))
            })
    };
    let text_at = |col: usize| {
        grid.at(row, col)
            .filter(|s| !s.from_above && from_left(col).is_none())
            .map(|s| s.cell.text())
            .unwrap_or_default()
    };
    for (key, col) in &field_cols {
        if let Some((left, slot)) = from_left(*col).filter(|(_, s)| !s.cell.is_blank()) {
            let (header, left) = (column_words(key, t), column_words(left, t));
            cx.warn(
                Warning::new(
                    Code::ImportCellNotImported,
                    format!("{at}「{header}」"),
                    format!(
                        "“{header}”一格与左边的“{left}”合并（“{}”），按“{left}”导入，这一行的{header}未导入",
                        super::table::one_line(&slot.cell.text())
                    ),
                )
                .help(format!("请拆分单元格，“{left}”和“{header}”分别填写")),
            );
        }
    }
    let l1_raw = grid
        .at(row, cols.level1)
        .map(|s| s.cell.text())
        .unwrap_or_default();
    let l2_raw = cols
        .level2
        .and_then(|c| grid.at(row, c))
        .map(|s| s.cell.text())
        .unwrap_or_default();
    let mut line = Line {
        place: grid.place(row),
        ..Line::default()
    };
    let (l1_label, l1_weight) = level_weight(&l1_raw, t);
    line.level1 = label::clean(&l1_label, &t.label_prefixes);
    line.level2 = label::clean(&l2_raw, &t.label_prefixes);
    if !line.level1.is_empty() {
        if let Some(w) = l1_weight {
            if !weights.iter().any(|(k, _)| *k == line.level1) {
                weights.push((line.level1.clone(), Value::Number(w)));
            }
        }
    }
    for (key, col) in &cols.text {
        let text = text_at(*col);
        if !text.is_empty() {
            // Short cells are one line; the deviation is prose (table::one_line).
            let text = if matches!(*key, "name" | "target" | "actual") {
                super::table::one_line(&text)
            } else {
                text
            };
            line.texts.push((key, text));
        }
    }
    // A value cell merged with the one above ("10" over two rows) belongs
    // to the row it starts in; this row's value is not guessed (one 10 for
    // each, or 10 for both?) but said, so that nobody loses it unseen.
    let value_cols = cols
        .text
        .iter()
        .filter(|(k, _)| *k != "name")
        .map(|(k, c)| (*k, Some(*c)))
        .chain([("weight", cols.weight), ("score", cols.score)]);
    let own_line = line_has_own_cells(grid, row, cols);
    for (key, col) in value_cols {
        let merged = col
            .and_then(|c| grid.at(row, c))
            .filter(|s| own_line && s.from_above && !s.cell.is_blank());
        if let Some(slot) = merged {
            let header = column_words(key, t);
            cx.warn(
                Warning::new(
                    Code::ImportCellNotImported,
                    &at,
                    format!(
                        "“{header}”一格与上一行合并（“{}”），这一行的{header}未导入",
                        super::table::one_line(&slot.cell.text())
                    ),
                )
                .help(format!("如两行各有{header}，请拆分单元格，每行分别填写")),
            );
        }
    }
    for (key, col) in [("weight", cols.weight), ("score", cols.score)] {
        // A picture where a number belongs (a scanned score pasted in):
        // nothing to read, and said, not taken for a blank cell.
        let picture = col
            .and_then(|c| grid.at(row, c))
            .filter(|s| !s.from_above && s.cell.has_image && s.cell.text().trim().is_empty());
        if let Some(slot) = picture {
            let header = column_words(key, t);
            cx.warn(
                Warning::new(
                    Code::ImportCellNotImported,
                    format!("{at}「{header}」"),
                    format!(
                        "“{header}”一格是{}，不是文字，未导入",
                        slot.cell.picture_words()
                    ),
                )
                .help(format!("请在这一格中直接写上{header}的数字")),
            );
        }
        let text = col.map(text_at).unwrap_or_default();
        let v = cx.points(&text, &format!("{at}「{}」", column_words(key, t)));
        if key == "weight" {
            line.weight = v;
        } else {
            line.score = v;
        }
    }
    // A merged or blank category cell carries the one above.
    if line.level1.is_empty() {
        line.level1 = previous.0.clone();
        if line.level2.is_empty() {
            line.level2 = previous.1.clone();
        }
    } else if line.level2.is_empty() && line.level1 == previous.0 {
        line.level2 = previous.1.clone();
    }
    if line.level1.is_empty() || line.level2.is_empty() {
        // A 一级指标 written on this row starts its group all the same: the
        // rows below belong to it, not to the group above.
        let new_level1 = !line.level1.is_empty() && line.level1 != previous.0;
        if new_level1 {
            *previous = (line.level1.clone(), String::new());
        }
        if line.has_content() {
            let message = match line.level1.is_empty() {
                true => "这一行有指标内容，但没有一级指标，未导入".to_string(),
                false => format!(
                    "这一行有指标内容，写了一级指标“{}”，但二级指标空着，未导入",
                    line.level1
                ),
            };
            cx.warn(
                Warning::new(Code::ImportIndicatorWithoutLevel, &at, message)
                    .help("在表中补上一级、二级指标（可合并单元格）"),
            );
        }
        return None;
    }
    *previous = (line.level1.clone(), line.level2.clone());
    Some(line)
}

/// Does the row have a cell of its own in the indicator's columns (a line
/// of its own, not only the rest of merged cells)?
fn line_has_own_cells(grid: &Grid, row: usize, cols: &IndicatorColumns) -> bool {
    cols.text
        .iter()
        .map(|(_, c)| Some(*c))
        .chain([cols.weight, cols.score])
        .flatten()
        .any(|c| {
            grid.at(row, c)
                .is_some_and(|s| !s.from_above && !s.cell.is_blank())
        })
}

/// A column of the indicator table in the form's words (the year's
/// templates: the first name each column is known by).
fn column_words<'t>(key: &str, t: &'t super::Templates) -> &'t str {
    let c = &t.evaluation.indicators;
    let names = match key {
        "weight" => &c.weight,
        "score" => &c.score,
        "target" => &c.target,
        "actual" => &c.actual,
        "deviation" => &c.deviation,
        _ => &c.name,
    };
    names.first()
}

/// A 一级指标 cell's label and the weight written with it: "产出指标\n(50分)",
/// "产出指标（分值50分）", "产出指标（权重50%）" (a table's weights make 100,
/// so a percentage is its points), and without brackets "产出指标50分",
/// "产出指标 50". The label keeps none of the weight's words.
fn level_weight(text: &str, t: &super::Templates) -> (String, Option<Decimal>) {
    let weight_words = &t.evaluation.indicators.weight_words.0;
    let folded: String = label::compact(text).chars().map(label::fold).collect();
    // “50分，含成本指标”, “占50%”: the points come first, an aside after.
    let points = |words: &str| {
        let words = words
            .split([',', '，', ';', '；'])
            .next()
            .unwrap_or("")
            .trim();
        let words = weight_words
            .iter()
            .find_map(|w| words.strip_prefix(w.as_str()))
            .unwrap_or(words)
            .trim_start_matches([':', '：', '为'])
            .trim_end_matches('%');
        amount::points(words, &t.blank_marks.0).ok().flatten()
    };
    if let Some(open) = folded.rfind('(')
        && let Some(inner) = folded.get(open + 1..)
        && let Some(w) = points(inner.trim_end_matches(')'))
    {
        return (folded.get(..open).unwrap_or_default().to_string(), Some(w));
    }
    // A number at the end, with 分 or 分值 words before it.
    let body = folded.trim_end_matches('分');
    let start = body
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map(|(at, _)| at);
    if let Some(start) = start
        && start > 0
        && let Some(w) = points(body.get(start..).unwrap_or_default())
    {
        let label = body.get(..start).unwrap_or_default();
        let label = weight_words
            .iter()
            .find_map(|w| label.strip_suffix(w.as_str()))
            .unwrap_or(label)
            .trim_end_matches([':', '：']);
        if !label.is_empty() {
            return (label.to_string(), Some(w));
        }
    }
    (text.to_string(), None)
}

/// Lines → `[[…indicators]]`: a 二级指标 group with no filled line becomes
/// one line with only `level1` and `level2`; blank lines in a filled group go.
fn group_lines(lines: Vec<Line>, prefix: &str) -> Vec<Section> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(first) = lines.get(i) {
        let key = (first.level1.clone(), first.level2.clone());
        let group: Vec<&Line> = lines
            .iter()
            .skip(i)
            .take_while(|l| {
                (l.level1.as_str(), l.level2.as_str()) == (key.0.as_str(), key.1.as_str())
            })
            .collect();
        i += group.len().max(1);
        let filled: Vec<&&Line> = group.iter().filter(|l| l.has_content()).collect();
        if filled.is_empty() {
            let mut s = Section::array(&format!("{prefix}.indicators"))
                .comment(format!("{}（二级指标未细化）", first.place));
            s.set("level1", Value::Text(key.0.clone()));
            s.set("level2", Value::Text(key.1.clone()));
            out.push(s);
            continue;
        }
        for line in filled {
            let mut s = Section::array(&format!("{prefix}.indicators")).comment(line.place.clone());
            s.comments.extend(line.notes.iter().cloned());
            s.set("level1", Value::Text(line.level1.clone()));
            s.set("level2", Value::Text(line.level2.clone()));
            for key in ["name", "target", "actual"] {
                if let Some((_, v)) = line.texts.iter().find(|(k, _)| *k == key) {
                    s.set(key, Value::Text(v.clone()));
                }
            }
            s.set_opt("weight", line.weight.map(Value::Number));
            s.set_opt("score", line.score.map(Value::Number));
            if let Some((_, v)) = line.texts.iter().find(|(k, _)| *k == "deviation") {
                s.set("deviation", Value::Text(v.clone()));
            }
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::level_weight;
    use rust_decimal::Decimal;

    #[test]
    fn a_level1_weight_is_read_however_it_is_written() {
        let templates = crate::import::template::Templates::builtin(2022).unwrap();
        for (cell, label, weight) in [
            ("产出指标\n(50分)", "产出指标", Some(50)),
            ("产出指标（50分）", "产出指标", Some(50)),
            ("产出指标（权重50%）", "产出指标", Some(50)),
            ("产出指标（分值50分）", "产出指标", Some(50)),
            ("产出指标（分值：30）", "产出指标", Some(30)),
            ("产出指标(50分，含成本指标)", "产出指标", Some(50)),
            ("产出指标（占50%）", "产出指标", Some(50)),
            ("产出指标（共50分）", "产出指标", Some(50)),
            ("产出指标（满分50分）", "产出指标", Some(50)),
            ("产出指标（占比50%）", "产出指标", Some(50)),
            ("产出指标50分", "产出指标", Some(50)),
            ("产出指标 50", "产出指标", Some(50)),
            ("效益指标权重30分", "效益指标", Some(30)),
            ("产出指标", "产出指标", None),
            ("产出指标（含数量、质量）", "产出指标（含数量、质量）", None),
        ] {
            let (l, w) = level_weight(cell, &templates);
            assert_eq!(
                (l.as_str(), w),
                (label, weight.map(Decimal::from)),
                "{cell}"
            );
        }
    }
}
