//! Running the checks: steps after a `for` run once per item; a division by
//! zero stops that item's check and becomes an `undefined_ratio` finding
//! naming the check, and the package is still scored.

use super::expr::Env;
use super::outcome::Finding;
use super::{EvalError, fill};
use crate::data::{NO_PLACE, PlaceId, Value};
use crate::diag::Code;
use crate::ir::{CheckIr, CheckStepIr, Expr, ExprIr, RaiseIr, Severity};

/// The id of the finding a zero denominator raises.
pub const UNDEFINED_RATIO: &str = "undefined_ratio";

/// The id of the finding a check raises when its arithmetic leaves the
/// range of a decimal (about 7.9 × 10²⁸: a 全年预算数 of
/// 0.0000000000000000000000000001 divides a 执行数 into a number no decimal
/// holds): a package's absurd number, said where it is, not a unit that
/// cannot be scored.
pub const OUT_OF_RANGE: &str = "number_out_of_range";

/// How much of a finding is worked out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Words {
    /// Its message, values and places: every report.
    All,
    /// Its check and severity alone wherever working out the rest could
    /// not fail (`eval::fallible`): a summary that only counts findings.
    /// Where it could, it is worked out, so that a failure turns the
    /// finding into what it would be in any other format.
    CountOnly,
}

/// Run every check; findings in check order.
pub(super) fn run_checks<'a>(
    env: &mut Env<'a>,
    checks: &'a [CheckIr],
    words: Words,
) -> Result<Vec<Finding>, EvalError> {
    let mut findings = Vec::new();
    for check in checks {
        let mut items = Vec::new();
        let mut run = Run {
            check,
            words,
            items: &mut items,
            findings: &mut findings,
        };
        run_steps(env, &mut run, &check.steps)?;
    }
    Ok(findings)
}

/// One check's run: what its steps add to.
struct Run<'r, 'a> {
    check: &'a CheckIr,
    words: Words,
    /// The places of the loop items the steps run under.
    items: &'r mut Vec<PlaceId>,
    findings: &'r mut Vec<Finding>,
}

fn run_steps<'a>(
    env: &mut Env<'a>,
    run: &mut Run<'_, 'a>,
    steps: &'a [CheckStepIr],
) -> Result<(), EvalError> {
    let check = run.check;
    // A loop over the steps; a `for` recurses once per item.
    for (at, step) in steps.iter().enumerate() {
        match step {
            CheckStepIr::For { slot, list, body } => {
                let rest = steps.get(at + 1..).unwrap_or(&[]);
                let list = match env.eval_untracked(list) {
                    Ok(Value::List(l)) => l,
                    // A blank list has no items; a braced loop still goes on.
                    Ok(_) => std::sync::Arc::from([]),
                    Err(e) => return undefined(env, check, e, run.items, run.findings),
                };
                for item in list.iter() {
                    let place = match item {
                        Value::Record(r) => r.place,
                        _ => NO_PLACE,
                    };
                    run.items.push(place);
                    if let Some(s) = env.slots.get_mut(*slot as usize) {
                        *s = item.clone();
                    }
                    if let Some(p) = env.slot_places.get_mut(*slot as usize) {
                        *p = (0, 0);
                    }
                    let result = run_steps(env, run, body.as_deref().unwrap_or(rest));
                    run.items.pop();
                    result?;
                }
                // An unbraced loop ran the rest of the steps for each item.
                if body.is_none() {
                    return Ok(());
                }
            }
            CheckStepIr::Let(l) => env.defer_keeping(l.slot, &l.expr, l.keeps_places),
            // The condition first: most rows raise nothing, and a finding
            // is large to hand back empty.
            CheckStepIr::Raise(r) => match env.test_untracked(&r.when) {
                Ok(false) => {}
                Ok(true) if run.words == Words::CountOnly && !words_may_fail(env, r) => {
                    run.findings.push(counted(check, r));
                }
                Ok(true) => match raise(env, check, r) {
                    Ok(finding) => run.findings.push(finding),
                    Err(e) => return undefined(env, check, e, run.items, run.findings),
                },
                Err(e) => return undefined(env, check, e, run.items, run.findings),
            },
        }
    }
    Ok(())
}

/// May working out a raised finding's message, values or places fail?
fn words_may_fail(env: &Env<'_>, raise: &RaiseIr) -> bool {
    let mut walk = super::fallible::Walk::new(env);
    walk.template_may_fail(&raise.because)
        || raise.at.iter().any(|e| walk.may_fail(e))
        || raise.values.iter().any(|(_, slot)| walk.slot_fails(*slot))
}

