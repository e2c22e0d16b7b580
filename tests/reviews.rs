//! A review round end to end (reviews.md): `jixiao review` writes the
//! worksheet for a Word package and two `.toml` packages; reviewers fill
//! it (here the test writes the filled cells with another writer, and one
//! workbook re-saved by openpyxl is kept as a fixture); `jixiao score
//! --reviews` reads them back through the same code as a real Excel file
//! and gives the figures worked out by hand. Several reviewers, review
//! files, and every error a bureau can make, each with a snapshot.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::Run;

use calamine::{Data, Reader as _, Xlsx};
use rust_xlsxwriter::Workbook;
use serde_json::Value;
use std::path::{Path, PathBuf};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
const DOCX: &str = "examples/2022/yueyanglou-finance-office.docx";
const EXAMPLE_UNIT: &str = "岳阳市岳阳楼区人民政府金融工作办公室";

/// `jixiao ARGS…` in `dir`, wrapped at 100 columns.
fn jixiao(dir: &Path, args: &[&str]) -> Run {
    common::jixiao_in(dir, 100, args)
}

/// A scratch folder of its own for each test.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("jixiao-reviews-{:010}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The example with the changes of a rule test case (`[edit]`, `remove`),
/// written to `dir/file`.
fn variant(dir: &Path, file: &str, changes: &str) -> PathBuf {
    let root = Path::new(MANIFEST).join("rules/2022");
    let name = root.join("tests/variant.toml").display().to_string();
    let text = format!("base = \"bases/yueyanglou-finance-office.toml\"\n{changes}");
    let case = jixiao::cases::load(
        &name,
        &text,
        &jixiao::cases::Bases::Disk { root: root.clone() },
    )
    .unwrap_or_else(|p| panic!("{}", jixiao::diag::render(&p)));
    let path = dir.join(file);
    std::fs::write(&path, case.submission.text.as_bytes()).expect("write variant");
    path
}

/// Unit 甲: problems section only about money (problems is 0 by the rules,
/// so it gets no row).
fn unit_a(dir: &Path) -> PathBuf {
    variant(
        dir,
        "甲单位.toml",
        "remove = [\"review\"]\n[edit]\n\"unit.name\" = \"岳阳楼区甲单位\"\n\"self_checks[0].unit\" = \"岳阳楼区甲单位\"\n\
         \"report.sections[6].text\" = \"（一）专项工作经费不足。\\n（二）办公资金紧张。\"\n",
    )
}

/// Unit 乙: three days late by its own received date.
fn unit_b(dir: &Path) -> PathBuf {
    variant(
        dir,
        "乙单位.toml",
        "remove = [\"review\"]\n[edit]\n\"unit.name\" = \"岳阳楼区乙单位\"\n\"self_checks[0].unit\" = \"岳阳楼区乙单位\"\n\
         \"submission.received_on\" = 2023-06-18\n",
    )
}

/// The example without its `[review]`.
fn unreviewed(dir: &Path) -> PathBuf {
    variant(dir, "示例单位.toml", "remove = [\"review\"]\n")
}

/// A scratch folder with the example without its review (示例单位.toml)
/// and the worksheet made for it (评审表.xlsx), as a reviewer receives it.
/// A scratch folder with the example (without its own review) and 甲单位,
/// and the worksheet made for both (`评审表.xlsx`).
fn two_unit_worksheet(name: &str) -> PathBuf {
    let dir = scratch(name);
    unreviewed(&dir);
    unit_a(&dir);
    let made = jixiao(
        &dir,
        &[
            "review",
            "--out",
            "评审表.xlsx",
            "示例单位.toml",
            "甲单位.toml",
        ],
    );
    assert_eq!(made.code, Some(0), "{}", made.stderr);
    dir
}

fn example_worksheet(name: &str) -> PathBuf {
    let dir = scratch(name);
    unreviewed(&dir);
    let made = jixiao(&dir, &["review", "--out", "评审表.xlsx", "示例单位.toml"]);
    assert_eq!(made.code, Some(0), "{}", made.stderr);
    dir
}

/// The worksheet `dir/评审表.xlsx` filled by 张三 with the bureau's
/// judgments, written to `dir/to`.
fn filled_by_zhang_san(dir: &Path, to: &str) {
    fill(
        &dir.join("评审表.xlsx"),
        &dir.join(to),
        &Filling::by("张三").all(BUREAU),
    );
}

/// A reviewer's entries: criterion id → (tier, score cell, note).
type Entries<'a> = &'a [(&'a str, &'a str, Cell<'a>, &'a str)];

/// A score cell as a reviewer leaves it.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Number(f64),
    Text(&'a str),
}

/// What a reviewer writes into a copy of the worksheet.
struct Filling<'a> {
    reviewer: Option<&'a str>,
    date: Option<&'a str>,
    /// (unit, criterion id, tier, score, note); unit "" = every unit.
    rows: Vec<(&'a str, &'a str, &'a str, Cell<'a>, &'a str)>,
    /// (unit, received date) on the 单位 sheet.
    received: Vec<(&'a str, &'a str)>,
    /// A column name of the 评审 sheet typed over: (name, what is typed).
    renamed: Option<(&'a str, &'a str)>,
    /// A row's 编号 typed over, in its first row: (id, what is typed).
    id_typed_over: Option<(&'a str, &'a str)>,
    /// A unit's name typed over on the 单位 sheet: (name, what is typed).
    unit_typed_over: Option<(&'a str, &'a str)>,
    /// A unit's name typed over in its first row of the 评审 sheet.
    row_unit_typed_over: Option<(&'a str, &'a str)>,
}

impl<'a> Filling<'a> {
    fn by(reviewer: &'a str) -> Self {
        Filling {
            reviewer: Some(reviewer),
            date: Some("2023-07-10"),
            rows: Vec::new(),
            received: Vec::new(),
            renamed: None,
            id_typed_over: None,
            unit_typed_over: None,
            row_unit_typed_over: None,
        }
    }

    /// The same entries for every unit.
    fn all(mut self, entries: Entries<'a>) -> Self {
        for (id, tier, score, note) in entries {
            self.rows.push(("", id, tier, *score, note));
        }
        self
    }
}

/// The example's review, as the bureau gave it (95 in all).
const BUREAU: Entries<'static> = &[
    (
        "refinement",
        "",
        Cell::Number(4.0),
        "两张自评表的“可持续影响指标”均未细化到三级指标。",
    ),
    ("measurable", "", Cell::Number(4.0), "部分三级指标未量化。"),
    ("focused", "", Cell::Number(3.0), ""),
    ("relevant", "", Cell::Number(2.0), ""),
    (
        "problems",
        "较全面",
        Cell::Number(18.0),
        "问题集中在廉政与固定资产管理。",
    ),
    (
        "suggestions",
        "较全面",
        Cell::Number(14.0),
        "建议与问题一一对应。",
    ),
];

/// Copy the worksheet `from` into `to`, filled: every cell of the 评审 and
/// 单位 sheets is read (calamine) and written again (rust_xlsxwriter), with
/// the reviewer's entries in their cells.
fn fill(from: &Path, to: &Path, filling: &Filling<'_>) {
    let mut book: Xlsx<_> = calamine::open_workbook(from).expect("open worksheet");
    let mut out = Workbook::new();
    for name in ["评审", "材料", "单位"] {
        let range = book.worksheet_range(name).expect("sheet");
        let sheet = out.add_worksheet();
        sheet.set_name(name).expect("name");
        let (rows, cols) = range.end().map_or((0, 0), |(r, c)| (r + 1, c + 1));
        let header = (0..rows)
            .find(|r| range.get_value((*r, 0)) == Some(&Data::String("单位".into())))
            .unwrap_or(0);
        let col_of = |title: &str| {
            (0..cols)
                .find(|c| range.get_value((header, *c)) == Some(&Data::String(title.into())))
                .unwrap_or_else(|| panic!("no column {title}"))
        };
        for r in 0..rows {
            for c in 0..cols {
                let value = range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
                let (r16, c16) = (r, u16::try_from(c).expect("column"));
                let value = match (&value, filling.renamed) {
                    (Data::String(s), Some((from, to)))
                        if name == "评审" && r == header && s == from =>
                    {
                        Data::String(to.to_string())
                    }
                    _ => value,
                };
                let value = match (&value, filling.row_unit_typed_over) {
                    (Data::String(s), Some((from, to)))
                        if name == "评审"
                            && c == 0
                            && r > header
                            && s == from
                            && !(header + 1..r).any(|earlier| {
                                range.get_value((earlier, 0)) == Some(&Data::String(from.into()))
                            }) =>
                    {
                        Data::String(to.to_string())
                    }
                    _ => value,
                };
                let value = match (&value, filling.unit_typed_over) {
                    (Data::String(s), Some((from, to)))
                        if name == "单位" && c == 0 && s == from =>
                    {
                        Data::String(to.to_string())
                    }
                    _ => value,
                };
                let value = match (&value, filling.id_typed_over) {
                    (Data::String(s), Some((from, to)))
                        if name == "评审"
                            && r > header
                            && s == from
                            && !(header + 1..r).any(|earlier| {
                                range.get_value((earlier, c)) == Some(&Data::String(from.into()))
                            }) =>
                    {
                        Data::String(to.to_string())
                    }
                    _ => value,
                };
                match value {
                    Data::String(s) => sheet.write_string(r16, c16, s),
                    Data::Float(f) => sheet.write_number(r16, c16, f),
                    Data::Int(i) => sheet.write_number(r16, c16, i as f64),
                    Data::DateTime(d) => {
                        let when = rust_xlsxwriter::ExcelDateTime::from_serial_datetime(d.as_f64())
                            .expect("date");
                        let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                        sheet.write_datetime_with_format(r16, c16, &when, &format)
                    }
                    _ => continue,
                }
                .expect("write");
            }
        }
        let text = |r: u32, c: u32| match range.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            _ => String::new(),
        };
        if name == "评审" {
            for r in 0..header {
                for c in 0..cols {
                    let right = match text(r, c).as_str() {
                        "评审人" => filling.reviewer,
                        "评审日期" => filling.date,
                        _ => continue,
                    };
                    if let Some(v) = right {
                        sheet
                            .write_string(r, u16::try_from(c + 1).expect("col"), v)
                            .expect("label");
                    }
                }
            }
            let (unit, id) = (col_of("单位"), col_of("编号"));
            let (tier, score, note) = (col_of("档次"), col_of("得分"), col_of("评审意见"));
            for r in header + 1..rows {
                for (u, want, t, s, n) in &filling.rows {
                    if text(r, id) != *want || !(u.is_empty() || text(r, unit) == *u) {
                        continue;
                    }
                    let c = |x: u32| u16::try_from(x).expect("col");
                    if !t.is_empty() {
                        sheet.write_string(r, c(tier), *t).expect("tier");
                    }
                    match s {
                        Cell::Number(f) => sheet.write_number(r, c(score), *f),
                        Cell::Text(t) => sheet.write_string(r, c(score), *t),
                    }
                    .expect("score");
                    if !n.is_empty() {
                        sheet.write_string(r, c(note), *n).expect("note");
                    }
                }
            }
        }
        if name == "单位" {
            for r in 1..rows {
                if let Some((_, date)) = filling.received.iter().find(|(u, _)| text(r, 0) == *u) {
                    sheet.write_string(r, 3, *date).expect("date");
                }
            }
        }
    }
    out.save(to).expect("save filled worksheet");
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr))
}

