//! `--format html`: the same report as Markdown, as one self-contained HTML
//! file: inline CSS, no scripts, no external fonts or styles; laid out for A4
//! (`@page`, `@media print`), each unit starting on a new page when several
//! are printed together.

use super::report::{Draw, judged_hints, lay_out};
use super::snippet::{
    Evidence, Excerpt, basis_word, data_places, evidence, excerpt, kind_word, node_notes,
    severity_word,
};
use super::{Report, decimal};
use crate::data::Submission;
use crate::diag::Problem;
use crate::eval::outcome::{Deduction, NodeOutcome, Outcome, Status};
use crate::ir::{RuleSet, Severity};
use crate::source::Span;
use std::fmt::Write as _;

/// The style sheet, inline in every document.
const STYLE: &str = r#"
@page { size: A4; margin: 16mm 14mm 16mm;
  @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 8.5pt; color: #5f6b7a; } }
:root {
  --ink: #1f2933; --muted: #5f6b7a; --line: #d5dbe2; --soft: #f3f5f8;
  --accent: #1d4e89; --lost: #b42318;
  --error: #b42318; --error-bg: #fde8e6;
  --warning: #9a4a00; --warning-bg: #fff1dc;
  --info: #1f5fae; --info-bg: #e5efff;
}
* { box-sizing: border-box; }
html { font-size: 10.5pt; }
body {
  margin: 0; color: var(--ink); background: #e9edf1; line-height: 1.55;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
    "Microsoft YaHei", "WenQuanYi Micro Hei", "Hiragino Sans GB", sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
.unit { width: 210mm; max-width: 100%; margin: 8mm auto; padding: 14mm 14mm 16mm;
  background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
@media print {
  body { background: #fff; }
  .unit { width: auto; margin: 0; padding: 0; box-shadow: none; }
  .unit + .unit, .failures { break-before: page; }
}
header.top { border-bottom: 2px solid var(--accent); padding-bottom: 4mm; margin-bottom: 5mm; }
.kicker { color: var(--accent); font-weight: 700; letter-spacing: .08em; font-size: .95rem; }
h1 { font-size: 1.55rem; margin: 1mm 0 2mm; line-height: 1.3; }
.meta { color: var(--muted); }
.headline { display: flex; align-items: flex-end; justify-content: space-between; gap: 6mm; margin-top: 3mm; }
.total { white-space: nowrap; }
.total .big { font-size: 2.6rem; font-weight: 700; color: var(--accent); line-height: 1; }
.total .of { font-size: 1.1rem; color: var(--muted); margin-left: .3em; }
.badge { display: inline-block; padding: .05em .6em; border-radius: 1em; font-size: .85rem;
  font-weight: 700; vertical-align: middle; margin-left: .6em; border: 1px solid currentColor; }
.badge.final { color: #0f6b3d; background: #e3f4ea; }
.badge.pending { color: var(--warning); background: var(--warning-bg); }
.badge.error { color: var(--error); background: var(--error-bg); }
.badge.warning { color: var(--warning); background: var(--warning-bg); }
.badge.info { color: var(--info); background: var(--info-bg); }
dl.facts { display: grid; grid-template-columns: auto 1fr; gap: .5mm 4mm; margin: 0; font-size: .92rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
h2 { font-size: 1.2rem; color: var(--accent); margin: 7mm 0 3mm; padding-bottom: 1mm;
  border-bottom: 1px solid var(--line); break-after: avoid; }
h3 { font-size: 1.02rem; margin: 0 0 1.5mm; break-after: avoid; }
h3 .pts { color: var(--lost); white-space: nowrap; }
h3 .id, td.id { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace;
  color: var(--muted); font-weight: 400; font-size: .82rem; }
table.sheet { width: 100%; border-collapse: collapse; font-size: .92rem; }
table.sheet th, table.sheet td { border: 1px solid var(--line); padding: 1.2mm 2mm; vertical-align: middle; }
table.sheet th { background: var(--soft); font-weight: 700; text-align: center; }
table.sheet td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.sheet td.lost { color: var(--lost); font-weight: 700; }
table.sheet td.pending { color: var(--warning); }
table.sheet tr.d0 td { background: #f7f9fb; font-weight: 700; }
table.sheet tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
table.sheet tr { break-inside: avoid; }
table.sheet tr.d1 td:first-child { padding-left: 6mm; }
table.judged { width: 100%; border-collapse: collapse; font-size: .9rem; margin: 2mm 0 4mm; }
table.judged th, table.judged td { border: 1px solid var(--line); padding: 1mm 2mm; vertical-align: top; }
table.judged th { background: var(--soft); white-space: nowrap; }
table.judged td:nth-child(4) { white-space: nowrap; text-align: right; }
table.judged td:nth-child(2), table.judged td:nth-child(3), table.judged td:nth-child(6) { white-space: nowrap; }
.sign { margin-top: 8mm; display: flex; gap: 12mm; break-inside: avoid; break-before: avoid; font-size: 1rem; }
.sign span { flex: 1; border-bottom: 1px solid var(--ink); padding-bottom: 1mm; }
dd, td.num, .big { white-space: nowrap; }
table.judged tr { break-inside: avoid; }
table.sheet tr.d2 td:first-child { padding-left: 11mm; }
table.sheet tr.d3 td:first-child { padding-left: 16mm; }
.item { border: 1px solid var(--line); border-left: 4px solid var(--lost); border-radius: 2px;
  padding: 3mm 4mm; margin: 0 0 4mm; break-inside: avoid; }
.item.pending { border-left-color: var(--warning); }
.item.error { border-left-color: var(--error); }
.item.warning { border-left-color: var(--warning); }
.item.info { border-left-color: var(--info); }
/* A finding's card may run on to the next page between its parts (its
   heading kept with what follows, each excerpt whole): kept whole, the
   longer ones left half a page blank before them. */
.item.error, .item.warning, .item.info { break-inside: auto; }
.item h3 + *, ul.values li, blockquote.says { break-inside: avoid; }
.item p.label { break-after: avoid; }
.item p { margin: 1mm 0; }
.item .label { color: var(--muted); }
blockquote.says { margin: 2mm 0; padding: 1.5mm 3mm; background: var(--soft);
  border-left: 3px solid #9aa5b1; color: #323f4b; font-size: .92rem; }
blockquote.says::before { content: "评分表原文："; color: var(--muted); font-weight: 700; }
blockquote.says.check::before { content: "检查内容："; }
ul.values { margin: 1mm 0; padding-left: 5mm; font-size: .92rem; }
ul.values code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; color: var(--accent); }
figure.code { margin: 2mm 0 0; break-inside: avoid; }
figure.code figcaption { font-size: .82rem; color: var(--muted); margin-bottom: .5mm; }
figure.code figcaption code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; }
.src { border: 1px solid var(--line); background: #fbfcfd; border-radius: 2px; padding: 1mm 0;
  font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", "Noto Sans Mono", Consolas, monospace;
  font-size: .8rem; line-height: 1.5; }
.src .l { display: flex; }
.src .n { flex: 0 0 3.2em; text-align: right; padding-right: .7em; color: #9aa5b1;
  border-right: 1px solid var(--line); margin-right: .7em; user-select: none; }
.src .t { white-space: pre-wrap; word-break: break-all; flex: 1; padding-right: 2mm; }
.src .l.ctx .t { color: #7b8794; }
.src .l.hit .n { color: var(--lost); font-weight: 700; }
.src mark { background: #ffe27a; color: inherit; border-bottom: 2px solid #d97706; padding: 0 1px; }
.empty { color: var(--muted); }
.failures li { margin-bottom: 2mm; }
footer.note { margin-top: 8mm; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--line); padding-top: 2mm; }
"#;

/// One unit's report as a whole HTML document.
pub fn render_html(outcome: &Outcome, rules: &RuleSet, submission: &Submission) -> String {
    let title = format!(
        "{}（{} 年度）绩效自评考核评分报告",
        outcome.unit, outcome.year
    );
    html_document(&title, &html_unit(outcome, rules, submission))
}

/// A document around one or more units' reports (`html_unit`) and perhaps
/// a list of failures (`html_failures`).
/// The title heads every printed page.
pub fn html_document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}\n@page {{ @top-center {{ content: \"{}\"; font-size: 8.5pt; color: #5f6b7a; }} }}\n</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title),
        super::css_string(title)
    )
}

/// The inputs of a batch that could not be scored, as a section.
pub fn html_failures(failures: &[(String, Vec<Problem>)]) -> String {
    let mut out = String::from(
        "<article class=\"unit failures\">\n<header class=\"top\"><div class=\"kicker\">绩效自评工作考核评分</div><h1>未能评分的材料</h1></header>\n<ul>\n",
    );
    for (file, problems) in failures {
        let _ = write!(out, "<li><code>{}</code><ul>", esc(file));
        for p in problems {
            let at = p
                .location()
                .map(|(_, line, col)| format!("第 {line} 行第 {col} 列："))
                .unwrap_or_default();
            let _ = write!(out, "<li>{}{}", esc(&at), with_code(&p.message));
            if let Some(help) = &p.help {
                let _ = write!(
                    out,
                    "<br><span class=\"label\">建议：</span>{}",
                    with_code(help)
                );
            }
            out.push_str("</li>");
        }
        out.push_str("</ul></li>\n");
    }
    out.push_str("</ul>\n</article>\n");
    out
}

/// A message escaped, its `quoted` names (a tier, a key) as code rather
/// than with the backticks the terminal shows. Backticks that do not pair
/// are left as they are.
fn with_code(text: &str) -> String {
    if text.matches('`').count() % 2 == 1 {
        return esc(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        match i % 2 {
            1 => {
                let _ = write!(out, "<code>{}</code>", esc(part));
            }
            _ => out.push_str(&esc(part)),
        }
    }
    out
}

/// One unit's report as an `<article>`, for `html_document`.
pub fn html_unit(outcome: &Outcome, rules: &RuleSet, submission: &Submission) -> String {
    let report = Report::new(outcome, rules, submission);
    let mut doc = Html(
        String::from("<article class=\"unit\">\n"),
        anchor(&submission.source.name),
    );
    lay_out(&mut doc, &report);
    let mut out = doc.0;
    out.push_str(
        "<div class=\"sign\"><span>评审人：</span><span>复核人：</span><span>日期：</span></div>\n",
    );
    let _ = writeln!(
        out,
        "<footer class=\"note\">本底稿按评分规则自动生成；每处失分和检查发现均附规则原文（标黄处为起作用的表达式）与报送材料中的对应位置。</footer>\n</article>"
    );
    out
}

/// The HTML backend: each part of the report drawn as HTML, and the
/// unit's anchor prefix (`anchor`).
struct Html(String, String);

/// A prefix for the ids a unit's report links to (its findings), made from
/// its input's name: unique among the units of one document, the same in
/// every run.
fn anchor(name: &str) -> String {
    // FNV-1a: a few bytes of the name, spread.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("u{:08x}", hash >> 32)
}

impl Draw for Html {
    fn heading(&mut self, number: &str, title: &str) {
        let _ = writeln!(self.0, "<h2>{number}、{title}</h2>");
    }

    fn header(&mut self, report: &Report<'_>) {
        header(&mut self.0, report.outcome, report.submission, report.rules);
    }

    fn criteria(&mut self, report: &Report<'_>) {
        table(&mut self.0, report);
    }

    fn judgments(&mut self, rows: &[[String; 7]]) {
        self.0.push_str("<table class=\"judged\"><thead><tr><th>评分项</th><th>评审人</th><th>档次</th><th>得分</th><th>评审意见</th><th>合成</th><th>评审位置</th></tr></thead><tbody>\n");
        for row in rows {
            self.0.push_str("<tr>");
            for c in row {
                let _ = write!(self.0, "<td>{}</td>", esc(c));
            }
            self.0.push_str("</tr>\n");
        }
        self.0.push_str("</tbody></table>\n");
    }

    fn full_marks(&mut self, rows: &[[String; 3]]) {
        self.0.push_str("<ul class=\"full\">\n");
        for [title, max, why] in rows {
            let _ = writeln!(
                self.0,
                "<li><span class=\"label\">{}</span>（{max} 分，得满分）：{}</li>",
                esc(title),
                esc(why)
            );
        }
        self.0.push_str("</ul>\n");
    }

    fn deduction(&mut self, number: usize, node: &NodeOutcome, d: &Deduction, report: &Report<'_>) {
        let out = &mut self.0;
        out.push_str("<div class=\"item\">\n");
        let _ = writeln!(
            out,
            "<h3>{number}. {} <span class=\"id\">{}</span> <span class=\"pts\">扣 {} 分</span></h3>",
            esc(&node.title),
            esc(&node.id),
            decimal(d.points)
        );
        let _ = writeln!(
            out,
            "<p><span class=\"label\">原因（{}）：</span>{}</p>",
            kind_word(d.kind),
            esc(&d.message)
        );
        for note in node_notes(node, d) {
            let _ = writeln!(
                out,
                "<p><span class=\"label\">备注：</span>{}</p>",
                esc(note)
            );
        }
        for (label, value) in judged_hints(node, d) {
            let _ = writeln!(
                out,
                "<p><span class=\"label\">提示：</span>{}：{}</p>",
                esc(label),
                esc(value)
            );
        }
        related_findings(out, &self.1, report.lost_point_findings(node, d));
        if let Some(says) = &node.says {
            let _ = writeln!(out, "<blockquote class=\"says\">{}</blockquote>", esc(says));
        }
        values(
            out,
            &report.with_params(d.span, &d.values),
            &d.computed_from,
            report,
        );
        rule_snippet(out, report.rules, d.span, d.focus);
        data_snippets(
            out,
            report,
            &data_places(report, &d.places, &d.values, d.review_at.as_ref()),
        );
        out.push_str("</div>\n");
    }

    fn pending(&mut self, number: usize, node: &NodeOutcome, report: &Report<'_>) {
        let out = &mut self.0;
        let rules = report.rules;
        out.push_str("<div class=\"item pending\">\n");
        let _ = writeln!(
            out,
            "<h3>{number}. {} <span class=\"id\">{}</span> <span class=\"badge pending\">待评审 {}–{} 分</span></h3>",
            esc(&node.title),
            esc(&node.id),
            decimal(node.range.0),
            decimal(node.range.1)
        );
        for (label, value) in &node.hints {
            let _ = writeln!(
                out,
                "<p><span class=\"label\">{}：</span>{}</p>",
                esc(label),
                esc(value)
            );
        }
        related_findings(out, &self.1, report.criterion_findings(&node.id));
        let _ = writeln!(
            out,
            "<p><span class=\"label\">评审方法：</span>{}</p>",
            super::report::HOW_TO_REVIEW
        );
        if let Some(says) = &node.says {
            let _ = writeln!(out, "<blockquote class=\"says\">{}</blockquote>", esc(says));
        }
        rule_snippet(out, rules, node.span, node.span);
        out.push_str("</div>\n");
    }

    fn import_notes(&mut self, notes: &[String]) {
        let out = &mut self.0;
        let _ = writeln!(
            out,
            "<p class=\"label\">{}</p><ul class=\"values\">",
            esc(super::report::IMPORT_NOTES_LEAD)
        );
        for n in notes {
            let _ = writeln!(out, "<li>{}</li>", esc(n));
        }
        out.push_str("</ul>\n");
    }

    fn findings(&mut self, report: &Report<'_>) {
        let out = &mut self.0;
        let all = report.findings();
        if all.is_empty() {
            out.push_str("<p class=\"empty\">未发现问题。</p>\n");
            return;
        }
        let mut number = 0;
        for (severity, group) in report.findings_by_severity() {
            let class = severity.as_str();
            let _ = writeln!(
                out,
                "<h3 class=\"group\"><span class=\"badge {class}\">{}</span> {} 项</h3>",
                severity_word(severity),
                group.len()
            );
            for f in group {
                number += 1;
                let _ = writeln!(
                    out,
                    "<div class=\"item {class}\" id=\"{}-f{number}\">",
                    self.1
                );
                let _ = writeln!(out, "<h3>{number}. {}</h3>", esc(&f.message));
                if let Some(says) = &f.says {
                    let _ = writeln!(
                        out,
                        "<blockquote class=\"says check\">{}</blockquote>",
                        esc(says)
                    );
                }
                values(
                    out,
                    &report.with_params(f.span, &f.values),
                    &f.computed_from,
                    report,
                );
                for g in report.related(f) {
                    let _ = writeln!(
                        out,
                        "<p><span class=\"label\">同一问题另见：</span>{}</p>",
                        esc(&g.message)
                    );
                }
                rule_snippet(out, report.rules, f.span, f.focus);
                data_snippets(
                    out,
                    report,
                    &data_places(report, &f.places, &f.values, None),
                );
                out.push_str("</div>\n");
            }
        }
    }
}

fn header(out: &mut String, outcome: &Outcome, submission: &Submission, rules: &RuleSet) {
    out.push_str("<header class=\"top\">\n<div class=\"kicker\">绩效自评工作考核评分报告</div>\n");
    let _ = writeln!(out, "<h1>{}</h1>", esc(&outcome.unit));
    let _ = writeln!(
        out,
        "<div class=\"meta\">{} 年度 · {}</div>",
        outcome.year,
        esc(&outcome.rules)
    );
    out.push_str("<div class=\"headline\">\n<dl class=\"facts\">");
    let count = |s: Severity| outcome.findings.iter().filter(|f| f.severity == s).count();
    // Pending: the points lost already are those the highest possible
    // total lacks; the rest waits for the judgments.
    let lost = match outcome.score {
        Some(s) => format!("{} 分", decimal(outcome.max - s)),
        None if outcome.range.1 < outcome.max => format!(
            "已失 {} 分，其余待评审后确定",
            decimal(outcome.max - outcome.range.1)
        ),
        None => "待评审后确定".to_string(),
    };
    let _ = write!(out, "<dt>失分</dt><dd>{lost}</dd>");
    let _ = write!(
        out,
        "<dt>检查发现</dt><dd>错误 {} 项，警告 {} 项，提示 {} 项</dd>",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    let file = std::path::Path::new(&submission.source.name)
        .file_name()
        .map_or_else(
            || submission.source.name.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
    let _ = write!(out, "<dt>材料文件</dt><dd>{}</dd>", esc(&file));
    if let Some(received) = submission.received_on() {
        let deadline = match rules.param("deadline") {
            Some(crate::data::Value::Date(d)) => format!("（截止 {d}）"),
            _ => String::new(),
        };
        let _ = write!(out, "<dt>送达日期</dt><dd>{received}{deadline}</dd>");
    }
    // Each reviewer with the date of their own review (the latest, where
    // one reviewer's judgments carry several).
    let mut reviewers: Vec<(String, Option<crate::data::Date>)> = Vec::new();
    super::snippet::each_judgment(outcome, &mut |j| {
        let who = j.who();
        match reviewers.iter_mut().find(|(name, _)| name == who) {
            Some((_, on)) => *on = (*on).max(j.reviewed_on),
            None => reviewers.push((who.to_string(), j.reviewed_on)),
        }
    });
    if !reviewers.is_empty() {
        let each: Vec<String> = reviewers
            .iter()
            .map(|(who, on)| match on {
                Some(d) => format!("{who}（{d}）"),
                None => who.clone(),
            })
            .collect();
        let _ = write!(out, "<dt>评审人</dt><dd>{}</dd>", esc(&each.join("、")));
    }
    out.push_str("</dl>\n<div class=\"total\">");
    match (outcome.status, outcome.score) {
        (Status::Final, Some(score)) => {
            let _ = write!(
                out,
                "<span class=\"big\">{}</span><span class=\"of\">/ {} 分</span><span class=\"badge final\">已定分</span>",
                decimal(score),
                decimal(outcome.max)
            );
        }
        _ => {
            let _ = write!(
                out,
                "<span class=\"big\">{}–{}</span><span class=\"of\">/ {} 分</span><span class=\"badge pending\">待评审</span>",
                decimal(outcome.range.0),
                decimal(outcome.range.1),
                decimal(outcome.max)
            );
        }
    }
    out.push_str("</div>\n</div>\n</header>\n");
}

fn table(out: &mut String, report: &Report<'_>) {
    let outcome = report.outcome;
    out.push_str(
        "<table class=\"sheet\">\n<thead><tr><th>评分项</th><th>编号</th><th>分值</th><th>得分</th><th>失分</th><th>依据</th></tr></thead>\n<tbody>\n",
    );
    fn rows(out: &mut String, n: &NodeOutcome, depth: usize) {
        let (score, lost, class) = match n.score {
            Some(s) if s < n.max => (decimal(s), decimal(n.max - s), "num"),
            Some(s) => (decimal(s), String::new(), "num"),
            None => (
                format!("{}–{}", decimal(n.range.0), decimal(n.range.1)),
                String::new(),
                "num pending",
            ),
        };
        let _ = writeln!(
            out,
            "<tr class=\"d{}\"><td>{}</td><td class=\"id\">{}</td><td class=\"num\">{}</td><td class=\"{class}\">{score}</td><td class=\"num lost\">{lost}</td><td>{}</td></tr>",
            depth.min(3),
            esc(&n.title),
            esc(&n.id),
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
    let _ = writeln!(
        out,
        "<tr class=\"total\"><td>合计</td><td></td><td class=\"num\">{}</td><td class=\"num\">{total}</td><td class=\"num lost\">{lost}</td><td></td></tr>\n</tbody>\n</table>",
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
            let v = super::report::shorten(&report.shown(v));
            format!(
                "<li><code>{}</code> = {}{}</li>",
                esc(n),
                esc(&v),
                esc(&from)
            )
        })
        .collect();
    if !shown.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"label\">取值：</p><ul class=\"values\">{}</ul>",
            shown.concat()
        );
    }
}

fn rule_snippet(out: &mut String, rules: &RuleSet, span: Span, focus: Span) {
    let Some(file) = rules.files.get(usize::from(span.file)) else {
        return;
    };
    let e = excerpt(file, span, focus);
    let caption = format!("规则 <code>{}</code> 第 {} 行", esc(&e.name), e.line);
    figure(out, &caption, &e);
}

/// The submission's places: for a TOML file, its lines with the places
/// named in the documents' words; for a Word package, the places in words
/// with the Word table and row.
fn data_snippets(out: &mut String, report: &Report<'_>, data: &super::snippet::DataPlaces) {
    data_snippets_shown(out, report, &data.shown);
    if let Some(words) = data.left_off_words() {
        let _ = writeln!(out, "<p class=\"label\">{}</p>", esc(&words));
    }
}

fn data_snippets_shown(out: &mut String, report: &Report<'_>, places: &[super::PlaceView]) {
    if places.is_empty() {
        return;
    }
    match evidence(report, places) {
        Evidence::Word(lines) => {
            out.push_str("<p class=\"label\">报送材料中的位置：</p><ul class=\"places\">");
            for (place, at) in lines {
                let _ = write!(out, "<li>{}：{}</li>", esc(&place), esc(&at));
            }
            out.push_str("</ul>\n");
        }
        Evidence::Toml(excerpts, phrases) => {
            for (place, phrase) in phrases {
                let phrase = esc(&phrase)
                    .replace('【', "<mark>")
                    .replace('】', "</mark>");
                let _ = writeln!(
                    out,
                    "<p class=\"label\">{}：</p><blockquote class=\"phrase\">{phrase}</blockquote>",
                    esc(&place)
                );
            }
            for (e, named) in excerpts {
                let named: Vec<String> = named.iter().map(|n| esc(n)).collect();
                let caption = format!(
                    "报送材料 <code>{}</code> 第 {} 行：{}",
                    esc(&e.name),
                    e.line,
                    named.join("；")
                );
                figure(out, &caption, &e);
            }
        }
    }
}

fn figure(out: &mut String, caption: &str, e: &Excerpt) {
    let _ = write!(
        out,
        "<figure class=\"code\"><figcaption>{caption}</figcaption><div class=\"src\">"
    );
    for l in &e.lines {
        let class = match (l.context, l.marks.is_empty()) {
            (_, false) => "l hit",
            (true, true) => "l ctx",
            (false, true) => "l",
        };
        let number = l.number.map(|n| n.to_string()).unwrap_or_default();
        let mut text = String::new();
        let mut at = 0;
        for (a, b) in &l.marks {
            text.push_str(&esc(l.text.get(at..*a).unwrap_or("")));
            text.push_str("<mark>");
            text.push_str(&esc(l.text.get(*a..*b).unwrap_or("")));
            text.push_str("</mark>");
            at = *b;
        }
        text.push_str(&esc(l.text.get(at..).unwrap_or("")));
        let _ = write!(
            out,
            "<div class=\"{class}\"><span class=\"n\">{number}</span><span class=\"t\">{text}</span></div>"
        );
    }
    out.push_str("</div></figure>\n");
}

/// Text safe in HTML content and attribute values.
fn esc(s: &str) -> String {
    super::html_escape(s)
}

/// The findings of the checks a criterion names, each with its number in
/// the findings below.
fn related_findings(
    out: &mut String,
    anchor: &str,
    findings: Vec<(usize, &crate::eval::outcome::Finding)>,
) {
    for (number, f) in findings {
        let _ = writeln!(
            out,
            "<p><span class=\"label\">{}（<a href=\"#{anchor}-f{number}\">检查发现第 {number} 条</a>，{}）：</span>{}</p>",
            super::report::RELATED_FINDING,
            super::snippet::severity_word(f.severity),
            esc(&f.message)
        );
    }
}

#[cfg(test)]
mod code_tests {
    use super::with_code;

    #[test]
    fn quoted_names_become_code() {
        assert_eq!(
            with_code("您是不是想写 `较全面`？<b>"),
            "您是不是想写 <code>较全面</code>？&lt;b&gt;"
        );
        assert_eq!(with_code("一个 ` 落单"), "一个 ` 落单");
    }
}
