//! Scoring: run a compiled rule set over a loaded submission and build the
//! outcome tree. Judgments from `[review]` are applied in `review`.

use crate::diag::Code;
mod builtins;
mod checks;
pub use checks::{OUT_OF_RANGE, UNDEFINED_RATIO};
/// Submission places a named value keeps for its explanation.
pub use expr::MAX_PLACES_PER_SLOT as MAX_PLACES_KEPT;
pub use outcome::REVIEWERS_DISAGREE;
mod expr;
pub(crate) mod fallible;
mod index;
pub mod outcome;
pub mod quantity;
mod review;
mod typed;
pub(crate) use review::gives_reason;
mod values;

use crate::data::{Judgment, PlaceId, Submission, Value};
use crate::diag::Problem;
use crate::ir::{
    Class, CriterionIr, JudgeIr, Method, NodeIr, NodeIrKind, Piece, Plan, RuleSet, Template,
};
use crate::source::{SourceFile, Span};
use expr::Env;
use outcome::{Basis, Deduction, DeductionKind, Finding, NodeOutcome, Outcome, Status};
use rust_decimal::Decimal;
use values::round;

/// A failure while evaluating a rule (division by zero, overflow). Boxed,
/// so that every `Result` the interpreter returns stays small.
#[derive(Debug)]
pub struct EvalError(Box<EvalErrorData>);

/// What an `EvalError` says.
#[derive(Debug)]
pub struct EvalErrorData {
    /// Stable code.
    pub code: Code,
    /// What went wrong.
    pub message: String,
    /// The innermost expression that failed.
    pub span: Span,
    /// Submission places the failing operand was read from (the zero
    /// divisor's cell).
    pub places: Vec<crate::data::PlaceId>,
    spanned: bool,
}

impl std::ops::Deref for EvalError {
    type Target = EvalErrorData;
    fn deref(&self) -> &EvalErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for EvalError {
    fn deref_mut(&mut self) -> &mut EvalErrorData {
        &mut self.0
    }
}

impl EvalError {
    fn new(code: Code, message: impl Into<String>) -> Self {
        EvalError(Box::new(EvalErrorData {
            code,
            message: message.into(),
            span: Span::default(),
            places: Vec::new(),
            spanned: false,
        }))
    }

    fn overflow() -> Self {
        EvalError::new(Code::RulesOverflow, "计算结果超出可精确表示的范围")
    }

    pub(crate) fn division_by_zero(numerator: Decimal) -> Self {
        EvalError::new(
            Code::RulesDivisionByZero,
            format!("除数为 0（被除数 {}）", numerator.normalize()),
        )
    }

    /// Stamp the innermost span onto an error that has none.
    fn at(mut self, span: Span) -> Self {
        if !self.spanned {
            self.span = span;
            self.spanned = true;
        }
        self
    }

