//! The shape of a submission, as the rules folder declares it with `record`
//! and `root` items. The checker builds it; the loader validates against it;
//! record literals in parameters add anonymous record types.

use crate::source::Span;

/// Index into `Schema::records`.
pub type RecordId = usize;

/// A type of the rule language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// `bool`
    Bool,
    /// `integer` (a whole number in the submission; a number in rules)
    Integer,
    /// `decimal` (any number)
    Decimal,
    /// `text`
    Text,
    /// `date`
    Date,
    /// `[T]`
    List(Box<Type>),
    /// `{T}`
    Map(Box<Type>),
    /// A record.
    Record(RecordId),
    /// Unknown (an empty list's elements); fits everything.
    Any,
}

impl Type {
    /// Numbers of either kind.
    pub fn is_number(&self) -> bool {
        matches!(self, Type::Integer | Type::Decimal | Type::Any)
    }

    /// Can a value of `other` stand where `self` is expected?
    pub fn accepts(&self, other: &Type) -> bool {
        match (self, other) {
            (Type::Any, _) | (_, Type::Any) => true,
            (a, b) if a.is_number() && b.is_number() => true,
            (Type::List(a), Type::List(b)) | (Type::Map(a), Type::Map(b)) => a.accepts(b),
            (a, b) => a == b,
        }
    }

    /// The type's name in messages, using the schema's record names.
    pub fn describe(&self, schema: &Schema) -> String {
        match self {
            Type::Bool => "布尔值".into(),
            Type::Integer => "整数".into(),
            Type::Decimal => "数字".into(),
            Type::Text => "文字".into(),
            Type::Date => "日期".into(),
            Type::List(t) => format!("[{}]", t.describe(schema)),
            Type::Map(t) => format!("{{{}}}", t.describe(schema)),
            Type::Record(id) => schema
                .records
                .get(*id)
                .map_or_else(|| "记录".into(), |r| format!("记录 `{}`", r.name)),
            Type::Any => "任意".into(),
        }
    }
}

/// One record type.
#[derive(Clone, Debug)]
pub struct RecordType {
    /// Its name (`root` for the top level).
    pub name: String,
    /// Its fields in order.
    pub fields: Vec<FieldType>,
    /// Where it is declared.
    pub span: Span,
}

impl RecordType {
    /// The index of a field.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// One field of a record type.
#[derive(Clone, Debug)]
pub struct FieldType {
    /// Its key.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// May be absent.
    pub optional: bool,
    /// The texts it may take.
    pub one_of: Option<Vec<String>>,
    /// Its name in the unit's forms; for a list of records, the name of one
    /// row with `{field}` holes (see `explain::place`).
    pub label: Option<String>,
    /// For a list of records, the whole table's name in the forms.
    pub table: Option<String>,
}

impl FieldType {
    /// Its name in the unit's forms, when it has one without holes: the
    /// whole table's name for a list of records, else its label.
    pub fn words(&self) -> Option<String> {
        self.table.clone().or_else(|| {
            self.label
                .as_ref()
                .filter(|l| label_holes(l).is_empty())
                .cloned()
        })
    }
}

/// The `{field}` holes of a label, in order.
pub fn label_holes(label: &str) -> Vec<&str> {
    let mut holes = Vec::new();
    let mut rest = label;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open + 1..).unwrap_or("");
        let Some(close) = after.find('}') else { break };
        holes.push(after.get(..close).unwrap_or("").trim());
        rest = after.get(close + 1..).unwrap_or("");
    }
    holes
}

/// All record types of a rules folder.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// By id.
    pub records: Vec<RecordType>,
    /// The top level's id.
    pub root: RecordId,
}

impl Schema {
    /// The record type of an id.
    pub fn record(&self, id: RecordId) -> Option<&RecordType> {
        self.records.get(id)
    }
}

impl Schema {
    /// Does a dotted path of field names (`basic_data.staffing.authorized`;
    /// lists are stepped through, a map's keys are free) name a field?
    pub fn has_path(&self, path: &str) -> bool {
        let mut ty = Type::Record(self.root);
        for name in path.split('.') {
            while let Type::List(inner) = ty {
                ty = *inner;
            }
            match ty {
                Type::Map(_) | Type::Any => return true,
                Type::Record(id) => {
                    let Some(field) = self
                        .records
                        .get(id)
                        .and_then(|r| r.fields.iter().find(|f| f.name == name))
                    else {
                        return false;
                    };
                    ty = field.ty.clone();
                }
                _ => return false,
            }
        }
        true
    }
}
