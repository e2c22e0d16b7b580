//! Lookups by key inside loops, made cheap.
//!
//! Rules naturally look rows up by key inside a loop over rows:
//! `any(present(o.name) for o in t.indicators where o.level1 == r.level1)`
//! inside `for r in t.indicators`. Scanned item by item that is quadratic
//! in the number of rows. When an aggregate's condition starts with
//! equalities between a field of the iterated item and an expression that
//! does not depend on it (`o.level1 == r.level1 and o.level2 == r.level2`),
//! the list is grouped by those fields once per evaluation and each call
//! looks its group up instead ([`Index`]). When the rest of the aggregate
//! reads nothing but the item, its answer for a key is also remembered
//! ([`Memo`]), so that a thousand rows of one group do not each scan the
//! group again.
//!
//! Every answer, and every submission place recorded for explanations, is
//! the one the item-by-item scan gives: items outside the group would have
//! failed one of the leading equalities, which cannot fail with an error
//! and whose places are dropped with the item (see `Env::eval_aggregate`).

use crate::base::BinOp;
use crate::data::{Date, NO_PLACE, PlaceId, Value};
use crate::ir::{Expr, ExprIr};
use rust_decimal::Decimal;
use std::sync::Arc;

/// Hash maps and sets of one evaluation. Their keys come from the
/// submission, so the hasher is seeded (no crafted collisions), and fast:
/// the maps are only looked up, never listed, so their order never shows.
pub(super) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub(super) type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// Lists shorter than this are scanned: grouping costs more than it saves.
/// Measured on a unit's basic data (one lookup per line, as
/// `group_sum_exceeds` makes): at 17 lines a scan costs 12.6 k
/// instructions less than grouping, at 24 lines 16 k more.
pub(super) const MIN_ITEMS: usize = 20;

/// A scalar value as a hash key, equal exactly when `values::equal` says so
/// (`10 == 10.0`, blank equals blank).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Key {
    Absent,
    Bool(bool),
    /// Normalised: `10` and `10.0` (and `-0` and `0`) are one key.
    Num(Decimal),
    Text(Arc<str>),
    Date(Date),
}

impl Key {
    /// Lists, records and maps have no key: their lookups are scanned.
    pub(super) fn of(v: &Value) -> Option<Key> {
        Some(match v {
            Value::Absent => Key::Absent,
            Value::Bool(b) => Key::Bool(*b),
            Value::Num(n) if n.is_zero() => Key::Num(Decimal::ZERO),
            Value::Num(n) => Key::Num(n.normalize()),
            Value::Text(t) => Key::Text(Arc::clone(t)),
            Value::Date(d) => Key::Date(*d),
            Value::List(_) | Value::Record(_) | Value::Map(_) => return None,
        })
    }
}

/// A rule function's scalar arguments, exactly as given (`10.0` is not
/// `10` here: a function may show its argument), to remember its answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(super) enum Arg {
    #[default]
    Absent,
    Bool(bool),
    /// The decimal's own representation, scale included.
    Num([u8; 16]),
    Text(Arc<str>),
    Date(Date),
    /// A list, record or map by its address (`RefAnswer` keeps it, so no
    /// other takes the address during the evaluation).
    Ref(usize),
}

impl Arg {
    /// The arguments of a call, when there are at most `MAX_ARGS` and every
    /// one is a scalar; the rest of the array is blank. A key on the stack:
    /// looking an answer up allocates nothing.
    pub(super) fn all(values: &[Value]) -> Option<[Arg; MAX_ARGS]> {
        if values.len() > MAX_ARGS {
            return None;
        }
        let mut args: [Arg; MAX_ARGS] = Default::default();
        for (arg, v) in args.iter_mut().zip(values) {
            *arg = Arg::scalar(v)?;
        }
        Some(args)
    }

    /// A scalar argument as a key; nothing for a list, record or map.
    fn scalar(v: &Value) -> Option<Arg> {
        Some(match v {
            Value::Absent => Arg::Absent,
            Value::Bool(b) => Arg::Bool(*b),
            Value::Num(n) => Arg::Num(n.serialize()),
            Value::Text(t) => Arg::Text(Arc::clone(t)),
            Value::Date(d) => Arg::Date(*d),
            Value::List(_) | Value::Record(_) | Value::Map(_) => return None,
        })
    }

