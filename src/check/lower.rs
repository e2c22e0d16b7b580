//! Lowering checked rule functions to typed code (`ir::typed`): calls put
//! inline, loops over constant lists unrolled, constant steps computed,
//! equal steps made once. A function with any step the typed code does not
//! have (a record's field, a loop over the submission's rows, a date) is
//! left to the interpreter whole.

use crate::base::{AggKind, BinOp};
use crate::data::Value;
use crate::ir::typed::{Node, Ref, Separators, TypedFn};
use crate::ir::{Builtin, Expr, ExprIr, FunctionIr};
use std::collections::HashMap;

/// Nodes a lowered function may have (`Ref` is 16 bits).
const MAX_NODES: usize = 4096;

/// Calls put inline within one another, at most.
const MAX_INLINE_DEPTH: usize = 8;

/// Items of a constant list a loop is unrolled over, at most.
const MAX_UNROLLED: usize = 64;

/// Expressions a function's lowering may visit, at most: calls put inline
/// within calls and loops unrolled within loops multiply, and a function
/// past this is interpreted as it is written.
const MAX_STEPS: usize = 100_000;

/// Lower every function that can be.
pub(super) fn lower_functions(functions: &mut [FunctionIr]) {
    let typed: Vec<Option<TypedFn>> = (0..functions.len())
        .map(|i| lower_function(functions, i))
        .collect();
    for (function, typed) in functions.iter_mut().zip(typed) {
        function.typed = typed;
    }
}

fn lower_function(functions: &[FunctionIr], index: usize) -> Option<TypedFn> {
    let function = functions.get(index)?;
    let mut lowerer = Lowerer {
        functions,
        code: TypedFn::default(),
        made: HashMap::new(),
        const_ids: HashMap::new(),
        pattern_ids: HashMap::new(),
        separator_ids: HashMap::new(),
        inlined: HashMap::new(),
        depth: 0,
        steps: 0,
    };
    let mut scope = Vec::with_capacity(function.params.len());
    for (i, slot) in function.params.iter().enumerate() {
        let arg = lowerer.make(Node::Arg(u8::try_from(i).ok()?))?;
        scope.push((*slot, arg));
    }
    let root = lowerer.lower(&function.body, &scope)?;
    let mut code = lowerer.code;
    code.root = root;
    keep_shared(&mut code);
    code.program = crate::ir::typed::compile(&code, root, true)?;
    Some(code)
}

struct Lowerer<'f> {
    functions: &'f [FunctionIr],
    code: TypedFn,
    /// Nodes made, to make an equal one once.
    made: HashMap<Node, Ref>,
    /// Constants by their debug text (values have no hash).
    const_ids: HashMap<String, u16>,
    pattern_ids: HashMap<String, u16>,
    separator_ids: HashMap<Vec<String>, u16>,
    /// Calls put inline, by function and argument nodes: the same call
    /// is the same node.
    inlined: HashMap<(usize, Vec<Ref>), Ref>,
    depth: usize,
    steps: usize,
}

/// What the slots in scope stand for: function parameters and unrolled
/// loop variables.
type Scope = [(u32, Ref)];

