//! Review worksheets (`.xlsx`) filled by reviewers in Excel or WPS, read
//! back into judgments. The layout is the one `jixiao review` writes
//! (reviews.md): the 评审 sheet with the labels 评审人 / 评审日期 / 评分表
//! above a header row of fixed column names, and the 单位 sheet with the
//! received dates. Columns are found by their header names, not their
//! letters, so a reviewer who moves or hides a column loses nothing.
//!
//! A number is never trusted as a float: a number cell is taken by its
//! shortest decimal form (what the spreadsheet shows), and a number typed
//! as text, in full-width digits too, is read the same way.

use super::review_file::{Fingerprint, Received, ReviewedUnit, Reviews};
use super::{Date, Judgment, Origin, SheetRow};
use crate::diag::Code;
use crate::diag::Problem;
use crate::source::Span;
use calamine::{Data, Range, Reader as _, Xlsx};
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::str::FromStr as _;

/// The sheet of judgments.
pub const REVIEW_SHEET: &str = "评审";
/// The main sheet of the summary workbook (`score --format xlsx`).
pub const SUMMARY_SHEET: &str = "汇总";
/// The sheet of long texts.
pub const MATERIAL_SHEET: &str = "材料";
/// The sheet of units and received dates.
pub const UNIT_SHEET: &str = "单位";
/// The label left of the reviewer's name.
pub const REVIEWER_LABEL: &str = "评审人";
/// The label left of the review date.
pub const DATE_LABEL: &str = "评审日期";
/// The label left of the sheet's title the worksheet was made for.
pub const RULES_LABEL: &str = "评分表";
/// The columns of the 评审 sheet, in order; the first nine are the ones
/// read back.
pub const REVIEW_COLUMNS: [&str; 13] = [
    "单位",
    "年度",
    "材料文件",
    "评分项",
    "编号",
    "分值",
    "档次",
    "得分",
    "评审意见",
    "分数段",
    "提示",
    "评分标准",
    "材料",
];
/// The columns of the 单位 sheet.
pub const UNIT_COLUMNS: [&str; 4] = ["单位", "年度", "材料文件", "送达日期"];

/// The 单位 sheet's column after `UNIT_COLUMNS`: the fingerprint of each
/// package as the worksheet was made from it (`package_fingerprint`). A
/// worksheet without it (made by an earlier version) is read as before.
pub const FINGERPRINT_COLUMN: &str = "材料校验码";

/// A package file's fingerprint: 16 hexadecimal digits of a hash of its
/// bytes, the same on every machine and in every version (a worksheet made
/// today is read next month). Not a security measure: it tells a package
/// corrected after the worksheet was made from the one the reviewers read.
/// A `.toml` package's `[review]` and `[submission]` tables are left out:
/// they are the bureau's (its judgments, and the date it received the
/// package, `received_on`), which it may write after the worksheet was
/// made, not the unit's package.
pub fn package_fingerprint(file: &str, bytes: &[u8]) -> String {
    let toml = file.to_ascii_lowercase().ends_with(".toml");
    match (toml, std::str::from_utf8(bytes)) {
        (true, Ok(text)) => {
            let mut kept = Vec::with_capacity(bytes.len());
            let mut bureaus = false;
            for line in text.split_inclusive('\n') {
                if let Some(header) = table_header(line) {
                    bureaus = header == "review"
                        || header.starts_with("review.")
                        || header == "submission";
                }
                if !bureaus {
                    kept.extend_from_slice(line.as_bytes());
                }
            }
            hashed(&kept)
        }
        _ => hashed(bytes),
    }
}

/// The name of a TOML table header line (`[review.problems]`,
/// `[[projects]]` → `projects`), if the line is one.
fn table_header(line: &str) -> Option<&str> {
    let line = line.trim();
    let inner = line.strip_prefix('[')?;
    let inner = inner.strip_prefix('[').unwrap_or(inner);
    let end = inner.find(']')?;
    Some(inner.get(..end)?.trim())
}

/// 16 hexadecimal digits of a hash of `bytes`.
fn hashed(bytes: &[u8]) -> String {
    // FNV-1a's constants, over eight bytes at a time (a package is tens
    // of kilobytes; byte by byte would cost four instructions a byte).
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        hash = (hash ^ u64::from_le_bytes(w)).wrapping_mul(PRIME);
        hash ^= hash >> 29;
    }
    for b in words.remainder() {
        hash = (hash ^ u64::from(*b)).wrapping_mul(PRIME);
    }
    hash = (hash ^ bytes.len() as u64).wrapping_mul(PRIME);
    format!("{hash:016x}")
}

/// Largest worksheet read (a reviewer's copy is tens of kilobytes).
pub const MAX_WORKSHEET_BYTES: u64 = 32 * 1024 * 1024;

