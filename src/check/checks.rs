//! `check` items: loops, named values and raises, compiled in order. Each
//! raise keeps the named values it uses, for the finding's explanation.

use super::Checker;
use super::expr::Scope;
use crate::ast::{CheckDecl, CheckStep};
use crate::data::schema::Type;
use crate::diag::Code;
use crate::ir::{CheckIr, CheckStepIr, LetIr, RaiseIr, Severity};
use std::collections::HashMap;

/// The ids of the findings the engine gives of itself, not from a check.
const RESERVED: [&str; 3] = [
    crate::eval::UNDEFINED_RATIO,
    crate::eval::OUT_OF_RANGE,
    crate::eval::REVIEWERS_DISAGREE,
];

impl Checker {
    /// `related to a, b` (of a raise or a criterion): every id a check's.
    pub(super) fn check_related(&mut self, related: &[crate::ast::Name]) -> Vec<String> {
        for name in related {
            if !self.check_ids.contains(&name.text) {
                let help = crate::source::did_you_mean(
                    &name.text,
                    self.check_ids.iter().map(String::as_str),
                )
                .or_else(|| {
                    Some("related to 后写检查的编号（check 后的名称）；规则目录中没有这项检查时，删去它".into())
                });
                self.error_help(
                    Code::RulesUnknownCheck,
                    format!("没有编号为 `{}` 的检查", name.text),
                    name.span,
                    "未知的检查",
                    help,
                );
            }
        }
        related.iter().map(|n| n.text.clone()).collect()
    }

    pub(super) fn check_checks(&mut self, checks: &[CheckDecl]) -> Vec<CheckIr> {
        let mut seen: HashMap<&str, crate::source::Span> = HashMap::new();
        let mut out = Vec::new();
        for check in checks {
            if let Some(first) = seen.get(check.id.text.as_str()).copied() {
                self.duplicate(
                    Code::RulesDuplicateId,
                    format!("检查 `{}` 重复定义", check.id.text),
                    check.id.span,
                    "重复的编号",
                    Some(first),
                );
            } else if RESERVED.contains(&check.id.text.as_str()) {
                // The findings the engine itself gives go by these ids: a
                // check of the same name would be taken for them (counted
                // as a reviewers' disagreement, said on the screen).
                self.error_help(
                    Code::RulesDuplicateId,
                    format!("检查名 `{}` 是引擎自己给出的检查结果的编号", check.id.text),
                    check.id.span,
                    "与引擎的检查结果重名",
                    Some(format!(
                        "换一个名称；{} 是引擎保留的编号",
                        RESERVED.map(|id| format!("`{id}`")).join("、")
                    )),
                );
            } else {
                seen.insert(&check.id.text, check.id.span);
            }
            out.push(self.check_one(check));
        }
        out
    }

    fn check_one(&mut self, check: &CheckDecl) -> CheckIr {
        let mut scope = Scope::submission();
        let mut raises = 0;
        let mut numbers = std::collections::HashSet::new();
        let mut steps = self.check_steps(&check.steps, &mut scope, &mut raises, &mut numbers);
        super::places::mark(&mut steps, &numbers, &self.functions);
        if raises == 0 {
            self.error(
                Code::RulesNoRaise,
                format!("检查 `{}` 没有 raise 语句", check.id.text),
                check.id.span,
                "不会产生任何结果",
            );
        }
        CheckIr {
            id: check.id.text.clone(),
            says: check.says.clone(),
            span: check.id.span,
            extent: check.extent,
            uses: std::mem::take(&mut scope.uses),
            steps,
        }
    }

