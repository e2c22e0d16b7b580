//! `--format json`, as `spec/cli.md` lays it out.
//!
//! The report is serialized straight from the outcome (hand-written
//! `Serialize` impls borrowing from it), not through a `serde_json::Value`:
//! building and dropping that tree was most of rendering a unit.
//! The key order and the bytes are those the `json!` objects gave (each
//! decimal a string, as `explain::decimal` writes it).

use super::pretty::Pretty;
use super::{PlaceView, Report, SourcePlace};
use crate::data::{Submission, Value};
use crate::diag::Problem;
use crate::eval::outcome::{Deduction, Finding, JudgmentShown, NodeOutcome, Outcome, Status};
use crate::ir::RuleSet;
use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::json;
use std::collections::HashMap;
use std::io;

/// One submission's outcome, as a JSON value.
pub fn outcome_json(
    outcome: &Outcome,
    rules: &RuleSet,
    submission: &Submission,
) -> serde_json::Value {
    let report = Report::new(outcome, rules, submission);
    serde_json::to_value(OutcomeJson(&report)).unwrap_or_default()
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
    let report = Report::new(outcome, rules, submission);
    let mut ser = serde_json::Serializer::with_formatter(out, Pretty::at(depth));
    OutcomeJson(&report).serialize(&mut ser)
}

/// A decimal as `explain::decimal` writes it, in a JSON string.
struct Dec(Decimal);

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

/// A lowest and highest score.
fn range(r: (Decimal, Decimal)) -> [Dec; 2] {
    [Dec(r.0), Dec(r.1)]
}

/// The items a closure lists, as a JSON array.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

struct OutcomeJson<'r, 'a>(&'r Report<'a>);

impl Serialize for OutcomeJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let o = report.outcome;
        let status = match o.status {
            Status::Final => "final",
            Status::Pending => "pending",
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("format", &1)?;
        m.serialize_entry("unit", &o.unit)?;
        m.serialize_entry("year", &o.year)?;
        m.serialize_entry("rules", &o.rules)?;
        m.serialize_entry("status", status)?;
        m.serialize_entry("score", &o.score.map(Dec))?;
        m.serialize_entry("max", &Dec(o.max))?;
        m.serialize_entry("range", &range(o.range))?;
        m.serialize_entry(
            "criteria",
            &Seq(|| o.nodes.iter().map(|n| NodeJson(n, report))),
        )?;
        m.serialize_entry(
            "findings",
            &Seq(|| report.findings().iter().map(|f| FindingJson(f, report))),
        )?;
        m.end()
    }
}

struct NodeJson<'r, 'a>(&'r NodeOutcome, &'r Report<'a>);

impl Serialize for NodeJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let NodeJson(node, report) = *self;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &node.id)?;
        m.serialize_entry("title", &node.title)?;
        m.serialize_entry("max", &Dec(node.max))?;
        m.serialize_entry("score", &node.score.map(Dec))?;
        m.serialize_entry("range", &range(node.range))?;
        m.serialize_entry("basis", node.basis.as_str())?;
        m.serialize_entry(
            "deductions",
            &Seq(|| node.deductions.iter().map(|d| DeductionJson(d, report))),
        )?;
        if !node.hints.is_empty() {
            m.serialize_entry("hints", &Seq(|| node.hints.iter().map(LabelValue)))?;
        }
        if !node.notes.is_empty() {
            m.serialize_entry("notes", &node.notes)?;
        }
        if let Some(full) = &node.full {
            m.serialize_entry("full", full)?;
        }
        if !node.judgments.is_empty() {
            m.serialize_entry("judgments", &Judgments(&node.judgments, node.combined))?;
        }
        m.serialize_entry(
            "children",
            &Seq(|| node.children.iter().map(|c| NodeJson(c, report))),
        )?;
        m.end()
    }
}

/// A hint: `{ "label": …, "value": … }`.
struct LabelValue<'r>(&'r (String, String));

impl Serialize for LabelValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("label", &self.0.0)?;
        m.serialize_entry("value", &self.0.1)?;
        m.end()
    }
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
struct Typed<'r, 'a>(&'r Value, &'r Report<'a>);

impl Serialize for Typed<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Typed(value, report) = *self;
        match value {
            Value::Absent => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Num(n) => Dec(*n).serialize(s),
            Value::Text(t) => s.serialize_str(t),
            Value::Date(d) => s.collect_str(d),
            Value::List(items) => s.collect_seq(items.iter().map(|v| Typed(v, report))),
            Value::Record(_) => s.serialize_str(&report.shown(value)),
            Value::Map(map) => {
                let entries = &map.entries;
                let key = |i: usize| entries.get(i).map_or("", |(k, _, _)| k.as_ref());
                let mut m = s.serialize_map(None)?;
                for i in kept(entries.len(), key) {
                    if let Some((k, v, _)) = entries.get(i) {
                        m.serialize_entry(k.as_ref(), &Typed(v, report))?;
                    }
                }
                m.end()
            }
        }
    }
}