/// Does a workbook hold a 评审 sheet with any tier, score or note written
/// (signed or not)?
pub fn has_entries(_name: &str, bytes: &[u8]) -> bool {
    // A workbook with a cell far away, or a part that unpacks to more than
    // a worksheet's can, is not read (see `worksheet_bounds`); reading it
    // for entries would take what reading it for scores does.
    if super::worksheet_bounds::oversized_part(bytes).is_some()
        || super::worksheet_bounds::far_cell(bytes).is_some()
    {
        return true;
    }
    let Ok(mut book) = Xlsx::new(std::io::Cursor::new(bytes.to_vec())) else {
        return false;
    };
    let Ok(range) = book.worksheet_range(REVIEW_SHEET) else {
        return false;
    };
    let sheet = Grid::new(&range);
    let Some(header) = sheet.find_header(&REVIEW_COLUMNS[..9]) else {
        return false;
    };
    (header.row + 1..sheet.rows).any(|row| {
        [6, 7, 8]
            .iter()
            .any(|i| !is_empty(sheet.cell(row, header.col(*i))))
    })
}

/// Is a workbook a summary this program wrote (`score --format xlsx`): a
/// 汇总 sheet and no 评审 sheet? Only such a file is written over by a new
/// summary. Only the workbook's list of sheets is read (a summary of a
/// district is large, and none of its cells is needed).
pub fn is_summary(workbook: impl std::io::Read + std::io::Seek) -> bool {
    use std::io::Read as _;
    let Ok(mut zip) = zip::ZipArchive::new(workbook) else {
        return false;
    };
    let Ok(part) = zip.by_name("xl/workbook.xml") else {
        return false;
    };
    // The list of sheets is a few hundred bytes; a larger part is not ours.
    let mut xml = String::new();
    if part.take(1 << 20).read_to_string(&mut xml).is_err() {
        return false;
    }
    let named = |sheet: &str| xml.contains(&format!("name=\"{sheet}\""));
    named(SUMMARY_SHEET) && !named(REVIEW_SHEET)
}

/// Does a workbook have the 评审 sheet with its header in place, as
/// `review` wrote it? One whose sheet was renamed or header changed may
/// hold a reviewer's work that nothing can read.
pub fn has_review_header(bytes: &[u8]) -> bool {
    if super::worksheet_bounds::oversized_part(bytes).is_some() {
        return false;
    }
    let Ok(mut book) = Xlsx::new(std::io::Cursor::new(bytes.to_vec())) else {
        return false;
    };
    let Ok(range) = book.worksheet_range(REVIEW_SHEET) else {
        return false;
    };
    Grid::new(&range)
        .find_header(&REVIEW_COLUMNS[..9])
        .is_some()
}

/// A filled worksheet: its reviewer's judgments, and the rules' title it
/// was made for.
#[derive(Debug)]
pub struct Worksheet {
    /// The judgments and received dates.
    pub reviews: Reviews,
    /// The title of the sheet (评分表) the worksheet was made for.
    pub rules: Option<String>,
}

