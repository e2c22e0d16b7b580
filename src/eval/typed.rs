//! Runs the programs of rule functions lowered to typed code (`ir::typed`):
//! one loop over the instructions and a stack of values. Values are
//! plain copies: a text is a slice of the argument, of a constant or of a
//! text made during the call (kept in the call's arena), so a step makes
//! no value that must be dropped and reads a kept one without a clone. A
//! piece of a cell, a trimmed cell or a label is a slice, not a new text.
//! Each step means what the interpreter (`eval::expr`, `eval::builtins`)
//! gives the expression it was lowered from; where it would report an
//! error (a division by zero with its places, an overflow, a pattern
//! without `{}`) the typed code gives up and the interpreter answers.

use super::builtins::{cut, has_text};
use super::quantity::extract_between;
use super::values::round;
use crate::base::BinOp;
use crate::data::Value;
use crate::ir::Builtin;
use crate::ir::typed::{Op, Program, Ref, TypedFn};
use bumpalo::Bump;
use rust_decimal::Decimal;
use std::sync::Arc;

/// A value of typed code.
#[derive(Clone, Copy, Debug)]
pub(crate) enum V<'s> {
    Blank,
    Bool(bool),
    Num(Decimal),
    Text(&'s str),
    /// `split`'s pieces.
    Pieces(&'s [&'s str]),
    /// A constant list.
    Consts(&'s [Value]),
}

/// The interpreter must answer.
#[derive(Debug)]
pub(crate) struct GiveUp;

type R<'s> = Result<V<'s>, GiveUp>;