    fn check_steps(
        &mut self,
        steps: &[CheckStep],
        scope: &mut Scope,
        raises: &mut usize,
        numbers: &mut std::collections::HashSet<u32>,
    ) -> Vec<CheckStepIr> {
        let depth = scope.depth();
        let mut out = Vec::new();
        // The named values of these steps, for a name used above its own
        // `let` (said as such, or as a loop, as in a criterion's body).
        let outer_below = std::mem::replace(
            &mut self.lets_below,
            steps
                .iter()
                .filter_map(|s| match s {
                    CheckStep::Let(b) => Some(b.name.text.clone()),
                    _ => None,
                })
                .collect(),
        );
        let lets = self.let_texts(steps.iter().filter_map(|s| match s {
            CheckStep::Let(b) => Some(b),
            _ => None,
        }));
        let outer_lets = std::mem::replace(&mut self.body_lets, lets);
        for step in steps {
            if let CheckStep::Let(binding) = step {
                if let Some(i) = self.lets_below.iter().position(|n| *n == binding.name.text) {
                    self.lets_below.remove(i);
                }
            }
            match step {
                CheckStep::For { var, list, body } => {
                    let (list_ir, ty) = self.compile_expr(list, scope);
                    let elem = self.element_type(ty, list.span);
                    let slot = self.new_slot();
                    let body_depth = scope.depth();
                    scope.bind(&var.text, slot, elem);
                    let body = body.as_ref().map(|b| {
                        let compiled = self.check_steps(b, scope, raises, numbers);
                        scope.truncate(body_depth);
                        compiled
                    });
                    out.push(CheckStepIr::For {
                        slot,
                        list: list_ir,
                        body,
                    });
                }
                CheckStep::Let(binding) => {
                    self.defining_let = Some(binding.name.text.clone());
                    let (expr, ty) = self.compile_expr(&binding.value, scope);
                    self.defining_let = None;
                    let slot = self.new_slot();
                    if ty.is_number() {
                        numbers.insert(slot);
                    }
                    scope.bind(&binding.name.text, slot, ty);
                    out.push(CheckStepIr::Let(LetIr {
                        name: binding.name.text.clone(),
                        slot,
                        expr,
                        keeps_places: true,
                    }));
                }
                CheckStep::Raise(raise) => {
                    *raises += 1;
                    out.push(CheckStepIr::Raise(self.check_raise(raise, scope)));
                }
            }
        }
        scope.truncate(depth);
        self.lets_below = outer_below;
        self.body_lets = outer_lets;
        out
    }

    fn element_type(&mut self, ty: Type, span: crate::source::Span) -> Type {
        match ty {
            Type::List(e) => *e,
            Type::Any => Type::Any,
            other => {
                let d = other.describe(&self.schema);
                self.error_help(
                    Code::RulesNotAList,
                    format!("for 只能遍历列表，这里是{d}"),
                    span,
                    "不是列表",
                    Some("单个记录可以用 collect(记录) 变成列表".into()),
                );
                Type::Any
            }
        }
    }

    fn check_raise(&mut self, raise: &crate::ast::Raise, scope: &mut Scope) -> RaiseIr {
        let severity = match raise.severity.text.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        };
        scope.named.clear();
        let when = self.expect(
            &raise.when,
            &Type::Bool,
            "raise when 的条件应为布尔值",
            scope,
        );
        let mut values = std::mem::take(&mut scope.named);
        let because = self.check_template(&raise.because, scope);
        // A text or a record only the message reads (`overrun`, the table
        // `t` it names) is what the message says already: not a value
        // that produced the finding, and shown beside it only as a
        // fragment (`overrun = ，超支 30 万元…`).
        let message = std::mem::take(&mut scope.named);
        let at: Vec<crate::ir::Expr> = raise
            .at
            .iter()
            .map(|e| self.compile_expr(e, scope).0)
            .collect();
        let placed = std::mem::take(&mut scope.named);
        for (name, slot) in message {
            let read_elsewhere = placed.iter().any(|(_, s)| *s == slot);
            let words_only = matches!(scope.slot_type(slot), Some(Type::Text | Type::Record(_)));
            if !values.iter().any(|(_, s)| *s == slot) && (read_elsewhere || !words_only) {
                values.push((name, slot));
            }
        }
        for (name, slot) in placed {
            if !values.iter().any(|(_, s)| *s == slot) {
                values.push((name, slot));
            }
        }
        let related = self.check_related(&raise.related);
        RaiseIr {
            severity,
            when,
            because,
            at,
            related,
            span: raise.span,
            values,
        }
    }
}
