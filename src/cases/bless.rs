//! `jixiao test --bless`: rewrite a case's `[expect]` with what the rules
//! actually produce, as `cargo insta accept` does for snapshots. Only the
//! values that differ are rewritten; the rest of the file, its comments and
//! its layout, stays byte for byte (`toml_edit`).

use super::Actual;
use super::expect::{
    Expect, FindingWant, Want, blessed_criteria, multiset_diff, seen_findings, unmet,
};
use crate::base::decimal;
use crate::eval::outcome::{Outcome, Status};
use rust_decimal::Decimal;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, TableLike, Value};

/// The case text with `[expect]` brought up to date; `None` when it
/// already holds. `expect` is the case's current expectation.
pub fn bless(text: &str, expect: &Expect, actual: &Actual) -> Result<Option<String>, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().trim().to_string())?;
    let root = doc.as_table_mut();
    if root.get("expect").is_none_or(|e| !e.is_table_like()) {
        let mut table = Table::new();
        table.decor_mut().set_prefix("\n");
        table.set_position(Some(isize::MAX));
        root.insert("expect", Item::Table(table));
    }
    // An inline `expect = { … }` cannot hold a `[expect.criteria]` table.
    let inline = root.get("expect").is_some_and(Item::is_inline_table);
    let Some(table) = root.get_mut("expect").and_then(Item::as_table_like_mut) else {
        return Err("无法写入 [expect]".into());
    };
    match actual {
        Actual::Failed(problems) => {
            for key in ["status", "score", "range", "criteria", "findings"] {
                table.remove(key);
            }
            if !expect.error {
                put(table, "error", Value::from(true), inline);
            }
            let codes: Vec<String> = problems.iter().map(|p| p.code.to_string()).collect();
            if !same_multiset(expect.codes.as_deref(), &codes) {
                put(table, "codes", list(&codes), inline);
            }
        }
        Actual::Scored(outcome, places) => {
            table.remove("error");
            table.remove("codes");
            scored(table, expect, outcome, places, inline);
        }
    }
    let mut new = doc.to_string();
    // The file's own line endings are kept (the editor's, on Windows CRLF):
    // the document is written back with `\n`, which would show every line
    // of the case as changed.
    if text.contains("\r\n") && !new.contains("\r\n") {
        new = new.replace('\n', "\r\n");
    }
    Ok((new != text).then_some(new))
}

fn scored(
    table: &mut dyn TableLike,
    expect: &Expect,
    outcome: &Outcome,
    places: &[Vec<String>],
    inline: bool,
) {
    if expect.status != Some(outcome.status) {
        let status = match outcome.status {
            Status::Final => "final",
            Status::Pending => "pending",
        };
        put(table, "status", Value::from(status), inline);
    }
    match outcome.score {
        Some(score) => {
            if expect.score != Some(score) {
                put(table, "score", number(score), inline);
            }
            table.remove("range");
        }
        None => {
            table.remove("score");
            if expect.range != Some(outcome.range) {
                put(table, "range", pair(outcome.range), inline);
            }
        }
    }
    let listed: Vec<&str> = expect.criteria.iter().map(|(id, _)| id.as_str()).collect();
    let wanted = blessed_criteria(&listed, outcome);
    let same =
        wanted.len() == expect.criteria.len() && wanted.iter().all(|w| expect.criteria.contains(w));
    if !same {
        criteria(table, expect, &wanted, inline);
    }
    let findings: Vec<String> = outcome.findings.iter().map(|f| f.id.clone()).collect();
    let unmet = unmet_details(expect, outcome, places);
    if !same_multiset(expect.findings.as_deref(), &findings) || !unmet.is_empty() {
        let kept = match table.get("findings").and_then(Item::as_array) {
            Some(old) => keep_findings(old, &findings, &unmet),
            None => list(&findings),
        };
        put(table, "findings", kept, inline);
    }
}

/// The detailed `findings` entries no finding of the outcome answers.
fn unmet_details(expect: &Expect, outcome: &Outcome, places: &[Vec<String>]) -> Vec<FindingWant> {
    let seen = seen_findings(outcome, places);
    unmet(&expect.finding_details, &seen)
        .into_iter()
        .cloned()
        .collect()
}