    /// As `all`, with lists, records and maps by their address; nothing
    /// when no argument is one (`all` is the key then).
    pub(super) fn by_identity(values: &[Value]) -> Option<[Arg; MAX_ARGS]> {
        if values.len() > MAX_ARGS {
            return None;
        }
        let mut args: [Arg; MAX_ARGS] = Default::default();
        let mut any_ref = false;
        for (arg, v) in args.iter_mut().zip(values) {
            *arg = match v {
                Value::Absent
                | Value::Bool(_)
                | Value::Num(_)
                | Value::Text(_)
                | Value::Date(_) => Arg::scalar(v).unwrap_or_default(),
                Value::List(l) => {
                    any_ref = true;
                    Arg::Ref(Arc::as_ptr(l).cast::<Value>() as usize)
                }
                Value::Record(r) => {
                    any_ref = true;
                    Arg::Ref(Arc::as_ptr(r) as usize)
                }
                Value::Map(m) => {
                    any_ref = true;
                    Arg::Ref(Arc::as_ptr(m).cast::<u8>() as usize)
                }
            };
        }
        any_ref.then_some(args)
    }
}

/// How the reader of a remembered answer keeps the places its body reads,
/// which changes which places the body reads: none (an `any` skips the
/// items it need not look at), a named value's (the first
/// `MAX_PLACES_PER_SLOT`, sorted: an aggregate remembered inside gives
/// those only), or every place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Kept {
    None,
    Summary,
    All,
}

/// The answer of a remembered function given a list or a record, the
/// places its body read, and the arguments (kept, so that their addresses,
/// the key, stay theirs).
pub(super) struct RefAnswer {
    pub(super) value: Value,
    pub(super) places: Vec<PlaceId>,
    pub(super) _arguments: Vec<Value>,
}

/// Calls with more arguments than this are not remembered.
pub(super) const MAX_ARGS: usize = 4;

/// One leading equality of a condition: a field path of the item, and the
/// expression it is compared with.
pub(super) struct Equality<'e> {
    /// Field indexes from the item to the compared cell.
    pub(super) path: Vec<usize>,
    /// The side that does not depend on the item.
    pub(super) outer: &'e Expr,
    /// The item's side is written first (`o.level1 == r.level1`): the order
    /// its places are read in.
    pub(super) item_first: bool,
}

/// How an aggregate's condition can be looked up instead of scanned.
pub(super) struct Probe<'e> {
    /// The leading equalities.
    pub(super) keys: Vec<Equality<'e>>,
    /// The conditions after them, evaluated on each item of the group.
    pub(super) rest: Vec<&'e Expr>,
}

/// The conjuncts of `a and b and c`, in evaluation order.
fn conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprIr::Binary(BinOp::And, a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(e),
    }
}

/// `item.f.g`: the field path from the item's slot, or nothing.
fn item_path(e: &Expr, slot: u32) -> Option<Vec<usize>> {
    match &e.kind {
        ExprIr::Slot(s) if *s == slot => Some(Vec::new()),
        ExprIr::Field(target, index) => {
            let mut path = item_path(target, slot)?;
            path.push(*index);
            Some(path)
        }
        _ => None,
    }
}

/// An expression that cannot fail and does not read the item: constants,
/// other slots, the submission, fields and map entries of those.
fn is_outer(e: &Expr, slot: u32) -> bool {
    match &e.kind {
        ExprIr::Const(_) | ExprIr::Root => true,
        ExprIr::Slot(s) => *s != slot,
        ExprIr::Field(target, _) => is_outer(target, slot),
        ExprIr::Index(target, key) => is_outer(target, slot) && is_outer(key, slot),
        _ => false,
    }
}

