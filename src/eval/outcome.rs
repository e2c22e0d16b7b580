//! The outcome of scoring one submission: a tree mirroring the sheet, each
//! node with its score (or its range while pending), its basis, and every
//! lost point with the rule and the values that produced it.

use crate::data::PlaceId;
use crate::ir::Class;
use crate::source::Span;
use rust_decimal::Decimal;

/// `final` or `pending`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every criterion has a score.
    Final,
    /// Some judged criterion awaits a judgment.
    Pending,
}

/// How a node's score came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// Computed by the rules.
    Auto,
    /// A reviewer's judgment within its band.
    Judged,
    /// A judgment overriding the rules.
    Override,
    /// Children of different bases.
    Mixed,
    /// Awaiting a judgment.
    Pending,
}

impl Basis {
    /// As in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Auto => "auto",
            Basis::Judged => "judged",
            Basis::Override => "override",
            Basis::Mixed => "mixed",
            Basis::Pending => "pending",
        }
    }
}

/// One submission's result.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// `unit.name`
    pub unit: String,
    /// `unit.year`
    pub year: i64,
    /// The sheet's title.
    pub rules: String,
    /// Final or pending.
    pub status: Status,
    /// Total, when final.
    pub score: Option<Decimal>,
    /// The sheet's total points.
    pub max: Decimal,
    /// Lowest and highest total still possible.
    pub range: (Decimal, Decimal),
    /// The top-level nodes.
    pub nodes: Vec<NodeOutcome>,
    /// What the checks found, in check order.
    pub findings: Vec<Finding>,
}

impl Outcome {
    /// The criteria (the tree's leaves), in sheet order.
    pub fn criteria(&self) -> Vec<&NodeOutcome> {
        fn walk<'o>(nodes: &'o [NodeOutcome], out: &mut Vec<&'o NodeOutcome>) {
            for n in nodes {
                match n.children.is_empty() {
                    true => out.push(n),
                    false => walk(&n.children, out),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, &mut out);
        out
    }
}

/// A finding about the package.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The check's id (or `undefined_ratio`).
    pub id: String,
    /// Error, warning or info.
    pub severity: crate::ir::Severity,
    /// The message, holes filled.
    pub message: String,
    /// The raise statement (or the failing expression).
    pub span: Span,
    /// The condition that fired.
    pub focus: Span,
    /// Named values that produced it, as values (reports show them typed,
    /// a record by its name in the documents).
    pub values: Vec<(String, crate::data::Value)>,
    /// For the named numbers computed from cells, those cells (at most a
    /// few): a reader traces `rule_score = 9.69` to 96.89 and 100.
    pub computed_from: Vec<(String, Vec<PlaceId>)>,
    /// The submission places it concerns.
    pub places: Vec<PlaceId>,
    /// What the check is for.
    pub says: Option<String>,
    /// Checks whose findings about the same table or row are the same
    /// matter (`related to …`).
    pub related: Vec<String>,
    /// A finding about the reviewers' judgments (`reviewers_disagree`):
    /// the criterion's id and the judgments it compares, so that reports
    /// point at each score's cell as they point at the package's cells.
    pub judged: Option<Box<(String, Vec<JudgmentShown>)>>,
}

/// The id of the finding raised when reviewers' scores lie too far apart.
pub const REVIEWERS_DISAGREE: &str = "reviewers_disagree";

impl Finding {
    /// Is it about the reviewers' judgments (their scores too far apart)
    /// rather than the unit's package? The unit has nothing to correct.
    pub fn about_reviews(&self) -> bool {
        self.id == REVIEWERS_DISAGREE
    }
}

