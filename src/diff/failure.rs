//! A unit that can be scored under one rule folder only: where the other
//! folder's rules fail on it, and which edits feed that place. A rule that
//! fails on a unit (a divisor that is 0 for it) is a change the author
//! made, and is traced like any changed score.

use super::{FileChanges, Score, UnitDiff, leaf_ids, regions, trace};
use crate::diag::Problem;
use crate::eval::outcome::Outcome;
use crate::ir::RuleSet;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// A unit that scores under one rule set only: `problems` say why not
/// under the other (`fails_under_new`: the new one), each at its place.
pub fn one_sided(
    (old_rules, new_rules): (&RuleSet, &RuleSet),
    changes: &[FileChanges],
    outcome: &Outcome,
    problems: &[Problem],
    fails_under_new: bool,
) -> UnitDiff {
    let scored = Score {
        score: outcome.score,
        range: outcome.range,
    };
    let none = Score {
        score: None,
        range: (Decimal::ZERO, Decimal::ZERO),
    };
    let (old, new) = if fails_under_new {
        (scored, none)
    } else {
        (none, scored)
    };
    let message = problems
        .first()
        .map_or_else(String::new, |p| p.message.clone());
    let failing = if fails_under_new {
        new_rules
    } else {
        old_rules
    };
    let (criteria, checks) = failing_ids(failing, problems);
    let mut causes = trace(old_rules, new_rules, &criteria, &[], &checks, changes);
    if causes.is_empty() && problems.iter().any(is_unreadable) {
        causes = schema_edits(changes, problems);
    }
    UnitDiff {
        unit: outcome.unit.clone(),
        old,
        new,
        criteria: Vec::new(),
        findings_added: Vec::new(),
        findings_removed: Vec::new(),
        causes,
        old_problem: (!fails_under_new).then(|| message.clone()),
        new_problem: fails_under_new.then_some(message),
        problems: problems.to_vec(),
        redo: Vec::new(),
    }
}

/// The rule file that declares the package's form, by convention.
const SCHEMA_FILE: &str = "schema.jx";

/// A package the folder's schema cannot read (`submission::unknown_key`:
/// a key the schema renamed or removed), as opposed to a rule that fails
/// on it.
fn is_unreadable(problem: &Problem) -> bool {
    problem
        .code
        .code()
        .is_some_and(|c| c.to_string().starts_with("submission::"))
}

/// The edits behind a package one folder cannot read: the schema's edits
/// whose lines name a key the problems name (`control_rate`, renamed in
/// schema.jx; not the rules that followed the rename), else every edit of
/// the schema's file, else any edit naming the key. Nothing feeds them but
/// reading.
fn schema_edits(changes: &[FileChanges], problems: &[Problem]) -> Vec<super::Cause> {
    let named: Vec<&str> = problems
        .iter()
        .flat_map(|p| p.message.split('`').skip(1).step_by(2))
        .filter(|k| !k.is_empty())
        .collect();
    let edits = || {
        changes
            .iter()
            .flat_map(|f| f.hunks.iter().map(move |h| (f, h)))
    };
    let naming = |(_, h): &(&FileChanges, &super::Hunk)| {
        h.removed
            .iter()
            .chain(&h.added)
            .any(|line| named.iter().any(|k| line.contains(k)))
    };
    let schema = |(f, _): &(&FileChanges, &super::Hunk)| f.name == SCHEMA_FILE;
    let mut chosen: Vec<_> = edits().filter(|e| schema(e) && naming(e)).collect();
    if chosen.is_empty() {
        chosen = edits().filter(schema).collect();
    }
    if chosen.is_empty() {
        chosen = edits().filter(naming).collect();
    }
    chosen
        .into_iter()
        .map(|(f, h)| super::Cause {
            file: f.path.clone(),
            hunk: h.clone(),
            affects: Vec::new(),
        })
        .collect()
}

/// The criteria and the checks whose rule text (their own block, and the
/// parameters, lets and functions they use) holds a place a problem points
/// at in `rules`. A problem in the unit's package or a review (a judgment
/// refused) points at no rule, and feeds none.
fn failing_ids(rules: &RuleSet, problems: &[Problem]) -> (Vec<String>, BTreeSet<String>) {
    let base = |name: &str| name.rsplit(['/', '\\']).next().unwrap_or(name).to_string();
    let places: Vec<(String, usize)> = problems
        .iter()
        .filter_map(Problem::location)
        .filter(|(file, _, _)| rules.files.iter().any(|f| f.name == *file))
        .map(|(file, line, _)| (base(&file), line))
        .collect();
    let holds = |id: &str| {
        regions(rules, id).iter().any(|(file, start, end)| {
            places
                .iter()
                .any(|(f, line)| f == file && start <= line && line <= end)
        })
    };
    let mut criteria = Vec::new();
    leaf_ids(&rules.nodes, &mut criteria);
    criteria.retain(|id| holds(id));
    let checks = rules
        .checks
        .iter()
        .map(|c| c.id.clone())
        .filter(|id| holds(id))
        .collect();
    (criteria, checks)
}
