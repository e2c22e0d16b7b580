//! `[expect]`: what a case must produce, read with exact decimals (a
//! string's or a TOML number's own text, never `f64`), and the comparison
//! with what the rules actually produced.

use super::{Actual, node_by_id};
use crate::diag::Code;
use crate::diag::Problem;
use crate::eval::outcome::{NodeOutcome, Outcome, Status};
use crate::ir::Severity;
use crate::source::{SourceFile, Span, did_you_mean};
use rust_decimal::Decimal;
use toml_edit::{Item, Value};

/// The keys `[expect]` may hold.
pub const KEYS: [&str; 7] = [
    "status", "score", "range", "criteria", "findings", "error", "codes",
];

/// A criterion's expected result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// Scored this.
    Score(Decimal),
    /// Pending, with this range.
    Pending(Decimal, Decimal),
}

impl Want {
    /// What a node actually got, in the same terms.
    pub fn of(node: &NodeOutcome) -> Want {
        match node.score {
            Some(s) => Want::Score(s),
            None => Want::Pending(node.range.0, node.range.1),
        }
    }
}

impl std::fmt::Display for Want {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Want::Score(s) => write!(f, "{}", s.normalize()),
            Want::Pending(lo, hi) => write!(f, "待评审 {}–{}", lo.normalize(), hi.normalize()),
        }
    }
}

/// A case's expectations. Anything left out is not checked.
#[derive(Clone, Debug, Default)]
pub struct Expect {
    /// There is an `[expect]` table.
    pub present: bool,
    /// `status`
    pub status: Option<Status>,
    /// `score`
    pub score: Option<Decimal>,
    /// `range`
    pub range: Option<(Decimal, Decimal)>,
    /// `criteria`: id → expected result, in file order.
    pub criteria: Vec<(String, Want)>,
    /// `findings`: finding ids, a multiset (a detailed entry counts its id).
    pub findings: Option<Vec<String>>,
    /// The detailed entries of `findings` (`{ id = …, severity = …, at = …,
    /// says = … }`): each must be one finding, a different one for each.
    pub finding_details: Vec<FindingWant>,
    /// `error = true`: the submission must fail to load or score.
    pub error: bool,
    /// `codes`: the problem codes of that failure, a multiset.
    pub codes: Option<Vec<String>>,
    /// The line of the case file each `criteria` id and each `findings` id
    /// is written on (`("criteria", id)` → line), to say where a slip in
    /// an id is.
    pub lines: std::collections::BTreeMap<(&'static str, String), usize>,
}

impl Expect {
    /// Where `id` is written under `key` (`criteria` or `findings`), as
    /// `（第 N 行）`, or nothing.
    pub fn line_of(&self, key: &'static str, id: &str) -> String {
        self.lines
            .get(&(key, id.to_string()))
            .map_or_else(String::new, |line| format!("（第 {line} 行）"))
    }
}

/// A detailed `findings` entry: one finding with this id and, where given,
/// this severity, these submission paths among its places and these pieces
/// of text in its message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingWant {
    /// The check id.
    pub id: String,
    /// `severity`
    pub severity: Option<Severity>,
    /// `at`: submission paths the finding concerns (each one of its places).
    pub at: Vec<String>,
    /// `says`: pieces of its message.
    pub says: Vec<String>,
}

impl std::fmt::Display for FindingWant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(s) = self.severity {
            write!(f, "{} ", s.as_str())?;
        }
        write!(f, "{}", self.id)?;
        if !self.at.is_empty() {
            write!(f, "（在 {}）", self.at.join("、"))?;
        }
        for piece in &self.says {
            write!(f, "「{piece}」")?;
        }
        Ok(())
    }
}

/// A finding as a detailed entry sees it.
#[derive(Clone, Copy, Debug)]
pub struct FindingSeen<'a> {
    /// Its id.
    pub id: &'a str,
    /// `error`, `warning` or `info`.
    pub severity: &'a str,
    /// The submission paths of its places.
    pub paths: &'a [String],
    /// Its message.
    pub message: &'a str,
}

impl FindingSeen<'_> {
    /// As a detailed entry is described (`warning id（在 path）「message」`).
    fn describe(&self) -> String {
        let at = match self.paths.is_empty() {
            true => String::new(),
            false => format!("（在 {}）", self.paths.join("、")),
        };
        format!("{} {}{at}「{}」", self.severity, self.id, self.message)
    }
}

