//! `--format text`: a header, the table of criteria, then one diagnostic per
//! lost point: the rule's lines labelled with the values, the sheet's words
//! as help, and the submission's cell beside it.

use super::{PlaceView, Report, decimal};
use crate::data::Submission;
use crate::diag::{Heading, Problem, render};
use crate::eval::outcome::{Deduction, DeductionKind, Finding, NodeOutcome, Outcome, Status};
use crate::ir::RuleSet;
use crate::source::display_width;
use miette::Severity;
use std::fmt::Write as _;

/// The whole text report of one submission.
/// The inputs of a batch that could not be scored, for a text report
/// written to a file: the reasons the screen showed, kept with the reports.
pub fn text_failures(failures: &[(String, Vec<Problem>)]) -> String {
    let mut out = String::from("未能评分的材料\n");
    for (file, problems) in failures {
        let _ = writeln!(out, "\n{file}：");
        for p in problems {
            let at = p
                .location()
                .map(|(_, line, col)| format!("第 {line} 行第 {col} 列："))
                .unwrap_or_default();
            let _ = writeln!(out, "  · {at}{}", p.message);
            if let Some(help) = &p.help {
                let _ = writeln!(out, "    建议：{help}");
            }
        }
    }
    out
}

pub fn render_text(outcome: &Outcome, rules: &RuleSet, submission: &Submission) -> String {
    let report = Report::new(outcome, rules, submission);
    let mut out = String::new();
    let _ = writeln!(out, "{}（{} 年度）", outcome.unit, outcome.year);
    let _ = writeln!(out, "评分表：{}", outcome.rules);
    match (outcome.status, outcome.score) {
        (Status::Final, Some(score)) => {
            let _ = writeln!(out, "总分：{} / {}", decimal(score), decimal(outcome.max));
        }
        _ => {
            let _ = writeln!(
                out,
                "总分：待评审，可能范围 {}–{} / {}",
                decimal(outcome.range.0),
                decimal(outcome.range.1),
                decimal(outcome.max)
            );
        }
    }
    out.push('\n');
    table(&mut out, &outcome.nodes);
    let mut problems = Vec::new();
    for node in &outcome.nodes {
        collect(node, &report, &mut problems);
    }
    if !problems.is_empty() {
        out.push('\n');
        out.push_str(&render(&problems));
    }
    if outcome.findings.is_empty() {
        out.push_str("\n检查发现：无\n");
    } else {
        let count =
            |s: crate::ir::Severity| outcome.findings.iter().filter(|f| f.severity == s).count();
        let _ = writeln!(
            out,
            "\n检查发现：错误 {} 项，警告 {} 项，提示 {} 项\n",
            count(crate::ir::Severity::Error),
            count(crate::ir::Severity::Warning),
            count(crate::ir::Severity::Info)
        );
        let findings: Vec<Problem> = report
            .findings()
            .iter()
            .map(|f| finding_problem(f, &report))
            .collect();
        out.push_str(&render(&findings));
    }
    let notes = super::place::import_notes(submission);
    if !notes.is_empty() {
        let _ = writeln!(
            out,
            "\n{}：{}",
            super::report::IMPORT_NOTES_HEADING,
            super::report::IMPORT_NOTES_LEAD
        );
        for n in &notes {
            let _ = writeln!(out, "  {n}");
        }
    }
    out
}

