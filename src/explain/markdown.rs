//! `--format markdown`: one unit's report for people. The header (unit,
//! year, rules, total, status), the table of criteria as on the printed
//! sheet, every lost point with the rule's own lines (the responsible
//! expression underlined), the values, the sheet's words and the
//! submission's cell, the criteria awaiting a judgment, then the findings
//! grouped by severity.

use super::report::{Draw, judged_hints, lay_out};
use super::snippet::{
    Evidence, Excerpt, basis_word, data_places, display_width, evidence, excerpt, kind_word,
    node_notes, severity_word,
};
use super::{Report, decimal};
use crate::data::Submission;
use crate::diag::Problem;
use crate::eval::outcome::{Deduction, NodeOutcome, Outcome, Status};
use crate::ir::{RuleSet, Severity};
use crate::source::Span;
use std::fmt::Write as _;

/// The whole Markdown report of one submission.
pub fn render_markdown(outcome: &Outcome, rules: &RuleSet, submission: &Submission) -> String {
    let report = Report::new(outcome, rules, submission);
    let mut doc = Markdown(String::new());
    lay_out(&mut doc, &report);
    doc.0
}

/// The Markdown backend: each part of the report drawn as Markdown.
struct Markdown(String);

impl Draw for Markdown {
    fn heading(&mut self, number: &str, title: &str) {
        let _ = writeln!(self.0, "## {number}、{title}\n");
    }

    fn header(&mut self, report: &Report<'_>) {
        header(&mut self.0, report.outcome, report.submission);
    }

    fn criteria(&mut self, report: &Report<'_>) {
        table(&mut self.0, report);
    }

    fn judgments(&mut self, rows: &[[String; 7]]) {
        let _ = writeln!(
            self.0,
            "| 评分项 | 评审人 | 档次 | 得分 | 评审意见 | 合成 | 评审位置 |\n|:--|:--|:--|--:|:--|:--|:--|"
        );
        for row in rows {
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            let _ = writeln!(self.0, "| {} |", cells.join(" | "));
        }
        self.0.push('\n');
    }

    fn full_marks(&mut self, rows: &[[String; 3]]) {
        for [title, max, why] in rows {
            let _ = writeln!(
                self.0,
                "- {}（{max} 分，得满分）：{}",
                escape(title),
                escape(why)
            );
        }
        self.0.push('\n');
    }

    fn deduction(&mut self, number: usize, node: &NodeOutcome, d: &Deduction, report: &Report<'_>) {
        let out = &mut self.0;
        let _ = writeln!(
            out,
            "### {number}. {}（`{}`）：扣 {} 分\n",
            escape(&node.title),
            node.id,
            decimal(d.points)
        );
        let _ = writeln!(out, "- 原因：{}", escape(&d.message));
        let _ = writeln!(out, "- 方式：{}", kind_word(d.kind));
        values(
            out,
            &report.with_params(d.span, &d.values),
            &d.computed_from,
            report,
        );
        for note in node_notes(node, d) {
            let _ = writeln!(out, "- 备注：{}", escape(note));
        }
        // What the reviewers were shown (hints), beside what they judged.
        for (label, value) in judged_hints(node, d) {
            let _ = writeln!(out, "- 提示：{}：{}", escape(label), escape(value));
        }
        for (number, f) in report.lost_point_findings(node, d) {
            let words = super::report::related_finding_words(Some(number), f);
            let _ = writeln!(out, "- {}", escape(&words));
        }
        out.push('\n');
        if let Some(says) = &node.says {
            let _ = writeln!(out, "评分表原文：\n\n> {}\n", escape(says));
        }
        rule_snippet(out, report.rules, d.span, d.focus);
        data_snippets(
            out,
            report,
            &data_places(report, &d.places, &d.values, d.review_at.as_ref()),
        );
    }

    fn pending(&mut self, number: usize, node: &NodeOutcome, report: &Report<'_>) {
        let out = &mut self.0;
        let rules = report.rules;
        let _ = writeln!(
            out,
            "### {number}. {}（`{}`）：待评审，{}–{} 分\n",
            escape(&node.title),
            node.id,
            decimal(node.range.0),
            decimal(node.range.1)
        );
        for (label, value) in &node.hints {
            let _ = writeln!(out, "- {}：{}", escape(label), escape(value));
        }
        for (number, f) in report.criterion_findings(&node.id) {
            let words = super::report::related_finding_words(Some(number), f);
            let _ = writeln!(out, "- {}", escape(&words));
        }
        let _ = writeln!(out, "- 评审方法：{}\n", super::report::HOW_TO_REVIEW);
        if let Some(says) = &node.says {
            let _ = writeln!(out, "评分表原文：\n\n> {}\n", escape(says));
        }
        rule_snippet(out, rules, node.span, node.span);
    }