/// The outcome's findings as detailed entries see them; `places` are the
/// submission paths of each finding's places, in the order of findings.
pub fn seen_findings<'a>(outcome: &'a Outcome, places: &'a [Vec<String>]) -> Vec<FindingSeen<'a>> {
    outcome
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| FindingSeen {
            id: &f.id,
            severity: f.severity.as_str(),
            paths: places.get(i).map_or(&[], Vec::as_slice),
            message: &f.message,
        })
        .collect()
}

impl FindingWant {
    /// Whether `seen` is such a finding.
    pub fn fits(&self, seen: &FindingSeen<'_>) -> bool {
        seen.id == self.id
            && self.severity.is_none_or(|s| s.as_str() == seen.severity)
            && self.at.iter().all(|p| seen.paths.contains(p))
            && self.says.iter().all(|t| seen.message.contains(t.as_str()))
    }
}

/// The detailed entries that no finding answers, each answered by a
/// different finding: those left over by a largest matching of entries to
/// findings (augmenting paths); empty when all are met.
pub fn unmet<'w>(wants: &'w [FindingWant], seen: &[FindingSeen<'_>]) -> Vec<&'w FindingWant> {
    /// Find a finding for entry `w`, moving earlier entries along if need be.
    fn augment(
        w: usize,
        fits: &[Vec<usize>],
        owner: &mut [Option<usize>],
        visited: &mut [bool],
    ) -> bool {
        for &f in fits.get(w).map_or(&[][..], Vec::as_slice) {
            if visited.get(f).copied().unwrap_or(true) {
                continue;
            }
            if let Some(v) = visited.get_mut(f) {
                *v = true;
            }
            let current = owner.get(f).copied().flatten();
            if current.is_none_or(|other| augment(other, fits, owner, visited)) {
                if let Some(o) = owner.get_mut(f) {
                    *o = Some(w);
                }
                return true;
            }
        }
        false
    }
    let fits: Vec<Vec<usize>> = wants
        .iter()
        .map(|w| {
            (0..seen.len())
                .filter(|&i| seen.get(i).is_some_and(|s| w.fits(s)))
                .collect()
        })
        .collect();
    let mut owner = vec![None; seen.len()];
    wants
        .iter()
        .enumerate()
        .filter(|(w, _)| {
            let mut visited = vec![false; seen.len()];
            !augment(*w, &fits, &mut owner, &mut visited)
        })
        .map(|(_, want)| want)
        .collect()
}

/// How the actual result differs from the expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The case has no `[expect]` yet.
    NoExpectation,
    /// `status`
    Status {
        /// Expected.
        expected: Status,
        /// Actual.
        actual: Status,
    },
    /// `score`
    Score {
        /// Expected.
        expected: Decimal,
        /// Actual (`None` while pending).
        actual: Option<Decimal>,
    },
    /// `range`
    Range {
        /// Expected.
        expected: (Decimal, Decimal),
        /// Actual.
        actual: (Decimal, Decimal),
    },
    /// One criterion.
    Criterion {
        /// Its id.
        id: String,
        /// Expected.
        expected: Want,
        /// Actual.
        actual: Want,
    },
    /// `criteria` names an id the rules do not have.
    UnknownCriterion {
        /// The id.
        id: String,
        /// A near id, as a hint.
        hint: Option<String>,
        /// Where it is written: `（第 N 行）`, or empty.
        at: String,
    },
    /// Finding ids expected and not raised, raised and not expected.
    Findings {
        /// Expected, not raised (one entry per missing occurrence).
        missing: Vec<String>,
        /// Raised, not expected.
        extra: Vec<String>,
        /// Where each missing id is written: `（第 N 行）`, or empty.
        missing_at: Vec<String>,
    },
    /// Every expected id was raised, but detailed entries (`severity`,
    /// `at`, `says`) that no finding answers: each entry described, with
    /// the findings of its id as they were raised, to compare.
    FindingDetails {
        /// (the entry, the raised findings of its id), described.
        unmet: Vec<(String, Vec<String>)>,
    },
    /// `error = true` but the submission was scored.
    ScoredInsteadOfError,
    /// The submission failed to load or score.
    Failed,
    /// Problem codes expected and not produced, produced and not expected.
    Codes {
        /// Expected, not produced.
        missing: Vec<String>,
        /// Produced, not expected.
        extra: Vec<String>,
    },
}

