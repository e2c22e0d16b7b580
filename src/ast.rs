//! What the rule author wrote: items, statements and expressions, each with
//! its span. Nothing here is resolved; names are plain strings.

pub use crate::base::{AggKind, BinOp};
use crate::source::Span;
use rust_decimal::Decimal;

/// A name as written, with its place.
#[derive(Clone, Debug)]
pub struct Name {
    /// The name.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// One rule file.
#[derive(Clone, Debug, Default)]
pub struct File {
    /// Its items in order.
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Clone, Debug)]
pub enum Item {
    /// `sheet "title" { … }`
    Sheet(SheetDecl),
    /// `param name = expr`: a constant of the year.
    Param(Binding),
    /// `let name = expr`: a value computed once per submission.
    Let(Binding),
    /// `section …` or `criterion …` at the top of the tree.
    Node(Node),
    /// `fn name(a: T, …) = expr`
    Function(FunctionDecl),
    /// `check id { … }`
    Check(CheckDecl),
    /// `record name { … }`
    Record(RecordDecl),
    /// `root { … }`
    Root(RecordDecl),
}

/// The sheet header.
#[derive(Clone, Debug)]
pub struct SheetDecl {
    /// The sheet's title, shown in reports.
    pub title: String,
    /// `year`, `total`, `round` with their values.
    pub settings: Vec<(Name, Decimal)>,
    /// `reviews { … }`, each one written.
    pub reviews: Vec<ReviewsDecl>,
    /// The whole header.
    pub span: Span,
}

/// `reviews { combine mean  disagree above 3  require note below max }`.
#[derive(Clone, Debug)]
pub struct ReviewsDecl {
    /// `combine <method>`, with the method's span.
    pub combine: Vec<(String, Span)>,
    /// `disagree above N`, with the number's span.
    pub disagree: Vec<(Decimal, Span)>,
    /// `require note below max`, each one written.
    pub require_note: Vec<Span>,
    /// The whole block.
    pub span: Span,
}

/// `name = expr`.
#[derive(Clone, Debug)]
pub struct Binding {
    /// The bound name.
    pub name: Name,
    /// Its definition.
    pub value: Expr,
}

/// `fn name(a: T, …) = expr`: a formula.
#[derive(Clone, Debug)]
pub struct FunctionDecl {
    /// Its name.
    pub name: Name,
    /// Parameters with their types.
    pub params: Vec<(Name, TypeExpr)>,
    /// Its definition.
    pub body: Expr,
    /// The whole item.
    pub extent: Span,
}

/// `check id { … }`: raises findings about the submission.
#[derive(Clone, Debug)]
pub struct CheckDecl {
    /// The finding id.
    pub id: Name,
    /// What the check is for, in the bureau's words.
    pub says: Option<String>,
    /// Loops, named values and raises, in order.
    pub steps: Vec<CheckStep>,
    /// The whole item.
    pub extent: Span,
}

/// A step of a check; steps after a `for` run once per item.
#[derive(Clone, Debug)]
pub enum CheckStep {
    /// `for x in xs` (the rest of the check per item) or
    /// `for x in xs { … }` (the steps inside per item).
    For {
        /// Loop variable.
        var: Name,
        /// The list.
        list: Expr,
        /// The braced body, if any.
        body: Option<Vec<CheckStep>>,
    },
    /// `let name = expr`
    Let(Binding),
    /// `raise severity when c because "…" at e, …`
    Raise(Raise),
}

/// `raise severity when c because "…" at e, …`
#[derive(Clone, Debug)]
pub struct Raise {
    /// `error`, `warning` or `info`.
    pub severity: Name,
    /// Condition.
    pub when: Expr,
    /// Message.
    pub because: Message,
    /// The submission places concerned.
    pub at: Vec<Expr>,
    /// `related to a, b`: checks whose findings about the same table or row
    /// are the same matter.
    pub related: Vec<Name>,
    /// The statement.
    pub span: Span,
}

/// A section or a criterion.
#[derive(Clone, Debug)]
pub struct Node {
    /// The id used by reviews and output.
    pub id: Name,
    /// The sheet's title.
    pub title: String,
    /// The points written after `max`.
    pub max: Decimal,
    /// Where `max N` is.
    pub max_span: Span,
    /// The sheet's own words.
    pub says: Option<String>,
    /// `related to a, b` (criteria): checks whose findings bear on it.
    pub related: Vec<Name>,
    /// Children (sections) or the scoring body (criteria).
    pub kind: NodeKind,
    /// The header line `criterion id "title" max N`.
    pub span: Span,
    /// The whole item, header to closing brace.
    pub extent: Span,
}

/// What a node holds.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A section: the sum of its children.
    Section(Vec<Node>),
    /// A criterion: how it is scored.
    Criterion(Body),
}

/// The statements of a criterion or of a case.
#[derive(Clone, Debug, Default)]
pub struct Body {
    /// In order.
    pub statements: Vec<Statement>,
    /// The whole body.
    pub span: Span,
}

