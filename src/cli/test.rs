//! `jixiao test [--rules DIR] [--bless]`: run the test cases kept with the
//! rules (`DIR/tests/*.toml`; without `--rules`, every shipped year's, built
//! into the binary) and compare each with its `[expect]`. A failure shows
//! expected against actual, criterion by criterion, with the deductions
//! that made the difference and the findings missing or extra. `--bless`
//! rewrites the expectations of the cases on disk instead.
//!
//! Results go to stdout, ending with `N passed, M failed` alone on a line;
//! a case file that cannot be run (bad TOML, a wrong edit path) is an error,
//! shown on stderr with its file and line, and counts as failed.

use super::output::emit;
use jixiao::cases::expect::{Mismatch, Want};
use jixiao::cases::{self, Actual, Bases};
use jixiao::diag::{Problem, render};
use jixiao::eval::outcome::{Deduction, NodeOutcome, Outcome, Status};
use jixiao::ir::RuleSet;
use jixiao::source::Span;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A line to stdout; a closed pipe (`jixiao test | head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// One rules folder and its cases.
struct Suite {
    label: String,
    rules: Result<RuleSet, Vec<Problem>>,
    /// (name, file on disk if any, text)
    cases: Vec<(String, Option<PathBuf>, String)>,
    bases: Bases,
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    blessed: usize,
}

/// `--bless` and `--allow-loss`.
#[derive(Clone, Copy)]
pub(super) struct Bless {
    pub on: bool,
    pub allow_loss: bool,
}

/// Run (or bless) every case; false when any failed or could not be run.
pub(super) fn run(rules_dir: Option<&Path>, bless: Bless) -> bool {
    let suites = match suites(rules_dir) {
        Ok(s) => s,
        Err(p) => {
            eprint!("{}", render(&[*p]));
            say!("\n0 passed, 1 failed");
            return false;
        }
    };
    let mut tally = Tally::default();
    for suite in &suites {
        let rules = match &suite.rules {
            Ok(r) => r,
            Err(problems) => {
                eprint!("{}", render(problems));
                say!(
                    "{}：规则有 {} 个问题，{} 个用例未能运行",
                    suite.label,
                    problems.len(),
                    suite.cases.len()
                );
                tally.failed += suite.cases.len().max(1);
                continue;
            }
        };
        if suite.cases.is_empty() {
            say!("{}：没有测试用例（tests/*.toml）", suite.label);
        }
        for (name, path, text) in &suite.cases {
            run_case(
                name,
                path.as_deref(),
                text,
                rules,
                &suite.bases,
                bless,
                &mut tally,
            );
        }
    }
    if tally.blessed > 0 {
        say!("\n已更新 {} 个用例的 [expect]", tally.blessed);
    }
    say!("\n{} passed, {} failed", tally.passed, tally.failed);
    tally.failed == 0
}

fn suites(rules_dir: Option<&Path>) -> Result<Vec<Suite>, Box<Problem>> {
    let Some(dir) = rules_dir else {
        return Ok(jixiao::rules::builtin_years()
            .into_iter()
            .map(|year| Suite {
                label: format!("rules/{year}"),
                rules: jixiao::rules::builtin(year.parse().unwrap_or(0)),
                cases: cases::builtin(year)
                    .into_iter()
                    .map(|(name, text)| (name, None, text.to_string()))
                    .collect(),
                bases: Bases::Embedded,
            })
            .collect());
    };
    let mut list = Vec::new();
    for path in cases::in_dir(dir)? {
        let text = jixiao::rules::read_text(&path)?;
        list.push((path.display().to_string(), Some(path), text));
    }
    Ok(vec![Suite {
        label: dir.display().to_string(),
        rules: jixiao::rules::from_dir(dir),
        cases: list,
        bases: Bases::Disk {
            root: dir.to_path_buf(),
        },
    }])
}

fn run_case(
    name: &str,
    path: Option<&Path>,
    text: &str,
    rules: &RuleSet,
    bases: &Bases,
    bless: Bless,
    tally: &mut Tally,
) {
    let case = match cases::load(name, text, bases) {
        Ok(c) => c,
        Err(problems) => {
            say!("{name} ... FAILED（用例文件有 {} 个问题）", problems.len());
            eprint!("{}", render(&problems));
            tally.failed += 1;
            return;
        }
    };
    let actual = cases::run(&case, rules);
    let mismatches = cases::check(&case, &actual);
    if mismatches.is_empty() {
        say!("{name} ... ok");
        tally.passed += 1;
        return;
    }
    if bless.on
        && let Some(path) = path
    {
        let changes = cases::bless::changes(&case.expect, &actual);
        let refused = !bless.allow_loss && changes.iter().any(|c| c.loss);
        if refused {
            say!("{name} ... FAILED（未改写：会删去期望中的内容）");
            say_changes(&changes);
            say!(
                "    标 ✗ 的改动会删去评分项、发现，或把能评分的用例改成出错用例：多半是规则写错了。\n    确认无误后用 jixiao test --rules 目录 --bless --allow-loss 改写"
            );
            tally.failed += 1;
            return;
        }
        match cases::bless::bless(text, &case.expect, &actual) {
            Ok(Some(new)) => match emit(Some(path), &new) {
                Ok(()) => {
                    say!("{name} ... blessed（已按实际结果改写 [expect]）");
                    say_changes(&changes);
                    tally.passed += 1;
                    tally.blessed += 1;
                    return;
                }
                Err(e) => eprintln!("{e}"),
            },
            Ok(None) => {}
            Err(e) => eprintln!("{name}：无法改写：{e}"),
        }
    }
    say!("{name} ... FAILED");
    say!(
        "{}",
        report(&actual, &mismatches, rules).trim_end_matches('\n')
    );
    tally.failed += 1;
}

/// Each change of a blessed case, before → after; ✗ marks a loss.
fn say_changes(changes: &[cases::bless::Change]) {
    for c in changes {
        let mark = if c.loss { "✗" } else { "·" };
        say!("    {mark} {}：{} → {}", c.what, c.before, c.after);
    }
}

/// Expected against actual, with the deductions and findings behind each
/// difference.
fn report(actual: &Actual, mismatches: &[Mismatch], rules: &RuleSet) -> String {
    let mut out = String::new();
    let outcome = match actual {
        Actual::Scored(o) => Some(o.as_ref()),
        Actual::Failed(_) => None,
    };
    for m in mismatches {
        match m {
            Mismatch::NoExpectation => {
                let _ = writeln!(
                    out,
                    "    用例没有 [expect]：运行 jixiao test --rules 目录 --bless 写入实际结果，核对后提交"
                );
                if let Some(o) = outcome {
                    let _ = writeln!(out, "    实际：{}", total(o));
                }
            }
            Mismatch::Status { expected, actual } => {
                let _ = writeln!(
                    out,
                    "    状态 status：期望 {}，实际 {}",
                    status(*expected),
                    status(*actual)
                );
            }
            Mismatch::Score { expected, actual } => {
                let got = actual.map_or_else(
                    || outcome.map_or_else(String::new, total),
                    |a| a.normalize().to_string(),
                );
                let _ = writeln!(
                    out,
                    "    总分 score：期望 {}，实际 {got}",
                    expected.normalize()
                );
            }
            Mismatch::Range { expected, actual } => {
                let _ = writeln!(
                    out,
                    "    总分范围 range：期望 {}–{}，实际 {}–{}",
                    expected.0.normalize(),
                    expected.1.normalize(),
                    actual.0.normalize(),
                    actual.1.normalize()
                );
            }
            Mismatch::Criterion {
                id,
                expected,
                actual,
            } => {
                let node = outcome.and_then(|o| cases::node_by_id(&o.nodes, id));
                let title = node.map_or("", |n| n.title.as_str());
                let _ = writeln!(
                    out,
                    "    {id}（{title}）：期望 {expected}，实际 {actual}{}",
                    node.map_or(String::new(), |n| format!("（满分 {}）", n.max.normalize()))
                );
                if let Some(n) = node {
                    deductions(&mut out, n, rules, "        ");
                    if let (Want::Score(e), Want::Score(a)) = (expected, actual)
                        && a > e
                        && n.deductions.is_empty()
                        && n.children.is_empty()
                    {
                        let _ = writeln!(out, "        （实际没有扣分）");
                    }
                }
            }
            Mismatch::UnknownCriterion { id, hint } => {
                let _ = writeln!(
                    out,
                    "    criteria 中的 `{id}` 不是评分表中的评分项{}",
                    hint.as_ref().map_or(String::new(), |h| format!("（{h}）"))
                );
            }
            Mismatch::Findings { missing, extra } => {
                if !missing.is_empty() {
                    let _ = writeln!(out, "    应有而没有的发现 findings：{}", missing.join("、"));
                }
                if !extra.is_empty() {
                    let _ = writeln!(out, "    多出的发现 findings：{}", extra.join("、"));
                    if let Some(o) = outcome {
                        extra_findings(&mut out, o, extra, rules);
                    }
                }
            }
            Mismatch::ScoredInsteadOfError => {
                let _ = writeln!(
                    out,
                    "    期望无法评分（error = true），实际评分成功：{}",
                    outcome.map_or_else(String::new, total)
                );
            }
            Mismatch::Failed => {
                let _ = writeln!(out, "    期望评分成功，实际未能评分：");
                if let Actual::Failed(problems) = actual {
                    for line in render(problems).lines() {
                        let _ = writeln!(out, "      {line}");
                    }
                }
            }
            Mismatch::Codes { missing, extra } => {
                let _ = writeln!(
                    out,
                    "    问题代码 codes：应有而没有 [{}]，多出 [{}]",
                    missing.join(", "),
                    extra.join(", ")
                );
            }
        }
    }
    // A total that differs while every criterion named agrees: show where
    // the points were lost.
    let total_differs = mismatches
        .iter()
        .any(|m| matches!(m, Mismatch::Score { .. } | Mismatch::Range { .. }));
    let criterion_differs = mismatches
        .iter()
        .any(|m| matches!(m, Mismatch::Criterion { .. }));
    if let Some(o) = outcome
        && total_differs
        && !criterion_differs
    {
        let _ = writeln!(out, "    实际失分的评分项：");
        let before = out.len();
        losses(&mut out, &o.nodes, rules);
        if out.len() == before {
            let _ = writeln!(out, "        （无，满分）");
        }
    }
    out
}

fn total(o: &Outcome) -> String {
    match o.score {
        Some(s) => format!("{} 分（{}）", s.normalize(), status(o.status)),
        None => format!(
            "待评审，{}–{} 分",
            o.range.0.normalize(),
            o.range.1.normalize()
        ),
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Final => "final",
        Status::Pending => "pending",
    }
}

/// Every deduction of a node and its descendants.
fn deductions(out: &mut String, node: &NodeOutcome, rules: &RuleSet, indent: &str) {
    for d in &node.deductions {
        deduction(out, node, d, rules, indent);
    }
    for child in &node.children {
        deductions(out, child, rules, indent);
    }
}

fn deduction(out: &mut String, node: &NodeOutcome, d: &Deduction, rules: &RuleSet, indent: &str) {
    let values = if d.values.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = d.values.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!("；{}", list.join("，"))
    };
    let review = d
        .review_at
        .as_ref()
        .map_or(String::new(), |(path, _)| format!("；评审：{path}"));
    let _ = writeln!(
        out,
        "{indent}−{} {}：{}（{}{values}{review}）",
        d.points.normalize(),
        node.id,
        d.message,
        place(rules, d.span)
    );
}

/// `file:line:column` of a rule span.
fn place(rules: &RuleSet, span: Span) -> String {
    rules
        .files
        .get(usize::from(span.file))
        .map_or_else(String::new, |f| {
            let (line, column) = f.line_col(span.start);
            format!("{}:{line}:{column}", f.name)
        })
}

fn extra_findings(out: &mut String, outcome: &Outcome, extra: &[String], rules: &RuleSet) {
    let mut left: Vec<&String> = extra.iter().collect();
    for f in &outcome.findings {
        if let Some(i) = left.iter().position(|id| **id == f.id) {
            left.remove(i);
            let _ = writeln!(
                out,
                "        {} [{}] {}（{}）",
                f.id,
                f.severity.as_str(),
                f.message,
                place(rules, f.span)
            );
        }
    }
}

/// Every leaf that lost points, with its deductions.
fn losses(out: &mut String, nodes: &[NodeOutcome], rules: &RuleSet) {
    for n in nodes {
        if !n.children.is_empty() {
            losses(out, &n.children, rules);
        } else if n.score != Some(n.max) {
            let _ = writeln!(
                out,
                "        {}（{}）：{}（满分 {}）",
                n.id,
                n.title,
                Want::of(n),
                n.max.normalize()
            );
            deductions(out, n, rules, "            ");
        }
    }
}
