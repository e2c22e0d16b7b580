//! The checked, compiled form of a rules folder. Names are resolved to slots
//! and field indices, constants are values, and every node keeps its span.
//! `eval` consumes this and nothing else.

use crate::base::{AggKind, BinOp};
use crate::data::Value;
use crate::data::schema::{Schema, Type};
use crate::source::{SourceFile, Span};
use rust_decimal::Decimal;

pub mod typed;

/// A compiled rules folder: one year's assessment sheet.
#[derive(Debug)]
pub struct RuleSet {
    /// The rule files, indexed by `Span::file`.
    pub files: Vec<SourceFile>,
    /// The sheet's title.
    pub title: String,
    /// The year the sheet evaluates.
    pub year: i64,
    /// The sheet's total points.
    pub total: Decimal,
    /// Decimals every score is rounded to (half away from zero).
    pub round: u32,
    /// The submission's shape.
    pub schema: Schema,
    /// Values computed once per submission, in dependency order.
    pub globals: Vec<LetIr>,
    /// The tree of sections and criteria.
    pub nodes: Vec<NodeIr>,
    /// Formulas (`fn`), by index.
    pub functions: Vec<FunctionIr>,
    /// Checks that raise findings, in declaration order.
    pub checks: Vec<CheckIr>,
    /// Parameters, top-level lets and functions: where each is defined and
    /// what it uses (for `diff` to trace a changed result to its rule lines).
    pub definitions: Vec<Definition>,
    /// How many value slots an evaluation needs.
    pub slot_count: usize,
    /// How several reviewers' judgments are combined.
    pub reviews: ReviewPolicy,
    /// Every parameter's value, by name (sorted): the reports read the few
    /// they show by their documented names (`deadline`, `grades`).
    pub params: Vec<(String, crate::data::Value, Type)>,
    /// The parameters each rule statement's text names, found once for all
    /// the units of a run (`Report::params_read`).
    pub params_read: ParamsRead,
}

/// The parameters a rule statement's text names (`deadline`), as positions
/// in `RuleSet::params` with the span of each one's definition, by the
/// statement's span. Reports give them beside
/// every deduction and finding; scanning the statement's text again for
/// every unit would cost each unit's JSON several percent, so each
/// statement is scanned once per run and shared by the threads.
#[derive(Debug, Default)]
pub struct ParamsRead(std::sync::Mutex<std::collections::HashMap<Span, ParamsNamed>>);

/// The parameters one statement names: each one's position in
/// `RuleSet::params` and the span of its definition.
pub type ParamsNamed = std::sync::Arc<[(u32, Option<Span>)]>;

impl ParamsRead {
    /// The parameters named in `span`'s text, scanned by `scan` the first
    /// time. A lock another thread poisoned only costs the scan again.
    pub fn get_or_scan(
        &self,
        span: Span,
        scan: impl FnOnce() -> Vec<(u32, Option<Span>)>,
    ) -> ParamsNamed {
        if let Ok(known) = self.0.lock()
            && let Some(found) = known.get(&span)
        {
            return std::sync::Arc::clone(found);
        }
        let found: ParamsNamed = scan().into();
        if let Ok(mut known) = self.0.lock() {
            known.insert(span, std::sync::Arc::clone(&found));
        }
        found
    }
}

impl RuleSet {
    /// A parameter's value.
    pub fn param(&self, name: &str) -> Option<&crate::data::Value> {
        self.param_typed(name).map(|(v, _)| v)
    }

    /// A parameter's value and type.
    pub fn param_typed(&self, name: &str) -> Option<(&crate::data::Value, &Type)> {
        self.params
            .binary_search_by(|(n, _, _)| n.as_str().cmp(name))
            .ok()
            .and_then(|i| self.params.get(i))
            .map(|(_, v, t)| (v, t))
    }
}

/// `reviews { … }` of the sheet header: how the judgments of several
/// reviewers on one criterion become its score.
#[derive(Clone, Debug, Default)]
pub struct ReviewPolicy {
    /// How scores are combined (one reviewer: that score).
    pub combine: Combine,
    /// Where the rules say it (`combine mean`); none when they do not
    /// (the mean by default). A combined score's deduction points there.
    pub combine_at: Option<Span>,
    /// Scores further apart than this raise `reviewers_disagree`, a
    /// warning; with the span of the number, for the finding's rule line.
    pub disagree_above: Option<(Decimal, Span)>,
    /// A judged score below the criterion's max needs a note; the span of
    /// the setting.
    pub note_below_max: Option<Span>,
}

