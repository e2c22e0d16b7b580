//! The tree of sections and criteria: ids, points that add up, criteria
//! bodies with one scoring method each, caps and tier bands within the
//! criterion's points.

use super::Checker;
use super::expr::Scope;
use crate::ast::{self, Body, Node, NodeKind, Statement};
use crate::data::schema::Type;
use crate::diag::Code;
use crate::diag::Problem;
use crate::ir::{
    AwardIr, Class, CriterionIr, DeductIr, HintIr, JudgeIr, LetIr, Method, NodeIr, NodeIrKind,
    Piece, Plan, Template, TierIr, ZeroIr,
};
use crate::source::Span;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The most points a node may carry. Far above any real sheet; it keeps
/// every sum of points and scores within the decimal range.
pub const MAX_POINTS: u32 = 1_000_000;

impl Checker {
    pub(super) fn check_tree(&mut self, nodes: &[Node]) -> Vec<NodeIr> {
        let mut seen: HashMap<String, Span> = HashMap::new();
        nodes
            .iter()
            .map(|n| self.check_node(n, &mut seen))
            .collect()
    }

    /// The top-level points add up to the sheet's total.
    pub(super) fn check_total(
        &mut self,
        nodes: &[Node],
        total: Decimal,
        sheets: &[ast::SheetDecl],
    ) {
        let sum = sum_points(nodes);
        if sum != total && !self.stray_section {
            // Point at `total N` itself, not the whole header.
            let span = sheets.first().map_or(Span::default(), |s| {
                s.settings
                    .iter()
                    .find(|(n, _)| n.text == "total")
                    .map_or(s.span, |(n, _)| n.span)
            });
            let file = self.file(span);
            let mut problem = Problem::error(
                Code::RulesPointsSum,
                format!("各部分分值合计 {sum}，与总分 {total} 不符"),
                &file,
                span,
                format!("总分 {total}"),
            )
            .with_help("调整各部分的 max，或改正 sheet 的 total");
            for n in nodes {
                let f = self.file(n.max_span);
                problem = problem.with_related(Problem::error(
                    Code::RulesPointsSum,
                    format!("`{}`", n.id.text),
                    &f,
                    n.max_span,
                    format!("{} 分，计入合计", n.max),
                ));
            }
            self.problems.push(problem);
        }
    }

    fn check_node(&mut self, node: &Node, seen: &mut HashMap<String, Span>) -> NodeIr {
        if let Some(first) = seen.get(&node.id.text).copied() {
            let file = self.file(node.id.span);
            let first_file = self.file(first);
            self.problems.push(
                Problem::error(
                    Code::RulesDuplicateId,
                    format!("编号 `{}` 重复", node.id.text),
                    &file,
                    node.id.span,
                    "重复的编号",
                )
                .with_help("每个评分项的编号必须唯一：评审表和输出用它指认评分项")
                .with_related(Problem::error(
                    Code::RulesDuplicateId,
                    "第一次定义在这里",
                    &first_file,
                    first,
                    "第一次定义",
                )),
            );
        } else {
            seen.insert(node.id.text.clone(), node.id.span);
        }
        if node.max < Decimal::ZERO {
            self.error(
                Code::RulesNegativePoints,
                "分值不能为负".into(),
                node.max_span,
                "负的分值",
            );
        }
        if node.max > Decimal::from(MAX_POINTS) {
            self.error_help(
                Code::RulesPointsTooLarge,
                format!("分值 {} 过大", node.max),
                node.max_span,
                "分值过大",
                Some(format!("分值不能超过 {MAX_POINTS}")),
            );
        }
        let related = self.check_related(&node.related);
        let mut uses = Vec::new();
        let kind = match &node.kind {
            NodeKind::Section(children) => {
                let sum = sum_points(children);
                if children.is_empty() {
                    self.error(
                        Code::RulesEmptySection,
                        format!("`{}` 下没有评分项", node.id.text),
                        node.span,
                        "空的部分",
                    );
                } else if sum != node.max {
                    // Named by the sheet's titles, as the author thinks of
                    // them; the ids after, for finding the lines.
                    let list = children
                        .iter()
                        .map(|c| format!("{}（{}）{}", c.title, c.id.text, c.max))
                        .collect::<Vec<_>>()
                        .join(" + ");
                    // A part written as far left as this one, yet inside
                    // it: a `}` is missing above it, and no max is wrong.
                    let column = |span: crate::source::Span| {
                        let file = self.file(span);
                        let before = file.text.get(..span.start as usize).unwrap_or("");
                        before.len() - before.rfind('\n').map_or(0, |i| i + 1)
                    };
                    let stray = children
                        .iter()
                        .find(|c| column(c.span) <= column(node.span))
                        .map(|c| (c.title.clone(), c.id.text.clone()));
                    self.stray_section |= stray.is_some();
                    let help = match stray {
                        Some((title, id)) => format!(
                            "“{title}”（{id}）与这一节写在同一缩进，却落在了这一节之内：多半是它上面少了一个 }}。先补上括号，不要改 max"
                        ),
                        None => format!(
                            "下级：{list}。改这里的 max {}，或改下级的 max，使两者相等",
                            node.max
                        ),
                    };
                    self.error_help(
                        Code::RulesPointsSum,
                        format!(
                            "“{}”（{}）的分值 {} 与下级合计 {sum} 不符",
                            node.title, node.id.text, node.max
                        ),
                        node.max_span,
                        &format!("下级合计 {sum}"),
                        Some(help),
                    );
                }
                NodeIrKind::Section(children.iter().map(|c| self.check_node(c, seen)).collect())
            }
            NodeKind::Criterion(body) => {
                let mut scope = Scope::submission();
                let plan = self.check_body(body, node.max, &mut scope);
                uses = std::mem::take(&mut scope.uses);
                let class = match classify(&plan) {
                    (false, _) => Class::Auto,
                    (true, true) => Class::Judged,
                    (true, false) => Class::Mixed,
                };
                NodeIrKind::Criterion(Box::new(CriterionIr { class, plan }))
            }
        };
        NodeIr {
            id: node.id.text.clone(),
            title: node.title.clone(),
            max: node.max,
            says: node.says.clone(),
            related,
            span: node.span,
            extent: node.extent,
            uses,
            kind,
        }
    }

