//! What did not happen is explained where it fails: `jixiao test` on a
//! deduction the rules no longer make or a finding no longer raised shows
//! what the rules did instead, with rule positions; `jixiao diff` on a unit
//! the new rules cannot score says where they fail, as `score` does, and
//! which edits feed that place.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::Run;

use std::path::{Path, PathBuf};

/// `jixiao ARGS…` in `dir`, wrapped at 160 columns.
fn jixiao(dir: &Path, args: &[&str]) -> Run {
    common::jixiao_in(dir, 160, args)
}

/// A scratch copy of the rules and the example (`common::rules_scratch`).
fn scratch(name: &str) -> PathBuf {
    common::rules_scratch("explained", name)
}

/// Replace `from` (which must be there, once) by `to` in a scratch file.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from} in {}",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// The arguments of `days_between` swapped: no package is late any more.
/// The case expecting three days' deduction showed only “（实际没有扣分）”;
/// now the criterion's basis, why it got full marks, and the deduction
/// that took nothing, each at its rule line.
#[test]
fn a_deduction_no_longer_made_shows_what_the_rules_did() {
    let root = scratch("no-deduction");
    edit(
        &root.join("rules/2022/sheet.jx"),
        "let late = max(0, days_between(deadline, received_on))",
        "let late = max(0, days_between(received_on, deadline))",
    );
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "late-3-days"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("实际没有扣分"), "{}", run.stdout);
    insta::assert_snapshot!("test_deduction_not_made", run.stdout);
    let _ = std::fs::remove_dir_all(&root);
}