/// The function's answer for its arguments, or nothing when the
/// interpreter must give it.
#[inline(never)]
pub(crate) fn call(code: &TypedFn, args: &[Value]) -> Option<Value> {
    let mut few: [V<'_>; 4] = [V::Blank; 4];
    let mut many = Vec::new();
    let values: &mut [V<'_>] = if args.len() <= few.len() {
        few.get_mut(..args.len())?
    } else {
        many.resize(args.len(), V::Blank);
        &mut many
    };
    for (v, a) in values.iter_mut().zip(args) {
        *v = match a {
            Value::Absent => V::Blank,
            Value::Bool(b) => V::Bool(*b),
            Value::Num(n) => V::Num(*n),
            Value::Text(t) => V::Text(t),
            _ => return None,
        };
    }
    // Texts made during the call; most calls make none, and a `Bump`
    // takes no memory until it is asked for some.
    let arena = Bump::new();
    let answer = run(code, &code.program, values, &arena).ok()?;
    Some(to_value(answer, args))
}

/// A node's value with no arguments (its operands are constants), for
/// folding when the rules are compiled: only scalars and lists of scalars.
pub(crate) fn fold(code: &TypedFn, r: Ref) -> Option<Value> {
    let program = crate::ir::typed::compile(code, r, false)?;
    let arena = Bump::new();
    let v = run(code, &program, &[], &arena).ok()?;
    Some(to_value(v, &[]))
}

/// An answer as the interpreter's value. A text that is a whole argument
/// is that argument, shared.
fn to_value(v: V<'_>, args: &[Value]) -> Value {
    match v {
        V::Blank => Value::Absent,
        V::Bool(b) => Value::Bool(b),
        V::Num(n) => Value::Num(n),
        V::Text(t) => text_value(t, args),
        V::Pieces(pieces) => Value::List(
            pieces
                .iter()
                .map(|p| text_value(p, args))
                .collect::<Vec<_>>()
                .into(),
        ),
        V::Consts(items) => Value::List(items.into()),
    }
}

fn text_value(t: &str, args: &[Value]) -> Value {
    for a in args {
        if let Value::Text(whole) = a {
            if std::ptr::eq(whole.as_ptr(), t.as_ptr()) && whole.len() == t.len() {
                return Value::Text(Arc::clone(whole));
            }
        }
    }
    Value::text(t)
}

/// Values kept, and subroutines entered, during a call without a heap
/// block (`written`, the cell test asked most, keeps nine).
const FEW_KEPT: usize = 12;

/// Values on the stack without a heap block.
const FEW_ON_STACK: usize = 16;

/// Run `program` (laid out from `code`) on the arguments: its answer, or
/// `GiveUp` where the interpreter must answer.
fn run<'s>(code: &'s TypedFn, program: &Program, args: &[V<'s>], arena: &'s Bump) -> R<'s> {
    let ops = program.ops.as_slice();
    let mut few_stack = [V::Blank; FEW_ON_STACK];
    let mut many_stack = Vec::new();
    let stack: &mut [V<'s>] = if program.max_stack <= FEW_ON_STACK {
        &mut few_stack
    } else {
        many_stack.resize(program.max_stack, V::Blank);
        &mut many_stack
    };
    let kept_count = usize::from(code.kept_count);
    let mut few_kept = [None; FEW_KEPT];
    let mut many_kept = Vec::new();
    let kept: &mut [Option<V<'s>>] = if kept_count <= FEW_KEPT {
        &mut few_kept
    } else {
        many_kept.resize(kept_count, None);
        &mut many_kept
    };
    let mut few_returns = [0usize; FEW_KEPT];
    let mut many_returns = Vec::new();
    let returns: &mut [usize] = if kept_count <= FEW_KEPT {
        &mut few_returns
    } else {
        many_returns.resize(kept_count, 0);
        &mut many_returns
    };
    let mut depth = 0;
    let mut sp = 0;
    let mut pc = 0;
    macro_rules! push {
        ($v:expr) => {{
            let v = $v;
            *stack.get_mut(sp).ok_or(GiveUp)? = v;
            sp += 1;
        }};
    }
    macro_rules! pop {
        () => {{
            sp = sp.checked_sub(1).ok_or(GiveUp)?;
            *stack.get(sp).ok_or(GiveUp)?
        }};
    }
    macro_rules! top {
        () => {
            stack
                .get_mut(sp.checked_sub(1).ok_or(GiveUp)?)
                .ok_or(GiveUp)?
        };
    }
    loop {
        let op = *ops.get(pc).ok_or(GiveUp)?;
        pc += 1;
        match op {
            Op::Arg(i) => push!(*args.get(usize::from(i)).ok_or(GiveUp)?),
            Op::Const(i) => push!(constant(code.consts.get(usize::from(i)).ok_or(GiveUp)?)?),
            Op::Truth => {
                let t = top!();
                *t = V::Bool(matches!(t, V::Bool(true)));
            }
            Op::Not => {
                let t = top!();
                *t = V::Bool(!matches!(t, V::Bool(true)));
            }
            Op::Neg => {
                let t = top!();
                *t = match *t {
                    V::Num(n) => V::Num(-n),
                    _ => V::Blank,
                };
            }
            Op::Binary(op) => {
                let y = pop!();
                let x = pop!();
                push!(binary(op, x, y, arena)?);
            }
            Op::Index => {
                let i = pop!();
                let list = pop!();
                push!(index(list, i));
            }
            Op::Extract(pattern) => {
                let (before, after) = code.patterns.get(usize::from(pattern)).ok_or(GiveUp)?;
                let t = top!();
                *t = match *t {
                    V::Text(t) => extract_between(t, before, after).map_or(V::Blank, V::Num),
                    _ => V::Blank,
                };
            }
            Op::Split(seps) => {
                let seps = code.separators.get(usize::from(seps)).ok_or(GiveUp)?;
                let t = top!();
                *t = match *t {
                    V::Text(t) => {
                        let mut pieces: Vec<&'s str> = Vec::new();
                        cut(t, &seps.texts, &seps.starts, |p| pieces.push(p));
                        V::Pieces(arena.alloc_slice_copy(&pieces))
                    }
                    _ => V::Pieces(&[]),
                };
            }
            Op::Call(builtin, n) => {
                let from = sp.checked_sub(usize::from(n)).ok_or(GiveUp)?;
                let answer = call_builtin(builtin, stack.get(from..sp).ok_or(GiveUp)?, arena)?;
                sp = from;
                push!(answer);
            }
            Op::JumpIfFalse(to) => {
                if !matches!(top!(), V::Bool(true)) {
                    pc = usize::from(to);
                }
            }
            Op::JumpIfTrue(to) => {
                if matches!(top!(), V::Bool(true)) {
                    pc = usize::from(to);
                }
            }
            Op::PopJumpIfFalse(to) => {
                if !matches!(pop!(), V::Bool(true)) {
                    pc = usize::from(to);
                }
            }
            Op::Jump(to) => pc = usize::from(to),
            Op::Pop => sp = sp.checked_sub(1).ok_or(GiveUp)?,
            Op::Kept(slot, start) => match kept.get(usize::from(slot)).ok_or(GiveUp)? {
                Some(v) => push!(*v),
                None => {
                    *returns.get_mut(depth).ok_or(GiveUp)? = pc;
                    depth += 1;
                    pc = usize::from(start);
                }
            },
            Op::Return(slot) => {
                let v = *top!();
                *kept.get_mut(usize::from(slot)).ok_or(GiveUp)? = Some(v);
                depth = depth.checked_sub(1).ok_or(GiveUp)?;
                pc = *returns.get(depth).ok_or(GiveUp)?;
            }
            Op::End => return Ok(pop!()),
        }
    }
}

