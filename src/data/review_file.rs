//! Review files (`.toml`): one reviewer's judgments of several units, kept
//! apart from the units' packages (reviews.md). The same judgments as a
//! submission's `[review]` table, read by the same code, with the unit and
//! year of each block.
//!
//! ```toml
//! format = 1
//! kind = "review"
//! reviewer = "张三"
//! reviewed_on = 2023-07-10
//!
//! [[units]]
//! unit = "岳阳市岳阳楼区人民政府金融工作办公室"
//! year = 2022
//! problems = { tier = "较全面", score = 18, note = "……" }
//! ```

use super::document::{Node, Table};
use super::load::{LoadError, Loader, parse_toml, span_of, toml_type};
use super::person::person;
use super::schema::Schema;
use super::{Date, Judgment, Origin};
use crate::diag::Code;
use crate::source::{SourceFile, Span, did_you_mean};

/// A review date in no year a review of the units' year can fall in (the
/// year after it, or the one after that): `2033-07-10` typed for
/// `2023-07-10`, or last year's date left in a copied sheet. What is
/// wrong, in words; nothing when the date is plausible.
pub(crate) fn review_year(on: Date, unit_years: impl Iterator<Item = i64>) -> Option<String> {
    let mut years: Vec<i64> = unit_years.collect();
    years.sort_unstable();
    years.dedup();
    let year = i64::from(on.parts().0);
    // Plausible for one of the units' years is enough: a year typed over
    // in one row is said at that row, not taken for the date's error.
    if years.is_empty() || years.iter().any(|y| year > *y && year <= y + 2) {
        return None;
    }
    let first = years.first().copied().unwrap_or_default();
    let last = years.last().copied().unwrap_or_default();
    let span = if first == last {
        format!("{first} 年度")
    } else {
        format!("{first}–{last} 年度")
    };
    Some(format!(
        "{on} 不在评审 {span}材料的时间之内（应在 {} 年至 {} 年）",
        first + 1,
        last + 2
    ))
}

/// One reviewer's judgments, from a review file or a worksheet.
#[derive(Clone, Debug)]
pub struct Reviews {
    /// The file, as named to the user.
    pub file: String,
    /// `reviewer`
    pub reviewer: String,
    /// `reviewed_on`
    pub reviewed_on: Option<Date>,
    /// One block per unit, in file order.
    pub units: Vec<ReviewedUnit>,
    /// Received dates the bureau's registry wrote (a worksheet's 单位 sheet).
    pub received: Vec<Received>,
    /// The fingerprint of each package the worksheet was made from (its
    /// 单位 sheet; nothing for a review file).
    pub fingerprints: Vec<Fingerprint>,
    /// Received dates that could not be read, by unit and year: the unit
    /// whose date it is cannot be scored from it, the others can.
    pub unread_dates: Vec<(String, i64, crate::diag::Problem)>,
    /// Units whose 送达日期 cell is empty, by unit and year, with the cell
    /// (`评审表.xlsx 单位!D5`): where to write the date a Word package lacks.
    pub blank_dates: Vec<(String, i64, String)>,
    /// Rows of a worksheet the reviewer left without a score, tier or
    /// note (`评审!H7`): those criteria wait for another reviewer.
    pub unjudged: Vec<String>,
    /// The criteria of every row of a worksheet, judged or not, by unit
    /// and year (nothing for a review file): a row deleted from the sheet
    /// is one a unit the sheet covers needs and does not have.
    pub rows: std::collections::HashMap<(String, i64), Vec<String>>,
}

/// The judgments of one unit.
#[derive(Clone, Debug)]
pub struct ReviewedUnit {
    /// `unit`: the package's `unit.name`.
    pub unit: String,
    /// `year`
    pub year: i64,
    /// Where the block is, in words (`评审表.xlsx 评审!A12`, `x.toml:7:1`).
    pub at: String,
    /// Where its year is, when that is another cell (`评审表.xlsx
    /// 评审!B12`): a year typed over is said there.
    pub year_at: Option<String>,
    /// Its judgments, each with its reviewer and origin.
    pub judgments: Vec<Judgment>,
    /// Rows that could not be read: the unit cannot be scored with them.
    pub problems: Vec<crate::diag::Problem>,
    /// The package's file name its worksheet rows give (材料文件), to tell
    /// which unit a row whose name was typed over belongs to.
    pub file: Option<String>,
}

/// A received date (送达日期) written for a unit.
#[derive(Clone, Debug)]
pub struct Received {
    /// The unit's name.
    pub unit: String,
    /// The year.
    pub year: i64,
    /// The date.
    pub date: Date,
    /// Where it is written (`评审表.xlsx 单位!D3`).
    pub at: String,
    /// The package's file name the row gives (材料文件), if any.
    pub file: Option<String>,
}

/// The fingerprint of a package as a worksheet was made from it
/// (`worksheet::package_fingerprint`).
#[derive(Clone, Debug)]
pub struct Fingerprint {
    /// The unit's name.
    pub unit: String,
    /// The year.
    pub year: i64,
    /// 16 hexadecimal digits.
    pub digest: String,
    /// Where it is written (`评审表.xlsx 单位!E3`).
    pub at: String,
    /// The package's file name the row gives (材料文件).
    pub file: String,
}

