//! The unit a table, a column or a row says its amounts are in
//! ("单位：元" above a table, "年初预算数（元）", "项目资金（元）"), read with
//! the words and factors of the year's `templates.toml`, so that an amount
//! written without a unit of its own is converted to the format's 万元.

use super::docx::{Block, Document};
use super::label::{compact, fold};
use super::table::Grid;
use super::template::Templates;
use rust_decimal::Decimal;

/// A unit a table or label declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// 万元 per one of the unit.
    pub factor: Decimal,
    /// The unit's name as the template writes it ("元").
    pub name: String,
    /// Where it was declared, for the comment beside a converted value
    /// ("表格上方“单位：元”", "栏名“年初预算数（元）”").
    pub source: String,
}

/// Folded and without whitespace, as labels are compared.
fn folded(text: &str) -> String {
    compact(text).chars().map(fold).collect()
}

/// The unit whose name `s` starts with (the longest, so "万元" is not "万"),
/// when nothing word-like follows it ("元宝山区" is not a unit).
fn unit_at_start(s: &str, t: &Templates) -> Option<(Decimal, String, usize)> {
    let mut best: Option<(Decimal, String, usize)> = None;
    for unit in &t.amount_units.units {
        for name in &unit.name.0 {
            let n = folded(name);
            if n.is_empty() || !s.starts_with(&n) {
                continue;
            }
            let next = s.get(n.len()..).and_then(|r| r.chars().next());
            if next.is_some_and(char::is_alphanumeric) {
                continue;
            }
            if best.as_ref().is_none_or(|(_, _, len)| n.len() > *len) {
                best = Some((unit.factor.0, unit.name.first().to_string(), n.len()));
            }
        }
    }
    best
}

/// The unit called exactly `name` ("元", "千元"): its factor and the
/// name as the template writes it first.
pub fn named(name: &str, t: &Templates) -> Option<(Decimal, String)> {
    let s = folded(name);
    let (factor, first, len) = unit_at_start(&s, t)?;
    (len == s.len()).then_some((factor, first))
}

/// "单位：元" anywhere in a text: a declaration word, a colon, a unit.
pub fn declaration_in(text: &str, t: &Templates) -> Option<(Decimal, String)> {
    let s = folded(text);
    for word in &t.amount_units.declarations {
        let w = folded(word);
        if w.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(at) = s.get(from..).and_then(|r| r.find(&w)) {
            let after = from + at + w.len();
            let rest = s.get(after..).unwrap_or("");
            if let Some(rest) = rest.strip_prefix([':', '：']) {
                if let Some((factor, name, _)) = unit_at_start(rest, t) {
                    return Some((factor, name));
                }
            }
            from = after;
        }
    }
    None
}

/// The unit in a label's last brackets: "项目资金\n(元)", "金额（单位：元）".
pub fn label_unit(text: &str, t: &Templates) -> Option<(Decimal, String)> {
    let s = folded(text);
    let inner = s.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let note = inner.get(open + 1..)?;
    if let Some(d) = declaration_in(note, t) {
        return Some(d);
    }
    let (factor, name, len) = unit_at_start(note, t)?;
    (len == note.len()).then_some((factor, name))
}

/// A declared unit from a label cell, with where it was written. A label's
/// 万元 (the format's own unit, `factor` 1) declares nothing: the
/// templates print it (“项目资金(万元)”), so it says nothing of what the
/// unit typed below it. Amounts under it are taken as 万元 as any
/// undeclared amount is, checked against the package's other figures
/// (`plausibility`), and a “单位：元” the unit wrote above the table
/// applies to them.
pub fn from_label(text: &str, what: &str, t: &Templates) -> Option<Declared> {
    let (factor, name) = label_unit(text, t)?;
    if factor == Decimal::ONE {
        return None;
    }
    Some(Declared {
        factor,
        name,
        source: format!("{what}“{}”", one_line(text)),
    })
}

