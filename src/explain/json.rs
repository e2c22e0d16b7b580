//! `--format json`, as `spec/cli.md` lays it out.
//!
//! The report is written straight from the outcome into bytes by
//! `JsonWriter`, not through a `serde_json::Value` (building and dropping
//! that tree was most of rendering a unit) nor through serde's serializer
//! (escaping each string byte by byte was the rest). The key order and the
//! bytes are those the `json!` objects gave (each decimal a string, as
//! `explain::decimal` writes it).

use super::json_writer::JsonWriter;
use super::{PlaceView, Report, SourcePlace};
use crate::data::{Submission, Value};
use crate::diag::Problem;
use crate::eval::outcome::{Deduction, Finding, JudgmentShown, NodeOutcome, Outcome, Status};
use crate::ir::RuleSet;
use serde_json::json;
use std::collections::HashMap;
use std::io;

/// One submission's outcome, as a JSON value.
pub fn outcome_json(
    outcome: &Outcome,
    rules: &RuleSet,
    submission: &Submission,
) -> serde_json::Value {
    let mut out = Vec::new();
    append_outcome_json(&mut out, outcome, rules, submission, 0);
    serde_json::from_slice(&out).unwrap_or_default()
}

/// One submission's outcome, pretty-printed into `out`, every line but the
/// first indented `depth` levels more (an item of the batch's array is at
/// depth 1), without a final newline.
pub fn write_outcome_json(
    out: &mut impl io::Write,
    outcome: &Outcome,
    rules: &RuleSet,
    submission: &Submission,
    depth: usize,
) -> serde_json::Result<()> {
    let mut bytes = Vec::with_capacity(64 * 1024);
    append_outcome_json(&mut bytes, outcome, rules, submission, depth);
    out.write_all(&bytes).map_err(serde_json::Error::io)
}

/// As `write_outcome_json`, appended to bytes in memory (which cannot
/// fail).
pub fn append_outcome_json(
    out: &mut Vec<u8>,
    outcome: &Outcome,
    rules: &RuleSet,
    submission: &Submission,
    depth: usize,
) {
    let report = Report::new(outcome, rules, submission);
    let mut w = JsonWriter::at(out, depth);
    outcome_object(&mut w, &report);
}

/// A lowest and highest score.
fn range(w: &mut JsonWriter<'_>, r: (rust_decimal::Decimal, rust_decimal::Decimal)) {
    w.open_array();
    w.item();
    w.decimal(r.0);
    w.item();
    w.decimal(r.1);
    w.close_array();
}

fn outcome_object(w: &mut JsonWriter<'_>, report: &Report<'_>) {
    let o = report.outcome;
    let status = match o.status {
        Status::Final => "final",
        Status::Pending => "pending",
    };
    w.open_object();
    w.key("format");
    w.uint(1);
    w.key("unit");
    w.string(&o.unit);
    w.key("year");
    w.int(o.year);
    w.key("rules");
    w.string(&o.rules);
    // What a program joins the summaries by (their 文件 column), and what
    // the notice's opening says: when the package arrived, who judged it.
    w.key("file");
    w.string(&report.submission.source.name);
    w.key("received_on");
    match report.submission.received_on() {
        Some(d) => w.plain_display(&d),
        None => w.null(),
    }
    w.key("reviewers");
    let mut reviewers: Vec<&str> = Vec::new();
    super::snippet::each_judgment(o, &mut |j| {
        if !reviewers.contains(&j.who()) {
            reviewers.push(j.who());
        }
    });
    w.open_array();
    for r in reviewers {
        w.item();
        w.string(r);
    }
    w.close_array();
    w.key("status");
    w.string(status);
    w.key("score");
    w.opt_decimal(o.score);
    w.key("max");
    w.decimal(o.max);
    w.key("range");
    range(w, o.range);
    w.key("criteria");
    w.open_array();
    for n in &o.nodes {
        w.item();
        node(w, n, report);
    }
    w.close_array();
    w.key("findings");
    w.open_array();
    for f in report.findings() {
        w.item();
        finding(w, f, report);
    }
    w.close_array();
    // A package imported from Word: what the import noted, as it said it.
    let notes = super::place::import_notes(report.submission);
    if !notes.is_empty() {
        w.key("import_notes");
        w.open_array();
        for n in &notes {
            w.item();
            w.string(n);
        }
        w.close_array();
    }
    w.close_object();
}

