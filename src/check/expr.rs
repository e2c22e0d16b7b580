//! Expressions: every name resolved (loop variable, let, parameter, top-level
//! let, field of the submission), every operator's operand types checked.

use super::{Checker, Global};
use crate::ast::{self, AggKind, BinOp, ExprKind};
use crate::data::Value;
use crate::data::schema::{FieldType, RecordType, Type};
use crate::diag::Code;
use crate::diag::Problem;
use crate::ir::{Builtin, Expr, ExprIr};
use crate::source::{Span, did_you_mean, did_you_mean_name};

/// What names an expression may see.
pub(super) struct Scope {
    /// Innermost last: lets of the criterion and loop variables.
    locals: Vec<(String, u32, Type)>,
    /// Parameters only (a `param`'s definition).
    constants_only: bool,
    /// Slots of lets and top-level lets the expression named, for
    /// explanations.
    pub(super) named: Vec<(String, u32)>,
    /// Parameters, top-level lets and functions used, for `diff`.
    pub(super) uses: Vec<String>,
}

impl Scope {
    /// For `param` definitions: earlier parameters only.
    pub(super) fn constants() -> Scope {
        Scope {
            locals: Vec::new(),
            constants_only: true,
            named: Vec::new(),
            uses: Vec::new(),
        }
    }

    /// For everything else.
    pub(super) fn submission() -> Scope {
        Scope {
            locals: Vec::new(),
            constants_only: false,
            named: Vec::new(),
            uses: Vec::new(),
        }
    }

    /// Bind a let of a criterion.
    pub(super) fn bind(&mut self, name: &str, slot: u32, ty: Type) {
        self.locals.push((name.to_string(), slot, ty));
    }

    /// Is a local of this name bound?
    pub(super) fn is_bound(&self, name: &str) -> bool {
        self.locals.iter().any(|(n, _, _)| n == name)
    }

    /// The type of the local in `slot`, if one is bound there.
    pub(super) fn slot_type(&self, slot: u32) -> Option<&Type> {
        self.locals
            .iter()
            .rev()
            .find(|(_, s, _)| *s == slot)
            .map(|(_, _, t)| t)
    }

    /// How many locals are bound (to pop back to).
    pub(super) fn depth(&self) -> usize {
        self.locals.len()
    }

    /// Forget locals bound after `depth`.
    pub(super) fn truncate(&mut self, depth: usize) {
        self.locals.truncate(depth);
    }
}

type Typed = (Expr, Type);