    fn import_notes(&mut self, notes: &[String]) {
        let out = &mut self.0;
        let _ = writeln!(out, "{}\n", escape(super::report::IMPORT_NOTES_LEAD));
        for n in notes {
            let _ = writeln!(out, "- {}", escape(n));
        }
        out.push('\n');
    }

    fn findings(&mut self, report: &Report<'_>) {
        let out = &mut self.0;
        let all = report.findings();
        if all.is_empty() {
            let _ = writeln!(out, "未发现问题。\n");
            return;
        }
        let mut number = 0;
        for (severity, group) in report.findings_by_severity() {
            let _ = writeln!(
                out,
                "### {}（{} 项）\n",
                severity_word(severity),
                group.len()
            );
            for f in group {
                number += 1;
                let _ = writeln!(out, "#### {number}. {}\n", escape(&f.message));
                if let Some(says) = &f.says {
                    let _ = writeln!(out, "- 检查内容：{}", escape(says));
                }
                values(
                    out,
                    &report.with_params(f.span, &f.values),
                    &f.computed_from,
                    report,
                );
                for g in report.related(f) {
                    let _ = writeln!(out, "- 同一问题另见：{}", escape(&g.message));
                }
                out.push('\n');
                rule_snippet(out, report.rules, f.span, f.focus);
                data_snippets(
                    out,
                    report,
                    &data_places(report, &f.places, &f.values, None),
                );
            }
        }
    }
}

/// The inputs of a batch that could not be scored, for the end of a
/// combined report.
pub fn markdown_failures(failures: &[(String, Vec<Problem>)]) -> String {
    let mut out = String::from("# 未能评分的材料\n\n");
    for (file, problems) in failures {
        let _ = writeln!(out, "## `{}`\n", code_text(file));
        for p in problems {
            let at = p
                .location()
                .map(|(_, line, col)| format!("第 {line} 行第 {col} 列："))
                .unwrap_or_default();
            let _ = writeln!(out, "- {at}{}", escape(&p.message));
            if let Some(help) = &p.help {
                let _ = writeln!(out, "  - 建议：{}", escape(help));
            }
        }
        out.push('\n');
    }
    out
}

fn header(out: &mut String, outcome: &Outcome, submission: &Submission) {
    let _ = writeln!(out, "# 绩效自评工作考核评分报告\n");
    let _ = writeln!(out, "| 项目 | 内容 |\n|:--|:--|");
    let _ = writeln!(out, "| 单位 | {} |", cell(&outcome.unit));
    let _ = writeln!(out, "| 年度 | {} |", outcome.year);
    let _ = writeln!(out, "| 评分表 | {} |", cell(&outcome.rules));
    match (outcome.status, outcome.score) {
        (Status::Final, Some(score)) => {
            let _ = writeln!(
                out,
                "| 总分 | **{}** / {} |",
                decimal(score),
                decimal(outcome.max)
            );
            let _ = writeln!(out, "| 状态 | 已定分 |");
        }
        _ => {
            let _ = writeln!(
                out,
                "| 总分 | 待评审，可能范围 **{}–{}** / {} |",
                decimal(outcome.range.0),
                decimal(outcome.range.1),
                decimal(outcome.max)
            );
            let _ = writeln!(out, "| 状态 | 待评审 |");
        }
    }
    let count = |s: Severity| outcome.findings.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        out,
        "| 检查发现 | 错误 {} 项，警告 {} 项，提示 {} 项 |",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    let _ = writeln!(
        out,
        "| 报送材料 | `{}` |\n",
        code_text(&submission.source.name)
    );
}

fn table(out: &mut String, report: &Report<'_>) {
    let outcome = report.outcome;
    let _ = writeln!(
        out,
        "| 评分项 | 编号 | 分值 | 得分 | 失分 | 依据 |\n|:--|:--|--:|--:|--:|:--|"
    );
    fn rows(out: &mut String, n: &NodeOutcome, depth: usize) {
        let title = format!("{}{}", "\u{3000}".repeat(depth), cell(&n.title));
        let title = if depth == 0 {
            format!("**{title}**")
        } else {
            title
        };
        let (score, lost) = match n.score {
            Some(s) if s < n.max => (decimal(s), decimal(n.max - s)),
            Some(s) => (decimal(s), String::new()),
            None => (
                format!("{}–{}", decimal(n.range.0), decimal(n.range.1)),
                String::new(),
            ),
        };
        let _ = writeln!(
            out,
            "| {title} | `{}` | {} | {score} | {lost} | {} |",
            n.id,
            decimal(n.max),
            basis_word(n.basis)
        );
        for c in &n.children {
            rows(out, c, depth + 1);
        }
    }
    for n in &outcome.nodes {
        rows(out, n, 0);
    }
    let (total, lost) = report.total_and_lost();
    let total = if outcome.score.is_some() {
        format!("**{total}**")
    } else {
        total
    };
    let _ = writeln!(
        out,
        "| **合计** | | {} | {total} | {lost} | |\n",
        decimal(outcome.max)
    );
}

