//! `jixiao import`: the example Word package against its reference
//! transcription (value by value), scoring a `.docx`, and generated
//! packages with the things real packages do — a table split across pages,
//! odd number formats, a renamed heading, a missing attachment, stray empty
//! rows — checking what is imported and what is warned about.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod import_support;

use import_support::{
    Block, Cell, c, docx, p, package, r, replace_text, s, table_index, table_rows, vc,
};
use jixiao::data::schema::Schema;
use jixiao::data::{Submission, Value, load_submission};
use jixiao::import::{Imported, Level, Options, Templates, import_docx, import_file};
use jixiao::source::SourceFile;
use std::path::{Path, PathBuf};
use std::process::Command;

const DOCX: &str = "examples/2022/yueyanglou-finance-office.docx";
const REFERENCE: &str = "examples/2022/yueyanglou-finance-office.toml";

fn options() -> Options {
    Options {
        received_on: jixiao::data::Date::parse("2023-06-14"),
        ..Options::default()
    }
}

fn schema() -> Schema {
    jixiao::rules::builtin(2022).expect("2022 rules").schema
}

fn load(name: &str, text: &str) -> Submission {
    match load_submission(SourceFile::new(name, text), &schema()) {
        Ok(s) => s,
        Err(problems) => panic!(
            "{name} does not load:\n{}\n--- text ---\n{text}",
            jixiao::diag::render(&problems)
        ),
    }
}

fn import_blocks(blocks: &[Block]) -> Imported {
    import_docx(&docx(blocks), "test.docx", &options(), None).expect("imports")
}

fn codes(imported: &Imported) -> Vec<&'static str> {
    imported.warnings.iter().map(|w| w.code.as_str()).collect()
}

fn unspaced(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Walk two values; free text compares without whitespace. Returns the
/// number of leaves compared; differences go to `diffs`.
fn compare(a: &Value, b: &Value, path: &str, diffs: &mut Vec<String>) -> usize {
    match (a, b) {
        (Value::Record(x), Value::Record(y)) => x
            .fields
            .iter()
            .zip(y.fields.iter())
            .enumerate()
            .map(|(i, (fa, fb))| compare(fa, fb, &format!("{path}.#{i}"), diffs))
            .sum(),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                diffs.push(format!("{path}: {} items vs {}", x.len(), y.len()));
            }
            x.iter()
                .zip(y.iter())
                .enumerate()
                .map(|(i, (ea, eb))| compare(ea, eb, &format!("{path}[{i}]"), diffs))
                .sum()
        }
        (Value::Map(x), Value::Map(y)) => {
            let mut n = 0;
            if x.entries.len() != y.entries.len() {
                diffs.push(format!(
                    "{path}: {} keys vs {}",
                    x.entries.len(),
                    y.entries.len()
                ));
            }
            for (k, va, _) in &x.entries {
                match y.entries.iter().find(|(kb, _, _)| kb == k) {
                    Some((_, vb, _)) => n += compare(va, vb, &format!("{path}.{k}"), diffs),
                    None => diffs.push(format!("{path}.{k}: missing")),
                }
            }
            n
        }
        (Value::Text(x), Value::Text(y)) => {
            if unspaced(x) != unspaced(y) {
                diffs.push(format!("{path}: {x:?} vs {y:?}"));
            }
            1
        }
        (Value::Num(x), Value::Num(y)) => {
            if x != y {
                diffs.push(format!("{path}: {x} vs {y}"));
            }
            1
        }
        (Value::Absent, Value::Absent) => 0,
        (x, y) => {
            if format!("{x:?}") != format!("{y:?}") {
                diffs.push(format!("{path}: {x:?} vs {y:?}"));
            }
            1
        }
    }
}

fn text(sub: &Submission, path: &str) -> String {
    import_support::text_at(sub, &schema(), path)
}

fn count(sub: &Submission, path: &str) -> usize {
    match import_support::get(sub, &schema(), path) {
        Value::List(items) => items.len(),
        _ => 0,
    }
}

