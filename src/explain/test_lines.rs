//! The lines a `jixiao test` report writes about a deduction or a finding,
//! each with its rule's place: shared by what differed and by what the
//! rules did instead (`test_instead`).

use crate::eval::outcome::{Deduction, NodeOutcome};
use crate::ir::RuleSet;
use crate::source::Span;
use std::fmt::Write as _;

/// `−N id：message（file:line:column；values；评审：path）`, indented.
pub(super) fn deduction(
    out: &mut String,
    node: &NodeOutcome,
    d: &Deduction,
    rules: &RuleSet,
    indent: &str,
) {
    let values = if d.values.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = d.values.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!("；{}", list.join("，"))
    };
    let review = d
        .review_at
        .as_ref()
        .map_or(String::new(), |(path, _)| format!("；评审：{path}"));
    let _ = writeln!(
        out,
        "{indent}−{} {}：{}（{}{values}{review}）",
        d.points.normalize(),
        node.id,
        d.message,
        place(rules, d.span)
    );
}

/// `file:line:column` of a rule span.
pub(super) fn place(rules: &RuleSet, span: Span) -> String {
    rules
        .files
        .get(usize::from(span.file))
        .map_or_else(String::new, |f| {
            let (line, column) = f.line_col(span.start);
            format!("{}:{line}:{column}", f.name)
        })
}

/// `id [severity] message（file:line:column）`, indented.
pub(super) fn finding_line(
    out: &mut String,
    indent: &str,
    f: &crate::eval::outcome::Finding,
    rules: &RuleSet,
) {
    let _ = writeln!(
        out,
        "{indent}{} [{}] {}（{}）",
        f.id,
        f.severity.as_str(),
        f.message,
        place(rules, f.span)
    );
}
