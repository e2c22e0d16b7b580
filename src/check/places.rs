//! Which of a check's named values keep the submission places they read.
//!
//! A named value keeps the places it read so that a finding can say what
//! a number was computed from (`computed_from`, numbers only), so that an
//! `at` can name them, and so that a zero divisor names its cell. Every
//! row asks a check's conditions, and most rows raise nothing: a named
//! value whose places nothing can ever show (a truth, a text, a list
//! tested in a condition) is evaluated without them, which spares sorting
//! and keeping them and lets its readers take the quick way (`Env::peek`).
//! What a value is does not change, only what it remembers.

use crate::base::BinOp;
use crate::ir::{CheckStepIr, Expr, ExprIr, FunctionIr, Piece};
use std::collections::{HashMap, HashSet};

/// Decide `keeps_places` for each named value of a check's steps; `numbers`
/// are the slots of the named values that may hold a number.
pub(super) fn mark(steps: &mut [CheckStepIr], numbers: &HashSet<u32>, functions: &[FunctionIr]) {
    let mut survey = Survey {
        numbers,
        divides: dividing(functions),
        reads: HashMap::new(),
        needed: Vec::new(),
    };
    survey.steps(steps);
    let Survey {
        reads, mut needed, ..
    } = survey;
    // A value whose places are kept keeps those of the values it reads.
    let mut keeping: HashSet<u32> = HashSet::new();
    while let Some(slot) = needed.pop() {
        if keeping.insert(slot) {
            needed.extend(reads.get(&slot).into_iter().flatten());
        }
    }
    set(steps, &keeping);
}

struct Survey<'n> {
    numbers: &'n HashSet<u32>,
    /// For each rule function: may it divide (itself or in a function it
    /// calls)? A named value passed to it may be the divisor.
    divides: Vec<bool>,
    /// The named values each named value's definition reads.
    reads: HashMap<u32, Vec<u32>>,
    /// Named values whose places something may show.
    needed: Vec<u32>,
}

impl Survey<'_> {
    fn steps(&mut self, steps: &[CheckStepIr]) {
        for step in steps {
            match step {
                CheckStepIr::For { list, body, .. } => {
                    self.slots_read(list, false, &mut Vec::new());
                    if let Some(body) = body {
                        self.steps(body);
                    }
                }
                CheckStepIr::Let(l) => {
                    let mut read = Vec::new();
                    self.slots_read(&l.expr, false, &mut read);
                    self.reads.insert(l.slot, read);
                }
                CheckStepIr::Raise(r) => {
                    // A number it names is shown with the cells it came from.
                    let numbers = self.numbers;
                    self.needed.extend(
                        r.values
                            .iter()
                            .map(|(_, slot)| *slot)
                            .filter(|slot| numbers.contains(slot)),
                    );
                    // An `at` names every place it read.
                    for at in &r.at {
                        let mut read = Vec::new();
                        self.slots_read(at, false, &mut read);
                        self.needed.extend(read);
                    }
                    self.slots_read(&r.when, false, &mut Vec::new());
                    for piece in &r.because.pieces {
                        if let Piece::Value(e) = piece {
                            self.slots_read(e, false, &mut Vec::new());
                        }
                    }
                }
            }
        }
    }

    /// The slots `e` reads, into `read`; those read where a zero divisor
    /// would name them (a divisor, or an argument of a rule function that
    /// may divide by it), into `needed` as well.
    fn slots_read(&mut self, e: &Expr, divisor: bool, read: &mut Vec<u32>) {
        match &e.kind {
            ExprIr::Const(_) | ExprIr::Root => {}
            ExprIr::Slot(slot) => {
                read.push(*slot);
                if divisor {
                    self.needed.push(*slot);
                }
            }
            ExprIr::Field(t, _) | ExprIr::Not(t) | ExprIr::Neg(t) => {
                self.slots_read(t, divisor, read);
            }
            ExprIr::Index(a, b) => {
                self.slots_read(a, divisor, read);
                self.slots_read(b, divisor, read);
            }
            ExprIr::Binary(op, a, b) => {
                self.slots_read(a, divisor, read);
                self.slots_read(b, divisor || *op == BinOp::Div, read);
            }
            ExprIr::If(c, a, b) => {
                for e in [c, a, b] {
                    self.slots_read(e, divisor, read);
                }
            }
            ExprIr::Call(_, args) | ExprIr::List(args) | ExprIr::Record(args) => {
                for a in args {
                    self.slots_read(a, divisor, read);
                }
            }
            ExprIr::CallFunction(index, args) => {
                let divides = self.divides.get(*index).copied().unwrap_or(true);
                for a in args {
                    self.slots_read(a, divisor || divides, read);
                }
            }
            ExprIr::Aggregate {
                list, filter, body, ..
            } => {
                self.slots_read(list, divisor, read);
                for e in [filter, body].into_iter().flatten() {
                    self.slots_read(e, divisor, read);
                }
            }
        }
    }
}

