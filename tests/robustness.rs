//! Robustness (issue 6): whatever arrives, `jixiao` answers with a result or
//! an explained error (exit 1, the file, line and column, what was expected)
//! — never a panic, a hang or a stack overflow.
//!
//! - Bad submissions: `tests/cases/bad/*.toml`, each the reference example
//!   with one thing broken (its first line, `# bad: …`, says what), and an
//!   empty and a binary file in `tests/bad/`. Each must exit 1 with the
//!   expected codes, and its stderr is snapshotted (`bad@<name>`).
//! - Generated inputs too large or too odd to store: a BOM and CRLF copy of
//!   the example (both still score 95), a GB18030 copy, 100,000 nested
//!   arrays, a 10 MB text, 50,000 indicator rows, a file over the size
//!   limit, rule files with 100,000 parentheses or a 100,000-term sum, a
//!   folder where a rule file should be, a missing file.
//! - Every limit of `docs/limits.md` at its edge, in-process.
//!
//! Timings are wall-clock of the debug binary and must stay under
//! `QUICK` (5 s).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)] // each suite uses part of it
mod cases_support;

use jixiao::source::SourceFile;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
const EXAMPLE: &str = "examples/2022/yueyanglou-finance-office.toml";
/// "Answered within seconds".
const QUICK: Duration = Duration::from_secs(5);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// `jixiao ARGS…` from the manifest directory, timed.
fn jixiao(args: &[&str]) -> Run {
    jixiao_at(Path::new(MANIFEST), args)
}

/// `jixiao ARGS…` from `dir`, timed.
fn jixiao_at(dir: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run jixiao");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

fn example_text() -> String {
    std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("read example")
}

/// A fresh temp folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "jixiao-robustness-{:010}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// A copy of `rules/2022`'s rule files in a temp folder.
fn copy_rules(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    for entry in std::fs::read_dir(Path::new(MANIFEST).join("rules/2022")).expect("rules") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "jx") {
            std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    dir
}

/// Exit 1, nothing on stdout, no panic, the file named on stderr.
fn assert_explained(run: &Run, file: &str, what: &str) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("overflow"),
        "{what}: panicked\n{}",
        run.stderr
    );
    assert_eq!(run.code, Some(1), "{what}: exit status\n{}", run.stderr);
    assert!(run.stdout.is_empty(), "{what}: stdout\n{}", run.stdout);
    assert!(
        run.stderr.contains(file),
        "{what}: stderr does not name {file}\n{}",
        run.stderr
    );
}

fn assert_quick(run: &Run, what: &str) {
    assert!(
        run.elapsed < QUICK,
        "{what}: took {:?} (limit {QUICK:?})",
        run.elapsed
    );
}

/// Scores of `score --format json`.
fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout))
}

/// Snapshot stderr with the temp folder and very long runs of one
/// character (100,000 brackets) shortened.
fn snapshot(name: &str, stderr: &str, dir: Option<&Path>) {
    let mut filters: Vec<(String, String)> = vec![
        (r"(\[){40,}".into(), "[[…]]".into()),
        (r"(\(){40,}".into(), "((…))".into()),
        (r"(\]){40,}".into(), "]]…]]".into()),
        (r"(\)){40,}".into(), "))…))".into()),
        (r"(1 \+ ){40,}".into(), "1 + … + ".into()),
        (r" {40,}".into(), "…".into()),
    ];
    if let Some(dir) = dir {
        filters.insert(0, (literal(&dir.display().to_string()), "[TMP]".into()));
    }
    let filters: Vec<(&str, &str)> = filters
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    insta::with_settings!({ filters => filters, prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, stderr);
    });
}

