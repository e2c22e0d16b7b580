//! Numbers, rates and dates out of cell text, exactly: amounts become
//! `Decimal`s from their digits (never `f64`), with thousands separators,
//! full-width digits, `万元` and a note in brackets handled.

use super::label::{chinese_number, fold};
use super::units::Declared;
use crate::data::Date;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The unit written after a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Nothing.
    None,
    /// 万 / 万元: the format's unit.
    Wan,
    /// 元.
    Yuan,
    /// 亿 / 亿元.
    Yi,
    /// 分 (points).
    Points,
    /// 人 (people).
    People,
    /// %.
    Percent,
    /// Anything else, as written.
    Other(String),
}

/// A number read from a cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number {
    /// The value, with the digits' own scale (`1018.20` stays `1018.20`).
    pub value: Decimal,
    /// The unit after it.
    pub unit: Unit,
    /// A note in brackets ("100（调减20万）" → "调减20万").
    pub note: Option<String>,
    /// A currency sign before it ("¥96.89"): an amount, not points.
    pub currency: bool,
}

/// Why a cell is not a number, in Chinese.
pub type Reason = String;

/// A number with an optional unit and bracketed note; `Ok(None)` for a
/// blank cell, or one holding only a mark of `blank` (the templates'
/// `blank_marks`: "—", "/", "无"…).
pub fn number(text: &str, blank: &[String]) -> Result<Option<Number>, Reason> {
    let (outside, note) = split_note(text);
    let folded: String = outside.chars().map(fold).collect();
    let (s, spaced) = unspaced(&folded, text)?;
    if s.is_empty() {
        return match note {
            None => Ok(None),
            // The whole cell is in brackets: quoted as written, brackets
            // and all, or the message would call a number no number.
            Some(_) => Err(format!("“{}”只有括号中的说明，没有数字", one_line(text))),
        };
    }
    // A dash or “/” is how the forms mark a cell left empty on purpose
    // (cells.jx reads them as blank too): blank, with nothing to say. A
    // warning each made a unit's notice list thirty cells as unreadable.
    if blank.contains(&s) {
        return Ok(None);
    }
    let (negative, body) = match s.strip_prefix(['-', '+']) {
        Some(rest) => (s.starts_with('-'), rest),
        None => (false, s.as_str()),
    };
    // A currency sign says money, not a scale: "¥96.89" is 96.89 in the
    // unit of its column or table, as "96.89" is.
    let (currency, body) = match body.strip_prefix(CURRENCY) {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let end = body
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
        .map_or(body.len(), |(i, _)| i);
    let (digits, unit_text) = body.split_at(end);
    let digits = thousands(digits).ok_or_else(|| match spaced {
        // Digits apart that do not group in thousands: "90 96.89" is an
        // old and a new figure, "10 85.09" a slip; neither is 9096.89.
        true => format!(
            "“{}”中的数字隔着空格，看不出是一个数还是几个数",
            one_line(text)
        ),
        false => format!("“{}”不是可识别的数字", one_line(text)),
    })?;
    let mut value =
        Decimal::from_str(&digits).map_err(|_| format!("“{}”超出可精确表示的范围", text.trim()))?;
    if negative {
        value.set_sign_negative(true);
    }
    let unit = match unit_text {
        "" => Unit::None,
        "万" | "万元" => Unit::Wan,
        "元" => Unit::Yuan,
        "亿" | "亿元" => Unit::Yi,
        "分" => Unit::Points,
        "人" => Unit::People,
        "%" => Unit::Percent,
        other => Unit::Other(other.to_string()),
    };
    Ok(Some(Number {
        value,
        unit,
        note,
        currency,
    }))
}

/// Currency signs written before an amount (half- and full-width yen).
const CURRENCY: [char; 2] = ['¥', '￥'];

/// A cell's text on one line for a message: its lines joined by a space.
fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}

