//! What a rule change does to each unit: score the same submission under two
//! rule sets, list the criteria and findings that changed, and trace each
//! change to the edited rule lines — the criterion's or check's own lines
//! and those of every parameter, top-level let and function it uses.

mod failure;
mod lines;

pub use failure::one_sided;
pub use lines::{Hunk, hunks};

use crate::eval::outcome::{NodeOutcome, Outcome, Status};
use crate::ir::RuleSet;
use crate::source::Span;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// A rule file's changed lines, by file name.
#[derive(Clone, Debug)]
pub struct FileChanges {
    /// The file's name within its folder (`sheet.jx`).
    pub name: String,
    /// Its path in the new folder (or the old, if removed).
    pub path: String,
    /// The hunks.
    pub hunks: Vec<Hunk>,
}

/// Every changed line between two rule folders.
pub fn rule_changes(old: &RuleSet, new: &RuleSet) -> Vec<FileChanges> {
    let base = |name: &str| name.rsplit(['/', '\\']).next().unwrap_or(name).to_string();
    let mut names: Vec<String> = new
        .files
        .iter()
        .chain(&old.files)
        .map(|f| base(&f.name))
        .collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let old_file = old.files.iter().find(|f| base(&f.name) == name);
        let new_file = new.files.iter().find(|f| base(&f.name) == name);
        let old_text = old_file.map_or("", |f| &f.text);
        let new_text = new_file.map_or("", |f| &f.text);
        let found = hunks(old_text, new_text);
        if !found.is_empty() {
            let path = new_file
                .or(old_file)
                .map_or_else(|| name.clone(), |f| f.name.clone());
            out.push(FileChanges {
                name,
                path,
                hunks: found,
            });
        }
    }
    out
}

/// A total or a criterion's score under one rule set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Score {
    /// Final score, if any.
    pub score: Option<Decimal>,
    /// Possible range.
    pub range: (Decimal, Decimal),
}

impl Score {
    fn of_node(n: &NodeOutcome) -> Score {
        Score {
            score: n.score,
            range: n.range,
        }
    }

    /// As people read it: `95` or `50–100`.
    pub fn text(&self) -> String {
        match self.score {
            Some(s) => s.normalize().to_string(),
            None => format!("{}–{}", self.range.0.normalize(), self.range.1.normalize()),
        }
    }
}

/// A criterion whose score changed.
#[derive(Clone, Debug)]
pub struct CriterionChange {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Before (absent: no such criterion).
    pub old: Option<Score>,
    /// After.
    pub new: Option<Score>,
    /// Its full marks before and after (absent: no such criterion).
    pub max: (Option<Decimal>, Option<Decimal>),
    /// For a leaf criterion, what its score came from before and after
    /// (each lost point with its message, or why it got full marks): the
    /// unit's own numbers beside the rule lines that changed them.
    pub reasons: (Vec<String>, Vec<String>),
}

/// What a leaf criterion's score came from, in its messages.
fn reasons(n: Option<&NodeOutcome>) -> Vec<String> {
    let Some(n) = n.filter(|n| n.children.is_empty()) else {
        return Vec::new();
    };
    let mut out: Vec<String> = n
        .deductions
        .iter()
        .map(|d| format!("−{}：{}", d.points.normalize(), d.message))
        .collect();
    if out.is_empty() {
        out.extend(n.full.iter().cloned());
    }
    out.extend(n.notes.iter().cloned());
    out
}

impl CriterionChange {
    /// Did its full marks change (not only the unit's score)?
    pub fn max_changed(&self) -> bool {
        matches!(self.max, (Some(a), Some(b)) if a != b)
    }
}

/// A finding that appeared or disappeared.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FindingChange {
    /// Check id.
    pub id: String,
    /// Error, warning or info.
    pub severity: crate::ir::Severity,
    /// Its message.
    pub message: String,
}

/// A rule edit that explains a change.
#[derive(Clone, Debug)]
pub struct Cause {
    /// The rule file (new path).
    pub file: String,
    /// The edit.
    pub hunk: Hunk,
    /// What it feeds: criterion or check ids.
    pub affects: Vec<String>,
}