/// The probe of a condition over the item in `slot`, if it starts with at
/// least one equality of an item field and an outer expression.
pub(super) fn probe(condition: &Expr, slot: u32) -> Option<Probe<'_>> {
    let mut all = Vec::new();
    conjuncts(condition, &mut all);
    let mut keys = Vec::new();
    let mut at = 0;
    for c in &all {
        let ExprIr::Binary(BinOp::Eq, a, b) = &c.kind else {
            break;
        };
        let key = match (item_path(a, slot), item_path(b, slot)) {
            (Some(path), None) if is_outer(b, slot) => Equality {
                path,
                outer: b,
                item_first: true,
            },
            (None, Some(path)) if is_outer(a, slot) => Equality {
                path,
                outer: a,
                item_first: false,
            },
            _ => break,
        };
        keys.push(key);
        at += 1;
    }
    if keys.is_empty() {
        return None;
    }
    Some(Probe {
        keys,
        rest: all.get(at..).unwrap_or(&[]).to_vec(),
    })
}

/// The cell at `path` in the item and the place reading it records (a
/// scalar field's own place), as `expr::field` gives them.
pub(super) fn follow(item: &Value, path: &[usize]) -> (Value, Option<PlaceId>) {
    let mut value = item.clone();
    let mut place = None;
    for index in path {
        // A scalar met on the way was read (its place recorded); the
        // fields after it are blank.
        let Value::Record(record) = &value else {
            return (Value::Absent, place);
        };
        let next = record.fields.get(*index).cloned().unwrap_or_default();
        place = if matches!(next, Value::Record(_) | Value::List(_) | Value::Map(_)) {
            None
        } else {
            record
                .places
                .get(*index)
                .copied()
                .filter(|p| *p != NO_PLACE)
        };
        value = next;
    }
    (value, place)
}

/// A list grouped by the key fields of one aggregate.
pub(super) struct Index {
    /// Kept so that the list's address, part of the cache key, is not reused.
    _list: Arc<[Value]>,
    /// Item positions by key, in list order.
    groups: HashMap<Vec<Key>, Vec<u32>>,
}

impl Index {
    /// Group the list. An item whose key cell is a list or a record is left
    /// out: it never equals the scalar a lookup asks for.
    pub(super) fn build(list: &Arc<[Value]>, paths: &[&[usize]]) -> Index {
        let mut groups: HashMap<Vec<Key>, Vec<u32>> = HashMap::default();
        for (i, item) in list.iter().enumerate() {
            let key = paths
                .iter()
                .map(|p| Key::of(&follow(item, p).0))
                .collect::<Option<Vec<Key>>>();
            if let (Some(key), Ok(i)) = (key, u32::try_from(i)) {
                groups.entry(key).or_default().push(i);
            }
        }
        Index {
            _list: Arc::clone(list),
            groups,
        }
    }

    /// The positions of the items whose key cells equal `key`.
    pub(super) fn group(&self, key: &[Key]) -> &[u32] {
        self.groups.get(key).map_or(&[], Vec::as_slice)
    }
}

/// What one aggregate's cache holds for one list.
pub(super) enum Entry {
    /// Scanned once; grouped on the second call.
    Seen,
    /// Grouped.
    Grouped(Index),
}

/// A place an aggregate's evaluation records: a fixed place of an item, or
/// the places of the outer side of the `n`th equality (they differ from
/// call to call even when the key is the same).
#[derive(Clone, Copy)]
pub(super) enum Token {
    Place(PlaceId),
    Outer(usize),
}

/// A remembered answer for one key.
pub(super) struct Memo {
    pub(super) value: Value,
    /// Every place the scan of the group read, in order.
    pub(super) places: Vec<Token>,
    /// What of them a named value keeps (see `Env::summarising`).
    pub(super) summary: Vec<Token>,
}

