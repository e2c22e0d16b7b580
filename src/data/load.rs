//! TOML text → values, validated against the schema. Numbers are read from
//! their own text (never through `f64`); every value keeps its span and place;
//! every problem is collected, not just the first.

use super::document::{Node, Table};
use super::nesting::too_deep;
use super::schema::{RecordId, RecordType, Schema, Type};
use super::value::{Key, Step, path_of};
use super::{Date, MapValue, NO_PLACE, Place, PlaceId, Record, Value};
use crate::diag::Code;
use crate::diag::Problem;
use crate::source::{SourceFile, Span, did_you_mean};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;
use toml::Spanned;

/// Largest submission accepted, in bytes. A real package is about 25 KB.
pub const MAX_SUBMISSION_BYTES: usize = crate::files::MAX_TEXT_FILE_BYTES;

/// Deepest nesting of arrays and inline tables in a submission. The forms
/// nest three levels; the limit keeps the TOML parser's recursion shallow.
pub const MAX_SUBMISSION_NESTING: usize = 32;

/// Most rows in one array (indicators, expense lines, sections). A real
/// table has a few dozen; the checks compare rows pairwise, so the limit
/// also bounds their time.
pub const MAX_ROWS: usize = 2_000;

/// Problems found while loading.
pub type LoadError = Vec<Problem>;

/// The part of a submission read before the rules are chosen.
#[derive(Clone, Debug)]
pub struct Header {
    /// `unit.name`
    pub unit: String,
    /// `unit.year`
    pub year: i64,
}

/// A loaded submission.
#[derive(Debug)]
pub struct Submission {
    /// Its file.
    pub source: SourceFile,
    /// The root record, shaped by the schema.
    pub root: Value,
    /// The place of every value read.
    pub places: Vec<Place>,
    /// The bureau's judgments.
    pub review: Review,
    /// `unit.name`
    pub unit: String,
    /// `unit.year`
    pub year: i64,
}

/// Where the package says it reached the bureau (`submission-format.md`).
pub const RECEIVED_ON_PATH: &str = "submission.received_on";

/// Fields of a record whose keys are accounted for on the stack (a form's
/// record has a few dozen at most; a longer one is counted in a vector).
const FEW_FIELDS: usize = 64;

impl Submission {
    /// The package's own received date, when it has one.
    pub fn received_on(&self) -> Option<Date> {
        let (_, key) = RECEIVED_ON_PATH.rsplit_once('.')?;
        let text = &self.source.text;
        // Only places under the key's own name can have the path.
        let place = self.places.iter().enumerate().find_map(|(id, p)| {
            let Step::Field(k) = &p.step else {
                return None;
            };
            let named = match k {
                Key::Source(start, end) => text.get(*start as usize..*end as usize) == Some(key),
                Key::Text(t) => &**t == key,
            };
            let id = PlaceId::try_from(id).ok()?;
            (named && self.path(id) == RECEIVED_ON_PATH).then_some(p)
        })?;
        let text = self
            .source
            .text
            .get(place.span.start as usize..place.span.end as usize)?;
        Date::parse(text.trim())
    }

    /// The path of a place: `report.sections[8].text`.
    pub fn path(&self, id: PlaceId) -> String {
        path_of(&self.places, &self.source.text, id)
    }
}

/// `[review]`: the bureau's judgments.
#[derive(Clone, Debug, Default)]
pub struct Review {
    /// `reviewer`
    pub reviewer: Option<String>,
    /// One per `[review.<id>]` table, in file order.
    pub judgments: Vec<Judgment>,
    /// The package changed after a worksheet whose judgments it takes was
    /// made from it: that worksheet's cell of the fingerprint
    /// (`评审表.xlsx 单位!E3`). Its summary row asks for a recheck.
    pub changed_since: Option<String>,
}

/// One reviewer's judgment of one criterion: `[review.<id>]` of a
/// submission, an entry of a review file, or a row of a review worksheet.
#[derive(Clone, Debug)]
pub struct Judgment {
    /// The criterion id.
    pub id: String,
    /// Who judged (`reviewer`); none for an unsigned `[review]`.
    pub reviewer: Option<String>,
    /// Where it was written, for every message about it.
    pub origin: Origin,
    /// Where the id is written.
    pub id_span: Span,
    /// `score`, with its span.
    pub score: Option<(Decimal, Span)>,
    /// `tier`, with its span.
    pub tier: Option<(String, Span)>,
    /// `note`
    pub note: Option<String>,
    /// `override`
    pub override_rules: bool,
    /// The score was written but is no number (a worksheet's 得分 of
    /// “18分”): said where the row is read, so the judgment is kept only
    /// for what else its row says wrong (its tier, its note).
    pub score_unread: bool,
    /// When the reviewer judged (a review file's `reviewed_on`, a
    /// worksheet's 评审日期).
    pub reviewed_on: Option<Date>,
}

/// Where a judgment was written. Spans of a `Judgment` point into the
/// submission (`Submission`) or the review file (`File`); a worksheet row
/// has cells instead.
#[derive(Clone, Debug)]
pub enum Origin {
    /// The submission's own `[review]` table.
    Submission,
    /// A review file (`.toml`).
    File(SourceFile),
    /// A row of a review worksheet (`.xlsx`).
    Sheet(SheetRow),
}