impl Lowerer<'_> {
    fn lower(&mut self, e: &Expr, scope: &Scope) -> Option<Ref> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return None;
        }
        match &e.kind {
            ExprIr::Const(v) => self.constant(v),
            ExprIr::Slot(slot) => scope.iter().rev().find(|(s, _)| s == slot).map(|(_, r)| *r),
            ExprIr::Not(a) => {
                let a = self.lower(a, scope)?;
                self.make(Node::Not(a))
            }
            ExprIr::Neg(a) => {
                let a = self.lower(a, scope)?;
                self.make(Node::Neg(a))
            }
            ExprIr::Binary(op, a, b) => {
                let a = self.lower(a, scope)?;
                let b = self.lower(b, scope)?;
                self.make(match op {
                    BinOp::And => Node::And(a, b),
                    BinOp::Or => Node::Or(a, b),
                    _ => Node::Binary(*op, a, b),
                })
            }
            ExprIr::If(c, a, b) => {
                let c = self.lower(c, scope)?;
                let a = self.lower(a, scope)?;
                let b = self.lower(b, scope)?;
                self.make(Node::If(c, a, b))
            }
            ExprIr::Index(list, i) => {
                let list = self.lower(list, scope)?;
                let i = self.lower(i, scope)?;
                self.make(Node::Index(list, i))
            }
            ExprIr::Call(builtin, args) => self.lower_call(*builtin, args, scope),
            ExprIr::CallFunction(index, args) => {
                let callee = self.functions.get(*index)?;
                if self.depth >= MAX_INLINE_DEPTH || args.len() != callee.params.len() {
                    return None;
                }
                let mut inner = Vec::with_capacity(args.len());
                for (slot, a) in callee.params.iter().zip(args) {
                    inner.push((*slot, self.lower(a, scope)?));
                }
                let key = (*index, inner.iter().map(|(_, r)| *r).collect());
                if let Some(r) = self.inlined.get(&key) {
                    return Some(*r);
                }
                self.depth += 1;
                let body = self.lower(&callee.body, &inner);
                self.depth -= 1;
                self.inlined.insert(key, body?);
                body
            }
            ExprIr::Aggregate {
                kind: kind @ (AggKind::Any | AggKind::All),
                slot,
                list,
                filter,
                body,
            } => self.unroll(
                *kind,
                *slot,
                list,
                filter.as_deref(),
                body.as_deref(),
                scope,
            ),
            _ => None,
        }
    }

    fn lower_call(&mut self, builtin: Builtin, args: &[Expr], scope: &Scope) -> Option<Ref> {
        let mut refs = Vec::with_capacity(args.len());
        for a in args {
            refs.push(self.lower(a, scope)?);
        }
        match (builtin, refs.as_slice()) {
            (Builtin::Extract, [text, pattern]) => {
                // A pattern without `{}` is the interpreter's error.
                let Value::Text(p) = self.const_value(*pattern)?.clone() else {
                    return None;
                };
                let parts = crate::eval::quantity::pattern_parts(&p)?;
                let id = match self.pattern_ids.get(&*p) {
                    Some(id) => *id,
                    None => {
                        let id = u16::try_from(self.code.patterns.len()).ok()?;
                        self.code.patterns.push(parts);
                        self.pattern_ids.insert(p.to_string(), id);
                        id
                    }
                };
                self.make(Node::Extract(*text, id))
            }
            (Builtin::Split, [text, seps]) => {
                let id = self.separators(*seps)?;
                self.make(Node::Split(*text, id))
            }
            (
                Builtin::Present
                | Builtin::Default
                | Builtin::Trim
                | Builtin::Len
                | Builtin::Contains
                | Builtin::ContainsAny
                | Builtin::StartsWith
                | Builtin::Text
                | Builtin::Join
                | Builtin::Round
                | Builtin::Abs
                | Builtin::Min
                | Builtin::Max,
                _,
            ) => self.make(Node::Call(builtin, refs)),
            _ => None,
        }
    }

    /// `split`'s separators, when they are a constant list: as the
    /// interpreter takes them, the non-empty texts, shortest first.
    fn separators(&mut self, seps: Ref) -> Option<u16> {
        let Value::List(items) = self.const_value(seps)? else {
            return None;
        };
        let mut texts: Vec<String> = items
            .iter()
            .filter_map(|s| match s {
                Value::Text(t) if !t.is_empty() => Some(t.to_string()),
                _ => None,
            })
            .collect();
        texts.sort_by_key(String::len);
        if let Some(id) = self.separator_ids.get(&texts) {
            return Some(*id);
        }
        let id = u16::try_from(self.code.separators.len()).ok()?;
        let bytes: Vec<Box<[u8]>> = texts.iter().map(|t| t.as_bytes().into()).collect();
        let starts = crate::eval::first_bytes(&bytes);
        self.code.separators.push(Separators {
            texts: bytes,
            starts,
        });
        self.separator_ids.insert(texts, id);
        Some(id)
    }

    /// `any` or `all` over a constant list: one step per item, the loop
    /// variable standing for the item.
    fn unroll(
        &mut self,
        kind: AggKind,
        slot: u32,
        list: &Expr,
        filter: Option<&Expr>,
        body: Option<&Expr>,
        scope: &Scope,
    ) -> Option<Ref> {
        let list = self.lower(list, scope)?;
        let items = match self.const_value(list)? {
            Value::List(items) if items.len() <= MAX_UNROLLED => items.clone(),
            // Anything else iterates as an empty list.
            Value::List(_) => return None,
            _ => std::sync::Arc::from([]),
        };
        let mut answer = self.constant(&Value::Bool(kind == AggKind::All))?;
        // From the last item back, so the first item is tested first.
        for item in items.iter().rev() {
            let item = self.constant(item)?;
            let mut inner = scope.to_vec();
            inner.push((slot, item));
            let test = match body {
                Some(b) => self.lower(b, &inner)?,
                // No body: a blank, which is false.
                None => self.constant(&Value::Absent)?,
            };
            let term = match (filter, kind) {
                (Some(f), AggKind::Any) => {
                    let f = self.lower(f, &inner)?;
                    self.make(Node::And(f, test))?
                }
                (Some(f), _) => {
                    let f = self.lower(f, &inner)?;
                    let skipped = self.make(Node::Not(f))?;
                    self.make(Node::Or(skipped, test))?
                }
                (None, _) => test,
            };
            answer = match kind {
                AggKind::Any => self.make(Node::Or(term, answer))?,
                _ => self.make(Node::And(term, answer))?,
            };
        }
        // `and` and `or` answer a truth, whatever their operands' values.
        Some(answer)
    }

    /// A constant node: scalars and lists of scalars only.
    fn constant(&mut self, v: &Value) -> Option<Ref> {
        let plain = |v: &Value| {
            matches!(
                v,
                Value::Absent | Value::Bool(_) | Value::Num(_) | Value::Text(_)
            )
        };
        let ok = match v {
            Value::List(items) => items.iter().all(plain),
            other => plain(other),
        };
        if !ok {
            return None;
        }
        let key = format!("{v:?}");
        let id = match self.const_ids.get(&key) {
            Some(id) => *id,
            None => {
                let id = u16::try_from(self.code.consts.len()).ok()?;
                self.code.consts.push(v.clone());
                self.const_ids.insert(key, id);
                id
            }
        };
        self.make(Node::Const(id))
    }

    /// `a or false`, `a and true` (an unrolled loop's last step), and
    /// the same with the constant first: `a` itself, when `a` answers a
    /// truth.
    fn neutral(&self, node: &Node) -> Option<Ref> {
        let (a, b, unit) = match node {
            Node::Or(a, b) => (*a, *b, false),
            Node::And(a, b) => (*a, *b, true),
            _ => return None,
        };
        let is_unit = |r: Ref| matches!(self.const_value(r), Some(Value::Bool(v)) if *v == unit);
        if is_unit(b) && self.truth(a) {
            Some(a)
        } else if is_unit(a) && self.truth(b) {
            Some(b)
        } else {
            None
        }
    }

    /// Does the node always answer `true` or `false`?
    fn truth(&self, r: Ref) -> bool {
        self.code
            .nodes
            .get(usize::from(r))
            .is_some_and(Node::is_truth)
    }

    /// The value of a constant node.
    fn const_value(&self, r: Ref) -> Option<&Value> {
        match self.code.nodes.get(usize::from(r))? {
            Node::Const(i) => self.code.consts.get(usize::from(*i)),
            _ => None,
        }
    }

    /// A node, made once; computed now when its operands are constants.
    fn make(&mut self, node: Node) -> Option<Ref> {
        if let Some(r) = self.neutral(&node) {
            return Some(r);
        }
        if let Some(r) = self.made.get(&node) {
            return Some(*r);
        }
        if self.code.nodes.len() >= MAX_NODES {
            return None;
        }
        let r = Ref::try_from(self.code.nodes.len()).ok()?;
        let foldable = !matches!(node, Node::Arg(_) | Node::Const(_))
            && operands(&node)
                .iter()
                .all(|o| self.const_value(*o).is_some());
        self.code.nodes.push(node.clone());
        if foldable {
            if let Some(value) = crate::eval::fold_typed(&self.code, r) {
                self.code.nodes.pop();
                return self.constant(&value);
            }
        }
        self.made.insert(node, r);
        Some(r)
    }
}

