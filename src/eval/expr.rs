//! The expression interpreter. Every arithmetic step is checked; a blank
//! value (`Absent`) propagates through arithmetic, fails every ordering
//! comparison, counts as false, and iterates as an empty list.

use super::EvalError;
use super::index::{
    self, Arg, Entry, HashMap, HashSet, Index, Kept, Key, Layers, Memo, RefAnswer, Token,
};
use super::values::compare;
use crate::base::{AggKind, BinOp};
use crate::data::{NO_PLACE, PlaceId, Record, Value};
use crate::ir::{Builtin, Expr, ExprIr, FunctionIr};
use rust_decimal::Decimal;
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
    /// Does each named value keep the places it reads when it is
    /// evaluated (`LetIr::keeps_places`)?
    keeps_places: Vec<bool>,
    /// A reusable buffer for places nobody keeps.
    scratch: Vec<PlaceId>,
    /// Are the places read being kept (a named value's provenance)? False
    /// inside `eval_untracked`, where an `any` may skip items it need not
    /// look at.
    tracking: bool,
    /// Does the consumer of the places read keep only the first
    /// `MAX_PLACES_PER_SLOT` of them, sorted and without repeats (a named
    /// value, `bind`)? Then a remembered aggregate gives those instead of
    /// every place of every item it read, which would make a lookup inside
    /// a loop cost as much as a scan again.
    summarising: bool,
    /// Look rows up by key and remember function answers (off only to test
    /// both against a scan and a run of every call).
    pub(crate) indexing: bool,
    /// Run rule functions lowered to typed code (off only to test them
    /// against the interpreter).
    pub(crate) typed: bool,
    /// Aggregates' lists grouped by key, by (aggregate, list) address.
    indexes: HashMap<(usize, usize), Entry>,
    /// `any` over key equalities read by a named value: what a scan reads,
    /// by (aggregate, list) address; nothing when it must be scanned.
    layers: HashMap<(usize, usize), Option<Layers>>,
    /// Aggregates' answers by (aggregate, list, key).
    memos: HashMap<(usize, usize, Vec<Key>), Memo>,
    /// `contains(list, x)` on long lists: the list's scalar items as a set,
    /// by the list's address (the list is kept so the address stays its).
    sets: HashMap<usize, (Arc<[Value]>, HashSet<Key>)>,
    /// Rule functions' answers by (function, scalar arguments), for calls
    /// other than with one text (`by_cell`). A function reads only its
    /// arguments and the parameters, so its answer is the same for the
    /// same arguments throughout an evaluation.
    answers: HashMap<(usize, [Arg; index::MAX_ARGS]), Value>,
    /// The answers of functions given a list or a record (`stating(report.
    /// sections, pattern)`, `indicator_words(r)`), by (function, how the
    /// reader keeps places, the arguments, containers by address), with
    /// the places the body read: a later call gives them as the body would
    /// have.
    by_ref: HashMap<(usize, Kept, [Arg; index::MAX_ARGS]), RefAnswer>,
    /// The answers of functions given one text, by (function, the text's
    /// address; 0 for a blank), with the text kept so that no other text
    /// takes its address during the evaluation. Cells are shared, not
    /// copied, so the same cell has the same address.
    by_cell: HashMap<(usize, usize), (Value, Value)>,
    /// Is a hint being evaluated (`eval_hint`)?
    hinting: bool,
    /// Emptied place buffers of finished `bind`s, for the next.
    buffers: Vec<Vec<PlaceId>>,
    /// Answers of `quantity`, `split` and `extract` by (built-in, the
    /// arguments' identities), with the arguments they were given.
    parsed: HashMap<(Builtin, usize, usize), (Value, Value, Value)>,
    /// Where a chain of `+` on texts is joined before it becomes one text.
    joining: String,
}

/// Arguments evaluated on the stack.
const SMALL_ARGS: usize = 4;

/// Operands of a chain of `+` joined at once (a longer chain's left part
/// is summed as a chain of its own).
const MAX_SUM: usize = 16;

/// Remembered function answers a submission usually needs room for.
const ANSWERS_CAPACITY: usize = 256;

/// Answers of calls given a list or a record a submission usually needs
/// room for (the 2022 rules on the example: 18), so that the table is not
/// grown and rehashed.
const BY_REF_CAPACITY: usize = 32;

/// Cells a submission's `quantity` and `split` answers usually need room for.
const PARSED_CAPACITY: usize = 128;

/// Fields a path read by reference may go through (deeper ones are
/// evaluated).
const MAX_PEEK_DEPTH: usize = 8;

/// The blank a path reads where there is no field.
static ABSENT: Value = Value::Absent;