/// The text without whitespace, and whether a space stood between two
/// digits. Such a space is kept as a thousands separator, so that the
/// groups are checked as a comma's are ("1 085.09" is one number, "90
/// 96.89" none). Digits on two lines (two paragraphs, or a line break) are
/// two figures, never one: a narrow cell wraps a number only where Word
/// breaks it, not at a break the unit typed.
fn unspaced(folded: &str, text: &str) -> Result<(String, bool), Reason> {
    let mut out = String::with_capacity(folded.len());
    let mut gap: Option<bool> = None; // whitespace seen; with a line break?
    let mut spaced = false;
    for c in folded.chars() {
        if c.is_whitespace() {
            let broken = c == '\n' || c == '\r';
            gap = Some(gap.unwrap_or(false) || broken);
            continue;
        }
        if let Some(broken) = gap.take() {
            let between_digits = c.is_ascii_digit() && out.ends_with(|p: char| p.is_ascii_digit());
            match (between_digits, broken) {
                (true, true) => {
                    let lines: Vec<String> = text
                        .split('\n')
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(|l| format!("“{l}”"))
                        .collect();
                    return Err(format!("一格中分行写了{}，不是一个数", lines.join("和")));
                }
                (true, false) => {
                    out.push(',');
                    spaced = true;
                }
                (false, _) => {}
            }
        }
        out.push(c);
    }
    Ok((out, spaced))
}

/// An amount in 万元.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amount {
    /// The value in 万元.
    pub value: Decimal,
    /// A note in brackets after it.
    pub note: Option<String>,
    /// Said when the cell was in 元 or 亿元 and has been converted.
    pub converted: Option<String>,
    /// The cell or its table said the unit; false when 万元 is only assumed.
    pub unit_known: bool,
}

/// The cell alone, with the 2022 template's units, for the unit tests.
#[cfg(test)]
pub fn amount(text: &str) -> Result<Option<Amount>, Reason> {
    amount_in(text, None, &units_2022, &blank_2022())
}

/// The 2022 template's `blank_marks`, for the unit tests.
#[cfg(test)]
fn blank_2022() -> Vec<String> {
    crate::import::template::Templates::builtin(2022)
        .map(|t| t.blank_marks.0)
        .unwrap_or_default()
}

/// The 2022 template's `[amount_units]`, for the unit tests.
#[cfg(test)]
fn units_2022(name: &str) -> Option<(Decimal, String)> {
    let factor = match name {
        "万元" => "1",
        "元" => "0.0001",
        "亿元" => "10000",
        _ => return None,
    };
    Some((Decimal::from_str(factor).ok()?, name.to_string()))
}

/// The name a cell's own unit goes by when looked up among the year's
/// units: "万" is written for 万元 and "亿" for 亿元, so both read as the
/// longer name; anything else as written ("千元").
fn unit_name(unit: &Unit) -> Option<String> {
    match unit {
        Unit::None | Unit::Points | Unit::People | Unit::Percent => None,
        Unit::Wan => Some("万元".into()),
        Unit::Yuan => Some("元".into()),
        Unit::Yi => Some("亿元".into()),
        Unit::Other(s) => Some(s.clone()),
    }
}

/// An amount in 万元. A cell's own unit ("600,000.00元") is looked up with
/// `units` (the year's `[amount_units]`: name → 万元 per one, and the
/// name as the template writes it); a number without one is in the unit
/// its table, column or row declares. Either is converted exactly, and
/// said so; a unit the year does not know is an error.
pub fn amount_in(
    text: &str,
    declared: Option<&Declared>,
    units: &dyn Fn(&str) -> Option<(Decimal, String)>,
    blank: &[String],
) -> Result<Option<Amount>, Reason> {
    let Some(n) = number(text, blank)? else {
        return Ok(None);
    };
    let not_an_amount = || format!("“{}”不是以万元计的金额", text.trim());
    // (factor, what the comment says of the conversion)
    let unit = match (&n.unit, declared) {
        (Unit::None, None) => None,
        (Unit::None, Some(d)) => Some((
            d.factor,
            format!("“{}”按{}折算为万元（{}）", text.trim(), d.name, d.source),
        )),
        (own, _) => {
            let name = unit_name(own).ok_or_else(not_an_amount)?;
            let (factor, name) = units(&name).ok_or_else(not_an_amount)?;
            Some((factor, format!("“{}”按{name}折算为万元", text.trim())))
        }
    };
    let Some((factor, said)) = unit else {
        return Ok(Some(Amount {
            value: n.value,
            note: n.note,
            converted: None,
            unit_known: false,
        }));
    };
    if factor == Decimal::ONE {
        return Ok(Some(Amount {
            value: n.value,
            note: n.note,
            converted: None,
            unit_known: true,
        }));
    }
    // Exact: the factor is a decimal; normalised so 60,000.00 元 reads
    // 6 万元, not 6.000000.
    let value = n
        .value
        .checked_mul(factor)
        .map(|v| v.normalize())
        .ok_or_else(|| format!("“{}”超出可精确表示的范围", text.trim()))?;
    Ok(Some(Amount {
        value,
        note: n.note,
        converted: Some(said),
        unit_known: true,
    }))
}

