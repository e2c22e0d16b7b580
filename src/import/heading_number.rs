//! The number a report heading is written with: "七、", "（七）", "7.",
//! "第七部分", or none (a bold paragraph). Only the text is read here;
//! which section a heading names is the report reader's business, and
//! whether a paragraph starts the report is the recogniser's: both ask
//! this module.

use super::label;

/// How a heading is numbered. Units number the report's headings in any
/// of the usual ways, and sometimes only set them in bold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    /// "七、"
    Chinese,
    /// "（七）" "(7)"
    Bracketed,
    /// "7." "7、"
    Arabic,
    /// "第七部分" "第七章" "第七节"
    Part,
    /// No number: a short paragraph all in bold.
    Bold,
    /// No number, not bold: only a paragraph that is exactly a template
    /// heading counts.
    Plain,
}

/// A paragraph read as a heading: its style, its number if it has one,
/// and the text after the number.
pub(super) struct Numbered<'a> {
    pub style: Style,
    pub number: Option<u32>,
    pub rest: &'a str,
}

/// The paragraph's numbering, if it is numbered in one of the styles; a
/// paragraph without a number is `Bold` when all bold, else `Plain`.
pub(super) fn numbered(text: &str, bold: bool) -> Option<Numbered<'_>> {
    let text = text.trim_start();
    if let Some((n, rest)) = label::chinese_ordinal(text) {
        return Some(Numbered {
            style: Style::Chinese,
            number: Some(n),
            rest,
        });
    }
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let is_numeral = |c: char| "一二三四五六七八九十〇零".contains(c);
    let number_of = |digits: &str| -> Option<u32> {
        if digits.chars().all(is_digit) {
            digits
                .chars()
                .map(label::fold)
                .collect::<String>()
                .parse()
                .ok()
        } else {
            label::chinese_number(digits)
        }
    };
    let take = |s: &str| -> usize {
        let n: usize = s
            .chars()
            .take_while(|c| is_digit(*c) || is_numeral(*c))
            .map(char::len_utf8)
            .sum();
        n
    };
    let separators: &[char] = &['：', ':', '、', '．', '.', ' ', '\u{3000}'];
    // （七） (7)
    if let Some(inner) = text.strip_prefix(['（', '(']) {
        let len = take(inner);
        let after = inner.get(len..)?;
        if len > 0 {
            if let Some(rest) = after.strip_prefix(['）', ')']) {
                return Some(Numbered {
                    style: Style::Bracketed,
                    number: Some(number_of(inner.get(..len)?)?),
                    rest: rest.trim_start_matches(separators).trim_start(),
                });
            }
        }
        return None;
    }
    // 第七部分 第七章
    if let Some(inner) = text.strip_prefix('第') {
        let len = take(inner);
        let after = inner.get(len..)?;
        let rest = ["部分", "章", "节"]
            .iter()
            .find_map(|w| after.strip_prefix(w))
            .filter(|_| len > 0)?;
        return Some(Numbered {
            style: Style::Part,
            number: Some(number_of(inner.get(..len)?)?),
            rest: rest.trim_start_matches(separators).trim_start(),
        });
    }
    // 7. 7、 — not "7.5万元" nor "2022年".
    let digits: usize = text
        .chars()
        .take_while(|c| is_digit(*c))
        .map(char::len_utf8)
        .sum();
    if digits > 0 && digits <= 6 {
        let after = text.get(digits..)?;
        let mut chars = after.chars();
        let sep = chars.next();
        let next = chars.next();
        if matches!(sep, Some('.' | '．' | '、')) && next.is_some_and(|c| !is_digit(c)) {
            return Some(Numbered {
                style: Style::Arabic,
                number: Some(number_of(text.get(..digits)?)?),
                rest: after.get(sep.map_or(0, char::len_utf8)..)?.trim_start(),
            });
        }
        return None;
    }
    Some(Numbered {
        style: if bold { Style::Bold } else { Style::Plain },
        number: None,
        rest: text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(text: &str, bold: bool) -> Option<(Style, Option<u32>, String)> {
        numbered(text, bold).map(|n| (n.style, n.number, n.rest.to_string()))
    }

    #[test]
    fn heading_numbers_in_every_style() {
        let t = |s: &str| form(s, false);
        assert_eq!(
            t("七、存在的问题"),
            Some((Style::Chinese, Some(7), "存在的问题".into()))
        );
        assert_eq!(
            t("（七）存在的问题"),
            Some((Style::Bracketed, Some(7), "存在的问题".into()))
        );
        assert_eq!(
            t("(12) 其他"),
            Some((Style::Bracketed, Some(12), "其他".into()))
        );
        assert_eq!(
            t("7. 存在的问题"),
            Some((Style::Arabic, Some(7), "存在的问题".into()))
        );
        assert_eq!(
            t("７、存在的问题"),
            Some((Style::Arabic, Some(7), "存在的问题".into()))
        );
        assert_eq!(
            t("第七部分 存在的问题"),
            Some((Style::Part, Some(7), "存在的问题".into()))
        );
        assert_eq!(
            t("第十章：其他"),
            Some((Style::Part, Some(10), "其他".into()))
        );
        assert_eq!(
            form("存在的问题", true),
            Some((Style::Bold, None, "存在的问题".into()))
        );
        assert_eq!(
            t("存在的问题"),
            Some((Style::Plain, None, "存在的问题".into()))
        );
        // Amounts and years are not numbers of headings.
        assert_eq!(t("7.5万元用于培训"), None);
        assert_eq!(t("2022年度预算"), None);
        assert_eq!(t("第一季度完成"), None);
        assert_eq!(t("（注）"), None);
        assert_eq!(t("("), None);
        assert_eq!(t("第"), None);
    }
}
