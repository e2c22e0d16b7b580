//! The district summary behind `--format csv` and `--format xlsx`: one row
//! per input in input order (unit, file, year, total, rank, status, every
//! criterion's score in sheet order, findings per severity) and a row with
//! the error for an input that could not be loaded; beside it every finding
//! and every lost point, for the XLSX's other sheets.
//!
//! A row keeps only what the table shows, so a batch can drop each
//! submission as soon as its row is made; the summary keeps of each row
//! only its cells in the main table (its findings, lost points and
//! criteria awaiting a judgment are handed back for the XLSX to write
//! at once), so a district of 20,000 units costs a few megabytes.

use super::decimal;
use crate::data::Submission;
use crate::diag::Problem;
use crate::eval::outcome::{Finding, NodeOutcome, Outcome, Status};
use crate::ir::RuleSet;
use crate::source::Span;
use rust_decimal::Decimal;

/// One cell of a summary table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// An exact decimal (a score).
    Num(Decimal),
    /// A count or a rank.
    Int(u64),
    /// A date.
    Date(crate::data::Date),
}

impl Cell {
    /// As CSV and people write it.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Num(d) => decimal(*d),
            Cell::Int(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// A node's result as the table shows it.
#[derive(Clone, Debug)]
struct NodeCell {
    id: String,
    title: String,
    max: Decimal,
    score: Option<Decimal>,
}

/// One finding or lost point, flattened to text.
#[derive(Clone, Debug)]
struct Line {
    cells: Vec<Cell>,
}

/// One input's row, with its findings and lost points.
#[derive(Clone, Debug)]
pub struct SummaryRow {
    file: String,
    result: Result<Scored, Failure>,
}

/// An input that could not be scored: the unit and year when its header
/// could still be read (a worksheet's mistake, not the package's), and why.
#[derive(Clone, Debug)]
struct Failure {
    unit: Option<(String, i64)>,
    errors: String,
}

#[derive(Clone, Debug)]
struct Scored {
    unit: String,
    year: i64,
    max: Decimal,
    received_on: Option<crate::data::Date>,
    reviewers: String,
    /// Criteria awaiting a judgment: (title, max, lowest, highest).
    pending: Vec<(String, Decimal, Decimal, Decimal)>,
    status: Status,
    /// Did reviewers' scores differ by more than the rules allow?
    recheck: bool,
    /// Did the package change after the worksheet its judgments come from
    /// was made?
    changed: bool,
    score: Option<Decimal>,
    range: (Decimal, Decimal),
    nodes: Vec<NodeCell>,
    /// Findings by severity (error, warning, info), then what the import
    /// of a Word package could not read (scored as blank).
    counts: [u64; 4],
    findings: Vec<Line>,
    deductions: Vec<Line>,
}

fn location(rules: &RuleSet, span: Span) -> String {
    rules
        .files
        .get(usize::from(span.file))
        .map(|f| format!("{}:{}", f.name, f.line_col(span.start).0))
        .unwrap_or_default()
}

/// The places in the documents' words, each with where its file has it.
fn places_words(report: &super::Report<'_>, places: &[u32]) -> String {
    report.places_located(places).join("；")
}

/// A finding's places in words; for one about the reviewers' judgments,
/// the cell (or line) of each score it compares.
fn finding_places(report: &super::Report<'_>, f: &Finding) -> String {
    let mut words = places_words(report, &f.places);
    if let Some(judged) = &f.judged {
        for j in &judged.1 {
            if !words.is_empty() {
                words.push('；');
            }
            words.push_str(j.who());
            words.push(' ');
            j.at.write_to(&mut words);
        }
    }
    words
}

/// One lost point as a line of the lost-points sheet.
fn lost_line(
    unit: &str,
    file: &str,
    n: &NodeOutcome,
    d: &crate::eval::outcome::Deduction,
    rules: &RuleSet,
    report: &super::Report<'_>,
) -> Line {
    let mut data = places_words(report, &d.places);
    if let Some((path, span)) = &d.review_at {
        if !data.is_empty() {
            data.push('；');
        }
        data.push_str(&report.place_located(path, *span));
    }
    Line {
        cells: vec![
            Cell::Text(unit.to_string()),
            Cell::Text(file.to_string()),
            Cell::Text(n.id.clone()),
            Cell::Text(n.title.clone()),
            Cell::Num(d.points),
            Cell::Text(super::snippet::kind_word(d.kind).to_string()),
            Cell::Text(d.message.clone()),
            Cell::Text(location(rules, d.focus)),
            Cell::Text(data),
        ],
    }
}

/// Where a criterion's lost points add up to more than its points (two
/// deductions of 4 from a criterion of 7), the line that takes the excess
/// back: the 扣分 column then adds up to what the unit lost.
fn cap_line(unit: &str, file: &str, n: &NodeOutcome) -> Option<Line> {
    let listed: Decimal = n.deductions.iter().map(|d| d.points).sum();
    let lost = n.max - n.score?;
    (listed > lost).then(|| Line {
        cells: vec![
            Cell::Text(unit.to_string()),
            Cell::Text(file.to_string()),
            Cell::Text(n.id.clone()),
            Cell::Text(n.title.clone()),
            Cell::Num(lost - listed),
            Cell::Text(CAPPED.to_string()),
            Cell::Text(format!(
                "以上各条合计扣 {} 分，超过本项分值 {} 分，扣完为止：实扣 {} 分",
                super::decimal(listed),
                super::decimal(n.max),
                super::decimal(lost)
            )),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
        ],
    })
}

/// The 方式 of the line that takes back what a criterion's deductions
/// exceed its points by.
const CAPPED: &str = "扣完为止";

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Final => "已定分",
        Status::Pending => "待评审",
    }
}