#[test]
fn example_package_loads_to_the_reference_transcription() {
    let started = std::time::Instant::now();
    let imported = import_file(Path::new(DOCX), &options(), None).expect("imports");
    let elapsed = started.elapsed();
    assert!(imported.is_complete(), "{:#?}", imported.warnings);
    assert_eq!(
        codes(&imported),
        ["import::total_by_position", "import::skipped_table"]
    );
    let ours = load("imported.toml", &imported.toml);
    let reference = load(REFERENCE, &std::fs::read_to_string(REFERENCE).unwrap());
    let mut diffs = Vec::new();
    let leaves = compare(&ours.root, &reference.root, "", &mut diffs);
    assert!(
        diffs.is_empty(),
        "{} of {leaves} values differ:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    assert!(leaves > 250, "only {leaves} values compared");
    assert!(ours.review.judgments.is_empty());
    eprintln!("{leaves} values match; import took {elapsed:?}");
}

fn jixiao(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The index of the first row with a cell that reads `text`.
fn row_with(rows: &[import_support::Row], text: &str) -> usize {
    rows.iter()
        .position(|r| r.cells.iter().any(|c| c.paras == [text]))
        .unwrap_or_else(|| panic!("no row with {text}"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("import")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn imported_example_with_the_review_scores_95() {
    let dir = scratch("review");
    let out = dir.join("imported.toml");
    let (code, _, stderr) = jixiao(&[
        "import",
        "--received-on",
        "2023-06-14",
        "-o",
        out.to_str().unwrap(),
        DOCX,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let reference = std::fs::read_to_string(REFERENCE).unwrap();
    let review = &reference[reference.find("\n[review]").unwrap()..];
    let with_review = dir.join("with-review.toml");
    std::fs::write(
        &with_review,
        std::fs::read_to_string(&out).unwrap() + review,
    )
    .unwrap();
    let (code, stdout, stderr) =
        jixiao(&["score", "--format", "json", with_review.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["status"], "final");
    assert_eq!(json["score"], "95");
}

/// Scored straight from Word: pending (no reviews), and every place is the
/// Word table and row (or report paragraph) the value came from: a row's
/// own place is its row, not the row above; the total row's cells name
/// their row; a report section's text names the paragraph it starts at,
/// not a note of the import.
#[test]
fn a_docx_scores_directly_as_pending_naming_word_rows_and_paragraphs() {
    let (code, stdout, stderr) = jixiao(&[
        "score",
        "--format",
        "json",
        "--received-on",
        "2023-06-14",
        DOCX,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["status"], "pending");
    assert_eq!(json["score"], serde_json::Value::Null);
    assert_eq!(json["range"], serde_json::json!(["50", "100"]));
    let mut places = std::collections::BTreeMap::new();
    for f in json["findings"].as_array().unwrap() {
        for d in f["data"].as_array().unwrap() {
            let path = d["path"].as_str().unwrap().to_string();
            let source = &d["source"];
            let at = match (source["table"].as_u64(), source["row"].as_u64()) {
                (Some(t), Some(r)) => format!("table {t} row {r}"),
                _ => format!("paragraph {}", source["paragraph"]),
            };
            places.insert(path, at);
        }
    }
    let expect = [
        // The indicator rows of the findings, by the Word file itself.
        ("projects[0].indicators[5]", "table 3 row 19"),
        ("overall.indicators[10]", "table 2 row 34"),
        ("projects[0].indicators[9]", "table 3 row 31"),
        ("overall.total_score", "table 2 row 40"),
        ("report.sections[8].text", "paragraph 39"),
    ];
    for (path, at) in expect {
        assert_eq!(
            places.get(path).map(String::as_str),
            Some(at),
            "{path}: {places:#?}"
        );
    }
    // What the import noted is part of the report, with its place.
    assert_eq!(
        json["import_notes"],
        serde_json::json!([
            "提示：附件5 考核评分表：区财政局的考核评分表不是单位报送的数据，已跳过",
            "提示：附件2 部门整体支出绩效自评表，第2个表格第40行：这一行的标签是图片而不是文字，按位置认定为“总分”行"
        ])
    );
}

#[test]
fn without_a_received_date_the_output_marks_it_and_exits_1() {
    let (code, stdout, stderr) = jixiao(&["import", DOCX]);
    assert_eq!(code, 1);
    assert!(stdout.contains("# 待填：received_on = "), "{stdout}");
    assert!(stderr.contains("import::missing_received_on"), "{stderr}");
    let (code, _, stderr) = jixiao(&["score", DOCX]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--received-on"), "{stderr}");
}

/// A field renamed in a copied rules folder: the rules check, but the
/// import no longer fits them. It says so, names the key, writes nothing.
#[test]
fn a_field_renamed_in_the_schema_stops_the_import_naming_the_key() {
    let dir = scratch("renamed-field");
    let rules = dir.join("2022");
    std::fs::create_dir_all(&rules).unwrap();
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/2022")).unwrap()
    {
        let path = entry.unwrap().path();
        if path.is_file() {
            let mut text = std::fs::read_to_string(&path).unwrap();
            if path.extension().is_some_and(|e| e == "jx") {
                text = text.replace("staffing", "personnel");
            }
            std::fs::write(rules.join(path.file_name().unwrap()), text).unwrap();
        }
    }
    // The rules check among themselves; `check` warns that the Word import
    // writes a field the schema no longer has.
    let (code, _, stderr) = jixiao(&["check", "--rules", rules.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("schema.jx 中没有 Word 导入写出的字段：basic_data.staffing.authorized"),
        "{stderr}"
    );
    let out = dir.join("out.toml");
    let (code, _, stderr) = jixiao(&[
        "import",
        "--rules",
        rules.to_str().unwrap(),
        "--received-on",
        "2023-06-14",
        "-o",
        out.to_str().unwrap(),
        DOCX,
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("import::schema_mismatch"), "{stderr}");
    assert!(stderr.contains("中没有键 `staffing`"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
    // Without a received date the import is incomplete, and is still
    // checked: only the date may be missing.
    let (code, _, stderr) = jixiao(&[
        "import",
        "--rules",
        rules.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        DOCX,
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("import::schema_mismatch"), "{stderr}");
    assert!(!stderr.contains("缺少 `received_on`"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn several_packages_need_an_output_folder() {
    let (code, _, _) = jixiao(&["import", "--received-on", "2023-06-14", DOCX, DOCX]);
    assert_eq!(code, 2);
    let dir = scratch("batch");
    let copy = dir.join("second.docx");
    std::fs::copy(DOCX, &copy).unwrap();
    let out = dir.join("out").join("new");
    let (code, _, stderr) = jixiao(&[
        "import",
        "--received-on",
        "2023-06-14",
        "--out-dir",
        out.to_str().unwrap(),
        DOCX,
        copy.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("yueyanglou-finance-office.toml").is_file());
    assert!(out.join("second.toml").is_file());
    let (code, _, _) = jixiao(&["import", "--role", "局长", DOCX]);
    assert_eq!(code, 2);
}

#[test]
fn generated_package_imports_cleanly() {
    let imported = import_blocks(&package());
    assert_eq!(
        codes(&imported),
        ["import::skipped_table"],
        "{}",
        imported.toml
    );
    let sub = load("generated.toml", &imported.toml);
    assert_eq!(text(&sub, "unit.name"), "测试区测试局");
    assert_eq!(text(&sub, "unit.filled_by"), "张三");
    assert_eq!(text(&sub, "basic_data.staffing.control_rate"), "90%");
    assert_eq!(count(&sub, "basic_data.expenses"), 17);
    assert_eq!(text(&sub, "basic_data.expenses[7].item"), "业务工作经费");
    assert_eq!(text(&sub, "basic_data.expenses[7].group"), "项目支出");
    assert_eq!(text(&sub, "basic_data.expenses[7].final"), "55");
    assert_eq!(text(&sub, "basic_data.expenses[14].budget"), "0");
    assert_eq!(text(&sub, "basic_data.expenses[1].budget"), "<absent>");
    assert_eq!(text(&sub, "overall.funds.rate"), "90%");
    assert_eq!(text(&sub, "overall.funds.by_use.project"), "55");
    assert_eq!(
        text(&sub, "overall.goals.actual"),
        "1、完成服务。\n2、完成管理。"
    );
    assert_eq!(count(&sub, "overall.indicators"), 5);
    assert_eq!(text(&sub, "overall.indicators[2].level2"), "社会效益指标");
    assert_eq!(text(&sub, "overall.indicators[3].level2"), "可持续影响指标");
    assert_eq!(text(&sub, "overall.indicators[3].name"), "<absent>");
    assert_eq!(text(&sub, "overall.total_score"), "98");
    assert_eq!(count(&sub, "report.sections"), 9);
    assert_eq!(
        text(&sub, "report.title"),
        "2022年度测试区测试局整体支出绩效自评报告"
    );
    assert_eq!(
        text(&sub, "report.sections[1].text"),
        "(一)基本支出情况\n基本支出53万元。"
    );
    assert_eq!(count(&sub, "attachments"), 3);
    assert_eq!(text(&sub, "attachments[2].project"), "业务工作经费");
    assert_eq!(text(&sub, "projects[0].funds.breakdown.current_year"), "55");
    assert_eq!(text(&sub, "projects[0].department"), "<absent>");
}

/// The overall table split in two after its first indicator row; the
/// second part repeats the header row and restarts the merged cells.
#[test]
fn a_table_split_across_pages_is_stitched() {
    let baseline = load("baseline.toml", &import_blocks(&package()).toml);
    let separators = [
        (false, "续表"),
        (true, "续表"),
        (false, "（续表）"),
        (false, "附件2（续）"),
        (false, "2022年度预算单位整体支出绩效自评表（续）"),
    ];
    for (restart_merges, separator) in separators {
        let mut blocks = package();
        let at = table_index(&blocks, 1);
        let rows = table_rows(&mut blocks, 1);
        let header = rows
            .iter()
            .position(|r| r.cells[1].paras == ["一级指标"])
            .unwrap();
        rows[header].header = true;
        let mut second = rows.split_off(header + 2);
        if restart_merges {
            // Word's "split table" leaves the continuation's category cells blank.
            for cell in &mut second[0].cells[..3] {
                *cell = c("");
            }
        }
        let mut repeated = rows[header].clone();
        repeated.cells[0] = vc();
        second.insert(0, repeated);
        blocks.insert(at + 1, p(""));
        blocks.insert(at + 2, p(separator));
        blocks.insert(at + 3, Block::Table(second));
        let imported = import_blocks(&blocks);
        assert_eq!(
            codes(&imported),
            ["import::skipped_table"],
            "{separator}: {}",
            imported.toml
        );
        assert!(imported.toml.contains("第2、3个表格，跨页续表已合并"));
        let sub = load("split.toml", &imported.toml);
        let mut diffs = Vec::new();
        compare(&sub.root, &baseline.root, "", &mut diffs);
        assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    }
}

#[test]
fn odd_number_formats_are_read_exactly() {
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 1);
    rows[2] = r(vec![
        vc(),
        s("年度资金总额", 2),
        c("１００"),
        c("1,200.50万元"),
        c(" 108.00 "),
        c("10分"),
        c("90 %"),
        c("9"),
    ]);
    rows[4] = r(vec![
        vc(),
        s("其中：一般公共预算", 2),
        s("1,080,000元", 2),
        s("其中：基本支出：约53万元", 4),
    ]);
    let basic = table_rows(&mut blocks, 0);
    basic[4] = r(vec![
        c("三公经费"),
        s("1.10", 2),
        s("—", 2),
        s("0.5（含结转）", 2),
    ]);
    let imported = import_blocks(&blocks);
    let sub = load("numbers.toml", &imported.toml);
    assert_eq!(text(&sub, "overall.funds.initial_budget"), "100");
    assert_eq!(text(&sub, "overall.funds.full_year_budget"), "1200.50");
    assert_eq!(text(&sub, "overall.funds.executed"), "108.00");
    assert_eq!(text(&sub, "overall.funds.weight"), "10");
    assert_eq!(text(&sub, "overall.funds.rate"), "90%");
    assert_eq!(text(&sub, "overall.funds.by_source.general_public"), "108");
    assert_eq!(text(&sub, "overall.funds.by_use.basic"), "<absent>");
    assert_eq!(text(&sub, "basic_data.expenses[0].prior_final"), "1.10");
    assert_eq!(text(&sub, "basic_data.expenses[0].budget"), "<absent>");
    assert_eq!(text(&sub, "basic_data.expenses[0].final"), "0.5");
    assert!(imported.toml.contains("full_year_budget = 1200.50\n"));
    let found = codes(&imported);
    for code in [
        "import::converted",
        "import::not_a_number",
        "import::note_dropped",
    ] {
        assert!(found.contains(&code), "{code} not in {found:?}");
    }
    // A dash marks a cell left empty: blank, and nothing said of it (a
    // notice listed thirty such cells as unreadable).
    assert!(
        !imported.warnings.iter().any(|w| w.message.contains("“—”")),
        "{:?}",
        imported.warnings
    );
    assert!(
        imported.toml.contains("不是可识别的数字，未导入"),
        "{}",
        imported.toml
    );
}

#[test]
fn a_renamed_heading_is_kept_as_written_and_warned_about() {
    let mut blocks = package();
    assert_eq!(
        replace_text(&mut blocks, "六、部门整体支出绩效情况", "六、整体绩效情况"),
        1
    );
    let five = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "五、社会保险基金预算支出情况"))
        .unwrap();
    blocks.drain(five..five + 2);
    let imported = import_blocks(&blocks);
    let sub = load("renamed.toml", &imported.toml);
    assert_eq!(count(&sub, "report.sections"), 8);
    assert_eq!(text(&sub, "report.sections[4].heading"), "六、整体绩效情况");
    assert_eq!(text(&sub, "report.sections[4].text"), "第6部分的正文。");
    let found = codes(&imported);
    assert!(found.contains(&"import::renamed_heading"), "{found:?}");
    assert!(found.contains(&"import::missing_section"), "{found:?}");
    let missing = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::missing_section")
        .unwrap();
    assert!(missing.message.contains("第五部分"), "{}", missing.message);
}

/// One heading naming three of the template's sections together (“三、
/// 政府性基金、国有资本经营、社会保险基金预算支出情况”) is all three, as
/// the rules read it: none is said missing, nor renumbered.
#[test]
fn a_heading_naming_several_sections_is_each_of_them() {
    let mut blocks = package();
    let at = |blocks: &[Block], h: &str| {
        blocks
            .iter()
            .position(|b| matches!(b, Block::P(t) if t == h))
            .unwrap()
    };
    // 四 and 五 with their text go; 三 names all three.
    let four = at(&blocks, "四、国有资本经营预算支出情况");
    blocks.drain(four..four + 4);
    assert_eq!(
        replace_text(
            &mut blocks,
            "三、政府性基金预算支出情况",
            "三、政府性基金、国有资本经营、社会保险基金预算支出情况"
        ),
        1
    );
    let imported = import_blocks(&blocks);
    let found = codes(&imported);
    assert!(
        !found.contains(&"import::missing_section"),
        "{:?}",
        imported.warnings
    );
    assert!(
        !found.contains(&"import::renamed_heading"),
        "{:?}",
        imported.warnings
    );
    // A section that is not there is still said missing.
    let mut blocks = package();
    let six = at(&blocks, "六、部门整体支出绩效情况");
    blocks.drain(six..six + 2);
    let imported = import_blocks(&blocks);
    assert!(codes(&imported).contains(&"import::missing_section"));
}

#[test]
fn a_missing_attachment_is_not_listed_and_is_warned_about() {
    let mut blocks = package();
    let start = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "附件4"))
        .unwrap();
    let end = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "附件5"))
        .unwrap();
    blocks.drain(start..end);
    let imported = import_blocks(&blocks);
    assert!(imported.is_complete());
    let sub = load("missing.toml", &imported.toml);
    assert_eq!(count(&sub, "projects"), 0);
    assert_eq!(count(&sub, "attachments"), 2);
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::missing_attachment")
        .unwrap();
    assert!(w.message.contains("项目支出绩效自评表"), "{}", w.message);
}

#[test]
fn stray_empty_rows_are_dropped_and_a_row_without_an_item_is_warned_about() {
    let baseline = load("baseline.toml", &import_blocks(&package()).toml);
    let mut blocks = package();
    let basic = table_rows(&mut blocks, 0);
    let empty = r(vec![c(""), s("", 2), s("", 2), s("", 2)]);
    basic.insert(6, empty.clone());
    basic.insert(20, empty);
    let overall = table_rows(&mut blocks, 1);
    let cells: Vec<Cell> = vec![vc(), vc(), vc(), c(""), c(""), c(""), c(""), c(""), c("")];
    overall.insert(13, r(cells));
    let imported = import_blocks(&blocks);
    assert_eq!(
        codes(&imported),
        ["import::skipped_table"],
        "{}",
        imported.toml
    );
    let sub = load("empty-rows.toml", &imported.toml);
    let mut diffs = Vec::new();
    compare(&sub.root, &baseline.root, "", &mut diffs);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));

    let basic = table_rows(&mut blocks, 0);
    basic.insert(17, r(vec![c(""), s("3", 2), s("", 2), s("2", 2)]));
    let imported = import_blocks(&blocks);
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::row_without_item")
        .unwrap();
    assert!(w.place.contains("第1个表格第18行"), "{}", w.place);
    assert!(
        imported
            .toml
            .contains("第1个表格第18行：这一行有数字，但没有项目名称，未导入"),
        "{}",
        imported.toml
    );
}

#[test]
fn unit_lines_take_the_open_group_and_unknown_lines_are_warned_about() {
    let mut blocks = package();
    assert_eq!(replace_text(&mut blocks, "......", "3、招商引资专项"), 1);
    let basic = table_rows(&mut blocks, 0);
    basic.insert(20, r(vec![c("邮电费"), s("1", 2), s("1", 2), s("1", 2)]));
    let imported = import_blocks(&blocks);
    let sub = load("lines.toml", &imported.toml);
    assert_eq!(text(&sub, "basic_data.expenses[9].item"), "招商引资专项");
    assert_eq!(text(&sub, "basic_data.expenses[9].group"), "项目支出");
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::unknown_row")
        .unwrap();
    assert!(
        w.message.contains("邮电费") && w.message.contains("公用经费"),
        "{}",
        w.message
    );
}

#[test]
fn a_picture_label_and_split_label_value_cells() {
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 1);
    let last = rows.len() - 1;
    rows[last].cells[0] = import_support::picture(6);
    rows[4] = r(vec![
        vc(),
        s("一般公共预算", 2),
        s("108", 2),
        s("基本支出", 2),
        s("53", 2),
    ]);
    let imported = import_blocks(&blocks);
    let sub = load("picture.toml", &imported.toml);
    assert_eq!(text(&sub, "overall.total_weight"), "100");
    assert_eq!(text(&sub, "overall.funds.by_source.general_public"), "108");
    assert_eq!(text(&sub, "overall.funds.by_use.basic"), "53");
    assert!(codes(&imported).contains(&"import::total_by_position"));
}

#[test]
fn headings_numbered_by_word_are_found() {
    let blocks: Vec<Block> = package()
        .into_iter()
        .map(|b| match b {
            Block::P(t) if import_support::HEADINGS.contains(&t.as_str()) => {
                Block::Numbered(t.split_once('、').unwrap().1.to_string(), 1)
            }
            other => other,
        })
        .collect();
    let imported = import_blocks(&blocks);
    let sub = load("numbered.toml", &imported.toml);
    assert_eq!(count(&sub, "report.sections"), 9);
    assert_eq!(
        text(&sub, "report.sections[6].heading"),
        "七、存在的问题及原因分析"
    );
}

#[test]
fn a_changed_template_is_a_file_edit() {
    let mut blocks = package();
    assert_eq!(replace_text(&mut blocks, "实施单位", "执行单位"), 1);
    let imported = import_blocks(&blocks);
    let sub = load("old-template.toml", &imported.toml);
    assert_eq!(text(&sub, "projects[0].implementer"), "<absent>");

    let dir = scratch("templates");
    let shipped = std::fs::read_to_string("rules/2022/templates.toml").unwrap();
    let edited = shipped.replace(
        "implementer = \"实施单位\"",
        "implementer = [\"实施单位\", \"执行单位\"]",
    );
    assert_ne!(shipped, edited);
    std::fs::write(dir.join("templates.toml"), edited).unwrap();
    let templates = Templates::from_dir(&dir).unwrap();
    let imported = import_docx(&docx(&blocks), "t.docx", &options(), Some(&templates)).unwrap();
    let sub = load("new-template.toml", &imported.toml);
    assert_eq!(text(&sub, "projects[0].implementer"), "测试区测试局");
    std::fs::write(dir.join("templates.toml"), "format = 1\nyear = \"x\"\n").unwrap();
    let err = Templates::from_dir(&dir).unwrap_err();
    assert!(err.message.contains("templates.toml"), "{}", err.message);
}

#[test]
fn a_package_without_its_unit_name_is_incomplete() {
    let mut blocks = package();
    replace_text(&mut blocks, "测试区测试局", "");
    let imported = import_blocks(&blocks);
    assert!(!imported.is_complete());
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.level == Level::Missing && w.code == "import::missing_unit_name")
    );
    assert!(imported.toml.contains("# 待填：name = "));
}

#[test]
fn broken_files_are_errors_not_panics() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("text", b"not a zip".to_vec()),
        ("old word", vec![0xD0, 0xCF, 0x11, 0xE0, 0, 0]),
        ("no document", import_support::zip_parts(&[("a.txt", "x")])),
        (
            "bad xml",
            import_support::zip_parts(&[(
                "word/document.xml",
                "<w:document><w:body><w:p></w:body>",
            )]),
        ),
        (
            "empty main part",
            import_support::zip_parts(&[("word/document.xml", "")]),
        ),
        (
            "a workbook renamed",
            import_support::zip_parts(&[
                (
                    "_rels/.rels",
                    "<Relationships><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
                ),
                ("xl/workbook.xml", "<workbook/>"),
            ]),
        ),
    ];
    for (name, bytes) in cases {
        let result = import_docx(&bytes, name, &options(), None);
        assert!(result.is_err(), "{name} should fail");
    }
    let renamed = import_support::zip_parts(&[
        (
            "_rels/.rels",
            "<Relationships><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
        ),
        ("xl/workbook.xml", "<workbook/>"),
    ]);
    match import_docx(&renamed, "金融办.docx", &options(), None) {
        Err(p) => assert!(
            p.message
                .contains("金融办.docx 是 Excel 工作簿，不是 Word 文档"),
            "{}",
            p.message
        ),
        Ok(_) => panic!("a workbook imported"),
    }
    let empty = import_blocks(&[]);
    let found = codes(&empty);
    assert!(
        found.contains(&"import::missing_report") && found.contains(&"import::missing_unit_name"),
        "{found:?}"
    );
}

/// The example package's `word/document.xml`.
fn example_xml() -> String {
    let bytes = std::fs::read(DOCX).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    xml
}

/// A 填报日期 that is no date is said with the Word paragraph it is in,
/// which the clerk can find, not only the table it is under.
#[test]
fn a_bad_filling_date_names_its_paragraph() {
    let xml = example_xml();
    assert!(xml.contains("填报日期：2023年6月14日"));
    let bad = xml.replacen("填报日期：2023年6月14日", "填报日期：2023年13月14日", 1);
    let docx = import_support::zip_parts(&[("word/document.xml", &bad)]);
    let imported = import_docx(&docx, "bad-date.docx", &options(), None).expect("imported");
    let warning = imported
        .warnings
        .iter()
        .find(|w| w.code.as_str() == "import::bad_date")
        .unwrap_or_else(|| panic!("{:#?}", imported.warnings));
    assert!(
        warning.place.starts_with("附件1") && warning.place.ends_with("表下“填报日期”（第4段）"),
        "{}",
        warning.place
    );
}

/// Every prefix of the example's XML, and the example with bytes flipped,
/// either imports or fails with a message; none panics.
#[test]
fn mangled_packages_never_panic() {
    let xml = example_xml();
    let step = xml.len() / 37;
    for cut in (0..xml.len()).step_by(step.max(1)) {
        let mut end = cut;
        while !xml.is_char_boundary(end) {
            end -= 1;
        }
        let truncated = import_support::zip_parts(&[("word/document.xml", &xml[..end])]);
        let _ = import_docx(&truncated, "cut.docx", &options(), None);
    }
    for (i, pattern) in ["gridSpan w:val=\"", "vMerge", "<w:tc>", "</w:tr>"]
        .iter()
        .enumerate()
    {
        let mangled = xml.replacen(
            pattern,
            ["gridSpan w:val=\"99999999", "hMerge", "", "<w:tr>"][i],
            7,
        );
        let docx = import_support::zip_parts(&[("word/document.xml", &mangled)]);
        if let Ok(imported) = import_docx(&docx, "mangled.docx", &options(), None) {
            let parsed: Result<toml::Table, _> = toml::from_str(&imported.toml);
            assert!(parsed.is_ok(), "{pattern}: output is not TOML");
        }
    }
}

/// A cut document and an entity Word never writes are said in Chinese,
/// with the place in Word's terms; the entity is not read as a blank (a
/// number of the table would be lost unseen).
#[test]
fn broken_documents_are_said_where() {
    let xml = example_xml();
    let said = |xml: &str| {
        let docx = import_support::zip_parts(&[("word/document.xml", xml)]);
        match import_docx(&docx, "单位.docx", &options(), None) {
            Ok(_) => panic!("imported"),
            Err(problem) => problem.message,
        }
    };
    let entity = said(&xml.replacen(">20<", ">&foo;<", 1));
    assert_eq!(
        entity,
        "单位.docx 的正文中有 Word 不会写出的内容 `&foo;`（在第1个表格第3行）：文件可能被其他程序改动过"
    );
    let mut half = xml.len() / 2;
    while !xml.is_char_boundary(half) {
        half -= 1;
    }
    let cut = said(&xml[..half]);
    assert!(
        cut.starts_with("单位.docx 已损坏，正文读不下去：文件在中途截断了（在"),
        "{cut}"
    );
    let unpaired = said(&xml.replacen("<w:body>", "<w:body><w:p>", 1));
    assert!(
        unpaired.contains("标记 <w:p> 与 </w:body> 不成对"),
        "{unpaired}"
    );
    assert!(
        !unpaired.is_ascii() && !unpaired.contains("expected"),
        "{unpaired}"
    );
}

#[test]
fn two_projects_and_a_fund_table() {
    let mut blocks = package();
    let sheet = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "附件5"))
        .unwrap();
    let mut extra = import_support::project("招商引资专项");
    extra.extend([
        p("附件6"),
        p("2022年度政府性基金预算支出情况表"),
        Block::Table(vec![
            r(vec![c("项目"), c("金额")]),
            r(vec![c("某基金"), c("3")]),
        ]),
    ]);
    blocks.splice(sheet..sheet, extra);
    // A line of prose that ends like a title stays in the report.
    let six = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "第6部分的正文。"))
        .unwrap();
    blocks.insert(six + 1, p("详见项目支出绩效自评表"));
    let imported = import_blocks(&blocks);
    let sub = load("two-projects.toml", &imported.toml);
    assert_eq!(count(&sub, "projects"), 2);
    assert_eq!(text(&sub, "projects[1].name"), "招商引资专项");
    assert_eq!(count(&sub, "attachments"), 5);
    assert_eq!(text(&sub, "attachments[3].project"), "招商引资专项");
    assert_eq!(
        text(&sub, "attachments[4].title"),
        "政府性基金预算支出情况表"
    );
    assert_eq!(
        text(&sub, "report.sections[5].text"),
        "第6部分的正文。\n详见项目支出绩效自评表"
    );
    assert_eq!(count(&sub, "report.sections"), 9);
    let found = codes(&imported);
    assert!(found.contains(&"import::listed_table"), "{found:?}");
    assert!(!found.contains(&"import::unknown_table"), "{found:?}");
}

/// A Word part larger than the importer reads — the document or its styles —
/// is refused as too large, naming the part; a cut part is never scored.
#[test]
fn a_part_too_large_is_refused_not_cut() {
    let big = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{}</w:body></w:document>",
        " ".repeat((64 << 20) + 16)
    );
    let bytes = import_support::zip_parts(&[("word/document.xml", &big)]);
    let Err(problem) = import_docx(&bytes, "大文件.docx", &Options::default(), None) else {
        panic!("a 64 MiB document was read");
    };
    assert_eq!(problem.code, jixiao::diag::Code::ImportTooLarge);
    assert!(
        problem.message.contains("word/document.xml 过大"),
        "{}",
        problem.message
    );

    let small = import_support::docx(&[p("一、单位基本情况")]);
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&small)).expect("zip");
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("part");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut f, &mut text).expect("read");
        parts.push((f.name().to_string(), text));
    }
    let styles = format!("<w:styles>{}</w:styles>", " ".repeat((64 << 20) + 16));
    parts.push(("word/styles.xml".to_string(), styles));
    let refs: Vec<(&str, &str)> = parts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let bytes = import_support::zip_parts(&refs);
    let Err(problem) = import_docx(&bytes, "样式.docx", &Options::default(), None) else {
        panic!("a 64 MiB styles part was read");
    };
    assert!(
        problem.message.contains("word/styles.xml 过大"),
        "{}",
        problem.message
    );
}