/// A row of a review worksheet: `评审表.xlsx 评审!G12`.
#[derive(Clone, Debug)]
pub struct SheetRow {
    /// The workbook's file name, as given.
    pub file: String,
    /// The sheet (评审).
    pub sheet: String,
    /// The row, counted from 1 as a spreadsheet shows it.
    pub row: u32,
    /// Column letters of 编号, 档次, 得分 and 评审意见.
    pub columns: [String; 4],
    /// The sheet's 评审日期 cell (`!D2`), empty when it has no label.
    pub date_cell: String,
}

impl SheetRow {
    /// `评审表.xlsx 评审!G12` for the column of `field` (0 编号, 1 档次,
    /// 2 得分, 3 评审意见).
    pub fn cell(&self, field: usize) -> String {
        let column = self.columns.get(field).map_or("A", String::as_str);
        format!("{} {}!{column}{}", self.file, self.sheet, self.row)
    }

    /// `评审表.xlsx 评审!D2`: where the sheet's review date is written.
    pub fn date_words(&self) -> String {
        format!("{} {}{}", self.file, self.sheet, self.date_cell)
    }
}

/// Parse the TOML and strip a byte-order mark; problems as diagnostics.
pub(super) fn parse_toml(source: &SourceFile) -> Result<Spanned<Table<'_>>, LoadError> {
    if source.text.len() > MAX_SUBMISSION_BYTES {
        return Err(vec![Problem::plain(
            Code::SubmissionTooLarge,
            format!(
                "{}：文件过大（{} 字节，上限 {} 字节）",
                source.name,
                source.text.len(),
                MAX_SUBMISSION_BYTES
            ),
        )]);
    }
    // Most files are read at once; the scan for nesting (a pass over the
    // text) is made only before the reading that reports every error.
    if let Some(table) = super::document::read_fast(&source.text) {
        return Ok(table);
    }
    if let Some(at) = too_deep(&source.text) {
        return Err(vec![
            Problem::error(
                Code::SubmissionTooDeep,
                format!("数组或内联表嵌套超过 {MAX_SUBMISSION_NESTING} 层"),
                source,
                Span::new(0, at..at + 1),
                "嵌套过深",
            )
            .with_help("报送材料的表格最多嵌套三层；请检查这里的方括号、花括号是否成对"),
        ]);
    }
    let errors = match super::document::read_slow(&source.text) {
        Ok(table) => return Ok(table),
        Err(errors) => errors,
    };
    let first = errors
        .iter()
        .filter_map(|e| e.span().map(|r| r.start))
        .min()
        .unwrap_or(0);
    let first_message = errors
        .iter()
        .find(|e| e.span().map(|r| r.start) == Some(first))
        .map_or(String::new(), |e| e.message().to_string());
    // A quote or a bracket left open: the parser stumbles on every line
    // after it. One mistake, said once where it opens.
    let unclosed = super::toml_errors::unclosed_string(&source.text, first)
        .or_else(|| super::toml_brackets::unclosed_bracket(&source.text, first, &first_message));
    if let Some(told) = unclosed {
        return Err(vec![
            Problem::error(
                Code::SubmissionToml,
                told.message,
                source,
                Span::new(0, told.range),
                told.label,
            )
            .with_help(told.help),
        ]);
    }
    // A table written twice makes the parser report every key under the
    // second header too: one mistake, said once (at the header).
    let mut repeated_table: Option<std::ops::Range<usize>> = None;
    let problems: Vec<Problem> = errors
        .iter()
        .filter(|e| {
            let at = e.span().map_or(0, |r| r.start);
            let duplicate = e.message().contains("duplicate key");
            if duplicate && repeated_table.as_ref().is_some_and(|r| r.contains(&at)) {
                return false;
            }
            if duplicate {
                repeated_table = super::toml_errors::table_block_at(&source.text, at);
            }
            true
        })
        .map(|e| {
            let range = e.span().unwrap_or(0..0);
            if e.message().contains("recursion limit") {
                if let Some(key) = deep_key(&source.text) {
                    return Problem::error(
                        Code::SubmissionTooDeep,
                        format!("键的层级超过 {MAX_SUBMISSION_NESTING} 层"),
                        source,
                        Span::new(0, key),
                        "层级过多的键",
                    )
                    .with_help("报送材料的键最多几层（如 [overall.funds]）；请检查这里的点号");
                }
            }
            if e.message().contains("duplicate key") {
                let told = super::toml_errors::duplicate(&source.text, range.start);
                let span = match told.range.is_empty() {
                    true => range.clone(),
                    false => told.range,
                };
                return Problem::error(
                    Code::SubmissionToml,
                    told.message,
                    source,
                    Span::new(0, span),
                    told.label,
                )
                .with_help(told.help);
            }
            if let Some(told) = super::toml_errors::tell(&source.text, range.start) {
                return Problem::error(
                    Code::SubmissionToml,
                    told.message,
                    source,
                    Span::new(0, told.range),
                    told.label,
                )
                .with_help(told.help);
            }
            let (message, help) = explain_toml_error(e.message());
            Problem::error(
                Code::SubmissionToml,
                message,
                source,
                Span::new(0, range),
                "这里",
            )
            .with_help(help)
        })
        .collect();
    // Two of the parser's errors told as one mistake (an invisible
    // character the parser stumbles on twice): said once.
    let mut said = std::collections::HashSet::new();
    Err(problems
        .into_iter()
        .filter(|p| {
            let at = p.labels.first().map(|l| (l.0.start, l.0.end));
            said.insert((p.message.clone(), at))
        })
        .collect())
}

