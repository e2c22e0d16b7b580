//! Building Word packages for the importer's tests: a minimal
//! `document.xml` generated from blocks, zipped with the `zip` crate, and a
//! synthetic package laid out like the bureau's 2022 templates.

use jixiao::data::schema::{Schema, Type};
use jixiao::data::{Submission, Value};
use std::io::Write as _;

/// A table cell.
#[derive(Clone, Debug)]
pub struct Cell {
    /// Paragraphs.
    pub paras: Vec<String>,
    /// Grid columns spanned.
    pub span: usize,
    /// `Some("restart")`, `Some("continue")` or none.
    pub merge: Option<&'static str>,
    /// A picture instead of text (with text in `paras`: a text box holding
    /// it).
    pub image: bool,
}

/// A table row.
#[derive(Clone, Debug)]
pub struct Row {
    /// Cells.
    pub cells: Vec<Cell>,
    /// Repeated on each page.
    pub header: bool,
}

/// A body block.
#[derive(Clone, Debug)]
pub enum Block {
    /// A paragraph; `\n` inside becomes a line break.
    P(String),
    /// A paragraph numbered by list `num_id` (see `NUMBERING`).
    Numbered(String, u32),
    /// A table.
    Table(Vec<Row>),
}

/// A cell; `\n` separates paragraphs.
pub fn c(text: &str) -> Cell {
    Cell {
        paras: text.split('\n').map(str::to_string).collect(),
        span: 1,
        merge: None,
        image: false,
    }
}

/// A cell spanning `n` columns.
pub fn s(text: &str, n: usize) -> Cell {
    Cell { span: n, ..c(text) }
}

/// Starts a vertical merge.
pub fn v(text: &str) -> Cell {
    Cell {
        merge: Some("restart"),
        ..c(text)
    }
}

/// Continues a vertical merge.
pub fn vc() -> Cell {
    Cell {
        merge: Some("continue"),
        ..c("")
    }
}

/// A picture spanning `n` columns.
pub fn picture(n: usize) -> Cell {
    Cell {
        image: true,
        ..s("", n)
    }
}

/// A cell holding a text box with `text` in it (Word's 插入 → 文本框),
/// spanning `n` columns.
pub fn text_box(text: &str, n: usize) -> Cell {
    Cell {
        image: true,
        ..s(text, n)
    }
}

/// A row.
/// An indicator row left blank under merged 一级/二级 cells: the three
/// label cells continue the merge, the six value cells are empty.
pub fn continued_blank_row() -> Row {
    let mut cells = vec![vc(), vc(), vc()];
    cells.extend(std::iter::repeat_with(|| c("")).take(6));
    r(cells)
}

pub fn r(cells: Vec<Cell>) -> Row {
    Row {
        cells,
        header: false,
    }
}