fn values(
    out: &mut String,
    values: &[(String, crate::data::Value)],
    computed_from: &[(String, Vec<crate::data::PlaceId>)],
    report: &Report<'_>,
) {
    let shown: Vec<String> = values
        .iter()
        .map(|(n, v)| {
            let from = computed_from
                .iter()
                .find(|(name, _)| name == n)
                .and_then(|(_, places)| report.derivation(v, places))
                .or_else(|| report.param_source(n))
                .unwrap_or_default();
            format!(
                "`{n}` = {}{}",
                escape(&super::report::shorten(&report.shown(v))),
                escape(&from)
            )
        })
        .collect();
    if !shown.is_empty() {
        let _ = writeln!(out, "- 取值：{}", shown.join("；"));
    }
}

fn rule_snippet(out: &mut String, rules: &RuleSet, span: Span, focus: Span) {
    let Some(file) = rules.files.get(usize::from(span.file)) else {
        return;
    };
    let e = excerpt(file, span, focus);
    let _ = writeln!(out, "规则 `{}` 第 {} 行：\n", code_text(&e.name), e.line);
    fenced(out, &e);
}

/// The submission's places: for a TOML file, its lines with the places
/// named in the documents' words; for a Word package, the places in words
/// with the Word table and row (its TOML lines exist only in memory).
fn data_snippets(out: &mut String, report: &Report<'_>, data: &super::snippet::DataPlaces) {
    data_snippets_shown(out, report, &data.shown);
    if let Some(words) = data.left_off_words() {
        let _ = writeln!(out, "{}\n", escape(&words));
    }
}

fn data_snippets_shown(out: &mut String, report: &Report<'_>, places: &[super::PlaceView]) {
    if places.is_empty() {
        return;
    }
    match evidence(report, places) {
        Evidence::Word(lines) => {
            let _ = writeln!(out, "报送材料中的位置：\n");
            for (place, at) in lines {
                let _ = writeln!(out, "- {}：{}", escape(&place), escape(&at));
            }
            out.push('\n');
        }
        Evidence::Toml(excerpts, phrases) => {
            for (place, phrase) in phrases {
                let _ = writeln!(out, "{}：\n\n> {}\n", escape(&place), escape(&phrase));
            }
            for (e, named) in excerpts {
                let named: Vec<String> = named.iter().map(|n| escape(n)).collect();
                let _ = writeln!(
                    out,
                    "报送材料 `{}` 第 {} 行，{}：\n",
                    code_text(&e.name),
                    e.line,
                    named.join("；")
                );
                fenced(out, &e);
            }
        }
    }
}

/// An excerpt as a fenced block: numbered lines; a single marked line is
/// underlined with `^`, several are flagged with `▶` in the gutter.
fn fenced(out: &mut String, e: &Excerpt) {
    let width = e
        .lines
        .iter()
        .filter_map(|l| l.number)
        .max()
        .unwrap_or(0)
        .to_string()
        .len();
    let marked = e.lines.iter().filter(|l| !l.marks.is_empty()).count();
    let longest_ticks = e
        .lines
        .iter()
        .map(|l| longest_run(&l.text, '`'))
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest_ticks.max(2) + 1);
    let _ = writeln!(out, "{fence}text");
    for l in &e.lines {
        let number = l.number.map(|n| n.to_string()).unwrap_or_default();
        let gutter = if marked > 1 && !l.marks.is_empty() {
            '▶'
        } else {
            '│'
        };
        let _ = writeln!(out, "{number:>width$} {gutter} {}", l.text);
        if marked == 1 && !l.marks.is_empty() {
            let mut under = String::new();
            let mut column = 0;
            for (a, b) in &l.marks {
                let before = display_width(l.text.get(..*a).unwrap_or(""));
                under.push_str(&" ".repeat(before.saturating_sub(column)));
                let w = display_width(l.text.get(*a..*b).unwrap_or("")).max(1);
                under.push_str(&"^".repeat(w));
                column = before + w;
            }
            let _ = writeln!(out, "{:width$} │ {under}", "");
        }
    }
    let _ = writeln!(out, "{fence}\n");
}

fn longest_run(s: &str, c: char) -> usize {
    s.split(|x| x != c).map(str::len).max().unwrap_or(0)
}

/// Text safe in running Markdown: punctuation that could start markup is
/// escaped, line breaks become spaces.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '#' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Text for a table cell.
fn cell(s: &str) -> String {
    escape(s)
}

/// Text inside backticks: backticks and line breaks are dropped.
fn code_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '`' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect()
}