/// How many places a slot remembers; explanations show a few.
pub const MAX_PLACES_PER_SLOT: usize = 16;

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
            keeps_places: vec![true; slot_count],
            scratch: Vec::new(),
            tracking: true,
            summarising: false,
            indexing: true,
            typed: true,
            indexes: HashMap::default(),
            layers: HashMap::default(),
            memos: HashMap::default(),
            sets: HashMap::default(),
            // Sized for the cells a year's rules ask functions about, so
            // the table is not grown (and rehashed) several times per unit.
            answers: HashMap::with_capacity_and_hasher(ANSWERS_CAPACITY, Default::default()),
            by_cell: HashMap::with_capacity_and_hasher(ANSWERS_CAPACITY, Default::default()),
            by_ref: HashMap::with_capacity_and_hasher(BY_REF_CAPACITY, Default::default()),
            hinting: false,
            buffers: Vec::new(),
            parsed: HashMap::with_capacity_and_hasher(PARSED_CAPACITY, Default::default()),
            joining: String::new(),
        }
    }

    /// Define a named value, to be evaluated when first read.
    pub(crate) fn defer(&mut self, slot: u32, expr: &'a Expr) {
        self.defer_keeping(slot, expr, true);
    }

    /// Define a named value that keeps the places it reads or not.
    pub(crate) fn defer_keeping(&mut self, slot: u32, expr: &'a Expr, keeps_places: bool) {
        let i = slot as usize;
        if let Some(k) = self.keeps_places.get_mut(i) {
            *k = keeps_places;
        }
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

    /// Evaluate a deferred named value now, if it has not been. Inline:
    /// most reads find it evaluated already.
    #[inline]
    pub(crate) fn force(&mut self, slot: u32) -> Result<(), EvalError> {
        match self.deferred.get_mut(slot as usize).and_then(Option::take) {
            Some(expr) => {
                let keep = self.keeps_places.get(slot as usize) != Some(&false);
                self.bind(slot, expr, keep)
            }
            .inspect_err(|_| {
                // A hint gives up on a failure and scoring goes on: the
                // value is deferred again, so that the score that reads it
                // next meets the same failure, not a blank.
                if self.hinting {
                    if let Some(d) = self.deferred.get_mut(slot as usize) {
                        *d = Some(expr);
                    }
                }
            }),
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

    /// Evaluate and store into a slot; with `keep`, remembering the places
    /// read. Without (a check's named value whose places nothing shows),
    /// its readers find a plain value; a zero divisor still names the
    /// cell it read.
    fn bind(&mut self, slot: u32, expr: &Expr, keep: bool) -> Result<(), EvalError> {
        // A named value read inside another's definition binds in turn:
        // buffers are taken from a pool rather than allocated per `let`.
        let mut touched = self.buffers.pop().unwrap_or_default();
        let was = (self.tracking, self.summarising);
        (self.tracking, self.summarising) = (keep, keep || was.1);
        let value = self.eval(expr, &mut touched);
        (self.tracking, self.summarising) = was;
        let start = u32::try_from(self.place_log.len()).unwrap_or(u32::MAX);
        if keep && value.is_ok() {
            touched.sort_unstable();
            touched.dedup();
            touched.truncate(MAX_PLACES_PER_SLOT);
            self.place_log.extend_from_slice(&touched);
        }
        touched.clear();
        self.buffers.push(touched);
        let value = value?;
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

    /// The cells a named number was computed from, for an explanation:
    /// nothing for any other value, or a number read from no cell.
    pub(crate) fn computed_from(&self, values: &[(String, u32)]) -> Vec<(String, Vec<PlaceId>)> {
        values
            .iter()
            .filter(|(_, slot)| matches!(self.slot(*slot), Value::Num(_)))
            .filter_map(|(name, slot)| {
                let places = self.slot_places(*slot);
                (!places.is_empty()).then(|| (name.clone(), places.to_vec()))
            })
            .collect()
    }

    pub(crate) fn slot_places(&self, slot: u32) -> &[PlaceId] {
        let (s, e) = self
            .slot_places
            .get(slot as usize)
            .copied()
            .unwrap_or((0, 0));
        self.place_log.get(s as usize..e as usize).unwrap_or(&[])
    }

    /// The value of a path (a constant, the submission, a named value
    /// already evaluated, fields of those) by reference, the places it
    /// reads pushed as `eval` pushes them: no record on the way is cloned.
    /// Nothing, and nothing pushed, for any other expression or a named
    /// value not yet evaluated (its base is looked at before any field).
    #[inline(always)]
    fn peek<'s>(&'s self, e: &'s Expr, touched: &mut Vec<PlaceId>) -> Option<&'s Value> {
        // Most expressions asked are no path: answered before any set-up.
        match &e.kind {
            ExprIr::Const(v) => Some(v),
            // The commonest path, a loop item's field (`r.name`), read here
            // without walking the chain.
            ExprIr::Field(target, index) => match &target.kind {
                ExprIr::Slot(slot) => match self.plain_slot(*slot) {
                    Some(item) => Some(field_ref(item, *index, touched)),
                    None => self.peek_path(e, touched),
                },
                _ => self.peek_path(e, touched),
            },
            ExprIr::Slot(_) | ExprIr::Root => self.peek_path(e, touched),
            _ => None,
        }
    }

    /// A slot's value when it is evaluated and carries no places of its
    /// own (a loop item, a function's argument): nothing to add on reading.
    #[inline(always)]
    fn plain_slot(&self, slot: u32) -> Option<&Value> {
        let i = slot as usize;
        let no_places = self.slot_places.get(i).is_some_and(|(s, e)| s == e);
        let evaluated = self.deferred.get(i).is_some_and(Option::is_none);
        match no_places && evaluated {
            true => self.slots.get(i),
            false => None,
        }
    }

    #[inline(never)]
    fn peek_path<'s>(&'s self, e: &'s Expr, touched: &mut Vec<PlaceId>) -> Option<&'s Value> {
        // Down the chain of fields to its base, then back up: a loop, not
        // a call per field (rules read `t.funds.weight` everywhere).
        let mut fields = [0usize; MAX_PEEK_DEPTH];
        let mut depth = 0;
        let mut base = e;
        while let ExprIr::Field(target, index) = &base.kind {
            *fields.get_mut(depth)? = *index;
            depth += 1;
            base = target;
        }
        let mut value = match &base.kind {
            ExprIr::Const(v) => v,
            ExprIr::Root => self.root,
            ExprIr::Slot(slot) => {
                let i = *slot as usize;
                if self.deferred.get(i).is_none_or(Option::is_some) {
                    return None;
                }
                let (start, end) = self.slot_places.get(i).copied().unwrap_or((0, 0));
                if start != end {
                    if let Some(places) = self.place_log.get(start as usize..end as usize) {
                        touched.extend_from_slice(places);
                    }
                }
                self.slots.get(i)?
            }
            _ => return None,
        };
        for index in fields.get(..depth)?.iter().rev() {
            value = field_ref(value, *index, touched);
        }
        Some(value)
    }

    /// A condition's truth, without making a value of it on the way:
    /// `and`, `or` and `not` are followed here, and `present` of a path
    /// and comparisons of paths answered where the values are. Anything
    /// else is evaluated; blank and false are false.
    pub(crate) fn test(&mut self, e: &Expr, touched: &mut Vec<PlaceId>) -> Result<bool, EvalError> {
        // The right operand of `and` and `or` (a chain of conditions
        // leans right) is tested in this frame, not in a call of its own.
        let mut e = e;
        loop {
            match &e.kind {
                ExprIr::Binary(BinOp::And, a, b) => match self.test(a, touched)? {
                    true => e = b,
                    false => return Ok(false),
                },
                ExprIr::Binary(BinOp::Or, a, b) => match self.test(a, touched)? {
                    true => return Ok(true),
                    false => e = b,
                },
                _ => return self.test_leaf(e, touched),
            }
        }
    }

    /// `test` of a condition other than `and` and `or`.
    #[inline(always)]
    fn test_leaf(&mut self, e: &Expr, touched: &mut Vec<PlaceId>) -> Result<bool, EvalError> {
        match &e.kind {
            ExprIr::Not(inner) => Ok(!self.test(inner, touched)?),
            ExprIr::Call(Builtin::Present, args) => {
                if let [arg] = args.as_slice() {
                    if let Some(v) = self.peek(arg, touched) {
                        return Ok(!matches!(v, Value::Absent));
                    }
                }
                Ok(truthy(&self.eval(e, touched)?))
            }
            ExprIr::Binary(
                op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge),
                a,
                b,
            ) => {
                let mark = touched.len();
                if let Some(x) = self.peek(a, touched) {
                    if let Some(y) = self.peek(b, touched) {
                        return Ok(compare(*op, x, y));
                    }
                }
                touched.truncate(mark);
                Ok(truthy(&self.eval(e, touched)?))
            }
            ExprIr::CallFunction(index, args) => {
                if let Some(answer) = self.remembered_for_cell(*index, args, touched) {
                    return Ok(truthy(answer));
                }
                Ok(truthy(&self.eval(e, touched)?))
            }
            _ => Ok(truthy(&self.eval(e, touched)?)),
        }
    }

    /// A hint's value, untracked. A named value that fails on the way is
    /// left to be evaluated again by its next reader (see `force`).
    pub(crate) fn eval_hint(&mut self, e: &Expr) -> R {
        let was = std::mem::replace(&mut self.hinting, true);
        let value = self.eval_untracked(e);
        self.hinting = was;
        value
    }

    /// `test` without keeping the places read.
    pub(crate) fn test_untracked(&mut self, e: &Expr) -> Result<bool, EvalError> {
        self.untracked(|env, scratch| env.test(e, scratch))
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
            ExprIr::Field(target, index) => match self.peek(e, touched) {
                Some(value) => value.clone(),
                None => {
                    let t = self.eval(target, touched)?;
                    field(&t, *index, touched)
                }
            },
            ExprIr::Index(target, index) => {
                let t = self.eval(target, touched)?;
                let i = self.eval(index, touched)?;
                index_value(&t, &i, touched)
            }
            ExprIr::Not(inner) => Value::Bool(!self.test(inner, touched)?),
            ExprIr::Neg(inner) => match self.eval(inner, touched)? {
                Value::Num(n) => Value::Num(-n),
                _ => Value::Absent,
            },
            ExprIr::Binary(op, a, b) => self.eval_binary(*op, a, b, touched)?,
            ExprIr::If(c, a, b) => {
                if self.test(c, touched)? {
                    self.eval(a, touched)?
                } else {
                    self.eval(b, touched)?
                }
            }
            ExprIr::Call(builtin, args) => self.eval_call(*builtin, args, touched)?,
            ExprIr::CallFunction(index, args) => self.call_function(*index, args, touched)?,
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
                e,
                *kind,
                *slot,
                list,
                filter.as_deref(),
                body.as_deref(),
                touched,
            )?,
        })
    }

    /// A remembered function asked again of a cell (`written(r.name)`, by
    /// several criteria and checks): its answer found by the cell's
    /// address, the argument read in place, not copied and dropped. Apart
    /// from `call_function`, whose frame (arguments on the stack) is
    /// large, so that the commonest call costs no more than a look-up.
    #[inline(always)]
    fn remembered_for_cell(
        &self,
        index: usize,
        args: &[Expr],
        touched: &mut Vec<PlaceId>,
    ) -> Option<&Value> {
        let ([a], true) = (args, self.indexing) else {
            return None;
        };
        if !self.functions.get(index).is_some_and(|f| f.remembered) {
            return None;
        }
        let mark = touched.len();
        if let Some(one @ (Value::Text(_) | Value::Absent)) = self.peek(a, touched) {
            if let Some((_, answer)) = identity(one).and_then(|id| self.by_cell.get(&(index, id))) {
                return Some(answer);
            }
        }
        touched.truncate(mark);
        None
    }

    /// A rule function's call: arguments evaluated, bound, the body run
    /// (or its remembered answer). Out of line, as are the other bulky
    /// forms, so that `eval`'s own frame stays small: it is entered ten
    /// thousand times per submission.
    #[inline(never)]
    fn call_function(&mut self, index: usize, args: &[Expr], touched: &mut Vec<PlaceId>) -> R {
        if let Some(answer) = self.remembered_for_cell(index, args, touched) {
            return Ok(answer.clone());
        }
        // Rule functions take a few arguments: on the stack.
        let mut small: [Value; SMALL_ARGS] = Default::default();
        let mut large = Vec::new();
        let values: &mut [Value] = if args.len() <= SMALL_ARGS {
            small.get_mut(..args.len()).unwrap_or_default()
        } else {
            large.resize(args.len(), Value::Absent);
            &mut large
        };
        let mut given = Given::at(touched.len());
        for (i, (value, a)) in values.iter_mut().zip(args).enumerate() {
            *value = match self.peek(a, touched) {
                Some(v) => v.clone(),
                None => self.eval(a, touched)?,
            };
            given.read(i, value, touched.len());
        }
        let functions = self.functions;
        let Some(function) = functions.get(index) else {
            return Ok(Value::Absent);
        };
        let remembered = function.remembered && self.indexing;
        // One text argument, a cell most often (`written(r.name)`, asked
        // by several criteria and checks): found by the text's address, no
        // key of its contents built and hashed.
        let cell = match (remembered, &*values) {
            (true, [one @ (Value::Text(_) | Value::Absent)]) => identity(one).map(|id| (index, id)),
            _ => None,
        };
        if let Some((_, answer)) = cell.as_ref().and_then(|c| self.by_cell.get(c)) {
            return Ok(answer.clone());
        }
        let key = match remembered && cell.is_none() {
            true => Arg::all(values).map(|args| (index, args)),
            false => None,
        };
        if let Some(answer) = key.as_ref().and_then(|k| self.answers.get(k)) {
            return Ok(answer.clone());
        }
        if remembered && cell.is_none() && key.is_none() {
            return self.call_by_ref(index, function, values, (&given, touched));
        }
        let kept = match cell {
            Some(_) => values.first().cloned(),
            None => None,
        };
        // Typed code reads no places, as the body would not: its answer
        // is remembered as the body's is.
        if let Some(value) = function
            .typed
            .as_ref()
            .filter(|_| self.typed)
            .and_then(|code| super::typed::call(code, values))
        {
            if let Some(key) = key {
                self.answers.insert(key, value.clone());
            } else if let (Some(c), Some(one)) = (cell, kept) {
                self.by_cell.insert(c, (one, value.clone()));
            }
            return Ok(value);
        }
        let (value, read) = self.run_body(function, values, &given, touched)?;
        // Scalar arguments carry no places into the body, which
        // reads nothing else of the submission: an answer that read
        // places anyway is not remembered.
        if touched.len() == read {
            if let Some(key) = key {
                self.answers.insert(key, value.clone());
            } else if let (Some(c), Some(one)) = (cell, kept) {
                self.by_cell.insert(c, (one, value.clone()));
            }
        }
        Ok(value)
    }

    /// A rule function's body run on its evaluated arguments; with where
    /// the places it read start in `touched`. Arguments are all evaluated
    /// before any is bound, so a call nested in another call's arguments
    /// cannot clobber them.
    fn run_body(
        &mut self,
        function: &FunctionIr,
        values: &mut [Value],
        given: &Given,
        touched: &mut Vec<PlaceId>,
    ) -> Result<(Value, usize), EvalError> {
        for (slot, value) in function.params.iter().zip(values.iter_mut()) {
            self.set(*slot, std::mem::take(value));
        }
        let read = touched.len();
        let value = self
            .eval(&function.body, touched)
            .map_err(|e| given.cells(e, touched))?;
        Ok((value, read))
    }

    /// A remembered function given a list or a record: its answer found by
    /// the arguments' addresses, with the places its body read, when they
    /// were kept as completely as this reader keeps them; else the body is
    /// run and its answer kept (a container is shared, not copied, so the
    /// same list or row has the same address throughout an evaluation).
    #[inline(never)]
    fn call_by_ref(
        &mut self,
        index: usize,
        function: &'a FunctionIr,
        values: &mut [Value],
        (given, touched): (&Given, &mut Vec<PlaceId>),
    ) -> R {
        // A body reads places as its reader keeps them (an `any` skips
        // items where none are kept; a remembered aggregate gives a named
        // value its first few): its answer is remembered for readers of
        // the same kind, so that it gives exactly the places a run would
        // (a zero divisor's or an overflow's cells among them).
        let kept = match (self.tracking, self.summarising) {
            (false, _) => Kept::None,
            (true, true) => Kept::Summary,
            (true, false) => Kept::All,
        };
        let key = Arg::by_identity(values).map(|args| (index, kept, args));
        if let Some(answer) = key.as_ref().and_then(|k| self.by_ref.get(k)) {
            touched.extend_from_slice(&answer.places);
            return Ok(answer.value.clone());
        }
        let arguments = match key {
            Some(_) => values.to_vec(),
            None => Vec::new(),
        };
        let (value, read) = self.run_body(function, values, given, touched)?;
        if let Some(key) = key {
            let answer = RefAnswer {
                value: value.clone(),
                places: touched.get(read..).unwrap_or(&[]).to_vec(),
                _arguments: arguments,
            };
            self.by_ref.insert(key, answer);
        }
        Ok(value)
    }

    fn eval_binary(&mut self, op: BinOp, a: &Expr, b: &Expr, touched: &mut Vec<PlaceId>) -> R {
        // `and` and `or` do not evaluate their right side when the left decides.
        match op {
            BinOp::And => {
                return Ok(Value::Bool(
                    self.test(a, touched)? && self.test(b, touched)?,
                ));
            }
            BinOp::Or => {
                return Ok(Value::Bool(
                    self.test(a, touched)? || self.test(b, touched)?,
                ));
            }
            BinOp::Add => return self.eval_sum(a, b, touched),
            _ => {}
        }
        // Operands that are paths are compared where they are, not cloned.
        let operands_from = touched.len();
        let x = match self.peek(a, touched) {
            Some(x) => {
                let divisor_from = touched.len();
                if let Some(y) = self.peek(b, touched) {
                    return apply(op, x, y, touched, (operands_from, divisor_from))
                        .map_err(|e| self.name_divisor(e, b));
                }
                x.clone()
            }
            None => self.eval(a, touched)?,
        };
        let divisor_from = touched.len();
        // A zero divisor's places are reported as they were read.
        let was = self.summarising;
        self.summarising &= op != BinOp::Div;
        let y = self.eval(b, touched);
        self.summarising = was;
        apply(op, &x, &y?, touched, (operands_from, divisor_from))
            .map_err(|e| self.name_divisor(e, b))
    }

    /// A zero divisor named as the rule writes it (`除数 \`named\` 为 0`),
    /// not by the dividend alone: the author sees which value was 0.
    #[cold]
    fn name_divisor(&self, mut e: EvalError, divisor: &Expr) -> EvalError {
        if e.code == crate::diag::Code::RulesDivisionByZero && !e.spanned {
            if let Some(text) = self.rule_text(divisor.span) {
                let named = format!("除数 `{}` 为 0", text.trim());
                e.message = e.message.replacen("除数为 0", &named, 1);
            }
        }
        e
    }

    /// `a + b + c …`, left to right as written (`(a + b) + c`), with the
    /// same answers and errors; but texts are joined in one buffer and
    /// become one new text at the end, not one per `+` (messages and keys
    /// such as `r.level1 + "/" + r.level2` are built for every row).
    #[inline(never)]
    fn eval_sum(&mut self, a: &Expr, b: &Expr, touched: &mut Vec<PlaceId>) -> R {
        // The right operands up the chain's left spine, with the span of
        // the `+` that adds each (the outermost's is stamped by `eval`).
        let mut rights: [Option<(&Expr, Option<crate::source::Span>)>; MAX_SUM] = [None; MAX_SUM];
        rights[0] = Some((b, None));
        let mut count = 1;
        let mut first = a;
        while let ExprIr::Binary(BinOp::Add, inner_a, inner_b) = &first.kind {
            let Some(place) = rights.get_mut(count) else {
                break;
            };
            *place = Some((inner_b, Some(first.span)));
            count += 1;
            first = inner_a;
        }
        let mut text = std::mem::take(&mut self.joining);
        text.clear();
        let rights = rights.get(..count).unwrap_or(&[]);
        let result = self.sum_into(first, rights, &mut text, touched);
        text.clear();
        self.joining = text;
        result
    }

    fn sum_into(
        &mut self,
        first: &Expr,
        rights: &[Option<(&Expr, Option<crate::source::Span>)>],
        text: &mut String,
        touched: &mut Vec<PlaceId>,
    ) -> R {
        // `None`: the sum so far is `text`; a sum that is no text never
        // becomes one again (a text added to anything else is blank).
        let sum_from = touched.len();
        let mut sum: Option<Value> = match self.peek(first, touched) {
            Some(Value::Text(t)) => {
                text.push_str(t);
                None
            }
            Some(v) => Some(v.clone()),
            None => match self.eval(first, touched)? {
                Value::Text(t) => {
                    text.push_str(&t);
                    None
                }
                v => Some(v),
            },
        };
        for (operand, span) in rights.iter().rev().flatten() {
            let stamp = |e: EvalError| match span {
                Some(span) => e.at(*span),
                None => e,
            };
            // A text read in place is joined without a copy; anything else
            // is read below (its places pushed once).
            let mark = touched.len();
            if sum.is_none() {
                if let Some(Value::Text(t)) = self.peek(operand, touched) {
                    text.push_str(t);
                    continue;
                }
            }
            touched.truncate(mark);
            let y = match self.peek(operand, touched) {
                Some(y) => y.clone(),
                None => self.eval(operand, touched)?,
            };
            sum = match (sum.take(), &y) {
                (None, Value::Text(t)) => {
                    text.push_str(t);
                    None
                }
                (None, y) => Some(arithmetic(BinOp::Add, &Value::text(text), y).map_err(stamp)?),
                (Some(x), y) => Some(
                    arithmetic(BinOp::Add, &x, y)
                        .map_err(|e| {
                            out_of_range_at(e, BinOp::Add, (&x, y), touched, (sum_from, mark))
                        })
                        .map_err(stamp)?,
                ),
            };
        }
        Ok(sum.unwrap_or_else(|| Value::text(text)))
    }

    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn eval_aggregate(
        &mut self,
        aggregate: &Expr,
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
        if self.indexing && items.len() >= index::MIN_ITEMS {
            let shape = Shape {
                kind,
                slot,
                filter,
                body,
            };
            if let Some(value) = self.eval_indexed(aggregate, &shape, &items, touched)? {
                return Ok(value);
            }
        }
        let mut acc = Acc::new(kind);
        for item in items.iter() {
            self.set(slot, item.clone());
            // Places read for an item that the filter drops are not part of
            // the result's provenance.
            let mark = touched.len();
            if let Some(f) = filter {
                if !self.test(f, touched)? {
                    touched.truncate(mark);
                    continue;
                }
            }
            let value = match (body, kind) {
                // `any` and `all` need only the body's truth.
                (Some(b), AggKind::Any | AggKind::All) => Value::Bool(self.test(b, touched)?),
                (Some(b), _) => match self.peek(b, touched) {
                    Some(v) => v.clone(),
                    None => self.eval(b, touched)?,
                },
                (None, _) => Value::Absent,
            };
            if let Some(done) = acc.add(value)? {
                return Ok(done);
            }
        }
        Ok(acc.finish())
    }

    /// An aggregate whose condition starts with key equalities, over the
    /// items of the key's group only (see `eval::index`); nothing when it
    /// must be scanned. The first call for a list scans it: grouping pays
    /// from the second call on.
    fn eval_indexed(
        &mut self,
        aggregate: &Expr,
        shape: &Shape<'_>,
        items: &Arc<[Value]>,
        touched: &mut Vec<PlaceId>,
    ) -> Result<Option<Value>, EvalError> {
        // `any(x.k == v for x in xs)`: a scan keeps the places of the
        // items whose equality fails. Where nobody keeps them, they are
        // skipped; for a named value, which keeps its first few places,
        // `Layers` gives them; otherwise the list is scanned.
        let (condition, in_body) = match (shape.filter, shape.body) {
            (Some(f), _) => (f, false),
            (None, Some(b))
                if shape.kind == AggKind::Any && (!self.tracking || self.summarising) =>
            {
                (b, true)
            }
            _ => return Ok(None),
        };
        let slot = shape.slot;
        if !self.slot_places(slot).is_empty() {
            return Ok(None);
        }
        let Some(probe) = index::probe(condition, slot) else {
            return Ok(None);
        };
        // An outer side that is a named value not yet evaluated could fail
        // (or never be needed by a scan): left to the scan.
        if probe.keys.iter().any(|k| self.reads_deferred(k.outer)) {
            return Ok(None);
        }
        let id = (
            std::ptr::from_ref(aggregate) as usize,
            Arc::as_ptr(items).cast::<Value>() as usize,
        );
        match self.indexes.get(&id) {
            None => {
                self.indexes.insert(id, Entry::Seen);
                return Ok(None);
            }
            Some(Entry::Seen) => {
                let paths: Vec<&[usize]> = probe.keys.iter().map(|k| k.path.as_slice()).collect();
                let grouped = Index::build(items, &paths);
                self.indexes.insert(id, Entry::Grouped(grouped));
            }
            Some(Entry::Grouped(_)) => {}
        }
        let mut outer_places = Vec::with_capacity(probe.keys.len());
        let mut key = Vec::with_capacity(probe.keys.len());
        for k in &probe.keys {
            let mut places = Vec::new();
            let value = self.eval(k.outer, &mut places)?;
            let Some(one) = Key::of(&value) else {
                return Ok(None);
            };
            key.push(one);
            outer_places.push(places);
        }
        if in_body && self.tracking {
            return Ok(self.any_by_layers(id, &probe, items, &key, &outer_places, touched));
        }
        let memo_id = (id.0, id.1, key);
        if let Some(memo) = self.memos.get(&memo_id) {
            if self.tracking {
                let places = if self.summarising {
                    &memo.summary
                } else {
                    &memo.places
                };
                replay(places, &outer_places, touched);
            }
            return Ok(Some(memo.value.clone()));
        }
        let Some(Entry::Grouped(grouped)) = self.indexes.get(&id) else {
            return Ok(None);
        };
        let group: Vec<u32> = grouped.group(&memo_id.2).to_vec();
        let mut tokens: Vec<Token> = Vec::new();
        let mut scratch = Vec::new();
        let mut acc = Acc::new(shape.kind);
        let mut answer = None;
        for i in group {
            let Some(item) = items.get(i as usize) else {
                continue;
            };
            self.set(slot, item.clone());
            let mark = tokens.len();
            // The leading equalities hold for every item of the group: the
            // places they read, in the order a scan reads them.
            for (n, k) in probe.keys.iter().enumerate() {
                let own = index::follow(item, &k.path).1.map(Token::Place);
                let (first, second) = if k.item_first {
                    (own, Some(Token::Outer(n)))
                } else {
                    (Some(Token::Outer(n)), own)
                };
                tokens.extend(first);
                tokens.extend(second);
            }
            let mut holds = true;
            for c in &probe.rest {
                scratch.clear();
                let value = self.eval(c, &mut scratch)?;
                tokens.extend(scratch.iter().copied().map(Token::Place));
                if !truthy(&value) {
                    holds = false;
                    break;
                }
            }
            let value = if in_body {
                Value::Bool(holds)
            } else if !holds {
                tokens.truncate(mark);
                continue;
            } else {
                match shape.body {
                    Some(b) => {
                        scratch.clear();
                        let v = self.eval(b, &mut scratch)?;
                        tokens.extend(scratch.iter().copied().map(Token::Place));
                        v
                    }
                    None => Value::Absent,
                }
            };
            if let Some(done) = acc.add(value)? {
                answer = Some(done);
                break;
            }
        }
        let value = answer.unwrap_or_else(|| acc.finish());
        if self.tracking {
            replay(&tokens, &outer_places, touched);
        }
        // The answer depends on the key alone when nothing but the item is
        // read after the equalities.
        let mut bound = Vec::new();
        let pure = probe
            .rest
            .iter()
            .all(|c| index::reads_only(c, slot, &mut bound))
            && (in_body
                || shape
                    .body
                    .is_none_or(|b| index::reads_only(b, slot, &mut bound)));
        if pure {
            let summary = summary(&tokens);
            self.memos.insert(
                memo_id,
                Memo {
                    value: value.clone(),
                    places: tokens,
                    summary,
                },
            );
        }
        Ok(Some(value))
    }

    /// `any` of key equalities alone, read by a named value: whether the
    /// key's group has an item, and the places a scan up to that item
    /// would have read (as `bind` keeps them). Nothing when the list must
    /// be scanned.
    fn any_by_layers(
        &mut self,
        id: (usize, usize),
        probe: &index::Probe<'_>,
        items: &Arc<[Value]>,
        key: &[Key],
        outer_places: &[Vec<PlaceId>],
        touched: &mut Vec<PlaceId>,
    ) -> Option<Value> {
        if !probe.rest.is_empty() {
            return None;
        }
        let first = match self.indexes.get(&id) {
            Some(Entry::Grouped(grouped)) => grouped.group(key).first().copied(),
            _ => return None,
        };
        let layers = self.layers.entry(id).or_insert_with(|| {
            let paths: Vec<&[usize]> = probe.keys.iter().map(|k| k.path.as_slice()).collect();
            Layers::build(items, &paths, MAX_PLACES_PER_SLOT)
        });
        let tokens = layers.as_ref()?.places(key, first.unwrap_or(u32::MAX));
        replay(&summary(&tokens), outer_places, touched);
        Some(Value::Bool(first.is_some()))
    }

    /// Does the expression read a named value not yet evaluated?
    fn reads_deferred(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprIr::Slot(s) => self.deferred.get(*s as usize).is_some_and(Option::is_some),
            ExprIr::Field(t, _) => self.reads_deferred(t),
            ExprIr::Index(a, b) => self.reads_deferred(a) || self.reads_deferred(b),
            _ => false,
        }
    }

    #[inline(never)]
    fn eval_call(&mut self, builtin: Builtin, args: &[Expr], touched: &mut Vec<PlaceId>) -> R {
        if let (true, [a, b @ ..]) = (parses(builtin) && self.indexing, args) {
            return self.parse_call(builtin, a, b.first(), touched);
        }
        // Arguments that are paths are looked at where they are. Only when
        // every one is: a path looked at before an argument that must be
        // evaluated would hold the environment the evaluation changes.
        // (`contains` on a long list remembers the list as a set, which
        // changes the environment too.)
        if args.len() <= SMALL_ARGS {
            let mark = touched.len();
            let mut refs: [&Value; SMALL_ARGS] = [&ABSENT; SMALL_ARGS];
            let mut all = true;
            for (r, a) in refs.iter_mut().zip(args) {
                match self.peek(a, touched) {
                    Some(v) => *r = v,
                    None => {
                        all = false;
                        break;
                    }
                }
            }
            let by_set = builtin == Builtin::Contains
                && matches!(refs.first(), Some(Value::List(items)) if items.len() >= index::MIN_ITEMS);
            if all && !by_set {
                return super::builtins::call(builtin, refs.get(..args.len()).unwrap_or(&[]));
            }
            touched.truncate(mark);
        }
        // Built-ins take one to three arguments (`min`/`max`/`collect` may
        // take more): no allocation for the common case.
        if args.len() <= SMALL_ARGS {
            let mut values: [Value; SMALL_ARGS] = Default::default();
            for (slot, a) in values.iter_mut().zip(args) {
                *slot = self.eval(a, touched)?;
            }
            let values = values.get(..args.len()).unwrap_or(&[]);
            if builtin == Builtin::Contains {
                if let [Value::List(items), x, ..] = values {
                    if let Some(found) = self.contains(items, x) {
                        return Ok(Value::Bool(found));
                    }
                }
            }
            let mut refs: [&Value; SMALL_ARGS] = [&ABSENT; SMALL_ARGS];
            for (r, v) in refs.iter_mut().zip(values) {
                *r = v;
            }
            return super::builtins::call(builtin, refs.get(..values.len()).unwrap_or(&[]));
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(a, touched)?);
        }
        let refs: Vec<&Value> = values.iter().collect();
        super::builtins::call(builtin, &refs)
    }

    /// `quantity` or `split`: a cell's answer remembered by the
    /// identity of its texts. Several checks and criteria read the same
    /// cell (`quantity(r.target)`, `split(cell, label_colons)`); the
    /// submission's text is shared, not copied, so its address names it
    /// without hashing it. The texts are kept with the answer, so no other
    /// text can take their address during the evaluation.
    fn parse_call(
        &mut self,
        builtin: Builtin,
        a: &Expr,
        b: Option<&Expr>,
        touched: &mut Vec<PlaceId>,
    ) -> R {
        let x = match self.peek(a, touched) {
            Some(x) => x.clone(),
            None => self.eval(a, touched)?,
        };
        let y = match b {
            Some(b) => match self.peek(b, touched) {
                Some(y) => y.clone(),
                None => self.eval(b, touched)?,
            },
            None => Value::Absent,
        };
        let args = [&x, &y];
        let args = args.get(..1 + usize::from(b.is_some())).unwrap_or(&[]);
        let (Some(p), Some(q)) = (identity(&x), identity(&y)) else {
            return super::builtins::call(builtin, args);
        };
        let key = (builtin, p, q);
        if let Some((_, _, answer)) = self.parsed.get(&key) {
            return Ok(answer.clone());
        }
        let answer = super::builtins::call(builtin, args)?;
        self.parsed.insert(key, (x, y, answer.clone()));
        Ok(answer)
    }

    /// `contains(list, x)` on a long list, by a set of its items built once
    /// per evaluation: rules test membership inside loops over rows. A list
    /// or record item never equals a scalar, so only scalars are kept.
    fn contains(&mut self, items: &Arc<[Value]>, x: &Value) -> Option<bool> {
        if !self.indexing || items.len() < index::MIN_ITEMS {
            return None;
        }
        let key = Key::of(x)?;
        let (_, set) = self
            .sets
            .entry(Arc::as_ptr(items).cast::<Value>() as usize)
            .or_insert_with(|| {
                (
                    Arc::clone(items),
                    items.iter().filter_map(Key::of).collect(),
                )
            });
        Some(set.contains(&key))
    }

    /// Evaluate without keeping the places read (conditions, hints): reuses
    /// one buffer instead of allocating one per call.
    pub(crate) fn eval_untracked(&mut self, e: &Expr) -> R {
        self.untracked(|env, scratch| env.eval(e, scratch))
    }

    /// Run `f` with places not kept: they go to the reused scratch buffer.
    fn untracked<T>(&mut self, f: impl FnOnce(&mut Self, &mut Vec<PlaceId>) -> T) -> T {
        let mut scratch = std::mem::take(&mut self.scratch);
        let was = std::mem::replace(&mut self.tracking, false);
        let result = f(self, &mut scratch);
        self.tracking = was;
        scratch.clear();
        self.scratch = scratch;
        result
    }
}

