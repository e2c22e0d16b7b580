//! `--format json`, as `spec/cli.md` lays it out.

use super::decimal;
use crate::data::{NO_PLACE, Submission};
use crate::diag::Problem;
use crate::eval::outcome::{Deduction, Finding, NodeOutcome, Outcome, Status};
use crate::ir::RuleSet;
use serde_json::{Map, Value, json};

/// One submission's outcome.
pub fn outcome_json(outcome: &Outcome, rules: &RuleSet, submission: &Submission) -> Value {
    json!({
        "format": 1,
        "unit": outcome.unit,
        "year": outcome.year,
        "rules": outcome.rules,
        "status": match outcome.status { Status::Final => "final", Status::Pending => "pending" },
        "score": outcome.score.map(decimal),
        "max": decimal(outcome.max),
        "range": [decimal(outcome.range.0), decimal(outcome.range.1)],
        "criteria": outcome.nodes.iter().map(|n| node_json(n, rules, submission)).collect::<Vec<_>>(),
        "findings": outcome.findings.iter().map(|f| finding_json(f, rules, submission)).collect::<Vec<_>>(),
    })
}

fn node_json(node: &NodeOutcome, rules: &RuleSet, submission: &Submission) -> Value {
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
                .map(|d| deduction_json(d, rules, submission))
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
    if !node.judgments.is_empty() {
        m.insert(
            "judgments".into(),
            judgments_json(&node.judgments, node.combined),
        );
    }
    m.insert(
        "children".into(),
        Value::Array(
            node.children
                .iter()
                .map(|c| node_json(c, rules, submission))
                .collect(),
        ),
    );
    Value::Object(m)
}

fn deduction_json(d: &Deduction, rules: &RuleSet, submission: &Submission) -> Value {
    let file = rules.files.get(usize::from(d.span.file));
    let (line, column) = file.map_or((0, 0), |f| f.line_col(d.span.start));
    let mut values = Map::new();
    for (name, value) in &d.values {
        values.insert(name.clone(), json!(value));
    }
    let mut data: Vec<Value> = d
        .places
        .iter()
        .filter(|p| **p != NO_PLACE)
        .filter_map(|p| submission.places.get(*p as usize))
        .map(|p| json!({ "path": p.path }))
        .collect();
    if let Some((path, _)) = &d.review_at {
        data.push(json!({ "path": path }));
    }
    let mut out = json!({
        "points": decimal(d.points),
        "message": d.message,
        "rule": { "file": file.map_or("", |f| f.name.as_str()), "line": line, "column": column },
        "values": values,
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

fn rule_json(rules: &RuleSet, span: crate::source::Span) -> Value {
    let file = rules.files.get(usize::from(span.file));
    let (line, column) = file.map_or((0, 0), |f| f.line_col(span.start));
    json!({ "file": file.map_or("", |f| f.name.as_str()), "line": line, "column": column })
}

fn finding_json(f: &Finding, rules: &RuleSet, submission: &Submission) -> Value {
    let mut values = Map::new();
    for (name, value) in &f.values {
        values.insert(name.clone(), json!(value));
    }
    let data: Vec<Value> = f
        .places
        .iter()
        .filter_map(|p| submission.places.get(*p as usize))
        .map(|p| json!({ "path": p.path }))
        .collect();
    json!({
        "id": f.id,
        "severity": f.severity.as_str(),
        "message": f.message,
        "rule": rule_json(rules, f.span),
        "data": data,
        "values": values,
    })
}

/// Problems (for `check --format json` and batch errors).
pub fn problems_json(problems: &[Problem]) -> Value {
    Value::Array(
        problems
            .iter()
            .map(|p| {
                let (file, line, column) = p.location().map_or((None, None, None), |(f, l, c)| (Some(f), Some(l), Some(c)));
                json!({
                    "code": p.code,
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