/// `findings` brought to `actual` (ids, in the outcome's order) keeping
/// what the author wrote: an entry whose id is still raised stays as it
/// was, where it was, with its comment and its details (unless they no
/// longer hold: `unmet`), and the ids left over are added at the end. A
/// case's grouping of ids on a line and its details outlive a bless.
fn keep_findings(old: &Array, actual: &[String], unmet: &[FindingWant]) -> Value {
    // The id each entry stands for; none for one to drop (its details no
    // longer hold, or it is not an entry at all).
    let ids: Vec<Option<String>> = old
        .iter()
        .map(|item| match item {
            Value::String(id) => Some(id.value().clone()),
            Value::InlineTable(t) => {
                let id = t.get("id").and_then(Value::as_str)?;
                (!unmet.contains(&want_of(id, t))).then(|| id.to_string())
            }
            _ => None,
        })
        .collect();
    // A detailed entry whose id is still raised stays (its details hold:
    // dropping it would lose what its author wrote), wherever it stands.
    let mut left: Vec<&str> = actual.iter().map(String::as_str).collect();
    let mut keep = vec![false; ids.len()];
    for (i, (id, item)) in ids.iter().zip(old.iter()).enumerate() {
        let Some(id) = id
            .as_deref()
            .filter(|_| matches!(item, Value::InlineTable(_)))
        else {
            continue;
        };
        if let Some(at) = left.iter().position(|l| *l == id) {
            left.remove(at);
            if let Some(k) = keep.get_mut(i) {
                *k = true;
            }
        }
    }
    // The plain ids kept are a longest common subsequence of them and the
    // findings left, so that an extra id is dropped where it stands out of
    // order (the list otherwise in the outcome's order).
    let plain: Vec<Option<String>> = ids
        .iter()
        .zip(old.iter())
        .map(|(id, item)| {
            id.clone()
                .filter(|_| !matches!(item, Value::InlineTable(_)))
        })
        .collect();
    let rest: Vec<String> = left.iter().map(|l| (*l).to_string()).collect();
    let kept_plain = common_subsequence(&plain, &rest);
    // Those first; then any other entry whose id is still raised more
    // times than kept, where it stands (with its comment): only an entry
    // too many is dropped, and the list keeps the author's order.
    for in_sequence in [true, false] {
        for (i, id) in plain.iter().enumerate() {
            let chosen = kept_plain.get(i).copied().unwrap_or(false);
            let Some(id) = id.as_deref().filter(|_| chosen == in_sequence) else {
                continue;
            };
            if let Some(at) = left.iter().position(|l| *l == id) {
                left.remove(at);
                if let Some(k) = keep.get_mut(i) {
                    *k = true;
                }
            }
        }
    }
    let mut kept = old.clone();
    let mut index = 0;
    kept.retain(|_| {
        let k = keep.get(index).copied().unwrap_or(false);
        index += 1;
        k
    });
    let one_a_line = kept.iter().next().is_none_or(|v| {
        v.decor()
            .prefix()
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.contains('\n'))
    });
    for id in left {
        let mut v = Value::from(id);
        if one_a_line {
            v.decor_mut().set_prefix("\n    ");
        }
        kept.push_formatted(v);
    }
    if kept.is_empty() {
        return Value::Array(Array::new());
    }
    if one_a_line {
        kept.set_trailing_comma(true);
        kept.set_trailing("\n");
    }
    Value::Array(kept)
}

/// Which of `ids` are in a longest common subsequence with `actual`.
fn common_subsequence(ids: &[Option<String>], actual: &[String]) -> Vec<bool> {
    let (n, m) = (ids.len(), actual.len());
    // lengths[i][j]: the longest common subsequence of ids[i..], actual[j..].
    let mut lengths = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let here = match (ids.get(i).and_then(Option::as_deref), actual.get(j)) {
                (Some(a), Some(b)) if a == b => {
                    1 + lengths
                        .get(i + 1)
                        .and_then(|r| r.get(j + 1))
                        .copied()
                        .unwrap_or(0)
                }
                _ => {
                    let down = lengths
                        .get(i + 1)
                        .and_then(|r| r.get(j))
                        .copied()
                        .unwrap_or(0);
                    let right = lengths
                        .get(i)
                        .and_then(|r| r.get(j + 1))
                        .copied()
                        .unwrap_or(0);
                    down.max(right)
                }
            };
            if let Some(cell) = lengths.get_mut(i).and_then(|r| r.get_mut(j)) {
                *cell = here;
            }
        }
    }
    let at = |i: usize, j: usize| lengths.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0);
    let mut keep = vec![false; n];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let same = ids.get(i).and_then(Option::as_deref) == actual.get(j).map(String::as_str);
        if same && at(i, j) == 1 + at(i + 1, j + 1) {
            if let Some(k) = keep.get_mut(i) {
                *k = true;
            }
            i += 1;
            j += 1;
        } else if at(i + 1, j) >= at(i, j + 1) {
            i += 1;
        } else {
            j += 1;
        }
    }
    keep
}