impl super::fallible::Context for Env<'_> {
    fn function_fails(&self, index: usize) -> bool {
        self.functions.get(index).is_none_or(|f| f.may_fail)
    }

    fn deferred(&self, slot: u32) -> Option<&Expr> {
        self.deferred.get(slot as usize).copied().flatten()
    }
}

/// An aggregate's parts.
struct Shape<'e> {
    kind: AggKind,
    slot: u32,
    filter: Option<&'e Expr>,
    body: Option<&'e Expr>,
}

/// The places `bind` keeps of a token list: the first few item places,
/// sorted and without repeats, and each outer side once.
fn summary(tokens: &[Token]) -> Vec<Token> {
    let mut own: Vec<PlaceId> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Place(p) => Some(*p),
            Token::Outer(_) => None,
        })
        .collect();
    own.sort_unstable();
    own.dedup();
    own.truncate(MAX_PLACES_PER_SLOT);
    let mut outer: Vec<usize> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Outer(n) => Some(*n),
            Token::Place(_) => None,
        })
        .collect();
    outer.sort_unstable();
    outer.dedup();
    own.into_iter()
        .map(Token::Place)
        .chain(outer.into_iter().map(Token::Outer))
        .collect()
}

/// Places recorded as tokens, the outer sides' own places put in.
fn replay(tokens: &[Token], outer: &[Vec<PlaceId>], touched: &mut Vec<PlaceId>) {
    for t in tokens {
        match t {
            Token::Place(p) => touched.push(*p),
            Token::Outer(n) => touched.extend_from_slice(outer.get(*n).map_or(&[], Vec::as_slice)),
        }
    }
}

