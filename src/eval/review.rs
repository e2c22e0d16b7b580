//! The bureau's judgments: every `[review.<id>]` names a criterion, stays in
//! its tier's band, and overrides only with a note. Errors point at the
//! review value and at the rule it breaks.

use super::outcome::{Deduction, DeductionKind};
use crate::data::{Judgment, Submission};
use crate::diag::Problem;
use crate::ir::{JudgeIr, NodeIr, NodeIrKind, RuleSet};
use crate::source::{SourceFile, did_you_mean};
use rust_decimal::Decimal;

type Applied = (Decimal, Vec<Deduction>, Vec<String>);

fn rule_file(rules: &RuleSet, span: crate::source::Span) -> SourceFile {
    rules
        .files
        .get(usize::from(span.file))
        .cloned()
        .unwrap_or_else(|| SourceFile::new("?", ""))
}

fn collect_nodes<'a>(nodes: &'a [NodeIr], out: &mut Vec<&'a NodeIr>) {
    for n in nodes {
        out.push(n);
        if let NodeIrKind::Section(children) = &n.kind {
            collect_nodes(children, out);
        }
    }
}

/// Judgments naming no criterion, or a section.
pub(super) fn check_ids(rules: &RuleSet, submission: &Submission) -> Vec<Problem> {
    let mut all = Vec::new();
    collect_nodes(&rules.nodes, &mut all);
    let mut problems = Vec::new();
    for (i, j) in submission.review.judgments.iter().enumerate() {
        if submission
            .review
            .judgments
            .iter()
            .take(i)
            .any(|k| k.id == j.id)
        {
            problems.push(Problem::error(
                "review::duplicate",
                format!("评审项 `{}` 重复", j.id),
                &submission.source,
                j.id_span,
                "重复",
            ));
        }
        match all.iter().find(|n| n.id == j.id) {
            None => {
                let help = did_you_mean(&j.id, all.iter().map(|n| n.id.as_str())).or_else(|| {
                    Some(format!(
                        "评分项编号：{}",
                        all.iter()
                            .map(|n| n.id.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ))
                });
                problems.push(
                    Problem::error(
                        "review::unknown_criterion",
                        format!("没有编号为 `{}` 的评分项", j.id),
                        &submission.source,
                        j.id_span,
                        "未知的评分项",
                    )
                    .with_help_opt(help),
                );
            }
            Some(n) if matches!(n.kind, NodeIrKind::Section(_)) => problems.push(
                Problem::error(
                    "review::section",
                    format!("`{}` 是汇总项，不能直接评审", j.id),
                    &submission.source,
                    j.id_span,
                    "汇总项",
                )
                .with_help("汇总项的得分是下级评分项之和：请评审它的下级评分项"),
            ),
            Some(_) => {}
        }
    }
    problems
}

/// A judgment on an automatic criterion without `override = true`.
pub(super) fn judgment_on_auto(
    rules: &RuleSet,
    submission: &Submission,
    node: &NodeIr,
    j: &Judgment,
) -> Problem {
    let file = rule_file(rules, node.span);
    Problem::error(
        "review::judgment_on_auto",
        format!(
            "`{}`（{}）按规则自动计分，不接受评审评分",
            node.id, node.title
        ),
        &submission.source,
        j.id_span,
        "对自动计分项的评审",
    )
    .with_help("确需改判时，写 override = true 并在 note 中说明理由")
    .with_related(Problem::error(
        "review::judgment_on_auto",
        "规则在这里",
        &file,
        node.span,
        "自动计分项",
    ))
}

/// `override = true`: needs a note and a score within the criterion's points.
pub(super) fn apply_override(
    rules: &RuleSet,
    submission: &Submission,
    node: &NodeIr,
    j: &Judgment,
    problems: &mut Vec<Problem>,
) -> Option<Applied> {
    let Some(note) = j.note.as_ref().filter(|n| !n.trim().is_empty()) else {
        problems.push(
            Problem::error(
                "review::override_without_note",
                format!("改判 `{}` 必须说明理由", node.id),
                &submission.source,
                j.id_span,
                "缺少 note",
            )
            .with_help("在此表中加上 note = \"改判理由\""),
        );
        return None;
    };
    let (score, span) = score_of(submission, node, j, problems)?;
    if score < Decimal::ZERO || score > node.max {
        let file = rule_file(rules, node.span);
        problems.push(
            Problem::error(
                "review::out_of_band",
                format!("改判分数 {score} 超出本项 0–{}", node.max),
                &submission.source,
                span,
                "超出范围",
            )
            .with_related(Problem::error(
                "review::out_of_band",
                "本项分值",
                &file,
                node.span,
                "",
            )),
        );
        return None;
    }
    let mut deductions = Vec::new();
    if score < node.max {
        deductions.push(Deduction {
            points: crate::eval::round_score(node.max - score, rules.round).normalize(),
            message: format!("评审改判为 {} 分：{note}", score.normalize()),
            span: node.span,
            focus: node.span,
            values: Vec::new(),
            places: Vec::new(),
            review_at: Some((format!("review.{}.score", node.id), span)),
            kind: DeductionKind::Override,
        });
    }
    Some((
        score,
        deductions,
        vec![format!("评审改判（override）：{note}")],
    ))
}

fn score_of(
    submission: &Submission,
    node: &NodeIr,
    j: &Judgment,
    problems: &mut Vec<Problem>,
) -> Option<(Decimal, crate::source::Span)> {
    if j.score.is_none() {
        problems.push(
            Problem::error(
                "review::missing_score",
                format!("评审项 `{}` 缺少 score", node.id),
                &submission.source,
                j.id_span,
                "缺少 score",
            )
            .with_help("加上 score = 分数"),
        );
    }
    j.score
}

/// A judgment on a judged criterion (or on a mixed one whose judged case
/// applies): tier named, score in its band, note where the tier needs one.
pub(super) fn apply_judgment(
    rules: &RuleSet,
    submission: &Submission,
    node: &NodeIr,
    judge: &JudgeIr,
    j: &Judgment,
    problems: &mut Vec<Problem>,
) -> Option<Applied> {
    let named = judge.tiers.iter().any(|t| !t.name.is_empty());
    let tier = match (&j.tier, named) {
        (Some((name, span)), true) => match judge.tiers.iter().find(|t| t.name == *name) {
            Some(t) => t,
            None => {
                let tiers: Vec<&crate::ir::TierIr> = judge.tiers.iter().collect();
                problems.push(unknown_tier(submission, node, name, *span, &tiers));
                return None;
            }
        },
        (None, true) => {
            let names: Vec<&str> = judge.tiers.iter().map(|t| t.name.as_str()).collect();
            problems.push(
                Problem::error(
                    "review::missing_tier",
                    format!("评审项 `{}` 需要写明档次 tier", node.id),
                    &submission.source,
                    j.id_span,
                    "缺少 tier",
                )
                .with_help(format!("可选档次：{}", names.join("、"))),
            );
            return None;
        }
        (Some((_, span)), false) => {
            problems.push(
                Problem::error(
                    "review::tier_not_used",
                    format!("`{}` 不分档次", node.id),
                    &submission.source,
                    *span,
                    "多余的 tier",
                )
                .with_help("删去 tier，只写 score"),
            );
            return None;
        }
        (None, false) => judge.tiers.first()?,
    };
    let (score, span) = score_of(submission, node, j, problems)?;
    if score < tier.low || score > tier.high {
        let file = rule_file(rules, tier.span);
        let band = if tier.name.is_empty() {
            String::new()
        } else {
            format!("档次“{}”", tier.name)
        };
        problems.push(
            Problem::error(
                "review::out_of_band",
                format!(
                    "`{}` 的评分 {score} 不在{band}的分数段 {}–{} 之内",
                    node.id, tier.low, tier.high
                ),
                &submission.source,
                span,
                "超出分数段",
            )
            .with_help("改为分数段之内的分数，或选择相应的档次")
            .with_related(Problem::error(
                "review::out_of_band",
                "分数段在这里",
                &file,
                tier.span,
                format!("{}–{}", tier.low, tier.high),
            )),
        );
        return None;
    }
    let note = j.note.clone().filter(|n| !n.trim().is_empty());
    if tier.free && note.is_none() {
        problems.push(
            Problem::error(
                "review::note_required",
                format!("档次“{}”需要说明理由", tier.name),
                &submission.source,
                j.id_span,
                "缺少 note",
            )
            .with_help("在此表中加上 note = \"理由\""),
        );
        return None;
    }
    let mut deductions = Vec::new();
    if score < node.max {
        let tier_text = if tier.name.is_empty() {
            String::new()
        } else {
            format!("档次“{}”（{}–{}），", tier.name, tier.low, tier.high)
        };
        let note_text = note
            .as_deref()
            .map(|n| format!("：{n}"))
            .unwrap_or_default();
        deductions.push(Deduction {
            points: crate::eval::round_score(node.max - score, rules.round).normalize(),
            message: format!("评审判定{tier_text}得 {} 分{note_text}", score.normalize()),
            span: tier.span,
            focus: tier.span,
            values: Vec::new(),
            places: Vec::new(),
            review_at: Some((format!("review.{}.score", node.id), span)),
            kind: DeductionKind::Judged,
        });
    }
    let mut notes = Vec::new();
    if let Some(n) = note {
        notes.push(format!("评审意见：{n}"));
    }
    Some((score, deductions, notes))
}

fn tiers_of<'p>(plan: &'p crate::ir::Plan, out: &mut Vec<&'p crate::ir::TierIr>) {
    match &plan.method {
        crate::ir::Method::Judge(j) => out.extend(j.tiers.iter()),
        crate::ir::Method::Cases(cases, otherwise) => {
            for (_, p) in cases {
                tiers_of(p, out);
            }
            tiers_of(otherwise, out);
        }
        crate::ir::Method::Deduct(_) | crate::ir::Method::Award(_) => {}
    }
}

