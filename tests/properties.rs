//! Property tests (proptest), in-process:
//!
//! - generated submissions — random edits of the reference example: keys
//!   dropped, values replaced by other types, random strings (full-width,
//!   control characters, quotes, brackets), huge, negative and zero numbers —
//!   never panic: `load_submission`, `score`, `render_text` and
//!   `outcome_json` return results or problems, and problems render;
//! - generated rule files survive `fmt` → parse unchanged: the formatted
//!   text parses to the same tree (spans aside), and formatting it again
//!   changes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jixiao::outcome::Outcome;
use jixiao::source::SourceFile;
use proptest::prelude::*;
use proptest::sample::select;
use std::sync::LazyLock;

const EXAMPLE: &str = include_str!("../examples/2022/yueyanglou-finance-office.toml");

static RULES: LazyLock<jixiao::RuleSet> =
    LazyLock::new(|| jixiao::rules::builtin(2022).expect("shipped rules compile"));

/// Lines of the example that hold `key = value`, as (line index, key).
static VALUE_LINES: LazyLock<Vec<(usize, String)>> = LazyLock::new(|| {
    EXAMPLE
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let (key, _) = line.split_once(" = ")?;
            let key = key.trim();
            (!key.is_empty() && !key.starts_with('#') && !key.contains(' '))
                .then(|| (i, key.to_string()))
        })
        .collect()
});

/// Numbers at and past every edge of the decimal range, and every TOML type.
const EDGE_VALUES: &[&str] = &[
    "0",
    "-0.0",
    "-1115.09",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "-79228162514264337593543950335",
    "0.0000000000000000000000000001",
    "1e28",
    "1e-28",
    "1e400",
    "nan",
    "-inf",
    "0x7fffffffffffffff",
    "true",
    "2023-02-28",
    "2023-06-14T10:00:00",
    "[]",
    "[1, \"二\", 3.0]",
    "{}",
    "{ a = 1 }",
];

/// Pieces of strings: full-width digits and punctuation, control
/// characters (escaped as TOML requires), quotes and braces.
const STRING_PIECES: &[&str] = &[
    "１２３",
    "％",
    "（）",
    "万元",
    "\\u0000",
    "\\t",
    "\\u001b[31m",
    "\\\"",
    "{",
    "}",
    "\u{3000}",
    "\u{200B}",
];

/// A TOML value: numbers at and past every edge, every type, and strings
/// with full-width, control and structural characters.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => select(EDGE_VALUES).prop_map(str::to_string),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => (any::<i64>(), 0u32..30).prop_map(|(n, s)| format!("{n}.{}", "9".repeat(s as usize))),
        1 => "[0-9]{1,40}(\\.[0-9]{1,40})?",
        1 => "[-+]?[0-9]\\.[0-9]{0,5}[eE][-+]?[0-9]{1,4}",
        // Strings: full-width digits and punctuation, CJK, control
        // characters (escaped as TOML requires), quotes and braces.
        1 => proptest::collection::vec(
            prop_oneof![
                12 => select(STRING_PIECES).prop_map(str::to_string),
                1 => "[\\u{4e00}-\\u{9fff}]{1,8}",
                1 => "[0-9.%-]{1,6}",
            ],
            0..12,
        )
        .prop_map(|parts| format!("\"{}\"", parts.concat())),
    ]
}

/// One edit of the example.
#[derive(Clone, Debug)]
enum Edit {
    /// Drop the `n`th `key = value` line.
    Drop(usize),
    /// Replace the `n`th line's value.
    Replace(usize, String),
    /// Duplicate the `n`th line (a duplicate key).
    Duplicate(usize),
    /// Insert raw text before line `n`.
    Insert(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Drop),
        (any::<usize>(), value()).prop_map(|(n, v)| Edit::Replace(n, v)),
        any::<usize>().prop_map(Edit::Duplicate),
        (
            any::<usize>(),
            prop_oneof![
                Just("[[projects]]".to_string()),
                Just("[review.unknown]\nscore = 1".to_string()),
                Just("[review.timeliness]\nscore = 3\noverride = true".to_string()),
                Just("[overall.funds]".to_string()),
                Just("x = [[[[[[[[1]]]]]]]]".to_string()),
                "[ -~]{0,40}",
            ]
        )
            .prop_map(|(n, t)| Edit::Insert(n, t)),
    ]
}

