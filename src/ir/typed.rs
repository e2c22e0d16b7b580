//! Rule functions over scalars, lowered to typed code (`check::lower`
//! makes it, `eval::typed` runs it).
//!
//! `written(cell)` and the other cell tests of a year's rules are asked of
//! every cell of every table. Interpreted, a call walks its body and the
//! bodies of the functions it calls, and makes and drops a value at every
//! step. Their bodies read only their arguments and the parameters, which
//! are known when the rules are compiled; so they are lowered once:
//! functions called are put inline, loops over a parameter's list unrolled
//! (`any(… for l in cell_labels)`), what depends only on parameters
//! computed (`l + "{}"` is the pattern "指标{}", read once), and the same
//! sub-expression written twice (`trim(cell)`, `split(cell, label_colons)`)
//! computed once per call. Texts are read where they are, not copied.
//!
//! What a lowered function answers is what its body answers interpreted
//! (`lowered_functions_answer_as_interpreted`): where the typed code cannot
//! answer the same way (an error to report with its places, an argument of
//! another kind), the interpreter is asked instead.

use crate::base::BinOp;
use crate::data::Value;
use crate::ir::Builtin;

/// A node's position in `TypedFn::nodes`; a node's operands come before it.
pub type Ref = u16;

/// A lowered function.
#[derive(Debug, Default)]
pub struct TypedFn {
    /// The nodes, operands first.
    pub nodes: Vec<Node>,
    /// The node whose value the function answers.
    pub root: Ref,
    /// For each node read by more than one other: where its value is kept
    /// during a call.
    pub kept: Vec<Option<u16>>,
    /// How many values a call keeps.
    pub kept_count: u16,
    /// Constants: scalars and lists of scalars.
    pub consts: Vec<Value>,
    /// `extract` patterns known when the rules are compiled: the normalised
    /// text before and after `{}`.
    pub patterns: Vec<(String, String)>,
    /// `split` separators known when the rules are compiled.
    pub separators: Vec<Separators>,
}

/// A step of typed code. Each operates on the values of its operands with
/// the meaning the interpreter gives the expression it was lowered from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// The function's argument.
    Arg(u8),
    /// `TypedFn::consts[i]`.
    Const(u16),
    /// `not`
    Not(Ref),
    /// `and`, its right side read only when the left is true.
    And(Ref, Ref),
    /// `or`, its right side read only when the left is false.
    Or(Ref, Ref),
    /// A comparison or arithmetic.
    Binary(BinOp, Ref, Ref),
    /// Unary `-`.
    Neg(Ref),
    /// `if c then a else b`
    If(Ref, Ref, Ref),
    /// `xs[i]`
    Index(Ref, Ref),
    /// A built-in function on its arguments.
    Call(Builtin, Vec<Ref>),
    /// `extract(text, pattern)` with `TypedFn::patterns[i]`.
    Extract(Ref, u16),
    /// `split(text, separators)` with `TypedFn::separators[i]`.
    Split(Ref, u16),
}

/// A `split`'s separators as the cutter reads them.
#[derive(Debug)]
pub struct Separators {
    /// Not empty, shortest first (where two match, the shorter cuts).
    pub texts: Vec<Box<[u8]>>,
    /// The bytes they start with.
    pub starts: [bool; 256],
}

impl TypedFn {
    /// Where node `r`'s value is kept during a call, if it is.
    pub fn kept_slot(&self, r: Ref) -> Option<usize> {
        self.kept
            .get(usize::from(r))
            .copied()
            .flatten()
            .map(usize::from)
    }
}
