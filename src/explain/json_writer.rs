//! Pretty JSON written straight into a byte buffer: the bytes
//! `serde_json::to_string_pretty` gives (two spaces a level, `": "` after
//! a key, strings escaped as serde_json escapes them), starting some levels
//! in, so that a batch's array item is written already indented.
//!
//! The report is most of a batch's output: going through serde's
//! serializer cost several instructions a byte (every string escaped byte
//! by byte, every key and value a call through the formatter); here runs of
//! plain bytes are copied whole, eight bytes are checked at a time, and
//! the keys, all plain words, are copied as they are.

use rust_decimal::Decimal;
use std::fmt::Display;
use std::io::Write as _;

/// A pretty JSON document being written into `out`.
pub(crate) struct JsonWriter<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
    /// No item written yet in the innermost open object or array.
    empty: bool,
}

impl<'o> JsonWriter<'o> {
    /// A writer appending to `out`, its first value `depth` levels in (an
    /// item of a pretty array is at depth 1; its first line is not
    /// indented, the caller has placed it).
    pub(crate) fn at(out: &'o mut Vec<u8>, depth: usize) -> Self {
        JsonWriter {
            out,
            depth,
            empty: true,
        }
    }

    /// `{`; its entries are each a `key` and a value.
    pub(crate) fn open_object(&mut self) {
        self.open(b'{');
    }

    /// `}`, on its own line unless the object is empty.
    pub(crate) fn close_object(&mut self) {
        self.close(b'}');
    }

    /// `[`; each item starts with `item`.
    pub(crate) fn open_array(&mut self) {
        self.open(b'[');
    }

    /// `]`, on its own line unless the array is empty.
    pub(crate) fn close_array(&mut self) {
        self.close(b']');
    }

    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.depth += 1;
        self.empty = true;
    }

    fn close(&mut self, bracket: u8) {
        self.depth = self.depth.saturating_sub(1);
        if !self.empty {
            self.new_line();
        }
        self.out.push(bracket);
        // The object or array just closed is an item of the one around it.
        self.empty = false;
    }

    /// A line break and two spaces a level, copied from one run (a report
    /// nests about ten levels, a batch item one more).
    fn new_line(&mut self) {
        const LINE: &[u8; 65] =
            b"\n                                                                ";
        // Most lines are at most sixteen levels in: a fixed 33 bytes
        // copied (a few vector moves, not a call of `memcpy` with its
        // length worked out) and the extra cut off again.
        const SHORT: usize = 33;
        let wanted = 1 + self.depth * 2;
        if wanted <= SHORT {
            let len = self.out.len();
            if let Some(short) = LINE.first_chunk::<SHORT>() {
                self.out.extend_from_slice(short);
            }
            self.out.truncate(len + wanted);
            return;
        }
        let mut left = wanted;
        let mut run: &[u8] = LINE;
        while left > 0 {
            let n = left.min(run.len());
            self.out.extend_from_slice(run.get(..n).unwrap_or_default());
            left -= n;
            run = LINE.get(1..).unwrap_or_default();
        }
    }

    /// The start of an array's next item.
    pub(crate) fn item(&mut self) {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.new_line();
    }

    /// An object's next key, a plain word of the output contract (no
    /// character to escape), and `": "`.
    pub(crate) fn key(&mut self, key: &str) {
        self.item();
        self.out.reserve(key.len() + 4);
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    /// An object's next key from the data: escaped.
    pub(crate) fn data_key(&mut self, key: &str) {
        self.item();
        self.string(key);
        self.out.extend_from_slice(b": ");
    }

    /// `null`.
    pub(crate) fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    /// `true` or `false`.
    pub(crate) fn bool(&mut self, b: bool) {
        self.out
            .extend_from_slice(if b { b"true" } else { b"false" });
    }

    /// A whole number.
    pub(crate) fn int(&mut self, n: i64) {
        if n < 0 {
            self.out.push(b'-');
        }
        self.uint(n.unsigned_abs());
    }

    /// A whole number, not negative.
    pub(crate) fn uint(&mut self, n: u64) {
        let start = self.out.len();
        self.reversed_digits(u128::from(n), 0);
        self.reverse_from(start);
    }

    /// The digits of `n`, last first, with a point before the last
    /// `scale` of them (and zeros before them up to it): `reverse_from`
    /// then puts them in order. Small numbers, nearly all, are divided
    /// in 64 bits.
    fn reversed_digits(&mut self, n: u128, scale: usize) {
        let mut written = 0;
        let mut rest = n;
        // Digits while the number needs 128 bits (it is not yet 0).
        while u64::try_from(rest).is_err() {
            // `rest % 10` is a digit.
            self.reversed_digit((rest % 10) as u8, written, scale);
            written += 1;
            rest /= 10;
        }
        let mut rest = u64::try_from(rest).unwrap_or(0);
        loop {
            self.reversed_digit((rest % 10) as u8, written, scale);
            written += 1;
            rest /= 10;
            if rest == 0 && written > scale {
                break;
            }
        }
    }

    /// The `written`th digit from the right, after the point when it is
    /// the first before it.
    fn reversed_digit(&mut self, digit: u8, written: usize, scale: usize) {
        if written == scale && scale > 0 {
            self.out.push(b'.');
        }
        self.out.push(b'0' + digit);
    }

    fn reverse_from(&mut self, start: usize) {
        if let Some(tail) = self.out.get_mut(start..) {
            tail.reverse();
        }
    }

    /// A decimal as `explain::decimal` writes it (its normal form's
    /// `Display`), in a string. Written from its digits and scale: a
    /// report has a few hundred, and `Display` went through the formatter.
    pub(crate) fn decimal(&mut self, d: Decimal) {
        let d = d.normalize();
        let mantissa = d.mantissa();
        self.out.push(b'"');
        let start = self.out.len();
        self.reversed_digits(mantissa.unsigned_abs(), d.scale() as usize);
        if mantissa < 0 {
            self.out.push(b'-');
        }
        self.reverse_from(start);
        self.out.push(b'"');
    }

    /// A decimal, or `null`.
    pub(crate) fn opt_decimal(&mut self, d: Option<Decimal>) {
        match d {
            Some(d) => self.decimal(d),
            None => self.null(),
        }
    }

    /// A value whose text has nothing to escape (a number, a date), in a
    /// string.
    pub(crate) fn plain_display(&mut self, value: &impl Display) {
        self.out.push(b'"');
        // Writing to a `Vec` cannot fail.
        let _ = write!(self.out, "{value}");
        self.out.push(b'"');
    }

    /// A string, or `null`.
    pub(crate) fn opt_string(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.string(s),
            None => self.null(),
        }
    }

    /// A string, escaped.
    pub(crate) fn string(&mut self, s: &str) {
        self.out.push(b'"');
        self.escaped(s);
        self.out.push(b'"');
    }

    /// Several texts as one string.
    pub(crate) fn strings(&mut self, parts: &[&str]) {
        self.out.push(b'"');
        for part in parts {
            self.escaped(part);
        }
        self.out.push(b'"');
    }

    /// The text of a string, escaped: runs without a quote, a backslash or
    /// a control character copied whole (`plain_prefix`).
    fn escaped(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut copied = 0;
        let mut at = 0;
        while at < bytes.len() {
            at += plain_prefix(bytes.get(at..).unwrap_or_default());
            // The group that holds a byte to escape (or the last few
            // bytes), byte by byte.
            let end = (at + 8).min(bytes.len());
            while at < end {
                if let Some(e) = bytes.get(at).and_then(|b| escape(*b)) {
                    self.out
                        .extend_from_slice(bytes.get(copied..at).unwrap_or_default());
                    self.out.extend_from_slice(e.as_slice());
                    copied = at + 1;
                }
                at += 1;
            }
        }
        self.out
            .extend_from_slice(bytes.get(copied..).unwrap_or_default());
    }
}

