//! `jixiao diff --old DIR --new DIR INPUT...`: what a rule change does to
//! each unit, and why; with a summary over the batch.

use super::output::emit;
use jixiao::RuleSet;
use jixiao::data::ReviewBook;
use jixiao::diag::{Problem, render};
use jixiao::diff::{FileChanges, UnitDiff, compare, rule_changes, summarize};
use std::path::{Path, PathBuf};

/// Output formats of `diff`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    /// For people, in the terminal.
    Text,
    /// For programs.
    Json,
    /// For review documents.
    Markdown,
}

/// The Word templates' file in a rules folder.
const TEMPLATES: &str = "templates.toml";

/// Run the comparison; false when a rule folder or an input failed.
pub(super) fn run(
    old_dir: &Path,
    new_dir: &Path,
    format: DiffFormat,
    output: Option<&Path>,
    reviews: &[PathBuf],
    inputs: &[PathBuf],
) -> bool {
    if let Some(output) = output {
        let word = match format {
            DiffFormat::Text => "text",
            DiffFormat::Json => "json",
            DiffFormat::Markdown => "markdown",
        };
        super::usage::check_output_extension("-o", output, word);
    }
    let (old, new) = match (
        jixiao::rules::from_dir(old_dir),
        jixiao::rules::from_dir(new_dir),
    ) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let problems: Vec<Problem> = o.err().into_iter().chain(n.err()).flatten().collect();
            note!("{}", render(&problems));
            return false;
        }
    };
    // The judgments were given under the old rules: both sides are scored
    // with them, and the new rules' refusals are said as to judge again.
    let book = match reviews.is_empty() {
        true => None,
        false => match ReviewBook::load(reviews) {
            Ok(book) => {
                noteln!("{}", book.summary());
                Some(book)
            }
            Err(problems) => {
                note!("{}", render(&problems));
                noteln!("评审意见有 {} 个问题，未比较", problems.len());
                return false;
            }
        },
    };
    let mut changes = rule_changes(&old, &new);
    // The Word templates are the year's rules too (how a package is read):
    // their edits are listed, though no criterion or check reads them.
    let templates = |dir: &Path| std::fs::read_to_string(dir.join(TEMPLATES)).unwrap_or_default();
    let (old_templates, new_templates) = (templates(old_dir), templates(new_dir));
    if old_templates != new_templates {
        changes.push(jixiao::diff::FileChanges {
            name: TEMPLATES.to_string(),
            path: new_dir.join(TEMPLATES).display().to_string(),
            hunks: jixiao::diff::hunks(&old_templates, &new_templates),
        });
    }
    let mut ok = true;
    let mut diffs = Vec::new();
    let paths: Vec<PathBuf> = match super::inputs::expand_packages(inputs) {
        Ok(files) => {
            super::import::note_unused_received_on(&files);
            files.into_iter().map(|(p, _)| p).collect()
        }
        Err(p) => {
            note!("{}", render(&[*p]));
            return false;
        }
    };
    super::output::protect(&paths);
    super::output::protect_folder(old_dir);
    super::output::protect_folder(new_dir);
    let mut failed = Vec::new();
    // Packages of another year than a rule folder's: the deadline and the
    // other parameters are that folder's year's, which may be most of a
    // change. Said once, with the count.
    let mut other_year: Vec<(i64, usize)> = Vec::new();
    for path in paths {
        let compared = diff_one(&path, &old, &new, &changes, book.as_ref());
        // A Word package's import warnings, before what became of it.
        let notes = super::import::take_notes(&path);
        if !notes.is_empty() {
            note!("{notes}");
        }
        match compared {
            Ok((d, problems, year)) => {
                if !problems.is_empty() {
                    ok = false;
                    note!("{}", render(&problems));
                }
                if year != old.year || year != new.year {
                    match other_year.iter_mut().find(|(y, _)| *y == year) {
                        Some((_, n)) => *n += 1,
                        None => other_year.push((year, 1)),
                    }
                }
                diffs.push((path.display().to_string(), d));
            }
            Err(mut problems) => {
                ok = false;
                // `score`'s hint for a Word package without its date names
                // the review worksheet, which `diff` does not read.
                for p in &mut problems {
                    if p.code == jixiao::diag::Code::ImportIncomplete {
                        p.help = Some(
                            "Word 材料比较时需要送达日期：加 --received-on 日期；也可先用 jixiao import 导出，补全后再比较".into(),
                        );
                    }
                }
                note!("{}", render(&problems));
                noteln!("{}：未能比较", path.display());
                failed.push(path.display().to_string());
            }
        }
    }
    // Said on the screen, and kept with the comparison (a memo quotes it).
    let mut year_notes = Vec::new();
    for (year, n) in other_year {
        let folders: Vec<String> = [(old_dir, old.year), (new_dir, new.year)]
            .iter()
            .filter(|(_, y)| *y != year)
            .map(|(d, y)| format!("{} 是 {y} 年度的", d.display()))
            .collect();
        let note = format!(
            "提示：{n} 份材料是 {year} 年度的，规则 {}：截止日期等参数按规则的年度计，得分的变化可能有一部分来自年度不同",
            folders.join("，")
        );
        noteln!("{note}");
        year_notes.push(note);
    }
    let units: Vec<UnitDiff> = diffs.iter().map(|(_, d)| d.clone()).collect();
    let summary = summarize(&units);
    // What each edit feeds, for the list of every edit (text, Markdown).
    let feeds = match format {
        DiffFormat::Json => Vec::new(),
        _ => jixiao::diff::feeds(&old, &new, &changes),
    };
    let edits = (changes.as_slice(), feeds.as_slice());
    let mut text = match format {
        DiffFormat::Text => jixiao::explain::diff_text(&diffs, &summary, edits, old_dir, new_dir),
        DiffFormat::Markdown => {
            jixiao::explain::diff_markdown(&diffs, &summary, edits, old_dir, new_dir)
        }
        DiffFormat::Json => jixiao::explain::diff_json(&diffs, &summary),
    };
    // The count above is of the units compared: a file that could be read
    // under neither rule folder is said where the count is read, not only
    // among the errors.
    if !failed.is_empty() && format != DiffFormat::Json {
        let line = format!(
            "另有 {} 份材料未能比较，不在上面的统计中（原因见错误输出）：{}",
            failed.len(),
            failed.join("、")
        );
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&line);
        text.push('\n');
    }
    if format != DiffFormat::Json {
        for note in &year_notes {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            // In Markdown a paragraph of its own, not the last list item's.
            if format == DiffFormat::Markdown && !text.ends_with("\n\n") {
                text.push('\n');
            }
            text.push_str(note);
            text.push('\n');
        }
    }
    if let Err(e) = emit(output, &text) {
        noteln!("{e}");
        return false;
    }
    ok
}

