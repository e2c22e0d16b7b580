//! `jixiao import` and the layouts units actually write: report headings
//! in other numbering styles (第七部分, 第七章, （七）, 7., a bold paragraph),
//! a heading-like paragraph that is none of the template's sections, an
//! attachment list written in prose, and paragraphs inside one table cell.
//! Each case is a generated package (see `import_support`) changed in one
//! place.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

// Not every helper is used here.
#[allow(dead_code)]
mod import_support;

use import_support::{Block, NUMBERING, document_xml, docx, p, package, replace_text, zip_parts};
use jixiao::import::{Imported, Options, import_docx};

fn options() -> Options {
    Options {
        received_on: jixiao::data::Date::parse("2023-06-14"),
        ..Options::default()
    }
}

fn import_bytes(bytes: &[u8]) -> Imported {
    import_docx(bytes, "test.docx", &options(), None).expect("imports")
}

fn import_blocks(blocks: &[Block]) -> Imported {
    import_bytes(&docx(blocks))
}

/// The output, parsed; it must also load as a submission.
fn parsed(imported: &Imported) -> toml::Value {
    let schema = jixiao::rules::builtin(2022).expect("2022 rules").schema;
    if let Err(problems) = jixiao::data::load_submission(
        jixiao::source::SourceFile::new("test.toml", imported.toml.as_str()),
        &schema,
    ) {
        panic!(
            "does not load:\n{}\n--- text ---\n{}",
            jixiao::diag::render(&problems),
            imported.toml
        );
    }
    toml::from_str(&imported.toml).expect("TOML")
}

/// `[[report.sections]]` as (heading, text).
fn sections(imported: &Imported) -> Vec<(String, String)> {
    let value = parsed(imported);
    let list = value["report"]["sections"].as_array().expect("sections");
    list.iter()
        .map(|s| {
            let get = |k: &str| s.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            (get("heading"), get("text"))
        })
        .collect()
}

fn codes(imported: &Imported) -> Vec<&'static str> {
    imported.warnings.iter().map(|w| w.code.as_str()).collect()
}

/// None of these warnings was given.
fn assert_none_of(imported: &Imported, unwanted: &[&str]) {
    let codes = codes(imported);
    for code in unwanted {
        assert!(!codes.contains(code), "{code}: {codes:?}");
    }
}

