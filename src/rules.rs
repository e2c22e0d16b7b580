//! Finding a year's rules: built into the binary, or a folder on disk.
//! Compilation happens once per run; every submission reuses the result.

use crate::diag::Code;
use crate::diag::Problem;
use crate::files::{confine, io_error_words, read_text};
use crate::ir::RuleSet;
use crate::source::SourceFile;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The rule file extension.
pub const EXTENSION: &str = "jx";

/// The years with shipped rules.
pub fn builtin_years() -> Vec<&'static str> {
    EMBEDDED.iter().map(|(y, _)| *y).collect()
}

/// The shipped rules of a year, compiled.
pub fn builtin(year: i64) -> Result<RuleSet, Vec<Problem>> {
    let year_text = year.to_string();
    let Some((_, files)) = EMBEDDED.iter().find(|(y, _)| *y == year_text) else {
        return Err(vec![
            Problem::plain(
                Code::RulesNoRulesForYear,
                format!(
                    "没有 {year} 年度的评分规则（内置规则年度：{}）",
                    builtin_years().join("、")
                ),
            )
            .with_help("用 --rules 目录 指定该年度的规则目录，或检查 [unit] 中的 year"),
        ]);
    };
    let sources = files
        .iter()
        // Named as every report names them (`rule.file` in JSON): they are
        // read from the binary, not from a `rules/` folder on disk.
        .map(|(name, text)| SourceFile::new(format!("builtin:{year}/{name}"), *text))
        .collect();
    crate::check::compile(sources)
}

/// The year folders under `dir` when `dir` holds no rule file of its own
/// but folders that do (`rules/` rather than `rules/2022`), in name order;
/// otherwise `dir` itself.
pub fn year_folders(dir: &Path) -> Vec<PathBuf> {
    let has_rules = |d: &Path| {
        std::fs::read_dir(d).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == EXTENSION))
        })
    };
    if has_rules(dir) {
        return vec![dir.to_path_buf()];
    }
    let mut years: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && has_rules(p))
        .collect();
    years.sort();
    if years.is_empty() {
        vec![dir.to_path_buf()]
    } else {
        years
    }
}

/// The rules in a folder on disk (`*.jx`, in file-name order).
pub fn from_dir(dir: &Path) -> Result<RuleSet, Vec<Problem>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![
            Problem::plain(
                Code::RulesNoFolder,
                format!("无法读取规则目录 {}：{}", dir.display(), io_error_words(&e)),
            )
            .with_help("--rules 应指向某一年度的规则目录，如 rules/2022"),
        ]
    })?;
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        // A folder named `x.jx` is kept, for `read_text` to name it.
        .filter(|p| p.extension().is_some_and(|e| e == EXTENSION))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(vec![Problem::plain(
            Code::RulesEmptyFolder,
            format!("规则目录 {} 中没有 .{EXTENSION} 文件", dir.display()),
        )]);
    }
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if let Err(p) = confine(dir, &path) {
            problems.push(*p);
            continue;
        }
        match read_text(&path) {
            Ok(text) => sources.push(SourceFile::new(path.display().to_string(), text)),
            Err(p) => problems.push(*p),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    crate::check::compile(sources)
}
