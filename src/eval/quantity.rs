//! Reading quantities out of free text: `≤1085.09万`, `4次`, `0.5%以下`,
//! `１，６１１家`; and extracting a figure from prose by a pattern with `{}`.
//! Amounts are converted to 万元 and percentages kept as percent, so that a
//! target and an actual written in different units compare.

use rust_decimal::Decimal;
use std::str::FromStr;

/// A cell that is exactly one quantity.
#[derive(Debug, PartialEq, Eq)]
pub struct Quantity {
    /// `≥`, `≤`, `=`, `>`, `<`, or empty for a bare number.
    pub comparator: &'static str,
    /// The number, in `unit`.
    pub number: Decimal,
    /// `万元` for money, `%` for percentages, else the unit as written.
    pub unit: String,
}

const PREFIXES: [(&str, &str); 17] = [
    (">=", "≥"),
    ("<=", "≤"),
    ("≥", "≥"),
    ("≧", "≥"),
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("≤", "≤"),
    ("≦", "≤"),
    ("不高于", "≤"),
    ("不超过", "≤"),
    ("不多于", "≤"),
    ("=", "="),
    ("＝", "="),
    (">", ">"),
    ("＞", ">"),
    ("<", "<"),
    ("＜", "<"),
];

const SUFFIXES: [(&str, &str); 3] = [("以上", "≥"), ("以下", "≤"), ("以内", "≤")];

/// Full-width digits and signs (and the full-width comma) to ASCII. Most
/// text has none, and is returned as it is without a copy.
/// Prose keeps its full-width commas (`commas = false`): they separate
/// clauses there, not thousands.
fn half_width(text: &str, commas: bool) -> std::borrow::Cow<'_, str> {
    if !has_wide(text.as_bytes(), commas) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(half_width_copy(text, commas))
}

/// Does the UTF-8 text hold a full-width digit, `．`, `％`, the ideographic
/// space (or, with `commas`, `，`)? A byte scan: prose is long and rarely has
/// any.
fn has_wide(bytes: &[u8], commas: bool) -> bool {
    // Only the lead bytes 0xEF and 0xE3 start one; most Chinese characters
    // start with 0xE4–0xE9, so the search jumps over them.
    memchr::memchr2_iter(0xEF, 0xE3, bytes).any(|at| {
        match bytes.get(at..at + 3) {
            // U+FF05 ％, U+FF0C ，, U+FF0E ．, U+FF10–FF19 ０–９
            Some([0xEF, 0xBC, third]) => {
                matches!(third, 0x85 | 0x8E | 0x90..=0x99) || (commas && *third == 0x8C)
            }
            // U+3000 ideographic space
            Some([0xE3, 0x80, 0x80]) => true,
            _ => false,
        }
    })
}

fn half_width_copy(text: &str, commas: bool) -> String {
    text.chars()
        .map(|c| match c {
            '，' if commas => ',',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '％' => '%',
            '　' => ' ',
            _ => c,
        })
        .collect()
}

/// The number at the start of `text` (thousands separators allowed) and the
/// rest.
fn leading_number(text: &str) -> Option<(Decimal, &str)> {
    let bytes = text.as_bytes();
    let mut digits = String::new();
    let mut i = 0;
    let mut seen_dot = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'0'..=b'9' => digits.push(b as char),
            b'.' if !seen_dot
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && !digits.is_empty() =>
            {
                seen_dot = true;
                digits.push('.');
            }
            // A thousands separator: between digits, followed by exactly three.
            b',' if !seen_dot && !digits.is_empty() => {
                let group = bytes.get(i + 1..i + 4)?;
                let after = bytes.get(i + 4);
                if group.iter().all(u8::is_ascii_digit) && !after.is_some_and(u8::is_ascii_digit) {
                    i += 1;
                    continue;
                }
                break;
            }
            _ => break,
        }
        i += 1;
    }
    if digits.is_empty() {
        return None;
    }
    let n = Decimal::from_str(&digits).ok()?;
    Some((n, text.get(i..)?))
}

