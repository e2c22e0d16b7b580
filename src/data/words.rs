//! Places of a submission in the words of the unit's own documents. The
//! rules folder's schema names every field as the forms do
//! (`executed: decimal? "全年执行数"`) and every row of a table by its own
//! cells (`indicators: [indicator]? "{level1} / {level2} / {name}"`), so
//! the engine's path `projects[0].indicators[5].score` reads
//! "附件4 项目支出绩效自评表（业务工作经费）· 产出指标 / 成本指标 / 业务工作经费 · 得分".
//! The loader names places so too (with no values yet, rows by position);
//! the reports, with the loaded values.

use super::Value;
use super::schema::{FieldType, RecordId, Schema, Type};

/// One step of an engine path: a key, and the row it indexes, if any.
struct Step<'p> {
    key: &'p str,
    row: Option<usize>,
}

/// `a.b[2].c` → steps.
#[cfg(test)]
fn steps(path: &str) -> Vec<Step<'_>> {
    each_step(path).collect()
}

/// The steps of `a.b[2].c`, one by one.
fn each_step(path: &str) -> impl Iterator<Item = Step<'_>> {
    path.split('.')
        .filter(|s| !s.is_empty())
        .map(|segment| match segment.split_once('[') {
            Some((key, rest)) => Step {
                key,
                row: rest.trim_end_matches(']').parse().ok(),
            },
            None => Step {
                key: segment,
                row: None,
            },
        })
}

/// Words joined with ` · `, written into one string as they come.
#[derive(Clone, Debug)]
struct Joined {
    text: String,
    first: bool,
}

impl Joined {
    fn push(&mut self, word: &str) {
        if !self.first {
            self.text.push_str(" · ");
        }
        self.first = false;
        self.text.push_str(word);
    }
}

/// What no row or field holds.
static ABSENT: Value = Value::Absent;

/// The place of `path` in the documents' words. A field the schema gives
/// no name keeps its key, so nothing is ever dropped from a place.
pub fn document_words(schema: &Schema, root: &Value, path: &str) -> String {
    walk_path(schema, root, path).words()
}

/// The walk down `root` along an engine path (`a.b[2].c`): its words and
/// the value there.
pub fn walk_path<'a>(schema: &'a Schema, root: &'a Value, path: &str) -> Walk<'a> {
    let mut walk = Walk::start(schema, root);
    for step in each_step(path) {
        walk.field(step.key);
        if let Some(row) = step.row {
            walk.row(row);
        }
    }
    walk
}

/// A walk down a submission, a field or a row at a time, naming where it
/// has got to in the documents' words. `document_words` walks a path's
/// steps; a report walks its places' own steps, each place carrying on
/// from its parent's walk, so that a row shared by several places is
/// named once and no path is spelt out and read again. The values are
/// walked by reference and the words written into one string.
#[derive(Clone, Debug)]
pub struct Walk<'a> {
    schema: &'a Schema,
    words: Joined,
    /// The record type reached, while the schema knows it.
    record: Option<RecordId>,
    /// The record or row the words read cells from (`row_name`).
    cells: &'a Value,
    /// The value at the place itself (a free table's entry too).
    value: &'a Value,
    /// The last step was a free table (一级指标分值): the next is its key.
    in_map: bool,
    /// A table reached whose row is not named yet: named by its row when
    /// one follows, else as a whole table.
    table: Option<Table<'a>>,
}

/// A table field reached by a walk.
#[derive(Clone, Debug)]
struct Table<'a> {
    field: &'a FieldType,
    /// The record type of its rows.
    rows: Option<RecordId>,
}

impl<'a> Walk<'a> {
    /// At the top of `root`.
    pub fn start(schema: &'a Schema, root: &'a Value) -> Self {
        Walk {
            schema,
            words: Joined {
                text: String::with_capacity(96),
                first: true,
            },
            record: Some(schema.root),
            cells: root,
            value: root,
            in_map: false,
            table: None,
        }
    }

    /// The value at the place reached.
    pub fn value(&self) -> &'a Value {
        self.value
    }

    /// The place reached, in the documents' words.
    pub fn words(&self) -> String {
        match &self.table {
            None => self.words.text.clone(),
            Some(table) => {
                let mut words = self.words.clone();
                words.push(&table_words(table.field));
                words.text
            }
        }
    }

    /// On to the field (or free key) `key` of the place reached.
    pub fn field(&mut self, key: &str) {
        if let Some(table) = self.table.take() {
            // A table named as a whole: nothing below it has a schema.
            self.words.push(&table_words(table.field));
        }
        self.value = match (
            self.value,
            self.record.and_then(|id| self.schema.record(id)),
        ) {
            (Value::Record(r), Some(rt)) => rt
                .field(key)
                .and_then(|i| r.fields.get(i))
                .unwrap_or(&ABSENT),
            (Value::Map(m), _) => m
                .entries
                .iter()
                .find(|(k, _, _)| k.as_ref() == key)
                .map_or(&ABSENT, |(_, v, _)| v),
            _ => &ABSENT,
        };
        if self.in_map {
            // A key of a free table (一级指标分值 · 产出指标).
            self.words.push(key);
            self.in_map = false;
            return;
        }
        let Some(rt) = self.record.and_then(|id| self.schema.record(id)) else {
            self.words.push(key);
            return;
        };
        let Some((index, field)) = rt.field(key).and_then(|i| Some((i, rt.fields.get(i)?))) else {
            self.words.push(key);
            self.record = None;
            return;
        };
        let label = field.label.as_deref();
        self.cells = field_value(self.cells, index);
        self.record = None;
        match &field.ty {
            Type::List(inner) => {
                let rows = match inner.as_ref() {
                    Type::Record(id) => Some(*id),
                    _ => None,
                };
                self.table = Some(Table { field, rows });
            }
            Type::Record(id) => {
                if let Some(l) = label.filter(|l| !l.is_empty()) {
                    self.words.push(l);
                }
                self.record = Some(*id);
            }
            Type::Map(_) => {
                self.words.push(label.unwrap_or(key));
                self.in_map = true;
            }
            _ => self.words.push(label.unwrap_or(key)),
        }
    }

    /// On to row `row` of the table reached (nothing to name where no
    /// table was reached).
    pub fn row(&mut self, row: usize) {
        self.value = match self.value {
            Value::List(items) => items.get(row).unwrap_or(&ABSENT),
            _ => &ABSENT,
        };
        let Some(table) = self.table.take() else {
            return;
        };
        let item = match self.cells {
            Value::List(items) => items.get(row).unwrap_or(&ABSENT),
            _ => &ABSENT,
        };
        let template = table.field.label.as_deref().unwrap_or(&table.field.name);
        self.words
            .push(&row_name(self.schema, table.rows, item, template, row));
        self.record = table.rows;
        self.cells = item;
    }
}

