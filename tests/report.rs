//! Snapshots of what `jixiao score` prints: the reference example's text and
//! JSON reports, the same without `[review]` (pending), and the stderr of the
//! variants in `tests/cases/variants/` that cannot be scored.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)] // each suite uses part of it
mod cases_support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
const EXAMPLE: &str = "examples/2022/yueyanglou-finance-office.toml";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `jixiao score [--format json] FILE`, from the manifest directory.
fn score(file: &Path, json: bool) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.current_dir(MANIFEST).env("NO_COLOR", "1").arg("score");
    if json {
        cmd.args(["--format", "json"]);
    }
    let out = cmd.arg(file).output().expect("run jixiao");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn parse(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout))
}

/// A regex matching `path` literally.
fn literal(path: &Path) -> String {
    path.display()
        .to_string()
        .chars()
        .flat_map(|c| {
            if c.is_ascii_punctuation() {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn example_reports() {
    let example = Path::new(EXAMPLE);
    let text = score(example, false);
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    assert!(text.stdout.contains("总分：95 / 100"), "{}", text.stdout);
    insta::assert_snapshot!("example_text", text.stdout);

    let json = score(example, true);
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    let v = parse(&json);
    assert_eq!(
        (&v["status"], &v["score"], &v["max"]),
        (&"final".into(), &"95".into(), &"100".into())
    );
    insta::assert_snapshot!("example_json", json.stdout);
}

#[test]
fn example_without_review_is_pending() {
    let full = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("read example");
    let cut = full.find("\n[review]").expect("example has [review]");
    let dir: PathBuf =
        std::env::temp_dir().join(format!("jixiao-report-{:010}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let file = dir.join("no-review.toml");
    std::fs::write(&file, &full[..=cut]).expect("write temp file");
    let (text, json) = (score(&file, false), score(&file, true));
    let _ = std::fs::remove_dir_all(&dir);

    assert_eq!(
        (text.code, json.code),
        (Some(0), Some(0)),
        "{}{}",
        text.stderr,
        json.stderr
    );
    let v = parse(&json);
    assert_eq!(v["status"], "pending");
    assert_eq!(v["score"], Value::Null);
    assert_eq!(v["range"], serde_json::json!(["50", "100"]));
    assert!(
        text.stdout.contains("待评审，可能范围 50–100 / 100"),
        "{}",
        text.stdout
    );
    insta::with_settings!({ filters => vec![(literal(&dir).as_str(), "[TMP]")] }, {
        insta::assert_snapshot!("no_review_text", text.stdout);
        insta::assert_snapshot!("no_review_json", json.stdout);
    });
}

/// The variants that must not be scored (`error = true`): stderr of each,
/// run on the submission the case gives, written as `tests/variants/NAME.toml`.
#[test]
fn failing_variants_stderr() {
    let scratch = cases_support::Scratch::new("report");
    let mut failing = 0;
    for (name, path) in cases_support::list("variants") {
        let input = cases_support::read(&path);
        if !input.expect.error {
            continue;
        }
        failing += 1;
        let file = scratch.put("variants", &input);
        let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .current_dir(&scratch.0)
            .env("NO_COLOR", "1")
            .args(["score", &file])
            .output()
            .expect("run jixiao");
        let run = Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{name}: stdout {}", run.stdout);
        assert!(
            run.stderr.contains(&file),
            "{name}: stderr does not name the file"
        );
        insta::assert_snapshot!(format!("stderr_{name}"), run.stderr);
    }
    assert!(failing >= 9, "only {failing} failing variants");
}

/// The values a reader is shown name what they are: a quantity the rules
/// read from a cell as it is written (`102.76%`), never a placeholder; a
/// computed ratio rounded to four decimals and marked so (JSON keeps every
/// digit).
#[test]
fn shown_values_are_readable() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shown-values");
    std::fs::create_dir_all(&dir).unwrap();
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).unwrap();
    let edited = example.replacen("full_year_budget = 1085.09", "full_year_budget = 1200", 1);
    assert_ne!(edited, example);
    let file = dir.join("budget-1200.toml");
    std::fs::write(&file, edited).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["score", "--format", "markdown"])
        .arg(&file)
        .output()
        .unwrap();
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(
        markdown.contains("`written` = 102.76%；`rate` = ≈92.9242"),
        "{markdown}"
    );
    assert!(!markdown.contains("（记录）"), "{markdown}");
    // A number the rules computed is traced to the cells it came from.
    assert!(
        markdown.contains("`rule_score` = 9.69（据 全年预算数 100、全年执行数 96.89、分值 10）"),
        "{markdown}"
    );
    let json = score(&file, true);
    assert!(
        json.stdout
            .contains("\"rate\": \"92.92416666666666666666666667\""),
        "{}",
        json.stdout
    );
}

/// Cells of two tables that read alike by row and column (each table's
/// 一级指标栏中的分值 · 产出指标) are traced with their table: an auditor can
/// tell which table's 50 it was.
#[test]
fn traced_cells_of_two_tables_name_their_table() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("traced-two-tables");
    std::fs::create_dir_all(&dir).unwrap();
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).unwrap();
    let edited = example.replacen(
        "level1_weights = { \"产出指标\" = 50, \"效益指标\" = 30,",
        "level1_weights = { \"产出指标\" = 60, \"效益指标\" = 20,",
        1,
    );
    assert_ne!(edited, example);
    let file = dir.join("weights.toml");
    std::fs::write(&file, edited).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["score", "--format", "markdown"])
        .arg(&file)
        .output()
        .unwrap();
    let markdown = String::from_utf8_lossy(&out.stdout);
    let traced = markdown
        .lines()
        .find(|l| l.contains("`conforming` = 6（据 "))
        .unwrap_or_else(|| panic!("{markdown}"));
    assert!(
        traced.contains("附件2 部门整体支出绩效自评表 · 一级指标栏中的分值 · ")
            && traced.contains("附件4 项目支出绩效自评表（业务工作经费） · 一级指标栏中的分值 · "),
        "{traced}"
    );
}
