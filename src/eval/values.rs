//! What the language's values mean where the expression evaluator and the
//! built-in functions must agree: equality (`10 == 10.0`, blank equals
//! blank), ordering, and rounding (half away from zero, as the sheet rounds).

use crate::base::BinOp;
use crate::data::Value;
use rust_decimal::{Decimal, RoundingStrategy};

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

/// A comparison's truth (`==`, `!=`, `<`, `<=`, `>`, `>=`): an ordering
/// holds only between two numbers, two dates or two texts; with a blank
/// or values of two kinds it is false.
pub(crate) fn compare(op: BinOp, x: &Value, y: &Value) -> bool {
    let ord = match (op, x, y) {
        (BinOp::Eq, _, _) => return equal(x, y),
        (BinOp::Ne, _, _) => return !equal(x, y),
        (_, Value::Num(p), Value::Num(q)) => p.cmp(q),
        (_, Value::Date(p), Value::Date(q)) => p.cmp(q),
        (_, Value::Text(p), Value::Text(q)) => p.cmp(q),
        _ => return false,
    };
    match op {
        BinOp::Lt => ord.is_lt(),
        BinOp::Le => ord.is_le(),
        BinOp::Gt => ord.is_gt(),
        BinOp::Ge => ord.is_ge(),
        _ => false,
    }
}

/// Half away from zero, as the sheet rounds.
pub(crate) fn round(n: Decimal, dp: u32) -> Decimal {
    n.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}