/// One unit's difference.
#[derive(Clone, Debug)]
pub struct UnitDiff {
    /// The unit.
    pub unit: String,
    /// Total before and after.
    pub old: Score,
    /// After.
    pub new: Score,
    /// Changed criteria, in sheet order.
    pub criteria: Vec<CriterionChange>,
    /// Findings only under the new rules.
    pub findings_added: Vec<FindingChange>,
    /// Findings only under the old rules.
    pub findings_removed: Vec<FindingChange>,
    /// The edits behind the changes.
    pub causes: Vec<Cause>,
    /// Why the unit cannot be scored under the old rules (only there).
    pub old_problem: Option<String>,
    /// Why it cannot be scored under the new rules (only there): e.g. a
    /// judgment outside a tier band the new rules narrowed.
    pub new_problem: Option<String>,
    /// Where the side that cannot be scored fails, as `score` says it (a
    /// rule's file, line and column, the values): empty when both sides
    /// are scored.
    pub problems: Vec<crate::diag::Problem>,
    /// Judgments the new rules no longer accept (a tier band narrowed, a
    /// note now required): the unit is compared without them, and they
    /// must be judged again.
    pub redo: Vec<String>,
}

impl UnitDiff {
    /// Did anything change?
    pub fn changed(&self) -> bool {
        self.old_problem.is_some()
            || self.new_problem.is_some()
            || !self.redo.is_empty()
            || self.old != self.new
            || !self.criteria.is_empty()
            || !self.findings_added.is_empty()
            || !self.findings_removed.is_empty()
    }

    /// New total minus old, when both are final.
    pub fn delta(&self) -> Option<Decimal> {
        if self.old_problem.is_some() || self.new_problem.is_some() {
            return None;
        }
        Some(self.new.score? - self.old.score?)
    }
}

fn flatten<'a>(nodes: &'a [NodeOutcome], out: &mut Vec<&'a NodeOutcome>) {
    for n in nodes {
        out.push(n);
        flatten(&n.children, out);
    }
}

fn findings(outcome: &Outcome) -> Vec<FindingChange> {
    let mut v: Vec<FindingChange> = outcome
        .findings
        .iter()
        .map(|f| FindingChange {
            id: f.id.clone(),
            severity: f.severity,
            message: f.message.clone(),
        })
        .collect();
    v.sort();
    v
}

/// Items of `a` not matched one-for-one in `b` (both sorted).
fn minus(a: &[FindingChange], b: &[FindingChange]) -> Vec<FindingChange> {
    let mut rest: Vec<&FindingChange> = b.iter().collect();
    let mut out = Vec::new();
    for item in a {
        match rest.iter().position(|r| *r == item) {
            Some(i) => {
                rest.remove(i);
            }
            None => out.push(item.clone()),
        }
    }
    out
}

