//! Rule authoring commands on real rule folders: `fmt` (canonical, idempotent,
//! never rewrites a broken file) and `diff` (what a rule change does to each
//! unit, and which rule lines caused it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)] // each suite uses part of it
mod cases_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run jixiao")
}

/// A fresh copy of `rules/2022` (rule files only) in a temp folder.
fn copy_rules(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "jixiao-authoring-{:010}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for entry in std::fs::read_dir(root().join("rules/2022")).expect("rules") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "jx") {
            std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    dir
}

/// A rule test case named to `fmt` is said to be no rule file, not parsed
/// as rules (which said "expected `check`… found `base`"), and left as it
/// is.
#[test]
fn fmt_says_a_test_case_is_no_rule_file() {
    let case = root().join("rules/2022/tests/late-3-days.toml");
    let before = std::fs::read(&case).expect("read case");
    let out = jixiao(&["fmt", "rules/2022/tests/late-3-days.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "rules/2022/tests/late-3-days.toml：jixiao fmt 只整理规则文件（.jx），这个文件没有整理"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("语法错误"), "{stderr}");
    assert_eq!(std::fs::read(&case).expect("read case"), before);
}

#[test]
fn shipped_rules_are_formatted_and_formatting_is_idempotent() {
    let out = jixiao(&["fmt", "--check", "rules/2022"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `rules` is every year folder under it, as `check --rules rules` reads it.
    let all = jixiao(&["fmt", "--check", "rules"]);
    let said = String::from_utf8_lossy(&all.stderr);
    assert!(all.status.success(), "{said}");
    let one = jixiao(&["fmt", "--check", "rules/2022"]);
    let files = |text: &str| -> usize {
        text.split(|c: char| !c.is_ascii_digit())
            .find_map(|n| n.parse().ok())
            .unwrap_or(0)
    };
    assert!(
        files(&said) > files(&String::from_utf8_lossy(&one.stderr)),
        "{said}"
    );
    // …and every folder under it: a stray rule file beside the years, or
    // an archive of old years, does not hide them.
    let tree = std::env::temp_dir().join(format!("jixiao-fmt-tree-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tree);
    std::fs::create_dir_all(tree.join("archive/2021")).expect("mkdir");
    std::fs::copy(root().join("rules/2022/params.jx"), tree.join("common.jx")).expect("copy");
    let sheet = std::fs::read_to_string(root().join("rules/2022/sheet.jx")).expect("read");
    std::fs::write(
        tree.join("archive/2021/sheet.jx"),
        sheet.replace("\n  ", "\n    "),
    )
    .expect("write");
    let nested = jixiao(&["fmt", "--check", tree.to_str().expect("utf-8")]);
    let said = String::from_utf8_lossy(&nested.stderr);
    assert_eq!(nested.status.code(), Some(1), "{said}");
    assert!(said.contains("archive/2021/sheet.jx"), "{said}");
    let _ = std::fs::remove_dir_all(&tree);
    for entry in std::fs::read_dir(root().join("rules/2022")).expect("rules") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "jx") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let once = jixiao::syntax::format::format(0, &text).expect("formats");
        let twice = jixiao::syntax::format::format(0, &once).expect("formats again");
        assert_eq!(once, twice, "{} is not idempotent", path.display());
        assert_eq!(once, text, "{} is not in canonical layout", path.display());
    }
}

#[test]
fn fmt_fixes_a_messy_copy_and_check_still_passes() {
    let dir = copy_rules("messy");
    let sheet = dir.join("sheet.jx");
    let text = std::fs::read_to_string(&sheet).expect("read");
    let messy = text
        .replace("  ", "    ")
        .replace(" = ", "=")
        .replace(", ", " ,")
        // A no-break space copied from a web page, between two words.
        .replacen("year 2022", "year\u{00A0}2022", 1);
    assert!(messy.contains('\u{00A0}'));
    std::fs::write(&sheet, &messy).expect("write");
    let check = jixiao(&["fmt", "--check", dir.to_str().expect("utf-8")]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("sheet.jx"));
    let fixed = jixiao(&["fmt", dir.to_str().expect("utf-8")]);
    assert!(
        fixed.status.success(),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&sheet).expect("read"),
        text,
        "formatting restores the canonical text"
    );
    let rules = jixiao(&["check", "--rules", dir.to_str().expect("utf-8")]);
    assert!(rules.status.success());
}

#[test]
fn fmt_aligns_comments_of_short_lines_only() {
    // Trailing comments of consecutive lines share a column, but not the
    // column of a long line: the short lines' comments stay near their code.
    let dir = copy_rules("align");
    let params = dir.join("params.jx");
    let mut text = std::fs::read_to_string(&params).expect("read");
    text.push_str(
        "\nparam short_a = 1 # 注释A\n\
         param long_list_of_numbers_for_alignment = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] # 注释B\n\
         param short_c = 2 # 注释C\n\
         param short_d = 30 # 注释D\n",
    );
    std::fs::write(&params, &text).expect("write");
    let out = jixiao(&["fmt", params.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let formatted = std::fs::read_to_string(&params).expect("read");
    for line in [
        "param short_a = 1  # 注释A",
        "param long_list_of_numbers_for_alignment = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]  # 注释B",
        "param short_c = 2   # 注释C",
        "param short_d = 30  # 注释D",
    ] {
        assert!(formatted.contains(line), "no `{line}` in:\n{formatted}");
    }
}

#[test]
fn fmt_never_rewrites_a_broken_file() {
    let dir = copy_rules("broken");
    let sheet = dir.join("sheet.jx");
    let broken = std::fs::read_to_string(&sheet)
        .expect("read")
        .replacen("max 10 {", "max 10", 1);
    std::fs::write(&sheet, &broken).expect("write");
    let out = jixiao(&["fmt", sheet.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rules::syntax") && stderr.contains("sheet.jx"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&sheet).expect("read"), broken);
}

/// Deterministic pseudo-random rule files: expressions of every form, odd
/// spacing and line breaks, comments. Formatting keeps every token, parses,
/// and is idempotent.
#[test]
fn generated_rule_files_survive_formatting() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut formatted = 0;
    for case in 0..300 {
        let mut text =
            String::from("sheet \"生成\" { year 2022 total 10 round 2 }\nroot { x: integer? }\n");
        let params = 1 + next(4);
        for p in 0..params {
            text.push_str(&format!("param p{p} = {}\n", gen_expr(&mut next, 3, p)));
        }
        text.push_str("criterion c \"评分项\" max 10 {\n");
        text.push_str(&format!("  let v = {}\n", gen_expr(&mut next, 4, params)));
        text.push_str("  deduct 1 per len([1, 2]) cap 10 because \"说明 {v}\"   # 注释\n}\n");
        let messy: String = text
            .chars()
            .map(|c| match (c, next(6)) {
                (' ', 0) => "   ".to_string(),
                (' ', 1) => " \n ".to_string(),
                (',', 2) => ",\n".to_string(),
                (c, _) => c.to_string(),
            })
            .collect();
        let Ok(once) = jixiao::syntax::format::format(0, &messy) else {
            // Generated text the grammar rejects (a line break inside a
            // string, say) is fine: fmt refuses it.
            continue;
        };
        assert!(
            jixiao::syntax::format::same_tokens(&messy, &once),
            "case {case}: tokens changed\n{messy}\n---\n{once}"
        );
        assert!(
            jixiao::syntax::parse_file(0, &once).is_ok(),
            "case {case}: output does not parse\n{once}"
        );
        let twice = jixiao::syntax::format::format(0, &once).expect("formats again");
        assert_eq!(once, twice, "case {case}: not idempotent");
        formatted += 1;
    }
    assert!(
        formatted >= 150,
        "only {formatted} of 300 generated files parsed"
    );
}

fn gen_expr(next: &mut impl FnMut(u64) -> u64, depth: u32, params: u64) -> String {
    if depth == 0 {
        return match next(5) {
            0 => format!("{}", next(100)),
            1 => format!("{}.{}", next(100), next(100)),
            2 => "\"文字\"".to_string(),
            3 if params > 0 => format!("p{}", next(params)),
            _ => "2023-06-15".to_string(),
        };
    }
    let a = gen_expr(next, depth - 1, params);
    let b = gen_expr(next, depth - 1, params);
    match next(9) {
        0 => format!("{a} + {b}"),
        1 => format!("({a}) * -{b}"),
        2 => format!("[{a}, {b}]"),
        3 => format!("max({a}, {b})"),
        4 => format!("if {a} == {b} then {a} else {b}"),
        5 => format!("{{ k: {a}, m: {b} }}"),
        6 => format!("not ({a} > {b}) and {a} != {b}"),
        7 => format!("sum(x for x in [{a}, {b}] where x > 0)"),
        _ => format!("count(x in [{a}] where {b} >= x)"),
    }
}

#[test]
fn diff_traces_an_earlier_deadline_to_its_rule_line() {
    let dir = copy_rules("deadline");
    let params = dir.join("params.jx");
    let text = std::fs::read_to_string(&params).expect("read");
    assert!(text.contains("param deadline = 2023-06-15"));
    std::fs::write(
        &params,
        text.replace("param deadline = 2023-06-15", "param deadline = 2023-06-10"),
    )
    .expect("write");
    let new = dir.to_str().expect("utf-8");
    let example = "examples/2022/yueyanglou-finance-office.toml";
    let out = jixiao(&[
        "diff",
        "--old",
        "rules/2022",
        "--new",
        new,
        "--format",
        "json",
        example,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let unit = &json["units"][0];
    assert_eq!(unit["old"]["score"], "95");
    assert_eq!(unit["new"]["score"], "91");
    assert_eq!(unit["delta"], "-4");
    let timeliness = unit["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .find(|c| c["id"] == "timeliness")
        .expect("timeliness changed");
    assert_eq!(timeliness["old"]["score"], "10");
    assert_eq!(timeliness["new"]["score"], "6");
    let cause = &unit["causes"][0];
    assert!(cause["file"].as_str().expect("file").ends_with("params.jx"));
    assert_eq!(cause["added"][0], "param deadline = 2023-06-10");
    assert_eq!(cause["affects"][0], "timeliness");
    assert_eq!(json["summary"]["lost"], 1);
    assert_eq!(json["summary"]["mean_change"], "-4");
    let text = jixiao(&["diff", "--old", "rules/2022", "--new", new, example]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("95 → 91") && text.contains("timeliness 提交报告：10 → 6"),
        "{text}"
    );
    let md = jixiao(&[
        "diff",
        "--old",
        "rules/2022",
        "--new",
        new,
        "--format",
        "markdown",
        example,
    ]);
    assert!(String::from_utf8_lossy(&md.stdout).contains("```diff"));
}

/// A schema edit (a field renamed) that leaves the batch's packages
/// unreadable is given as their cause: the schema's own edit, not the
/// rules that followed the rename, and not "no unit changed".
#[test]
fn diff_gives_a_schema_edit_as_the_cause_of_unreadable_packages() {
    let dir = copy_rules("schema-rename");
    for file in ["schema.jx", "indicators.jx"] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("control_rate"), "{file}");
        std::fs::write(&path, text.replace("control_rate", "control_ratio")).expect("write");
    }
    let new = dir.to_str().expect("utf-8");
    let example = "examples/2022/yueyanglou-finance-office.toml";
    let out = jixiao(&["diff", "--old", "rules/2022", "--new", new, example]);
    let text = String::from_utf8_lossy(&out.stdout);
    let schema_line = text
        .lines()
        .find(|l| l.contains("schema.jx:") && l.trim_start().starts_with('['))
        .unwrap_or_else(|| panic!("no schema edit: {text}"));
    assert!(
        schema_line.contains("这批 1 个单位中 1 个因此只在一边能读取、评分"),
        "{text}"
    );
    let causes = text
        .split("原因（规则的改动）：")
        .nth(1)
        .unwrap_or_else(|| panic!("no causes: {text}"));
    let first = causes.lines().nth(1).unwrap_or_default();
    assert!(
        first.contains("schema.jx:") && first.contains("材料的格式"),
        "{text}"
    );
    assert!(!causes.contains("indicators.jx:"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn diff_tells_full_marks_moved_from_points_lost() {
    // Five points moved from 实施评价 to 自评报告: the unit keeps full marks
    // on both, so the criteria's lines must show their full marks, and the
    // sections' own lines are causes too.
    let dir = copy_rules("moved-points");
    let sheet = dir.join("sheet.jx");
    let mut text = std::fs::read_to_string(&sheet).expect("read");
    for (from, to) in [
        (
            "section implementation \"实施评价\" max 30",
            "section implementation \"实施评价\" max 25",
        ),
        (
            "criterion self_check \"单位自查\" max 20",
            "criterion self_check \"单位自查\" max 15",
        ),
        ("deduct 1 per undone cap 20", "deduct 1 per undone cap 15"),
        (
            "section self_report \"自评报告\" max 70",
            "section self_report \"自评报告\" max 75",
        ),
        (
            "section completeness \"自评报告的完整性\" max 15",
            "section completeness \"自评报告的完整性\" max 20",
        ),
        (
            "criterion body \"正文内容齐全\" max 8",
            "criterion body \"正文内容齐全\" max 13",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    std::fs::write(&sheet, text).expect("write");
    let new = dir.to_str().expect("utf-8");
    let example = "examples/2022/yueyanglou-finance-office.toml";
    let out = jixiao(&["diff", "--old", "rules/2022", "--new", new, example]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "95 → 95（总分不变）",
        "self_check 单位自查：20（满分 20） → 15（满分 15）",
        "implementation 实施评价：30（满分 30） → 25（满分 25）",
        "sheet.jx:19（影响 implementation）",
        "sheet.jx:43（影响 self_report）",
        "sheet.jx:47（影响 body）",
    ] {
        assert!(text.contains(line), "no `{line}` in:\n{text}");
    }
    let json = jixiao(&[
        "diff",
        "--old",
        "rules/2022",
        "--new",
        new,
        "--format",
        "json",
        example,
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let body = json["units"][0]["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .find(|c| c["id"] == "body")
        .expect("body changed");
    assert_eq!(body["max"], serde_json::json!(["8", "13"]));
}

#[test]
fn diff_of_identical_rules_changes_nothing() {
    let out = jixiao(&[
        "diff",
        "--old",
        "rules/2022",
        "--new",
        "rules/2022",
        "--format",
        "json",
        "examples/2022/yueyanglou-finance-office.toml",
    ]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["units"][0]["changed"], false);
    assert_eq!(json["summary"]["unchanged"], 1);
}

/// A Word package is compared as its import would be scored: the same
/// change as the `.toml` the unit's package became (the received date given
/// as `score` takes it).
#[test]
fn diff_reads_a_word_package_as_score_does() {
    let unit = |input: &str, date: &[&str]| {
        let mut args = vec![
            "diff",
            "--old",
            "rules/2022",
            "--new",
            "rules/2023",
            "--format",
            "json",
        ];
        args.extend(date);
        args.push(input);
        let out = jixiao(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let unit = json["units"][0].clone();
        let ids = |key: &str| -> Vec<String> {
            unit[key]
                .as_array()
                .map(|a| a.iter().map(|f| f["id"].to_string()).collect())
                .unwrap_or_default()
        };
        (
            ids("findings_added"),
            ids("findings_removed"),
            unit["changed"].clone(),
        )
    };
    let word = unit(
        "examples/2022/yueyanglou-finance-office.docx",
        &["--received-on", "2023/6/14"],
    );
    let toml = unit("examples/2022/yueyanglou-finance-office.toml", &[]);
    // (The Word package has no reviews: its criteria to judge are open
    // under both folders; the findings each change makes are the same.)
    assert_eq!(word, toml);
    assert_eq!(toml.1, vec!["\"budget_adjustment\"".to_string()]);
    // The Word package compared with these options fails: what it says.
    let refused = |options: &[&str]| {
        let mut args = vec!["diff", "--old", "rules/2022", "--new", "rules/2023"];
        args.extend(options);
        args.push("examples/2022/yueyanglou-finance-office.docx");
        let out = jixiao(&args);
        assert!(!out.status.success(), "{options:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // Without the date, the hint is diff's own (no review worksheet).
    let stderr = refused(&[]);
    assert!(
        stderr.contains("Word 材料比较时需要送达日期：加 --received-on 日期")
            && !stderr.contains("--reviews"),
        "{stderr}"
    );
    // A date that does not exist is said with the forms taken.
    let stderr = refused(&["--received-on", "2023-02-30"]);
    assert!(
        stderr.contains("“2023-02-30”不是有效日期：写成 2023-06-14（或 2023/6/14、2023年6月14日）"),
        "{stderr}"
    );
    // A year of two digits is no year 23: a late package is not made timely.
    for two_digits in ["23/6/18", "23-6-18"] {
        let stderr = refused(&["--received-on", two_digits]);
        assert!(stderr.contains("不是有效日期"), "{two_digits}: {stderr}");
    }
}

/// The snapshot of next year's rule change that the bureau reviews: 2022 →
/// 2023 over the example and some of its variants. Each variant is a case
/// (`tests/cases/…`), written out as `tests/<kind>/<name>.toml` in a
/// temporary folder that links `rules` and `examples`, so the report names
/// the files as before.
#[test]
fn rule_change_2022_to_2023() {
    let scratch = cases_support::Scratch::new("authoring-diff");
    for dir in ["rules", "examples"] {
        std::os::unix::fs::symlink(root().join(dir), scratch.0.join(dir)).expect("link");
    }
    let mut inputs = vec!["examples/2022/yueyanglou-finance-office.toml".to_string()];
    for (kind, name) in [
        ("diff", "missing-target"),
        ("diff", "band-15"),
        ("variants", "late-3-days"),
        ("variants", "no-review"),
        ("variants", "funding-only-problems"),
        ("variants", "weights-five-of-eight"),
    ] {
        let case = root().join(format!("tests/cases/{kind}/{name}.toml"));
        inputs.push(scratch.put(kind, &cases_support::read(&case)));
    }
    let jixiao = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .current_dir(&scratch.0)
            .args(args)
            .output()
            .expect("run jixiao")
    };
    let mut args = vec!["diff", "--old", "rules/2022", "--new", "rules/2023"];
    args.extend(inputs.iter().map(String::as_str));
    let text = jixiao(&args);
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    insta::assert_snapshot!("diff_2022_2023_text", String::from_utf8_lossy(&text.stdout));
    args.extend(["--format", "markdown"]);
    let md = jixiao(&args);
    insta::assert_snapshot!(
        "diff_2022_2023_markdown",
        String::from_utf8_lossy(&md.stdout)
    );
}

#[test]
fn diff_counts_what_it_compared_and_names_what_it_could_not() {
    // The rule tests' folder holds a case whose key is misspelt: it cannot
    // be read under either rule folder.
    let out = jixiao(&[
        "diff",
        "--old",
        "rules/2022",
        "--new",
        "rules/2022",
        "rules/2022/tests",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let cases = std::fs::read_dir(root().join("rules/2022/tests"))
        .expect("tests")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "toml"))
        })
        .count();
    assert!(
        text.contains(&format!("共 {} 个单位", cases - 1)),
        "{cases} cases:\n{text}"
    );
    assert!(
        text.contains(
            "另有 1 份材料未能比较，不在上面的统计中（原因见错误输出）：rules/2022/tests/misspelt-key.toml"
        ),
        "{text}"
    );
}
