//! Labels as the forms write them, and the keys they are matched by.
//!
//! A row or column label is cleaned the way the example submission shows:
//! ordinals and prefixes go ("1、业务工作经费" → "业务工作经费", "其中：办公经费"
//! → "办公经费", "项目支出：" → "项目支出"), a note in brackets at the end goes
//! ("区级专项资金(一个专项一行)" → "区级专项资金"), and so does whitespace
//! (cells wrap labels by hand: "经济效\n益指标"). Matching additionally folds
//! full-width forms to half-width.

/// Full-width ASCII forms to half-width; the ideographic space to a space.
pub fn fold(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Without any whitespace.
pub fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The label as the output writes it.
pub fn clean(text: &str, prefixes: &[String]) -> String {
    let mut s = compact(text);
    for _ in 0..3 {
        let before = s.clone();
        s = strip_ordinal(&s);
        for prefix in prefixes {
            if let Some(rest) = s.strip_prefix(prefix.as_str()) {
                if let Some(rest) = rest.strip_prefix(['：', ':']) {
                    s = rest.to_string();
                }
            }
        }
        s = s.trim_end_matches(['：', ':']).to_string();
        s = strip_note(&s);
        if s == before {
            break;
        }
    }
    s
}

/// The key a label is matched by: cleaned, then folded.
pub fn key(text: &str, prefixes: &[String]) -> String {
    clean(text, prefixes).chars().map(fold).collect()
}

/// How well a cell's key matches a name's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// The key ends with the name ("2022年实际在职人数" for "实际在职人数").
    Suffix,
    /// The same.
    Exact,
}

/// Does `cell_key` match any of `names` (given as written)?
pub fn fits(cell_key: &str, names: &[String], prefixes: &[String]) -> Option<Fit> {
    if cell_key.is_empty() {
        return None;
    }
    names
        .iter()
        .filter_map(|n| {
            let k = key(n, prefixes);
            if k.is_empty() {
                None
            } else if cell_key == k {
                Some(Fit::Exact)
            } else if cell_key.ends_with(&k) {
                Some(Fit::Suffix)
            } else {
                None
            }
        })
        .max()
}

/// "一般公共预算：1115.09万元" → ("一般公共预算", "1115.09万元"): the text
/// after the last colon is the value.
pub fn split_value(text: &str) -> Option<(&str, &str)> {
    let at = text.rfind(['：', ':'])?;
    let label = text.get(..at)?;
    let colon = text.get(at..)?.chars().next()?;
    let value = text.get(at + colon.len_utf8()..)?;
    Some((label, value.trim()))
}

const CHINESE_NUMERALS: &str = "一二三四五六七八九十〇零百";

/// The leading number of a heading or list item, and the rest:
/// "三、政府性基金" → (3, "政府性基金"). Chinese numerals only.
pub fn chinese_ordinal(text: &str) -> Option<(u32, &str)> {
    let text = text.trim_start();
    let digits: String = text
        .chars()
        .take_while(|c| CHINESE_NUMERALS.contains(*c))
        .collect();
    let rest = text.get(digits.len()..)?;
    let sep = rest.chars().next()?;
    if !matches!(
        sep,
        '、' | '．' | '.' | '，' | ',' | ' ' | '\u{3000}' | '：' | ':'
    ) {
        return None;
    }
    let n = chinese_number(&digits)?;
    Some((n, rest.get(sep.len_utf8()..)?.trim_start()))
}

/// 一 … 九十九 (and 〇/零 digits read one by one: 二〇二三 → 2023).
pub fn chinese_number(text: &str) -> Option<u32> {
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c);
    if text.is_empty() {
        return None;
    }
    if !text.contains('十') {
        let mut n: u32 = 0;
        for c in text.chars() {
            let d = digit(if c == '零' { '〇' } else { c })?;
            n = n.checked_mul(10)?.checked_add(u32::try_from(d).ok()?)?;
        }
        return Some(n);
    }
    let (tens, ones) = text.split_once('十')?;
    let tens = if tens.is_empty() {
        1
    } else {
        chinese_number(tens)?
    };
    let ones = if ones.is_empty() {
        0
    } else {
        chinese_number(ones)?
    };
    tens.checked_mul(10)?.checked_add(ones)
}