/// An aggregate's running answer.
struct Acc {
    kind: AggKind,
    count: u32,
    sum: Decimal,
    best: Option<Decimal>,
    collected: Vec<Value>,
}

impl Acc {
    fn new(kind: AggKind) -> Acc {
        Acc {
            kind,
            count: 0,
            sum: Decimal::ZERO,
            best: None,
            collected: Vec::new(),
        }
    }

    /// Take one item's value; the answer when it is decided already
    /// (`any`, `all`, `first`).
    fn add(&mut self, value: Value) -> Result<Option<Value>, EvalError> {
        match self.kind {
            AggKind::Count => self.count += 1,
            AggKind::Sum => {
                if let Value::Num(n) = value {
                    self.sum = self.sum.checked_add(n).ok_or_else(EvalError::overflow)?;
                }
            }
            AggKind::Min | AggKind::Max => {
                if let Value::Num(n) = value {
                    self.best = Some(match self.best {
                        Some(b) if (self.kind == AggKind::Min) == (b <= n) => b,
                        _ => n,
                    });
                }
            }
            AggKind::All => {
                if !truthy(&value) {
                    return Ok(Some(Value::Bool(false)));
                }
            }
            AggKind::Any => {
                if truthy(&value) {
                    return Ok(Some(Value::Bool(true)));
                }
            }
            AggKind::First => return Ok(Some(value)),
            AggKind::List => self.collected.push(value),
        }
        Ok(None)
    }