/// A judgment the rules do not use this time is still checked for form, so
/// a misspelt tier or an impossible score does not pass unnoticed.
pub(super) fn check_unused(
    submission: &Submission,
    node: &NodeIr,
    plan: &crate::ir::Plan,
    j: &Judgment,
    problems: &mut Vec<Problem>,
) {
    let mut tiers = Vec::new();
    tiers_of(plan, &mut tiers);
    if let Some((name, span)) = &j.tier {
        if !tiers.iter().any(|t| t.name == *name) {
            problems.push(unknown_tier(submission, node, name, *span, &tiers));
        }
    }
    if let Some((score, span)) = j.score {
        if score < Decimal::ZERO || score > node.max {
            problems.push(
                Problem::error(
                    "review::out_of_band",
                    format!("`{}` 的评分 {score} 超出本项 0–{}", node.id, node.max),
                    &submission.source,
                    span,
                    "超出范围",
                )
                .with_help("改为本项分值之内的分数"),
            );
        }
    }
}

/// A judgment naming a tier the criterion does not have.
fn unknown_tier(
    submission: &Submission,
    node: &NodeIr,
    name: &str,
    span: crate::source::Span,
    tiers: &[&crate::ir::TierIr],
) -> Problem {
    let names: Vec<&str> = tiers
        .iter()
        .map(|t| t.name.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    let help = did_you_mean(name, names.iter().copied())
        .or_else(|| Some(format!("可选档次：{}", names.join("、"))));
    Problem::error(
        "review::unknown_tier",
        format!("`{}` 没有档次 `{name}`", node.id),
        &submission.source,
        span,
        "未知的档次",
    )
    .with_help_opt(help)
}
