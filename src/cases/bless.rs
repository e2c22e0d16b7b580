//! `jixiao test --bless`: rewrite a case's `[expect]` with what the rules
//! actually produce, as `cargo insta accept` does for snapshots. Only the
//! values that differ are rewritten; the rest of the file, its comments and
//! its layout, stays byte for byte (`toml_edit`).

use super::Actual;
use super::expect::{Expect, Want, blessed_criteria, multiset_diff};
use crate::eval::outcome::{Outcome, Status};
use crate::explain::decimal;
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
                put(table, "error", Value::from(true));
            }
            let codes: Vec<String> = problems.iter().map(|p| p.code.to_string()).collect();
            if !same_multiset(expect.codes.as_deref(), &codes) {
                put(table, "codes", list(&codes));
            }
        }
        Actual::Scored(outcome) => {
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
        put(table, "status", Value::from(status));
    }
    match outcome.score {
        Some(score) => {
            if expect.score != Some(score) {
                put(table, "score", number(score));
            }
            table.remove("range");
        }
        None => {
            table.remove("score");
            if expect.range != Some(outcome.range) {
                put(table, "range", pair(outcome.range));
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
        put(table, "findings", list(&findings));
    }
}

/// Bring `criteria` to `wanted`: keep the entries that hold (and their
/// comments), rewrite the others, drop ids no longer recorded, add the new
/// ones at the end.
fn criteria(table: &mut dyn TableLike, expect: &Expect, wanted: &[(String, Want)], inline: bool) {
    if table.get("criteria").is_none_or(|c| !c.is_table_like()) {
        let item = if wanted.len() <= 4 || inline {
            Item::Value(Value::InlineTable(InlineTable::new()))
        } else {
            Item::Table(Table::new())
        };
        table.insert("criteria", item);
    }
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
        put(criteria, id, value);
    }
}

fn same_multiset(expected: Option<&[String]>, actual: &[String]) -> bool {
    expected.is_some_and(|e| {
        let (missing, extra) = multiset_diff(e, actual);
        missing.is_empty() && extra.is_empty()
    })
}

/// Set `key`, keeping the old value's comment.
fn put(table: &mut dyn TableLike, key: &str, mut value: Value) {
    if let Some(Item::Value(old)) = table.get(key) {
        *value.decor_mut() = old.decor().clone();
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
