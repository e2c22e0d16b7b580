//! Test inputs kept as what they change, not as copies: the files under
//! `tests/cases/<kind>/`.
//!
//! - A **case** (`base = …`, `remove`, `[edit]`, `[expect]`) is read by
//!   `jixiao::cases::load`, as `jixiao test` reads the rules' own cases; its
//!   `base` is a path from the case file (the reference example,
//!   `../../../examples/2022/yueyanglou-finance-office.toml`), inside the
//!   repository.
//! - A **patch** (`file = …`, `replace = …`, `with = …`, `[expect]`) changes
//!   the text of a live file, for what an edit of TOML values cannot make: a
//!   rule file broken in one place, a submission that is not valid TOML.
//!   `replace` must occur exactly once in `file`, so that a change of the
//!   live file that touches the patched text fails here, loudly, instead of
//!   leaving a stale copy behind.
//!
//! The submission a case or patch gives is written below a fresh temporary
//! folder as `tests/<kind>/<name>.toml`, after the case's leading comment
//! (what it changes and why it must give that), and the built binary is run
//! there on that real file: what it prints names the file, and its line
//! numbers, as they were when these inputs were stored whole.

use jixiao::cases::expect::{self, Expect};
use jixiao::source::SourceFile;
use std::path::{Path, PathBuf};

/// The repository.
pub const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// `tests/cases/<kind>/*.toml`, in file-name order: (name, path).
pub fn list(kind: &str) -> Vec<(String, PathBuf)> {
    let dir = Path::new(MANIFEST).join("tests/cases").join(kind);
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let name = p
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 file name")
                .to_string();
            (name, p)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no cases in {}", dir.display());
    out
}

/// One case or patch, read.
pub struct Input {
    /// File name without `.toml`.
    pub name: String,
    /// The text it gives (the edited base, or the patched file), after the
    /// input's leading comment.
    pub text: String,
    /// The same without the comment.
    pub body: String,
    /// Its `[expect]`.
    pub expect: Expect,
    /// Its leading comment (`#` lines), which says what it changes.
    pub comment: String,
    /// The line of `text` (from 1) where the change is: the first `[edit]`
    /// path (or, without edits, the first `remove`d path's table), or the
    /// patched text.
    pub changed_line: usize,
}