/// A built-in's answer for its arguments (the first pushed first).
fn call_builtin<'s>(builtin: Builtin, args: &[V<'s>], arena: &'s Bump) -> R<'s> {
    let arg = |i: usize| args.get(i).copied().ok_or(GiveUp);
    Ok(match builtin {
        Builtin::Present => V::Bool(!matches!(arg(0)?, V::Blank)),
        Builtin::Contains => V::Bool(match (arg(0)?, arg(1)?) {
            (V::Text(t), V::Text(p)) => has_text(t, p),
            (V::Pieces(items), x) => items.iter().any(|i| equal(V::Text(i), x)),
            // A text among constant texts (`contains(blank_marks,
            // trim(cell))`): compared as texts, no value made per item.
            (V::Consts(items), V::Text(x)) => items
                .iter()
                .any(|i| matches!(i, Value::Text(t) if **t == *x)),
            (V::Consts(items), x) => items.iter().any(|i| constant(i).is_ok_and(|i| equal(i, x))),
            _ => false,
        }),
        Builtin::ContainsAny => V::Bool(match (arg(0)?, arg(1)?) {
            (V::Text(t), V::Pieces(words)) => words.iter().any(|w| has_text(t, w)),
            (V::Text(t), V::Consts(words)) => words
                .iter()
                .any(|w| matches!(w, Value::Text(w) if has_text(t, w))),
            _ => false,
        }),
        Builtin::StartsWith => V::Bool(match (arg(0)?, arg(1)?) {
            (V::Text(t), V::Text(p)) => t.starts_with(p),
            _ => false,
        }),
        // Both arguments are evaluated, as the interpreter evaluates
        // every argument: the second's error is reported even when the
        // first is not blank.
        Builtin::Default => match arg(0)? {
            V::Blank => arg(1)?,
            v => v,
        },
        Builtin::Trim => match arg(0)? {
            V::Text(t) => V::Text(t.trim()),
            _ => V::Text(""),
        },
        Builtin::Len => match arg(0)? {
            V::Pieces(items) => V::Num(Decimal::from(items.len())),
            V::Consts(items) => V::Num(Decimal::from(items.len())),
            V::Text(t) => V::Num(Decimal::from(t.chars().count())),
            _ => V::Num(Decimal::ZERO),
        },
        Builtin::Text => match arg(0)? {
            V::Text(t) => V::Text(t),
            other => V::Text(arena.alloc_str(&display(other))),
        },
        Builtin::Join => {
            let V::Text(sep) = arg(1)? else {
                return Ok(V::Text(""));
            };
            match arg(0)? {
                V::Pieces(items) => V::Text(arena.alloc_str(&items.join(sep))),
                V::Consts(items) => V::Text(
                    arena.alloc_str(
                        &items
                            .iter()
                            .filter(|v| !matches!(v, Value::Absent))
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(sep),
                    ),
                ),
                _ => V::Text(""),
            }
        }
        Builtin::Round => match (arg(0)?, arg(1)?) {
            (V::Num(n), V::Num(dp)) => {
                // A bad number of decimals is the interpreter's error.
                let dp = super::builtins::round_places(dp).ok_or(GiveUp)?;
                V::Num(round(n, dp))
            }
            _ => V::Blank,
        },
        Builtin::Abs => match arg(0)? {
            V::Num(n) => V::Num(n.abs()),
            _ => V::Blank,
        },
        Builtin::Min | Builtin::Max => {
            let mut best: Option<Decimal> = None;
            for a in args {
                if let V::Num(n) = *a {
                    best = Some(match best {
                        Some(b) if (builtin == Builtin::Min) == (b <= n) => b,
                        _ => n,
                    });
                }
            }
            best.map_or(V::Blank, V::Num)
        }
        // Lowering makes these only with a constant pattern or
        // separators (`Op::Extract`, `Op::Split`), and no others.
        _ => return Err(GiveUp),
    })
}

