//! What a bureau author sees for the slips a Chinese input method and a
//! hurried hand make: each case is one edit of the live rules (a copy of
//! `rules/2022`), checked with `jixiao check`, its message pinned by a
//! snapshot. And `jixiao fmt` mends full-width punctuation outside strings.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

fn copy_rules(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-author-{:010}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_tree(
        &Path::new(MANIFEST).join("rules/2022"),
        &dir.join("rules/2022"),
    );
    dir
}

/// A folder and everything under it.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

fn jixiao(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .args(args)
        .output()
        .expect("run jixiao");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// (name, file, text to find, its replacement); an empty find appends.
const CASES: [(&str, &str, &str, &str); 83] = [
    (
        "check-let-used-above-it",
        "indicators.jx",
        "  let rate = t.funds.executed / t.funds.full_year_budget * 100\n",
        "  let rate = t.funds.executed / t.funds.full_year_budget * 100 + k\n  let k = 0\n",
    ),
    (
        "list-typed-as-one-text-looped-over",
        "params.jx",
        "param always_required_attachments = [\"部门整体支出绩效评价基础数据表\", \"部门整体支出绩效自评表\"]",
        "param always_required_attachments = \"部门整体支出绩效评价基础数据表、部门整体支出绩效自评表\"",
    ),
    (
        "full-stop-for-a-fields-dot",
        "sheet.jx",
        "let received_on = submission.received_on",
        "let received_on = submission。received_on",
    ),
    (
        "lets-in-a-loop-of-three",
        "sheet.jx",
        "    let late = max(0, days_between(deadline, received_on))\n",
        "    let late = max(0, days_between(deadline, received_on)) + a\n    let a = b\n    let b = late\n",
    ),
    (
        "let-that-reads-itself",
        "sheet.jx",
        "    let late = max(0, days_between(deadline, received_on))\n",
        "    let late = max(0, days_between(deadline, received_on)) + late\n",
    ),
    (
        "functions-that-call-each-other",
        "cells.jx",
        "",
        "\nfn fa(x: decimal) = if x > 1 then fb(x - 1) else x\nfn fb(x: decimal) = fa(x)\n",
    ),
    (
        "deduct-clauses-out-of-order",
        "sheet.jx",
        "deduct 1 per late cap 10 because",
        "deduct 1 cap 10 per late because",
    ),
    (
        "lets-that-read-each-other",
        "sheet.jx",
        "    let late = max(0, days_between(deadline, received_on))\n",
        "    let late = max(0, days_between(deadline, received_on)) - grace\n    let grace = if late > 5 then 1 else 0\n",
    ),
    (
        "backslash-before-quote",
        "params.jx",
        "param blank_marks = [\"/\", ",
        "param blank_marks = [\"/\", \"\\\", ",
    ),
    (
        "backslash-alone",
        "params.jx",
        "param blank_marks = [\"/\", ",
        "param blank_marks = [\"a\\b\", \"/\", ",
    ),
    (
        "date-typed-as-a-number",
        "params.jx",
        "param deadline = 2023-06-15",
        "param deadline = 20230614",
    ),
    (
        "list-typed-as-one-text",
        "params.jx",
        "param more_money_words = [\"加大资金投入\", \"加大投入\", \"加大经费\", \"增加资金\", \"增加经费\", \"增加预算\", \"追加资金\", \"追加经费\", \"追加预算\"]",
        "param more_money_words = \"加大资金投入、加大投入\"",
    ),
    (
        "year-two-digits",
        "sheet.jx",
        "  year 2022\n",
        "  year 22\n",
    ),
    (
        "tier-score-above-max",
        "sheet.jx",
        "tier \"全面\" 20\n",
        "tier \"全面\" 25\n",
    ),
    (
        "text-compared-with-number",
        "indicators.jx",
        "",
        "\ncheck project_execution_low {\n  says \"项目执行率低于 60%\"\n  for p in projects\n  raise warning when p.funds.rate < 60\n    because \"项目“{p.name}”执行率 {p.funds.rate}\"\n}\n",
    ),
    (
        "value-expected-operator-found",
        "sheet.jx",
        "let late = max(",
        "let late = + max(",
    ),
    (
        "because-without-value",
        "sheet.jx",
        "award 5 because \"全部细化到三级指标\"",
        "award because \"全部细化到三级指标\"",
    ),
    (
        "because-missing",
        "sheet.jx",
        "award 5 because \"全部细化到三级指标\"",
        "award 5 \"全部细化到三级指标\"",
    ),
    (
        "keyword-run-on",
        "sheet.jx",
        "judge 0 to 5\n",
        "judge 0 too 5\n",
    ),
    (
        "full-width-parenthesis",
        "params.jx",
        "",
        "param doubled = （1 + 2） * 2\n",
    ),
    (
        "keyword-typo-criterion",
        "sheet.jx",
        "  criterion timeliness",
        "  critrion timeliness",
    ),
    (
        "keyword-typo-deduct",
        "sheet.jx",
        "    deduct 1 per late",
        "    dedcut 1 per late",
    ),
    (
        "semicolon",
        "sheet.jx",
        "cap 10 because \"{received_on} 送达",
        "cap 10；because \"{received_on} 送达",
    ),
    (
        "full-stop-in-number",
        "params.jx",
        "param tolerance = 0.01",
        "param tolerance = 0。01",
    ),
    (
        "enumeration-comma",
        "params.jx",
        "param blank_marks = [\"/\", ",
        "param blank_marks = [\"/\"、",
    ),
    (
        "when-without-otherwise",
        "sheet.jx",
        "      otherwise {\n        award 5 * conforming",
        "      full because \"x\"\n      otherwise {\n        award 5 * conforming",
    ),
    (
        "unit-after-number",
        "sheet.jx",
        "criterion timeliness \"提交报告\" max 10",
        "criterion timeliness \"提交报告\" max 10分",
    ),
    (
        "hyphen-in-id",
        "sheet.jx",
        "criterion timeliness \"提交报告\" max 10",
        "criterion time-liness \"提交报告\" max 10",
    ),
    (
        "quoted-max",
        "sheet.jx",
        "criterion timeliness \"提交报告\" max 10",
        "criterion timeliness \"提交报告\" max \"10\"",
    ),
    (
        "day-past-month-end",
        "params.jx",
        "param deadline = 2023-06-15",
        "param deadline = 2023-06-31",
    ),
    (
        "length-for-len",
        "sheet.jx",
        "let missing = len(missing_sections)",
        "let missing = length(missing_sections)",
    ),
    (
        "brace-too-many",
        "sheet.jx",
        "    full because \"{received_on} 送达，截止日期 {deadline}，按时报送\"\n  }",
        "    full because \"{received_on} 送达，截止日期 {deadline}，按时报送\"\n  }\n  }",
    ),
    (
        "brace-forgotten",
        "sheet.jx",
        "criterion timeliness \"提交报告\" max 10 {",
        "criterion timeliness \"提交报告\" max 10",
    ),
    (
        "number-in-quotes",
        "params.jx",
        "param tolerance = 0.01",
        "param tolerance = \"0.01\"",
    ),
    (
        "date-without-leading-zeros",
        "params.jx",
        "param deadline = 2023-06-15",
        "param deadline = 2023-6-15",
    ),
    (
        "invisible-character",
        "params.jx",
        "",
        "param tolerance2 = 0.01\u{200B}\n",
    ),
    (
        "no-break-space-between-words",
        "sheet.jx",
        "  year 2022",
        "  year\u{00A0}2022",
    ),
    (
        "value-hole-in-says",
        "sheet.jx",
        "按时向区财政局报送报告的得10分；",
        "按时（{deadline}前）向区财政局报送报告的得10分；",
    ),
    (
        "keywords-in-one-text",
        "params.jx",
        "param funding_shortage_words = [",
        "param funding_shortage_words = [\"资金不足，经费不足，资金短缺\", \"水费、电费、差旅费\", ",
    ),
    (
        "comma-missing-in-a-list",
        "params.jx",
        "\"资金不足\", \"经费不足\"",
        "\"资金不足\" \"经费不足\"",
    ),
    (
        "and-written-as-ampersands",
        "sheet.jx",
        "let late = max(0, days_between(deadline, received_on))",
        "let late = max(0, days_between(deadline, received_on)) && true",
    ),
    (
        "if-without-else",
        "sheet.jx",
        "let between = if len(wrong_execution) > 0 and len(wrong_level1) > 0 then \"；\" else \"\"",
        "let between = if len(wrong_execution) > 0 and len(wrong_level1) > 0 then \"；\"",
    ),
    (
        "tab-indented-line-and-brace-missing",
        "sheet.jx",
        "    full because \"{received_on} 送达，截止日期 {deadline}，按时报送\"\n  }\n",
        "\tfull because \"{received_on} 送达，截止日期 {deadline}，按时报送\"\n",
    ),
    (
        "two-for-in-one-aggregate",
        "sheet.jx",
        "let named = sum(count(r in t.indicators where written(r.name)) for t in all_tables)",
        "let named = count(r in t.indicators for t in all_tables where written(r.name))",
    ),
    (
        "quote-left-open",
        "sheet.jx",
        "criterion timeliness \"提交报告\" max 10 {",
        "criterion timeliness \"提交报告 max 10 {",
    ),
    (
        "function-calling-itself",
        "params.jx",
        "",
        "fn halve(x: decimal) = halve(x / 2)\n",
    ),
    (
        "let-used-above-it",
        "sheet.jx",
        "    let received_on = submission.received_on\n",
        "    let early = late - 1\n    let received_on = submission.received_on\n",
    ),
    (
        "division-by-a-literal-zero",
        "params.jx",
        "",
        "param half = 1 / 0\n",
    ),
    (
        "date-parameter-in-quotes",
        "params.jx",
        "param deadline = 2023-06-15",
        "param deadline = \"2023-06-15\"",
    ),
    (
        "parameter-misspelt-where-defined",
        "params.jx",
        "param deadline = 2023-06-15",
        "param deadine = 2023-06-15",
    ),
    (
        "block-left-open",
        "sheet.jx",
        "  criterion timeliness \"提交报告\" max 10 {",
        "  criterion timeliness \"提交报告\" max 10 {\n    when true {",
    ),
    (
        "parenthesis-left-open",
        "sheet.jx",
        "let late = max(0, days_between(deadline, received_on))",
        "let late = max(0, days_between(deadline, received_on)",
    ),
    (
        "parenthesis-too-many",
        "sheet.jx",
        "let late = max(0, days_between(deadline, received_on))",
        "let late = max(0, days_between(deadline, received_on)))",
    ),
    (
        "list-closed-by-a-parenthesis",
        "sheet.jx",
        "for c in self_checks where not c.done]",
        "for c in self_checks where not c.done)",
    ),
    (
        "field-letters-swapped",
        "sheet.jx",
        "let undone = count(c in self_checks where not c.done)",
        "let undone = count(c in self_checks where not c.dnoe)",
    ),
    (
        "field-by-its-words-in-the-form",
        "sheet.jx",
        "let undone = count(c in self_checks where not c.done)",
        "let undone = count(c in self_checks where not c.是否完成)",
    ),
    (
        "one-equals-sign-to-compare",
        "sheet.jx",
        "deduct 1 when own_check_missing because",
        "deduct 1 when own_check_missing = true because",
    ),
    (
        "not-equal-written-as-in-a-spreadsheet",
        "sheet.jx",
        "let undone = count(c in self_checks where not c.done)",
        "let undone = count(c in self_checks where c.unit <> \"本单位\")",
    ),
    (
        "count-without-naming-the-row",
        "sheet.jx",
        "let undone = count(c in self_checks where not c.done)",
        "let undone = count(self_checks.done)",
    ),
    (
        "full-width-braces-in-a-message",
        "sheet.jx",
        "迟报 {late} 天",
        "迟报 ｛late｝ 天",
    ),
    // The `}` of a block inside a criterion whose header takes two lines
    // (`criterion … max 7` / `related to … {`): the open block is the
    // `when`, not the criterion.
    (
        "block-left-open-after-a-two-line-header",
        "sheet.jx",
        "        award 0 because \"没有绩效自评表\"\n      }\n",
        "        award 0 because \"没有绩效自评表\"\n",
    ),
    (
        "opening-quote-forgotten",
        "sheet.jx",
        "deduct 1 per late cap 10 because \"{received_on} 送达",
        "deduct 1 per late cap 10 because {received_on} 送达",
    ),
    (
        "points-given-by-a-parameter",
        "sheet.jx",
        "deduct 1 per late cap 10",
        "deduct late_penalty_points per late cap 10",
    ),
    (
        "points-per-time-above-max",
        "sheet.jx",
        "deduct 1 per late cap 10",
        "deduct 12 per late",
    ),
    (
        "greater-or-equal-sign-from-office",
        "sheet.jx",
        "when lines > 0 and refined == lines",
        "when lines > 0 and refined ≥ lines",
    ),
    (
        "percent-after-a-number",
        "params.jx",
        "param tolerance = 0.01",
        "param tolerance = 1%",
    ),
    (
        "date-in-chinese",
        "params.jx",
        "param deadline = 2023-06-15",
        "param deadline = 2023年6月15日",
    ),
    (
        "first-item-of-a-parameter-list-wrong",
        "params.jx",
        "{ group: \"产出指标\", weight: 50 }",
        "{ group: \"产出指标\", weight: \"50\" }",
    ),
    (
        "first-item-of-a-parameter-list-misspelt",
        "params.jx",
        "{ group: \"产出指标\", weight: 50 }",
        "{ group: \"产出指标\", wieght: 50 }",
    ),
    (
        "allowed-values-none",
        "schema.jx",
        "role: text in [\"预算单位\", \"主管部门\"]",
        "role: text in []",
    ),
    (
        "band-written-as-the-sheet-writes-it",
        "sheet.jx",
        "tier \"较全面\" 16 to 18",
        "tier \"较全面\" 16—18",
    ),
    (
        "date-parameter-in-quotes",
        "params.jx",
        "param deadline = 2023-06-15",
        "param deadline = \"2024-06-14\"",
    ),
    (
        "parameter-used-above-its-definition",
        "params.jx",
        "param standard_execution_weight = 10",
        "param least_execution_weight = standard_execution_weight / 2\nparam standard_execution_weight = 10",
    ),
    ("stray-close-at-the-end", "sheet.jx", "", "}\n"),
    (
        "chinese-word-without-quotes",
        "sheet.jx",
        "contains_any(r.heading, s.keywords)",
        "contains(r.heading, 问题)",
    ),
    (
        "parameter-divided-by-zero",
        "params.jx",
        "param standard_execution_weight = 10",
        "param standard_execution_weight = 10 / 0",
    ),
    (
        "when-without-otherwise",
        "sheet.jx",
        "      otherwise {\n        judge 0 to 5\n      }\n    }\n\n    section indicator_quality",
        "    }\n\n    section indicator_quality",
    ),
    (
        "negative-points",
        "sheet.jx",
        "deduct 1 per late cap 10",
        "deduct -1 per late cap 10",
    ),
    (
        "condition-after-cap",
        "sheet.jx",
        "deduct 1 per late cap 10 because",
        "deduct 1 per late cap 10 when late > 0 because",
    ),
    (
        "message-joined-with-plus",
        "sheet.jx",
        "full because \"正文 {len(required_sections)} 个部分齐全，且都有内容\"",
        "full because \"正文 \" + len(required_sections) + \" 个部分齐全\"",
    ),
    (
        "full-width-space-in-a-name",
        "sheet.jx",
        "let late = max(0",
        "let la\u{3000}te = max(0",
    ),
    (
        "chinese-opening-quote-ascii-closing",
        "sheet.jx",
        "because \"{received_on} 送达",
        "because “{received_on} 送达",
    ),
    (
        "text-cell-equal-to-number",
        "indicators.jx",
        "raise warning when comparable and r.score > rule_score + tolerance",
        "raise warning when comparable and r.actual == 0",
    ),
];

#[test]
fn slips_are_said_in_the_authors_terms() {
    let mut shown = Vec::new();
    for (name, file, find, replace) in CASES {
        let dir = copy_rules(name);
        let path = dir.join("rules/2022").join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        let edited = if find.is_empty() {
            format!("{text}{replace}")
        } else {
            assert!(text.contains(find), "{name}: {find:?} not in {file}");
            text.replacen(find, replace, 1)
        };
        std::fs::write(&path, edited).expect("write");
        let (code, stderr) = jixiao(&dir, &["check", "--rules", "rules/2022"]);
        assert_eq!(code, Some(1), "{name}: {stderr}");
        shown.push(format!("── {name} ──\n{stderr}"));
        let _ = std::fs::remove_dir_all(&dir);
    }
    let all = shown.join("\n");
    // A parameter that cannot be computed is said once: not again as a
    // failed evaluation, nor as unknown at each of its uses.
    let zero = shown
        .iter()
        .find(|s| s.starts_with("── parameter-divided-by-zero"))
        .expect("case shown");
    assert!(zero.contains("共 1 个问题"), "{zero}");
    // A forgotten opening quote is not taken for full-width commas to
    // change: they belong inside the text.
    let quote = shown
        .iter()
        .find(|s| s.starts_with("── opening-quote-forgotten"))
        .expect("case shown");
    assert!(!quote.contains("全角符号"), "{quote}");
    for needle in [
        "全角符号 `（`，请改为半角 `(`",
        "您是不是想写 `criterion`",
        "年份写四位：写成 year 2022",
        "`per` 的位置不对",
        "函数 `fa` 与 `fb` 互相调用",
        "`late`、`a`、`b` 绕成一圈：late 用到 a，a 用到 b，b 又用到 late",
        "`late` 的定义用到了它自己",
        "写成 submission.received_on",
        "`k` 在下面才定义",
        "\"部门整体支出绩效自评表\"]",
        "`late` 与 `grace` 互相引用",
        "`\\\"` 是引号本身，文字没有在这里结束",
        "文字中的 `\\b` 不是可用的写法",
        "写成年-月-日：param deadline = 2023-06-14",
        "param more_money_words = [\"加大资金投入\", \"加大投入\"]",
        "您是不是想写 `deduct`",
        "写成 2023-06-15",
        "看不见的字符（U+200B）",
        "特殊空格（U+00A0），规则中不能用它分隔",
        "其中的 `{deadline}` 不会代入数值",
        "用中文逗号连着几个词，它只是一项",
        "这里少了逗号：列表的两项之间要用英文逗号分隔",
        "“并且”写成 `and`，规则中不用 `&&`",
        "`if … then …` 后面少了 `else …`",
        "只能有一个 `for`",
        "这一行的引号没有闭合",
        "没有对应的 `}`",
        "这里的 `(` 没有对应的 `)`",
        "您是不是想写 `done`（是否完成）？",
        "比较两个值是否相等写成 `==`",
        "“不等于”写成 `!=`",
        "聚合先给每一行起个名字",
        "多出的 `)`：前面没有与它成对的 `(`",
        "这里应是 `]`，与第 24 行的 `[` 成对",
        "函数 `halve` 不能调用自己",
        "`late` 在下面才定义",
        "除数是 0",
        "日期不加引号，写成年-月-日：param deadline = 2023-06-15",
        "参数 `deadline` 定义在这里，值是文字",
        "相近的名称定义在这里：改正写错的一处（上面的名称，或这里的定义）",
        "121 │       when len(all_tables) == 0 {",
        "说明文字的开头少了引号",
        "这里的分数要直接写数字，不能写名称 `late_penalty_points`",
        "每次扣分 12 超过本项分值 10",
        "`≥` 不是规则中的运算符：“大于等于”写成 `>=`",
        "规则中的数不带 %",
        "`2023年6月15日` 不是日期",
        "`weight` 在这里是文字，在其他项中是数字",
        "文字不能与数字比较是否相等",
        "字段 `role` 的可选值 in [ ] 是空的",
        "`wieght` 应是 `weight`（写错了字段名）",
        // Said once at the parameter, not at each of its 29 uses.
        "参数 `tolerance` 的值 \"0.01\" 加了引号，是文字，而规则在 30 处把它当作数字用",
        "数字不加引号：param tolerance = 0.01",
        "规则中不用分号 `；`：删去它",
        "数中的 `。` 应是小数点 `.`",
        "小数点用半角的 `.`：写成 0.01",
        "全角符号 `、`，请改为半角 `,`",
        "一组 when 之后必须写 otherwise，这里是 `full`",
        "数后面不写单位“分”：分值、金额、天数都只写数字",
        "`time-liness` 中的 `-` 不能用",
        "这里的数不加引号：\"10\" 是文字",
        "2023 年 6 月只有 30 天",
        "您是不是想写 `len`？",
        "多出的 `}`：这一行的 `}` 与它关闭的 `{` 缩进不同，块在这里提前结束了",
        "多出的 `}`：前面的块都已闭合，它没有对应的 `{`",
        "上一行末尾少了 `{`：“criterion timeliness \"提交报告\" max 10”之后的内容要放在",
        "分数段中的 `—` 不是规则中的写法：写成 `16 to 18`",
        "日期不加引号，写成年-月-日：param deadline = 2024-06-14",
        "参数 `standard_execution_weight` 在后面才定义",
        "文字要放在英文双引号中：写成 \"问题\"",
        "或 otherwise { award 3 because \"……\" }",
        "扣分写正数：deduct 后面的分数就是扣去的分数",
        "`when` 要写在 cap 之前",
        "说明文字不能用 + 连接：整段说明写在一对引号中",
        "这里前面有一个全角空格：名称或关键字被它分成了两段",
        "把开头的 “ 改成 \"（结尾的 \" 已是半角）",
    ] {
        assert!(all.contains(needle), "no {needle:?}:\n{all}");
    }
    insta::assert_snapshot!("author_slips", all);
}

#[test]
fn fmt_mends_full_width_punctuation_outside_strings() {
    let dir = copy_rules("fmt-full-width");
    let path = dir.join("rules/2022/params.jx");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        format!("\u{FEFF}{text}param doubled = （1 + 2） * 2  # 注释里的（全角）不动\nparam words = \"（全角）在文字里不动\"\nparam quoted = “全角引号括起的“文字”\nparam nested = “按“全面”评”\nparam tripled = ３ * １．５ # ３倍\n"),
    )
    .expect("write");
    let (code, stderr) = jixiao(&dir, &["fmt", "rules/2022/params.jx"]);
    assert_eq!(code, Some(0), "{stderr}");
    let mended = std::fs::read_to_string(&path).expect("read");
    assert!(
        mended.contains("param doubled = (1 + 2) * 2  # 注释里的（全角）不动"),
        "{mended}"
    );
    assert!(
        mended.contains("param words = \"（全角）在文字里不动\""),
        "{mended}"
    );
    // A text quoted with full-width quotes ends at its closing ”: the quotes
    // become half-width, what they enclose stays as written.
    assert!(
        mended.contains("param quoted = \"全角引号括起的“文字\""),
        "{mended}"
    );
    // A quote inside Chinese quotes, followed by more of the text, stays
    // in the text.
    assert!(mended.contains("param nested = \"按“全面”评\""), "{mended}");
    // The byte-order mark is dropped: the canonical file has none.
    assert!(!mended.starts_with('\u{FEFF}'), "{mended}");
    // Full-width digits and points become half-width too, in comments not.
    assert!(
        mended.contains("param tripled = 3 * 1.5  # ３倍"),
        "{mended}"
    );
    let (code, stderr) = jixiao(&dir, &["check", "--rules", "rules/2022"]);
    assert_eq!(code, Some(0), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A comment at the end of a line does not end its statement: the next
/// line that goes on with it (`because …`, `+ 2`) stays indented under it.
#[test]
fn fmt_keeps_a_statement_going_after_a_trailing_comment() {
    let dir = copy_rules("fmt-trailing-comment");
    let path = dir.join("rules/2022/indicators.jx");
    let text = std::fs::read_to_string(&path).expect("read");
    let check = "check late_note {\n  says \"说明\"\n  for t in all_tables\n  let a = 1  # 注释一\n    + 2\n  raise info when a > 5  # 注释二\n    because \"a 是 {a}\"\n    at t.funds.rate\n}\n";
    std::fs::write(&path, format!("{text}\n{check}")).expect("write");
    let (code, stderr) = jixiao(&dir, &["fmt", "--check", "rules/2022/indicators.jx"]);
    assert_eq!(code, Some(0), "already in the canonical layout: {stderr}");
    let shuffled = check
        .replace("    + 2", "+ 2")
        .replace("    because", "because");
    std::fs::write(&path, format!("{text}\n{shuffled}")).expect("write");
    let (code, stderr) = jixiao(&dir, &["fmt", "rules/2022/indicators.jx"]);
    assert_eq!(code, Some(0), "{stderr}");
    let mended = std::fs::read_to_string(&path).expect("read");
    assert!(mended.ends_with(check), "{mended}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A byte-order mark is no part of the canonical layout: `fmt --check`
/// says a file with one would change, and `fmt` drops it.
/// A section's `}` moved to the end of the file (as a hint to close a
/// block “at its end” once led an author to do) puts the next section
/// inside it: said as a brace to move, not as a max to change.
#[test]
fn a_section_swallowed_by_a_moved_brace_is_said_as_such() {
    let dir = copy_rules("brace-moved");
    let path = dir.join("rules/2022/sheet.jx");
    let text = std::fs::read_to_string(&path).expect("read");
    let closing = "按时报送\"\n  }\n}\n\nsection self_report";
    assert!(text.contains(closing), "the sheet as expected");
    let moved = format!(
        "{}}}\n",
        text.replacen(closing, "按时报送\"\n  }\n\nsection self_report", 1)
    );
    std::fs::write(&path, moved).expect("write");
    let (code, stderr) = jixiao(&dir, &["check", "--rules", "rules/2022"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("“自评报告”（self_report）与这一节写在同一缩进")
            && !stderr.contains("改这里的 max 30")
            && !stderr.contains("与总分 100 不符"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A syntax error `fmt` finds after making full-width signs half-width is
/// shown at the author's own line and column: a full-width sign is three
/// bytes, and the half-width text's offsets fall lines earlier.
#[test]
fn fmt_shows_an_error_where_the_author_wrote_it() {
    let dir = copy_rules("fmt-error-place");
    let path = dir.join("rules/2022/params.jx");
    let text = std::fs::read_to_string(&path).expect("read");
    let lines = text.lines().count();
    std::fs::write(
        &path,
        format!("{text}param aa = （1 + 2）\nparam bb = ［1，2］\nparam cc = 3 × 2\n"),
    )
    .expect("write");
    let (code, stderr) = jixiao(&dir, &["fmt", "rules/2022/params.jx"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("params.jx:{}:14]", lines + 3))
            && stderr.contains(&format!("{} │ param cc = 3 × 2", lines + 3)),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fmt_drops_a_byte_order_mark() {
    let dir = copy_rules("fmt-bom");
    let path = dir.join("rules/2022/params.jx");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, format!("\u{FEFF}{text}")).expect("write");
    let (code, stderr) = jixiao(&dir, &["fmt", "--check", "rules/2022/params.jx"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("需要格式化"), "{stderr}");
    let (code, stderr) = jixiao(&dir, &["fmt", "rules/2022/params.jx"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--rules rules` checks and tests every year folder under it, and says
/// which; plain `check` says it checked the built-in rules.
#[test]
fn a_folder_of_years_is_checked_whole() {
    let root = Path::new(MANIFEST);
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(root)
        .args(["check", "--rules", "rules"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // The verdict is the result: on stdout.
    assert!(
        stdout.contains("rules/2022：检查通过") && stdout.contains("rules/2023：检查通过"),
        "{stdout}"
    );
    let (code, stderr) = jixiao(root, &["check"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("以上检查的是程序内置的规则"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(root)
        .args(["test", "--rules", "rules"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("rules/2022/tests/") && stdout.contains("rules/2023/tests/"),
        "{stdout}"
    );
}

/// `check` covers the whole folder: a broken templates.toml is an error in
/// words; a missing one, a folder named for another year, a deadline out
/// of place and a criterion without `says` are warnings.
#[test]
fn check_covers_the_whole_folder() {
    let dir = copy_rules("whole-folder");
    let year = dir.join("rules/2024");
    std::fs::rename(dir.join("rules/2022"), &year).expect("rename");
    std::fs::remove_file(year.join("templates.toml")).expect("remove");
    let params = year.join("params.jx");
    let text = std::fs::read_to_string(&params).expect("read");
    std::fs::write(
        &params,
        text.replace("param deadline = 2023-06-15", "param deadline = 2025-06-15"),
    )
    .expect("write");
    let sheet = year.join("sheet.jx");
    let text = std::fs::read_to_string(&sheet).expect("read");
    let cut = text
        .lines()
        .find(|l| l.trim_start().starts_with("says \"按时向区财政局"))
        .expect("timeliness says");
    std::fs::write(&sheet, text.replacen(&format!("{cut}\n"), "", 1)).expect("write");
    let (code, stderr) = jixiao(&dir, &["check", "--rules", "rules/2024"]);
    assert_eq!(code, Some(0), "warnings only: {stderr}");
    for needle in [
        "没有 templates.toml",
        "目录名是 2024，而 sheet 中写的是 year 2022",
        "截止日期 2025-06-15 不在评价年度 2022 的下一年",
        "评分项“提交报告”（timeliness）没有写评分表原文（says）",
    ] {
        assert!(stderr.contains(needle), "no {needle:?}:\n{stderr}");
    }
    // Either the year or the deadline may be last year's: both ways out.
    let flat = stderr.replace(['\n', ' ', '│'], "");
    assert!(
        flat.contains(
            "截止日期对的，把sheet.jx开头的year改为2024；评价年度对的，改params.jx中的deadline"
        ),
        "{stderr}"
    );
    std::fs::write(year.join("templates.toml"), "format = 1\n[bad\n").expect("write");
    let (code, stderr) = jixiao(&dir, &["check", "--rules", "rules/2024"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("rules::templates") && stderr.contains("templates.toml:2:"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A rule change that rescales tiers under a judgment already made: the
/// diff still shows every other change, and lists the judgment to redo.
#[test]
fn diff_lists_judgments_to_redo() {
    let dir = copy_rules("diff-redo");
    let new = dir.join("rules/2022b");
    std::fs::create_dir_all(&new).expect("mkdir");
    for entry in std::fs::read_dir(dir.join("rules/2022"))
        .expect("read")
        .flatten()
    {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), new.join(entry.file_name())).expect("copy");
        }
    }
    let sheet = new.join("sheet.jx");
    let text = std::fs::read_to_string(&sheet).expect("read");
    std::fs::write(
        &sheet,
        text.replace("tier \"较全面\" 16 to 18", "tier \"较全面\" 19"),
    )
    .expect("write");
    let example = Path::new(MANIFEST).join("examples/2022/yueyanglou-finance-office.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args(["diff", "--old", "rules/2022", "--new", "rules/2022b"])
        .arg(&example)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("95 → 77–97"), "{stdout}");
    assert!(
        stdout.contains(
            "需重新评审（新规则不再接受原评审意见）：“绩效评价报告反映问题情况”的评分 18"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("problems 绩效评价报告反映问题情况：18 → 0–20"),
        "{stdout}"
    );
    assert!(!stdout.contains("无法评分"), "{stdout}");
    // The other way, a band widened: the unit the old rules could not
    // score is compared all the same, with the criterion and the edit.
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args(["diff", "--old", "rules/2022b", "--new", "rules/2022"])
        .arg(&example)
        .output()
        .expect("run");
    let reverse = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{reverse}");
    assert!(
        reverse.contains("无法评分 → 95")
            && reverse.contains("原规则下无法评分")
            && reverse.contains("problems 绩效评价报告反映问题情况：0–20 → 18")
            && reverse.contains("原因（规则的改动）")
            && reverse.contains("原：原规则不接受原评审意见")
            && !reverse.contains("尚无评审人的评分"),
        "{reverse}"
    );
    // A rule test case is diffed as the submission it describes.
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args([
            "diff",
            "--old",
            "rules/2022",
            "--new",
            "rules/2022b",
            "rules/2022/tests/late-3-days.toml",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("（rules/2022/tests/late-3-days.toml）：92 →"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A copy of a rule file saved beside it (`sheet-old.jx`): every file of
/// the folder is read, so everything in it is defined twice. Each error
/// shows where the first definition is and says why.
#[test]
fn a_backup_copy_in_the_folder_is_named() {
    let dir = copy_rules("backup");
    let rules = dir.join("rules/2022");
    std::fs::copy(rules.join("sheet.jx"), rules.join("sheet-old.jx")).expect("copy");
    let (code, stderr) = jixiao(&dir, &["check", "--rules", "rules/2022"]);
    assert_eq!(code, Some(1), "{stderr}");
    let first = stderr.split("\n\n\n").next().unwrap_or("");
    assert!(first.contains("`sheet` 只能定义一次"), "{stderr}");
    assert!(stderr.contains("第一次定义在这里"), "{stderr}");
    assert!(stderr.contains("rules/2022/sheet-old.jx"), "{stderr}");
    let flat = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("备份或旧版本的规则文件请移出规则目录"),
        "{stderr}"
    );
    // The top-level `let`s are named with their first definition too.
    assert!(stderr.contains("名称 `all_tables` 重复定义"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A folder named with its year among other words (`规则2024`) is held to
/// that year, and a check without `says` is warned of as a criterion is.
#[test]
fn a_year_within_the_folder_name_and_a_check_without_says() {
    let dir = copy_rules("year-in-name");
    let folder = dir.join("规则2024");
    std::fs::rename(dir.join("rules/2022"), &folder).expect("rename");
    let path = folder.join("indicators.jx");
    let text = std::fs::read_to_string(&path).expect("read");
    let said = "  says \"三级指标的得分不能超过其分值\"\n";
    assert!(text.contains(said));
    std::fs::write(&path, text.replacen(said, "", 1)).expect("write");
    let (code, stderr) = jixiao(&dir, &["check", "--rules", "规则2024"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("目录名 规则2024 中的年份是 2024，而 sheet 中写的是 year 2022")
            && stderr.contains("检查 score_above_weight 没有写说明（says）")
            // Said at the check's header, so the author can go to it.
            && stderr.contains("╭─[规则2024/indicators.jx:"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