/// `combine mean | median | lowest | highest`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Combine {
    /// The mean, rounded as the sheet rounds.
    #[default]
    Mean,
    /// The median (the mean of the middle two for an even count).
    Median,
    /// The lowest score.
    Lowest,
    /// The highest score.
    Highest,
}

impl Combine {
    /// As written in the rules.
    pub fn keyword(self) -> &'static str {
        match self {
            Combine::Mean => "mean",
            Combine::Median => "median",
            Combine::Lowest => "lowest",
            Combine::Highest => "highest",
        }
    }

    /// In words, for reports.
    pub fn words(self) -> &'static str {
        match self {
            Combine::Mean => "取平均分",
            Combine::Median => "取中位数",
            Combine::Lowest => "取最低分",
            Combine::Highest => "取最高分",
        }
    }
}

/// A named definition of the rules folder.
#[derive(Debug)]
pub struct Definition {
    /// Its name.
    pub name: String,
    /// The whole definition.
    pub extent: Span,
    /// Names it uses.
    pub uses: Vec<String>,
}

/// `let name = expr`, compiled.
#[derive(Debug)]
pub struct LetIr {
    /// Its name.
    pub name: String,
    /// Its slot.
    pub slot: u32,
    /// Its definition.
    pub expr: Expr,
    /// Does it keep the submission places it read? Always, but for a
    /// check's named value whose places nothing shows (`check::places`).
    pub keeps_places: bool,
}

/// `fn name(a, b) = expr`, compiled: arguments go into `params` slots.
#[derive(Debug)]
pub struct FunctionIr {
    /// Its name.
    pub name: String,
    /// Slots of its parameters, in order.
    pub params: Vec<u32>,
    /// Its body.
    pub body: Expr,
    /// Worth remembering its answers within one evaluation: the body loops,
    /// scans text or calls another function (`written(r.name)` is asked by
    /// several criteria and checks of the same cell).
    pub remembered: bool,
    /// Its body lowered to typed code, when every step of it can be (a
    /// function over scalars and the parameters, as the cell tests are).
    pub typed: Option<typed::TypedFn>,
    /// May a call fail (a number's arithmetic, a `sum`, `round` or
    /// `extract` given what they refuse; `eval::fallible`)?
    pub may_fail: bool,
}

/// Finding severities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something wrong in the tables.
    Error,
    /// Something to look at.
    Warning,
    /// For information.
    Info,
}

impl Severity {
    /// As written and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// `check id { … }`, compiled.
#[derive(Debug)]
pub struct CheckIr {
    /// The finding id.
    pub id: String,
    /// What it is for.
    pub says: Option<String>,
    /// The check's header.
    pub span: Span,
    /// The whole check.
    pub extent: Span,
    /// Parameters, top-level lets and functions it uses.
    pub uses: Vec<String>,
    /// Steps in order; steps after a `For` run once per item.
    pub steps: Vec<CheckStepIr>,
}

/// A compiled check step.
#[derive(Debug)]
pub enum CheckStepIr {
    /// Run `body` (or, without one, the rest of the check) once per item,
    /// with the item in `slot`.
    For {
        /// Loop variable.
        slot: u32,
        /// The list.
        list: Expr,
        /// The braced body.
        body: Option<Vec<CheckStepIr>>,
    },
    /// Bind a named value.
    Let(LetIr),
    /// Raise a finding when the condition holds.
    Raise(RaiseIr),
}

/// `raise severity when c because "…" at e, …`
#[derive(Debug)]
pub struct RaiseIr {
    /// Severity.
    pub severity: Severity,
    /// Condition.
    pub when: Expr,
    /// Message.
    pub because: Template,
    /// Places concerned.
    pub at: Vec<Expr>,
    /// Checks whose findings about the same table or row are the same
    /// matter (`related to …`).
    pub related: Vec<String>,
    /// The statement.
    pub span: Span,
    /// Slots the statement names.
    pub values: Vec<(String, u32)>,
}

/// A section or criterion.
#[derive(Debug)]
pub struct NodeIr {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Points.
    pub max: Decimal,
    /// The sheet's words.
    pub says: Option<String>,
    /// Checks whose findings bear on it (`related to …`): reports show
    /// them with its first lost point, or while it awaits a judgment
    /// beside its hints (and in the review worksheet).
    pub related: Vec<String>,
    /// The header's span.
    pub span: Span,
    /// The whole node.
    pub extent: Span,
    /// Parameters, top-level lets and functions it uses.
    pub uses: Vec<String>,
    /// Children or scoring.
    pub kind: NodeIrKind,
}

/// A section or criterion of the tree by its id.
pub fn find_node<'a>(nodes: &'a [NodeIr], id: &str) -> Option<&'a NodeIr> {
    nodes.iter().find_map(|n| {
        if n.id == id {
            return Some(n);
        }
        match &n.kind {
            NodeIrKind::Section(children) => find_node(children, id),
            NodeIrKind::Criterion(_) => None,
        }
    })
}