fn apply(edits: &[Edit]) -> String {
    let mut lines: Vec<String> = EXAMPLE.lines().map(str::to_string).collect();
    let values = &*VALUE_LINES;
    for e in edits {
        match e {
            Edit::Drop(n) => {
                let (i, _) = &values[n % values.len()];
                if let Some(line) = lines.get_mut(*i) {
                    line.clear();
                }
            }
            Edit::Replace(n, v) => {
                let (i, key) = &values[n % values.len()];
                if let Some(line) = lines.get_mut(*i) {
                    *line = format!("{key} = {v}");
                }
            }
            Edit::Duplicate(n) => {
                let (i, _) = &values[n % values.len()];
                if let Some(line) = lines.get(*i).cloned() {
                    lines.insert(*i, line);
                }
            }
            Edit::Insert(n, t) => {
                let at = n % (lines.len() + 1);
                lines.insert(at, t.clone());
            }
        }
    }
    lines.join("\n")
}

/// Load, score and render as `jixiao score` does; problems render too.
fn score_text(text: &str) {
    let rules = &*RULES;
    let source = SourceFile::new("generated.toml", text);
    let _ = jixiao::data::read_header(&source);
    let submission = match jixiao::data::load_submission(source, &rules.schema) {
        Ok(s) => s,
        Err(problems) => {
            assert!(!problems.is_empty());
            let _ = jixiao::diag::render(&problems);
            let _ = jixiao::explain::problems_json(&problems).to_string();
            return;
        }
    };
    let full = jixiao::score(rules, &submission);
    assert_summaries_agree(&full, &submission);
    match full {
        Ok(outcome) => {
            assert_places_walked_as_spelt(&outcome, &submission);
            let _ = jixiao::explain::render_text(&outcome, rules, &submission);
            let _ = jixiao::explain::outcome_json(&outcome, rules, &submission).to_string();
        }
        Err(problems) => {
            let _ = jixiao::diag::render(&problems);
        }
    }
}

/// Every place of the submission, named by walking its own steps from its
/// parent's place (as reports do), is named and valued as its engine path
/// spelt out and read again names and values it.
fn assert_places_walked_as_spelt(outcome: &Outcome, submission: &jixiao::data::Submission) {
    let report = jixiao::explain::Report::new(outcome, &RULES, submission);
    for (id, place) in submission.places.iter().enumerate() {
        let id = u32::try_from(id).unwrap();
        let walked = report.place(id).expect("every place resolves");
        let spelt = report.place_at(&report.path(id), place.span);
        assert_eq!(walked.document, spelt.document, "{}", walked.path);
        assert_eq!(
            format!("{:?}", walked.value),
            format!("{:?}", spelt.value),
            "{}",
            walked.path
        );
    }
}

/// What a summary shows of an outcome: the total, its range and status,
/// each criterion's score, and each finding's check and severity; or the
/// codes of the problems that stopped the scoring.
fn summarised(outcome: &Result<Outcome, Vec<jixiao::Problem>>) -> String {
    match outcome {
        Ok(o) => {
            fn walk(n: &jixiao::outcome::NodeOutcome, out: &mut String) {
                out.push_str(&format!("{} {:?} {:?}\n", n.id, n.score, n.range));
                n.children.iter().for_each(|c| walk(c, out));
            }
            let mut out = format!("{:?} {:?} {:?}\n", o.score, o.range, o.status);
            o.nodes.iter().for_each(|n| walk(n, &mut out));
            for f in &o.findings {
                out.push_str(&format!("{} {:?}\n", f.id, f.severity));
            }
            out
        }
        Err(problems) => problems
            .iter()
            .map(|p| format!("{} {}\n", p.code, p.message))
            .collect(),
    }
}

/// The summaries' scorings (without hints; the CSV's without a finding's
/// words where they cannot fail) give what the full scoring gives.
fn assert_summaries_agree(
    full: &Result<Outcome, Vec<jixiao::Problem>>,
    submission: &jixiao::data::Submission,
) {
    let rules = &*RULES;
    let expected = summarised(full);
    let summary = jixiao::score_for_summary(rules, submission);
    assert_eq!(summarised(&summary), expected, "score_for_summary differs");
    let totals = jixiao::score_for_totals(rules, submission);
    assert_eq!(summarised(&totals), expected, "score_for_totals differs");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_submissions_never_panic(edits in proptest::collection::vec(edit(), 1..6)) {
        score_text(&apply(&edits));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        score_text(&text);
        score_text(&format!("format = 1\n[unit]\nname = \"x\"\nyear = 2022\n{text}"));
    }
}

