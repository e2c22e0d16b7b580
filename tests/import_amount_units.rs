//! `jixiao import`: amounts written in 元 (or another unit) are converted
//! to the format's 万元 when the table or a label says so — "单位：元" above
//! the table, "项目资金（元）", "全年执行数（元）" — and said beside the value;
//! a table that says nothing is read in 万元, and warned about only when its
//! figures are a unit's jump off the same project's line in 附件1.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

// Shared with tests/import.rs; not every builder is used here.
#[allow(dead_code)]
mod import_support;

use import_support::{Block, Row, c, docx, p, package, r, s, table_index, table_rows, vc};
use jixiao::data::schema::Schema;
use jixiao::data::{Submission, load_submission};
use jixiao::import::{Imported, Options, Templates, import_docx};
use jixiao::source::SourceFile;

fn options() -> Options {
    Options {
        received_on: jixiao::data::Date::parse("2023-06-14"),
        ..Options::default()
    }
}

fn schema() -> Schema {
    jixiao::rules::builtin(2022).expect("2022 rules").schema
}

fn load(text: &str) -> Submission {
    match load_submission(SourceFile::new("units.toml", text), &schema()) {
        Ok(s) => s,
        Err(problems) => panic!(
            "does not load:\n{}\n--- text ---\n{text}",
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

fn text(sub: &Submission, path: &str) -> String {
    import_support::text_at(sub, &schema(), path)
}

/// The project table's 年度资金总额 block (table 2 of `package()`): its
/// header row's first label, the 年度资金总额 row's three amounts and the
/// 全年执行数 of its 当年财政拨款 line.
fn project_funds(blocks: &mut [Block], label: &str, amounts: [&str; 3], current: &str) {
    let rows: &mut Vec<Row> = table_rows(blocks, 2);
    rows[2].cells[0] = import_support::v(label);
    rows[3] = r(vec![
        vc(),
        s("年度资金总额", 2),
        c(amounts[0]),
        c(amounts[1]),
        c(amounts[2]),
        c("10"),
        c("91.67%"),
        c("9"),
    ]);
    rows[4].cells[4] = c(current);
}

#[test]
fn a_unit_declared_above_the_table_is_converted_and_said() {
    let mut blocks = package();
    project_funds(
        &mut blocks,
        "项目资金",
        ["600,000.00", "600,000.00", "550,000.00"],
        "550,000.00",
    );
    let at = table_index(&blocks, 2);
    blocks.insert(at, p("单位：元"));
    let imported = import_blocks(&blocks);
    let found = codes(&imported);
    assert!(found.contains(&"import::converted"), "{found:?}");
    assert!(!found.contains(&"import::implausible_amount"), "{found:?}");
    let sub = load(&imported.toml);
    assert_eq!(text(&sub, "projects[0].funds.initial_budget"), "60");
    assert_eq!(text(&sub, "projects[0].funds.full_year_budget"), "60");
    assert_eq!(text(&sub, "projects[0].funds.executed"), "55");
    assert_eq!(text(&sub, "projects[0].funds.breakdown.current_year"), "55");
    // Beside the value, saying from what and why.
    assert!(
        imported
            .toml
            .contains("initial_budget = 60  # “600,000.00”按元折算为万元（表格上方“单位：元”）\n"),
        "{}",
        imported.toml
    );
    // The other tables are untouched.
    assert_eq!(text(&sub, "overall.funds.executed"), "108");
    assert_eq!(text(&sub, "basic_data.expenses[7].final"), "55");
}

#[test]
fn a_declaration_in_the_first_row_and_in_other_words() {
    for (declaration, expected) in [
        ("金额单位：元", "0.06"),
        ("（单位：亿元）", "6000000"),
        ("单位：万元", "600"),
    ] {
        let mut blocks = package();
        project_funds(&mut blocks, "项目资金", ["600", "600", "550"], "550");
        let rows = table_rows(&mut blocks, 2);
        rows.insert(0, r(vec![s(declaration, 9)]));
        let imported = import_blocks(&blocks);
        let sub = load(&imported.toml);
        let value = text(&sub, "projects[0].funds.initial_budget");
        assert_eq!(value, expected, "{declaration}\n{}", imported.toml);
    }
}

#[test]
fn yuan_in_a_label_is_converted() {
    // The block's label: every amount of the block.
    for label in ["项目资金\n(元)", "金额（元）"] {
        let mut blocks = package();
        project_funds(
            &mut blocks,
            label,
            ["600000", "600000", "550000.50"],
            "550000",
        );
        let imported = import_blocks(&blocks);
        let sub = load(&imported.toml);
        assert_eq!(text(&sub, "projects[0].funds.initial_budget"), "60");
        assert_eq!(text(&sub, "projects[0].funds.executed"), "55.00005");
        assert_eq!(text(&sub, "projects[0].funds.breakdown.current_year"), "55");
        assert!(
            imported.toml.contains(&format!(
                "# “600000”按元折算为万元（表头“{}”）",
                label.replace('\n', "")
            )),
            "{}",
            imported.toml
        );
        assert!(!codes(&imported).contains(&"import::implausible_amount"));
    }

    // One column's name: that column only.
    let mut blocks = package();
    project_funds(&mut blocks, "项目资金", ["60", "60", "550,000.00"], "55");
    let rows = table_rows(&mut blocks, 2);
    rows[2].cells[4] = c("全年\n执行数（元）");
    let imported = import_blocks(&blocks);
    let sub = load(&imported.toml);
    assert_eq!(text(&sub, "projects[0].funds.initial_budget"), "60");
    assert_eq!(text(&sub, "projects[0].funds.executed"), "55");
    assert!(
        imported
            .toml
            .contains("executed = 55  # “550,000.00”按元折算为万元（栏名“全年执行数（元）”）"),
        "{}",
        imported.toml
    );
    // The 其中 lines are in the 全年执行数 column: its unit too.
    assert_eq!(
        text(&sub, "projects[0].funds.breakdown.current_year"),
        "0.0055"
    );
}

#[test]
fn a_plausible_table_without_a_unit_is_read_in_wan_without_a_warning() {
    let mut blocks = package();
    project_funds(&mut blocks, "项目资金", ["60", "60", "55"], "55");
    let imported = import_blocks(&blocks);
    assert_eq!(
        codes(&imported),
        ["import::skipped_table"],
        "{}",
        imported.toml
    );
    let sub = load(&imported.toml);
    assert_eq!(text(&sub, "projects[0].funds.initial_budget"), "60");
    assert_eq!(text(&sub, "projects[0].funds.executed"), "55");
    // Figures that differ as real ones do are no unit's jump.
    let mut blocks = package();
    project_funds(&mut blocks, "项目资金", ["80", "90", "70"], "70");
    assert_eq!(codes(&import_blocks(&blocks)), ["import::skipped_table"]);
}

#[test]
fn an_undeclared_yuan_table_is_warned_about_with_both_figures() {
    let mut blocks = package();
    project_funds(
        &mut blocks,
        "项目资金",
        ["600,000.00", "600,000.00", "550,000.00"],
        "550,000.00",
    );
    let imported = import_blocks(&blocks);
    let warnings: Vec<_> = imported
        .warnings
        .iter()
        .filter(|w| w.code == "import::implausible_amount")
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", imported.warnings);
    let w = warnings[0];
    assert_eq!(w.place, "附件4 项目支出绩效自评表，第3个表格第4行");
    for part in [
        "「全年预算数」600,000.00 对「2022年预算数」60",
        "「全年执行数」550,000.00 对「2022年决算数」55",
        "附件1 部门整体支出绩效评价基础数据表，第1个表格第12行",
        "“业务工作经费”",
        "约10000倍",
    ] {
        assert!(w.message.contains(part), "{part} not in {}", w.message);
    }
    // Imported as written, with the warning beside the block.
    let sub = load(&imported.toml);
    assert_eq!(text(&sub, "projects[0].funds.executed"), "550000.00");
    assert!(
        imported.toml.contains("：“年度资金总额”一行与附件1"),
        "{}",
        imported.toml
    );

    // Without a line of its own in 附件1: against the unit's whole total.
    let mut blocks = package();
    project_funds(
        &mut blocks,
        "项目资金",
        ["600,000.00", "600,000.00", "550,000.00"],
        "550,000.00",
    );
    let rows = table_rows(&mut blocks, 2);
    rows[0].cells[1] = s("某新增项目", 8);
    let imported = import_blocks(&blocks);
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::implausible_amount")
        .unwrap_or_else(|| panic!("{:?}", imported.warnings));
    assert!(
        w.message.contains("「全年执行数」550,000.00 对 附件2 部门整体支出绩效自评表，第2个表格第3行「全年执行数」108"),
        "{}",
        w.message
    );
}

#[test]
fn the_units_are_data_and_a_misspelt_key_is_an_error_at_its_line() {
    let shipped = std::fs::read_to_string("rules/2022/templates.toml").unwrap();
    for year in [2022, 2023] {
        assert!(Templates::builtin(year).is_ok());
    }
    let misspelt = shipped.replace("declarations = [", "declaration = [");
    assert_ne!(misspelt, shipped);
    let err = Templates::parse("rules/2022/templates.toml", &misspelt).unwrap_err();
    let line = shipped
        .lines()
        .position(|l| l.starts_with("declarations = ["))
        .unwrap()
        + 1;
    let shown = jixiao::diag::render(&[*err]);
    assert!(shown.contains("模板描述"), "{shown}");
    assert!(
        shown.contains(&format!("templates.toml:{line}:")),
        "line {line}: {shown}"
    );
    let float = shipped.replace("factor = \"0.0001\"", "factor = 0.0001");
    assert_ne!(float, shipped);
    assert!(Templates::parse("templates.toml", &float).is_err());

    // A unit named in the file is read: 千元, added as a line of data.
    let more = shipped.replace(
        "  { name = \"元\", factor = \"0.0001\" },",
        "  { name = \"元\", factor = \"0.0001\" },\n  { name = \"千元\", factor = \"0.1\" },",
    );
    assert_ne!(more, shipped);
    let templates = Templates::parse("templates.toml", &more).unwrap();
    let mut blocks = package();
    project_funds(
        &mut blocks,
        "项目资金（千元）",
        ["600", "600", "550"],
        "550",
    );
    let imported = import_docx(&docx(&blocks), "t.docx", &options(), Some(&templates)).unwrap();
    let sub = load(&imported.toml);
    assert_eq!(text(&sub, "projects[0].funds.initial_budget"), "60");

    // And in a cell of its own: "600千元" is 60 万元 with 千元 in the file,
    // and no amount without it (a unit the year does not know).
    let mut blocks = package();
    project_funds(&mut blocks, "项目资金", ["600千元", "600", "550"], "550");
    let imported = import_docx(&docx(&blocks), "t.docx", &options(), Some(&templates)).unwrap();
    let sub = load(&imported.toml);
    assert_eq!(text(&sub, "projects[0].funds.initial_budget"), "60");
    assert!(imported.toml.contains("“600千元”按千元折算为万元"));
    let imported = import_blocks(&blocks);
    assert!(codes(&imported).contains(&"import::not_a_number"));
}

/// The template prints “项目资金(万元)”: that 万元 is not the unit's word.
/// Amounts typed in 元 under it are still checked against 附件1 and warned
/// about, and a “单位：元” the unit wrote above the table applies to them.
#[test]
fn the_templates_own_wan_label_declares_nothing() {
    let yuan = ["1,200,000.00", "1,000,000.00", "968,900.00"];
    let mut blocks = package();
    project_funds(&mut blocks, "项目资金(万元)", yuan, "968,900.00");
    let imported = import_blocks(&blocks);
    assert!(
        codes(&imported).contains(&"import::implausible_amount"),
        "{:?}",
        imported.warnings
    );
    let mut blocks = package();
    project_funds(&mut blocks, "项目资金(万元)", yuan, "968,900.00");
    let at = table_index(&blocks, 2);
    blocks.insert(at, p("单位：元"));
    let imported = import_blocks(&blocks);
    let sub = load(&imported.toml);
    assert_eq!(text(&sub, "projects[0].funds.executed"), "96.89");
    assert!(!codes(&imported).contains(&"import::implausible_amount"));
    // Amounts in 万元 under it are read as they are, saying nothing.
    let mut blocks = package();
    project_funds(&mut blocks, "项目资金(万元)", ["60", "60", "55"], "55");
    let imported = import_blocks(&blocks);
    assert_eq!(
        codes(&imported),
        ["import::skipped_table"],
        "{}",
        imported.toml
    );
}

/// The 其中 lines typed under 年初预算数 instead of 全年执行数: nothing of the
/// block is read, and what is said of it is still written into the output
/// (so that the working paper, the JSON and the notice carry it), naming
/// the column by its name.
#[test]
fn what_is_said_of_an_unread_block_is_kept() {
    let mut blocks = package();
    let rows = table_rows(&mut blocks, 2);
    rows[4].cells[2] = c("55");
    rows[4].cells[4] = c("");
    let imported = import_blocks(&blocks);
    assert!(
        imported.toml.contains("# 警告：附件4 项目支出绩效自评表，第3个表格第5行，「年初预算数」栏：“55”：当年财政拨款只取“全年执行数”一栏，这一格未导入"),
        "{}",
        imported.toml
    );
}

/// “单位：元” written above a table whose header still prints the
/// template's “项目资金(万元)”: the unit's own declaration is followed (the
/// header is the template's print, left unchanged), and the disagreement
/// is warned about at the header's row, since a factor of 10000 rides on
/// it. A zero is converted without a note.
#[test]
fn a_declaration_against_the_headers_wan_is_followed_and_warned_about() {
    let mut blocks = package();
    project_funds(
        &mut blocks,
        "项目资金\n(万元)",
        ["600,000.00", "600,000.00", "550,000.00"],
        "550,000.00",
    );
    let at = table_index(&blocks, 2);
    blocks.insert(at, p("单位：元"));
    let imported = import_blocks(&blocks);
    let sub = load(&imported.toml);
    assert_eq!(text(&sub, "projects[0].funds.executed"), "55");
    let disagree: Vec<String> = imported
        .warnings
        .iter()
        .filter(|w| w.code.as_str() == "import::units_disagree")
        .map(|w| format!("{}：{}", w.place, w.message))
        .collect();
    assert_eq!(
        disagree,
        [
            "附件4 项目支出绩效自评表，第3个表格第3行：表格上方“单位：元”说金额以元计，表头“项目资金(万元)”写的是万元；按元折算为万元导入"
        ]
    );
    // 上年结转资金 is 0: no note that it was converted.
    assert!(
        imported.toml.contains("carried_over = 0\n"),
        "{}",
        imported.toml
    );
    assert!(
        !imported
            .warnings
            .iter()
            .any(|w| w.message.contains("“0”按元")),
        "{:#?}",
        imported.warnings
    );
    // Without the declaration, the header's 万元 says nothing to warn of.
    let mut plain = package();
    project_funds(&mut plain, "项目资金\n(万元)", ["60", "60", "55"], "55");
    assert!(!codes(&import_blocks(&plain)).contains(&"import::units_disagree"));
}
