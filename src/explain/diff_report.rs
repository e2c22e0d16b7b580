//! What a rule change does to each unit, and why (`jixiao diff`): text for
//! the terminal, Markdown for review documents, JSON for programs; with a
//! summary over the batch.

use super::snippet::severity_word;
use crate::diff::{BatchSummary, CriterionChange, FileChanges, Score, UnitDiff};
use serde_json::json;
use std::fmt::Write as _;
use std::path::Path;

/// Changed lines shown per edit in the text output.
const MAX_HUNK_LINES: usize = 6;

/// A change of points, signed: `+2`, `−3` (the minus sign deductions are
/// written with, not a hyphen).
fn signed(d: rust_decimal::Decimal) -> String {
    let n = d.normalize();
    if n > rust_decimal::Decimal::ZERO {
        format!("+{n}")
    } else if n < rust_decimal::Decimal::ZERO {
        format!("−{}", n.abs())
    } else {
        n.to_string()
    }
}

/// A side's total as people read it; a side that cannot be scored says so.
fn side(d: &UnitDiff, new: bool) -> String {
    let (score, problem) = if new {
        (&d.new, &d.new_problem)
    } else {
        (&d.old, &d.old_problem)
    };
    match problem {
        Some(_) => "无法评分".to_string(),
        None => score.text(),
    }
}

fn summary_line(s: &BatchSummary) -> String {
    let mean = s.mean_change.map_or_else(
        || "没有两边都有最终得分的单位，不计平均变化".to_string(),
        |m| format!("平均变化 {} 分", signed(m)),
    );
    let pending = if s.pending > 0 {
        format!("，{} 个待评审或无法比较", s.pending)
    } else {
        String::new()
    };
    format!(
        "共 {} 个单位：得分升高 {} 个，降低 {} 个，不变 {} 个{pending}；{mean}",
        s.units, s.gained, s.lost, s.unchanged
    )
}

/// One edit between the two rule folders, as the batch saw it.
struct Edit<'c> {
    file: &'c str,
    hunk: &'c crate::diff::Hunk,
    /// What it feeds (criteria and checks), if anything.
    feeds: Option<String>,
    /// Units of the batch it changed.
    units: usize,
    /// Units of the batch it made unscorable under one folder (traced
    /// from where that folder's rules fail on them).
    failed: usize,
    /// Only comments or blank lines changed.
    comment_only: bool,
    /// Units of the batch scored under one folder only, where no rule
    /// is to blame (a refused judgment): whatever the edit did to them is
    /// not among `units`.
    one_sided: usize,
}

impl Edit<'_> {
    /// What it feeds and changed, in words.
    /// The units counted are those whose result changed in what the
    /// edit feeds: another edit feeding the same items may be what
    /// changed them, so the words claim no more than that.
    fn reach(&self, batch: usize) -> String {
        // The Word templates say how a package is read, which the
        // comparison does not redo: a package is imported once.
        if self.file.ends_with("templates.toml") && !self.comment_only {
            return "Word 材料的导入模板：比较时 Word 材料仍按它所属年度的内置模板导入，这一改动不在比较的结果中；请用 jixiao import --rules 新规则目录 试导入".to_string();
        }
        let failed = match self.failed {
            0 => String::new(),
            n => format!("，{n} 个因此只在一边能评分（见下）"),
        };
        match (&self.feeds, self.comment_only, self.units) {
            (_, true, _) => "只改了注释".to_string(),
            (Some(f), false, 0) if self.failed > 0 => format!(
                "影响 {f}；这批 {batch} 个单位中 {} 个因此只在一边能评分（见下）",
                self.failed
            ),
            (Some(f), false, 0) if self.one_sided > 0 => format!(
                "影响 {f}；两边都能评分的单位在这些项上没有变化，另有 {} 个单位只在一边能评分（见下）",
                self.one_sided
            ),
            (Some(f), false, 0) => format!("影响 {f}；这批材料中没有单位在这些项上有变化"),
            (Some(f), false, n) => {
                format!("影响 {f}；这批 {batch} 个单位中 {n} 个在这些项上有变化{failed}")
            }
            // The schema: a package it can no longer read.
            (None, false, 0) if self.failed > 0 => format!(
                "这批 {batch} 个单位中 {} 个因此只在一边能读取、评分（见下）",
                self.failed
            ),
            (None, false, 0) => "这批材料中没有单位因此变化".to_string(),
            (None, false, n) => format!("这批 {batch} 个单位中 {n} 个因此变化"),
        }
    }
}