impl Checker {
    /// Compile an expression; problems are recorded and an `Any` stands in.
    pub(super) fn compile_expr(&mut self, e: &ast::Expr, scope: &mut Scope) -> Typed {
        let span = e.span;
        let make = |kind| Expr { kind, span };
        match &e.kind {
            ExprKind::Number(n) => (make(ExprIr::Const(Value::Num(*n))), Type::Decimal),
            ExprKind::Text(t) => (make(ExprIr::Const(Value::text(t))), Type::Text),
            ExprKind::Date(d) => (make(ExprIr::Const(Value::Date(*d))), Type::Date),
            ExprKind::Bool(b) => (make(ExprIr::Const(Value::Bool(*b))), Type::Bool),
            ExprKind::Name(name) => self.compile_name(name, span, scope),
            ExprKind::Field(target, field) => self.compile_field(target, field, scope),
            ExprKind::Index(target, index) => self.compile_index(target, index, span, scope),
            ExprKind::Not(inner) => {
                let inner = self.expect(inner, &Type::Bool, "not 需要布尔值", scope);
                (make(ExprIr::Not(Box::new(inner))), Type::Bool)
            }
            ExprKind::Neg(inner) => {
                let inner = self.expect(inner, &Type::Decimal, "负号需要数字", scope);
                (make(ExprIr::Neg(Box::new(inner))), Type::Decimal)
            }
            ExprKind::Binary(op, a, b) => self.compile_binary(*op, a, b, span, scope),
            ExprKind::If(c, a, b) => {
                let c = self.expect(c, &Type::Bool, "if 的条件应为布尔值", scope);
                let (a, ta) = self.compile_expr(a, scope);
                let (b, tb) = self.compile_expr(b, scope);
                if !ta.accepts(&tb) {
                    self.type_error(span, &ta, &tb, "if 的两个分支类型不同");
                }
                let ty = if ta == Type::Any { tb } else { ta };
                (make(ExprIr::If(Box::new(c), Box::new(a), Box::new(b))), ty)
            }
            ExprKind::Call(name, args) => self.compile_call(name, args, span, scope),
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut types = Vec::with_capacity(items.len());
                for item in items {
                    let (c, t) = self.compile_expr(item, scope);
                    out.push(c);
                    types.push(t);
                }
                // The type most items have is the list's: the odd one out
                // is the slip (a wrong first item is not blamed on the rest).
                // Compared as the few distinct types with their counts, in
                // order of first use: a list of 100,000 items is checked in
                // linear time.
                let mut distinct: Vec<(&Type, usize)> = Vec::new();
                for t in &types {
                    match distinct.iter_mut().find(|(u, _)| *u == t) {
                        Some((_, n)) => *n += 1,
                        None => distinct.push((t, 1)),
                    }
                }
                let ty = distinct
                    .iter()
                    .enumerate()
                    .filter(|(_, (t, _))| **t != Type::Any)
                    .max_by_key(|(first, (t, _))| {
                        let agree: usize = distinct
                            .iter()
                            .filter(|(u, _)| t.accepts(u))
                            .map(|(_, n)| n)
                            .sum();
                        (agree, std::cmp::Reverse(*first))
                    })
                    .map_or(Type::Any, |(_, (t, _))| (*t).clone());
                for (item, t) in items.iter().zip(&types) {
                    if !ty.accepts(t) {
                        self.odd_item(item.span, &ty, t);
                    }
                }
                (make(ExprIr::List(out)), Type::List(Box::new(ty)))
            }
            ExprKind::Record(fields) => self.compile_record(fields, span, scope),
            ExprKind::Aggregate {
                kind,
                var,
                list,
                filter,
                body,
            } => self.compile_aggregate(
                *kind,
                var,
                list,
                filter.as_deref(),
                body.as_deref(),
                span,
                scope,
            ),
        }
    }

    /// Compile and require a type.
    pub(super) fn expect(
        &mut self,
        e: &ast::Expr,
        want: &Type,
        what: &str,
        scope: &mut Scope,
    ) -> Expr {
        let (c, t) = self.compile_expr(e, scope);
        if !want.accepts(&t) {
            self.mismatch(e, want, &t, what);
        }
        c
    }

    /// `e` is of type `got` where `want` is needed.
    fn mismatch(&mut self, e: &ast::Expr, want: &Type, got: &Type, what: &str) {
        match &e.kind {
            ExprKind::Name(name) if self.params.contains_key(name) => {
                self.param_type_error(e.span, name, want, got, what);
            }
            _ => self.type_error(e.span, want, got, what),
        }
    }

    /// The `let` being compiled, when `name` is a `let` of the same body
    /// below it whose definition reads it (directly or through other
    /// `let`s below): the two can be put in no order.
    fn cycle_through(&self, name: &str) -> Option<Vec<String>> {
        let defining = self.defining_let.as_deref()?;
        if !self.lets_below.iter().any(|n| n == name) {
            return None;
        }
        let mentions = |text: &str, word: &str| {
            text.match_indices(word).any(|(at, _)| {
                let before = text.get(..at).and_then(|t| t.chars().next_back());
                let after = text.get(at + word.len()..).and_then(|t| t.chars().next());
                let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !part(before) && !part(after)
            })
        };
        let text_of = |n: &str| {
            self.body_lets
                .iter()
                .find(|(l, _)| l == n)
                .map_or("", |(_, t)| t.as_str())
        };
        // Breadth first over the body's lets, each with the one it was
        // reached from, so the loop can be said link by link.
        let mut reached: Vec<(String, usize)> = vec![(name.to_string(), usize::MAX)];
        let mut next = 0;
        while let Some((current, _)) = reached.get(next).cloned() {
            let text = text_of(&current);
            if mentions(text, defining) {
                // From `name` to the let that reads `defining`.
                let mut path = Vec::new();
                let mut at = next;
                while let Some((n, from)) = reached.get(at) {
                    path.push(n.clone());
                    at = *from;
                }
                path.reverse();
                let mut chain = vec![defining.to_string()];
                chain.extend(path);
                return Some(chain);
            }
            for (l, _) in &self.body_lets {
                if l != defining && !reached.iter().any(|(r, _)| r == l) && mentions(text, l) {
                    reached.push((l.clone(), next));
                }
            }
            next += 1;
        }
        None
    }

    /// The function being compiled, when `callee` (defined after it) calls
    /// it back, directly or through other functions.
    fn calls_back(&self, callee: &str) -> Option<String> {
        let caller = self.defining.as_deref()?;
        let body_of = |f: &str| {
            self.function_bodies
                .iter()
                .find(|(n, _)| n == f)
                .map_or("", |(_, b)| b.as_str())
        };
        let calls = |body: &str, f: &str| {
            body.match_indices(f).any(|(at, _)| {
                let before = body.get(..at).and_then(|t| t.chars().next_back());
                let after = body.get(at + f.len()..).map(str::trim_start);
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && after.is_some_and(|a| a.starts_with('('))
            })
        };
        let mut seen = vec![callee.to_string()];
        let mut queue = vec![callee.to_string()];
        while let Some(current) = queue.pop() {
            let body = body_of(&current);
            if calls(body, caller) {
                return Some(caller.to_string());
            }
            for (f, _) in &self.function_bodies {
                if !seen.contains(f) && calls(body, f) {
                    seen.push(f.clone());
                    queue.push(f.clone());
                }
            }
        }
        None
    }

    /// How to write a parameter that should be a list of texts, with the
    /// author's own words where they wrote the list as one text
    /// (`"加大资金投入、加大投入"`): each word quoted as the rules read it.
    fn list_of_words_hint(&self, name: &str) -> String {
        let own = match self.params.get(name) {
            Some((Value::Text(t), _)) => t.to_string(),
            _ => String::new(),
        };
        let pieces: Vec<&str> = own
            .split(['、', '，', ',', '；', ';'])
            .map(str::trim)
            .collect();
        // A text of separators (`"。、；"`) is no list of words.
        let words = (pieces.len() > 1 && pieces.iter().all(|w| !w.is_empty())).then(|| {
            pieces
                .iter()
                .map(|w| format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect::<Vec<_>>()
                .join(", ")
        });
        match words {
            Some(words) => format!("写成方括号中的文字，逗号隔开：param {name} = [{words}]"),
            None => format!("写成方括号中的文字，逗号隔开：param {name} = [\"……\", \"……\"]"),
        }
    }

    /// A parameter of the wrong type where it is used: the slip is most
    /// likely in its definition (`param deadline = "2023-06-15"`), shown
    /// beside the use with how such a value is written.
    fn param_type_error(&mut self, span: Span, name: &str, want: &Type, got: &Type, what: &str) {
        let (w, g) = (want.describe(&self.schema), got.describe(&self.schema));
        // The author's own value, unquoted, where it is one (`"2025-06-13"`).
        let own = match self.params.get(name) {
            Some((crate::data::Value::Text(t), _)) => Some(t.trim().to_string()),
            _ => None,
        };
        let own_if = |ok: fn(&str) -> bool| own.clone().filter(|t| ok(t));
        // A date typed as a number (`20250613`): the date it spells.
        let spelt_date = match self.params.get(name) {
            Some((crate::data::Value::Num(n), _)) => {
                let digits = n.normalize().to_string();
                let date = match (digits.get(..4), digits.get(4..6), digits.get(6..)) {
                    (Some(y), Some(m), Some(d)) if digits.len() == 8 => {
                        crate::data::Date::parse(&format!("{y}-{m}-{d}"))
                    }
                    _ => None,
                };
                date.map(|d| d.to_string())
            }
            _ => None,
        };
        let written = match want {
            Type::Date => match own_if(|t| crate::data::Date::parse(t).is_some()).or(spelt_date) {
                Some(date) => format!("日期不加引号，写成年-月-日：param {name} = {date}"),
                None => {
                    "日期不加引号，写成年-月-日（四位年份），如 2025-06-13 是 2025 年 6 月 13 日"
                        .to_string()
                }
            },
            Type::List(item) if **item == Type::Text => self.list_of_words_hint(name),
            Type::Integer | Type::Decimal => format!(
                "数字不加引号：param {name} = {}",
                own_if(is_plain_number).unwrap_or_else(|| "10".into())
            ),
            Type::Text => format!("文字用英文双引号括起：param {name} = \"……\""),
            Type::Bool => format!("写成 true 或 false，不加引号：param {name} = true"),
            _ => format!("把参数 {name} 的值改为{w}"),
        };
        let file = self.file(span);
        let mut problem = Problem::error(
            Code::RulesTypeMismatch,
            format!("类型不对：{what}"),
            &file,
            span,
            format!("参数 `{name}` 是{g}，这里应为{w}"),
        )
        .with_help(written);
        if let Some(defined) = self
            .definitions
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.extent)
        {
            let defined_file = self.file(defined);
            problem = problem.with_related(Problem::error(
                Code::RulesTypeMismatch,
                format!("参数 `{name}` 定义在这里，值是{g}"),
                &defined_file,
                defined,
                format!("这里是{g}"),
            ));
        }
        self.problems.push(problem);
    }

    fn type_error(&mut self, span: Span, want: &Type, got: &Type, what: &str) {
        let (w, g) = (want.describe(&self.schema), got.describe(&self.schema));
        self.error_help(
            Code::RulesTypeMismatch,
            format!("类型不对：{what}"),
            span,
            &format!("这里是{g}，应为{w}"),
            None,
        );
    }

    /// A list's item whose type is not the others': for two records, the
    /// fields that differ are named (`{ group: …, weight: "50" }` among
    /// items whose `weight` is a number).
    fn odd_item(&mut self, span: Span, want: &Type, got: &Type) {
        let (Type::Record(w), Type::Record(g)) = (want, got) else {
            self.type_error(span, want, got, "列表中的元素类型应一致");
            return;
        };
        let (Some(w), Some(g)) = (self.schema.records.get(*w), self.schema.records.get(*g)) else {
            self.type_error(span, want, got, "列表中的元素类型应一致");
            return;
        };
        let mut differences = Vec::new();
        // The fields this item lacks that one of its own is a misspelling
        // of (`wieght` for `weight`): said once, as the slip.
        let mut meant_by_slip: Vec<&str> = Vec::new();
        for f in &g.fields {
            match w.fields.iter().find(|o| o.name == f.name) {
                Some(o) if o.ty.accepts(&f.ty) => {}
                Some(o) => differences.push(format!(
                    "`{}` 在这里是{}，在其他项中是{}",
                    f.name,
                    f.ty.describe(&self.schema),
                    o.ty.describe(&self.schema)
                )),
                None => {
                    let lacked = w
                        .fields
                        .iter()
                        .filter(|o| !g.fields.iter().any(|x| x.name == o.name))
                        .map(|o| o.name.as_str());
                    match crate::source::did_you_mean_name(&f.name, lacked) {
                        Some(meant) => {
                            differences
                                .push(format!("`{}` 应是 `{meant}`（写错了字段名）", f.name));
                            meant_by_slip.push(meant);
                        }
                        None => differences.push(format!("其他项没有 `{}`", f.name)),
                    }
                }
            }
        }
        for o in &w.fields {
            if !g.fields.iter().any(|f| f.name == o.name)
                && !meant_by_slip.contains(&o.name.as_str())
            {
                differences.push(format!("这一项缺少 `{}`", o.name));
            }
        }
        let label = differences.join("；");
        self.error_help(
            Code::RulesTypeMismatch,
            "类型不对：列表中这一项与其他项不一致".to_string(),
            span,
            &label,
            Some(
                "列表的每一项应写法相同：同样的字段名，同一字段同类的值（数字不加引号）"
                    .to_string(),
            ),
        );
    }

    /// `p.funds.rate < 60`: both sides can be ordered, but not with each
    /// other. Each side is labelled with its type, so the author sees which
    /// one is the text; a number written in a text cell is read with
    /// `quantity`.
    fn sides_differ(&mut self, op: BinOp, (left, lt): (Span, &Type), (right, rt): (Span, &Type)) {
        let (l, r) = (lt.describe(&self.schema), rt.describe(&self.schema));
        let file = self.file(left);
        let text_side = matches!(lt, Type::Text) || matches!(rt, Type::Text);
        let number_side = lt.is_number() || rt.is_number();
        let help = if text_side && number_side && matches!(op, BinOp::Eq | BinOp::Ne) {
            "文字不能与数字比较是否相等。表中按原文保存的格（如实际完成值“96.9万”、执行率“96.89%”）用 quantity(x).number 读出其中的数，再比较；问一格是否写了内容，用 present(x)"
        } else if text_side && number_side {
            "文字不能与数字比大小。表中按原文保存的格（如执行率“96.89%”）用 quantity(x).number 读出其中的数，再比较"
        } else {
            "两边应是同类的值：数字与数字、日期与日期、文字与文字"
        };
        let mut problem = crate::diag::Problem::error(
            Code::RulesTypeMismatch,
            format!(
                "类型不对：`{}` 两边的类型不同：左边是{l}，右边是{r}",
                op.symbol()
            ),
            &file,
            left,
            format!("这里是{l}"),
        )
        .with_help(help);
        problem.labels.push((right, format!("这里是{r}")));
        self.problems.push(problem);
    }

    fn compile_name(&mut self, name: &str, span: Span, scope: &mut Scope) -> Typed {
        let make = |kind| Expr { kind, span };
        if let Some((_, slot, ty)) = scope.locals.iter().rev().find(|(n, _, _)| n == name) {
            let (slot, ty) = (*slot, ty.clone());
            if !scope.named.iter().any(|(_, s)| *s == slot) {
                scope.named.push((name.to_string(), slot));
            }
            return (make(ExprIr::Slot(slot)), ty);
        }
        if let Some((value, ty)) = self.params.get(name) {
            if !scope.uses.iter().any(|u| u == name) {
                scope.uses.push(name.to_string());
            }
            return (make(ExprIr::Const(value.clone())), ty.clone());
        }
        if !scope.constants_only {
            if let Some(index) = self.globals.iter().position(|(n, _)| n == name) {
                let ty = self.compile_global(index);
                if !scope.uses.iter().any(|u| u == name) {
                    scope.uses.push(name.to_string());
                }
                if let Some((_, Global::Done { slot, .. })) = self.globals.get(index) {
                    let slot = *slot;
                    if !scope.named.iter().any(|(_, s)| *s == slot) {
                        scope.named.push((name.to_string(), slot));
                    }
                    return (make(ExprIr::Slot(slot)), ty);
                }
                return (make(ExprIr::Const(Value::Absent)), Type::Any);
            }
            if let Some(root) = self.schema.record(self.schema.root) {
                if let Some(index) = root.field(name) {
                    let ty = root.fields.get(index).map_or(Type::Any, |f| f.ty.clone());
                    let root_expr = Box::new(make(ExprIr::Root));
                    return (make(ExprIr::Field(root_expr, index)), ty);
                }
            }
        }
        let mut candidates: Vec<String> = scope.locals.iter().map(|(n, _, _)| n.clone()).collect();
        candidates.extend(self.params.keys().cloned());
        if !scope.constants_only {
            candidates.extend(self.globals.iter().map(|(n, _)| n.clone()));
            if let Some(root) = self.schema.record(self.schema.root) {
                candidates.extend(root.fields.iter().map(|f| f.name.clone()));
            }
        }
        let help = did_you_mean(name, candidates.iter().map(String::as_str)).or_else(|| {
            Some(match scope.constants_only {
                true => "参数只能引用在它之前定义的参数，不能引用报送材料".to_string(),
                // Nothing like it anywhere: most often a new parameter
                // not yet written down.
                false => format!(
                    "规则中没有叫这个名字的参数、命名值或字段：新的参数先在 params.jx 中定义（param {name} = 值），命名值先在上面写 let {name} = …，行中的字段写成 行名.字段（如 r.{name}）"
                ),
            })
        });
        if scope.constants_only && self.params_below.iter().any(|n| n == name) {
            self.error_help(
                Code::RulesUnknownName,
                format!("参数 `{name}` 在后面才定义"),
                span,
                "在这里还没有定义",
                Some(format!(
                    "参数只能引用在它之前定义的参数：把 param {name} = … 移到这一行之前"
                )),
            );
            return (make(ExprIr::Const(Value::Absent)), Type::Any);
        }
        if self.defining_let.as_deref() == Some(name) {
            self.error_help(
                Code::RulesCycle,
                format!("`{name}` 的定义用到了它自己"),
                span,
                "用到自己",
                Some(format!(
                    "命名值不能由它自己算出：改写算式；要在原来的值上加减，另起一个名称，如 let {name}_total = …"
                )),
            );
            return (make(ExprIr::Const(Value::Absent)), Type::Any);
        }
        if let Some(chain) = self.cycle_through(name) {
            // A loop through a let above this one was said at that let.
            let said = chain
                .iter()
                .skip(1)
                .any(|n| !self.lets_below.iter().any(|b| b == n));
            if said {
                return (make(ExprIr::Const(Value::Absent)), Type::Any);
            }
            let (defining, message) = match chain.as_slice() {
                [a, b] => (
                    a.clone(),
                    format!("`{a}` 与 `{b}` 互相引用：两者都要先算出对方"),
                ),
                _ => {
                    let links: Vec<String> = chain
                        .windows(2)
                        .map(|w| {
                            format!(
                                "{} 用到 {}",
                                w.first().map_or("", String::as_str),
                                w.get(1).map_or("", String::as_str)
                            )
                        })
                        .collect();
                    (
                        chain.first().cloned().unwrap_or_default(),
                        format!(
                            "{} 绕成一圈：{}，{} 又用到 {}",
                            chain
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join("、"),
                            links.join("，"),
                            chain.last().map_or("", String::as_str),
                            chain.first().map_or("", String::as_str)
                        ),
                    )
                }
            };
            self.error_help(
                Code::RulesCycle,
                message,
                span,
                "循环引用",
                Some(format!(
                    "移动 let 的次序解决不了：改写其中一个，使它不用另一个（如 {defining} 先按不含 {name} 的算式算出）"
                )),
            );
            return (make(ExprIr::Const(Value::Absent)), Type::Any);
        }
        if self.lets_below.iter().any(|n| n == name) {
            self.error_help(
                Code::RulesUnknownName,
                format!("`{name}` 在下面才定义"),
                span,
                "在这里还没有定义",
                Some(format!(
                    "let 只能被写在它后面的语句使用：把 let {name} = … 移到这一行之前"
                )),
            );
            return (make(ExprIr::Const(Value::Absent)), Type::Any);
        }
        // A word of Chinese like no name of the folder (names may be
        // Chinese): most likely a text whose quotes were forgotten.
        let close = did_you_mean(name, candidates.iter().map(String::as_str)).is_some();
        if !name.is_ascii() && !close {
            self.error_help(
                Code::RulesUnknownName,
                format!("未知的名称 `{name}`"),
                span,
                "没有这个名称",
                Some(format!(
                    "文字要放在英文双引号中：写成 \"{name}\"；若是名称，先用 param 或 let 定义它"
                )),
            );
            return (make(ExprIr::Const(Value::Absent)), Type::Text);
        }
        let file = self.file(span);
        let mut problem = Problem::error(
            Code::RulesUnknownName,
            format!("未知的名称 `{name}`"),
            &file,
            span,
            "没有这个名称",
        )
        .with_help_opt(help.clone());
        // The close name is a definition of the folder: the typo may be
        // there rather than here (a misspelt `param` makes every correct
        // use unknown). Show where it is defined.
        if let Some(defined) = help
            .as_ref()
            .and_then(|_| self.close_definition(name, &candidates))
        {
            let defined_file = self.file(defined);
            problem = problem.with_related(Problem::error(
                Code::RulesUnknownName,
                "相近的名称定义在这里：改正写错的一处（上面的名称，或这里的定义）",
                &defined_file,
                defined,
                "相近的名称",
            ));
        }
        self.problems.push(problem);
        (make(ExprIr::Const(Value::Absent)), Type::Any)
    }

    /// Where the name `did_you_mean` suggests for `name` is defined, when
    /// it is a parameter, a top-level `let` or a function of the folder.
    fn close_definition(&self, name: &str, candidates: &[String]) -> Option<Span> {
        let suggested = did_you_mean_name(name, candidates.iter().map(String::as_str))?;
        self.definitions
            .iter()
            .find(|d| d.name == suggested)
            .map(|d| d.extent)
    }

    fn compile_field(&mut self, target: &ast::Expr, field: &ast::Name, scope: &mut Scope) -> Typed {
        let span = target.span.to(field.span);
        let (t, ty) = self.compile_expr(target, scope);
        let fallback = (
            Expr {
                kind: ExprIr::Const(Value::Absent),
                span,
            },
            Type::Any,
        );
        let record = match &ty {
            Type::Record(id) => *id,
            Type::Any => return fallback,
            Type::List(_) => {
                self.error_help(
                    Code::RulesFieldOfList,
                    format!("列表没有字段 `{}`", field.text),
                    span,
                    "这是一个列表",
                    Some(format!(
                        "对每一行取值请用聚合，如 sum(r.{0} for r in 列表)",
                        field.text
                    )),
                );
                return fallback;
            }
            other => {
                let d = other.describe(&self.schema);
                self.error(
                    Code::RulesFieldOfValue,
                    format!("{d}没有字段 `{}`", field.text),
                    span,
                    "不是记录",
                );
                return fallback;
            }
        };
        let Some(record_type) = self.schema.record(record).cloned() else {
            return fallback;
        };
        match record_type.field(&field.text) {
            Some(index) => {
                let ty = record_type
                    .fields
                    .get(index)
                    .map_or(Type::Any, |f| f.ty.clone());
                (
                    Expr {
                        kind: ExprIr::Field(Box::new(t), index),
                        span,
                    },
                    ty,
                )
            }
            None => {
                let fields = &record_type.fields;
                // A field named by its words in the forms (`r.分值`), or a
                // slip of its key; else every field with its words.
                let by_words = fields
                    .iter()
                    .find(|f| f.words().as_deref() == Some(field.text.as_str()));
                let near = by_words.or_else(|| {
                    crate::source::did_you_mean_name(
                        &field.text,
                        fields.iter().map(|f| f.name.as_str()),
                    )
                    .and_then(|n| fields.iter().find(|f| f.name == n))
                });
                let help = Some(match near {
                    Some(f) => format!(
                        "您是不是想写 `{}`{}？",
                        f.name,
                        f.words().map(|w| format!("（{w}）")).unwrap_or_default()
                    ),
                    None => format!(
                        "{}的字段有：{}",
                        record_named(&self.schema, record, &record_type.name),
                        fields.iter().map(with_words).collect::<Vec<_>>().join("、")
                    ),
                });
                self.error_help(
                    Code::RulesUnknownField,
                    format!("未知的字段 `{}`", field.text),
                    field.span,
                    &format!(
                        "{}没有这个字段",
                        record_named(&self.schema, record, &record_type.name)
                    ),
                    help,
                );
                fallback
            }
        }
    }

    fn compile_index(
        &mut self,
        target: &ast::Expr,
        index: &ast::Expr,
        span: Span,
        scope: &mut Scope,
    ) -> Typed {
        let (t, ty) = self.compile_expr(target, scope);
        let (i, ity) = self.compile_expr(index, scope);
        let elem = match &ty {
            Type::Map(elem) => {
                if !Type::Text.accepts(&ity) {
                    self.type_error(index.span, &Type::Text, &ity, "表的键应为文字");
                }
                (**elem).clone()
            }
            Type::List(elem) => {
                if !ity.is_number() {
                    self.type_error(
                        index.span,
                        &Type::Decimal,
                        &ity,
                        "列表的下标应为数字（从 0 开始）",
                    );
                }
                (**elem).clone()
            }
            Type::Any => Type::Any,
            other => {
                let d = other.describe(&self.schema);
                self.error(
                    Code::RulesNotIndexable,
                    format!("{d}不能用 [ ] 取值"),
                    span,
                    "不是表或列表",
                );
                Type::Any
            }
        };
        (
            Expr {
                kind: ExprIr::Index(Box::new(t), Box::new(i)),
                span,
            },
            elem,
        )
    }

    fn compile_binary(
        &mut self,
        op: BinOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: Span,
        scope: &mut Scope,
    ) -> Typed {
        let (ca, ta) = self.compile_expr(a, scope);
        let (cb, tb) = self.compile_expr(b, scope);
        let result = match op {
            BinOp::And | BinOp::Or => {
                for (t, e) in [(&ta, a), (&tb, b)] {
                    if !Type::Bool.accepts(t) {
                        self.type_error(
                            e.span,
                            &Type::Bool,
                            t,
                            &format!("`{}` 的两边应为布尔值", op.symbol()),
                        );
                    }
                }
                Type::Bool
            }
            BinOp::Eq | BinOp::Ne => {
                // A side of unknown type (`Any`: a name already said to be
                // unknown or misplaced) is no second mistake.
                let known = ta != Type::Any && tb != Type::Any;
                let text_and_number = known
                    && ((matches!(ta, Type::Text) && tb.is_number())
                        || (ta.is_number() && matches!(tb, Type::Text)));
                if text_and_number {
                    self.sides_differ(op, (a.span, &ta), (b.span, &tb));
                } else if !ta.accepts(&tb) {
                    self.type_error(
                        b.span,
                        &ta,
                        &tb,
                        &format!("`{}` 两边的类型应相同", op.symbol()),
                    );
                }
                Type::Bool
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ordered = |t: &Type| t.is_number() || matches!(t, Type::Date | Type::Text);
                if matches!(ta, Type::Text) && matches!(tb, Type::Text) {
                    // Texts would be ordered character by character
                    // (“100%” before “60%”): a cell's number compared so
                    // is silently wrong, and nothing else in the forms is
                    // ordered as text.
                    self.error_help(
                        Code::RulesTypeMismatch,
                        format!("类型不对：`{}` 两边都是文字，文字不能比大小", op.symbol()),
                        span,
                        "两边都是文字",
                        Some(
                            "文字只按字逐个比较（“100%”会排在“60%”之前）。表中按原文保存的数（如执行率“96.89%”）用 quantity(x).number 读出其中的数，再与数字比较".to_string(),
                        ),
                    );
                } else if ordered(&ta) && ordered(&tb) && !ta.accepts(&tb) {
                    self.sides_differ(op, (a.span, &ta), (b.span, &tb));
                } else if !ordered(&ta) || !ta.accepts(&tb) {
                    self.type_error(
                        span,
                        &ta,
                        &tb,
                        &format!("`{}` 只能比较同类的数字、日期或文字", op.symbol()),
                    );
                }
                Type::Bool
            }
            BinOp::Add if ta == Type::Text || tb == Type::Text => {
                if !Type::Text.accepts(&ta) || !Type::Text.accepts(&tb) {
                    self.type_error(span, &ta, &tb, "文字只能与文字相连");
                }
                Type::Text
            }
            BinOp::Sub if ta == Type::Date => {
                if !Type::Date.accepts(&tb) {
                    self.type_error(b.span, &Type::Date, &tb, "日期只能减日期（得到天数）");
                }
                Type::Decimal
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                if op == BinOp::Div
                    && matches!(&cb.kind, ExprIr::Const(Value::Num(n)) if n.is_zero())
                {
                    self.error_help(
                        Code::RulesDivisionByZero,
                        "除数是 0".into(),
                        b.span,
                        "除以 0",
                        Some("这个除法在任何材料上都无法计算：检查除数".into()),
                    );
                }
                for (t, e) in [(&ta, a), (&tb, b)] {
                    if !t.is_number() {
                        self.type_error(
                            e.span,
                            &Type::Decimal,
                            t,
                            &format!("`{}` 需要数字", op.symbol()),
                        );
                    }
                }
                Type::Decimal
            }
        };
        (
            Expr {
                kind: ExprIr::Binary(op, Box::new(ca), Box::new(cb)),
                span,
            },
            result,
        )
    }

    fn compile_record(
        &mut self,
        fields: &[(ast::Name, ast::Expr)],
        span: Span,
        scope: &mut Scope,
    ) -> Typed {
        let mut sorted: Vec<&(ast::Name, ast::Expr)> = fields.iter().collect();
        sorted.sort_by(|x, y| x.0.text.cmp(&y.0.text));
        let mut exprs = Vec::new();
        let mut types = Vec::new();
        for pair in &sorted {
            if types.iter().any(|f: &FieldType| f.name == pair.0.text) {
                self.error(
                    Code::RulesDuplicateField,
                    format!("字段 `{}` 重复", pair.0.text),
                    pair.0.span,
                    "重复的字段",
                );
            }
            let (c, t) = self.compile_expr(&pair.1, scope);
            exprs.push(c);
            types.push(FieldType {
                name: pair.0.text.clone(),
                ty: t,
                optional: false,
                one_of: None,
                label: None,
                table: None,
            });
        }
        // Literals with the same keys share one anonymous record type.
        let existing = self.schema.records.iter().position(|r| {
            r.name.starts_with('{')
                && r.fields.len() == types.len()
                && r.fields
                    .iter()
                    .zip(&types)
                    .all(|(a, b)| a.name == b.name && a.ty.accepts(&b.ty))
        });
        let id = existing.unwrap_or_else(|| {
            let names: Vec<&str> = types.iter().map(|f| f.name.as_str()).collect();
            self.schema.records.push(RecordType {
                name: format!("{{{}}}", names.join(", ")),
                fields: types,
                span,
            });
            self.schema.records.len() - 1
        });
        (
            Expr {
                kind: ExprIr::Record(exprs),
                span,
            },
            Type::Record(id),
        )
    }

    #[allow(clippy::too_many_arguments, reason = "one aggregate's parts")]
    fn compile_aggregate(
        &mut self,
        kind: AggKind,
        var: &ast::Name,
        list: &ast::Expr,
        filter: Option<&ast::Expr>,
        body: Option<&ast::Expr>,
        span: Span,
        scope: &mut Scope,
    ) -> Typed {
        let (cl, tl) = self.compile_expr(list, scope);
        let elem = match tl {
            Type::List(e) => *e,
            Type::Any => Type::Any,
            other => {
                let d = other.describe(&self.schema);
                // A parameter written as one text is most likely a list
                // typed the office way.
                let help = match (&list.kind, &other) {
                    (ast::ExprKind::Name(n), Type::Text) if self.params.contains_key(n) => {
                        self.list_of_words_hint(n)
                    }
                    _ => "单个记录可以用 collect(记录) 变成列表".to_string(),
                };
                self.error_help(
                    Code::RulesNotAList,
                    format!("只能对列表做聚合，这里是{d}"),
                    list.span,
                    "不是列表",
                    Some(help),
                );
                Type::Any
            }
        };
        let slot = self.new_slot();
        let depth = scope.depth();
        scope.locals.push((var.text.clone(), slot, elem));
        let named_before = scope.named.len();
        let filter =
            filter.map(|f| Box::new(self.expect(f, &Type::Bool, "where 的条件应为布尔值", scope)));
        let (body, body_ty) = match body {
            Some(b) => {
                let (c, t) = self.compile_expr(b, scope);
                (Some(Box::new(c)), t)
            }
            None => (None, Type::Any),
        };
        // Loop variables are not named values of the statement.
        scope.named.retain(|(_, s)| *s != slot);
        let _ = named_before;
        scope.truncate(depth);
        let ty = match kind {
            AggKind::Count => Type::Decimal,
            AggKind::Sum | AggKind::Min | AggKind::Max => {
                if !body_ty.is_number() {
                    let want = Type::Decimal;
                    self.type_error(span, &want, &body_ty, "sum/min/max 需要数字");
                }
                Type::Decimal
            }
            AggKind::All | AggKind::Any => {
                if !Type::Bool.accepts(&body_ty) {
                    self.type_error(span, &Type::Bool, &body_ty, "all/any 需要布尔值");
                }
                Type::Bool
            }
            AggKind::First => body_ty,
            AggKind::List => Type::List(Box::new(body_ty)),
        };
        (
            Expr {
                kind: ExprIr::Aggregate {
                    kind,
                    slot,
                    list: Box::new(cl),
                    filter,
                    body,
                },
                span,
            },
            ty,
        )
    }

    fn compile_call(
        &mut self,
        name: &ast::Name,
        args: &[ast::Expr],
        span: Span,
        scope: &mut Scope,
    ) -> Typed {
        if let Some(index) = self.signatures.iter().position(|(n, _, _)| *n == name.text) {
            if !scope.uses.contains(&name.text) {
                scope.uses.push(name.text.clone());
            }
            return self.compile_function_call(index, name, args, span, scope);
        }
        let Some((_, builtin)) = Builtin::ALL.iter().find(|(n, _)| *n == name.text) else {
            let names: Vec<String> = self.signatures.iter().map(|(n, _, _)| n.clone()).collect();
            let all = Builtin::ALL
                .iter()
                .map(|(n, _)| *n)
                .chain(names.iter().map(String::as_str));
            // Names other languages and spreadsheets give the same thing.
            const SYNONYMS: [(&str, &str); 8] = [
                (
                    "length",
                    "您是不是想写 `len`？len(x) 是文字的字数或列表的项数",
                ),
                (
                    "size",
                    "您是不是想写 `len`？len(x) 是文字的字数或列表的项数",
                ),
                (
                    "strlen",
                    "您是不是想写 `len`？len(x) 是文字的字数或列表的项数",
                ),
                ("countif", "按条件计数写成 count(r in 表 where 条件)"),
                ("sumif", "按条件求和写成 sum(r.栏 for r in 表 where 条件)"),
                ("iif", "条件取值写成 if 条件 then 值 else 值"),
                ("ifelse", "条件取值写成 if 条件 then 值 else 值"),
                (
                    "average",
                    "平均数写成 sum(…) / count(…)，或 sum(…) / len(列表)",
                ),
            ];
            let help = SYNONYMS
                .iter()
                .find(|(n, _)| *n == name.text.to_lowercase())
                .map(|(_, h)| (*h).to_string())
                .or_else(|| did_you_mean(&name.text, all))
                .or_else(|| {
                    Some(format!(
                        "可用的函数：{}；聚合 count、sum、min、max、any、all、first（如 count(r in 表 where 条件)）{}",
                        Builtin::ALL
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join("、"),
                        match names.is_empty() {
                            true => String::new(),
                            false => format!("；规则中定义的函数 {}", names.join("、")),
                        }
                    ))
                });
            let (message, label, help) = if self.defining.as_deref() == Some(name.text.as_str()) {
                (
                    format!("函数 `{}` 不能调用自己", name.text),
                    "调用自己",
                    Some(
                        "规则中的函数不能递归：重复的计算用 sum、count、any 等对列表逐项计算"
                            .to_string(),
                    ),
                )
            } else if let Some(caller) = self.calls_back(&name.text) {
                (
                    format!("函数 `{caller}` 与 `{}` 互相调用", name.text),
                    "互相调用",
                    Some(
                        "规则中的函数不能递归，调换定义的次序也解决不了：改写其中一个，使它不调用另一个"
                            .to_string(),
                    ),
                )
            } else if self.function_names.contains(&name.text) {
                (
                    format!("函数 `{}` 在后面才定义", name.text),
                    "后面才定义",
                    Some("函数只能调用在它之前定义的函数：把它的定义移到这里之前".to_string()),
                )
            } else {
                (format!("未知的函数 `{}`", name.text), "没有这个函数", help)
            };
            self.error_help(Code::RulesUnknownFunction, message, name.span, label, help);
            return (
                Expr {
                    kind: ExprIr::Const(Value::Absent),
                    span,
                },
                Type::Any,
            );
        };
        let compiled: Vec<Typed> = args.iter().map(|a| self.compile_expr(a, scope)).collect();
        let ty = self.check_call(*builtin, &name.text, &compiled, args, span);
        (
            Expr {
                kind: ExprIr::Call(*builtin, compiled.into_iter().map(|(e, _)| e).collect()),
                span,
            },
            ty,
        )
    }

    fn compile_function_call(
        &mut self,
        index: usize,
        name: &ast::Name,
        args: &[ast::Expr],
        span: Span,
        scope: &mut Scope,
    ) -> Typed {
        let (params, result) = match self.signatures.get(index) {
            Some((_, p, r)) => (p.clone(), r.clone()),
            None => (Vec::new(), Type::Any),
        };
        let result = self.arity(
            &name.text,
            args.len(),
            params.len(),
            params.len(),
            span,
            result,
        );
        let mut compiled = Vec::with_capacity(args.len());
        for (arg, want) in args
            .iter()
            .zip(params.iter().chain(std::iter::repeat(&Type::Any)))
        {
            compiled.push(self.expect(arg, want, &format!("{} 的参数类型不对", name.text), scope));
        }
        (
            Expr {
                kind: ExprIr::CallFunction(index, compiled),
                span,
            },
            result,
        )
    }

    /// Argument count and types of a built-in; its result type.
    fn check_call(
        &mut self,
        builtin: Builtin,
        name: &str,
        args: &[Typed],
        exprs: &[ast::Expr],
        span: Span,
    ) -> Type {
        let text_list = Type::List(Box::new(Type::Text));
        let number = Type::Decimal;
        let (params, result): (Vec<Type>, Type) = match builtin {
            Builtin::DaysBetween => (vec![Type::Date, Type::Date], number),
            Builtin::ContainsAny => (vec![Type::Text, text_list.clone()], Type::Bool),
            Builtin::StartsWith => (vec![Type::Text, Type::Text], Type::Bool),
            Builtin::Trim => (vec![Type::Text], Type::Text),
            Builtin::Split => (vec![Type::Text, text_list.clone()], text_list),
            Builtin::Round => (vec![number.clone(), number.clone()], number),
            Builtin::Quantity => (vec![Type::Text], Type::Record(self.quantity_record)),
            Builtin::Extract => (vec![Type::Text, Type::Text], number),
            Builtin::Keys => (
                vec![Type::Map(Box::new(Type::Any))],
                Type::List(Box::new(Type::Text)),
            ),
            Builtin::Abs => (vec![number.clone()], number),
            Builtin::Join => (
                vec![Type::List(Box::new(Type::Any)), Type::Text],
                Type::Text,
            ),
            Builtin::Text | Builtin::Present => (
                vec![Type::Any],
                if builtin == Builtin::Text {
                    Type::Text
                } else {
                    Type::Bool
                },
            ),
            Builtin::Len => {
                let ok = matches!(
                    args.first().map(|a| &a.1),
                    Some(Type::List(_) | Type::Text | Type::Any)
                );
                if !ok {
                    self.error(
                        Code::RulesTypeMismatch,
                        "类型不对：len 需要列表或文字".into(),
                        span,
                        "len 的参数",
                    );
                }
                return self.arity(name, args.len(), 1, 1, span, number);
            }
            Builtin::Contains => {
                let result = self.arity(name, args.len(), 2, 2, span, Type::Bool);
                if let (Some((_, a)), Some((_, b))) = (args.first(), args.get(1)) {
                    let ok = match a {
                        Type::Text => Type::Text.accepts(b),
                        Type::List(elem) => elem.accepts(b),
                        Type::Any => true,
                        _ => false,
                    };
                    if !ok {
                        self.type_error(span, a, b, "contains(文字, 文字) 或 contains(列表, 元素)");
                    }
                }
                return result;
            }
            Builtin::Default => {
                let ty = args.first().map_or(Type::Any, |a| a.1.clone());
                if let (Some((_, a)), Some((_, b))) = (args.first(), args.get(1)) {
                    if !a.accepts(b) {
                        self.type_error(span, a, b, "default 的两个参数类型应相同");
                    }
                }
                return self.arity(name, args.len(), 2, 2, span, ty);
            }
            Builtin::Collect => return self.check_collect(args, exprs, span),
            Builtin::Distinct => {
                let ty = args.first().map_or(Type::Any, |a| a.1.clone());
                if !matches!(ty, Type::List(_) | Type::Any) {
                    self.error(
                        Code::RulesTypeMismatch,
                        "类型不对：distinct 需要列表".into(),
                        span,
                        "distinct 的参数",
                    );
                }
                return self.arity(name, args.len(), 1, 1, span, ty);
            }
            Builtin::Min | Builtin::Max => {
                for ((_, t), e) in args.iter().zip(exprs) {
                    if !t.is_number() {
                        self.mismatch(e, &Type::Decimal, t, "min/max 需要数字");
                    }
                }
                return self.arity(name, args.len(), 1, usize::MAX, span, number);
            }
        };
        let result = self.arity(name, args.len(), params.len(), params.len(), span, result);
        for ((want, (_, got)), e) in params.iter().zip(args).zip(exprs) {
            if !want.accepts(got) {
                self.mismatch(e, want, got, &format!("{name} 的参数类型不对"));
            }
        }
        result
    }

    fn arity(
        &mut self,
        name: &str,
        got: usize,
        min: usize,
        max: usize,
        span: Span,
        result: Type,
    ) -> Type {
        if got < min || got > max {
            let want = if min == max {
                format!("{min}")
            } else {
                format!("至少 {min}")
            };
            self.error(
                Code::RulesArity,
                format!("`{name}` 需要 {want} 个参数，这里有 {got} 个"),
                span,
                "参数个数不对",
            );
        }
        result
    }

    fn check_collect(&mut self, args: &[Typed], exprs: &[ast::Expr], span: Span) -> Type {
        let mut elem = Type::Any;
        for ((_, t), e) in args.iter().zip(exprs) {
            let item = match t {
                Type::List(inner) => (**inner).clone(),
                other => other.clone(),
            };
            if !elem.accepts(&item) {
                self.type_error(e.span, &elem, &item, "collect 的各项应为同一类记录");
            } else if elem == Type::Any {
                elem = item;
            }
        }
        self.arity(
            "collect",
            args.len(),
            1,
            usize::MAX,
            span,
            Type::List(Box::new(elem)),
        )
    }
}