/// Points (分值、得分): a number, optionally followed by 分.
pub fn points(text: &str, blank: &[String]) -> Result<Option<Decimal>, Reason> {
    let Some(n) = number(text, blank)? else {
        return Ok(None);
    };
    match (&n.unit, &n.note) {
        (Unit::None | Unit::Points, None) if !n.currency => Ok(Some(n.value)),
        _ => Err(format!("“{}”不是分数", text.trim())),
    }
}

/// A whole number (人数).
pub fn whole(text: &str, blank: &[String]) -> Result<Option<i64>, Reason> {
    let Some(n) = number(text, blank)? else {
        return Ok(None);
    };
    let v = n.value.normalize();
    match (&n.unit, &n.note, v.scale()) {
        (Unit::None | Unit::People, None, 0) if !n.currency => i64::try_from(v)
            .map(Some)
            .map_err(|_| format!("“{}”超出范围", text.trim())),
        _ => Err(format!("“{}”不是整数", text.trim())),
    }
}

/// A rate as written, tidied: "102.76 %" → "102.76%", full-width folded.
pub fn rate(text: &str) -> Option<String> {
    let s: String = text
        .chars()
        .map(fold)
        .filter(|c| !c.is_whitespace())
        .collect();
    (!s.is_empty()).then_some(s)
}

/// "2023年6月14日", "2023-06-14", "2023.6.14", "2023/6/14", "二〇二三年六月十四日".
pub fn date(text: &str) -> Option<Date> {
    let s: String = text
        .chars()
        .map(fold)
        .filter(|c| !c.is_whitespace())
        .collect();
    let s = s.trim_end_matches('日').trim_end_matches('号');
    let parts: Vec<&str> = s.split(['年', '月', '-', '.', '/']).collect();
    let [y, m, d] = parts.as_slice() else {
        return compact_date(s);
    };
    // A year of four digits: “23.6.12” is no date of year 23.
    if y.chars().count() != 4 {
        return None;
    }
    let part = |p: &str| -> Option<u32> {
        if p.chars().all(|c| c.is_ascii_digit()) {
            p.parse().ok()
        } else {
            chinese_number(p)
        }
    };
    Date::new(
        i32::try_from(part(y)?).ok()?,
        u8::try_from(part(m)?).ok()?,
        u8::try_from(part(d)?).ok()?,
    )
}

/// "20230614".
fn compact_date(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Date::new(
        s.get(..4)?.parse().ok()?,
        s.get(4..6)?.parse().ok()?,
        s.get(6..)?.parse().ok()?,
    )
}