/// What a node holds.
#[derive(Debug)]
pub enum NodeIrKind {
    /// Sum of children.
    Section(Vec<NodeIr>),
    /// Scored.
    Criterion(Box<CriterionIr>),
}

/// How a criterion is scored.
#[derive(Debug)]
pub struct CriterionIr {
    /// Automatic, judged or mixed.
    pub class: Class,
    /// The plan.
    pub plan: Plan,
}

/// Whether a reviewer's judgment is part of a criterion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Computed by the rules only.
    Auto,
    /// Judged by a reviewer (automatic zeros aside).
    Judged,
    /// Automatic in some cases, judged in others.
    Mixed,
}

/// The statements of a body, sorted by role.
#[derive(Debug)]
pub struct Plan {
    /// Named values, in order.
    pub lets: Vec<LetIr>,
    /// Hints for the reviewer.
    pub hints: Vec<HintIr>,
    /// Automatic zeros.
    pub zeros: Vec<ZeroIr>,
    /// `full because "…"`: why nothing was lost, when nothing was.
    pub full: Option<FullIr>,
    /// The scoring method.
    pub method: Method,
}

/// `full because "…"`
#[derive(Debug)]
pub struct FullIr {
    /// The explanation, with holes.
    pub because: Template,
    /// The statement.
    pub span: Span,
}

/// The scoring method of a plan.
#[derive(Debug)]
pub enum Method {
    /// max − Σ deductions, at least 0.
    Deduct(Vec<DeductIr>),
    /// A computed score.
    Award(AwardIr),
    /// A reviewer's judgment.
    Judge(JudgeIr),
    /// The first case whose condition holds, else `otherwise`.
    Cases(Vec<(Expr, Plan)>, Box<Plan>),
}

/// `hint "label" expr` or `show "label" expr`
#[derive(Debug)]
pub struct HintIr {
    /// Label.
    pub label: String,
    /// `show`: a long text for the reviewer's material sheet.
    pub long: bool,
    /// Value.
    pub expr: Expr,
    /// Statement span.
    pub span: Span,
}

/// `zero when c because "…"`
#[derive(Debug)]
pub struct ZeroIr {
    /// Condition.
    pub when: Expr,
    /// Message.
    pub because: Template,
    /// Statement span.
    pub span: Span,
    /// Slots the statement names.
    pub values: Vec<(String, u32)>,
}

/// `deduct N per e when c cap M because "…"`
#[derive(Debug)]
pub struct DeductIr {
    /// Points per item.
    pub points: Decimal,
    /// Item count.
    pub per: Option<Expr>,
    /// Condition.
    pub when: Option<Expr>,
    /// Cap.
    pub cap: Option<Decimal>,
    /// Message.
    pub because: Template,
    /// Statement span.
    pub span: Span,
    /// Slots the statement names.
    pub values: Vec<(String, u32)>,
    /// `at e, …`: the places the lost points concern.
    pub at: Vec<Expr>,
}

/// `award e because "…"`
#[derive(Debug)]
pub struct AwardIr {
    /// Score.
    pub value: Expr,
    /// Message when below max.
    pub because: Template,
    /// Statement span.
    pub span: Span,
    /// Slots the statement names.
    pub values: Vec<(String, u32)>,
    /// `at e, …`: the places the lost points concern.
    pub at: Vec<Expr>,
}

/// `judge …`
#[derive(Debug)]
pub struct JudgeIr {
    /// Tiers (one unnamed for a plain band).
    pub tiers: Vec<TierIr>,
    /// Statement span.
    pub span: Span,
}

/// One tier.
#[derive(Debug)]
pub struct TierIr {
    /// Name; empty for a plain band.
    pub name: String,
    /// Lowest score.
    pub low: Decimal,
    /// Highest score.
    pub high: Decimal,
    /// Needs a note, may overlap.
    pub free: bool,
    /// Where.
    pub span: Span,
}

/// A message with holes.
#[derive(Debug, Default)]
pub struct Template {
    /// Pieces in order.
    pub pieces: Vec<Piece>,
}

/// A piece of a message.
#[derive(Debug)]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// A computed value.
    Value(Expr),
}

/// A compiled expression.
#[derive(Debug)]
pub struct Expr {
    /// What it does.
    pub kind: ExprIr,
    /// Where it is written.
    pub span: Span,
}