    fn check_body(&mut self, body: &Body, max: Decimal, scope: &mut Scope) -> Plan {
        let depth = scope.depth();
        let mut lets = Vec::new();
        let mut hints = Vec::new();
        let mut zeros = Vec::new();
        let mut full = None;
        let mut deducts = Vec::new();
        let mut methods: Vec<(Method, Span)> = Vec::new();
        let outer_below = std::mem::take(&mut self.lets_below);
        let outer_lets = std::mem::take(&mut self.body_lets);
        self.body_lets = self.let_texts(body.statements.iter().filter_map(|s| match s {
            Statement::Let(b) => Some(b),
            _ => None,
        }));
        self.lets_below = body
            .statements
            .iter()
            .filter_map(|s| match s {
                Statement::Let(b) => Some(b.name.text.clone()),
                _ => None,
            })
            .collect();
        for statement in &body.statements {
            if let Statement::Let(binding) = statement
                && let Some(i) = self.lets_below.iter().position(|n| *n == binding.name.text)
            {
                self.lets_below.remove(i);
            }
            match statement {
                Statement::Let(binding) => {
                    if scope.is_bound(&binding.name.text) {
                        self.error_help(
                            Code::RulesDuplicateName,
                            format!("名称 `{}` 在这里已经定义过", binding.name.text),
                            binding.name.span,
                            "重复的名称",
                            Some("换一个名称，以免混淆".into()),
                        );
                    }
                    self.defining_let = Some(binding.name.text.clone());
                    let (expr, ty) = self.compile_expr(&binding.value, scope);
                    self.defining_let = None;
                    let slot = self.new_slot();
                    scope.bind(&binding.name.text, slot, ty);
                    lets.push(LetIr {
                        name: binding.name.text.clone(),
                        slot,
                        expr,
                        keeps_places: true,
                    });
                }
                Statement::Hint {
                    label,
                    value,
                    span,
                    long,
                } => {
                    let (expr, _) = self.compile_expr(value, scope);
                    hints.push(HintIr {
                        label: label.clone(),
                        long: *long,
                        expr,
                        span: *span,
                    });
                }
                Statement::Full { because, span } => {
                    if full.is_some() {
                        self.error(
                            Code::RulesDuplicateSetting,
                            "`full because` 写了两次".into(),
                            *span,
                            "重复的满分说明",
                        );
                    }
                    let because = self.check_template(because, scope);
                    full = Some(crate::ir::FullIr {
                        because,
                        span: *span,
                    });
                }
                Statement::Zero {
                    when,
                    because,
                    span,
                } => {
                    scope.named.clear();
                    let when = self.expect(when, &Type::Bool, "zero when 的条件应为布尔值", scope);
                    let because = self.check_template(because, scope);
                    zeros.push(ZeroIr {
                        when,
                        because,
                        span: *span,
                        values: std::mem::take(&mut scope.named),
                    });
                }
                Statement::Deduct(d) => deducts.push(self.check_deduct(d, max, scope)),
                Statement::Award {
                    value,
                    because,
                    span,
                    at,
                } => {
                    scope.named.clear();
                    let value = self.expect(value, &Type::Decimal, "award 的分数应为数字", scope);
                    if let crate::ir::ExprIr::Const(crate::data::Value::Num(n)) = &value.kind {
                        if *n < Decimal::ZERO || *n > max {
                            self.error_help(
                                Code::RulesAwardOutOfRange,
                                format!("award {n} 超出本项 0–{max}"),
                                value.span,
                                "超出本项分值",
                                Some(format!("award 的分数应在 0 到 {max} 之间")),
                            );
                        }
                    }
                    let because = self.check_template(because, scope);
                    let values = std::mem::take(&mut scope.named);
                    let at = self.compile_at(at, scope);
                    let award = AwardIr {
                        value,
                        because,
                        span: *span,
                        values,
                        at,
                    };
                    methods.push((Method::Award(award), *span));
                }
                Statement::Judge(judge) => {
                    let judge = self.check_judge(judge, max);
                    let span = judge.span;
                    methods.push((Method::Judge(judge), span));
                }
                Statement::Cases {
                    cases,
                    otherwise,
                    span,
                } => {
                    let mut compiled = Vec::new();
                    for (cond, case_body) in cases {
                        let cond = self.expect(cond, &Type::Bool, "when 的条件应为布尔值", scope);
                        compiled.push((cond, self.check_body(case_body, max, scope)));
                    }
                    let otherwise = self.check_body(otherwise, max, scope);
                    methods.push((Method::Cases(compiled, Box::new(otherwise)), *span));
                }
            }
        }
        scope.truncate(depth);
        self.lets_below = outer_below;
        self.body_lets = outer_lets;
        if !deducts.is_empty() {
            let span = deducts.first().map_or(body.span, |d: &DeductIr| d.span);
            methods.insert(0, (Method::Deduct(deducts), span));
        }
        let mut methods = methods.into_iter();
        let mut first_span = body.span;
        let method = match methods.next() {
            Some((m, span)) => {
                first_span = span;
                m
            }
            None => {
                self.error_help(
                    Code::RulesNoMethod,
                    "这里没有计分方式".into(),
                    body.span,
                    "缺少 deduct、award、judge 或 when … otherwise",
                    Some("每个评分项（以及 when 的每个分支）需要且只需要一种计分方式".into()),
                );
                Method::Award(AwardIr {
                    value: crate::ir::Expr {
                        kind: crate::ir::ExprIr::Const(crate::data::Value::Num(Decimal::ZERO)),
                        span: body.span,
                    },
                    because: Template::default(),
                    span: body.span,
                    values: Vec::new(),
                    at: Vec::new(),
                })
            }
        };
        for (_, span) in methods {
            let file = self.file(span);
            self.problems.push(
                Problem::error(Code::RulesTwoMethods, "一个评分项只能有一种计分方式", &file, span, "第二种计分方式")
                    .with_help("deduct（可多条）、award、judge、when … otherwise 只能选其一；分情况计分请用 when … otherwise")
                    .with_related(Problem::error(Code::RulesTwoMethods, "第一种计分方式", &file, first_span, "")),
            );
        }
        Plan {
            lets,
            hints,
            zeros,
            full,
            method,
        }
    }