fn node(w: &mut JsonWriter<'_>, node: &NodeOutcome, report: &Report<'_>) {
    w.open_object();
    w.key("id");
    w.string(&node.id);
    w.key("title");
    w.string(&node.title);
    w.key("max");
    w.decimal(node.max);
    w.key("score");
    w.opt_decimal(node.score);
    w.key("range");
    range(w, node.range);
    w.key("basis");
    w.string(node.basis.as_str());
    w.key("deductions");
    w.open_array();
    for d in &node.deductions {
        w.item();
        deduction(w, d, report);
    }
    w.close_array();
    criterion_findings(w, &node.id, report);
    if !node.hints.is_empty() {
        // `{ "label": …, "value": … }` each.
        w.key("hints");
        w.open_array();
        for (label, value) in &node.hints {
            w.item();
            w.open_object();
            w.key("label");
            w.string(label);
            w.key("value");
            w.string(value);
            w.close_object();
        }
        w.close_array();
    }
    if !node.notes.is_empty() {
        w.key("notes");
        w.open_array();
        for note in &node.notes {
            w.item();
            w.string(note);
        }
        w.close_array();
    }
    if let Some(full) = &node.full {
        w.key("full");
        w.string(full);
    }
    if !node.judgments.is_empty() {
        w.key("judgments");
        judgments(w, &node.judgments, node.combined);
    }
    w.key("children");
    w.open_array();
    for c in &node.children {
        w.item();
        self::node(w, c, report);
    }
    w.close_array();
    w.close_object();
}

/// Which entries a JSON object keeps, in order: each key at its first
/// place with its last value, as inserting them one by one into a
/// `serde_json::Map` did.
fn kept<'k>(n: usize, key: impl Fn(usize) -> &'k str) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(n);
    if n <= 16 {
        for i in 0..n {
            let k = key(i);
            match out.iter_mut().find(|j| key(**j) == k) {
                Some(j) => *j = i,
                None => out.push(i),
            }
        }
    } else {
        let mut at: HashMap<&str, usize> = HashMap::with_capacity(n);
        for i in 0..n {
            let k = key(i);
            match at.get(k) {
                Some(&o) => {
                    if let Some(j) = out.get_mut(o) {
                        *j = i;
                    }
                }
                None => {
                    at.insert(k, out.len());
                    out.push(i);
                }
            }
        }
    }
    out
}

/// A value, typed: booleans, normalised decimal strings, ISO dates, texts,
/// arrays, a record by its name in the documents.
fn typed(w: &mut JsonWriter<'_>, value: &Value, report: &Report<'_>) {
    match value {
        Value::Absent => w.null(),
        Value::Bool(b) => w.bool(*b),
        Value::Num(n) => w.decimal(*n),
        Value::Text(t) => w.string(t),
        Value::Date(d) => w.plain_display(d),
        Value::List(items) => {
            w.open_array();
            for v in items.iter() {
                w.item();
                typed(w, v, report);
            }
            w.close_array();
        }
        Value::Record(_) => w.string(&report.shown(value)),
        Value::Map(map) => {
            let entries = &map.entries;
            let key = |i: usize| entries.get(i).map_or("", |(k, _, _)| k.as_ref());
            w.open_object();
            for i in kept(entries.len(), key) {
                if let Some((k, v, _)) = entries.get(i) {
                    w.data_key(k);
                    typed(w, v, report);
                }
            }
            w.close_object();
        }
    }
}

/// Named values, typed.
fn named(w: &mut JsonWriter<'_>, values: &[(String, Value)], report: &Report<'_>) {
    let key = |i: usize| values.get(i).map_or("", |(k, _)| k.as_str());
    w.open_object();
    for i in kept(values.len(), key) {
        if let Some((name, value)) = values.get(i) {
            w.data_key(name);
            typed(w, value, report);
        }
    }
    w.close_object();
}

/// `computed_from`, when some named number was computed from cells: by
/// name, the engine's paths of the cells it read (each as `data` names a
/// place by its `path`; the paths alone, so that tracing costs a report
/// little). The engine keeps a named value's first `MAX_PLACES_KEPT` cells
/// (sorted): a list that long may have been cut, and
/// `computed_from_capped` names those values, as the text report says
/// `等至少 16 格`, so that a program never takes the list for all of them.
fn computed_from(
    w: &mut JsonWriter<'_>,
    computed: &[(String, Vec<crate::data::PlaceId>)],
    report: &Report<'_>,
) {
    if computed.is_empty() {
        return;
    }
    let mut capped: Vec<&str> = Vec::new();
    w.key("computed_from");
    w.open_object();
    for (name, ids) in computed {
        w.data_key(name);
        w.open_array();
        let mut ids = ids.clone();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() >= crate::eval::MAX_PLACES_KEPT {
            capped.push(name);
        }
        for id in ids {
            w.item();
            w.string(&report.path(id));
        }
        w.close_array();
    }
    w.close_object();
    if !capped.is_empty() {
        w.key("computed_from_capped");
        w.open_array();
        for name in capped {
            w.item();
            w.string(name);
        }
        w.close_array();
    }
}