    /// As a diagnostic in the rule file.
    /// `scoring`: the rule was evaluated on a package (not a parameter
    /// when the rules are checked), whose numbers an overflow comes from.
    pub fn into_problem(self, file: &SourceFile, scoring: bool) -> Problem {
        let e = *self.0;
        // An overflow while scoring comes from the package's numbers, not
        // the rule: a sum or product of what it reads is past 28 digits.
        let help = match e.code {
            Code::RulesOverflow if scoring => {
                "这条规则读到的数过大（或除数过小），计算结果超出了 28 位有效数字：检查这份材料中这条规则用到的数（金额、分值、执行率）是否填错，例如多写了位数"
            }
            // A parameter is worked out when the rules are checked, from
            // the rules alone: no package is in it.
            Code::RulesDivisionByZero if !scoring => {
                "参数在检查规则时算出，与材料无关：改写这个参数的定义，使除数不为 0"
            }
            _ => "检查这条规则在这份材料上的取值；需要时用 if … then … else 排除特殊情况",
        };
        // A named value's span runs to the next statement: the line breaks
        // and indentation before it are no part of what failed, and would
        // draw the label down to the next line.
        let written = file
            .text
            .get(e.span.start as usize..e.span.end as usize)
            .map_or(0, |t| t.trim_end().len());
        let span = match u32::try_from(written) {
            Ok(n) if n > 0 => Span {
                end: e.span.start + n,
                ..e.span
            },
            _ => e.span,
        };
        Problem::error(
            e.code,
            format!("规则计算出错：{}", e.message),
            file,
            span,
            "在这里",
        )
        .with_help(help)
    }
}

/// A typed node's value from its constant operands (`check::lower`).
pub(crate) fn fold_typed(
    code: &crate::ir::typed::TypedFn,
    r: crate::ir::typed::Ref,
) -> Option<Value> {
    typed::fold(code, r)
}

pub(crate) use builtins::first_bytes;

/// Evaluate a parameter's definition (no submission in scope).
/// `slot_count`: the slots allocated so far (loop variables of aggregates
/// in the definition need theirs).
pub fn eval_const(expr: &crate::ir::Expr, slot_count: usize) -> Result<Value, EvalError> {
    let root = Value::Absent;
    let mut env = Env::new(&root, &[], &[], slot_count);
    let mut touched = Vec::new();
    env.eval(expr, &mut touched)
}

/// Score one submission. Problems are rule failures or review errors.
pub fn score(rules: &RuleSet, submission: &Submission) -> Result<Outcome, Vec<Problem>> {
    score_with(rules, submission, Detail::Hints)
}

/// Score one submission for a summary table that lists findings and lost
/// points (XLSX): as `score`, but without the hints, which never change a
/// score and which no summary shows. The scores, statuses, findings and
/// lost points are `score`'s.
pub fn score_for_summary(
    rules: &RuleSet,
    submission: &Submission,
) -> Result<Outcome, Vec<Problem>> {
    score_with(rules, submission, Detail::Scores)
}

/// Score one submission for a summary table that counts findings (CSV):
/// as `score_for_summary`, but a finding is only its check and severity
/// (no message, values or places) wherever working those out could not
/// fail. The scores, statuses and the findings' checks and severities are
/// `score`'s.
pub fn score_for_totals(rules: &RuleSet, submission: &Submission) -> Result<Outcome, Vec<Problem>> {
    score_with(rules, submission, Detail::Counts)
}

/// How much of an outcome an evaluation works out beyond the scores,
/// statuses and findings every output needs. Hints and `show` texts never
/// change a score (domain.md, "Hints": one that cannot be computed says so
/// in its own value), and a finding's words are left out only where they
/// cannot fail: leaving any of them out changes nothing else.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Detail {
    /// As `Scores`, and findings counted rather than worded where
    /// wording them cannot fail: a summary that counts them.
    Counts,
    /// Neither hints nor `show` texts: a summary table's row.
    Scores,
    /// The hints: every report.
    Hints,
    /// The hints and the long `show` texts: the review worksheet.
    Shows,
}

/// Score as `score` does, but scan every list item by item instead of
/// looking rows up by key (`eval::index`), and run every rule function
/// instead of giving its remembered answer: the reference the lookups and
/// the remembered answers (with the places they give) are tested against.
/// Not for use otherwise.
#[doc(hidden)]
pub fn score_scanning(rules: &RuleSet, submission: &Submission) -> Result<Outcome, Vec<Problem>> {
    SCANNING.with(|s| s.set(true));
    let outcome = score_with(rules, submission, Detail::Hints);
    SCANNING.with(|s| s.set(false));
    outcome
}

/// Score as `score` does, but interpret every rule function instead of
/// running the typed code it was lowered to (`ir::typed`): the reference
/// the typed code is tested against. Not for use otherwise.
#[doc(hidden)]
pub fn score_interpreted(
    rules: &RuleSet,
    submission: &Submission,
) -> Result<Outcome, Vec<Problem>> {
    INTERPRETED.with(|s| s.set(true));
    let outcome = score_with(rules, submission, Detail::Hints);
    INTERPRETED.with(|s| s.set(false));
    outcome
}

