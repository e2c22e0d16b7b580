//! The static checker: parses every file of a rules folder, reports *all*
//! problems at once, and compiles what it checked into `ir::RuleSet`.
//! One file per concern: `schema` (records), `expr` (names and types),
//! `tree` (sections, criteria, points, tiers).

use crate::diag::Code;
mod checks;
mod expr;
mod functions;
mod lower;
mod places;
mod schema;
mod tree;

use crate::ast::{self, Item};
use crate::data::Value;
use crate::data::schema::{Schema, Type};
use crate::diag::Problem;
use crate::ir::{CheckIr, FunctionIr, LetIr, RuleSet};
use crate::source::{SourceFile, Span};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Check and compile the files of one rules folder.
pub fn compile(files: Vec<SourceFile>) -> Result<RuleSet, Vec<Problem>> {
    let mut checker = Checker {
        files,
        ..Checker::default()
    };
    let mut parsed = Vec::new();
    for (i, file) in checker.files.iter().enumerate() {
        let index = u16::try_from(i).unwrap_or(u16::MAX);
        match crate::syntax::parse_file(index, &file.text) {
            Ok(f) => parsed.push(f),
            Err(e) => checker.problems.push(parse_problem(file, index, &e)),
        }
    }
    if !checker.problems.is_empty() {
        return Err(checker.problems);
    }
    let items: Vec<Item> = parsed.into_iter().flat_map(|f| f.items).collect();
    let rules = checker.check_items(items);
    if checker.problems.is_empty() {
        rules.ok_or(checker.problems)
    } else {
        Err(checker.problems)
    }
}

/// A parse error as a diagnostic of its file.
pub fn parse_problem(file: &SourceFile, index: u16, e: &crate::syntax::ParseError) -> Problem {
    let span = miette::Diagnostic::labels(e)
        .and_then(|mut l| l.next())
        .map(|l| Span::new(index, l.offset()..l.offset() + l.len()))
        .unwrap_or_else(|| Span::new(index, 0..0));
    let help = miette::Diagnostic::help(e)
        .map(|h| h.to_string())
        .filter(|h| !h.is_empty());
    let code = match e {
        crate::syntax::ParseError::Syntax { .. } => Code::RulesSyntax,
        crate::syntax::ParseError::TooDeep { .. }
        | crate::syntax::ParseError::TooDeepToParse { .. }
        | crate::syntax::ParseError::TooManyOperators { .. } => Code::RulesTooDeep,
        crate::syntax::ParseError::TooLarge { .. } => Code::RulesTooLarge,
        crate::syntax::ParseError::BadLiteral { .. } => Code::RulesBadLiteral,
    };
    Problem::error(code, e.to_string(), file, span, "这里").with_help_opt(help)
}

/// State of a top-level `let` while the checker resolves dependencies.
#[derive(Debug)]
enum Global {
    Pending(ast::Binding),
    InProgress(Span),
    Done { slot: u32, ty: Type },
}

#[derive(Default)]
pub(crate) struct Checker {
    /// Every check's id, for `related to`.
    check_ids: Vec<String>,
    /// The functions of the folder, in order, and the one being compiled:
    /// a call to itself or to a later one is said as such.
    function_names: Vec<String>,
    defining: Option<String>,
    /// Names a body's `let`s define below the statement being compiled.
    lets_below: Vec<String>,
    /// Each `let` of the body being compiled, with its definition's text,
    /// and the one being compiled: a name used above its definition whose
    /// own definition uses this one is a cycle, not a slip of order.
    body_lets: Vec<(String, String)>,
    /// Each function of the folder with its body's text: a call to a later
    /// function that calls back is a cycle, not a slip of order.
    function_bodies: Vec<(String, String)>,
    /// Was a section found inside another for a moved brace? Then the
    /// sheet's total is not said to be wrong as well.
    stray_section: bool,
    defining_let: Option<String>,
    /// Parameters defined after the one being compiled.
    params_below: Vec<String>,
    files: Vec<SourceFile>,
    problems: Vec<Problem>,
    slot_count: u32,
    schema: Schema,
    params: HashMap<String, (Value, Type)>,
    globals: Vec<(String, Global)>,
    compiled_globals: Vec<LetIr>,
    /// Signatures of `fn`s compiled so far: name, parameter types, result.
    signatures: Vec<(String, Vec<Type>, Type)>,
    functions: Vec<FunctionIr>,
    definitions: Vec<crate::ir::Definition>,
    /// Top-level lets being compiled, outermost first: the chain a cycle
    /// report names.
    compiling: Vec<String>,
    /// The record type `quantity(text)` returns.
    quantity_record: usize,
}

