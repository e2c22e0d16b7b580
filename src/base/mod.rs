//! The smallest pieces of the language, below every stage: calendar dates,
//! the operators, and the text of an exact decimal. Syntax, checker,
//! lowered rules, evaluator and submission data all use them; they use
//! nothing of the crate.

mod date;
mod op;

pub use date::Date;
pub use op::{AggKind, BinOp};

use rust_decimal::Decimal;

/// The digits of `n`, without the formatting machinery: every place a
/// report names is spelt out as a path with its row numbers, and every
/// judgment's place with its line and column.
pub fn push_number(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in digits.get(at..).unwrap_or_default() {
        out.push(char::from(*d));
    }
}

/// A decimal as the JSON contract writes it: normalised, no exponent.
pub fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}