/// Can the cell be one quantity: after white space and a comparator, a
/// digit (half- or full-width)? Otherwise its number would not lead, and
/// `parse_quantity` would find none. (Making a cell half-width changes no
/// comparator and no white space, so the answer is that of the converted
/// cell.)
fn starts_like_quantity(cell: &str) -> bool {
    let mut rest = cell.trim();
    for (written, _) in PREFIXES {
        if let Some(r) = rest.strip_prefix(written) {
            rest = r.trim_start();
            break;
        }
    }
    starts_with_digit(rest)
}

/// Read a cell as one quantity, or nothing.
pub fn parse_quantity(cell: &str) -> Option<Quantity> {
    // Most cells are prose: told apart before any copy is made of them.
    if !starts_like_quantity(cell) {
        return None;
    }
    read_quantity(cell)
}

/// `parse_quantity` without its first look.
fn read_quantity(cell: &str) -> Option<Quantity> {
    let text = half_width(cell, true);
    let mut rest = text.trim();
    let mut comparator = "";
    for (written, normal) in PREFIXES {
        if let Some(r) = rest.strip_prefix(written) {
            comparator = normal;
            rest = r.trim_start();
            break;
        }
    }
    let (number, tail) = leading_number(rest)?;
    let mut unit = tail.trim();
    for (written, normal) in SUFFIXES {
        if let Some(u) = unit.strip_suffix(written) {
            if comparator.is_empty() {
                comparator = normal;
            }
            unit = u.trim_end();
            break;
        }
    }
    let plain_unit = unit.chars().count() <= 4
        && unit.chars().all(|c| {
            !c.is_ascii_digit()
                && !c.is_whitespace()
                && !matches!(
                    c,
                    '，' | '。'
                        | '、'
                        | '；'
                        | '：'
                        | ','
                        | '.'
                        | ';'
                        | ':'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                        | '“'
                        | '”'
                        | '"'
                        | '\''
                )
        });
    if !plain_unit {
        return None;
    }
    let (number, unit) = match unit {
        "万" | "万元" => (number, "万元".to_string()),
        "亿" | "亿元" => (
            number.checked_mul(Decimal::from(10_000))?,
            "万元".to_string(),
        ),
        "元" => (
            number.checked_div(Decimal::from(10_000))?,
            "万元".to_string(),
        ),
        "%" | "百分比" => (number, "%".to_string()),
        other => (number, other.to_string()),
    };
    Some(Quantity {
        comparator,
        number,
        unit,
    })
}

/// The number standing where `{}` is in `pattern`, at its first match.
pub fn extract(text: &str, pattern: &str) -> Option<Decimal> {
    let pattern = half_width(pattern, false);
    let (before, after) = split_at_hole(&pattern)?;
    extract_between(text, before, after)
}

/// An `extract` pattern as its two normalised parts around `{}`, read
/// once for rules compiled to typed code; nothing without a `{}`.
pub(crate) fn pattern_parts(pattern: &str) -> Option<(String, String)> {
    let pattern = half_width(pattern, false);
    let (before, after) = split_at_hole(&pattern)?;
    Some((before.to_string(), after.to_string()))
}

/// The number between a normalised pattern's two parts.
pub(crate) fn extract_between(text: &str, before: &str, after: &str) -> Option<Decimal> {
    // Fast path: a prefix without characters that have full-width forms
    // is searched in the text as it is, and only the few characters after
    // each match are normalised. Long report sections are not copied.
    // (Those characters are ASCII: their bytes never occur inside another
    // character's.)
    let plain = !before
        .bytes()
        .any(|b| b.is_ascii_digit() || matches!(b, b'%' | b'.' | b' '));
    let normalised;
    let text = if plain {
        text
    } else {
        normalised = half_width(text, false);
        &normalised
    };
    // A long text gets one searcher for every match (the prefix is
    // searched again after each false match); a short cell the one-shot
    // search, which costs less than building a searcher.
    let finder = (text.len() > SHORT_TEXT).then(|| finder_for(before));
    let find = |rest: &[u8]| match &finder {
        Some(f) => f.find(rest),
        None => find_short(rest, before.as_bytes()),
    };
    let mut from = 0;
    while let Some(found) = text.as_bytes().get(from..).and_then(find) {
        let start = from + found + before.len();
        let rest = text.get(start..).unwrap_or("");
        // Most places a prefix matches (every place, for an empty prefix
        // as in "{}家") have no number after them: passed over without
        // looking further (normalising the rest of a long text at each of
        // them made an empty prefix quadratic in the text).
        if starts_with_digit(rest) {
            let window = rest
                .char_indices()
                .nth(EXTRACT_WINDOW)
                .map_or(rest, |(end, _)| rest.get(..end).unwrap_or(rest));
            let tail = half_width(window, false);
            let candidate = tail.trim_start();
            if let Some((n, rest)) = leading_number(candidate) {
                if rest.trim_start().starts_with(after) {
                    return Some(n);
                }
            }
        }
        from = start.max(from + 1);
        while !text.is_char_boundary(from) && from < text.len() {
            from += 1;
        }
    }
    None
}

