//! The expression interpreter. Every arithmetic step is checked; a blank
//! value (`Absent`) propagates through arithmetic, fails every ordering
//! comparison, counts as false, and iterates as an empty list.

use super::EvalError;
use crate::base::{AggKind, BinOp};
use crate::data::{NO_PLACE, PlaceId, Record, Value};
use crate::ir::{Builtin, Expr, ExprIr, FunctionIr};
use rust_decimal::{Decimal, RoundingStrategy};
use std::sync::Arc;

/// The values of one evaluation: slots and the submission places each
/// slot's value was read from.
pub(crate) struct Env<'a> {
    pub(crate) root: &'a Value,
    /// The rule files, to quote a failing expression.
    pub(crate) files: &'a [crate::source::SourceFile],
    pub(crate) functions: &'a [FunctionIr],
    pub(crate) slots: Vec<Value>,
    /// For each slot, a range into `place_log`.
    pub(crate) slot_places: Vec<(u32, u32)>,
    pub(crate) place_log: Vec<PlaceId>,
    /// Named values defined but not yet needed: evaluated on first read, so
    /// a check's `let`s cost nothing for rows where no `raise` reads them.
    deferred: Vec<Option<&'a Expr>>,
    /// A reusable buffer for places nobody keeps.
    scratch: Vec<PlaceId>,
}

/// Arguments evaluated on the stack.
const SMALL_ARGS: usize = 4;

/// How many places a slot remembers; explanations show a few.
const MAX_PLACES_PER_SLOT: usize = 16;

type R = Result<Value, EvalError>;

impl<'a> Env<'a> {
    pub(crate) fn new(
        root: &'a Value,
        files: &'a [crate::source::SourceFile],
        functions: &'a [FunctionIr],
        slot_count: usize,
    ) -> Self {
        Env {
            root,
            files,
            functions,
            slots: vec![Value::Absent; slot_count],
            slot_places: vec![(0, 0); slot_count],
            place_log: Vec::new(),
            deferred: vec![None; slot_count],
            scratch: Vec::new(),
        }
    }

    /// Define a named value, to be evaluated when first read.
    pub(crate) fn defer(&mut self, slot: u32, expr: &'a Expr) {
        let i = slot as usize;
        if let (Some(d), Some(s), Some(p)) = (
            self.deferred.get_mut(i),
            self.slots.get_mut(i),
            self.slot_places.get_mut(i),
        ) {
            *d = Some(expr);
            *s = Value::Absent;
            *p = (0, 0);
        }
    }

    /// Evaluate a deferred named value now, if it has not been.
    pub(crate) fn force(&mut self, slot: u32) -> Result<(), EvalError> {
        match self.deferred.get_mut(slot as usize).and_then(Option::take) {
            Some(expr) => self.bind(slot, expr),
            None => Ok(()),
        }
    }

    /// The rule text a span covers.
    pub(crate) fn rule_text(&self, span: crate::source::Span) -> Option<&str> {
        self.files
            .get(usize::from(span.file))?
            .text
            .get(span.start as usize..span.end as usize)
    }

    /// Evaluate and store into a slot, remembering the places read.
    pub(crate) fn bind(&mut self, slot: u32, expr: &Expr) -> Result<(), EvalError> {
        let mut touched = Vec::new();
        let value = self.eval(expr, &mut touched)?;
        touched.sort_unstable();
        touched.dedup();
        touched.truncate(MAX_PLACES_PER_SLOT);
        let start = u32::try_from(self.place_log.len()).unwrap_or(u32::MAX);
        self.place_log.extend(touched);
        let end = u32::try_from(self.place_log.len()).unwrap_or(u32::MAX);
        if let (Some(s), Some(p)) = (
            self.slots.get_mut(slot as usize),
            self.slot_places.get_mut(slot as usize),
        ) {
            *s = value;
            *p = (start, end);
        }
        Ok(())
    }

