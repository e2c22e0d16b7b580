//! Scores every submission in `tests/variants/` with the built binary
//! (`jixiao score --format json FILE`) and compares the result with
//! expectations computed by hand from `shared/spec/domain.md`.
//!
//! Each variant is the reference example (95 points) with one small change;
//! its header comment (`# variant:`) states the change and the arithmetic
//! behind the numbers below. The table is the single source of expectations:
//! a fixture without a row here, or a row without a fixture, fails the test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The expected result of one leaf criterion of the assessment sheet.
#[derive(Clone, Copy)]
struct Leaf {
    id: &'static str,
    /// `None`: pending (JSON `null`).
    score: Option<&'static str>,
    range: [&'static str; 2],
    basis: &'static str,
}

const fn auto(id: &'static str, score: &'static str) -> Leaf {
    Leaf {
        id,
        score: Some(score),
        range: [score, score],
        basis: "auto",
    }
}

const fn judged(id: &'static str, score: &'static str) -> Leaf {
    Leaf {
        id,
        score: Some(score),
        range: [score, score],
        basis: "judged",
    }
}

const fn overridden(id: &'static str, score: &'static str) -> Leaf {
    Leaf {
        id,
        score: Some(score),
        range: [score, score],
        basis: "override",
    }
}

const fn pending(id: &'static str, low: &'static str, high: &'static str) -> Leaf {
    Leaf {
        id,
        score: None,
        range: [low, high],
        basis: "pending",
    }
}

/// The reference example, leaf by leaf: 20 + 10 + 8 + 7 + 5 + 4 + 4 + 3 + 2 + 18 + 14 = 95.
const BASE: [Leaf; 11] = [
    auto("self_check", "20"),
    auto("timeliness", "10"),
    auto("body", "8"),
    auto("attachments", "7"),
    auto("weights", "5"),
    judged("refinement", "4"),
    judged("measurable", "4"),
    judged("focused", "3"),
    judged("relevant", "2"),
    judged("problems", "18"),
    judged("suggestions", "14"),
];

enum Expect {
    /// Exit status 0. `score` is `None` when the result is pending. Leaves not
    /// listed in `changed` keep their value in `BASE`.
    Scored {
        score: Option<&'static str>,
        range: [&'static str; 2],
        changed: &'static [Leaf],
    },
    /// Exit status 1; stderr names the file and a line of the TOML table
    /// that holds the first non-comment line containing `at`.
    Fails { at: &'static str },
}

const fn final_score(total: &'static str, changed: &'static [Leaf]) -> Expect {
    Expect::Scored {
        score: Some(total),
        range: [total, total],
        changed,
    }
}

const fn pending_between(
    low: &'static str,
    high: &'static str,
    changed: &'static [Leaf],
) -> Expect {
    Expect::Scored {
        score: None,
        range: [low, high],
        changed,
    }
}

const fn fails_at(at: &'static str) -> Expect {
    Expect::Fails { at }
}

/// Every judged leaf without a judgment.
const NO_REVIEW: [Leaf; 6] = [
    pending("refinement", "0", "5"),
    pending("measurable", "0", "5"),
    pending("focused", "0", "3"),
    pending("relevant", "0", "2"),
    pending("problems", "0", "20"),
    pending("suggestions", "0", "15"),
];

const CASES: &[(&str, Expect)] = &[
    ("baseline", final_score("95", &[])),
    // timeliness
    ("on-deadline", final_score("95", &[])),
    ("late-3-days", final_score("92", &[auto("timeliness", "7")])),
    (
        "late-15-days",
        final_score("85", &[auto("timeliness", "0")]),
    ),
    // self_check
    ("supervisor-complete", final_score("95", &[])),
    (
        "supervisor-no-summary",
        final_score("94", &[auto("self_check", "19")]),
    ),
    (
        "supervisor-transfer-checks-not-done",
        final_score("92", &[auto("self_check", "17")]),
    ),
    (
        "missing-own-self-check",
        final_score("94", &[auto("self_check", "19")]),
    ),
    (
        "self-check-cap",
        final_score("75", &[auto("self_check", "0")]),
    ),
    // body and attachments
    ("section-removed", final_score("93", &[auto("body", "6")])),
    (
        "section-empty-text",
        final_score("93", &[auto("body", "6")]),
    ),
    (
        "section-blank-text",
        final_score("93", &[auto("body", "6")]),
    ),
    (
        "fund-section-removed",
        final_score("91", &[auto("body", "6"), auto("attachments", "5")]),
    ),
    (
        "all-funds-spent",
        final_score("89", &[auto("attachments", "1")]),
    ),
    (
        "five-sections-missing",
        final_score("85", &[auto("body", "0"), auto("attachments", "5")]),
    ),
    (
        "attachments-capped",
        final_score("88", &[auto("attachments", "0")]),
    ),
    ("headings-reworded", final_score("95", &[])),
    (
        "no-project-table",
        final_score("93", &[auto("attachments", "5")]),
    ),
    (
        "project-attachment-misnamed",
        final_score("93", &[auto("attachments", "5")]),
    ),
    // weights
    (
        "overall-output-weight-40",
        final_score("94.38", &[auto("weights", "4.38")]),
    ),
    (
        "project-funds-weight-15",
        final_score("94.38", &[auto("weights", "4.38")]),
    ),
    (
        "weights-five-of-eight",
        final_score("93.13", &[auto("weights", "3.13")]),
    ),
    (
        "second-project-table",
        final_score("94.58", &[auto("weights", "4.58")]),
    ),
    // automatic zeros of problems and suggestions
    (
        "funding-only-problems",
        final_score("77", &[auto("problems", "0")]),
    ),
    ("problems-mixed-funding", final_score("95", &[])),
    (
        "money-only-suggestions",
        final_score("81", &[auto("suggestions", "0")]),
    ),
    // judgments missing
    (
        "partial-review",
        pending_between(
            "72",
            "97",
            &[
                pending("refinement", "0", "5"),
                pending("focused", "0", "3"),
                pending("relevant", "0", "2"),
                pending("suggestions", "0", "15"),
            ],
        ),
    ),
    ("no-review", pending_between("50", "100", &NO_REVIEW)),
    (
        "no-review-funding-only-problems",
        pending_between(
            "50",
            "80",
            &[
                pending("refinement", "0", "5"),
                pending("measurable", "0", "5"),
                pending("focused", "0", "3"),
                pending("relevant", "0", "2"),
                auto("problems", "0"),
                pending("suggestions", "0", "15"),
            ],
        ),
    ),
    // refinement
    (
        "fully-refined",
        final_score("96", &[auto("refinement", "5")]),
    ),
    (
        "no-indicators-named",
        final_score("87.25", &[auto("weights", "1.25"), auto("refinement", "0")]),
    ),
    // judgments
    (
        "override-timeliness",
        final_score("93", &[overridden("timeliness", "8")]),
    ),
    (
        "tiers-bounds",
        final_score(
            "84",
            &[judged("problems", "10"), judged("suggestions", "11")],
        ),
    ),
    (
        "tier-other-with-note",
        final_score(
            "88",
            &[judged("problems", "19"), judged("suggestions", "6")],
        ),
    ),
    (
        "half-point-judgment",
        final_score("94.5", &[judged("measurable", "3.5")]),
    ),
    ("override-without-note", fails_at("[review.timeliness]")),
    ("judgment-on-automatic", fails_at("[review.body]")),
    ("problems-score-out-of-tier", fails_at("score = 19")),
    ("problems-other-without-note", fails_at("tier = \"其他\"")),
    ("judged-above-max", fails_at("[review.focused]")),
    // bad input
    ("misspelt-key", fails_at("recieved_on")),
    ("wrong-type-done", fails_at("done = \"yes\"")),
    ("wrong-type-weight", fails_at("weight = \"10\"")),
    ("broken-toml", fails_at("filled_by")),
    ("impossible-date", fails_at("2023-02-30")),
];

const DIR: &str = "tests/variants";

#[test]
fn variants_score_as_computed_by_hand() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = fixture_table_mismatches(&root.join(DIR));
    for (name, expect) in CASES {
        let rel = format!("{DIR}/{name}.toml");
        let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .current_dir(root)
            .env("NO_COLOR", "1")
            .args(["score", "--format", "json", &rel])
            .output()
            .expect("run jixiao");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = strip_ansi(&String::from_utf8_lossy(&out.stderr));
        let mut problems = Vec::new();
        match expect {
            Expect::Scored {
                score,
                range,
                changed,
            } => {
                if out.status.code() != Some(0) {
                    problems.push(format!("exit status {:?}, expected 0", out.status.code()));
                } else {
                    match serde_json::from_str::<Value>(&stdout) {
                        Ok(json) => check_scored(&json, *score, *range, changed, &mut problems),
                        Err(e) => problems.push(format!("stdout is not JSON ({e})")),
                    }
                }
            }
            Expect::Fails { at } => {
                let text = std::fs::read_to_string(root.join(&rel)).expect("read fixture");
                check_failed(
                    name,
                    out.status.code(),
                    &stderr,
                    &table_lines(&text, at),
                    &mut problems,
                );
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{rel}:\n  - {}\n  stderr: {}",
                problems.join("\n  - "),
                stderr.trim_end().replace('\n', "\n          ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} variants wrong:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

/// Fixtures without a row in `CASES`, and rows without a fixture.
fn fixture_table_mismatches(dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("read tests/variants")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".toml").map(str::to_owned)
        })
        .collect();
    files.sort();
    for f in &files {
        if !CASES.iter().any(|(name, _)| name == f) {
            problems.push(format!("{DIR}/{f}.toml has no expectations in CASES"));
        }
    }
    for (name, _) in CASES {
        if !files.iter().any(|f| f == name) {
            problems.push(format!(
                "CASES names {name}, but {DIR}/{name}.toml does not exist"
            ));
        }
    }
    problems
}

fn check_scored(
    json: &Value,
    score: Option<&str>,
    range: [&str; 2],
    changed: &[Leaf],
    problems: &mut Vec<String>,
) {
    let status = if score.is_some() { "final" } else { "pending" };
    expect_eq(problems, "status", &json["status"], &Value::from(status));
    expect_eq(
        problems,
        "score",
        &json["score"],
        &score.map_or(Value::Null, Value::from),
    );
    expect_eq(
        problems,
        "range",
        &json["range"],
        &Value::from(range.to_vec()),
    );
    expect_eq(problems, "max", &json["max"], &Value::from("100"));

    let Some(top) = json["criteria"].as_array() else {
        problems.push("no `criteria` array".into());
        return;
    };
    for leaf in BASE {
        let leaf = changed
            .iter()
            .find(|c| c.id == leaf.id)
            .copied()
            .unwrap_or(leaf);
        let Some(node) = find(top, leaf.id) else {
            problems.push(format!("criterion `{}` not found", leaf.id));
            continue;
        };
        let what = |field: &str| format!("{}.{field}", leaf.id);
        expect_eq(
            problems,
            &what("score"),
            &node["score"],
            &leaf.score.map_or(Value::Null, Value::from),
        );
        expect_eq(
            problems,
            &what("range"),
            &node["range"],
            &Value::from(leaf.range.to_vec()),
        );
        expect_eq(
            problems,
            &what("basis"),
            &node["basis"],
            &Value::from(leaf.basis),
        );
    }
    for c in changed {
        if !BASE.iter().any(|b| b.id == c.id) {
            problems.push(format!("test table: `{}` is not a leaf of BASE", c.id));
        }
    }
    // The whole tree: normalised decimals, and every parent the sum of its
    // children (score, range, max) with the basis domain.md derives.
    for node in top {
        check_node(node, problems);
    }
    let total = sum(top.iter().map(|n| &n["score"]));
    if decimal(&json["score"]) != total {
        problems.push(format!(
            "score {} is not the sum of the top criteria",
            json["score"]
        ));
    }
    for i in 0..2 {
        if decimal(&json["range"][i]) != sum(top.iter().map(|n| &n["range"][i])) {
            problems.push(format!(
                "range[{i}] {} is not the sum of the top criteria's",
                json["range"][i]
            ));
        }
    }
}

/// Checks one node and its subtree.
fn check_node(node: &Value, problems: &mut Vec<String>) {
    let id = node["id"].as_str().unwrap_or("?");
    for (field, value) in [
        ("max", &node["max"]),
        ("range[0]", &node["range"][0]),
        ("range[1]", &node["range"][1]),
    ] {
        if !is_normalised(value) {
            problems.push(format!(
                "{id}.{field} = {value} is not a normalised decimal string"
            ));
        }
    }
    if !node["score"].is_null() && !is_normalised(&node["score"]) {
        problems.push(format!(
            "{id}.score = {} is not a normalised decimal string or null",
            node["score"]
        ));
    }
    let children = node["children"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if children.is_empty() {
        return;
    }
    for child in children {
        check_node(child, problems);
    }
    let sums = [
        (
            "score",
            &node["score"],
            sum(children.iter().map(|c| &c["score"])),
        ),
        ("max", &node["max"], sum(children.iter().map(|c| &c["max"]))),
        (
            "range[0]",
            &node["range"][0],
            sum(children.iter().map(|c| &c["range"][0])),
        ),
        (
            "range[1]",
            &node["range"][1],
            sum(children.iter().map(|c| &c["range"][1])),
        ),
    ];
    for (field, value, expected) in sums {
        if decimal(value) != expected {
            problems.push(format!(
                "{id}.{field} = {value} is not the sum of its children's"
            ));
        }
    }
    // domain.md: "A parent is `pending` if any child is, `auto` if all
    // children are, otherwise `mixed`." Read literally: a parent whose
    // children are all judged (indicator_quality) is `mixed`, not `judged`.
    let bases: Vec<&str> = children
        .iter()
        .map(|c| c["basis"].as_str().unwrap_or("?"))
        .collect();
    let basis = if bases.contains(&"pending") {
        "pending"
    } else if bases.iter().all(|b| *b == "auto") {
        "auto"
    } else {
        "mixed"
    };
    expect_eq(
        problems,
        &format!("{id}.basis"),
        &node["basis"],
        &Value::from(basis),
    );
}

fn check_failed(
    name: &str,
    code: Option<i32>,
    stderr: &str,
    lines: &[usize],
    problems: &mut Vec<String>,
) {
    if code != Some(1) {
        problems.push(format!("exit status {code:?}, expected 1"));
    }
    if !stderr.contains(&format!("{name}.toml")) {
        problems.push(format!("stderr does not name the file {name}.toml"));
    }
    let numbers: Vec<usize> = stderr
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect();
    if !numbers.iter().any(|n| lines.contains(n)) {
        problems.push(format!(
            "stderr gives no line number of the offending table (lines {}..={})",
            lines.first().unwrap_or(&0),
            lines.last().unwrap_or(&0)
        ));
    }
}

/// Line numbers (1-based) of the TOML table holding the first non-comment
/// line that contains `needle`: from its `[header]` to the line before the
/// next one.
fn table_lines(text: &str, needle: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let hit = lines
        .iter()
        .position(|l| !l.trim_start().starts_with('#') && l.contains(needle))
        .unwrap_or_else(|| panic!("test table: no line contains {needle:?}"));
    let is_header = |l: &&str| l.trim_start().starts_with('[');
    let start = lines[..=hit].iter().rposition(is_header).unwrap_or(0);
    let end = lines[hit + 1..]
        .iter()
        .position(is_header)
        .map_or(lines.len(), |p| hit + 1 + p);
    (start + 1..=end).collect()
}

/// Finds a criterion by id anywhere in the tree.
fn find<'a>(nodes: &'a [Value], id: &str) -> Option<&'a Value> {
    nodes.iter().find_map(|n| {
        if n["id"] == id {
            Some(n)
        } else {
            find(n["children"].as_array()?, id)
        }
    })
}

fn expect_eq(problems: &mut Vec<String>, what: &str, actual: &Value, expected: &Value) {
    if actual != expected {
        problems.push(format!("{what}: got {actual}, expected {expected}"));
    }
}

/// A JSON decimal string as ten-thousandths; `None` for null or anything else.
fn decimal(v: &Value) -> Option<i64> {
    let s = v.as_str()?;
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || frac.len() > 4
        || !(int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let value = int.parse::<i64>().ok()? * 10_000 + format!("{frac:0<4}").parse::<i64>().ok()?;
    Some(if neg { -value } else { value })
}

/// The sum of decimal strings; `None` if any is null (pending) or malformed.
fn sum<'a>(values: impl Iterator<Item = &'a Value>) -> Option<i64> {
    values.map(decimal).sum()
}

/// `"95"`, `"4.38"`, `"-1.5"`: no exponent, no trailing zeros, no leading zeros.
fn is_normalised(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    decimal(v).is_some()
        && !(int.len() > 1 && int.starts_with('0'))
        && frac.is_none_or(|f| !f.is_empty() && !f.ends_with('0'))
        && s != "-0"
}

/// Removes ANSI escape sequences (CSI colours and OSC hyperlinks), should the
/// error renderer emit any despite NO_COLOR.
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}