/// The first key or table header with more than `MAX_SUBMISSION_NESTING`
/// dotted parts: the TOML parser recurses once per part and stops
/// without saying where.
fn deep_key(text: &str) -> Option<std::ops::Range<usize>> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let key = match trimmed.find('=') {
            Some(eq) if !trimmed.starts_with('[') => trimmed.get(..eq).unwrap_or(""),
            _ => trimmed.split('#').next().unwrap_or(""),
        };
        if key.matches('.').count() >= MAX_SUBMISSION_NESTING {
            let from = start + (line.len() - trimmed.len());
            return Some(from..from + key.trim_end().len());
        }
        start += line.len();
    }
    None
}

/// Read `format` and `[unit]` (`name`, `year`) by the fixed schema of
/// `submission-format.md`, to choose the year's rules.
pub fn read_header(source: &SourceFile) -> Result<Header, LoadError> {
    let doc = parse_toml(source)?;
    header_of(source, &doc)
}

/// A submission parsed once: its TOML document and its header. Choose the
/// rules by `header.year`, then `load_parsed`.
pub struct Parsed<'s> {
    doc: Spanned<Table<'s>>,
    /// `unit.name` and `unit.year`.
    pub header: Header,
}

/// Parse a submission's TOML and read its header.
pub fn parse_submission(source: &SourceFile) -> Result<Parsed<'_>, LoadError> {
    let doc = parse_toml(source)?;
    let header = header_of(source, &doc)?;
    Ok(Parsed { doc, header })
}

/// A control character a text's escapes wrote. TOML refuses U+0000–U+001F
/// and U+007F written raw (but the tab and a long text's line breaks), so
/// only an escape (`\u001b`) writes one; and a text with an escape is one
/// the reader had to decode: a text taken as written is not looked through
/// again. (The C1 controls, U+0080–U+009F, TOML takes raw; a terminal
/// reading UTF-8 does not act on them, and they are left.)
#[allow(clippy::ptr_arg)] // Whether it was decoded is what is asked.
fn escaped_control(text: &std::borrow::Cow<'_, str>) -> Option<char> {
    match text {
        std::borrow::Cow::Owned(decoded) => control_character(decoded),
        std::borrow::Cow::Borrowed(_) => None,
    }
}