    fn set(&mut self, slot: u32, value: Value) {
        if let Some(s) = self.slots.get_mut(slot as usize) {
            *s = value;
        }
    }

    pub(crate) fn slot(&self, slot: u32) -> &Value {
        self.slots.get(slot as usize).unwrap_or(&Value::Absent)
    }

    pub(crate) fn slot_places(&self, slot: u32) -> &[PlaceId] {
        let (s, e) = self
            .slot_places
            .get(slot as usize)
            .copied()
            .unwrap_or((0, 0));
        self.place_log.get(s as usize..e as usize).unwrap_or(&[])
    }

    /// Evaluate; `touched` collects the submission places read.
    pub(crate) fn eval(&mut self, e: &Expr, touched: &mut Vec<PlaceId>) -> R {
        self.eval_kind(e, touched).map_err(|err| err.at(e.span))
    }

    fn eval_kind(&mut self, e: &Expr, touched: &mut Vec<PlaceId>) -> R {
        Ok(match &e.kind {
            ExprIr::Const(v) => v.clone(),
            ExprIr::Root => self.root.clone(),
            ExprIr::Slot(slot) => {
                self.force(*slot)?;
                let (s, end) = self
                    .slot_places
                    .get(*slot as usize)
                    .copied()
                    .unwrap_or((0, 0));
                if let Some(places) = self.place_log.get(s as usize..end as usize) {
                    touched.extend_from_slice(places);
                }
                self.slot(*slot).clone()
            }
            ExprIr::Field(target, index) => {
                let t = self.eval(target, touched)?;
                field(&t, *index, touched)
            }
            ExprIr::Index(target, index) => {
                let t = self.eval(target, touched)?;
                let i = self.eval(index, touched)?;
                index_value(&t, &i, touched)
            }
            ExprIr::Not(inner) => Value::Bool(!truthy(&self.eval(inner, touched)?)),
            ExprIr::Neg(inner) => match self.eval(inner, touched)? {
                Value::Num(n) => Value::Num(-n),
                _ => Value::Absent,
            },
            ExprIr::Binary(op, a, b) => self.eval_binary(*op, a, b, touched)?,
            ExprIr::If(c, a, b) => {
                if truthy(&self.eval(c, touched)?) {
                    self.eval(a, touched)?
                } else {
                    self.eval(b, touched)?
                }
            }
            ExprIr::Call(builtin, args) => self.eval_call(*builtin, args, touched)?,
            ExprIr::CallFunction(index, args) => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, touched)?);
                }
                let functions = self.functions;
                let Some(function) = functions.get(*index) else {
                    return Ok(Value::Absent);
                };
                // Arguments are all evaluated before any is bound, so a call
                // nested in another call's arguments cannot clobber them.
                for (slot, value) in function.params.iter().zip(values) {
                    self.set(*slot, value);
                }
                self.eval(&function.body, touched)?
            }
            ExprIr::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item, touched)?);
                }
                Value::List(out.into())
            }
            ExprIr::Record(fields) => {
                let mut out = Vec::with_capacity(fields.len());
                for f in fields {
                    out.push(self.eval(f, touched)?);
                }
                let places = vec![NO_PLACE; out.len()];
                Value::Record(Arc::new(Record {
                    fields: out.into(),
                    places: places.into(),
                    place: NO_PLACE,
                }))
            }
            ExprIr::Aggregate {
                kind,
                slot,
                list,
                filter,
                body,
            } => self.eval_aggregate(
                *kind,
                *slot,
                list,
                filter.as_deref(),
                body.as_deref(),
                touched,
            )?,
        })
    }

    fn eval_binary(&mut self, op: BinOp, a: &Expr, b: &Expr, touched: &mut Vec<PlaceId>) -> R {
        // `and` and `or` do not evaluate their right side when the left decides.
        match op {
            BinOp::And => {
                return Ok(Value::Bool(
                    truthy(&self.eval(a, touched)?) && truthy(&self.eval(b, touched)?),
                ));
            }
            BinOp::Or => {
                return Ok(Value::Bool(
                    truthy(&self.eval(a, touched)?) || truthy(&self.eval(b, touched)?),
                ));
            }
            _ => {}
        }
        let x = self.eval(a, touched)?;
        let divisor_from = touched.len();
        let y = self.eval(b, touched)?;
        if op == BinOp::Div && matches!(y, Value::Num(q) if q.is_zero()) {
            if let Value::Num(p) = x {
                let mut err = EvalError::division_by_zero(p);
                err.places = touched.get(divisor_from..).unwrap_or(&[]).to_vec();
                return Err(err);
            }
        }
        Ok(match op {
            BinOp::Eq => Value::Bool(equal(&x, &y)),
            BinOp::Ne => Value::Bool(!equal(&x, &y)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ord = match (&x, &y) {
                    (Value::Num(p), Value::Num(q)) => Some(p.cmp(q)),
                    (Value::Date(p), Value::Date(q)) => Some(p.cmp(q)),
                    (Value::Text(p), Value::Text(q)) => Some(p.cmp(q)),
                    _ => None,
                };
                Value::Bool(ord.is_some_and(|o| match op {
                    BinOp::Lt => o.is_lt(),
                    BinOp::Le => o.is_le(),
                    BinOp::Gt => o.is_gt(),
                    _ => o.is_ge(),
                }))
            }
            _ => arithmetic(op, &x, &y)?,
        })
    }

    fn eval_aggregate(
        &mut self,
        kind: AggKind,
        slot: u32,
        list: &Expr,
        filter: Option<&Expr>,
        body: Option<&Expr>,
        touched: &mut Vec<PlaceId>,
    ) -> R {
        let items = match self.eval(list, touched)? {
            Value::List(items) => items,
            _ => Arc::from([]),
        };
        let mut count = 0u32;
        let mut sum = Decimal::ZERO;
        let mut best: Option<Decimal> = None;
        let mut collected = Vec::new();
        for item in items.iter() {
            self.set(slot, item.clone());
            // Places read for an item that the filter drops are not part of
            // the result's provenance.
            let mark = touched.len();
            if let Some(f) = filter {
                if !truthy(&self.eval(f, touched)?) {
                    touched.truncate(mark);
                    continue;
                }
            }
            let value = match body {
                Some(b) => self.eval(b, touched)?,
                None => Value::Absent,
            };
            match kind {
                AggKind::Count => count += 1,
                AggKind::Sum => {
                    if let Value::Num(n) = value {
                        sum = sum.checked_add(n).ok_or_else(EvalError::overflow)?;
                    }
                }
                AggKind::Min | AggKind::Max => {
                    if let Value::Num(n) = value {
                        best = Some(match best {
                            Some(b) if (kind == AggKind::Min) == (b <= n) => b,
                            _ => n,
                        });
                    }
                }
                AggKind::All => {
                    if !truthy(&value) {
                        return Ok(Value::Bool(false));
                    }
                }
                AggKind::Any => {
                    if truthy(&value) {
                        return Ok(Value::Bool(true));
                    }
                }
                AggKind::First => return Ok(value),
                AggKind::List => collected.push(value),
            }
        }
        Ok(match kind {
            AggKind::Count => Value::Num(Decimal::from(count)),
            AggKind::Sum => Value::Num(sum),
            AggKind::Min | AggKind::Max => best.map_or(Value::Absent, Value::Num),
            AggKind::All => Value::Bool(true),
            AggKind::Any => Value::Bool(false),
            AggKind::First => Value::Absent,
            AggKind::List => Value::List(collected.into()),
        })
    }

    fn eval_call(&mut self, builtin: Builtin, args: &[Expr], touched: &mut Vec<PlaceId>) -> R {
        // Built-ins take one to three arguments (`min`/`max`/`collect` may
        // take more): no allocation for the common case.
        if args.len() <= SMALL_ARGS {
            let mut values: [Value; SMALL_ARGS] = Default::default();
            for (slot, a) in values.iter_mut().zip(args) {
                *slot = self.eval(a, touched)?;
            }
            return super::builtins::call(builtin, values.get(..args.len()).unwrap_or(&[]));
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(a, touched)?);
        }
        super::builtins::call(builtin, &values)
    }

    /// Evaluate without keeping the places read (conditions, hints): reuses
    /// one buffer instead of allocating one per call.
    pub(crate) fn eval_untracked(&mut self, e: &Expr) -> R {
        let mut scratch = std::mem::take(&mut self.scratch);
        let result = self.eval(e, &mut scratch);
        scratch.clear();
        self.scratch = scratch;
        result
    }
}