/// Every edit between the two rule folders, in the files' order, with what
/// it feeds and how many units of the batch it changed. An edit that
/// changed no unit (a deadline no unit's date falls between) is one too:
/// the author reviews the whole change, not only what these units show.
fn edits<'c>(
    changes: &'c [FileChanges],
    feeds: &[crate::diff::Cause],
    diffs: &[(String, UnitDiff)],
) -> Vec<Edit<'c>> {
    let mut out = Vec::new();
    let unscorable = |d: &UnitDiff| !d.problems.is_empty();
    let one_sided = diffs
        .iter()
        .filter(|(_, d)| {
            d.old_problem.is_some() != d.new_problem.is_some()
                && d.criteria.is_empty()
                && d.causes.is_empty()
        })
        .count();
    for file in changes {
        for hunk in &file.hunks {
            let made_by = |c: &crate::diff::Cause| c.file == file.path && c.hunk == *hunk;
            out.push(Edit {
                file: &file.path,
                hunk,
                feeds: feeds
                    .iter()
                    .find(|c| made_by(c))
                    .map(|c| c.affects.join("、")),
                units: diffs
                    .iter()
                    .filter(|(_, d)| !unscorable(d) && d.causes.iter().any(made_by))
                    .count(),
                failed: diffs
                    .iter()
                    .filter(|(_, d)| unscorable(d) && d.causes.iter().any(made_by))
                    .count(),
                comment_only: hunk
                    .removed
                    .iter()
                    .chain(&hunk.added)
                    .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')),
                one_sided,
            });
        }
    }
    out
}

/// What a unit's cause feeds, in words: the criteria and checks, or, for
/// an edit of the schema that a package can no longer be read by, that.
fn affects_words(cause: &crate::diff::Cause) -> String {
    match cause.affects.is_empty() {
        true => "材料的格式：这份材料只有一边的格式读得进来".to_string(),
        false => format!("影响 {}", cause.affects.join("、")),
    }
}