/// The dotted paths (rows stepped through) of every value in a TOML text.
fn written_paths(text: &str) -> std::collections::BTreeSet<String> {
    fn walk(v: &toml::Value, at: &str, out: &mut std::collections::BTreeSet<String>) {
        match v {
            toml::Value::Table(t) => {
                for (k, x) in t {
                    let path = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    walk(x, &path, out);
                }
            }
            toml::Value::Array(rows)
                if rows.iter().all(toml::Value::is_table) && !rows.is_empty() =>
            {
                for row in rows {
                    walk(row, at, out);
                }
            }
            _ => {
                out.insert(at.to_string());
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    let table: toml::Table = toml::from_str(text).unwrap();
    walk(&toml::Value::Table(table), "", &mut out);
    out
}

/// `check` warns about a schema without a field the import writes, from
/// `WRITTEN_PATHS`: every path the import of a package writes is listed
/// there (a map's keys, `level1_weights.产出指标`, under the map).
#[test]
fn every_field_an_import_writes_is_listed_for_check() {
    let imported = import_file(Path::new(DOCX), &options(), None).unwrap();
    let listed = jixiao::import::WRITTEN_PATHS;
    let unlisted: Vec<String> = written_paths(&imported.toml)
        .into_iter()
        .filter(|p| {
            !listed
                .iter()
                .any(|l| p == l || p.starts_with(&format!("{l}.")))
        })
        .collect();
    assert!(
        unlisted.is_empty(),
        "written but not in WRITTEN_PATHS: {unlisted:?}"
    );
    let schema = schema();
    for path in listed {
        assert!(schema.has_path(path), "{path} is not in the 2022 schema");
    }
}

/// A score the unit wrote as “100%” is not read: the findings then say
/// the score was not filled in, which the unit will deny. Its notice says
/// what could not be read, where and how to write it, and the finding on
/// that Word row points there.
#[test]
fn the_notice_says_what_could_not_be_read() {
    let dir = scratch("unread");
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 2);
    let row = rows
        .iter_mut()
        .find(|r| r.cells.iter().any(|c| c.paras.join("") == "指标B"))
        .unwrap();
    row.cells[7].paras = vec!["100%".to_string()];
    let file = dir.join("百分号.docx");
    std::fs::write(&file, docx(&blocks)).unwrap();
    let (code, stdout, stderr) = jixiao(&[
        "score",
        "--for",
        "unit",
        "--format",
        "markdown",
        "--received-on",
        "2023-06-14",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("1. （未能读取）附件4 项目支出绩效自评表，第3个表格第")
            && stdout.contains("「得分」：“100%”不是分数，未能读取，按未填写处理"),
        "{stdout}"
    );
    assert!(
        stdout.contains("有分值 20，但没有填写得分")
            && stdout.contains("这一行中有未能读取的内容，见第 1 条"),
        "{stdout}"
    );
    assert!(
        stdout.contains("“未能读取”是读取材料时未能找到或识别的内容"),
        "{stdout}"
    );
    // The example as sent reads whole: no such item, no such words.
    let (code, stdout, stderr) = jixiao(&[
        "score",
        "--for",
        "unit",
        "--received-on",
        "2023-06-14",
        DOCX,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("未能读取"), "{stdout}");
}

/// One title typed with next year (“2023年度…基础数据表”, the other titles
/// and the columns still 2022) does not make the package next year's: the
/// titles' majority gives the year, and the odd title is warned about by
/// its paragraph.
#[test]
fn one_title_with_another_year_is_outvoted_and_said() {
    let mut blocks = package();
    let title = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "2022年度预算单位整体支出绩效评价基础数据表"))
        .expect("the basic data table's title");
    blocks[title] = p("2023年度预算单位整体支出绩效评价基础数据表");
    let imported = import_blocks(&blocks);
    assert_eq!(imported.year, 2022, "{}", imported.toml);
    // “20222年度” (a digit too many) gives no year of its own.
    let mut slipped = package();
    slipped[title] = p("20222年度预算单位整体支出绩效评价基础数据表");
    assert_eq!(import_blocks(&slipped).year, 2022);
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::year_mismatch")
        .unwrap_or_else(|| panic!("{:?}", imported.warnings));
    assert!(
        w.message.contains("“2023年度预算单位整体支出绩效评价基础数据表”写的是 2023 年度，其他标题是 2022 年度；按 2022 年度导入"),
        "{}",
        w.message
    );
}

/// A cell merged across two of the indicator's columns (分值 and 得分
/// merged, one “30” written) is read for the first only: the second is
/// said as not imported, never given the same value (a score the unit
/// never wrote).
#[test]
fn a_cell_merged_across_two_columns_is_read_once() {
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 1);
    let at = row_with(rows, "指标C");
    let cells = &mut rows[at].cells;
    let score = cells.len() - 2;
    cells.remove(score);
    cells[score - 1] = s("30", 2);
    let imported = import_blocks(&blocks);
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::cell_not_imported")
        .unwrap_or_else(|| panic!("{:?}", imported.warnings));
    assert!(
        w.message
            .contains("“得分”一格与左边的“分值”合并（“30”），按“分值”导入，这一行的得分未导入"),
        "{}",
        w.message
    );
    let sub = load("merged.toml", &imported.toml);
    let line = (0..count(&sub, "overall.indicators"))
        .find(|i| text(&sub, &format!("overall.indicators[{i}].name")) == "指标C")
        .expect("指标C imported");
    assert_eq!(
        text(&sub, &format!("overall.indicators[{line}].weight")),
        "30"
    );
    assert_eq!(
        text(&sub, &format!("overall.indicators[{line}].score")),
        "<absent>"
    );
}

/// An attachment list led by “附件：” (the words units use instead of the
/// template's “报告需要以下附件：”) is the list, not the last section's
/// text: a section written as its heading alone is still empty.
#[test]
fn an_attachment_list_led_by_fujian_is_the_list() {
    for lead in ["附件：", "附件", "附：", "报告附件：", "附件：（共6份）"] {
        let mut blocks = package();
        let ninth = blocks
            .iter()
            .position(|b| matches!(b, Block::P(t) if t == "第9部分的正文。"))
            .expect("section 九's text");
        blocks.remove(ninth);
        let list = blocks
            .iter()
            .position(|b| matches!(b, Block::P(t) if t == "报告需要以下附件："))
            .expect("the list's lead-in");
        blocks[list] = p(lead);
        let imported = import_blocks(&blocks);
        assert!(
            codes(&imported).contains(&"import::empty_section"),
            "{lead}: {:?}",
            imported.warnings
        );
        let sub = load("list.toml", &imported.toml);
        assert_eq!(count(&sub, "attachments"), 3, "{lead}: {}", imported.toml);
    }
    // The first item on the lead's own line.
    let mut blocks = package();
    let ninth = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "第9部分的正文。"))
        .expect("section 九's text");
    blocks.remove(ninth);
    let list = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "报告需要以下附件："))
        .expect("the list's lead-in");
    blocks[list] = p("附件：1、部门整体支出绩效评价基础数据表");
    blocks.remove(list + 1);
    let imported = import_blocks(&blocks);
    assert!(
        codes(&imported).contains(&"import::empty_section"),
        "{:?}",
        imported.warnings
    );
    let sub = load("list.toml", &imported.toml);
    assert_eq!(count(&sub, "attachments"), 3, "{}", imported.toml);
}