/// Blank and false are false.
pub(crate) fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

fn field(target: &Value, index: usize, touched: &mut Vec<PlaceId>) -> Value {
    let Value::Record(record) = target else {
        return Value::Absent;
    };
    let value = record.fields.get(index).cloned().unwrap_or_default();
    // Scalars are the cells a rule reads; records and lists are containers.
    if !matches!(value, Value::Record(_) | Value::List(_) | Value::Map(_)) {
        if let Some(p) = record.places.get(index).copied().filter(|p| *p != NO_PLACE) {
            touched.push(p);
        }
    }
    value
}

fn index_value(target: &Value, index: &Value, touched: &mut Vec<PlaceId>) -> Value {
    match (target, index) {
        (Value::Map(map), Value::Text(key)) => {
            match map.entries.iter().find(|(k, _, _)| k == key) {
                Some((_, v, place)) => {
                    if *place != NO_PLACE {
                        touched.push(*place);
                    }
                    v.clone()
                }
                None => Value::Absent,
            }
        }
        (Value::List(items), Value::Num(n)) if n.fract().is_zero() => usize::try_from(*n)
            .ok()
            .and_then(|i| items.get(i).cloned())
            .unwrap_or_default(),
        _ => Value::Absent,
    }
}

/// Equality as bureau staff expect it: `10 == 10.0`, blank equals blank.
pub(crate) fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Absent, Value::Absent) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Num(x), Value::Num(y)) => x == y,
        (Value::Text(x), Value::Text(y)) => x == y,
        (Value::Date(x), Value::Date(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equal(p, q))
        }
        (Value::Record(x), Value::Record(y)) => {
            x.fields.len() == y.fields.len()
                && x.fields
                    .iter()
                    .zip(y.fields.iter())
                    .all(|(p, q)| equal(p, q))
        }
        _ => false,
    }
}

fn arithmetic(op: BinOp, x: &Value, y: &Value) -> R {
    Ok(match (x, y) {
        (Value::Num(p), Value::Num(q)) => Value::Num(match op {
            BinOp::Add => p.checked_add(*q).ok_or_else(EvalError::overflow)?,
            BinOp::Sub => p.checked_sub(*q).ok_or_else(EvalError::overflow)?,
            BinOp::Mul => p.checked_mul(*q).ok_or_else(EvalError::overflow)?,
            _ => {
                if q.is_zero() {
                    return Err(EvalError::division_by_zero(*p));
                }
                p.checked_div(*q).ok_or_else(EvalError::overflow)?
            }
        }),
        (Value::Text(p), Value::Text(q)) if op == BinOp::Add => Value::text(&format!("{p}{q}")),
        (Value::Date(p), Value::Date(q)) if op == BinOp::Sub => {
            Value::Num(Decimal::from(p.days() - q.days()))
        }
        _ => Value::Absent,
    })
}

/// Half away from zero, as the sheet rounds.
pub(crate) fn round(n: Decimal, dp: u32) -> Decimal {
    n.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}
