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
//! computed once per call. Texts are read where they are, not copied. The
//! nodes are then laid out as a `Program`, run as one loop over a stack of
//! values rather than a call per node.
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
    /// The program a call runs (`compile`).
    pub program: Program,
}

/// A lowered function laid out as a program over a stack of values: the
/// nodes in the order they are evaluated, each pushing its value; `and`,
/// `or` and `if` as jumps; a kept node as a subroutine run on its first
/// read. A step is one turn of a loop, not a call per node.
#[derive(Debug, Default)]
pub struct Program {
    /// The instructions; the root's value is on top at `Op::End`.
    pub ops: Vec<Op>,
    /// No more values are ever on the stack at once.
    pub max_stack: usize,
}

/// An instruction of a `Program`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Push the function's argument.
    Arg(u8),
    /// Push `TypedFn::consts[i]`.
    Const(u16),
    /// The top value becomes its truth: `true` for `true`, else `false`.
    Truth,
    /// The top truth negated.
    Not,
    /// Unary `-` of the top value.
    Neg,
    /// Pop `y`, pop `x`, push `x op y`.
    Binary(BinOp),
    /// Pop the index, pop the list, push the item.
    Index,
    /// `extract` of the top value with `TypedFn::patterns[i]`.
    Extract(u16),
    /// `split` of the top value with `TypedFn::separators[i]`.
    Split(u16),
    /// Pop the arguments (the first pushed first), push the answer.
    Call(Builtin, u8),
    /// `and`: when the top truth is false, jump, keeping it.
    JumpIfFalse(u16),
    /// `or`: when the top truth is true, jump, keeping it.
    JumpIfTrue(u16),
    /// `if`: pop the condition; jump unless it is `true`.
    PopJumpIfFalse(u16),
    /// Jump.
    Jump(u16),
    /// Drop the top value.
    Pop,
    /// Push kept value `slot`, running the subroutine at `start` first
    /// when it is not kept yet.
    Kept(u16, u16),
    /// Keep the top value in `slot` and return after the `Kept` that ran
    /// this subroutine.
    Return(u16),
    /// The answer is on top.
    End,
}

/// Lay node `root` out as a program; with `keeping`, a node read by more
/// than one other (`TypedFn::kept`) is computed once, else every read
/// computes it (constant folding, where the operands are constants).
/// Nothing when the program would not fit its 16-bit jumps (the
/// function is then interpreted).
pub fn compile(code: &TypedFn, root: Ref, keeping: bool) -> Option<Program> {
    let mut emit = Emit {
        code,
        keeping,
        ops: Vec::new(),
        calls: Vec::new(),
        starts: std::collections::HashMap::new(),
        truth: false,
    };
    emit.node(root)?;
    emit.op(Op::End)?;
    // Each kept node's subroutine once, after the main program; a
    // subroutine's own kept operands are queued as it is laid out.
    while let Some((at, r, slot)) = emit.calls.pop() {
        let start = match emit.starts.get(&r) {
            Some(start) => *start,
            None => {
                let start = u16::try_from(emit.ops.len()).ok()?;
                emit.starts.insert(r, start);
                emit.inline(r)?;
                emit.op(Op::Return(slot))?;
                start
            }
        };
        if let Some(op) = emit.ops.get_mut(at) {
            *op = Op::Kept(slot, start);
        }
    }
    let max_stack = most_on_stack(&emit.ops, 0, &mut std::collections::HashMap::new())?;
    Some(Program {
        ops: emit.ops,
        max_stack,
    })
}

/// The most values the code from `start` to its end (or its subroutine's
/// return) holds on the stack at once, a subroutine's own counted where it
/// is entered. The code is read straight through: `and` and `or` leave
/// one value whichever way they go, and `if` drops its first branch's
/// value where the second begins.
fn most_on_stack(
    ops: &[Op],
    start: usize,
    known: &mut std::collections::HashMap<usize, usize>,
) -> Option<usize> {
    if let Some(most) = known.get(&start) {
        return Some(*most);
    }
    let (mut depth, mut most) = (0usize, 0usize);
    for op in ops.get(start..)? {
        match op {
            Op::Arg(_) | Op::Const(_) => depth += 1,
            Op::Kept(_, sub) => {
                let inner = most_on_stack(ops, usize::from(*sub), known)?;
                most = most.max(depth + inner);
                depth += 1;
            }
            Op::Truth | Op::Not | Op::Neg | Op::Extract(_) | Op::Split(_) => {}
            Op::JumpIfFalse(_) | Op::JumpIfTrue(_) => {}
            Op::Binary(_) | Op::Index | Op::Pop | Op::PopJumpIfFalse(_) | Op::Jump(_) => {
                depth = depth.checked_sub(1)?;
            }
            Op::Call(_, n) => depth = (depth + 1).checked_sub(usize::from(*n))?,
            Op::Return(_) | Op::End => {
                known.insert(start, most);
                return Some(most);
            }
        }
        most = most.max(depth);
    }
    None
}

struct Emit<'a> {
    code: &'a TypedFn,
    keeping: bool,
    ops: Vec<Op>,
    /// `Kept` instructions whose subroutine is not laid out yet.
    calls: Vec<(usize, Ref, u16)>,
    /// Where each kept node's subroutine starts.
    starts: std::collections::HashMap<Ref, u16>,
    /// Is the value on top a truth already (no `Op::Truth` needed)?
    truth: bool,
}