/// Does `e` read nothing but `slot` (and constants)?
/// Aggregates nested in it bind their own slot.
pub(super) fn reads_only(e: &Expr, slot: u32, bound: &mut Vec<u32>) -> bool {
    match &e.kind {
        ExprIr::Const(_) | ExprIr::Root => true,
        ExprIr::Slot(s) => *s == slot || bound.contains(s),
        ExprIr::Field(t, _) | ExprIr::Not(t) | ExprIr::Neg(t) => reads_only(t, slot, bound),
        ExprIr::Index(a, b) | ExprIr::Binary(_, a, b) => {
            reads_only(a, slot, bound) && reads_only(b, slot, bound)
        }
        ExprIr::If(a, b, c) => {
            reads_only(a, slot, bound) && reads_only(b, slot, bound) && reads_only(c, slot, bound)
        }
        ExprIr::Call(_, args) | ExprIr::List(args) | ExprIr::Record(args) => {
            args.iter().all(|a| reads_only(a, slot, bound))
        }
        // A rule function sees only its arguments and the parameters (the
        // checker allows nothing else), so a call reads what they read.
        ExprIr::CallFunction(_, args) => args.iter().all(|a| reads_only(a, slot, bound)),
        ExprIr::Aggregate {
            slot: inner,
            list,
            filter,
            body,
            ..
        } => {
            if !reads_only(list, slot, bound) {
                return false;
            }
            bound.push(*inner);
            let ok = filter.as_deref().is_none_or(|f| reads_only(f, slot, bound))
                && body.as_deref().is_none_or(|b| reads_only(b, slot, bound));
            bound.pop();
            ok
        }
    }
}

/// What `any(x.a == u and x.b == v for x in xs)` reads, for a named value
/// (which keeps only its first few places, sorted). A scan evaluates the
/// first equality on every item up to the first match, the second on those
/// of them that passed the first, and so on; each equality reads the item's
/// cell and the outer side. Layer `j` holds, by the first `j` key cells,
/// the first item that reaches equality `j` and the first few places of
/// that equality's cell, so a lookup gives the scan's places without
/// visiting the items.
///
/// Places are numbered in the order the submission was read, so in a list
/// of rows they rise with the position; a list where they do not (built by
/// a rule) is scanned.
pub(super) struct Layers {
    /// Kept so that the list's address, part of the cache key, is not reused.
    _list: Arc<[Value]>,
    layers: Vec<HashMap<Vec<Key>, Layer>>,
}

struct Layer {
    /// The first item whose first `j` key cells are the key.
    first: u32,
    /// The first places of those items' cell `j`, with the item's position.
    placed: Vec<(u32, PlaceId)>,
}

impl Layers {
    /// Nothing when the places do not rise with the position.
    pub(super) fn build(list: &Arc<[Value]>, paths: &[&[usize]], keep: usize) -> Option<Layers> {
        let mut layers = Vec::with_capacity(paths.len());
        for (j, path) in paths.iter().enumerate() {
            let mut map: HashMap<Vec<Key>, Layer> = HashMap::default();
            let mut last: Option<PlaceId> = None;
            for (i, item) in list.iter().enumerate() {
                let i = u32::try_from(i).ok()?;
                let Some(key) = paths
                    .get(..j)?
                    .iter()
                    .map(|p| Key::of(&follow(item, p).0))
                    .collect::<Option<Vec<Key>>>()
                else {
                    continue;
                };
                let place = follow(item, path).1;
                if let Some(p) = place {
                    if last.is_some_and(|l| l >= p) {
                        return None;
                    }
                    last = Some(p);
                }
                let layer = map.entry(key).or_insert(Layer {
                    first: i,
                    placed: Vec::new(),
                });
                if let Some(p) = place.filter(|_| layer.placed.len() < keep) {
                    layer.placed.push((i, p));
                }
            }
            layers.push(map);
        }
        Some(Layers {
            _list: Arc::clone(list),
            layers,
        })
    }

    /// The places a scan up to item `last` (inclusive) reads for `key`.
    pub(super) fn places(&self, key: &[Key], last: u32) -> Vec<Token> {
        let mut tokens = Vec::new();
        for (j, map) in self.layers.iter().enumerate() {
            let Some(layer) = key.get(..j).and_then(|k| map.get(k)) else {
                break;
            };
            if layer.first > last {
                break;
            }
            tokens.extend(
                layer
                    .placed
                    .iter()
                    .filter(|(i, _)| *i <= last)
                    .map(|(_, p)| Token::Place(*p)),
            );
            tokens.push(Token::Outer(j));
        }
        tokens
    }
}