/// A byte of a string as serde_json escapes it: `\n`, `\"`, `\u001f`….
struct Escape {
    bytes: [u8; 6],
    len: usize,
}

impl Escape {
    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

fn escape(b: u8) -> Option<Escape> {
    let short = |c: u8| Escape {
        bytes: [b'\\', c, 0, 0, 0, 0],
        len: 2,
    };
    Some(match b {
        b'"' => short(b'"'),
        b'\\' => short(b'\\'),
        b'\n' => short(b'n'),
        b'\r' => short(b'r'),
        b'\t' => short(b't'),
        0x08 => short(b'b'),
        0x0C => short(b'f'),
        0x00..=0x1F => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            let lo = HEX.get(usize::from(b & 0xF)).copied().unwrap_or(b'0');
            Escape {
                bytes: [b'\\', b'u', b'0', b'0', hi, lo],
                len: 6,
            }
        }
        _ => return None,
    })
}

/// How many leading bytes of `bytes` need no escape: counted `WIDE` at a
/// time while they last, then eight at a time; a group holding one to
/// escape ends the count at its start. A wide group's test is written
/// byte by byte over a fixed-size array, which the compiler turns into a
/// few vector compares (SSE2, which every x86-64 has): a long text, three
/// bytes a Chinese character, is passed over at a fraction of an
/// instruction a byte.
fn plain_prefix(bytes: &[u8]) -> usize {
    let mut at = 0;
    for group in bytes.chunks_exact(WIDE) {
        match <&[u8; WIDE]>::try_from(group) {
            Ok(group) if !wide_needs_escape(group) => at += WIDE,
            _ => break,
        }
    }
    at + narrow_plain_prefix(bytes.get(at..).unwrap_or_default())
}

