//! What the unit receives and what the bureau files: the notice
//! (`score --for unit`) in plain Chinese, its grade where the rules give
//! grades, and both documents printed to A4 by Chromium (where Chromium and
//! poppler are installed; skipped with a message elsewhere): the notice in
//! two pages at most, no item and no card split across a page.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::Run;

use std::path::{Path, PathBuf};
use std::process::Command;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
const EXAMPLE: &str = "examples/2022/yueyanglou-finance-office.toml";

/// `jixiao ARGS…` in `dir`, wrapped at 80 columns.
fn jixiao(dir: &Path, args: &[&str]) -> Run {
    common::jixiao_in(dir, 80, args)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-notice-{:010}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// `dir/file`: the example with `from` replaced by `to` (once), which must
/// be in it.
fn edited_example(dir: &Path, file: &str, from: &str, to: &str) {
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("example");
    let edited = example.replacen(from, to, 1);
    assert_ne!(edited, example, "{from} is not in the example");
    std::fs::write(dir.join(file), edited).expect("write");
}

/// The text without what is quoted from the unit's own documents.
fn outside_quotes(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '“' => depth += 1,
            '”' => depth = (depth - 1).max(0),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn the_notice_speaks_plain_chinese() {
    let root = Path::new(MANIFEST);
    for format in ["text", "markdown", "html"] {
        let run = jixiao(
            root,
            &["score", "--for", "unit", "--format", format, EXAMPLE],
        );
        assert_eq!(run.code, Some(0), "{format}: {}", run.stderr);
        let notice = &run.stdout;
        for needle in [
            "绩效自评工作考核评分结果告知书",
            "岳阳市岳阳楼区人民政府金融工作办公室",
            "95 分（满分 100 分）",
            "2023 年 6 月 14 日",
            "细化到三级指标（满分 5 分，扣 1 分）",
            "附件2 部门整体支出绩效自评表",
            "区财政局（盖章）",
            "回执",
        ] {
            assert!(
                notice.contains(needle),
                "{format} lacks {needle}:\n{notice}"
            );
        }
        // No Latin letters but in what is quoted from the unit's own words
        // (and, in HTML, the markup itself).
        let words = if format == "html" {
            let body = notice.split("<body>").nth(1).unwrap_or("");
            let mut text = String::new();
            let mut in_tag = false;
            for c in body.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text
        } else {
            notice.clone()
        };
        let latin: String = outside_quotes(&words)
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect();
        assert!(
            latin.is_empty(),
            "{format}: Latin letters {latin:?}:\n{notice}"
        );
    }
    let text = jixiao(root, &["score", "--for", "unit", EXAMPLE]);
    insta::assert_snapshot!("notice_example_text", text.stdout);
}

#[test]
fn a_pending_notice_and_grades_from_the_rules() {
    let dir = scratch("grades");
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).expect("rules folder");
    for entry in std::fs::read_dir(Path::new(MANIFEST).join("rules/2022"))
        .expect("read")
        .flatten()
    {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), rules.join(entry.file_name())).expect("copy");
        }
    }
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("example");
    let cut = example.find("\n[review]").expect("a [review]");
    std::fs::write(dir.join("pending.toml"), &example[..cut]).expect("write");
    let run = jixiao(
        &dir,
        &["score", "--for", "unit", "--rules", "rules", "pending.toml"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .replace('\n', "")
            .contains("你单位的得分尚未最终评定：部分评分项尚待评审，得分可能在 50—100 分之间"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("二、尚待评审"), "{}", run.stdout);
    // A notice sent before every judgment is in says it is provisional.
    assert!(
        run.stdout
            .starts_with("绩效自评工作考核评分结果告知书（初步）"),
        "{}",
        run.stdout
    );
    let flat = run.stdout.replace('\n', "");
    assert!(
        flat.contains("“内涵明确、具体、可衡量”（满分 5 分）"),
        "{}",
        run.stdout
    );
    // Nothing lost yet: the problems are not said to come after lost points.
    assert!(flat.contains("以下问题不扣分"), "{}", run.stdout);
    assert!(run.stderr.contains("尚有评分项待评审"), "{}", run.stderr);

    // A unit that cannot be scored gets no notice: the bureau's list of
    // failures stays on the screen, and nothing is written.
    std::fs::write(
        dir.join("broken.toml"),
        example.replace("year = 2022", "year = \"2022\""),
    )
    .expect("write");
    let run = jixiao(
        &dir,
        &[
            "score",
            "--for",
            "unit",
            "--rules",
            "rules",
            "--format",
            "markdown",
            "-o",
            "notice.md",
            "broken.toml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        !dir.join("notice.md").exists(),
        "a notice was written for a unit not scored"
    );
    for (inputs, written) in [
        (&["broken.toml", "pending.toml"][..], true),
        (&["broken.toml", "broken.toml"][..], false),
    ] {
        let _ = std::fs::remove_file(dir.join("notices.md"));
        let mut args = vec![
            "score", "--for", "unit", "--rules", "rules", "--format", "markdown",
        ];
        args.extend(["-o", "notices.md"]);
        args.extend(inputs);
        let run = jixiao(&dir, &args);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        let out = std::fs::read_to_string(dir.join("notices.md")).ok();
        assert_eq!(out.is_some(), written, "{inputs:?}: {out:?}");
        if let Some(out) = out {
            assert!(out.contains("告知书"), "{out}");
            assert!(
                !out.contains("未能评分"),
                "the bureau's failures in a notice: {out}"
            );
        }
    }
    assert!(
        !run.stdout.contains("等次"),
        "no grades in the shipped rules"
    );

    let params = rules.join("params.jx");
    let mut text = std::fs::read_to_string(&params).expect("params");
    text.push_str(
        "\nparam grades = [{ grade: \"优秀\", from: 90 }, { grade: \"良好\", from: 80 }, { grade: \"合格\", from: 60 }]\n",
    );
    std::fs::write(&params, &text).expect("write");
    std::fs::write(dir.join("example.toml"), &example).expect("write");
    let run = jixiao(
        &dir,
        &["score", "--for", "unit", "--rules", "rules", "example.toml"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("等次为“优秀”"), "{}", run.stdout);

    // A grades list of the wrong shape is the rules' error.
    std::fs::write(&params, text.replace("grade:", "name:")).expect("write");
    let run = jixiao(&dir, &["check", "--rules", "rules"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("`grades` 应为等次的列表"),
        "{}",
        run.stderr
    );
    // The notice is for people: no JSON or CSV notice.
    let run = jixiao(
        Path::new(MANIFEST),
        &["score", "--for", "unit", "--format", "json", EXAMPLE],
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with("用法错误：--for unit（告知书）只有"),
        "{}",
        run.stderr
    );
    // clap's own usage errors are led by a line in the same words.
    let run = jixiao(Path::new(MANIFEST), &["score", "--fro", "unit", EXAMPLE]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with("用法错误：没有这个选项"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The bureau's reviews seen from the unit: each judgment by its
/// reviewer, never the file and line (or worksheet cell) where the bureau
/// keeps it; and reviewers who disagree are the bureau's matter to settle,
/// not something the unit is asked to correct.
#[test]
fn the_notice_keeps_the_bureaus_review_records_to_itself() {
    let dir = scratch("reviews");
    std::fs::write(dir.join("unit.toml"), without_review()).expect("write");
    let review = |who: &str, problems: &str| {
        let on = if who == "李四" {
            "2023-07-12"
        } else {
            "2023-07-10"
        };
        format!(
            "format = 1\nkind = \"review\"\nreviewer = \"{who}\"\nreviewed_on = {on}\n\n\
             [[units]]\nunit = \"岳阳市岳阳楼区人民政府金融工作办公室\"\nyear = 2022\n\
             measurable = {{ score = 4, note = \"部分指标未量化。\" }}\n\
             focused = {{ score = 3 }}\nrelevant = {{ score = 2 }}\n\
             refinement = {{ score = 4, note = \"可持续影响指标未细化。\" }}\n\
             {problems}\n\
             suggestions = {{ tier = \"较全面\", score = 14, note = \"措施具体。\" }}\n"
        )
    };
    std::fs::write(
        dir.join("张三.toml"),
        review(
            "张三",
            "problems = { tier = \"较全面\", score = 18, note = \"较全面。\" }",
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("李四.toml"),
        review(
            "李四",
            "problems = { tier = \"不全面\", score = 13, note = \"不全面。\" }",
        ),
    )
    .expect("write");
    // One reviewer: the judgment by name only.
    let one = jixiao(
        &dir,
        &[
            "score",
            "--for",
            "unit",
            "--reviews",
            "张三.toml",
            "unit.toml",
        ],
    );
    assert_eq!(one.code, Some(0), "{}", one.stderr);
    // The reviewer is named once, in the opening; each lost point gives
    // the judged score and the reviewer's reasons.
    assert!(one.stdout.contains("评审人：张三"), "{}", one.stdout);
    assert!(
        one.stdout
            .replace('\n', "")
            .contains("评审判定得 4 分。评审意见：可持续影响指标未细化。"),
        "{}",
        one.stdout
    );
    assert!(
        one.stdout
            .replace('\n', "")
            .contains("（2023 年 7 月 10 日评审）"),
        "{}",
        one.stdout
    );
    assert!(!one.stdout.contains(".toml"), "{}", one.stdout);
    // Two reviewers 5 points apart: the bureau is warned, the unit is not.
    let two = jixiao(
        &dir,
        &[
            "score",
            "--for",
            "unit",
            "--reviews",
            "张三.toml",
            "--reviews",
            "李四.toml",
            "unit.toml",
        ],
    );
    assert_eq!(two.code, Some(0), "{}", two.stderr);
    assert!(!two.stdout.contains("相差"), "{}", two.stdout);
    // The bureau's HTML paper gives each reviewer the date of their own
    // review, not the latest to all.
    let paper = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "html",
            "--reviews",
            "张三.toml",
            "--reviews",
            "李四.toml",
            "unit.toml",
        ],
    );
    assert!(
        paper
            .stdout
            .contains("<dt>评审人</dt><dd>张三（2023-07-10）、李四（2023-07-12）</dd>"),
        "{}",
        paper.stdout
    );
    // Reviewed on two days: both are said.
    assert!(
        two.stdout
            .replace(['\n', ' '], "")
            .contains("评审人：张三、李四（2023年7月10日至2023年7月12日评审）"),
        "{}",
        two.stdout
    );
    // …spaced as every date of the notice: a space between a number and
    // a Chinese character, none between two Chinese characters.
    assert!(
        two.stdout.replace('\n', " ").contains("10 日至 2023 年"),
        "{}",
        two.stdout
    );
    // Two reviewers: how their scores were combined, and whose reason is whose.
    // (Compared without spaces: the text wraps at them.)
    assert!(
        two.stdout.replace(['\n', ' '], "").contains(
            "评审判定得15.5分（2位评审人的评分取平均分：张三（档次“较全面”）18分、李四（档次“不全面”）13分；评审人所定档次不同，综合后的得分不一定落在某一档次的分数段内）。评审意见：张三：较全面；李四：不全面。"
        ),
        "{}",
        two.stdout
    );
    let report = jixiao(
        &dir,
        &[
            "score",
            "--reviews",
            "张三.toml",
            "--reviews",
            "李四.toml",
            "unit.toml",
        ],
    );
    assert!(
        report.stdout.contains("reviewers_disagree"),
        "{}",
        report.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A unit's words in Markdown are text: a `<b>`, a `*` or an `&amp;` in a
/// unit's name is shown as written, in the notice and in the report.
/// Three scores above their weights in one table are one item of the
/// notice: the check's words and the table once, then each row on a line
/// of its own under them (its place within the table). A unit with many
/// problems finds its other fixes among a few items, not sixty.
#[test]
fn a_run_of_one_check_on_one_table_is_one_item() {
    let dir = scratch("run");
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("example");
    let edited = example.replacen("weight = 5\nscore = 5\n", "weight = 5\nscore = 6\n", 3);
    assert_ne!(edited, example);
    std::fs::write(dir.join("run.toml"), edited).expect("write");
    let run = jixiao(&dir, &["score", "--for", "unit", "run.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Read without the wrapping (a line may break at a space).
    let flat = run.stdout.replace(['\n', '　', ' '], "");
    assert!(
        flat.contains(
            "（错误）三级指标的得分不能超过其分值。附件2部门整体支出绩效自评表中以下3处："
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.stdout.matches("得分 6 超过分值 5").count(),
        3,
        "{}",
        run.stdout
    );
    // Each row starts a line of its own, indented under the item.
    for n in 1..=3 {
        assert!(
            run.stdout.contains(&format!("\n　　　　（{n}）")),
            "{}",
            run.stdout
        );
    }
    // The table is named once; each row by its place within it.
    assert!(flat.contains("得分6超过分值5（产出指标/"), "{}", run.stdout);
    let markdown = jixiao(
        &dir,
        &["score", "--for", "unit", "--format", "markdown", "run.toml"],
    );
    assert!(
        markdown.stdout.contains("\n   - （1）"),
        "{}",
        markdown.stdout
    );
    let html = jixiao(
        &dir,
        &["score", "--for", "unit", "--format", "html", "run.toml"],
    );
    assert!(
        html.stdout.contains("<ul class=\"rows\"><li>（1）"),
        "{}",
        html.stdout
    );
}

/// A notice with nothing lost, nothing to correct and nothing pending does
/// not ask the unit to correct its package and send it again: the rules'
/// `notice_closing_clean` closes it. The rules here are the sheet alone (no
/// checks of the tables), and the reviewers gave every judged criterion
/// its full score.
#[test]
fn a_clean_notice_asks_for_nothing() {
    let root = common::rules_scratch("notice", "clean");
    let rules = root.join("rules/2022");
    std::fs::remove_file(rules.join("indicators.jx")).expect("remove the checks");
    let sheet = std::fs::read_to_string(rules.join("sheet.jx")).expect("sheet");
    // Without the checks, what the criteria relate to goes too.
    let sheet: String = sheet
        .lines()
        .map(|l| match l.find(" related to ") {
            Some(i) if l.trim_end().ends_with('{') => format!("{} {{", &l[..i]),
            Some(i) => l[..i].to_string(),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(rules.join("sheet.jx"), sheet).expect("write sheet");
    let example = std::fs::read_to_string(root.join(EXAMPLE)).expect("example");
    let full = example
        .replace(
            "[review.measurable]\nscore = 4",
            "[review.measurable]\nscore = 5",
        )
        .replace(
            "[review.refinement]\nscore = 4",
            "[review.refinement]\nscore = 5",
        )
        .replace(
            "tier = \"较全面\"\nscore = 18",
            "tier = \"全面\"\nscore = 20",
        )
        .replace(
            "tier = \"较全面\"\nscore = 14",
            "tier = \"全面\"\nscore = 15",
        );
    std::fs::write(root.join("clean.toml"), full).expect("write");
    let notice = |file: &str| {
        jixiao(
            &root,
            &["score", "--for", "unit", "--rules", "rules/2022", file],
        )
    };
    let run = notice("clean.toml");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("100 分（满分 100 分）"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("没有需要改正的问题"), "{}", run.stdout);
    let closing = run.stdout.replace(['\n', '　'], "");
    assert!(closing.contains("不必重新报送"), "{}", run.stdout);
    assert!(
        !closing.contains("改正后的材料报区财政局"),
        "{}",
        run.stdout
    );
    // One point lost: the unit is asked to correct, as before.
    let one_lost = std::fs::read_to_string(root.join("clean.toml"))
        .expect("clean")
        .replace(
            "[review.measurable]\nscore = 5",
            "[review.measurable]\nscore = 4",
        );
    std::fs::write(root.join("lost.toml"), one_lost).expect("write");
    let run = notice("lost.toml");
    let closing = run.stdout.replace(['\n', '　'], "");
    assert!(closing.contains("改正后的材料报区财政局"), "{}", run.stdout);
    assert!(!closing.contains("不必重新报送"), "{}", run.stdout);
}

#[test]
fn markdown_shows_the_units_words_as_written() {
    let dir = scratch("markdown-escape");
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("example");
    let name = "岳阳市岳阳楼区人民政府金融工作办公室";
    std::fs::write(
        dir.join("unit.toml"),
        example.replace(name, "测试<b>单位</b> &amp; *某*"),
    )
    .expect("write");
    for args in [
        vec![
            "score",
            "--for",
            "unit",
            "--format",
            "markdown",
            "unit.toml",
        ],
        vec!["score", "--format", "markdown", "unit.toml"],
    ] {
        let run = jixiao(&dir, &args);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(
            run.stdout.contains(r"测试\<b\>单位\</b\> \&amp; \*某\*"),
            "{args:?}:\n{}",
            run.stdout
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The example without its `[review]`.
fn without_review() -> String {
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("example");
    let cut = example.find("\n[review]").expect("a [review]");
    example[..cut].to_string()
}

/// Where a program is installed.
fn installed(program: &str) -> bool {
    Command::new("which")
        .arg(program)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Is a font for Chinese text installed (fontconfig's list)?
fn chinese_font() -> bool {
    Command::new("fc-list")
        .args([":lang=zh", "family"])
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.trim_ascii().is_empty())
}

/// Print `html` to `pdf` with headless Chromium.
fn print(html: &Path, pdf: &Path, profile: &Path) {
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("run chromium");
    assert!(pdf.is_file(), "chromium printed nothing: {status:?}");
}

/// The text of each page, without white space.
fn pages(pdf: &Path) -> Vec<String> {
    let info = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    let count: usize = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    (1..=count)
        .map(|p| {
            let out = Command::new("pdftotext")
                .args(["-f", &p.to_string(), "-l", &p.to_string()])
                .arg(pdf)
                .arg("-")
                .output()
                .expect("pdftotext");
            String::from_utf8_lossy(&out.stdout)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        })
        .collect()
}

/// The page holding `needle` (white space removed), if one does.
fn page_of(pages: &[String], needle: &str) -> Option<usize> {
    let needle: String = needle.chars().filter(|c| !c.is_whitespace()).collect();
    pages.iter().position(|p| p.contains(&needle))
}

#[test]
fn both_documents_print_on_a4_without_a_split() {
    for tool in ["chromium", "pdfinfo", "pdftotext"] {
        if !installed(tool) {
            eprintln!(
                "skipped: {tool} is not installed (apt-get install chromium fonts-noto-cjk poppler-utils)"
            );
            return;
        }
    }
    // Without a Chinese font the pages would be laid out in boxes: the page
    // count would say nothing of the notice.
    if !chinese_font() {
        eprintln!("skipped: no Chinese font is installed (apt-get install fonts-noto-cjk)");
        return;
    }
    let dir = scratch("print");
    let root = Path::new(MANIFEST);
    let notice = dir.join("notice.html");
    let paper = dir.join("paper.html");
    for (audience, out) in [("unit", &notice), ("bureau", &paper)] {
        let run = jixiao(
            root,
            &[
                "score",
                "--for",
                audience,
                "--format",
                "html",
                "-o",
                &out.display().to_string(),
                EXAMPLE,
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    let profile = dir.join("profile");
    print(&notice, &dir.join("notice.pdf"), &profile);
    print(&paper, &dir.join("paper.pdf"), &profile);

    // The notice: two pages at most; every item whole on one page; the unit
    // and the page count on every page.
    let notice_pages = pages(&dir.join("notice.pdf"));
    assert!(
        (1..=2).contains(&notice_pages.len()),
        "the notice takes {} pages",
        notice_pages.len()
    );
    let markdown = jixiao(
        root,
        &["score", "--for", "unit", "--format", "markdown", EXAMPLE],
    )
    .stdout;
    let items: Vec<&str> = markdown
        .lines()
        .filter_map(|l| {
            l.split_once(". ")
                .filter(|(n, _)| n.parse::<u32>().is_ok())
                .map(|(_, t)| t)
        })
        .collect();
    assert!(items.len() >= 8, "{markdown}");
    for item in items {
        // The whole item, read off one page.
        let whole: String = item
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '*')
            .collect();
        assert!(
            page_of(&notice_pages, &whole).is_some(),
            "item split across pages: {item}\n{notice_pages:#?}"
        );
    }
    for (i, page) in notice_pages.iter().enumerate() {
        assert!(
            page.contains("岳阳市岳阳楼区人民政府金融工作办公室"),
            "page {}",
            i + 1
        );
        assert!(
            page.contains(&format!("第{}页共{}页", i + 1, notice_pages.len())),
            "page {}: {page}",
            i + 1
        );
    }

    // The working paper: each lost point's card, from its heading to its
    // rule's lines, on one page.
    let paper_pages = pages(&dir.join("paper.pdf"));
    let json: serde_json::Value =
        serde_json::from_str(&jixiao(root, &["score", "--format", "json", EXAMPLE]).stdout)
            .expect("json");
    let mut cards = Vec::new();
    fn walk(nodes: &serde_json::Value, cards: &mut Vec<(String, u64)>) {
        for n in nodes.as_array().into_iter().flatten() {
            for d in n["deductions"].as_array().into_iter().flatten() {
                cards.push((
                    n["title"].as_str().unwrap_or("").to_string(),
                    d["rule"]["line"].as_u64().unwrap_or(0),
                ));
            }
            walk(&n["children"], cards);
        }
    }
    walk(&json["criteria"], &mut cards);
    assert!(cards.len() >= 4);
    for (i, (title, line)) in cards.iter().enumerate() {
        let heading = page_of(&paper_pages, &format!("{}.{title}", i + 1));
        let rule = page_of(
            &paper_pages,
            &format!("规则builtin:2022/sheet.jx第{line}行"),
        );
        assert!(
            heading.is_some() && heading == rule,
            "card {title} split: {heading:?} {rule:?}"
        );
    }
    assert!(
        paper_pages
            .last()
            .is_some_and(|p| p.contains("评审人：") && p.contains("复核人："))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A late package: the notice writes the dates as it writes every date, and
/// points at no “place” for the received date, which is the bureau's
/// registry rather than a form of the unit's.
#[test]
fn a_late_package_is_told_in_the_notice_s_own_dates() {
    let (dir, run) = edited_notice(
        "late",
        "received_on = 2023-06-14",
        "received_on = 2023-06-19",
    );
    assert!(
        run.stdout
            .contains("2023 年 6 月 19 日送达，截止日期 2023 年 6 月 15 日，迟报 4 天"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("送达区财政局的日期"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A unit that sent its package as a Word file is told where in that file
/// each place is: the table and row, or the paragraph a report section
/// starts at (a row whose label is a picture cannot be found by its words).
/// A TOML package's notice names no TOML line.
#[test]
fn a_word_package_s_notice_gives_the_word_table_and_row() {
    let root = Path::new(MANIFEST);
    let docx = EXAMPLE.replace(".toml", ".docx");
    let run = jixiao(
        root,
        &[
            "score",
            "--for",
            "unit",
            "--format",
            "markdown",
            "--received-on",
            "2023-06-14",
            &docx,
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for needle in [
        "附件2 部门整体支出绩效自评表 · 总分 · 得分（Word 文件第2个表格第40行）",
        // Two cells of one row: the row once, with both columns.
        "附件1 部门整体支出绩效评价基础数据表 · 三公经费 · 2022年决算数、2022年预算数（Word 文件第1个表格第5行）",
    ] {
        assert!(run.stdout.contains(needle), "{needle}:\n{}", run.stdout);
    }
    // Word numbers no paragraph: a report's part is named by its heading.
    assert!(!run.stdout.contains("段起"), "{}", run.stdout);
    let run = jixiao(
        root,
        &["score", "--for", "unit", "--format", "markdown", EXAMPLE],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stdout.contains("Word 文件"), "{}", run.stdout);
}

/// A blank cell a finding names has no place of its own: the notice sends
/// the unit to its row.
#[test]
fn a_blank_cell_is_found_by_its_row() {
    let (dir, run) = edited_notice(
        "blank-actual",
        "actual = \"今年入库省级上市后备企业4家，市级上市后备企业5家，完成率100%。\"\n",
        "",
    );
    let item = item_with(&run, "没有填写实际完成值");
    assert!(
        item.contains("见附件2 部门整体支出绩效自评表 · 产出指标 / 质量指标 / 培育企业上市。"),
        "{item}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The unit sees every criterion's score, not only the lost points: a line
/// each in text and Markdown, a compact table in HTML; "待评审" while a
/// criterion awaits its judgment.
#[test]
fn the_notice_shows_every_criterion_s_score() {
    let root = Path::new(MANIFEST);
    let text = jixiao(root, &["score", "--for", "unit", EXAMPLE]);
    assert!(
        text.stdout.contains("细化到三级指标") && text.stdout.contains("满分   5  得分 4"),
        "{}",
        text.stdout
    );
    let markdown = jixiao(
        root,
        &["score", "--for", "unit", "--format", "markdown", EXAMPLE],
    );
    for row in [
        "| 单位自查 | 20 | 20 |",
        "| 绩效评价报告反映问题情况 | 20 | 18 |",
        "| 针对问题提出可行性建议的情况 | 15 | 14 |",
    ] {
        assert!(markdown.stdout.contains(row), "{row}:\n{}", markdown.stdout);
    }
    let html = jixiao(
        root,
        &["score", "--for", "unit", "--format", "html", EXAMPLE],
    );
    assert!(
        html.stdout
            .contains("<td>细化到三级指标</td><td class=\"num\">4/5</td>"),
        "{}",
        html.stdout
    );
    let dir = scratch("scores-pending");
    std::fs::write(dir.join("pending.toml"), without_review()).expect("write");
    let pending = jixiao(
        &dir,
        &[
            "score",
            "--for",
            "unit",
            "--format",
            "markdown",
            "pending.toml",
        ],
    );
    assert!(
        pending.stdout.contains("| 细化到三级指标 | 5 | 待评审 |"),
        "{}",
        pending.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A lost point for a missing attachment points where the unit can act:
/// a missing project table at the basic data line that makes it needed; a
/// missing table nowhere (not at the attachments that were sent).
#[test]
fn a_missing_attachment_is_pointed_at_what_makes_it_needed() {
    let dir = scratch("missing-attachment");
    edited_example(
        &dir,
        "no-project.toml",
        "[[attachments]]\ntitle = \"项目支出绩效自评表\"\nproject = \"业务工作经费\"\n",
        "",
    );
    edited_example(
        &dir,
        "no-basic.toml",
        "[[attachments]]\ntitle = \"部门整体支出绩效评价基础数据表\"\n",
        "",
    );
    std::fs::write(
        dir.join("no-both.toml"),
        std::fs::read_to_string(dir.join("no-basic.toml"))
            .expect("read")
            .replacen(
                "[[attachments]]\ntitle = \"项目支出绩效自评表\"\nproject = \"业务工作经费\"\n",
                "",
                1,
            ),
    )
    .expect("write");
    let notice = |file: &str| toml_notice(&dir, file).stdout;
    let lost = |notice: &str| {
        notice
            .lines()
            .find(|l| l.contains("附件内容齐全（满分 7 分"))
            .unwrap_or_else(|| panic!("{notice}"))
            .to_string()
    };
    let line = lost(&notice("no-project.toml"));
    assert!(
        line.contains("有支出的项目缺少项目支出绩效自评表：业务工作经费（其中业务工作经费的表已报送，但报告的附件清单没有列出，按缺少计；请在附件清单中补列）。见附件4 项目支出绩效自评表（业务工作经费）。"),
        "{line}"
    );
    // The table's data was sent: the lost point says so, as the problem
    // it relates to does, and why it is still counted missing.
    // The criterion names the check that found the same gap
    // (`related to attachment_without_data`): the lost point points at it
    // by its number among the problems to correct.
    let no_basic = notice("no-basic.toml");
    let line = lost(&no_basic);
    assert!(
        line.contains("缺少附件（报告所列附件中没有）：部门整体支出绩效评价基础数据表。相关问题见“请改正的问题”第 2 条。评分标准："),
        "{line}"
    );
    let corrections = no_basic
        .split("、请改正的问题")
        .nth(1)
        .unwrap_or_else(|| panic!("{no_basic}"));
    assert!(
        corrections.lines().any(|l| l.starts_with(
            "2. （错误）报送了基础数据表的数据，但附件清单没有“部门整体支出绩效评价基础数据表”"
        )),
        "{corrections}"
    );
    // Two lost points of one criterion are one item, each numbered with
    // its points; its related findings are named once.
    let no_both = notice("no-both.toml");
    let lost: Vec<&str> = no_both
        .lines()
        .filter(|l| l.contains("附件内容齐全（满分 7 分"))
        .collect();
    assert_eq!(lost.len(), 1, "{no_both}");
    let line = lost.first().copied().unwrap_or_default();
    assert!(
        line.contains("附件内容齐全（满分 7 分，扣 4 分）：（1）扣 2 分："),
        "{line}"
    );
    assert!(line.contains("（2）扣 2 分："), "{line}");
    assert_eq!(line.matches("相关问题见").count(), 1, "{line}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// At a narrow width the text notice's scores are a line each, wrapped,
/// not columns running past the edge.
#[test]
fn scores_fit_a_narrow_text_notice() {
    let run = common::jixiao_in(
        Path::new(MANIFEST),
        40,
        &["score", "--for", "unit", EXAMPLE],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("　　单位自查：得分 20（满分 20）\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("满分  20  得分"), "{}", run.stdout);
}

/// Two cells of one record in two rows of a Word table (a project's
/// 全年执行数, and its 其中 a row below) are two places: each is named with
/// its own row, not both with the row of one.
#[test]
fn cells_of_one_record_in_two_word_rows_are_each_found_by_their_row() {
    let dir = scratch("two-word-rows");
    // The project table's 全年执行数.
    word_package_with(&dir, "执行数.docx", &[(3, 4, 5, "130")]);
    let run = jixiao(
        &dir,
        &[
            "score",
            "--for",
            "unit",
            "--format",
            "markdown",
            "--received-on",
            "2023-06-14",
            "执行数.docx",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let item = item_with(&run, "“其中”各项合计");
    for place in [
        "年度资金总额 · 其中（Word 文件第3个表格第5行）",
        "年度资金总额 · 全年执行数（Word 文件第3个表格第4行）",
    ] {
        assert!(item.contains(place), "{place}: {item}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The example's Word package with cells set: (table, row, cell, text),
/// 1-based as Word counts them; the cell's first run takes the text and
/// its other runs are emptied.
fn word_package_with(dir: &Path, name: &str, cells: &[(usize, usize, usize, &str)]) -> PathBuf {
    word_package_edited(dir, name, |mut xml| {
        for (table, row, cell, text) in cells {
            xml = set_cell(&xml, *table, *row, *cell, text);
        }
        xml
    })
}

/// The example's Word package with its `word/document.xml` edited.
fn word_package_edited(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    use std::io::{Read as _, Write as _};
    let docx = Path::new(MANIFEST).join(EXAMPLE.replace(".toml", ".docx"));
    let mut book =
        zip::ZipArchive::new(std::fs::File::open(&docx).expect("open docx")).expect("zip");
    let out_path = dir.join(name);
    let mut out = zip::ZipWriter::new(std::fs::File::create(&out_path).expect("create"));
    for i in 0..book.len() {
        let mut part = book.by_index(i).expect("part");
        let part_name = part.name().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).expect("read part");
        if part_name == "word/document.xml" {
            bytes = edit(String::from_utf8(bytes).expect("xml")).into_bytes();
        }
        out.start_file(part_name, zip::write::SimpleFileOptions::default())
            .expect("start part");
        out.write_all(&bytes).expect("write part");
    }
    out.finish().expect("finish docx");
    out_path
}

/// `xml` with the text of one table cell replaced (the example's tables
/// are not nested).
fn set_cell(xml: &str, table: usize, row: usize, cell: usize, text: &str) -> String {
    let nth = |from: usize, tag: &str, n: usize| -> usize {
        // `<w:tr>` or `<w:tr w:…>`, not `<w:trPr>`.
        let mut at = from;
        let mut seen = 0;
        loop {
            let i = at + xml[at..].find(tag).expect("tag");
            let next = xml.as_bytes()[i + tag.len()];
            if next == b'>' || next == b' ' {
                seen += 1;
                if seen == n {
                    return i;
                }
            }
            at = i + tag.len();
        }
    };
    let t = nth(0, "<w:tbl", table);
    let r = nth(t, "<w:tr", row);
    let c = nth(r, "<w:tc", cell);
    let end = c + xml[c..].find("</w:tc>").expect("cell end");
    let mut inside = xml[c..end].to_string();
    let mut first = true;
    let mut done = String::new();
    while let Some(open) = inside.find("<w:t") {
        let after = inside.as_bytes()[open + 4];
        let gt = open + inside[open..].find('>').expect(">");
        if after != b'>' && after != b' ' {
            done.push_str(&inside[..=gt]);
            inside = inside[gt + 1..].to_string();
            continue;
        }
        let close = gt + inside[gt..].find("</w:t>").expect("</w:t>");
        done.push_str(&inside[..=gt]);
        if first {
            done.push_str(text);
            first = false;
        }
        done.push_str("</w:t>");
        inside = inside[close + "</w:t>".len()..].to_string();
    }
    done.push_str(&inside);
    format!("{}{}{}", &xml[..c], done, &xml[end..])
}

/// A lost point names its related problems by their numbers in the list
/// to correct, where what the import could not read comes first.
#[test]
fn a_lost_point_names_its_problems_by_their_numbers_after_what_was_unread() {
    let dir = scratch("numbers-after-unread");
    // 附件2's 预算执行率 得分 unreadable; 附件4's 产出指标 declared 45.
    word_package_with(
        &dir,
        "pkg.docx",
        &[(2, 3, 8, "九分"), (3, 11, 2, "产出指标(45分)")],
    );
    let run = jixiao(
        &dir,
        &[
            "score",
            "--for",
            "unit",
            "--format",
            "markdown",
            "--received-on",
            "2023-06-14",
            "pkg.docx",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lost = run
        .stdout
        .lines()
        .find(|l| l.contains("权重符合操作规程（满分"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    let numbers: Vec<usize> = lost
        .split("相关问题见“请改正的问题”第 ")
        .nth(1)
        .and_then(|rest| rest.split(" 条").next())
        .unwrap_or_else(|| panic!("{lost}"))
        .split('、')
        .map(|n| n.parse().expect("number"))
        .collect();
    assert!(!numbers.is_empty(), "{lost}");
    let items: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(". （"))
        .collect();
    assert!(
        items.iter().any(|l| l.contains("（未能读取）")),
        "{}",
        run.stdout
    );
    for n in numbers {
        let item = items
            .iter()
            .find(|l| l.starts_with(&format!("{n}. ")))
            .unwrap_or_else(|| panic!("item {n}: {}", run.stdout));
        assert!(
            item.contains("产出指标"),
            "item {n} is about the weight: {item}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The staffing numbers sit a row below their header in the Word table:
/// the notice sends the unit to the numbers' row.
#[test]
fn staffing_numbers_are_found_on_their_own_row() {
    let dir = scratch("staffing-row");
    // 附件1: 实际在职人数 20 → 22, 控制率 left at 100%.
    let run = word_notice(&dir, &[(1, 3, 3, "22")]);
    let item = item_with(&run, "控制率填写为 100%");
    assert!(item.contains("控制率（Word 文件第1个表格第3行）"), "{item}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Amounts of one block read from two Word rows (按支出性质分: 基本支出 on
/// one, 项目支出 on the next) are each found on their own row.
#[test]
fn amounts_of_one_block_are_found_on_their_own_rows() {
    let dir = scratch("by-use-rows");
    // 附件1: 业务工作经费 2022年决算数 96.89 → 90.
    let run = word_notice(&dir, &[(1, 12, 4, "90")]);
    let item = item_with(&run, "基础数据表的项目支出为 90 万元");
    assert!(
        item.contains("按支出性质分 · 项目支出（Word 文件第2个表格第6行）"),
        "{item}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The notice (Markdown) of the example's Word package with cells set
/// (`word_package_with`), scored without trouble.
fn word_notice(dir: &Path, cells: &[(usize, usize, usize, &str)]) -> Run {
    word_package_with(dir, "pkg.docx", cells);
    let run = jixiao(
        dir,
        &[
            "score",
            "--for",
            "unit",
            "--format",
            "markdown",
            "--received-on",
            "2023-06-14",
            "pkg.docx",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run
}

/// The first line of a notice that holds `needle`.
fn item_with<'r>(run: &'r Run, needle: &str) -> &'r str {
    run.stdout
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle}: {}", run.stdout))
}

/// A lost point for weights names each weight that is not the standard,
/// by its table and 一级指标, so the unit need not work out which of the
/// eight it was.
#[test]
fn a_weights_deduction_names_the_weights_that_failed() {
    let dir = scratch("weights-named");
    edited_example(
        &dir,
        "weights.toml",
        "level1_weights = { \"产出指标\" = 50, \"效益指标\" = 30, \"满意度指标\" = 10 }\n",
        "level1_weights = { \"产出指标\" = 45, \"效益指标\" = 30, \"满意度指标\" = 10 }\n",
    );
    // A 一级指标 whose weight the table does not give (a Word label
    // without its “（50分）”) is said to be blank.
    edited_example(
        &dir,
        "blank.toml",
        "level1_weights = { \"产出指标\" = 50, ",
        "level1_weights = { ",
    );
    let lost = |file: &str| {
        let run = toml_notice(&dir, file);
        run.stdout
            .lines()
            .find(|l| l.contains("权重符合操作规程（满分 5 分"))
            .unwrap_or_else(|| panic!("{}", run.stdout))
            .to_string()
    };
    let line = lost("weights.toml");
    assert!(
        line.contains("8 项权重中 7 项符合标准，按比例得分；不符合的：部门整体支出绩效自评表的产出指标（填 45 分，各行合计 50 分，标准 50 分）。"),
        "{line}"
    );
    let line = lost("blank.toml");
    assert!(
        line.contains(
            "不符合的：部门整体支出绩效自评表的产出指标（一级指标栏未注明分值，应写成如“产出指标(50分)”，各行合计 50 分，标准 50 分）。"
        ),
        "{line}"
    );
}

/// What the import read with an assumption or merely noted (a table sent
/// but left out of the report's list of attachments) is a warning to
/// correct, not something “未能读取”; and it speaks the unit's words, not
/// the submission format's keys.
#[test]
fn an_import_note_that_lost_nothing_is_not_called_unread() {
    let dir = scratch("import-note-not-unread");
    word_package_edited(&dir, "pkg.docx", |xml| {
        let edited = xml.replacen("3、项目支出绩效自评表(一个一级项目支出一张表)", "", 1);
        assert_ne!(edited, xml, "the list's line is in the example");
        edited
    });
    let run = jixiao(
        &dir,
        &[
            "score",
            "--for",
            "unit",
            "--format",
            "markdown",
            "--received-on",
            "2023-06-14",
            "pkg.docx",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let line = item_with(&run, "报告的附件清单没有列出");
    assert!(line.contains("（警告）"), "{line}");
    assert!(line.contains("请在附件清单中补列"), "{line}");
    assert!(!line.contains("未能读取"), "{line}");
    assert!(!line.contains("[["), "{line}");
    assert!(!run.stdout.contains("“未能读取”是"), "{}", run.stdout);
}

/// A finding that points at a cell and at the row it is in names the
/// cell, not the cell and then the row again (`年度资金总额 · 分值、年度资金总额`).
#[test]
fn a_row_already_named_by_its_cell_is_not_named_again() {
    let (dir, run) = edited_notice(
        "row-named-by-cell",
        "executed = 96.89\nweight = 10\n",
        "executed = 96.89\nweight = 15\n",
    );
    let line = item_with(&run, "预算执行率分值为 15");
    assert!(
        line.contains("见附件4 项目支出绩效自评表（业务工作经费） · 年度资金总额 · 分值。"),
        "{line}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A check stopped by a zero divisor is said in the unit's terms: the
/// zero cell by its place, never the rule's formula (which the bureau's
/// JSON quotes).
#[test]
fn a_zero_divisor_is_said_without_the_rules_code() {
    let (dir, run) = edited_notice(
        "zero-divisor",
        "full_year_budget = 1085.09",
        "full_year_budget = 0",
    );
    // The two checks the zero stopped (the rate, and its score) are one
    // item: the zero cell is said once, and what it kept from being checked.
    let line = item_with(&run, "计算中作除数的数为 0");
    assert!(
        line.contains("无法核对：（1）执行率应等于全年执行数 ÷ 全年预算数；（2）预算执行率得分 = 分值 × 全年执行数 ÷ 全年预算数（超过分值的按分值计）。请核实这个数：填错的请改正，确为 0 的请在报告中说明。见附件2 部门整体支出绩效自评表 · 年度资金总额 · 全年预算数。"),
        "{line}"
    );
    assert_eq!(
        run.stdout.matches("作除数的数为 0").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("t.funds"), "{}", run.stdout);
    assert!(!run.stdout.contains("min("), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A number out of range (a 全年预算数 with its decimal point slipped,
/// 0.0000000000000000000000000001) does not stop the unit's scoring: the
/// checks it stopped are said as the unit reads them, with the cell whose
/// number is out of range (the divisor under 1), never the rule's formula.
#[test]
fn a_number_out_of_range_is_said_where_it_is() {
    let (dir, run) = edited_notice(
        "out-of-range",
        "full_year_budget = 1085.09",
        "full_year_budget = 0.0000000000000000000000000001",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("你单位得分为 95 分"), "{}", run.stdout);
    // The three checks that divided by the same two cells are one item.
    let line = item_with(&run, "计算中用到的数过大或过小");
    assert!(
        line.contains("无法核对：（1）执行率应等于全年执行数 ÷ 全年预算数；（2）预算执行率得分 = 分值 × 全年执行数 ÷ 全年预算数（超过分值的按分值计）；（3）报告中的全年预算数、执行数和完成率应与整体自评表一致。请核实这些数：多写了位数、小数点位置不对或单位填错（如元写成万元）的，请改正。见附件2 部门整体支出绩效自评表 · 年度资金总额 · 全年预算数。"),
        "{line}"
    );
    assert!(!run.stdout.contains("t.funds"), "{}", run.stdout);
    assert!(!run.stdout.contains("28 位"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the import could not read is counted in the summary's own column
/// (the bureau sees which packages were scored with cells as blank), and
/// listed in the workbook's 检查发现 sheet.
#[test]
fn the_summary_counts_what_the_import_could_not_read() {
    let dir = scratch("summary-unread");
    word_package_with(&dir, "pkg.docx", &[(2, 3, 8, "九分")]);
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "csv",
            "--received-on",
            "2023-06-14",
            "pkg.docx",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut lines = run.stdout.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let row: Vec<&str> = lines.next().expect("row").split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "未能读取")
        .unwrap_or_else(|| panic!("{header:?}"));
    assert_eq!(header.get(column + 1), Some(&"未能评分的原因"));
    assert_eq!(row.get(column), Some(&"1"), "{}", run.stdout);
}

/// A 一级指标's weight is named with its own Word row, not the table's
/// first weight row or none.
#[test]
fn a_level1_weight_is_named_with_its_word_row() {
    let dir = scratch("level1-weight-row");
    let run = word_notice(&dir, &[(3, 22, 2, "效益指标(25分)")]);
    let item = item_with(&run, "“效益指标”权重为 25");
    assert!(item.contains("（Word 文件第3个表格第22行）"), "{item}");
}

/// A blank total score is pointed at by the total row, with its Word row.
#[test]
fn a_blank_total_score_names_the_total_row() {
    let dir = scratch("blank-total-row");
    let run = word_notice(&dir, &[(3, 37, 3, "")]);
    let item = item_with(&run, "总分行只填了分值，没有填写得分");
    assert!(
        item.contains("总分 · 分值（Word 文件第3个表格第37行）"),
        "{item}"
    );
}

/// The notice of a `.toml` package in `dir`, as Markdown; it must score.
fn toml_notice(dir: &Path, file: &str) -> Run {
    let run = jixiao(
        dir,
        &["score", "--for", "unit", "--format", "markdown", file],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run
}

/// A received date within the package's own year is most likely its year
/// mistyped (it would make a late package timely): the bureau is warned on
/// the screen, and the unit's notice does not speak of it.
#[test]
fn a_received_date_before_the_year_ends_is_questioned() {
    let (dir, run) = edited_notice(
        "received-in-year",
        "received_on = 2023-06-14",
        "received_on = 2022-06-14",
    );
    assert!(
        run.stderr
            .contains("edited.toml 的送达日期 2022-06-14 在 2022 年度结束之前"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("年度结束之前"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
    // Ten years on (2033 for 2023) is the same slip the other way: it
    // would cost every point for lateness.
    let (dir, run) = edited_notice(
        "received-years-on",
        "received_on = 2023-06-14",
        "received_on = 2033-06-14",
    );
    assert!(
        run.stderr
            .contains("edited.toml 的送达日期 2033-06-14 在 2022 年度材料报送的一年多以后"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The notice of the example with one edit (`from` → `to`), in a scratch
/// folder of its own (returned, for the test to remove).
fn edited_notice(name: &str, from: &str, to: &str) -> (PathBuf, Run) {
    let dir = scratch(name);
    edited_example(&dir, "edited.toml", from, to);
    let run = toml_notice(&dir, "edited.toml");
    (dir, run)
}

/// An override is said in the notice even where it took nothing: a late
/// package with full marks reads as a slip unless the notice says what the
/// rules gave, why, and the reviewer's reason. A partial override says the
/// rules' score too.
#[test]
fn an_override_is_said_with_what_the_rules_gave() {
    let dir = scratch("override-said");
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("example");
    let late = example.replacen("received_on = 2023-06-14", "received_on = 2023-06-20", 1);
    assert_ne!(late, example, "the received date is in the example");
    for (file, score) in [("full.toml", 10), ("part.toml", 8)] {
        let text = format!(
            "{late}\n[review.timeliness]\nscore = {score}\noverride = true\nnote = \"因系统故障延期，经批准视为按时报送。\"\n"
        );
        std::fs::write(dir.join(file), text).expect("write");
    }
    let full = toml_notice(&dir, "full.toml");
    assert!(
        full.stdout.contains("## 一、失分及评审改判情况"),
        "{}",
        full.stdout
    );
    let line = item_with(&full, "提交报告（满分 10 分");
    assert!(
        line.contains("提交报告（满分 10 分，评审改判，未扣分）：按规则应得 5 分（2023-06-20 送达，截止日期 2023-06-15，迟报 5 天），评审改判得 10 分。评审意见：因系统故障延期，经批准视为按时报送。"),
        "{line}"
    );
    let part = toml_notice(&dir, "part.toml");
    let line = item_with(&part, "提交报告（满分 10 分");
    assert!(
        line.contains("提交报告（满分 10 分，扣 2 分）：按规则应得 5 分（2023-06-20 送达，截止日期 2023-06-15，迟报 5 天），评审改判得 8 分。"),
        "{line}"
    );
    // Without an override the part keeps its plain heading.
    let (plain_dir, plain) = edited_notice(
        "override-none",
        "received_on = 2023-06-14",
        "received_on = 2023-06-20",
    );
    assert!(plain.stdout.contains("## 一、失分情况"), "{}", plain.stdout);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&plain_dir);
}

/// Lost points of one criterion that add up to more than its points say
/// that it lost no more than them: the notice's items add up to its table.
#[test]
fn lost_points_beyond_a_criterion_say_its_cap() {
    let dir = scratch("cap-said");
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("example");
    // No 附件 listed at all, and no section saying a fund table is not
    // needed: three tables and two fund tables missing, 10 points of 7.
    let attachments = example.find("[[attachments]]").expect("attachments");
    let after = example[attachments..]
        .find("\n[[projects]]")
        .or_else(|| example[attachments..].find("\n[review"))
        .expect("a table after the attachments");
    let text = format!(
        "{}{}",
        &example[..attachments],
        &example[attachments + after..]
    )
    .replace("没有政府性基金收入", "有政府性基金收入")
    .replace(
        "没有国有资本经营预算财政拨款支出",
        "有国有资本经营预算财政拨款支出",
    );
    std::fs::write(dir.join("capped.toml"), text).expect("write");
    let run = toml_notice(&dir, "capped.toml");
    let line = item_with(&run, "附件内容齐全（满分 7 分");
    assert!(
        line.contains("附件内容齐全（满分 7 分，扣 7 分）：（1）扣"),
        "{line}"
    );
    assert!(
        line.contains("本项满分 7 分，扣完为止，实扣 7 分。"),
        "{line}"
    );
    assert_eq!(
        run.stdout.matches("附件内容齐全（满分 7 分").count(),
        1,
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A figure the unit wrote in full-width digits (“１００分”) is quoted as
/// the unit wrote it, so that it can be found in the report: not the
/// section's opening words.
#[test]
fn a_full_width_figure_is_quoted_as_written() {
    let (dir, run) = edited_notice(
        "full-width-figure",
        "整体绩效自评得分为100分",
        "整体绩效自评得分为１００分",
    );
    let line = item_with(&run, "自评报告称整体绩效自评得分为100分");
    assert!(line.contains("整体绩效自评得分为１００分。"), "{line}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the import read, with only a note or a spare cell left out (“120
/// （年初批复）”: 120 read; a 其中 row filled in every column, its 全年执行数
/// read), is not told to the unit as unread: only the bureau's import notes
/// say it.
#[test]
fn cells_read_are_not_said_unread() {
    let dir = scratch("read-not-unread");
    let run = word_notice(&dir, &[(3, 4, 3, "120（年初批复）"), (3, 5, 3, "96.89")]);
    assert!(!run.stdout.contains("未能读取"), "{}", run.stdout);
    assert!(!run.stdout.contains("年初批复"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The report's completion rate is compared with the table's written rate;
/// where that rate is itself wrong, the item says what it should be, so
/// that the unit does not copy the wrong one into its report.
#[test]
fn a_wrong_table_rate_is_not_the_reference() {
    let (dir, run) = edited_notice("wrong-rate", "rate = \"102.76%\"", "rate = \"100%\"");
    let line = item_with(&run, "报告称完成预算的 319.84%");
    assert!(
        line.contains("自评表的执行率为 100%（自评表的执行率本身也不对，按全年执行数 ÷ 全年预算数应为 102.76%）"),
        "{line}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A missing self-check record is said with what to send, and pointed at
/// nothing: not at another unit's record, which has nothing to do with it.
#[test]
fn a_missing_self_check_points_at_nothing_else() {
    let (dir, run) = edited_notice(
        "own-check-missing",
        "duty = \"预算单位自查\"",
        "duty = \"转移支付项目自查\"",
    );
    let line = item_with(&run, "单位自查（满分 20 分");
    assert!(
        line.contains("没有本单位“预算单位自查”的记录（本单位应报送自查情况）。"),
        "{line}"
    );
    assert!(!line.contains("见自查记录"), "{line}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A criterion still awaiting a judgment points at the findings its
/// reviewers will look at, so that the unit can see them first.
#[test]
fn a_pending_criterion_points_at_what_will_be_judged() {
    let dir = scratch("pending-related");
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("example");
    let cut = example.find("\n[review]").expect("a [review]");
    std::fs::write(dir.join("pending.toml"), &example[..=cut]).expect("write");
    let run = toml_notice(&dir, "pending.toml");
    assert!(
        run.stdout
            .replace('\n', "")
            .contains("“细化到三级指标”（满分 5 分；相关情况见“供参考”第"),
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Past the cells the engine keeps for one deduction (25 self-checks not
/// done), the count of places is a floor, and the notice says so: not
/// “等 16 处” where there are 25.
#[test]
fn a_count_past_the_places_kept_is_said_as_a_floor() {
    let block = "[[self_checks]]\nunit = \"岳阳市岳阳楼区人民政府金融工作办公室\"\nduty = \"预算单位自查\"\ndone = true\n";
    let undone: String = (0..25)
        .map(|i| format!("\n[[self_checks]]\nunit = \"下属单位{i}\"\nduty = \"转移支付项目自查\"\ndone = false\n"))
        .collect();
    let (_, run) = edited_notice("places-floor", block, &format!("{block}{undone}"));
    assert!(run.stdout.contains("25 项自查工作没有做"), "{}", run.stdout);
    assert!(run.stdout.contains("等至少 16 处"), "{}", run.stdout);
    assert!(!run.stdout.contains("等 16 处"), "{}", run.stdout);
}