/// A whole table (`有 2,001 行`): its name, else its row template without
/// the holes, or its key when nothing is left.
fn table_words(field: &FieldType) -> String {
    let table = match &field.table {
        Some(name) => name.clone(),
        None => field
            .label
            .as_deref()
            .map(without_holes)
            .unwrap_or_default(),
    };
    if table.is_empty() {
        field.name.clone()
    } else {
        table
    }
}

/// A row template's words without its `{field}` holes and the separators
/// they leave (`自查记录：{duty}` → `自查记录`).
fn without_holes(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(rest.get(..open).unwrap_or(""));
        rest = rest
            .get(open..)
            .and_then(|r| r.find('}').map(|close| r.get(close + 1..).unwrap_or("")))
            .unwrap_or("");
    }
    out.push_str(rest);
    out.trim_matches([' ', '/', '·', '、', '：', ':'])
        .to_string()
}

fn field_value(value: &Value, index: usize) -> &Value {
    match value {
        Value::Record(r) => r.fields.get(index).unwrap_or(&ABSENT),
        _ => &ABSENT,
    }
}

/// A row named by its own cells: the template's `{field}` holes filled
/// from the row. A blank cell leaves its hole out with the separator before
/// it; a row with every hole blank is named by its position. (The holes
/// are those `label_holes` finds, found here in the same walk that copies
/// the words between them.)
fn row_name(
    schema: &Schema,
    record: Option<RecordId>,
    row: &Value,
    template: &str,
    index: usize,
) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut holes = 0;
    let mut filled = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let literal = rest.get(..open).unwrap_or("");
        let after = rest.get(open..).unwrap_or("");
        let Some(close) = after.find('}') else { break };
        let hole = after.get(1..close).unwrap_or("").trim();
        rest = after.get(close + 1..).unwrap_or("");
        holes += 1;
        let cell = record
            .and_then(|id| schema.record(id))
            .and_then(|rt| rt.field(hole))
            .map_or(Cell::Blank, |i| cell_text(field_value(row, i)));
        if cell.is_empty() {
            // Keep words, drop a separator that would now lead nowhere.
            let kept = literal.trim_end_matches([' ', '/', '·', '、', '，', ',']);
            out.push_str(if filled == 0 { literal } else { kept });
        } else {
            out.push_str(literal);
            cell.write_to(&mut out);
            filled += 1;
        }
    }
    out.push_str(rest);
    // Empty brackets are rare: looked for by their opening character
    // (a `memchr`) before a pattern search.
    if out.contains('（') {
        out = out.replace("（）", "");
    }
    if out.contains('(') {
        out = out.replace("()", "");
    }
    let trimmed = out.trim_matches([' ', '/', '·', '、', '：', ':']);
    if holes == 0 || filled > 0 {
        if trimmed.len() == out.len() {
            out
        } else {
            trimmed.to_string()
        }
    } else if trimmed.is_empty() {
        format!("第 {} 行", index + 1)
    } else {
        format!("{trimmed}（第 {} 项）", index + 1)
    }
}

/// A cell's text for a row name, written straight into the name.
enum Cell<'v> {
    /// A text, trimmed.
    Text(&'v str),
    /// A number, shown in its normal form.
    Num(rust_decimal::Decimal),
    /// A date.
    Date(&'v crate::data::Date),
    /// Anything else shows nothing.
    Blank,
}

impl Cell<'_> {
    fn is_empty(&self) -> bool {
        match self {
            Cell::Text(t) => t.is_empty(),
            Cell::Num(_) | Cell::Date(_) => false,
            Cell::Blank => true,
        }
    }

    fn write_to(&self, out: &mut String) {
        use std::fmt::Write as _;
        // Writing to a `String` cannot fail.
        let _ = match self {
            Cell::Text(t) => {
                out.push_str(t);
                Ok(())
            }
            Cell::Num(n) => write!(out, "{}", n.normalize()),
            Cell::Date(d) => write!(out, "{d}"),
            Cell::Blank => Ok(()),
        };
    }
}

/// A cell's text for a row name: texts trimmed, numbers and dates shown.
fn cell_text(v: &Value) -> Cell<'_> {
    match v {
        Value::Text(t) => Cell::Text(t.trim()),
        Value::Num(n) => Cell::Num(*n),
        Value::Date(d) => Cell::Date(d),
        _ => Cell::Blank,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_steps() {
        let s = steps("projects[0].indicators[5].score");
        let shown: Vec<(&str, Option<usize>)> = s.iter().map(|s| (s.key, s.row)).collect();
        assert_eq!(
            shown,
            vec![
                ("projects", Some(0)),
                ("indicators", Some(5)),
                ("score", None)
            ]
        );
    }
}