/// Bytes tested together by a wide group.
const WIDE: usize = 32;

#[inline(always)]
fn wide_needs_escape(group: &[u8; WIDE]) -> bool {
    group.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

/// `plain_prefix` eight bytes at a time, in one machine word.
fn narrow_plain_prefix(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte of `v` is zero: a high bit in the result, in that byte or
    // (only then) a higher one.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let mut at = 0;
    for group in bytes.chunks_exact(8) {
        let Ok(group) = <[u8; 8]>::try_from(group) else {
            break;
        };
        let v = u64::from_le_bytes(group);
        // Below 0x20: `v - 0x20…` borrows into the high bit of a byte with
        // its own high bit clear.
        let control = v.wrapping_sub(ONES * 0x20) & !v & HIGHS;
        if control | zero(v ^ (ONES * u64::from(b'"'))) | zero(v ^ (ONES * u64::from(b'\\'))) != 0 {
            break;
        }
        at += 8;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::JsonWriter;

    fn written(s: &str) -> String {
        let mut out = Vec::new();
        JsonWriter::at(&mut out, 0).string(s);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn strings_escape_as_serde_json_does() {
        for s in [
            "",
            "plain",
            "一二三四五六七八九十",
            "quote\" and back\\slash in a longer text",
            "line\nbreak\r\ttab\u{8}\u{c}\u{1}\u{1f}\u{7f}",
            "0123456789abcdef\"",
            "01234567\\",
            "中文“引号”和\n换行，长一点的文字",
        ] {
            assert_eq!(
                written(s),
                serde_json::to_string(s).unwrap_or_default(),
                "{s:?}"
            );
        }
    }

    /// Every byte that must be escaped, at every position of a text long
    /// enough for wide groups, narrow groups and the last few bytes.
    #[test]
    fn an_escape_is_found_at_every_position() {
        let base = "一二三四五六七八九十abcdefghijklmnopqrstuvwxyz0123456789一二三四五六七八九十";
        for special in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
            for at in 0..=base.len() {
                if !base.is_char_boundary(at) {
                    continue;
                }
                let (head, tail) = base.split_at(at);
                let s = format!("{head}{special}{tail}");
                assert_eq!(
                    written(&s),
                    serde_json::to_string(&s).unwrap_or_default(),
                    "{s:?}"
                );
            }
        }
    }

    #[test]
    fn decimals_as_their_normal_form_displays() {
        use rust_decimal::Decimal;
        let mut values: Vec<Decimal> = [
            "0",
            "-0",
            "-0.000",
            "1",
            "-1",
            "10",
            "100.00",
            "0.5",
            "-0.05",
            "0.001",
            "12.340",
            "123456789.987654321",
            "-7.5",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
        ]
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
        values.push(Decimal::MAX);
        values.push(Decimal::MIN);
        values.push(Decimal::new(-5, 28));
        for d in values {
            let mut out = Vec::new();
            JsonWriter::at(&mut out, 0).decimal(d);
            assert_eq!(
                String::from_utf8(out).unwrap_or_default(),
                format!("\"{}\"", d.normalize()),
                "{d:?}"
            );
        }
    }

    #[test]
    fn nesting_is_pretty_as_serde_json_does() {
        let mut out = Vec::new();
        let mut w = JsonWriter::at(&mut out, 0);
        w.open_object();
        w.key("a");
        w.open_array();
        w.close_array();
        w.key("b");
        w.open_array();
        w.item();
        w.open_object();
        w.close_object();
        w.item();
        w.int(-12);
        w.item();
        w.uint(0);
        w.close_array();
        w.key("c");
        w.open_object();
        w.data_key("k\"");
        w.null();
        w.close_object();
        w.close_object();
        let expected = serde_json::to_string_pretty(&serde_json::json!({
            "a": [], "b": [{}, -12, 0], "c": {"k\"": null}
        }))
        .unwrap_or_default();
        assert_eq!(String::from_utf8(out).unwrap_or_default(), expected);
    }

    #[test]
    fn deep_nesting_is_pretty_as_serde_json_does() {
        // Past the 32 levels one copied run indents.
        const DEPTH: usize = 40;
        let mut out = Vec::new();
        let mut w = JsonWriter::at(&mut out, 0);
        let mut expected = serde_json::json!([]);
        for _ in 0..DEPTH {
            w.open_array();
            w.item();
            w.int(1);
            w.item();
        }
        w.open_array();
        w.close_array();
        for _ in 0..DEPTH {
            w.close_array();
            expected = serde_json::json!([1, expected]);
        }
        let expected = serde_json::to_string_pretty(&expected).unwrap_or_default();
        assert_eq!(String::from_utf8(out).unwrap_or_default(), expected);
    }
}
