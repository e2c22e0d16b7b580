//! Test cases kept with the rules (`rules/<year>/tests/*.toml`), for
//! `jixiao test` and for any command that wants the rules' own examples.
//!
//! A case is a TOML file. Either it is a whole submission with an
//! `[expect]` table added, or it names a submission to start from and the
//! changes to make:
//!
//! ```toml
//! # Three days late.
//! base = "bases/yueyanglou-finance-office.toml"
//! remove = ["report.sections[0]"]          # keys and rows to delete
//!
//! [edit]                                   # path = new value
//! "submission.received_on" = 2023-06-18
//! "self_checks[1]" = { unit = "…", duty = "转移支付项目自查", done = true }
//!
//! [expect]
//! status = "final"
//! score = "90"
//! criteria = { timeliness = "7", body = "6" }
//! findings = ["self_score_mismatch", "over_execution"]
//! ```
//!
//! - `base` is relative to the case file and must lie inside the rules
//!   folder (a rules folder is copied and shared: it may read nothing
//!   outside itself, not even through a link). Shipped cases' bases are
//!   built into the binary with them (`rules/<year>/tests/bases/`).
//! - A path is keys joined by dots, each key bare (Chinese is fine) or in
//!   double quotes, each optionally followed by `[N]`, a row counted from 0.
//! - `[edit]` sets each path in file order: it replaces the value there
//!   (keeping its comment), adds a missing last key, or, with `[N]` where
//!   the array has N rows, adds a row at the end. Everything above the last
//!   step must exist. A dotted key written without quotes
//!   (`submission.received_on = …`) is the same path; an inline table or a
//!   `[edit."review.timeliness"]` table replaces the whole table there.
//! - `remove` then deletes each path, a key or a row. Rows are counted as
//!   before any removal: `["s[0]", "s[3]"]` removes the first and the fourth.
//! - `[expect]`: `status` (`final`/`pending`), `score`, `range` (`[lo, hi]`),
//!   `criteria` (criterion id → score, or `[lo, hi]` while pending; any node
//!   of the sheet, section or leaf), `findings` (every finding id raised,
//!   repeats counted, order free; an entry may be an inline table
//!   `{ id, severity, at, says }`, one finding of that id with that
//!   severity, those submission paths among its places and those pieces of
//!   text in its message, each such entry met by a different finding), or
//!   `error = true` with `codes` (the
//!   problem codes of a submission that must fail). Scores are decimals
//!   written as strings or numbers and read from their text, exactly. What
//!   is left out is not checked.

use crate::diag::Code;
pub mod bless;
pub mod expect;
mod in_base;
pub mod path;

use crate::diag::Problem;
use crate::eval::outcome::{NodeOutcome, Outcome};
use crate::ir::RuleSet;
use crate::source::{SourceFile, Span};
use expect::Expect;
use path::Seg;
use std::path::{Path, PathBuf};
use toml_edit::{DocumentMut, Item};

include!(concat!(env!("OUT_DIR"), "/embedded_cases.rs"));

/// The top-level keys of a case that has a `base`.
pub const CASE_KEYS: [&str; 4] = ["base", "remove", "edit", "expect"];

/// A loaded case: its file, the submission it describes, its expectations.
#[derive(Clone, Debug)]
pub struct Case {
    /// The case file (spans in `Problem`s from loading point here).
    pub file: SourceFile,
    /// The submission to score: the base with the edits made, or the case
    /// itself without `[expect]`.
    pub submission: SourceFile,
    /// The base as it is on disk, before the edits: what a problem found
    /// in the edited submission is shown in, where it can be
    /// (`in_base`).
    pub base: Option<SourceFile>,
    /// `[expect]`
    pub expect: Expect,
    /// The paths `[edit]` sets, with where each is written: checked
    /// against the rules' schema before the edited submission is loaded,
    /// so that a misspelt key is said on its own line of the case.
    pub edits: Vec<(Vec<Seg>, Span)>,
}

/// What scoring a case's submission gave.
#[derive(Debug)]
pub enum Actual {
    /// The outcome, and the submission paths of each finding's places (in
    /// the order of `findings`).
    Scored(Box<Outcome>, Vec<Vec<String>>),
    /// It failed to load or score.
    Failed(Vec<Problem>),
}

/// Where a case's `base` is found.
pub enum Bases {
    /// On disk, relative to the case file (whose name is its path), inside
    /// the rules folder `root`.
    Disk {
        /// The rules folder: no base may be read outside it.
        root: PathBuf,
    },
    /// Built into the binary (shipped cases, named `rules/<year>/tests/…`).
    Embedded,
}