/// Where `needle` first occurs in a short text: its first byte looked for
/// and the rest compared. `memmem::find` builds a searcher on every call,
/// which costs more than the search itself in a cell (and an empty prefix,
/// as in "{}家", is found at every position of the cell).
fn find_short(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let mut from = 0;
    while let Some(i) = haystack.get(from..).and_then(|h| memchr::memchr(first, h)) {
        let at = from + i;
        if haystack.get(at + 1..).is_some_and(|h| h.starts_with(rest)) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Does the pattern have a `{}` for the number?
pub fn has_hole(pattern: &str) -> bool {
    split_at_hole(pattern).is_some()
}

/// A pattern cut at its first `{}`: `split_once("{}")` without building
/// a substring searcher for a two-byte needle on every call.
fn split_at_hole(pattern: &str) -> Option<(&str, &str)> {
    let bytes = pattern.as_bytes();
    let mut from = 0;
    while let Some(i) = bytes
        .get(from..)
        .and_then(|rest| memchr::memchr(b'{', rest))
    {
        let at = from + i;
        if bytes.get(at + 1) == Some(&b'}') {
            return Some((pattern.get(..at)?, pattern.get(at + 2..)?));
        }
        from = at + 1;
    }
    None
}

/// Does the text's first character other than white space (where a
/// number would start) look like a digit, half- or full-width?
fn starts_with_digit(text: &str) -> bool {
    text.trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
}

/// The searcher for a pattern's prefix. A rule's patterns are few and the
/// same for every text (three patterns over every section of a report):
/// the searchers last built are kept, per thread, not built again for
/// every text searched.
fn finder_for(prefix: &str) -> std::rc::Rc<memchr::memmem::Finder<'static>> {
    thread_local! {
        static FINDERS: std::cell::RefCell<Vec<(Box<str>, std::rc::Rc<memchr::memmem::Finder<'static>>)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    FINDERS.with_borrow_mut(|finders| {
        if let Some((_, f)) = finders.iter().find(|(p, _)| **p == *prefix) {
            return std::rc::Rc::clone(f);
        }
        let f = std::rc::Rc::new(memchr::memmem::Finder::new(prefix.as_bytes()).into_owned());
        if finders.len() >= KEPT_FINDERS {
            finders.remove(0);
        }
        finders.push((prefix.into(), std::rc::Rc::clone(&f)));
        f
    })
}

/// Searchers `finder_for` keeps per thread.
const KEPT_FINDERS: usize = 16;

/// Texts up to this many bytes are searched without building a searcher.
const SHORT_TEXT: usize = 256;

/// Characters after a pattern's prefix that can hold its number and suffix.
const EXTRACT_WINDOW: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Option<(&'static str, String, String)> {
        parse_quantity(s).map(|q| (q.comparator, q.number.normalize().to_string(), q.unit))
    }

    #[test]
    fn quantities() {
        assert_eq!(
            q("≤1085.09万"),
            Some(("≤", "1085.09".into(), "万元".into()))
        );
        assert_eq!(q("0.111509亿"), Some(("", "1115.09".into(), "万元".into())));
        assert_eq!(
            q("1115.09万元"),
            Some(("", "1115.09".into(), "万元".into()))
        );
        assert_eq!(q("１，６１１家"), Some(("", "1611".into(), "家".into())));
        assert_eq!(q("1,611家"), Some(("", "1611".into(), "家".into())));
        assert_eq!(q("90%以上"), Some(("≥", "90".into(), "%".into())));
        assert_eq!(q("不低于90%"), Some(("≥", "90".into(), "%".into())));
        assert_eq!(q("102.76 %"), Some(("", "102.76".into(), "%".into())));
        assert_eq!(q("4次"), Some(("", "4".into(), "次".into())));
        assert_eq!(q("每季度1次，共4次"), None);
        assert_eq!(q("党组会议形式开展理论学习，3次"), None);
        assert_eq!(q("提高服务满意度"), None);
        assert_eq!(
            q("小微企业平均担保率保持在0.5%以下，降低企业经营压力。"),
            None
        );
    }

    /// The first look turns away only cells the reading would turn away:
    /// every short cell made of comparators, white space (ideographic
    /// too), digits of both widths, points, commas and unit characters.
    #[test]
    fn the_first_look_loses_no_quantity() {
        let pieces = [
            "≥",
            "不低于",
            "＞",
            "<=",
            " ",
            "　",
            "1",
            "５",
            "．",
            ".",
            "，",
            ",",
            "万",
            "%",
            "以上",
            "次",
            "提高",
        ];
        let n = pieces.len();
        for a in 0..n {
            for b in 0..n {
                for c in 0..n {
                    for d in [0, 4, 6, 9] {
                        let cell: String = [a, b, c, d]
                            .iter()
                            .filter_map(|i| pieces.get(*i).copied())
                            .collect();
                        assert!(
                            starts_like_quantity(&cell) || read_quantity(&cell).is_none(),
                            "{cell}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn extraction() {
        let text = "整体绩效自评得分为100分。全年预算数为348.64万元，执行数为1115.09万元，完成预算的319.84%。";
        assert_eq!(extract(text, "自评得分为{}分"), Some(Decimal::from(100)));
        assert_eq!(
            extract(text, "全年预算数为{}万元"),
            Decimal::from_str("348.64").ok()
        );
        assert_eq!(
            extract(text, "执行数为{}万元"),
            Decimal::from_str("1115.09").ok()
        );
        assert_eq!(
            extract(text, "完成预算的{}%"),
            Decimal::from_str("319.84").ok()
        );
        assert_eq!(extract(text, "没有的{}"), None);
    }

    use proptest::prelude::*;

    /// Texts of the characters the searches care about: ASCII digits and
    /// signs, full-width ones, the ideographic space, and Chinese.
    fn texts() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "1", "2", ".", "%", " ", "：", "１", "％", "．", "，", "　", "、", "家", "个",
                "指标", "万元", "不", "ab",
            ]),
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The search of a short cell finds what a substring search finds.
        #[test]
        fn short_search_finds_the_first_match(text in texts(), needle in texts()) {
            prop_assert_eq!(
                find_short(text.as_bytes(), needle.as_bytes()),
                text.find(needle.as_str())
            );
        }

        /// Full-width characters are found as a walk over characters finds them.
        #[test]
        fn wide_characters_are_found(text in texts(), commas in any::<bool>()) {
            let wide = text.chars().any(|c| {
                matches!(c, '０'..='９' | '．' | '％' | '　') || (commas && c == '，')
            });
            prop_assert_eq!(has_wide(text.as_bytes(), commas), wide);
        }

        /// A pattern with an empty prefix (“{}家”) takes the first number
        /// followed by its suffix, wherever the number starts.
        #[test]
        fn empty_prefix_takes_the_first_number_before_the_suffix(text in texts()) {
            let by_scan = text.char_indices().find_map(|(at, _)| {
                let rest = half_width(text.get(at..).unwrap_or(""), false).into_owned();
                let rest = rest.trim_start();
                if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                    return None;
                }
                let (n, after) = leading_number(rest)?;
                after.trim_start().starts_with('家').then_some(n)
            });
            prop_assert_eq!(extract_between(&text, "", "家"), by_scan);
        }
    }
}