/// Read a filled review worksheet. A file that cannot be used at all (not
/// a workbook, no 评审 sheet or header, no reviewer's name) is one error;
/// a row that cannot be read is a problem of its unit
/// (`ReviewedUnit::problems`), so every other unit is still scored.
pub fn read_worksheet(name: &str, bytes: Vec<u8>) -> Result<Worksheet, Vec<Problem>> {
    let fail = |message: String, help: &str| {
        vec![Problem::plain(Code::ReviewWorksheet, message).with_help(help)]
    };
    if let Some((part, limit)) = super::worksheet_bounds::oversized_part(&bytes) {
        return Err(fail(
            format!(
                "{name} 中的 {part} 解压后超过 {} MiB，远大于任何评审表，不予读取",
                limit >> 20
            ),
            "文件可能已损坏或被其他程序改写过：请用 Excel 或 WPS 打开后另存为 .xlsx 再试；打不开的，请评审人重新填写一份由 jixiao review 生成的评审表",
        ));
    }
    if let Some((_, address)) = super::worksheet_bounds::far_cell(&bytes) {
        // A row's number alone (a row element far down), or a cell's address.
        let place = match address.chars().all(|c| c.is_ascii_digit()) {
            true => format!("第 {address} 行有内容"),
            false => format!("单元格 {address} 有内容"),
        };
        return Err(fail(
            format!(
                "{name} 中{place}，超出了评审表所用的范围（{} 列、{} 行以内）",
                super::worksheet_bounds::MAX_COLUMNS,
                super::worksheet_bounds::MAX_ROWS
            ),
            "只在 jixiao review 生成的行和列中填写；文件若经其他程序改写过，请用 Excel 或 WPS 打开，删去远处的单元格后另存为 .xlsx",
        ));
    }
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| {
        // The library's reasons are English and name its internals: said
        // in the reviewer's terms instead.
        let why = match e {
            calamine::XlsxError::Zip(_) => {
                "文件已损坏，或不是 .xlsx 格式（如 .xls、.et，或改了扩展名的其他文件）"
            }
            calamine::XlsxError::Io(_) => "读取文件时出错",
            _ => "其中的内容无法按 Excel 工作簿读取（文件可能已损坏）",
        };
        fail(
            format!("{name} 不是可以读取的 Excel 工作簿（.xlsx）：{why}"),
            "用 Excel 或 WPS 打开后“另存为”Excel 工作簿（*.xlsx）再试；.xls 与 .et 格式请先另存为 .xlsx",
        )
    })?;
    let range = book.worksheet_range(REVIEW_SHEET).map_err(|_| {
        let sheets = book.sheet_names();
        // The summary workbook `score --format xlsx` writes, left among
        // the returned worksheets: said as what it is.
        if sheets.iter().any(|s| s == SUMMARY_SHEET) {
            return fail(
                format!("{name} 是评分的汇总表（jixiao score 生成），不是评审表"),
                "把汇总表移出存放评审表的文件夹，或不在 --reviews 中给出它",
            );
        }
        if sheets.iter().any(|s| s == REVIEW_SHEET) {
            return fail(
                format!("{name} 的“{REVIEW_SHEET}”工作表已损坏，无法读取"),
                "用 Excel 或 WPS 打开这个文件，确认“评审”工作表能正常显示后另存为 .xlsx；打不开的，请评审人重新填写一份由 jixiao review 生成的评审表",
            );
        }
        fail(
            format!(
                "{name} 中没有名为“{REVIEW_SHEET}”的工作表（现有：{}）",
                sheets.join("、")
            ),
            "评审表由 jixiao review 生成；请在生成的工作簿中填写，不要改动工作表的名称",
        )
    })?;
    let sheet = Grid::new(&range);
    let Some(header) = sheet.find_header(&REVIEW_COLUMNS[..9]) else {
        return Err(match sheet.damaged_header(&REVIEW_COLUMNS[..9]) {
            Some(words) => fail(
                format!("{name} “{REVIEW_SHEET}”工作表的表头行{words}"),
                "把表头改回原样即可，已填的档次、得分和评审意见不受影响（表头行的列名不能改动）",
            ),
            None => fail(
                format!(
                    "{name} {REVIEW_SHEET} 表中找不到表头行（{}）",
                    REVIEW_COLUMNS[..9].join("、")
                ),
                "表头行的列名不能改动；若表头已删去，请用 jixiao review 重新生成评审表，再把评审意见填入",
            ),
        });
    };
    // The name right of its label; or typed over the label itself
    // (`评审人：张三`), or after a copy of it in its cell.
    let reviewer = sheet
        .right_of(REVIEWER_LABEL, header.row)
        .map(|(text, _)| without_label(&text, REVIEWER_LABEL).to_string())
        .filter(|t| !t.trim().is_empty())
        .or_else(|| sheet.after_label(REVIEWER_LABEL, header.row))
        .map(|text| super::person::person(&text))
        .filter(|t| !t.is_empty());
    // The reviewer's cell, for its problems: `评审!B2`.
    let name_cell = sheet
        .label(REVIEWER_LABEL, header.row)
        .map(|(r, c)| format!(" {REVIEW_SHEET}!{}{}", column_letters(c + 2), r + 1))
        .unwrap_or_default();
    // A date typed into the name's cell (`张三⏎2023-07-10`) would be
    // printed on every notice as the reviewer's name.
    if let Some(typed) = reviewer
        .as_deref()
        .filter(|r| r.chars().filter(char::is_ascii_digit).count() >= 4)
    {
        return Err(fail(
            format!("{name}{name_cell}：评审人一栏写了数字或日期（“{typed}”），不是姓名"),
            "评审人一栏只写姓名；评审日期写在“评审日期”右边的单元格",
        ));
    }
    if let Some(names) = reviewer
        .as_deref()
        .filter(|r| r.contains(['、', '，', ',', '/', '；']))
    {
        return Err(fail(
            format!("{name}{name_cell}：评审人一栏写了不止一位（“{names}”）"),
            "每位评审人填写自己的一份评审表，评审人一栏只写自己的姓名；几位评审人的评审表一并用 --reviews 给出",
        ));
    }
    let Some(reviewer) = reviewer else {
        return Err(fail(
            format!("{name}{name_cell}：没有填写评审人姓名"),
            "在“评审人”右边的单元格写上评审人的姓名；每位评审人填写自己的一份评审表",
        ));
    };
    let mut problems = Vec::new();
    // The review date's cell, for its problems: `!D2`.
    let date_cell = sheet
        .label(DATE_LABEL, header.row)
        .map(|(r, c)| format!("!{}{}", column_letters(c + 2), r + 1))
        .unwrap_or_default();
    let bad_date = |said: String, help: &str| {
        Problem::plain(
            Code::ReviewBadValue,
            format!("{name} {REVIEW_SHEET}{date_cell}：评审日期{said}"),
        )
        .with_help(help)
    };
    let reviewed_on = match sheet.right_of(DATE_LABEL, header.row) {
        Some((text, cell)) if !text.is_empty() => match date_of(cell) {
            // A year of two digits (`23.7.10`) or out of this century is a
            // slip, and would be printed on every unit's notice as it is.
            Some(d) if !(2000..=2099).contains(&d.parts().0) => {
                problems.push(bad_date(
                    format!("“{text}”的年份是 {}，不是评审的年份", d.parts().0),
                    "年份写四位：写成 2023-07-10，或用 Excel 的日期格式",
                ));
                None
            }
            Some(d) => Some(d),
            None => {
                problems.push(bad_date(
                    format!("“{text}”不是有效日期"),
                    "写成 2023-07-10，或用 Excel 的日期格式",
                ));
                None
            }
        },
        _ => None,
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let rules = sheet
        .right_of(RULES_LABEL, header.row)
        .map(|(t, _)| t)
        .filter(|t| !t.is_empty());
    // The rules' title cleared: which year's rules the worksheet was made
    // by can no longer be checked, and another year's would pass.
    if rules.is_none() {
        if let Some((r, c)) = sheet.label(RULES_LABEL, header.row) {
            return Err(vec![
                Problem::plain(
                    Code::ReviewBadValue,
                    format!(
                        "{name} {REVIEW_SHEET}!{}{}：评分表名称是空的",
                        column_letters(c + 2),
                        r + 1
                    ),
                )
                .with_help("写回生成时的评分表名称（如“区级预算单位绩效自评工作考核评分表 2022”），或用 jixiao review 重新生成评审表"),
            ]);
        }
    }
    let mut reviews = Reviews {
        unjudged: Vec::new(),
        file: name.to_string(),
        reviewer: reviewer.clone(),
        reviewed_on,
        units: Vec::new(),
        received: Vec::new(),
        unread_dates: Vec::new(),
        blank_dates: Vec::new(),
        fingerprints: Vec::new(),
        rows: std::collections::HashMap::new(),
    };
    let columns: [String; 4] = [4, 6, 7, 8].map(|i| column_letters(header.col(i) + 1));
    // Each judgment read: its unit's block, its place there, its row and
    // the package file (材料文件) the row names.
    let mut row_files: Vec<(usize, usize, u32, String)> = Vec::new();
    for row in header.row + 1..sheet.rows {
        let text = |i: usize| sheet.text(row, header.col(i));
        let unit = text(0);
        let (tier, note) = (text(6), text(8));
        let score_cell = sheet.cell(row, header.col(7));
        if unit.is_empty() && tier.is_empty() && note.is_empty() && is_empty(score_cell) {
            continue;
        }
        let at_row = SheetRow {
            file: name.to_string(),
            sheet: REVIEW_SHEET.to_string(),
            row: row + 1,
            columns: columns.clone(),
            date_cell: date_cell.clone(),
        };
        let id = text(4);
        let title = text(3);
        let year = year_of(sheet.cell(row, header.col(1)));
        if let Some(y) = year.filter(|_| !unit.is_empty() && !id.is_empty()) {
            reviews
                .rows
                .entry((unit.clone(), y))
                .or_default()
                .push(id.clone());
        }
        let row_problem = |field: usize, message: String, help: &str| {
            Problem::plain(
                Code::ReviewBadValue,
                format!(
                    "{}（评审人 {reviewer}，单位“{unit}”，评分项“{title}”）：{message}",
                    at_row.cell(field)
                ),
            )
            .with_help(help)
        };
        let year_cell = sheet.cell(row, header.col(1));
        if year.is_none() && !unit.is_empty() && !is_empty(year_cell) {
            // Said with what the cell holds: as year 0 the row would be
            // taken for another unit's.
            problems.push(Problem::plain(
                Code::ReviewBadValue,
                format!(
                    "{name} {REVIEW_SHEET}!{}{}（评审人 {reviewer}，单位“{unit}”）：年度“{}”不是年份",
                    column_letters(header.col(1) + 1),
                    row + 1,
                    shown(year_cell)
                ),
            )
            .with_help("年度只写四位数字，如 2022：单位、年度、编号三列由 jixiao review 填好，请改回原样"));
            continue;
        }
        let mut unread = None;
        let read = if unit.is_empty() || year.is_none() || id.is_empty() {
            Err(row_problem(
                0,
                "这一行缺少单位、年度或编号".into(),
                "评审表的单位、年度、编号三列由 jixiao review 填好，请不要改动或删除",
            ))
        } else if tier.is_empty() && !super::has_words(&note) && is_empty(score_cell) {
            // Not judged yet: the criterion waits (for another reviewer).
            let score_column = at_row.columns.get(2).map_or("H", String::as_str);
            reviews
                .unjudged
                .push(format!("{REVIEW_SHEET}!{score_column}{}", row + 1));
            continue;
        } else {
            let judgment = |score: Option<Decimal>, score_unread: bool| Judgment {
                id: id.clone(),
                reviewer: Some(reviewer.clone()),
                origin: Origin::Sheet(at_row.clone()),
                id_span: Span::default(),
                score: score.map(|s| (s, Span::default())),
                tier: (!tier.is_empty()).then(|| (tier.clone(), Span::default())),
                note: (!note.is_empty()).then(|| note.clone()),
                override_rules: false,
                score_unread,
                reviewed_on,
            };
            match score_of(score_cell) {
                Ok(score) => Ok(judgment(score, false)),
                Err(shown) => {
                    // The row's tier and note are still checked (the unit
                    // is not scored until the score is mended): one round
                    // of corrections, not one per problem.
                    unread = Some(judgment(None, true));
                    let hidden = shown
                        .chars()
                        .find_map(|c| super::toml_errors::invisible_name(c).map(|n| (c, n)));
                    Err(match hidden {
                        // It looks like a number: what is in the way is said.
                        Some((c, name)) => row_problem(
                            2,
                            format!(
                                "得分“{shown}”中有一个看不见的{name}（U+{:04X}），不是数字",
                                u32::from(c)
                            ),
                            "删去这一格的内容，重新输入数字（它常随从别处复制的文字带来）",
                        ),
                        None => row_problem(
                            2,
                            format!("得分“{shown}”不是数字"),
                            "得分只写数字，如 18 或 17.5（不写“分”字或其他文字）",
                        ),
                    })
                }
            }
        };
        let year = year.unwrap_or(0);
        let index = match reviews
            .units
            .iter()
            .position(|u| u.unit == unit && u.year == year)
        {
            Some(i) => i,
            None => {
                reviews.units.push(ReviewedUnit {
                    unit: unit.clone(),
                    year,
                    at: format!(
                        "{name} {REVIEW_SHEET}!{}{}",
                        column_letters(header.col(0) + 1),
                        row + 1
                    ),
                    year_at: Some(format!(
                        "{name} {REVIEW_SHEET}!{}{}",
                        column_letters(header.col(1) + 1),
                        row + 1
                    )),
                    judgments: Vec::new(),
                    problems: Vec::new(),
                    file: Some(text(2)).filter(|f| !f.is_empty()),
                });
                reviews.units.len() - 1
            }
        };
        if let Some(block) = reviews.units.get_mut(index) {
            let judgment = match read {
                Ok(j) => Some(j),
                Err(p) => {
                    block.problems.push(p);
                    unread
                }
            };
            if let Some(j) = judgment {
                block.judgments.push(j);
                row_files.push((index, block.judgments.len() - 1, row, text(2)));
            }
        }
    }
    set_aside_rows_typed_over(name, &header, &mut reviews, &row_files);
    if let Ok(units) = book.worksheet_range(UNIT_SHEET) {
        read_received(name, &Grid::new(&units), &mut reviews, &mut problems);
    }
    if let Some(said) = reviews
        .reviewed_on
        .and_then(|on| super::review_file::review_year(on, reviews.rows.keys().map(|(_, y)| *y)))
    {
        // An example in the years a review of these packages falls in.
        let example = reviews
            .rows
            .keys()
            .map(|(_, y)| *y)
            .min()
            .map_or_else(String::new, |y| format!("，如 {}-07-10", y + 1));
        problems.push(bad_date(
            format!(" {said}"),
            &format!("写评审人实际评审的日期{example}；复制上一年的评审表时，记得改评审日期"),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Worksheet { reviews, rules })
}

/// A row whose unit name was typed over with another unit's: the package
/// file it names (材料文件) is not the one the unit's other rows name. Its
/// judgment is set aside and said at the row's unit cell; left in, it
/// would count for the wrong unit, or be taken for a judgment given twice
/// and make the reviewer delete the right row.
fn set_aside_rows_typed_over(
    name: &str,
    header: &Header,
    reviews: &mut Reviews,
    row_files: &[(usize, usize, u32, String)],
) {
    let mut set_aside: Vec<(usize, usize)> = Vec::new();
    let mut problems: Vec<(usize, Problem)> = Vec::new();
    // Each unit's rows, found once: a district's worksheet has thousands.
    let mut rows_of: Vec<Vec<&(usize, usize, u32, String)>> = vec![Vec::new(); reviews.units.len()];
    for r in row_files.iter().filter(|(_, _, _, f)| !f.is_empty()) {
        if let Some(rows) = rows_of.get_mut(r.0) {
            rows.push(r);
        }
    }
    for (index, block) in reviews.units.iter().enumerate() {
        let rows = rows_of.get(index).map_or(&[][..], Vec::as_slice);
        let files: Vec<&str> = rows.iter().map(|(_, _, _, f)| f.as_str()).collect();
        // The file most of the unit's rows name.
        let Some(usual) = files
            .iter()
            .max_by_key(|f| {
                (
                    files.iter().filter(|g| g == f).count(),
                    std::cmp::Reverse(**f),
                )
            })
            .copied()
        else {
            continue;
        };
        for (_, j, row, file) in rows.iter().copied().filter(|(_, _, _, f)| f != usual) {
            set_aside.push((index, *j));
            // The unit the row belongs to, by its package: it is the one
            // that lost a judgment, and waits until the name is mended.
            let owner = reviews.units.iter().enumerate().find(|(i, b)| {
                *i != index && b.year == block.year && b.file.as_deref() == Some(file.as_str())
            });
            let (to, help) = match owner {
                Some((i, b)) => (
                    i,
                    format!(
                        "把这一行的单位改回“{}”（材料 {file} 中的单位）；单位、年度、编号、材料文件四列由 jixiao review 填好，请勿改动",
                        b.unit
                    ),
                ),
                None => (
                    index,
                    format!(
                        "把这一行的单位改回材料 {file} 中的单位名称；单位、年度、编号、材料文件四列由 jixiao review 填好，请勿改动"
                    ),
                ),
            };
            problems.push((
                to,
                Problem::plain(
                    Code::ReviewBadValue,
                    format!(
                        "{name} {REVIEW_SHEET}!{}{}：这一行的单位写的是“{}”，材料文件却是 {file}（单位“{}”的其他行是 {usual}）：单位名称被改过",
                        column_letters(header.col(0) + 1),
                        row + 1,
                        block.unit,
                        block.unit
                    ),
                )
                .with_help(help),
            ));
        }
    }
    // From the last, so that the places of those before stay.
    set_aside.sort_unstable();
    for (index, j) in set_aside.into_iter().rev() {
        if let Some(block) = reviews.units.get_mut(index) {
            if j < block.judgments.len() {
                block.judgments.remove(j);
            }
        }
    }
    // The unit the row names is not scored until the cell is mended.
    for (index, problem) in problems {
        if let Some(block) = reviews.units.get_mut(index) {
            block.problems.push(problem);
        }
    }
}

/// The 单位 sheet: received dates the bureau's registry wrote.
fn read_received(name: &str, sheet: &Grid<'_>, reviews: &mut Reviews, problems: &mut Vec<Problem>) {
    let Some(header) = sheet.find_header(&UNIT_COLUMNS) else {
        return;
    };
    // The fingerprints' column, when the worksheet has one (a worksheet of
    // an earlier version has none: nothing is compared).
    let fingerprints =
        (0..sheet.width()).find(|c| sheet.text(header.row, *c) == FINGERPRINT_COLUMN);
    for row in header.row + 1..sheet.rows {
        let unit = sheet.text(row, header.col(0));
        if let (Some(col), false) = (fingerprints, unit.is_empty()) {
            let digest = sheet.text(row, col);
            if let (Some(year), false) =
                (year_of(sheet.cell(row, header.col(1))), digest.is_empty())
            {
                reviews.fingerprints.push(Fingerprint {
                    unit: unit.clone(),
                    year,
                    digest,
                    at: format!("{name} {UNIT_SHEET}!{}{}", column_letters(col + 1), row + 1),
                    file: sheet.text(row, header.col(2)),
                });
            }
        }
        let cell = sheet.cell(row, header.col(3));
        let at = format!(
            "{name} {UNIT_SHEET}!{}{}",
            column_letters(header.col(3) + 1),
            row + 1
        );
        if !unit.is_empty() && is_empty(cell) {
            if let Some(year) = year_of(sheet.cell(row, header.col(1))) {
                reviews.blank_dates.push((unit, year, at));
            }
            continue;
        }
        if unit.is_empty() {
            continue;
        }
        let year = year_of(sheet.cell(row, header.col(1)));
        let date = date_of(cell);
        if year.is_none() {
            // Said at the year's own cell: the date beside it may be right.
            let year_cell = sheet.cell(row, header.col(1));
            problems.push(
                Problem::plain(
                    Code::ReviewBadValue,
                    format!(
                        "{name} {UNIT_SHEET}!{}{}（单位“{unit}”）：年度“{}”不是年份",
                        column_letters(header.col(1) + 1),
                        row + 1,
                        shown(year_cell)
                    ),
                )
                .with_help("年度只写四位数字，如 2022：单位、年度、材料文件三列由 jixiao review 填好，请改回原样"),
            );
            continue;
        }
        let said = match (year, date) {
            // A year of two digits (`23.6.14`) would be year 23, and make
            // a late package timely.
            (_, Some(d)) if !(2000..=2099).contains(&d.parts().0) => {
                format!("送达日期“{}”的年份是 {}", shown(cell), d.parts().0)
            }
            (Some(year), Some(date)) => {
                let file = sheet.text(row, header.col(2));
                reviews.received.push(Received {
                    unit,
                    year,
                    date,
                    at,
                    file: (!file.is_empty()).then_some(file),
                });
                continue;
            }
            _ => format!("送达日期“{}”不是有效日期", shown(cell)),
        };
        let problem = Problem::plain(Code::ReviewBadValue, format!("{at}（单位“{unit}”）：{said}"))
        .with_help("写成 2023-06-14（年-月-日，年份写四位），或把单元格设为 Excel 的日期格式（显示为五位数时，是日期序号失去了日期格式）");
        // A unit's date that cannot be read stops that unit (when its date
        // is asked for), not the others.
        match year {
            Some(year) => reviews.unread_dates.push((unit, year, problem)),
            None => problems.push(problem),
        }
    }
}

/// A sheet's cells by absolute position.
struct Grid<'r> {
    range: &'r Range<Data>,
    rows: u32,
}

/// The header row and the column of each name.
struct Header {
    row: u32,
    columns: Vec<u32>,
}

impl Header {
    /// The column of the `i`th name looked for. `i` is always one of the
    /// code's own indices into the names given to `find_header`; past
    /// them it names a column no sheet has, whose cells read empty.
    fn col(&self, i: usize) -> u32 {
        self.columns.get(i).copied().unwrap_or(u32::MAX)
    }
}

impl<'r> Grid<'r> {
    fn new(range: &'r Range<Data>) -> Self {
        Grid {
            range,
            rows: range.end().map_or(0, |(r, _)| r + 1),
        }
    }

    fn cell(&self, row: u32, col: u32) -> &Data {
        self.range.get_value((row, col)).unwrap_or(&Data::Empty)
    }

    /// A cell's text. An Excel error value (`#REF!`, `#N/A`) is no text: a
    /// name, a tier or a note that shows one was lost to a formula, and is
    /// read as left empty (a note below full marks is then asked for).
    fn text(&self, row: u32, col: u32) -> String {
        match self.cell(row, col) {
            Data::Error(_) => String::new(),
            cell => shown(cell).trim().to_string(),
        }
    }

    fn width(&self) -> u32 {
        self.range.end().map_or(0, |(_, c)| c + 1)
    }

    /// The first row holding every name, and where each is.
    fn find_header(&self, names: &[&str]) -> Option<Header> {
        (0..self.rows.min(50)).find_map(|row| {
            let columns: Option<Vec<u32>> = names
                .iter()
                .map(|n| (0..self.width()).find(|c| self.text(row, *c) == *n))
                .collect();
            columns.map(|columns| Header { row, columns })
        })
    }

    /// The row most of `names` head (at least half), and what is wrong
    /// with it: `（第 4 行）缺少“得分”：评审!H4 写的是“分数”`.
    fn damaged_header(&self, names: &[&str]) -> Option<String> {
        let found = |row: u32| {
            names
                .iter()
                .filter(|n| (0..self.width()).any(|c| self.text(row, c) == **n))
                .count()
        };
        let row = (0..self.rows.min(50)).max_by_key(|r| (found(*r), std::cmp::Reverse(*r)))?;
        if found(row) * 2 < names.len() {
            return None;
        }
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !(0..self.width()).any(|c| self.text(row, c) == *n))
            .collect();
        // Cells of the row that hold no column name: where a name was
        // overwritten, when there is one such cell for one missing name.
        let strangers: Vec<u32> = (0..self.width())
            .filter(|c| {
                let t = self.text(row, *c);
                !t.is_empty() && !REVIEW_COLUMNS.contains(&t.as_str())
            })
            .collect();
        let quoted: String = missing.iter().map(|m| format!("“{m}”")).collect();
        let mut words = format!("（第 {} 行）缺少{quoted}", row + 1);
        if let ([_], [c]) = (missing.as_slice(), strangers.as_slice()) {
            let _ = write!(
                words,
                "：{REVIEW_SHEET}!{}{} 写的是“{}”",
                column_letters(c + 1),
                row + 1,
                self.text(row, *c)
            );
        }
        Some(words)
    }

    /// Where the label cell is, above `before`.
    fn label(&self, label: &str, before: u32) -> Option<(u32, u32)> {
        (0..before).find_map(|row| {
            (0..self.width())
                .find(|c| self.text(row, *c) == label)
                .map(|c| (row, c))
        })
    }

    /// What follows a label typed into its own cell with a colon
    /// (`评审人：张三`), above `before`.
    fn after_label(&self, label: &str, before: u32) -> Option<String> {
        (0..before).find_map(|row| {
            (0..self.width()).find_map(|c| {
                let text = self.text(row, c);
                let rest = without_label(&text, label);
                (text.trim().starts_with(label) && !rest.is_empty()).then(|| rest.to_string())
            })
        })
    }

    /// The cell just right of a label above `before`: its text and cell.
    /// The value written right of a label: the next cell, or, when it is
    /// empty, the one after (a column inserted in Excel moves the values,
    /// not a label merged over several cells), unless that is a label.
    fn right_of(&self, label: &str, before: u32) -> Option<(String, &Data)> {
        let (row, col) = self.label(label, before)?;
        let next = (self.text(row, col + 1), self.cell(row, col + 1));
        if !is_empty(next.1) {
            return Some(next);
        }
        let after = self.text(row, col + 2);
        let is_label = [REVIEWER_LABEL, DATE_LABEL, RULES_LABEL]
            .iter()
            .any(|l| after.trim().starts_with(l));
        match is_label || after.trim().is_empty() {
            true => Some(next),
            false => Some((after, self.cell(row, col + 2))),
        }
    }
}

