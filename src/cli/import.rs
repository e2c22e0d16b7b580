//! `jixiao import`: Word packages → submission files; and the in-memory
//! import `jixiao score` uses for `.docx` inputs.

use super::output::emit;
use jixiao::data::Date;
use jixiao::diag::{Problem, render};
use jixiao::import::{Imported, Level, Options, Templates, import_file};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `--received-on`: `2023-06-14`.
pub(super) fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text.trim()).ok_or_else(|| format!("“{text}”不是有效日期，应写成 2023-06-14"))
}

/// The templates of a `--rules` folder; `None` for the built-in ones.
fn templates(rules: Option<&Path>) -> Result<Option<Templates>, Box<Problem>> {
    rules.map(Templates::from_dir).transpose()
}

/// Print an import's warnings to stderr.
fn report(path: &Path, imported: &Imported) {
    for w in &imported.warnings {
        eprintln!("{w}");
    }
    let count = |level| {
        imported
            .warnings
            .iter()
            .filter(|w| w.level == level)
            .count()
    };
    let (missing, warnings, notes) = (
        count(Level::Missing),
        count(Level::Warning),
        count(Level::Note),
    );
    if missing + warnings + notes > 0 {
        eprintln!(
            "{}：缺少 {missing} 项，警告 {warnings} 条，提示 {notes} 条",
            path.display()
        );
    }
}

/// Import and write; false when an input failed or lacks a required value.
pub(super) fn run(
    rules: Option<&Path>,
    options: &Options,
    output: Option<&Path>,
    out_dir: Option<&Path>,
    inputs: &[PathBuf],
) -> bool {
    let templates = match templates(rules) {
        Ok(t) => t,
        Err(p) => {
            eprint!("{}", render(&[*p]));
            return false;
        }
    };
    if let Some(dir) = out_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("无法创建目录 {}：{e}", dir.display());
            return false;
        }
    }
    let mut ok = true;
    for input in inputs {
        let imported = match import_file(input, options, templates.as_ref()) {
            Ok(i) => i,
            Err(p) => {
                eprint!("{}", render(&[*p]));
                ok = false;
                continue;
            }
        };
        report(input, &imported);
        ok &= imported.is_complete();
        let target = match out_dir {
            Some(dir) => {
                let stem = input
                    .file_stem()
                    .map_or_else(|| "package".into(), |s| s.to_string_lossy().into_owned());
                Some(dir.join(format!("{stem}.toml")))
            }
            None => output.map(Path::to_path_buf),
        };
        if let Err(e) = emit(target.as_deref(), &imported.toml) {
            eprintln!("{e}");
            ok = false;
        }
    }
    ok
}

/// `jixiao score`'s options for `.docx` inputs, set once before scoring:
/// kept here so that the score command reads a `.docx` with one call
/// (`read_input`) and needs no new parameters.
static SCORE_OPTIONS: OnceLock<(Option<Date>, Option<PathBuf>)> = OnceLock::new();

/// Set `--received-on` and `--rules` for `.docx` inputs of `jixiao score`.
pub(super) fn for_score(received_on: Option<Date>, rules: Option<PathBuf>) {
    let _ = SCORE_OPTIONS.set((received_on, rules));
}

/// Is this input a Word package? (Word's lock files, `~$name.docx`, are not.)
pub(super) fn is_docx(path: &Path) -> bool {
    let lock = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("~$"));
    !lock
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("docx"))
}

/// An input of `jixiao score` as submission text: a `.toml` file as it is,
/// a `.docx` package imported in memory (its warnings to stderr).
pub(super) fn read_input(path: &Path) -> Result<String, Vec<Problem>> {
    if !is_docx(path) {
        return jixiao::rules::read_text(path).map_err(|p| vec![*p]);
    }
    let (received_on, rules) = SCORE_OPTIONS.get().cloned().unwrap_or_default();
    let templates = templates(rules.as_deref()).map_err(|p| vec![*p])?;
    let options = Options {
        received_on,
        ..Options::default()
    };
    let imported = import_file(path, &options, templates.as_ref()).map_err(|p| vec![*p])?;
    report(path, &imported);
    if !imported.is_complete() {
        let missing: Vec<String> = imported
            .warnings
            .iter()
            .filter(|w| w.level == Level::Missing)
            .map(|w| w.message.clone())
            .collect();
        return Err(vec![
            Problem::plain(
                "import::incomplete",
                format!("{}：{}", path.display(), missing.join("；")),
            )
            .with_help(
                "Word 材料评分需要 --received-on 日期；或先用 jixiao import 导出，补全后再评分",
            ),
        ]);
    }
    Ok(imported.toml)
}