/// A detailed entry as written, for comparing with the unmet ones.
fn want_of(id: &str, t: &InlineTable) -> FindingWant {
    let texts = |key: &str| -> Vec<String> {
        match t.get(key) {
            Some(Value::String(s)) => vec![s.value().clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    };
    FindingWant {
        id: id.to_string(),
        severity: t.get("severity").and_then(Value::as_str).and_then(|w| {
            [
                crate::ir::Severity::Error,
                crate::ir::Severity::Warning,
                crate::ir::Severity::Info,
            ]
            .into_iter()
            .find(|s| s.as_str() == w)
        }),
        at: texts("at"),
        says: texts("says"),
    }
}

/// Bring `criteria` to `wanted`: keep the entries that hold (and their
/// comments), rewrite the others, drop ids no longer recorded, add the new
/// ones at the end.
fn criteria(table: &mut dyn TableLike, expect: &Expect, wanted: &[(String, Want)], inline: bool) {
    if table.get("criteria").is_none_or(|c| !c.is_table_like()) {
        if wanted.len() <= 4 || inline {
            put(
                table,
                "criteria",
                Value::InlineTable(InlineTable::new()),
                inline,
            );
        } else {
            table.insert("criteria", Item::Table(Table::new()));
        }
    }
    let criteria_inline = table.get("criteria").is_some_and(Item::is_inline_table);
    let Some(criteria) = table.get_mut("criteria").and_then(Item::as_table_like_mut) else {
        return;
    };
    let stale: Vec<String> = criteria
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !wanted.iter().any(|(id, _)| id == k))
        .collect();
    for k in stale {
        criteria.remove(&k);
    }
    for (id, want) in wanted {
        if expect.criteria.contains(&(id.clone(), *want)) {
            continue;
        }
        let value = match want {
            Want::Score(s) => number(*s),
            Want::Pending(lo, hi) => pair((*lo, *hi)),
        };
        put(criteria, id, value, criteria_inline);
    }
}

fn same_multiset(expected: Option<&[String]>, actual: &[String]) -> bool {
    expected.is_some_and(|e| {
        let (missing, extra) = multiset_diff(e, actual);
        missing.is_empty() && extra.is_empty()
    })
}

/// Set `key`, keeping the old value's comment.
fn put(table: &mut dyn TableLike, key: &str, mut value: Value, inline: bool) {
    if let Some(Item::Value(old)) = table.get(key) {
        *value.decor_mut() = old.decor().clone();
    } else if let Some((_, Item::Value(last))) = table.iter_mut().last().filter(|_| inline) {
        // In an inline table a key added after the last of `{ a = "1" }`
        // goes before the space that closes the braces, not after it
        // (`"1" , b`). In a `[table]` the last line keeps what it has.
        let spaces = last
            .decor()
            .suffix()
            .and_then(|s| s.as_str())
            .filter(|s| !s.is_empty() && s.chars().all(|c| c == ' '))
            .map(str::to_string);
        if let Some(spaces) = spaces {
            last.decor_mut().set_suffix("");
            value.decor_mut().set_suffix(spaces);
        }
    }
    table.insert(key, Item::Value(value));
}

fn number(d: Decimal) -> Value {
    Value::from(decimal(d))
}

fn pair((lo, hi): (Decimal, Decimal)) -> Value {
    let mut a = Array::new();
    a.push(decimal(lo));
    a.push(decimal(hi));
    Value::Array(a)
}

/// Strings one a line, or `[]`.
fn list(items: &[String]) -> Value {
    let mut a = Array::new();
    for item in items {
        let mut v = Value::from(item.as_str());
        v.decor_mut().set_prefix("\n    ");
        a.push_formatted(v);
    }
    if !items.is_empty() {
        a.set_trailing_comma(true);
        a.set_trailing("\n");
    }
    Value::Array(a)
}

/// One change bless would make to an expectation, in the author's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What changes (`score`, `criteria.timeliness`, `findings`, …).
    pub what: String,
    /// Before → after, as the case file would say it.
    pub before: String,
    /// After.
    pub after: String,
    /// It takes something out of the expectation (a criterion, a finding) or
    /// turns a scored case into an error case: bless does it only when told
    /// to (`--allow-loss`), since a wrong rule is the likelier cause.
    pub loss: bool,
}