    fn finish(self) -> Value {
        match self.kind {
            AggKind::Count => Value::Num(Decimal::from(self.count)),
            AggKind::Sum => Value::Num(self.sum),
            AggKind::Min | AggKind::Max => self.best.map_or(Value::Absent, Value::Num),
            AggKind::All => Value::Bool(true),
            AggKind::Any => Value::Bool(false),
            AggKind::First => Value::Absent,
            AggKind::List => Value::List(self.collected.into()),
        }
    }
}

/// Built-ins that parse a text, worth remembering per cell. `extract` is
/// asked of a report's sections twice, once to find the section that
/// states a figure and once for the figure: a long text searched again.
fn parses(builtin: Builtin) -> bool {
    matches!(
        builtin,
        Builtin::Quantity | Builtin::Split | Builtin::Extract
    )
}

/// A text's or list's identity (its address) for `parse_call`; a blank is
/// 0. Nothing for other values: those calls are not remembered.
fn identity(v: &Value) -> Option<usize> {
    match v {
        Value::Absent => Some(0),
        Value::Text(t) => Some(Arc::as_ptr(t).cast::<u8>() as usize),
        Value::List(l) => Some(Arc::as_ptr(l).cast::<Value>() as usize),
        _ => None,
    }
}

/// A binary operator (not `and`, `or`) on its operands' values; `from`:
/// where the left and the right operand's places start in `touched`.
fn apply(op: BinOp, x: &Value, y: &Value, touched: &[PlaceId], from: (usize, usize)) -> R {
    let divisor_from = from.1;
    if op == BinOp::Div && matches!(y, Value::Num(q) if q.is_zero()) {
        if let Value::Num(p) = x {
            let mut err = EvalError::division_by_zero(*p);
            err.places = touched.get(divisor_from..).unwrap_or(&[]).to_vec();
            return Err(err);
        }
    }
    Ok(match op {
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            Value::Bool(compare(op, x, y))
        }
        _ => arithmetic(op, x, y).map_err(|e| out_of_range_at(e, op, (x, y), touched, from))?,
    })
}

