//! Built-in functions. Types were checked statically; at run time a blank
//! argument gives a blank (or the function's neutral answer).

use super::EvalError;
use super::values::{equal, round};
use crate::data::Value;
use crate::diag::Code;
use crate::ir::Builtin;
use rust_decimal::Decimal;
use std::sync::Arc;

/// `args` by reference: arguments that are cells of the submission or
/// constants are not cloned to be looked at.
pub(super) fn call(builtin: Builtin, args: &[&Value]) -> Result<Value, EvalError> {
    let arg = |i: usize| args.get(i).copied().unwrap_or(&Value::Absent);
    Ok(match builtin {
        Builtin::DaysBetween => match (arg(0), arg(1)) {
            (Value::Date(a), Value::Date(b)) => Value::Num(Decimal::from(b.days() - a.days())),
            _ => Value::Absent,
        },
        Builtin::Contains => match (arg(0), arg(1)) {
            (Value::Text(t), Value::Text(p)) => Value::Bool(has_text(t, p)),
            (Value::List(items), x) => Value::Bool(items.iter().any(|i| equal(i, x))),
            _ => Value::Bool(false),
        },
        Builtin::ContainsAny => match (arg(0), arg(1)) {
            (Value::Text(t), Value::List(words)) => Value::Bool(
                words
                    .iter()
                    .any(|w| matches!(w, Value::Text(w) if has_text(t, w))),
            ),
            _ => Value::Bool(false),
        },
        Builtin::StartsWith => match (arg(0), arg(1)) {
            (Value::Text(t), Value::Text(p)) => Value::Bool(t.starts_with(&**p)),
            _ => Value::Bool(false),
        },
        Builtin::Trim => match arg(0) {
            // Most cells have nothing to trim: the text is shared, not copied.
            Value::Text(t) if t.trim().len() == t.len() => Value::Text(Arc::clone(t)),
            Value::Text(t) => Value::text(t.trim()),
            _ => Value::text(""),
        },
        Builtin::Split => split(arg(0), arg(1)),
        Builtin::Len => match arg(0) {
            Value::List(items) => Value::Num(Decimal::from(items.len())),
            Value::Text(t) => Value::Num(Decimal::from(t.chars().count())),
            _ => Value::Num(Decimal::ZERO),
        },
        Builtin::Join => match (arg(0), arg(1)) {
            (Value::List(items), Value::Text(sep)) => {
                let parts: Vec<String> = items
                    .iter()
                    .filter(|v| !matches!(v, Value::Absent))
                    .map(ToString::to_string)
                    .collect();
                Value::text(&parts.join(sep))
            }
            _ => Value::text(""),
        },
        Builtin::Present => Value::Bool(!matches!(arg(0), Value::Absent)),
        Builtin::Default => match arg(0) {
            Value::Absent => arg(1).clone(),
            v => v.clone(),
        },
        Builtin::Collect => {
            let mut out = Vec::new();
            for a in args {
                match *a {
                    Value::Absent => {}
                    Value::List(items) => out.extend(items.iter().cloned()),
                    other => out.push(other.clone()),
                }
            }
            Value::List(out.into())
        }
        Builtin::Distinct => match arg(0) {
            Value::List(items) => distinct(items),
            other => other.clone(),
        },
        Builtin::Min | Builtin::Max => {
            let numbers = args.iter().filter_map(|a| match *a {
                Value::Num(n) => Some(*n),
                _ => None,
            });
            let best = if builtin == Builtin::Min {
                numbers.min()
            } else {
                numbers.max()
            };
            best.map_or(Value::Absent, Value::Num)
        }
        Builtin::Round => match (arg(0), arg(1)) {
            (Value::Num(n), Value::Num(dp)) => {
                let dp = round_places(*dp).ok_or_else(|| {
                    EvalError::new(
                        Code::RulesBadArgument,
                        "round 的小数位数应为 0 到 28 的整数",
                    )
                })?;
                Value::Num(round(*n, dp))
            }
            _ => Value::Absent,
        },
        Builtin::Abs => match arg(0) {
            Value::Num(n) => Value::Num(n.abs()),
            _ => Value::Absent,
        },
        Builtin::Text => {
            let mut text = String::new();
            arg(0).write_to(&mut text);
            Value::text(&text)
        }
        Builtin::Quantity => match arg(0) {
            Value::Text(t) => match super::quantity::parse_quantity(t) {
                // Field order: crate::check::functions::QUANTITY_FIELDS.
                Some(q) => Value::Record(Arc::new(crate::data::Record {
                    fields: vec![
                        Value::text(q.comparator),
                        Value::Num(q.number),
                        Value::text(&q.unit),
                    ]
                    .into(),
                    places: vec![crate::data::NO_PLACE; 3].into(),
                    place: crate::data::NO_PLACE,
                })),
                None => Value::Absent,
            },
            _ => Value::Absent,
        },
        Builtin::Extract => match (arg(0), arg(1)) {
            (Value::Text(t), Value::Text(p)) => {
                if !super::quantity::has_hole(p) {
                    return Err(EvalError::new(
                        Code::RulesBadArgument,
                        "extract 的模式中应有 {} 标出数字的位置",
                    ));
                }
                super::quantity::extract(t, p).map_or(Value::Absent, Value::Num)
            }
            _ => Value::Absent,
        },
        Builtin::Keys => match arg(0) {
            Value::Map(m) => Value::List(
                m.entries
                    .iter()
                    .map(|(k, _, _)| Value::Text(Arc::clone(k)))
                    .collect::<Vec<_>>()
                    .into(),
            ),
            _ => Value::List(Arc::from([])),
        },
    })
}

