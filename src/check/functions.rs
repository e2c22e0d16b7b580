//! `fn` formulas: typed parameters, a body that sees only its arguments,
//! parameters and earlier functions (so no recursion), and the built-in
//! record type that `quantity(text)` returns.

use super::Checker;
use super::expr::Scope;
use crate::ast::{FunctionDecl, TypeExpr};
use crate::data::schema::{FieldType, RecordType, Type};
use crate::diag::Code;
use crate::ir::{Builtin, FunctionIr};
use crate::source::{Span, did_you_mean};

/// Field order of the `quantity` record; `eval::builtins` builds it so.
pub(crate) const QUANTITY_FIELDS: [(&str, Type); 3] = [
    ("comparator", Type::Text),
    ("number", Type::Decimal),
    ("unit", Type::Text),
];

impl Checker {
    pub(super) fn add_quantity_record(&mut self) -> usize {
        if let Some(r) = self.schema.records.iter().find(|r| r.name == "quantity") {
            let span = r.span;
            self.error(
                Code::RulesDuplicateRecord,
                "`quantity` 是内置的记录类型，不能再定义".into(),
                span,
                "与内置类型重名",
            );
        }
        self.schema.records.push(RecordType {
            name: "quantity".into(),
            fields: QUANTITY_FIELDS
                .iter()
                .map(|(n, t)| FieldType {
                    name: (*n).into(),
                    ty: t.clone(),
                    optional: false,
                    one_of: None,
                    label: None,
                    table: None,
                })
                .collect(),
            span: Span::default(),
        });
        self.schema.records.len() - 1
    }

    pub(super) fn check_functions(&mut self, functions: &[FunctionDecl]) {
        self.function_names = functions.iter().map(|f| f.name.text.clone()).collect();
        self.function_bodies = functions
            .iter()
            .map(|f| (f.name.text.clone(), self.source_text(f.body.span)))
            .collect();
        for f in functions {
            let name = &f.name.text;
            self.defining = Some(name.clone());
            let taken = Builtin::ALL.iter().any(|(n, _)| n == name)
                || self.signatures.iter().any(|(n, _, _)| n == name);
            if taken {
                let first = self.defined_at(name);
                self.duplicate(
                    Code::RulesDuplicateName,
                    format!("函数 `{name}` 重复定义或与内置函数重名"),
                    f.name.span,
                    "重复的名称",
                    first,
                );
                continue;
            }
            let mut scope = Scope::constants();
            let mut slots = Vec::new();
            let mut types = Vec::new();
            for (param, ty) in &f.params {
                let ty = self.type_by_name(ty);
                let slot = self.new_slot();
                scope.bind(&param.text, slot, ty.clone());
                slots.push(slot);
                types.push(ty);
            }
            let (body, result) = self.compile_expr(&f.body, &mut scope);
            self.defining = None;
            self.definitions.push(crate::ir::Definition {
                name: name.clone(),
                extent: f.extent,
                uses: std::mem::take(&mut scope.uses),
            });
            self.signatures.push((name.clone(), types, result));
            self.functions.push(FunctionIr {
                name: name.clone(),
                params: slots,
                remembered: body.costly(),
                body,
                typed: None,
                may_fail: true,
            });
        }
    }

    /// A type written in a `fn` parameter.
    fn type_by_name(&mut self, ty: &TypeExpr) -> Type {
        match ty {
            TypeExpr::List(inner, _) => Type::List(Box::new(self.type_by_name(inner))),
            TypeExpr::Map(inner, _) => Type::Map(Box::new(self.type_by_name(inner))),
            TypeExpr::Named(name) => {
                let scalar = match name.text.as_str() {
                    "text" => Some(Type::Text),
                    "integer" => Some(Type::Integer),
                    "decimal" => Some(Type::Decimal),
                    "bool" => Some(Type::Bool),
                    "date" => Some(Type::Date),
                    _ => None,
                };
                if let Some(t) = scalar {
                    return t;
                }
                if let Some(id) = self.schema.records.iter().position(|r| r.name == name.text) {
                    return Type::Record(id);
                }
                let names: Vec<String> =
                    self.schema.records.iter().map(|r| r.name.clone()).collect();
                let candidates = ["text", "integer", "decimal", "bool", "date"]
                    .into_iter()
                    .chain(names.iter().map(String::as_str));
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
