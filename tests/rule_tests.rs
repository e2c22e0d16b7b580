//! `jixiao test`: the shipped rules pass their own cases; a wrong
//! expectation fails with expected against actual and the deduction behind
//! it; `--bless` fixes it and keeps the file's comments; a case that
//! cannot be run names its file and line.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::Run;

use std::path::{Path, PathBuf};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// `jixiao ARGS…` in `dir`, wrapped at 160 columns.
fn jixiao(dir: &Path, args: &[&str]) -> Run {
    common::jixiao_in(dir, 160, args)
}

/// A scratch copy of the rules and the example (`common::rules_scratch`).
fn scratch(name: &str) -> PathBuf {
    common::rules_scratch("rule-tests", name)
}

/// The "通过 N 个，失败 M 个" line.
fn summary(run: &Run) -> (usize, usize) {
    let line = run
        .stdout
        .lines()
        .rfind(|l| l.starts_with("通过 ") && l.contains("，失败 "))
        .unwrap_or_else(|| panic!("no summary line:\n{}", run.stdout));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(
        line,
        format!("通过 {} 个，失败 {} 个", numbers[0], numbers[1]),
        "summary alone on its line"
    );
    (numbers[0], numbers[1])
}

#[test]
fn shipped_rules_pass_their_cases() {
    let run = jixiao(Path::new(MANIFEST), &["test"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let (passed, failed) = summary(&run);
    assert!(passed >= 8, "{}", run.stdout);
    assert_eq!(failed, 0);
    assert!(run.stdout.contains("rules/2022/tests/example.toml ... ok"));
    // The same cases from the folders on disk: every shipped year's.
    let mut on_disk = 0;
    for year in ["rules/2022", "rules/2023"] {
        let run = jixiao(Path::new(MANIFEST), &["test", "--rules", year]);
        assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
        let (p, f) = summary(&run);
        assert_eq!(f, 0);
        on_disk += p;
    }
    assert_eq!(on_disk, passed, "built-in and on-disk cases agree");
}

#[test]
fn wrong_expectation_fails_then_bless_fixes_it() {
    let root = scratch("bless");
    let case = root.join("rules/2022/tests/late-3-days.toml");
    let original = std::fs::read_to_string(&case).expect("read case");
    assert!(original.contains("timeliness = \"7\""));
    let wrong = original
        .replace("timeliness = \"7\"", "timeliness = \"8\"")
        .replace("score = \"92\"", "score = \"93\"   # 总分，故意写错");
    std::fs::write(&case, &wrong).expect("write case");

    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("rules/2022/tests/late-3-days.toml ... FAILED"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("总分 score：期望 93，实际 92"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("timeliness（提交报告）：期望 8，实际 7（满分 10）"),
        "{}",
        run.stdout
    );
    // The deduction that made the difference, with its rule line and values.
    let deduction = run
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("−3 timeliness："))
        .unwrap_or_else(|| panic!("no deduction:\n{}", run.stdout));
    assert!(deduction.contains("rules/2022/sheet.jx:"), "{deduction}");
    assert!(deduction.contains("late = 3"), "{deduction}");
    let (passed, failed) = summary(&run);
    assert_eq!(failed, 1);
    assert!(passed >= 7);

    let run = jixiao(&root, &["test", "--rules", "rules/2022", "--bless"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("late-3-days.toml ... blessed"),
        "{}",
        run.stdout
    );
    let blessed = std::fs::read_to_string(&case).expect("read case");
    assert!(blessed.contains("timeliness = \"7\""), "{blessed}");
    // Only the wrong values changed; the comments stayed, even the one on
    // the rewritten line.
    assert_eq!(
        blessed,
        wrong
            .replace("timeliness = \"8\"", "timeliness = \"7\"")
            .replace("score = \"93\"", "score = \"92\"")
    );
    assert!(blessed.contains("# 总分，故意写错"));
    assert!(blessed.starts_with("# 逾期 3 天报送"));

    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(summary(&run).1, 0);
    let _ = std::fs::remove_dir_all(&root);
}

/// A case saved with Windows line endings keeps them when blessed: only
/// the wrong value changes, not every line of the file.
#[test]
fn bless_keeps_crlf_line_endings() {
    let root = scratch("bless-crlf");
    let case = root.join("rules/2022/tests/late-3-days.toml");
    let original = std::fs::read_to_string(&case).expect("read case");
    let wrong = original
        .replace("score = \"92\"", "score = \"93\"")
        .replace('\n', "\r\n");
    std::fs::write(&case, &wrong).expect("write case");
    let run = jixiao(
        &root,
        &["test", "--rules", "rules/2022", "--bless", "late-3-days"],
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let blessed = std::fs::read_to_string(&case).expect("read case");
    assert_eq!(blessed, wrong.replace("score = \"93\"", "score = \"92\""));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn bless_writes_a_missing_expectation_and_changed_findings() {
    let root = scratch("new");
    let case = root.join("rules/2022/tests/zz-new.toml");
    let text = "# 新用例：删去第四节，并且逾期 15 天。\n\
                base = \"bases/yueyanglou-finance-office.toml\"\n\
                remove = [\"report.sections[3]\"]\n\n\
                [edit]\n\
                \"submission.received_on\" = 2023-06-30 # 逾期\n";
    std::fs::write(&case, text).expect("write case");
    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("用例没有 [expect]"), "{}", run.stdout);

    let run = jixiao(&root, &["test", "--rules", "rules/2022", "--bless"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let blessed = std::fs::read_to_string(&case).expect("read case");
    assert!(blessed.starts_with(text), "{blessed}");
    // 95 − 10 (timeliness) − 2 (body) − 2 (国有资本经营 table now required).
    assert!(blessed.contains("score = \"81\""), "{blessed}");
    assert!(blessed.contains("timeliness = \"0\""), "{blessed}");
    assert!(blessed.contains("body = \"6\""), "{blessed}");
    assert!(blessed.contains("\"self_score_mismatch\","), "{blessed}");

    // An extra finding expected: the failure names it; bless removes it.
    std::fs::write(
        &case,
        blessed.replace("findings = [", "findings = [\n    \"over_execution\","),
    )
    .expect("write case");
    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout
            .contains("应有而没有的发现 findings：over_execution"),
        "{}",
        run.stdout
    );
    // Taking a finding out of an expectation needs --allow-loss: without it
    // the case is left as it is, and the change is shown.
    let wrong = std::fs::read_to_string(&case).expect("read case");
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "--bless"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("✗ findings：含 over_execution → （删去）"),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read_to_string(&case).expect("read case"), wrong);
    let run = jixiao(
        &root,
        &["test", "--rules", "rules/2022", "--bless", "--allow-loss"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(&case).expect("read case"), blessed);
    let _ = std::fs::remove_dir_all(&root);
}

/// A criterion and a finding left out of a case: bless adds the criterion
/// inside the braces (`"18", suggestions = "14" }`, no stray space) and
/// says how many findings there were and are.
#[test]
fn bless_adds_to_an_inline_table_and_counts_the_findings() {
    let root = scratch("inline");
    let case = root.join("rules/2022/tests/late-3-days.toml");
    let text = std::fs::read_to_string(&case).expect("read case");
    let cut = text.replace(", suggestions = \"14\" }", " }").replacen(
        "    \"self_score_mismatch\",\n",
        "",
        1,
    );
    assert_ne!(cut, text);
    std::fs::write(&case, &cut).expect("write case");
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "--bless"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("· criteria.suggestions：（无） → 14"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("· findings：13 条 → 14 条：加上 self_score_mismatch"),
        "{}",
        run.stdout
    );
    let blessed = std::fs::read_to_string(&case).expect("read case");
    assert!(
        blessed.contains("problems = \"18\", suggestions = \"14\" }"),
        "{blessed}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Tiers rescaled under judgments already made: every case fails for the
/// same reason, which is explained once; the others say whose it is.
#[test]
fn one_reason_for_many_failures_is_shown_once() {
    let root = scratch("same-reason");
    let sheet = root.join("rules/2022/sheet.jx");
    let text = std::fs::read_to_string(&sheet).expect("read sheet");
    let rescaled = text.replacen("tier \"较全面\" 16 to 18", "tier \"较全面\" 16 to 17", 1);
    assert_ne!(rescaled, text);
    std::fs::write(&sheet, rescaled).expect("write sheet");
    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    let (_, failed) = summary(&run);
    assert!(failed > 5, "{}", run.stdout);
    let explained = run.stdout.matches("review::out_of_band").count();
    let referred = run.stdout.matches("（原因同 rules/2022/tests/").count();
    assert!(explained >= 1 && referred >= 1, "{}", run.stdout);
    assert!(explained + referred <= failed, "{}", run.stdout);
    assert!(explained < failed / 2, "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&root);
}

/// A misspelt key at the end of an `[edit]` path would add a key the
/// forms do not have: said on the case's own line with the key meant, not
/// at a line of the edited base. A case expecting the submission to fail
/// (`misspelt-key.toml`, which writes a wrong key on purpose) still passes.
#[test]
fn a_misspelt_edit_key_is_said_on_its_line() {
    let root = scratch("misspelt-edit");
    std::fs::write(
        root.join("rules/2022/tests/zz-slip.toml"),
        "base = \"bases/yueyanglou-finance-office.toml\"\n\n[edit]\n\"overall.level1_weights.产出指标\" = 50\n\"projects[0].funds.full_year_budgt\" = 200\n\n[expect]\nscore = \"95\"\n",
    )
    .expect("write case");
    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    for said in [
        "× `projects[0].funds` 中没有键 `full_year_budgt`：这个改动改不到报送材料",
        "╭─[rules/2022/tests/zz-slip.toml:5:1]",
        "help: 您是不是想写 `full_year_budget`（全年预算数）？",
        "rules/2022/tests/misspelt-key.toml ... ok",
    ] {
        assert!(run.stdout.contains(said), "no {said}: {}", run.stdout);
    }
    // A free key of a table (a 一级指标 of `level1_weights`) is no slip.
    assert!(!run.stdout.contains("产出指标`"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&root);
}

/// A misspelt edit in a case with no `[expect]` is the case's own slip:
/// `--bless` says it and leaves the file alone, rather than recording the
/// slip as the error the case expects (the next run would apply the edit
/// and fail otherwise).
#[test]
fn bless_never_records_a_slip_in_the_case_file() {
    let root = scratch("bless-slip");
    let case = root.join("rules/2022/tests/zz-typo.toml");
    let text = "base = \"bases/yueyanglou-finance-office.toml\"\n\n[edit]\n\"submission.recieved_on\" = 2023-06-20\n";
    std::fs::write(&case, text).expect("write case");
    let run = jixiao(
        &root,
        &["test", "--rules", "rules/2022", "--bless", "zz-typo"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    for said in [
        "zz-typo.toml ... FAILED（用例文件有 1 个问题）",
        "help: 您是不是想写 `received_on`（送达区财政局的日期）？",
    ] {
        assert!(run.stdout.contains(said), "no {said}: {}", run.stdout);
    }
    assert_eq!(std::fs::read_to_string(&case).expect("read case"), text);
    let _ = std::fs::remove_dir_all(&root);
}

/// A problem below a case's edit that shortened a long text is shown in
/// the base file at the line an author sees on opening it, not at the
/// edited copy's line.
#[test]
fn a_problem_below_an_edit_is_shown_at_the_base_s_own_line() {
    let root = scratch("base-line");
    let sheet = root.join("rules/2022/sheet.jx");
    let text = std::fs::read_to_string(&sheet).expect("read sheet");
    let narrowed = text.replacen("tier \"较全面\" 12 to 14", "tier \"较全面\" 12 to 13", 1);
    assert_ne!(narrowed, text);
    std::fs::write(&sheet, narrowed).expect("write sheet");
    std::fs::write(
        root.join("rules/2022/tests/zz-short-goal.toml"),
        "base = \"bases/yueyanglou-finance-office.toml\"\n\n[edit]\n\"projects[0].goals.actual\" = \"已完成。\"\n\n[expect]\nstatus = \"final\"\n",
    )
    .expect("write case");
    let base =
        std::fs::read_to_string(root.join("rules/2022/tests/bases/yueyanglou-finance-office.toml"))
            .expect("read base");
    let line = base
        .lines()
        .position(|l| l == "score = 14")
        .expect("the suggestions' score")
        + 1;
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "zz-short-goal"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let at = format!("rules/2022/tests/bases/yueyanglou-finance-office.toml:{line}:9]");
    assert!(run.stdout.contains(&at), "no {at}: {}", run.stdout);
    let _ = std::fs::remove_dir_all(&root);
}

/// A `findings` entry may name the severity, a place and a piece of the
/// message of one finding; a wrong detail fails the case and is shown.
#[test]
fn detailed_findings_are_checked() {
    let root = scratch("detailed");
    let ids = "\"self_score_mismatch\", \"report_figure_mismatch\", \"report_figure_mismatch\", \"over_execution\", \"three_public_over_budget\", \"three_public_over_budget\", \"execution_score\", \"execution_score\", \"quantitative_score\", \"quantitative_score\", \"unrefined_level2\", \"unrefined_level2\", \"budget_adjustment\"";
    for (name, detail) in [
        (
            "zz-right",
            "at = \"projects[0].indicators[5]\", says = [\"业务工作经费\", \"得分 9\"]",
        ),
        ("zz-wrong", "severity = \"error\", says = \"得分 8\""),
    ] {
        std::fs::write(
            root.join(format!("rules/2022/tests/{name}.toml")),
            format!(
                "base = \"bases/yueyanglou-finance-office.toml\"\n\n[expect]\nfindings = [{ids},\n    {{ id = \"missing_deviation\", {detail} }},\n]\n"
            ),
        )
        .expect("write case");
    }
    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("zz-right.toml ... ok"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("zz-wrong.toml ... FAILED"),
        "{}",
        run.stdout
    );
    // The entry and the finding it was meant for, side by side; the id
    // is right, so it is not said to be no check's.
    assert!(
        run.stdout.contains(
            "    发现的细节与期望不符 findings：\n        期望：error missing_deviation「得分 8」\n        实际：warning missing_deviation（在 projects[0].indicators[5]）「项目“业务工作经费”"
        ),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("不是规则中任何检查的编号"),
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn whole_submission_case() {
    let root = scratch("whole");
    let example =
        std::fs::read_to_string(root.join("examples/2022/yueyanglou-finance-office.toml"))
            .expect("read example");
    let case = root.join("rules/2022/tests/zz-whole.toml");
    std::fs::write(
        &case,
        format!("{example}\n[expect]\nstatus = \"final\"\nscore = 95\ncriteria = {{ problems = 18.0 }}\n"),
    )
    .expect("write case");
    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("zz-whole.toml ... ok"));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn bad_edit_path_names_file_and_line() {
    let root = scratch("bad-path");
    let case = root.join("rules/2022/tests/zz-bad.toml");
    std::fs::write(
        &case,
        "# 路径写错\n\
         base = \"bases/yueyanglou-finance-office.toml\"\n\n\
         [edit]\n\
         \"submission.received_on\" = 2023-06-18\n\
         \"report.sectoins[0].text\" = \"\"\n\n\
         [expect]\n\
         score = \"92\"\n",
    )
    .expect("write case");
    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("zz-bad.toml ... FAILED"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("case::edit"), "{}", run.stderr);
    assert!(
        run.stderr.contains("rules/2022/tests/zz-bad.toml:6:1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`report` 中没有键 `sectoins`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("sections"), "{}", run.stderr);
    assert_eq!(summary(&run).1, 1);
    // Bless cannot fix a case that does not run, and leaves it as it is.
    let before = std::fs::read_to_string(&case).expect("read case");
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "--bless"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(std::fs::read_to_string(&case).expect("read case"), before);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn bless_needs_a_folder_on_disk() {
    let run = jixiao(Path::new(MANIFEST), &["test", "--bless"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

/// A rules folder reads nothing outside itself: a `base` that climbs out,
/// an absolute one, a link that leads out (as a base or as a rule file).
/// The refused file is never opened, so none of its lines is printed.
#[test]
fn nothing_outside_the_rules_folder_is_read() {
    let root = scratch("escape");
    let secret = root.join("secret.toml");
    std::fs::write(&secret, "[unit]\nname = \"SECRET-LINE\"\nyear = 2022\n").expect("write");
    let tests = root.join("rules/2022/tests");
    let cases = [
        ("zz-climb.toml", "base = \"../../../secret.toml\"\n"),
        (
            "zz-deep.toml",
            "base = \"../../../../../../../../etc/passwd\"\n",
        ),
        ("zz-absolute.toml", "base = \"/etc/passwd\"\n"),
        ("zz-link.toml", "base = \"bases/link.toml\"\n"),
    ];
    for (name, text) in cases {
        std::fs::write(
            tests.join(name),
            format!("{text}\n[expect]\nscore = \"95\"\n"),
        )
        .expect("write case");
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, tests.join("bases/link.toml")).expect("symlink");
    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    for (name, _) in cases {
        assert!(
            run.stdout.contains(&format!("{name} ... FAILED")),
            "{name}\n{}",
            run.stdout
        );
    }
    assert!(!run.stderr.contains("SECRET-LINE"), "{}", run.stderr);
    assert!(!run.stderr.contains("root:"), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("在规则目录 rules/2022 之外").count(),
        3,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("是指向规则目录之外"), "{}", run.stderr);

    // A rule file that is a link out of the folder.
    #[cfg(unix)]
    {
        let outside = root.join("outside.jx");
        std::fs::write(&outside, "# SECRET-LINE\nparam x = 1\n").expect("write");
        std::os::unix::fs::symlink(&outside, root.join("rules/2022/zz.jx")).expect("symlink");
        let run = jixiao(&root, &["check", "--rules", "rules/2022"]);
        assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("rules::outside_folder"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("SECRET-LINE"), "{}", run.stderr);
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// Bless never turns a scored case into an error case unless told to, and
/// says what it would change.
#[test]
fn bless_keeps_a_scored_case_scored() {
    let root = scratch("bless-error");
    let case = root.join("rules/2022/tests/late-3-days.toml");
    let original = std::fs::read_to_string(&case).expect("read case");
    // The reviewer's 18 no longer fits a rescaled 较全面 tier (19–19).
    let sheet = root.join("rules/2022/sheet.jx");
    let rules = std::fs::read_to_string(&sheet).expect("read sheet");
    std::fs::write(
        &sheet,
        rules.replace("tier \"较全面\" 16 to 18", "tier \"较全面\" 19"),
    )
    .expect("write sheet");
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "--bless"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("late-3-days.toml ... FAILED（未改写：会删去期望中的内容）"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("✗ error：（无：应能评分） → true"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("--allow-loss"), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(&case).expect("read case"), original);
    let (passed, _) = summary(&run);
    assert!(passed < 9, "no case passes by being blessed into an error");
    let _ = std::fs::remove_dir_all(&root);
}

/// A date written with slashes in an `[edit]` is told as in a submission:
/// the value underlined in the case file, with the date's right form.
#[test]
fn a_slashed_date_in_an_edit_is_explained() {
    let root = scratch("slashed-date");
    std::fs::write(
        root.join("rules/2022/tests/zz-date.toml"),
        "base = \"bases/yueyanglou-finance-office.toml\"\n\n\
         [edit]\n\
         \"submission.received_on\" = 2023/6/18\n",
    )
    .expect("write case");
    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("case::toml"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`2023/6/18` 不是日期的写法")
            && run.stderr.contains("rules/2022/tests/zz-date.toml:4:28")
            && run.stderr.contains("日期写成 2023-06-14"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// A finding id no check raises, or a criterion id the sheet does not
/// have, expected by a case: the report says which line of the case it is
/// on, that it is no id of the rules, and names the close one.
#[test]
fn a_misspelt_finding_id_is_named() {
    let root = scratch("misspelt-finding");
    std::fs::write(
        root.join("rules/2022/tests/zz-finding.toml"),
        "base = \"bases/yueyanglou-finance-office.toml\"\n\n\
         [expect]\n\
         findings = [\"over_executoin\"]\n\
         criteria = { timelines = \"10\" }\n",
    )
    .expect("write case");
    let run = jixiao(&root, &["test", "--rules", "rules/2022"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.contains(
            "`over_executoin`（第 4 行）不是规则中任何检查的编号（您是不是想写 `over_execution`？）"
        ),
        "{}",
        run.stdout
    );
    // `--bless` does not take the slip out: it says the case is the
    // likelier mistake, not the rules.
    let blessed = jixiao(&root, &["test", "--rules", "rules/2022", "--bless"]);
    assert_eq!(blessed.code, Some(1));
    assert!(
        blessed.stdout.contains("多半是用例写错了")
            && blessed.stdout.contains("若是有意删去了这个检查或评分项")
            && !blessed.stdout.contains("多半是规则写错了"),
        "{}",
        blessed.stdout
    );
    assert!(
        run.stdout.contains(
            "criteria 中的 `timelines`（第 5 行）不是评分表中的评分项（您是不是想写 `timeliness`？）"
        ),
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Bless keeps what the author wrote of `findings` that still holds: a
/// detailed entry and ids grouped on a line stay as they were when a new
/// finding is added. A detailed entry that no longer holds, and a
/// deduction the case pinned that is gone, are losses (✗), written only
/// with --allow-loss.
#[test]
fn bless_keeps_details_and_flags_what_the_case_was_for() {
    let root = scratch("keep-details");
    let case = root.join("rules/2022/tests/filled-after-received.toml");
    let text = std::fs::read_to_string(&case).expect("read case");
    // The total score removed too: unscored_total is added, and the report's
    // total can no longer be compared (self_score_mismatch goes: a loss).
    let edited = text.replacen(
        "base = \"bases/yueyanglou-finance-office.toml\"\n",
        "base = \"bases/yueyanglou-finance-office.toml\"\nremove = [\"overall.total_score\"]\n",
        1,
    );
    std::fs::write(&case, &edited).expect("write case");
    let run = jixiao(
        &root,
        &["test", "--rules", "rules/2022", "--bless", "--allow-loss"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let blessed = std::fs::read_to_string(&case).expect("read case");
    assert!(
        blessed.contains(
            "{ id = \"filled_after_received\", severity = \"warning\", at = \"overall.filled_on\""
        ) && blessed.contains("\"unscored_total\"")
            && !blessed.contains("\"self_score_mismatch\""),
        "{blessed}"
    );
    // The rule's words changed: the entry's `says` no longer holds.
    let rules = root.join("rules/2022/indicators.jx");
    let indicators = std::fs::read_to_string(&rules).expect("read rules");
    std::fs::write(
        &rules,
        indicators.replace(
            "晚于材料送达的日期 {submission.received_on}",
            "晚于送达日期 {submission.received_on}",
        ),
    )
    .expect("write rules");
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "--bless"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("✗ findings：细节 warning filled_after_received（在 overall.filled_on）")
            && run.stdout.contains("（不再成立，已删去：核对后重写）"),
        "{}",
        run.stdout
    );
    // A deduction the case pinned is gone: late-3-days with the deadline
    // moved past its date.
    let params = root.join("rules/2022/params.jx");
    let text = std::fs::read_to_string(&params).expect("read params");
    std::fs::write(
        &params,
        text.replace("param deadline = 2023-06-15", "param deadline = 2023-06-30"),
    )
    .expect("write params");
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "--bless"]);
    assert!(
        run.stdout.contains("✗ criteria.timeliness：7 → 10"),
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Bless keeps a detailed entry that still holds even where the findings
/// it is listed among are not in the outcome's order: a new finding
/// raised before it does not turn it into a bare id.
#[test]
fn bless_keeps_details_listed_out_of_the_outcomes_order() {
    let root = scratch("keep-details-order");
    let case = root.join("rules/2022/tests/missing-actual.toml");
    let text = std::fs::read_to_string(&case).expect("read case");
    let edited = text.replacen(
        "[edit]\n",
        "[edit]\n\"overall.filled_on\" = 2023-06-20\n",
        1,
    );
    assert_ne!(edited, text, "the case has an [edit] table");
    std::fs::write(&case, &edited).expect("write case");
    let run = jixiao(
        &root,
        &["test", "--rules", "rules/2022", "--bless", "missing-actual"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let blessed = std::fs::read_to_string(&case).expect("read case");
    assert_eq!(
        blessed
            .matches("{ id = \"missing_actual\", says = ")
            .count(),
        3,
        "{blessed}"
    );
    assert!(
        blessed.contains("\"filled_after_received\"")
            && !blessed.contains("\n    \"missing_actual\""),
        "{blessed}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Bless keeps the author's order of `findings` and the comments on its
/// lines when the outcome lists them in another order: only the new ids
/// are added, at the end.
#[test]
fn bless_keeps_the_authors_order_and_comments() {
    let root = scratch("keep-order");
    let case = root.join("rules/2022/tests/late-3-days.toml");
    let text = std::fs::read_to_string(&case).expect("read case");
    let edited = text
        .replacen(
            "[edit]\n",
            "[edit]\n\"basic_data.staffing.authorized\" = 0\n",
            1,
        )
        .replacen(
            "    \"over_execution\",\n",
            "    \"over_execution\",  # 超支\n",
            1,
        );
    assert!(edited.contains("# 超支"), "the case lists over_execution");
    std::fs::write(&case, &edited).expect("write case");
    let run = jixiao(
        &root,
        &["test", "--rules", "rules/2022", "--bless", "late-3-days"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let blessed = std::fs::read_to_string(&case).expect("read case");
    // Everything written stays as written; the new findings follow it.
    let start = edited.find("findings = [").expect("findings");
    let end = start + edited[start..].find("\n]").expect("end of findings");
    assert!(blessed.contains(&edited[start..end]), "{blessed}");
    assert!(blessed.contains("\"staffing_over_quota\""), "{blessed}");
    let _ = std::fs::remove_dir_all(&root);
}

/// An author runs the one case they are working on: by its name, or by its
/// file (the rules folder is then the one the file is in); a name that is
/// not a case is said, with the close one, and fails the run.
#[test]
fn one_case_runs_alone_by_its_name_or_its_file() {
    let root = scratch("one-case");
    let by_name = jixiao(
        &root,
        &["test", "--rules", "rules/2022", "total-score-blank"],
    );
    assert_eq!(summary(&by_name), (1, 0), "{}", by_name.stdout);
    assert!(by_name.stdout.contains("total-score-blank.toml ... ok"));

    let by_file = jixiao(&root, &["test", "rules/2022/tests/total-score-blank.toml"]);
    assert_eq!(
        summary(&by_file),
        (1, 0),
        "{}{}",
        by_file.stdout,
        by_file.stderr
    );
    assert!(
        by_file
            .stdout
            .contains("rules/2022/tests/total-score-blank.toml ... ok")
    );

    // The file's path without `.toml` is the same file.
    let no_extension = jixiao(&root, &["test", "rules/2022/tests/total-score-blank"]);
    assert_eq!(
        summary(&no_extension),
        (1, 0),
        "{}{}",
        no_extension.stdout,
        no_extension.stderr
    );
    assert!(
        no_extension
            .stdout
            .contains("rules/2022/tests/total-score-blank.toml ... ok")
    );

    let misspelt = jixiao(
        &root,
        &["test", "--rules", "rules/2022", "total-score-blnk"],
    );
    assert_eq!(misspelt.code, Some(1));
    assert_eq!(summary(&misspelt), (0, 1));
    assert!(
        misspelt
            .stderr
            .contains("没有名为“total-score-blnk”的用例。您是不是想写 `total-score-blank`？"),
        "{}",
        misspelt.stderr
    );
    // Run inside `tests/`, the file alone is enough, with or without `./`.
    let dotted = jixiao(
        &root.join("rules/2022/tests"),
        &["test", "./total-score-blank"],
    );
    assert_eq!(
        summary(&dotted),
        (1, 0),
        "{}{}",
        dotted.stdout,
        dotted.stderr
    );
    let inside = jixiao(
        &root.join("rules/2022/tests"),
        &["test", "total-score-blank.toml"],
    );
    assert_eq!(
        summary(&inside),
        (1, 0),
        "{}{}",
        inside.stdout,
        inside.stderr
    );
    // A misspelt rules folder is said as such, not as a case not found.
    let folder = jixiao(
        &root,
        &["test", "--rules", "rules/2O22", "total-score-blank"],
    );
    assert_eq!(folder.code, Some(1));
    assert!(
        folder.stderr.contains("无法读取规则目录 rules/2O22"),
        "{}",
        folder.stderr
    );
    // Another folder's case file, with --rules: said whose it is.
    std::fs::create_dir_all(root.join("rules/2023/tests")).expect("mkdir");
    std::fs::copy(
        root.join("rules/2022/tests/total-score-blank.toml"),
        root.join("rules/2023/tests/total-score-blank.toml"),
    )
    .expect("copy");
    let other = jixiao(
        &root,
        &[
            "test",
            "--rules",
            "rules/2022",
            "rules/2023/tests/total-score-blank.toml",
        ],
    );
    assert_eq!(other.code, Some(1));
    assert!(
        other
            .stderr
            .contains("rules/2023/tests/total-score-blank.toml 不是 rules/2022 的用例"),
        "{}",
        other.stderr
    );
    // A case file is enough to bless it: its folder is the rules folder.
    let case = root.join("rules/2022/tests/total-score-blank.toml");
    let text = std::fs::read_to_string(&case).expect("read case");
    std::fs::write(&case, text.replace("score = \"95\"", "score = \"94\"")).expect("write");
    let blessed = jixiao(
        &root,
        &["test", "--bless", "rules/2022/tests/total-score-blank.toml"],
    );
    assert_eq!(
        blessed.code,
        Some(0),
        "{}{}",
        blessed.stdout,
        blessed.stderr
    );
    assert_eq!(std::fs::read_to_string(&case).expect("read case"), text);
    let _ = std::fs::remove_dir_all(&root);
}

/// An expectation with a 29th significant digit is refused, not rounded
/// into a pass.
#[test]
fn an_expectation_past_28_digits_is_not_rounded_into_a_pass() {
    let root = scratch("29-digits");
    let case = root.join("rules/2022/tests/late-3-days.toml");
    let text = std::fs::read_to_string(&case).expect("case");
    let edited = text.replacen(
        "score = \"92\"",
        "score = \"92.000000000000000000000000001\"",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&case, edited).expect("write");
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "late-3-days"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&root);
}