/// A node of the outcome tree.
#[derive(Clone, Debug)]
pub struct NodeOutcome {
    /// Criterion id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Points.
    pub max: Decimal,
    /// Score, unless pending.
    pub score: Option<Decimal>,
    /// Lowest and highest possible.
    pub range: (Decimal, Decimal),
    /// Basis.
    pub basis: Basis,
    /// Automatic, judged or mixed (criteria only).
    pub class: Option<Class>,
    /// The sheet's words.
    pub says: Option<String>,
    /// The criterion's header in the rules.
    pub span: Span,
    /// Every lost point.
    pub deductions: Vec<Deduction>,
    /// Hints for the reviewer.
    pub hints: Vec<(String, String)>,
    /// Long texts the reviewer reads (`show`), evaluated for the review
    /// worksheet only.
    pub shows: Vec<(String, String)>,
    /// Every reviewer's judgment behind the score (judged or overridden).
    pub judgments: Vec<JudgmentShown>,
    /// How several judgments were combined.
    pub combined: Option<crate::ir::Combine>,
    /// Remarks: an unused judgment, a clipped total, the reviewer's note.
    pub notes: Vec<String>,
    /// Why an automatic criterion lost nothing (`full because`, or the
    /// `award` that gave the max), in words.
    pub full: Option<String>,
    /// Where a reviewer's override set the score: what the rules alone
    /// would have given (`None` where they ask for a judgment), and why,
    /// each lost point's message. The unit's notice shows both, so that
    /// a late package with full marks does not read as a slip.
    pub overridden: Option<(Option<Decimal>, Vec<String>)>,
    /// Sub-nodes.
    pub children: Vec<NodeOutcome>,
}

/// What kind of statement took the points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeductionKind {
    /// `deduct`
    Rule,
    /// `award` below the maximum.
    Award,
    /// `zero when`
    Zero,
    /// A reviewer's judgment below the maximum.
    Judged,
    /// A reviewer's override.
    Override,
}

/// Points lost, and why.
#[derive(Clone, Debug)]
pub struct Deduction {
    /// Points lost.
    pub points: Decimal,
    /// The explanation, holes filled.
    pub message: String,
    /// The statement in the rules (or the tier).
    pub span: Span,
    /// The expression responsible (`per late`, the `when` condition, the
    /// awarded value); labelled with the values in explanations.
    pub focus: Span,
    /// Named values that produced it, as values (reports show them typed,
    /// a record by its name in the documents).
    pub values: Vec<(String, crate::data::Value)>,
    /// For the named numbers computed from cells, those cells (as
    /// `Finding::computed_from`).
    pub computed_from: Vec<(String, Vec<PlaceId>)>,
    /// Submission places involved.
    pub places: Vec<PlaceId>,
    /// The review value behind a judged or overriding deduction: its path
    /// (`review.problems.score`) and span in the submission.
    pub review_at: Option<(String, Span)>,
    /// Its kind.
    pub kind: DeductionKind,
    /// For a judged or overriding deduction: every reviewer's judgment.
    pub judgments: Vec<JudgmentShown>,
    /// How they were combined.
    pub combined: Option<crate::ir::Combine>,
}

/// One reviewer's judgment, as every report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgmentShown {
    /// The reviewer's name, when signed.
    pub reviewer: Option<String>,
    /// The tier named.
    pub tier: Option<String>,
    /// The score given.
    pub score: Decimal,
    /// The reviewer's note.
    pub note: Option<String>,
    /// Where it is written (`评审表.xlsx 评审!H12`).
    pub at: JudgmentAt,
    /// Where its note is written: a worksheet's 评审意见 cell
    /// (`评审表.xlsx 评审!I12`); in a TOML file, where the judgment is.
    pub note_at: JudgmentAt,
    /// Written in the submission's own `[review]` (reports then show the
    /// submission's snippet instead of `at`).
    pub in_submission: bool,
    /// When the reviewer judged, if the review says.
    pub reviewed_on: Option<crate::data::Date>,
}