/// An indicator header typed in the units' common words (“权重”, “年度目标值”)
/// is read; one the templates do not know is said with the header as
/// written and what to do.
#[test]
fn renamed_indicator_headers_are_read_or_quoted() {
    let retyped = |from: &str, to: &str| {
        let mut blocks = package();
        let rows = table_rows(&mut blocks, 1);
        let header = row_with(rows, "三级指标");
        let cell = rows[header]
            .cells
            .iter_mut()
            .find(|c| c.paras.join("") == from)
            .expect("the header cell");
        *cell = c(to);
        import_blocks(&blocks)
    };
    let imported = retyped("分值", "权重");
    assert!(
        !codes(&imported).contains(&"import::missing_column"),
        "{:?}",
        imported.warnings
    );
    let sub = load("weights.toml", &imported.toml);
    assert_eq!(text(&sub, "overall.indicators[0].weight"), "30");
    let imported = retyped("分值", "分数");
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::missing_column")
        .unwrap_or_else(|| panic!("{:?}", imported.warnings));
    assert!(
        w.message
            .contains("找不到“分值”一栏，这一栏的内容未导入（表头写的是："),
        "{}",
        w.message
    );
    assert!(w.message.contains("| 分数 |"), "{}", w.message);
    assert!(
        w.help
            .as_deref()
            .is_some_and(|h| h.contains("改回模板的“分值”")),
        "{:?}",
        w.help
    );
}

