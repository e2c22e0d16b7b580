//! The files a command is given, one rule for every command: a file named
//! is taken as named; a folder named gives its entries of the kinds the
//! command reads, in file-name order. Every such entry counts, a regular
//! file or not: a FIFO, a dangling or looping link then fails to load
//! with its reason, rather than missing silently from the results.

use jixiao::diag::Code;
use jixiao::diag::Problem;
use jixiao::source::SourceFile;
use std::path::{Path, PathBuf};

/// Each input with whether it was found in a folder (several reports then
/// make an array or a document even when only one was found).
pub(super) fn expand(
    inputs: &[PathBuf],
    wanted: impl Fn(&Path) -> bool,
) -> Result<Vec<(PathBuf, bool)>, Box<Problem>> {
    let mut out = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            out.push((input.clone(), false));
            continue;
        }
        let entries = std::fs::read_dir(input).map_err(|e| {
            Box::new(Problem::plain(
                Code::IoRead,
                format!(
                    "无法读取目录 {}：{}",
                    input.display(),
                    jixiao::files::io_error_words(&e)
                ),
            ))
        })?;
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| !p.is_dir() && wanted(p))
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (f, true)));
    }
    Ok(out)
}

/// Whether `path` ends in `.ext`.
pub(super) fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

/// A unit's package: TOML or a Word file.
pub(super) fn is_package(path: &Path) -> bool {
    has_extension(path, "toml") || super::import::is_docx(path)
}

/// A rule test case has a top-level `base` or `[expect]`, which no
/// submission has. Only a file with a line that could start either is
/// parsed to see (a report line `baseline = …` must not make a
/// submission a case); a file that does not parse is left to the
/// submission loader, which says why in the submission's terms.
fn is_case(text: &str) -> bool {
    // The document is parsed only when a line could hold a top-level `base`
    // or `expect` key: the bare word before `=` or a dot, or the `[expect]`
    // table. (A submission's `expected = """…` lines are not: parsing
    // every submission a second time cost a quarter of a batch.)
    maybe_case(text)
        && text.parse::<toml_edit::DocumentMut>().is_ok_and(|doc| {
            doc.as_table().contains_key("base") || doc.as_table().contains_key("expect")
        })
}

/// Whether some line, its leading white space trimmed, starts with `base`
/// or `expect` and then `=` or a dot, or with the `[expect` table. The two
/// words are found with `memmem` and only their own lines looked at:
/// every submission is read through here, and going over each of its
/// lines cost more than the rest of reading it.
fn maybe_case(text: &str) -> bool {
    let key_or_table = |word: &str| {
        memchr::memmem::find_iter(text.as_bytes(), word.as_bytes()).any(|at| {
            let start = text
                .get(..at)
                .and_then(|before| before.rfind('\n'))
                .map_or(0, |i| i + 1);
            let end = text
                .get(at..)
                .and_then(|after| after.find('\n'))
                .map_or(text.len(), |i| at + i);
            let (Some(lead), Some(rest)) = (text.get(start..at), text.get(at + word.len()..end))
            else {
                return false;
            };
            let rest = rest.trim_start();
            match lead.trim_start() {
                "" => rest.starts_with(['=', '.']),
                "[" => word == "expect" && rest.starts_with([']', '.']),
                _ => false,
            }
        })
    };
    key_or_table("base") || key_or_table("expect")
}

/// The submission a file holds. A rule test case (`base = …` with its
/// edits) stands for the submission it describes, so `score` and `diff`
/// show what a case gives; its base is found inside the case's rules
/// folder, as `jixiao test` finds it.
pub(super) fn submission_source(
    path: &Path,
    text: std::sync::Arc<str>,
) -> Result<SourceFile, Vec<Problem>> {
    if !is_case(&text) {
        return Ok(SourceFile::new(path.display().to_string(), text));
    }
    // The rules folder: the nearest folder above the case holding rule files.
    let root = path
        .ancestors()
        .skip(1)
        .find(|d| {
            std::fs::read_dir(d).is_ok_and(|entries| {
                entries.flatten().any(|e| {
                    e.path()
                        .extension()
                        .is_some_and(|x| x == jixiao::rules::EXTENSION)
                })
            })
        })
        .or_else(|| path.parent())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let case = jixiao::cases::load(
        &path.display().to_string(),
        &text,
        &jixiao::cases::Bases::Disk { root },
    )?;
    Ok(case.submission)
}

#[cfg(test)]
mod tests {
    use super::is_case;

    #[test]
    fn a_case_is_told_by_its_top_level_keys() {
        assert!(is_case("base = \"a.toml\"\n"));
        assert!(is_case("base=\"a.toml\"\n[expect]\nscore = 1\n"));
        assert!(is_case("[expect.findings]\nx = 1\n"));
        assert!(is_case("expect . score = 1\n"));
        assert!(!is_case("expected = \"\"\"\nbase = 1\n\"\"\"\n"));
        assert!(!is_case("[unit]\nbase = 1\n"));
        assert!(!is_case("[expected]\nx = 1\n"));
        assert!(!is_case("basis = 1\n"));
    }

    #[test]
    fn only_the_words_own_line_counts() {
        use super::maybe_case;
        assert!(maybe_case("x = 1\r\n  base = 2\r\n"));
        assert!(maybe_case("\u{3000}expect.score = 1"));
        assert!(maybe_case("  [expect ]\n"));
        assert!(!maybe_case("[ expect]\n"));
        assert!(!maybe_case("base\n= 1\n"));
        assert!(!maybe_case("[base]\n"));
        assert!(!maybe_case("x = \"base = 1\"\n"));
        assert!(!maybe_case("[expected]\nexpected = 1\n"));
    }
}
