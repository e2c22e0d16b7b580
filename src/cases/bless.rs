//! `jixiao test --bless`: rewrite a case's `[expect]` with what the rules
//! actually produce, as `cargo insta accept` does for snapshots. Only the
//! values that differ are rewritten; the rest of the file, its comments and
//! its layout, stays byte for byte (`toml_edit`).

use super::Actual;
use super::expect::{Expect, Want, blessed_criteria, multiset_diff};
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
        Actual::Scored(outcome, _) => {
            table.remove("error");
            table.remove("codes");
            scored(table, expect, outcome, inline);
        }
    }
    let new = doc.to_string();
    Ok((new != text).then_some(new))
}

fn scored(table: &mut dyn TableLike, expect: &Expect, outcome: &Outcome, inline: bool) {
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
    if !same_multiset(expect.findings.as_deref(), &findings) {
        put(table, "findings", list(&findings), inline);
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
        Actual::Scored(outcome, _) => {
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
                        change(
                            &format!("criteria.{id}"),
                            before.to_string(),
                            after.to_string(),
                            false,
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