/// A report whose sections 三–五 were deleted and the rest renumbered
/// (“三、部门整体支出绩效情况” … “六、…公开情况”): the deleted ones are said
/// missing, the others are said renumbered, and none is said missing or
/// told to be renamed.
#[test]
fn a_renumbered_report_is_said_as_renumbered() {
    let mut blocks = package();
    for heading in [
        "三、政府性基金预算支出情况",
        "四、国有资本经营预算支出情况",
        "五、社会保险基金预算支出情况",
    ] {
        let at = blocks
            .iter()
            .position(|b| matches!(b, Block::P(t) if t == heading))
            .expect("the heading");
        blocks.drain(at..at + 2);
    }
    for (from, to) in [
        ("六、部门整体支出绩效情况", "三、部门整体支出绩效情况"),
        ("七、存在的问题及原因分析", "四、存在的问题及原因分析"),
        ("八、下一步改进措施", "五、下一步改进措施"),
        (
            "九、部门整体支出绩效自评结果拟应用和公开情况",
            "六、部门整体支出绩效自评结果拟应用和公开情况",
        ),
    ] {
        let at = blocks
            .iter()
            .position(|b| matches!(b, Block::P(t) if t == from))
            .expect("the heading");
        blocks[at] = p(to);
    }
    let imported = import_blocks(&blocks);
    let missing: Vec<&str> = imported
        .warnings
        .iter()
        .filter(|w| w.code == "import::missing_section")
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(missing.len(), 3, "{missing:?}");
    assert!(
        missing.iter().all(|m| m.contains("政府性基金")
            || m.contains("国有资本")
            || m.contains("社会保险基金")),
        "{missing:?}"
    );
    let renumbered = imported
        .warnings
        .iter()
        .filter(|w| w.code == "import::renamed_heading")
        .collect::<Vec<_>>();
    assert_eq!(renumbered.len(), 4, "{renumbered:?}");
    assert!(
        renumbered.iter().any(|w| w.message.contains(
            "“四、存在的问题及原因分析”是模板的第七部分“七、存在的问题及原因分析”，编号与模板不同"
        )),
        "{renumbered:?}"
    );
}

/// The subtotal words are the templates' (data the bureau edits): one it
/// adds (“分项合计”) is passed over as “小计” is.
#[test]
fn a_subtotal_word_is_the_templates() {
    let shipped = std::fs::read_to_string("rules/2022/templates.toml").expect("templates");
    let more = shipped.replacen(
        "subtotal_row = [\"小计\"]",
        "subtotal_row = [\"小计\", \"分项合计\"]",
        1,
    );
    assert_ne!(more, shipped);
    let templates = Templates::parse("templates.toml", &more).expect("parses");
    let baseline = load("baseline.toml", &import_blocks(&package()).toml);
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 1);
    let after = row_with(rows, "指标B");
    rows.insert(
        after + 1,
        r(vec![vc(), s("分项合计", 5), c("50"), c("50"), c("")]),
    );
    let imported =
        import_docx(&docx(&blocks), "t.docx", &options(), Some(&templates)).expect("imports");
    let sub = load("subtotal.toml", &imported.toml);
    let mut diffs = Vec::new();
    compare(&sub.root, &baseline.root, "", &mut diffs);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// A subtotal among the indicators (“合计” after the 产出指标 rows, or a