/// The first control character of a text, other than the tab and the line
/// breaks a text of several lines has.
fn control_character(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

fn header_of(source: &SourceFile, doc: &Spanned<Table<'_>>) -> Result<Header, LoadError> {
    let root = doc.get_ref();
    let root_span = span_of(doc);
    if source.text.trim().is_empty() || root.len() == 0 {
        return Err(vec![
            Problem::error(
                Code::SubmissionMissingKey,
                match source.text.trim().is_empty() {
                    true => "文件是空的，没有任何内容",
                    false => "文件中没有任何数据（只有注释或空行）",
                },
                source,
                root_span,
                "空文件",
            )
            .with_help(
                "这应是单位报送的材料（.toml）；请确认选对了文件，或重新导出、重新保存后再试",
            ),
        ]);
    }
    let mut problems = Vec::new();
    match root.get("format") {
        None => problems.push(Problem::error(
            Code::SubmissionMissingKey,
            "缺少 `format`",
            source,
            root_span,
            "文件开头应有 format = 1",
        )),
        Some(v) => match v.get_ref() {
            Node::Integer(i) if i.as_str() == "1" => {}
            _ => problems.push(
                Problem::error(
                    Code::SubmissionFormat,
                    "不支持的 `format`",
                    source,
                    span_of(v),
                    "只支持 1",
                )
                .with_help("写成 format = 1"),
            ),
        },
    }
    let unit = root.get("unit");
    let unit_table = unit.and_then(|u| u.get_ref().as_table());
    let text_of = |key: &str| {
        unit_table
            .and_then(|t| t.get(key))
            .and_then(|v| v.get_ref().as_str().map(str::to_string))
    };
    let name = text_of("name");
    let year = unit_table
        .and_then(|t| t.get("year"))
        .and_then(|v| v.get_ref().as_integer())
        .and_then(|i| i.as_str().replace('_', "").parse::<i64>().ok());
    let unit_span = unit.map_or(root_span, span_of);
    // Written, but not as the type it must be: said at the value.
    // The header's two fields are fixed by the format (not the year's
    // schema): named here in the form's words.
    let wrong_type = |key: &str, wanted: &str, example: &str| {
        let value = unit_table.and_then(|t| t.get(key))?;
        let words = if key == "year" {
            "评价年度"
        } else {
            "单位名称"
        };
        // An integer too large to be a year is of the right kind, wrongly
        // sized: said so, not “应为整数，实际是整数”.
        let found = toml_type(value.get_ref());
        let message = match value.get_ref().as_integer() {
            Some(_) => format!(
                "单位信息 · {words} 的值有误：“{}”不是年份（键 `{key}`）",
                value.get_ref().as_integer().map_or("", |i| i.as_str())
            ),
            None => {
                format!("单位信息 · {words} 的值有误：应为{wanted}，实际是{found}（键 `{key}`）")
            }
        };
        Some(
            Problem::error(
                Code::SubmissionWrongType,
                message,
                source,
                span_of(value),
                "类型不对",
            )
            .with_help(format!("写成 {key} = {example}")),
        )
    };
    // Written with the wrong type, said at the value; else missing.
    let unread = |key: &str, wanted: &str, example: &str, missing: &str, label: &str| {
        wrong_type(key, wanted, example).unwrap_or_else(|| {
            Problem::error(
                Code::SubmissionMissingKey,
                missing,
                source,
                unit_span,
                label,
            )
        })
    };
    // The unit's name heads every report and the notice: one line, or a
    // name could write a line of the report's own (“总分：100 / 100”).
    if let Some(value) = unit_table.and_then(|t| t.get("name")) {
        let broken = name
            .as_deref()
            .and_then(|n| n.chars().find(|c| c.is_control()));
        if let Some(c) = broken {
            let what = match c {
                '\n' | '\r' => "换行".to_string(),
                '\t' => "制表符".to_string(),
                _ => format!("控制字符（U+{:04X}）", u32::from(c)),
            };
            problems.push(
                Problem::error(
                    Code::SubmissionWrongType,
                    format!("单位信息 · 单位名称中有{what}：单位名称只能是一行文字"),
                    source,
                    span_of(value),
                    "单位名称",
                )
                .with_help("删去换行和控制字符，写成一行：name = \"单位全称\""),
            );
        }
    }
    // The unit's name is how every reader, review and summary row knows
    // the unit: a blank one is said at the value.
    if let Some(value) = unit_table
        .and_then(|t| t.get("name"))
        .filter(|_| name.as_deref().is_some_and(|n| n.trim().is_empty()))
    {
        problems.push(
            Problem::error(
                Code::SubmissionMissingKey,
                "单位信息 · 单位名称是空的",
                source,
                span_of(value),
                "单位名称",
            )
            .with_help("写上单位的全称，与基础数据表上的一致：name = \"单位名称\""),
        );
    }
    if name.is_none() {
        problems.push(unread(
            "name",
            "文字",
            "\"单位名称\"（英文双引号括起）",
            "`[unit]` 缺少单位名称 `name`（文字）",
            "应有 name = \"单位名称\"",
        ));
    }
    if year.is_none() {
        problems.push(unread(
            "year",
            "整数",
            "2022（不加引号）",
            "`[unit]` 缺少评价年度 `year`（整数）",
            "应有 year = 2022",
        ));
    }
    match (name, year, problems.is_empty()) {
        (Some(unit), Some(year), true) => Ok(Header { unit, year }),
        _ => Err(problems),
    }
}

/// Load a submission against the rules' schema and the review's fixed shape.
pub fn load_submission(source: SourceFile, schema: &Schema) -> Result<Submission, LoadError> {
    let parsed = parse_submission(&source)?;
    load_parsed(source.clone(), &parsed, schema)
}

/// Load a parsed submission; `source` is the file `parsed` was read from.
pub fn load_parsed(
    source: SourceFile,
    parsed: &Parsed<'_>,
    schema: &Schema,
) -> Result<Submission, LoadError> {
    let header = parsed.header.clone();
    let doc = &parsed.doc;
    let mut loader = Loader {
        source: &source,
        schema,
        // About one value per 40 bytes of a real form.
        places: Vec::with_capacity(source.text.len() / 40),
        problems: Vec::new(),
    };
    let table = doc.get_ref();
    // `[review]` has the engine's fixed shape, not the schema's.
    let review_value = table.get("review");
    let root = loader.record(schema.root, table, span_of(doc), NO_PLACE, Step::Root);
    let mut review = match &review_value {
        Some(v) => loader.review(v),
        None => Review::default(),
    };
    if let Some(name) = &review.reviewer {
        for j in &mut review.judgments {
            j.reviewer = Some(name.clone());
        }
    }
    let Loader {
        places,
        mut problems,
        ..
    } = loader;
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.labels.first().map_or(0, |(s, _)| s.start));
        return Err(problems);
    }
    Ok(Submission {
        source,
        root,
        places,
        review,
        unit: header.unit,
        year: header.year,
    })
}

/// The index of the field named `key`, trying `expected` first. The
/// checker refuses a record with two fields of one name, so the guess
/// finds the same field as the search.
fn field_index(record_type: &RecordType, expected: usize, key: &str) -> Option<usize> {
    match record_type.fields.get(expected) {
        Some(f) if f.name == key => Some(expected),
        _ => record_type.field(key),
    }
}

pub(super) fn span_of<T>(v: &Spanned<T>) -> Span {
    Span::new(0, v.span())
}

pub(super) struct Loader<'a> {
    pub(super) source: &'a SourceFile,
    pub(super) schema: &'a Schema,
    pub(super) places: Vec<Place>,
    pub(super) problems: Vec<Problem>,
}

