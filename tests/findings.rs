//! The indicator checks of the 2022 rules (`rules/2022/indicators.jx`),
//! against expectations computed by hand from
//! `shared/spec/indicator-rules.md`.
//!
//! Every case in `tests/cases/findings/` is the reference example with a few
//! values changed (`base`, `remove`, `[edit]`: see `docs/rule-tests.md`); its
//! leading comment (`# finding-variant:`) says what changed and which
//! findings that must give, and its `[expect] findings` lists them all: the
//! example's that remain as plain ids, each of which must keep the
//! example's severity, and the new or changed ones as detailed entries
//! (`{ id, severity, at, says }`), each answered by a finding of its own.
//! Each case's submission is written to a temporary file and scored with
//! the built binary (`jixiao score --format json FILE`); the ids must match
//! exactly, repeats counted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)] // each suite uses part of it
mod cases_support;

use cases_support::{Input, Scratch};
use jixiao::Severity;
use jixiao::cases::expect::{self, FindingSeen, FindingWant};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const E: &str = "error";
const W: &str = "warning";
const I: &str = "info";

/// The example's findings, exactly as listed at the end of
/// `indicator-rules.md` (severity, id, data paths, figures in the message).
const EXAMPLE: [(&str, &str, &[&str], &[&str]); 14] = [
    (
        E,
        "self_score_mismatch",
        &["report.sections[8].text", "overall.total_score"],
        &["100", "98"],
    ),
    (
        W,
        "report_figure_mismatch",
        &["report.sections[8].text", "overall.funds.full_year_budget"],
        &["348.64", "1085.09"],
    ),
    (
        W,
        "report_figure_mismatch",
        &["report.sections[8].text", "overall.funds.rate"],
        &["319.84", "102.76%"],
    ),
    (
        W,
        "over_execution",
        &["overall.funds.executed", "overall.funds.full_year_budget"],
        &["1115.09", "1085.09"],
    ),
    (
        W,
        "missing_deviation",
        &["projects[0].indicators[5]"],
        &["业务工作经费", "得分 9", "分值 10"],
    ),
    (
        W,
        "three_public_over_budget",
        &[
            "basic_data.expenses[0].final",
            "basic_data.expenses[0].budget",
        ],
        &["三公经费", "1.9", "无预算安排"],
    ),
    (
        W,
        "three_public_over_budget",
        &[
            "basic_data.expenses[5].final",
            "basic_data.expenses[5].budget",
        ],
        &["公务接待", "1.9", "无预算安排"],
    ),
    (
        I,
        "execution_score",
        &["overall.funds.score"],
        &["部门整体", "9", "10"],
    ),
    (
        I,
        "execution_score",
        &["projects[0].funds.score"],
        &["业务工作经费", "9", "9.69"],
    ),
    (
        I,
        "quantitative_score",
        &["overall.indicators[6].score"],
        &["总成本控制", "应得 9.73", "自评 9"],
    ),
    (
        I,
        "quantitative_score",
        &["projects[0].indicators[5].score"],
        &["业务工作经费", "应得 10", "自评 9"],
    ),
    (
        I,
        "unrefined_level2",
        &["overall.indicators[10]"],
        &["可持续影响指标"],
    ),
    (
        I,
        "unrefined_level2",
        &["projects[0].indicators[9]"],
        &["可持续影响指标"],
    ),
    (
        I,
        "budget_adjustment",
        &[
            "overall.funds.initial_budget",
            "overall.funds.full_year_budget",
        ],
        &["348.64", "1085.09", "211.24%"],
    ),
];

/// Every check id of `indicator-rules.md` (27), separated by spaces.
const CHECK_IDS: &str = "execution_rate_mismatch missing_execution_rate execution_score \
     over_execution budget_adjustment score_above_weight weight_sum_mismatch \
     score_sum_mismatch level1_weight_mismatch level1_weight_nonstandard \
     unrefined_level2 missing_deviation quantitative_score \
     actual_restates_target funds_split_mismatch project_basic_data_mismatch \
     project_spending_mismatch missing_project_table three_public_over_budget \
     expense_line_over_budget staffing_over_quota staffing_rate_mismatch \
     group_sum_exceeds undefined_ratio self_score_mismatch \
     report_figure_mismatch attachment_without_data";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `jixiao score --format json [--rules DIR] FILE`: exit 0 and the JSON object.
fn score(file: &Path, rules: Option<&Path>) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.current_dir(root())
        .arg("score")
        .arg("--format")
        .arg("json");
    if let Some(rules) = rules {
        cmd.arg("--rules").arg(rules);
    }
    let out = cmd.arg(file).output().expect("run jixiao");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{}: exit {:?}\n{stderr}",
        file.display(),
        out.status.code()
    );
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e})", file.display()));
    assert!(
        json["score"].is_string(),
        "{}: no score: {}",
        file.display(),
        json["score"]
    );
    json
}

fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().expect("`findings` is an array")
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

fn paths(f: &Value) -> Vec<&str> {
    f["data"]
        .as_array()
        .map(|d| d.iter().filter_map(|p| p["path"].as_str()).collect())
        .unwrap_or_default()
}

/// (severity, id) → count.
fn multiset<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<(String, String), i32> {
    let mut m = BTreeMap::new();
    for (sev, id) in items {
        *m.entry((sev.to_string(), id.to_string())).or_insert(0) += 1;
    }
    m
}

fn example_multiset() -> BTreeMap<(String, String), i32> {
    multiset(EXAMPLE.iter().map(|(s, id, _, _)| (*s, *id)))
}

fn listing(fs: &[Value]) -> String {
    fs.iter()
        .map(|f| {
            format!(
                "  {} {} {:?}: {}",
                str_of(f, "severity"),
                str_of(f, "id"),
                paths(f),
                str_of(f, "message")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The example gives exactly the list at the end of `indicator-rules.md`.
#[test]
fn example_findings_exactly() {
    let json = score(
        Path::new("examples/2022/yueyanglou-finance-office.toml"),
        None,
    );
    let fs = findings(&json);
    let got = multiset(fs.iter().map(|f| (str_of(f, "severity"), str_of(f, "id"))));
    assert_eq!(
        got,
        example_multiset(),
        "findings of the example:\n{}",
        listing(fs)
    );
    for (sev, id, want_paths, figures) in EXAMPLE {
        let hit = fs.iter().any(|f| {
            str_of(f, "severity") == sev
                && str_of(f, "id") == id
                && paths(f) == want_paths
                && figures.iter().all(|t| str_of(f, "message").contains(t))
        });
        assert!(
            hit,
            "no {sev} {id} at {want_paths:?} naming {figures:?}:\n{}",
            listing(fs)
        );
    }
    for f in fs {
        let rule = &f["rule"];
        assert_eq!(str_of(rule, "file"), "builtin:2022/indicators.jx", "{f}");
        assert!(
            rule["line"].as_u64().is_some_and(|l| l > 0)
                && rule["column"].as_u64().is_some_and(|c| c > 0),
            "{f}"
        );
    }
}

/// The problems of one case; empty when it passes.
fn check_case(input: &Input, scratch: &Scratch, example_score: &Value) -> Vec<String> {
    let name = &input.name;
    let mut failures = Vec::new();
    if !input.comment.starts_with("# finding-variant:") {
        failures.push(format!(
            "{name}: no `# finding-variant:` comment at the top"
        ));
    }
    let Some(ids) = &input.expect.findings else {
        return vec![format!("{name}: no `findings` in [expect]")];
    };
    let file = scratch.0.join(scratch.put("findings", input));
    let json = score(&file, None);
    let fs = findings(&json);

    let got: Vec<String> = fs.iter().map(|f| str_of(f, "id").to_string()).collect();
    let (missing, extra) = expect::multiset_diff(ids, &got);
    if !missing.is_empty() || !extra.is_empty() {
        failures.push(format!(
            "{name}: missing {missing:?}, unexpected {extra:?}\n{}",
            listing(fs)
        ));
        return failures;
    }
    // A plain id is one of the example's findings: it keeps the example's
    // severity.
    let mut plain = ids.clone();
    for d in &input.expect.finding_details {
        if let Some(i) = plain.iter().position(|p| *p == d.id) {
            plain.remove(i);
        }
    }
    let mut wants = input.expect.finding_details.clone();
    for id in plain {
        let Some((sev, ..)) = EXAMPLE.iter().find(|(_, i, ..)| *i == id) else {
            failures.push(format!(
                "{name}: `{id}` is not one of the example's findings: write it as {{ id = \"{id}\", severity = … }}"
            ));
            continue;
        };
        wants.push(FindingWant {
            id,
            severity: Some(severity(sev)),
            ..FindingWant::default()
        });
    }
    let places: Vec<Vec<String>> = fs
        .iter()
        .map(|f| paths(f).into_iter().map(str::to_string).collect())
        .collect();
    let seen: Vec<FindingSeen<'_>> = fs
        .iter()
        .zip(&places)
        .map(|(f, paths)| FindingSeen {
            id: str_of(f, "id"),
            severity: str_of(f, "severity"),
            paths,
            message: str_of(f, "message"),
        })
        .collect();
    for w in expect::unmet(&wants, &seen) {
        failures.push(format!("{name}: no finding {w}\n{}", listing(fs)));
    }
    if let Some(want) = input.expect.score {
        let got = json["score"]
            .as_str()
            .and_then(|s| s.parse::<Decimal>().ok());
        if got != Some(want) {
            failures.push(format!("{name}: score {}, expected {want}", json["score"]));
        }
    }
    // A zero denominator stops one check, not the scoring.
    if ids.iter().any(|id| id == "undefined_ratio") && &json["score"] != example_score {
        failures.push(format!(
            "{name}: score {} (the example's is {example_score})",
            json["score"]
        ));
    }
    failures
}

fn severity(s: &str) -> Severity {
    match s {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        _ => Severity::Info,
    }
}

/// Every case of `tests/cases/findings/`, read.
fn cases() -> Vec<Input> {
    cases_support::list("findings")
        .iter()
        .map(|(_, path)| cases_support::read(path))
        .collect()
}

/// Every case, run by two threads (the binary is the slow part).
#[test]
fn variants() {
    let example_score = score(
        Path::new("examples/2022/yueyanglou-finance-office.toml"),
        None,
    )["score"]
        .clone();
    let inputs = cases();
    let scratch = Scratch::new("findings");
    let half = inputs.len().div_ceil(2);
    let failures: Vec<String> = std::thread::scope(|s| {
        let runs: Vec<_> = inputs
            .chunks(half.max(1))
            .map(|chunk| {
                let (scratch, example_score) = (&scratch, &example_score);
                s.spawn(move || {
                    chunk
                        .iter()
                        .flat_map(|c| check_case(c, scratch, example_score))
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
        "{} problem(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Every check fires somewhere, and every check the example fires is
/// silenced by some case: the cases cover both sides of each check.
#[test]
fn every_check_fires_and_stays_quiet() {
    let count = |ids: &[String], id: &str| ids.iter().filter(|i| *i == id).count();
    let example: Vec<String> = EXAMPLE.iter().map(|(_, id, ..)| id.to_string()).collect();
    let lists: Vec<Vec<String>> = cases()
        .into_iter()
        .map(|c| c.expect.findings.unwrap_or_default())
        .collect();
    for id in CHECK_IDS.split_whitespace() {
        let base = count(&example, id);
        let fires = lists.iter().any(|l| count(l, id) > base);
        let quiet = lists.iter().any(|l| count(l, id) < base);
        assert!(base > 0 || fires, "no case makes {id} fire");
        assert!(base == 0 || quiet, "no case keeps {id} quiet");
    }
}

/// The quantitative formulas are rule parameters: a copy of the rules whose
/// `at_most_score` is the linear formula of `params.jx`'s comment scores the
/// example's 总成本控制 (target ≤1085.09万, actual 1115.09万, weight 10) as
/// (1 − (1115.09 − 1085.09) ÷ 1085.09) × 10 = 9.72 instead of 9.73.
#[test]
fn linear_at_most_formula_by_editing_params() {
    let copy =
        std::env::temp_dir().join(format!("jixiao-findings-linear-{:010}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy).expect("temp rules dir");
    for entry in std::fs::read_dir(root().join("rules/2022")).expect("rules/2022") {
        let entry = entry.expect("entry");
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::copy(entry.path(), copy.join(entry.file_name())).expect("copy rule file");
        }
    }
    let params: PathBuf = copy.join("params.jx");
    let text = std::fs::read_to_string(&params).expect("params.jx");
    let ratio = "if actual <= target then weight else target / actual * weight";
    let linear =
        "if actual <= target then weight else max(0, (1 - (actual - target) / target) * weight)";
    assert_eq!(
        text.matches(ratio).count(),
        1,
        "params.jx no longer has the at_most_score body this test replaces"
    );
    std::fs::write(&params, text.replace(ratio, linear)).expect("write params.jx");

    let json = score(
        Path::new("examples/2022/yueyanglou-finance-office.toml"),
        Some(&copy),
    );
    let _ = std::fs::remove_dir_all(&copy);
    let fs = findings(&json);
    let got = multiset(fs.iter().map(|f| (str_of(f, "severity"), str_of(f, "id"))));
    assert_eq!(got, example_multiset(), "{}", listing(fs));
    let cost = fs
        .iter()
        .find(|f| {
            str_of(f, "id") == "quantitative_score" && paths(f) == ["overall.indicators[6].score"]
        })
        .unwrap_or_else(|| panic!("no quantitative_score for 总成本控制:\n{}", listing(fs)));
    assert!(
        str_of(cost, "message").contains("应得 9.72，自评 9"),
        "{}",
        str_of(cost, "message")
    );
}