/// The 复核 cell of a unit whose reviewers differed by more than the rules
/// allow (`reviewers_disagree`): to be checked before notices go. A column
/// of its own, so that 状态 holds only the status and each is filtered
/// alone.
const RECHECK: &str = "评审分差大需复核";

/// The 复核 cell of a unit whose package changed after the worksheet its
/// judgments come from was made: the reviewers read another version.
const CHANGED: &str = "材料有改动需复核";

/// The status cell of a row that could not be scored.
const FAILED: &str = "未能评分";

impl SummaryRow {
    /// The row of a scored input.
    pub fn scored(
        file: impl Into<String>,
        outcome: &Outcome,
        rules: &RuleSet,
        submission: &Submission,
    ) -> SummaryRow {
        let report = super::Report::new(outcome, rules, submission);
        Self::made(file.into(), outcome, submission, Some((rules, &report)))
    }

    /// The row of a scored input without the findings and lost points,
    /// which only the XLSX lists: what a CSV batch keeps, made without
    /// resolving a single place of the submission, which the lines of the
    /// findings and lost points would cost and the CSV never shows.
    pub fn totals(
        file: impl Into<String>,
        outcome: &Outcome,
        submission: &Submission,
    ) -> SummaryRow {
        Self::made(file.into(), outcome, submission, None)
    }