/// `a op b` for every operator but `and` and `or` (`eval::expr::apply`).
fn binary<'s>(op: BinOp, x: V<'s>, y: V<'s>, arena: &'s Bump) -> R<'s> {
    Ok(match op {
        BinOp::Eq => V::Bool(equal(x, y)),
        BinOp::Ne => V::Bool(!equal(x, y)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let ord = match (x, y) {
                (V::Num(p), V::Num(q)) => Some(p.cmp(&q)),
                (V::Text(p), V::Text(q)) => Some(p.cmp(q)),
                _ => None,
            };
            V::Bool(ord.is_some_and(|o| match op {
                BinOp::Lt => o.is_lt(),
                BinOp::Le => o.is_le(),
                BinOp::Gt => o.is_gt(),
                _ => o.is_ge(),
            }))
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => match (x, y) {
            // Overflow and division by zero are the interpreter's errors.
            (V::Num(p), V::Num(q)) => V::Num(
                match op {
                    BinOp::Add => p.checked_add(q),
                    BinOp::Sub => p.checked_sub(q),
                    BinOp::Mul => p.checked_mul(q),
                    _ if q.is_zero() => None,
                    _ => p.checked_div(q),
                }
                .ok_or(GiveUp)?,
            ),
            (V::Text(p), V::Text(q)) if op == BinOp::Add => {
                let mut both = String::with_capacity(p.len() + q.len());
                both.push_str(p);
                both.push_str(q);
                V::Text(arena.alloc_str(&both))
            }
            _ => V::Blank,
        },
        BinOp::And | BinOp::Or => return Err(GiveUp),
    })
}

/// A constant as a value of typed code: scalars and lists only.
fn constant(v: &Value) -> R<'_> {
    Ok(match v {
        Value::Absent => V::Blank,
        Value::Bool(b) => V::Bool(*b),
        Value::Num(n) => V::Num(*n),
        Value::Text(t) => V::Text(t),
        Value::List(items) => V::Consts(items),
        _ => return Err(GiveUp),
    })
}

/// Equality as `eval::values::equal` has it.
fn equal(x: V<'_>, y: V<'_>) -> bool {
    match (x, y) {
        (V::Blank, V::Blank) => true,
        (V::Bool(p), V::Bool(q)) => p == q,
        (V::Num(p), V::Num(q)) => p == q,
        (V::Text(p), V::Text(q)) => p == q,
        (V::Pieces(_) | V::Consts(_), V::Pieces(_) | V::Consts(_)) => {
            let (p, q) = (items(x), items(y));
            p.len() == q.len() && p.iter().zip(&q).all(|(a, b)| equal(*a, *b))
        }
        _ => false,
    }
}