    fn check_deduct(&mut self, d: &ast::Deduct, max: Decimal, scope: &mut Scope) -> DeductIr {
        scope.named.clear();
        let per = d
            .per
            .as_ref()
            .map(|p| self.expect(p, &Type::Decimal, "per 后应为数量（数字）", scope));
        let when = d
            .when
            .as_ref()
            .map(|w| self.expect(w, &Type::Bool, "when 的条件应为布尔值", scope));
        let because = self.check_template(&d.because, scope);
        if let Some((cap, span)) = d.cap {
            if cap > max {
                self.error_help(
                    Code::RulesCapAboveMax,
                    format!("扣分上限 {cap} 超过本项分值 {max}"),
                    span,
                    "上限过高",
                    Some(format!("cap 不能超过 {max}")),
                );
            }
        } else if d.per.is_none() && d.points > max {
            self.error(
                Code::RulesCapAboveMax,
                format!("扣分 {} 超过本项分值 {max}", d.points),
                d.span,
                "扣分过多",
            );
        }
        // `deduct 12 per late` in a criterion of 10: the first time already
        // takes more than there is (a slip for 1 or 2).
        let limit = d
            .cap
            .map_or((max, "本项分值"), |(cap, _)| (cap.min(max), "扣分上限"));
        if d.per.is_some() && d.points > limit.0 {
            self.error_help(
                Code::RulesCapAboveMax,
                format!("每次扣分 {} 超过{} {}", d.points, limit.1, limit.0),
                d.span,
                "扣一次就超过了",
                Some(format!(
                    "per 前写每次扣的分（如 deduct 1 per late cap {max}），不大于 {}",
                    limit.0
                )),
            );
        }
        if d.points <= Decimal::ZERO {
            self.error(
                Code::RulesNegativePoints,
                "每次扣分应为正数".into(),
                d.span,
                "扣分应大于 0",
            );
        }
        let values = std::mem::take(&mut scope.named);
        let at = self.compile_at(&d.at, scope);
        DeductIr {
            points: d.points,
            per,
            when,
            cap: d.cap.map(|(c, _)| c),
            because,
            span: d.span,
            values,
            at,
        }
    }

