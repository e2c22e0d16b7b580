//! Which expressions can fail when evaluated: a number's `+ - * /`
//! (overflow, a zero divisor), a `sum` (overflow), `round` and `extract`
//! given an argument they refuse, and whatever reads one of those. Nothing
//! else the interpreter does returns an error.
//!
//! A summary that only counts findings (`jixiao score --format csv`) leaves
//! a finding's message and places out, but only where working them out
//! could not fail: a failure would turn the finding into another one, or
//! stop the scoring, and every format must give the same result.
//!
//! The answer is conservative: `true` means "may fail". A `+` is an
//! addition of numbers unless one side is plainly a text (a literal, a
//! `text`, `trim` or `join`, or a join of those): the checker's types are
//! not kept in the compiled form.

use crate::base::{AggKind, BinOp};
use crate::data::Value;
use crate::ir::{Builtin, Expr, ExprIr, FunctionIr, Piece, Template};

/// What the walk needs to know beyond the expression.
pub trait Context {
    /// May a call of rule function `index` fail?
    fn function_fails(&self, index: usize) -> bool;
    /// May reading the slot fail (a named value not yet evaluated whose
    /// definition may fail)?
    fn slot_fails(&self, slot: u32) -> bool;
}

/// May evaluating `e` fail?
pub fn may_fail(e: &Expr, cx: &impl Context) -> bool {
    let any = |es: &[Expr]| es.iter().any(|e| may_fail(e, cx));
    match &e.kind {
        ExprIr::Const(_) | ExprIr::Root => false,
        ExprIr::Slot(slot) => cx.slot_fails(*slot),
        ExprIr::Field(t, _) | ExprIr::Not(t) | ExprIr::Neg(t) => may_fail(t, cx),
        ExprIr::Index(a, b) => may_fail(a, cx) || may_fail(b, cx),
        ExprIr::Binary(op, a, b) => {
            let arithmetic = match op {
                BinOp::Add => !(is_text(a) || is_text(b)),
                BinOp::Sub | BinOp::Mul | BinOp::Div => true,
                _ => false,
            };
            arithmetic || may_fail(a, cx) || may_fail(b, cx)
        }
        ExprIr::If(c, a, b) => may_fail(c, cx) || may_fail(a, cx) || may_fail(b, cx),
        ExprIr::Call(builtin, args) => refuses(*builtin, args) || any(args),
        ExprIr::CallFunction(index, args) => cx.function_fails(*index) || any(args),
        ExprIr::List(items) | ExprIr::Record(items) => any(items),
        ExprIr::Aggregate {
            kind,
            list,
            filter,
            body,
            ..
        } => {
            *kind == AggKind::Sum
                || may_fail(list, cx)
                || filter.as_deref().is_some_and(|f| may_fail(f, cx))
                || body.as_deref().is_some_and(|b| may_fail(b, cx))
        }
    }
}

/// May filling the template's holes fail?
pub fn template_may_fail(template: &Template, cx: &impl Context) -> bool {
    template.pieces.iter().any(|p| match p {
        Piece::Text(_) => false,
        Piece::Value(e) => may_fail(e, cx),
    })
}

/// Mark each rule function that may fail. A function reads only its
/// arguments and the parameters; the calls among functions are followed
/// until nothing changes (a function found to fail makes its callers fail).
pub fn mark_functions(functions: &mut [FunctionIr]) {
    struct Marks(Vec<bool>);
    impl Context for Marks {
        fn function_fails(&self, index: usize) -> bool {
            // An unknown function (never after checking) is not trusted.
            self.0.get(index).copied().unwrap_or(true)
        }
        fn slot_fails(&self, _: u32) -> bool {
            // Parameters and loop variables hold values already made.
            false
        }
    }
    let mut marks = Marks(vec![false; functions.len()]);
    loop {
        let mut changed = false;
        for (i, f) in functions.iter().enumerate() {
            if !marks.0.get(i).copied().unwrap_or(true) && may_fail(&f.body, &marks) {
                if let Some(m) = marks.0.get_mut(i) {
                    *m = true;
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (f, fails) in functions.iter_mut().zip(marks.0) {
        f.may_fail = fails;
    }
}

/// Does a built-in refuse these arguments? `round` refuses places that are
/// not a whole number from 0 to 28, `extract` a pattern without `{}`;
/// constant arguments are known to be accepted.
fn refuses(builtin: Builtin, args: &[Expr]) -> bool {
    let constant = |i: usize| match args.get(i).map(|a| &a.kind) {
        Some(ExprIr::Const(v)) => Some(v),
        _ => None,
    };
    match builtin {
        Builtin::Round => !matches!(constant(1), Some(Value::Num(dp))
            if dp.fract().is_zero() && *dp >= rust_decimal::Decimal::ZERO && *dp <= rust_decimal::Decimal::from(28)),
        Builtin::Extract => {
            !matches!(constant(1), Some(Value::Text(p)) if super::quantity::has_hole(p))
        }
        _ => false,
    }
}

/// Is the expression plainly a text (so a `+` with it joins texts)?
fn is_text(e: &Expr) -> bool {
    match &e.kind {
        ExprIr::Const(Value::Text(_)) => true,
        ExprIr::Call(Builtin::Text | Builtin::Trim | Builtin::Join, _) => true,
        ExprIr::Binary(BinOp::Add, a, b) => is_text(a) || is_text(b),
        ExprIr::If(_, a, b) => is_text(a) && is_text(b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    struct Nothing;
    impl Context for Nothing {
        fn function_fails(&self, _: usize) -> bool {
            false
        }
        fn slot_fails(&self, slot: u32) -> bool {
            slot == 9
        }
    }

    fn e(kind: ExprIr) -> Expr {
        Expr {
            kind,
            span: Span::default(),
        }
    }
    fn text(t: &str) -> Expr {
        e(ExprIr::Const(Value::text(t)))
    }
    fn slot(s: u32) -> Expr {
        e(ExprIr::Slot(s))
    }
    fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
        e(ExprIr::Binary(op, Box::new(a), Box::new(b)))
    }

    #[test]
    fn joining_texts_cannot_fail_and_arithmetic_can() {
        assert!(!may_fail(&bin(BinOp::Add, text("表"), slot(1)), &Nothing));
        assert!(may_fail(&bin(BinOp::Add, slot(1), slot(2)), &Nothing));
        assert!(may_fail(&bin(BinOp::Div, slot(1), slot(2)), &Nothing));
        assert!(!may_fail(&bin(BinOp::Eq, slot(1), slot(2)), &Nothing));
        // A named value whose definition may fail, read inside a join.
        assert!(may_fail(&bin(BinOp::Add, text("表"), slot(9)), &Nothing));
    }

    #[test]
    fn round_and_extract_are_trusted_only_with_constant_arguments() {
        let num = |n: i64| e(ExprIr::Const(Value::Num(n.into())));
        let round = |dp: Expr| e(ExprIr::Call(Builtin::Round, vec![slot(1), dp]));
        assert!(!may_fail(&round(num(2)), &Nothing));
        assert!(may_fail(&round(num(29)), &Nothing));
        assert!(may_fail(&round(slot(2)), &Nothing));
        let extract = |p: Expr| e(ExprIr::Call(Builtin::Extract, vec![slot(1), p]));
        assert!(!may_fail(&extract(text("得分为{}分")), &Nothing));
        assert!(may_fail(&extract(text("得分")), &Nothing));
        assert!(may_fail(
            &extract(bin(BinOp::Add, text("{}"), slot(2))),
            &Nothing
        ));
    }
}
