//! What `jixiao test` says when something a case expected did not happen:
//! a deduction the rules no longer make, a finding no longer raised. What
//! did not happen leaves no trace in the outcome, so what the rules did
//! instead is shown — the criterion's score and its basis, its deductions
//! and the statements that took nothing, or the check's raises — each with
//! its rule position, so that the author knows where to look.

use super::test_lines::{deduction, finding_line, place};
use crate::eval::outcome::{Basis, NodeOutcome, Outcome};
use crate::ir::{CheckStepIr, Method, NodeIrKind, Plan, RuleSet};
use crate::source::Span;
use std::fmt::Write as _;

/// What the rules did for a criterion scored higher than expected (or
/// pending where a score was expected): for a section, for each of its
/// criteria, but those in `compared` (the case names them too, and they are
/// explained where they are compared) by their score only.
pub(super) fn criterion(
    out: &mut String,
    node: &NodeOutcome,
    rules: &RuleSet,
    compared: &[&str],
    indent: &str,
) {
    if node.children.is_empty() {
        leaf(out, node, rules, indent);
        return;
    }
    let _ = writeln!(out, "{indent}规则给其中各评分项的分：");
    let deeper = format!("{indent}    ");
    let mut leaves = Vec::new();
    crate::cases::walk(&node.children, &mut |n| {
        if n.children.is_empty() {
            leaves.push(n);
        }
    });
    for n in leaves {
        let _ = writeln!(
            out,
            "{deeper}{}（{}）：{}（满分 {}）",
            n.id,
            n.title,
            crate::cases::expect::Want::of(n),
            n.max.normalize()
        );
        if !compared.contains(&n.id.as_str()) {
            leaf(out, n, rules, &format!("{deeper}    "));
        }
    }
}

