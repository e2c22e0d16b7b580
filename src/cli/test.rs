//! `jixiao test [--rules DIR] [--bless] [CASE…]`: run the test cases kept
//! with the rules (`DIR/tests/*.toml`; without `--rules`, every shipped
//! year's, built into the binary), or only those named, and compare each
//! with its `[expect]`. A failure shows
//! expected against actual, criterion by criterion, with the deductions
//! that made the difference and the findings missing or extra. `--bless`
//! rewrites the expectations of the cases on disk instead.
//!
//! Results go to stdout, ending with `通过 N 个，失败 M 个` alone on a line;
//! a case file that cannot be run (bad TOML, a wrong edit path) is an error,
//! shown on stderr with its file and line, and counts as failed.

use super::output::emit;
use jixiao::RuleSet;
use jixiao::cases::{self, Bases};
use jixiao::diag::{Problem, render};
use std::path::{Path, PathBuf};

/// A line to stdout; a closed pipe (`jixiao test | head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            $crate::cli::stdout_error(&e);
        }
    }};
}

/// One rules folder and its cases.
struct Suite {
    label: String,
    rules: Result<RuleSet, Vec<Problem>>,
    /// (name, file on disk if any, text)
    cases: Vec<(String, Option<PathBuf>, String)>,
    bases: Bases,
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    blessed: usize,
    /// Each failure explanation printed, with the first case that gave it:
    /// a rule change that breaks every case the same way (a judgment no
    /// longer in its band, say) is shown once, not once a case.
    shown: Vec<(String, String)>,
}

/// `--bless` and `--allow-loss`.
#[derive(Clone, Copy)]
pub(super) struct Bless {
    pub on: bool,
    pub allow_loss: bool,
}

/// Run (or bless) every case, or only the cases named; false when any
/// failed, could not be run, or was named but not found.
pub(super) fn run(rules_dir: Option<&Path>, only: &[String], bless: Bless) -> bool {
    // A case file named without its `.toml` (`rules/2024/tests/x`) is
    // that file, not a name to look for among the built-in cases.
    let only: Vec<String> = only
        .iter()
        .map(|s| {
            let with_toml = format!("{s}.toml");
            match !Path::new(s).is_file() && Path::new(&with_toml).is_file() {
                true => with_toml,
                false => s.clone(),
            }
        })
        .collect();
    let only = only.as_slice();
    let inferred = match rules_dir {
        Some(_) => None,
        None => match folder_of_case_files(only) {
            Ok(dir) => dir,
            Err(why) => {
                noteln!("{why}");
                say!("\n通过 0 个，失败 1 个");
                return false;
            }
        },
    };
    // Only cases on disk are rewritten: the built-in ones are part of the
    // program.
    if bless.on && rules_dir.is_none() && inferred.is_none() {
        super::usage::fail(
            "--bless 只改写磁盘上的用例：请加 --rules 规则目录（如 --rules rules/2024），或写明用例文件（如 rules/2024/tests/late-3-days.toml）",
        );
    }
    let mut suites = match suites(rules_dir.or(inferred.as_deref())) {
        Ok(s) => s,
        Err(p) => {
            note!("{}", render(&[*p]));
            say!("\n通过 0 个，失败 1 个");
            return false;
        }
    };
    let mut tally = Tally::default();
    if !only.is_empty() {
        let unmatched = keep_only(&mut suites, only);
        for why in &unmatched {
            noteln!("{why}");
        }
        tally.failed += unmatched.len();
        // Built-in cases are named by their place in the repository: run
        // where that place is a folder being edited, the copy on disk may
        // differ from the one the program carries.
        if rules_dir.is_none() && inferred.is_none() {
            let on_disk: Vec<&str> = suites
                .iter()
                .flat_map(|s| s.cases.iter())
                .map(|(name, _, _)| name.as_str())
                .filter(|name| Path::new(name).is_file())
                .collect();
            if let Some(first) = on_disk.first() {
                noteln!(
                    "提示：运行的是程序内置的用例；要运行磁盘上的 {first}，请写用例文件的路径，或加 --rules 规则目录"
                );
            }
        }
    }
    for suite in &suites {
        let rules = match &suite.rules {
            Ok(r) => r,
            Err(problems) => {
                note!("{}", render(problems));
                match suite.cases.len() {
                    0 => say!(
                        "{}：规则有 {} 个问题，未能运行用例",
                        suite.label,
                        problems.len()
                    ),
                    n => say!(
                        "{}：规则有 {} 个问题，{n} 个用例未能运行",
                        suite.label,
                        problems.len()
                    ),
                }
                tally.failed += suite.cases.len().max(1);
                continue;
            }
        };
        if suite.cases.is_empty() {
            say!("{}：没有测试用例（tests/*.toml）", suite.label);
        }
        for (name, path, text) in &suite.cases {
            run_case(
                name,
                path.as_deref(),
                text,
                rules,
                &suite.bases,
                bless,
                &mut tally,
            );
        }
    }
    if tally.blessed > 0 {
        say!("\n已更新 {} 个用例的 [expect]", tally.blessed);
    }
    say!("\n通过 {} 个，失败 {} 个", tally.passed, tally.failed);
    tally.failed == 0
}