/// A regex matching `text` literally.
fn literal(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_ascii_punctuation() {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Stored bad inputs that are not an edit of the example: file name,
/// expected diagnostic codes (each must appear).
const BAD: &[(&str, &[&str])] = &[
    ("binary.toml", &["io::binary"]),
    ("empty.toml", &["submission::missing_key"]),
];

/// One bad input, run as `tests/bad/NAME` from `dir`: explained, quick,
/// with each code and a place, and its stderr snapshotted (`bad@NAME`).
fn check_bad(dir: &Path, name: &str, codes: &[String]) {
    let file = format!("tests/bad/{name}");
    let run = jixiao_at(dir, &["score", &file]);
    assert_explained(&run, &file, name);
    assert_quick(&run, name);
    for code in codes {
        assert!(
            run.stderr.contains(code.as_str()),
            "{name}: no {code}\n{}",
            run.stderr
        );
    }
    // Problems with a place give file:line:column.
    if name != "binary.toml" {
        assert!(
            run.stderr.contains(&format!("[{file}:")),
            "{name}: no file:line:column\n{}",
            run.stderr
        );
    }
    snapshot(&format!("bad@{name}"), &run.stderr, None);
}

#[test]
fn stored_bad_inputs_are_explained() {
    let dir = Path::new(MANIFEST).join("tests/bad");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("read tests/bad")
        .filter_map(|e| e.ok()?.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    let listed: Vec<&str> = BAD.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed, "tests/bad and BAD disagree");
    for (name, codes) in BAD {
        let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
        check_bad(Path::new(MANIFEST), name, &codes);
    }
}

/// The bad inputs that are the example with one thing broken
/// (`tests/cases/bad/`: a case, or a patch for what is not TOML), written
/// out as `tests/bad/NAME.toml`; `[expect] codes` must each appear.
#[test]
fn bad_edits_of_the_example_are_explained() {
    let scratch = cases_support::Scratch::new("bad");
    for (_, path) in cases_support::list("bad") {
        let input = cases_support::read(&path);
        assert!(
            input.comment.starts_with("# bad:") && input.expect.error,
            "{}: a `# bad:` comment and `error = true` wanted",
            path.display()
        );
        scratch.put("bad", &input);
        let codes = input.expect.codes.clone().unwrap_or_default();
        check_bad(&scratch.0, &format!("{}.toml", input.name), &codes);
    }
}

/// A package cut short (saved or copied incompletely) is said to be
/// incomplete: inside a `"""` text, at the text's opening, not at a
/// Chinese comma of the unit's prose; inside a character, not as another
/// encoding to convert from (which would garble it).
#[test]
fn a_file_cut_short_is_said_to_be_incomplete() {
    let dir = temp_dir("cut-short");
    let text = example_text();
    let opening = text
        .find("actual = \"\"\"")
        .expect("a text of several lines");
    let in_text = opening + text[opening..].find('，').expect("prose") + '，'.len_utf8();
    std::fs::write(dir.join("in-text.toml"), &text[..in_text]).expect("write");
    let run = jixiao_at(&dir, &["score", "in-text.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("到文件结尾也没有结束的 \"\"\""),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("中文（全角）符号"), "{}", run.stderr);
    // Cut inside a Chinese character (its first byte kept).
    let mut bytes = text.as_bytes()[..in_text].to_vec();
    bytes.push("年".as_bytes()[0]);
    std::fs::write(dir.join("in-char.toml"), &bytes).expect("write");
    let run = jixiao_at(&dir, &["score", "in-char.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("在一个字符的中间结束"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("GB18030"), "{}", run.stderr);
}

#[test]
fn bom_and_crlf_still_score_95() {
    let dir = temp_dir("encodings");
    let text = example_text();
    let bom = dir.join("bom.toml");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    std::fs::write(&bom, bytes).expect("write");
    let crlf = dir.join("crlf.toml");
    std::fs::write(&crlf, text.replace('\n', "\r\n")).expect("write");
    let both = dir.join("bom-crlf.toml");
    std::fs::write(&both, format!("\u{FEFF}{}", text.replace('\n', "\r\n"))).expect("write");
    for file in [&bom, &crlf, &both] {
        let run = jixiao(&["score", "--format", "json", &file.display().to_string()]);
        assert_eq!(run.code, Some(0), "{}: {}", file.display(), run.stderr);
        let v = json(&run);
        assert_eq!(
            (&v["status"], &v["score"]),
            (&"final".into(), &"95".into()),
            "{}",
            file.display()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn gb18030_is_named_with_how_to_convert() {
    let dir = temp_dir("gbk");
    let file = dir.join("gbk.toml");
    let text = example_text();
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    std::fs::write(&file, &bytes).expect("write");
    let shown = file.display().to_string();
    let run = jixiao(&["score", &shown]);
    assert_explained(&run, &shown, "gb18030");
    // As read, whatever the lines' width: wrapped lines joined.
    let flat = run.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in ["GBK/GB18030", "第 1 行第 7 列", "iconv -f GB18030", "UTF-8"] {
        assert!(flat.contains(words), "no {words}:\n{}", run.stderr);
    }
    snapshot("gen@gb18030", &run.stderr, Some(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exponent_reads_exactly() {
    // 1.0851e3 is 1085.1 exactly (not 1085.0999…): the over-execution
    // finding quotes it against the budget 1085.09.
    let dir = temp_dir("exponent");
    let file = dir.join("exponent.toml");
    let text = example_text().replacen("executed = 1115.09", "executed = 1.0851e3", 1);
    std::fs::write(&file, text).expect("write");
    let run = jixiao(&["score", "--format", "json", &file.display().to_string()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = json(&run);
    let over = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "over_execution")
        .expect("over_execution finding");
    let message = over["message"].as_str().expect("message");
    assert!(
        message.contains("全年执行数 1085.1 万元超过全年预算数 1085.09 万元"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn negative_amounts_and_a_zero_budget_are_scored_with_findings() {
    let dir = temp_dir("numbers");
    let text = example_text();
    let negative = dir.join("negative.toml");
    std::fs::write(
        &negative,
        text.replacen("executed = 1115.09", "executed = -1115.09", 1),
    )
    .expect("write");
    let zero = dir.join("zero-budget.toml");
    std::fs::write(
        &zero,
        text.replacen("full_year_budget = 1085.09", "full_year_budget = 0", 1),
    )
    .expect("write");
    for (file, expected) in [
        (&negative, "execution_rate_mismatch"),
        (&zero, "undefined_ratio"),
    ] {
        let run = jixiao(&["score", "--format", "json", &file.display().to_string()]);
        assert_eq!(run.code, Some(0), "{}: {}", file.display(), run.stderr);
        assert!(!run.stderr.contains("panicked"));
        let v = json(&run);
        assert_eq!(v["status"], "final");
        assert_eq!(v["score"], "95", "{}", file.display());
        let ids: Vec<&str> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["id"].as_str())
            .collect();
        assert!(ids.contains(&expected), "{}: {ids:?}", file.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deeply_nested_arrays_are_an_error_not_a_stack_overflow() {
    let dir = temp_dir("deep");
    let file = dir.join("deep.toml");
    let n = 100_000;
    let text = example_text().replacen(
        "[basic_data]\n",
        &format!(
            "[basic_data]\nnested = {}{}\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
        1,
    );
    std::fs::write(&file, text).expect("write");
    let shown = file.display().to_string();
    let run = jixiao(&["score", &shown]);
    assert_explained(&run, &shown, "deep");
    assert_quick(&run, "deep");
    assert!(
        run.stderr.contains("submission::too_deep"),
        "{}",
        run.stderr
    );
    snapshot("gen@deep-arrays", &run.stderr, Some(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_10_mb_text_is_answered_quickly() {
    let dir = temp_dir("big-text");
    let file = dir.join("big-text.toml");
    let filler = "金融".repeat(10 * 1024 * 1024 / 6);
    let text = example_text().replacen(
        "在编在职人数20人。\"\"\"",
        &format!("在编在职人数20人。{filler}\"\"\""),
        1,
    );
    assert!(text.len() > 10 * 1024 * 1024);
    std::fs::write(&file, text).expect("write");
    let run = jixiao(&["score", "--format", "json", &file.display().to_string()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_quick(&run, "10 MB text");
    assert_eq!(json(&run)["score"], "95");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fifty_thousand_indicator_rows_are_rejected_quickly() {
    let dir = temp_dir("rows");
    let file = dir.join("rows.toml");
    let text = example_text();
    let first = text.find("[[projects.indicators]]").expect("indicators");
    let second = first
        + 1
        + text[first + 1..]
            .find("[[projects.indicators]]")
            .expect("two");
    let row = &text[first..second];
    let review = text.find("\n[review]").expect("review");
    let big = format!(
        "{}{}{}",
        &text[..=review],
        row.repeat(50_000),
        &text[review + 1..]
    );
    std::fs::write(&file, big).expect("write");
    let shown = file.display().to_string();
    let run = jixiao(&["score", &shown]);
    assert_explained(&run, &shown, "rows");
    assert_quick(&run, "50,000 rows");
    assert!(
        run.stderr.contains("submission::too_many_rows") && run.stderr.contains("50011"),
        "{}",
        run.stderr
    );
    snapshot("gen@50000-rows", &run.stderr, Some(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it_all() {
    let dir = temp_dir("huge");
    let file = dir.join("huge.toml");
    let mut text = example_text();
    let pad = jixiao::data::MAX_SUBMISSION_BYTES + 1 - text.len();
    text.push_str(&format!("#{}\n", "x".repeat(pad)));
    std::fs::write(&file, text).expect("write");
    let shown = file.display().to_string();
    let run = jixiao(&["score", &shown]);
    assert_explained(&run, &shown, "huge");
    assert_quick(&run, "huge");
    assert!(run.stderr.contains("io::too_large"), "{}", run.stderr);
    snapshot("gen@too-large", &run.stderr, Some(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rules_with_100_000_parentheses_or_terms_are_refused_quickly() {
    for (name, expr, code) in [
        (
            "parentheses",
            format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000)),
            "嵌套过深",
        ),
        (
            "sum",
            vec!["1"; 100_000].join(" + "),
            // The parser's step limit or the operator limit, whichever
            // comes first; either way an error with file, line and column.
            "params.jx:{line}:",
        ),
    ] {
        let dir = copy_rules(name);
        let params = dir.join("params.jx");
        let mut text = std::fs::read_to_string(&params).expect("read");
        text.push_str(&format!("\nparam hostile = {expr}\n"));
        std::fs::write(&params, &text).expect("write");
        // The hostile line: the file's last, wherever the params end today.
        let code = code.replace("{line}", &text.lines().count().to_string());
        let shown = dir.display().to_string();
        let run = jixiao(&["check", "--rules", &shown]);
        assert_explained(&run, "params.jx:", name);
        assert_quick(&run, name);
        assert!(
            run.stderr.contains("rules::too_deep") || run.stderr.contains("rules::syntax"),
            "{name}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(code.as_str()), "{name}: {}", run.stderr);
        // The line moves whenever params.jx grows; it is checked above.
        let last = text.lines().count();
        let stable = run
            .stderr
            .replace(&format!("params.jx:{last}:"), "params.jx:[last line]:");
        snapshot(&format!("gen@rules-{name}"), &stable, Some(&dir));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn folders_and_missing_files_are_named() {
    // A folder where the sheet should be.
    let dir = copy_rules("folder-sheet");
    std::fs::remove_file(dir.join("sheet.jx")).expect("remove");
    std::fs::create_dir(dir.join("sheet.jx")).expect("mkdir");
    let shown = dir.display().to_string();
    let run = jixiao(&["check", "--rules", &shown]);
    assert_explained(&run, "sheet.jx", "folder as sheet");
    snapshot("gen@folder-as-rule-file", &run.stderr, Some(&dir));

    let _ = std::fs::remove_dir_all(&dir);

    // A file given as the rules folder.
    let run = jixiao(&["check", "--rules", EXAMPLE]);
    assert_explained(&run, EXAMPLE, "file as rules folder");
    snapshot("gen@file-as-rules-folder", &run.stderr, None);

    // Missing files.
    let run = jixiao(&["score", "tests/bad/no-such-file.toml"]);
    assert_explained(&run, "tests/bad/no-such-file.toml", "missing");
    snapshot("gen@missing-file", &run.stderr, None);
    let run = jixiao(&["check", "--rules", "rules/1999"]);
    assert_explained(&run, "rules/1999", "missing rules");
    snapshot("gen@missing-rules-folder", &run.stderr, None);
}

#[test]
fn a_rule_file_cannot_reach_outside_its_folder() {
    // The language has no include, import or file access: a line that tries
    // is a syntax error, and nothing is read.
    let dir = copy_rules("include");
    let sheet = dir.join("sheet.jx");
    let text = std::fs::read_to_string(&sheet).expect("read");
    std::fs::write(&sheet, format!("include \"../../etc/passwd\"\n{text}")).expect("write");
    let shown = dir.display().to_string();
    let run = jixiao(&["check", "--rules", &shown]);
    assert_explained(&run, "sheet.jx:1:1", "include");
    assert!(run.stderr.contains("rules::syntax"), "{}", run.stderr);
    assert!(!run.stderr.contains("root:"), "{}", run.stderr);
    snapshot("gen@include", &run.stderr, Some(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- limits at their edges, in-process -------------------------------

fn rules_2022() -> jixiao::RuleSet {
    jixiao::rules::builtin(2022).expect("shipped rules compile")
}

fn codes(problems: &[jixiao::Problem]) -> Vec<String> {
    problems.iter().map(|p| p.code.to_string()).collect()
}

#[test]
fn submission_nesting_limit_at_the_edge() {
    let rules = rules_2022();
    let n = jixiao::data::MAX_SUBMISSION_NESTING;
    for (depth, too_deep) in [(n, false), (n + 1, true)] {
        let text = example_text().replacen(
            "[basic_data]\n",
            &format!(
                "[basic_data]\nnested = {}{}\n",
                "[".repeat(depth),
                "]".repeat(depth)
            ),
            1,
        );
        let problems =
            jixiao::data::load_submission(SourceFile::new("t.toml", text), &rules.schema)
                .expect_err("`nested` is not in the schema");
        let found = codes(&problems);
        assert_eq!(
            found.contains(&"submission::too_deep".to_string()),
            too_deep,
            "depth {depth}: {found:?}"
        );
        if !too_deep {
            assert_eq!(found, ["submission::unknown_key"], "depth {depth}");
        }
    }
}

/// Brackets inside a text are not nesting, even in a multi-line text
/// holding a lone quote (the scan for nesting once read those as 33
/// levels and refused a sound package).
#[test]
fn brackets_inside_a_text_are_not_nesting() {
    let rules = rules_2022();
    let n = jixiao::data::MAX_SUBMISSION_NESTING + 1;
    for quoted in [
        format!("\"\"\"易\"帆{}\"\"\"", "[".repeat(n)),
        format!("'''易'帆{}'''", "{".repeat(n)),
    ] {
        let text =
            example_text().replacen("filled_by = \"易帆\"", &format!("filled_by = {quoted}"), 1);
        assert!(text.contains(&quoted), "the example's filled_by line");
        jixiao::data::load_submission(SourceFile::new("t.toml", text.clone()), &rules.schema)
            .unwrap_or_else(|p| panic!("{quoted}: {:?}", codes(&p)));
        // With a mistake elsewhere, the mistake is what is said.
        let broken = text.replacen("format = 1", "format = 1\nformat = 1", 1);
        let problems =
            jixiao::data::load_submission(SourceFile::new("t.toml", broken), &rules.schema)
                .expect_err("a key written twice");
        assert!(
            !codes(&problems).contains(&"submission::too_deep".to_string()),
            "{quoted}: {:?}",
            codes(&problems)
        );
    }
}

#[test]
fn rows_limit_at_the_edge() {
    let rules = rules_2022();
    let text = example_text();
    let first = text.find("[[basic_data.expenses]]").expect("expenses");
    let second = first
        + 1
        + text[first + 1..]
            .find("[[basic_data.expenses]]")
            .expect("two");
    let row = &text[first..second];
    let rows_now = text.matches("[[basic_data.expenses]]").count();
    for (rows, too_many) in [
        (jixiao::data::MAX_ROWS, false),
        (jixiao::data::MAX_ROWS + 1, true),
    ] {
        let extra = row.repeat(rows - rows_now);
        let edited = text.replacen(row, &format!("{row}{extra}"), 1);
        let found =
            match jixiao::data::load_submission(SourceFile::new("t.toml", edited), &rules.schema) {
                Ok(_) => Vec::new(),
                Err(p) => codes(&p),
            };
        assert_eq!(
            found.contains(&"submission::too_many_rows".to_string()),
            too_many,
            "{rows} rows: {found:?}"
        );
        if !too_many {
            assert!(found.is_empty(), "{rows} rows: {found:?}");
        }
    }
}

#[test]
fn submission_size_limit_at_the_edge() {
    let rules = rules_2022();
    let mut text = example_text();
    let limit = jixiao::data::MAX_SUBMISSION_BYTES;
    text.push('#');
    text.push_str(&"x".repeat(limit - text.len() - 1));
    text.push('\n');
    assert_eq!(text.len(), limit);
    let loaded =
        jixiao::data::load_submission(SourceFile::new("t.toml", text.as_str()), &rules.schema);
    assert!(loaded.is_ok(), "{:?}", loaded.err().map(|p| codes(&p)));
    text.push('\n');
    let problems = jixiao::data::load_submission(SourceFile::new("t.toml", text), &rules.schema)
        .expect_err("one byte over");
    assert_eq!(codes(&problems), ["submission::too_large"]);
}

/// Parse `param p = EXPR` and return the problem codes (none when it parses).
fn parse_codes(text: &str) -> Vec<&'static str> {
    match jixiao::syntax::parse_file(0, text) {
        Ok(_) => Vec::new(),
        Err(e) => vec![match e {
            jixiao::syntax::ParseError::Syntax { .. } => "syntax",
            jixiao::syntax::ParseError::TooDeep { .. }
            | jixiao::syntax::ParseError::TooDeepToParse { .. } => "too_deep",
            jixiao::syntax::ParseError::TooLarge { .. } => "too_large",
            jixiao::syntax::ParseError::BadLiteral { .. } => "bad_literal",
            jixiao::syntax::ParseError::TooManyOperators { .. } => "too_many_operators",
        }],
    }
}

#[test]
fn rule_nesting_operator_and_size_limits_at_the_edge() {
    use jixiao::syntax::{MAX_NESTING, MAX_OPERATORS, MAX_RULE_FILE_BYTES};
    let nested = |n: usize| format!("param p = {}1{}\n", "(".repeat(n), ")".repeat(n));
    assert_eq!(parse_codes(&nested(MAX_NESTING - 1)), Vec::<&str>::new());
    assert_eq!(parse_codes(&nested(MAX_NESTING + 1)), ["too_deep"]);
    // Nesting no bracket counts (`if … then … else` a few thousand deep)
    // runs the parser's own stack out: the same kind of problem.
    let ifs = (0..3000).fold("1".to_string(), |e, _| format!("if true then {e} else 0"));
    assert_eq!(parse_codes(&format!("param p = {ifs}\n")), ["too_deep"]);
    let sum = |n: usize| format!("param p = {}\n", vec!["1"; n + 1].join(" + "));
    assert_eq!(parse_codes(&sum(MAX_OPERATORS)), Vec::<&str>::new());
    assert_eq!(parse_codes(&sum(MAX_OPERATORS + 1)), ["too_many_operators"]);
    let negations = |n: usize| format!("param p = {}1\n", "-".repeat(n));
    assert_eq!(parse_codes(&negations(MAX_NESTING + 1)), ["too_deep"]);
    let sized = |n: usize| {
        let mut t = String::from("param p = 1\n#");
        t.push_str(&"x".repeat(n - t.len() - 1));
        t.push('\n');
        t
    };
    assert_eq!(parse_codes(&sized(MAX_RULE_FILE_BYTES)), Vec::<&str>::new());
    assert_eq!(parse_codes(&sized(MAX_RULE_FILE_BYTES + 1)), ["too_large"]);
}

#[test]
fn points_limit_at_the_edge() {
    // `check::tree::MAX_POINTS`, which the crate does not export.
    const MAX_POINTS: u32 = 1_000_000;
    let read = |name: &str| {
        std::fs::read_to_string(Path::new(MANIFEST).join("rules/2022").join(name)).expect("read")
    };
    let compile = |max: u32| {
        let sheet = format!(
            "sheet \"边界\" {{ year 2022 total {max} round 2 }}\n\
             criterion all \"全部\" max {max} {{\n  award {max} because \"满分\"\n}}\n"
        );
        let files = vec![
            SourceFile::new("schema.jx", read("schema.jx")),
            SourceFile::new("params.jx", read("params.jx")),
            SourceFile::new("sheet.jx", sheet),
        ];
        match jixiao::compile(files) {
            Ok(_) => Vec::new(),
            Err(p) => codes(&p),
        }
    };
    assert_eq!(compile(MAX_POINTS), Vec::<String>::new());
    assert!(compile(MAX_POINTS + 1).contains(&"rules::points_too_large".to_string()));
}

// ---- found by fuzzing ---------------------------------------------------

/// `tests/fuzz-regressions/*.jx`: inputs on which `cargo fuzz` found a
/// crash or a hang, each parsed (and formatted) quickly now.
#[test]
fn fuzz_regressions_are_answered_quickly() {
    let dir = Path::new(MANIFEST).join("tests/fuzz-regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("read tests/fuzz-regressions") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "docx") {
            // A Word package: imported and scored, its words as valid TOML
            // (a control character in a cell once broke a comment).
            let shown = path.display().to_string();
            let run = jixiao(&["score", "--received-on", "2023-06-14", &shown]);
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
            assert!(!run.stderr.contains("TOML 格式错误"), "{}", run.stderr);
            assert_quick(&run, &shown);
            count += 1;
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let start = Instant::now();
        let _ = jixiao::syntax::parse_file(0, &text);
        let _ = jixiao::syntax::format::format(0, &text);
        assert!(
            start.elapsed() < QUICK,
            "{}: {:?}",
            path.display(),
            start.elapsed()
        );
        let shown = path.display().to_string();
        let run = jixiao(&["fmt", "--check", &shown]);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert_quick(&run, &shown);
        count += 1;
    }
    assert!(count > 0);
}

/// The shapes behind the first fuzz hang: nested or unclosed brackets and
/// nested calls made the PEG parser retry every level twice (2^n). The
/// parser's call limit answers them within the time limit; nesting a real
/// rule uses still parses.
#[test]
fn backtracking_shapes_are_answered_quickly() {
    let shapes = [
        format!("param p = x{}\n", "[".repeat(40)),
        format!("param p = {}1{}\n", "[".repeat(40), "]".repeat(40)),
        format!("param p = {}1{}\n", "max(".repeat(40), ")".repeat(40)),
        format!("param p = {}1\n", "f(".repeat(40)),
        format!("param p = {}1{}\n", "{a: ".repeat(40), "}".repeat(40)),
    ];
    for text in &shapes {
        let start = Instant::now();
        // A result or an error (40 balanced brackets are legal, if silly).
        let _ = jixiao::syntax::parse_file(0, text);
        assert!(start.elapsed() < QUICK, "{text}: {:?}", start.elapsed());
    }
    // Ordinary nesting (eight levels of brackets and calls) still parses.
    let ok = format!("param p = {}1{}\n", "max([".repeat(4), "])".repeat(4));
    assert!(jixiao::syntax::parse_file(0, &ok).is_ok(), "{ok}");
}

/// Outputs respect what is at the path: an input is never overwritten, a
/// FIFO is refused, a 0600 file keeps its permissions, a link is written
/// through; a leftover temporary file of a killed run is removed.
#[cfg(unix)]
#[test]
fn outputs_respect_what_is_there() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = temp_dir("outputs");
    let input = dir.join("unit.toml");
    std::fs::write(&input, example_text()).expect("write");
    let s = |p: &Path| p.display().to_string();

    // A package's own name is no output's: refused as a usage error,
    // before anything is read (another unit's `.toml` or `.docx` too).
    let run = jixiao(&["score", "--format", "json", "-o", &s(&input), &s(&input)]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains(".toml 是报送材料的扩展名"),
        "{}",
        run.stderr
    );
    let other = dir.join("other.docx");
    std::fs::write(&other, b"PK").expect("write");
    let run = jixiao(&["score", "-o", &s(&other), &s(&input)]);
    assert_eq!(run.code, Some(2));
    assert_eq!(std::fs::read(&other).expect("read"), b"PK");
    // A report named for another format is refused, not written.
    let run = jixiao(&["score", "-o", &s(&dir.join("汇总.xlsx")), &s(&input)]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("要 xlsx 请加 --format xlsx"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("汇总.xlsx").exists());
    // An import does not write over a unit's own submission.
    let run = jixiao(&[
        "import",
        "--received-on",
        "2023-06-14",
        "-o",
        &s(&input),
        &Path::new(MANIFEST)
            .join("examples/2022/yueyanglou-finance-office.docx")
            .display()
            .to_string(),
    ]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("不是 jixiao import 写出的文件"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&input).expect("read"),
        example_text()
    );

    let fifo = dir.join("pipe.json");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let run = jixiao(&["score", "--format", "json", "-o", &s(&fifo), &s(&input)]);
        assert_eq!(run.code, Some(1));
        assert!(run.stderr.contains("特殊文件"), "{}", run.stderr);
        assert!(
            std::fs::symlink_metadata(&fifo).is_ok_and(|m| !m.is_file()),
            "still a FIFO"
        );
        // A FIFO as an input is refused, not waited on.
        let fifo_in = dir.join("pipe.toml");
        let _ = Command::new("mkfifo").arg(&fifo_in).status();
        let run = jixiao(&["score", &s(&fifo_in)]);
        assert_eq!(run.code, Some(1));
        assert!(run.stderr.contains("不是普通文件"), "{}", run.stderr);
        assert_quick(&run, "fifo input");
    } else {
        eprintln!("skipped the FIFO cases: mkfifo is not available");
    }

    let private = dir.join("private.json");
    std::fs::write(&private, "old").expect("write");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let stale = dir.join(".private.json.999999999.tmp");
    std::fs::write(&stale, "partial").expect("write");
    let run = jixiao(&["score", "--format", "json", "-o", &s(&private), &s(&input)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mode = std::fs::metadata(&private)
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "permissions kept");
    assert!(!stale.exists(), "a dead run's temporary file is removed");

    let link = dir.join("link.txt");
    std::os::unix::fs::symlink(&private, &link).expect("symlink");
    let run = jixiao(&["score", "-o", &s(&link), &s(&input)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&private)
            .expect("read")
            .contains("总分：95")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A folder's entries that are not regular files are listed as failures,
/// never dropped; UTF-16 is named.
#[cfg(unix)]
#[test]
fn odd_entries_and_encodings_are_named() {
    let dir = temp_dir("odd-entries");
    std::fs::write(dir.join("a.toml"), example_text()).expect("write");
    std::os::unix::fs::symlink("nothere.toml", dir.join("gone.toml")).expect("symlink");
    std::os::unix::fs::symlink("loop.toml", dir.join("loop.toml")).expect("symlink");
    let shown = dir.display().to_string();
    let run = jixiao(&["score", "--format", "csv", &shown]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout.lines().count(), 4, "a row each:\n{}", run.stdout);
    let flat = run.stderr.replace("\n  │ ", "");
    assert!(
        flat.contains("gone.toml") && flat.contains("不存在"),
        "{}",
        run.stderr
    );
    assert!(flat.contains("循环的符号链接"), "{}", run.stderr);

    let utf16 = dir.join("utf16.toml");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "format = 1\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    std::fs::write(&utf16, bytes).expect("write");
    let run = jixiao(&["score", &utf16.display().to_string()]);
    assert_eq!(run.code, Some(1));
    let flat = run.stderr.replace("\n  │ ", "").replace("\n        ", " ");
    assert!(flat.contains("UTF-16LE 编码"), "{}", run.stderr);
    assert!(flat.contains("iconv -f UTF-16LE"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two packages of one name imported into one folder both arrive; the
/// warnings of a Word batch come each file's together, in input order,
/// naming their file, the same on every run.
#[test]
fn word_batches_keep_every_file_and_their_order() {
    let dir = temp_dir("word-batch");
    let docx = Path::new(MANIFEST).join("examples/2022/yueyanglou-finance-office.docx");
    for sub in ["a", "b"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
        std::fs::copy(&docx, dir.join(sub).join("x.docx")).expect("copy");
    }
    let out = dir.join("out");
    let s = |p: &Path| p.display().to_string();
    let run = jixiao(&[
        "import",
        "--received-on",
        "2023-06-14",
        "--out-dir",
        &s(&out),
        &s(&dir.join("a/x.docx")),
        &s(&dir.join("b/x.docx")),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(out.join("x.toml").is_file() && out.join("x-2.toml").is_file());

    let score = |order: [&str; 2]| {
        jixiao(&[
            "score",
            "--received-on",
            "2023-06-14",
            "--format",
            "json",
            &s(&dir.join(order[0]).join("x.docx")),
            &s(&dir.join(order[1]).join("x.docx")),
        ])
    };
    let first = score(["a", "b"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    for _ in 0..3 {
        assert_eq!(
            score(["a", "b"]).stderr,
            first.stderr,
            "the same stderr every run"
        );
    }
    // The two are one unit's package twice, which is said once at the end.
    let (twice, lines): (Vec<&str>, Vec<&str>) =
        first.stderr.lines().partition(|l| l.contains("是同一单位"));
    assert_eq!(twice.len(), 1, "{}", first.stderr);
    let a = lines
        .iter()
        .rposition(|l| l.contains("/a/x.docx"))
        .expect("a's warnings");
    let b = lines
        .iter()
        .position(|l| l.contains("/b/x.docx"))
        .expect("b's warnings");
    assert!(a < b, "a's warnings all before b's:\n{}", first.stderr);
    assert!(
        lines.iter().all(|l| l.contains("x.docx")),
        "every line names its file:\n{}",
        first.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `jixiao score … >&-`: the output has nowhere to go, so exit 1 and say so
/// — but `>/dev/null` (a choice to discard it) stays a success. Linux only:
/// elsewhere the closed stdout cannot be told from `/dev/null`.
#[test]
fn a_closed_stdout_is_an_error_not_lost_output() {
    if !Path::new("/proc/self/fdinfo").is_dir() {
        eprintln!("skipped: no /proc/self/fdinfo on this platform");
        return;
    }
    let run = |redirect: &str| {
        Command::new("sh")
            .current_dir(MANIFEST)
            .arg("-c")
            .arg(format!("exec \"$0\" score {EXAMPLE} {redirect}"))
            .arg(env!("CARGO_BIN_EXE_jixiao"))
            .output()
            .expect("run sh")
    };
    let closed = run(">&-");
    assert_eq!(closed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&closed.stderr).contains("标准输出已关闭"));
    let discarded = run(">/dev/null");
    assert_eq!(discarded.status.code(), Some(0));
    assert!(discarded.stderr.is_empty());
    // `check` and `test` write their result to stdout too.
    for command in ["check", "test"] {
        let closed = Command::new("sh")
            .current_dir(MANIFEST)
            .arg("-c")
            .arg(format!("exec \"$0\" {command} >&-"))
            .arg(env!("CARGO_BIN_EXE_jixiao"))
            .output()
            .expect("run sh");
        assert_eq!(closed.status.code(), Some(1), "{command}");
        assert!(
            String::from_utf8_lossy(&closed.stderr).contains("标准输出已关闭"),
            "{command}"
        );
    }
}

/// A reader that stops reading (`| head -1`) ends the run quietly with
/// status 0, however much of the output was still to come: a district's
/// reports do not fit the pipe, one unit's does.
#[test]
fn a_reader_that_stops_reading_ends_the_run_quietly() {
    use std::io::Read as _;
    let dir = temp_dir("pipe-closed");
    for i in 0..6 {
        let named = example_text().replace(
            "name = \"岳阳市岳阳楼区人民政府金融工作办公室\"",
            &format!("name = \"单位{i}\""),
        );
        std::fs::write(dir.join(format!("u{i}.toml")), named).expect("write");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["score", &dir.display().to_string()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 16];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("read");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("无法写出"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Ctrl-C during a district run leaves no temporary file in the output
/// folder. The debug build pauses 300 ms inside each write (with the
/// temporary file on disk), so a signal at 150 ms lands mid-write; one at
/// 0.9 s lands on a later file. Needs `kill`; skipped where there is none
/// or when the test binary is a release build (which ignores the pause).
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: release build, the write pause is a debug-only hook");
        return;
    }
    if Command::new("kill").arg("-l").output().is_err() {
        eprintln!("skipped: no kill command on this platform");
        return;
    }
    let dir = temp_dir("interrupted");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    let text = example_text();
    for i in 0..6 {
        std::fs::write(inputs.join(format!("unit{i}.toml")), &text).expect("write input");
    }
    let binary = env!("CARGO_BIN_EXE_jixiao");
    for (round, delay_ms) in [150u64, 900].into_iter().enumerate() {
        let out = dir.join(format!("out{round}"));
        let child = Command::new(binary)
            .env("JIXIAO_TEST_WRITE_PAUSE_MS", "300")
            .args(["score", "--format", "html", "--out-dir"])
            .arg(&out)
            .arg(&inputs)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn jixiao");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let done = child.wait_with_output().expect("wait");
        assert_eq!(done.status.code(), Some(130), "Ctrl-C at {delay_ms} ms");
        assert!(String::from_utf8_lossy(&done.stderr).contains("已中断"));
        let names: Vec<String> = std::fs::read_dir(&out)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            names.iter().all(|name| !name.ends_with(".tmp")),
            "after Ctrl-C at {delay_ms} ms: {names:?}"
        );
        assert!(names.len() < 6, "the run was not interrupted: {names:?}");
    }
}

/// `jixiao ARGS…` killed after `QUICK` if still running: a FIFO read by
/// mistake must fail the test, not hang it.
#[cfg(unix)]
fn jixiao_or_kill(args: &[&str]) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(MANIFEST)
        .env("NO_COLOR", "1")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn jixiao");
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > QUICK {
            let _ = child.kill();
            panic!("jixiao {args:?} still running after {QUICK:?}: it waited on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}

/// A report written with `-o` over a rule file the same run reads is
/// refused: one slip of `-o` would destroy the year's rules (score, diff,
/// review and import all read a rule folder).
#[test]
fn a_rule_file_is_never_an_output() {
    let dir = temp_dir("rules-as-output");
    let rules = dir.join("rules");
    std::fs::create_dir_all(rules.join("tests")).expect("folder");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/2022");
    for entry in std::fs::read_dir(&from).expect("rules").flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), rules.join(entry.file_name())).expect("copy");
        }
    }
    std::fs::copy(
        from.join("tests/late-3-days.toml"),
        rules.join("tests/case.jx"),
    )
    .expect("copy");
    let s = |p: &Path| p.display().to_string();
    let (r, example) = (s(&rules), EXAMPLE.to_string());
    let params = rules.join("params.jx");
    let before = std::fs::read(&params).expect("params");
    for (args, target) in [
        (
            vec!["score", "--rules", &r, "-o", "PARAMS", &example],
            &params,
        ),
        (
            vec![
                "diff",
                "--old",
                &r,
                "--new",
                "rules/2023",
                "-o",
                "SHEET",
                &example,
            ],
            &rules.join("sheet.jx"),
        ),
        (
            vec!["score", "--rules", &r, "-o", "CASE", &example],
            &rules.join("tests/case.jx"),
        ),
    ] {
        let before = std::fs::read(target).expect("rule file");
        let t = s(target);
        let args: Vec<&str> = args
            .iter()
            .map(|a| {
                if a.chars().all(|c| c.is_ascii_uppercase()) {
                    t.as_str()
                } else {
                    a
                }
            })
            .collect();
        let run = jixiao(&args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("是本次的输入文件，不能用作输出"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(
            std::fs::read(target).expect("rule file"),
            before,
            "{args:?}"
        );
    }
    assert_eq!(std::fs::read(&params).expect("params"), before);
}

/// A FIFO named like a Word package or a workbook is refused, not waited
/// on — by import, score, --reviews and as review's --out; diff does not
/// write over its own input; review does not read a huge file at --out.
#[cfg(unix)]
#[test]
fn word_and_workbook_paths_that_are_not_files_are_refused() {
    let dir = temp_dir("special-packages");
    let s = |p: &Path| p.display().to_string();
    let docx = dir.join("pipe.docx");
    let xlsx = dir.join("pipe.xlsx");
    let made = [&docx, &xlsx].iter().all(|p| {
        Command::new("mkfifo")
            .arg(p)
            .status()
            .is_ok_and(|s| s.success())
    });
    if made {
        for args in [
            vec!["import", s(&docx).leak() as &str],
            vec!["score", "--received-on", "2023-06-14", s(&docx).leak()],
            vec!["score", "--reviews", s(&xlsx).leak(), EXAMPLE],
        ] {
            let run = jixiao_or_kill(&args);
            assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
            assert!(
                run.stderr.contains("不是普通文件"),
                "{args:?}: {}",
                run.stderr
            );
        }
        let run = jixiao_or_kill(&["review", "--out", &s(&xlsx), EXAMPLE]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(run.stderr.contains("特殊文件"), "{}", run.stderr);
    } else {
        eprintln!("skipped the FIFO cases: mkfifo is not available");
    }

    let input = dir.join("unit.toml");
    std::fs::write(&input, example_text()).expect("write");
    let run = jixiao(&[
        "diff",
        "--old",
        "rules/2022",
        "--new",
        "rules/2022",
        "--output",
        &s(&input),
        &s(&input),
    ]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(".toml 是报送材料的扩展名"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&input).expect("read"),
        example_text()
    );

    let huge = dir.join("big.xlsx");
    let file = std::fs::File::create(&huge).expect("create");
    file.set_len(jixiao::data::worksheet::MAX_WORKSHEET_BYTES + 1)
        .expect("set_len");
    let run = jixiao(&["review", "--out", &s(&huge), EXAMPLE]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("过大"), "{}", run.stderr);
    assert_quick(&run, "huge --out");
}

/// Workbooks keep their sheets' rows in temporary files: a temporary
/// folder that cannot be written is said, with what to do, and nothing is
/// left at `-o` (the summary and the review worksheet alike).
#[test]
fn an_unwritable_temporary_folder_is_an_error_not_a_crash() {
    let dir = temp_dir("tmpdir");
    let missing = dir.join("no-such-folder");
    let out = dir.join("summary.xlsx");
    let s = |p: &Path| p.display().to_string();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .current_dir(MANIFEST)
            .env("NO_COLOR", "1")
            .env("TMPDIR", &missing)
            .args(args)
            .output()
            .expect("run jixiao");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&["score", "--format", "xlsx", "-o", &s(&out), EXAMPLE]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("临时文件夹") && stderr.contains("TMPDIR"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "no summary at -o");

    let sheet = dir.join("review.xlsx");
    let (code, stderr) = run(&["review", "-o", &s(&sheet), EXAMPLE]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("临时文件夹"), "{stderr}");
    assert!(!sheet.exists(), "no worksheet at -o");
}

/// A report section of three 200,000-character lines, between two places
/// one explanation names (the section's heading and the attachment list):
/// the text report draws the places' own lines, not the lines between.
#[test]
fn long_lines_between_two_places_are_not_drawn() {
    let dir = temp_dir("long-lines-between");
    let line = "本单位严格执行预算管理制度，加强资金使用监督。".repeat(9_000);
    let text = example_text().replacen(
        "岳阳市岳阳楼区人民政府金融工作办公室2022年度没有国有资本经营预算财政拨款支出。\"\"\"",
        &format!("{line}\n{line}\n{line}\n\"\"\""),
        1,
    );
    assert_ne!(text, example_text(), "the section's text moved");
    let path = dir.join("long.toml");
    std::fs::write(&path, text).expect("write");
    let run = jixiao(&["score", &path.display().to_string()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("四、国有资本经营预算支出情况"),
        "the heading's place is drawn"
    );
    assert!(
        run.stdout.len() < 100_000,
        "the text report is {} bytes",
        run.stdout.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- hints never change a score --------------------------------------

/// The 2022 rules with `measurable`'s hint replaced by `hint`, and `more`
/// added after it.
fn rules_with_hint(name: &str, hint: &str, more: &str) -> PathBuf {
    let dir = copy_rules(name);
    let sheet = dir.join("sheet.jx");
    let text = std::fs::read_to_string(&sheet).expect("read");
    let old =
        "        hint \"年度指标值为数量的三级指标\" text(quantified) + \" / \" + text(named)\n";
    assert!(text.contains(old), "the measurable hint moved");
    std::fs::write(&sheet, text.replacen(old, &format!("{hint}\n{more}\n"), 1)).expect("write");
    dir
}

/// The 2022 rules with a check added to `indicators.jx`.
fn rules_with_check(name: &str, check: &str) -> PathBuf {
    let dir = copy_rules(name);
    let checks = dir.join("indicators.jx");
    let text = std::fs::read_to_string(&checks).expect("read");
    std::fs::write(&checks, format!("{text}{check}")).expect("write");
    dir
}

/// The total of the CSV summary's one row (its 5th column).
fn csv_total(run: &Run) -> String {
    let row = run
        .stdout
        .lines()
        .nth(1)
        .unwrap_or_else(|| panic!("no row:\n{}", run.stdout));
    row.split(',').nth(4).expect("total column").to_string()
}

#[test]
fn a_hint_that_cannot_be_computed_says_so_and_the_unit_is_scored() {
    // domain.md: hints never change a score. A zero divisor in a hint is
    // told in the hint's value; every format scores the unit alike.
    let dir = rules_with_hint(
        "hint-zero",
        "        hint \"比例\" text(quantified / (named - named))",
        "",
    );
    let rules = dir.display().to_string();
    let run = jixiao(&["score", "--rules", &rules, "--format", "json", EXAMPLE]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = json(&run);
    assert_eq!(out["score"], "95");
    let text = run.stdout.clone();
    // The divisor is named as the rule writes it.
    assert!(
        text.contains("无法计算：除数 `(named - named)` 为 0"),
        "{text}"
    );
    // Where: the hint's line of the copied sheet.
    let sheet = std::fs::read_to_string(dir.join("sheet.jx")).expect("read");
    let line = 1 + sheet
        .lines()
        .position(|l| l.contains("hint \"比例\""))
        .expect("the hint");
    assert!(text.contains(&format!("sheet.jx 第 {line} 行")), "{text}");
    let csv = jixiao(&["score", "--rules", &rules, "--format", "csv", EXAMPLE]);
    assert_eq!(csv.code, Some(0), "{}", csv.stderr);
    assert_eq!(csv_total(&csv), "95", "{}", csv.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_named_value_a_hint_gave_up_on_still_stops_the_score_that_needs_it() {
    // The hint reads the failing value first; the zero that reads it next
    // meets the same failure (not a blank), in every format.
    let dir = rules_with_hint(
        "hint-then-zero",
        "        let ratio = quantified / (named - named)\n        hint \"比例\" text(ratio)",
        "        zero when ratio > 2 because \"比例过高\"",
    );
    let rules = dir.display().to_string();
    for format in ["json", "csv", "text"] {
        let run = jixiao(&["score", "--rules", &rules, "--format", format, EXAMPLE]);
        assert_eq!(
            run.code,
            Some(1),
            "{format}: {}\n{}",
            run.stdout,
            run.stderr
        );
        assert!(
            run.stderr.contains("除数 `(named - named)` 为 0"),
            "{format}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("sheet.jx"), "{format}: {}", run.stderr);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_finding_whose_message_cannot_be_worked_out_counts_alike_in_every_format() {
    // The CSV counts findings without wording them, except where wording
    // one could fail: here every message divides by zero, so each finding
    // becomes an `undefined_ratio` warning, in the CSV as in the JSON.
    let dir = rules_with_check(
        "message-zero",
        "\ncheck weight_ratio {\n  says \"分值之比\"\n  for t in all_tables\n  for r in t.indicators\n  raise error when present(r.weight)\n    because \"比例 {r.weight / (r.weight - r.weight)}\"\n    at r.weight\n}\n",
    );
    let rules = dir.display().to_string();
    let run = jixiao(&["score", "--rules", &rules, "--format", "json", EXAMPLE]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = json(&run);
    let findings = out["findings"].as_array().expect("findings");
    let count = |severity: &str| {
        findings
            .iter()
            .filter(|f| f["severity"] == severity)
            .count()
            .to_string()
    };
    assert!(
        findings.iter().any(|f| f["id"] == "undefined_ratio"),
        "{}",
        run.stdout
    );
    let csv = jixiao(&["score", "--rules", &rules, "--format", "csv", EXAMPLE]);
    assert_eq!(csv.code, Some(0), "{}", csv.stderr);
    let header: Vec<&str> = csv
        .stdout
        .lines()
        .next()
        .expect("header")
        .split(',')
        .collect();
    let row: Vec<&str> = csv.stdout.lines().nth(1).expect("row").split(',').collect();
    for (column, severity) in [("错误", "error"), ("警告", "warning"), ("提示", "info")] {
        let at = header.iter().position(|h| *h == column).expect(column);
        assert_eq!(row[at], count(severity), "{column}: {}", csv.stdout);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_named_value_that_fails_in_a_check_is_one_finding_per_element() {
    // A table's named value divides by zero: the table's run of the check
    // ends with one `undefined_ratio` warning (its rows read the value as
    // blank after it), in the JSON as in the CSV; the hints' retry of a
    // failed value does not reach the checks.
    let dir = rules_with_check(
        "check-let-zero",
        "\ncheck per_row {\n  says \"行\"\n  for t in all_tables\n  let share = t.funds.executed / (t.funds.executed - t.funds.executed)\n\n  for r in t.indicators\n  raise info when r.weight > share\n    because \"行 {r.name}\"\n}\n",
    );
    let rules = dir.display().to_string();
    let run = jixiao(&["score", "--rules", &rules, "--format", "json", EXAMPLE]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = json(&run);
    let undefined = out["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "undefined_ratio")
        .count();
    // The example has two tables: the overall one and one project's.
    assert_eq!(undefined, 2, "{}", run.stdout);
    // The formula quoted as written, without the blank lines after it.
    assert!(
        run.stdout
            .contains("“t.funds.executed / (t.funds.executed - t.funds.executed)”的除数为 0"),
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_zero_divisor_read_through_a_truth_still_names_its_cell() {
    // `base` is read only by a truth (`over`) that the condition tests:
    // nothing shows a truth's places, but a zero divisor names the cell it
    // came from, not the whole row.
    let dir = rules_with_check(
        "truth-zero",
        "\ncheck budget_share {\n  says \"占比\"\n  for l in basic_data.expenses\n  let base = l.budget - l.budget\n  let over = l.final / base > 2\n  raise info when over\n    because \"{l.item}\"\n}\n",
    );
    let rules = dir.display().to_string();
    let run = jixiao(&["score", "--rules", &rules, "--format", "json", EXAMPLE]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = json(&run);
    let undefined: Vec<&serde_json::Value> = out["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "undefined_ratio")
        .collect();
    assert!(!undefined.is_empty(), "{}", run.stdout);
    for finding in undefined {
        let paths: Vec<&str> = finding["data"]
            .as_array()
            .expect("data")
            .iter()
            .filter_map(|d| d["path"].as_str())
            .collect();
        assert!(
            !paths.is_empty() && paths.iter().all(|p| p.ends_with(".budget")),
            "{finding}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A folder with nothing to read is an error, for every command that reads
/// folders: not an empty report with exit status 0, nor an empty file.
#[test]
fn an_empty_folder_is_said() {
    const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/2022");
    let dir = temp_dir("empty-folder");
    std::fs::create_dir_all(dir.join("空")).expect("mkdir");
    std::fs::write(dir.join("空/说明.txt"), "不是材料").expect("write");
    for args in [
        &["score", "空"][..],
        &["score", "--format", "xlsx", "-o", "汇总.xlsx", "空"],
        &["review", "--out", "评审表.xlsx", "空"],
        &["diff", "--old", RULES, "--new", RULES, "空"],
    ] {
        let run = jixiao_at(&dir, args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("目录 空 中没有要读取的文件"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    assert!(!dir.join("汇总.xlsx").exists() && !dir.join("评审表.xlsx").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A result that cannot be written (a full disk) is a failure for every
/// command that writes one to stdout; a closed pipe (`| head`) is not.
#[test]
fn a_result_not_written_is_a_failure() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full on this system");
        return;
    };
    for args in [
        &["check", "--rules", "rules/2022"][..],
        &["check", "--rules", "rules/2022", "--format", "json"],
        &["test", "--rules", "rules/2022"],
        &["score", EXAMPLE],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .current_dir(MANIFEST)
            .env("NO_COLOR", "1")
            .args(args)
            .stdout(full.try_clone().expect("clone"))
            .output()
            .expect("run jixiao");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("无法写出结果：磁盘空间不足"),
            "{args:?}: {stderr}"
        );
    }
}

/// The unit's name and a reviewer's signature are who a report is about
/// and who judged it: blank, they are errors at the value, not an empty
/// name on every page or an unsigned judgment taken as signed.
#[test]
fn blank_names_are_errors() {
    let dir = temp_dir("blank-names");
    for (file, from, to, said) in [
        (
            "blank-unit.toml",
            "name = \"岳阳市岳阳楼区人民政府金融工作办公室\"",
            "name = \" \"",
            "单位信息 · 单位名称是空的",
        ),
        (
            "blank-reviewer.toml",
            "reviewer = \"区财政局\"",
            "reviewer = \"\"",
            "`review.reviewer` 不能为空",
        ),
    ] {
        let text = example_text();
        assert!(text.contains(from), "{from}");
        std::fs::write(dir.join(file), text.replacen(from, to, 1)).expect("write");
        let run = jixiao_at(&dir, &["score", file]);
        assert_eq!(run.code, Some(1), "{file}: {}", run.stderr);
        assert!(run.stderr.contains(said), "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{file}:")),
            "{file}: {}",
            run.stderr
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--received-on` with only `.toml` inputs changes nothing, and says so.
#[test]
fn received_on_unused_is_said() {
    let run = jixiao(&["score", "--received-on", "2023-06-20", EXAMPLE]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--received-on 只用于 Word 材料（.docx）"),
        "{}",
        run.stderr
    );
    let plain = jixiao(&["score", EXAMPLE]);
    assert_eq!(run.stdout, plain.stdout);
    assert!(!plain.stderr.contains("--received-on"), "{}", plain.stderr);
}

/// Two inputs of one name from two folders get reports of their own under
/// `--out-dir`, and which is whose is said.
#[test]
fn same_named_inputs_are_told_apart() {
    let dir = temp_dir("same-name");
    for sub in ["甲", "乙"] {
        std::fs::create_dir_all(dir.join(sub)).expect("mkdir");
        std::fs::write(dir.join(sub).join("材料.toml"), example_text()).expect("write");
    }
    let run = jixiao_at(
        &dir,
        &["score", "--out-dir", "报告", "甲/材料.toml", "乙/材料.toml"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(dir.join("报告/材料.txt").exists() && dir.join("报告/材料-2.txt").exists());
    assert!(
        run.stderr
            .contains("提示：乙/材料.toml 与前面的材料同名，它的报告写在 报告/材料-2.txt"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file whose lines end in CR alone (old Mac editors) is read line by
/// line: it scores as the same file with LF does.
#[test]
fn lines_ended_by_cr_alone_are_lines() {
    let dir = temp_dir("cr-only");
    std::fs::write(dir.join("lf.toml"), example_text()).expect("write");
    std::fs::write(dir.join("cr.toml"), example_text().replace('\n', "\r")).expect("write");
    let lf = jixiao_at(&dir, &["score", "--format", "json", "lf.toml"]);
    let cr = jixiao_at(&dir, &["score", "--format", "json", "cr.toml"]);
    assert_eq!(cr.code, Some(0), "{}", cr.stderr);
    assert_eq!(cr.stdout.replace("cr.toml", "lf.toml"), lf.stdout);
    // CR CR LF (converted to Windows line ends twice): one break a line.
    std::fs::write(
        dir.join("crcrlf.toml"),
        example_text().replace('\n', "\r\r\n"),
    )
    .expect("write");
    let twice = jixiao_at(&dir, &["score", "crcrlf.toml"]);
    assert_eq!(twice.code, Some(0), "{}", twice.stderr);
    assert!(twice.stdout.contains("总分：95 / 100"), "{}", twice.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A number of the package so large that a check's sum of it passes the
/// exact range ends that check with a `number_out_of_range` finding, which
/// points at the huge cell (not the dozen cells summed with it); the unit
/// is still scored.
#[test]
fn an_overflow_from_the_package_points_to_its_numbers() {
    let dir = temp_dir("overflow");
    let text = example_text();
    let funds = text.find("[overall.funds]").expect("funds");
    let at = funds + text[funds..].find("score = ").expect("score");
    let end = at + text[at..].find('\n').expect("line");
    let huge = format!(
        "{}score = 79228162514264337593543950335{}",
        &text[..at],
        &text[end..]
    );
    std::fs::write(dir.join("huge.toml"), huge).expect("write");
    let run = jixiao_at(&dir, &["score", "--format", "json", "huge.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let outcome: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(outcome["score"], "95", "{}", run.stdout);
    let stopped: Vec<&serde_json::Value> = outcome["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "number_out_of_range")
        .collect();
    assert_eq!(stopped.len(), 1, "{}", run.stdout);
    let data = stopped[0]["data"].as_array().expect("data");
    assert_eq!(data.len(), 1, "{}", run.stdout);
    assert_eq!(data[0]["path"], "overall.funds.score", "{}", run.stdout);
    assert_eq!(data[0]["value"], "79228162514264337593543950335");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A text report written to a file keeps the inputs it could not score,
/// with their reasons, as the HTML and Markdown reports do.
#[test]
fn a_text_report_file_lists_what_was_not_scored() {
    let dir = temp_dir("text-failures");
    std::fs::create_dir_all(dir.join("材料")).expect("mkdir");
    std::fs::write(dir.join("材料/甲.toml"), example_text()).expect("write");
    std::fs::write(
        dir.join("材料/乙.toml"),
        "format = 1\n[unit]\nname = \"乙\"\n",
    )
    .expect("write");
    let run = jixiao_at(&dir, &["score", "-o", "报告.txt", "材料"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let report = std::fs::read_to_string(dir.join("报告.txt")).expect("report");
    assert!(report.contains("未能评分的材料"), "{report}");
    assert!(report.contains("材料/乙.toml："), "{report}");
    assert!(report.contains("缺少评价年度"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A mistyped input folder leaves the district's summary files as they
/// were: no summary made of failures alone replaces a good one.
#[test]
fn a_mistyped_input_never_replaces_a_summary() {
    let dir = temp_dir("summary-kept");
    let example = Path::new(MANIFEST).join(EXAMPLE);
    let example = example.to_str().unwrap_or_default();
    for (format, file) in [("csv", "汇总.csv"), ("xlsx", "汇总.xlsx")] {
        let run = jixiao_at(&dir, &["score", "--format", format, "-o", file, example]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let good = std::fs::read(dir.join(file)).expect("summary written");
        let run = jixiao_at(&dir, &["score", "--format", format, "-o", file, "材料2/"]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(run.stderr.contains("汇总未写出"), "{}", run.stderr);
        assert_eq!(
            std::fs::read(dir.join(file)).expect("summary kept"),
            good,
            "{format}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A folder's packages in a subfolder, in upper-case `.TOML`, or in an
/// old Word format are not dropped silently: the subfolder is said, the
/// `.TOML` read, the `.doc` refused with its reason.
#[test]
fn nothing_in_a_folder_of_packages_is_dropped_silently() {
    let dir = temp_dir("folder-kinds");
    let packages = dir.join("材料");
    std::fs::create_dir_all(packages.join("补报")).expect("mkdir");
    let example = example_text();
    std::fs::write(packages.join("补报/02.toml"), &example).expect("write");
    std::fs::write(packages.join("03.TOML"), &example).expect("write");
    std::fs::write(
        packages.join("04.doc"),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest",
    )
    .expect("write");
    std::fs::write(packages.join("说明.txt"), "说明").expect("write");
    let run = jixiao_at(&dir, &["score", "--format", "csv", "材料"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("子目录 补报/ 没有读取")
            && run.stderr.contains("说明.txt 不是材料")
            && run.stderr.contains("04.doc 是旧版 Word 或 WPS 文件"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("03.TOML"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A notice left in the --out-dir by an earlier run for a package since
/// renamed is said, so that it is not sent as this run's.
#[test]
fn an_old_report_beside_this_runs_is_said() {
    let dir = temp_dir("out-dir-others");
    let packages = dir.join("材料");
    std::fs::create_dir_all(&packages).expect("mkdir");
    std::fs::write(packages.join("03-卫健局.toml"), example_text()).expect("write");
    let run = jixiao_at(
        &dir,
        &["score", "--for", "unit", "--out-dir", "告知书", "材料"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    std::fs::rename(
        packages.join("03-卫健局.toml"),
        packages.join("03-卫健局-更正.toml"),
    )
    .expect("rename");
    let run = jixiao_at(
        &dir,
        &["score", "--for", "unit", "--out-dir", "告知书", "材料"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("03-卫健局.txt 不是本次写出的"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A worksheet whose parts unpack to far more than any worksheet's (a
/// list of sheets padded with blanks: kilobytes packed, tens of megabytes
/// unpacked) is refused before it is unpacked into memory, whether it is
/// read as reviews or only looked at before being written over.
#[test]
fn a_worksheet_that_unpacks_to_gigabytes_is_refused_unread() {
    use std::io::{Read as _, Write as _};
    let dir = temp_dir("worksheet-bomb");
    let text = example_text();
    let cut = text.find("\n[review]").expect("the example has [review]");
    std::fs::write(dir.join("unit.toml"), &text[..=cut]).expect("write");
    let made = jixiao_at(&dir, &["review", "--out", "blank.xlsx", "unit.toml"]);
    assert_eq!(made.code, Some(0), "{}", made.stderr);
    let bytes = std::fs::read(dir.join("blank.xlsx")).expect("read");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut out =
        zip::ZipWriter::new(std::fs::File::create(dir.join("bomb.xlsx")).expect("create"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).expect("part");
        let name = part.name().to_string();
        let mut data = Vec::new();
        part.read_to_end(&mut data).expect("read part");
        if name == "xl/workbook.xml" {
            let end = data
                .windows(2)
                .rposition(|w| w == b"</")
                .expect("a closing tag");
            let mut padded = data[..end].to_vec();
            padded.extend(std::iter::repeat_n(b' ', 20 << 20));
            padded.extend_from_slice(&data[end..]);
            data = padded;
        }
        out.start_file(name, options).expect("start");
        out.write_all(&data).expect("write part");
    }
    out.finish().expect("finish");
    assert!(
        std::fs::metadata(dir.join("bomb.xlsx"))
            .expect("bomb")
            .len()
            < 1 << 20
    );
    let run = jixiao_at(&dir, &["score", "--reviews", "bomb.xlsx", "unit.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("xl/workbook.xml 解压后超过 16 MiB"),
        "{}",
        run.stderr
    );
    let again = jixiao_at(&dir, &["review", "--out", "bomb.xlsx", "unit.toml"]);
    assert_eq!(again.code, Some(1), "{}", again.stderr);
    assert!(again.stderr.contains("不覆盖"), "{}", again.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A unit the new rules cannot score (a rule dividing by zero on it) fails
/// `diff` as it fails `score`: exit 1, the problem at its rule's line, and
/// the list of edits does not say that no unit changed.
#[test]
fn diff_fails_where_the_new_rules_cannot_score() {
    let new = copy_rules("diff-new-fails");
    let sheet = new.join("sheet.jx");
    let text = std::fs::read_to_string(&sheet).expect("sheet");
    let from = "let late = max(0, days_between(deadline, received_on))";
    assert!(text.contains(from));
    let edited = text.replacen(from, &format!("{from} / (len(self_checks) - 1)"), 1);
    std::fs::write(&sheet, edited).expect("write");
    let old = Path::new(MANIFEST).join("rules/2022");
    let run = jixiao_at(
        Path::new(MANIFEST),
        &[
            "diff",
            "--old",
            &old.display().to_string(),
            "--new",
            &new.display().to_string(),
            EXAMPLE,
        ],
    );
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("rules::division_by_zero"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("sheet.jx:37:16"), "{}", run.stderr);
    assert!(run.stdout.contains("95 → 无法评分"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("没有单位在这些项上有变化"),
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&new);
}

/// Judgments in a package's own `[review]` that nobody signed are refused
/// at the table, as an unsigned worksheet or review file is.
#[test]
fn an_unsigned_review_table_is_refused() {
    let dir = temp_dir("unsigned-review");
    let text = example_text();
    let unsigned = text.replacen("reviewer = \"区财政局\"\n", "", 1);
    assert_ne!(unsigned, text, "the example's [review] is signed");
    std::fs::write(dir.join("unit.toml"), unsigned).expect("write");
    let run = jixiao_at(&dir, &["score", "unit.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("[review] 缺少评审人 `reviewer`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("unit.toml:"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Characters that show as a space or as nothing, and full-width brackets,
/// are named where they stand in a submission, with what to do; a year too
/// large is said as no year.
#[test]
fn invisible_and_full_width_characters_in_a_submission_are_named() {
    let dir = temp_dir("invisible-characters");
    let text = example_text();
    let cases = [
        (
            "nbsp.toml",
            "total_score = 98",
            "total_score\u{a0}= 98",
            "不换行空格（U+00A0）",
        ),
        (
            "zwsp.toml",
            "role = \"预算单位\"",
            "role = \"预算\u{200b}单位\"",
            "看不见的零宽空格（U+200B）",
        ),
        (
            "brackets.toml",
            "[submission]",
            "［submission］",
            "`［` 是中文（全角）符号",
        ),
        (
            "year.toml",
            "year = 2022",
            "year = 99999999999999999999",
            "“99999999999999999999”不是年份",
        ),
        (
            "lenticular.toml",
            "[submission]",
            "【submission】",
            "`【` 是中文（全角）符号",
        ),
        (
            "narrow.toml",
            "total_score = 98",
            "total_score\u{202f}= 98",
            "不换行空格（U+202F）",
        ),
    ];
    for (file, from, to, said) in cases {
        let edited = text.replacen(from, to, 1);
        assert_ne!(edited, text, "{from}");
        std::fs::write(dir.join(file), edited).expect("write");
        let run = jixiao_at(&dir, &["score", file]);
        assert_eq!(run.code, Some(1), "{file}: {}", run.stderr);
        assert!(run.stderr.contains(said), "{file}: {}", run.stderr);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A judged criterion whose points change (内涵明确、具体、可衡量 5 → 7,
/// 突出核心指标 3 → 1): the judgment the new rules still take (4 of what
/// was 5, now of 7) is listed to be judged again, not silently kept as a
/// lower score.
#[test]
fn diff_asks_for_a_judgment_again_when_its_points_change() {
    let new = copy_rules("diff-points-moved");
    let sheet = new.join("sheet.jx");
    let text = std::fs::read_to_string(&sheet).expect("sheet");
    let edits = [
        (
            "criterion measurable \"内涵明确、具体、可衡量\" max 5 ",
            "criterion measurable \"内涵明确、具体、可衡量\" max 7 ",
        ),
        (
            "            for t in all_tables]\n        judge 0 to 5\n",
            "            for t in all_tables]\n        judge 0 to 7\n",
        ),
        (
            "criterion focused \"突出核心指标，精简实用\" max 3 {",
            "criterion focused \"突出核心指标，精简实用\" max 1 {",
        ),
        ("        judge 0 to 3\n", "        judge 0 to 1\n"),
    ];
    let mut edited = text.clone();
    for (from, to) in edits {
        assert!(edited.contains(from), "{from}");
        edited = edited.replacen(from, to, 1);
    }
    std::fs::write(&sheet, edited).expect("write");
    let old = Path::new(MANIFEST).join("rules/2022");
    let run = jixiao_at(
        Path::new(MANIFEST),
        &[
            "diff",
            "--old",
            &old.display().to_string(),
            "--new",
            &new.display().to_string(),
            EXAMPLE,
        ],
    );
    assert!(
        run.stdout.contains("需重新评审：“内涵明确、具体、可衡量”的满分由 5 分改为 7 分，原评审意见（区财政局 4 分）是按原满分给出的，请按新满分重新评审"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&new);
}

/// An edit of the Word templates is listed among the rules' edits, said as
/// what it is: not something the comparison of the packages shows.
#[test]
fn diff_lists_an_edit_of_the_word_templates() {
    let new = copy_rules("diff-templates");
    let from = Path::new(MANIFEST).join("rules/2022/templates.toml");
    let text = std::fs::read_to_string(&from).expect("templates");
    let edited = text.replacen(
        "weight = [\"分值\", \"权重\"]",
        "weight = [\"分值\", \"权重\", \"分数\"]",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(new.join("templates.toml"), edited).expect("write");
    let old = Path::new(MANIFEST).join("rules/2022");
    let run = jixiao_at(
        Path::new(MANIFEST),
        &[
            "diff",
            "--old",
            &old.display().to_string(),
            "--new",
            &new.display().to_string(),
            EXAMPLE,
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("templates.toml:"), "{}", run.stdout);
    assert!(run.stdout.contains("Word 材料的导入模板"), "{}", run.stdout);
    assert!(!run.stdout.contains("规则文件相同"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&new);
}

/// With `--out-dir`, an input that fails this time has its JSON file say so
/// (`"status": "failed"`), in place of the complete report an earlier run
/// left there: a program reading the folder takes no old result for new.
#[test]
fn a_failed_input_replaces_its_old_json_report() {
    let dir = temp_dir("out-dir-failed");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::write(inputs.join("a.toml"), example_text()).expect("write");
    let out = dir.join("out");
    let args = ["score", "--format", "json", "--out-dir", "out", "in"];
    assert_eq!(jixiao_at(&dir, &args).code, Some(0));
    std::fs::write(inputs.join("a.toml"), "format = 1\n[unit\n").expect("break it");
    let run = jixiao_at(&dir, &args);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("a.json")).expect("a.json"))
            .expect("json");
    assert_eq!(written["status"], "failed", "{written}");
    assert!(
        written["errors"].as_array().is_some_and(|e| !e.is_empty()),
        "{written}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// One input that cannot be scored, as JSON: its failure object is the
/// output (as in an array), so that a program always reads a status.
#[test]
fn a_single_failed_input_gives_its_failure_object() {
    let dir = temp_dir("json-single-failure");
    std::fs::write(dir.join("bad.toml"), "format = 1\n[unit\n").expect("write");
    let run = jixiao_at(&dir, &["score", "--format", "json", "bad.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("a JSON object");
    assert_eq!(v["status"], "failed", "{v}");
    assert_eq!(v["file"], "bad.toml", "{v}");
    // Its header unreadable: the JSON's format, and no unit to name.
    assert_eq!(v["format"], 1, "{v}");
    assert!(v.get("unit").is_none(), "{v}");
    // In a folder, a package whose header reads but whose body does not
    // names its unit and year, as the summary's row for it does.
    let folder = dir.join("folder");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("a.toml"), example_text()).expect("write");
    std::fs::write(
        folder.join("b.toml"),
        "format = 1\n[unit]\nname = \"岳阳楼区坏单位\"\nyear = 2022\nrole = 3\n",
    )
    .expect("write");
    let run = jixiao_at(&dir, &["score", "--format", "json", "folder"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let all: serde_json::Value = serde_json::from_str(&run.stdout).expect("a JSON array");
    let failed = &all[1];
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["format"], 1, "{failed}");
    assert_eq!(failed["unit"], "岳阳楼区坏单位", "{failed}");
    assert_eq!(failed["year"], 2022, "{failed}");
    let csv = jixiao_at(&dir, &["score", "--format", "csv", "folder"]);
    assert!(csv.stdout.contains(",岳阳楼区坏单位,"), "{}", csv.stdout);
    // An import is a package: written to a `.toml` only.
    let docx = Path::new(MANIFEST).join("examples/2022/yueyanglou-finance-office.docx");
    for name in ["单位", "单位.toml.bak"] {
        let run = jixiao_at(
            &dir,
            &[
                "import",
                "--received-on",
                "2023-06-14",
                "-o",
                name,
                &docx.display().to_string(),
            ],
        );
        assert_eq!(run.code, Some(2), "{name}: {}", run.stderr);
        assert!(run.stderr.contains("要以 .toml 结尾"), "{}", run.stderr);
        assert!(!dir.join(name).exists());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A bracket left open (`role = ["预算单位"`) is one mistake, said once
/// where it opens with what to write, not once per line after it in the
/// parser's English; so is a table header without its `]`.
#[test]
fn a_bracket_left_open_is_said_once_where_it_opens() {
    let dir = temp_dir("open-bracket");
    for (old, new, said, line) in [
        (
            "role = \"预算单位\"",
            "role = [\"预算单位\"",
            "这里的 `[` 没有对应的 `]`",
            "unit.toml:12:8",
        ),
        (
            "[submission]",
            "[submission",
            "表头 `[submission` 少了结尾的 `]`",
            "unit.toml:15:1",
        ),
    ] {
        let text = example_text().replacen(old, new, 1);
        assert_ne!(text, example_text());
        std::fs::write(dir.join("unit.toml"), text).expect("write");
        let run = jixiao_at(&dir, &["score", "unit.toml"]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(run.stderr.contains(said), "{}", run.stderr);
        assert!(run.stderr.contains(line), "{}", run.stderr);
        assert_eq!(
            run.stderr.matches("submission::toml").count(),
            1,
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("expected"), "{}", run.stderr);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A number with more significant digits than a decimal holds (29) is
/// refused where it is written, in a package and in a rule file: never
/// rounded away in silence.
#[test]
fn a_29th_significant_digit_is_refused_not_rounded() {
    let dir = temp_dir("29-digits");
    let text = example_text().replacen(
        "executed = 96.89\n",
        "executed = 96.890000000000000000000000000001\n",
        1,
    );
    assert_ne!(text, example_text());
    std::fs::write(dir.join("unit.toml"), text).expect("write");
    let run = jixiao_at(&dir, &["score", "unit.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stderr.contains("unit.toml:360:12"), "{}", run.stderr);
    assert!(run.stderr.contains("28 位有效数字"), "{}", run.stderr);

    let rules = copy_rules("29-digits-rules");
    let params = rules.join("params.jx");
    let text = std::fs::read_to_string(&params).expect("params");
    std::fs::write(
        &params,
        text + "param too_exact = 0.12345678901234567890123456789\n",
    )
    .expect("write");
    let rules = rules.to_str().expect("utf-8");
    let run = jixiao(&["check", "--rules", rules]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("rules::bad_literal"), "{}", run.stderr);
    assert!(
        run.stderr.contains("0.12345678901234567890123456789"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file of NUL bytes (text, to the reader) is one mistake said once,
/// not once per error the parser gives at the same place.
#[test]
fn one_mistake_is_said_once() {
    let dir = temp_dir("nul-bytes");
    std::fs::write(dir.join("zeros.toml"), [0u8; 100]).expect("write");
    let run = jixiao_at(&dir, &["score", "zeros.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.stderr.matches("U+0000").count(), 1, "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}