/// A raised finding as a summary counts it: its check and severity.
fn counted(check: &CheckIr, raise: &RaiseIr) -> Finding {
    Finding {
        id: check.id.clone(),
        severity: raise.severity,
        message: String::new(),
        span: raise.span,
        focus: raise.when.span,
        values: Vec::new(),
        computed_from: Vec::new(),
        places: Vec::new(),
        says: None,
        related: Vec::new(),
        judged: None,
    }
}

/// A zero denominator or a number out of range becomes a finding; any
/// other failure stops scoring.
fn undefined(
    env: &Env<'_>,
    check: &CheckIr,
    e: EvalError,
    items: &[PlaceId],
    findings: &mut Vec<Finding>,
) -> Result<(), EvalError> {
    let (id, what) = match e.code {
        Code::RulesDivisionByZero => (UNDEFINED_RATIO, "的除数为 0"),
        Code::RulesOverflow => (
            OUT_OF_RANGE,
            "的计算结果超出可精确表示的范围（约 7.9 × 10²⁸；所用的数过大，或除数过小）",
        ),
        _ => return Err(e),
    };
    let formula = env
        .rule_text(e.span)
        // A named value's span runs to the next statement: the blank lines
        // after its formula are not quoted.
        .map(|t| format!("“{}”", t.trim_end()))
        .unwrap_or_default();
    let purpose = check
        .says
        .as_deref()
        .map(|s| format!("（{s}）"))
        .unwrap_or_default();
    // The zero cell (or the operands out of range) when the rule read it
    // directly, else the rows being checked.
    let mut places: Vec<PlaceId> = e.places.clone();
    if places.is_empty() {
        places.extend(items.iter().copied().filter(|p| *p != NO_PLACE));
    }
    places.dedup();
    findings.push(Finding {
        id: id.to_string(),
        severity: Severity::Warning,
        message: format!("无法完成检查{purpose}：{formula}{what}"),
        span: e.span,
        focus: e.span,
        values: Vec::new(),
        computed_from: Vec::new(),
        places,
        says: check.says.clone(),
        related: Vec::new(),
        judged: None,
    });
    Ok(())
}

/// The finding of a `raise` whose condition holds.
fn raise(env: &mut Env<'_>, check: &CheckIr, raise: &RaiseIr) -> Result<Finding, EvalError> {
    let message = fill(env, &raise.because)?;
    let mut places = Vec::new();
    for at in &raise.at {
        at_places(env, at, &mut places)?;
    }
    for (_, slot) in &raise.values {
        env.force(*slot)?;
    }
    let values = raise
        .values
        .iter()
        .map(|(n, s)| (n.clone(), env.slot(*s).clone()))
        .collect();
    let computed_from = env.computed_from(&raise.values);
    Ok(Finding {
        id: check.id.clone(),
        severity: raise.severity,
        message,
        span: raise.span,
        focus: raise.when.span,
        values,
        computed_from,
        places,
        says: check.says.clone(),
        related: raise.related.clone(),
        judged: None,
    })
}

/// The places an `at` expression names: a field's own cell (its row, when
/// the cell is blank and has none), a record's table or row, each record of
/// a list; else every place it read.
pub(super) fn at_places(
    env: &mut Env<'_>,
    at: &Expr,
    out: &mut Vec<PlaceId>,
) -> Result<(), EvalError> {
    if let ExprIr::Field(target, index) = &at.kind {
        if let Value::Record(r) = env.eval_untracked(target)? {
            // A cell left blank has no place of its own: its row (or table)
            // is where to write it, not the other places named beside it.
            match r.places.get(*index).copied().filter(|p| *p != NO_PLACE) {
                Some(p) => out.push(p),
                None if r.place != NO_PLACE => out.push(r.place),
                None => {}
            }
            return Ok(());
        }
    }
    let mut touched = Vec::new();
    match env.eval(at, &mut touched)? {
        Value::Record(r) if r.place != NO_PLACE => out.push(r.place),
        Value::List(items)
            if !items.is_empty()
                && items
                    .iter()
                    .all(|v| matches!(v, Value::Record(r) if r.place != NO_PLACE)) =>
        {
            out.extend(items.iter().filter_map(|v| match v {
                Value::Record(r) => Some(r.place),
                _ => None,
            }));
        }
        Value::List(items) if items.is_empty() => {}
        _ => out.extend(touched),
    }
    Ok(())
}