/// Where a rule function's arguments were read from, to name the cells of
/// a zero divisor or an overflow inside it: its number arguments carry no
/// places into its body, so the error would name only the rows being
/// checked. `overrun_words(t.funds.executed, t.funds.full_year_budget,
/// overrun_note(t))` names the two numbers' cells, not the whole table
/// (nor the text argument's cells).
struct Given {
    /// Where each of the first `SMALL_ARGS` arguments' places start in
    /// `touched`, and where the last ends.
    bounds: [usize; SMALL_ARGS + 1],
    /// Which of them are numbers, by bit.
    numbers: u8,
    /// How many arguments were read.
    count: usize,
}

impl Given {
    fn at(start: usize) -> Self {
        Given {
            bounds: [start; SMALL_ARGS + 1],
            numbers: 0,
            count: 0,
        }
    }

    /// Argument `i` was read, its places ending at `end`.
    #[inline(always)]
    fn read(&mut self, i: usize, value: &Value, end: usize) {
        if let Some(b) = self.bounds.get_mut(i + 1) {
            *b = end;
            if matches!(value, Value::Num(_)) {
                self.numbers |= 1 << i;
            }
        }
        self.count = i + 1;
    }

    /// The error with the cells of the number arguments (of every
    /// argument, for a call of more than `SMALL_ARGS`), when it has none.
    #[cold]
    fn cells(&self, mut e: EvalError, touched: &[PlaceId]) -> EvalError {
        let stops = matches!(
            e.code,
            crate::diag::Code::RulesOverflow | crate::diag::Code::RulesDivisionByZero
        );
        if !stops || !e.places.is_empty() {
            return e;
        }
        if self.count > SMALL_ARGS {
            let start = self.bounds.first().copied().unwrap_or(0);
            e.places = touched.get(start..).unwrap_or(&[]).to_vec();
            return e;
        }
        for i in (0..self.count).filter(|i| self.numbers & (1 << i) != 0) {
            let (Some(&from), Some(&to)) = (self.bounds.get(i), self.bounds.get(i + 1)) else {
                continue;
            };
            e.places
                .extend_from_slice(touched.get(from..to).unwrap_or(&[]));
        }
        e
    }
}