impl Emit<'_> {
    fn op(&mut self, op: Op) -> Option<usize> {
        if self.ops.len() >= usize::from(u16::MAX) {
            return None;
        }
        self.ops.push(op);
        Some(self.ops.len() - 1)
    }

    /// Point the jump at `at` here.
    fn land(&mut self, at: usize) -> Option<()> {
        let here = u16::try_from(self.ops.len()).ok()?;
        match self.ops.get_mut(at)? {
            Op::JumpIfFalse(to) | Op::JumpIfTrue(to) | Op::PopJumpIfFalse(to) | Op::Jump(to) => {
                *to = here;
            }
            _ => return None,
        }
        Some(())
    }

    fn node(&mut self, r: Ref) -> Option<()> {
        match self.code.kept_slot(r).filter(|_| self.keeping) {
            Some(slot) => {
                let at = self.op(Op::Kept(u16::try_from(slot).ok()?, 0))?;
                self.calls.push((at, r, u16::try_from(slot).ok()?));
            }
            None => self.inline(r)?,
        }
        self.truth = self
            .code
            .nodes
            .get(usize::from(r))
            .is_some_and(Node::is_truth);
        Some(())
    }

    /// The top value as a truth, unless it is one.
    fn truth(&mut self) -> Option<()> {
        if !self.truth {
            self.op(Op::Truth)?;
        }
        Some(())
    }

    fn inline(&mut self, r: Ref) -> Option<()> {
        let node = self.code.nodes.get(usize::from(r))?;
        match node {
            Node::Arg(i) => self.op(Op::Arg(*i)).map(drop),
            Node::Const(i) => self.op(Op::Const(*i)).map(drop),
            Node::Not(a) => {
                self.node(*a)?;
                self.op(Op::Not).map(drop)
            }
            Node::And(a, b) | Node::Or(a, b) => {
                self.node(*a)?;
                self.truth()?;
                let jump = self.op(match node {
                    Node::And(..) => Op::JumpIfFalse(0),
                    _ => Op::JumpIfTrue(0),
                })?;
                self.op(Op::Pop)?;
                self.node(*b)?;
                self.truth()?;
                self.land(jump)
            }
            Node::Binary(op, a, b) => {
                self.node(*a)?;
                self.node(*b)?;
                self.op(Op::Binary(*op)).map(drop)
            }
            Node::Neg(a) => {
                self.node(*a)?;
                self.op(Op::Neg).map(drop)
            }
            Node::If(c, a, b) => {
                self.node(*c)?;
                let otherwise = self.op(Op::PopJumpIfFalse(0))?;
                self.node(*a)?;
                let end = self.op(Op::Jump(0))?;
                self.land(otherwise)?;
                self.node(*b)?;
                self.land(end)
            }
            Node::Index(list, i) => {
                self.node(*list)?;
                self.node(*i)?;
                self.op(Op::Index).map(drop)
            }
            Node::Call(builtin, args) => {
                for a in args {
                    self.node(*a)?;
                }
                self.op(Op::Call(*builtin, u8::try_from(args.len()).ok()?))
                    .map(drop)
            }
            Node::Extract(text, pattern) => {
                self.node(*text)?;
                self.op(Op::Extract(*pattern)).map(drop)
            }
            Node::Split(text, seps) => {
                self.node(*text)?;
                self.op(Op::Split(*seps)).map(drop)
            }
        }
    }
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

impl Node {
    /// Does the step always answer `true` or `false`?
    pub fn is_truth(&self) -> bool {
        matches!(
            self,
            Node::Not(_)
                | Node::And(..)
                | Node::Or(..)
                | Node::Binary(
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge,
                    ..
                )
                | Node::Call(
                    Builtin::Present
                        | Builtin::Contains
                        | Builtin::ContainsAny
                        | Builtin::StartsWith,
                    _
                )
        )
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn code(nodes: Vec<Node>, kept: Vec<Option<u16>>) -> TypedFn {
        let kept_count = u16::try_from(kept.iter().flatten().count()).unwrap();
        TypedFn {
            root: u16::try_from(nodes.len() - 1).unwrap(),
            nodes,
            kept,
            kept_count,
            consts: vec![Value::text("")],
            ..TypedFn::default()
        }
    }

    #[test]
    fn if_branches_share_the_stack() {
        // `if cell == "" then cell else ""`
        let f = code(
            vec![
                Node::Arg(0),
                Node::Const(0),
                Node::Binary(BinOp::Eq, 0, 1),
                Node::If(2, 0, 1),
            ],
            vec![None; 4],
        );
        let p = compile(&f, f.root, true).unwrap();
        assert_eq!(
            p.ops,
            vec![
                Op::Arg(0),
                Op::Const(0),
                Op::Binary(BinOp::Eq),
                Op::PopJumpIfFalse(6),
                Op::Arg(0),
                Op::Jump(7),
                Op::Const(0),
                Op::End,
            ]
        );
        assert_eq!(p.max_stack, 2);
    }

    #[test]
    fn a_kept_node_is_a_subroutine_and_a_truth_is_not_made_again() {
        // `trim(cell) == "" or present(trim(cell))`: `trim(cell)` kept.
        let f = code(
            vec![
                Node::Arg(0),
                Node::Call(Builtin::Trim, vec![0]),
                Node::Const(0),
                Node::Binary(BinOp::Eq, 1, 2),
                Node::Call(Builtin::Present, vec![1]),
                Node::Or(3, 4),
            ],
            vec![None, Some(0), None, None, None, None],
        );
        let p = compile(&f, f.root, true).unwrap();
        assert_eq!(
            p.ops,
            vec![
                Op::Kept(0, 8),
                Op::Const(0),
                Op::Binary(BinOp::Eq),
                Op::JumpIfTrue(7),
                Op::Pop,
                Op::Kept(0, 8),
                Op::Call(Builtin::Present, 1),
                Op::End,
                // `trim(cell)`, run by whichever `Kept` comes first.
                Op::Arg(0),
                Op::Call(Builtin::Trim, 1),
                Op::Return(0),
            ]
        );
        assert_eq!(p.max_stack, 2);
    }
}
