//! Scores every variant in `tests/cases/variants/` with the built binary
//! (`jixiao score --format json FILE`) and compares the result with
//! expectations computed by hand from `shared/spec/domain.md`.
//!
//! Each variant is the reference example (95 points) with one small change,
//! a case (`base`, `remove`, `[edit]`) or, for text that is not TOML, a
//! patch (see `cases_support`); its leading comment (`# variant:`) states
//! the change and the arithmetic behind its `[expect]`: `status`, `score`
//! or `range`, and `criteria`, the leaves that differ from `BASE`. A case
//! that must not be scored (`error = true`) must exit 1, give its `codes` in
//! order, and name the file and a line of the table it changes. Every
//! scored tree must also add up: each parent the sum of its children.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)] // each suite uses part of it
mod cases_support;

use cases_support::{Input, Scratch};
use jixiao::cases::expect::Want;
use rust_decimal::Decimal;
use serde_json::Value;
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

const DIR: &str = "variants";

/// Leaves whose basis is not the one `BASE` gives them (nor `pending`):
/// (case, leaf, basis).
const BASIS: &[(&str, &str, &str)] = &[
    ("funding-only-problems", "problems", "auto"),
    ("money-only-suggestions", "suggestions", "auto"),
    ("no-review-funding-only-problems", "problems", "auto"),
    ("fully-refined", "refinement", "auto"),
    ("no-indicators-named", "refinement", "auto"),
    ("override-timeliness", "timeliness", "override"),
];

/// A leaf as the case's `criteria` expects it, in `BASE`'s terms.
struct Changed {
    id: &'static str,
    score: Option<String>,
    range: [String; 2],
    basis: &'static str,
}

/// The leaves a case's `criteria` names.
fn changed(input: &Input, problems: &mut Vec<String>) -> Vec<Changed> {
    let mut out = Vec::new();
    for (id, want) in &input.expect.criteria {
        let Some(base) = BASE.iter().find(|b| b.id == id) else {
            problems.push(format!("criteria: `{id}` is not a leaf of BASE"));
            continue;
        };
        let basis = BASIS
            .iter()
            .find(|(case, leaf, _)| *case == input.name && leaf == id)
            .map_or(base.basis, |(.., b)| *b);
        let text = |d: &Decimal| d.normalize().to_string();
        out.push(match want {
            Want::Score(s) => Changed {
                id: base.id,
                score: Some(text(s)),
                range: [text(s), text(s)],
                basis,
            },
            Want::Pending(lo, hi) => Changed {
                id: base.id,
                score: None,
                range: [text(lo), text(hi)],
                basis: "pending",
            },
        });
    }
    out
}

#[test]
fn variants_score_as_computed_by_hand() {
    let scratch = Scratch::new("variants");
    let inputs: Vec<Input> = cases_support::list(DIR)
        .iter()
        .map(|(_, path)| cases_support::read(path))
        .collect();
    let half = inputs.len().div_ceil(2);
    let failures: Vec<String> = std::thread::scope(|s| {
        let runs: Vec<_> = inputs
            .chunks(half.max(1))
            .map(|chunk| {
                let scratch = &scratch;
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|c| run_case(c, scratch))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        runs.into_iter()
            .flat_map(|r| r.join().expect("a thread of cases"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} variants wrong:\n\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n\n")
    );
}

/// The problem codes of rendered problems (each alone on a line).
fn codes_in(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| {
            l.split_once("::").is_some_and(|(a, b)| {
                [a, b].iter().all(|w| {
                    !w.is_empty() && w.bytes().all(|c| c.is_ascii_lowercase() || c == b'_')
                })
            })
        })
        .map(str::to_string)
        .collect()
}

/// What is wrong with one case, if anything.
fn run_case(input: &Input, scratch: &Scratch) -> Option<String> {
    let name = &input.name;
    let rel = scratch.put(DIR, input);
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(&scratch.0)
        .env("NO_COLOR", "1")
        .args(["score", "--format", "json", &rel])
        .output()
        .expect("run jixiao");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = strip_ansi(&String::from_utf8_lossy(&out.stderr));
    let mut problems = Vec::new();
    let expect = &input.expect;
    if !input.comment.starts_with("# variant:") {
        problems.push("no `# variant:` comment at the top".into());
    }
    if expect.error {
        check_failed(
            name,
            out.status.code(),
            &stderr,
            &table_lines(&input.text, input.changed_line),
            &mut problems,
        );
        if let Some(codes) = &expect.codes {
            let got = codes_in(&stderr);
            if &got != codes {
                problems.push(format!("codes {got:?}, expected {codes:?}"));
            }
        }
    } else if out.status.code() != Some(0) {
        problems.push(format!("exit status {:?}, expected 0", out.status.code()));
    } else {
        let changed = changed(input, &mut problems);
        let score = expect.score.map(|s| s.normalize().to_string());
        let range = match (expect.range, &score) {
            (Some((lo, hi)), _) => [lo.normalize().to_string(), hi.normalize().to_string()],
            (None, Some(s)) => [s.clone(), s.clone()],
            (None, None) => {
                problems.push("[expect] has neither `score` nor `range`".into());
                [String::new(), String::new()]
            }
        };
        let pending = expect.status == Some(jixiao::outcome::Status::Pending);
        if pending == score.is_some() {
            problems.push("`status = \"pending\"` goes with `range`, `final` with `score`".into());
        }
        match serde_json::from_str::<Value>(&stdout) {
            Ok(json) => check_scored(&json, score.as_deref(), &range, &changed, &mut problems),
            Err(e) => problems.push(format!("stdout is not JSON ({e})")),
        }
    }
    (!problems.is_empty()).then(|| {
        format!(
            "tests/cases/{DIR}/{name}.toml:\n  - {}\n  stderr: {}",
            problems.join("\n  - "),
            stderr.trim_end().replace('\n', "\n          ")
        )
    })
}

fn check_scored(
    json: &Value,
    score: Option<&str>,
    range: &[String; 2],
    changed: &[Changed],
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
        let (score, range, basis) = match changed.iter().find(|c| c.id == leaf.id) {
            Some(c) => (c.score.clone(), c.range.clone(), c.basis),
            None => (
                leaf.score.map(str::to_string),
                leaf.range.map(str::to_string),
                leaf.basis,
            ),
        };
        let Some(node) = find(top, leaf.id) else {
            problems.push(format!("criterion `{}` not found", leaf.id));
            continue;
        };
        let what = |field: &str| format!("{}.{field}", leaf.id);
        expect_eq(
            problems,
            &what("score"),
            &node["score"],
            &score.map_or(Value::Null, Value::from),
        );
        expect_eq(
            problems,
            &what("range"),
            &node["range"],
            &Value::from(range.to_vec()),
        );
        expect_eq(
            problems,
            &what("basis"),
            &node["basis"],
            &Value::from(basis),
        );
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

/// Line numbers (1-based) of the TOML table holding line `hit` (from 1):
/// from its `[header]` to the line before the next one.
fn table_lines(text: &str, hit: usize) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let hit = hit.saturating_sub(1).min(lines.len().saturating_sub(1));
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