/// Compare one unit's outcomes and trace the changes.
pub fn compare(
    old_rules: &RuleSet,
    new_rules: &RuleSet,
    old: &Outcome,
    new: &Outcome,
    changes: &[FileChanges],
) -> UnitDiff {
    let (mut old_nodes, mut new_nodes) = (Vec::new(), Vec::new());
    flatten(&old.nodes, &mut old_nodes);
    flatten(&new.nodes, &mut new_nodes);
    let mut criteria = Vec::new();
    for n in &new_nodes {
        let before = old_nodes.iter().find(|o| o.id == n.id);
        let (b, a) = (before.map(|o| Score::of_node(o)), Some(Score::of_node(n)));
        let max = (before.map(|o| o.max), Some(n.max));
        if b != a || max.0 != max.1 {
            criteria.push(CriterionChange {
                id: n.id.clone(),
                title: n.title.clone(),
                old: b,
                new: a,
                max,
                reasons: (reasons(before.copied()), reasons(Some(n))),
            });
        }
    }
    for o in old_nodes
        .iter()
        .filter(|o| !new_nodes.iter().any(|n| n.id == o.id))
    {
        criteria.push(CriterionChange {
            id: o.id.clone(),
            title: o.title.clone(),
            old: Some(Score::of_node(o)),
            new: None,
            max: (Some(o.max), None),
            reasons: (reasons(Some(o)), Vec::new()),
        });
    }
    let (old_findings, new_findings) = (findings(old), findings(new));
    let findings_added = minus(&new_findings, &old_findings);
    let findings_removed = minus(&old_findings, &new_findings);
    // Leaf criteria carry the cause; parents only add up.
    let leaf_ids: Vec<String> = criteria
        .iter()
        .filter(|c| {
            new_nodes
                .iter()
                .chain(&old_nodes)
                .find(|n| n.id == c.id)
                .is_some_and(|n| n.children.is_empty())
        })
        .map(|c| c.id.clone())
        .collect();
    // A section whose full marks changed: its own line is a cause too
    // (its criteria's lines are theirs).
    let header_ids: Vec<String> = criteria
        .iter()
        .filter(|c| c.max_changed() && !leaf_ids.contains(&c.id))
        .map(|c| c.id.clone())
        .collect();
    let check_ids: BTreeSet<String> = findings_added
        .iter()
        .chain(&findings_removed)
        .map(|f| f.id.clone())
        .collect();
    let causes = trace(
        old_rules,
        new_rules,
        &leaf_ids,
        &header_ids,
        &check_ids,
        changes,
    );
    // A judgment given out of the old points is kept by the new rules as it
    // is (4 of 5 becomes 4 of 7): it is to be judged again, and said so.
    let redo = new_nodes
        .iter()
        .filter(|n| n.children.is_empty() && !n.judgments.is_empty())
        .filter_map(|n| {
            let before = old_nodes.iter().find(|o| o.id == n.id)?;
            (before.max != n.max).then(|| {
                let given: Vec<String> = n
                    .judgments
                    .iter()
                    .map(|j| format!("{} {} 分", j.who(), j.score.normalize()))
                    .collect();
                format!(
                    "需重新评审：“{}”的满分由 {} 分改为 {} 分，原评审意见（{}）是按原满分给出的，请按新满分重新评审",
                    n.title,
                    before.max.normalize(),
                    n.max.normalize(),
                    given.join("、")
                )
            })
        })
        .collect();
    UnitDiff {
        unit: new.unit.clone(),
        old: Score {
            score: old.score,
            range: old.range,
        },
        new: Score {
            score: new.score,
            range: new.range,
        },
        criteria,
        findings_added,
        findings_removed,
        causes,
        old_problem: None,
        new_problem: None,
        problems: Vec::new(),
        redo,
    }
}

/// Lines (1-based, inclusive) of a span in its file, with the file's name.
fn region(rules: &RuleSet, span: Span) -> Option<(String, usize, usize)> {
    let file = rules.files.get(usize::from(span.file))?;
    let (start, _) = file.line_col(span.start);
    let (end, _) = file.line_col(span.end.saturating_sub(1).max(span.start));
    let name = file
        .name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&file.name)
        .to_string();
    Some((name, start, end))
}

pub use crate::ir::find_node;

/// The regions of rule text a criterion or check depends on, in one rule set.
fn regions(rules: &RuleSet, id: &str) -> Vec<(String, usize, usize)> {
    let (extent, uses) = match (
        find_node(&rules.nodes, id),
        rules.checks.iter().find(|c| c.id == id),
    ) {
        (Some(n), _) => (n.extent, n.uses.clone()),
        (None, Some(c)) => (c.extent, c.uses.clone()),
        (None, None) => return Vec::new(),
    };
    let mut out: Vec<(String, usize, usize)> = region(rules, extent).into_iter().collect();
    let mut pending = uses;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(d) = rules.definitions.iter().find(|d| d.name == name) {
            out.extend(region(rules, d.extent));
            pending.extend(d.uses.iter().cloned());
        }
    }
    out
}

/// The first line of a node's block (`section body "…" max 8 {`).
fn header_region(rules: &RuleSet, id: &str) -> Vec<(String, usize, usize)> {
    find_node(&rules.nodes, id)
        .and_then(|n| region(rules, n.extent))
        .map(|(file, start, _)| (file, start, start))
        .into_iter()
        .collect()
}

/// The lines of an edit's side that hold something, first and last: the
/// blank line between two blocks, added or removed with one of them, is
/// no part of the other. A side with none is where the change is.
fn written_lines(start: usize, lines: &[String]) -> (usize, usize) {
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    match (first, last) {
        (Some(f), Some(l)) => (start + f, start + l),
        _ => (start, start + lines.len().max(1) - 1),
    }
}

