//! The smallest pieces of the language, below every stage: calendar dates,
//! the operators, and the text of an exact decimal. Syntax, checker,
//! lowered rules, evaluator and submission data all use them; they use
//! nothing of the crate.

mod date;
mod op;

pub use date::Date;
pub use op::{AggKind, BinOp};

use rust_decimal::Decimal;

/// A decimal as the JSON contract writes it: normalised, no exponent.
pub fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}