thread_local! {
    /// Set only by `score_scanning`, for the thread's one evaluation.
    static SCANNING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Set only by `score_interpreted`, for the thread's one evaluation.
    static INTERPRETED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Score one submission and evaluate the long texts (`show`) a reviewer
/// reads, for the review worksheet.
pub fn score_for_review(rules: &RuleSet, submission: &Submission) -> Result<Outcome, Vec<Problem>> {
    score_with(rules, submission, Detail::Shows)
}

fn score_with(
    rules: &RuleSet,
    submission: &Submission,
    detail: Detail,
) -> Result<Outcome, Vec<Problem>> {
    let mut env = Env::new(
        &submission.root,
        &rules.files,
        &rules.functions,
        rules.slot_count,
    );
    env.indexing = !SCANNING.with(std::cell::Cell::get);
    env.typed = !INTERPRETED.with(std::cell::Cell::get);
    let to_problem = |e: EvalError| {
        let file = file_of(rules, e.span);
        vec![e.into_problem(&file, true)]
    };
    for global in &rules.globals {
        env.defer(global.slot, &global.expr);
    }
    let mut scorer = Scorer {
        rules,
        submission,
        env,
        problems: Vec::new(),
        detail,
        review_findings: Vec::new(),
    };
    scorer.problems.extend(review::check_ids(rules, submission));
    let mut nodes = Vec::with_capacity(rules.nodes.len());
    for node in &rules.nodes {
        match scorer.node(node) {
            Ok(n) => nodes.push(n),
            Err(e) => return Err(to_problem(e)),
        }
    }
    if !scorer.problems.is_empty() {
        return Err(scorer.problems);
    }
    let words = match detail {
        Detail::Counts => checks::Words::CountOnly,
        _ => checks::Words::All,
    };
    let mut findings =
        checks::run_checks(&mut scorer.env, &rules.checks, words).map_err(to_problem)?;
    findings.append(&mut scorer.review_findings);
    let (score, range, basis) = sum_children(&nodes);
    let _ = basis;
    Ok(Outcome {
        unit: submission.unit.clone(),
        year: submission.year,
        rules: rules.title.clone(),
        status: if score.is_some() {
            Status::Final
        } else {
            Status::Pending
        },
        score,
        max: rules.total,
        range,
        nodes,
        findings,
    })
}

fn file_of(rules: &RuleSet, span: Span) -> SourceFile {
    rules
        .files
        .get(usize::from(span.file))
        .cloned()
        .unwrap_or_else(|| SourceFile::new("?", ""))
}

/// A parent's score, range and basis from its children.
fn sum_children(children: &[NodeOutcome]) -> (Option<Decimal>, (Decimal, Decimal), Basis) {
    let mut score = Some(Decimal::ZERO);
    let (mut low, mut high) = (Decimal::ZERO, Decimal::ZERO);
    for c in children {
        score = score.zip(c.score).map(|(a, b)| a + b);
        low += c.range.0;
        high += c.range.1;
    }
    let basis = if children.iter().any(|c| c.basis == Basis::Pending) {
        Basis::Pending
    } else if children.iter().all(|c| c.basis == Basis::Auto) {
        Basis::Auto
    } else {
        Basis::Mixed
    };
    (score, (low, high), basis)
}

struct Scorer<'a> {
    rules: &'a RuleSet,
    submission: &'a Submission,
    env: Env<'a>,
    problems: Vec<Problem>,
    /// Which reviewer aids to work out.
    detail: Detail,
    /// `reviewers_disagree` findings, after the checks' findings.
    review_findings: Vec<Finding>,
}

/// What a plan decided before any judgment.
enum Decision<'p> {
    Auto {
        score: Decimal,
        deductions: Vec<Deduction>,
        notes: Vec<String>,
    },
    Judge(&'p JudgeIr),
}