const TOP_KEYS: [&str; 5] = ["format", "kind", "reviewer", "reviewed_on", "units"];

/// Load a review file; every problem at once, with line and column.
pub fn load_review_file(source: &SourceFile) -> Result<Reviews, LoadError> {
    let doc = parse_toml(source)?;
    let schema = Schema::default();
    let mut loader = Loader {
        source,
        schema: &schema,
        places: Vec::new(),
        problems: Vec::new(),
    };
    let root = doc.get_ref();
    let root_span = span_of(&doc);
    let mut reviewed_on_span = None;
    let mut reviews = Reviews {
        unjudged: Vec::new(),
        rows: std::collections::HashMap::new(),
        file: source.name.clone(),
        reviewer: String::new(),
        reviewed_on: None,
        units: Vec::new(),
        received: Vec::new(),
        unread_dates: Vec::new(),
        blank_dates: Vec::new(),
        fingerprints: Vec::new(),
    };
    let mut entries: Vec<_> = root.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    // A unit's package given as a review file (`--reviews 材料/`): said
    // once, not as every one of its keys unknown.
    let package_key = entries
        .iter()
        .find(|(k, _)| matches!(k.get_ref().as_ref(), "unit" | "basic_data" | "overall"));
    let reviewish = entries
        .iter()
        .any(|(k, _)| matches!(k.get_ref().as_ref(), "kind" | "units" | "reviewer"));
    if let (Some((key, _)), false) = (package_key, reviewish) {
        loader.problem(
            Code::ReviewUnknownKey,
            format!("{} 是单位报送的材料，不是评审意见文件", source.name),
            Span::new(0, key.span()),
            "单位的材料",
            Some(
                "--reviews 后面写评审表（.xlsx）或评审意见文件（以 kind = \"review\" 开头）；单位的材料写在命令的最后"
                    .to_string(),
            ),
        );
        return Err(loader.problems);
    }
    for (key, value) in &entries {
        let key_text: &str = key.get_ref();
        if !TOP_KEYS.contains(&key_text) {
            let help = did_you_mean(key_text, TOP_KEYS)
                .or_else(|| Some(format!("评审文件的键：{}", TOP_KEYS.join("、"))));
            loader.problem(
                Code::ReviewUnknownKey,
                format!("评审文件中没有键 `{key_text}`"),
                Span::new(0, key.span()),
                "未知的键",
                help,
            );
            continue;
        }
        let span = span_of(value);
        match (key_text, value.get_ref()) {
            ("format", Node::Integer(i)) if i.as_str() == "1" => {}
            ("kind", Node::String(s)) if s.as_ref() == "review" => {}
            ("reviewer", Node::String(s)) if !person(s).is_empty() => {
                reviews.reviewer = person(s);
            }
            ("reviewed_on", Node::Datetime(d)) => {
                match d.date.filter(|_| d.time.is_none() && d.offset.is_none()) {
                    Some(date) => {
                        reviews.reviewed_on = Date::new(i32::from(date.year), date.month, date.day);
                        reviewed_on_span = Some(span);
                    }
                    None => loader.problem(
                        Code::ReviewBadValue,
                        "`reviewed_on` 应为日期，不带时间".into(),
                        span,
                        "日期",
                        Some("写成 reviewed_on = 2023-07-10".into()),
                    ),
                }
            }
            ("units", Node::Array(rows)) => {
                for row in rows.iter() {
                    match row.get_ref().as_table() {
                        Some(t) => {
                            let unit = unit_block(&mut loader, t, span_of(row));
                            if let Some(u) = unit {
                                reviews.units.push(u);
                            }
                        }
                        None => loader.problem(
                            Code::ReviewBadValue,
                            "`units` 的每一项应为表".into(),
                            span_of(row),
                            "应为 [[units]]",
                            None,
                        ),
                    }
                }
            }
            ("reviewer", Node::String(_)) => loader.problem(
                Code::ReviewBadValue,
                "`reviewer` 不能为空".into(),
                span,
                "评审人姓名",
                Some("写上评审人的姓名：reviewer = \"张三\"".into()),
            ),
            (key @ ("format" | "kind"), Node::Integer(_) | Node::String(_)) => {
                let want = if key == "format" {
                    "format = 1"
                } else {
                    "kind = \"review\""
                };
                loader.problem(
                    Code::ReviewBadValue,
                    format!("`{key}` 不对：评审文件应写 {want}"),
                    span,
                    "这里",
                    Some(format!("写成 {want}")),
                );
            }
            (key, found) => {
                let want = match key {
                    "format" => "format = 1",
                    "kind" => "kind = \"review\"",
                    "reviewer" => "reviewer = \"评审人姓名\"（不能为空）",
                    "reviewed_on" => "reviewed_on = 2023-07-10",
                    _ => "[[units]] 表",
                };
                loader.problem(
                    Code::ReviewBadValue,
                    format!("`{key}` 不对（实际是{}）", toml_type(found)),
                    span,
                    "这里",
                    Some(format!("应写成 {want}")),
                );
            }
        }
    }
    for (key, want) in [
        ("format", "format = 1"),
        ("kind", "kind = \"review\""),
        ("reviewer", "reviewer = \"评审人姓名\""),
    ] {
        if root.get(key).is_none() {
            loader.problem(
                Code::ReviewMissingKey,
                format!("评审文件缺少 `{key}`"),
                Span::new(0, root_span.start as usize..root_span.start as usize),
                "文件开头",
                Some(format!("在文件开头写上 {want}")),
            );
        }
    }
    if let (Some(on), Some(span)) = (reviews.reviewed_on, reviewed_on_span) {
        if let Some(said) = review_year(on, reviews.units.iter().map(|u| u.year)) {
            loader.problem(
                Code::ReviewBadValue,
                format!("评审日期 {said}"),
                span,
                "评审日期",
                Some("写评审人实际评审的日期，如 reviewed_on = 2023-07-10".into()),
            );
        }
    }
    let problems = loader.problems;
    for j in reviews
        .units
        .iter_mut()
        .flat_map(|u| u.judgments.iter_mut())
    {
        j.reviewer = Some(reviews.reviewer.clone());
        j.reviewed_on = reviews.reviewed_on;
    }
    if problems.is_empty() {
        Ok(reviews)
    } else {
        Err(problems)
    }
}