fn finding_problem(f: &Finding, report: &Report<'_>) -> Problem {
    let file = report
        .rules
        .files
        .get(usize::from(f.span.file))
        .cloned()
        .unwrap_or_else(|| crate::source::SourceFile::new("?", ""));
    let values = traced(
        report,
        &report.with_params(f.span, &f.values),
        &f.computed_from,
    );
    let joined = values.join("，");
    let label = if !values.is_empty() {
        fit_label(&joined)
    } else if f.id == crate::eval::UNDEFINED_RATIO {
        "除数为 0".to_string()
    } else if f.id == crate::eval::OUT_OF_RANGE {
        "超出范围".to_string()
    } else {
        "条件成立".to_string()
    };
    // The check's own words name it; its id is for programs (JSON).
    let name = f
        .says
        .as_deref()
        .map_or_else(|| "检查发现".to_string(), fit_name);
    let mut problem = Problem::error(
        Heading::Title(name),
        f.message.clone(),
        &file,
        f.focus,
        label,
    );
    problem.severity = match f.severity {
        crate::ir::Severity::Error => Severity::Error,
        crate::ir::Severity::Warning => Severity::Warning,
        crate::ir::Severity::Info => Severity::Advice,
    };
    let related: Vec<String> = report
        .related(f)
        .iter()
        .map(|g| format!("同一问题另见：{}", g.message))
        .collect();
    if !related.is_empty() {
        problem.help = Some(related.join("\n"));
    }
    // What the width cut from the heading or the label is said in full
    // below, where lines wrap: a saved report loses nothing.
    if let Some(says) = f.says.as_deref().filter(|s| fit_name(s) != *s) {
        add_help(&mut problem, format!("检查内容：{says}"));
    }
    if fit_label(&joined) != joined {
        add_help(&mut problem, format!("取值：{joined}"));
    }
    let places = super::snippet::data_places(report, &f.places, &f.values, None);
    problem.related.extend(data_snippet(report, &places));
    problem
}

/// The submission's places behind an explanation, as one snippet of the
/// submission file labelled in the documents' words; for a Word package
/// (whose TOML lines exist only in memory), the places in words with the
/// Word table and row.
fn data_snippet(report: &Report<'_>, data: &super::snippet::DataPlaces) -> Vec<Problem> {
    let plain = |message: String| {
        let mut p = Problem::plain(Heading::Title("data".into()), message);
        p.severity = Severity::Advice;
        p
    };
    let mut out = data_snippet_shown(report, &data.shown, plain);
    out.extend(data.left_off_words().map(plain));
    out
}

fn data_snippet_shown(
    report: &Report<'_>,
    places: &[PlaceView],
    plain: impl Fn(String) -> Problem,
) -> Vec<Problem> {
    match super::snippet::evidence(report, places) {
        super::snippet::Evidence::Word(lines) => {
            if lines.is_empty() {
                return Vec::new();
            }
            let lines: Vec<String> = lines
                .iter()
                .map(|(place, at)| format!("  {place}：{at}"))
                .collect();
            vec![plain(format!("报送材料中的位置：\n{}", lines.join("\n")))]
        }
        super::snippet::Evidence::Toml(_, phrases) => {
            let mut out: Vec<Problem> = phrases
                .iter()
                .map(|(place, phrase)| plain(format!("{place}：\n  {phrase}")))
                .collect();
            let mut short: Vec<&PlaceView> = places.iter().filter(|p| p.phrase.is_none()).collect();
            // The snippet's header names its first label: the earliest
            // place, as the other formats' line does.
            short.sort_by_key(|p| p.span.start);
            if let Some(first) = short.first() {
                let mut related = Problem::error(
                    Heading::Title("data".into()),
                    "报送材料中的相关数据",
                    &report.submission.source,
                    first.span,
                    "",
                );
                related.severity = Severity::Advice;
                related.labels = short.iter().map(|p| (p.span, p.document.clone())).collect();
                out.push(related);
            }
            out
        }
    }
}

fn table(out: &mut String, nodes: &[NodeOutcome]) {
    let mut rows = Vec::new();
    for n in nodes {
        rows_of(n, 0, &mut rows);
    }
    let head = ["评分项", "编号", "分值", "得分", "依据"];
    let width = |i: usize| {
        rows.iter()
            .map(|r: &[String; 5]| display_width(r.get(i).map_or("", String::as_str)))
            .chain(std::iter::once(display_width(
                head.get(i).copied().unwrap_or(""),
            )))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..5).map(width).collect();
    let line = |cells: [&str; 5]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            let pad = w.saturating_sub(display_width(c));
            if (2..=3).contains(&i) {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            }
            s.push_str("  ");
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(head));
    let total: usize = widths.iter().sum::<usize>() + 8;
    let _ = writeln!(out, "{}", "─".repeat(total));
    for r in &rows {
        let [a, b, c, d, e] = r;
        let _ = writeln!(out, "{}", line([a, b, c, d, e]));
    }
}