impl<'a> Scorer<'a> {
    fn node(&mut self, node: &'a NodeIr) -> Result<NodeOutcome, EvalError> {
        let mut out = NodeOutcome {
            id: node.id.clone(),
            title: node.title.clone(),
            max: node.max,
            score: None,
            range: (Decimal::ZERO, node.max),
            basis: Basis::Pending,
            class: None,
            says: node.says.clone(),
            span: node.span,
            deductions: Vec::new(),
            hints: Vec::new(),
            shows: Vec::new(),
            judgments: Vec::new(),
            combined: None,
            notes: Vec::new(),
            full: None,
            overridden: None,
            children: Vec::new(),
        };
        match &node.kind {
            NodeIrKind::Section(children) => {
                for c in children {
                    out.children.push(self.node(c)?);
                }
                let (score, range, basis) = sum_children(&out.children);
                out.score = score;
                out.range = range;
                out.basis = basis;
            }
            NodeIrKind::Criterion(criterion) => self.criterion(node, criterion, &mut out)?,
        }
        Ok(out)
    }

    fn criterion(
        &mut self,
        node: &'a NodeIr,
        criterion: &'a CriterionIr,
        out: &mut NodeOutcome,
    ) -> Result<(), EvalError> {
        out.class = Some(criterion.class);
        let decision = self.plan(&criterion.plan, node.max, out)?;
        let judgments: Vec<&'a Judgment> = self
            .submission
            .review
            .judgments
            .iter()
            .filter(|j| j.id == node.id)
            .collect();
        let (rules, submission) = (self.rules, self.submission);
        let overriding = judgments.iter().any(|j| j.override_rules);
        // Only what the rules score can be overridden (submission-format:
        // `override`); where they ask the reviewers, a judgment is judged,
        // in its tier's band.
        let judged_here = matches!(decision, Decision::Judge(_));
        if overriding {
            let mut accepted = Vec::new();
            // Said at the override, naming the reviewers who judged: the
            // override is the odd one out, and the worksheets have no
            // column for it.
            let judging: Vec<&str> = judgments
                .iter()
                .filter(|j| !j.override_rules)
                .map(|j| j.reviewer.as_deref().unwrap_or("评审人"))
                .collect();
            for j in &judgments {
                if !j.override_rules {
                    // Refused with the override, below.
                } else if !judging.is_empty() {
                    self.problems
                        .push(review::mixed_override(submission, node, j, &judging));
                } else if judged_here {
                    self.problems
                        .push(review::override_on_judged(rules, submission, node, j));
                } else if let Some(a) = review::apply_override(
                    rules,
                    submission,
                    node,
                    &criterion.plan,
                    j,
                    &mut self.problems,
                ) {
                    accepted.push(a);
                }
            }
            if accepted.len() == judgments.len() {
                let c = review::combine(rules, node, None, accepted, DeductionKind::Override);
                self.take(out, c, Basis::Override);
                // What the rules alone would have given, for the auditor
                // and the unit.
                let ruled = match decision {
                    Decision::Auto {
                        score, deductions, ..
                    } => {
                        let score = round(score, self.rules.round).normalize();
                        out.notes.push(format!("按规则应得 {score} 分"));
                        let why = deductions.into_iter().map(|d| d.message).collect();
                        (Some(score), why)
                    }
                    Decision::Judge(_) => {
                        out.notes.push("按规则需评审判定".to_string());
                        (None, Vec::new())
                    }
                };
                out.overridden = Some(ruled);
            }
        } else {
            match decision {
                Decision::Auto {
                    score,
                    deductions,
                    mut notes,
                } => {
                    for j in &judgments {
                        if criterion.class == Class::Auto {
                            self.problems
                                .push(review::judgment_on_auto(rules, submission, node, j));
                        } else {
                            review::check_unused(
                                submission,
                                node,
                                &criterion.plan,
                                j,
                                &mut self.problems,
                            );
                        }
                    }
                    if !judgments.is_empty() && criterion.class != Class::Auto {
                        // Which judgments were set aside, so that the
                        // reader can tell them from the score given.
                        let set_aside: Vec<String> = judgments
                            .iter()
                            .map(|j| {
                                let mut words =
                                    j.reviewer.clone().unwrap_or_else(|| "评审人".into());
                                if let Some((tier, _)) = &j.tier {
                                    words.push_str(&format!("“{tier}”"));
                                }
                                if let Some((score, _)) = &j.score {
                                    words.push_str(&format!(" {} 分", score.normalize()));
                                }
                                words
                            })
                            .collect();
                        notes.push(format!(
                            "评审意见未采用（{}）：本项在这份材料上按规则自动计分",
                            set_aside.join("；")
                        ));
                    }
                    out.score = Some(round(score, self.rules.round));
                    out.basis = Basis::Auto;
                    out.deductions = deductions;
                    out.notes = notes;
                }
                Decision::Judge(judge) if judgments.is_empty() => {
                    let low = judge
                        .tiers
                        .iter()
                        .map(|t| t.low)
                        .min()
                        .unwrap_or(Decimal::ZERO);
                    let high = judge.tiers.iter().map(|t| t.high).max().unwrap_or(node.max);
                    out.range = (low, high);
                    out.basis = Basis::Pending;
                    out.notes.push("待评审：尚无评审人的评分".to_string());
                    return Ok(());
                }
                Decision::Judge(judge) => {
                    let accepted: Vec<_> = judgments
                        .iter()
                        .filter_map(|j| {
                            review::apply_judgment(
                                rules,
                                submission,
                                node,
                                judge,
                                j,
                                &mut self.problems,
                            )
                        })
                        .collect();
                    if accepted.len() == judgments.len() {
                        let c = review::combine(
                            rules,
                            node,
                            Some(judge),
                            accepted,
                            DeductionKind::Judged,
                        );
                        self.take(out, c, Basis::Judged);
                    }
                }
            }
        }
        let s = out.score.unwrap_or(Decimal::ZERO);
        out.range = (s, s);
        Ok(())
    }