/// One `[[units]]` block: `unit`, `year`, and one inline table per criterion.
fn unit_block(loader: &mut Loader<'_>, table: &Table<'_>, span: Span) -> Option<ReviewedUnit> {
    let mut unit = None;
    let mut year = None;
    let mut judgments = Vec::new();
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (key, value) in entries {
        let key_text: &str = key.get_ref();
        let key_span = Span::new(0, key.span());
        match (key_text, value.get_ref()) {
            ("unit", Node::String(s)) => unit = Some(s.trim().to_string()),
            ("year", Node::Integer(i)) => year = i.as_str().parse::<i64>().ok(),
            ("unit" | "year", found) => loader.problem(
                Code::ReviewBadValue,
                format!("`{key_text}` 不对（实际是{}）", toml_type(found)),
                span_of(value),
                "这里",
                Some(
                    "unit 为单位名称（文字，与材料中的 unit.name 相同），year 为评价年度（整数）"
                        .into(),
                ),
            ),
            (id, Node::Table(t)) => {
                let mut j = loader.judgment(id, id, key_span, t);
                j.origin = Origin::File(loader.source.clone());
                judgments.push(j);
            }
            (id, found) => loader.problem(
                Code::ReviewBadValue,
                format!("评分项 `{id}` 应为表（实际是{}）", toml_type(found)),
                span_of(value),
                "应为 { tier = …, score = …, note = … }",
                Some(format!(
                    "写成 {id} = {{ score = 分数, note = \"评审意见\" }}"
                )),
            ),
        }
    }
    let (line, column) = loader.source.line_col(span.start);
    match (unit, year) {
        (Some(unit), Some(year)) => Some(ReviewedUnit {
            unit,
            year,
            at: format!("{}:{line}:{column}", loader.source.name),
            year_at: None,
            judgments,
            problems: Vec::new(),
            file: None,
        }),
        (unit, year) => {
            let missing = match (unit, year) {
                (None, None) => "unit 和 year",
                (None, _) => "unit",
                _ => "year",
            };
            loader.problem(
                Code::ReviewMissingKey,
                format!("这一单位的评审缺少 {missing}"),
                Span::new(0, span.start as usize..span.start as usize + 1),
                "这一项",
                Some("每个 [[units]] 写明 unit = \"单位名称\" 和 year = 2022".into()),
            );
            None
        }
    }
}

/// Does a reviewer's note hold words at all (not empty, not only marks
/// such as `/` or `—`)? Whether the words give a reason is the rules'
/// reading (`eval`).
pub fn has_words(note: &str) -> bool {
    note.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::person;

    #[test]
    fn a_reviewers_name_as_people_type_it() {
        assert_eq!(person(" 张 三 "), "张三");
        assert_eq!(person("李四(财政局)"), "李四（财政局）");
        assert_eq!(person("李四（财政局）"), "李四（财政局）");
        assert_eq!(person("Zhang  San"), "Zhang San");
        // Two names a space or a line apart: both kept, for the caller to
        // refuse as two reviewers.
        assert_eq!(person("张三 李四"), "张三、李四");
        assert_eq!(person("张三\n李四"), "张三、李四");
        assert_eq!(person("欧阳 修"), "欧阳修");
        assert_eq!(person("李四 (财政局)"), "李四（财政局）");
        assert_eq!(person("李四 （财政局）"), "李四（财政局）");
        // A placeholder or marks only: no name.
        for none in ["（签名）", "签名", "/", "——", " ", "无"] {
            assert_eq!(person(none), "", "{none:?}");
        }
    }
}