impl Checker {
    /// A number written in quotes (`param tolerance = "0.02"`) is a text,
    /// and every rule that reads it as a number fails to check, each at
    /// its own use: 29 type errors, none at the slip. They are said once,
    /// at the parameter, with the uses counted.
    fn fold_quoted_numbers(&mut self) {
        let mut quoted: Vec<(&String, &str)> = self
            .params
            .iter()
            .filter_map(|(name, (value, _))| match value {
                Value::Text(t) if t.trim().parse::<rust_decimal::Decimal>().is_ok() => {
                    Some((name, &**t))
                }
                _ => None,
            })
            .collect();
        quoted.sort();
        let mut folded = Vec::new();
        for (name, text) in quoted {
            let Some(defined) = self.definitions.iter().find(|d| &d.name == name) else {
                continue;
            };
            let (uses, others): (Vec<Problem>, Vec<Problem>) = std::mem::take(&mut self.problems)
                .into_iter()
                .partition(|p| p.code == Code::RulesTypeMismatch && reads(p, name));
            self.problems = others;
            let Some(first) = uses.first() else {
                continue;
            };
            let file = self.file(defined.extent);
            let mut problem = Problem::error(
                Code::RulesTypeMismatch,
                format!(
                    "参数 `{name}` 的值 \"{text}\" 加了引号，是文字，而规则在 {} 处把它当作数字用",
                    uses.len()
                ),
                &file,
                defined.extent,
                "这里是文字",
            )
            .with_help(format!("数字不加引号：param {name} = {}", text.trim()));
            let mut use_site = first.clone();
            use_site.message = format!("例如这里把 `{name}` 当作数字用");
            use_site.help = None;
            use_site.related.clear();
            problem = problem.with_related(use_site);
            folded.push(problem);
        }
        self.problems.extend(folded);
    }

    fn file(&self, span: Span) -> SourceFile {
        self.files
            .get(usize::from(span.file))
            .cloned()
            .unwrap_or_else(|| SourceFile::new("?", ""))
    }

    /// The text a span covers, as its author wrote it.
    fn source_text(&self, span: Span) -> String {
        let file = self.file(span);
        file.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
            .to_string()
    }