    /// `at e, …` of a statement: any values; their places are reported.
    fn compile_at(&mut self, at: &[ast::Expr], scope: &mut Scope) -> Vec<crate::ir::Expr> {
        let compiled = at.iter().map(|e| self.compile_expr(e, scope).0).collect();
        // Names in `at` only point at places; they are not the statement's values.
        scope.named.clear();
        compiled
    }

    fn check_judge(&mut self, judge: &ast::Judge, max: Decimal) -> JudgeIr {
        let mut tiers: Vec<TierIr> = Vec::new();
        for tier in &judge.tiers {
            if tier.low > tier.high || tier.low < Decimal::ZERO || tier.high > max {
                self.error_help(
                    Code::RulesBandOutOfRange,
                    if tier.low == tier.high {
                        format!("分数 {} 不在 0–{max} 之内", tier.low)
                    } else {
                        format!(
                            "分数段 {}–{} 不在 0–{max} 之内或上下颠倒",
                            tier.low, tier.high
                        )
                    },
                    tier.span,
                    "分数段有误",
                    Some(format!("写成 低 to 高，且在 0 到 {max} 之间")),
                );
            }
            if let Some(other) = tiers.iter().find(|t| t.name == tier.name) {
                let span = other.span;
                self.error(
                    Code::RulesDuplicateTier,
                    format!("档次 `{}` 重复", tier.name),
                    tier.span,
                    "重复的档次",
                );
                let _ = span;
            }
            if !tier.free {
                if let Some(other) = tiers
                    .iter()
                    .find(|t| !t.free && t.low <= tier.high && tier.low <= t.high)
                {
                    let (name, other_span) = (other.name.clone(), other.span);
                    let file = self.file(tier.span);
                    let other_file = self.file(other_span);
                    self.problems.push(
                        Problem::error(
                            Code::RulesTierOverlap,
                            format!("档次 `{}` 与 `{name}` 的分数段重叠", tier.name),
                            &file,
                            tier.span,
                            "重叠的分数段",
                        )
                        .with_help(
                            "各档次的分数段不能重叠；与其他档次重叠的兜底档次（如“其他”）请加 free",
                        )
                        .with_related(Problem::error(
                            Code::RulesTierOverlap,
                            format!("`{name}` 在这里"),
                            &other_file,
                            other_span,
                            "",
                        )),
                    );
                }
            }
            tiers.push(TierIr {
                name: tier.name.clone(),
                low: tier.low,
                high: tier.high,
                free: tier.free,
                span: tier.span,
            });
        }
        JudgeIr {
            tiers,
            span: judge.span,
        }
    }