fn rows_of(n: &NodeOutcome, depth: usize, rows: &mut Vec<[String; 5]>) {
    let score = match n.score {
        Some(s) => decimal(s),
        None => format!("{}–{}", decimal(n.range.0), decimal(n.range.1)),
    };
    let basis = match n.basis.as_str() {
        "auto" => "自动",
        "judged" => "评审",
        "override" => "改判",
        "mixed" => "混合",
        _ => "待评审",
    };
    rows.push([
        format!("{}{}", "  ".repeat(depth), n.title),
        n.id.clone(),
        decimal(n.max),
        score,
        basis.to_string(),
    ]);
    for c in &n.children {
        rows_of(c, depth + 1, rows);
    }
}

fn collect(node: &NodeOutcome, report: &Report<'_>, out: &mut Vec<Problem>) {
    let rules = report.rules;
    for d in &node.deductions {
        out.push(deduction_problem(node, d, report));
    }
    if node.score.is_none() && node.children.is_empty() {
        out.push(pending_problem(node, report));
    }
    // Remarks that no deduction carries (an unused judgment, an override at
    // full marks) are still shown.
    if node.deductions.is_empty()
        && node.score.is_some()
        && (!node.notes.is_empty() || node.full.is_some() || !node.judgments.is_empty())
    {
        out.push(note_problem(node, rules));
    }
    for c in &node.children {
        collect(c, report, out);
    }
}

fn note_problem(node: &NodeOutcome, rules: &RuleSet) -> Problem {
    let file = rules
        .files
        .get(usize::from(node.span.file))
        .cloned()
        .unwrap_or_else(|| crate::source::SourceFile::new("?", ""));
    let score = node.score.map(decimal).unwrap_or_default();
    // A judgment at full marks lost nothing, yet each reviewer's score and
    // how they were combined are shown as for one below it: two scores of
    // 3 and 2.99 make a 3 only once combined and rounded.
    let judged = judgments_words(node);
    let why: Vec<&str> = node
        .full
        .iter()
        .chain(judged.iter())
        .chain(node.notes.iter())
        .map(String::as_str)
        .collect();
    let mut problem = Problem::error(
        Heading::Title(node_heading(node)),
        format!("{}：{} 分（{}）", node.title, score, why.join("；")),
        &file,
        node.span,
        "说明",
    );
    problem.severity = Severity::Advice;
    problem
}

/// `评审：张三 3 分、李四 2.99 分，取平均分 3`: who judged a criterion at
/// full marks and how, where nothing else says it.
fn judgments_words(node: &NodeOutcome) -> Option<String> {
    if node.judgments.is_empty() {
        return None;
    }
    let each: Vec<String> = node
        .judgments
        .iter()
        .map(|j| {
            let tier = j
                .tier
                .as_deref()
                .map(|t| format!("（{t}）"))
                .unwrap_or_default();
            format!("{}{tier} {} 分", j.who(), decimal(j.score))
        })
        .collect();
    let mut words = format!("评审：{}", each.join("、"));
    if node.judgments.len() > 1
        && let (Some(how), Some(score)) = (node.combined, node.score)
    {
        let _ = write!(words, "，{} {}", how.words(), decimal(score));
    }
    Some(words)
}