/// A cell's text without a copy of its label in front (`评审人：张三`).
fn without_label<'t>(text: &'t str, label: &str) -> &'t str {
    let t = text.trim();
    t.strip_prefix(label).map_or(t, |rest| {
        rest.trim_start_matches([':', '：', ' ', '\u{3000}'])
    })
}

fn is_empty(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell as the spreadsheet shows it; numbers in their shortest decimal
/// form (Rust prints the shortest text that reads back as the same float).
fn shown(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => excel_number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => {
            let days = d.as_f64().floor();
            // Excel's day 0 is 1899-12-30 from day 61 (1900-03-01) on; the
            // days before count its 1900-02-29, which never was. No date a
            // package arrived on is so early: those are shown as numbers,
            // and are no date.
            if (61.0..3_000_000.0).contains(&days) {
                Date::from_days(days as i64 - 25_569)
                    .map_or_else(|| format!("{d}"), |d| d.to_string())
            } else {
                format!("{d}")
            }
        }
        // As the spreadsheet shows it (`#DIV/0!`), not the reader's name.
        Data::Error(e) => {
            use calamine::CellErrorType as E;
            match e {
                E::Div0 => "#DIV/0!",
                E::NA => "#N/A",
                E::Name => "#NAME?",
                E::Null => "#NULL!",
                E::Num => "#NUM!",
                E::Ref => "#REF!",
                E::Value => "#VALUE!",
                E::GettingData => "#GETTING_DATA",
            }
            .to_string()
        }
    }
}