/// What blessing `actual` into `expect` changes, in the case file's order.
pub fn changes(expect: &Expect, actual: &Actual) -> Vec<Change> {
    let mut out = Vec::new();
    let mut change = |what: &str, before: String, after: String, loss: bool| {
        if before != after {
            out.push(Change {
                what: what.to_string(),
                before,
                after,
                loss,
            });
        }
    };
    let shown = |d: Option<Decimal>| d.map_or_else(|| "（无）".to_string(), decimal);
    let shown_range = |r: Option<(Decimal, Decimal)>| {
        r.map_or_else(
            || "（无）".to_string(),
            |(lo, hi)| format!("[{}, {}]", decimal(lo), decimal(hi)),
        )
    };
    match actual {
        Actual::Failed(problems) => {
            let codes: Vec<String> = problems.iter().map(|p| p.code.to_string()).collect();
            let was_scored = !expect.error
                && (expect.status.is_some()
                    || expect.score.is_some()
                    || !expect.criteria.is_empty()
                    || expect.findings.is_some());
            change(
                "error",
                if expect.error {
                    "true"
                } else {
                    "（无：应能评分）"
                }
                .into(),
                "true".into(),
                was_scored,
            );
            if !same_multiset(expect.codes.as_deref(), &codes) {
                change(
                    "codes",
                    expect
                        .codes
                        .as_ref()
                        .map_or("（无）".into(), |c| c.join("、")),
                    codes.join("、"),
                    false,
                );
            }
        }
        Actual::Scored(outcome, places) => {
            if expect.error {
                change("error", "true".into(), "（删去：能评分）".into(), false);
            }
            let status = |s: Option<Status>| match s {
                Some(Status::Final) => "final".to_string(),
                Some(Status::Pending) => "pending".to_string(),
                None => "（无）".to_string(),
            };
            change(
                "status",
                status(expect.status),
                status(Some(outcome.status)),
                false,
            );
            match outcome.score {
                Some(s) => change("score", shown(expect.score), shown(Some(s)), false),
                None => change(
                    "range",
                    shown_range(expect.range),
                    shown_range(Some(outcome.range)),
                    false,
                ),
            }
            let listed: Vec<&str> = expect.criteria.iter().map(|(id, _)| id.as_str()).collect();
            let wanted = blessed_criteria(&listed, outcome);
            for (id, before) in &expect.criteria {
                match wanted.iter().find(|(w, _)| w == id) {
                    Some((_, after)) => {
                        // A deduction the case pinned is gone (the score is
                        // back at the criterion's max): most likely what
                        // the case was written to test.
                        let max = outcome
                            .criteria()
                            .into_iter()
                            .find(|n| n.id == *id)
                            .map(|n| n.max);
                        let deduction_gone = matches!(
                            (before, after, max),
                            (Want::Score(b), Want::Score(a), Some(m)) if *b < m && *a == m
                        );
                        change(
                            &format!("criteria.{id}"),
                            before.to_string(),
                            after.to_string(),
                            deduction_gone,
                        );
                    }
                    None => change(
                        &format!("criteria.{id}"),
                        before.to_string(),
                        "（删去：规则中没有这个评分项）".into(),
                        true,
                    ),
                }
            }
            for (id, after) in &wanted {
                if !listed.contains(&id.as_str()) {
                    change(
                        &format!("criteria.{id}"),
                        "（无）".into(),
                        after.to_string(),
                        false,
                    );
                }
            }
            let findings: Vec<String> = outcome.findings.iter().map(|f| f.id.clone()).collect();
            // Detailed entries that no longer hold are dropped by bless:
            // each said, as a loss to check.
            for want in unmet_details(expect, outcome, places) {
                change(
                    "findings",
                    format!("细节 {want}"),
                    "（不再成立，已删去：核对后重写）".into(),
                    true,
                );
            }
            match &expect.findings {
                None => change("findings", "（无）".into(), findings.join("、"), false),
                Some(before) => {
                    let (missing, extra) = multiset_diff(before, &findings);
                    if !missing.is_empty() {
                        change(
                            "findings",
                            format!("含 {}", missing.join("、")),
                            "（删去）".into(),
                            true,
                        );
                    }
                    if !extra.is_empty() {
                        let listed = if before.is_empty() {
                            "（空）".to_string()
                        } else {
                            format!("{} 条", before.len())
                        };
                        change(
                            "findings",
                            listed,
                            format!("{} 条：加上 {}", findings.len(), extra.join("、")),
                            false,
                        );
                    }
                }
            }
        }
    }
    out
}