/// A paragraph block.
pub fn p(text: &str) -> Block {
    Block::P(text.to_string())
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn paragraph(text: &str, num: Option<u32>) -> String {
    let ppr = num.map_or(String::new(), |n| {
        format!(r#"<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{n}"/></w:numPr></w:pPr>"#)
    });
    let runs: Vec<String> = text
        .split('\n')
        .map(|line| format!(r#"<w:t xml:space="preserve">{}</w:t>"#, esc(line)))
        .collect();
    format!(
        "<w:p>{ppr}<w:r><w:rPr><w:sz w:val=\"21\"/></w:rPr>{}</w:r></w:p>",
        runs.join("<w:br/>")
    )
}

fn cell(cell: &Cell) -> String {
    let mut pr = String::new();
    if cell.span > 1 {
        pr.push_str(&format!(r#"<w:gridSpan w:val="{}"/>"#, cell.span));
    }
    match cell.merge {
        Some("restart") => pr.push_str(r#"<w:vMerge w:val="restart"/>"#),
        Some(_) => pr.push_str("<w:vMerge/>"),
        None => {}
    }
    let written: String = cell.paras.concat();
    let body = if cell.image && !written.is_empty() {
        format!(
            r#"<w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>{written}</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
        )
    } else if cell.image {
        r#"<w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData><pic:pic/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#.to_string()
    } else {
        cell.paras.iter().map(|t| paragraph(t, None)).collect()
    };
    format!("<w:tc><w:tcPr>{pr}</w:tcPr>{body}</w:tc>")
}

fn table(rows: &[Row]) -> String {
    let columns = rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.span).sum::<usize>())
        .max()
        .unwrap_or(1);
    let grid: String = (0..columns).map(|_| r#"<w:gridCol w:w="1000"/>"#).collect();
    let body: String = rows
        .iter()
        .map(|r| {
            let header = if r.header {
                "<w:trPr><w:tblHeader/></w:trPr>"
            } else {
                ""
            };
            format!(
                "<w:tr>{header}{}</w:tr>",
                r.cells.iter().map(cell).collect::<String>()
            )
        })
        .collect();
    format!("<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>")
}

/// The body as `word/document.xml`.
pub fn document_xml(blocks: &[Block]) -> String {
    let body: String = blocks
        .iter()
        .map(|b| match b {
            Block::P(t) => paragraph(t, None),
            Block::Numbered(t, n) => paragraph(t, Some(*n)),
            Block::Table(rows) => table(rows),
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    )
}

/// A list numbered 一、二、三… (`numId` 1).
pub const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;

/// A zip of the given parts.
pub fn zip_parts(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    buffer.into_inner()
}

/// A `.docx` of the blocks (with a numbering part).
pub fn docx(blocks: &[Block]) -> Vec<u8> {
    let document = document_xml(blocks);
    zip_parts(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", &document),
        ("word/numbering.xml", NUMBERING),
    ])
}

/// 附件1, laid out like the 2022 template.
pub fn basic_data() -> Vec<Block> {
    let line =
        |label: &str, a: &str, b: &str, d: &str| r(vec![c(label), s(a, 2), s(b, 2), s(d, 2)]);
    vec![
        p("附件1"),
        p("2022年度预算单位整体支出绩效评价基础数据表"),
        Block::Table(vec![
            r(vec![c("预算单位名称"), s("测试区测试局", 6)]),
            r(vec![
                v("财政供养人员情况(人)"),
                s("编制数", 2),
                s("2022年实际在职人数", 2),
                s("控制率", 2),
            ]),
            r(vec![vc(), s("10", 2), s("9", 2), s("90%", 2)]),
            line(
                "经费控制情况(万元)",
                "2021年决算数",
                "2022年预算数",
                "2022年决算数",
            ),
            line("三公经费", "1", "1", "0.5"),
            line("1、公务用车购置和维护经费", "", "", ""),
            line("其中：公车购置", "", "", ""),
            line("公车运行维护", "", "", ""),
            line("2、出国经费", "", "", ""),
            line("3、公务接待", "1", "1", "0.5"),
            line("项目支出：", "", "", ""),
            line("1、业务工作经费", "50", "60", "55"),
            line("2、运行维护经费", "", "", ""),
            line("......", "", "", ""),
            line("3、区级专项资金(一个专项一行)", "", "", ""),
            line("", "", "", ""),
            line("4、上级转移支付(一个专项一行）", "", "", ""),
            line("公用经费", "20", "20", "18"),
            line("其中：办公经费", "5", "5", "4"),
            line("水费、电费、差旅费", "", "", ""),
            line("会议费、培训费", "0", "0", "0"),
            line("政府采购金额", "10", "10", "9"),
            line("部门基本支出预算调整", "", "", ""),
            r(vec![
                v("楼堂馆所控制情况\n(2022年完工项目)"),
                c("批复规模(m²)"),
                c("实际规模(m²)"),
                c("规模控制率"),
                c("预算投资(万元)"),
                c("实际投资(万元)"),
                c("投资概算控制率"),
            ]),
            r(vec![vc(), c(""), c(""), c(""), c(""), c(""), c("")]),
            r(vec![c("厉行节约保障措施"), s("", 6)]),
        ]),
        p("说明：“项目支出”需要填报基本支出以外的所有项目支出情况。"),
        p("填表人：张三    联系电话：    单位负责人签字：      填报日期：2023年6月10日"),
    ]
}

/// The indicator rows of a self-evaluation table (9 columns).
fn indicator_rows(first_name: &str) -> Vec<Row> {
    vec![
        r(vec![
            vc(),
            v("产出指标\n(50分)"),
            v("数量指标"),
            c(first_name),
            c("≥10次"),
            c("12次"),
            c("30"),
            c("30"),
            c(""),
        ]),
        r(vec![
            vc(),
            vc(),
            vc(),
            c("指标B"),
            c("4次"),
            c("4次"),
            c("20"),
            c("20"),
            c(""),
        ]),
        continued_blank_row(),
        r(vec![
            vc(),
            v("效益指标\n(30分)"),
            v("社会效\n益指标"),
            c("指标C"),
            c("群众满意"),
            c("基本满意"),
            c("30"),
            c("29"),
            c("宣传不够，下年加强"),
        ]),
        r(vec![
            vc(),
            vc(),
            v("可持续影\n响指标"),
            c(""),
            c(""),
            c(""),
            c(""),
            c(""),
            c(""),
        ]),
        continued_blank_row(),
        r(vec![
            vc(),
            v("满意度\n指标\n(10分)"),
            v("服务对象\n满意度指\n标"),
            c("服务对象满意度"),
            c("≥90%"),
            c("95%"),
            c("10"),
            c("10"),
            c(""),
        ]),
    ]
}

fn indicator_header() -> Row {
    r(vec![
        v("绩效指标"),
        c("一级指标"),
        c("二级指标"),
        c("三级指标"),
        c("年度\n指标值"),
        c("实际\n完成值"),
        c("分值"),
        c("得分"),
        c("偏差原因分析\n及改进措施"),
    ])
}

/// 附件2.
pub fn overall() -> Vec<Block> {
    let mut rows = vec![
        r(vec![c("预算单位 名称"), s("测试区测试局", 8)]),
        r(vec![
            v("年度预\n算申请\n(万元)"),
            s("", 2),
            c("年初预算数"),
            c("全年预算数"),
            c("全年执行数"),
            c("分值"),
            c("执行率"),
            c("得分"),
        ]),
        r(vec![
            vc(),
            s("年度资金总额", 2),
            c("100"),
            c("120"),
            c("108"),
            c("10"),
            c("90%"),
            c("9"),
        ]),
        r(vec![
            vc(),
            s("按收入性质分：108万元", 4),
            s("按支出性质分：108万元", 4),
        ]),
        r(vec![
            vc(),
            s("其中：  一般公共预算：108万元", 4),
            s("其中：基本支出：53万元", 4),
        ]),
        r(vec![
            vc(),
            s("政府性基金拨款：0", 4),
            s("项目支出：55万元", 4),
        ]),
        r(vec![vc(), s("纳入专户管理的非税收入拨款：0", 4), s("", 4)]),
        r(vec![vc(), s("其他资金：0", 4), s("", 4)]),
        r(vec![
            v("年度总体\n目标"),
            s("预期目标", 4),
            s("实际完成情况", 4),
        ]),
        r(vec![
            vc(),
            s("目标1：服务群众；\n目标2：规范管理。", 4),
            s("  1、完成服务。\n\n2、完成管理。", 4),
        ]),
        indicator_header(),
    ];
    rows.extend(indicator_rows("指标A"));
    rows.push(r(vec![s("总分", 6), c("100"), c("98"), c("")]));
    vec![
        p("附件2"),
        p("  2022年度预算单位整体支出绩效自评表"),
        Block::Table(rows),
        p("填表人：张三    联系电话：    单位负责人签字：      填报日期：2023年6月9日"),
    ]
}

/// The report's nine headings, as the template words them.
pub const HEADINGS: [&str; 9] = [
    "一、单位基本情况",
    "二、一般公共预算支出情况",
    "三、政府性基金预算支出情况",
    "四、国有资本经营预算支出情况",
    "五、社会保险基金预算支出情况",
    "六、部门整体支出绩效情况",
    "七、存在的问题及原因分析",
    "八、下一步改进措施",
    "九、部门整体支出绩效自评结果拟应用和公开情况",
];

/// 附件3.
pub fn report() -> Vec<Block> {
    let mut blocks = vec![
        p("附件3"),
        p("2022年度测试区测试局"),
        p("整体支出绩效自评报告"),
    ];
    for (i, h) in HEADINGS.iter().enumerate() {
        blocks.push(p(h));
        match i {
            2..=4 => blocks.push(p("本单位2022年度没有此类支出。")),
            1 => {
                blocks.push(p("(一)基本支出情况"));
                blocks.push(p("基本支出53万元。"));
            }
            _ => blocks.push(p(&format!("第{}部分的正文。", i + 1))),
        }
    }
    blocks.push(p("报告需要以下附件："));
    for item in [
        "1、部门整体支出绩效评价基础数据表",
        "2、部门整体支出绩效自评表",
        "3、项目支出绩效自评表(一个一级项目支出一张表)",
        "4、政府性基金预算支出情况表",
        "5、国有资本经营预算支出情况表",
        "6、社会保险基金预算支出情况表",
    ] {
        blocks.push(p(item));
    }
    blocks
}

/// 附件4 for one project.
pub fn project(name: &str) -> Vec<Block> {
    let mut rows = vec![
        r(vec![c("项目支出\n名称"), s(name, 8)]),
        r(vec![
            c("主管部门"),
            s("", 3),
            c("实施单位"),
            s("测试区测试局", 4),
        ]),
        r(vec![
            v("项目资金\n(万元)"),
            s("", 2),
            c("年初\n预算数"),
            c("全年\n预算数"),
            c("全年\n执行数"),
            c("分值"),
            c("执行率"),
            c("得分"),
        ]),
        r(vec![
            vc(),
            s("年度资金总额", 2),
            c("60"),
            c("60"),
            c("55"),
            c("10"),
            c("91.67%"),
            c("9"),
        ]),
        r(vec![
            vc(),
            s("其中：当年财政拨款", 2),
            c(""),
            c(""),
            c("55"),
            c(""),
            c(""),
            c(""),
        ]),
        r(vec![
            vc(),
            s("     上年结转资金", 2),
            c(""),
            c(""),
            c("0"),
            c(""),
            c(""),
            c(""),
        ]),
        r(vec![
            vc(),
            s("  其他资金", 2),
            c(""),
            c(""),
            c("0"),
            c(""),
            c(""),
            c(""),
        ]),
        r(vec![
            v("年度总体\n目标"),
            s("预期目标", 4),
            s("实际完成情况", 4),
        ]),
        r(vec![vc(), s("完成业务工作。", 4), s("已完成。", 4)]),
        indicator_header(),
    ];
    rows.extend(indicator_rows("项目指标A"));
    rows.push(r(vec![s("总分", 6), c("100"), c("98"), c("")]));
    vec![
        p("附件4"),
        p("2022年度项目支出绩效自评表"),
        Block::Table(rows),
        p("填表人：张三     联系电话：     单位负责人签字：     填报日期：2023年6月8日"),
    ]
}

/// 附件5, the bureau's sheet.
pub fn scoring_sheet() -> Vec<Block> {
    vec![
        p("附件5"),
        p("区级预算单位绩效自评工作考核评分表"),
        Block::Table(vec![
            r(vec![c("一级指标"), c("二级指标"), c("评分标准"), c("评分")]),
            r(vec![
                c("实施评价\n30分"),
                c("单位自查\n（20分）"),
                c("……"),
                c("20"),
            ]),
        ]),
    ]
}

/// The whole synthetic package.
pub fn package() -> Vec<Block> {
    let mut blocks = basic_data();
    blocks.extend(overall());
    blocks.extend(report());
    blocks.extend(project("业务工作经费"));
    blocks.extend(scoring_sheet());
    blocks
}

/// The index of the `n`-th table block.
pub fn table_index(blocks: &[Block], n: usize) -> usize {
    blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, Block::Table(_)))
        .nth(n)
        .map(|(i, _)| i)
        .unwrap()
}

/// The rows of the `n`-th table.
pub fn table_rows(blocks: &mut [Block], n: usize) -> &mut Vec<Row> {
    let i = table_index(blocks, n);
    match &mut blocks[i] {
        Block::Table(rows) => rows,
        _ => unreachable!(),
    }
}

/// Replace the text of every paragraph or cell equal to `from`.
pub fn replace_text(blocks: &mut [Block], from: &str, to: &str) -> usize {
    let mut n = 0;
    for b in blocks {
        match b {
            Block::P(t) | Block::Numbered(t, _) if t == from => {
                *t = to.to_string();
                n += 1;
            }
            Block::Table(rows) => {
                for row in rows {
                    for cell in &mut row.cells {
                        if cell.paras.join("\n") == from {
                            cell.paras = to.split('\n').map(str::to_string).collect();
                            n += 1;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    n
}

/// A value of an imported submission by path
/// (`basic_data.expenses[7].final`), through the schema.
pub fn get(sub: &Submission, schema: &Schema, path: &str) -> Value {
    let mut value = sub.root.clone();
    let mut ty = Type::Record(schema.root);
    for segment in path.split('.') {
        let (name, index) = match segment.split_once('[') {
            Some((n, i)) => (n, Some(i.trim_end_matches(']').parse::<usize>().unwrap())),
            None => (segment, None),
        };
        let Type::Record(id) = ty else {
            panic!("{path}: {segment} is not in a record")
        };
        let record = schema.record(id).unwrap();
        let field = record
            .field(name)
            .unwrap_or_else(|| panic!("{path}: no field {name}"));
        ty = record.fields[field].ty.clone();
        value = match &value {
            Value::Record(r) => r.fields[field].clone(),
            _ => return Value::Absent,
        };
        if let Some(i) = index {
            let Type::List(elem) = ty else {
                panic!("{path}: {name} is not a list")
            };
            ty = *elem;
            value = match &value {
                Value::List(items) => items.get(i).cloned().unwrap_or(Value::Absent),
                _ => Value::Absent,
            };
        }
    }
    value
}

/// The value at `path` as text: numbers as written, `<absent>` if none.
pub fn text_at(sub: &Submission, schema: &Schema, path: &str) -> String {
    match get(sub, schema, path) {
        Value::Text(t) => t.to_string(),
        Value::Num(n) => n.to_string(),
        Value::Absent => "<absent>".to_string(),
        other => format!("{other}"),
    }
}