/// An overflow with the places of the operand out of range, so that the
/// finding it becomes points at the cell whose number is wrong: of a
/// quotient, the divisor or the dividend as below; else the operand of the
/// larger magnitude (a sum of many cells and one huge one names the huge
/// one); both operands' when that cannot be told. `from`: where the left
/// and the right operand's places start in `touched`.
#[cold]
fn out_of_range_at(
    mut e: EvalError,
    op: BinOp,
    (x, y): (&Value, &Value),
    touched: &[PlaceId],
    (left_from, right_from): (usize, usize),
) -> EvalError {
    if e.code != crate::diag::Code::RulesOverflow || !e.places.is_empty() {
        return e;
    }
    let magnitude = |v: &Value| match v {
        Value::Num(n) => Some(n.abs()),
        _ => None,
    };
    let side = match (op, magnitude(x), magnitude(y)) {
        // A quotient out of range: the divisor is to blame when it is the
        // further from ordinary (1115.09 ÷ 0.0000000000000000000000000001:
        // |p × q| under 1), else the dividend (5e28 ÷ 0.5).
        (BinOp::Div, Some(p), Some(q)) => match p.checked_mul(q) {
            Some(product) if product < Decimal::ONE => touched.get(right_from..),
            _ => touched.get(left_from..right_from),
        },
        (_, Some(p), Some(q)) if q > p => touched.get(right_from..),
        (_, Some(p), Some(q)) if p > q => touched.get(left_from..right_from),
        _ => None,
    };
    e.places = side
        .filter(|s| !s.is_empty())
        .or_else(|| touched.get(left_from..))
        .unwrap_or(&[])
        .to_vec();
    e
}