/// The package imports with no warning about its attachment list, and
/// its `[[attachments]]` are `titles`, in that order.
fn assert_listed_without_warnings(blocks: &[Block], titles: [&str; 3]) {
    let imported = import_blocks(blocks);
    let codes = codes(&imported);
    for code in [
        "import::attachment_not_listed",
        "import::unknown_listed_attachment",
    ] {
        assert!(!codes.contains(&code), "{codes:?}");
    }
    let value = parsed(&imported);
    let listed: Vec<&str> = value["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert_eq!(listed, titles);
}

/// A `.docx` of the blocks with the paragraphs whose text is in `bold` set
/// in bold runs, as a unit sets a heading by hand.
fn docx_with_bold(blocks: &[Block], bold: &[&str]) -> Vec<u8> {
    let mut xml = document_xml(blocks);
    for text in bold {
        let plain =
            format!(r#"<w:rPr><w:sz w:val="21"/></w:rPr><w:t xml:space="preserve">{text}</w:t>"#);
        assert!(xml.contains(&plain), "no paragraph “{text}”");
        let b = format!(
            r#"<w:rPr><w:b/><w:sz w:val="21"/></w:rPr><w:t xml:space="preserve">{text}</w:t>"#
        );
        xml = xml.replace(&plain, &b);
    }
    zip_parts(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", &xml),
        ("word/numbering.xml", NUMBERING),
    ])
}

/// Section 七 written as `heading`: it is found, with its own text, and
/// section 六's text does not swallow it.
fn section_seven_is_found(imported: &Imported, heading: &str) {
    let found = sections(imported);
    let headings: Vec<&str> = found.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(found.len(), 9, "{headings:?}");
    assert_eq!(found[6].0, heading);
    assert_eq!(found[6].1, "第7部分的正文。");
    assert_eq!(found[5].1, "第6部分的正文。");
    assert!(!found[5].1.contains("存在的问题"), "{}", found[5].1);
    let codes = codes(imported);
    assert!(!codes.contains(&"import::missing_section"), "{codes:?}");
    assert!(!codes.contains(&"import::renamed_heading"), "{codes:?}");
    assert!(!codes.contains(&"import::unknown_heading"), "{codes:?}");
}

fn with_seven_as(heading: &str) -> Imported {
    let mut blocks = package();
    assert_eq!(
        replace_text(&mut blocks, "七、存在的问题及原因分析", heading),
        1
    );
    import_blocks(&blocks)
}

#[test]
fn a_heading_numbered_as_a_part_is_found() {
    let heading = "第七部分 存在的问题及原因分析";
    section_seven_is_found(&with_seven_as(heading), heading);
}

#[test]
fn a_heading_numbered_as_a_chapter_is_found() {
    let heading = "第七章　存在的问题及原因分析";
    section_seven_is_found(&with_seven_as(heading), heading);
}

#[test]
fn a_heading_numbered_in_brackets_is_found() {
    let heading = "（七）存在的问题及原因分析";
    section_seven_is_found(&with_seven_as(heading), heading);
}

#[test]
fn a_heading_numbered_with_a_digit_and_a_dot_is_found() {
    let heading = "7. 存在的问题及原因分析";
    section_seven_is_found(&with_seven_as(heading), heading);
}

#[test]
fn a_heading_numbered_with_a_digit_and_a_comma_is_found() {
    let heading = "7、存在的问题及原因分析";
    section_seven_is_found(&with_seven_as(heading), heading);
}

#[test]
fn a_bold_heading_without_a_number_is_found() {
    let heading = "存在的问题及原因分析";
    let mut blocks = package();
    assert_eq!(
        replace_text(&mut blocks, "七、存在的问题及原因分析", heading),
        1
    );
    section_seven_is_found(&import_bytes(&docx_with_bold(&blocks, &[heading])), heading);
}

#[test]
fn a_heading_followed_by_its_text_in_one_paragraph_is_split() {
    let mut blocks = package();
    assert_eq!(
        replace_text(
            &mut blocks,
            "七、存在的问题及原因分析",
            "第七部分 存在的问题及原因分析：一是宣传不够。"
        ),
        1
    );
    let found = sections(&import_blocks(&blocks));
    assert_eq!(found[6].0, "第七部分 存在的问题及原因分析");
    assert_eq!(found[6].1, "一是宣传不够。\n第7部分的正文。");
}

#[test]
fn a_sub_heading_in_another_style_stays_in_its_section() {
    // "(一)基本支出情况" under "二、": the section's own text, no warning.
    let imported = import_blocks(&package());
    let found = sections(&imported);
    assert_eq!(found.len(), 9);
    assert_eq!(found[1].1, "(一)基本支出情况\n基本支出53万元。");
    assert!(!codes(&imported).contains(&"import::unknown_heading"));
}

#[test]
fn an_unknown_heading_is_kept_out_of_the_previous_text_and_warned_about() {
    let mut blocks = package();
    let seven = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "七、存在的问题及原因分析"))
        .expect("section 七");
    // A second "六、" written as a heading: it is no section of the
    // template, but neither is it section 六's text.
    blocks.insert(seven, p("补充说明的正文。"));
    blocks.insert(seven, p("六、其他需要说明的情况"));
    let imported = import_blocks(&blocks);
    let found = sections(&imported);
    let headings: Vec<&str> = found.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(found.len(), 10, "{headings:?}");
    assert_eq!(found[5].1, "第6部分的正文。");
    assert_eq!(found[6].0, "六、其他需要说明的情况");
    assert_eq!(found[6].1, "补充说明的正文。");
    assert_eq!(found[7].0, "七、存在的问题及原因分析");
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::unknown_heading")
        .expect("warned");
    assert!(
        w.message.contains("六、其他需要说明的情况"),
        "{}",
        w.message
    );
    // Its place: the report, and the paragraph's position in the document.
    let position = blocks
        .iter()
        .filter(|b| !matches!(b, Block::Table(_)))
        .position(|b| matches!(b, Block::P(t) if t == "六、其他需要说明的情况"))
        .expect("paragraph")
        + 1;
    assert!(w.place.contains("自评报告"), "{}", w.place);
    assert!(
        w.place.ends_with(&format!("第{position}段")),
        "{} (paragraph {position})",
        w.place
    );
    assert!(!codes(&imported).contains(&"import::missing_section"));
}

