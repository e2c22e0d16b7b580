//! The static checker on broken rules. Every `tests/fixtures/check/err/*.jx`
//! is the shipped `rules/2022/sheet.jx` with one thing broken; its first
//! lines (up to the first blank line) are `#` comments holding a TOML header:
//!
//! ```text
//! # codes = ["rules::unknown_field"]   (expected `Problem::code`s, in order)
//! # broken = "…"                       (what was changed, for the reader)
//! ```
//!
//! `diagnostics` snapshots each fixture's rendered problems. (The loop below
//! does what `insta::glob!` does; that macro needs insta's `glob` feature,
//! which the dev-dependency does not enable.)

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

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

fn manifest(rel: &str) -> PathBuf {
    Path::new(MANIFEST).join(rel)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The broken sheets, in file-name order.
fn fixtures() -> Vec<PathBuf> {
    let dir = manifest("tests/fixtures/check/err");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jx"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures in {}", dir.display());
    paths
}

/// The `codes` of a fixture's header.
fn expected_codes(text: &str) -> Vec<String> {
    let header: String = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{}\n", &l[1..]))
        .collect();
    let table: toml::Table = header.parse().unwrap_or_else(|e| panic!("bad header: {e}"));
    let codes = table
        .get("codes")
        .and_then(|c| c.as_array())
        .expect("header lists `codes`");
    codes
        .iter()
        .map(|c| c.as_str().expect("codes are strings").to_string())
        .collect()
}

#[test]
fn broken_sheets_are_diagnosed() {
    let shipped = |name: &str| {
        SourceFile::new(
            format!("rules/2022/{name}"),
            read(&manifest(&format!("rules/2022/{name}"))),
        )
    };
    for path in fixtures() {
        let text = read(&path);
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name")
            .to_string();
        let files = vec![
            shipped("schema.jx"),
            shipped("params.jx"),
            SourceFile::new("rules/2022/sheet.jx", text.as_str()),
        ];
        let problems = match jixiao::check::compile(files) {
            Ok(_) => panic!("{file_name}: compiled without problems"),
            Err(p) => p,
        };
        let codes: Vec<String> = problems.iter().map(|p| p.code.to_string()).collect();
        assert_eq!(codes, expected_codes(&text), "{file_name}: codes");
        insta::with_settings!({ snapshot_suffix => file_name.as_str(), input_file => &path }, {
            insta::assert_snapshot!("diagnostics", jixiao::diag::render(&problems));
        });
    }
}

/// A copy of `rules/2022` in a fresh temporary folder, `sheet.jx` replaced by
/// `fixture` (if any). Removed on drop.
struct RulesCopy(PathBuf);

impl RulesCopy {
    fn new(tag: &str, fixture: Option<&str>) -> RulesCopy {
        let dir =
            std::env::temp_dir().join(format!("jixiao-check-{:010}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        for name in ["schema.jx", "params.jx", "cells.jx", "sheet.jx"] {
            std::fs::copy(manifest(&format!("rules/2022/{name}")), dir.join(name))
                .expect("copy rules");
        }
        if let Some(f) = fixture {
            std::fs::copy(
                manifest(&format!("tests/fixtures/check/err/{f}.jx")),
                dir.join("sheet.jx"),
            )
            .expect("copy fixture");
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

/// 1-based number of the first non-comment line of `fixture` containing
/// `needle`.
fn line_of(fixture: &str, needle: &str) -> usize {
    let text = read(&manifest(&format!("tests/fixtures/check/err/{fixture}.jx")));
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