/// Every edit with the criteria and checks it feeds (under either rule
/// folder), whether or not any unit of a batch changed by it: the whole
/// change, as an author reviews it.
pub fn feeds(old: &RuleSet, new: &RuleSet, changes: &[FileChanges]) -> Vec<Cause> {
    let mut criteria: Vec<String> = Vec::new();
    for rules in [old, new] {
        leaf_ids(&rules.nodes, &mut criteria);
    }
    criteria.sort();
    criteria.dedup();
    let checks: BTreeSet<String> = old
        .checks
        .iter()
        .chain(&new.checks)
        .map(|c| c.id.clone())
        .collect();
    trace(old, new, &criteria, &[], &checks, changes)
}

/// The ids of the criteria (leaves) of a tree.
fn leaf_ids(nodes: &[crate::ir::NodeIr], out: &mut Vec<String>) {
    for n in nodes {
        match &n.kind {
            crate::ir::NodeIrKind::Section(children) => leaf_ids(children, out),
            crate::ir::NodeIrKind::Criterion(_) => out.push(n.id.clone()),
        }
    }
}

fn trace(
    old_rules: &RuleSet,
    new_rules: &RuleSet,
    criteria: &[String],
    headers: &[String],
    checks: &BTreeSet<String>,
    changes: &[FileChanges],
) -> Vec<Cause> {
    let mut causes: Vec<Cause> = Vec::new();
    let whole = criteria.iter().chain(checks).map(|id| (id, false));
    for (id, header_only) in whole.chain(headers.iter().map(|id| (id, true))) {
        let (new_regions, old_regions) = match header_only {
            true => (header_region(new_rules, id), header_region(old_rules, id)),
            false => (regions(new_rules, id), regions(old_rules, id)),
        };
        for file in changes {
            for hunk in &file.hunks {
                let (new_start, new_end) = written_lines(hunk.new_start, &hunk.added);
                let (old_start, old_end) = written_lines(hunk.old_start, &hunk.removed);
                // A side with no lines (a pure deletion's new side) is a
                // point between two lines, and feeds neither.
                let hits_new = !hunk.added.is_empty()
                    && new_regions
                        .iter()
                        .any(|(f, s, e)| *f == file.name && new_start <= *e && new_end >= *s);
                let hits_old = !hunk.removed.is_empty()
                    && old_regions
                        .iter()
                        .any(|(f, s, e)| *f == file.name && old_start <= *e && old_end >= *s);
                if !(hits_new || hits_old) {
                    continue;
                }
                match causes
                    .iter_mut()
                    .find(|c| c.file == file.path && c.hunk == *hunk)
                {
                    Some(c) => {
                        if !c.affects.contains(id) {
                            c.affects.push(id.clone());
                        }
                    }
                    None => causes.push(Cause {
                        file: file.path.clone(),
                        hunk: hunk.clone(),
                        affects: vec![id.clone()],
                    }),
                }
            }
        }
    }
    // In the order of the files' lines, as an editor shows them.
    causes.sort_by(|a, b| (&a.file, a.hunk.new_start).cmp(&(&b.file, b.hunk.new_start)));
    causes
}

/// Totals over a batch.
#[derive(Clone, Debug, Default)]
pub struct BatchSummary {
    /// Units compared.
    pub units: usize,
    /// Higher total under the new rules.
    pub gained: usize,
    /// Lower total.
    pub lost: usize,
    /// Same total (findings may still differ).
    pub unchanged: usize,
    /// Some outcome not final on either side, or not scored on one.
    pub pending: usize,
    /// Mean change of the final totals.
    pub mean_change: Option<Decimal>,
}

/// Summarise a batch of unit differences.
pub fn summarize(diffs: &[UnitDiff]) -> BatchSummary {
    let mut s = BatchSummary {
        units: diffs.len(),
        ..BatchSummary::default()
    };
    let mut sum = Decimal::ZERO;
    let mut counted = 0u32;
    for d in diffs {
        match d.delta() {
            Some(delta) => {
                counted += 1;
                sum += delta;
                if delta > Decimal::ZERO {
                    s.gained += 1;
                } else if delta < Decimal::ZERO {
                    s.lost += 1;
                } else {
                    s.unchanged += 1;
                }
            }
            None => s.pending += 1,
        }
    }
    if counted > 0 {
        s.mean_change = sum
            .checked_div(Decimal::from(counted))
            .map(|m| crate::eval::round_score(m, 2));
    }
    s
}

/// Final or pending, as in the JSON.
pub fn status_text(status: Status) -> &'static str {
    match status {
        Status::Final => "final",
        Status::Pending => "pending",
    }
}
