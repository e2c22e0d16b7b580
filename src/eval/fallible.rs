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
    /// The definition of a named value not yet evaluated; nothing for one
    /// evaluated (it cannot fail any more), a parameter or a loop variable.
    fn deferred(&self, slot: u32) -> Option<&Expr>;
}

/// May evaluating `e` fail?
pub fn may_fail(e: &Expr, cx: &impl Context) -> bool {
    Walk::new(cx).may_fail(e)
}

/// One question's walk: each named value's definition is looked at once,
/// however many times it is read (a chain of `let`s each reading the one
/// before twice would otherwise be walked 2ⁿ times).
pub struct Walk<'c, C> {
    cx: &'c C,
    /// Named values already answered.
    slots: Vec<(u32, bool)>,
}

impl<'c, C: Context> Walk<'c, C> {
    pub fn new(cx: &'c C) -> Self {
        Walk {
            cx,
            slots: Vec::new(),
        }
    }

    /// May reading the slot fail?
    pub fn slot_fails(&mut self, slot: u32) -> bool {
        if let Some((_, fails)) = self.slots.iter().find(|(s, _)| *s == slot) {
            return *fails;
        }
        // A `let` cannot read itself: the walk ends.
        let fails = self.cx.deferred(slot).is_some_and(|d| self.may_fail(d));
        self.slots.push((slot, fails));
        fails
    }

    /// May filling the template's holes fail?
    pub fn template_may_fail(&mut self, template: &Template) -> bool {
        template.pieces.iter().any(|p| match p {
            Piece::Text(_) => false,
            Piece::Value(e) => self.may_fail(e),
        })
    }

    /// May evaluating `e` fail?
    pub fn may_fail(&mut self, e: &Expr) -> bool {
        match &e.kind {
            ExprIr::Const(_) | ExprIr::Root => false,
            ExprIr::Slot(slot) => self.slot_fails(*slot),
            ExprIr::Field(t, _) | ExprIr::Not(t) | ExprIr::Neg(t) => self.may_fail(t),
            ExprIr::Index(a, b) => self.may_fail(a) || self.may_fail(b),
            ExprIr::Binary(op, a, b) => {
                let arithmetic = match op {
                    BinOp::Add => !(is_text(a) || is_text(b)),
                    BinOp::Sub | BinOp::Mul | BinOp::Div => true,
                    BinOp::Or
                    | BinOp::And
                    | BinOp::Eq
                    | BinOp::Ne
                    | BinOp::Lt
                    | BinOp::Le
                    | BinOp::Gt
                    | BinOp::Ge => false,
                };
                arithmetic || self.may_fail(a) || self.may_fail(b)
            }
            ExprIr::If(c, a, b) => self.may_fail(c) || self.may_fail(a) || self.may_fail(b),
            ExprIr::Call(builtin, args) => refuses(*builtin, args) || self.any(args),
            ExprIr::CallFunction(index, args) => self.cx.function_fails(*index) || self.any(args),
            ExprIr::List(items) | ExprIr::Record(items) => self.any(items),
            ExprIr::Aggregate {
                kind,
                list,
                filter,
                body,
                ..
            } => {
                *kind == AggKind::Sum
                    || self.may_fail(list)
                    || filter.as_deref().is_some_and(|f| self.may_fail(f))
                    || body.as_deref().is_some_and(|b| self.may_fail(b))
            }
        }
    }

    fn any(&mut self, es: &[Expr]) -> bool {
        es.iter().any(|e| self.may_fail(e))
    }
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
        fn deferred(&self, _: u32) -> Option<&Expr> {
            // A function reads its parameters and loop variables, values
            // already made, and no named value (its body is compiled with
            // the constants alone in scope).
            None
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
    // Every built-in named: one added later is decided here, not trusted
    // by default.
    match builtin {
        Builtin::Round => !matches!(constant(1), Some(Value::Num(dp))
            if super::builtins::round_places(*dp).is_some()),
        Builtin::Extract => {
            !matches!(constant(1), Some(Value::Text(p)) if super::quantity::has_hole(p))
        }
        Builtin::DaysBetween
        | Builtin::Contains
        | Builtin::ContainsAny
        | Builtin::StartsWith
        | Builtin::Trim
        | Builtin::Split
        | Builtin::Len
        | Builtin::Join
        | Builtin::Present
        | Builtin::Default
        | Builtin::Collect
        | Builtin::Distinct
        | Builtin::Min
        | Builtin::Max
        | Builtin::Abs
        | Builtin::Text
        | Builtin::Quantity
        | Builtin::Keys => false,
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

    /// Slot 9 is a named value not yet evaluated, defined as `1 / x`;
    /// slots 10 to 40 a chain, each the `max` of the one before twice,
    /// ending at slot 9.
    struct Nothing {
        nine: Expr,
        chain: Vec<Expr>,
    }
    impl Context for Nothing {
        fn function_fails(&self, _: usize) -> bool {
            false
        }
        fn deferred(&self, slot: u32) -> Option<&Expr> {
            match slot {
                9 => Some(&self.nine),
                10..=40 => self.chain.get(slot as usize - 10),
                _ => None,
            }
        }
    }
    fn nothing() -> Nothing {
        let chain = (10..=40)
            .map(|s| e(ExprIr::Call(Builtin::Max, vec![slot(s - 1), slot(s - 1)])))
            .collect();
        Nothing {
            nine: bin(BinOp::Div, e(ExprIr::Const(Value::Num(1.into()))), slot(1)),
            chain,
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
        assert!(!may_fail(&bin(BinOp::Add, text("表"), slot(1)), &nothing()));
        assert!(may_fail(&bin(BinOp::Add, slot(1), slot(2)), &nothing()));
        assert!(may_fail(&bin(BinOp::Div, slot(1), slot(2)), &nothing()));
        assert!(!may_fail(&bin(BinOp::Eq, slot(1), slot(2)), &nothing()));
        // A named value whose definition may fail, read inside a join.
        assert!(may_fail(&bin(BinOp::Add, text("表"), slot(9)), &nothing()));
    }

    #[test]
    fn a_chain_of_named_values_is_walked_once_each() {
        // 31 values each reading the one before twice: 2³¹ walks if each
        // read walked its definition again.
        assert!(may_fail(&slot(40), &nothing()));
    }

    #[test]
    fn round_and_extract_are_trusted_only_with_constant_arguments() {
        let num = |n: i64| e(ExprIr::Const(Value::Num(n.into())));
        let round = |dp: Expr| e(ExprIr::Call(Builtin::Round, vec![slot(1), dp]));
        assert!(!may_fail(&round(num(2)), &nothing()));
        assert!(may_fail(&round(num(29)), &nothing()));
        assert!(may_fail(&round(slot(2)), &nothing()));
        let extract = |p: Expr| e(ExprIr::Call(Builtin::Extract, vec![slot(1), p]));
        assert!(!may_fail(&extract(text("得分为{}分")), &nothing()));
        assert!(may_fail(&extract(text("得分")), &nothing()));
        assert!(may_fail(
            &extract(bin(BinOp::Add, text("{}"), slot(2))),
            &nothing()
        ));
    }
}