impl Loader<'_> {
    fn place(&mut self, parent: PlaceId, step: Step, span: Span) -> PlaceId {
        let id = PlaceId::try_from(self.places.len()).unwrap_or(NO_PLACE);
        self.places.push(Place { span, parent, step });
        id
    }

    /// The path of a place, spelt out for a message.
    fn path(&self, id: PlaceId) -> String {
        path_of(&self.places, &self.source.text, id)
    }

    /// A place in the words of the unit's forms (`附件2 部门整体支出绩效自评表
    /// · 第 3 行 · 二级指标`), rows by position: nothing is loaded yet to
    /// name them by. `文件顶层` for the file itself.
    fn words(&self, id: PlaceId) -> String {
        let words = super::document_words(self.schema, &Value::Absent, &self.path(id));
        match words.is_empty() {
            true => "文件顶层".to_string(),
            false => words,
        }
    }

    /// A record's key: the file's own text when written bare.
    fn key(&self, key: &Spanned<std::borrow::Cow<'_, str>>) -> Key {
        let range = key.span();
        let text: &str = key.get_ref();
        match (u32::try_from(range.start), u32::try_from(range.end)) {
            (Ok(start), Ok(end)) if self.source.text.get(range) == Some(text) => {
                Key::Source(start, end)
            }
            _ => Key::Text(Arc::from(text)),
        }
    }

    pub(super) fn problem(
        &mut self,
        code: Code,
        message: String,
        span: Span,
        label: &str,
        help: Option<String>,
    ) {
        self.problems
            .push(Problem::error(code, message, self.source, span, label).with_help_opt(help));
    }

    /// A table of more than `MAX_ROWS` rows (`unit` 行) or keys (项): far
    /// beyond any real form, refused rather than read.
    fn too_many(
        &mut self,
        parent: PlaceId,
        step: Step,
        span: Span,
        count: usize,
        unit: &str,
    ) -> (Value, PlaceId) {
        let place = self.place(parent, step, span);
        let path = self.path(place);
        let key = path.rsplit('.').next().unwrap_or_default();
        // A table the forms give no name of its own (its rows are named
        // by their cells): said as the table of its key in its parent.
        let words = match self.words(place) {
            w if w.ends_with(key) => format!("{}中的表", self.words(parent)),
            w => w,
        };
        self.problem(
            Code::SubmissionTooManyRows,
            format!("{words}（键 `{key}`）有 {count} {unit}，超过上限 {MAX_ROWS} {unit}"),
            span,
            &format!("{unit}数过多"),
            Some(format!("一张表的{unit}数远超实际表格；请检查是否重复粘贴")),
        );
        (Value::Absent, place)
    }

    fn record(
        &mut self,
        id: RecordId,
        table: &Table<'_>,
        span: Span,
        parent: PlaceId,
        step: Step,
    ) -> Value {
        let schema = self.schema;
        let Some(record_type) = schema.record(id) else {
            return Value::Absent;
        };
        let field_count = record_type.fields.len();
        let mut fields = vec![Value::Absent; field_count];
        let mut places = vec![NO_PLACE; field_count];
        let top = parent == NO_PLACE;
        let place = self.place(parent, step, span);
        // Keys written (even with a wrong value) or misspelt with a close
        // match are not reported again as missing.
        let mut few = [false; FEW_FIELDS];
        let mut many = Vec::new();
        let accounted: &mut [bool] = match few.get_mut(..field_count) {
            Some(few) => few,
            None => {
                many.resize(field_count, false);
                &mut many
            }
        };
        let entries = table.in_file_order();
        // Forms are written in the schema's order: the field after the last
        // one found is tried before a search.
        let mut expected = 0;
        for (key, value) in entries {
            let key_text: &str = key.get_ref();
            let key_span = Span::new(0, key.span());
            if top && key_text == "review" {
                continue;
            }
            let Some(index) = field_index(record_type, expected, key_text) else {
                let known = record_type.fields.iter().map(|f| f.name.as_str());
                let suggestion = did_you_mean(key_text, known);
                for (i, f) in record_type.fields.iter().enumerate() {
                    if suggestion
                        .as_deref()
                        .is_some_and(|s| s.contains(&format!("`{}`", f.name)))
                    {
                        if let Some(a) = accounted.get_mut(i) {
                            *a = true;
                        }
                    }
                }
                let help = suggestion.or_else(|| {
                    Some(format!(
                        "{} 可用的键：{}",
                        self.words(place),
                        record_type
                            .fields
                            .iter()
                            .map(|f| f.name.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ))
                });
                let within = self.words(place);
                self.problem(
                    Code::SubmissionUnknownKey,
                    format!("{within} 中没有键 `{key_text}`"),
                    key_span,
                    "格式中没有这个键",
                    help,
                );
                continue;
            };
            let Some(field) = record_type.fields.get(index) else {
                continue;
            };
            if let Some(a) = accounted.get_mut(index) {
                *a = true;
            }
            expected = index + 1;
            let step = Step::Field(self.key(key));
            let (v, field_place) = self.value(&field.ty, value, place, step);
            if let (Some(allowed), Value::Text(t)) = (&field.one_of, &v) {
                if !allowed.iter().any(|a| **a == **t) {
                    let words = self.words(field_place);
                    // One of the allowed values with a character nobody can
                    // see in it: said, or the value looks allowed.
                    let hidden = t
                        .chars()
                        .find_map(|c| super::toml_errors::invisible_name(c).map(|n| (c, n)));
                    let help = match hidden {
                        Some((c, name)) => format!(
                            "值中有一个看不见的{name}（U+{:04X}）：删去它；可选：{}",
                            u32::from(c),
                            allowed.join("、")
                        ),
                        None => format!("可选：{}", allowed.join("、")),
                    };
                    self.problem(
                        Code::SubmissionNotAllowed,
                        format!("{words} 的值“{t}”不在可选的范围内"),
                        span_of(value),
                        "不允许的值",
                        Some(help),
                    );
                }
            }
            if let (Some(slot), Some(p)) = (fields.get_mut(index), places.get_mut(index)) {
                *slot = v;
                *p = field_place;
            }
        }
        for (field, written) in record_type.fields.iter().zip(accounted.iter()) {
            if !field.optional && !written {
                self.problem(
                    Code::SubmissionMissingKey,
                    format!(
                        "{} 缺少“{}”（键 `{}`）",
                        self.words(place),
                        field
                            .label
                            .as_deref()
                            .filter(|l| !l.contains('{'))
                            .unwrap_or(&field.name),
                        field.name
                    ),
                    span,
                    "此表缺少该键",
                    Some(format!(
                        "补上 {} = …（类型：{}）",
                        field.name,
                        field.ty.describe(self.schema)
                    )),
                );
            }
        }
        Value::Record(Arc::new(Record {
            fields: fields.into(),
            places: places.into(),
            place,
        }))
    }

    /// A value of `ty`, with its place.
    fn value(
        &mut self,
        ty: &Type,
        value: &Spanned<Node<'_>>,
        parent: PlaceId,
        step: Step,
    ) -> (Value, PlaceId) {
        let span = span_of(value);
        let v = value.get_ref();
        let result = match (ty, v) {
            (Type::Record(id), Node::Table(t)) => {
                let record = self.record(*id, t, span, parent, step);
                let place = match &record {
                    Value::Record(r) => r.place,
                    _ => NO_PLACE,
                };
                return (record, place);
            }
            // A table with free keys (`level1_weights`) is bounded like a
            // table of rows: each key is a row of the form.
            (Type::List(_), Node::Array(items)) if items.len() > MAX_ROWS => {
                return self.too_many(parent, step, span, items.len(), "行");
            }
            (Type::Map(_), Node::Table(t)) if t.len() > MAX_ROWS => {
                return self.too_many(parent, step, span, t.len(), "项");
            }
            (Type::List(elem), Node::Array(items)) => {
                let place = self.place(parent, step, span);
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    // Within `MAX_ROWS`.
                    let i = u32::try_from(i).unwrap_or(u32::MAX);
                    out.push(self.value(elem, item, place, Step::Index(i)).0);
                }
                return (Value::List(out.into()), place);
            }
            (Type::Map(elem), Node::Table(t)) => {
                let place = self.place(parent, step, span);
                let entries = t.in_file_order();
                let mut map = MapValue::default();
                map.entries.reserve_exact(t.len());
                for (key, item) in entries {
                    let key_text: Arc<str> = Arc::from(&**key.get_ref());
                    let step = Step::Key(Key::Text(Arc::clone(&key_text)));
                    let (v, item_place) = self.value(elem, item, place, step);
                    map.entries.push((key_text, v, item_place));
                }
                return (Value::Map(Arc::new(map)), place);
            }
            (Type::Bool, Node::Boolean(b)) => Ok(Value::Bool(*b)),
            // A control character (ESC, BEL, …) is no writing: shown raw in
            // a report, it would rewrite what the terminal shows.
            (Type::Text, Node::String(s)) => match escaped_control(s) {
                None => Ok(Value::text(s)),
                Some(c) => Err((
                    format!("有一个控制字符（U+{:04X}），不是文字", u32::from(c)),
                    "删去它（它常随从别处复制的内容带来）".to_string(),
                )),
            },
            (Type::Integer, Node::Integer(i)) => {
                parse_integer(i.as_str(), i.radix()).map(Value::Num)
            }
            (Type::Decimal, Node::Integer(i)) => {
                parse_integer(i.as_str(), i.radix()).map(Value::Num)
            }
            (Type::Decimal, Node::Float(f)) => parse_decimal(f.as_str()).map(Value::Num),
            (Type::Date, Node::Datetime(d)) => match (d.date, d.time, d.offset) {
                (Some(date), None, None) => Date::new(i32::from(date.year), date.month, date.day)
                    .map(Value::Date)
                    .ok_or_else(|| ("日期不存在".to_string(), "检查月份和日期".to_string())),
                _ => Err((
                    "应为日期，不带时间".to_string(),
                    "写成 2023-06-14".to_string(),
                )),
            },
            // A number in quotes: the fix is the clerk's own number.
            (Type::Decimal | Type::Integer, Node::String(text))
                if Decimal::from_str(text.trim()).is_ok() =>
            {
                Err((
                    format!("应为{}，实际是文字", ty.describe(self.schema)),
                    format!("去掉引号，写成 {}", text.trim()),
                ))
            }
            (expected, found) => Err((
                format!(
                    "应为{}，实际是{}",
                    expected.describe(self.schema),
                    toml_type(found)
                ),
                hint_for(expected),
            )),
        };
        let place = self.place(parent, step, span);
        match result {
            Ok(v) => (v, place),
            Err((message, help)) => {
                let words = self.words(place);
                self.problem(
                    Code::SubmissionWrongType,
                    format!("{words} 的值有误：{message}"),
                    span,
                    &message,
                    Some(help),
                );
                (Value::Absent, place)
            }
        }
    }

    fn review(&mut self, value: &Spanned<Node<'_>>) -> Review {
        let mut review = Review::default();
        let Some(table) = value.get_ref().as_table() else {
            self.problem(
                Code::SubmissionWrongType,
                "`review` 应为表".into(),
                span_of(value),
                "应为 [review]",
                None,
            );
            return review;
        };
        let entries = table.in_file_order();
        for (key, v) in entries {
            let key_text: &str = key.get_ref();
            let key_span = Span::new(0, key.span());
            match (key_text, v.get_ref()) {
                // A blank name signs nothing: refused, as in a review file.
                // Nothing but marks or characters nobody sees (`"\u{200b}"`)
                // is no name either, as in a review file.
                ("reviewer", Node::String(s)) if super::person::person(s).is_empty() => self
                    .problem(
                        Code::ReviewBadValue,
                        "`review.reviewer` 不能为空".into(),
                        span_of(v),
                        "评审人姓名",
                        Some(
                            "写上评审人的姓名：reviewer = \"张三\"；未署名的评审意见删去这一行"
                                .into(),
                        ),
                    ),
                ("reviewer", Node::String(s)) => review.reviewer = Some(s.to_string()),
                ("reviewer", _) => self.problem(
                    Code::SubmissionWrongType,
                    "`review.reviewer` 应为文字".into(),
                    span_of(v),
                    "应为文字",
                    None,
                ),
                (id, Node::Table(t)) => {
                    let judgment = self.judgment(id, &format!("review.{id}"), key_span, t);
                    review.judgments.push(judgment);
                }
                (id, _) => self.problem(
                    Code::SubmissionWrongType,
                    format!("`review.{id}` 应为表"),
                    span_of(v),
                    "应为 [review.评分项] 表",
                    Some(format!("写成 [review.{id}] 并在其下写 score = …")),
                ),
            }
        }
        // Judgments nobody signed are refused, as an unsigned worksheet or
        // review file is: every report names who judged.
        if review.reviewer.is_none() && !review.judgments.is_empty() {
            self.problem(
                Code::SubmissionMissingKey,
                "[review] 缺少评审人 `reviewer`".into(),
                span_of(value),
                "评审意见没有署名",
                Some("在 [review] 下写上评审人的姓名：reviewer = \"张三\"".into()),
            );
        }
        review
    }

    /// One judgment's table. `written`: the table as its file names it
    /// (`review.measurable` in a package, `measurable` in a `[[units]]`
    /// row of a review file).
    pub(super) fn judgment(
        &mut self,
        id: &str,
        written: &str,
        id_span: Span,
        table: &Table<'_>,
    ) -> Judgment {
        let mut j = Judgment {
            id: id.to_string(),
            reviewer: None,
            origin: Origin::Submission,
            id_span,
            score: None,
            tier: None,
            note: None,
            override_rules: false,
            score_unread: false,
            reviewed_on: None,
        };
        let entries = table.in_file_order();
        for (key, v) in entries {
            let key_text: &str = key.get_ref();
            let span = span_of(v);
            match (key_text, v.get_ref()) {
                ("score", Node::Integer(i)) => match parse_integer(i.as_str(), i.radix()) {
                    Ok(n) => j.score = Some((n, span)),
                    Err((m, h)) => {
                        self.problem(Code::SubmissionWrongType, m, span, "分数有误", Some(h))
                    }
                },
                ("score", Node::Float(f)) => match parse_decimal(f.as_str()) {
                    Ok(n) => j.score = Some((n, span)),
                    Err((m, h)) => {
                        self.problem(Code::SubmissionWrongType, m, span, "分数有误", Some(h))
                    }
                },
                ("tier", Node::String(s)) => j.tier = Some((s.to_string(), span)),
                ("note", Node::String(s)) => j.note = Some(s.to_string()),
                ("override", Node::Boolean(b)) => j.override_rules = *b,
                ("score" | "tier" | "note" | "override", found) => self.problem(
                    Code::SubmissionWrongType,
                    format!(
                        "`{written}.{key_text}` 的类型不对：实际是{}",
                        toml_type(found)
                    ),
                    span,
                    "类型不对",
                    Some("score 为数字，tier 与 note 为文字，override 为 true 或 false".into()),
                ),
                (other, _) => {
                    let help = did_you_mean(other, ["score", "tier", "note", "override"])
                        .or_else(|| Some("评审表可用的键：score、tier、note、override".into()));
                    self.problem(
                        Code::SubmissionUnknownKey,
                        format!("未知的键 `{other}`"),
                        Span::new(0, key.span()),
                        "评审表中没有这个键",
                        help,
                    );
                }
            }
        }
        j
    }
}