/// Does `text` hold `needle`? The standard library's search: a search by
/// the needle's first or second byte and a compare (`quantity::find_short`)
/// was measured and costs as much on the rules' cells, where a Chinese
/// needle's bytes are common ones.
pub(super) fn has_text(text: &str, needle: &str) -> bool {
    text.contains(needle)
}

/// The first occurrence of each value, in order. Scalars are remembered
/// in a set (a list of thousands of rows must not compare each with every
/// other); a list or record never equals a scalar, so those are compared
/// among themselves only.
fn distinct(items: &[Value]) -> Value {
    // A short list (a table's dozen indicator rows) is compared in place:
    // making, hashing and growing a set costs more than the comparisons.
    match items.len() <= SCAN_DISTINCT {
        true => distinct_scanned(items),
        false => distinct_hashed(items),
    }
}

fn distinct_scanned(items: &[Value]) -> Value {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        if !out.iter().any(|o| equal(o, item)) {
            out.push(item.clone());
        }
    }
    Value::List(out.into())
}

fn distinct_hashed(items: &[Value]) -> Value {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    let mut seen = super::index::HashSet::with_capacity_and_hasher(items.len(), Default::default());
    let mut containers: Vec<&Value> = Vec::new();
    for item in items {
        let new = match super::index::Key::of(item) {
            Some(key) => seen.insert(key),
            None if containers.iter().any(|o| equal(o, item)) => false,
            None => {
                containers.push(item);
                true
            }
        };
        if new {
            out.push(item.clone());
        }
    }
    Value::List(out.into())
}

/// Lists up to this long are made distinct by comparing each item with
/// those kept.
const SCAN_DISTINCT: usize = 16;

/// Separators of a `split` kept on the stack.
const FEW_SEPARATORS: usize = 8;