    /// A combined judgment becomes the criterion's result.
    fn take(&mut self, out: &mut NodeOutcome, c: review::Combined, basis: Basis) {
        out.score = Some(c.score);
        out.basis = basis;
        out.deductions = c.deductions;
        out.notes = c.notes;
        out.judgments = c.judgments;
        out.combined = c.combined;
        // A judged or overridden score is explained by its judgments.
        out.full = None;
        self.review_findings.extend(c.finding);
    }

    /// Evaluate a plan down to an automatic score or a judgment to make.
    fn plan<'p: 'a>(
        &mut self,
        plan: &'p Plan,
        max: Decimal,
        out: &mut NodeOutcome,
    ) -> Result<Decision<'p>, EvalError> {
        for l in &plan.lets {
            self.env.defer(l.slot, &l.expr);
        }
        for h in &plan.hints {
            // `show` texts are long: only the review worksheet reads them.
            let wanted = if h.long { Detail::Shows } else { Detail::Hints };
            if self.detail < wanted {
                continue;
            }
            // A hint never changes a score: one that cannot be computed
            // (a zero divisor in this unit's data) says so in its place
            // and the unit is scored. A named value it failed to compute
            // stays to be computed, and fails again, where a score needs it.
            let value = match self.env.eval_hint(&h.expr) {
                Ok(value) => value,
                Err(e) => Value::text(&gave_up(self.rules, &e)),
            };
            if h.long {
                let text = match &value {
                    Value::List(items) => items
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n"),
                    Value::Absent => String::new(),
                    v => v.to_string(),
                };
                out.shows.push((h.label.clone(), text));
            } else {
                // An empty answer (no area of the problems mentioned) is
                // said, not left as a label followed by nothing.
                let shown = match &value {
                    Value::Text(t) if t.trim().is_empty() => "（无）".to_string(),
                    Value::List(items) if items.is_empty() => "（无）".to_string(),
                    v => v.to_string(),
                };
                out.hints.push((h.label.clone(), shown));
            }
        }
        for zero in &plan.zeros {
            let mut touched = Vec::new();
            if self.env.test(&zero.when, &mut touched)? {
                let deduction = self.deduction(
                    max,
                    &zero.because,
                    zero.span,
                    zero.when.span,
                    &zero.values,
                    touched,
                    DeductionKind::Zero,
                )?;
                return Ok(Decision::Auto {
                    score: Decimal::ZERO,
                    deductions: vec![deduction],
                    notes: vec!["自动得 0 分，优先于评审判定".to_string()],
                });
            }
        }
        match &plan.method {
            Method::Judge(judge) => Ok(Decision::Judge(judge)),
            Method::Cases(cases, otherwise) => {
                let mut chosen = otherwise.as_ref();
                for (cond, case_plan) in cases {
                    if self.env.test_untracked(cond)? {
                        chosen = case_plan;
                        break;
                    }
                }
                let decision = self.plan(chosen, max, out)?;
                if let Decision::Auto { score, .. } = &decision
                    && *score >= max
                {
                    self.full_marks(plan, out)?;
                }
                Ok(decision)
            }
            Method::Award(award) => {
                let mut touched = Vec::new();
                let value = self.env.eval(&award.value, &mut touched)?;
                let Value::Num(n) = value else {
                    return Err(EvalError::new(
                        Code::RulesNoValue,
                        "award 的分数在这份材料上没有值（空白）",
                    )
                    .at(award.value.span));
                };
                if n < Decimal::ZERO || n > max {
                    return Err(EvalError::new(
                        Code::RulesAwardOutOfRange,
                        format!("award 算出 {}，超出 0–{max}", n.normalize()),
                    )
                    .at(award.value.span));
                }
                let score = round(n, self.rules.round);
                let mut deductions = Vec::new();
                if score >= max {
                    if plan.full.is_some() {
                        self.full_marks(plan, out)?;
                    } else if out.full.is_none() {
                        // The award that gave the max says why.
                        out.full = Some(self.fill(&award.because)?);
                    }
                }
                if score < max {
                    let mut lost = self.deduction(
                        max - score,
                        &award.because,
                        award.span,
                        award.value.span,
                        &award.values,
                        touched,
                        DeductionKind::Award,
                    )?;
                    self.point_at(&award.at, &mut lost)?;
                    deductions.push(lost);
                }
                Ok(Decision::Auto {
                    score,
                    deductions,
                    notes: Vec::new(),
                })
            }
            Method::Deduct(deducts) => {
                let mut total = Decimal::ZERO;
                let mut deductions = Vec::new();
                for d in deducts {
                    let mut touched = Vec::new();
                    if let Some(when) = &d.when {
                        if !self.env.test(when, &mut touched)? {
                            continue;
                        }
                    }
                    let count = match &d.per {
                        Some(per) => match self.env.eval(per, &mut touched)? {
                            Value::Num(n) if n > Decimal::ZERO => n,
                            _ => continue,
                        },
                        None => Decimal::ONE,
                    };
                    let mut points = d
                        .points
                        .checked_mul(count)
                        .ok_or_else(|| EvalError::overflow().at(d.span))?;
                    if let Some(cap) = d.cap {
                        points = points.min(cap);
                    }
                    // No deduction takes more than the criterion has.
                    points = points.min(max);
                    if points > Decimal::ZERO {
                        total = total.checked_add(points).unwrap_or(Decimal::MAX);
                        let focus = d
                            .per
                            .as_ref()
                            .or(d.when.as_ref())
                            .map_or(d.span, |e| e.span);
                        let mut lost = self.deduction(
                            points,
                            &d.because,
                            d.span,
                            focus,
                            &d.values,
                            touched,
                            DeductionKind::Rule,
                        )?;
                        self.point_at(&d.at, &mut lost)?;
                        deductions.push(lost);
                    }
                }
                if deductions.is_empty() {
                    self.full_marks(plan, out)?;
                }
                let mut notes = Vec::new();
                if total > max {
                    notes.push(format!(
                        "扣分合计 {} 超过本项分值，本项最多扣 {max} 分",
                        total.normalize()
                    ));
                }
                Ok(Decision::Auto {
                    score: (max - total).max(Decimal::ZERO),
                    deductions,
                    notes,
                })
            }
        }
    }

    /// `full because "…"` of a plan that lost nothing (the innermost one
    /// that says it).
    fn full_marks(&mut self, plan: &Plan, out: &mut NodeOutcome) -> Result<(), EvalError> {
        if out.full.is_none()
            && let Some(full) = &plan.full
        {
            out.full = Some(self.fill(&full.because)?);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments, reason = "the parts of one explanation")]
    fn deduction(
        &mut self,
        points: Decimal,
        because: &Template,
        span: Span,
        focus: Span,
        values: &[(String, u32)],
        mut touched: Vec<PlaceId>,
        kind: DeductionKind,
    ) -> Result<Deduction, EvalError> {
        // Named values shown in the explanation are evaluated even when the
        // condition did not need them (`a or b` with `a` true).
        for (_, slot) in values {
            self.env.force(*slot)?;
        }
        for (_, slot) in values {
            touched.extend_from_slice(self.env.slot_places(*slot));
        }
        touched.sort_unstable();
        touched.dedup();
        let message = self.fill(because)?;
        Ok(Deduction {
            points: round(points, self.rules.round).normalize(),
            message,
            span,
            focus,
            values: values
                .iter()
                .map(|(n, s)| (n.clone(), self.env.slot(*s).clone()))
                .collect(),
            computed_from: self.env.computed_from(values),
            places: touched,
            review_at: None,
            judgments: Vec::new(),
            combined: None,
            kind,
        })
    }

    fn fill(&mut self, template: &Template) -> Result<String, EvalError> {
        fill(&mut self.env, template)
    }

    /// `at e, …`: the lost points concern these places, not every value the
    /// statement read.
    fn point_at(&mut self, at: &[crate::ir::Expr], d: &mut Deduction) -> Result<(), EvalError> {
        if at.is_empty() {
            return Ok(());
        }
        let mut places = Vec::new();
        for e in at {
            checks::at_places(&mut self.env, e, &mut places)?;
        }
        places.dedup();
        d.places = places;
        Ok(())
    }
}