    /// A scored input's row; its findings and lost points written out only
    /// with the rules and report to resolve them.
    fn made(
        file: String,
        outcome: &Outcome,
        submission: &Submission,
        detail: Option<(&RuleSet, &super::Report<'_>)>,
    ) -> SummaryRow {
        let mut nodes = Vec::new();
        let mut deductions = Vec::new();
        fn walk(
            n: &NodeOutcome,
            nodes: &mut Vec<NodeCell>,
            lost: &mut Vec<Line>,
            ctx: (&str, &str, Option<(&RuleSet, &super::Report<'_>)>),
        ) {
            let (unit, file, detail) = ctx;
            nodes.push(NodeCell {
                id: n.id.clone(),
                title: n.title.clone(),
                max: n.max,
                score: n.score,
            });
            if let Some((rules, report)) = detail {
                for d in &n.deductions {
                    lost.push(lost_line(unit, file, n, d, rules, report));
                }
                lost.extend(cap_line(unit, file, n));
            }
            for c in &n.children {
                walk(c, nodes, lost, ctx);
            }
        }
        for n in &outcome.nodes {
            walk(
                n,
                &mut nodes,
                &mut deductions,
                (&outcome.unit, &file, detail),
            );
        }
        let mut names: Vec<String> = Vec::new();
        super::snippet::each_judgment(outcome, &mut |j| {
            if !names.iter().any(|n| n == j.who()) {
                names.push(j.who().to_string());
            }
        });
        let reviewers = names.join("、");
        let mut pending = Vec::new();
        fn waiting(nodes: &[NodeOutcome], out: &mut Vec<(String, Decimal, Decimal, Decimal)>) {
            for n in nodes {
                if n.children.is_empty() && n.score.is_none() {
                    out.push((n.title.clone(), n.max, n.range.0, n.range.1));
                }
                waiting(&n.children, out);
            }
        }
        waiting(&outcome.nodes, &mut pending);
        // A disagreement between reviewers is the bureau's to resolve: it
        // shows in the status; counted, as the JSON and the reports count
        // it, among the warnings.
        let recheck = outcome.findings.iter().any(Finding::about_reviews);
        let changed = submission.review.changed_since.is_some();
        let mut counts = [0u64; 4];
        for f in &outcome.findings {
            if let Some(c) = counts.get_mut(f.severity as usize) {
                *c += 1;
            }
        }
        // What the import could not read was scored as blank: the bureau
        // sees it in the summary, not only in the unit's notice.
        let unread: Vec<super::place::ImportNote> = super::place::import_notes_for_unit(submission)
            .into_iter()
            .filter(|n| n.unread)
            .collect();
        counts[3] = unread.len() as u64;
        let findings = match detail {
            Some((rules, report)) => unread
                .iter()
                .map(|n| Line {
                    cells: vec![
                        Cell::Text(outcome.unit.clone()),
                        Cell::Text(file.clone()),
                        Cell::Text(super::place::UNREAD.into()),
                        Cell::Text("读取 Word 材料".into()),
                        Cell::Text(n.said.clone()),
                        Cell::Empty,
                        // Where in the Word file, as the findings' places say it.
                        n.row.map_or(Cell::Empty, |(table, row)| {
                            Cell::Text(format!("Word 文件第{table}个表格第{row}行"))
                        }),
                    ],
                })
                .chain(report.findings().iter().map(|f| Line {
                    cells: vec![
                        Cell::Text(outcome.unit.clone()),
                        Cell::Text(file.clone()),
                        Cell::Text(super::snippet::severity_word(f.severity).to_string()),
                        Cell::Text(f.says.clone().unwrap_or_else(|| "检查发现".into())),
                        Cell::Text(f.message.clone()),
                        Cell::Text(location(rules, f.focus)),
                        Cell::Text(finding_places(report, f)),
                    ],
                }))
                .collect(),
            None => Vec::new(),
        };
        SummaryRow {
            file,
            result: Ok(Scored {
                unit: outcome.unit.clone(),
                year: outcome.year,
                max: outcome.max,
                received_on: submission.received_on(),
                reviewers,
                pending,
                status: outcome.status,
                recheck,
                changed,
                score: outcome.score,
                range: outcome.range,
                nodes,
                counts,
                findings,
                deductions,
            }),
        }
    }

    /// The row of an input that could not be loaded or scored.
    pub fn failed(file: impl Into<String>, problems: &[Problem]) -> SummaryRow {
        let errors: Vec<String> = problems
            .iter()
            .map(|p| match p.location() {
                Some((_, line, column)) => format!("第 {line} 行第 {column} 列：{}", p.message),
                None => p.message.clone(),
            })
            .collect();
        SummaryRow {
            file: file.into(),
            result: Err(Failure {
                unit: None,
                errors: errors.join("\n"),
            }),
        }
    }

    /// A failed row names its unit and year (read from the package's
    /// header) in the unit and year columns.
    pub fn of_unit(mut self, unit: String, year: i64) -> SummaryRow {
        if let Err(f) = &mut self.result {
            f.unit = Some((unit, year));
        }
        self
    }
}

/// Criterion columns: every node id in sheet order, the union over the
/// rows' rule sets in first-seen order.
#[derive(Clone, Debug)]
struct Column {
    id: String,
    title: String,
    max: Decimal,
}

/// What the main table shows of one input.
#[derive(Clone, Debug)]
struct Brief {
    file: String,
    result: Result<Totals, Failure>,
}

/// A scored input's cells in the main table.
#[derive(Clone, Debug)]
struct Totals {
    unit: String,
    year: i64,
    max: Decimal,
    received_on: Option<crate::data::Date>,
    reviewers: String,
    status: Status,
    recheck: bool,
    changed: bool,
    score: Option<Decimal>,
    range: (Decimal, Decimal),
    /// Each column's score, by column position (the first node of the
    /// column's id); columns added after this row are empty.
    scores: Vec<Option<Decimal>>,
    counts: [u64; 4],
}

/// The lines of one input beside the main table: its criteria awaiting a
/// judgment, findings and lost points (the XLSX's other sheets).
#[derive(Clone, Debug, Default)]
pub struct Details {
    /// (unit, file, criterion, points, lowest, highest) per criterion.
    pub pending: Vec<Vec<Cell>>,
    /// One row per finding, in check order.
    pub findings: Vec<Vec<Cell>>,
    /// One row per lost point, in sheet order.
    pub deductions: Vec<Vec<Cell>>,
}

/// The summary of a batch.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    columns: Vec<Column>,
    /// Column positions by node id.
    column_of: std::collections::HashMap<String, usize>,
    rows: Vec<Brief>,
}

/// Headers of the findings sheet.
pub const FINDING_HEADERS: [&str; 7] = [
    "单位",
    "文件",
    "级别",
    "检查项",
    "说明",
    "规则位置",
    "材料位置",
];

/// Headers of the lost-points sheet.
pub const DEDUCTION_HEADERS: [&str; 9] = [
    "单位",
    "文件",
    "评分项编号",
    "评分项",
    "扣分",
    "方式",
    "原因",
    "规则位置",
    "材料位置",
];

/// Headers of the sheet of criteria awaiting a judgment.
pub const PENDING_HEADERS: [&str; 6] = ["单位", "文件", "评分项", "分值", "最低分", "最高分"];

impl Summary {
    /// The summary of these rows, in this order.
    pub fn new(rows: Vec<SummaryRow>) -> Summary {
        let mut summary = Summary::default();
        for row in rows {
            summary.push(row);
        }
        summary
    }

    /// The next row: its cells in the main table are kept, its other lines
    /// handed back.
    pub fn push(&mut self, row: SummaryRow) -> Details {
        let SummaryRow { file, result } = row;
        let s = match result {
            Ok(s) => s,
            Err(e) => {
                self.rows.push(Brief {
                    file,
                    result: Err(e),
                });
                return Details::default();
            }
        };
        let mut scores: Vec<Option<Decimal>> = Vec::new();
        let mut seen: Vec<bool> = Vec::new();
        for (i, n) in s.nodes.into_iter().enumerate() {
            // The same rules give every unit the same criteria in the same
            // order: a node is mostly found at its own position, unhashed.
            let known = match self.columns.get(i) {
                Some(c) if c.id == n.id => Some(i),
                _ => self.column_of.get(&n.id).copied(),
            };
            let at = match known {
                Some(at) => at,
                None => {
                    let at = self.columns.len();
                    self.columns.push(Column {
                        id: n.id.clone(),
                        title: n.title,
                        max: n.max,
                    });
                    self.column_of.insert(n.id, at);
                    at
                }
            };
            if scores.len() <= at {
                scores.resize(at + 1, None);
                seen.resize(at + 1, false);
            }
            // A column shows the first node of its id.
            if let (Some(cell), Some(seen)) = (scores.get_mut(at), seen.get_mut(at))
                && !*seen
            {
                *seen = true;
                *cell = n.score;
            }
        }
        let pending = s
            .pending
            .into_iter()
            .map(|(title, max, lo, hi)| {
                vec![
                    Cell::Text(s.unit.clone()),
                    Cell::Text(file.clone()),
                    Cell::Text(title),
                    Cell::Num(max),
                    Cell::Num(lo),
                    Cell::Num(hi),
                ]
            })
            .collect();
        let details = Details {
            pending,
            findings: s.findings.into_iter().map(|l| l.cells).collect(),
            deductions: s.deductions.into_iter().map(|l| l.cells).collect(),
        };
        self.rows.push(Brief {
            file,
            result: Ok(Totals {
                unit: s.unit,
                year: s.year,
                max: s.max,
                received_on: s.received_on,
                reviewers: s.reviewers,
                status: s.status,
                recheck: s.recheck,
                changed: s.changed,
                score: s.score,
                range: s.range,
                scores,
                counts: s.counts,
            }),
        });
        details
    }

    /// The main table's header row.
    pub fn header(&self) -> Vec<Cell> {
        let mut header: Vec<Cell> = [
            "序号",
            "单位",
            "文件",
            "年度",
            "总分",
            "最低分",
            "最高分",
            "失分",
            "名次",
            "送达日期",
            "评审人",
            "状态",
            "复核",
        ]
        .into_iter()
        .map(|h| Cell::Text(h.into()))
        .collect();
        header.extend(
            self.columns
                .iter()
                .map(|c| Cell::Text(format!("{}（{}分）", c.title, decimal(c.max)))),
        );
        header.extend(
            [
                "错误",
                "警告",
                "提示",
                super::place::UNREAD,
                "未能评分的原因",
            ]
            .into_iter()
            .map(|h| Cell::Text(h.into())),
        );
        header
    }

    /// The main table: a header row, then one row per input, each made
    /// when it is read.
    pub fn table(&self) -> impl Iterator<Item = Vec<Cell>> + '_ {
        // Competition ranking ("1224") of final totals: one more than the
        // number of higher totals, found by bisection in the sorted totals
        // (counting them for every row was quadratic in the units).
        let mut finals: Vec<Decimal> = self
            .rows
            .iter()
            .filter_map(|r| r.result.as_ref().ok().and_then(|s| s.score))
            .collect();
        finals.sort_unstable();
        let rank = move |score: Decimal| {
            1 + (finals.len() - finals.partition_point(|s| *s <= score)) as u64
        };
        let columns = self.columns.len();
        std::iter::once(self.header()).chain(self.rows.iter().enumerate().map(move |(i, row)| {
            let mut cells = vec![Cell::Int(i as u64 + 1)];
            match &row.result {
                Ok(s) => {
                    cells.push(Cell::Text(s.unit.clone()));
                    cells.push(Cell::Text(row.file.clone()));
                    cells.push(Cell::Int(u64::try_from(s.year).unwrap_or(0)));
                    // A pending total is never a text: its lowest and
                    // highest possible totals are numbers of their own.
                    cells.push(s.score.map_or(Cell::Empty, Cell::Num));
                    cells.push(Cell::Num(s.range.0));
                    cells.push(Cell::Num(s.range.1));
                    cells.push(s.score.map_or(Cell::Empty, |v| Cell::Num(s.max - v)));
                    cells.push(s.score.map_or(Cell::Empty, |v| Cell::Int(rank(v))));
                    cells.push(s.received_on.map_or(Cell::Empty, Cell::Date));
                    cells.push(Cell::Text(s.reviewers.clone()));
                    cells.push(Cell::Text(status_word(s.status).into()));
                    cells.push(match (s.recheck, s.changed) {
                        (false, false) => Cell::Empty,
                        (true, false) => Cell::Text(RECHECK.into()),
                        (false, true) => Cell::Text(CHANGED.into()),
                        (true, true) => Cell::Text(format!("{RECHECK}；{CHANGED}")),
                    });
                    cells.extend((0..columns).map(|c| match s.scores.get(c) {
                        Some(Some(v)) => Cell::Num(*v),
                        _ => Cell::Empty,
                    }));
                    cells.extend(s.counts.iter().map(|n| Cell::Int(*n)));
                    cells.push(Cell::Empty);
                }
                Err(Failure { unit, errors }) => {
                    let (name, year) = match unit {
                        Some((name, year)) => (
                            Cell::Text(name.clone()),
                            Cell::Int(u64::try_from(*year).unwrap_or(0)),
                        ),
                        None => (Cell::Empty, Cell::Empty),
                    };
                    cells.extend([name, Cell::Text(row.file.clone()), year]);
                    cells.extend(std::iter::repeat_n(Cell::Empty, 7));
                    cells.push(Cell::Text(FAILED.into()));
                    cells.push(Cell::Empty);
                    cells.extend(std::iter::repeat_n(Cell::Empty, columns));
                    cells.extend(std::iter::repeat_n(Cell::Empty, 4));
                    cells.push(Cell::Text(errors.clone()));
                }
            }
            cells
        }))
    }

    /// Whether any input could not be scored.
    pub fn has_failures(&self) -> bool {
        self.rows.iter().any(|r| r.result.is_err())
    }
}