/// Where a judgment is written, put in words only when a report shows it:
/// naming a line of a file means counting the file's lines, and scoring
/// alone (or a CSV summary) never shows it.
#[derive(Clone, Debug)]
pub enum JudgmentAt {
    /// A line of a TOML file, at the judgment's id; `table`: the
    /// submission's own `[review.<table>]`.
    Line {
        /// The file.
        file: crate::source::SourceFile,
        /// The byte offset of the judgment's id.
        offset: u32,
        /// The criterion's id, when the file is the submission.
        table: Option<String>,
    },
    /// A review worksheet's cell, in words (`评审表.xlsx 评审!H12`), and
    /// how many bytes of them name the file: a program is given the file,
    /// the sheet and the cell apart.
    Cell {
        /// `评审表.xlsx 评审!H12`
        words: String,
        /// The length of `评审表.xlsx` in `words`.
        file: usize,
    },
}

impl JudgmentAt {
    /// `file:line:column`, and `（[review.<id>]）` in a submission: the
    /// words `Display` gives, written without the formatting machinery
    /// (a report writes one for every judgment of every unit).
    pub fn write_to(&self, out: &mut String) {
        match self {
            JudgmentAt::Line {
                file,
                offset,
                table,
            } => {
                let (line, column) = file.line_col(*offset);
                out.push_str(&file.name);
                out.push(':');
                crate::base::push_number(out, line as u64);
                out.push(':');
                crate::base::push_number(out, column as u64);
                if let Some(id) = table {
                    out.push_str("（[review.");
                    out.push_str(id);
                    out.push_str("]）");
                }
            }
            JudgmentAt::Cell { words, .. } => out.push_str(words),
        }
    }

    /// A worksheet cell's file, sheet and cell (`评审表.xlsx`, `评审`,
    /// `H12`); none for a line of a TOML file.
    pub fn sheet_cell(&self) -> Option<(&str, &str, &str)> {
        match self {
            JudgmentAt::Line { .. } => None,
            JudgmentAt::Cell { words, file } => {
                let name = words.get(..*file)?;
                let rest = words.get(*file..)?.trim_start();
                let (sheet, cell) = rest.rsplit_once('!')?;
                Some((name, sheet, cell))
            }
        }
    }
}

impl std::fmt::Display for JudgmentAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut words = String::new();
        self.write_to(&mut words);
        f.write_str(&words)
    }
}

/// The same place in the same words.
impl PartialEq for JudgmentAt {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

impl Eq for JudgmentAt {}

impl JudgmentShown {
    /// `张三`, or `评审人` when unsigned.
    pub fn who(&self) -> &str {
        self.reviewer.as_deref().unwrap_or("评审人")
    }

    /// `（张三，评审表.xlsx 评审!H12）`: who, and where when it is not the
    /// submission's own `[review]`; empty for an unsigned `[review]`.
    pub fn source_words(&self) -> String {
        self.words_at(&self.at)
    }

    /// As `source_words`, at the note's own cell: `（张三，评审表.xlsx 评审!I12）`.
    pub fn note_source_words(&self) -> String {
        self.words_at(&self.note_at)
    }

    /// As `note_source_words`, and where in the submission its own
    /// `[review]` is (`（区财政局，单位.toml:494:9）`): said beside other
    /// reviewers' worksheets, whose cells are named, it needs its place
    /// too.
    pub fn note_source_words_located(&self) -> String {
        match (&self.note_at, self.in_submission) {
            (JudgmentAt::Line { file, offset, .. }, true) => {
                let mut out = String::from("（");
                out.push_str(self.who());
                out.push('，');
                JudgmentAt::Line {
                    file: file.clone(),
                    offset: *offset,
                    table: None,
                }
                .write_to(&mut out);
                out.push('）');
                out
            }
            _ => self.note_source_words(),
        }
    }

    /// Who, and `at` where the judgment is not the submission's own.
    /// Written without the formatting machinery: every judgment of every
    /// unit's report names its source.
    fn words_at(&self, at: &JudgmentAt) -> String {
        let mut out = String::new();
        match (&self.reviewer, self.in_submission) {
            (None, true) => {}
            (Some(r), true) => {
                out.push('（');
                out.push_str(r);
                out.push('）');
            }
            (_, false) => {
                out.push('（');
                out.push_str(self.who());
                out.push('，');
                at.write_to(&mut out);
                out.push('）');
            }
        }
        out
    }
}
