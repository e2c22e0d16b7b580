//! `jixiao import`: a unit's Word package (`.docx`) → a submission file.
//!
//! The package is read as the bureau's templates of its year describe it
//! (`rules/<year>/templates.toml`): attachments by their titles, tables by
//! their header cells, rows by their labels — never by position. The result
//! is TOML text in the submission format with comments naming where each
//! block came from, and a warning for everything that could not be mapped.
//! What the package cannot say comes from the caller: the date it was
//! received and the unit's role.
//!
//! This module reads Word files and writes TOML text; it does not score and
//! does not load submissions (the caller loads the text like any file).

use crate::diag::Code;
mod amount;
pub use amount::date;
mod basic;
mod docx;
mod evaluation;
mod heading_number;
mod label;
mod numbering;
mod plausibility;
mod recognise;
mod report;
mod table;
pub mod template;
mod units;
mod warning;
mod write;
mod xml;

pub use template::{
    FILE_NAME as TEMPLATES_FILE, Templates, label_year_slips, year_slips as template_year_slips,
};
pub use warning::{Level, Warning};

use crate::data::Date;
use crate::diag::Problem;
use recognise::{Layout, TableKind, find_row};
use rust_decimal::Decimal;
use std::path::Path;
use table::Grid;
use template::FormKind;
use write::{Section, Value};

/// Every field the importer can write, as a path in the submission format.
/// The importer writes the format by these names; a rules folder whose
/// `schema.jx` lacks one of them cannot import Word packages, which
/// `jixiao check` says before anyone tries. A test imports the packages at
/// hand and fails on any path written that is not listed here.
pub const WRITTEN_PATHS: &[&str] = &[
    "format",
    "unit.name",
    "unit.year",
    "unit.role",
    "unit.filled_by",
    "submission.received_on",
    "self_checks.unit",
    "self_checks.duty",
    "self_checks.done",
    "basic_data.filled_on",
    "basic_data.staffing.authorized",
    "basic_data.staffing.actual",
    "basic_data.staffing.control_rate",
    "basic_data.expenses.item",
    "basic_data.expenses.group",
    "basic_data.expenses.prior_final",
    "basic_data.expenses.budget",
    "basic_data.expenses.final",
    "overall.filled_on",
    "overall.total_weight",
    "overall.total_score",
    "overall.level1_weights",
    "overall.funds.initial_budget",
    "overall.funds.full_year_budget",
    "overall.funds.full_year_budget_note",
    "overall.funds.executed",
    "overall.funds.weight",
    "overall.funds.rate",
    "overall.funds.score",
    "overall.funds.by_source.general_public",
    "overall.funds.by_source.government_fund",
    "overall.funds.by_source.special_account",
    "overall.funds.by_source.other",
    "overall.funds.by_use.basic",
    "overall.funds.by_use.project",
    "overall.goals.expected",
    "overall.goals.actual",
    "overall.indicators.level1",
    "overall.indicators.level2",
    "overall.indicators.name",
    "overall.indicators.target",
    "overall.indicators.actual",
    "overall.indicators.weight",
    "overall.indicators.score",
    "overall.indicators.deviation",
    "projects.name",
    "projects.department",
    "projects.implementer",
    "projects.filled_on",
    "projects.total_weight",
    "projects.total_score",
    "projects.level1_weights",
    "projects.funds.initial_budget",
    "projects.funds.full_year_budget",
    "projects.funds.full_year_budget_note",
    "projects.funds.executed",
    "projects.funds.weight",
    "projects.funds.rate",
    "projects.funds.score",
    "projects.funds.breakdown.current_year",
    "projects.funds.breakdown.carried_over",
    "projects.funds.breakdown.other",
    "projects.goals.expected",
    "projects.goals.actual",
    "projects.indicators.level1",
    "projects.indicators.level2",
    "projects.indicators.name",
    "projects.indicators.target",
    "projects.indicators.actual",
    "projects.indicators.weight",
    "projects.indicators.score",
    "projects.indicators.deviation",
    "report.title",
    "report.sections.heading",
    "report.sections.text",
    "attachments.title",
    "attachments.project",
];

