//! What `jixiao test` prints for a case: expected against actual,
//! criterion by criterion, with the deductions and findings behind each
//! difference; and the changes `--bless` makes.

use super::test_lines::{deduction, finding_line};
use crate::cases::bless::Change;
use crate::cases::expect::{Mismatch, Want};
use crate::cases::{self, Actual};
use crate::diag::render;
use crate::eval::outcome::{NodeOutcome, Outcome, Status};
use crate::ir::RuleSet;
use std::fmt::Write as _;

/// Each change of a blessed case, before → after; ✗ marks a loss.
pub fn bless_changes(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let mark = if c.loss { "✗" } else { "·" };
        let _ = writeln!(out, "    {mark} {}：{} → {}", c.what, c.before, c.after);
    }
    out
}

/// Expected against actual, with the deductions and findings behind each
/// difference.
pub fn test_failure(actual: &Actual, mismatches: &[Mismatch], rules: &RuleSet) -> String {
    let mut out = String::new();
    let outcome = match actual {
        Actual::Scored(o, _) => Some(o.as_ref()),
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
                    // Points lost that were not expected are explained by
                    // their deductions; points expected to be lost and not
                    // lost leave none, so what the rules did instead is
                    // shown.
                    let lower =
                        matches!((expected, actual), (Want::Score(e), Want::Score(a)) if a < e);
                    if lower {
                        deductions(&mut out, n, rules, "        ");
                    } else {
                        let compared: Vec<&str> = mismatches
                            .iter()
                            .filter_map(|m| match m {
                                Mismatch::Criterion { id, .. } => Some(id.as_str()),
                                _ => None,
                            })
                            .collect();
                        super::test_instead::criterion(&mut out, n, rules, &compared, "        ");
                    }
                }
            }
            Mismatch::UnknownCriterion { id, hint, at } => {
                let _ = writeln!(
                    out,
                    "    criteria 中的 `{id}`{}不是评分表中的评分项{}",
                    or_space(at),
                    hint.as_ref().map_or(String::new(), |h| format!("（{h}）"))
                );
            }
            Mismatch::Findings {
                missing,
                extra,
                missing_at,
            } => {
                if !missing.is_empty() {
                    let _ = writeln!(out, "    应有而没有的发现 findings：{}", missing.join("、"));
                    // An id no check raises is a slip in the case, not in
                    // the rules: say so, with the closest id. A check's id:
                    // say what the check did for this submission instead.
                    let known = rules.checks.iter().map(|c| c.id.as_str());
                    let mut said: Vec<&str> = Vec::new();
                    for (id, at) in missing.iter().zip(missing_at) {
                        if said.contains(&id.as_str()) {
                            continue;
                        }
                        said.push(id);
                        if is_finding_id(rules, id) {
                            let times = missing.iter().filter(|m| *m == id).count();
                            super::test_instead::finding(&mut out, id, at, times, outcome, rules);
                        } else {
                            let hint = crate::source::did_you_mean(id, known.clone())
                                .map_or(String::new(), |h| format!("（{h}）"));
                            let _ = writeln!(
                                out,
                                "        `{id}`{}不是规则中任何检查的编号{hint}",
                                or_space(at)
                            );
                        }
                    }
                }
                if !extra.is_empty() {
                    let _ = writeln!(out, "    多出的发现 findings：{}", extra.join("、"));
                    if let Some(o) = outcome {
                        extra_findings(&mut out, o, extra, rules);
                    }
                }
            }
            Mismatch::FindingDetails { unmet } => {
                let _ = writeln!(out, "    发现的细节与期望不符 findings：");
                for (want, raised) in unmet {
                    let _ = writeln!(out, "        期望：{want}");
                    for r in raised {
                        let _ = writeln!(out, "        实际：{r}");
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

fn extra_findings(out: &mut String, outcome: &Outcome, extra: &[String], rules: &RuleSet) {
    let mut left: Vec<&String> = extra.iter().collect();
    for f in &outcome.findings {
        if let Some(i) = left.iter().position(|id| **id == f.id) {
            left.remove(i);
            finding_line(out, "        ", f, rules);
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

/// Where an id is written (`（第 N 行）`), or the space the sentence has
/// without it.
fn or_space(at: &str) -> &str {
    if at.is_empty() { " " } else { at }
}

/// Can the rules raise a finding of this id?
fn is_finding_id(rules: &RuleSet, id: &str) -> bool {
    rules.checks.iter().any(|c| c.id == id)
        || id == crate::eval::REVIEWERS_DISAGREE
        || id == crate::eval::UNDEFINED_RATIO
        || id == crate::eval::OUT_OF_RANGE
}

/// Does a case expect an id the rules do not have (a criterion of no
/// sheet, a finding no check raises)? Then the case is the likelier slip.
pub fn names_unknown_ids(mismatches: &[Mismatch], rules: &RuleSet) -> bool {
    mismatches.iter().any(|m| match m {
        Mismatch::UnknownCriterion { .. } => true,
        Mismatch::Findings { missing, .. } => missing.iter().any(|id| !is_finding_id(rules, id)),
        _ => false,
    })
}
