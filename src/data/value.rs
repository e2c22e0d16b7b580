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

/// Where a value stands in the submission file.
#[derive(Clone, Debug)]
pub struct Place {
    /// `report.sections[8].text`
    pub path: String,
    /// The value's text in the file.
    pub span: Span,
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
        match self {
            Value::Absent => f.write_str("（空）"),
            Value::Bool(true) => f.write_str("是"),
            Value::Bool(false) => f.write_str("否"),
            Value::Num(n) => write!(f, "{}", n.normalize()),
            Value::Text(t) => f.write_str(t),
            Value::Date(d) => write!(f, "{d}"),
            Value::List(items) => {
                if items.is_empty() {
                    return f.write_str("（无）");
                }
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str("、")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Value::Record(_) => f.write_str("（记录）"),
            Value::Map(m) => {
                for (i, (k, v, _)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str("，")?;
                    }
                    write!(f, "{k}={v}")?;
                }
                Ok(())
            }
        }
    }
}
