//! Runtime values. Records are positional: the checker resolved every field
//! name to an index, so evaluation never looks a name up.

use super::Date;
use crate::source::Span;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// Index into `Submission::places`; `NO_PLACE` for values not read from the
/// submission.
pub type PlaceId = u32;

/// A value with no place in the submission.
pub const NO_PLACE: PlaceId = u32::MAX;

/// Where a value stands in the submission file: its span, and the step from
/// the place holding it. The dotted path (`report.sections[8].text`) is
/// spelt out only for the few places a message names (`path_of`), not for
/// every value read.
#[derive(Clone, Debug)]
pub struct Place {
    /// The value's text in the file.
    pub span: Span,
    /// The place of the table or array holding it; `NO_PLACE` at the top.
    pub parent: PlaceId,
    /// How it is reached from `parent`.
    pub step: Step,
}

/// One step of a path.
#[derive(Clone, Debug)]
pub enum Step {
    /// The top level (the empty path).
    Root,
    /// A field of a record: `parent.key`, or `key` at the top level.
    Field(Key),
    /// A free key of a map: always `parent.key`.
    Key(Key),
    /// A row of a list: `parent[i]`.
    Index(u32),
}

/// A key as written: most are bare, so their text is the file's own and
/// need not be copied.
#[derive(Clone, Debug)]
pub enum Key {
    /// The bytes `start..end` of the submission's text.
    Source(u32, u32),
    /// A key whose text differs from what is written (quoted, escaped).
    Text(Arc<str>),
}

impl Key {
    pub(crate) fn text<'t>(&'t self, source: &'t str) -> &'t str {
        match self {
            Key::Source(start, end) => source.get(*start as usize..*end as usize).unwrap_or(""),
            Key::Text(t) => t,
        }
    }
}

/// The path of a place (`report.sections[8].text`; empty for the top
/// level), `source` being the text the places were read from.
pub fn path_of(places: &[Place], source: &str, id: PlaceId) -> String {
    // Forms nest a few levels: one allocation each for the steps and the
    // text, as a rule.
    let mut chain = Vec::with_capacity(8);
    let mut at = id;
    // A place's parent is always read before it: the walk ends even on a
    // malformed table.
    while let Some(place) = places.get(at as usize) {
        chain.push(&place.step);
        if place.parent >= at {
            break;
        }
        at = place.parent;
    }
    let mut path = String::with_capacity(64);
    for step in chain.iter().rev() {
        match step {
            Step::Root => {}
            Step::Field(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key.text(source));
            }
            Step::Key(key) => {
                path.push('.');
                path.push_str(key.text(source));
            }
            Step::Index(i) => {
                path.push('[');
                crate::base::push_number(&mut path, u64::from(*i));
                path.push(']');
            }
        }
    }
    path
}

/// A value of the rule language.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// A blank cell: an optional key that is not there, or no such row.
    #[default]
    Absent,
    /// `true` / `false`.
    Bool(bool),
    /// An exact decimal.
    Num(Decimal),
    /// Text.
    Text(Arc<str>),
    /// A date.
    Date(Date),
    /// A list.
    List(Arc<[Value]>),
    /// A record with its fields in declaration order.
    Record(Arc<Record>),
    /// A table with free keys (`level1_weights`).
    Map(Arc<MapValue>),
}

/// A record's fields, with the place of each.
#[derive(Debug, Default)]
pub struct Record {
    /// Field values by index.
    pub fields: Box<[Value]>,
    /// Field places by index.
    pub places: Box<[PlaceId]>,
    /// The record's own place (a table or a row).
    pub place: PlaceId,
}

/// A table with free keys, in the file's order.
#[derive(Debug, Default)]
pub struct MapValue {
    /// Key, value, place.
    pub entries: Vec<(Arc<str>, Value, PlaceId)>,
    /// Positions by key, built at the first lookup of a long map: a rule
    /// reading `m[k]` for every key of `m` must not scan it each time.
    by_key: OnceLock<HashMap<Arc<str>, usize>>,
}

/// Maps up to this many keys are searched in order.
const MAP_SCAN_KEYS: usize = 16;

impl MapValue {
    /// The entry with this key (the first, should the file repeat one).
    pub fn get(&self, key: &str) -> Option<&(Arc<str>, Value, PlaceId)> {
        if self.entries.len() <= MAP_SCAN_KEYS {
            return self.entries.iter().find(|(k, _, _)| &**k == key);
        }
        let by_key = self.by_key.get_or_init(|| {
            let mut by_key = HashMap::with_capacity(self.entries.len());
            for (i, (k, _, _)) in self.entries.iter().enumerate() {
                by_key.entry(Arc::clone(k)).or_insert(i);
            }
            by_key
        });
        by_key.get(key).and_then(|i| self.entries.get(*i))
    }
}

impl Value {
    /// A text value.
    pub fn text(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }

    /// The type's name in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Absent => "空",
            Value::Bool(_) => "布尔值",
            Value::Num(_) => "数字",
            Value::Text(_) => "文字",
            Value::Date(_) => "日期",
            Value::List(_) => "列表",
            Value::Record(_) => "记录",
            Value::Map(_) => "表",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.write_to(&mut text);
        f.write_str(&text)
    }
}

impl Value {
    /// The value as messages show it (`Display`), appended to `out`
    /// without the formatting machinery: a unit's messages and hints
    /// write a few hundred values.
    pub fn write_to(&self, out: &mut String) {
        match self {
            Value::Absent => out.push_str("（空）"),
            Value::Bool(true) => out.push('是'),
            Value::Bool(false) => out.push('否'),
            Value::Num(n) => crate::base::push_decimal(out, *n),
            Value::Text(t) => out.push_str(t),
            Value::Date(d) => {
                use std::fmt::Write as _;
                // Writing into a String cannot fail.
                let _ = write!(out, "{d}");
            }
            Value::List(items) => {
                if items.is_empty() {
                    out.push_str("（无）");
                }
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push('、');
                    }
                    item.write_to(out);
                }
            }
            Value::Record(_) => out.push_str("（记录）"),
            Value::Map(m) => {
                for (i, (k, v, _)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push('，');
                    }
                    out.push_str(k);
                    out.push('=');
                    v.write_to(out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_numbers_are_spelt_as_formatting_spells_them() {
        for n in [0, 7, 9, 10, 99, 100, 4_096, 1_000_001, u32::MAX] {
            let mut out = String::from("x");
            crate::base::push_number(&mut out, u64::from(n));
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn paths_are_spelt_as_the_loader_once_wrote_them() {
        let source = "report = 1";
        let at = |parent, step| Place {
            span: Span::new(0, 0..0),
            parent,
            step,
        };
        let places = [
            at(NO_PLACE, Step::Root),
            at(0, Step::Field(Key::Source(0, 6))),
            at(1, Step::Field(Key::Text(Arc::from("sections")))),
            at(2, Step::Index(8)),
            at(3, Step::Field(Key::Text(Arc::from("text")))),
            at(1, Step::Key(Key::Text(Arc::from("项目 一")))),
        ];
        let path = |id| path_of(&places, source, id);
        assert_eq!(path(0), "");
        assert_eq!(path(1), "report");
        assert_eq!(path(4), "report.sections[8].text");
        assert_eq!(path(5), "report.项目 一");
        assert_eq!(path(NO_PLACE), "");
    }
}
