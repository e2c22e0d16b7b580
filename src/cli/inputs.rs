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
    expand_keeping_rest(inputs, wanted).map(|(files, _)| files)
}

/// An input file, with whether it was found in a folder.
type Input = (PathBuf, bool);

/// What a folder named as an input holds besides the files read: its
/// subfolders and its other files, by name.
struct Rest {
    folder: PathBuf,
    folders: Vec<String>,
    others: Vec<String>,
}

/// `expand`, with what each folder holds besides, from the same reading
/// of the folder. Hidden files and Word's lock files (`~$…`) are no rest.
fn expand_keeping_rest(
    inputs: &[PathBuf],
    wanted: impl Fn(&Path) -> bool,
) -> Result<(Vec<Input>, Vec<Rest>), Box<Problem>> {
    let mut out = Vec::new();
    let mut rests = Vec::new();
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
        let mut files = Vec::new();
        let mut rest = Rest {
            folder: input.clone(),
            folders: Vec::new(),
            others: Vec::new(),
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() && wanted(&path) {
                files.push(path);
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(['.', '~']) {
                continue;
            }
            // The entry's own type, read with the folder: no call per file.
            match entry.file_type().is_ok_and(|t| t.is_dir()) {
                true => rest.folders.push(format!("{name}/")),
                false => rest.others.push(name),
            }
        }
        files.sort();
        rest.folders.sort();
        rest.others.sort();
        // A folder with nothing to read is said, not taken for a batch of
        // none (an empty report, exit status 0).
        if files.is_empty() {
            return Err(Box::new(
                Problem::plain(
                    Code::IoRead,
                    format!("目录 {} 中没有要读取的文件", input.display()),
                )
                .with_help("确认目录是否选对：score 和 review 读 .toml 与 .docx 材料，diff 读 .toml 材料，fmt 读规则文件"),
            ));
        }
        out.extend(files.into_iter().map(|f| (f, true)));
        rests.push(rest);
    }
    Ok((out, rests))
}

/// Whether `path` ends in `.ext`.
pub(super) fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

/// A unit's package: TOML or a Word file (the extension in any case:
/// `.TOML` as a unit's computer wrote it). A package in an old or other
/// office format (`.doc`, `.wps`, `.pdf`) is taken too, so that it fails
/// with its reason rather than missing silently from a folder's results.
pub(super) fn is_package(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(['.', '~']));
    let ext = |e: &str| path.extension().is_some_and(|x| x.eq_ignore_ascii_case(e));
    !hidden && (ext("toml") || super::import::is_docx(path) || UNREADABLE.iter().any(|e| ext(e)))
}

/// Formats a unit may send its package in that are not read: their files
/// are reported as not read, each with its reason.
const UNREADABLE: [&str; 7] = ["doc", "docm", "wps", "pdf", "rtf", "odt", "dotx"];

/// `expand` for the commands that read packages, with what a folder holds
/// besides its packages said on the screen: a subfolder (`补报/`), whose
/// packages are not read, and files of other kinds.
pub(super) fn expand_packages(inputs: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, Box<Problem>> {
    let (files, rests) = expand_keeping_rest(inputs, is_package)?;
    for Rest {
        folder,
        folders,
        others,
    } in rests
    {
        if !folders.is_empty() {
            noteln!(
                "提示：目录 {} 中的子目录 {} 没有读取：其中的材料请移到 {} 中，或在命令中单独给出",
                folder.display(),
                folders.join("、"),
                folder.display()
            );
        }
        if !others.is_empty() {
            let shown: Vec<&str> = others.iter().take(5).map(String::as_str).collect();
            let more = match others.len() > shown.len() {
                true => format!(" 等 {} 个", others.len()),
                false => String::new(),
            };
            noteln!(
                "提示：目录 {} 中的 {}{more} 不是材料（.toml 或 .docx），没有读取",
                folder.display(),
                shown.join("、")
            );
        }
    }
    Ok(files)
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
/// or `expect` and then `=` or a dot, before the first table header (where
/// top-level keys are), or with the `[expect` table anywhere. The words are
/// found with `memmem` and only their own lines looked at: every submission
/// is read through here, and going over each of its lines cost more than
/// the rest of reading it.
fn maybe_case(text: &str) -> bool {
    // Top-level keys come before the first table header.
    let top = lines_starting_with(text, "[")
        .next()
        .and_then(|(line, _)| text.get(..line))
        .unwrap_or(text);
    let key =
        |word: &str| lines_starting_with(top, word).any(|(_, rest)| rest.starts_with(['=', '.']));
    key("base")
        || key("expect")
        || lines_starting_with(text, "[expect").any(|(_, rest)| rest.starts_with([']', '.']))
}

/// For each line whose first word (white space trimmed) starts with
/// `word`: where the line starts, and the rest of it after `word`, white
/// space trimmed. A line is looked at once, whatever its length and
/// however often `word` is in it (a long text of one line, `base`
/// repeated, must not be read again for every `base` in it).
fn lines_starting_with<'t>(
    text: &'t str,
    word: &'t str,
) -> impl Iterator<Item = (usize, &'t str)> + 't {
    let bytes = text.as_bytes();
    let mut looked_at = 0;
    memchr::memmem::find_iter(bytes, word.as_bytes()).filter_map(move |at| {
        if at < looked_at {
            return None;
        }
        let (start, end) = line_around(bytes, at);
        looked_at = end;
        text.get(start..at)?.trim_start().is_empty().then_some(())?;
        Some((start, text.get(at + word.len()..end)?.trim_start()))
    })
}

/// The line holding byte `at`: where it starts and where it ends (its
/// newline, or the text's end).
fn line_around(bytes: &[u8], at: usize) -> (usize, usize) {
    let start = bytes
        .get(..at)
        .and_then(|before| memchr::memrchr(b'\n', before))
        .map_or(0, |i| i + 1);
    let end = bytes
        .get(at..)
        .and_then(|after| memchr::memchr(b'\n', after))
        .map_or(bytes.len(), |i| at + i);
    (start, end)
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
        // Top-level keys come before the first table; `[expect]` anywhere.
        assert!(!maybe_case("[unit]\nbase = 1\n"));
        assert!(maybe_case("base = 1\n[edit]\nx = 2\n"));
        assert!(maybe_case("x = 1\n[edit]\ny = 2\n  [expect]\n"));
        assert!(maybe_case("x = [1]\nbase = 2\n"));
    }
}