/// A hint's value when it cannot be computed: why, and where in the rule
/// files (the rule's author reads it in the report, not on the screen).
fn gave_up(rules: &RuleSet, e: &EvalError) -> String {
    match rules.files.get(usize::from(e.span.file)) {
        Some(file) => {
            let (line, column) = file.line_col(e.span.start);
            format!(
                "无法计算：{}（{} 第 {line} 行第 {column} 列）",
                e.message, file.name
            )
        }
        None => format!("无法计算：{}", e.message),
    }
}

/// A message with its holes evaluated.
pub(crate) fn fill(env: &mut Env<'_>, template: &Template) -> Result<String, EvalError> {
    // Room for the words and a short value in each hole: the message is
    // not grown and copied piece by piece.
    let room: usize = template
        .pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.len(),
            Piece::Value(_) => SHORT_VALUE,
        })
        .sum();
    let mut out = String::with_capacity(room);
    for piece in &template.pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Value(e) => env.eval_untracked(e)?.write_to(&mut out),
        }
    }
    Ok(out)
}

/// Bytes a message's hole usually takes (a number, a name).
const SHORT_VALUE: usize = 24;

/// Round half away from zero to `dp` decimals, as the sheet rounds.
pub fn round_score(n: Decimal, dp: u32) -> Decimal {
    round(n, dp)
}