#[test]
fn an_unknown_bold_heading_among_bold_headings_is_kept_apart() {
    let mut blocks = package();
    let titles: Vec<String> = import_support::HEADINGS
        .iter()
        .map(|h| h.split_once('、').expect("numbered").1.to_string())
        .collect();
    for (h, t) in import_support::HEADINGS.iter().zip(&titles) {
        assert_eq!(replace_text(&mut blocks, h, t), 1);
    }
    let seven = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "存在的问题及原因分析"))
        .expect("section 七");
    blocks.insert(seven, p("亮点工作的正文。"));
    blocks.insert(seven, p("工作亮点"));
    let mut bold: Vec<&str> = titles.iter().map(String::as_str).collect();
    bold.push("工作亮点");
    let imported = import_bytes(&docx_with_bold(&blocks, &bold));
    let found = sections(&imported);
    let headings: Vec<&str> = found.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        headings,
        [
            "单位基本情况",
            "一般公共预算支出情况",
            "政府性基金预算支出情况",
            "国有资本经营预算支出情况",
            "社会保险基金预算支出情况",
            "部门整体支出绩效情况",
            "工作亮点",
            "存在的问题及原因分析",
            "下一步改进措施",
            "部门整体支出绩效自评结果拟应用和公开情况",
        ]
    );
    assert_eq!(found[5].1, "第6部分的正文。");
    assert_eq!(found[6].1, "亮点工作的正文。");
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::unknown_heading")
        .expect("warned");
    assert!(w.message.contains("工作亮点"), "{}", w.message);
    let codes = codes(&imported);
    assert!(!codes.contains(&"import::missing_section"), "{codes:?}");
}

#[test]
fn an_attachment_named_inside_a_prose_line_is_listed() {
    let mut blocks = package();
    assert_eq!(
        replace_text(
            &mut blocks,
            "3、项目支出绩效自评表(一个一级项目支出一张表)",
            "3. 项目支出绩效自评表（业务工作经费、防范和处置非法集资宣传经费）"
        ),
        1
    );
    assert_listed_without_warnings(
        &blocks,
        [
            "部门整体支出绩效评价基础数据表",
            "部门整体支出绩效自评表",
            "项目支出绩效自评表",
        ],
    );
}

#[test]
fn an_attachment_list_in_one_sentence_is_understood_in_its_order() {
    let mut blocks = package();
    let start = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "报告需要以下附件："))
        .expect("list");
    // The list in one paragraph, in an order other than the template's.
    blocks.splice(
        start..start + 7,
        [p(
            "报告需要以下附件：1.项目支出绩效自评表（业务工作经费）；2.部门整体支出绩效自评表；3.部门整体支出绩效评价基础数据表。",
        )],
    );
    assert_listed_without_warnings(
        &blocks,
        [
            "项目支出绩效自评表",
            "部门整体支出绩效自评表",
            "部门整体支出绩效评价基础数据表",
        ],
    );
}

#[test]
fn a_listed_attachment_that_is_missing_is_still_not_invented() {
    // The list names the fund tables; the package has none: nothing is
    // warned about as "not listed", and they are not in [[attachments]].
    let imported = import_blocks(&package());
    let codes = codes(&imported);
    assert!(
        !codes.contains(&"import::attachment_not_listed"),
        "{codes:?}"
    );
    let value = parsed(&imported);
    assert_eq!(value["attachments"].as_array().expect("list").len(), 3);
}

#[test]
fn paragraphs_in_a_cell_follow_one_rule() {
    let mut blocks = package();
    // Short cells: the indicator's name, target and actual value.
    assert_eq!(
        replace_text(&mut blocks, "项目指标A", "发展普惠金融，\n完善金融管理"),
        1
    );
    assert_eq!(replace_text(&mut blocks, "≥10次", "提高服务\n满意度"), 2);
    assert_eq!(replace_text(&mut blocks, "12次", "ISO\n9001"), 2);
    // Prose: the year's goals.
    assert_eq!(
        replace_text(
            &mut blocks,
            "完成业务工作。",
            "目标1：完成业务；\n目标2：规范管理。"
        ),
        1
    );
    let imported = import_blocks(&blocks);
    let value = parsed(&imported);
    let project = &value["projects"][0];
    let indicator = &project["indicators"][0];
    assert_eq!(
        indicator["name"].as_str(),
        Some("发展普惠金融，完善金融管理")
    );
    assert_eq!(indicator["target"].as_str(), Some("提高服务满意度"));
    assert_eq!(indicator["actual"].as_str(), Some("ISO 9001"));
    let overall = &value["overall"]["indicators"][0];
    assert_eq!(overall["target"].as_str(), Some("提高服务满意度"));
    assert_eq!(
        project["goals"]["expected"].as_str(),
        Some("目标1：完成业务；\n目标2：规范管理。")
    );
    // The overall goals, written with a blank paragraph between: one line
    // each, blank ones dropped.
    assert_eq!(
        value["overall"]["goals"]["actual"].as_str(),
        Some("1、完成服务。\n2、完成管理。")
    );
}

