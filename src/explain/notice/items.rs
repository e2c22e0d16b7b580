//! The findings as the notice lists them: one item each, or, where one
//! check finds the same on many rows of one table (twenty scores above
//! their weights), one item for the run: the check's own words once, the
//! table once, then each row's message with its place within the table.
//! A unit with many problems gets a notice it can read, its real fixes
//! not buried among twenty alike.

use super::{Report, chinese_dates, more_places, places_said, see, sentence, unit_words};
use crate::eval::outcome::Finding;
use crate::ir::Severity;

/// A run of one check's findings on one table is said as one item from
/// this many on; fewer read as well one by one.
const GROUP_FROM: usize = 3;

/// Between the findings of a run, and after its lead: each starts a line
/// (text), a nested item (Markdown, HTML).
pub(super) const SUB_ITEM: char = '\n';

/// Between a table and a place within it, as the places are named.
const WITHIN: &str = " · ";

/// The items of one of the notice's lists.
pub(super) struct Items {
    /// Each item's severity and words (whole sentences).
    pub items: Vec<(Severity, String)>,
    /// For each finding listed, the index of its item.
    pub item_of: Vec<usize>,
}

/// One finding as said: its message, its places, and what follows it.
struct Said {
    message: String,
    places: Vec<String>,
    count: usize,
    floor: bool,
    /// Said after the finding (a Word row the import could not read all of).
    after: String,
}

impl Said {
    /// The table its first place is in (`附件2 部门整体支出绩效自评表`), if
    /// it names a place within one.
    fn table(&self) -> Option<&str> {
        self.places
            .first()
            .and_then(|p| p.split_once(WITHIN))
            .map(|(table, _)| table)
    }

    /// The finding as an item of its own.
    fn alone(&self) -> String {
        let mut item = sentence(&see(&self.message, &self.places, self.count, self.floor));
        item.push_str(&self.after);
        item
    }

    /// The finding within a run on `table`: its places without the table,
    /// which the run names once.
    fn within(&self, table: &str) -> String {
        let prefix = format!("{table}{WITHIN}");
        let places: Vec<&str> = self
            .places
            .iter()
            .map(|p| p.strip_prefix(prefix.as_str()).unwrap_or(p))
            .collect();
        let mut out = self
            .message
            .trim_end_matches(['。', '；', '，'])
            .to_string();
        if !places.is_empty() {
            out.push('（');
            out.push_str(&places.join("；"));
            out.push_str(&more_places(places.len(), self.count, self.floor));
            out.push('）');
        }
        let after = self.after.trim_end_matches('。');
        if !after.is_empty() {
            out.push('，');
            out.push_str(after);
        }
        out
    }
}

/// The items of `findings` (the list's own, in order; `all` the list
/// before one zero cell's checks were said as one). `after` is said after
/// a finding (empty for none).
pub(super) fn list(
    report: &Report<'_>,
    findings: &[&Finding],
    all: &[&Finding],
    after: &dyn Fn(&Finding) -> String,
) -> Items {
    let said: Vec<Said> = findings
        .iter()
        .map(|f| {
            let (places, count, floor) = places_said(report, &f.places, &f.values);
            Said {
                message: chinese_dates(&unit_words(f, all)),
                places,
                count,
                floor,
                after: after(f),
            }
        })
        .collect();
    let mut items = Items {
        items: Vec::with_capacity(findings.len()),
        item_of: Vec::with_capacity(findings.len()),
    };
    let mut i = 0;
    while let (Some(f), Some(first)) = (findings.get(i), said.get(i)) {
        let alike = |j: &usize| {
            findings.get(*j).zip(said.get(*j)).is_some_and(|(g, s)| {
                g.id == f.id && g.severity == f.severity && s.table() == first.table()
            })
        };
        let end = (i..findings.len())
            .take_while(alike)
            .last()
            .map_or(i, |j| j + 1);
        match first.table() {
            Some(table) if end - i >= GROUP_FROM => {
                let run = said.get(i..end).unwrap_or_default();
                items.items.push((f.severity, run_words(f, table, run)));
                items
                    .item_of
                    .extend(std::iter::repeat_n(items.items.len() - 1, run.len()));
                i = end;
            }
            _ => {
                items.items.push((f.severity, first.alone()));
                items.item_of.push(items.items.len() - 1);
                i += 1;
            }
        }
    }
    items
}

/// `三级指标的得分不能超过其分值。附件2 部门整体支出绩效自评表中以下 11 处：
/// （1）…（产出指标 / 数量指标 / … · 得分）；（2）…。`
fn run_words(f: &Finding, table: &str, run: &[Said]) -> String {
    let mut out = String::new();
    if let Some(says) = f.says.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        out.push_str(&sentence(says));
    }
    out.push_str(&format!("{table}中以下 {} 处：{SUB_ITEM}", run.len()));
    let parts: Vec<String> = run
        .iter()
        .enumerate()
        .map(|(i, s)| format!("（{}）{}", i + 1, s.within(table)))
        .collect();
    // Each row on a line of its own (`SUB_ITEM`): a run is read down, not
    // along.
    out.push_str(&parts.join(&format!("；{SUB_ITEM}")));
    out.push('。');
    out
}

#[cfg(test)]
mod tests {
    use super::Said;

    #[test]
    fn a_row_of_a_run_names_its_places_within_the_table() {
        let said = Said {
            message: "得分 6 超过分值 5。".into(),
            places: vec![
                "附件2 表 · 产出指标 / 甲 · 得分".into(),
                "附件4 另一表 · 得分".into(),
            ],
            count: 16,
            floor: true,
            after: String::new(),
        };
        assert_eq!(
            said.within("附件2 表"),
            "得分 6 超过分值 5（产出指标 / 甲 · 得分；附件4 另一表 · 得分等至少 16 处）"
        );
    }
}