fn diff_one(
    path: &Path,
    old: &RuleSet,
    new: &RuleSet,
    changes: &[FileChanges],
    book: Option<&ReviewBook>,
) -> Result<(UnitDiff, Vec<Problem>, i64), Vec<Problem>> {
    // A `.toml` as it is; a Word package imported in memory (its received
    // date, where the worksheets' 单位 sheet gives it).
    let text = super::import::read_input(path, book)?;
    let source = super::inputs::submission_source(path, text)?;
    // Parsed once, then loaded against each folder's schema; its header
    // gives the year for the note on other years.
    let parsed = jixiao::data::parse_submission(&source)?;
    let judgments = match book {
        Some(book) => {
            let file = path
                .file_name()
                .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
            let (judgments, unread) =
                book.judgments_for(&parsed.header.unit, parsed.header.year, &old.title, &file)?;
            if !unread.is_empty() {
                return Err(unread);
            }
            judgments
        }
        None => Vec::new(),
    };
    diff_parsed(&source, &parsed, old, new, changes, &judgments)
        .map(|(d, e)| (d, e, parsed.header.year))
}

/// Are all the problems about reviewers' judgments?
fn only_reviews(problems: &[Problem]) -> bool {
    problems
        .iter()
        .all(|p| p.code.code().is_some_and(|c| c.phase() == "review"))
}

