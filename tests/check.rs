//! The static checker on broken rules. Every `tests/cases/check/*.toml` is
//! a patch of the live `rules/2022/sheet.jx` (`file`, `replace`, `with`; see
//! `cases_support`) that breaks one thing, said by its leading comment
//! (`# broken: …`); `[expect] codes` are the `Problem::code`s it must give,
//! in order. A patch whose `replace` is no longer in the live sheet, exactly
//! once, fails: it is rewritten against today's text, never left to drift.
//!
//! `diagnostics` snapshots each patched sheet's rendered problems
//! (`check__diagnostics@<name>.jx`). (The loop below does what
//! `insta::glob!` does; that macro needs insta's `glob` feature, which the
//! dev-dependency does not enable.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jixiao::source::SourceFile;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[allow(dead_code)] // each suite uses part of it
mod cases_support;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

fn manifest(rel: &str) -> PathBuf {
    Path::new(MANIFEST).join(rel)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The patches, read: (name, the broken sheet, the expected codes).
fn broken_sheets() -> Vec<(String, String, Vec<String>)> {
    cases_support::list("check")
        .iter()
        .map(|(name, path)| {
            let input = cases_support::read(path);
            assert!(
                input.comment.starts_with("# broken:"),
                "{name}: no `# broken:` comment at the top"
            );
            let codes = input
                .expect
                .codes
                .clone()
                .unwrap_or_else(|| panic!("{name}: no `codes` in [expect]"));
            (name.clone(), input.body, codes)
        })
        .collect()
}

/// The broken sheet of one patch.
fn broken_sheet(name: &str) -> String {
    broken_sheets()
        .into_iter()
        .find(|(n, ..)| n == name)
        .unwrap_or_else(|| panic!("no tests/cases/check/{name}.toml"))
        .1
}

#[test]
fn broken_sheets_are_diagnosed() {
    let shipped = |name: &str| {
        SourceFile::new(
            format!("rules/2022/{name}"),
            read(&manifest(&format!("rules/2022/{name}"))),
        )
    };
    for (name, text, expected) in broken_sheets() {
        let file_name = format!("{name}.jx");
        let files = vec![
            shipped("cells.jx"),
            shipped("params.jx"),
            shipped("schema.jx"),
            shipped("indicators.jx"),
            SourceFile::new("rules/2022/sheet.jx", text.as_str()),
        ];
        let problems = match jixiao::compile(files) {
            Ok(_) => panic!("{name}: compiled without problems"),
            Err(p) => p,
        };
        let codes: Vec<String> = problems.iter().map(|p| p.code.to_string()).collect();
        assert_eq!(codes, expected, "{name}: codes");
        let input = manifest(&format!("tests/cases/check/{name}.toml"));
        insta::with_settings!({ snapshot_suffix => file_name.as_str(), input_file => &input }, {
            insta::assert_snapshot!("diagnostics", jixiao::diag::render(&problems));
        });
    }
}

/// A copy of `rules/2022` in a fresh temporary folder, `sheet.jx` broken by
/// the patch `fixture` (if any). Removed on drop.
struct RulesCopy(PathBuf);

impl RulesCopy {
    fn new(tag: &str, fixture: Option<&str>) -> RulesCopy {
        let dir =
            std::env::temp_dir().join(format!("jixiao-check-{:010}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        for name in [
            "schema.jx",
            "params.jx",
            "cells.jx",
            "sheet.jx",
            "indicators.jx",
        ] {
            std::fs::copy(manifest(&format!("rules/2022/{name}")), dir.join(name))
                .expect("copy rules");
        }
        if let Some(f) = fixture {
            std::fs::write(dir.join("sheet.jx"), broken_sheet(f)).expect("write sheet");
        }
        RulesCopy(dir)
    }
}

impl Drop for RulesCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn check(rules: Option<&Path>, json: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.current_dir(MANIFEST).env("NO_COLOR", "1").arg("check");
    if let Some(dir) = rules {
        cmd.arg("--rules").arg(dir);
    }
    if json {
        cmd.args(["--format", "json"]);
    }
    cmd.output().expect("run jixiao")
}

/// 1-based number of the first non-comment line of the sheet `fixture`
/// breaks containing `needle`.
fn line_of(fixture: &str, needle: &str) -> usize {
    let text = broken_sheet(fixture);
    1 + text
        .lines()
        .position(|l| !l.starts_with('#') && l.contains(needle))
        .unwrap_or_else(|| panic!("{fixture}: no {needle:?}"))
}

#[test]
fn shipped_rules_pass() {
    let out = check(None, false);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = RulesCopy::new("shipped", None);
    assert_eq!(check(Some(&copy.0), false).status.code(), Some(0));
}

#[test]
fn broken_folder_fails_with_file_and_line() {
    // (fixture, text on the line the first diagnostic must point at)
    let cases = [
        ("unknown-field", "c.donee"),
        ("cap-above-max", "cap 25"),
        ("duplicate-id", "criterion measurable \"突出"),
    ];
    for (fixture, needle) in cases {
        let copy = RulesCopy::new(fixture, Some(fixture));
        let out = check(Some(&copy.0), false);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{fixture}: {stderr}");
        let at = format!("sheet.jx:{}:", line_of(fixture, needle));
        assert!(
            stderr.contains(&at),
            "{fixture}: stderr lacks {at:?}:\n{stderr}"
        );
    }
}

#[test]
fn json_problems_have_code_and_place() {
    let copy = RulesCopy::new("json", Some("tier-overlap"));
    let out = check(Some(&copy.0), true);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let items = json.as_array().expect("a JSON array");
    assert!(!items.is_empty());
    for item in items {
        assert_eq!(item["code"], "rules::tier_overlap", "{item}");
        assert!(
            item["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("sheet.jx")),
            "{item}"
        );
        assert_eq!(
            item["line"].as_u64(),
            Some(line_of("tier-overlap", "tier \"不全面\"") as u64),
            "{item}"
        );
        assert!(item["column"].as_u64().is_some_and(|c| c > 0), "{item}");
    }
}

/// Warnings are in the JSON too, marked as such, and leave the exit
/// status 0: a deadline outside the year after the evaluated one.
#[test]
fn json_keeps_warnings() {
    let copy = RulesCopy::new("json-warnings", None);
    let params = copy.0.join("params.jx");
    let text = std::fs::read_to_string(&params).expect("read params");
    let moved = text.replace("param deadline = 2023-06-15", "param deadline = 2022-06-10");
    assert_ne!(text, moved, "the shipped deadline line moved");
    std::fs::write(&params, moved).expect("write params");
    let out = check(Some(&copy.0), true);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let warnings: Vec<&Value> = json
        .as_array()
        .expect("an array")
        .iter()
        .filter(|p| p["severity"] == "warning")
        .collect();
    assert!(
        warnings.iter().any(|w| w["message"]
            .as_str()
            .is_some_and(|m| m.contains("2022-06-10"))
            && w["file"].as_str().is_some_and(|f| f.ends_with("params.jx"))),
        "{json}"
    );
}

/// `jixiao check rules/2022` (a folder where `--rules` is meant): the
/// usage error says how to write it.
#[test]
fn a_folder_without_rules_option_is_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(MANIFEST)
        .args(["check", "rules/2022"])
        .output()
        .expect("run jixiao");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("用法错误：多余的参数 `rules/2022`：这个命令不在这里接受目录；规则目录写成 --rules rules/2022"),
        "{stderr}"
    );
}

/// Every command's help page opens (clap checks its definition as it
/// builds the page) and is in Chinese: headings, options and the flags
/// clap adds itself.
#[test]
fn help_pages_are_in_chinese() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(args)
            .output()
            .expect("run jixiao");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let top = run(&["--help"]);
    for words in [
        "用法：jixiao <命令>",
        "命令：",
        "显示这份说明",
        "显示版本号",
    ] {
        assert!(top.contains(words), "{words:?} in:\n{top}");
    }
    for command in ["score", "review", "import", "diff", "fmt", "test", "check"] {
        let page = run(&[command, "--help"]);
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "Print help",
            "Possible values",
            "[OPTIONS]",
        ] {
            assert!(
                !page.contains(english),
                "{command}: {english:?} in:\n{page}"
            );
        }
        assert!(page.contains("用法：jixiao"), "{command}:\n{page}");
        assert!(page.contains("显示这份说明"), "{command}:\n{page}");
    }
    assert!(run(&["--version"]).starts_with("jixiao "));
}

/// A usage error is told in Chinese only: what was typed, the closest
/// spelling, the usage line; no English from the argument parser.
#[test]
fn usage_errors_are_in_chinese() {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["score", "--fromat", "json", "x.toml"])
        .output()
        .expect("run jixiao");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for words in [
        "用法错误：没有这个选项",
        "写的是：--fromat",
        "您是不是想写 `--format`？",
        "用法：jixiao score",
    ] {
        assert!(stderr.contains(words), "{words:?} in:\n{stderr}");
    }
    for english in ["error:", "Usage", "tip:", "For more information"] {
        assert!(!stderr.contains(english), "{english:?} in:\n{stderr}");
    }
}

#[test]
fn rules_option_where_a_command_reads_its_files_directly_is_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["fmt", "--rules", "rules/2022"])
        .output()
        .expect("run jixiao");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "fmt 不用 --rules：它读的文件或目录直接写在命令后面（如 jixiao fmt rules/2024）"
        ),
        "{stderr}"
    );
}