/// `unit` → (status, score) of a JSON array of results.
fn scores(v: &Value) -> Vec<(String, String, String)> {
    let items = match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    items
        .iter()
        .map(|o| {
            (
                o["unit"].as_str().unwrap_or("").to_string(),
                o["status"].as_str().unwrap_or("").to_string(),
                o["score"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A criterion of one result, anywhere in the tree.
fn criterion<'v>(result: &'v Value, id: &str) -> &'v Value {
    fn find<'v>(nodes: &'v Value, id: &str) -> Option<&'v Value> {
        nodes.as_array()?.iter().find_map(|n| {
            if n["id"] == id {
                Some(n)
            } else {
                find(&n["children"], id)
            }
        })
    }
    find(&result["criteria"], id).unwrap_or_else(|| panic!("no criterion {id}"))
}

/// The temp folder's path out of messages, for snapshots.
fn scrub(text: &str, dir: &Path) -> String {
    text.replace(&format!("{}/", dir.display()), "")
        .replace(&dir.display().to_string(), ".")
}

#[test]
fn round_trip_word_and_toml_packages() {
    let dir = scratch("round-trip");
    std::fs::copy(Path::new(MANIFEST).join(DOCX), dir.join("示例单位.docx")).expect("copy docx");
    let (a, b) = (unit_a(&dir), unit_b(&dir));
    let made = jixiao(
        &dir,
        &[
            "review",
            "--out",
            "评审表.xlsx",
            "示例单位.docx",
            "甲单位.toml",
            "乙单位.toml",
        ],
    );
    assert_eq!(made.code, Some(0), "{}", made.stderr);
    assert!(
        made.stderr
            .contains("已生成评审表 评审表.xlsx：3 个单位，17 项待评审"),
        "{}",
        made.stderr
    );
    // Rows: six judged criteria for the Word package and for 乙, five for 甲
    // (its problems section is zero by the rules: no row).
    let mut book: Xlsx<_> = calamine::open_workbook(dir.join("评审表.xlsx")).expect("open");
    let range = book.worksheet_range("评审").expect("评审 sheet");
    let ids: Vec<String> = range
        .rows()
        .skip(4)
        .map(|r| r.get(4).map(ToString::to_string).unwrap_or_default())
        .collect();
    assert_eq!(
        ids.iter().filter(|i| *i == "problems").count(),
        2,
        "{ids:?}"
    );
    assert_eq!(ids.len(), 17);
    // The instructions, a step to a line; the Word package has no received
    // date, so they say where to write it.
    let note = range
        .get_value((2, 0))
        .map(ToString::to_string)
        .unwrap_or_default();
    let steps: Vec<&str> = note.lines().collect();
    assert!(steps.len() >= 4, "{note}");
    assert!(
        steps
            .iter()
            .any(|l| l.starts_with("4. ") && l.contains("送达日期")),
        "{note}"
    );
    // Beside the hints, a criterion's row gives what the checks it names
    // (`related to unrefined_level2`) found in that unit's package.
    let refinement_hints: Vec<String> = range
        .rows()
        .skip(4)
        .filter(|r| r.get(4).is_some_and(|c| *c == "refinement"))
        .map(|r| r.get(10).map(ToString::to_string).unwrap_or_default())
        .collect();
    assert_eq!(refinement_hints.len(), 3, "{refinement_hints:?}");
    assert!(
        refinement_hints.iter().any(|h| h.contains(
            "相关检查发现（提示）：部门整体支出绩效自评表的二级指标“可持续影响指标”（效益指标）没有三级指标"
        )),
        "{refinement_hints:?}"
    );
    // The 材料 sheet holds the lines the hints count (reviews.md): every
    // indicator line, the unrefined ones marked, and every named indicator
    // with its target.
    let material = book.worksheet_range("材料").expect("材料 sheet");
    let texts: Vec<String> = material.rows().flatten().map(ToString::to_string).collect();
    let all = texts.join("\n");
    for words in [
        "各表的指标行（一级指标 / 二级指标 / 三级指标）（评分项：细化到三级指标）",
        "效益指标 / 可持续影响指标 / （没有三级指标）",
        "各表的三级指标及年度指标值（评分项：内涵明确、具体、可衡量）",
        "培育企业上市：4家",
        "推进乡村振兴：发放扶贫贷款（不是数量）",
    ] {
        assert!(all.contains(words), "no {words} in 材料:\n{all}");
    }
    let units = book.worksheet_range("单位").expect("单位 sheet");
    // The Word package has no received date; 乙's own is shown.
    assert!(
        matches!(units.get_value((1, 3)), None | Some(Data::Empty)),
        "{units:?}"
    );
    assert!(
        matches!(units.get_value((3, 3)), Some(Data::DateTime(_))),
        "{units:?}"
    );

    let filling = Filling {
        received: vec![
            (EXAMPLE_UNIT, "2023-06-14"),
            ("岳阳楼区乙单位", "2023-06-14"),
        ],
        ..Filling::by("张三").all(BUREAU)
    };
    fill(
        &dir.join("评审表.xlsx"),
        &dir.join("评审表-张三.xlsx"),
        &filling,
    );
    let _ = (a, b);
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--reviews",
            "评审表-张三.xlsx",
            "示例单位.docx",
            "甲单位.toml",
            "乙单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // By hand: the example's 95; 甲 95 − 18 (problems zero) = 77; 乙 95 − 3
    // days late = 92 (its own date wins over the registry's, with a note).
    assert_eq!(
        scores(&json(&run)),
        vec![
            (EXAMPLE_UNIT.into(), "final".into(), "95".into()),
            ("岳阳楼区甲单位".into(), "final".into(), "77".into()),
            ("岳阳楼区乙单位".into(), "final".into(), "92".into()),
        ]
    );
    assert!(
        run.stderr.contains("警告：单位“岳阳楼区乙单位”的送达日期，材料 乙单位.toml 中为 2023-06-18，评审表-张三.xlsx 单位!D4 为 2023-06-14；以材料为准"),
        "{}",
        run.stderr
    );
    let v = json(&run);
    let problems = criterion(&v[0], "problems");
    assert_eq!(problems["basis"], "judged");
    let judgment = &problems["deductions"][0]["judgments"][0];
    assert_eq!(judgment["reviewer"], "张三");
    assert_eq!(judgment["tier"], "较全面");
    assert_eq!(judgment["score"], "18");
    assert_eq!(judgment["combined"], "single");
    assert!(
        judgment["at"]
            .as_str()
            .is_some_and(|a| a.starts_with("评审表-张三.xlsx 评审!H")),
        "{judgment}"
    );
    // Two worksheets giving the Word package different dates: that is
    // said, and its rows are not "a unit not among the inputs".
    let other = Filling {
        received: vec![(EXAMPLE_UNIT, "2023-06-20")],
        ..Filling::by("李四").all(BUREAU)
    };
    fill(
        &dir.join("评审表.xlsx"),
        &dir.join("评审表-李四.xlsx"),
        &other,
    );
    let run = jixiao(
        &dir,
        &[
            "score",
            "--reviews",
            "评审表-张三.xlsx",
            "--reviews",
            "评审表-李四.xlsx",
            "示例单位.docx",
            "甲单位.toml",
            "乙单位.toml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("的送达日期不一致"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("review::unknown_unit"),
        "{}",
        run.stderr
    );
    // Without the worksheet the Word package cannot be scored: no date.
    let run = jixiao(&dir, &["score", "示例单位.docx"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("评审表“单位”工作表"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Reviewers' judgments in review files (`.toml`), two reviewers: the mean.
#[test]
fn two_reviewers_in_review_files() {
    let dir = scratch("two");
    unreviewed(&dir);
    let file = |name: &str, problems: &str, suggestions: &str| {
        std::fs::write(
            dir.join(name),
            format!(
                "format = 1\nkind = \"review\"\nreviewer = \"{}\"\nreviewed_on = 2023-07-10\n\n\
                 [[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\n\
                 refinement = {{ score = 4, note = \"未全部细化。\" }}\n\
                 measurable = {{ score = 4, note = \"部分未量化。\" }}\n\
                 focused = {{ score = 3 }}\nrelevant = {{ score = 2 }}\n\
                 problems = {problems}\nsuggestions = {suggestions}\n",
                name.trim_end_matches(".toml")
            ),
        )
        .expect("write review file");
    };
    file(
        "张三.toml",
        "{ tier = \"较全面\", score = 18, note = \"较全面。\" }",
        "{ tier = \"较全面\", score = 14, note = \"较全面。\" }",
    );
    file(
        "李四.toml",
        "{ tier = \"较全面\", score = 16, note = \"未涉及预算执行。\" }",
        "{ tier = \"较全面\", score = 12, note = \"措施不够具体。\" }",
    );
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--reviews",
            "张三.toml",
            "--reviews",
            "李四.toml",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = json(&run);
    // By hand: problems (18 + 16) / 2 = 17, suggestions (14 + 12) / 2 = 13;
    // 95 − 18 − 14 + 17 + 13 = 93. Two points apart: no warning.
    assert_eq!(v["score"], "93");
    assert_eq!(criterion(&v, "problems")["score"], "17");
    assert_eq!(criterion(&v, "suggestions")["score"], "13");
    let judgments = &criterion(&v, "problems")["deductions"][0]["judgments"];
    assert_eq!(judgments[0]["reviewer"], "张三");
    assert_eq!(judgments[1]["reviewer"], "李四");
    assert_eq!(judgments[1]["at"], "李四.toml:13:1");
    assert_eq!(judgments[0]["combined"], "mean");
    assert!(
        !v["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x["id"] == "reviewers_disagree")),
        "{}",
        v["findings"]
    );
    // Every report names each reviewer, score and note, and the method.
    let deduction = &criterion(&v, "problems")["deductions"][0];
    assert_eq!(
        deduction["message"],
        "2 名评审人评分，取平均分 17 分：张三（较全面）18 分：较全面；李四（较全面）16 分：未涉及预算执行"
    );
    let text = jixiao(
        &dir,
        &[
            "score",
            "--reviews",
            "张三.toml",
            "--reviews",
            "李四.toml",
            "示例单位.toml",
        ],
    );
    assert!(
        text.stdout
            .contains("评审意见（李四，李四.toml:13:1）：未涉及预算执行。"),
        "{}",
        text.stdout
    );
    // A folder of review files is read in name order.
    std::fs::create_dir_all(dir.join("评审")).expect("folder");
    for f in ["张三.toml", "李四.toml"] {
        std::fs::rename(dir.join(f), dir.join("评审").join(f)).expect("move");
    }
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--reviews",
            "评审",
            "示例单位.toml",
        ],
    );
    assert_eq!(json(&run)["score"], "93", "{}", run.stderr);
    // The same file given again, alone beside its folder: said as that,
    // not as one reviewer in two files.
    let run = jixiao(
        &dir,
        &[
            "score",
            "--reviews",
            "评审",
            "--reviews",
            "评审/张三.toml",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("同一份评审意见给了两次：评审/张三.toml"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("出现在两份评审意见中"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Three reviewers on worksheets: the mean rounded as the sheet rounds; a
/// spread over 3 points is a warning naming each reviewer and score.
/// A review file's mistakes in the reviewer's own terms (the key as the
/// file writes it, not the `[review]` table of a package), and every kind
/// of mistake in one run: a score outside its band does not hide a row for
/// a unit that is not among the inputs.
#[test]
fn review_file_mistakes_in_one_run() {
    let dir = scratch("file-mistakes");
    unreviewed(&dir);
    let write = |name: &str, rows: &str| {
        std::fs::write(
            dir.join(name),
            format!(
                "format = 1\nkind = \"review\"\nreviewer = \"王五\"\nreviewed_on = 2023-07-10\n\n{rows}"
            ),
        )
        .expect("write review file");
    };
    write(
        "王五.toml",
        &format!(
            "[[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\nmeasurable = {{ score = \"4\" }}\n"
        ),
    );
    let run = jixiao(&dir, &["score", "--reviews", "王五.toml", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("`measurable.score` 的类型不对"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("review.measurable"), "{}", run.stderr);
    write(
        "王五.toml",
        &format!(
            "[[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\nmeasurable = {{ score = 6, note = \"超出。\" }}\nrelevant = {{ score = 2 }}\n\n\
             [[units]]\nunit = \"不存在的单位\"\nyear = 2022\nfocused = {{ score = 3 }}\n\n\
             [[units]]\nunit = \"{slip}\"\nyear = 2022\nfocused = {{ score = 3 }}\n\n\
             [[units]]\nunit = \"{other}\"\nyear = 2022\nfocused = {{ score = 3 }}\nrelevant = {{ score = 2 }}\n",
            slip = EXAMPLE_UNIT.replace("办公室", "办工室"),
            other = EXAMPLE_UNIT.replace("金融工作", "外事工作"),
        ),
    );
    let run = jixiao(&dir, &["score", "--reviews", "王五.toml", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    for code in ["review::out_of_band", "review::unknown_unit"] {
        assert!(run.stderr.contains(code), "no {code}: {}", run.stderr);
    }
    // A slip in a scored unit's name (a row of its block) is said with the
    // name meant, and what it cost: that unit's score lacks the row. A name
    // like no other is not, nor a near name with a whole block of its own
    // (another office, whose package was left out).
    let said = run.stderr.replace(['\n', ' ', '│'], "");
    assert!(
        said.contains(&format!(
            "它与本次评分的单位“{EXAMPLE_UNIT}”只差1个字，若是同一单位，这一行的评分没有计入“{EXAMPLE_UNIT}”的得分"
        )) && said.contains(&format!("是同一单位的，把评审表中的单位名称改为“{EXAMPLE_UNIT}”"))
            && said.contains("是另一单位的，把它的材料一并列入评分"),
        "{}",
        run.stderr
    );
    assert_eq!(said.matches("只差").count(), 1, "{}", run.stderr);
    assert_eq!(
        said.matches("不在本次评分的材料之中").count(),
        3,
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn three_reviewers_mean_and_disagreement() {
    let dir = example_worksheet("three");
    let base = dir.join("评审表.xlsx");
    let with_problems = |who: &'static str, tier: &'static str, score: f64| {
        let mut entries: Vec<_> = BUREAU
            .iter()
            .filter(|(id, ..)| *id != "problems")
            .copied()
            .collect();
        entries.push(("problems", tier, Cell::Number(score), "问题归纳不够全面。"));
        let path = dir.join(format!("评审表-{who}.xlsx"));
        let entries: &'static [_] = Box::leak(entries.into_boxed_slice());
        fill(&base, &path, &Filling::by(who).all(entries));
        path
    };
    with_problems("张三", "较全面", 18.0);
    with_problems("李四", "较全面", 16.0);
    with_problems("王五", "较全面", 17.5);
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--reviews",
            "评审表-张三.xlsx",
            "--reviews",
            "评审表-李四.xlsx",
            "--reviews",
            "评审表-王五.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = json(&run);
    // By hand: (18 + 16 + 17.5) / 3 = 17.1666… → 17.17; 95 − 18 + 17.17.
    assert_eq!(criterion(&v, "problems")["score"], "17.17");
    assert_eq!(v["score"], "94.17");
    // The deduction says the mean before the sheet rounded it, and points
    // at the rules' `combine mean`, where the mean comes from.
    let deduction = &criterion(&v, "problems")["deductions"][0];
    let message = deduction["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(
            "3 名评审人评分，取平均分 17.17 分（平均数约为 17.1667，按评分表保留 2 位小数）："
        ),
        "{message}"
    );
    assert_eq!(
        deduction["rule"]["file"], "builtin:2022/sheet.jx",
        "{deduction}"
    );
    assert_eq!(deduction["rule"]["line"], 10, "{deduction}");
    assert_eq!(
        criterion(&v, "problems")["judgments"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    // Each note is cited at its own cell, in the 评审意见 column.
    let notes = criterion(&v, "problems")["notes"].to_string();
    assert!(
        notes.contains("评审意见（张三，评审表-张三.xlsx 评审!I"),
        "{notes}"
    );
    assert!(!notes.contains("评审!H"), "{notes}");

    // 张三 18 against 李四 14 (不全面): 4 points apart, over the rules' 3.
    with_problems("李四", "不全面", 14.0);
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--reviews",
            "评审表-张三.xlsx",
            "--reviews",
            "评审表-李四.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = json(&run);
    assert_eq!(criterion(&v, "problems")["score"], "16");
    let finding = v["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["id"] == "reviewers_disagree"))
        .unwrap_or_else(|| panic!("no reviewers_disagree: {}", v["findings"]));
    assert_eq!(finding["severity"], "warning");
    assert_eq!(
        finding["message"],
        "评分项“绩效评价报告反映问题情况”的评审分数相差 4 分，超过 3 分：张三 18 分（评审表-张三.xlsx 评审!H9），李四 14 分（评审表-李四.xlsx 评审!H9）。请复核"
    );
    assert_eq!(finding["rule"]["file"], "builtin:2022/sheet.jx");
    // Its values are named as every other finding's are, by the rules'
    // identifiers, and each score's cell is one of its places.
    assert_eq!(
        finding["values"],
        serde_json::json!({ "spread": "4", "disagree_above": "3" })
    );
    assert_eq!(
        finding["data"],
        serde_json::json!([
            {
                "path": "review.problems.score",
                "document": "评审得分（张三，评审表-张三.xlsx 评审!H9）",
                "value": "18",
                "source": { "file": "评审表-张三.xlsx", "sheet": "评审", "cell": "H9" }
            },
            {
                "path": "review.problems.score",
                "document": "评审得分（李四，评审表-李四.xlsx 评审!H9）",
                "value": "14",
                "source": { "file": "评审表-李四.xlsx", "sheet": "评审", "cell": "H9" }
            }
        ])
    );
    // And beside the combined score in the working paper's table of
    // judgments, where its reader looks.
    let paper = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "markdown",
            "--reviews",
            "评审表-张三.xlsx",
            "--reviews",
            "评审表-李四.xlsx",
            "示例单位.toml",
        ],
    );
    assert!(
        paper
            .stdout
            .contains("取平均分 16；相差 4 分，超过 3 分，请复核"),
        "{}",
        paper.stdout
    );
    // Said on the screen too, as the warning it is, for whoever sends the
    // scores out.
    assert!(
        run.stderr
            .contains("警告：单位“岳阳市岳阳楼区人民政府金融工作办公室”的评分项“绩效评价报告反映问题情况”的评审分数相差 4 分"),
        "{}",
        run.stderr
    );

    // In the summary, the disagreement shows in the status, for the bureau
    // to check before the notices go, and is counted as the warning it is:
    // the summary's counts are the JSON's.
    let summary = |format: &str| {
        jixiao(
            &dir,
            &[
                "score",
                "--format",
                format,
                "--reviews",
                "评审表-张三.xlsx",
                "--reviews",
                "评审表-李四.xlsx",
                "示例单位.toml",
            ],
        )
    };
    let csv = summary("csv");
    // The status is the status alone (a filter on 已定分 keeps the unit);
    // the call to recheck is in a column of its own.
    let cell = csv_cell;
    assert_eq!(cell(&csv.stdout, "状态"), "已定分", "{}", csv.stdout);
    assert_eq!(
        cell(&csv.stdout, "复核"),
        "评审分差大需复核",
        "{}",
        csv.stdout
    );
    let own = jixiao(&dir, &["score", "--format", "csv", "示例单位.toml"]);
    assert_eq!(cell(&own.stdout, "复核"), "", "{}", own.stdout);
    let warnings = |out: &str| -> u64 {
        csv_cell(out, "警告")
            .parse()
            .unwrap_or_else(|_| panic!("no 警告 count: {out}"))
    };
    assert_eq!(
        warnings(&csv.stdout),
        warnings(&own.stdout) + 1,
        "{}",
        csv.stdout
    );
    let in_json = v["findings"]
        .as_array()
        .map(|f| f.iter().filter(|x| x["severity"] == "warning").count() as u64);
    assert_eq!(Some(warnings(&csv.stdout)), in_json, "{}", csv.stdout);
    // The workbook's 检查发现 sheet agrees: its line for the disagreement
    // is one more 警告, with the cells of the scores it compares.
    let xlsx = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "xlsx",
            "-o",
            "汇总.xlsx",
            "--reviews",
            "评审表-张三.xlsx",
            "--reviews",
            "评审表-李四.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(xlsx.code, Some(0), "{}", xlsx.stderr);
    let mut book: Xlsx<_> = calamine::open_workbook(dir.join("汇总.xlsx")).expect("open summary");
    let found = book.worksheet_range("检查发现").expect("sheet");
    let line: Vec<String> = found
        .rows()
        .find(|r| r.iter().any(|c| c.to_string().contains("评审分数相差")))
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default();
    assert_eq!(line.get(2).map(String::as_str), Some("警告"), "{line:?}");
    assert_eq!(
        line.get(6).map(String::as_str),
        Some("张三 评审表-张三.xlsx 评审!H9；李四 评审表-李四.xlsx 评审!H9"),
        "{line:?}"
    );
    let levels: Vec<String> = found
        .rows()
        .skip(1)
        .filter_map(|r| r.get(2).map(|c| c.to_string()))
        .collect();
    assert!(
        levels
            .iter()
            .all(|l| ["错误", "警告", "提示"].contains(&l.as_str())),
        "{levels:?}"
    );
    let summary_sheet = book.worksheet_range("汇总").expect("sheet");
    let mut rows = summary_sheet.rows();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default();
    let first: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default();
    let at = header.iter().position(|h| h == "警告");
    assert_eq!(
        at.and_then(|i| first.get(i))
            .and_then(|v| v.parse::<u64>().ok()),
        in_json,
        "{header:?} {first:?}"
    );

    // A reviewer who left a row empty: counted as no judgment, and said.
    let without_focused: Vec<_> = BUREAU
        .iter()
        .filter(|(id, ..)| *id != "focused")
        .copied()
        .collect();
    let entries: &'static [_] = Box::leak(without_focused.into_boxed_slice());
    fill(
        &base,
        &dir.join("评审表-赵六.xlsx"),
        &Filling::by("赵六").all(entries),
    );
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--reviews",
            "评审表-张三.xlsx",
            "--reviews",
            "评审表-赵六.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("评审表-赵六.xlsx（评审人 赵六）有 1 行未评分（评审!H"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A worksheet filled and saved by openpyxl (shared strings, its own
/// styles, numbers as Excel writes them) and kept in the repository, with
/// a score typed as text in full-width digits and one with a decimal.
#[test]
fn worksheet_saved_by_another_program() {
    let dir = scratch("openpyxl");
    unreviewed(&dir);
    let fixture = Path::new(MANIFEST).join("tests/fixtures/reviews/openpyxl-filled.xlsx");
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--reviews",
            &fixture.display().to_string(),
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = json(&run);
    // The fixture holds: refinement 4, measurable "４" (text), focused 3,
    // relevant 1.5, problems 较全面 18, suggestions 较全面 "14" (text).
    assert_eq!(criterion(&v, "measurable")["score"], "4");
    assert_eq!(criterion(&v, "relevant")["score"], "1.5");
    assert_eq!(criterion(&v, "suggestions")["score"], "14");
    assert_eq!(v["score"], "94.5");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every mistake a bureau can make, each refused with its file, sheet and
/// cell, the unit and the criterion, and what to write instead; the other
/// units are still scored.
#[test]
fn review_errors() {
    let dir = two_unit_worksheet("errors");
    let base = dir.join("评审表.xlsx");
    let mut snapshots = Vec::new();
    let mut case = |name: &str, filling: Option<Filling<'_>>, extra: &[&str], inputs: &[&str]| {
        let file = format!("{name}.xlsx");
        if let Some(f) = filling {
            fill(&base, &dir.join(&file), &f);
        }
        let mut args = vec!["score", "--reviews", file.as_str()];
        args.extend_from_slice(extra);
        args.extend_from_slice(inputs);
        let run = jixiao(&dir, &args);
        assert_eq!(run.code, Some(1), "{name}: {}\n{}", run.stdout, run.stderr);
        snapshots.push(format!("── {name} ──\n{}", scrub(&run.stderr, &dir)));
        run
    };
    let only_example = |entries: Entries<'static>| {
        let mut f = Filling::by("张三");
        for (id, tier, score, note) in entries {
            f.rows.push((EXAMPLE_UNIT, id, tier, *score, note));
        }
        for (id, tier, score, note) in BUREAU {
            if *id != "problems" {
                f.rows.push(("岳阳楼区甲单位", id, tier, *score, note));
            }
        }
        f
    };
    let swap = |id: &'static str, tier: &'static str, score: Cell<'static>, note: &'static str| {
        let mut entries: Vec<_> = BUREAU.iter().filter(|e| e.0 != id).copied().collect();
        entries.push((id, tier, score, note));
        &*Box::leak(entries.into_boxed_slice())
    };
    let inputs = ["示例单位.toml", "甲单位.toml"];
    let run = case(
        "out-of-band",
        Some(only_example(swap(
            "problems",
            "较全面",
            Cell::Number(15.0),
            "较全面。",
        ))),
        &[],
        &inputs,
    );
    // The other unit is still scored.
    assert!(
        run.stdout.contains("岳阳楼区甲单位（2022 年度）"),
        "{}",
        run.stdout
    );
    case(
        "too-precise",
        Some(only_example(swap(
            "measurable",
            "",
            Cell::Number(4.333),
            "部分未量化。",
        ))),
        &[],
        &inputs,
    );
    case(
        "text-score",
        Some(only_example(swap(
            "measurable",
            "",
            Cell::Text("四分"),
            "部分未量化。",
        ))),
        &[],
        &inputs,
    );
    case(
        "missing-note",
        Some(only_example(swap("measurable", "", Cell::Number(4.0), ""))),
        &[],
        &inputs,
    );
    case(
        "unknown-tier",
        Some(only_example(swap(
            "problems",
            "比较全面",
            Cell::Number(18.0),
            "较全面。",
        ))),
        &[],
        &inputs,
    );
    // A tier chosen and the score left empty: the help gives the tier's score.
    case(
        "tier-without-score",
        Some(only_example(swap(
            "problems",
            "较全面",
            Cell::Text(""),
            "较全面。",
        ))),
        &[],
        &inputs,
    );
    // Rows for 甲单位, which is not among the inputs.
    case(
        "unit-not-among-inputs",
        Some(only_example(BUREAU)),
        &[],
        &["示例单位.toml"],
    );
    // The same reviewer twice.
    fill(&base, &dir.join("twice-a.xlsx"), &only_example(BUREAU));
    case(
        "same-reviewer-twice",
        Some(only_example(BUREAU)),
        &["--reviews", "twice-a.xlsx"],
        &inputs,
    );
    case(
        "no-reviewer",
        Some(Filling {
            reviewer: None,
            ..only_example(BUREAU)
        }),
        &[],
        &inputs,
    );
    // A column name typed over: the cell and the name it should have.
    case(
        "renamed-header",
        Some(Filling {
            renamed: Some(("得分", "分数")),
            ..only_example(BUREAU)
        }),
        &[],
        &inputs,
    );
    // A row's 编号 typed over with an automatic criterion's.
    case(
        "judgment-on-auto",
        Some(Filling {
            id_typed_over: Some(("focused", "weights")),
            ..only_example(BUREAU)
        }),
        &[],
        &inputs,
    );
    // The summary workbook left among the returned worksheets.
    let summary = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "xlsx",
            "-o",
            "summary-workbook.xlsx",
            "示例单位.toml",
        ],
    );
    assert!(
        dir.join("summary-workbook.xlsx").exists(),
        "{}",
        summary.stderr
    );
    case("summary-workbook", None, &[], &inputs);
    // A worksheet made with the 2023 rules, used for 2022 packages.
    let made = jixiao(
        &dir,
        &[
            "review",
            "--rules",
            &format!("{MANIFEST}/rules/2023"),
            "--out",
            "评审表2023.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(made.code, Some(0), "{}", made.stderr);
    let filled = Filling::by("张三").all(BUREAU);
    fill(
        &dir.join("评审表2023.xlsx"),
        &dir.join("other-year.xlsx"),
        &filled,
    );
    case("other-year", None, &[], &["示例单位.toml"]);
    std::fs::write(
        dir.join("damaged.xlsx"),
        b"PK\x03\x04 not really a workbook",
    )
    .expect("write");
    case("damaged", None, &[], &inputs);
    // A review file with a misspelt criterion and no reviewer.
    std::fs::write(
        dir.join("张三.toml"),
        format!(
            "format = 1\nkind = \"review\"\nreviewd_on = 2023-07-10\n\n[[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\nproblem = {{ tier = \"较全面\", score = 18, note = \"较全面。\" }}\n"
        ),
    )
    .expect("write");
    let run = jixiao(&dir, &["score", "--reviews", "张三.toml", "示例单位.toml"]);
    assert_eq!(run.code, Some(1));
    snapshots.push(format!("── review-file ──\n{}", scrub(&run.stderr, &dir)));
    std::fs::write(
        dir.join("张三.toml"),
        format!(
            "format = 1\nkind = \"review\"\nreviewer = \"张三\"\n\n[[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\nproblem = {{ tier = \"较全面\", score = 18, note = \"较全面。\" }}\n"
        ),
    )
    .expect("write");
    let run = jixiao(&dir, &["score", "--reviews", "张三.toml", "示例单位.toml"]);
    assert_eq!(run.code, Some(1));
    snapshots.push(format!(
        "── review-file-criterion ──\n{}",
        scrub(&run.stderr, &dir)
    ));
    // One reviewer judging the same unit's criterion twice in one file.
    std::fs::write(
        dir.join("张三.toml"),
        format!(
            "format = 1\nkind = \"review\"\nreviewer = \"张三\"\n\n\
             [[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\nproblems = {{ tier = \"较全面\", score = 18, note = \"较全面。\" }}\n\n\
             [[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\nproblems = {{ tier = \"较全面\", score = 17, note = \"较全面。\" }}\n"
        ),
    )
    .expect("write");
    let run = jixiao(&dir, &["score", "--reviews", "张三.toml", "示例单位.toml"]);
    assert_eq!(run.code, Some(1));
    snapshots.push(format!(
        "── twice-in-one-file ──\n{}",
        scrub(&run.stderr, &dir)
    ));
    // Last year's review kept by mistake: said once, for the file.
    std::fs::write(
        dir.join("张三.toml"),
        format!(
            "format = 1\nkind = \"review\"\nreviewer = \"张三\"\n\n\
             [[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2021\nproblems = {{ tier = \"较全面\", score = 18, note = \"较全面。\" }}\n\n\
             [[units]]\nunit = \"岳阳楼区甲单位\"\nyear = 2021\nproblems = {{ tier = \"较全面\", score = 17, note = \"较全面。\" }}\n"
        ),
    )
    .expect("write");
    let run = jixiao(
        &dir,
        &[
            "score",
            "--reviews",
            "张三.toml",
            "示例单位.toml",
            "甲单位.toml",
        ],
    );
    assert_eq!(run.code, Some(1));
    snapshots.push(format!("── last-year ──\n{}", scrub(&run.stderr, &dir)));
    insta::assert_snapshot!("review_errors", snapshots.join("\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `jixiao review` never writes over a reviewer's work, a package, or a
/// file that is not a workbook, and `jixiao score -o` never over a
/// reviewer's work; one unit's two packages are refused.
#[test]
fn review_keeps_what_it_must_not_overwrite() {
    let dir = example_worksheet("overwrite");
    filled_by_zhang_san(&dir, "评审表-张三.xlsx");
    let unsigned = Filling {
        reviewer: None,
        ..Filling::by("张三").all(BUREAU)
    };
    fill(
        &dir.join("评审表.xlsx"),
        &dir.join("未署名.xlsx"),
        &unsigned,
    );
    for (out, says, status) in [
        ("评审表-张三.xlsx", "已由评审人张三填写，不覆盖", 1),
        ("未署名.xlsx", "已由评审人（尚未署名）填写，不覆盖", 1),
        // Another name than a workbook's is a slip of the command line.
        (
            "示例单位.toml",
            "用法错误：--out 示例单位.toml：评审表应写成 .xlsx 文件",
            2,
        ),
    ] {
        let before = std::fs::read(dir.join(out)).expect("read");
        let run = jixiao(&dir, &["review", "--out", out, "示例单位.toml"]);
        assert_eq!(run.code, Some(status), "{out}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{out}: {}", run.stderr);
        assert_eq!(
            std::fs::read(dir.join(out)).expect("read"),
            before,
            "{out} kept"
        );
    }
    // Nor does a summary go over a filled worksheet (`-o` mistyped).
    let before = std::fs::read(dir.join("评审表-张三.xlsx")).expect("read");
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "xlsx",
            "-o",
            "评审表-张三.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("已由评审人张三填写，不覆盖"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read(dir.join("评审表-张三.xlsx")).expect("read"),
        before
    );
    // A worksheet whose header was typed over may hold a reviewer's work
    // all the same: neither command writes over it.
    fill(
        &dir.join("评审表.xlsx"),
        &dir.join("改过表头.xlsx"),
        &Filling {
            renamed: Some(("得分", "分数")),
            ..Filling::by("张三").all(BUREAU)
        },
    );
    for args in [
        &["review", "--out", "改过表头.xlsx", "示例单位.toml"][..],
        &[
            "score",
            "--format",
            "xlsx",
            "-o",
            "改过表头.xlsx",
            "示例单位.toml",
        ][..],
    ] {
        let before = std::fs::read(dir.join("改过表头.xlsx")).expect("read");
        let run = jixiao(&dir, args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("不覆盖"), "{}", run.stderr);
        assert_eq!(
            std::fs::read(dir.join("改过表头.xlsx")).expect("read"),
            before
        );
    }
    // A summary goes over a summary, not over a blank worksheet (the
    // registry's received dates may be in it).
    let summary_to = |out: &str| {
        jixiao(
            &dir,
            &["score", "--format", "xlsx", "-o", out, "示例单位.toml"],
        )
    };
    for _ in 0..2 {
        let written = summary_to("汇总.xlsx");
        assert_eq!(written.code, Some(0), "{}", written.stderr);
    }
    let over = summary_to("评审表.xlsx");
    assert_eq!(over.code, Some(1), "{}", over.stderr);
    assert!(
        over.stderr.contains("不是本程序写出的汇总表"),
        "{}",
        over.stderr
    );
    // An unfilled worksheet is simply written again.
    let again = jixiao(&dir, &["review", "--out", "评审表.xlsx", "示例单位.toml"]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    // Two packages of one unit.
    std::fs::copy(dir.join("示例单位.toml"), dir.join("示例单位-副本.toml")).expect("copy");
    let run = jixiao(
        &dir,
        &[
            "review",
            "--out",
            "新评审表.xlsx",
            "示例单位.toml",
            "示例单位-副本.toml",
        ],
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("是同一单位“岳阳市岳阳楼区人民政府金融工作办公室”（2022 年度）的两份材料"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("新评审表.xlsx").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A package that carries its own `[review]` counts as one more reviewer
/// when review files are given too (spec/reviews.md); the screen says so.
#[test]
fn a_package_s_own_review_is_said_to_count() {
    let dir = scratch("own-review");
    std::fs::copy(
        Path::new(MANIFEST).join("examples/2022/yueyanglou-finance-office.toml"),
        dir.join("a.toml"),
    )
    .expect("copy");
    review_file(&dir, "focused = { score = 3 }");
    let run = jixiao(
        &dir,
        &["score", "--format", "json", "--reviews", "r.toml", "a.toml"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("a.toml 自带 [review]（评审人 区财政局，6 项评分），与评审表的评分一并计入"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A unit not scored because of a reviewer's mistake still has its name
/// and year in the summary: its package is sound.
#[test]
fn a_summary_row_not_scored_for_a_review_names_its_unit() {
    let dir = scratch("failed-row");
    std::fs::write(dir.join("a.toml"), without_review_of_example()).expect("write");
    review_file(&dir, "focused = { score = 4 }");
    let run = jixiao(
        &dir,
        &["score", "--format", "csv", "--reviews", "r.toml", "a.toml"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let row = run.stdout.lines().nth(1).unwrap_or_default().to_string();
    assert!(
        row.starts_with(&format!("1,{EXAMPLE_UNIT},a.toml,2022,")),
        "{}",
        run.stdout
    );
    assert!(row.contains("未能评分"), "{row}");
    // The same for the package as the unit sent it, in Word.
    std::fs::copy(Path::new(MANIFEST).join(DOCX), dir.join("w.docx")).expect("copy");
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "csv",
            "--received-on",
            "2023-06-14",
            "--reviews",
            "r.toml",
            "w.docx",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let row = run.stdout.lines().nth(1).unwrap_or_default().to_string();
    assert!(
        row.starts_with(&format!("1,{EXAMPLE_UNIT},w.docx,2022,")),
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A package nobody judged, and a folder of reviews with nothing in it,
/// are said on the screen: the summary alone shows only "待评审".
#[test]
fn packages_nobody_judged_are_said() {
    let dir = scratch("nobody-judged");
    std::fs::write(dir.join("a.toml"), without_review_of_example()).expect("write");
    let other = without_review_of_example().replacen(
        &format!("name = \"{EXAMPLE_UNIT}\""),
        "name = \"岳阳楼区新单位\"",
        1,
    );
    std::fs::write(dir.join("b.toml"), other).expect("write");
    review_file(&dir, "focused = { score = 3 }");
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "csv",
            "--reviews",
            "r.toml",
            "a.toml",
            "b.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("提示：评审意见中没有单位“岳阳楼区新单位”（b.toml）的评分"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains(&format!("没有单位“{EXAMPLE_UNIT}”")),
        "{}",
        run.stderr
    );
    // A review file with this year's rows and two of last year's: those
    // rows are named, the file is not "another year's".
    std::fs::write(
        dir.join("mixed.toml"),
        format!(
            "format = 1\nkind = \"review\"\nreviewer = \"李四\"\n\n\
             [[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\nfocused = {{ score = 3 }}\n\n\
             [[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2021\nfocused = {{ score = 3 }}\n\n\
             [[units]]\nunit = \"岳阳楼区新单位\"\nyear = 2021\nfocused = {{ score = 3 }}\n"
        ),
    )
    .expect("write");
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "csv",
            "--reviews",
            "mixed.toml",
            "a.toml",
            "b.toml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("review::unknown_unit").count(),
        2,
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("这份评审意见评的是"), "{}", run.stderr);
    std::fs::create_dir_all(dir.join("空")).expect("folder");
    let run = jixiao(
        &dir,
        &["score", "--format", "csv", "--reviews", "空", "a.toml"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("提示：--reviews 给出的 空 中没有评审表（.xlsx）或评审意见文件（.toml）"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The example without its `[review]`.
fn without_review_of_example() -> String {
    let example = std::fs::read_to_string(
        Path::new(MANIFEST).join("examples/2022/yueyanglou-finance-office.toml"),
    )
    .expect("example");
    let cut = example.find("\n[review]").expect("a [review]");
    example[..cut].to_string()
}

/// The other documents of the work given in the wrong place are named as
/// what they are: a spreadsheet as a package, a package as a review file;
/// a file that is not there is missing, whatever its name ends in. Both
/// commands take `--out` and `--output`.
#[test]
fn documents_in_the_wrong_place_are_named() {
    let dir = scratch("wrong-place");
    std::fs::write(dir.join("a.toml"), without_review_of_example()).expect("write");
    let made = jixiao(&dir, &["review", "--output", "评审表.xlsx", "a.toml"]);
    assert_eq!(made.code, Some(0), "{}", made.stderr);
    let run = jixiao(&dir, &["score", "--format", "csv", "评审表.xlsx"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("评审表.xlsx 是电子表格（评审表或汇总表），不是单位报送的材料"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--reviews"), "{}", run.stderr);
    let run = jixiao(&dir, &["score", "--format", "csv", "没有这个.xlsx"]);
    assert_eq!(run.code, Some(1));
    assert!(!run.stderr.contains("是电子表格"), "{}", run.stderr);
    // A worksheet given to `review` as a package: its input is packages.
    let run = jixiao(&dir, &["review", "--out", "新.xlsx", "评审表.xlsx"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("是电子表格（评审表或汇总表），不是单位报送的材料")
            && run.stderr.contains("jixiao review 读的是单位的材料"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("新.xlsx").exists());
    // Into a folder that is not there: said in words, nothing written.
    let run = jixiao(
        &dir,
        &["review", "--out", "没有的文件夹/评审表.xlsx", "a.toml"],
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("无法写入 没有的文件夹/评审表.xlsx：所在的文件夹不存在"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("os error"), "{}", run.stderr);
    let run = jixiao(
        &dir,
        &["score", "--format", "csv", "--reviews", "a.toml", "a.toml"],
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("a.toml 是单位报送的材料，不是评审意见文件"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("review::").count(),
        1,
        "said once: {}",
        run.stderr
    );
    let run = jixiao(&dir, &["score", "--out", "out.txt", "a.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(dir.join("out.txt").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `dir/r.toml`: 张三's review file for the example unit, with `judgments`.
fn review_file(dir: &Path, judgments: &str) {
    std::fs::write(
        dir.join("r.toml"),
        format!(
            "format = 1\nkind = \"review\"\nreviewer = \"张三\"\n\n[[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\n{judgments}\n"
        ),
    )
    .expect("write");
}

/// A worksheet whose XML names a cell no spreadsheet has (typed in by
/// another program, or damaged): refused with the address, before the
/// reader would lay the sheet out as a grid reaching it (a panic on the
/// size, or gigabytes); a damaged 评审 sheet is said to be damaged, not
/// missing.
#[test]
fn worksheet_with_a_cell_far_away() {
    use std::io::{Read as _, Write as _};
    let dir = example_worksheet("far-cell");
    let rewrite = |to: &str, edit: &dyn Fn(String) -> String| {
        let bytes = std::fs::read(dir.join("评审表.xlsx")).expect("read");
        let mut from = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut out = zip::ZipWriter::new(std::fs::File::create(dir.join(to)).expect("create"));
        for i in 0..from.len() {
            let mut part = from.by_index(i).expect("part");
            let name = part.name().to_string();
            let mut text = Vec::new();
            part.read_to_end(&mut text).expect("read part");
            if name == "xl/worksheets/sheet1.xml" {
                text = edit(String::from_utf8(text).expect("utf-8")).into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .expect("start");
            out.write_all(&text).expect("write part");
        }
        out.finish().expect("finish");
    };
    rewrite("远处.xlsx", &|xml| {
        xml.replace(
            "</sheetData>",
            "<row r=\"99999999999\"><c r=\"ZZZZZZZ99999999999\"><v>4</v></c></row></sheetData>",
        )
    });
    let run = jixiao(&dir, &["score", "--reviews", "远处.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("远处.xlsx 中第 99999999999 行有内容，超出了评审表所用的范围"),
        "{}",
        run.stderr
    );
    rewrite("损坏.xlsx", &|xml| {
        xml.chars().take(xml.chars().count() / 2).collect()
    });
    let run = jixiao(&dir, &["score", "--reviews", "损坏.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("损坏.xlsx 的“评审”工作表已损坏，无法读取"),
        "{}",
        run.stderr
    );
}

/// A received date written for a unit whose name was typed over on the
/// 单位 sheet is not silently left unused: the name is said, with the unit
/// it is one character away from.
#[test]
fn received_date_for_a_unit_not_scored() {
    let dir = example_worksheet("unit-typed-over");
    let mut filling = Filling::by("张三").all(BUREAU);
    filling.unit_typed_over = Some((EXAMPLE_UNIT, "岳阳市岳阳楼区人民政府金融工作办"));
    filling.received = vec![("岳阳市岳阳楼区人民政府金融工作办", "2023-06-14")];
    fill(&dir.join("评审表.xlsx"), &dir.join("填好.xlsx"), &filling);
    let run = jixiao(&dir, &["score", "--reviews", "填好.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "填好.xlsx 单位!D2：写了送达日期的单位“岳阳市岳阳楼区人民政府金融工作办”（2022 年度）"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: 是“岳阳市岳阳楼区人民政府金融工作办公室”的，把“单位”工作表中"),
        "{}",
        run.stderr
    );
}

/// Slips in the labelled cells above the table: a copy of the label before
/// the name is read as the name; two names, or a review date whose year is
/// two digits, are refused at their cell rather than printed on a notice.
#[test]
fn reviewer_and_date_slips() {
    let dir = example_worksheet("name-date-slips");
    let base = dir.join("评审表.xlsx");
    let mut labelled = Filling::by("评审人：张三").all(BUREAU);
    labelled.date = Some("2023年7月10号");
    fill(&base, &dir.join("标签.xlsx"), &labelled);
    let run = jixiao(
        &dir,
        &[
            "score",
            "--for",
            "unit",
            "--reviews",
            "标签.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("张三（2023 年 7 月 10 日评审）")
            && !run.stdout.contains("评审人：评审"),
        "{}",
        run.stdout
    );
    // One reviewer's note is cited at its own cell (评审意见, column I),
    // not at the score's.
    let paper = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--reviews",
            "标签.xlsx",
            "示例单位.toml",
        ],
    );
    assert!(
        paper.stdout.contains("评审意见（张三，标签.xlsx 评审!I"),
        "{}",
        paper.stdout
    );
    assert!(
        !paper.stdout.contains("评审意见（张三，标签.xlsx 评审!H"),
        "{}",
        paper.stdout
    );
    fill(
        &base,
        &dir.join("两人.xlsx"),
        &Filling::by("张三、李四").all(BUREAU),
    );
    let run = jixiao(&dir, &["score", "--reviews", "两人.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("两人.xlsx 评审!B2：评审人一栏写了不止一位"),
        "{}",
        run.stderr
    );
    // A date typed into the name's cell is no name for the notices.
    fill(
        &base,
        &dir.join("日期.xlsx"),
        &Filling::by("张三\n2023-07-10").all(BUREAU),
    );
    let run = jixiao(&dir, &["score", "--reviews", "日期.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("日期.xlsx 评审!B2：评审人一栏写了数字或日期"),
        "{}",
        run.stderr
    );
    let mut short_year = Filling::by("张三").all(BUREAU);
    short_year.date = Some("23.7.10");
    fill(&base, &dir.join("年份.xlsx"), &short_year);
    let run = jixiao(&dir, &["score", "--reviews", "年份.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("年份.xlsx 评审!D2：评审日期“23.7.10”的年份是 23"),
        "{}",
        run.stderr
    );
}

/// A Word package's 送达日期 on the 单位 sheet: left empty, the cell to
/// fill is named; written so it cannot be read, that unit alone is not
/// scored, the others are.
#[test]
fn a_word_package_date_empty_or_unreadable() {
    let dir = scratch("word-date");
    unit_a(&dir);
    std::fs::copy(Path::new(MANIFEST).join(DOCX), dir.join("示例单位.docx")).expect("copy docx");
    let made = jixiao(
        &dir,
        &[
            "review",
            "--out",
            "评审表.xlsx",
            "示例单位.docx",
            "甲单位.toml",
        ],
    );
    assert_eq!(made.code, Some(0), "{}", made.stderr);
    let base = dir.join("评审表.xlsx");
    let score_with = |sheet: &str| {
        jixiao(
            &dir,
            &["score", "--reviews", sheet, "示例单位.docx", "甲单位.toml"],
        )
    };
    // A copy of the worksheet with the example's 送达日期 written as given.
    let dated = |sheet: &str, date: &str| {
        let mut filling = Filling::by("张三").all(BUREAU);
        filling.received = vec![(EXAMPLE_UNIT, date)];
        fill(&base, &dir.join(sheet), &filling);
        score_with(sheet)
    };
    fill(
        &base,
        &dir.join("空.xlsx"),
        &Filling::by("张三").all(BUREAU),
    );
    let run = score_with("空.xlsx");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("评审表中的送达日期 空.xlsx 单位!D"),
        "{}",
        run.stderr
    );
    let run = dated("错.xlsx", "6月14日");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("送达日期“6月14日”不是有效日期"),
        "{}",
        run.stderr
    );
    // The other unit is scored all the same.
    assert!(run.stdout.contains("岳阳楼区甲单位"), "{}", run.stdout);
    // A year of two digits would be year 23, and make a late package
    // timely: refused, as `--received-on` refuses it.
    let run = dated("两位.xlsx", "23.6.20");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("送达日期“23.6.20”的年份是 23") && run.stderr.contains("年份写四位"),
        "{}",
        run.stderr
    );
    // A received date years late makes the review look early: the
    // received date is named as the likelier slip.
    let run = dated("远.xlsx", "2033-06-14");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("多半是送达日期写错了"),
        "{}",
        run.stderr
    );
    // The date written under the unit's name shortened on the 单位 sheet:
    // that row is named, not an empty cell asked for.
    let mut shortened = Filling::by("张三").all(BUREAU);
    shortened.unit_typed_over = Some((EXAMPLE_UNIT, "岳阳市岳阳楼区金融工作办公室"));
    shortened.received = vec![(EXAMPLE_UNIT, "2023-06-14")];
    fill(&base, &dir.join("简称.xlsx"), &shortened);
    let run = score_with("简称.xlsx");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    // A year typed over on the 单位 sheet is said at its own cell, not as
    // the date beside it.
    let mut dated = Filling::by("张三").all(BUREAU);
    dated.received = vec![(EXAMPLE_UNIT, "2023-06-14")];
    fill(&base, &dir.join("年度.xlsx"), &dated);
    rewrite(&dir.join("年度.xlsx"), |name, range, r, c, value| {
        let unit_row = range.get_value((r, 0)) == Some(&Data::String(EXAMPLE_UNIT.into()));
        Some(Some(match name == "单位" && unit_row && c == 1 {
            true => Data::String("二〇二二".into()),
            false => value,
        }))
    });
    let year_run = score_with("年度.xlsx");
    assert_eq!(year_run.code, Some(1), "{}", year_run.stderr);
    assert!(
        year_run.stderr.contains("年度“二〇二二”不是年份")
            && !year_run.stderr.contains("不是有效日期"),
        "{}",
        year_run.stderr
    );
    // A name too short to be like the package's: the row's 材料文件 tells.
    let mut short = Filling::by("张三").all(BUREAU);
    short.unit_typed_over = Some((EXAMPLE_UNIT, "金融办"));
    short.received = vec![(EXAMPLE_UNIT, "2023-06-14")];
    fill(&base, &dir.join("金融办.xlsx"), &short);
    let short_run = score_with("金融办.xlsx");
    assert!(
        short_run.stderr.contains("单位“金融办”名下"),
        "{}",
        short_run.stderr
    );
    assert!(
        run.stderr
            .contains("单位“岳阳市岳阳楼区金融工作办公室”名下")
            && !run.stderr.contains("在评审表“单位”工作表中填写送达日期"),
        "{}",
        run.stderr
    );
}

/// The cells a reviewer fills say what goes in them when chosen, before
/// a wrong entry is refused.
#[test]
fn worksheet_cells_prompt_what_to_write() {
    use std::io::Read as _;
    let dir = example_worksheet("prompts");
    let bytes = std::fs::read(dir.join("评审表.xlsx")).expect("read");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .expect("sheet")
        .read_to_string(&mut xml)
        .expect("xml");
    assert!(xml.contains("promptTitle=\"档次\""), "{xml}");
    assert!(xml.contains("写 0 到 20 之间的分数，最多两位小数"), "{xml}");
}

/// A unit's name typed over in a row of the 评审 sheet: the row's own
/// 材料文件 says which unit it was made for, and that unit is named (not
/// whichever unit's name is closest).
#[test]
fn a_row_whose_unit_was_typed_over_is_traced_by_its_file() {
    let dir = two_unit_worksheet("row-unit-typed-over");
    // A copy where 甲单位's first row names another unit.
    let typed_over = |sheet: &str, name: &str| {
        let mut filling = Filling::by("张三").all(BUREAU);
        filling.row_unit_typed_over = Some(("岳阳楼区甲单位", name));
        fill(&dir.join("评审表.xlsx"), &dir.join(sheet), &filling);
        jixiao(
            &dir,
            &["score", "--reviews", sheet, "示例单位.toml", "甲单位.toml"],
        )
    };
    let run = typed_over("改名.xlsx", "岳阳楼区某某单位");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("即本次评分的单位“岳阳楼区甲单位”")
            && run
                .stderr
                .contains("把评审表中的单位名称改回“岳阳楼区甲单位”"),
        "{}",
        run.stderr
    );
    // Typed over with the other unit's name: the row's 材料文件 tells it
    // from that unit's own rows; not a judgment given twice.
    let run = typed_over("他名.xlsx", EXAMPLE_UNIT);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("他名.xlsx 评审!A")
            && run.stderr.contains("材料文件却是")
            && run.stderr.contains("单位名称被改")
            && run.stderr.contains("改回“岳阳楼区甲单位”")
            && !run.stderr.contains("评了两次"),
        "{}",
        run.stderr
    );
    // The unit whose name was typed in is scored; the one the row belongs
    // to waits.
    assert!(
        run.stderr.contains("甲单位.toml：1 个问题，未能评分")
            && !run.stderr.contains("示例单位.toml：1 个问题"),
        "{}",
        run.stderr
    );
}

/// What a coordinator gets wrong with the returned worksheets, each said
/// before a score goes out as final: a copy saved in another format left
/// in the folder, a second worksheet given without its `--reviews`, a
/// review date in the wrong year or before the package arrived, a row
/// deleted from the sheet.
#[test]
fn returned_worksheets_that_would_go_unread() {
    let dir = example_worksheet("returned");
    let base = dir.join("评审表.xlsx");
    std::fs::create_dir_all(dir.join("收回")).expect("folder");
    fill(
        &base,
        &dir.join("收回/评审表-张三.xlsx"),
        &Filling::by("张三").all(BUREAU),
    );
    // 李四's copy, saved as .xls: refused by name, nothing scored.
    std::fs::write(dir.join("收回/评审表-李四.xls"), b"\xd0\xcf\x11\xe0").expect("xls");
    let run = jixiao(&dir, &["score", "--reviews", "收回", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("评审表-李四.xls 是 .xls 格式的表格")
            && run.stderr.contains("另存为")
            && run.stdout.is_empty(),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    // Lock files of Excel and LibreOffice are not copies.
    std::fs::remove_file(dir.join("收回/评审表-李四.xls")).expect("remove");
    std::fs::write(dir.join("收回/.~lock.评审表-张三.xlsx#"), "x").expect("lock");
    let run = jixiao(&dir, &["score", "--reviews", "收回", "示例单位.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // A second worksheet without its --reviews: nothing scored or written.
    fill(
        &base,
        &dir.join("评审表-李四.xlsx"),
        &Filling::by("李四").all(BUREAU),
    );
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "xlsx",
            "-o",
            "汇总.xlsx",
            "--reviews",
            "收回/评审表-张三.xlsx",
            "评审表-李四.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("评审表-李四.xlsx 是电子表格")
            && run.stderr.contains("每份评审表前都要写 --reviews"),
        "{}",
        run.stderr
    );
    assert!(!dir.join("汇总.xlsx").exists());
    // A review date ten years on, or before the package arrived.
    let mut later = Filling::by("张三").all(BUREAU);
    later.date = Some("2033-07-10");
    fill(&base, &dir.join("十年后.xlsx"), &later);
    let run = jixiao(
        &dir,
        &["score", "--reviews", "十年后.xlsx", "示例单位.toml"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("十年后.xlsx 评审!D2：评审日期 2033-07-10 不在评审 2022 年度材料的时间之内"),
        "{}",
        run.stderr
    );
    let mut early = Filling::by("张三").all(BUREAU);
    early.date = Some("2023-06-01");
    fill(&base, &dir.join("提前.xlsx"), &early);
    let run = jixiao(&dir, &["score", "--reviews", "提前.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("提前.xlsx 评审!D2 的评审日期 2023-06-01（评审人 张三）早于单位")
            && run.stderr.contains("送达日期 2023-06-14"),
        "{}",
        run.stderr
    );
    // A deleted row is said as a blank one is; a unit whose criterion
    // the rules decided (甲单位's problems, 0 by the rules) has no row to
    // miss.
    let two_units = scratch("returned-two");
    unreviewed(&two_units);
    unit_a(&two_units);
    let made = jixiao(&two_units, &["review", "--out", "评审表.xlsx", "."]);
    assert_eq!(made.code, Some(0), "{}", made.stderr);
    fill(
        &two_units.join("评审表.xlsx"),
        &two_units.join("删行.xlsx"),
        &Filling::by("张三").all(BUREAU),
    );
    delete_row(&two_units.join("删行.xlsx"), EXAMPLE_UNIT, "problems");
    let run = jixiao(
        &two_units,
        &[
            "score",
            "--reviews",
            "删行.xlsx",
            "示例单位.toml",
            "甲单位.toml",
        ],
    );
    assert!(
        !run.stderr
            .contains("单位“岳阳楼区甲单位”没有这些评分项的行"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "删行.xlsx（评审人 张三）中单位“{EXAMPLE_UNIT}”没有这些评分项的行：“绩效评价报告反映问题情况”"
        )),
        "{}",
        run.stderr
    );
}

/// Delete the 评审 sheet's row of `unit` and criterion `id`, as a reviewer
/// deleting a row in Excel: the rows below move up.
/// A worksheet made for a unit (its 单位 sheet lists it) whose rows of
/// that unit were all deleted is said, alone or beside another reviewer's,
/// not taken for a unit nobody made a worksheet for.
#[test]
fn a_units_rows_all_deleted_are_said() {
    let dir = example_worksheet("unit-rows-deleted");
    let base = dir.join("评审表.xlsx");
    fill(
        &base,
        &dir.join("张三.xlsx"),
        &Filling::by("张三").all(BUREAU),
    );
    fill(
        &base,
        &dir.join("李四.xlsx"),
        &Filling::by("李四").all(BUREAU),
    );
    for (id, _, _, _) in BUREAU {
        delete_row(&dir.join("张三.xlsx"), EXAMPLE_UNIT, id);
    }
    let both = jixiao(
        &dir,
        &[
            "score",
            "--reviews",
            "张三.xlsx",
            "--reviews",
            "李四.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(both.code, Some(0), "{}", both.stderr);
    assert!(
        both.stderr
            .contains("张三.xlsx（评审人 张三）的“单位”工作表列有单位")
            && both.stderr.contains("行被删去的"),
        "{}",
        both.stderr
    );
    let alone = jixiao(&dir, &["score", "--reviews", "张三.xlsx", "示例单位.toml"]);
    assert!(
        alone.stderr.contains("张三.xlsx 的“单位”工作表列有单位")
            && !alone.stderr.contains("请为它生成评审表"),
        "{}",
        alone.stderr
    );
    // Said once.
    assert_eq!(
        alone.stderr.matches("列有单位").count(),
        1,
        "{}",
        alone.stderr
    );
}

/// A package whose unit was renamed after its worksheet was made: its
/// rows are said to be its, under the old name, with both names; not a
/// unit of another district, nor one nobody made a worksheet for.
#[test]
fn a_package_renamed_after_its_worksheet_is_said_with_both_names() {
    let dir = two_unit_worksheet("package-renamed");
    filled_by_zhang_san(&dir, "填好.xlsx");
    let package = dir.join("甲单位.toml");
    let text = std::fs::read_to_string(&package).expect("read");
    std::fs::write(&package, text.replace("岳阳楼区甲单位", "岳阳楼区甲乙单位")).expect("write");
    let run = jixiao(
        &dir,
        &[
            "score",
            "--reviews",
            "填好.xlsx",
            "示例单位.toml",
            "甲单位.toml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("评审表生成之后")
            && run.stderr.contains("岳阳楼区甲乙单位")
            && !run.stderr.contains("这条错误可以不管")
            && !run.stderr.contains("请为它生成评审表"),
        "{}",
        run.stderr
    );
}

/// Last year's worksheet, made for one unit by last year's rules and
/// given with this year's package: said as another year's worksheet, not
/// as a year to type over.
#[test]
fn a_worksheet_of_another_year_for_one_unit_is_said_as_such() {
    let dir = scratch("other-year-one-unit");
    // The example as a 2023 package.
    let example = std::fs::read_to_string(
        Path::new(MANIFEST).join("examples/2022/yueyanglou-finance-office.toml"),
    )
    .expect("read");
    let last_year = example
        .replacen("year = 2022", "year = 2023", 1)
        .replace("= 2023-06-", "= 2024-06-");
    std::fs::write(dir.join("2023.toml"), last_year).expect("write");
    let made = jixiao(
        &dir,
        &[
            "review",
            "--rules",
            &format!("{MANIFEST}/rules/2023"),
            "--out",
            "去年.xlsx",
            "2023.toml",
        ],
    );
    assert_eq!(made.code, Some(0), "{}", made.stderr);
    let mut filling = Filling::by("张三").all(BUREAU);
    filling.date = Some("2024-07-10");
    fill(&dir.join("去年.xlsx"), &dir.join("填好.xlsx"), &filling);
    unreviewed(&dir);
    let run = jixiao(&dir, &["score", "--reviews", "填好.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("这份评审意见评的是 2023 年度的材料")
            && !run.stderr.contains("年度改回"),
        "{}",
        run.stderr
    );
}

/// A lowered score whose note only points elsewhere is refused with the
/// note quoted, not as a note missing.
#[test]
fn a_note_that_only_points_elsewhere_is_quoted() {
    let dir = scratch("note-elsewhere");
    std::fs::write(dir.join("a.toml"), without_review_of_example()).expect("write");
    review_file(&dir, "measurable = { score = 4, note = \"同上行\" }");
    let run = jixiao(&dir, &["score", "--reviews", "r.toml", "a.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("评审意见“同上行”没有说明扣分理由"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn delete_row(path: &Path, unit: &str, id: &str) {
    rewrite(path, |name, range, r, _, value| {
        let text = |c: u32| match range.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            _ => String::new(),
        };
        let cols = range.end().map_or(0, |(_, c)| c + 1);
        let gone = name == "评审" && text(0) == unit && (0..cols).any(|c| text(c) == id);
        (!gone).then_some(Some(value))
    });
}

/// A judgment the rules set aside (the problems part only asks for money:
/// 0 by the rules) is named where the working paper says it was not used,
/// and a hint with nothing to list says so.
#[test]
fn a_judgment_set_aside_is_named() {
    let dir = scratch("set-aside");
    variant(
        &dir,
        "只要资金.toml",
        "[edit]\n\"report.sections[6].text\" = \"（一）专项工作经费不足。\\n（二）办公资金紧张。\"\n",
    );
    let run = jixiao(&dir, &["score", "--format", "json", "只要资金.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = json(&run);
    let problems = criterion(&v, "problems");
    let notes = problems["notes"].to_string();
    assert!(
        notes.contains("评审意见未采用（") && notes.contains("“较全面” 18 分"),
        "{problems:#}"
    );
    let hints = problems["hints"].to_string();
    assert!(hints.contains("（无）"), "{problems:#}");
}

/// A row whose year was typed over (2022 → 2023) is said at the year's
/// cell, with the year the unit's package is of; the review date, right
/// for the other rows, is not blamed.
#[test]
fn a_year_typed_over_is_said_at_its_cell() {
    let dir = example_worksheet("year-typed-over");
    filled_by_zhang_san(&dir, "填好.xlsx");
    // The first row's year (column B) typed over.
    let (header, _) = review_cell(&dir.join("填好.xlsx"), |t| t == "单位");
    let year_cell = format!("B{}", header + 2);
    retype(&dir.join("填好.xlsx"), header + 1, 1, "2023");
    let run = jixiao(&dir, &["score", "--reviews", "填好.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "填好.xlsx 评审!{year_cell}：单位“{EXAMPLE_UNIT}”的年度写的是 2023"
        )) && run.stderr.contains("把评审表中的年度改回 2022")
            && !run.stderr.contains("评审日期 2023-07-10 不在"),
        "{}",
        run.stderr
    );
    // “2022年” is the year; a year that cannot be read is quoted as the
    // reviewer sees it, not taken for year 0.
    retype(&dir.join("填好.xlsx"), header + 1, 1, "2022年");
    let run = jixiao(&dir, &["score", "--reviews", "填好.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    retype(&dir.join("填好.xlsx"), header + 1, 1, "二〇二二");
    let run = jixiao(&dir, &["score", "--reviews", "填好.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("填好.xlsx 评审!{year_cell}（评审人 张三，"))
            && run.stderr.contains("年度“二〇二二”不")
            && !run.stderr.contains("年度写的是 0"),
        "{}",
        run.stderr
    );
}

/// The rules' title on the worksheet (评审!F2) with its space typed out
/// is the same rules, not another year's.
#[test]
fn a_rules_title_retyped_without_its_space_is_the_same_rules() {
    let dir = example_worksheet("title-space");
    filled_by_zhang_san(&dir, "填好.xlsx");
    let title_at = review_cell(&dir.join("填好.xlsx"), |t| {
        t.starts_with("区级预算单位") && t.ends_with(" 2022")
    });
    retype(
        &dir.join("填好.xlsx"),
        title_at.0,
        title_at.1,
        "区级预算单位绩效自评工作考核评分表2022",
    );
    let run = jixiao(&dir, &["score", "--reviews", "填好.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("生成的"), "{}", run.stderr);
    // Cleared, it can no longer tell another year's worksheet: said.
    retype(&dir.join("填好.xlsx"), title_at.0, title_at.1, "");
    let run = jixiao(&dir, &["score", "--reviews", "填好.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("评分表名称是空的"), "{}", run.stderr);
}

/// The first cell of the 评审 sheet, row by row, whose text passes `test`.
fn review_cell(path: &Path, test: impl Fn(&str) -> bool) -> (u32, u32) {
    let mut book: Xlsx<_> = calamine::open_workbook(path).expect("open worksheet");
    let range = book.worksheet_range("评审").expect("sheet");
    (0..range.height() as u32)
        .flat_map(|r| (0..range.width() as u32).map(move |c| (r, c)))
        .find(|at| matches!(range.get_value(*at), Some(Data::String(t)) if test(t)))
        .expect("a cell of the worksheet")
}

/// Write `text` into the 评审 sheet's cell (`row`, `col`), every other
/// cell as it was.
fn retype(path: &Path, row: u32, col: u32, text: &str) {
    rewrite(path, |name, _, r, c, value| {
        Some(match name == "评审" && r == row && c == col {
            true => Some(Data::String(text.to_string())),
            false => Some(value),
        })
    });
}

/// Copy a worksheet's three sheets cell by cell, as `edit` says: for each
/// cell (sheet, range, row, column, value) the value to write (`None`
/// leaves it empty), or `None` for the whole row to go, the rows below
/// moving up.
fn rewrite(
    path: &Path,
    edit: impl Fn(&str, &calamine::Range<Data>, u32, u32, Data) -> Option<Option<Data>>,
) {
    let mut book: Xlsx<_> = calamine::open_workbook(path).expect("open worksheet");
    let mut out = Workbook::new();
    for name in ["评审", "材料", "单位"] {
        let range = book.worksheet_range(name).expect("sheet");
        let sheet = out.add_worksheet();
        sheet.set_name(name).expect("name");
        let (rows, cols) = range.end().map_or((0, 0), |(r, c)| (r + 1, c + 1));
        let mut to = 0u32;
        'rows: for r in 0..rows {
            let mut cells = Vec::new();
            for c in 0..cols {
                let value = range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
                match edit(name, &range, r, c, value) {
                    Some(v) => cells.push(v),
                    None => continue 'rows,
                }
            }
            for (c, value) in cells.into_iter().enumerate() {
                let c16 = u16::try_from(c).expect("column");
                match value {
                    Some(Data::String(s)) => sheet.write_string(to, c16, s),
                    Some(Data::Float(f)) => sheet.write_number(to, c16, f),
                    Some(Data::Int(i)) => sheet.write_number(to, c16, i as f64),
                    _ => continue,
                }
                .expect("write");
            }
            to += 1;
        }
    }
    out.save(path).expect("save");
}

/// A column inserted in front of the reviewer's name (a 序号 column, say)
/// moves the name and the date one cell right of their labels: they are
/// still read there.
#[test]
fn a_name_moved_right_by_an_inserted_column_is_read() {
    let dir = example_worksheet("inserted-column");
    filled_by_zhang_san(&dir, "插列.xlsx");
    // Row 2 (评审人 张三 评审日期 2023-07-10 …): every value from column B
    // on moves one column right, the labels too, as Excel moves them.
    rewrite(&dir.join("插列.xlsx"), |name, range, r, c, value| {
        Some(match (name, r, c) {
            ("评审", 1, 1) => None,
            ("评审", 1, c) if c > 1 => range.get_value((r, c - 1)).cloned(),
            _ => Some(value),
        })
    });
    let run = jixiao(
        &dir,
        &[
            "score",
            "--for",
            "unit",
            "--reviews",
            "插列.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .replace('\n', "")
            .contains("评审人：张三（2023 年 7 月 10 日评审）"),
        "{}",
        run.stdout
    );
}

/// A unit a reviewer left blank is in the worksheet: the note asks for the
/// rows to be filled, not for a worksheet to be made for it.
#[test]
fn a_unit_left_blank_is_asked_of_its_reviewer() {
    let dir = example_worksheet("left-blank");
    fill(
        &dir.join("评审表.xlsx"),
        &dir.join("评审表-张三.xlsx"),
        &Filling::by("张三"),
    );
    let run = jixiao(
        &dir,
        &["score", "--reviews", "评审表-张三.xlsx", "示例单位.toml"],
    );
    assert!(
        run.stderr
            .contains("评审表-张三.xlsx 中列有单位“岳阳市岳阳楼区人民政府金融工作办公室”"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("请评审人填写这些行后重新评分"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("请为它生成评审表"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A reviewer who judged the unit but not one of its criteria (the row
/// left blank, or deleted) is in the working paper's record of judgments,
/// beside the score the others gave.
#[test]
fn the_working_paper_records_a_criterion_a_reviewer_did_not_judge() {
    let dir = example_worksheet("not-judged");
    filled_by_zhang_san(&dir, "张三.xlsx");
    let without: Vec<_> = BUREAU
        .iter()
        .copied()
        .filter(|(id, ..)| *id != "suggestions")
        .collect();
    fill(
        &dir.join("评审表.xlsx"),
        &dir.join("李四.xlsx"),
        &Filling::by("李四").all(&without),
    );
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "markdown",
            "--reviews",
            "张三.xlsx",
            "--reviews",
            "李四.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("| 针对问题提出可行性建议的情况 |"))
        .collect();
    assert_eq!(rows.len(), 2, "{}", run.stdout);
    assert!(rows[0].contains("| 张三 | 较全面 | 14 |"), "{rows:?}");
    assert!(
        rows[1].contains("| 李四 |  | 未评 | 这位评审人评了本单位的其他评分项，这一项没有评"),
        "{rows:?}"
    );
    // Criteria both judged have no such row.
    assert_eq!(run.stdout.matches("| 未评 |").count(), 1, "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `diff --reviews`: the reviewers' worksheet is read for both rule
/// folders, so the judged half of the sheet is compared too; a band the
/// new rules narrowed past a judgment asks for it again.
#[test]
fn diff_reads_the_reviewers_worksheets() {
    let dir = example_worksheet("diff-with-reviews");
    filled_by_zhang_san(&dir, "评审表-张三.xlsx");
    let rules = Path::new(MANIFEST).join("rules/2022");
    let new = dir.join("new-rules");
    std::fs::create_dir_all(&new).expect("mkdir");
    for entry in std::fs::read_dir(&rules).expect("rules") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "jx" || e == "toml") {
            let text = std::fs::read_to_string(&path).expect("read");
            // 较全面 narrowed to 16–17: the judgment of 18 falls outside it.
            let text = text.replace("tier \"较全面\" 16 to 18", "tier \"较全面\" 16 to 17");
            std::fs::write(new.join(path.file_name().expect("name")), text).expect("write");
        }
    }
    let run = jixiao(
        &dir,
        &[
            "diff",
            "--old",
            &rules.display().to_string(),
            "--new",
            "new-rules",
            "--reviews",
            "评审表-张三.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Judged on both sides: not the pending range of a unit without reviews.
    assert!(!run.stdout.contains("50–100"), "{}", run.stdout);
    assert!(run.stdout.contains("需重新评审"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// An Excel error value where the reviewer's name is (`#REF!`, a formula
/// gone wrong) is no name: said as a worksheet without one, never printed
/// on a notice as “评审人：#REF!”.
#[test]
fn an_excel_error_is_no_reviewers_name() {
    use std::io::{Read as _, Write as _};
    let dir = example_worksheet("error-as-name");
    filled_by_zhang_san(&dir, "评审表-张三.xlsx");
    let bytes = std::fs::read(dir.join("评审表-张三.xlsx")).expect("read");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out =
        zip::ZipWriter::new(std::fs::File::create(dir.join("错误.xlsx")).expect("create"));
    let options = zip::write::SimpleFileOptions::default();
    let mut replaced = false;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).expect("part");
        let name = part.name().to_string();
        let mut data = String::new();
        if part.read_to_string(&mut data).is_err() {
            continue;
        }
        if name == "xl/worksheets/sheet1.xml" {
            let start = data.find("<c r=\"B2\"").expect("the reviewer's cell");
            let end = start + data[start..].find("</c>").expect("its end") + 4;
            data.replace_range(start..end, "<c r=\"B2\" t=\"e\"><v>#REF!</v></c>");
            replaced = true;
        }
        out.start_file(name, options).expect("start");
        out.write_all(data.as_bytes()).expect("write");
    }
    out.finish().expect("finish");
    assert!(replaced);
    let run = jixiao(
        &dir,
        &[
            "score",
            "--for",
            "unit",
            "--reviews",
            "错误.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stderr.contains("没有填写评审人姓名"), "{}", run.stderr);
    assert!(!run.stdout.contains("#REF!"), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `override = true` overrides what the rules score, nothing else: on a
/// criterion the rules leave to the reviewers it is refused (the tier's
/// band would be escaped); where the rules gave an automatic 0 (a 问题
/// section asking only for funds), a tier written with the override is
/// checked against its band and kept.
#[test]
fn an_override_is_only_of_what_the_rules_score() {
    let dir = scratch("override-judged");
    let judged = variant(
        &dir,
        "judged.toml",
        "[edit]\n\"review.problems.override\" = true\n\"review.problems.score\" = 5\n",
    );
    let run = jixiao(&dir, &["score", judged.to_str().expect("utf-8")]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stderr.contains("review::override_on_judged")
            && run.stderr.contains("按规则由评审判定，不是自动计分"),
        "{}",
        run.stderr
    );
    let funding_only = "[edit]\n\"report.sections[6].text\" = \"（一）专项工作经费不足。\\n（二）办公资金紧张。\"\n\"review.problems.override\" = true\n";
    let out_of_band = variant(
        &dir,
        "band.toml",
        &format!("{funding_only}\"review.problems.score\" = 5\n"),
    );
    let run = jixiao(&dir, &["score", out_of_band.to_str().expect("utf-8")]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stderr.contains("review::out_of_band"), "{}", run.stderr);
    let in_band = variant(
        &dir,
        "in-band.toml",
        &format!("{funding_only}\"review.problems.score\" = 16\n"),
    );
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "json",
            in_band.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let problems = json["criteria"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["children"].as_array().into_iter().flatten())
        .find(|c| c["id"] == "problems")
        .expect("problems")
        .clone();
    assert_eq!(problems["score"], "16", "{problems}");
    // A tier with an override of a criterion without tiers is refused,
    // not dropped.
    unreviewed(&dir);
    std::fs::write(
        dir.join("赵六.toml"),
        format!(
            "format = 1\nkind = \"review\"\nreviewer = \"赵六\"\nreviewed_on = 2023-07-10\n\n\
             [[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\n\
             timeliness = {{ tier = \"全面\", score = 9, override = true, note = \"改判。\" }}\n"
        ),
    )
    .expect("review file");
    let run = jixiao(&dir, &["score", "--reviews", "赵六.toml", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stderr.contains("review::tier_not_used"),
        "{}",
        run.stderr
    );
    assert_eq!(problems["basis"], "override", "{problems}");
    assert!(problems.to_string().contains("较全面"), "{problems}");
}

/// A reviews folder is read whole: a reviewer's file saved into a folder
/// of its own, or a worksheet saved as an Excel template (.xltx), is said
/// and nothing is scored, not left out in silence. A folder holding no
/// reviews (scans, say) is no reviewer's.
#[test]
fn a_reviews_folder_hides_no_reviewer() {
    let dir = scratch("nested-reviews");
    unreviewed(&dir);
    let reviews = dir.join("收回");
    std::fs::create_dir_all(reviews.join("王五")).expect("folder");
    std::fs::create_dir_all(reviews.join("扫描件")).expect("folder");
    std::fs::write(reviews.join("扫描件/签字页.pdf"), b"%PDF-1.4").expect("scan");
    std::fs::write(
        reviews.join("王五/王五.toml"),
        format!(
            "format = 1\nkind = \"review\"\nreviewer = \"王五\"\nreviewed_on = 2023-07-10\n\n\
             [[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\n\
             focused = {{ score = 3 }}\n"
        ),
    )
    .expect("review file");
    std::fs::write(reviews.join("评审表-李四.xltx"), b"PK").expect("template");
    // A Mac's zip metadata beside the sheets is no reviewer's.
    std::fs::create_dir_all(reviews.join("__MACOSX")).expect("folder");
    std::fs::write(
        reviews.join("__MACOSX/._评审表-张三.xlsx"),
        b"\0\x05\x16\x07",
    )
    .expect("meta");
    std::fs::write(reviews.join("._评审表-张三.xlsx"), b"\0\x05\x16\x07").expect("meta");
    let run = jixiao(&dir, &["score", "--reviews", "收回", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("子目录 收回/王五 里有评审表或评审文件，没有读取"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("扫描件"), "{}", run.stderr);
    assert!(!run.stderr.contains("MACOSX"), "{}", run.stderr);
    assert!(!run.stderr.contains("._评审表"), "{}", run.stderr);
    assert!(run.stderr.contains("是 .xltx 格式的表格"), "{}", run.stderr);
}

/// A reviewer's second sheet for other units (补评) joins the first: one
/// reviewer, each unit judged once. The same unit in both is refused.
#[test]
fn a_reviewers_second_sheet_for_other_units_joins_the_first() {
    let dir = two_unit_worksheet("supplement");
    let mut first = Filling::by("张三");
    let mut second = Filling::by("张三");
    for (id, tier, score, note) in BUREAU {
        first.rows.push((EXAMPLE_UNIT, id, tier, *score, note));
        if *id != "problems" {
            second.rows.push(("岳阳楼区甲单位", id, tier, *score, note));
        }
    }
    fill(&dir.join("评审表.xlsx"), &dir.join("张三.xlsx"), &first);
    fill(
        &dir.join("评审表.xlsx"),
        &dir.join("张三-补评.xlsx"),
        &second,
    );
    let run = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "csv",
            "--reviews",
            "张三.xlsx",
            "--reviews",
            "张三-补评.xlsx",
            "示例单位.toml",
            "甲单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("2 个文件，1 位评审人"),
        "{}",
        run.stderr
    );
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{}", run.stdout);
    assert!(
        rows.iter().all(|r| r.contains(",已定分,")),
        "{}",
        run.stdout
    );

    // The same unit in both sheets: which one counts is not guessed.
    let mut twice = Filling::by("张三");
    for (id, tier, score, note) in BUREAU {
        twice.rows.push((EXAMPLE_UNIT, id, tier, *score, note));
    }
    fill(
        &dir.join("评审表.xlsx"),
        &dir.join("张三-补评.xlsx"),
        &twice,
    );
    let run = jixiao(
        &dir,
        &[
            "score",
            "--reviews",
            "张三.xlsx",
            "--reviews",
            "张三-补评.xlsx",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stderr.contains("评审人“张三”的两份评审意见都评了"),
        "{}",
        run.stderr
    );
}

/// The working papers (Markdown, HTML) say where each judgment was
/// written, as the text report does: the auditor traces every score to
/// the reviewer's cell.
#[test]
fn the_working_papers_say_where_each_judgment_is_written() {
    let dir = example_worksheet("judged-where");
    filled_by_zhang_san(&dir, "张三.xlsx");
    for format in ["markdown", "html"] {
        let run = jixiao(
            &dir,
            &[
                "score",
                "--format",
                format,
                "--reviews",
                "张三.xlsx",
                "示例单位.toml",
            ],
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.stdout.contains("评审位置"), "{format}: {}", run.stdout);
        assert!(
            run.stdout.contains("张三.xlsx 评审!H"),
            "{format}: {}",
            run.stdout
        );
    }
}

/// An override beside reviewers who judged as the rules ask is said at
/// the override (file and line), naming them, not at their worksheet rows.
#[test]
fn a_mixed_override_is_said_at_the_override() {
    let dir = example_worksheet("mixed-override");
    filled_by_zhang_san(&dir, "张三.xlsx");
    std::fs::write(
        dir.join("赵六.toml"),
        format!(
            "format = 1\nkind = \"review\"\nreviewer = \"赵六\"\nreviewed_on = 2023-07-10\n\n\
             [[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\n\
             timeliness = {{ score = 10, override = true, note = \"系统故障，视为按时。\" }}\n\
             refinement = {{ score = 3, override = true, note = \"改判。\" }}\n"
        ),
    )
    .expect("review file");
    let run = jixiao(
        &dir,
        &[
            "score",
            "--reviews",
            "张三.xlsx",
            "--reviews",
            "赵六.toml",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stderr.contains("“细化到三级指标”在这里改判")
            && run.stderr.contains("而 张三 按规则评审"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("赵六.toml:10:1"), "{}", run.stderr);
    assert!(!run.stderr.contains("张三.xlsx 评审!"), "{}", run.stderr);
}

/// A score that cannot be read stops its unit, but the other judgments
/// are judged too: every problem of a sheet is said in one run, so that
/// it goes back to its reviewer once.
#[test]
fn an_unreadable_score_hides_no_other_problem() {
    let dir = example_worksheet("unreadable-and-more");
    let mut filling = Filling::by("张三");
    for (id, tier, score, note) in BUREAU {
        let (score, note) = match *id {
            "problems" => (Cell::Text("18分"), *note),
            // Below the maximum without a note.
            "measurable" => (*score, ""),
            _ => (*score, *note),
        };
        filling.rows.push(("", id, tier, score, note));
    }
    fill(&dir.join("评审表.xlsx"), &dir.join("张三.xlsx"), &filling);
    let run = jixiao(&dir, &["score", "--reviews", "张三.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stderr.contains("“18分”"), "{}", run.stderr);
    assert!(
        run.stderr.contains("review::note_required"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 个问题，未能评分"), "{}", run.stderr);
}

/// What else a row with an unreadable score gets wrong is said with it:
/// a tier the rules do not have, a tier that needs a reason given none.
/// The reviewer mends the row once, not once per problem.
#[test]
fn an_unreadable_score_hides_nothing_else_of_its_row() {
    for (tier, note, said) in [
        (
            "很全面",
            "问题集中在廉政与固定资产管理。",
            "review::unknown_tier",
        ),
        ("其他", "", "档次“其他”需要说明理由"),
    ] {
        let dir = example_worksheet(&format!("unreadable-row-{}", said.len()));
        let mut filling = Filling::by("张三");
        for (id, t, score, n) in BUREAU {
            let (t, score, n) = match *id {
                "problems" => (tier, Cell::Text("18分"), note),
                _ => (*t, *score, *n),
            };
            filling.rows.push(("", id, t, score, n));
        }
        fill(&dir.join("评审表.xlsx"), &dir.join("张三.xlsx"), &filling);
        let run = jixiao(&dir, &["score", "--reviews", "张三.xlsx", "示例单位.toml"]);
        assert_eq!(run.code, Some(1), "{}", run.stdout);
        assert!(run.stderr.contains("得分“18分”不是数字"), "{}", run.stderr);
        assert!(run.stderr.contains(said), "{}", run.stderr);
        // The score is not also said missing: it is there, unread.
        assert!(!run.stderr.contains("缺少得分"), "{}", run.stderr);
        assert!(run.stderr.contains("2 个问题，未能评分"), "{}", run.stderr);
    }
}

/// A notice issued again for one unit of a district worksheet: the other
/// units' received dates on the 单位 sheet (filled in by `jixiao review`)
/// are not names typed over, and no other unit is suggested for them.
#[test]
fn dates_of_units_left_out_of_a_run_are_no_slips() {
    let dir = two_unit_worksheet("subset-dates");
    let mut filling = Filling::by("张三");
    for (id, tier, score, note) in BUREAU {
        filling.rows.push((EXAMPLE_UNIT, id, tier, *score, note));
    }
    filling.received.push(("岳阳楼区甲单位", "2023-06-15"));
    filling.received.push((EXAMPLE_UNIT, "2023-06-14"));
    fill(&dir.join("评审表.xlsx"), &dir.join("张三.xlsx"), &filling);
    let run = jixiao(&dir, &["score", "--reviews", "张三.xlsx", "示例单位.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stderr.contains("单位!D"), "{}", run.stderr);
    assert!(!run.stderr.contains("改回"), "{}", run.stderr);
}

/// A note broken over lines as Windows breaks them (`\r\n`, or `\r`
/// alone): the report writes no carriage return (which would send a
/// terminal back over the diagnostic's gutter), and every line of the
/// note stays under its gutter, in the message and in the help.
#[test]
fn a_note_over_several_lines_keeps_the_gutter() {
    let dir = scratch("note-lines");
    unreviewed(&dir);
    std::fs::write(
        dir.join("张三.toml"),
        format!(
            "format = 1\nkind = \"review\"\nreviewer = \"张三\"\nreviewed_on = 2023-07-10\n\n\
             [[units]]\nunit = \"{EXAMPLE_UNIT}\"\nyear = 2022\n\
             refinement = {{ score = 4, note = \"未全部细化。\" }}\n\
             measurable = {{ score = 4, note = \"部分三级指标未量化，\\r\\n“提高服务满意度”\\r未写目标值。\" }}\n\
             focused = {{ score = 3 }}\nrelevant = {{ score = 2 }}\n\
             problems = {{ tier = \"较全面\", score = 18, note = \"较全面。\" }}\n\
             suggestions = {{ tier = \"较全面\", score = 14, note = \"较全面。\" }}\n"
        ),
    )
    .expect("write review file");
    let run = jixiao(
        &dir,
        &[
            "score",
            "--reviews",
            "张三.toml",
            "-o",
            "报告.txt",
            "示例单位.toml",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = std::fs::read_to_string(dir.join("报告.txt")).expect("report");
    assert!(!text.contains('\r'), "{text:?}");
    let lines: Vec<&str> = text.lines().collect();
    let at = |words: &str| {
        lines
            .iter()
            .position(|l| l.contains(words))
            .unwrap_or_else(|| panic!("no {words}: {text}"))
    };
    // The message: the note's lines under the `│` of the diagnostic.
    let first = at("内涵明确、具体、可衡量：扣 1 分");
    for line in lines
        .iter()
        .skip(first + 1)
        .take_while(|l| !l.contains("╭─"))
    {
        assert!(line.starts_with("  │ "), "{line:?} in\n{text}");
    }
    // The help: each line of the note indented under `help:`.
    let help = first
        + lines
            .iter()
            .skip(first)
            .position(|l| l.starts_with("  help:"))
            .expect("help");
    for line in lines.iter().skip(help + 1).take_while(|l| !l.is_empty()) {
        assert!(line.starts_with("        "), "{line:?} in\n{text}");
    }
    let json = jixiao(
        &dir,
        &[
            "score",
            "--format",
            "json",
            "--reviews",
            "张三.toml",
            "示例单位.toml",
        ],
    );
    let v: Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(
        criterion(&v, "measurable")["deductions"][0]["judgments"][0]["note"],
        "部分三级指标未量化，\n“提高服务满意度”\n未写目标值。"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A package corrected after its worksheet was made: the reviewers read the
/// old one, and their notes may be about what was corrected. The worksheet
/// keeps each package's fingerprint on its 单位 sheet; scoring says the
/// change to the bureau, with the cell, and the summary asks for a recheck.
/// The judgments still count. An unchanged package says nothing.
#[test]
fn a_package_changed_after_its_worksheet_asks_for_a_recheck() {
    let dir = example_worksheet("changed-package");
    filled_by_zhang_san(&dir, "评审表-张三.xlsx");
    let csv = || {
        jixiao(
            &dir,
            &[
                "score",
                "--format",
                "csv",
                "--reviews",
                "评审表-张三.xlsx",
                "示例单位.toml",
            ],
        )
    };
    let recheck = |out: &str| csv_cell(out, "复核");
    let same = csv();
    assert_eq!(same.code, Some(0), "{}", same.stderr);
    assert_eq!(recheck(&same.stdout), "", "{}", same.stdout);
    assert!(!same.stderr.contains("改动"), "{}", same.stderr);

    // The unit corrects a figure of its report and sends the package again.
    let package = dir.join("示例单位.toml");
    let text = std::fs::read_to_string(&package).expect("package");
    let corrected = text.replacen("total_score = 98", "total_score = 100", 1);
    assert_ne!(corrected, text, "the example's total score line");
    std::fs::write(&package, corrected).expect("write");
    let changed = csv();
    assert_eq!(changed.code, Some(0), "{}", changed.stderr);
    assert_eq!(
        recheck(&changed.stdout),
        "材料有改动需复核",
        "{}",
        changed.stdout
    );
    assert!(
        changed
            .stderr
            .contains("示例单位.toml 在生成评审表之后有改动（评审表-张三.xlsx 单位!E2 记下的材料校验码与现在的材料不同）"),
        "{}",
        changed.stderr
    );
    // The judgments still count: the same status as before.
    assert!(changed.stdout.contains("已定分"), "{}", changed.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The fingerprint is the same for the same bytes on every run, and any
/// change of a byte of the unit's package changes it; the bureau's own
/// `[review]` and `[submission]` tables in a `.toml` package (judgments,
/// the date the package was received) are no part of it.
#[test]
fn a_fingerprint_follows_every_byte_of_the_package() {
    use jixiao::data::worksheet::package_fingerprint;
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/2022/yueyanglou-finance-office.toml");
    let text = std::fs::read_to_string(path).expect("example");
    let review = text.find("[review").expect("the example's [review]");
    let bytes = text.as_bytes().to_vec();
    let digest = package_fingerprint("a.toml", &bytes);
    assert_eq!(digest.len(), 16);
    assert_eq!(digest, package_fingerprint("a.toml", &bytes));
    for at in [0, 1, 7, 8, review / 2, review - 2] {
        let mut changed = bytes.clone();
        changed[at] ^= 1;
        assert_ne!(package_fingerprint("a.toml", &changed), digest, "byte {at}");
    }
    let mut longer = bytes.clone();
    longer.splice(0..0, *b"\n");
    assert_ne!(package_fingerprint("a.toml", &longer), digest);
    // A judgment written into the package later changes nothing.
    let rejudged = text.replacen("score = 18", "score = 17", 1);
    assert_ne!(rejudged, text);
    assert_eq!(package_fingerprint("a.toml", rejudged.as_bytes()), digest);
    // Nor does the date the bureau received it, written or corrected
    // after the worksheet was made (on a package imported without one,
    // its table too).
    let received = "[submission]\nreceived_on = 2023-06-14";
    assert!(text.contains(received), "the example's received_on");
    let redated = text.replacen(received, "[submission]\nreceived_on = 2023-06-16", 1);
    assert_eq!(package_fingerprint("a.toml", redated.as_bytes()), digest);
    let line = text
        .lines()
        .find(|l| l.starts_with("received_on"))
        .expect("the received_on line");
    let imported = text.replacen(&format!("[submission]\n{line}\n"), "", 1);
    let dated = imported.replacen(
        "[[self_checks]]",
        "[submission]\nreceived_on = 2023-06-20\n\n[[self_checks]]",
        1,
    );
    assert_ne!(imported, text);
    assert_ne!(dated, imported);
    assert_eq!(
        package_fingerprint("a.toml", dated.as_bytes()),
        package_fingerprint("a.toml", imported.as_bytes())
    );
    // A Word package is its bytes, every one.
    assert_ne!(
        package_fingerprint("a.docx", rejudged.as_bytes()),
        package_fingerprint("a.docx", &bytes)
    );
}

/// The cell of column `name` in the first row of a one-unit CSV summary.
fn csv_cell(out: &str, name: &str) -> String {
    let header: Vec<&str> = out.lines().next().unwrap_or_default().split(',').collect();
    let row: Vec<&str> = out.lines().nth(1).unwrap_or_default().split(',').collect();
    header
        .iter()
        .position(|h| *h == name)
        .and_then(|i| row.get(i))
        .map(|v| (*v).to_string())
        .unwrap_or_else(|| panic!("no column {name}: {out}"))
}