/// The outcome under `rules` without the judgments its problems refuse
/// (named by the criterion's id or title), with those criteria's ids;
/// nothing when it still fails.
fn without_refused(
    source: &jixiao::source::SourceFile,
    parsed: &jixiao::data::Parsed<'_>,
    rules: &RuleSet,
    problems: &[Problem],
    judgments: &[jixiao::data::Judgment],
) -> Result<Option<(jixiao::outcome::Outcome, Vec<String>)>, Vec<Problem>> {
    let mut submission = jixiao::data::load_parsed(source.clone(), parsed, &rules.schema)?;
    submission
        .review
        .judgments
        .extend(judgments.iter().cloned());
    let refused: Vec<String> = submission
        .review
        .judgments
        .iter()
        .map(|j| j.id.clone())
        .filter(|id| {
            // Review messages name a criterion by its title (a
            // reviewer's word), a few by its id.
            let title = jixiao::diff::find_node(&rules.nodes, id).map(|n| format!("“{}”", n.title));
            problems.iter().any(|p| {
                p.message.contains(&format!("`{id}`"))
                    || title
                        .as_ref()
                        .is_some_and(|t| p.message.contains(t.as_str()))
            })
        })
        .collect();
    submission
        .review
        .judgments
        .retain(|j| !refused.contains(&j.id));
    Ok(jixiao::score(rules, &submission).ok().map(|o| (o, refused)))
}

fn diff_parsed(
    source: &jixiao::source::SourceFile,
    parsed: &jixiao::data::Parsed<'_>,
    old: &RuleSet,
    new: &RuleSet,
    changes: &[FileChanges],
    judgments: &[jixiao::data::Judgment],
) -> Result<(UnitDiff, Vec<Problem>), Vec<Problem>> {
    let run = |rules: &RuleSet| {
        let mut submission = jixiao::data::load_parsed(source.clone(), parsed, &rules.schema)?;
        submission
            .review
            .judgments
            .extend(judgments.iter().cloned());
        jixiao::score(rules, &submission)
    };
    // Located where the failing side's rules fail, and traced to the
    // edits that feed that place.
    let one_sided = |outcome, problems: &[Problem], under_new| {
        jixiao::diff::one_sided((old, new), changes, outcome, problems, under_new)
    };
    // What failed under one folder only is compared as far as it can be,
    // and its problems are returned to be said on the error output (a
    // rule that divides by zero, at its line), failing the run as `score`
    // would; refused judgments compared without are not such a failure.
    Ok(match (run(old), run(new)) {
        (Ok(o), Ok(n)) => (compare(old, new, &o, &n, changes), Vec::new()),
        // The new rules refuse some judgments (a band narrowed): compare
        // without them, and list them to be judged again.
        (Ok(o), Err(e)) if only_reviews(&e) => {
            match without_refused(source, parsed, new, &e, judgments)? {
                Some((n, _)) => {
                    let mut d = compare(old, new, &o, &n, changes);
                    // A judgment of a criterion the new rules no longer have is
                    // not to be given again: it goes.
                    d.redo.extend(e.iter().map(|p| match p.code {
                        jixiao::diag::Heading::Code(jixiao::diag::Code::ReviewUnknownCriterion) => {
                            format!(
                                "新规则中已没有这一评分项，原评审意见不再计入，无需重新评审：{}",
                                p.message
                            )
                        }
                        _ => format!("需重新评审（新规则不再接受原评审意见）：{}", p.message),
                    }));
                    (d, Vec::new())
                }
                None => (one_sided(&o, &e, true), e),
            }
        }
        // The old rules refused some judgments that the new ones take (a
        // band widened): compared the same way, so that the criteria that
        // changed and the edits that changed them are said.
        (Err(e), Ok(n)) if only_reviews(&e) => {
            match without_refused(source, parsed, old, &e, judgments)? {
                Some((o, refused)) => {
                    let mut d = compare(old, new, &o, &n, changes);
                    d.old_problem = Some(e.first().map_or_else(String::new, |p| p.message.clone()));
                    // The old side of a refused judgment's criterion is not
                    // “no reviewer's score yet”: the old rules refused one.
                    for c in d.criteria.iter_mut().filter(|c| refused.contains(&c.id)) {
                        c.reasons.0 = vec!["原规则不接受原评审意见（见上）".to_string()];
                    }
                    (d, Vec::new())
                }
                None => (one_sided(&n, &e, false), e),
            }
        }
        (Ok(o), Err(e)) => (one_sided(&o, &e, true), e),
        (Err(e), Ok(n)) => (one_sided(&n, &e, false), e),
        (Err(e), Err(_)) => return Err(e),
    })
}