/// Read `[expect]` (a table or an inline table). Problems point into `file`.
pub fn parse(item: Option<&Item>, file: &SourceFile) -> Result<Expect, Vec<Problem>> {
    let Some(item) = item else {
        return Ok(Expect::default());
    };
    let at = |span: Option<std::ops::Range<usize>>| Span::new(0, span.unwrap_or(0..0));
    let line = |span: Option<std::ops::Range<usize>>| {
        span.and_then(|r| file.text.get(..r.start))
            .map(|before| before.matches('\n').count() + 1)
    };
    let problem = |span: Option<std::ops::Range<usize>>, message: String, help: &str| {
        Problem::error(Code::CaseExpect, message, file, at(span), "这里").with_help(help)
    };
    let Some(table) = item.as_table_like() else {
        return Err(vec![problem(
            item.span(),
            "`expect` 应是一张表".into(),
            "写成 [expect]，其下是 status、score、criteria、findings 等",
        )]);
    };
    let mut expect = Expect {
        present: true,
        ..Expect::default()
    };
    let mut problems = Vec::new();
    for (key, value) in table.iter() {
        let key_span = table.key(key).and_then(toml_edit::Key::span);
        let span = value.span().or(key_span.clone());
        match key {
            "status" => match value.as_str() {
                Some("final") => expect.status = Some(Status::Final),
                Some("pending") => expect.status = Some(Status::Pending),
                _ => problems.push(problem(
                    span,
                    "`status` 应为 \"final\" 或 \"pending\"".into(),
                    "final：每一项都已评分；pending：还有待评审的项",
                )),
            },
            "score" => match value.as_value().and_then(decimal) {
                Some(d) => expect.score = Some(d),
                None => problems.push(problem(span, "`score` 应为分数".into(), DECIMAL_HELP)),
            },
            "range" => match value.as_value().and_then(pair) {
                Some(p) => expect.range = Some(p),
                None => problems.push(problem(
                    span,
                    "`range` 应为两个分数 [最低, 最高]".into(),
                    "如 range = [\"50\", \"100\"]",
                )),
            },
            "criteria" => match value.as_table_like() {
                Some(criteria) => {
                    for (id, want) in criteria.iter() {
                        let parsed = want.as_value().and_then(|v| match v {
                            Value::Array(_) => pair(v).map(|(lo, hi)| Want::Pending(lo, hi)),
                            _ => decimal(v).map(Want::Score),
                        });
                        if let Some(n) = line(criteria.key(id).and_then(toml_edit::Key::span)) {
                            expect.lines.insert(("criteria", id.to_string()), n);
                        }
                        match parsed {
                            Some(w) => expect.criteria.push((id.to_string(), w)),
                            None => problems.push(problem(
                                want.span()
                                    .or_else(|| criteria.key(id).and_then(toml_edit::Key::span)),
                                format!("评分项 `{id}` 的期望应为分数，或待评审时的 [最低, 最高]"),
                                "如 timeliness = \"7\"，或 refinement = [\"0\", \"5\"]",
                            )),
                        }
                    }
                }
                None => problems.push(problem(
                    span,
                    "`criteria` 应是一张表：评分项编号 = 分数".into(),
                    "如 criteria = { timeliness = \"7\", body = \"6\" }",
                )),
            },
            "findings" => match findings(value) {
                Ok((ids, details)) => {
                    // Each id's line: the first entry of it not yet placed.
                    if let Some(array) = value.as_array() {
                        for v in array.iter() {
                            let id = match v {
                                Value::String(s) => Some(s.value().clone()),
                                Value::InlineTable(t) => {
                                    t.get("id").and_then(|i| i.as_str()).map(str::to_string)
                                }
                                _ => None,
                            };
                            if let (Some(id), Some(n)) = (id, line(v.span())) {
                                expect.lines.entry(("findings", id)).or_insert(n);
                            }
                        }
                    }
                    expect.findings = Some(ids);
                    expect.finding_details = details;
                }
                Err((span, message)) => problems.push(problem(
                    span.or(value.span()).or(key_span),
                    message,
                    FINDINGS_HELP,
                )),
            },
            "codes" => match strings(value) {
                Some(list) => expect.codes = Some(list),
                None => problems.push(problem(
                    span,
                    "`codes` 应为文字的数组".into(),
                    "如 codes = [\"submission::unknown_key\"]",
                )),
            },
            "error" => match value.as_bool() {
                Some(b) => expect.error = b,
                None => problems.push(problem(
                    span,
                    "`error` 应为 true 或 false".into(),
                    "error = true：这份材料应当无法载入或评分",
                )),
            },
            other => problems.push(
                Problem::error(
                    Code::CaseExpect,
                    format!("[expect] 中没有 `{other}` 这一项"),
                    file,
                    at(key_span),
                    "不认识的键",
                )
                .with_help(
                    did_you_mean(other, KEYS)
                        .unwrap_or_else(|| format!("可用的键：{}", KEYS.join("、"))),
                ),
            ),
        }
    }
    if problems.is_empty() {
        Ok(expect)
    } else {
        Err(problems)
    }
}

