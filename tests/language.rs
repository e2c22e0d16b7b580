//! The rule language's meaning, tested on a copy of the live 2022 rules
//! with one thing added, scored on the example (95 points as shipped).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
const EXAMPLE: &str = "examples/2022/yueyanglou-finance-office.toml";

/// rules/2022 copied to a fresh folder, `params.jx` extended by `params`
/// and `line` added to the timeliness criterion after its `let late`.
fn rules_with(name: &str, params: &str, line: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-language-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let live = Path::new(MANIFEST).join("rules/2022");
    for entry in std::fs::read_dir(&live).expect("read rules/2022").flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
        }
    }
    let params_file = dir.join("params.jx");
    let mut text = std::fs::read_to_string(&params_file).expect("read params");
    text.push('\n');
    text.push_str(params);
    std::fs::write(&params_file, text).expect("write params");
    let sheet_file = dir.join("sheet.jx");
    let sheet = std::fs::read_to_string(&sheet_file).expect("read sheet");
    let anchor = sheet
        .lines()
        .find(|l| l.trim_start().starts_with("let late ="))
        .expect("timeliness has `let late`")
        .to_string();
    let sheet = sheet.replacen(&anchor, &format!("{anchor}\n    {line}"), 1);
    std::fs::write(&sheet_file, sheet).expect("write sheet");
    dir
}

fn total(rules: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(MANIFEST)
        .arg("score")
        .arg("--rules")
        .arg(rules)
        .args(["--format", "json", EXAMPLE])
        .output()
        .expect("run jixiao");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    json["score"].to_string()
}

/// Aggregates and comprehensions in a parameter's definition compute what
/// they compute anywhere else (docs/language.md once said they did not).
#[test]
fn aggregates_in_parameters_compute_their_values() {
    let params = "param agg_sum = sum(x * 2 for x in [1, 2, 3.5] where x > 1)\n\
                  param agg_count = count(x in [1, 2, 3] where x >= 2)\n\
                  param agg_max = max(x for x in [4, 9, 2])\n\
                  param agg_list = [x + 1 for x in [1, 2]]\n";
    let check = |sum: &str| {
        format!(
            "deduct 1 when agg_sum != {sum} or agg_count != 2 or agg_max != 9 \
             or sum(y for y in agg_list) != 5 because \"聚合算错了\""
        )
    };
    let right = rules_with("aggregates", params, &check("11"));
    let wrong = rules_with("aggregates-wrong", params, &check("12"));
    let (right_total, wrong_total) = (total(&right), total(&wrong));
    assert_ne!(right_total, wrong_total, "the check can fire");
    assert_eq!(
        right_total, "\"95\"",
        "no deduction when the values are right"
    );
    for dir in [right, wrong] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