/// A section, a judged criterion and a pending one expected lower than
/// they are: the section lists its criteria (those the case compares on
/// their own by score only), the judged one its reviewer's deduction.
#[test]
fn sections_judgments_and_pending_criteria_say_what_they_got() {
    let root = scratch("section");
    edit(
        &root.join("rules/2022/tests/late-3-days.toml"),
        "criteria = { timeliness = \"7\",",
        "criteria = { implementation = \"26\", timeliness = \"7\", self_check = \"19\",",
    );
    edit(
        &root.join("rules/2022/tests/late-3-days.toml"),
        "suggestions = \"14\" }",
        "suggestions = \"13\" }",
    );
    edit(
        &root.join("rules/2022/tests/no-review.toml"),
        "suggestions = [\"0\", \"15\"]",
        "suggestions = \"14\"",
    );
    let run = jixiao(
        &root,
        &["test", "--rules", "rules/2022", "late-3-days", "no-review"],
    );
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    for said in [
        "    implementation（实施评价）：期望 26，实际 27（满分 30）\n        规则给其中各评分项的分：\n            self_check（单位自查）：20（满分 20）\n            timeliness（提交报告）：7（满分 10）\n",
        "    self_check（单位自查）：期望 19，实际 20（满分 20）\n        规则的评分：自动评分，得 20 分（评分项 self_check 在 rules/2022/sheet.jx:21:3）\n        规则判定满分：自查工作已全部完成，共 1 项，含本单位的“预算单位自查”\n        这次没有扣分的规则：\n            rules/2022/sheet.jx:28:5 deduct 1 per undone cap 20\n",
        "    suggestions（针对问题提出可行性建议的情况）：期望 13，实际 14（满分 15）\n        规则的评分：评审判定，得 14 分（评分项 suggestions 在 rules/2022/sheet.jx:201:3）\n        −1 suggestions：评审判定（区财政局）档次“较全面”（12–14），得 14 分",
        "    suggestions（针对问题提出可行性建议的情况）：期望 14，实际 待评审 0–15（满分 15）\n        规则的评分：待评审，可能得 0–15 分（评分项 suggestions 在 rules/2022/sheet.jx:201:3）\n",
    ] {
        assert!(run.stdout.contains(said), "no {said}\nin:\n{}", run.stdout);
    }
    // The reviewer's note is quoted by the deduction: not said twice.
    assert_eq!(
        run.stdout.matches("建议与问题一一对应，措施具体。").count(),
        1,
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// A check's condition made stricter and one raise of another weakened:
/// the case names the check that raised nothing, with its line and its
/// `says`, and the one that raised fewer, with what it did raise; each
/// with its `raise` lines.
#[test]
fn a_finding_no_longer_raised_names_its_check() {
    let root = scratch("no-finding");
    let indicators = root.join("rules/2022/indicators.jx");
    edit(
        &indicators,
        "raise warning when t.funds.executed > t.funds.full_year_budget\n",
        "raise warning when t.funds.executed > t.funds.full_year_budget * 2\n",
    );
    edit(
        &indicators,
        "abs(budget - funds.full_year_budget) > tolerance",
        "abs(budget - funds.full_year_budget) > 1000",
    );
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "example"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        !run.stdout.contains("不是规则中任何检查的编号"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("test_finding_not_raised", run.stdout);
    let _ = std::fs::remove_dir_all(&root);
}

/// A check deleted: the id is no check's, said as before (no rule line to
/// name), once however many times the case lists it.
#[test]
fn a_deleted_check_is_said_to_be_no_check() {
    let root = scratch("deleted-check");
    let indicators = root.join("rules/2022/indicators.jx");
    let text = std::fs::read_to_string(&indicators).expect("read");
    let start = text.find("check over_execution {").expect("the check");
    let end = start + text[start..].find("\n}\n").expect("its end") + 3;
    let text = format!("{}{}", &text[..start], &text[end..]).replacen(
        "    related to over_execution\n",
        "",
        1,
    );
    std::fs::write(&indicators, text).expect("write");
    let run = jixiao(&root, &["test", "--rules", "rules/2022", "example"]);
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "    应有而没有的发现 findings：over_execution\n        `over_execution`（第 17 行）不是规则中任何检查的编号\n"
        ),
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// The self-check criterion rewritten to deduct by the share of transfer
/// payment checks not done: the example has none, and the share divides
/// by 0. `diff` said only the message, with no place and no cause; now it
/// draws the rule as `score` does, in text, Markdown and JSON, and traces
/// the edit that feeds it.
#[test]
fn diff_locates_where_the_new_rules_fail() {
    let root = scratch("diff-fails");
    let new = root.join("new");
    std::fs::create_dir_all(&new).expect("new folder");
    for entry in std::fs::read_dir(root.join("rules/2022"))
        .expect("rules")
        .flatten()
    {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), new.join(entry.file_name())).expect("copy");
        }
    }
    edit(
        &new.join("sheet.jx"),
        "    deduct 1 per undone cap 20 because",
        "    let transfer_checks = count(c in self_checks where c.duty == \"转移支付项目自查\")\n    \
         let undone_share = undone * 100 / transfer_checks\n    \
         deduct 5 when undone_share > 50 because \"转移支付项目自查完成不到一半\"\n    \
         deduct 1 per undone cap 20 because",
    );
    let example = "examples/2022/yueyanglou-finance-office.toml";
    let args = ["diff", "--old", "rules/2022", "--new", "new", example];
    let score = jixiao(&root, &["score", "--rules", "new", example]);
    assert!(
        score.stderr.contains("╭─[new/sheet.jx:29:24]"),
        "{}",
        score.stderr
    );
    let text = jixiao(&root, &args);
    assert_eq!(text.code, Some(1), "{}\n{}", text.stdout, text.stderr);
    assert!(
        text.stdout.contains("╭─[new/sheet.jx:29:24]"),
        "{}",
        text.stdout
    );
    insta::assert_snapshot!("diff_unscorable_text", text.stdout);
    let md = jixiao(&root, &[&args[..], &["--format", "markdown"]].concat());
    insta::assert_snapshot!("diff_unscorable_markdown", md.stdout);
    let json = jixiao(&root, &[&args[..], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let unit = &json["units"][0];
    assert_eq!(
        unit["new_problem"],
        "规则计算出错：除数 `transfer_checks` 为 0（被除数 0）"
    );
    let error = &unit["new_errors"][0];
    assert_eq!(error["code"], "rules::division_by_zero");
    assert_eq!(error["file"], "new/sheet.jx");
    assert_eq!((&error["line"], &error["column"]), (&29.into(), &24.into()));
    assert_eq!(unit["old_errors"], serde_json::json!([]));
    let causes = unit["causes"].as_array().expect("causes");
    assert_eq!(causes.len(), 1, "{unit:#}");
    assert_eq!(causes[0]["file"], "new/sheet.jx");
    assert_eq!(causes[0]["line"], 28);
    assert_eq!(causes[0]["affects"], serde_json::json!(["self_check"]));
    let _ = std::fs::remove_dir_all(&root);
}