/// A node's operands.
fn operands(node: &Node) -> Vec<Ref> {
    match node {
        Node::Arg(_) | Node::Const(_) => Vec::new(),
        Node::Not(a) | Node::Neg(a) | Node::Extract(a, _) | Node::Split(a, _) => vec![*a],
        Node::And(a, b) | Node::Or(a, b) | Node::Binary(_, a, b) | Node::Index(a, b) => {
            vec![*a, *b]
        }
        Node::If(c, a, b) => vec![*c, *a, *b],
        Node::Call(_, args) => args.clone(),
    }
}

/// Mark the steps read by more than one other step reached from the
/// root: their value is kept during a call.
fn keep_shared(code: &mut TypedFn) {
    let n = code.nodes.len();
    let mut uses = vec![0u32; n];
    let mut reached = vec![false; n];
    let mut stack = vec![code.root];
    while let Some(r) = stack.pop() {
        let Some(seen) = reached.get_mut(usize::from(r)) else {
            continue;
        };
        if *seen {
            continue;
        }
        *seen = true;
        if let Some(node) = code.nodes.get(usize::from(r)) {
            for o in operands(node) {
                if let Some(u) = uses.get_mut(usize::from(o)) {
                    *u += 1;
                }
                stack.push(o);
            }
        }
    }
    let mut kept = vec![None; n];
    let mut count: u16 = 0;
    for (r, node) in code.nodes.iter().enumerate() {
        let shared = uses.get(r).is_some_and(|u| *u > 1);
        if shared && !matches!(node, Node::Arg(_) | Node::Const(_)) {
            if let Some(k) = kept.get_mut(r) {
                *k = Some(count);
            }
            count += 1;
        }
    }
    code.kept = kept;
    code.kept_count = count;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(kind: ExprIr) -> Expr {
        Expr {
            kind,
            span: Default::default(),
        }
    }

    fn function(name: &str, params: Vec<u32>, body: Expr) -> FunctionIr {
        FunctionIr {
            name: name.to_string(),
            params,
            body,
            remembered: true,
            typed: None,
            may_fail: true,
        }
    }

    /// `any(cell == l for l in [n texts])`
    fn any_of(n: usize) -> FunctionIr {
        let labels: Vec<Value> = (0..n).map(|i| Value::text(&format!("标签{i}"))).collect();
        let body = e(ExprIr::Aggregate {
            kind: AggKind::Any,
            slot: 1,
            list: Box::new(e(ExprIr::Const(Value::List(labels.into())))),
            filter: None,
            body: Some(Box::new(e(ExprIr::Binary(
                BinOp::Eq,
                Box::new(e(ExprIr::Slot(0))),
                Box::new(e(ExprIr::Slot(1))),
            )))),
        });
        function("any_of", vec![0], body)
    }

    #[test]
    fn loops_over_long_constant_lists_are_interpreted() {
        let mut functions = vec![any_of(MAX_UNROLLED), any_of(MAX_UNROLLED + 1)];
        lower_functions(&mut functions);
        assert!(functions[0].typed.is_some());
        assert!(functions[1].typed.is_none());
    }

    /// `f_i(x) = f_{i+1}(x) and f_{i+1}(x + "。")`, `f_last(x) = x == "是"`:
    /// every level doubles what is put inline.
    fn chain(levels: usize) -> Vec<FunctionIr> {
        let mut functions = Vec::new();
        for i in 0..levels {
            let call = |arg: Expr| e(ExprIr::CallFunction(i + 1, vec![arg]));
            let slot = u32::try_from(i).unwrap();
            let dotted = e(ExprIr::Binary(
                BinOp::Add,
                Box::new(e(ExprIr::Slot(slot))),
                Box::new(e(ExprIr::Const(Value::text("。")))),
            ));
            let body = e(ExprIr::Binary(
                BinOp::And,
                Box::new(call(e(ExprIr::Slot(slot)))),
                Box::new(call(dotted)),
            ));
            functions.push(function(&format!("f{i}"), vec![slot], body));
        }
        let last = u32::try_from(levels).unwrap();
        functions.push(function(
            "last",
            vec![last],
            e(ExprIr::Binary(
                BinOp::Eq,
                Box::new(e(ExprIr::Slot(last))),
                Box::new(e(ExprIr::Const(Value::text("是")))),
            )),
        ));
        functions
    }

    #[test]
    fn calls_put_inline_are_bounded() {
        let mut shallow = chain(MAX_INLINE_DEPTH - 1);
        lower_functions(&mut shallow);
        assert!(shallow[0].typed.is_some(), "within the depth");
        let mut deep = chain(MAX_INLINE_DEPTH + 1);
        let started = std::time::Instant::now();
        lower_functions(&mut deep);
        assert!(deep[0].typed.is_none(), "past the depth");
        // The innermost functions are still lowered.
        assert!(deep.last().unwrap().typed.is_some());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