#[test]
fn a_report_without_its_title_is_found_by_a_first_heading_in_another_style() {
    let mut blocks = package();
    let title = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "整体支出绩效自评报告"))
        .expect("title");
    blocks.drain(title - 1..=title);
    let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let mut written = Vec::new();
    for (h, n) in import_support::HEADINGS.iter().zip(numerals) {
        let part = format!("第{n}部分 {}", h.split_once('、').expect("numbered").1);
        assert_eq!(replace_text(&mut blocks, h, &part), 1);
        written.push(part);
    }
    let imported = import_blocks(&blocks);
    let found = sections(&imported);
    let headings: Vec<&str> = found.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(headings, written);
    assert_eq!(found[6].1, "第7部分的正文。");
    let codes = codes(&imported);
    assert!(!codes.contains(&"import::missing_report"), "{codes:?}");
    assert!(!codes.contains(&"import::missing_section"), "{codes:?}");
}

/// A small table inside the report (staff numbers under 一、单位基本情况)
/// is part of its section: its rows are read as lines of the section, and
/// the report goes on after it — the sections after it are not lost.
#[test]
fn a_table_inside_the_report_is_part_of_its_section() {
    use import_support::{c, r};
    let mut blocks = package();
    let at = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "第1部分的正文。"))
        .expect("the first section's text");
    blocks.insert(
        at + 1,
        Block::Table(vec![
            r(vec![c("编制数"), c("20")]),
            r(vec![c("实有人数"), c("18")]),
        ]),
    );
    let imported = import_blocks(&blocks);
    let found = sections(&imported);
    let headings: Vec<&str> = found.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(found.len(), 9, "{headings:?}");
    assert_eq!(found[0].1, "第1部分的正文。\n编制数　20\n实有人数　18");
    assert_eq!(found[8].1, "第9部分的正文。");
    let codes = codes(&imported);
    assert!(!codes.contains(&"import::missing_section"), "{codes:?}");
    assert!(!codes.contains(&"import::unknown_table"), "{codes:?}");
}

/// Section 二 numbered "（二）" among "一、" sections, with its own list
/// "（一）…（二）…": the list is the section's text, not new sections, and
/// nothing is reported empty or unknown.
#[test]
fn a_list_inside_a_bracketed_section_stays_its_text() {
    let mut blocks = package();
    assert_eq!(
        replace_text(
            &mut blocks,
            "二、一般公共预算支出情况",
            "（二）一般公共预算支出情况"
        ),
        1
    );
    let at = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "基本支出53万元。"))
        .expect("section 二's text");
    blocks.insert(at + 1, p("项目支出20万元。"));
    blocks.insert(at + 1, p("（二）项目支出情况"));
    let imported = import_blocks(&blocks);
    let found = sections(&imported);
    let headings: Vec<&str> = found.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(found.len(), 9, "{headings:?}");
    assert_eq!(found[1].0, "（二）一般公共预算支出情况");
    assert_eq!(
        found[1].1,
        "(一)基本支出情况\n基本支出53万元。\n（二）项目支出情况\n项目支出20万元。"
    );
    assert_none_of(
        &imported,
        &[
            "import::unknown_heading",
            "import::empty_section",
            "import::missing_section",
        ],
    );
}