/// For each rule function: does its body divide, or call one that does?
fn dividing(functions: &[FunctionIr]) -> Vec<bool> {
    let mut divides: Vec<bool> = functions.iter().map(|f| has_division(&f.body)).collect();
    // Up the calls until nothing changes: each turn settles at least one
    // more level of callers.
    loop {
        let mut changed = false;
        for (i, f) in functions.iter().enumerate() {
            if divides.get(i) == Some(&false) && calls_dividing(&f.body, &divides) {
                if let Some(d) = divides.get_mut(i) {
                    *d = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return divides;
        }
    }
}

fn has_division(e: &Expr) -> bool {
    any_node(e, &mut |e| matches!(e.kind, ExprIr::Binary(BinOp::Div, ..)))
}

fn calls_dividing(e: &Expr, divides: &[bool]) -> bool {
    any_node(e, &mut |e| match e.kind {
        ExprIr::CallFunction(i, _) => divides.get(i).copied().unwrap_or(true),
        _ => false,
    })
}

/// Does `test` hold of `e` or of any expression inside it?
fn any_node(e: &Expr, test: &mut impl FnMut(&Expr) -> bool) -> bool {
    if test(e) {
        return true;
    }
    match &e.kind {
        ExprIr::Const(_) | ExprIr::Root | ExprIr::Slot(_) => false,
        ExprIr::Field(t, _) | ExprIr::Not(t) | ExprIr::Neg(t) => any_node(t, test),
        ExprIr::Index(a, b) | ExprIr::Binary(_, a, b) => any_node(a, test) || any_node(b, test),
        ExprIr::If(c, a, b) => any_node(c, test) || any_node(a, test) || any_node(b, test),
        ExprIr::Call(_, args)
        | ExprIr::CallFunction(_, args)
        | ExprIr::List(args)
        | ExprIr::Record(args) => args.iter().any(|a| any_node(a, test)),
        ExprIr::Aggregate {
            list, filter, body, ..
        } => {
            any_node(list, test)
                || [filter, body]
                    .into_iter()
                    .flatten()
                    .any(|e| any_node(e, test))
        }
    }
}

fn set(steps: &mut [CheckStepIr], keeping: &HashSet<u32>) {
    for step in steps {
        match step {
            CheckStepIr::For {
                body: Some(body), ..
            } => set(body, keeping),
            CheckStepIr::Let(l) => l.keeps_places = keeping.contains(&l.slot),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{CheckIr, CheckStepIr};

    /// Each named value of the check, and whether it keeps its places.
    fn kept(check: &CheckIr) -> Vec<(String, bool)> {
        fn walk(steps: &[CheckStepIr], out: &mut Vec<(String, bool)>) {
            for step in steps {
                match step {
                    CheckStepIr::For { body: Some(b), .. } => walk(b, out),
                    CheckStepIr::Let(l) => out.push((l.name.clone(), l.keeps_places)),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&check.steps, &mut out);
        out
    }

    #[test]
    fn values_whose_places_can_show_keep_them() {
        let rules =
            crate::rules::builtin(2022).unwrap_or_else(|_| panic!("the 2022 rules compile"));
        let check = |id: &str| {
            let check = rules.checks.iter().find(|c| c.id == id);
            kept(check.unwrap_or_else(|| panic!("no check {id}")))
        };
        let pairs = |list: &[(&str, bool)]| -> Vec<(String, bool)> {
            list.iter().map(|(n, k)| (n.to_string(), *k)).collect()
        };
        // Truths and lists tested in a condition: nothing shows their places.
        assert_eq!(
            check("expense_line_over_budget"),
            pairs(&[("three_public_family", false), ("excluded", false)])
        );
        // A number the finding names keeps its places, and so do the
        // values it is computed from; the parsed target is read only by a
        // truth.
        assert_eq!(
            check("execution_rate_mismatch"),
            pairs(&[("written", false), ("rate", true)])
        );
        // A divisor names its cell when it is zero: `s` is divided by in
        // `rate`, a text whose own places nothing shows.
        assert_eq!(
            check("staffing_over_quota"),
            pairs(&[("s", true), ("rate", false)])
        );
        assert_eq!(
            check("row_execution_score"),
            pairs(&[
                ("budget", true),
                ("computable", true),
                ("rate", true),
                ("rule_score", true)
            ])
        );
    }
}