/// A record type as an author knows it: its name with the words the
/// forms give the first field holding it (`funds（年度资金总额）`,
/// `submission_info（报送情况）`); its name alone when no field names it.
fn record_named(
    schema: &crate::data::schema::Schema,
    id: crate::data::schema::RecordId,
    name: &str,
) -> String {
    let holds = |t: &Type| match t {
        Type::Record(r) => *r == id,
        Type::List(inner) => matches!(**inner, Type::Record(r) if r == id),
        _ => false,
    };
    let words = schema
        .records
        .iter()
        .flat_map(|r| r.fields.iter())
        .filter(|f| holds(&f.ty))
        .find_map(crate::data::schema::FieldType::words);
    // The words close with `）`; a bare name is set off by a space.
    match words {
        Some(w) => format!("`{name}`（{w}）"),
        None => format!("`{name}` "),
    }
}

/// `name（全年执行数）`: a field's key with its words, for help.
fn with_words(f: &crate::data::schema::FieldType) -> String {
    match f.words() {
        Some(words) => format!("{}（{words}）", f.name),
        None => f.name.clone(),
    }
}

/// A number as the rules write one: digits, and a decimal point between
/// digits (`12`, `0.01`); not `1_0`, `.5`, `+5` or `1e2`, which the text
/// of a quoted parameter may hold and a hint must not repeat.
fn is_plain_number(t: &str) -> bool {
    let t = t.strip_prefix('-').unwrap_or(t);
    let mut parts = t.split('.');
    let digits =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let whole = parts.next();
    match parts.next() {
        None => digits(whole),
        fraction => digits(whole) && digits(fraction) && parts.next().is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::is_plain_number;

    #[test]
    fn a_hint_repeats_only_numbers_the_rules_can_read() {
        for ok in ["12", "0.01", "-3", "100.5"] {
            assert!(is_plain_number(ok), "{ok}");
        }
        for bad in ["1_0", ".5", "5.", "+5", "1e2", "1.2.3", "", "-"] {
            assert!(!is_plain_number(bad), "{bad}");
        }
    }
}