/// "1,115.09" → "1115.09"; commas must group thousands.
fn thousands(digits: &str) -> Option<String> {
    if digits.is_empty() || digits.starts_with(['.', ',']) || digits.ends_with(['.', ',']) {
        return None;
    }
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    if frac.is_some_and(|f| f.contains(['.', ','])) {
        return None;
    }
    if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return None;
        }
    }
    let mut out: String = int.chars().filter(|c| *c != ',').collect();
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// The text outside brackets, and the note inside (trimmed), if any.
fn split_note(text: &str) -> (String, Option<String>) {
    let Some(open) = text.find(['(', '（']) else {
        return (text.to_string(), None);
    };
    let Some(close) = text.rfind([')', '）']).filter(|c| *c > open) else {
        return (text.to_string(), None);
    };
    let inner_start = open
        + text
            .get(open..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
    let note = text
        .get(inner_start..close)
        .unwrap_or("")
        .trim()
        .to_string();
    let after = close
        + text
            .get(close..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
    let outside = format!(
        "{}{}",
        text.get(..open).unwrap_or(""),
        text.get(after..).unwrap_or("")
    );
    (outside, (!note.is_empty()).then_some(note))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn amounts() {
        let v = |s: &str| amount(s).ok().flatten().map(|a| a.value);
        assert_eq!(v("1,115.09"), Some(d("1115.09")));
        assert_eq!(v("１１１５．０９万元"), Some(d("1115.09")));
        assert_eq!(v(" 0 "), Some(d("0")));
        assert_eq!(amount(""), Ok(None));
        let noted = amount("100\n（调减20万）").ok().flatten();
        assert_eq!(noted.as_ref().map(|a| a.value), Some(d("100")));
        assert_eq!(noted.and_then(|a| a.note).as_deref(), Some("调减20万"));
        assert!(amount("12,34").is_err());
        // A space between digits groups thousands, or is refused; a line
        // break between digits always is: two figures are not one.
        assert_eq!(v("1 085.09"), Some(d("1085.09")));
        assert_eq!(v("1\u{3000}085.09"), Some(d("1085.09")));
        assert_eq!(v("１ ０８５．０９"), Some(d("1085.09")));
        assert_eq!(v("1115.09 万元"), Some(d("1115.09")));
        for two in ["90 96.89", "10 85.09", "1 08 5"] {
            let refused = amount(two);
            assert!(
                refused.as_ref().is_err_and(|r| r.contains("隔着空格")),
                "{two}: {refused:?}"
            );
        }
        let refused = amount("90\n96.89");
        assert_eq!(
            refused,
            Err("一格中分行写了“90”和“96.89”，不是一个数".to_string())
        );
        assert!(amount("1\n085.09").is_err());
        assert_eq!(v("1115.09\n万元"), Some(d("1115.09")));
        // A currency sign is no scale; an amount in brackets alone is
        // quoted with its brackets.
        assert_eq!(v("¥96.89"), Some(d("96.89")));
        assert_eq!(v("￥1,085.09"), Some(d("1085.09")));
        assert_eq!(v("-¥5"), Some(d("-5")));
        assert!(points("¥10", &blank_2022()).is_err());
        assert_eq!(
            amount("（96.89）"),
            Err("“（96.89）”只有括号中的说明，没有数字".to_string())
        );
        assert!(amount("约100").is_err());
        assert_eq!(amount("—"), Ok(None));
        assert_eq!(amount("/"), Ok(None));
        assert_eq!(amount("／"), Ok(None));
        assert_eq!(v("11150900元"), Some(d("1115.09")));
        // A unit the year's templates do not know is no amount.
        assert!(amount("5千元").is_err());
        let yuan = Declared {
            factor: d("0.0001"),
            name: "元".into(),
            source: "表格上方“单位：元”".into(),
        };
        let declared = amount_in("60,000.00", Some(&yuan), &units_2022, &blank_2022())
            .ok()
            .flatten();
        assert_eq!(
            declared.as_ref().map(|a| a.value.to_string()).as_deref(),
            Some("6")
        );
        assert!(declared.is_some_and(|a| a.unit_known && a.converted.is_some()));
        // The cell's own unit wins over the table's.
        assert_eq!(
            amount_in("6万元", Some(&yuan), &units_2022, &blank_2022())
                .ok()
                .flatten()
                .map(|a| a.value),
            Some(d("6"))
        );
        assert!(amount("60").ok().flatten().is_some_and(|a| !a.unit_known));
        assert_eq!(
            v("1018.20").map(|x| x.to_string()).as_deref(),
            Some("1018.20")
        );
    }

    #[test]
    fn points_rates_dates() {
        assert_eq!(points("10分", &blank_2022()), Ok(Some(d("10"))));
        assert!(points("十分", &blank_2022()).is_err());
        assert_eq!(whole("20", &blank_2022()), Ok(Some(20)));
        assert!(whole("20.5", &blank_2022()).is_err());
        assert_eq!(rate("102.76 %").as_deref(), Some("102.76%"));
        assert_eq!(rate("１００％").as_deref(), Some("100%"));
        assert_eq!(
            date("2023年6月14日").map(|x| x.to_string()).as_deref(),
            Some("2023-06-14")
        );
        assert_eq!(
            date("2023.6.12").map(|x| x.to_string()).as_deref(),
            Some("2023-06-12")
        );
        assert_eq!(
            date("二〇二三年六月十四日")
                .map(|x| x.to_string())
                .as_deref(),
            Some("2023-06-14")
        );
        assert!(date("2023年2月30日").is_none());
        // A year of two digits is no year: “23.6.18” is not 0023-06-18.
        assert!(date("23.6.18").is_none());
        assert!(date("23年6月18日").is_none());
    }
}