fn leaf(out: &mut String, n: &NodeOutcome, rules: &RuleSet, indent: &str) {
    let _ = writeln!(
        out,
        "{indent}规则的评分：{}（评分项 {} 在 {}）",
        basis_words(n),
        n.id,
        place(rules, header(rules, &n.id).unwrap_or(n.span))
    );
    for d in &n.deductions {
        deduction(out, n, d, rules, indent);
    }
    if n.deductions.is_empty() && n.score == Some(n.max) {
        match (&n.full, n.judgments.is_empty()) {
            (Some(why), _) => {
                let _ = writeln!(out, "{indent}规则判定满分：{why}");
            }
            (None, false) => {
                let given: Vec<String> = n
                    .judgments
                    .iter()
                    .map(|j| format!("{} {} 分", j.who(), j.score.normalize()))
                    .collect();
                let _ = writeln!(out, "{indent}评审判定满分：{}", given.join("、"));
            }
            (None, true) => {
                let _ = writeln!(
                    out,
                    "{indent}规则判定满分（规则没有写满分的理由 full because）"
                );
            }
        }
    }
    if let Some((rule_score, why)) = &n.overridden {
        let alone = rule_score.map_or_else(
            || "需要评审".to_string(),
            |s| format!("{} 分", s.normalize()),
        );
        let _ = writeln!(out, "{indent}评审改判；只按规则：{alone}{}", reasons(why));
    }
    // A judged deduction quotes the reviewer's note already.
    let notes = n.notes.iter().filter(|note| {
        let body = note.split_once('：').map_or(note.as_str(), |(_, b)| b);
        !n.deductions.iter().any(|d| d.message.contains(body))
    });
    for note in notes {
        let _ = writeln!(out, "{indent}说明：{note}");
    }
    // The statements that could have taken points and took none: the
    // expected deduction was one of them, or is not written at all.
    let taken: Vec<Span> = n.deductions.iter().map(|d| d.span).collect();
    let idle: Vec<Span> = crate::ir::find_node(&rules.nodes, &n.id)
        .map(|ir| match &ir.kind {
            NodeIrKind::Criterion(c) => scoring_statements(&c.plan),
            NodeIrKind::Section(_) => Vec::new(),
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|s| !taken.contains(s))
        .collect();
    if !idle.is_empty() {
        let _ = writeln!(out, "{indent}这次没有扣分的规则：");
        for span in idle {
            let _ = writeln!(
                out,
                "{indent}    {} {}",
                place(rules, span),
                statement(rules, span)
            );
        }
    }
}

/// Where a criterion's block starts (`criterion timeliness …`, not its
/// id): the line the author looks for.
fn header(rules: &RuleSet, id: &str) -> Option<Span> {
    crate::ir::find_node(&rules.nodes, id).map(|n| Span {
        end: n.extent.start,
        ..n.extent
    })
}

/// `自动评分，得 10 分`, `评审判定，得 14 分`, `待评审，可能得 0–20 分`.
fn basis_words(n: &NodeOutcome) -> String {
    let how = match n.basis {
        Basis::Auto => "自动评分",
        Basis::Judged => "评审判定",
        Basis::Override => "评审改判",
        Basis::Mixed => "部分自动、部分评审",
        Basis::Pending => "待评审",
    };
    match n.score {
        Some(s) => format!("{how}，得 {} 分", s.normalize()),
        None => format!(
            "{how}，可能得 {}–{} 分",
            n.range.0.normalize(),
            n.range.1.normalize()
        ),
    }
}

fn reasons(why: &[String]) -> String {
    match why.is_empty() {
        true => String::new(),
        false => format!("（{}）", why.join("；")),
    }
}

/// The `zero when`, `deduct` and `award` statements of a plan, with those
/// of every `when … otherwise` branch.
fn scoring_statements(plan: &Plan) -> Vec<Span> {
    let mut out: Vec<Span> = plan.zeros.iter().map(|z| z.span).collect();
    match &plan.method {
        Method::Deduct(list) => out.extend(list.iter().map(|d| d.span)),
        Method::Award(a) => out.push(a.span),
        Method::Judge(_) => {}
        Method::Cases(cases, otherwise) => {
            for (_, p) in cases {
                out.extend(scoring_statements(p));
            }
            out.extend(scoring_statements(otherwise));
        }
    }
    out
}

/// A statement as written, its first line up to its `because`: what the
/// author recognises in the file (`deduct 1 per late cap 10`).
fn statement(rules: &RuleSet, span: Span) -> String {
    let text = rules
        .files
        .get(usize::from(span.file))
        .and_then(|f| f.text.get(span.start as usize..span.end as usize))
        .unwrap_or_default();
    let first = text.lines().next().unwrap_or_default().trim();
    first
        .split_once(" because ")
        .map_or(first, |(before, _)| before)
        .trim_end()
        .to_string()
}

/// What became of a finding expected `missing` times more than it was
/// raised: the check that raises it, with its rule position and its
/// `says`, what it did raise for this submission, and its `raise`
/// statements. `at`: where the case writes the id (`（第 N 行）`).
pub(super) fn finding(
    out: &mut String,
    id: &str,
    at: &str,
    missing: usize,
    outcome: Option<&Outcome>,
    rules: &RuleSet,
) {
    let raised: Vec<_> = outcome
        .map(|o| o.findings.iter().filter(|f| f.id == id).collect())
        .unwrap_or_default();
    let Some(check) = rules.checks.iter().find(|c| c.id == id) else {
        // Raised by the engine itself (reviewers far apart, a ratio of
        // zero): there is no rule line to name.
        let _ = writeln!(out, "        {id}{at}：这份材料没有出现这条发现");
        return;
    };
    let says = check
        .says
        .as_ref()
        .map_or(String::new(), |s| format!("，{s}"));
    let did = match raised.len() {
        0 => "对这份材料没有发现任何问题".to_string(),
        n => format!("对这份材料只发现 {n} 条，期望 {} 条：", n + missing),
    };
    let start = Span {
        end: check.extent.start,
        ..check.extent
    };
    let _ = writeln!(
        out,
        "        {id}{at}：这个检查（{}{says}）{did}",
        place(rules, start)
    );
    for f in &raised {
        finding_line(out, "            ", f, rules);
    }
    let mut raises = Vec::new();
    raise_statements(&check.steps, &mut raises);
    if !raises.is_empty() {
        // Which of them stopped raising is where to look.
        let _ = writeln!(out, "            检查中的 raise 语句：");
        for span in raises {
            let count = match raised.iter().filter(|f| f.span == span).count() {
                0 => "这次没有发现".to_string(),
                n => format!("这次发现 {n} 条"),
            };
            let _ = writeln!(
                out,
                "                {} {}（{count}）",
                place(rules, span),
                statement(rules, span)
            );
        }
    }
}

fn raise_statements(steps: &[CheckStepIr], out: &mut Vec<Span>) {
    for step in steps {
        match step {
            CheckStepIr::Raise(r) => out.push(r.span),
            CheckStepIr::For {
                body: Some(body), ..
            } => raise_statements(body, out),
            CheckStepIr::For { body: None, .. } | CheckStepIr::Let(_) => {}
        }
    }
}