    /// `"迟报 {late} 天"`: each hole is an expression, compiled in the
    /// statement's scope. Positions come from the raw literal in the file, so
    /// labels land on the hole even after escapes.
    pub(super) fn check_template(&mut self, message: &ast::Message, scope: &mut Scope) -> Template {
        let file = self.file(message.span);
        let start = message.span.start as usize + 1;
        let end = (message.span.end as usize).saturating_sub(1).max(start);
        let raw = file.text.get(start..end).unwrap_or("").to_string();
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = raw.char_indices();
        let mut full_width_open = false;
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => text.push('\n'),
                    Some((_, 't')) => text.push('\t'),
                    Some((_, other)) => text.push(other),
                    None => {}
                },
                '{' => {
                    let hole_start = at + 1;
                    let close = raw.get(hole_start..).and_then(|rest| rest.find('}'));
                    let brace = Span::new(message.span.file, start + at..start + at + 1);
                    let Some(len) = close else {
                        self.unclosed_brace(brace, "要写字面的花括号请用 \\{".into());
                        break;
                    };
                    let hole = raw.get(hole_start..hole_start + len).unwrap_or("");
                    if let Some(inner) = hole.find('{') {
                        // `{deadline，迟报 {late}`: this brace is not
                        // closed; the next one opens the following hole.
                        let name: String = hole
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
                            .collect();
                        let help = match name.is_empty() {
                            true => "给 `{` 补上配对的 `}`；要写字面的花括号请用 \\{".to_string(),
                            false => format!("在 `{name}` 后补上 `}}`，写成 {{{name}}}"),
                        };
                        self.unclosed_brace(brace, help);
                        // On from the next brace.
                        for _ in 0..hole.get(..inner).unwrap_or("").chars().count() {
                            chars.next();
                        }
                        continue;
                    }
                    // Skip the hole's characters and its closing brace.
                    for _ in 0..hole.chars().count() + 1 {
                        chars.next();
                    }
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    if let Some(piece) =
                        self.check_hole(message.span.file, start + hole_start, hole, scope)
                    {
                        pieces.push(piece);
                    }
                }
                // `迟报 ｛late｝ 天` would reach the unit's notice as
                // written: a full-width brace typed for a hole.
                '｛' | '｝' => {
                    text.push(c);
                    // One error for `｛late｝`, at its opening brace.
                    let pair_closed = c == '｝' && std::mem::take(&mut full_width_open);
                    full_width_open = c == '｛';
                    if pair_closed {
                        continue;
                    }
                    let brace = Span::new(message.span.file, start + at..start + at + c.len_utf8());
                    let name: String = raw
                        .get(at + c.len_utf8()..)
                        .unwrap_or("")
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
                        .collect();
                    let example = match (c, name.is_empty()) {
                        ('｛', false) => format!("，写成 {{{name}}}"),
                        _ => String::new(),
                    };
                    self.error_help(
                        Code::RulesBadTemplate,
                        format!("说明中的 `{c}` 是全角花括号，不会换成数值"),
                        brace,
                        "全角花括号",
                        Some(format!("切换到英文输入法，改成半角的 {{ }}{example}")),
                    );
                }
                other => text.push(other),
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Template { pieces }
    }

    fn unclosed_brace(&mut self, brace: Span, help: String) {
        self.error_help(
            Code::RulesBadTemplate,
            "说明中的 `{` 没有配对的 `}`".into(),
            brace,
            "未闭合",
            Some(help),
        );
    }

    fn check_hole(
        &mut self,
        file: u16,
        offset: usize,
        hole: &str,
        scope: &mut Scope,
    ) -> Option<Piece> {
        match crate::syntax::parse_hole(file, offset, hole) {
            Ok(expr) => {
                let (compiled, _) = self.compile_expr(&expr, scope);
                Some(match compiled.kind {
                    crate::ir::ExprIr::Const(v) => Piece::Text(v.to_string()),
                    _ => Piece::Value(compiled),
                })
            }
            Err(e) => {
                let span = Span::new(file, offset..offset + hole.len());
                self.error_help(
                    Code::RulesBadTemplate,
                    format!("说明中的 `{{{hole}}}` 不是表达式：{e}"),
                    span,
                    "无法解析",
                    Some("花括号中写名称或表达式，如 {late}；要写字面的花括号请用 \\{".into()),
                );
                None
            }
        }
    }
}

/// The sum of nodes' points; a sum beyond the decimal range (only from
/// points that are reported as too large anyway) stops at the maximum.
fn sum_points(nodes: &[Node]) -> Decimal {
    nodes.iter().fold(Decimal::ZERO, |acc, n| {
        acc.checked_add(n.max).unwrap_or(Decimal::MAX)
    })
}

/// (has a judgment anywhere, the top method is a judgment)
fn classify(plan: &Plan) -> (bool, bool) {
    match &plan.method {
        Method::Judge(_) => (true, true),
        Method::Cases(cases, otherwise) => {
            let any = cases.iter().any(|(_, p)| classify(p).0) || classify(otherwise).0;
            (any, false)
        }
        Method::Deduct(_) | Method::Award(_) => (false, false),
    }
}