/// Largest package read, in bytes.
pub const MAX_PACKAGE_BYTES: u64 = 100 << 20;

/// What the package cannot say.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date the package reached the bureau (`--received-on`).
    pub received_on: Option<Date>,
    /// `预算单位` or `主管部门` (`--role`).
    pub role: String,
    /// Where the received date came from, for the comment beside it
    /// (`--received-on`, or a review worksheet's 单位 sheet cell).
    pub received_from: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            received_on: None,
            role: "预算单位".to_string(),
            received_from: "--received-on".to_string(),
        }
    }
}

/// An imported package.
#[derive(Debug)]
pub struct Imported {
    /// The submission file's text.
    pub toml: String,
    /// Everything worth saying, in the package's order.
    pub warnings: Vec<Warning>,
    /// The evaluated year.
    pub year: i64,
}

impl Imported {
    /// No required value is missing: the text loads as it is.
    pub fn is_complete(&self) -> bool {
        !self.warnings.iter().any(|w| w.level == Level::Missing)
    }
}

/// Import a `.docx` file. `templates`: a `--rules` folder's, else the
/// built-in ones of the package's year.
pub fn import_file(
    path: &Path,
    options: &Options,
    templates: Option<&Templates>,
) -> Result<Imported, Box<Problem>> {
    use std::io::Read as _;
    let name = path.display().to_string();
    crate::files::refuse_special(path)?;
    let file = std::fs::File::open(path)
        .map_err(|e| Problem::plain(Code::IoRead, format!("无法读取 {name}：{e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_PACKAGE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::plain(Code::IoRead, format!("无法读取 {name}：{e}")))?;
    if bytes.len() as u64 > MAX_PACKAGE_BYTES {
        return Err(Problem::plain(
            Code::ImportTooLarge,
            format!("{name} 过大（上限 {} MB）", MAX_PACKAGE_BYTES >> 20),
        )
        .into());
    }
    let file_name = path
        .file_name()
        .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
    import_docx(&bytes, &file_name, options, templates)
}

/// The words every imported file starts with (after `# `): how a file an
/// import may write over is told from a unit's own submission.
pub const MADE_BY: &str = "由 jixiao import 从 ";

/// Import a `.docx` from its bytes; `name` is used in messages.
pub fn import_docx(
    bytes: &[u8],
    name: &str,
    options: &Options,
    templates: Option<&Templates>,
) -> Result<Imported, Box<Problem>> {
    let doc = docx::read(bytes, name)?;
    let (found_year, other_years) = recognise::year(&doc);
    let builtin;
    let t = match templates {
        Some(t) => t,
        None => {
            let year = found_year.or_else(Templates::latest_year).unwrap_or(0);
            builtin = Templates::builtin(year)?;
            &builtin
        }
    };
    let layout = recognise::layout(&doc, t);
    let table_units: Vec<Option<units::Declared>> = layout
        .tables
        .iter()
        .map(|part| units::table_unit(&doc, &part.tables, &part.grid, t))
        .collect();
    let mut cx = Context {
        t,
        warnings: Vec::new(),
        pending: Vec::new(),
        table_unit: None,
    };
    let year = match found_year {
        Some(y) => {
            if y != t.year {
                cx.warn(Warning::new(
                    Code::ImportYearMismatch,
                    name,
                    format!("材料是 {y} 年度的，所用模板描述是 {} 年度的", t.year),
                ));
            }
            y
        }
        None => {
            cx.warn(Warning::new(
                Code::ImportNoYear,
                name,
                format!("标题中找不到“××××年度”，按模板的 {} 年度导入", t.year),
            ));
            t.year
        }
    };
    if !other_years.is_empty() {
        let said: Vec<String> = other_years
            .iter()
            .map(|t| format!("第{}段“{}”写的是 {} 年度", t.paragraph, t.text, t.year))
            .collect();
        cx.warn(
            Warning::new(
                Code::ImportYearMismatch,
                name,
                format!(
                    "各标题的年度不一致：{}，其他标题是 {year} 年度；按 {year} 年度导入",
                    said.join("；")
                ),
            )
            .help(
                "多半是标题的年度写错了：请单位改正该标题；若材料确是另一年度的，核对各标题和表头后重新报送",
            ),
        );
    }
    // The year's warnings concern the whole file: they go on top.
    let general = cx.take_pending();
    let toml = assemble(&layout, &table_units, name, year, options, general, &mut cx);
    Ok(Imported {
        toml,
        warnings: cx.warnings,
        year,
    })
}

/// A value found in the package and where.
#[derive(Clone, Debug)]
pub struct Found {
    /// The value as written (whitespace inside a label removed).
    pub text: String,
    /// Where.
    pub place: String,
}

/// The templates, the warnings so far, and the comments waiting for the
/// next section written.
pub struct Context<'a> {
    t: &'a Templates,
    warnings: Vec<Warning>,
    pending: Vec<String>,
    /// The unit the table being read declares ("单位：元" above it).
    table_unit: Option<units::Declared>,
}

/// An amount read from a cell, in 万元.
#[derive(Clone, Debug)]
pub struct AmountRead {
    /// The value in 万元.
    pub value: Decimal,
    /// A note in brackets after it, where allowed.
    pub note: Option<String>,
    /// Said when converted to 万元: the comment beside the value.
    pub converted: Option<String>,
    /// The cell or its table said the unit (not only assumed 万元).
    pub unit_known: bool,
    /// The cell as written.
    pub text: String,
}

impl Context<'_> {
    fn warn(&mut self, w: Warning) {
        self.pending.push(w.comment());
        self.warnings.push(w);
    }

    fn warn_in(&mut self, section: &mut Section, w: Warning) {
        section.comments.push(w.comment());
        self.warnings.push(w);
    }

    fn take_pending(&mut self) -> Vec<String> {
        std::mem::take(&mut self.pending)
    }

    fn attach_pending(&mut self, section: &mut Section) {
        section.comments.append(&mut self.pending);
    }

    /// An amount in 万元 read in the unit `declared` (the column's, row's
    /// or table's) unless the cell says its own; a conversion is said in
    /// the warnings and returned for the comment beside the value.
    fn amount_in(
        &mut self,
        text: &str,
        place: &str,
        note_allowed: bool,
        declared: Option<&units::Declared>,
    ) -> Option<AmountRead> {
        let declared = declared.or(self.table_unit.as_ref()).cloned();
        let t = self.t;
        let units = |name: &str| units::named(name, t);
        match amount::amount_in(text, declared.as_ref(), &units, &t.blank_marks.0) {
            Ok(None) => None,
            Ok(Some(mut a)) => {
                // Zero is zero in any unit: a note that “0” was converted
                // is noise beside the figures that were.
                if a.value.is_zero() {
                    a.converted = None;
                }
                if let Some(c) = &a.converted {
                    // Beside the value in the output; listed here for stderr.
                    self.warnings
                        .push(Warning::note(Code::ImportConverted, place, c.clone()));
                }
                let note = match (a.note, note_allowed) {
                    // The number was read: the dropped note is the
                    // bureau's to know of, not a cell the unit must redo.
                    (Some(n), false) => {
                        self.warn(Warning::note(
                            Code::ImportNoteDropped,
                            place,
                            format!("数字后括号中的说明“{n}”在报送格式中没有位置，未导入"),
                        ));
                        None
                    }
                    (n, _) => n,
                };
                Some(AmountRead {
                    value: a.value,
                    note,
                    converted: a.converted,
                    unit_known: a.unit_known,
                    text: text.trim().to_string(),
                })
            }
            Err(reason) => {
                self.warn(
                    Warning::new(Code::ImportNotANumber, place, format!("{reason}，未导入"))
                        .help("金额以万元计，一格只写一个数字（如 1085.09），旧的数字删去；空白表示未填，0 表示为零"),
                );
                None
            }
        }
    }

    /// Points (分值、得分), or a warning.
    fn points(&mut self, text: &str, place: &str) -> Option<Decimal> {
        match amount::points(text, &self.t.blank_marks.0) {
            Ok(v) => v,
            Err(reason) => {
                self.warn(
                    Warning::new(Code::ImportNotANumber, place, format!("{reason}，未导入"))
                        .help("分值和得分只写一个数字（如 10 或 9.5）"),
                );
                None
            }
        }
    }

    /// The cell right of a label cell ("预算单位名称 | 某某单位"), line
    /// breaks removed.
    fn value_right_of(&mut self, grid: &Grid, names: &[String], place: &str) -> Option<Found> {
        let (row, col) = find_row(grid, 0, names, self.t)?;
        let cells = grid.own_cells(row);
        let at = cells.iter().position(|s| s.col == col)?;
        let value = cells.get(at + 1)?;
        let text: String = value.cell.text().replace('\n', "");
        let text = text.trim().to_string();
        (!text.is_empty()).then(|| Found {
            text,
            place: format!("{place}，{}", grid.place(row)),
        })
    }
}

/// The text after a footer label ("填表人：易帆    联系电话：…" → "易帆").
fn footer_value(footer: &[(String, usize)], names: &[String]) -> Option<String> {
    footer.iter().find_map(|(line, _)| {
        names.iter().find_map(|n| {
            let at = line.find(n.as_str())?;
            let rest = line.get(at + n.len()..)?.trim_start();
            let rest = rest
                .trim_start_matches(['：', ':'])
                .trim_start_matches([' ', '\u{3000}', '\t']);
            let value: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
            // "填表人：联系电话：" — the next label, not a value.
            let value = match value.find(['：', ':']) {
                Some(_) => String::new(),
                None => value,
            };
            Some(value)
        })
    })
}

/// 填报日期 under a table, or a warning when written but unreadable.
fn footer_date(
    footer: &[(String, usize)],
    t: &Templates,
    place: &str,
    cx: &mut Context<'_>,
) -> Option<Date> {
    let names = &t.footer.filled_on.0;
    let (line, after, paragraph) = footer.iter().find_map(|(l, number)| {
        names
            .iter()
            .find_map(|n| l.find(n.as_str()).map(|at| (l, at + n.len(), *number)))
    })?;
    let rest = line.get(after..)?;
    let rest = rest.trim_start().trim_start_matches(['：', ':']);
    let date_text: String = rest
        .chars()
        .map(label::fold)
        .filter(|c| !c.is_whitespace())
        .take_while(|c| c.is_ascii_digit() || "年月日号-./〇零一二三四五六七八九十".contains(*c))
        .collect();
    if date_text.is_empty() {
        return None;
    }
    let date = amount::date(&date_text);
    if date.is_none() {
        cx.warn(
            Warning::new(
                Code::ImportBadDate,
                format!(
                    "{place}，表下“{}”（第{paragraph}段）",
                    names.first().map_or("", String::as_str)
                ),
                format!("“{date_text}”不是有效日期，填报日期未导入"),
            )
            .help("年、月、日都写全，写成“××××年×月×日”"),
        );
    }
    date
}

/// What the package contains, for `[[attachments]]`.
#[derive(Default)]
struct Contents {
    basic: bool,
    overall: bool,
    projects: Vec<Option<String>>,
    titled: Vec<usize>,
}

fn assemble(
    layout: &Layout,
    table_units: &[Option<units::Declared>],
    name: &str,
    year: i64,
    options: &Options,
    mut general: Vec<String>,
    cx: &mut Context<'_>,
) -> String {
    let t = cx.t;
    let mut body: Vec<Section> = Vec::new();
    let mut contents = Contents::default();
    let mut unit_names: Vec<Found> = Vec::new();
    let mut filled_by: Option<Found> = None;
    let mut basic_sections = Vec::new();
    let mut overall_sections = Vec::new();
    let mut project_sections = Vec::new();
    let mut basic_lines = Vec::new();
    let mut overall_funds = Vec::new();
    // Each project's 年度资金总额 figures, its name, and the index of its
    // `projects.funds` section in `project_sections`.
    let mut project_funds: Vec<(Option<String>, Vec<evaluation::Figure>, Option<usize>)> =
        Vec::new();
    for (i, part) in layout.tables.iter().enumerate() {
        let place = part_place(part, t);
        cx.table_unit = table_units.get(i).cloned().flatten();
        check_title(part, &place, cx);
        units_disagree(part, &place, cx);
        match part.kind {
            TableKind::Form(FormKind::BasicData) if !contents.basic => {
                contents.basic = true;
                let b = basic::read(part, &place, cx);
                unit_names.extend(b.unit_name);
                basic_sections = b.sections;
                basic_lines = b.lines;
            }
            TableKind::Form(FormKind::Overall) if !contents.overall => {
                contents.overall = true;
                let e = evaluation::read(part, evaluation::Which::Overall, &place, cx);
                unit_names.extend(e.name);
                overall_sections = e.sections;
                overall_funds = e.funds;
            }
            TableKind::Form(FormKind::Project) => {
                let e = evaluation::read(part, evaluation::Which::Project, &place, cx);
                let funds_at = e
                    .sections
                    .iter()
                    .position(|s| s.path == "projects.funds")
                    .map(|k| k + project_sections.len());
                let project_name = e.name.map(|n| evaluation::project_name(&n.text, t));
                contents.projects.push(project_name.clone());
                project_funds.push((project_name, e.funds, funds_at));
                project_sections.extend(e.sections);
            }
            // Named by its Word table, as the first one is by its title:
            // the clerk must find which of the two was left out.
            TableKind::Form(_) => cx.warn(
                Warning::new(
                    Code::ImportDuplicateTable,
                    format!("{place}，{}", tables_place(&part.tables)),
                    "同一张表出现了两次，这一张未导入",
                )
                .help("删去重复的表，或确认它是否应是另一张表"),
            ),
            TableKind::Skip(i) => {
                let note = t.skip.get(i).map_or("", |s| s.note.as_str());
                cx.warn(Warning::note(Code::ImportSkippedTable, &place, note));
            }
            TableKind::Listed(_) => cx.warn(Warning::note(
                Code::ImportListedTable,
                &place,
                "报送格式中没有这张表的数据，只记为已报送的附件",
            )),
            TableKind::Unknown => cx.warn(
                Warning::new(
                    Code::ImportUnknownTable,
                    &place,
                    format!(
                        "未能识别这个表格（第一行：“{}”），未导入",
                        first_row_text(&part.grid)
                    ),
                )
                .help("检查表头是否与模板一致；若是某张表的续表，不要在两部分之间插入文字"),
            ),
        }
        if filled_by.is_none() {
            filled_by = footer_value(&part.footer, &t.footer.filled_by.0)
                .filter(|v| !v.is_empty())
                .map(|v| Found {
                    text: v,
                    place: place.clone(),
                });
        }
        attach_to_first(
            &mut basic_sections,
            &mut overall_sections,
            &mut project_sections,
            part.kind,
            cx,
        );
        // Skipped and unknown tables have no section: their notes go on top.
        general.append(&mut cx.pending);
    }
    cx.table_unit = None;
    for (project, figures, at) in &project_funds {
        let found =
            plausibility::check(project.as_deref(), figures, &basic_lines, &overall_funds, t);
        for w in found {
            match at.and_then(|k| project_sections.get_mut(k)) {
                Some(section) => cx.warn_in(section, w),
                None => cx.warn(w),
            }
        }
    }
    general.append(&mut cx.pending);
    let mut report_sections = Vec::new();
    let mut listed = None;
    match &layout.report {
        Some(r) => {
            let place = match &r.marker {
                Some(m) => format!("{m} 部门整体支出绩效自评报告"),
                None => "部门整体支出绩效自评报告".to_string(),
            };
            let rep = report::read(r, &place, cx);
            report_sections = rep.sections;
            listed = rep.listed;
        }
        None => cx.warn(
            Warning::new(
                Code::ImportMissingReport,
                name,
                "材料中找不到自评报告（附件3），报告未导入",
            )
            .help("报告标题应以“绩效自评报告”结尾，正文各部分以“一、”“二、”……编号"),
        ),
    }
    contents.titled = layout.titled.iter().map(|p| p.attachment).collect();
    for (kind, present) in [
        (FormKind::BasicData, contents.basic),
        (FormKind::Overall, contents.overall),
        (FormKind::Project, !contents.projects.is_empty()),
    ] {
        if !present {
            let title = t
                .attachments
                .iter()
                .find(|a| a.form == Some(kind))
                .map_or("", |a| a.title.as_str());
            cx.warn(
                Warning::new(
                    Code::ImportMissingAttachment,
                    name,
                    format!("材料中找不到“{title}”"),
                )
                // Read by the bureau and, in the notice, by the unit.
                .help("已填写此表的，请检查它的标题和表头是否与模板一致；未报送的，按缺少附件计分"),
            );
        }
    }
    let head_sections = unit_sections(&unit_names, filled_by.as_ref(), year, options, cx);
    let attachments = attachment_sections(&contents, listed.as_deref(), cx);
    body.extend(head_sections);
    body.extend(basic_sections);
    body.extend(overall_sections);
    body.extend(report_sections);
    body.extend(attachments);
    body.extend(project_sections);
    let mut head = vec![
        format!("{MADE_BY}{name} 导入（{} 年度模板）。", t.year),
        "每一块上方的注释写明它在 Word 文件中的位置；“警告”“缺少”“提示”是导入时发现的问题。"
            .to_string(),
        "[review] 由区财政局评审人员填写，导入不生成。".to_string(),
    ];
    if !general.is_empty() {
        head.push(String::new());
        head.extend(general);
    }
    let mut remaining = cx.take_pending();
    if let Some(first) = body.first_mut() {
        first.comments.append(&mut remaining);
    }
    let mut root = Section::default();
    root.set("format", Value::Integer(1));
    let mut all = vec![root];
    all.extend(body);
    write::render(&head, &all)
}

/// Comments left over from a form go on its first section.
fn attach_to_first(
    basic: &mut [Section],
    overall: &mut [Section],
    projects: &mut [Section],
    kind: TableKind,
    cx: &mut Context<'_>,
) {
    let target = match kind {
        TableKind::Form(FormKind::BasicData) => basic.first_mut(),
        TableKind::Form(FormKind::Overall) => overall.first_mut(),
        TableKind::Form(FormKind::Project) => {
            projects.iter_mut().rev().find(|s| s.path == "projects")
        }
        _ => None,
    };
    if let Some(s) = target {
        cx.attach_pending(s);
    }
}

/// A form's title should be above it and name the same form.
fn check_title(part: &recognise::TablePart, place: &str, cx: &mut Context<'_>) {
    let TableKind::Form(kind) = part.kind else {
        return;
    };
    match part.title.as_deref() {
        None => cx.warn(Warning::note(
            Code::ImportMissingTitle,
            place,
            "表格上方没有找到标题，按表头认定",
        )),
        Some(title) => {
            if recognise::title_form(title, cx.t).is_some_and(|k| k != kind) {
                cx.warn(
                    Warning::new(
                        Code::ImportTitleMismatch,
                        place,
                        format!("标题“{}”与表头认定的表不符，按表头认定", title.trim()),
                    )
                    .help("检查标题是否放错了位置"),
                );
            }
        }
    }
}

/// "附件2 部门整体支出绩效自评表".
fn part_place(part: &recognise::TablePart, t: &Templates) -> String {
    let title = match part.kind {
        TableKind::Form(kind) => t
            .attachments
            .iter()
            .find(|a| a.form == Some(kind))
            .map(|a| a.title.clone())
            .unwrap_or_default(),
        TableKind::Skip(i) => t
            .skip
            .get(i)
            .map(|s| s.title.first().to_string())
            .unwrap_or_default(),
        TableKind::Listed(i) => t
            .attachments
            .get(i)
            .map(|a| a.title.clone())
            .unwrap_or_default(),
        TableKind::Unknown => format!("第{}个表格", part.tables.first().copied().unwrap_or(0)),
    };
    match &part.marker {
        Some(m) => format!("{m} {title}"),
        None => title,
    }
}

/// A table declared in another unit than 万元 (“单位：元” above it) whose
/// header still prints the template's “（万元）”: read in the declared
/// unit — the unit added the declaration, the header is the template's
/// print — and said, as a factor of 10000 rides on which one is right.
fn units_disagree(part: &recognise::TablePart, place: &str, cx: &mut Context<'_>) {
    let Some(declared) = cx.table_unit.clone().filter(|d| d.factor != Decimal::ONE) else {
        return;
    };
    let t = cx.t;
    let wan = part.grid.cells.iter().find_map(|c| {
        let text = c.text();
        units::label_unit(&text, t)
            .filter(|(factor, _)| *factor == Decimal::ONE)
            .map(|(_, name)| (table::one_line(&text), name, c.row))
    });
    let Some((label, wan_name, row)) = wan else {
        return;
    };
    cx.warn(
        Warning::new(
            Code::ImportUnitsDisagree,
            format!("{place}，{}", part.grid.place(row)),
            format!(
                "{}说金额以{}计，表头“{label}”写的是{wan_name}；按{}折算为{wan_name}导入",
                declared.source, declared.name, declared.name
            ),
        )
        .help(format!(
            "请核对金额以哪个单位填写：以{wan_name}填写的，删去单位声明；以{}填写的，把表头中的“{wan_name}”改为“{}”",
            declared.name, declared.name
        )),
    );
}

/// "第4个表格", or "第4、5个表格" for a table stitched from parts.
fn tables_place(tables: &[usize]) -> String {
    let numbers: Vec<String> = tables.iter().map(ToString::to_string).collect();
    format!("第{}个表格", numbers.join("、"))
}

fn first_row_text(grid: &Grid) -> String {
    let cells: Vec<String> = grid
        .row_cells(0)
        .iter()
        .map(|s| s.cell.text().replace('\n', ""))
        .filter(|s| !s.is_empty())
        .collect();
    cells.join(" | ").chars().take(60).collect()
}

/// `format`'s neighbours: `[unit]`, `[submission]`, `[[self_checks]]`.
fn unit_sections(
    names: &[Found],
    filled_by: Option<&Found>,
    year: i64,
    options: &Options,
    cx: &mut Context<'_>,
) -> Vec<Section> {
    let mut unit = Section::table("unit");
    // Where the forms name the unit differently (a short name in one), the
    // fullest is taken: the notice is addressed to it.
    let name = names
        .iter()
        .rev()
        .max_by_key(|n| label::compact(&n.text).chars().count());
    match name {
        Some(n) => unit.set_noted("name", Value::Text(n.text.clone()), &n.place),
        None => {
            cx.warn_in(
                &mut unit,
                Warning::missing(Code::ImportMissingUnitName, "", "材料中找不到预算单位名称").help(
                    "附件1、附件2 的“预算单位名称”一栏应填写单位全称；或在输出文件中补上 name",
                ),
            );
            unit.set_missing("name", "\"单位全称\"");
        }
    }
    for other in names {
        if let Some(n) = name.filter(|n| label::compact(&n.text) != label::compact(&other.text)) {
            cx.warn_in(
                &mut unit,
                Warning::new(
                    Code::ImportUnitNameDiffers,
                    &other.place,
                    format!(
                        "单位名称写的是“{}”，与{}的“{}”不同；按较完整的“{}”导入",
                        other.text, n.place, n.text, n.text
                    ),
                )
                .help("请单位在各表中写同一个单位全称；若另一个写法才对，在输出文件中改正 name"),
            );
        }
    }
    unit.set("year", Value::Integer(year));
    unit.set("role", Value::Text(options.role.clone()));
    if let Some(f) = filled_by {
        unit.set_noted(
            "filled_by",
            Value::Text(f.text.clone()),
            format!("{}表下“填表人”", f.place),
        );
    }
    let mut submission = Section::table("submission");
    match options.received_on {
        Some(d) => submission.set_noted("received_on", Value::Date(d), &options.received_from),
        None => {
            cx.warn_in(
                &mut submission,
                Warning::missing(
                    Code::ImportMissingReceivedOn,
                    "",
                    "材料中没有送达区财政局的日期，待填",
                )
                // No date from the package is offered: the dates in it are
                // the unit's (填报日期), not the bureau's receipt.
                .help("按收文登记的送达日期，导入时加 --received-on 日期（如 2023-06-30），或在输出文件中补上 received_on"),
            );
            submission.set_missing(
                "received_on",
                "年-月-日  （材料送达区财政局的日期，按收文登记填写，如 2023-06-30）",
            );
        }
    }
    let mut check =
        Section::array("self_checks").comment("单位自查：材料本身就是预算单位自查的证据");
    match name {
        Some(n) => check.set("unit", Value::Text(n.text.clone())),
        None => check.set_missing("unit", "\"单位全称\""),
    }
    check.set("duty", Value::Text("预算单位自查".to_string()));
    check.set("done", Value::Bool(true));
    if options.role == "主管部门" {
        cx.warn_in(
            &mut check,
            Warning::note(
                Code::ImportSupervisorDuty,
                "",
                "主管部门的“主管部门汇总转移支付”是否完成，材料中看不出，由区财政局在 [[self_checks]] 中补填",
            ),
        );
    }
    vec![unit, submission, check]
}

/// `[[attachments]]`: what the package contains, in the order of the
/// report's list (then the template's).
fn attachment_sections(
    contents: &Contents,
    listed: Option<&[usize]>,
    cx: &mut Context<'_>,
) -> Vec<Section> {
    let t = cx.t;
    let mut order: Vec<usize> = listed.map(<[usize]>::to_vec).unwrap_or_default();
    for i in 0..t.attachments.len() {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    let mut out = Vec::new();
    for i in order {
        let Some(a) = t.attachments.get(i) else {
            continue;
        };
        let projects: Vec<Option<String>> = match a.form {
            Some(FormKind::BasicData) if contents.basic => vec![None],
            Some(FormKind::Overall) if contents.overall => vec![None],
            Some(FormKind::Project) => contents
                .projects
                .iter()
                .map(|p| Some(p.clone().unwrap_or_default()))
                .collect(),
            None if contents.titled.contains(&i) => vec![None],
            _ => Vec::new(),
        };
        if projects.is_empty() {
            continue;
        }
        if listed.is_some_and(|l| !l.contains(&i)) {
            cx.warn(Warning::new(
                Code::ImportAttachmentNotListed,
                "附件3 报告的附件清单",
                format!(
                    "材料中有“{}”，但报告的附件清单没有列出（按已报送计）；请在附件清单中补列",
                    a.title
                ),
            ));
        }
        for project in projects {
            let mut s = Section::array("attachments");
            s.set("title", Value::Text(a.title.clone()));
            if let Some(p) = project.filter(|p| !p.is_empty()) {
                s.set("project", Value::Text(p));
            }
            cx.attach_pending(&mut s);
            out.push(s);
        }
    }
    if let Some(first) = out.first_mut() {
        first.comments.insert(
            0,
            "材料中实际含有的附件，按报告附件清单的顺序；未报送的表不列出".to_string(),
        );
    }
    out
}
