//! Outcome → what people and programs read: JSON exactly as the contract
//! says, and text with a miette diagnostic for every lost point.

mod json;
mod text;

pub use json::{outcome_json, problems_json};
pub use text::render_text;

use rust_decimal::Decimal;

/// A decimal as the JSON contract writes it: normalised, no exponent.
pub fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}