/// A number as Excel shows it: at most 15 significant digits, no trailing
/// zeros. A float kept by a spreadsheet (`4.2899999999999991` for a formula
/// `=4.3-0.01`) is the decimal the reviewer saw (`4.29`); what is read is
/// that decimal, exactly, never the float.
fn excel_number(f: f64) -> String {
    let scientific = format!("{f:.14e}");
    match Decimal::from_scientific(&scientific) {
        // A number too small for a decimal is not rounded to 0 in silence
        // (a score of 0 would be taken): it is shown as it is, and refused.
        Ok(d) if d.is_zero() && f != 0.0 => format!("{f:e}"),
        Ok(d) => d.normalize().to_string(),
        Err(_) => format!("{f:e}"),
    }
}

/// `１８．５` → `18.5`: full-width digits and points as a Chinese input
/// method types them.
fn half_width(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' => '.',
            '－' => '-',
            _ => c,
        })
        .collect()
}

/// The score of a cell: none when empty, else the exact decimal of its
/// shown form; `Err` with the text when it is not a number.
fn score_of(cell: &Data) -> Result<Option<Decimal>, String> {
    if is_empty(cell) {
        return Ok(None);
    }
    let text = half_width(&shown(cell));
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    match Decimal::from_str(&text) {
        Ok(d) if plain => Ok(Some(d)),
        _ => Err(shown(cell)),
    }
}