// ---- rule files: fmt → parse unchanged ----------------------------------

/// An expression of the rule language, `depth` levels deep at most.
fn expr(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        (0u32..1000).prop_map(|n| n.to_string()),
        (0u32..1000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
        Just("\"文字\"".to_string()),
        Just("\"带 {p0} 的\\\"引号\\\"\"".to_string()),
        Just("2023-06-15".to_string()),
        Just("true".to_string()),
        Just("p0".to_string()),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let sub = || expr(depth - 1);
    prop_oneof![
        2 => leaf,
        1 => (sub(), sub()).prop_map(|(a, b)| format!("{a} + {b}")),
        1 => (sub(), sub()).prop_map(|(a, b)| format!("({a}) * -{b}")),
        1 => (sub(), sub()).prop_map(|(a, b)| format!("[{a}, {b}]")),
        1 => (sub(), sub()).prop_map(|(a, b)| format!("max({a}, {b})")),
        1 => (sub(), sub(), sub()).prop_map(|(a, b, c)| format!("if {a} == {b} then {c} else {a}")),
        1 => (sub(), sub()).prop_map(|(a, b)| format!("{{ k: {a}, \"m n\": {b} }}")),
        1 => (sub(), sub()).prop_map(|(a, b)| format!("not ({a} > {b}) or {a} != {b}")),
        1 => (sub(), sub()).prop_map(|(a, b)| format!("sum(x for x in [{a}, {b}] where x > 0)")),
        1 => (sub(), sub()).prop_map(|(a, b)| format!("[x for x in [{a}] where {b} >= x]")),
        1 => (sub(), sub()).prop_map(|(a, b)| format!("count(x in [{a}] where {b} <= x)")),
        1 => sub().prop_map(|a| format!("{a}.field[0]")),
    ]
    .boxed()
}

/// Whitespace the formatter must normalise: spaces, line breaks after
/// commas, comments at line ends.
fn messy(text: &str, noise: &[u8]) -> String {
    let mut out = String::new();
    let mut in_string = false;
    for (k, c) in text.chars().enumerate() {
        if c == '"' {
            in_string = !in_string;
        }
        let n = noise.get(k % noise.len().max(1)).copied().unwrap_or(0);
        match (c, n % 8, in_string) {
            (' ', 0, false) => out.push_str("   "),
            (',', 1, false) => out.push_str(",\n    "),
            ('\n', 2, false) => out.push_str("  # 注释\n\n"),
            _ => out.push(c),
        }
    }
    out
}

/// The tree's `Debug` text without its spans (positions change with layout).
fn shape(text: &str) -> Option<String> {
    let file = jixiao::syntax::parse_file(0, text).ok()?;
    let debug = format!("{file:?}");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}').map_or(rest.len(), |e| at + e + 1);
        out.push_str("Span");
        rest = &rest[end..];
    }
    out.push_str(rest);
    Some(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_rule_files_survive_fmt_then_parse(
        params in proptest::collection::vec(expr(3), 1..4),
        body in expr(3),
        noise in proptest::collection::vec(any::<u8>(), 1..64),
    ) {
        let mut text = String::from(
            "sheet \"生成\" { year 2022 total 10 round 2 }\nroot { x: integer? }\n",
        );
        for (i, p) in params.iter().enumerate() {
            text.push_str(&format!("param p{i} = {p}\n"));
        }
        text.push_str("criterion c \"评分项\" max 10 {\n");
        text.push_str(&format!("  let v = {body}\n"));
        text.push_str("  deduct 1 per len([1, 2]) cap 10 because \"说明 {v}\"\n}\n");
        let text = messy(&text, &noise);
        let before = shape(&text);
        prop_assume!(before.is_some(), "generated text does not parse");
        let formatted = jixiao::syntax::format::format(0, &text)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(shape(&formatted), before, "tree changed:\n{}\n---\n{}", text, formatted);
        let again = jixiao::syntax::format::format(0, &formatted)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(again, formatted);
    }
}