/// The number an edit is listed under (`[3] `), found by a unit's cause.
fn number_of(edits: &[Edit<'_>], cause: &crate::diff::Cause) -> String {
    edits
        .iter()
        .position(|e| e.file == cause.file && *e.hunk == cause.hunk)
        .map_or_else(String::new, |n| format!("[{}] ", n + 1))
}

/// The edits, numbered, each once, for the terminal.
fn all_edits_text(out: &mut String, edits: &[Edit<'_>], batch: usize) {
    if edits.is_empty() {
        let _ = writeln!(out, "两个规则目录的规则文件相同，没有改动\n");
        return;
    }
    let _ = writeln!(out, "规则的改动（共 {} 处）：", edits.len());
    for (n, e) in edits.iter().enumerate() {
        let _ = writeln!(
            out,
            "  [{}] {}:{}（{}）",
            n + 1,
            e.file,
            e.hunk.new_start,
            e.reach(batch)
        );
        hunk_lines(out, e.hunk, "      ");
    }
    out.push('\n');
}

/// An edit's lines, `-` before `+`, cut after `MAX_HUNK_LINES` (Markdown
/// and JSON keep every line).
fn hunk_lines(out: &mut String, hunk: &crate::diff::Hunk, indent: &str) {
    let lines: Vec<String> = hunk
        .removed
        .iter()
        .map(|l| format!("{indent}- {}", l.trim_end()))
        .chain(
            hunk.added
                .iter()
                .map(|l| format!("{indent}+ {}", l.trim_end())),
        )
        .collect();
    for line in lines.iter().take(MAX_HUNK_LINES) {
        let _ = writeln!(out, "{line}");
    }
    if lines.len() > MAX_HUNK_LINES {
        let _ = writeln!(
            out,
            "{indent}…（共 {} 行改动，完整内容见 --format markdown）",
            lines.len()
        );
    }
}

pub fn diff_text(
    diffs: &[(String, UnitDiff)],
    summary: &BatchSummary,
    (changes, feeds): (&[FileChanges], &[crate::diff::Cause]),
    old_dir: &Path,
    new_dir: &Path,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "规则变更：{} → {}\n",
        old_dir.display(),
        new_dir.display()
    );
    let edits = edits(changes, feeds, diffs);
    all_edits_text(&mut out, &edits, diffs.len());
    for (file, d) in diffs {
        if !d.changed() {
            let _ = writeln!(out, "{}（{file}）：{} 分，无变化\n", d.unit, d.new.text());
            continue;
        }
        let delta = match d.delta() {
            Some(x) if x.is_zero() => "（总分不变）".to_string(),
            Some(x) => format!("（{}）", signed(x)),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "{}（{file}）：{} → {}{delta}",
            d.unit,
            side(d, false),
            side(d, true)
        );
        super::diff_unscorable::text(&mut out, d, true);
        for r in &d.redo {
            let _ = writeln!(out, "  {r}");
        }
        super::diff_unscorable::text(&mut out, d, false);
        for c in &d.criteria {
            let (old, new) = change_words(c);
            let _ = writeln!(out, "  {} {}：{old} → {new}", c.id, c.title);
            if c.reasons.0 != c.reasons.1 {
                for r in &c.reasons.0 {
                    let _ = writeln!(out, "    原：{r}");
                }
                for r in &c.reasons.1 {
                    let _ = writeln!(out, "    现：{r}");
                }
            }
        }
        for f in &d.findings_added {
            let _ = writeln!(
                out,
                "  + 新增发现 {}（{}）：{}",
                f.id,
                severity_word(f.severity),
                f.message
            );
        }
        for f in &d.findings_removed {
            let _ = writeln!(
                out,
                "  - 不再出现 {}（{}）：{}",
                f.id,
                severity_word(f.severity),
                f.message
            );
        }
        // The edits themselves are listed once above; here, which of them.
        if !d.causes.is_empty() {
            let _ = writeln!(out, "  原因（规则的改动）：");
        }
        for cause in &d.causes {
            let number = number_of(&edits, cause);
            let _ = writeln!(
                out,
                "    {number}{}:{}（{}）",
                cause.file,
                cause.hunk.new_start,
                affects_words(cause)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary_line(summary));
    out
}

pub fn diff_markdown(
    diffs: &[(String, UnitDiff)],
    summary: &BatchSummary,
    (changes, feeds): (&[FileChanges], &[crate::diff::Cause]),
    old_dir: &Path,
    new_dir: &Path,
) -> String {
    let edits = edits(changes, feeds, diffs);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# 规则变更的影响\n\n`{}` → `{}`\n\n{}\n",
        old_dir.display(),
        new_dir.display(),
        summary_line(summary)
    );
    let _ = writeln!(
        out,
        "| 单位 | 文件 | 原得分 | 新得分 | 变化 |\n|---|---|---:|---:|---:|"
    );
    for (file, d) in diffs {
        let delta = d.delta().map_or_else(|| "—".to_string(), signed);
        let _ = writeln!(
            out,
            "| {} | `{file}` | {} | {} | {delta} |",
            d.unit,
            side(d, false),
            side(d, true)
        );
    }
    // Every edit once, numbered as the units' causes name them below.
    if !edits.is_empty() {
        let _ = writeln!(
            out,
            "\n## 规则的改动（共 {} 处）\n\n| 编号 | 位置 | 影响与变化 |\n|---:|---|---|",
            edits.len()
        );
        for (n, e) in edits.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | `{}:{}` | {} |",
                n + 1,
                e.file,
                e.hunk.new_start,
                e.reach(diffs.len())
            );
        }
        // Each edit whole, once: the copy kept on file shows every change
        // (a parameter's new value, a comment rewritten), and the units
        // below name the edits by number.
        for (n, e) in edits.iter().enumerate() {
            let _ = writeln!(
                out,
                "\n### [{}] `{}` 第 {} 行\n\n```diff",
                n + 1,
                e.file,
                e.hunk.new_start
            );
            diff_block(&mut out, e.hunk);
        }
    }
    for (file, d) in diffs.iter().filter(|(_, d)| d.changed()) {
        let _ = writeln!(out, "\n## {}（`{file}`）\n", d.unit);
        if !d.criteria.is_empty() {
            let _ = writeln!(out, "| 评分项 | 编号 | 原 | 新 |\n|---|---|---:|---:|");
            for c in &d.criteria {
                let (old, new) = change_words(c);
                let _ = writeln!(out, "| {} | `{}` | {old} | {new} |", c.title, c.id);
            }
            out.push('\n');
            // Each changed criterion's reasons before and after, below the
            // table (a table cell would hold them badly).
            for c in d.criteria.iter().filter(|c| c.reasons.0 != c.reasons.1) {
                let _ = writeln!(out, "- {}：", c.title);
                for r in &c.reasons.0 {
                    let _ = writeln!(out, "  - 原：{}", super::markdown::escape(r));
                }
                for r in &c.reasons.1 {
                    let _ = writeln!(out, "  - 现：{}", super::markdown::escape(r));
                }
            }
        }
        super::diff_unscorable::markdown(&mut out, d, true);
        for r in &d.redo {
            let _ = writeln!(out, "- {r}");
        }
        super::diff_unscorable::markdown(&mut out, d, false);
        for f in &d.findings_added {
            let _ = writeln!(
                out,
                "- 新增发现 `{}`（{}）：{}",
                f.id,
                severity_word(f.severity),
                f.message
            );
        }
        for f in &d.findings_removed {
            let _ = writeln!(
                out,
                "- 不再出现 `{}`（{}）：{}",
                f.id,
                severity_word(f.severity),
                f.message
            );
        }
        if !d.causes.is_empty() {
            let _ = writeln!(out, "\n原因（规则的改动，见上文同号的改动）：\n");
        }
        for cause in &d.causes {
            let number = number_of(&edits, cause);
            let _ = writeln!(
                out,
                "- {number}`{}` 第 {} 行（{}）",
                cause.file,
                cause.hunk.new_start,
                affects_words(cause)
            );
            // An edit not among those listed is shown here whole.
            if number.is_empty() {
                out.push_str("\n```diff\n");
                diff_block(&mut out, &cause.hunk);
            }
        }
    }
    out
}