    /// Each `let` of a body with its definition's text (`body_lets`).
    fn let_texts<'b>(&self, lets: impl Iterator<Item = &'b ast::Binding>) -> Vec<(String, String)> {
        lets.map(|b| (b.name.text.clone(), self.source_text(b.value.span)))
            .collect()
    }

    fn error(&mut self, code: Code, message: String, span: Span, label: &str) {
        self.error_help(code, message, span, label, None);
    }

    fn error_help(
        &mut self,
        code: Code,
        message: String,
        span: Span,
        label: &str,
        help: Option<String>,
    ) {
        let file = self.file(span);
        self.problems
            .push(Problem::error(code, message, &file, span, label).with_help_opt(help));
    }

    /// A second definition of what may be defined once, with the first
    /// beside it. In two files, the likely cause is a copy left in the
    /// folder (`sheet-old.jx`): every file of the folder is read.
    fn duplicate(
        &mut self,
        code: Code,
        message: String,
        span: Span,
        label: &str,
        first: Option<Span>,
    ) {
        let file = self.file(span);
        let mut problem = Problem::error(code, message, &file, span, label);
        if let Some(first) = first {
            let first_file = self.file(first);
            if first.file != span.file {
                problem = problem.with_help(format!(
                    "规则目录中的每个文件都会读取：{} 和 {} 都定义了它。备份或旧版本的规则文件请移出规则目录",
                    first_file.name, file.name
                ));
            }
            problem = problem.with_related(Problem::error(
                code,
                "第一次定义在这里",
                &first_file,
                first,
                "第一次定义",
            ));
        }
        self.problems.push(problem);
    }

    /// Where a parameter, top-level `let` or function is defined.
    fn defined_at(&self, name: &str) -> Option<Span> {
        let global = self
            .globals
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, g)| match g {
                Global::Pending(b) => Some(b.name.span),
                _ => None,
            });
        global.or_else(|| {
            self.definitions
                .iter()
                .find(|d| d.name == name)
                .map(|d| d.extent)
        })
    }

    fn new_slot(&mut self) -> u32 {
        self.slot_count += 1;
        self.slot_count - 1
    }

    fn check_items(&mut self, items: Vec<Item>) -> Option<RuleSet> {
        let mut sheets = Vec::new();
        let mut params = Vec::new();
        let mut lets = Vec::new();
        let mut nodes = Vec::new();
        let mut records = Vec::new();
        let mut roots = Vec::new();
        let mut functions = Vec::new();
        let mut checks = Vec::new();
        for item in items {
            match item {
                Item::Function(f) => functions.push(f),
                Item::Check(c) => checks.push(c),
                Item::Sheet(s) => sheets.push(s),
                Item::Param(p) => params.push(p),
                Item::Let(l) => lets.push(l),
                Item::Node(n) => nodes.push(n),
                Item::Record(r) => records.push(r),
                Item::Root(r) => roots.push(r),
            }
        }
        for extra in roots.iter().skip(1) {
            let first = roots.first().map(|r| r.name.span);
            self.duplicate(
                Code::RulesDuplicateRoot,
                "`root` 只能定义一次".into(),
                extra.name.span,
                "重复的 root",
                first,
            );
        }
        self.schema = self.check_schema(&records, roots.first());
        self.quantity_record = self.add_quantity_record();
        let header = self.check_sheet(&sheets);
        self.check_params(params);
        self.check_functions(&functions);
        lower::lower_functions(&mut self.functions);
        crate::eval::fallible::mark_functions(&mut self.functions);
        self.declare_globals(lets);
        for i in 0..self.globals.len() {
            self.compile_global(i);
        }
        // Criteria and checks both name checks (`related to`).
        self.check_ids = checks.iter().map(|c| c.id.text.clone()).collect();
        let tree = self.check_tree(&nodes);
        let compiled_checks: Vec<CheckIr> = self.check_checks(&checks);
        let reviews = self.check_reviews(&sheets);
        self.fold_quoted_numbers();
        let (title, year, total, round) = header?;
        self.check_total(&nodes, total, &sheets);
        Some(RuleSet {
            files: std::mem::take(&mut self.files),
            title,
            year,
            total,
            round,
            schema: std::mem::take(&mut self.schema),
            globals: std::mem::take(&mut self.compiled_globals),
            nodes: tree,
            functions: std::mem::take(&mut self.functions),
            checks: compiled_checks,
            definitions: std::mem::take(&mut self.definitions),
            slot_count: self.slot_count as usize,
            reviews,
            params: {
                let mut params: Vec<(String, Value, Type)> = self
                    .params
                    .iter()
                    .map(|(n, (v, t))| (n.clone(), v.clone(), t.clone()))
                    .collect();
                params.sort_by(|a, b| a.0.cmp(&b.0));
                params
            },
            params_read: crate::ir::ParamsRead::default(),
        })
    }

    /// `param grades`: the notice's grades, a list of `{ grade: "优秀", from: 90 }`.
    fn check_grades(&mut self, ty: &Type, span: Span) {
        let fits = match ty {
            Type::List(inner) => match inner.as_ref() {
                Type::Record(id) => self.schema.record(*id).is_some_and(|r| {
                    r.field("grade")
                        .and_then(|i| r.fields.get(i))
                        .is_some_and(|f| f.ty == Type::Text)
                        && r.field("from")
                            .and_then(|i| r.fields.get(i))
                            .is_some_and(|f| f.ty.is_number())
                }),
                _ => false,
            },
            _ => false,
        };
        if !fits {
            self.error_help(
                Code::RulesBadSetting,
                "`grades` 应为等次的列表，每项写明等次名称和起点分数".into(),
                span,
                "等次列表",
                Some("写成 param grades = [{ grade: \"优秀\", from: 90 }, { grade: \"良好\", from: 80 }]".into()),
            );
        }
    }

    /// `reviews { … }`: written once, each setting once.
    fn check_reviews(&mut self, sheets: &[ast::SheetDecl]) -> crate::ir::ReviewPolicy {
        let mut policy = crate::ir::ReviewPolicy::default();
        let Some(sheet) = sheets.first() else {
            return policy;
        };
        for extra in sheet.reviews.iter().skip(1) {
            self.error(
                Code::RulesDuplicateSetting,
                "`reviews { … }` 写了两次".into(),
                extra.span,
                "重复的 reviews",
            );
        }
        let Some(decl) = sheet.reviews.first() else {
            return policy;
        };
        let spans: Vec<(&str, Span)> = decl
            .combine
            .iter()
            .map(|(_, s)| ("combine", *s))
            .chain(decl.disagree.iter().map(|(_, s)| ("disagree above", *s)))
            .chain(
                decl.require_note
                    .iter()
                    .map(|s| ("require note below max", *s)),
            )
            .collect();
        for (i, (name, span)) in spans.iter().enumerate() {
            if spans.iter().take(i).any(|(n, _)| n == name) {
                self.error(
                    Code::RulesDuplicateSetting,
                    format!("`{name}` 写了两次"),
                    *span,
                    "重复的设置",
                );
            }
        }
        if let Some((method, span)) = decl.combine.first() {
            policy.combine_at = Some(*span);
            policy.combine = match method.as_str() {
                "median" => crate::ir::Combine::Median,
                "lowest" => crate::ir::Combine::Lowest,
                "highest" => crate::ir::Combine::Highest,
                _ => crate::ir::Combine::Mean,
            };
        }
        policy.disagree_above = decl.disagree.first().copied();
        policy.note_below_max = decl.require_note.first().copied();
        policy
    }

    fn check_sheet(&mut self, sheets: &[ast::SheetDecl]) -> Option<(String, i64, Decimal, u32)> {
        let Some(sheet) = sheets.first() else {
            self.problems.push(
                Problem::plain(
                    Code::RulesNoSheet,
                    "规则目录中没有 `sheet \"标题\" { year … total … round … }`",
                )
                .with_help("在一个规则文件开头写明评分表的标题、年度、总分和保留的小数位数"),
            );
            return None;
        };
        for extra in sheets.iter().skip(1) {
            self.duplicate(
                Code::RulesDuplicateSheet,
                "`sheet` 只能定义一次".into(),
                extra.span,
                "重复的 sheet",
                Some(sheet.span),
            );
        }
        for (i, (name, _)) in sheet.settings.iter().enumerate() {
            if sheet
                .settings
                .iter()
                .take(i)
                .any(|(n, _)| n.text == name.text)
            {
                self.error(
                    Code::RulesDuplicateSetting,
                    format!("`{}` 写了两次", name.text),
                    name.span,
                    "重复的设置",
                );
            }
        }
        let get = |name: &str| {
            sheet
                .settings
                .iter()
                .find(|(n, _)| n.text == name)
                .map(|(n, v)| (*v, n.span))
        };
        let year = get("year");
        let total = get("total");
        let round = get("round");
        let mut ok = true;
        for (name, value) in [("year", year), ("total", total), ("round", round)] {
            if value.is_none() {
                self.error_help(
                    Code::RulesMissingSetting,
                    format!("`sheet` 缺少 `{name}`"),
                    sheet.span,
                    "这里",
                    Some("写成 sheet \"标题\" { year 2022 total 100 round 2 }".into()),
                );
                ok = false;
            }
        }
        let year = year.and_then(|(v, span)| {
            let y = i64::try_from(v).ok().filter(|_| v.fract().is_zero());
            match y {
                None => self.error(
                    Code::RulesBadSetting,
                    "`year` 应为整数年份".into(),
                    span,
                    "年份",
                ),
                // `year 24` would be year 24: every template and date check
                // would then ask for “23年” headers and a deadline in 25.
                Some(y) if !(2000..=2099).contains(&y) => {
                    let hint = match y {
                        0..=99 => format!("年份写四位：写成 year {}", 2000 + y),
                        _ => "年份写四位，如 year 2024".to_string(),
                    };
                    self.error_help(
                        Code::RulesBadSetting,
                        format!("`year` 应为评价年度（2000 到 2099 年），写的是 {y}"),
                        span,
                        "年份",
                        Some(hint),
                    );
                    return None;
                }
                Some(_) => {}
            }
            y
        });
        let round = round.and_then(|(v, span)| {
            let r = u32::try_from(v)
                .ok()
                .filter(|r| *r <= 6 && v.fract().is_zero());
            if r.is_none() {
                self.error(
                    Code::RulesBadSetting,
                    "`round` 应为 0 到 6 的整数".into(),
                    span,
                    "小数位数",
                );
            }
            r
        });
        match (ok, year, total, round) {
            (true, Some(y), Some((t, _)), Some(r)) => Some((sheet.title.clone(), y, t, r)),
            _ => None,
        }
    }

    /// A parameter or top-level let named like a top-level field of the
    /// submission would hide that field from every rule.
    fn check_shadowing(&mut self, name: &ast::Name) {
        let shadows = self
            .schema
            .record(self.schema.root)
            .is_some_and(|r| r.field(&name.text).is_some());
        if shadows {
            self.error_help(
                Code::RulesShadowsField,
                format!("名称 `{}` 与报送材料的顶层字段同名", name.text),
                name.span,
                "会遮住材料中的同名字段",
                Some("换一个名称".into()),
            );
        }
    }

    fn check_params(&mut self, params: Vec<ast::Binding>) {
        self.params_below = params.iter().map(|p| p.name.text.clone()).collect();
        for param in params {
            if let Some(i) = self.params_below.iter().position(|n| *n == param.name.text) {
                self.params_below.remove(i);
            }
            self.check_shadowing(&param.name);
            if self.params.contains_key(&param.name.text) {
                let first = self.defined_at(&param.name.text);
                self.duplicate(
                    Code::RulesDuplicateName,
                    format!("参数 `{}` 重复定义", param.name.text),
                    param.name.span,
                    "重复的名称",
                    first,
                );
                continue;
            }
            let mut scope = expr::Scope::constants();
            let said = self.problems.len();
            let (compiled, ty) = self.compile_expr(&param.value, &mut scope);
            self.definitions.push(crate::ir::Definition {
                name: param.name.text.clone(),
                extent: param.name.span.to(param.value.span),
                uses: std::mem::take(&mut scope.uses),
            });
            if param.name.text == "grades" {
                self.check_grades(&ty, param.value.span);
            }
            match crate::eval::eval_const(&compiled, self.slot_count as usize) {
                Ok(value) => {
                    self.params.insert(param.name.text, (value, ty));
                }
                Err(problem) => {
                    // A slip already said while compiling it (`10 / 0`) is
                    // not said again as a failed evaluation.
                    if self.problems.len() == said {
                        let file = self.file(problem.span);
                        self.problems.push(problem.into_problem(&file, false));
                    }
                    // Known, so that its uses are not said to be unknown.
                    self.params.insert(param.name.text, (Value::Absent, ty));
                }
            }
        }
        self.params_below.clear();
    }

    fn declare_globals(&mut self, lets: Vec<ast::Binding>) {
        for binding in lets {
            self.check_shadowing(&binding.name);
            let name = binding.name.text.clone();
            if self.params.contains_key(&name) || self.globals.iter().any(|(n, _)| *n == name) {
                let first = self.defined_at(&name);
                self.duplicate(
                    Code::RulesDuplicateName,
                    format!("名称 `{name}` 重复定义"),
                    binding.name.span,
                    "重复的名称",
                    first,
                );
                continue;
            }
            self.globals.push((name, Global::Pending(binding)));
        }
    }

    /// Compile a top-level `let` after those it uses; report cycles.
    fn compile_global(&mut self, index: usize) -> Type {
        let Some((name, state)) = self.globals.get_mut(index) else {
            return Type::Any;
        };
        let name = name.clone();
        let binding = match std::mem::replace(state, Global::InProgress(Span::default())) {
            Global::Pending(b) => b,
            Global::Done { slot, ty } => {
                *state = Global::Done {
                    slot,
                    ty: ty.clone(),
                };
                return ty;
            }
            Global::InProgress(span) => {
                *state = Global::InProgress(span);
                let from = self.compiling.iter().position(|n| *n == name).unwrap_or(0);
                let mut chain: Vec<String> = self.compiling.get(from..).unwrap_or(&[]).to_vec();
                chain.push(name.clone());
                self.error_help(
                    Code::RulesCycle,
                    format!(
                        "`{name}` 的定义直接或间接引用了它自己：{}",
                        chain.join(" → ")
                    ),
                    span,
                    "循环引用",
                    Some("规则中不允许循环定义：把其中一个值改为不依赖另一个".into()),
                );
                return Type::Any;
            }
        };
        if let Some((_, state)) = self.globals.get_mut(index) {
            *state = Global::InProgress(binding.name.span);
        }
        let mut scope = expr::Scope::submission();
        self.compiling.push(name.clone());
        let (compiled, ty) = self.compile_expr(&binding.value, &mut scope);
        self.compiling.pop();
        self.definitions.push(crate::ir::Definition {
            name: name.clone(),
            extent: binding.name.span.to(binding.value.span),
            uses: std::mem::take(&mut scope.uses),
        });
        let slot = self.new_slot();
        self.compiled_globals.push(LetIr {
            name: name.clone(),
            slot,
            expr: compiled,
            keeps_places: true,
        });
        if let Some((_, state)) = self.globals.get_mut(index) {
            *state = Global::Done {
                slot,
                ty: ty.clone(),
            };
        }
        ty
    }
}

/// Does one of the problem's labels cover a use of `name` (as a whole
/// word)?
fn reads(problem: &Problem, name: &str) -> bool {
    let Some(source) = &problem.source else {
        return false;
    };
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    problem.labels.iter().any(|(span, _)| {
        let text = source
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("");
        text.match_indices(name).any(|(i, _)| {
            let before = text.get(..i).and_then(|b| b.chars().next_back());
            let after = text.get(i + name.len()..).and_then(|a| a.chars().next());
            !before.is_some_and(word) && !after.is_some_and(word)
        })
    })
}