/// “小计” row) is passed over with a note: the indicators after it are
/// read, none is counted twice, and the total comes from the table's end.
#[test]
fn a_subtotal_among_the_indicators_is_passed_over() {
    let baseline = load("baseline.toml", &import_blocks(&package()).toml);
    for label in ["合计", "小计", "产出指标小计"] {
        let mut blocks = package();
        let rows = table_rows(&mut blocks, 1);
        let after = row_with(rows, "指标B");
        rows.insert(
            after + 1,
            r(vec![vc(), s(label, 5), c("50"), c("50"), c("")]),
        );
        let imported = import_blocks(&blocks);
        assert!(
            imported
                .warnings
                .iter()
                .any(|w| w.message.contains(&format!("“{label}”一行是小计"))),
            "{label}: {:?}",
            imported.warnings
        );
        let sub = load("subtotal.toml", &imported.toml);
        let mut diffs = Vec::new();
        compare(&sub.root, &baseline.root, "", &mut diffs);
        assert!(diffs.is_empty(), "{label}: {}", diffs.join("\n"));
    }
}

/// A sign from Word's Insert › Symbol (`<w:sym w:font="Symbol"
/// w:char="F0B3"/>`, not text in the file) is read as the sign it shows:
/// “≥10次” keeps its ≥, and the target its direction.
#[test]
fn a_sign_inserted_as_a_symbol_is_read() {
    let xml = import_support::document_xml(&package());
    let plain = r#"<w:t xml:space="preserve">≥10次</w:t>"#;
    assert!(xml.contains(plain), "the target ≥10次 is in the package");
    let with_symbol = xml.replacen(
        plain,
        r#"<w:sym w:font="Symbol" w:char="F0B3"/><w:t xml:space="preserve">10次</w:t>"#,
        1,
    );
    let bytes = import_support::zip_parts(&[("word/document.xml", &with_symbol)]);
    let imported = import_docx(&bytes, "symbol.docx", &options(), None).expect("imports");
    let sub = load("symbol.toml", &imported.toml);
    assert_eq!(
        text(&sub, "overall.indicators[0].target"),
        "≥10次",
        "{}",
        imported.toml
    );
    // Typed as text in the Symbol font: a private code in the file.
    let private = xml.replacen(plain, "<w:t xml:space=\"preserve\">\u{F0B3}10次</w:t>", 1);
    let bytes = import_support::zip_parts(&[("word/document.xml", &private)]);
    let imported = import_docx(&bytes, "private.docx", &options(), None).expect("imports");
    let sub = load("private.toml", &imported.toml);
    assert_eq!(
        text(&sub, "overall.indicators[0].target"),
        "≥10次",
        "{}",
        imported.toml
    );
}

/// A project table's name written with a number, a space or a note in
/// brackets (“1、业务 工作经费（区级专项）”) is the project of 附件1's line
/// “业务工作经费”: read as that line is, with the name as written beside it.
#[test]
fn a_project_name_is_read_as_its_basic_data_line_is() {
    let baseline = load("baseline.toml", &import_blocks(&package()).toml);
    for written in ["1、业务 工作经费", "业务工作经费（区级专项）"] {
        let mut blocks = package();
        let mut project = import_support::project(written);
        let at = blocks
            .iter()
            .position(|b| matches!(b, Block::Table(rows) if rows[0].cells.get(1).is_some_and(|c| c.paras == ["业务工作经费"])))
            .expect("the project table");
        if let Some(Block::Table(rows)) = project.iter_mut().find(|b| matches!(b, Block::Table(_)))
        {
            blocks[at] = Block::Table(rows.clone());
        }
        let imported = import_blocks(&blocks);
        assert!(
            imported
                .toml
                .contains(&format!("name = \"业务工作经费\"  # 表中写的是“{written}”")),
            "{written}: {}",
            imported.toml
        );
        let sub = load("project.toml", &imported.toml);
        assert_eq!(
            text(&sub, "projects[0].name"),
            text(&baseline, "projects[0].name")
        );
        assert_eq!(
            text(&sub, "attachments[2].project"),
            "业务工作经费",
            "{}",
            imported.toml
        );
    }
}

/// A picture where an indicator's score belongs (a screenshot pasted in) is
/// said as not imported, not taken silently for a blank cell.
#[test]
fn a_picture_in_a_score_cell_is_said() {
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 1);
    let at = row_with(rows, "指标C");
    let score = rows[at].cells.len() - 2;
    rows[at].cells[score] = import_support::picture(1);
    let imported = import_blocks(&blocks);
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.code == "import::cell_not_imported"
                && w.message.contains("“得分”一格是图片，不是文字，未导入")),
        "{:?}",
        imported.warnings
    );
}

/// A score written in a text box (Word's 插入 → 文本框) is said as one:
/// its text is not in the cell, and the clerk moves it there; before, the
/// warning called it a picture.
#[test]
fn a_text_box_in_a_score_cell_is_said_as_one() {
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 1);
    let at = row_with(rows, "指标C");
    let score = rows[at].cells.len() - 2;
    rows[at].cells[score] = import_support::text_box("9", 1);
    let imported = import_blocks(&blocks);
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.code == "import::cell_not_imported"
                && w.message.contains(
                    "“得分”一格是文本框（文字写在文本框中，不在单元格中），不是文字，未导入"
                )),
        "{:?}",
        imported.warnings
    );
}

/// The unit named shortly in one form and fully in another: the fuller
/// name is taken (the notice is addressed to it), and the difference is
/// said with both places and what to do.
#[test]
fn the_fuller_unit_name_is_taken() {
    let mut blocks = package();
    let full = text(
        &load("full.toml", &import_blocks(&blocks).toml),
        "unit.name",
    );
    let short = "测试局";
    let rows = table_rows(&mut blocks, 0);
    let cell = rows[0]
        .cells
        .iter_mut()
        .find(|c| c.paras.join("") == full)
        .expect("the basic data table names the unit");
    *cell = s(short, cell.span);
    let imported = import_blocks(&blocks);
    let sub = load("short.toml", &imported.toml);
    assert_eq!(text(&sub, "unit.name"), full, "{}", imported.toml);
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::unit_name_differs")
        .unwrap_or_else(|| panic!("{:?}", imported.warnings));
    assert!(
        w.message.contains(&format!("单位名称写的是“{short}”")),
        "{}",
        w.message
    );
    assert!(
        w.message.contains(&format!("按较完整的“{full}”导入")),
        "{}",
        w.message
    );
}

/// A 一级指标 written on a row whose 二级指标 was left blank (a table
/// written without merged cells) still starts its group: the row is said
/// with the cell actually missing, and the rows below stay under it, not
/// under the group above.
#[test]
fn a_level1_on_a_row_without_level2_starts_its_group() {
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 1);
    let at = row_with(rows, "指标C");
    rows[at].cells[2] = c("");
    // The group's next row, written without a merge: its 一级指标 blank.
    rows[at + 1].cells[1] = c("");
    let imported = import_blocks(&blocks);
    assert!(
        imported.warnings.iter().any(|w| w
            .message
            .contains("写了一级指标“效益指标”，但二级指标空着，未导入")),
        "{:?}",
        imported.warnings
    );
    let sub = load("levels.toml", &imported.toml);
    let n = count(&sub, "overall.indicators");
    let sustained = (0..n)
        .find(|i| text(&sub, &format!("overall.indicators[{i}].level2")) == "可持续影响指标")
        .unwrap_or_else(|| panic!("{}", imported.toml));
    assert_eq!(
        text(&sub, &format!("overall.indicators[{sustained}].level1")),
        "效益指标"
    );
}

/// `score --role 主管部门` on a Word package scores it as the 主管部门 it
/// is (the forms do not say it), as `import --role` does.
#[test]
fn score_takes_the_role_of_a_word_package() {
    let run = |role: &[&str]| {
        let mut args = vec!["score", "--format", "json", "--received-on", "2023-06-14"];
        args.extend_from_slice(role);
        args.push(DOCX);
        let (code, stdout, stderr) = jixiao(&args);
        assert_eq!(code, 0, "{stderr}");
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        v["criteria"][0]["children"][0]["score"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(run(&[]), "20");
    assert_eq!(run(&["--role", "主管部门"]), "19");
}

/// A 附件1 copied from last year's form with only its title changed: its
/// year-named columns (2020年决算数, 2021年预算数, 2021年决算数 under the 2022
/// template) are said and not read, not taken by this year's names (this
/// year's 决算 under 上年决算).
#[test]
fn basic_data_columns_of_another_year_are_said_not_misread() {
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 0);
    let at = row_with(rows, "经费控制情况(万元)");
    for cell in &mut rows[at].cells {
        for para in &mut cell.paras {
            *para = para.replace("2021年", "2020年").replace("2022年", "2021年");
        }
    }
    let imported = import_blocks(&blocks);
    assert!(
        imported.warnings.iter().any(|w| w.message.contains(
            "的表头“2020年决算数、2021年预算数、2021年决算数”与本年度模板的“2021年决算数、2022年预算数、2022年决算数”年份不同"
        )),
        "{:?}",
        imported.warnings
    );
    let sub = load("other-year.toml", &imported.toml);
    assert_eq!(count(&sub, "basic_data.expenses"), 0);
}

/// In 附件1 too, a cell merged across two amounts' columns is the first
/// one's (“50” over 2021年决算数 and 2022年预算数 is not both), and a
/// picture where an amount belongs is said, not read as blank.
#[test]
fn basic_data_cells_merged_or_pictured_are_said() {
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 0);
    let at = row_with(rows, "1、业务工作经费");
    rows[at].cells.splice(1..3, [s("50", 4)]);
    let imported = import_blocks(&blocks);
    assert!(
        imported.warnings.iter().any(|w| w
            .message
            .contains("这一格与左边一栏合并（“50”），按左边一栏导入")),
        "{:?}",
        imported.warnings
    );
    let sub = load("merged.toml", &imported.toml);
    let line = (0..count(&sub, "basic_data.expenses"))
        .find(|i| text(&sub, &format!("basic_data.expenses[{i}].item")) == "业务工作经费")
        .expect("the line");
    assert_eq!(
        text(&sub, &format!("basic_data.expenses[{line}].prior_final")),
        "50"
    );
    assert_eq!(
        text(&sub, &format!("basic_data.expenses[{line}].budget")),
        "<absent>"
    );
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 0);
    let at = row_with(rows, "1、业务工作经费");
    rows[at].cells[3] = import_support::picture(2);
    let imported = import_blocks(&blocks);
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.message.contains("这一格是图片，不是文字，未导入")),
        "{:?}",
        imported.warnings
    );
}