/// The TOML parser's message, in words for bureau staff (the parser's own
/// English only for a mistake not recognised).
pub fn explain_toml_error(message: &str) -> (String, String) {
    let original = message.trim().lines().next().unwrap_or("").to_string();
    let lower = original.to_ascii_lowercase();
    let (what, help) = if lower.contains("duplicate key") {
        (
            "同一个键写了两次",
            "删去重复的一行，或把数据放进 [[数组表]] 的不同项",
        )
    } else if lower.contains("invalid date") || lower.contains("datetime") || lower.contains("date")
    {
        // The day or month out of range, as the parser found it.
        let days = lower
            .split("expected day between 01 and ")
            .nth(1)
            .map(|rest| {
                rest.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .filter(|d| !d.is_empty());
        let what = match days {
            Some(days) => format!("日期不合法：这个月只有 {days} 天"),
            None if lower.contains("month between") => "日期不合法：月份应为 01 到 12".to_string(),
            None => "日期不合法".to_string(),
        };
        return (
            format!("TOML 格式错误：{what}"),
            "日期写成 2023-06-14（年-月-日，不加引号），并确认该日存在".to_string(),
        );
    } else if lower.contains("unterminated")
        || lower.contains("invalid basic string")
        || lower.contains("expected `\"`")
    {
        (
            "字符串没有结束的引号",
            "给文本补上结尾的英文双引号；多行文本用三个引号 \"\"\" 括起",
        )
    } else if lower.contains("duplicate table") || lower.contains("redefin") {
        ("同一个表定义了两次", "合并两处 [表名]，或改用 [[数组表]]")
    } else if lower.contains("missing comma") {
        (
            "数组的两项之间少了逗号",
            "数组写成 [\"甲\", \"乙\"]，各项之间用英文逗号分隔",
        )
    } else if lower.contains("unclosed array") {
        (
            "数组少了结尾的 `]`",
            "数组写成 [\"甲\", \"乙\"]，在最后一项之后补上 ]",
        )
    } else if lower.contains("unclosed inline table") {
        (
            "内联表少了结尾的 `}`",
            "内联表写在一行之内：{ 键 = 值, 键 = 值 }",
        )
    } else if lower.contains("unclosed table") {
        ("表头少了结尾的 `]`", "表头写成 [名称] 或 [[名称]]")
    } else if lower.contains("expected `=`") || lower.contains("missing assignment") {
        ("键的后面少了 `=`", "每一行写成 键 = 值")
    } else if lower.contains("expected newline") || lower.contains("unexpected content") {
        (
            "一行只能写一个 键 = 值",
            "把多出的内容移到下一行，或删去；文字用英文双引号括起",
        )
    } else if lower.contains("invalid key") || lower.contains("missing key") {
        (
            "键的写法不对",
            "键用英文字母、数字和下划线；含其他字符的键用英文双引号括起",
        )
    } else if lower.contains("must be quoted") {
        (
            "文字没有加引号",
            "文字用英文双引号括起，如 role = \"预算单位\"；数字和日期不加引号，检查是否多打了字",
        )
    } else {
        // Not one of the mistakes above: the parser's own words are kept
        // for whoever helps the clerk.
        return (
            format!("TOML 格式错误：无法读取这一处（{original}）"),
            "检查引号、括号和等号是否成对；文本用英文双引号括起".to_string(),
        );
    };
    (format!("TOML 格式错误：{what}"), help.to_string())
}

pub(super) fn toml_type(v: &Node<'_>) -> &'static str {
    match v {
        Node::String(_) => "文字",
        Node::Integer(_) => "整数",
        Node::Float(_) => "小数",
        Node::Boolean(_) => "布尔值",
        Node::Datetime(_) => "日期时间",
        Node::Array(_) => "数组",
        Node::Table(_) => "表",
    }
}

fn hint_for(ty: &Type) -> String {
    match ty {
        Type::Bool => "写成 true 或 false（不加引号）".into(),
        Type::Integer => "写成整数，不加引号，如 20".into(),
        Type::Decimal => "写成数字，不加引号，如 1085.09".into(),
        Type::Text => "文字用英文双引号括起".into(),
        Type::Date => "写成 2023-06-14（不加引号）".into(),
        Type::List(_) => "写成数组 [ … ] 或 [[表名]]".into(),
        Type::Map(_) | Type::Record(_) => "写成表 [名称] 或 { 键 = 值 }".into(),
        Type::Any => String::new(),
    }
}

type ReadResult<T> = Result<T, (String, String)>;

/// A number's text without its `_` separators, copied only when it has some.
fn without_separators(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('_') {
        text.replace('_', "").into()
    } else {
        text.into()
    }
}

fn parse_integer(text: &str, radix: u32) -> ReadResult<Decimal> {
    let digits = without_separators(text);
    // Beyond i128 or beyond `Decimal`: the same words either way.
    let n = i128::from_str_radix(&digits, radix).map_err(|_| {
        (
            "整数超出可精确表示的范围".to_string(),
            "数字最多 28 位有效数字".to_string(),
        )
    })?;
    Decimal::try_from_i128_with_scale(n, 0).map_err(|_| {
        (
            "整数超出可精确表示的范围".to_string(),
            "数字最多 28 位有效数字".to_string(),
        )
    })
}

fn parse_decimal(text: &str) -> ReadResult<Decimal> {
    let digits = without_separators(text);
    // `nan`, `inf` and exponents have letters; plain decimals do not.
    let letters = digits.bytes().any(|b| b.is_ascii_alphabetic());
    let lower = if letters {
        digits.to_ascii_lowercase()
    } else {
        String::new()
    };
    if lower.contains("nan") || lower.contains("inf") {
        return Err((
            "不是一个数（nan 或 inf）".into(),
            "填写具体金额或分数".into(),
        ));
    }
    // Exact or refused: a 29th significant digit is not rounded away.
    let parsed = if lower.contains('e') {
        Decimal::from_scientific(&lower)
    } else {
        Decimal::from_str_exact(&digits)
    };
    parsed.map_err(|_| {
        (
            "数字超出可精确表示的范围".into(),
            "数字最多 28 位有效数字".into(),
        )
    })
}