fn deduction_problem(node: &NodeOutcome, d: &Deduction, report: &Report<'_>) -> Problem {
    let file = report
        .rules
        .files
        .get(usize::from(d.span.file))
        .cloned()
        .unwrap_or_else(|| crate::source::SourceFile::new("?", ""));
    let values = traced(
        report,
        &report.with_params(d.span, &d.values),
        &d.computed_from,
    );
    let joined = values.join("，");
    let cut = fit_label(&joined) != joined;
    let label = match (d.kind, d.combined) {
        // Several reviewers: the snippet is the rules' `combine`.
        (DeductionKind::Judged | DeductionKind::Override, Some(how)) => {
            format!("{}（{} 名评审人）", how.words(), d.judgments.len())
        }
        (DeductionKind::Judged, None) => "评审判定".to_string(),
        (DeductionKind::Override, None) => "评审改判".to_string(),
        _ if values.is_empty() => format!("扣 {} 分", decimal(d.points)),
        _ => fit_label(&joined),
    };
    let mut problem = Problem::error(
        Heading::Title(node_heading(node)),
        format!(
            "{}：扣 {} 分（{}）",
            node.title,
            decimal(d.points),
            d.message
        ),
        &file,
        d.focus,
        label,
    );
    problem.severity = Severity::Warning;
    problem.help = node.says.as_ref().map(|s| format!("评分标准：{s}"));
    let hints = super::report::judged_hints(node, d);
    for note in node
        .notes
        .iter()
        .cloned()
        .chain(hints.map(|(l, v)| format!("提示：{l}：{v}")))
    {
        add_help(&mut problem, note);
    }
    if cut {
        add_help(&mut problem, format!("取值：{joined}"));
    }
    for (_, f) in report.lost_point_findings(node, d) {
        add_help(&mut problem, super::report::related_finding_words(None, f));
    }
    problem.related.extend(data_snippet(
        report,
        &super::snippet::data_places(report, &d.places, &d.values, d.review_at.as_ref()),
    ));
    problem
}

fn pending_problem(node: &NodeOutcome, report: &Report<'_>) -> Problem {
    let file = report
        .rules
        .files
        .get(usize::from(node.span.file))
        .cloned()
        .unwrap_or_else(|| crate::source::SourceFile::new("?", ""));
    // Hints go to the help, wrapped to the width, as under a judged
    // criterion: a label under the rule line is one line however long.
    let hints: String = node
        .hints
        .iter()
        .map(|(l, v)| format!("提示：{l}：{v}\n"))
        .chain(
            report
                .criterion_findings(&node.id)
                .into_iter()
                .map(|(_, f)| super::report::related_finding_words(None, f) + "\n"),
        )
        .collect();
    let mut problem = Problem::error(
        Heading::Title(node_heading(node)),
        format!(
            "{}：待评审（{}–{} 分）",
            node.title,
            decimal(node.range.0),
            decimal(node.range.1)
        ),
        &file,
        node.span,
        "需要评审评分".to_string(),
    );
    problem.severity = Severity::Advice;
    problem.help = Some(match &node.says {
        Some(s) => format!("评分标准：{s}\n{hints}{}", super::report::HOW_TO_REVIEW),
        None => format!("{hints}{}", super::report::HOW_TO_REVIEW),
    });
    problem
}

/// Each named value as `name = value`, a computed number with its cells.
fn traced(
    report: &Report<'_>,
    values: &[(String, crate::data::Value)],
    computed_from: &[(String, Vec<crate::data::PlaceId>)],
) -> Vec<String> {
    values
        .iter()
        .map(|(n, v)| report.named_traced(n, v, computed_from))
        .collect()
}

/// A further paragraph of a problem's help.
fn add_help(problem: &mut Problem, line: String) {
    problem.help = Some(match problem.help.take() {
        Some(h) => format!("{h}\n{line}"),
        None => line,
    });
}

/// A label drawn under a rule line fits the text width: the values are cut
/// (with `…`) rather than drawn as a line of hundreds of columns.
fn fit_label(label: &str) -> String {
    fit(label, crate::diag::text_width().saturating_sub(40).max(30))
}

/// A finding's name (its check's words) on its own line, within the width.
fn fit_name(name: &str) -> String {
    fit(name, crate::diag::text_width().saturating_sub(4))
}

/// `text` cut to `room` columns, ending in `…` where cut.
fn fit(text: &str, room: usize) -> String {
    if display_width(text) <= room {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = display_width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// A criterion's heading: its title, as the sheet prints it, and its id
/// (the name review files and rule tests use), as the Markdown report has it.
fn node_heading(node: &NodeOutcome) -> String {
    format!("{}（{}）", node.title, node.id)
}
