//! A unit that `jixiao diff` can score under one rule folder only: where
//! the other folder's rules fail on it, as `score` and `test` say it (the
//! rule's file, line and column, the values), not only the message.

use crate::diag::{Problem, render};
use crate::diff::UnitDiff;
use std::fmt::Write as _;

/// `新规则下无法评分：…` (`under_new`) or `原规则下…` and, below it, each
/// problem drawn as `score` draws it, indented under the unit.
pub(super) fn text(out: &mut String, d: &UnitDiff, under_new: bool) {
    let Some((side, problem)) = side(d, under_new) else {
        return;
    };
    let _ = writeln!(out, "  {side}下无法评分：{problem}");
    for line in render(&d.problems).trim_end().lines() {
        let _ = writeln!(out, "{}", format!("    {line}").trim_end());
    }
}

/// The same in Markdown: the message, then each problem's place and the
/// rule line it points at, as a list item of the unit.
pub(super) fn markdown(out: &mut String, d: &UnitDiff, under_new: bool) {
    let Some((side, problem)) = side(d, under_new) else {
        return;
    };
    let _ = writeln!(
        out,
        "- {side}下无法评分：{}",
        super::markdown::escape(problem)
    );
    for p in &d.problems {
        let Some((file, line, column)) = p.location() else {
            continue;
        };
        // The first problem's message is the item's own.
        let message = match p.message == problem {
            true => String::new(),
            false => format!("：{}", super::markdown::escape(&p.message)),
        };
        let _ = writeln!(out, "  - 位置 `{file}:{line}:{column}`{message}");
        if let Some(text) = line_text(p, line) {
            let _ = writeln!(out, "\n    ```\n    {}\n    ```", text.trim());
        }
    }
}

/// (`新规则` or `原规则`, why not) when that side cannot be scored.
fn side(d: &UnitDiff, under_new: bool) -> Option<(&'static str, &str)> {
    match under_new {
        true => d.new_problem.as_deref().map(|p| ("新规则", p)),
        false => d.old_problem.as_deref().map(|p| ("原规则", p)),
    }
}

/// The line a problem's first label starts on, as written.
fn line_text(p: &Problem, line: usize) -> Option<String> {
    let source = p.source.as_ref()?;
    source
        .text
        .lines()
        .nth(line.checked_sub(1)?)
        .map(str::to_string)
}
