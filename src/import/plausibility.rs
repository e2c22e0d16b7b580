//! Amounts whose unit no label declares are taken as 万元. When such a
//! project's 年度资金总额 is a thousand times or more off the same project's
//! line in 附件1 (or, without one, larger than the unit's whole 年度资金总额
//! in 附件2), it was most likely written in 元: say so with both figures.
//! Figures that agree, or differ as real figures do, say nothing.

use super::basic::Line;
use super::evaluation::Figure;
use super::label;
use super::template::{FormKind, Templates};
use super::warning::Warning;
use crate::diag::Code;
use rust_decimal::Decimal;

/// A ratio from which a difference is one of units, not of figures.
const UNIT_RATIO: u32 = 1000;

/// The 附件1 column a project amount is compared with.
fn basic_key(key: &str) -> Option<&'static str> {
    match key {
        "initial_budget" | "full_year_budget" => Some("budget"),
        "executed" => Some("final"),
        _ => None,
    }
}

/// How many times the larger is the smaller, when that is a unit's jump.
fn jump(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.abs(), b.abs());
    if a.is_zero() || b.is_zero() {
        return None;
    }
    let (big, small) = if a >= b { (a, b) } else { (b, a) };
    let ratio = big.checked_div(small)?;
    (ratio >= Decimal::from(UNIT_RATIO)).then(|| ratio.round().normalize())
}

/// The place without its column ("…第4行「年初预算数」" → "…第4行").
fn row_place(place: &str) -> &str {
    place.split('「').next().unwrap_or(place)
}

/// Warnings for one project table's 年度资金总额 row.
pub fn check(
    project: Option<&str>,
    figures: &[Figure],
    basic: &[Line],
    overall: &[Figure],
    t: &Templates,
) -> Vec<Warning> {
    let Some(first) = figures.first() else {
        return Vec::new();
    };
    let row = t.evaluation.funds_row.first();
    let help = "若表中金额以元填写，在表格上方写明“单位：元”（或在栏名后注明“（元）”）后重新导入，或在输出文件中改正";
    let line = project.and_then(|name| {
        let k = label::key(name, &t.label_prefixes);
        basic
            .iter()
            .find(|l| !k.is_empty() && label::key(&l.item, &t.label_prefixes) == k)
    });
    let mut pairs = Vec::new();
    let mut ratio = None;
    if let Some(line) = line {
        for f in figures {
            let Some(other) =
                basic_key(f.key).and_then(|bk| line.values.iter().find(|(k, _, _)| *k == bk))
            else {
                continue;
            };
            if f.read.unit_known && other.2.unit_known {
                continue;
            }
            if let Some(r) = jump(f.read.value, other.2.value) {
                ratio.get_or_insert(r);
                pairs.push(format!(
                    "「{}」{} 对「{}」{}",
                    f.header, f.read.text, other.1, other.2.text
                ));
            }
        }
        if pairs.is_empty() {
            return Vec::new();
        }
        let ratio = ratio.map_or_else(String::new, |r| format!("约{r}倍，"));
        return vec![
            Warning::new(
                Code::ImportImplausibleAmount,
                row_place(&first.place),
                format!(
                    "“{row}”一行与{}（“{}”）相差{ratio}金额单位未注明，按万元导入：{}",
                    line.place,
                    line.item,
                    pairs.join("；")
                ),
            )
            .help(help),
        ];
    }
    // No line of its own in 附件1: a project larger than the unit's whole
    // 年度资金总额 by a unit's jump.
    for f in figures.iter().filter(|f| !f.read.unit_known) {
        let Some(total) = overall.iter().find(|o| o.key == f.key) else {
            continue;
        };
        if f.read.value.abs() > total.read.value.abs() {
            if let Some(r) = jump(f.read.value, total.read.value) {
                ratio.get_or_insert(r);
                pairs.push(format!(
                    "「{}」{} 对 {}「{}」{}",
                    f.header,
                    f.read.text,
                    row_place(&total.place),
                    total.header,
                    total.read.text
                ));
            }
        }
    }
    if pairs.is_empty() {
        return Vec::new();
    }
    let title = t
        .attachments
        .iter()
        .find(|a| a.form == Some(FormKind::Overall))
        .map_or("", |a| a.title.as_str());
    let ratio = ratio.map_or_else(String::new, |r| format!("约{r}倍，"));
    vec![
        Warning::new(
            Code::ImportImplausibleAmount,
            row_place(&first.place),
            format!(
                "项目的“{row}”是{title}中单位全部“{row}”的{ratio}金额单位未注明，按万元导入：{}",
                pairs.join("；")
            ),
        )
        .help(help),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn only_a_unit_jump_counts() {
        assert_eq!(jump(d("600000"), d("60")), Some(d("10000")));
        assert_eq!(jump(d("60"), d("600000.00")), Some(d("10000")));
        assert_eq!(jump(d("60"), d("55")), None);
        assert_eq!(jump(d("60"), d("0")), None);
        assert_eq!(jump(d("999"), d("1")), None);
        assert_eq!(
            row_place("附件4，第4个表格第4行「年初预算数」"),
            "附件4，第4个表格第4行"
        );
    }
}