/// One scoring statement.
#[derive(Clone, Debug)]
pub enum Statement {
    /// `let name = expr`
    Let(Binding),
    /// `hint "label" expr`, or `show "label" expr` (`long`: a text the
    /// reviewer reads in full, on the review worksheet's material sheet).
    Hint {
        label: String,
        value: Expr,
        span: Span,
        long: bool,
    },
    /// `full because "…"`: why nothing was lost, when nothing was.
    Full { because: Message, span: Span },
    /// `zero when cond because "…"`
    Zero {
        when: Expr,
        because: Message,
        span: Span,
    },
    /// `deduct N [per e] [when c] [cap N] because "…"`
    Deduct(Deduct),
    /// `award expr because "…"`
    Award {
        value: Expr,
        because: Message,
        span: Span,
        /// `at e, …`: the places the lost points concern.
        at: Vec<Expr>,
    },
    /// `judge 0 to 5` or `judge { tier … }`
    Judge(Judge),
    /// `when c { … } … otherwise { … }`
    Cases {
        cases: Vec<(Expr, Body)>,
        otherwise: Body,
        span: Span,
    },
}

/// A deduction statement.
#[derive(Clone, Debug)]
pub struct Deduct {
    /// Points per item (or in all, without `per`).
    pub points: Decimal,
    /// How many items.
    pub per: Option<Expr>,
    /// Applies only when this holds.
    pub when: Option<Expr>,
    /// At most this many points.
    pub cap: Option<(Decimal, Span)>,
    /// The explanation.
    pub because: Message,
    /// `at e, …`: the places the lost points concern.
    pub at: Vec<Expr>,
    /// The whole statement.
    pub span: Span,
}

/// A message template: text with `{name}` holes.
#[derive(Clone, Debug)]
pub struct Message {
    /// The template as written (escapes resolved, holes kept).
    pub template: String,
    /// Where the string literal is.
    pub span: Span,
}

/// A judgment the reviewer makes.
#[derive(Clone, Debug)]
pub struct Judge {
    /// One band (no tiers) or the tiers.
    pub tiers: Vec<Tier>,
    /// The statement.
    pub span: Span,
}

/// A tier of a judged criterion; a plain `judge a to b` is one unnamed tier.
#[derive(Clone, Debug)]
pub struct Tier {
    /// The tier's name ("较全面"); empty for a plain band.
    pub name: String,
    /// Lowest score.
    pub low: Decimal,
    /// Highest score.
    pub high: Decimal,
    /// A free tier overlaps the others and needs a note.
    pub free: bool,
    /// Where it is written.
    pub span: Span,
}

/// `record name { field: type … }` (the root has the name `root`).
#[derive(Clone, Debug)]
pub struct RecordDecl {
    /// Its name.
    pub name: Name,
    /// Its fields.
    pub fields: Vec<FieldDecl>,
}

/// One field of a record.
#[derive(Clone, Debug)]
pub struct FieldDecl {
    /// The key in the submission.
    pub name: Name,
    /// Its type.
    pub ty: TypeExpr,
    /// `?`: the key may be absent.
    pub optional: bool,
    /// `in ["a", "b"]`: the allowed texts.
    pub one_of: Option<Vec<String>>,
    /// Its name in the forms (`"全年执行数"`), or a row's name with `{field}`
    /// holes for a list of records (`"{level1} / {level2} / {name}"`).
    pub label: Option<(String, Span)>,
    /// For a list of records, the whole table's name in the forms
    /// (`indicators: [indicator]? "绩效指标" "{level1} / …"`).
    pub table: Option<(String, Span)>,
}

/// A type as written in a record.
#[derive(Clone, Debug)]
pub enum TypeExpr {
    /// `text`, `integer`, `decimal`, `bool`, `date` or a record name.
    Named(Name),
    /// `[T]`
    List(Box<TypeExpr>, Span),
    /// `{T}`: a table with free keys.
    Map(Box<TypeExpr>, Span),
}

/// An expression with its span.
#[derive(Clone, Debug)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// Expression forms.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A number literal.
    Number(Decimal),
    /// A string literal.
    Text(String),
    /// A date literal.
    Date(crate::base::Date),
    /// `true` / `false`.
    Bool(bool),
    /// A name: a param, a let, a loop variable or a top-level field.
    Name(String),
    /// `e.field`
    Field(Box<Expr>, Name),
    /// `e[i]`
    Index(Box<Expr>, Box<Expr>),
    /// `not e`
    Not(Box<Expr>),
    /// `-e`
    Neg(Box<Expr>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Name, Vec<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{ key: e, … }`
    Record(Vec<(Name, Expr)>),
    /// An aggregate with its loop variable.
    Aggregate {
        /// Which aggregate.
        kind: AggKind,
        /// The loop variable.
        var: Name,
        /// The list iterated.
        list: Box<Expr>,
        /// `where` filter.
        filter: Option<Box<Expr>>,
        /// The expression aggregated (absent for count).
        body: Option<Box<Expr>>,
    },
}
