//! `record` and `root` items → the schema the loader validates against.

use super::Checker;
use crate::ast::{RecordDecl, TypeExpr};
use crate::data::schema::{FieldType, RecordType, Schema, Type};
use crate::diag::Code;
use crate::source::did_you_mean;
use std::collections::HashMap;

const SCALARS: [(&str, Type); 5] = [
    ("text", Type::Text),
    ("integer", Type::Integer),
    ("decimal", Type::Decimal),
    ("bool", Type::Bool),
    ("date", Type::Date),
];

impl Checker {
    /// Build the schema; records may refer to each other in any order.
    pub(super) fn check_schema(
        &mut self,
        records: &[RecordDecl],
        root: Option<&RecordDecl>,
    ) -> Schema {
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut schema = Schema::default();
        for decl in records {
            if let Some(first) = ids.insert(&decl.name.text, schema.records.len()) {
                let first = schema.records.get(first).map(|r| r.span);
                self.duplicate(
                    Code::RulesDuplicateRecord,
                    format!("记录 `{}` 重复定义", decl.name.text),
                    decl.name.span,
                    "重复的名称",
                    first,
                );
            }
            schema.records.push(RecordType {
                name: decl.name.text.clone(),
                fields: Vec::new(),
                span: decl.name.span,
            });
        }
        let Some(root) = root else {
            self.problems.push(crate::diag::Problem::plain(
                Code::RulesNoRoot,
                "规则目录中没有 `root { … }`：无法知道报送材料的格式",
            ));
            return schema;
        };
        schema.root = schema.records.len();
        schema.records.push(RecordType {
            name: "root".into(),
            fields: Vec::new(),
            span: root.name.span,
        });
        let decls: Vec<&RecordDecl> = records.iter().chain(std::iter::once(root)).collect();
        for (id, decl) in decls.iter().enumerate() {
            let mut fields: Vec<FieldType> = Vec::new();
            for field in &decl.fields {
                if fields.iter().any(|f| f.name == field.name.text) {
                    self.error(
                        Code::RulesDuplicateField,
                        format!("字段 `{}` 重复", field.name.text),
                        field.name.span,
                        "重复的字段",
                    );
                }
                let ty = self.resolve_type(&field.ty, &ids);
                if field.one_of.is_some() && ty != Type::Text {
                    self.error_help(
                        Code::RulesOneOfNotText,
                        format!(
                            "字段 `{}` 不是文字，不能用 in [ … ] 限定取值",
                            field.name.text
                        ),
                        field.name.span,
                        "只有 text 字段可以列出允许的取值",
                        Some("删去 in [ … ]，或把字段类型改为 text".into()),
                    );
                }
                // `in []` allows nothing: every package would be refused at
                // this field, with an empty list of what it may be.
                if field.one_of.as_ref().is_some_and(Vec::is_empty) {
                    self.error_help(
                        Code::RulesOneOfEmpty,
                        format!("字段 `{}` 的可选值 in [ ] 是空的", field.name.text),
                        field.name.span,
                        "没有列出任何可选值",
                        Some("在 in [ … ] 中列出允许的取值，如 in [\"预算单位\", \"主管部门\"]；不限定取值的，删去 in [ ]".into()),
                    );
                }
                if field.label.is_none() {
                    self.error_help(
                        Code::RulesUnlabelledField,
                        format!("字段 `{}` 没有写它在表格中的名称", field.name.text),
                        field.name.span,
                        "缺少名称",
                        Some(format!(
                            "在类型后面写上表格中的名称，如 {}: … \"全年执行数\"；报告用它指明单位材料中的位置",
                            field.name.text
                        )),
                    );
                }
                fields.push(FieldType {
                    name: field.name.text.clone(),
                    ty,
                    optional: field.optional,
                    one_of: field.one_of.clone(),
                    label: field.label.as_ref().map(|(l, _)| l.clone()),
                    table: field.table.as_ref().map(|(t, _)| t.clone()),
                });
            }
            if let Some(record) = schema.records.get_mut(id) {
                record.fields = fields;
            }
        }
        self.check_label_holes(&schema, &decls);
        schema
    }

    /// A row's name may name the row's own fields (`{name}`); any other
    /// label is plain words.
    fn check_label_holes(&mut self, schema: &Schema, decls: &[&RecordDecl]) {
        for (id, decl) in decls.iter().enumerate() {
            let Some(record) = schema.records.get(id) else {
                continue;
            };
            for (field, ty) in decl.fields.iter().zip(&record.fields) {
                if let Some((_, table_span)) = &field.table {
                    let rows = matches!(&ty.ty, Type::List(inner) if matches!(inner.as_ref(), Type::Record(_)));
                    if !rows {
                        self.error_help(
                            Code::RulesLabelField,
                            format!(
                                "字段 `{}` 写了两个名称，但它不是一组表格行",
                                field.name.text
                            ),
                            *table_span,
                            "多出的名称",
                            Some("只有表格行的字段写两个名称：整张表的名称，和每一行的名称；这里只写一个".into()),
                        );
                    }
                }
                let Some((label, span)) = &field.label else {
                    continue;
                };
                let holes = crate::data::schema::label_holes(label);
                if holes.is_empty() {
                    continue;
                }
                let row = match &ty.ty {
                    Type::List(inner) => match inner.as_ref() {
                        Type::Record(r) => schema.records.get(*r),
                        _ => None,
                    },
                    _ => None,
                };
                let Some(row) = row else {
                    self.error_help(
                        Code::RulesLabelField,
                        format!(
                            "字段 `{}` 的名称中有 {{…}}，但它不是一组表格行",
                            field.name.text
                        ),
                        *span,
                        "只有表格行的名称可以引用字段",
                        Some("删去 {…}，写出这一栏在表格中的名称".into()),
                    );
                    continue;
                };
                for hole in holes {
                    if row.field(hole).is_none() {
                        let help = did_you_mean(hole, row.fields.iter().map(|f| f.name.as_str()))
                            .or_else(|| {
                                Some(format!(
                                    "`{}` 的字段：{}",
                                    row.name,
                                    row.fields
                                        .iter()
                                        .map(|f| f.name.as_str())
                                        .collect::<Vec<_>>()
                                        .join("、")
                                ))
                            });
                        self.error_help(
                            Code::RulesLabelField,
                            format!("行名称中的 {{{hole}}} 不是 `{}` 的字段", row.name),
                            *span,
                            "没有这个字段",
                            help,
                        );
                    }
                }
            }
        }
    }

    fn resolve_type(&mut self, ty: &TypeExpr, ids: &HashMap<&str, usize>) -> Type {
        match ty {
            TypeExpr::List(inner, _) => Type::List(Box::new(self.resolve_type(inner, ids))),
            TypeExpr::Map(inner, _) => Type::Map(Box::new(self.resolve_type(inner, ids))),
            TypeExpr::Named(name) => {
                if let Some((_, t)) = SCALARS.iter().find(|(n, _)| *n == name.text) {
                    return t.clone();
                }
                if let Some(id) = ids.get(name.text.as_str()) {
                    return Type::Record(*id);
                }
                let candidates = SCALARS.iter().map(|(n, _)| *n).chain(ids.keys().copied());
                let help = did_you_mean(&name.text, candidates);
                self.error_help(
                    Code::RulesUnknownType,
                    format!("未知的类型 `{}`", name.text),
                    name.span,
                    "没有这个类型",
                    help,
                );
                Type::Any
            }
        }
    }
}
