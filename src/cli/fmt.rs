//! `jixiao fmt [--check] FILE...`: rewrite rule files in the canonical
//! layout, or with `--check` only report which would change. A folder is
//! the rule files in it and in every folder under it. A file that
//! does not parse is reported and left as it is.

use super::output::emit;
use jixiao::diag::Code;
use jixiao::diag::{Problem, render};
use jixiao::source::SourceFile;
use jixiao::syntax::format::{format, same_tokens};
use std::path::{Path, PathBuf};

/// Format or check; false when a file would change (with `--check`) or
/// could not be formatted.
pub(super) fn run(check: bool, inputs_given: &[PathBuf]) -> bool {
    let mut ok = true;
    let mut changed = 0;
    // A folder is every folder under it too (`rules/` and its years, an
    // archive of old years), as a formatter of source trees does.
    let mut inputs: Vec<PathBuf> = Vec::new();
    for p in inputs_given {
        if p.is_dir() {
            folders_within(p, 0, &mut inputs);
        } else {
            inputs.push(p.clone());
        }
    }
    let files = match super::inputs::expand(&inputs, |p| {
        super::inputs::has_extension(p, jixiao::rules::EXTENSION)
    }) {
        Ok(files) => files,
        Err(p) => {
            note!("{}", render(&[*p]));
            return false;
        }
    };
    if files.is_empty() {
        noteln!("没有找到规则文件（.{}）", jixiao::rules::EXTENSION);
        return false;
    }
    let total = files.len();
    for (path, _) in files {
        // A file named on the command line is taken as it is: one that is
        // not a rule file (a rule test case, a submission) is said to be
        // out of `fmt`'s reach, not parsed as rules.
        if !super::inputs::has_extension(&path, jixiao::rules::EXTENSION) {
            noteln!(
                "{}：jixiao fmt 只整理规则文件（.{}），这个文件没有整理",
                path.display(),
                jixiao::rules::EXTENSION
            );
            ok = false;
            continue;
        }
        match format_one(&path) {
            Ok(None) => {}
            Ok(Some(formatted)) if check => {
                let _ = formatted;
                noteln!("需要格式化：{}", path.display());
                changed += 1;
                ok = false;
            }
            Ok(Some(formatted)) => {
                if let Err(e) = emit(Some(&path), &formatted) {
                    noteln!("{e}");
                    ok = false;
                } else {
                    noteln!("已格式化：{}", path.display());
                    changed += 1;
                }
            }
            Err(problems) => {
                note!("{}", render(&problems));
                ok = false;
            }
        }
    }
    if check && changed > 0 {
        noteln!("{changed} 个文件需要格式化：运行 jixiao fmt 文件名");
    }
    // A run that changed nothing says so, rather than leaving the author
    // to wonder whether it ran.
    if ok && changed == 0 {
        match total {
            1 => noteln!("文件已是统一格式，未改动"),
            _ => noteln!("{total} 个文件都已是统一格式，未改动"),
        }
    }
    ok
}

/// The formatted text when it differs from the file.
fn format_one(path: &Path) -> Result<Option<String>, Vec<Problem>> {
    let text = jixiao::files::read_text(path).map_err(|p| vec![*p])?;
    let source = SourceFile::new(path.display().to_string(), text.clone());
    let formatted = format(0, &text).map_err(|e| vec![jixiao::parse_problem(&source, 0, &e)])?;
    let half = jixiao::syntax::half_width_outside_strings(&text);
    if !same_tokens(&half, &formatted) {
        return Err(vec![Problem::plain(
            Code::FmtInternal,
            format!(
                "{}：格式化改变了内容，未写入（这是 jixiao 的缺陷，请报告）",
                path.display()
            ),
        )]);
    }
    // The text was read without its byte-order mark; the canonical file
    // has none, so a file with one is rewritten without it.
    let bom = std::fs::File::open(path)
        .and_then(|mut f| {
            let mut head = [0u8; 3];
            std::io::Read::read_exact(&mut f, &mut head).map(|()| head)
        })
        .is_ok_and(|head| head == *b"\xEF\xBB\xBF");
    Ok((*formatted != *text || bom).then_some(formatted))
}

/// How deep `fmt` looks into folders (`rules/archive/2021` is three).
const MAX_DEPTH: usize = 8;

/// `dir` and the folders under it that hold rule files, in name order;
/// hidden folders and links are not followed.
fn folders_within(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    let has_rules = entries
        .iter()
        .any(|p| super::inputs::has_extension(p, jixiao::rules::EXTENSION));
    let before = out.len();
    if has_rules {
        out.push(dir.to_path_buf());
    }
    if depth >= MAX_DEPTH {
        return;
    }
    for sub in entries {
        let hidden = sub
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        let link = std::fs::symlink_metadata(&sub).is_ok_and(|m| m.file_type().is_symlink());
        if sub.is_dir() && !hidden && !link {
            folders_within(&sub, depth + 1, out);
        }
    }
    // A folder with nothing to format under it is still named, so that
    // `fmt empty/` says there is nothing there.
    if depth == 0 && out.len() == before {
        out.push(dir.to_path_buf());
    }
}
