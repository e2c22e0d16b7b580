//! `jixiao score`: load each input, choose its year's rules (compiled once
//! per year), score, render.

use super::Format;
use super::output::emit;
use jixiao::data::{Submission, load_submission, read_header};
use jixiao::diag::{Problem, render};
use jixiao::eval::outcome::Outcome;
use jixiao::ir::RuleSet;
use jixiao::source::SourceFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Inputs in order; a folder's `.toml` files in file-name order.
fn expand(inputs: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, Box<Problem>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let entries = std::fs::read_dir(input).map_err(|e| {
                Box::new(Problem::plain(
                    "io::read",
                    format!("无法读取目录 {}：{e}", input.display()),
                ))
            })?;
            let mut files: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && (p.extension().is_some_and(|e| e == "toml") || super::import::is_docx(p))
                })
                .collect();
            files.sort();
            out.extend(files.into_iter().map(|f| (f, true)));
        } else {
            out.push((input.clone(), false));
        }
    }
    Ok(out)
}

enum Rules {
    Fixed(Box<RuleSet>),
    ByYear(HashMap<i64, Result<RuleSet, Vec<Problem>>>),
}

impl Rules {
    fn for_year(&mut self, year: i64) -> Result<&RuleSet, Vec<Problem>> {
        match self {
            Rules::Fixed(r) => Ok(r),
            Rules::ByYear(cache) => cache
                .entry(year)
                .or_insert_with(|| jixiao::rules::builtin(year))
                .as_ref()
                .map_err(Clone::clone),
        }
    }
}

/// Score and print; false when anything failed.
pub(super) fn run(
    rules_dir: Option<&Path>,
    format: Format,
    output: Option<&Path>,
    inputs: &[PathBuf],
) -> bool {
    let mut rules = match rules_dir {
        Some(dir) => match jixiao::rules::from_dir(dir) {
            Ok(r) => Rules::Fixed(Box::new(r)),
            Err(problems) => {
                eprint!("{}", render(&problems));
                return false;
            }
        },
        None => Rules::ByYear(HashMap::new()),
    };
    let files = match expand(inputs) {
        Ok(f) => f,
        Err(p) => {
            eprint!("{}", render(&[*p]));
            return false;
        }
    };
    let as_array = files.len() != 1 || files.iter().any(|(_, from_dir)| *from_dir);
    let mut ok = true;
    let mut json_items = Vec::new();
    let mut text = String::new();
    for (path, _) in &files {
        match score_one(path, &mut rules) {
            Ok((outcome, set, submission)) => match format {
                Format::Json => {
                    json_items.push(jixiao::explain::outcome_json(&outcome, set, &submission))
                }
                Format::Text => {
                    if !text.is_empty() {
                        text.push_str(&"═".repeat(60));
                        text.push_str("\n\n");
                    }
                    text.push_str(&jixiao::explain::render_text(&outcome, set, &submission));
                }
            },
            Err(problems) => {
                ok = false;
                eprint!("{}", render(&problems));
                eprintln!("{}：{} 个问题，未能评分", path.display(), problems.len());
                if format == Format::Json && as_array {
                    json_items.push(serde_json::json!({
                        "file": path.display().to_string(),
                        "errors": jixiao::explain::problems_json(&problems),
                    }));
                }
            }
        }
    }
    let rendered = match format {
        Format::Json if as_array => pretty(&serde_json::Value::Array(json_items)),
        Format::Json => match json_items.into_iter().next() {
            Some(item) => pretty(&item),
            None => return false,
        },
        Format::Text => text,
    };
    if let Err(e) = emit(output, &rendered) {
        eprintln!("{e}");
        return false;
    }
    ok
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn score_one<'r>(
    path: &Path,
    rules: &'r mut Rules,
) -> Result<(Outcome, &'r RuleSet, Submission), Vec<Problem>> {
    let text = super::import::read_input(path)?;
    let source = SourceFile::new(path.display().to_string(), text);
    let header = read_header(&source)?;
    let set = rules.for_year(header.year)?;
    let submission = load_submission(source, &set.schema)?;
    let outcome = jixiao::score(set, &submission)?;
    Ok((outcome, set, submission))
}