const DECIMAL_HELP: &str = "分数写成文字（\"4.38\"）或数（4.38），按原样精确读取";

/// A decimal from a string or a number's own text.
pub fn decimal(value: &Value) -> Option<Decimal> {
    let text = match value {
        Value::String(s) => s.value().trim().to_string(),
        Value::Integer(i) => i.display_repr().replace('_', ""),
        Value::Float(f) => f.display_repr().replace('_', ""),
        _ => return None,
    };
    let text = text.strip_prefix('+').unwrap_or(&text);
    // Exact or not a number: a 29th digit is not rounded into a pass.
    Decimal::from_str_exact(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

fn pair(value: &Value) -> Option<(Decimal, Decimal)> {
    let array = value.as_array()?;
    let mut it = array.iter();
    match (it.next(), it.next(), it.next()) {
        (Some(lo), Some(hi), None) => Some((decimal(lo)?, decimal(hi)?)),
        _ => None,
    }
}

const FINDINGS_HELP: &str = "如 findings = [\"over_execution\", { id = \"execution_score\", severity = \"warning\", at = \"projects[0].funds.score\", says = \"9.69\" }]";

/// The keys of a detailed `findings` entry.
const FINDING_KEYS: [&str; 4] = ["id", "severity", "at", "says"];

type Spanned = (Option<std::ops::Range<usize>>, String);

/// `findings`: the ids (a detailed entry gives its id) and the detailed
/// entries.
fn findings(item: &Item) -> Result<(Vec<String>, Vec<FindingWant>), Spanned> {
    let Some(array) = item.as_array() else {
        return Err((
            item.span(),
            "`findings` 应为数组：发现的编号，或写明细节的内联表".into(),
        ));
    };
    let mut ids = Vec::new();
    let mut details = Vec::new();
    for v in array.iter() {
        match v {
            Value::String(s) => ids.push(s.value().clone()),
            Value::InlineTable(t) => {
                let want = finding_want(t)?;
                ids.push(want.id.clone());
                details.push(want);
            }
            _ => {
                return Err((
                    v.span(),
                    "`findings` 的每一项应是发现的编号（文字），或 { id = …, severity = …, at = …, says = … }".into(),
                ));
            }
        }
    }
    Ok((ids, details))
}

fn finding_want(t: &toml_edit::InlineTable) -> Result<FindingWant, Spanned> {
    let mut want = FindingWant::default();
    let mut id = None;
    for (key, v) in t.iter() {
        let bad = |m: &str| (v.span(), format!("发现的 `{key}` {m}"));
        match key {
            "id" => id = Some(v.as_str().ok_or_else(|| bad("应为文字"))?.to_string()),
            "severity" => {
                want.severity = Some(match v.as_str() {
                    Some("error") => Severity::Error,
                    Some("warning") => Severity::Warning,
                    Some("info") => Severity::Info,
                    _ => return Err(bad("应为 \"error\"、\"warning\" 或 \"info\"")),
                });
            }
            "at" | "says" => {
                let list = match v {
                    Value::String(s) => vec![s.value().clone()],
                    Value::Array(a) => a
                        .iter()
                        .map(|x| x.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| bad("应为文字或文字的数组"))?,
                    _ => return Err(bad("应为文字或文字的数组")),
                };
                if key == "at" {
                    want.at = list;
                } else {
                    want.says = list;
                }
            }
            other => {
                let hint = did_you_mean(other, FINDING_KEYS)
                    .unwrap_or_else(|| format!("可用的键：{}", FINDING_KEYS.join("、")));
                return Err((
                    t.key(other).and_then(toml_edit::Key::span),
                    format!("发现中没有 `{other}` 这一项（{hint}）"),
                ));
            }
        }
    }
    want.id = id.ok_or_else(|| (t.span(), "写明细节的发现要有 `id`".to_string()))?;
    Ok(want)
}

fn strings(item: &Item) -> Option<Vec<String>> {
    item.as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Compare; empty when the case passes.
pub fn compare(expect: &Expect, actual: &Actual) -> Vec<Mismatch> {
    if !expect.present {
        return vec![Mismatch::NoExpectation];
    }
    match actual {
        Actual::Failed(problems) => {
            if !expect.error {
                return vec![Mismatch::Failed];
            }
            let Some(codes) = &expect.codes else {
                return Vec::new();
            };
            let got: Vec<String> = problems.iter().map(|p| p.code.to_string()).collect();
            let (missing, extra) = multiset_diff(codes, &got);
            if missing.is_empty() && extra.is_empty() {
                Vec::new()
            } else {
                vec![Mismatch::Codes { missing, extra }]
            }
        }
        Actual::Scored(outcome, places) => {
            if expect.error {
                return vec![Mismatch::ScoredInsteadOfError];
            }
            scored(expect, outcome, places)
        }
    }
}

fn scored(expect: &Expect, outcome: &Outcome, places: &[Vec<String>]) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if let Some(status) = expect.status
        && status != outcome.status
    {
        out.push(Mismatch::Status {
            expected: status,
            actual: outcome.status,
        });
    }
    if let Some(score) = expect.score
        && outcome.score != Some(score)
    {
        out.push(Mismatch::Score {
            expected: score,
            actual: outcome.score,
        });
    }
    if let Some(range) = expect.range
        && outcome.range != range
    {
        out.push(Mismatch::Range {
            expected: range,
            actual: outcome.range,
        });
    }
    for (id, want) in &expect.criteria {
        match node_by_id(&outcome.nodes, id) {
            Some(node) => {
                let got = Want::of(node);
                if got != *want {
                    out.push(Mismatch::Criterion {
                        id: id.clone(),
                        expected: *want,
                        actual: got,
                    });
                }
            }
            None => {
                let mut ids = Vec::new();
                super::walk(&outcome.nodes, &mut |n| ids.push(n.id.clone()));
                out.push(Mismatch::UnknownCriterion {
                    id: id.clone(),
                    hint: did_you_mean(id, ids.iter().map(String::as_str)),
                    at: expect.line_of("criteria", id),
                });
            }
        }
    }
    if let Some(findings) = &expect.findings {
        let got: Vec<String> = outcome.findings.iter().map(|f| f.id.clone()).collect();
        let (missing, extra) = multiset_diff(findings, &got);
        if !missing.is_empty() || !extra.is_empty() {
            let missing_at = missing
                .iter()
                .map(|id| expect.line_of("findings", id))
                .collect();
            out.push(Mismatch::Findings {
                missing,
                extra,
                missing_at,
            });
        } else {
            let seen = seen_findings(outcome, places);
            let unmet: Vec<(String, Vec<String>)> = unmet(&expect.finding_details, &seen)
                .iter()
                .map(|w| {
                    let raised = seen
                        .iter()
                        .filter(|f| f.id == w.id)
                        .map(FindingSeen::describe)
                        .collect();
                    (w.to_string(), raised)
                })
                .collect();
            if !unmet.is_empty() {
                out.push(Mismatch::FindingDetails { unmet });
            }
        }
    }
    out
}

/// `expected − actual` and `actual − expected`, counting repeats.
pub fn multiset_diff(expected: &[String], actual: &[String]) -> (Vec<String>, Vec<String>) {
    let mut extra: Vec<String> = actual.to_vec();
    let mut missing = Vec::new();
    for e in expected {
        match extra.iter().position(|a| a == e) {
            Some(i) => {
                extra.remove(i);
            }
            None => missing.push(e.clone()),
        }
    }
    (missing, extra)
}

/// Every criterion a blessed case records: those the case already names
/// (when the rules still have them) and every leaf that did not get its
/// full points, in the sheet's order.
pub fn blessed_criteria(listed: &[&str], outcome: &Outcome) -> Vec<(String, Want)> {
    let mut out = Vec::new();
    super::walk(&outcome.nodes, &mut |n| {
        let lost = n.children.is_empty() && n.score != Some(n.max);
        if lost || listed.contains(&n.id.as_str()) {
            out.push((n.id.clone(), Want::of(n)));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap_or_default()
    }

    #[test]
    fn decimals_from_their_text() {
        let v = |s: &str| s.parse::<Value>().ok().and_then(|v| decimal(&v));
        assert_eq!(v("\"4.38\""), Some(d("4.38")));
        assert_eq!(v("4.38"), Some(d("4.38")));
        assert_eq!(v("1085.09"), Some(d("1085.09")));
        assert_eq!(v("95"), Some(d("95")));
        assert_eq!(v("1_000"), Some(d("1000")));
        assert_eq!(v("0.1"), Some(d("0.1")));
        assert_eq!(v("\"x\""), None);
        assert_eq!(v("true"), None);
    }

    fn expect_of(text: &str) -> Result<Expect, Vec<Problem>> {
        let file = SourceFile::new("case.toml", text);
        let doc: toml_edit::Document<String> = match toml_edit::Document::parse(text.to_string()) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        parse(doc.as_table().get("expect"), &file)
    }

    #[test]
    fn detailed_findings_count_their_ids() {
        let Ok(e) = expect_of(
            "[expect]\nfindings = [\"a\", { id = \"b\", severity = \"warning\", at = \"x.y\", says = [\"1\", \"2\"] }]\n",
        ) else {
            panic!("not read");
        };
        assert_eq!(e.findings, Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(
            e.finding_details,
            vec![FindingWant {
                id: "b".into(),
                severity: Some(Severity::Warning),
                at: vec!["x.y".into()],
                says: vec!["1".into(), "2".into()],
            }]
        );
        for bad in [
            "findings = [{ severity = \"warning\" }]",
            "findings = [{ id = \"b\", severity = \"fatal\" }]",
            "findings = [{ id = \"b\", where = \"x\" }]",
            "findings = [{ id = \"b\", at = 1 }]",
            "findings = [1]",
        ] {
            let Err(p) = expect_of(&format!("[expect]\n{bad}\n")) else {
                panic!("{bad}: read");
            };
            assert!(p.iter().all(|p| p.code == Code::CaseExpect), "{bad}");
        }
    }

    #[test]
    fn each_detailed_entry_needs_a_finding_of_its_own() {
        let paths = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (p1, p2) = (paths(&["a[0]", "b"]), paths(&["a[1]"]));
        let seen = [
            FindingSeen {
                id: "x",
                severity: "info",
                paths: &p1,
                message: "得分 9",
            },
            FindingSeen {
                id: "x",
                severity: "warning",
                paths: &p2,
                message: "得分 10",
            },
        ];
        let want = |severity, at: &[&str], says: &[&str]| FindingWant {
            id: "x".into(),
            severity,
            at: paths(at),
            says: paths(says),
        };
        // The first entry fits both findings: it must leave the second to
        // the entry that fits only that one.
        let wants = [want(None, &[], &["得分"]), want(None, &[], &["得分 9"])];
        assert!(unmet(&wants, &seen).is_empty());
        let wants = [
            want(Some(Severity::Info), &["b"], &[]),
            want(Some(Severity::Info), &[], &["得分"]),
        ];
        assert_eq!(unmet(&wants, &seen), vec![&wants[1]]);
        assert!(want(Some(Severity::Warning), &["a[1]"], &["10"]).fits(&seen[1]));
        assert!(!want(None, &["a"], &[]).fits(&seen[0]));
    }

    #[test]
    fn multisets() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let (m, e) = multiset_diff(&s(&["a", "b", "b"]), &s(&["b", "a", "c"]));
        assert_eq!(m, s(&["b"]));
        assert_eq!(e, s(&["c"]));
    }
}