/// `params`, when the rule statement reads parameters the bureau sets
/// (`deadline`): by name, each one's value, typed as `values` are, and the
/// rule line that sets it, as the text report gives them beside `values`
/// (`deadline = 2023-06-15（参数，params.jx 第 4 行）`). A program then
/// recomputes a lost point from the JSON alone.
fn params(
    w: &mut JsonWriter<'_>,
    span: crate::source::Span,
    values: &[(String, Value)],
    report: &Report<'_>,
) {
    let read = report.params_read(span, values);
    if read.is_empty() {
        return;
    }
    w.key("params");
    w.open_object();
    for (name, value, set_at) in read {
        w.data_key(name);
        w.open_object();
        w.key("value");
        typed(w, value, report);
        if let Some(at) = set_at {
            w.key("rule");
            rule(w, &report.rule(at));
        }
        w.close_object();
    }
    w.close_object();
}

/// The places of an explanation, each: the engine's path, the documents'
/// words, the value, and where it is in the input file.
fn places(w: &mut JsonWriter<'_>, places: &[PlaceView], report: &Report<'_>) {
    w.open_array();
    place_items(w, places, report);
    w.close_array();
}

/// The items of `places`, in an array already open.
fn place_items(w: &mut JsonWriter<'_>, places: &[PlaceView], report: &Report<'_>) {
    for p in places {
        w.item();
        w.open_object();
        w.key("path");
        w.string(&p.path);
        w.key("document");
        w.string(&p.document);
        w.key("value");
        typed(w, &p.value, report);
        w.key("source");
        source(w, &p.source);
        if let Some(phrase) = &p.phrase {
            // The phrase with its context, as one string.
            w.key("excerpt");
            w.strings(&[&phrase.before, &phrase.phrase, &phrase.after]);
            w.key("phrase");
            w.string(&phrase.phrase);
            w.key("range");
            w.open_array();
            w.item();
            w.uint(phrase.range.0 as u64);
            w.item();
            w.uint(phrase.range.1 as u64);
            w.close_array();
        }
        w.close_object();
    }
}

/// Each reviewer's score that a finding about the judgments compares, as a
/// place: the path a package's own `[review]` would give it
/// (`review.problems.score`, as a deduction's judged place), the reviewer
/// and where the score is written in words, the score, and where: a
/// worksheet's file, sheet and cell, or a TOML file's line and column.
fn judged_places(w: &mut JsonWriter<'_>, criterion: &str, all: &[JudgmentShown]) {
    let mut path = String::with_capacity(criterion.len() + 13);
    path.push_str("review.");
    path.push_str(criterion);
    path.push_str(".score");
    for j in all {
        w.item();
        w.open_object();
        w.key("path");
        w.string(&path);
        w.key("document");
        let mut words = String::from("评审得分");
        words.push_str(&j.source_words());
        w.string(&words);
        w.key("value");
        w.decimal(j.score);
        w.key("source");
        w.open_object();
        match (&j.at, j.at.sheet_cell()) {
            (_, Some((file, sheet, cell))) => {
                w.key("file");
                w.string(file);
                w.key("sheet");
                w.string(sheet);
                w.key("cell");
                w.string(cell);
            }
            (crate::eval::outcome::JudgmentAt::Line { file, offset, .. }, None) => {
                let (line, column) = file.line_col(*offset);
                w.key("file");
                w.string(&file.name);
                w.key("line");
                w.uint(line as u64);
                w.key("column");
                w.uint(column as u64);
            }
            (crate::eval::outcome::JudgmentAt::Cell { words, .. }, None) => {
                w.key("place");
                w.string(words);
            }
        }
        w.close_object();
        w.close_object();
    }
}

fn source(w: &mut JsonWriter<'_>, place: &SourcePlace) {
    w.open_object();
    match place {
        SourcePlace::Toml { file, line, column } => {
            w.key("file");
            w.string(file);
            w.key("line");
            w.uint(*line as u64);
            w.key("column");
            w.uint(*column as u64);
        }
        SourcePlace::WordTable { file, table, row } => {
            w.key("file");
            w.string(file);
            w.key("table");
            w.uint(*table as u64);
            w.key("row");
            w.uint(*row as u64);
        }
        SourcePlace::WordParagraph { file, paragraph } => {
            w.key("file");
            w.string(file);
            w.key("paragraph");
            w.uint(*paragraph as u64);
        }
        SourcePlace::WordText { file, text } => {
            w.key("file");
            w.string(file);
            w.key("place");
            w.string(text);
        }
    }
    w.close_object();
}