impl Expr {
    /// Does evaluating it loop over a list, scan a text or call a rule
    /// function? Those cost more than looking their answer up.
    pub fn costly(&self) -> bool {
        match &self.kind {
            ExprIr::Const(_) | ExprIr::Slot(_) | ExprIr::Root => false,
            ExprIr::Field(t, _) | ExprIr::Not(t) | ExprIr::Neg(t) => t.costly(),
            ExprIr::Index(a, b) | ExprIr::Binary(_, a, b) => a.costly() || b.costly(),
            ExprIr::If(a, b, c) => a.costly() || b.costly() || c.costly(),
            ExprIr::Call(builtin, args) => builtin.scans() || args.iter().any(Expr::costly),
            ExprIr::List(args) | ExprIr::Record(args) => args.iter().any(Expr::costly),
            ExprIr::CallFunction(..) | ExprIr::Aggregate { .. } => true,
        }
    }
}

/// Compiled expression forms.
#[derive(Debug)]
pub enum ExprIr {
    /// A constant (literals and parameters).
    Const(Value),
    /// A let or loop variable.
    Slot(u32),
    /// The submission's root record.
    Root,
    /// Field by index.
    Field(Box<Expr>, usize),
    /// `m[k]` on a map or `xs[i]` on a list.
    Index(Box<Expr>, Box<Expr>),
    /// `not`
    Not(Box<Expr>),
    /// unary `-`
    Neg(Box<Expr>),
    /// Binary operator.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `if`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Built-in function.
    Call(Builtin, Vec<Expr>),
    /// A rule file's `fn`, by index.
    CallFunction(usize, Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// A record literal, fields in its type's order.
    Record(Vec<Expr>),
    /// Aggregate over a list.
    Aggregate {
        /// Which.
        kind: AggKind,
        /// Loop variable's slot.
        slot: u32,
        /// The list.
        list: Box<Expr>,
        /// Filter.
        filter: Option<Box<Expr>>,
        /// Aggregated expression.
        body: Option<Box<Expr>>,
    },
}

/// Built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `days_between(from, to)`: `to − from` in days.
    DaysBetween,
    /// `contains(text, part)` or `contains(list, item)`.
    Contains,
    /// `contains_any(text, [parts])`.
    ContainsAny,
    /// `starts_with(text, prefix)`.
    StartsWith,
    /// `trim(text)`.
    Trim,
    /// `split(text, [separators])`: trimmed, non-empty pieces.
    Split,
    /// `len(list or text)`.
    Len,
    /// `join(list, separator)`.
    Join,
    /// `present(x)`: not blank.
    Present,
    /// `default(x, y)`: x unless blank.
    Default,
    /// `collect(a, b, …)`: records and lists into one list, blanks skipped.
    Collect,
    /// `distinct(list)`.
    Distinct,
    /// `min(a, b, …)`.
    Min,
    /// `max(a, b, …)`.
    Max,
    /// `round(x, n)`, half away from zero.
    Round,
    /// `abs(x)`.
    Abs,
    /// `text(x)`: as displayed.
    Text,
    /// `quantity(text)`: comparator, number and unit of a cell that is one
    /// quantity, else blank.
    Quantity,
    /// `extract(text, "…{}…")`: the number where `{}` stands, else blank.
    Extract,
    /// `keys(map)`: a table's keys in the file's order.
    Keys,
}

impl Builtin {
    /// Does it walk a text or a list (rather than look at one value)?
    pub fn scans(self) -> bool {
        matches!(
            self,
            Builtin::Contains
                | Builtin::ContainsAny
                | Builtin::Split
                | Builtin::Join
                | Builtin::Collect
                | Builtin::Distinct
                | Builtin::Quantity
                | Builtin::Extract
        )
    }

    /// All built-ins with their names.
    pub const ALL: [(&'static str, Builtin); 20] = [
        ("quantity", Builtin::Quantity),
        ("extract", Builtin::Extract),
        ("keys", Builtin::Keys),
        ("days_between", Builtin::DaysBetween),
        ("contains", Builtin::Contains),
        ("contains_any", Builtin::ContainsAny),
        ("starts_with", Builtin::StartsWith),
        ("trim", Builtin::Trim),
        ("split", Builtin::Split),
        ("len", Builtin::Len),
        ("join", Builtin::Join),
        ("present", Builtin::Present),
        ("default", Builtin::Default),
        ("collect", Builtin::Collect),
        ("distinct", Builtin::Distinct),
        ("min", Builtin::Min),
        ("max", Builtin::Max),
        ("round", Builtin::Round),
        ("abs", Builtin::Abs),
        ("text", Builtin::Text),
    ];
}