/// Cut text at any of the separators; trimmed, empty pieces dropped.
/// One pass over the text: at each position the separators are tried
/// (where two match, the shorter cuts, as it always has). Searching the
/// rest of the text for every separator after every piece was quadratic
/// in the number of pieces.
fn split(text: &Value, separators: &Value) -> Value {
    let (Value::Text(text), Value::List(seps)) = (text, separators) else {
        return Value::List(Arc::from([]));
    };
    // A rule names a few separators: kept on the stack when they fit.
    let mut few: [&[u8]; FEW_SEPARATORS] = [&[]; FEW_SEPARATORS];
    let mut many: Vec<&[u8]> = Vec::new();
    let texts = seps.iter().filter_map(|s| match s {
        Value::Text(t) if !t.is_empty() => Some(t.as_bytes()),
        _ => None,
    });
    let seps: &mut [&[u8]] = if seps.len() <= FEW_SEPARATORS {
        let mut n = 0;
        for (slot, t) in few.iter_mut().zip(texts) {
            *slot = t;
            n += 1;
        }
        few.get_mut(..n).unwrap_or_default()
    } else {
        many.extend(texts);
        &mut many
    };
    // Shortest first: the first that matches at a position is the cut.
    seps.sort_by_key(|s| s.len());
    let starts = first_bytes(seps);
    let mut pieces = Vec::new();
    cut(text, seps, &starts, |piece| {
        if piece.len() == text.len() {
            // No separator and nothing trimmed: the text itself, shared.
            pieces.push(Value::Text(Arc::clone(text)));
        } else {
            pieces.push(Value::text(piece));
        }
    });
    Value::List(pieces.into())
}

/// The bytes separators start with, for `cut`.
pub(crate) fn first_bytes<S: AsRef<[u8]>>(seps: &[S]) -> [bool; 256] {
    let mut starts = [false; 256];
    for s in seps {
        if let Some(first) = s
            .as_ref()
            .first()
            .and_then(|b| starts.get_mut(usize::from(*b)))
        {
            *first = true;
        }
    }
    starts
}

/// `split`'s pieces of `text`, trimmed and not empty, handed to `push` in
/// order. `seps`: not empty, shortest first; `starts`: their first bytes.
pub(super) fn cut<'t, S: AsRef<[u8]>>(
    text: &'t str,
    seps: &[S],
    starts: &[bool; 256],
    mut push: impl FnMut(&'t str),
) {
    let bytes = text.as_bytes();
    let mut piece_start = 0;
    let mut at = 0;
    let mut piece = |from: usize, to: usize| {
        let piece = text.get(from..to).unwrap_or("").trim();
        if !piece.is_empty() {
            push(piece);
        }
    };
    while let Some(&b) = bytes.get(at) {
        // Separators are whole UTF-8 texts, so a match starts on a
        // character boundary.
        if starts.get(usize::from(b)).copied().unwrap_or(false) {
            let rest = bytes.get(at..).unwrap_or(&[]);
            if let Some(sep) = seps.iter().find(|s| rest.starts_with(s.as_ref())) {
                piece(piece_start, at);
                at += sep.as_ref().len();
                piece_start = at;
                continue;
            }
        }
        at += 1;
    }
    piece(piece_start, bytes.len());
}

/// The decimal places `round` accepts: a whole number from 0 to 28 (what
/// a decimal can hold). The interpreter, typed code and `eval::fallible`
/// all ask here.
pub(super) fn round_places(dp: Decimal) -> Option<u32> {
    Some(dp)
        .filter(|d| d.fract().is_zero())
        .and_then(|d| u32::try_from(d).ok())
        .filter(|d| *d <= 28)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Numbers written with different scales (`10`, `10.0`, `-0`), short
    /// texts that repeat, blanks and truths: the values a rule lists.
    fn item() -> impl Strategy<Value = Value> {
        prop_oneof![
            (-3i64..3, 0u32..3).prop_map(|(m, s)| Value::Num(Decimal::new(m * 10i64.pow(s), s))),
            "[ab/]{0,2}".prop_map(|t| Value::text(&t)),
            Just(Value::Absent),
            any::<bool>().prop_map(Value::Bool),
        ]
    }

    proptest! {
        #[test]
        fn short_lists_are_made_distinct_as_long_ones_are(items in proptest::collection::vec(item(), 0..40)) {
            let (scanned, hashed) = (distinct_scanned(&items), distinct_hashed(&items));
            prop_assert!(equal(&scanned, &hashed), "{scanned:?} / {hashed:?}");
        }
    }
}