/// Where a rule is.
fn rule(w: &mut JsonWriter<'_>, rule: &super::RuleRef) {
    w.open_object();
    w.key("file");
    w.string(&rule.file);
    w.key("line");
    w.uint(rule.line as u64);
    w.key("column");
    w.uint(rule.column as u64);
    w.close_object();
}

fn deduction(w: &mut JsonWriter<'_>, d: &Deduction, report: &Report<'_>) {
    let mut data = report.evidence_places(&d.places, &d.values);
    if let Some((path, span)) = &d.review_at {
        data.push(report.place_at(path, *span));
    }
    w.open_object();
    w.key("points");
    w.decimal(d.points);
    w.key("message");
    w.string(&d.message);
    w.key("rule");
    rule(w, &report.rule(d.focus));
    w.key("values");
    named(w, &d.values, report);
    computed_from(w, &d.computed_from, report);
    params(w, d.span, &d.values, report);
    w.key("data");
    places(w, &data, report);
    if !d.judgments.is_empty() {
        w.key("judgments");
        judgments(w, &d.judgments, d.combined);
    }
    w.close_object();
}

/// Each reviewer's judgment, and how they were combined (`single` for one).
fn judgments(w: &mut JsonWriter<'_>, all: &[JudgmentShown], combined: Option<crate::ir::Combine>) {
    let how = combined.map_or("single", crate::ir::Combine::keyword);
    let mut at = String::new();
    w.open_array();
    for j in all {
        w.item();
        w.open_object();
        w.key("reviewer");
        w.opt_string(j.reviewer.as_deref());
        w.key("tier");
        w.opt_string(j.tier.as_deref());
        w.key("score");
        w.decimal(j.score);
        w.key("note");
        w.opt_string(j.note.as_deref());
        w.key("at");
        at.clear();
        j.at.write_to(&mut at);
        w.string(&at);
        w.key("combined");
        w.string(how);
        w.close_object();
    }
    w.close_array();
}

fn finding(w: &mut JsonWriter<'_>, f: &Finding, report: &Report<'_>) {
    let data = report.evidence_places(&f.places, &f.values);
    w.open_object();
    finding_head(w, f);
    w.key("rule");
    rule(w, &report.rule(f.focus));
    w.key("data");
    w.open_array();
    place_items(w, &data, report);
    if let Some(judged) = &f.judged {
        judged_places(w, &judged.0, &judged.1);
    }
    w.close_array();
    w.key("values");
    named(w, &f.values, report);
    computed_from(w, &f.computed_from, report);
    params(w, f.span, &f.values, report);
    related(w, report.related(f).into_iter());
    w.close_object();
}

/// A finding's `id`, `severity` and `message`: how it opens wherever it
/// is given.
fn finding_head(w: &mut JsonWriter<'_>, f: &Finding) {
    w.key("id");
    w.string(&f.id);
    w.key("severity");
    w.string(f.severity.as_str());
    w.key("message");
    w.string(&f.message);
}

/// `related_findings`, when the criterion names checks (`related to`)
/// that found something: each finding's check, severity and message, and
/// its `index` in `findings`.
fn criterion_findings(w: &mut JsonWriter<'_>, criterion: &str, report: &Report<'_>) {
    let found = report.criterion_findings(criterion);
    if found.is_empty() {
        return;
    }
    w.key("related_findings");
    w.open_array();
    for (number, f) in found {
        w.item();
        w.open_object();
        finding_head(w, f);
        w.key("index");
        w.uint(number.saturating_sub(1) as u64);
        w.close_object();
    }
    w.close_array();
}

/// `related`, when there are any: each related finding's check and
/// message.
fn related<'f>(w: &mut JsonWriter<'_>, findings: impl Iterator<Item = &'f Finding>) {
    let mut findings = findings.peekable();
    if findings.peek().is_none() {
        return;
    }
    w.key("related");
    w.open_array();
    for g in findings {
        w.item();
        w.open_object();
        w.key("id");
        w.string(&g.id);
        w.key("message");
        w.string(&g.message);
        w.close_object();
    }
    w.close_array();
}

/// Problems (for `check --format json` and batch errors).
pub fn problems_json(problems: &[Problem]) -> serde_json::Value {
    serde_json::Value::Array(
        problems
            .iter()
            .map(|p| {
                let (file, line, column) = p.location().map_or((None, None, None), |(f, l, c)| (Some(f), Some(l), Some(c)));
                json!({
                    "code": p.code.to_string(),
                    "severity": match p.severity { miette::Severity::Error => "error", miette::Severity::Warning => "warning", miette::Severity::Advice => "info" },
                    "message": p.message,
                    "file": file,
                    "line": line,
                    "column": column,
                    "label": p.labels.first().map(|(_, l)| l.clone()),
                    "help": p.help,
                })
            })
            .collect(),
    )
}
