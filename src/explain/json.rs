//! `--format json`, as `spec/cli.md` lays it out.

use super::decimal;
use super::{PlaceView, Report, SourcePlace};
use crate::data::Submission;
use crate::diag::Problem;
use crate::eval::outcome::{Deduction, Finding, NodeOutcome, Outcome, Status};
use crate::ir::RuleSet;
use serde_json::{Map, Value, json};

/// One submission's outcome.
pub fn outcome_json(outcome: &Outcome, rules: &RuleSet, submission: &Submission) -> Value {
    let report = Report::new(outcome, rules, submission);
    json!({
        "format": 1,
        "unit": outcome.unit,
        "year": outcome.year,
        "rules": outcome.rules,
        "status": match outcome.status { Status::Final => "final", Status::Pending => "pending" },
        "score": outcome.score.map(decimal),
        "max": decimal(outcome.max),
        "range": [decimal(outcome.range.0), decimal(outcome.range.1)],
        "criteria": outcome.nodes.iter().map(|n| node_json(n, &report)).collect::<Vec<_>>(),
        "findings": report.findings().iter().map(|f| finding_json(f, &report)).collect::<Vec<_>>(),
    })
}

fn node_json(node: &NodeOutcome, report: &Report<'_>) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(node.id));
    m.insert("title".into(), json!(node.title));
    m.insert("max".into(), json!(decimal(node.max)));
    m.insert("score".into(), json!(node.score.map(decimal)));
    m.insert(
        "range".into(),
        json!([decimal(node.range.0), decimal(node.range.1)]),
    );
    m.insert("basis".into(), json!(node.basis.as_str()));
    m.insert(
        "deductions".into(),
        Value::Array(
            node.deductions
                .iter()
                .map(|d| deduction_json(d, report))
                .collect(),
        ),
    );
    if !node.hints.is_empty() {
        let hints: Vec<Value> = node
            .hints
            .iter()
            .map(|(l, v)| json!({ "label": l, "value": v }))
            .collect();
        m.insert("hints".into(), Value::Array(hints));
    }
    if !node.notes.is_empty() {
        m.insert("notes".into(), json!(node.notes));
    }
    if let Some(full) = &node.full {
        m.insert("full".into(), json!(full));
    }
    if !node.judgments.is_empty() {
        m.insert(
            "judgments".into(),
            judgments_json(&node.judgments, node.combined),
        );
    }
    m.insert(
        "children".into(),
        Value::Array(node.children.iter().map(|c| node_json(c, report)).collect()),
    );
    Value::Object(m)
}

/// Named values, typed.
fn values_json(values: &[(String, crate::data::Value)], report: &Report<'_>) -> Value {
    let mut m = Map::new();
    for (name, value) in values {
        m.insert(name.clone(), report.typed(value));
    }
    Value::Object(m)
}

/// A place: the engine's path, the documents' words, the value, and where
/// it is in the input file.
fn place_json(p: &PlaceView, report: &Report<'_>) -> Value {
    let source = match &p.source {
        SourcePlace::Toml { file, line, column } => {
            json!({ "file": file, "line": line, "column": column })
        }
        SourcePlace::WordTable { file, table, row } => {
            json!({ "file": file, "table": table, "row": row })
        }
        SourcePlace::WordText { file, text } => json!({ "file": file, "place": text }),
    };
    let mut out = json!({
        "path": p.path,
        "document": p.document,
        "value": report.typed(&p.value),
        "source": source,
    });
    if let (Some(phrase), Value::Object(m)) = (&p.phrase, &mut out) {
        m.insert(
            "excerpt".into(),
            json!(format!(
                "{}{}{}",
                phrase.before, phrase.phrase, phrase.after
            )),
        );
        m.insert("phrase".into(), json!(phrase.phrase));
        m.insert("range".into(), json!([phrase.range.0, phrase.range.1]));
    }
    out
}

fn rule_json(report: &Report<'_>, span: crate::source::Span) -> Value {
    let r = report.rule(span);
    json!({ "file": r.file, "line": r.line, "column": r.column })
}

fn deduction_json(d: &Deduction, report: &Report<'_>) -> Value {
    let mut data: Vec<Value> = report
        .evidence_places(&d.places, &d.values)
        .iter()
        .map(|p| place_json(p, report))
        .collect();
    if let Some((path, span)) = &d.review_at {
        data.push(place_json(&report.place_at(path, *span), report));
    }
    let mut out = json!({
        "points": decimal(d.points),
        "message": d.message,
        "rule": rule_json(report, d.focus),
        "values": values_json(&d.values, report),
        "data": data,
    });
    if !d.judgments.is_empty()
        && let Value::Object(m) = &mut out
    {
        m.insert("judgments".into(), judgments_json(&d.judgments, d.combined));
    }
    out
}

/// Each reviewer's judgment, and how they were combined (`single` for one).
fn judgments_json(
    judgments: &[crate::eval::outcome::JudgmentShown],
    combined: Option<crate::ir::Combine>,
) -> Value {
    let how = combined.map_or("single", crate::ir::Combine::keyword);
    Value::Array(
        judgments
            .iter()
            .map(|j| {
                json!({
                    "reviewer": j.reviewer,
                    "tier": j.tier,
                    "score": decimal(j.score),
                    "note": j.note,
                    "at": j.at,
                    "combined": how,
                })
            })
            .collect(),
    )
}

fn finding_json(f: &Finding, report: &Report<'_>) -> Value {
    let data: Vec<Value> = report
        .evidence_places(&f.places, &f.values)
        .iter()
        .map(|p| place_json(p, report))
        .collect();
    let related: Vec<Value> = report
        .related(f)
        .iter()
        .map(|g| json!({ "id": g.id, "message": g.message }))
        .collect();
    let mut out = json!({
        "id": f.id,
        "severity": f.severity.as_str(),
        "message": f.message,
        "rule": rule_json(report, f.span),
        "data": data,
        "values": values_json(&f.values, report),
    });
    if !related.is_empty()
        && let Value::Object(m) = &mut out
    {
        m.insert("related".into(), Value::Array(related));
    }
    out
}

/// Problems (for `check --format json` and batch errors).
pub fn problems_json(problems: &[Problem]) -> Value {
    Value::Array(
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