impl Bases {
    /// The base's name and text, or what went wrong.
    fn resolve(&self, case_name: &str, base: &str) -> Result<(String, String), String> {
        let dir = Path::new(case_name).parent().unwrap_or(Path::new(""));
        match self {
            Bases::Disk { root } => {
                let path = crate::files::resolve_inside(root, dir, base)?;
                let name =
                    lexical(&path.to_string_lossy()).unwrap_or_else(|| path.display().to_string());
                crate::files::read_text(&path)
                    .map(|text| (name, text.to_string()))
                    .map_err(|p| p.message)
            }
            Bases::Embedded => {
                // `rules/<year>/tests/x.toml`: the base must be in `rules/<year>/`.
                let folder: String = case_name.split('/').take(2).collect::<Vec<_>>().join("/");
                let joined = format!("{}/{base}", dir.to_string_lossy());
                let name = lexical(&joined)
                    .filter(|n| !base.starts_with(['/', '\\']) && n.starts_with(&format!("{folder}/")))
                    .ok_or_else(|| {
                        format!("`{base}` 在规则目录 {folder} 之外：base 必须是规则目录中的文件（如 bases/yueyanglou-finance-office.toml）")
                    })?;
                EMBEDDED_BASES
                    .iter()
                    .find(|(p, _)| *p == name)
                    .map(|(_, text)| (name.clone(), (*text).to_string()))
                    .ok_or_else(|| format!("{name} 没有随规则一起内置（文件不存在？）"))
            }
        }
    }
}

/// `a/b/../c` → `a/c`; `None` when it climbs above its start.
fn lexical(path: &str) -> Option<String> {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

/// The years with shipped cases.
pub fn builtin_years() -> Vec<&'static str> {
    EMBEDDED_CASES.iter().map(|(y, _)| *y).collect()
}

/// The shipped cases of a year: (name, text), in file-name order.
pub fn builtin(year: &str) -> Vec<(String, &'static str)> {
    EMBEDDED_CASES
        .iter()
        .filter(|(y, _)| *y == year)
        .flat_map(|(y, files)| {
            files
                .iter()
                .map(move |(f, text)| (format!("rules/{y}/tests/{f}"), *text))
        })
        .collect()
}