/// `import --received-on` with a year that does not fit the package (2030
/// for 2022) is warned about, as `score` warns.
#[test]
fn import_questions_a_received_date_years_off() {
    let dir = scratch("import-far-date");
    let out = dir.join("far.toml");
    let (code, _, stderr) = jixiao(&[
        "import",
        "--received-on",
        "2030-01-01",
        "-o",
        &out.display().to_string(),
        DOCX,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("的送达日期 2030-01-01（--received-on）与 2022 年度的材料不相称"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The import's other words are the templates' too (data the bureau
/// edits, no build): a blank mark (“空”), a word between two parts of a
/// split table (“接上表”), a word before a 一级指标's points (“比重”) and
/// a line that leads the attachment list (“报送材料”). Each is read only
/// once the templates have it.
#[test]
fn the_import_vocabulary_is_the_templates() {
    let shipped = std::fs::read_to_string("rules/2022/templates.toml").expect("templates");
    let mut edited = shipped.clone();
    for (old, new) in [
        ("blank_marks = [\"-\",", "blank_marks = [\"空\", \"-\","),
        (
            "continued = [\"续表\",",
            "continued = [\"接上表\", \"续表\",",
        ),
        (
            "weight_words = [\"权重\",",
            "weight_words = [\"比重\", \"权重\",",
        ),
        (
            "attachment_lead = [\"附件\",",
            "attachment_lead = [\"报送材料\", \"附件\",",
        ),
    ] {
        let before = edited.clone();
        edited = edited.replacen(old, new, 1);
        assert_ne!(edited, before, "{old}");
    }
    let templates = Templates::parse("templates.toml", &edited).expect("parses");

    let mut blocks = package();
    // 附件1: a budget cell marked “空”.
    let basic = table_rows(&mut blocks, 0);
    basic[4] = r(vec![c("三公经费"), s("1.10", 2), s("空", 2), s("0.5", 2)]);
    // 附件2: the 一级指标 weight as “比重”, and the table split by “接上表”.
    let at = table_index(&blocks, 1);
    let rows = table_rows(&mut blocks, 1);
    let level1 = rows
        .iter()
        .position(|r| {
            r.cells
                .iter()
                .any(|c| c.paras.first().is_some_and(|p| p == "产出指标"))
        })
        .expect("产出指标");
    let cell = rows[level1]
        .cells
        .iter_mut()
        .find(|c| c.paras.first().is_some_and(|p| p == "产出指标"))
        .expect("the cell");
    cell.paras = vec!["产出指标（比重50%）".to_string()];
    let header = rows
        .iter()
        .position(|r| r.cells[1].paras == ["一级指标"])
        .unwrap();
    rows[header].header = true;
    let mut second = rows.split_off(header + 2);
    let mut repeated = rows[header].clone();
    repeated.cells[0] = vc();
    second.insert(0, repeated);
    blocks.insert(at + 1, p("接上表"));
    blocks.insert(at + 2, Block::Table(second));
    // 附件3: the list led by “报送材料：”.
    let list = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "报告需要以下附件："))
        .expect("the list's lead-in");
    blocks[list] = p("报送材料：");

    let shipped = import_blocks(&blocks);
    let imported =
        import_docx(&docx(&blocks), "t.docx", &options(), Some(&templates)).expect("imports");
    let (before, after) = (
        load("before.toml", &shipped.toml),
        load("after.toml", &imported.toml),
    );
    // Budget: “空” is not a number to the shipped templates, blank to the edited.
    assert!(
        codes(&shipped).contains(&"import::not_a_number"),
        "{:?}",
        shipped.warnings
    );
    assert!(
        !codes(&imported).contains(&"import::not_a_number"),
        "{:?}",
        imported.warnings
    );
    assert_eq!(text(&after, "basic_data.expenses[0].budget"), "<absent>");
    // The split table: joined only by the edited templates.
    assert!(!shipped.toml.contains("跨页续表已合并"));
    assert!(
        imported.toml.contains("第2、3个表格，跨页续表已合并"),
        "{}",
        imported.toml
    );
    // The weight after “比重”.
    // (The first table with its weights: the overall one, table 2, only
    // where its 产出指标 was read.)
    let weights = |toml: &str| {
        toml.lines()
            .find(|l| l.starts_with("level1_weights"))
            .unwrap_or_default()
            .to_string()
    };
    assert!(!weights(&shipped.toml).contains("第2个表格"));
    assert!(
        weights(&imported.toml).contains("\"产出指标\" = 50")
            && weights(&imported.toml).contains("产出指标 第2个表格"),
        "{}",
        weights(&imported.toml)
    );
    // The attachment list.
    assert!(text(&before, "report.sections[8].text").contains("报送材料"));
    assert!(!text(&after, "report.sections[8].text").contains("报送材料"));
    assert_eq!(count(&after, "attachments"), 3, "{}", imported.toml);
}

/// Hidden text (Font › Hidden, `w:vanish`; `w:specVanish`) is neither shown
/// nor printed by Word, so it is not read: an old figure a unit hid instead
/// of deleting is not joined to the new one, a hidden template note is not
/// part of an indicator's name, and a hidden paragraph is not report text.
/// A hidden paragraph mark alone hides none of the paragraph's runs.
#[test]
fn hidden_text_is_not_read() {
    let xml = import_support::document_xml(&package());
    let run = |rpr: &str, text: &str| {
        format!(
            r#"<w:r><w:rPr>{rpr}<w:sz w:val="21"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
        )
    };
    let plain = |text: &str| run("", text);
    let executed = plain("108");
    let name = plain("指标A");
    let seven = format!("<w:p>{}</w:p>", plain("第7部分的正文。"));
    for needle in [&executed, &name, &seven] {
        assert_eq!(xml.matches(needle.as_str()).count(), 1, "{needle}");
    }
    let hidden = xml
        .replacen(
            &executed,
            &format!("{}{executed}", run("<w:vanish/>", "90 ")),
            1,
        )
        .replacen(
            &name,
            &format!("{name}{}", run("<w:specVanish/>", "（填写说明：应量化）")),
            1,
        )
        .replacen(
            &seven,
            &format!(
                r#"<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr>{}</w:p>{seven}"#,
                run("<w:vanish/>", "（填报说明：分析问题）")
            ),
            1,
        );
    let imported = import_docx(
        &import_support::zip_parts(&[("word/document.xml", &hidden)]),
        "hidden.docx",
        &options(),
        None,
    )
    .expect("imports");
    let baseline = import_blocks(&package());
    assert_eq!(
        imported.toml.replace("hidden.docx", "test.docx"),
        baseline.toml,
        "hidden text changed the import"
    );

    // Shown again (`w:val="0"`), or only the paragraph mark hidden: read.
    let shown = xml
        .replacen(
            &executed,
            &format!("{}{executed}", run(r#"<w:vanish w:val="0"/>"#, "约")),
            1,
        )
        .replacen(
            &seven,
            &format!(
                r#"<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr>{}</w:p>{seven}"#,
                plain("问题一：宣传不够。")
            ),
            1,
        );
    let imported = import_docx(
        &import_support::zip_parts(&[("word/document.xml", &shown)]),
        "shown.docx",
        &options(),
        None,
    )
    .expect("imports");
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.code.as_str() == "import::not_a_number" && w.message.contains("约108")),
        "{:#?}",
        imported.warnings
    );
    let sub = load("shown.toml", &imported.toml);
    assert_eq!(
        text(&sub, "report.sections[6].text"),
        "问题一：宣传不够。\n第7部分的正文。"
    );
}

/// Two figures in one amount cell — an old one struck through beside the
/// new, or each in its own paragraph — are not joined into a third: the
/// cell is left blank and the note says where and what to write. A space
/// that groups thousands, a currency sign and a comma at a wrapped line's
/// end still read as the one number they are.
#[test]
fn two_numbers_in_one_cell_are_refused_not_joined() {
    for (written, said) in [
        (
            "90 96.89",
            "“90 96.89”中的数字隔着空格，看不出是一个数还是几个数",
        ),
        (
            "10 85.09",
            "“10 85.09”中的数字隔着空格，看不出是一个数还是几个数",
        ),
        ("90\n108", "一格中分行写了“90”和“108”，不是一个数"),
    ] {
        let mut blocks = package();
        assert_eq!(replace_text(&mut blocks, "108", written), 1);
        let imported = import_blocks(&blocks);
        let sub = load("two.toml", &imported.toml);
        assert_eq!(
            text(&sub, "overall.funds.executed"),
            "<absent>",
            "{written:?}"
        );
        let w = imported
            .warnings
            .iter()
            .find(|w| w.code.as_str() == "import::not_a_number")
            .unwrap_or_else(|| panic!("{written:?}: {:#?}", imported.warnings));
        assert_eq!(
            w.place,
            "附件2 部门整体支出绩效自评表，第2个表格第3行「全年执行数」"
        );
        assert_eq!(w.message, format!("{said}，未导入"));
        assert!(
            w.help
                .as_deref()
                .is_some_and(|h| h.contains("一格只写一个数字")),
            "{w}"
        );
    }
    for (written, read) in [
        ("1 108.5", "1108.5"),
        ("¥108", "108"),
        ("￥1,108", "1108"),
        ("1,\n108", "1108"),
    ] {
        let mut blocks = package();
        assert_eq!(replace_text(&mut blocks, "108", written), 1);
        let imported = import_blocks(&blocks);
        let sub = load("one.toml", &imported.toml);
        assert_eq!(text(&sub, "overall.funds.executed"), read, "{written:?}");
        assert!(
            !codes(&imported).contains(&"import::not_a_number"),
            "{written:?}: {:#?}",
            imported.warnings
        );
    }
    // Only a bracketed figure: quoted as written, brackets and all.
    let mut blocks = package();
    assert_eq!(replace_text(&mut blocks, "108", "（108）"), 1);
    let imported = import_blocks(&blocks);
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.message == "“（108）”只有括号中的说明，没有数字，未导入"),
        "{:#?}",
        imported.warnings
    );
}

/// A table split across pages whose continuation repeats a header row by
/// hand (no “repeat as header row” mark): the repeated row is set aside
/// and the parts are one table — 附件1 is not taken for a second 附件1,
/// and no header row is read as an indicator. A unit declaration saying
/// the first part's unit (“续表” then “单位：万元”) may stand between the
/// parts; one saying another unit keeps them apart. A whole copy of a
/// table is still a copy.
#[test]
fn a_split_table_with_its_header_row_repeated_by_hand_is_stitched() {
    let baseline = load("baseline.toml", &import_blocks(&package()).toml);
    let same_as_baseline = |blocks: &[Block], label: &str| {
        let imported = import_blocks(blocks);
        assert_eq!(
            codes(&imported),
            ["import::skipped_table"],
            "{label}: {}",
            imported.toml
        );
        let sub = load("split.toml", &imported.toml);
        let mut diffs = Vec::new();
        compare(&sub.root, &baseline.root, "", &mut diffs);
        assert!(diffs.is_empty(), "{label}: {}", diffs.join("\n"));
        imported
    };
    // 附件1, split after the “项目支出：” line, its column header copied.
    for between in [&["附件1（续）"][..], &[""], &["续表", "单位：万元"]] {
        let mut blocks = package();
        let at = table_index(&blocks, 0);
        let rows = table_rows(&mut blocks, 0);
        let header = row_with(rows, "经费控制情况(万元)");
        let split = row_with(rows, "项目支出：") + 1;
        let mut second = rows.split_off(split);
        second.insert(0, rows[header].clone());
        for (k, text) in between.iter().enumerate() {
            blocks.insert(at + 1 + k, p(text));
        }
        blocks.insert(at + 1 + between.len(), Block::Table(second));
        let imported = same_as_baseline(&blocks, &between.join("+"));
        assert!(imported.toml.contains("第1、2个表格，跨页续表已合并"));
    }
    // 附件2, split among its indicators, the indicator header copied.
    let split_overall = |between: &[&str]| {
        let mut blocks = package();
        let at = table_index(&blocks, 1);
        let rows = table_rows(&mut blocks, 1);
        let header = rows
            .iter()
            .position(|r| r.cells[1].paras == ["一级指标"])
            .unwrap();
        let mut second = rows.split_off(header + 2);
        second.insert(0, rows[header].clone());
        for (k, text) in between.iter().enumerate() {
            blocks.insert(at + 1 + k, p(text));
        }
        blocks.insert(at + 1 + between.len(), Block::Table(second));
        blocks
    };
    same_as_baseline(&split_overall(&["续表", "单位：万元"]), "单位：万元");
    same_as_baseline(&split_overall(&["（单位：万元）"]), "（单位：万元）");
    let other_unit = import_blocks(&split_overall(&["续表", "单位：元"]));
    assert!(
        codes(&other_unit).contains(&"import::unknown_table"),
        "{:#?}",
        other_unit.warnings
    );
    // A copy of 附件1 right after it.
    let mut blocks = package();
    let at = table_index(&blocks, 0);
    let copy = blocks[at].clone();
    blocks.insert(at + 1, p(""));
    blocks.insert(at + 2, copy);
    let imported = import_blocks(&blocks);
    let copy = imported
        .warnings
        .iter()
        .find(|w| w.code.as_str() == "import::duplicate_table")
        .unwrap_or_else(|| panic!("{:#?}", imported.warnings));
    // Named by its Word table: the first one is the one imported.
    assert_eq!(copy.place, "部门整体支出绩效评价基础数据表，第2个表格");
}

/// A source of funds with its amount written straight after the label,
/// without a colon, is read as with one; a label that is none of the
/// template's says how to write it.
#[test]
fn a_source_of_funds_without_a_colon_is_read() {
    for written in [
        "其中：一般公共预算108万元",
        "其中：一般公共预算 108 万元",
        "一般公共预算１０８",
    ] {
        let mut blocks = package();
        assert_eq!(
            replace_text(&mut blocks, "其中：  一般公共预算：108万元", written),
            1
        );
        let imported = import_blocks(&blocks);
        let sub = load("source.toml", &imported.toml);
        assert_eq!(
            text(&sub, "overall.funds.by_source.general_public"),
            "108",
            "{written}"
        );
        assert_eq!(codes(&imported), ["import::skipped_table"], "{written}");
    }
    let mut blocks = package();
    replace_text(
        &mut blocks,
        "其中：  一般公共预算：108万元",
        "其中：中央补助108万元",
    );
    let imported = import_blocks(&blocks);
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code.as_str() == "import::cell_not_imported")
        .unwrap_or_else(|| panic!("{:#?}", imported.warnings));
    assert!(
        w.help
            .as_deref()
            .is_some_and(|h| h.contains("一般公共预算：1115.09")),
        "{w}"
    );
}