/// A record's field by reference, its place pushed if it is a cell
/// (scalars are the cells a rule reads; records and lists are containers).
/// Blank for anything but a record.
#[inline(always)]
fn field_ref<'v>(target: &'v Value, index: usize, touched: &mut Vec<PlaceId>) -> &'v Value {
    let Value::Record(record) = target else {
        return &ABSENT;
    };
    let value = record.fields.get(index).unwrap_or(&ABSENT);
    if !matches!(value, Value::Record(_) | Value::List(_) | Value::Map(_)) {
        if let Some(p) = record.places.get(index).copied().filter(|p| *p != NO_PLACE) {
            touched.push(p);
        }
    }
    value
}

/// Blank and false are false.
pub(crate) fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

fn field(target: &Value, index: usize, touched: &mut Vec<PlaceId>) -> Value {
    field_ref(target, index, touched).clone()
}

fn index_value(target: &Value, index: &Value, touched: &mut Vec<PlaceId>) -> Value {
    match (target, index) {
        (Value::Map(map), Value::Text(key)) => match map.get(key) {
            Some((_, v, place)) => {
                if *place != NO_PLACE {
                    touched.push(*place);
                }
                v.clone()
            }
            None => Value::Absent,
        },
        (Value::List(items), Value::Num(n)) if n.fract().is_zero() => usize::try_from(*n)
            .ok()
            .and_then(|i| items.get(i).cloned())
            .unwrap_or_default(),
        _ => Value::Absent,
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
        (Value::Text(p), Value::Text(q)) if op == BinOp::Add => {
            let mut joined = String::with_capacity(p.len() + q.len());
            joined.push_str(p);
            joined.push_str(q);
            Value::Text(joined.into())
        }
        (Value::Date(p), Value::Date(q)) if op == BinOp::Sub => {
            Value::Num(Decimal::from(p.days() - q.days()))
        }
        _ => Value::Absent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;
    use proptest::prelude::*;

    fn leaf(v: &Value, at: u32) -> Expr {
        Expr {
            kind: ExprIr::Const(v.clone()),
            span: Span::new(0, at as usize..at as usize + 1),
        }
    }

    /// `((v0 + v1) + v2) + …`, each `+` with its own span.
    fn chain(values: &[Value]) -> Expr {
        let mut e = leaf(&values[0], 0);
        for (i, v) in values.iter().enumerate().skip(1) {
            let at = u32::try_from(i).unwrap() * 10;
            e = Expr {
                kind: ExprIr::Binary(BinOp::Add, Box::new(e), Box::new(leaf(v, at + 1))),
                span: Span::new(0, 0..at as usize + 2),
            };
        }
        e
    }

    /// The sum as written: each `+` on the values of its two sides, an
    /// error stamped with the span of the `+` that failed.
    fn pairwise(e: &Expr) -> Result<Value, (crate::diag::Code, Span)> {
        match &e.kind {
            ExprIr::Const(v) => Ok(v.clone()),
            ExprIr::Binary(BinOp::Add, a, b) => {
                let x = pairwise(a)?;
                let y = pairwise(b)?;
                arithmetic(BinOp::Add, &x, &y).map_err(|err| (err.code, e.span))
            }
            _ => unreachable!(),
        }
    }

    fn operand() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::text("a")),
            Just(Value::text("")),
            Just(Value::text("指标")),
            Just(Value::Num(Decimal::ONE)),
            Just(Value::Num(Decimal::MAX)),
            Just(Value::Absent),
            Just(Value::Bool(true)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// A chain of `+` (longer than is joined at once, too) answers as
        /// its `+`s one by one do, and fails at the same `+`.
        #[test]
        fn sums_answer_as_written(values in proptest::collection::vec(operand(), 1..(MAX_SUM * 2 + 3))) {
            let e = chain(&values);
            let root = Value::Absent;
            let mut env = Env::new(&root, &[], &[], 0);
            let got = env
                .eval(&e, &mut Vec::new())
                .map_err(|err| (err.code, err.span));
            let want = pairwise(&e);
            prop_assert_eq!(format!("{got:?}"), format!("{want:?}"));
        }
    }
}