/// The unit a whole table declares: in a paragraph just above it (between
/// its title and the table) or in a cell of its first row.
/// (`tables`: the document's tables the table was stitched from; `grid`:
/// the stitched table.)
pub fn table_unit(
    doc: &Document,
    tables: &[usize],
    grid: &Grid,
    t: &Templates,
) -> Option<Declared> {
    let first = tables.first()?;
    let at = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Table(tb) if tb.number == *first))?;
    declared_above(&doc.blocks, at, t).or_else(|| first_row_unit(grid, t))
}

/// The declaration in a paragraph a few lines above the table at `at`
/// (between its title and the table).
pub fn declared_above(blocks: &[Block], at: usize, t: &Templates) -> Option<Declared> {
    // A few paragraphs back: the title, a note, the declaration; never
    // past another table.
    let mut seen = 0;
    for block in blocks.iter().take(at).rev() {
        let Block::Paragraph(p) = block else { break };
        if p.text.trim().is_empty() {
            continue;
        }
        if let Some((factor, name)) = declaration_in(&p.text, t) {
            return Some(Declared {
                factor,
                name,
                source: format!("表格上方“{}”", one_line(&p.text)),
            });
        }
        seen += 1;
        if seen >= 3 {
            break;
        }
    }
    None
}

/// A paragraph that is only a declaration ("单位：万元", "（金额单位：元）"),
/// and the unit it declares.
pub fn declaration_only(text: &str, t: &Templates) -> Option<(Decimal, String)> {
    let s = folded(text);
    let s = s.trim_start_matches('(').trim_end_matches(')');
    t.amount_units.declarations.iter().find_map(|word| {
        let rest = s.strip_prefix(folded(word).as_str())?;
        let rest = rest.strip_prefix([':', '：'])?;
        named(rest, t)
    })
}

pub fn first_row_unit(grid: &Grid, t: &Templates) -> Option<Declared> {
    grid.row_cells(0).iter().find_map(|s| {
        let text = s.cell.text();
        declaration_in(&text, t).map(|(factor, name)| Declared {
            factor,
            name,
            source: format!("表格第一行“{}”", one_line(&text)),
        })
    })
}

fn one_line(text: &str) -> String {
    let s: String = text.trim().chars().take(40).collect();
    s.replace('\n', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_and_labels() {
        let Ok(t) = Templates::builtin(2022) else {
            return;
        };
        let yuan = |s: &str| declaration_in(s, &t).map(|(_, n)| n);
        assert_eq!(yuan("单位：元").as_deref(), Some("元"));
        assert_eq!(yuan("金额单位: 万元").as_deref(), Some("万元"));
        assert_eq!(yuan("（单位：亿元）").as_deref(), Some("亿元"));
        assert_eq!(yuan("填报单位：元宝山区财政局"), None);
        assert_eq!(yuan("预算单位名称：测试局"), None);
        let only = |s: &str| declaration_only(s, &t).map(|(_, n)| n);
        assert_eq!(only("单位：万元").as_deref(), Some("万元"));
        assert_eq!(only("（金额单位：元）").as_deref(), Some("元"));
        assert_eq!(only("单位：万元，下同"), None);
        assert_eq!(only("填报单位：元宝山区财政局"), None);
        let label = |s: &str| label_unit(s, &t).map(|(_, n)| n);
        assert_eq!(label("项目资金\n(元)").as_deref(), Some("元"));
        assert_eq!(label("金额（元）").as_deref(), Some("元"));
        assert_eq!(label("经费控制情况(万元)").as_deref(), Some("万元"));
        assert_eq!(label("金额（单位：元）").as_deref(), Some("元"));
        assert_eq!(label("财政供养人员情况(人)"), None);
        assert_eq!(label("区级专项资金(一个专项一行)"), None);
        assert_eq!(label("年初预算数"), None);
        assert_eq!(
            label_unit("金额（元）", &t).map(|(f, _)| f.to_string()),
            Some("0.0001".to_string())
        );
    }
}
