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
    let mut out = String::new();
    push_decimal(&mut out, d);
    out
}

/// A decimal's normal form as `Display` writes it (`1.5`, `-0.05`, `120`),
/// without the formatting machinery: messages and reports write a few
/// hundred numbers per unit.
pub fn push_decimal(out: &mut String, d: Decimal) {
    push_decimal_as_written(out, d.normalize());
}

/// A decimal as `Display` writes it, with its own scale (`4.0` stays
/// `4.0`): a score as the reviewer wrote it.
pub fn push_decimal_as_written(out: &mut String, d: Decimal) {
    let scale = d.scale() as usize;
    // 96 bits of mantissa are at most 29 digits; a point and the zeros
    // before a fraction (`0.000…`, scale at most 28) fit in 40.
    let mut digits = [b'0'; 40];
    let mut at = digits.len();
    let mut rest = d.mantissa().unsigned_abs();
    let mut written = 0;
    while rest > 0 || written <= scale {
        if written == scale && scale > 0 {
            at -= 1;
            if let Some(p) = digits.get_mut(at) {
                *p = b'.';
            }
        }
        at -= 1;
        if let Some(p) = digits.get_mut(at) {
            // `rest % 10` is a digit.
            *p = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        written += 1;
    }
    if d.is_sign_negative() {
        out.push('-');
    }
    for b in digits.get(at..).unwrap_or_default() {
        out.push(char::from(*b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decimals_are_written_as_display_writes_them(
            lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
            negative in any::<bool>(), scale in 0u32..=28,
        ) {
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            prop_assert_eq!(decimal(d), d.normalize().to_string());
            let mut written = String::new();
            push_decimal_as_written(&mut written, d);
            prop_assert_eq!(written, d.to_string());
        }
    }

    #[test]
    fn small_decimals_and_zeros_are_written_as_display_writes_them() {
        for (m, scale) in [
            (0i64, 0u32),
            (0, 5),
            (5, 2),
            (-5, 2),
            (1, 28),
            (-120, 0),
            (1200, 1),
        ] {
            let d = Decimal::new(m, scale);
            assert_eq!(decimal(d), d.normalize().to_string());
        }
        let negative_zero = Decimal::from_parts(0, 0, 0, true, 3);
        assert_eq!(
            decimal(negative_zero),
            negative_zero.normalize().to_string()
        );
    }
}