/// Sections numbered "1." … "9.", section 2 with a list "1、 2、 3、": its
/// "3、" is taken for section 3 only until the heading with section 3's
/// own words comes; then it goes back into section 2's text.
#[test]
fn an_item_taken_for_the_next_section_goes_back_when_that_section_comes() {
    let mut blocks = package();
    for (i, h) in ["一", "二", "三", "四", "五", "六", "七", "八", "九"]
        .iter()
        .enumerate()
    {
        let old = import_support::HEADINGS
            .iter()
            .find(|x| x.starts_with(&format!("{h}、")))
            .expect("heading");
        let new = format!("{}. {}", i + 1, old.trim_start_matches(&format!("{h}、")));
        assert_eq!(replace_text(&mut blocks, old, &new), 1);
    }
    let at = blocks
        .iter()
        .position(|b| matches!(b, Block::P(t) if t == "基本支出53万元。"))
        .expect("section 2's text");
    for (k, line) in [
        "1、专项资金安排情况",
        "2、专项资金使用情况",
        "3、专项资金管理情况分析",
    ]
    .iter()
    .enumerate()
    {
        blocks.insert(at + 1 + k, p(line));
    }
    let imported = import_blocks(&blocks);
    let found = sections(&imported);
    let headings: Vec<&str> = found.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(found.len(), 9, "{headings:?}");
    assert_eq!(found[2].0, "3. 政府性基金预算支出情况");
    assert!(
        found[1].1.ends_with("3、专项资金管理情况分析"),
        "{}",
        found[1].1
    );
    assert_none_of(
        &imported,
        &[
            "import::unknown_heading",
            "import::renamed_heading",
            "import::missing_section",
        ],
    );
}

/// A 分值 cell merged over two indicator lines ("30" over 指标A and
/// 指标B): the second line's 分值 is not guessed, and not lost unseen
/// either — the warning names the table, the row and the column.
#[test]
fn a_value_cell_merged_over_two_lines_is_warned_about() {
    use import_support::{v, vc};
    let mut blocks = package();
    let table = blocks
        .iter_mut()
        .find_map(|b| match b {
            Block::Table(rows)
                if rows
                    .iter()
                    .any(|r| r.cells.get(3).is_some_and(|c| c.paras == ["指标B"])) =>
            {
                Some(rows)
            }
            _ => None,
        })
        .expect("the overall table");
    let b = table
        .iter()
        .position(|r| r.cells.get(3).is_some_and(|c| c.paras == ["指标B"]))
        .expect("指标B");
    table[b - 1].cells[6] = v("30");
    table[b].cells[6] = vc();
    let imported = import_blocks(&blocks);
    let w = imported
        .warnings
        .iter()
        .find(|w| w.code == "import::cell_not_imported")
        .unwrap_or_else(|| panic!("no warning: {:?}", codes(&imported)));
    assert!(
        w.message.contains("“分值”一格与上一行合并（“30”）"),
        "{}",
        w.message
    );
    assert!(w.place.contains("第2个表格"), "{}", w.place);
}

/// The overall table without its "年度资金总额" row (one of the cells the
/// template identifies it by): its title and its indicator header still
/// say what it is; the table is read and only the missing row is said.
#[test]
fn a_form_missing_an_identifying_row_is_known_by_its_title() {
    let mut blocks = package();
    let table = blocks
        .iter_mut()
        .find_map(|b| match b {
            Block::Table(rows)
                if rows
                    .iter()
                    .any(|r| r.cells.get(1).is_some_and(|c| c.paras == ["年度资金总额"]))
                    && rows.iter().any(|r| {
                        r.cells
                            .get(1)
                            .is_some_and(|c| c.paras == ["按收入性质分：108万元"])
                    }) =>
            {
                Some(rows)
            }
            _ => None,
        })
        .expect("the overall table");
    table.retain(|r| r.cells.get(1).is_none_or(|c| c.paras != ["年度资金总额"]));
    let imported = import_blocks(&blocks);
    let value = parsed(&imported);
    let indicators = value["overall"]["indicators"]
        .as_array()
        .expect("indicators read");
    assert!(!indicators.is_empty());
    let codes = codes(&imported);
    assert!(!codes.contains(&"import::unknown_table"), "{codes:?}");
    assert!(!codes.contains(&"import::missing_attachment"), "{codes:?}");
    assert!(codes.contains(&"import::missing_block"), "{codes:?}");
}

/// An empty table (left over from editing) between a table and its
/// sign-off line: nothing to import or warn about, and the sign-off line
/// (填报日期) is still the table's.
#[test]
fn an_empty_table_is_passed_over() {
    use import_support::{c, r};
    let mut blocks = package();
    let first_table = blocks
        .iter()
        .position(|b| matches!(b, Block::Table(_)))
        .expect("a table");
    blocks.insert(
        first_table + 1,
        Block::Table(vec![r(vec![c(""), c("")]), r(vec![c(""), c("")])]),
    );
    let imported = import_blocks(&blocks);
    let value = parsed(&imported);
    assert!(
        value["basic_data"].get("filled_on").is_some(),
        "{}",
        imported.toml
    );
    let codes = codes(&imported);
    assert!(!codes.contains(&"import::unknown_table"), "{codes:?}");
}
