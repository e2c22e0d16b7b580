//! Built-in functions. Types were checked statically; at run time a blank
//! argument gives a blank (or the function's neutral answer).

use super::EvalError;
use super::expr::{equal, round};
use crate::data::Value;
use crate::diag::Code;
use crate::ir::Builtin;
use rust_decimal::Decimal;
use std::sync::Arc;

pub(super) fn call(builtin: Builtin, args: &[Value]) -> Result<Value, EvalError> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Absent);
    Ok(match builtin {
        Builtin::DaysBetween => match (arg(0), arg(1)) {
            (Value::Date(a), Value::Date(b)) => Value::Num(Decimal::from(b.days() - a.days())),
            _ => Value::Absent,
        },
        Builtin::Contains => match (arg(0), arg(1)) {
            (Value::Text(t), Value::Text(p)) => Value::Bool(t.contains(&**p)),
            (Value::List(items), x) => Value::Bool(items.iter().any(|i| equal(i, x))),
            _ => Value::Bool(false),
        },
        Builtin::ContainsAny => match (arg(0), arg(1)) {
            (Value::Text(t), Value::List(words)) => Value::Bool(
                words
                    .iter()
                    .any(|w| matches!(w, Value::Text(w) if t.contains(&**w))),
            ),
            _ => Value::Bool(false),
        },
        Builtin::StartsWith => match (arg(0), arg(1)) {
            (Value::Text(t), Value::Text(p)) => Value::Bool(t.starts_with(&**p)),
            _ => Value::Bool(false),
        },
        Builtin::Trim => match arg(0) {
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
                match a {
                    Value::Absent => {}
                    Value::List(items) => out.extend(items.iter().cloned()),
                    other => out.push(other.clone()),
                }
            }
            Value::List(out.into())
        }
        Builtin::Distinct => match arg(0) {
            Value::List(items) => {
                let mut out: Vec<Value> = Vec::with_capacity(items.len());
                for item in items.iter() {
                    if !out.iter().any(|o| equal(o, item)) {
                        out.push(item.clone());
                    }
                }
                Value::List(out.into())
            }
            other => other.clone(),
        },
        Builtin::Min | Builtin::Max => {
            let numbers = args.iter().filter_map(|a| match a {
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
                let dp = Some(*dp)
                    .filter(|d| d.fract().is_zero())
                    .and_then(|d| u32::try_from(d).ok())
                    .filter(|d| *d <= 28)
                    .ok_or_else(|| {
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
        Builtin::Text => Value::text(&arg(0).to_string()),
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
                if !p.contains("{}") {
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

/// Cut text at any of the separators; trimmed, empty pieces dropped.
fn split(text: &Value, separators: &Value) -> Value {
    let (Value::Text(text), Value::List(seps)) = (text, separators) else {
        return Value::List(Arc::from([]));
    };
    let seps: Vec<&str> = seps
        .iter()
        .filter_map(|s| match s {
            Value::Text(t) if !t.is_empty() => Some(&**t),
            _ => None,
        })
        .collect();
    let mut pieces = Vec::new();
    let mut rest: &str = text;
    loop {
        let next = seps
            .iter()
            .filter_map(|s| rest.find(s).map(|at| (at, s.len())))
            .min();
        let (piece, tail) = match next {
            Some((at, len)) => (
                rest.get(..at).unwrap_or(""),
                rest.get(at + len..).unwrap_or(""),
            ),
            None => (rest, ""),
        };
        let piece = piece.trim();
        if !piece.is_empty() {
            pieces.push(Value::text(piece));
        }
        if next.is_none() {
            break;
        }
        rest = tail;
    }
    Value::List(pieces.into())
}