/// The leading comment of `text`: its `#` lines and blank lines up to the
/// first key, each with its newline.
pub fn leading_comment(text: &str) -> String {
    text.lines()
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Read `tests/cases/<kind>/<name>.toml`: a case, or a patch (it has
/// `replace`).
pub fn read(path: &Path) -> Input {
    let shown = path
        .strip_prefix(MANIFEST)
        .unwrap_or(path)
        .display()
        .to_string();
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("UTF-8 file name")
        .to_string();
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{shown}: {e}"));
    let comment = leading_comment(&source);
    let doc: toml_edit::Document<String> = toml_edit::Document::parse(source.clone())
        .unwrap_or_else(|e| panic!("{shown}: not TOML: {e}"));
    let (body, expect, at) = if doc.as_table().contains_key("replace") {
        let file = SourceFile::new(shown.as_str(), source.as_str());
        let expect = expect::parse(doc.as_table().get("expect"), &file)
            .unwrap_or_else(|p| panic!("{}", jixiao::diag::render(&p)));
        let (text, at) = patched(path, &doc);
        (text, expect, at)
    } else {
        let case = jixiao::cases::load(
            &path.display().to_string(),
            &source,
            &jixiao::cases::Bases::Disk {
                root: PathBuf::from(MANIFEST),
            },
        )
        .unwrap_or_else(|p| panic!("{shown}:\n{}", jixiao::diag::render(&p)));
        let text = case.submission.text.to_string();
        let at = first_change(&doc)
            .and_then(|p| offset_of(&text, &p))
            .unwrap_or(0);
        (text, case.expect, at)
    };
    let text = format!("{comment}{body}");
    let changed_line = 1 + text
        .get(..comment.len() + at)
        .map_or(0, |t| t.matches('\n').count());
    Input {
        name,
        text,
        body,
        expect,
        comment,
        changed_line,
    }
}

/// The first path a case edits, or else the table of the first it removes.
fn first_change(doc: &toml_edit::Document<String>) -> Option<String> {
    let edit = doc.as_table().get("edit").and_then(|e| e.as_table_like());
    if let Some((key, _)) = edit.and_then(|e| e.iter().next()) {
        return Some(key.to_string());
    }
    let removed = doc.as_table().get("remove")?.as_array()?.get(0)?.as_str()?;
    Some(
        removed
            .rsplit_once('.')
            .map_or(removed, |(table, _)| table)
            .to_string(),
    )
}

/// Where `path` is written in `text`: its last key, or its last row.
fn offset_of(text: &str, path: &str) -> Option<usize> {
    use jixiao::cases::path::Seg;
    use toml_edit::{Item, Key, TableLike};
    let doc = toml_edit::Document::parse(text.to_string()).ok()?;
    let mut table: &dyn TableLike = doc.as_table();
    let mut below: Option<&Item> = None;
    let mut span = None;
    for seg in jixiao::cases::path::parse(path).ok()? {
        match seg {
            Seg::Key(k) => {
                let t = match below.take() {
                    Some(item) => item.as_table_like()?,
                    None => table,
                };
                span = t.key(&k).and_then(Key::span).or(span);
                below = Some(t.get(&k)?);
            }
            Seg::Index(i) => match below.take() {
                Some(Item::ArrayOfTables(rows)) => {
                    let row = rows.get(i)?;
                    span = row.span().or(span);
                    table = row;
                }
                _ => break,
            },
        }
    }
    span.map(|s| s.start)
}

/// The text of a patch's `file` (relative to the patch) with `replace`
/// replaced by `with` (each a text, or lists of texts taken in pairs), and
/// where the first replacement is; panics unless each `replace` occurs
/// exactly once.
fn patched(path: &Path, doc: &toml_edit::Document<String>) -> (String, usize) {
    let texts = |key: &str| -> Vec<String> {
        let item = doc.as_table().get(key);
        let one = item.and_then(|v| v.as_str()).map(|s| vec![s.to_string()]);
        let many = item.and_then(|v| v.as_array()).map(|a| {
            a.iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        });
        one.or(many.flatten()).unwrap_or_else(|| {
            panic!(
                "{}: `{key}` is not a text or a list of texts",
                path.display()
            )
        })
    };
    let file = path.parent().expect("a folder").join(
        texts("file")
            .first()
            .unwrap_or_else(|| panic!("{}: no `file`", path.display())),
    );
    let mut text =
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let (replace, with) = (texts("replace"), texts("with"));
    assert_eq!(
        replace.len(),
        with.len(),
        "{}: as many `with` as `replace`",
        path.display()
    );
    let mut first = None;
    for (replace, with) in replace.iter().zip(&with) {
        let n = text.matches(replace.as_str()).count();
        assert_eq!(
            n,
            1,
            "{}: {replace:?} occurs {n} times in {} (exactly once wanted): the live file \
             changed; write the patch against its text of today",
            path.display(),
            file.display()
        );
        let at = text.find(replace.as_str()).unwrap_or(0);
        first = Some(first.map_or(at, |f: usize| f.min(at)));
        text = text.replacen(replace.as_str(), with, 1);
    }
    (text, first.unwrap_or(0))
}

/// A fresh temporary folder, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new empty folder named after the test and this process.
    pub fn new(tag: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("jixiao-cases-{:010}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Scratch(dir)
    }

    /// Write `text` at `rel` (folders made as needed); the full path.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create folder");
        std::fs::write(&path, text).expect("write");
        path
    }

    /// Write the input as `tests/<kind>/<name>.toml`; that relative path.
    pub fn put(&self, kind: &str, input: &Input) -> String {
        let rel = format!("tests/{kind}/{}.toml", input.name);
        self.write(&rel, &input.text);
        rel
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