/// A list's items (lists compared, rarely).
fn items(v: V<'_>) -> Vec<V<'_>> {
    match v {
        V::Pieces(items) => items.iter().map(|p| V::Text(p)).collect(),
        V::Consts(items) => items
            .iter()
            .map(|i| constant(i).unwrap_or(V::Pieces(&[])))
            .collect(),
        _ => Vec::new(),
    }
}

/// `xs[i]` (`eval::expr::index_value`).
fn index<'s>(list: V<'s>, i: V<'_>) -> V<'s> {
    let V::Num(n) = i else {
        return V::Blank;
    };
    if !n.fract().is_zero() {
        return V::Blank;
    }
    let Ok(i) = usize::try_from(n) else {
        return V::Blank;
    };
    match list {
        V::Pieces(items) => items.get(i).map_or(V::Blank, |p| V::Text(p)),
        V::Consts(items) => items
            .get(i)
            .map_or(Ok(V::Blank), constant)
            .unwrap_or(V::Blank),
        _ => V::Blank,
    }
}

/// `text(x)` of anything but a text, as `Value`'s display has it.
fn display(v: V<'_>) -> String {
    match v {
        V::Blank => Value::Absent.to_string(),
        V::Bool(b) => Value::Bool(b).to_string(),
        V::Num(n) => Value::Num(n).to_string(),
        V::Text(t) => t.to_string(),
        V::Pieces([]) => Value::List(Arc::from([])).to_string(),
        V::Pieces(items) => items.join("、"),
        V::Consts(items) => Value::List(Arc::from(items)).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Expr, ExprIr, RuleSet};
    use proptest::prelude::*;

    /// The interpreter's answer (no typed code, nothing remembered) and
    /// the typed code's, for a function and arguments.
    fn both(rules: &RuleSet, index: usize, args: &[Value]) -> (Option<Value>, Option<Value>) {
        let root = Value::Absent;
        let mut env =
            super::super::expr::Env::new(&root, &rules.files, &rules.functions, rules.slot_count);
        env.typed = false;
        env.indexing = false;
        let call = Expr {
            kind: ExprIr::CallFunction(
                index,
                args.iter()
                    .map(|a| Expr {
                        kind: ExprIr::Const(a.clone()),
                        span: Default::default(),
                    })
                    .collect(),
            ),
            span: Default::default(),
        };
        let interpreted = env.eval(&call, &mut Vec::new()).ok();
        let typed = rules.functions[index]
            .typed
            .as_ref()
            .and_then(|code| super::call(code, args));
        (interpreted, typed)
    }

    fn rules(year: &str) -> RuleSet {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        crate::rules::from_dir(&dir.join(year)).unwrap()
    }

    /// The 2022 rules, compiled once for every generated case.
    fn rules_2022() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| rules("2022"))
    }

    /// Cells as units write them, and the shapes the cell tests tell apart.
    const CELLS: &[&str] = &[
        "",
        " ",
        "/",
        " ／ ",
        "\\",
        "-",
        "－",
        "—",
        "——",
        "无",
        " 暂无 ",
        "指标",
        "指标1",
        "指标１",
        "指标01",
        "指标1.0",
        "指标 1",
        "指标1:",
        "指标１：",
        "指标1:/",
        "指标1：—",
        "指标1：无",
        "指标1：暂无",
        "指标1:指标2",
        "指标1：培训人数",
        "培训人数",
        "≥95%",
        "1085.09万元",
        "１０%",
        "100",
        "0",
        "：",
        "::",
        "指标1::",
        "a:b:c",
        "是",
        "（空）",
        "指标１：",
        "指标１：/",
        "指标１０",
        "指标01",
        "指标1%",
        "x指标1",
    ];

    /// A template label is the label word and a number, in either width:
    /// “指标１” is a label as “指标1” is; a label with more after it, or
    /// before it, is not.
    #[test]
    fn a_label_is_its_word_and_a_number_in_either_width() {
        let rules = rules_2022();
        let index = rules
            .functions
            .iter()
            .position(|f| f.name == "is_label")
            .unwrap();
        for (piece, label) in [
            ("指标1", true),
            ("指标１", true),
            ("指标１０", true),
            ("指标1.5", true),
            ("指标", false),
            ("指标01", false),
            ("指标1%", false),
            ("x指标1", false),
            ("指标 1", false),
            ("指标x指标1", false),
        ] {
            let (interpreted, typed) = both(rules, index, &[Value::text(piece)]);
            assert_eq!(
                format!("{interpreted:?}"),
                format!("{:?}", Some(Value::Bool(label))),
                "{piece}"
            );
            assert_eq!(
                format!("{typed:?}"),
                format!("{:?}", Some(Value::Bool(label))),
                "{piece}"
            );
        }
    }

    /// Every lowered function of both years' rules answers as its body
    /// does, interpreted, on every cell above (and on pairs and triples
    /// of them and of numbers, for functions of several arguments).
    #[test]
    fn lowered_functions_answer_as_interpreted() {
        let numbers = ["0", "1", "-2.5", "10.00", "100", "0.333"];
        let mut pool: Vec<Value> = CELLS.iter().map(|c| Value::text(c)).collect();
        pool.extend(numbers.iter().map(|n| Value::Num(n.parse().unwrap())));
        pool.push(Value::Absent);
        for year in ["2022", "2023"] {
            let rules = rules(year);
            let mut lowered = Vec::new();
            for (index, f) in rules.functions.iter().enumerate() {
                if f.typed.is_none() {
                    continue;
                }
                lowered.push(f.name.as_str());
                let n = f.params.len();
                let mut answered = 0;
                let mut tried = 0;
                // Every argument from the pool, the others cycling through it.
                for (i, first) in pool.iter().enumerate() {
                    for shift in 0..pool.len().min(if n > 1 { pool.len() } else { 1 }) {
                        let args: Vec<Value> = (0..n)
                            .map(|k| match k {
                                0 => first.clone(),
                                _ => pool[(i + shift * k) % pool.len()].clone(),
                            })
                            .collect();
                        let (interpreted, typed) = both(&rules, index, &args);
                        tried += 1;
                        if let Some(t) = typed {
                            answered += 1;
                            assert_eq!(
                                interpreted.map(|v| format!("{v:?}")),
                                Some(format!("{t:?}")),
                                "{year} {}({args:?})",
                                f.name
                            );
                        }
                    }
                }
                // The typed code gives up only where the interpreter
                // reports an error (a division by zero).
                assert!(
                    answered * 10 >= tried * 9,
                    "{year} {}: {answered} of {tried}",
                    f.name
                );
            }
            for name in ["is_label", "blank", "filled", "written", "blank_words"] {
                assert!(
                    lowered.contains(&name),
                    "{year}: {name} is not lowered: {lowered:?}"
                );
            }
        }
    }

    /// `default` and `join` evaluate every argument, as the interpreter
    /// does: a division by zero in the second is the interpreter's error
    /// (the typed code gives up) even when the first decides the answer.
    #[test]
    fn every_argument_is_evaluated_as_interpreted() {
        let mut sources = rules("2022").files;
        sources.push(crate::source::SourceFile::new(
            "extra.jx",
            "fn default_or_ratio(cell: text, n: decimal) = default(cell, text(1 / n))\n\
             fn joined_with_ratio(cell: text, n: decimal) = join(split(cell, label_colons), text(1 / n))\n",
        ));
        let rules = crate::check::compile(sources).unwrap();
        for name in ["default_or_ratio", "joined_with_ratio"] {
            let index = rules.functions.iter().position(|f| f.name == name).unwrap();
            assert!(
                rules.functions[index].typed.is_some(),
                "{name} is not lowered"
            );
            let cell = Value::text("指标1:培训");
            let zero = Value::Num(Decimal::ZERO);
            let (interpreted, typed) = both(&rules, index, &[cell.clone(), zero]);
            assert!(
                interpreted.is_none() && typed.is_none(),
                "{name}: {typed:?}"
            );
            let (interpreted, typed) = both(&rules, index, &[cell, Value::Num(Decimal::TWO)]);
            assert!(typed.is_some(), "{name}");
            assert_eq!(format!("{interpreted:?}"), format!("{typed:?}"), "{name}");
        }
    }

    /// The 2022 rules with the cell tests as they were before they looked
    /// for a label word first: `unguarded_blank`, `unguarded_written`.
    fn rules_with_unguarded() -> &'static RuleSet {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES.get_or_init(|| {
            let mut sources = rules("2022").files;
            sources.push(crate::source::SourceFile::new(
                "unguarded.jx",
                "fn unguarded_blank(cell: text) =\n\
                   trim(default(cell, \"\")) == \"\" or contains(blank_marks, trim(cell))\n\
                   or label_then(split(cell, label_colons), blank_marks)\n\
                 fn unguarded_written(cell: text) =\n\
                   present(cell) and not unguarded_blank(cell) and not contains(none_words, trim(cell))\n\
                   and not label_then(split(cell, label_colons), none_words)\n",
            ));
            crate::check::compile(sources).unwrap()
        })
    }

    /// The label word test on the cell shapes listed above (the generated
    /// cells below draw few of them): the same answers as without it, and
    /// the generator's pieces are the 2022 rules' label words.
    #[test]
    fn the_label_word_test_changes_no_listed_answer() {
        let rules = rules_with_unguarded();
        let index = |name: &str| rules.functions.iter().position(|f| f.name == name).unwrap();
        for (guarded, unguarded) in [
            ("blank", "unguarded_blank"),
            ("written", "unguarded_written"),
        ] {
            for cell in CELLS {
                let args = [Value::text(cell)];
                assert_eq!(
                    format!("{:?}", both(rules, index(guarded), &args).0),
                    format!("{:?}", both(rules, index(unguarded), &args).0),
                    "{guarded}({cell:?})"
                );
            }
        }
        let labels = rules.param("cell_labels").cloned();
        assert_eq!(
            format!("{labels:?}"),
            format!("{:?}", Some(Value::List(vec![Value::text("指标")].into()))),
            "the generated cells below are made of the label words: update them"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// `blank` and `written` split a cell to look for a template label
        /// only when a label word is in it: on any cell they answer as
        /// they did without that test.
        #[test]
        fn the_label_word_test_changes_no_answer(cell in "(指标1|指标１|指标|标|1|0|:|：|/|／|—|无|暂无| |培训|a){0,6}") {
            let rules = rules_with_unguarded();
            let index = |name: &str| rules.functions.iter().position(|f| f.name == name).unwrap();
            for (guarded, unguarded) in [("blank", "unguarded_blank"), ("written", "unguarded_written")] {
                let args = [Value::text(&cell)];
                let (now, _) = both(rules, index(guarded), &args);
                let (before, _) = both(rules, index(unguarded), &args);
                prop_assert_eq!(format!("{now:?}"), format!("{before:?}"), "{}({:?})", guarded, cell);
            }
        }

        /// Free-form cells made of the characters the cell tests look at.
        #[test]
        fn cell_tests_agree_on_any_cell(cell in "[指标无暂1１0０.:：/／\\-－— a]{0,12}") {
            let rules = rules_2022();
            for (index, f) in rules.functions.iter().enumerate() {
                if f.typed.is_none() || f.params.len() != 1 {
                    continue;
                }
                let (interpreted, typed) = both(rules, index, &[Value::text(&cell)]);
                if let Some(t) = typed {
                    prop_assert_eq!(interpreted.map(|v| format!("{v:?}")), Some(format!("{t:?}")), "{}({:?})", f.name, cell);
                }
            }
        }
    }
}