/// Text in a column the template does not have (“备注” added at the right
/// of the indicators) is not imported, and said at its row and column,
/// not dropped unseen; the template's columns are read as before.
#[test]
fn text_in_an_extra_column_is_said() {
    let baseline = load("baseline.toml", &import_blocks(&package()).toml);
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 2);
    let header = rows
        .iter()
        .position(|r| r.cells[1].paras == ["一级指标"])
        .unwrap();
    rows[header].cells.push(c("备注"));
    for row in &mut rows[header + 1..] {
        row.cells.push(c(""));
    }
    rows[header + 1].cells.last_mut().unwrap().paras = vec!["已完成".into()];
    let imported = import_blocks(&blocks);
    let said: Vec<String> = imported
        .warnings
        .iter()
        .filter(|w| w.code.as_str() == "import::cell_not_imported")
        .map(|w| format!("{}：{}", w.place, w.message))
        .collect();
    assert_eq!(
        said,
        [
            "附件4 项目支出绩效自评表，第3个表格第11行「备注」：“已完成”写在模板中没有的“备注”一栏，未导入"
        ]
    );
    let sub = load("extra.toml", &imported.toml);
    let mut diffs = Vec::new();
    compare(&sub.root, &baseline.root, "", &mut diffs);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// The note on a missing date of receipt says what is missing once and
/// how to fill it in once: in the output file it is one comment, not the
/// advice twice over.
#[test]
fn a_missing_date_of_receipt_is_said_once() {
    let imported =
        import_docx(&docx(&package()), "test.docx", &Options::default(), None).expect("imports");
    let line = imported
        .toml
        .lines()
        .find(|l| l.starts_with("# 缺少：") && l.contains("送达"))
        .unwrap_or_else(|| panic!("{}", imported.toml));
    assert_eq!(line.matches("--received-on").count(), 1, "{line}");
    assert_eq!(line.matches("收文登记").count(), 1, "{line}");
}

/// A cell of 附件1 standing under no column (a note written in a cell
/// added at the end of a line) is named as the clerk counts the line's
/// cells, not by a grid column the merged cells of the table hide.
#[test]
fn a_basic_data_cell_under_no_column_is_named_as_seen() {
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 0);
    let at = row_with(rows, "1、业务工作经费");
    rows[at].cells.push(c("含年中追加"));
    let imported = import_blocks(&blocks);
    let warning = imported
        .warnings
        .iter()
        .find(|w| w.message.contains("“含年中追加”不在任何一栏之下"))
        .unwrap_or_else(|| panic!("{:?}", imported.warnings));
    // The label, three amounts, then the note: the fifth cell (the grid
    // has eight columns before it, each amount spanning two).
    assert!(warning.place.ends_with("从左数第5格"), "{warning:?}");
}