fn year_of(cell: &Data) -> Option<i64> {
    let text = half_width(&shown(cell));
    // “2022年” is the year 2022.
    let text = text.trim().trim_end_matches('年').trim_end();
    text.parse::<i64>()
        .ok()
        .filter(|y| (1900..=9999).contains(y))
}

/// A date cell (an Excel date) or a date typed as text: `2023-07-10`,
/// `2023/7/10`, `2023.7.10`, `2023年7月10日`.
fn date_of(cell: &Data) -> Option<Date> {
    let text = half_width(&shown(cell));
    // A cell of Excel's date type written by another program keeps the
    // time of day: `2023-06-14T00:00:00`.
    let text = match text.split_once('T') {
        Some((date, time))
            if time
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':' || c == '.') =>
        {
            date.to_string()
        }
        _ => text,
    };
    let parts: Vec<&str> = text
        .split(['-', '/', '.', '年', '月', '日', '号'])
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [y, m, d] => Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        _ => None,
    }
}

/// `0` → `A`, `26` → `AA`, counting from 1.
pub fn column_letters(mut n: u32) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_by_their_shown_form() {
        let d = |s: &str| Decimal::from_str(s).ok();
        assert_eq!(score_of(&Data::Float(17.17)), Ok(d("17.17")));
        assert_eq!(score_of(&Data::Float(4.5)), Ok(d("4.5")));
        assert_eq!(score_of(&Data::Float(18.0)), Ok(d("18")));
        assert_eq!(score_of(&Data::Int(18)), Ok(d("18")));
        assert_eq!(score_of(&Data::String("１８".into())), Ok(d("18")));
        assert_eq!(score_of(&Data::String(" 17.5 ".into())), Ok(d("17.5")));
        assert_eq!(score_of(&Data::String("18分".into())), Err("18分".into()));
        assert_eq!(score_of(&Data::String("1e3".into())), Err("1e3".into()));
        assert_eq!(score_of(&Data::Empty), Ok(None));
        assert_eq!(score_of(&Data::Float(4.333)), Ok(d("4.333")));
        // Floats as a spreadsheet keeps a formula's result: Excel's 15 digits.
        assert_eq!(score_of(&Data::Float(4.3 - 0.01)), Ok(d("4.29")));
        assert_eq!(score_of(&Data::Float(17.3 + 1e-15)), Ok(d("17.3")));
        assert_eq!(score_of(&Data::Float(0.1 + 0.2)), Ok(d("0.3")));
        // Too small for a decimal: refused, not read as 0.
        assert_eq!(score_of(&Data::Float(1e-100)), Err("1e-100".into()));
        assert_eq!(score_of(&Data::Float(-1e-300)), Err("-1e-300".into()));
        assert_eq!(score_of(&Data::Float(0.0)), Ok(d("0")));
    }

    #[test]
    fn dates_in_the_forms_people_type() {
        let d = |s: &str| date_of(&Data::String(s.into())).map(|d| d.to_string());
        assert_eq!(d("2023-07-10").as_deref(), Some("2023-07-10"));
        assert_eq!(d("2023/7/10").as_deref(), Some("2023-07-10"));
        assert_eq!(d("2023年7月10日").as_deref(), Some("2023-07-10"));
        assert_eq!(d("2023-02-30"), None);
        assert_eq!(d("2023-06-14T00:00:00").as_deref(), Some("2023-06-14"));
        assert_eq!(d("2023-06-14Tx"), None);
        assert_eq!(d("七月十日"), None);
        // Date cells by their serial number: 45117 is 2023-07-10; 60 is
        // Excel's 1900-02-29, which never was.
        let serial = |n: f64| {
            date_of(&Data::DateTime(calamine::ExcelDateTime::new(
                n,
                calamine::ExcelDateTimeType::DateTime,
                false,
            )))
            .map(|d| d.to_string())
        };
        assert_eq!(serial(45117.0).as_deref(), Some("2023-07-10"));
        assert_eq!(serial(61.0).as_deref(), Some("1900-03-01"));
        assert_eq!(serial(60.0), None);
    }

    #[test]
    fn column_names() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(8), "H");
        assert_eq!(column_letters(27), "AA");
    }
}