/// Named values, typed.
struct Named<'r, 'a>(&'r [(String, Value)], &'r Report<'a>);

impl Serialize for Named<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Named(values, report) = *self;
        let key = |i: usize| values.get(i).map_or("", |(k, _)| k.as_str());
        let mut m = s.serialize_map(None)?;
        for i in kept(values.len(), key) {
            if let Some((name, value)) = values.get(i) {
                m.serialize_entry(name, &Typed(value, report))?;
            }
        }
        m.end()
    }
}

/// A place: the engine's path, the documents' words, the value, and where
/// it is in the input file.
struct PlaceJson<'r, 'a>(&'r PlaceView, &'r Report<'a>);

impl Serialize for PlaceJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let PlaceJson(p, report) = *self;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("path", &p.path)?;
        m.serialize_entry("document", &p.document)?;
        m.serialize_entry("value", &Typed(&p.value, report))?;
        m.serialize_entry("source", &Source(&p.source))?;
        if let Some(phrase) = &p.phrase {
            m.serialize_entry("excerpt", &Excerpt(phrase))?;
            m.serialize_entry("phrase", &phrase.phrase)?;
            m.serialize_entry("range", &[phrase.range.0, phrase.range.1])?;
        }
        m.end()
    }
}

/// The phrase with its context, as one string.
struct Excerpt<'r>(&'r super::report::Phrase);

impl Serialize for Excerpt<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        s.collect_str(&format_args!("{}{}{}", p.before, p.phrase, p.after))
    }
}

struct Source<'r>(&'r SourcePlace);

impl Serialize for Source<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self.0 {
            SourcePlace::Toml { file, line, column } => {
                m.serialize_entry("file", file)?;
                m.serialize_entry("line", line)?;
                m.serialize_entry("column", column)?;
            }
            SourcePlace::WordTable { file, table, row } => {
                m.serialize_entry("file", file)?;
                m.serialize_entry("table", table)?;
                m.serialize_entry("row", row)?;
            }
            SourcePlace::WordText { file, text } => {
                m.serialize_entry("file", file)?;
                m.serialize_entry("place", text)?;
            }
        }
        m.end()
    }
}

/// Where a rule is.
struct RuleJson(super::RuleRef);

impl Serialize for RuleJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("file", &self.0.file)?;
        m.serialize_entry("line", &self.0.line)?;
        m.serialize_entry("column", &self.0.column)?;
        m.end()
    }
}

struct DeductionJson<'r, 'a>(&'r Deduction, &'r Report<'a>);

impl Serialize for DeductionJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let DeductionJson(d, report) = *self;
        let mut data = report.evidence_places(&d.places, &d.values);
        if let Some((path, span)) = &d.review_at {
            data.push(report.place_at(path, *span));
        }
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("points", &Dec(d.points))?;
        m.serialize_entry("message", &d.message)?;
        m.serialize_entry("rule", &RuleJson(report.rule(d.focus)))?;
        m.serialize_entry("values", &Named(&d.values, report))?;
        m.serialize_entry("data", &Seq(|| data.iter().map(|p| PlaceJson(p, report))))?;
        if !d.judgments.is_empty() {
            m.serialize_entry("judgments", &Judgments(&d.judgments, d.combined))?;
        }
        m.end()
    }
}

/// Each reviewer's judgment, and how they were combined (`single` for one).
struct Judgments<'r>(&'r [JudgmentShown], Option<crate::ir::Combine>);

impl Serialize for Judgments<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let how = self.1.map_or("single", crate::ir::Combine::keyword);
        s.collect_seq(self.0.iter().map(|j| Judgment(j, how)))
    }
}

struct Judgment<'r>(&'r JudgmentShown, &'static str);

impl Serialize for Judgment<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Judgment(j, how) = *self;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("reviewer", &j.reviewer)?;
        m.serialize_entry("tier", &j.tier)?;
        m.serialize_entry("score", &Dec(j.score))?;
        m.serialize_entry("note", &j.note)?;
        m.serialize_entry("at", &j.at)?;
        m.serialize_entry("combined", how)?;
        m.end()
    }
}

struct FindingJson<'r, 'a>(&'r Finding, &'r Report<'a>);

impl Serialize for FindingJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let FindingJson(f, report) = *self;
        let data = report.evidence_places(&f.places, &f.values);
        let related = report.related(f);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &f.id)?;
        m.serialize_entry("severity", f.severity.as_str())?;
        m.serialize_entry("message", &f.message)?;
        m.serialize_entry("rule", &RuleJson(report.rule(f.span)))?;
        m.serialize_entry("data", &Seq(|| data.iter().map(|p| PlaceJson(p, report))))?;
        m.serialize_entry("values", &Named(&f.values, report))?;
        if !related.is_empty() {
            m.serialize_entry("related", &Seq(|| related.iter().copied().map(Kin)))?;
        }
        m.end()
    }
}

/// A related finding: its check and message.
struct Kin<'r>(&'r Finding);

impl Serialize for Kin<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.0.id)?;
        m.serialize_entry("message", &self.0.message)?;
        m.end()
    }
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