/// The case files of a rules folder on disk (`DIR/tests/*.toml`, in
/// file-name order); none when there is no `tests` folder.
pub fn in_dir(dir: &Path) -> Result<Vec<PathBuf>, Box<Problem>> {
    let tests = dir.join("tests");
    if !tests.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(&tests).map_err(|e| {
        Box::new(Problem::plain(
            Code::IoRead,
            format!("无法读取目录 {}：{e}", tests.display()),
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    for f in &files {
        crate::files::confine(dir, f)?;
    }
    Ok(files)
}

/// Load a case: parse it, find its base, make the edits, read `[expect]`.
/// Every problem is reported, each with the file and line it concerns.
pub fn load(name: &str, text: &str, bases: &Bases) -> Result<Case, Vec<Problem>> {
    let file = SourceFile::new(name, text);
    let at = |span: Option<std::ops::Range<usize>>| Span::new(0, span.unwrap_or(0..0));
    let spanned = toml_edit::Document::parse(text).map_err(|e| {
        // A date with slashes or an amount with its unit in an `[edit]` is
        // told as it is in a submission.
        let range = e.span().unwrap_or(0..0);
        let told = crate::data::told_syntax(text, range.start, e.message());
        let problem = match told {
            Some(told) => Problem::error(
                Code::CaseToml,
                format!("用例文件不是有效的 TOML：{}", told.message),
                &file,
                Span::new(0, told.range),
                told.label,
            )
            .with_help(told.help),
            None => {
                let (message, help) = crate::data::explain_toml_error(e.message());
                Problem::error(
                    Code::CaseToml,
                    format!("用例文件的 {message}"),
                    &file,
                    at(e.span()),
                    "这里",
                )
                .with_help(help)
            }
        };
        vec![problem]
    })?;
    let root = spanned.as_table();
    let mut problems = Vec::new();
    let expect = match expect::parse(root.get("expect"), &file) {
        Ok(e) => e,
        Err(p) => {
            problems.extend(p);
            Expect::default()
        }
    };

    // What to edit, with the place each edit is written.
    let mut sets: Vec<(Vec<String>, Vec<Seg>, Span)> = Vec::new();
    if let Some(edit) = root.get("edit") {
        match edit.as_table_like() {
            Some(table) => {
                let mut entries = Vec::new();
                edit_entries(table, &[], None, &mut entries);
                for (keys, span) in entries {
                    let span = at(Some(span));
                    let segs: Result<Vec<Vec<Seg>>, String> =
                        keys.iter().map(|k| path::parse(k)).collect();
                    match segs {
                        Ok(segs) => sets.push((keys, segs.concat(), span)),
                        Err(m) => problems.push(edit_problem(&file, span, m)),
                    }
                }
            }
            None => problems.push(
                Problem::error(
                    Code::CaseEdit,
                    "`edit` 应是一张表：路径 = 新值",
                    &file,
                    at(edit.span()),
                    "这里",
                )
                .with_help(
                    "写成 [edit]，其下每行一个改动，如 \"submission.received_on\" = 2023-06-18",
                ),
            ),
        }
    }
    let mut removes: Vec<(Vec<Seg>, Span)> = Vec::new();
    if let Some(remove) = root.get("remove") {
        match remove.as_array() {
            Some(array) => {
                for v in array.iter() {
                    let span = at(v.span());
                    match v.as_str().map(path::parse) {
                        // The same row twice would delete the row after it
                        // (rows count as in the base): refused at the second.
                        Some(Ok(segs)) if removes.iter().any(|(s, _)| *s == segs) => {
                            problems.push(edit_problem(
                                &file,
                                span,
                                format!(
                                    "`{}` 在 remove 中已经写过一次：同一行只删一次，删去这一项",
                                    v.as_str().unwrap_or_default()
                                ),
                            ));
                        }
                        Some(Ok(segs)) => removes.push((segs, span)),
                        Some(Err(m)) => problems.push(edit_problem(&file, span, m)),
                        None => problems.push(edit_problem(
                            &file,
                            span,
                            "`remove` 中每一项应是一个路径（文字）".into(),
                        )),
                    }
                }
            }
            None => problems.push(edit_problem(
                &file,
                at(remove.span()),
                "`remove` 应是路径的数组，如 remove = [\"report.sections[0]\"]".into(),
            )),
        }
    }

    let base = match root.get("base") {
        None => None,
        Some(item) => match item.as_str() {
            Some(b) => Some((b.to_string(), at(item.span()))),
            None => {
                problems.push(
                    Problem::error(
                        Code::CaseBase,
                        "`base` 应是一个文件路径（文字）",
                        &file,
                        at(item.span()),
                        "这里",
                    )
                    .with_help("如 base = \"bases/yueyanglou-finance-office.toml\""),
                );
                None
            }
        },
    };
    if base.is_some() {
        for (key, _) in root.iter() {
            if !CASE_KEYS.contains(&key) {
                problems.push(
                    Problem::error(
                        Code::CaseUnknownKey,
                        format!("有 `base` 的用例中不应有 `{key}`"),
                        &file,
                        at(root.key(key).and_then(toml_edit::Key::span)),
                        "不认识的键",
                    )
                    .with_help(
                        "对报送材料的改动写在 [edit] 下（如 \"unit.role\" = \"主管部门\"）；用例本身只有 base、remove、[edit]、[expect]",
                    ),
                );
            }
        }
    }

    // The document to edit.
    let mut submission_name = name.to_string();
    let mut unedited = None;
    let mut doc: DocumentMut = match &base {
        Some((b, span)) => match bases.resolve(name, b) {
            Ok((base_name, base_text)) => match base_text.parse::<DocumentMut>() {
                Ok(d) => {
                    submission_name = format!("{base_name}（经 {name} 修改）");
                    unedited = Some(SourceFile::new(base_name, base_text.as_str()));
                    d
                }
                Err(e) => {
                    let base_file = SourceFile::new(base_name, base_text.as_str());
                    let range = e.span().unwrap_or(0..0);
                    let (message, place, label, help) = match crate::data::told_syntax(
                        base_text.as_str(),
                        range.start,
                        e.message(),
                    ) {
                        Some(t) => (t.message, t.range, t.label, t.help),
                        None => {
                            let (m, h) = crate::data::explain_toml_error(e.message());
                            (m, range, "这里", h)
                        }
                    };
                    problems.push(
                        Problem::error(
                            Code::CaseBase,
                            format!("base 不是有效的 TOML：{message}"),
                            &base_file,
                            Span::new(0, place),
                            label,
                        )
                        .with_help(help)
                        .with_related(Problem::error(
                            Code::CaseBase,
                            "用例在这里指定 base",
                            &file,
                            *span,
                            "base",
                        )),
                    );
                    return Err(problems);
                }
            },
            Err(message) => {
                problems.push(
                    Problem::error(
                        Code::CaseBase,
                        format!("不能读取 base：{message}"),
                        &file,
                        *span,
                        "这个文件",
                    )
                    .with_help("base 的路径相对于用例文件所在的目录，且必须是规则目录之内的文件"),
                );
                return Err(problems);
            }
        },
        None => {
            let mut d = spanned.clone().into_mut();
            for key in ["expect", "edit", "remove"] {
                d.as_table_mut().remove(key);
            }
            d
        }
    };
    let values = spanned.clone().into_mut();
    let values = values.get("edit").and_then(Item::as_table_like);
    for (keys, segs, span) in &sets {
        let value = lookup(values, keys)
            .cloned()
            .and_then(|item| item.into_value().ok());
        let Some(value) = value else {
            problems.push(edit_problem(&file, *span, "这个改动没有值".into()));
            continue;
        };
        if let Err(m) = path::set(doc.as_table_mut(), segs, value) {
            problems.push(edit_problem(&file, *span, m));
        }
    }
    // Deepest and last rows first, so that every path keeps counting rows
    // as the base does.
    removes.sort_by(|a, b| b.0.cmp(&a.0));
    for (segs, span) in &removes {
        if let Err(m) = path::remove(doc.as_table_mut(), segs) {
            problems.push(edit_problem(&file, *span, m));
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.labels.first().map(|(span, _)| span.start));
        return Err(problems);
    }
    Ok(Case {
        submission: SourceFile::new(submission_name, doc.to_string()),
        base: unedited,
        file,
        expect,
        edits: sets
            .into_iter()
            .map(|(_, segs, span)| (segs, span))
            .collect(),
    })
}

/// The entries of `[edit]`: (its keys, where it is written). A dotted key
/// written without quotes (`submission.received_on = …`) is the same path
/// as the quoted one, not a table replacing `submission`.
fn edit_entries(
    table: &dyn toml_edit::TableLike,
    prefix: &[String],
    start: Option<usize>,
    out: &mut Vec<(Vec<String>, std::ops::Range<usize>)>,
) {
    for (key, item) in table.iter() {
        let span = table
            .key(key)
            .and_then(toml_edit::Key::span)
            .unwrap_or(0..0);
        let from = start.unwrap_or(span.start);
        let keys = [prefix, &[key.to_string()]].concat();
        let dotted = match item {
            Item::Table(t) if t.is_dotted() => Some(t as &dyn toml_edit::TableLike),
            Item::Value(toml_edit::Value::InlineTable(t)) if t.is_dotted() => Some(t as _),
            _ => None,
        };
        match dotted {
            Some(inner) => edit_entries(inner, &keys, Some(from), out),
            None => out.push((keys, from..span.end.max(from))),
        }
    }
}

/// The item at `keys` below `table`.
fn lookup<'t>(table: Option<&'t dyn toml_edit::TableLike>, keys: &[String]) -> Option<&'t Item> {
    let (last, init) = keys.split_last()?;
    let mut t = table?;
    for k in init {
        t = t.get(k)?.as_table_like()?;
    }
    t.get(last)
}

fn edit_problem(file: &SourceFile, span: Span, message: String) -> Problem {
    Problem::error(Code::CaseEdit, message, file, span, "这个改动").with_help(
        "路径写法：键用点连接，数组的行用 [N]（从 0 起），如 \"report.sections[2].text\"",
    )
}

/// Score a case's submission with `rules` (whatever `unit.year` says).
pub fn run(case: &Case, rules: &RuleSet) -> Actual {
    // A case expecting the submission to fail may write a wrong key on
    // purpose (`misspelt-key.toml`): its edits are the loader's to judge.
    let deliberate = case.expect.error;
    let misspelt: Vec<Problem> = case
        .edits
        .iter()
        .filter(|_| !deliberate)
        .filter_map(|(segs, span)| {
            let (message, help) = path::unknown_step(&rules.schema, segs)?;
            Some(
                Problem::error(Code::CaseEdit, message, &case.file, *span, "这个改动")
                    .with_help(help),
            )
        })
        .collect();
    if !misspelt.is_empty() {
        return Actual::Failed(misspelt);
    }
    let loaded = crate::data::load_submission(case.submission.clone(), &rules.schema)
        .and_then(|s| crate::eval::score(rules, &s).map(|o| (o, s)));
    match loaded {
        Ok((outcome, submission)) => {
            let places = outcome
                .findings
                .iter()
                .map(|f| {
                    f.places
                        .iter()
                        .filter(|p| usize::try_from(**p).is_ok_and(|i| i < submission.places.len()))
                        .map(|&p| submission.path(p))
                        .collect()
                })
                .collect();
            Actual::Scored(Box::new(outcome), places)
        }
        Err(problems) => Actual::Failed(match &case.base {
            Some(base) => problems
                .into_iter()
                .map(|p| in_base::in_base(p, &case.submission, base))
                .collect(),
            None => problems,
        }),
    }
}

/// Check a case against its expectations; empty when it passes.
pub fn check(case: &Case, actual: &Actual) -> Vec<expect::Mismatch> {
    expect::compare(&case.expect, actual)
}

/// The node of the outcome tree with this id, at any depth.
pub fn node_by_id<'o>(nodes: &'o [NodeOutcome], id: &str) -> Option<&'o NodeOutcome> {
    nodes.iter().find_map(|n| {
        if n.id == id {
            Some(n)
        } else {
            node_by_id(&n.children, id)
        }
    })
}