/// "1、" "1." "（1）" "(一)" "一、" "①" at the start go.
fn strip_ordinal(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let is_num = |c: &char| c.is_ascii_digit() || ('０'..='９').contains(c);
    let is_chinese = |c: &char| CHINESE_NUMERALS.contains(*c);
    let skip = |n: usize| chars.iter().skip(n).collect::<String>();
    // (1) （一）
    if let Some(open) = chars.first().filter(|c| matches!(c, '(' | '（')) {
        let _ = open;
        let inner = chars
            .iter()
            .skip(1)
            .take_while(|c| is_num(c) || is_chinese(c))
            .count();
        if inner > 0 && matches!(chars.get(1 + inner), Some(')' | '）')) && chars.len() > inner + 2
        {
            return skip(inner + 2);
        }
        return s.to_string();
    }
    if chars.first().is_some_and(|c| ('①'..='⑳').contains(c)) && chars.len() > 1 {
        return skip(1);
    }
    let digits = chars.iter().take_while(|c| is_num(c)).count();
    if digits > 0 && digits <= 3 {
        let sep = chars.get(digits);
        let next = chars.get(digits + 1);
        let separator = match sep {
            Some('、' | '，' | ',' | ')' | '）') => true,
            Some('.' | '．') => next.is_some_and(|c| !is_num(c)),
            _ => false,
        };
        if separator && next.is_some() {
            return skip(digits + 1);
        }
        return s.to_string();
    }
    let numerals = chars.iter().take_while(|c| is_chinese(c)).count();
    if numerals > 0
        && numerals <= 3
        && matches!(chars.get(numerals), Some('、' | '．'))
        && chars.len() > numerals + 1
    {
        return skip(numerals + 1);
    }
    s.to_string()
}

/// A bracketed note at the end goes: "区级专项资金(一个专项一行）" →
/// "区级专项资金". A label that is all brackets stays.
fn strip_note(s: &str) -> String {
    if !s.ends_with([')', '）']) {
        return s.to_string();
    }
    match s.rfind(['(', '（']) {
        Some(at) if at > 0 => s.get(..at).unwrap_or(s).to_string(),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        clean(s, &["其中".to_string()])
    }

    #[test]
    fn labels_are_cleaned_as_the_example_shows() {
        assert_eq!(c("1、业务工作经费"), "业务工作经费");
        assert_eq!(c("其中：办公经费"), "办公经费");
        assert_eq!(c("项目支出："), "项目支出");
        assert_eq!(c("3、区级专项资金(一个专项一行)"), "区级专项资金");
        assert_eq!(c("4、上级转移支付(一个专项一行）"), "上级转移支付");
        assert_eq!(c("经济效\n益指标"), "经济效益指标");
        assert_eq!(c("产出指标\n(50分)"), "产出指标");
        assert_eq!(c("（二）项目支出"), "项目支出");
        assert_eq!(c("预算单位 名称"), "预算单位名称");
        assert_eq!(c("2022年实际在职人数"), "2022年实际在职人数");
        assert_eq!(c("1.5万元"), "1.5万元");
        assert_eq!(c("水费、电费、差旅费"), "水费、电费、差旅费");
    }

    #[test]
    fn values_after_colons() {
        assert_eq!(
            split_value("其中：  一般公共预算：1115.09万元"),
            Some(("其中：  一般公共预算", "1115.09万元"))
        );
        assert_eq!(
            split_value("政府性基金拨款:0"),
            Some(("政府性基金拨款", "0"))
        );
        assert_eq!(split_value("无冒号"), None);
    }

    #[test]
    fn ordinals() {
        assert_eq!(chinese_ordinal("三、政府性基金"), Some((3, "政府性基金")));
        assert_eq!(chinese_ordinal("十一、其他"), Some((11, "其他")));
        assert_eq!(chinese_ordinal("（一）基本"), None);
        assert_eq!(chinese_number("二〇二三"), Some(2023));
        assert_eq!(chinese_number("二十一"), Some(21));
    }
}