/// The rules folder of the case files named (`rules/2024/tests/x.toml` is
/// a case of `rules/2024`), when any is a file; cases of two folders at
/// once are refused.
fn folder_of_case_files(only: &[String]) -> Result<Option<PathBuf>, String> {
    let mut folder: Option<PathBuf> = None;
    for selector in only {
        let path = Path::new(selector);
        if !path.is_file() {
            continue;
        }
        // `late-3-days.toml` or `./late-3-days.toml` run inside `tests/`
        // has that folder too.
        let path = match path.parent() {
            Some(p) if p.as_os_str().is_empty() || p == Path::new(".") || p == Path::new("..") => {
                path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
            }
            _ => path.to_path_buf(),
        };
        let tests = path
            .parent()
            .filter(|p| p.file_name().is_some_and(|n| n == "tests"));
        let Some(dir) = tests.map(|t| t.parent().unwrap_or(Path::new(".")).to_path_buf()) else {
            return Err(format!(
                "{selector} 不在规则目录的 tests 文件夹中：用例文件放在 rules/年度/tests/ 下，或用 --rules 指明规则目录"
            ));
        };
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        match &folder {
            Some(f) if !same_file(f, &dir) => {
                return Err(format!(
                    "所给的用例来自不同的规则目录（{} 和 {}）：请分开运行",
                    f.display(),
                    dir.display()
                ));
            }
            Some(_) => {}
            None => folder = Some(dir),
        }
    }
    Ok(folder)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Does a selector name this case: its name (file name without `.toml`),
/// its file name, or the same file?
fn names_case(selector: &str, name: &str, path: Option<&Path>) -> bool {
    let file = Path::new(name);
    let stem = file.file_stem().and_then(|s| s.to_str());
    let file_name = file.file_name().and_then(|s| s.to_str());
    stem == Some(selector)
        || file_name == Some(selector)
        || path.is_some_and(|p| Path::new(selector).is_file() && same_file(p, Path::new(selector)))
}

/// Keep only the cases named, and the folders that have any of them; what
/// to say of each selector that named none.
fn keep_only(suites: &mut Vec<Suite>, only: &[String]) -> Vec<String> {
    let mut matched = vec![false; only.len()];
    for suite in suites.iter_mut() {
        suite.cases.retain(|(name, path, _)| {
            let mut keep = false;
            for (i, selector) in only.iter().enumerate() {
                if names_case(selector, name, path.as_deref()) {
                    keep = true;
                    if let Some(m) = matched.get_mut(i) {
                        *m = true;
                    }
                }
            }
            keep
        });
    }
    let unmatched = only
        .iter()
        .zip(matched)
        .filter(|(_, m)| !m)
        .map(|(s, _)| not_found(s, suites))
        .collect();
    // A folder whose rules do not load stays: its problems are said.
    suites.retain(|s| !s.cases.is_empty() || s.rules.is_err());
    unmatched
}

/// A selector that named no case, with the close name or the names there are.
fn not_found(selector: &str, suites: &[Suite]) -> String {
    let names: Vec<String> = suites
        .iter()
        .flat_map(|s| match &s.bases {
            Bases::Disk { root } => cases::in_dir(root).unwrap_or_default(),
            Bases::Embedded => Vec::new(),
        })
        .chain(
            suites
                .iter()
                .filter(|s| matches!(s.bases, Bases::Embedded))
                .flat_map(|s| {
                    cases::builtin(s.label.trim_start_matches("builtin:"))
                        .into_iter()
                        .map(|(name, _)| PathBuf::from(name))
                }),
        )
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .collect();
    let wanted = Path::new(selector)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(selector);
    if names.is_empty() {
        return format!("没有名为“{selector}”的用例：规则目录中没有用例（tests/*.toml）");
    }
    if Path::new(selector).is_file() {
        let folders: Vec<&str> = suites.iter().map(|s| s.label.as_str()).collect();
        return format!(
            "{selector} 不是 {} 的用例：运行它请去掉 --rules（程序按文件所在的规则目录运行），或让 --rules 指向它所在的规则目录",
            folders.join("、")
        );
    }
    let hint = jixiao::source::did_you_mean(wanted, names.iter().map(String::as_str))
        .unwrap_or_else(|| {
            let mut list: Vec<&str> = names.iter().map(String::as_str).collect();
            list.sort_unstable();
            list.dedup();
            format!("用例有：{}", list.join("、"))
        });
    format!("没有名为“{selector}”的用例。{hint}")
}

fn suites(rules_dir: Option<&Path>) -> Result<Vec<Suite>, Box<Problem>> {
    let Some(dir) = rules_dir else {
        return Ok(jixiao::rules::builtin_years()
            .into_iter()
            .map(|year| Suite {
                label: format!("builtin:{year}"),
                rules: jixiao::rules::builtin(year.parse().unwrap_or(0)),
                cases: cases::builtin(year)
                    .into_iter()
                    .map(|(name, text)| (name, None, text.to_string()))
                    .collect(),
                bases: Bases::Embedded,
            })
            .collect());
    };
    // `rules/` runs every year folder under it, each with its own cases.
    let mut suites = Vec::new();
    for dir in jixiao::rules::year_folders(dir) {
        let mut list = Vec::new();
        for path in cases::in_dir(&dir)? {
            let text = jixiao::files::read_text(&path)?;
            list.push((path.display().to_string(), Some(path), text.to_string()));
        }
        suites.push(Suite {
            label: dir.display().to_string(),
            rules: jixiao::rules::from_dir(&dir),
            cases: list,
            bases: Bases::Disk { root: dir.clone() },
        });
    }
    Ok(suites)
}

fn run_case(
    name: &str,
    path: Option<&Path>,
    text: &str,
    rules: &RuleSet,
    bases: &Bases,
    bless: Bless,
    tally: &mut Tally,
) {
    let case = match cases::load(name, text, bases) {
        Ok(c) => c,
        Err(problems) => {
            say!("{name} ... FAILED（用例文件有 {} 个问题）", problems.len());
            note!("{}", render(&problems));
            tally.failed += 1;
            return;
        }
    };
    let actual = cases::run(&case, rules);
    // A misspelt edit is a slip in the case file, not a result of the
    // rules: said as the case file's problem, and never blessed (a blessed
    // `case::edit` would make the next run apply the edit and fail anew).
    if let cases::Actual::Failed(problems) = &actual
        && problems
            .iter()
            .all(|p| p.code == jixiao::diag::Code::CaseEdit)
    {
        say!("{name} ... FAILED（用例文件有 {} 个问题）", problems.len());
        say!("{}", render(problems).trim_end_matches('\n'));
        tally.failed += 1;
        return;
    }
    let mismatches = cases::check(&case, &actual);
    if mismatches.is_empty() {
        say!("{name} ... ok");
        tally.passed += 1;
        return;
    }
    if bless.on
        && let Some(path) = path
    {
        let changes = cases::bless::changes(&case.expect, &actual);
        let refused = !bless.allow_loss && changes.iter().any(|c| c.loss);
        if refused {
            say!("{name} ... FAILED（未改写：会删去期望中的内容）");
            say!(
                "{}",
                jixiao::explain::bless_changes(&changes).trim_end_matches('\n')
            );
            // An expected id the rules do not have is a slip in the case,
            // not in the rules: said with its line and the close id.
            if jixiao::explain::names_unknown_ids(&mismatches, rules) {
                let why = jixiao::explain::test_failure(&actual, &mismatches, rules);
                say!("{}", why.trim_end_matches('\n'));
                say!(
                    "    期望中有规则里没有的编号（见上）：多半是用例写错了，改正用例中的编号后再运行；\n    若是有意删去了这个检查或评分项，确认无误后用 jixiao test --rules 目录 --bless --allow-loss 改写"
                );
            } else {
                say!(
                    "    标 ✗ 的改动会删去评分项、发现，或把能评分的用例改成出错用例：多半是规则写错了。\n    确认无误后用 jixiao test --rules 目录 --bless --allow-loss 改写"
                );
            }
            tally.failed += 1;
            return;
        }
        match cases::bless::bless(text, &case.expect, &actual) {
            Ok(Some(new)) => match emit(Some(path), &new) {
                Ok(()) => {
                    say!("{name} ... blessed（已按实际结果改写 [expect]）");
                    say!(
                        "{}",
                        jixiao::explain::bless_changes(&changes).trim_end_matches('\n')
                    );
                    tally.passed += 1;
                    tally.blessed += 1;
                    return;
                }
                Err(e) => noteln!("{e}"),
            },
            Ok(None) => {}
            Err(e) => noteln!("{name}：无法改写：{e}"),
        }
    }
    say!("{name} ... FAILED");
    let why = jixiao::explain::test_failure(&actual, &mismatches, rules);
    let why = why.trim_end_matches('\n');
    // The same failure, but for the case's own name in the snippets'
    // titles (`base（经 CASE 修改）`).
    let same = why.replace(name, "");
    match tally.shown.iter().find(|(text, _)| *text == same) {
        Some((_, first)) => say!("    （原因同 {first}，不再重复）"),
        None => {
            say!("{why}");
            tally.shown.push((same, name.to_string()));
        }
    }
    tally.failed += 1;
}