/// Every node, parents before children, in the sheet's order.
pub fn walk<'o>(nodes: &'o [NodeOutcome], f: &mut impl FnMut(&'o NodeOutcome)) {
    for n in nodes {
        f(n);
        walk(&n.children, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(case: &str) -> String {
        match load(
            "case.toml",
            case,
            &Bases::Disk {
                root: PathBuf::from("."),
            },
        ) {
            Ok(c) => c.submission.text.to_string(),
            Err(p) => panic!("{}", crate::diag::render(&p)),
        }
    }

    #[test]
    fn dotted_keys_are_paths() {
        let text = submission(
            "[unit]\nname = \"x\"\nyear = 2022\n\n[submission]\nreceived_on = 2023-06-14 # 送达\n\n\
             [edit]\nsubmission.received_on = 2023-06-18\n\"unit.year\" = 2023\n\n\
             [expect]\nscore = 1\n",
        );
        assert_eq!(
            text,
            "[unit]\nname = \"x\"\nyear = 2023\n\n[submission]\nreceived_on = 2023-06-18 # 送达\n"
        );
    }

    #[test]
    fn removals_count_rows_as_the_base_does() {
        let text = submission(
            "remove = [\"s[0]\", \"s[2]\", \"t.b\"]\n\
             [t]\na = 1085.09\nb = 2\n\
             [[s]]\nv = 0\n[[s]]\nv = 1\n[[s]]\nv = 2\n[[s]]\nv = 3\n\
             [edit]\n\"s[1].v\" = 10.10\n\"s[4]\" = { v = 4 }\n",
        );
        assert_eq!(
            text,
            "[t]\na = 1085.09\n[[s]]\nv = 10.10\n[[s]]\nv = 3\n\n[[s]]\nv = 4\n"
        );
    }

    #[test]
    fn problems_name_their_line() {
        let Err(problems) = load(
            "case.toml",
            "remove = [\"x\"]\n[a]\nb = 1\n[edit]\n\"a.c.d\" = 1\n\"a[0]\" = 2\n",
            &Bases::Disk {
                root: PathBuf::from("."),
            },
        ) else {
            panic!("loaded");
        };
        let at: Vec<usize> = problems
            .iter()
            .filter_map(|p| p.location().map(|(_, line, _)| line))
            .collect();
        assert_eq!(at, vec![1, 5, 6]);
        assert!(problems.iter().all(|p| p.code == Code::CaseEdit));
    }

    #[test]
    fn a_row_removed_twice_is_refused_at_the_second() {
        let Err(problems) = load(
            "case.toml",
            "remove = [\"s[0]\",\n  \"s[0]\"]\n[[s]]\nv = 0\n[[s]]\nv = 1\n",
            &Bases::Disk {
                root: PathBuf::from("."),
            },
        ) else {
            panic!("loaded");
        };
        let [p] = problems.as_slice() else {
            panic!("{problems:?}");
        };
        assert_eq!(p.location().map(|(_, line, _)| line), Some(2));
        assert!(
            p.message.contains("`s[0]` 在 remove 中已经写过一次"),
            "{}",
            p.message
        );
    }
}