/// A hunk's lines, every one, as a `diff` block's body, and the closing
/// fence.
fn diff_block(out: &mut String, hunk: &crate::diff::Hunk) {
    for line in &hunk.removed {
        let _ = writeln!(out, "-{}", line.trim_end());
    }
    for line in &hunk.added {
        let _ = writeln!(out, "+{}", line.trim_end());
    }
    out.push_str("```\n");
}

pub fn diff_json(diffs: &[(String, UnitDiff)], summary: &BatchSummary) -> String {
    let score = |s: &crate::diff::Score| {
        json!({
            "score": s.score.map(|d| d.normalize().to_string()),
            "range": [s.range.0.normalize().to_string(), s.range.1.normalize().to_string()],
        })
    };
    let units: Vec<serde_json::Value> = diffs
        .iter()
        .map(|(file, d)| {
            json!({
                "file": file,
                "unit": d.unit,
                "changed": d.changed(),
                "old": score(&d.old),
                "new": score(&d.new),
                "delta": d.delta().map(|x| x.normalize().to_string()),
                "criteria": d.criteria.iter().map(|c| json!({
                    "id": c.id, "title": c.title,
                    "old": c.old.as_ref().map(score), "new": c.new.as_ref().map(score),
                    "max": [c.max.0.map(|m| m.normalize().to_string()), c.max.1.map(|m| m.normalize().to_string())],
                })).collect::<Vec<_>>(),
                "findings_added": d.findings_added.iter().map(|f| json!({"id": f.id, "severity": f.severity.as_str(), "message": f.message})).collect::<Vec<_>>(),
                "findings_removed": d.findings_removed.iter().map(|f| json!({"id": f.id, "severity": f.severity.as_str(), "message": f.message})).collect::<Vec<_>>(),
                "old_problem": d.old_problem,
                "new_problem": d.new_problem,
                // Where the side that cannot be scored fails, as `score
                // --format json` gives its `errors`.
                "old_errors": super::problems_json(if d.old_problem.is_some() { &d.problems } else { &[] }),
                "new_errors": super::problems_json(if d.new_problem.is_some() { &d.problems } else { &[] }),
                "redo": d.redo,
                "causes": d.causes.iter().map(|c| json!({
                    "file": c.file, "line": c.hunk.new_start, "old_line": c.hunk.old_start,
                    "removed": c.hunk.removed, "added": c.hunk.added, "affects": c.affects,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let value = json!({
        "units": units,
        "summary": {
            "units": summary.units, "gained": summary.gained, "lost": summary.lost,
            "unchanged": summary.unchanged, "pending": summary.pending,
            "mean_change": summary.mean_change.map(|m| m.normalize().to_string()),
        },
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

/// A criterion's score on one side of the comparison, or （无） where that
/// side's rules have no such criterion.
fn shown(score: Option<&Score>) -> String {
    score.map_or_else(|| "（无）".to_string(), Score::text)
}

/// A criterion's score before and after; with its full marks when those
/// changed, so that `30 → 25` is not read as five points lost.
fn change_words(c: &CriterionChange) -> (String, String) {
    let (old, new) = (shown(c.old.as_ref()), shown(c.new.as_ref()));
    match (c.max_changed(), c.max) {
        (true, (Some(a), Some(b))) => (
            format!("{old}（满分 {}）", a.normalize()),
            format!("{new}（满分 {}）", b.normalize()),
        ),
        _ => (old, new),
    }
}

#[cfg(test)]
mod tests {
    use super::signed;
    use rust_decimal::Decimal;

    #[test]
    fn changes_are_signed_with_the_minus_sign_of_deductions() {
        assert_eq!(signed(Decimal::new(-3, 0)), "−3");
        assert_eq!(signed(Decimal::new(25, 1)), "+2.5");
        assert_eq!(signed(Decimal::ZERO), "0");
    }
}
