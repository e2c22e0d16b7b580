//! The bureau's Word templates of one year, as data: `rules/<year>/templates.toml`
//! (built into the binary, or read from a `--rules` folder). What a title,
//! a header cell or a row is called lives there; this module only reads it.

use crate::diag::Code;
use crate::diag::Problem;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::Path;
use std::str::FromStr;

include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));

/// The file name in a rules folder.
pub const FILE_NAME: &str = "templates.toml";

/// One or several names for the same thing.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(from = "OneOrMany")]
pub struct Names(pub Vec<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl From<OneOrMany> for Names {
    fn from(v: OneOrMany) -> Names {
        match v {
            OneOrMany::One(s) => Names(vec![s]),
            OneOrMany::Many(v) => Names(v),
        }
    }
}

impl Names {
    /// The first name, as the template writes it.
    pub fn first(&self) -> &str {
        self.0.first().map_or("", String::as_str)
    }
}

/// A year's templates.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// `1`.
    pub format: u32,
    /// The evaluated year the templates are for.
    pub year: i64,
    /// "附件".
    pub marker: String,
    /// Prefixes dropped from labels ("其中").
    pub label_prefixes: Vec<String>,
    /// Placeholder rows.
    pub placeholders: Vec<String>,
    /// What a number's cell holds when left empty on purpose ("—", "/",
    /// "无"): read as blank, with nothing to say.
    pub blank_marks: Names,
    /// Paragraphs between two parts of a split table ("续表", "（续）").
    pub continued: Names,
    /// Lines under a table.
    pub footer: Footer,
    /// The report's list of attachments, in order.
    pub attachments: Vec<AttachmentTemplate>,
    /// 附件1.
    pub basic_data: BasicTemplate,
    /// Shared by 附件2 and 附件4.
    pub evaluation: EvaluationTemplate,
    /// 附件2.
    pub overall: OverallTemplate,
    /// 附件4.
    pub project: ProjectTemplate,
    /// 附件3.
    pub report: ReportTemplate,
    /// How amounts' units are declared, and the units.
    pub amount_units: AmountUnits,
    /// Tables that are not the unit's data.
    #[serde(default)]
    pub skip: Vec<SkipTemplate>,
}

/// How a table or a label says in what unit its amounts are written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountUnits {
    /// Words a declaration starts with, before its colon ("单位", "金额单位").
    pub declarations: Vec<String>,
    /// The units a declaration or a label may name.
    pub units: Vec<AmountUnit>,
}

/// One unit of amounts.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountUnit {
    /// Its names ("元", or ["亿元", "亿"]).
    pub name: Names,
    /// How many 万元 one of it is, exactly.
    pub factor: Factor,
}

/// An exact factor, written as a string in the file ("0.0001"): a TOML
/// float would already have lost the exactness the amounts need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Factor(pub Decimal);

impl<'de> Deserialize<'de> for Factor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Factor, D::Error> {
        let text = String::deserialize(d)?;
        match Decimal::from_str(text.trim()) {
            Ok(v) if v > Decimal::ZERO => Ok(Factor(v)),
            _ => Err(serde::de::Error::custom(format!(
                "factor 应是写成字符串的正数（如 \"0.0001\"），而不是“{text}”"
            ))),
        }
    }
}

/// Lines under a table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    /// 填表人.
    pub filled_by: Names,
    /// 填报日期.
    pub filled_on: Names,
}

/// Which form an attachment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// 基础数据表.
    BasicData,
    /// 整体支出绩效自评表.
    Overall,
    /// 项目支出绩效自评表.
    Project,
}

/// One entry of the report's list of attachments.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentTemplate {
    /// As `[[attachments]]` writes it.
    pub title: String,
    /// Its table's description, if it has data in the format.
    pub form: Option<FormKind>,
}

/// 附件1.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicTemplate {
    /// The title ends with this.
    pub title: Names,
    /// Cells that identify the table.
    pub identify: Vec<String>,
    /// The label left of the unit's name.
    pub unit_name: Names,
    /// 财政供养人员情况.
    pub staffing: StaffingTemplate,
    /// 经费控制情况.
    pub expenses: ExpensesTemplate,
    /// Parts the format has no place for.
    pub not_imported: NotImported,
}

/// 财政供养人员情况.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffingTemplate {
    /// The block's label.
    pub label: Names,
    /// 编制数.
    pub authorized: Names,
    /// 实际在职人数.
    pub actual: Names,
    /// 控制率.
    pub control_rate: Names,
}

/// 经费控制情况.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpensesTemplate {
    /// The header row's label.
    pub label: Names,
    /// 上年决算数.
    pub prior_final: Names,
    /// 本年预算数.
    pub budget: Names,
    /// 本年决算数.
    #[serde(rename = "final")]
    pub final_: Names,
    /// Groups that take the unit's own lines.
    pub open_groups: Vec<String>,
    /// The template's lines, in order.
    pub rows: Vec<ExpenseRow>,
}

/// A line of 经费控制情况.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpenseRow {
    /// Its item.
    pub item: String,
    /// Its parent line's item.
    pub group: Option<String>,
    /// Other names it goes by.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Labels from which on the table has nothing the format keeps.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotImported {
    /// Row labels.
    pub labels: Vec<String>,
}

/// Shared by 附件2 and 附件4.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationTemplate {
    /// 年度资金总额.
    pub funds_row: Names,
    /// Funds columns.
    pub funds: FundsColumns,
    /// Goals headers.
    pub goals: GoalsHeaders,
    /// Indicator columns.
    pub indicators: IndicatorColumns,
}

/// Funds columns.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundsColumns {
    /// 年初预算数.
    pub initial_budget: Names,
    /// 全年预算数.
    pub full_year_budget: Names,
    /// 全年执行数.
    pub executed: Names,
    /// 分值.
    pub weight: Names,
    /// 执行率.
    pub rate: Names,
    /// 得分.
    pub score: Names,
}

/// 年度总体目标.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalsHeaders {
    /// 预期目标.
    pub expected: Names,
    /// 实际完成情况.
    pub actual: Names,
}

/// Indicator columns.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorColumns {
    /// 一级指标.
    pub level1: Names,
    /// 二级指标.
    pub level2: Names,
    /// 三级指标.
    pub name: Names,
    /// 年度指标值.
    pub target: Names,
    /// 实际完成值.
    pub actual: Names,
    /// 分值.
    pub weight: Names,
    /// 得分.
    pub score: Names,
    /// 偏差原因分析及改进措施.
    pub deviation: Names,
    /// 总分.
    pub total_row: Names,
    /// A subtotal among the indicators (“小计”, “产出指标小计”: a label
    /// ending so), passed over.
    pub subtotal_row: Names,
    /// Words before a 一级指标's points ("产出指标（权重50%）"), dropped.
    pub weight_words: Names,
}

/// 附件2.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverallTemplate {
    /// The title ends with this.
    pub title: Names,
    /// Cells that identify the table.
    pub identify: Vec<String>,
    /// The label left of the unit's name.
    pub unit_name: Names,
    /// Totals the format does not keep.
    pub subtotals: Vec<String>,
    /// 按收入性质分.
    pub by_source: BySource,
    /// 按支出性质分.
    pub by_use: ByUse,
}

/// 按收入性质分.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BySource {
    /// 一般公共预算.
    pub general_public: Names,
    /// 政府性基金拨款.
    pub government_fund: Names,
    /// 纳入专户管理的非税收入拨款.
    pub special_account: Names,
    /// 其他资金.
    pub other: Names,
}

/// 按支出性质分.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByUse {
    /// 基本支出.
    pub basic: Names,
    /// 项目支出.
    pub project: Names,
}

/// 附件4.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectTemplate {
    /// The title ends with this.
    pub title: Names,
    /// Cells that identify the table.
    pub identify: Vec<String>,
    /// 项目支出名称.
    pub name: Names,
    /// 主管部门.
    pub department: Names,
    /// 实施单位.
    pub implementer: Names,
    /// 其中 rows.
    pub breakdown: Breakdown,
}

/// The project table's 其中 rows.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breakdown {
    /// 当年财政拨款.
    pub current_year: Names,
    /// 上年结转资金.
    pub carried_over: Names,
    /// 其他资金.
    pub other: Names,
}

/// 附件3.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportTemplate {
    /// The title ends with this.
    pub title: Names,
    /// What introduces the list of attachments.
    pub attachment_list: Vec<String>,
    /// A short line ending so leads the list too ("附件：", "附：").
    pub attachment_lead: Names,
    /// The sections' headings without their numbers, in order.
    pub headings: Vec<String>,
}

/// A table that is not the unit's data.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkipTemplate {
    /// Its title ends with this.
    pub title: Names,
    /// Cells that identify it.
    pub identify: Vec<String>,
    /// What the importer says when it skips it.
    pub note: String,
}

impl Templates {
    /// Parse a `templates.toml`.
    pub fn parse(name: &str, text: &str) -> Result<Templates, Box<Problem>> {
        let t: Templates = toml::from_str(text).map_err(|e| {
            // In words, at its line and column, as a submission's TOML is.
            let (what, help) = crate::data::explain_toml_error(e.message());
            let file = crate::source::SourceFile::new(name, text);
            let told = e
                .span()
                .and_then(|s| crate::data::told_syntax(text, s.start, e.message()));
            match (told, e.span()) {
                (Some(t), _) => Problem::error(
                    Code::RulesTemplates,
                    format!("模板描述 {name} 有误：{}", t.message),
                    &file,
                    crate::source::Span::new(0, t.range),
                    t.label,
                )
                .with_help(t.help),
                (None, Some(span)) => Problem::error(
                    Code::RulesTemplates,
                    format!("模板描述 {name} 有误：{what}"),
                    &file,
                    crate::source::Span::new(0, span),
                    "这里",
                )
                .with_help(help),
                (None, None) => Problem::plain(
                    Code::RulesTemplates,
                    format!("模板描述 {name} 有误：{what}"),
                )
                .with_help(format!("对照 rules/2022/{FILE_NAME} 检查")),
            }
        })?;
        if t.format != 1 {
            return Err(Problem::plain(
                Code::ImportTemplates,
                format!("模板描述 {name} 的 format = {}，本程序只认 1", t.format),
            )
            .into());
        }
        Ok(t)
    }

    /// The templates built into the binary for a year.
    pub fn builtin(year: i64) -> Result<Templates, Box<Problem>> {
        let wanted = year.to_string();
        let Some((_, text)) = EMBEDDED_TEMPLATES.iter().find(|(y, _)| *y == wanted) else {
            let years: Vec<&str> = EMBEDDED_TEMPLATES.iter().map(|(y, _)| *y).collect();
            return Err(Problem::plain(
                Code::ImportNoTemplates,
                format!(
                    "没有 {year} 年度的 Word 模板描述（内置：{}）",
                    years.join("、")
                ),
            )
            .with_help(format!("用 --rules 目录 指定含 {FILE_NAME} 的规则目录"))
            .into());
        };
        Templates::parse(&format!("rules/{year}/{FILE_NAME}"), text)
    }

    /// The latest year with built-in templates.
    pub fn latest_year() -> Option<i64> {
        EMBEDDED_TEMPLATES
            .iter()
            .filter_map(|(y, _)| y.parse().ok())
            .max()
    }

    /// `DIR/templates.toml`.
    pub fn from_dir(dir: &Path) -> Result<Templates, Box<Problem>> {
        let path = dir.join(FILE_NAME);
        crate::files::confine(dir, &path)?;
        let text = crate::files::read_text(&path).map_err(|mut p| {
            p.help = Some(format!(
                "导入 Word 材料需要规则目录中的 {FILE_NAME}（见 rules/2022/{FILE_NAME}）"
            ));
            p
        })?;
        Templates::parse(&path.display().to_string(), &text)
    }
}

/// What in a year's `templates.toml` names another year than the
/// sheet's (`year`): its own `year`, a column of this year's amounts
/// (`budget`, `final`) written with another year, last year's
/// (`prior_final`) with another than the year before, and, as warnings,
/// any other name with a year that is neither. After copying last year's
/// folder, each would make the import read last year's column as this
/// year's, silently. Spans are into `text`, the file named `name`.
pub fn year_slips(name: &str, text: &str, year: i64) -> Vec<Problem> {
    slips(name, text, year, '=')
}

/// As `year_slips`, for the labels of a schema's fields
/// (`budget: decimal? "2023年预算数"`), which name the columns in every
/// report: the same keys, before a `:`.
pub fn label_year_slips(name: &str, text: &str, year: i64) -> Vec<Problem> {
    slips(name, text, year, ':')
}

fn slips(name: &str, text: &str, year: i64, sep: char) -> Vec<Problem> {
    let file = crate::source::SourceFile::new(name, text);
    let mut problems = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = line.split('#').next().unwrap_or("");
        let key = code.split_once(sep).map_or("", |(k, _)| k.trim());
        let at = |start: usize, len: usize| {
            crate::source::Span::new(0, offset + start..offset + start + len)
        };
        if key == "year" && sep == '=' {
            let value = code.split('=').nth(1).unwrap_or("").trim();
            if value.parse::<i64>().is_ok_and(|y| y != year) {
                let start = line.find(value).unwrap_or(0);
                problems.push(
                    Problem::error(
                        Code::RulesTemplates,
                        format!("{name} 写的是 year = {value}，而 sheet 中写的是 year {year}：导入 Word 材料会按 {value} 年度的模板读表"),
                        &file,
                        at(start, value.len()),
                        "模板的年度",
                    )
                    .with_help(format!("复制上一年度的目录后，把 {FILE_NAME} 的 year 改为 {year}，并核对各表头名称中的年份（本年预算数、决算数写 {year}年，上年决算数写 {}年）", year - 1)),
                );
            }
        }
        let expected = match key {
            "budget" | "final" => Some(year),
            "prior_final" => Some(year - 1),
            _ => None,
        };
        let mut rest = code;
        let mut base = 0;
        while let Some(i) = rest.find('年') {
            let digits: String = rest[..i]
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect();
            let start = base + i - digits.len();
            if digits.len() == 4 {
                let written: i64 = digits
                    .chars()
                    .rev()
                    .collect::<String>()
                    .parse()
                    .unwrap_or(0);
                let wrong = match expected {
                    Some(e) => written != e,
                    None => written != year && written != year - 1,
                };
                if wrong && !key.is_empty() {
                    let mut p = Problem::error(
                        Code::RulesTemplates,
                        match expected {
                            Some(e) => format!("{name} 中 {key} 的表头名称写的是 {written}年，{year} 年度的模板应为 {e}年"),
                            None => format!("{name} 中 {key} 的名称写的是 {written}年，不是 {year} 年度或上一年度"),
                        },
                        &file,
                        at(start, 4 + '年'.len_utf8()),
                        "年份",
                    )
                    .with_help(match sep {
                        '=' => "表头名称中的年份按本年度的 Word 模板改：读错了列，导入就会把上一年的数当作本年的",
                        _ => "字段的说明文字是报告和告知书指出格子时用的表头名称：按本年度的表头改年份",
                    });
                    if expected.is_none() {
                        p.severity = miette::Severity::Warning;
                    }
                    problems.push(p);
                }
            }
            let step = i + '年'.len_utf8();
            base += step;
            rest = &rest[step..];
        }
        offset += line.len();
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copied_year_is_found() {
        let text = "format = 1\nyear = 2023  # 年度\n[basic_data.expenses]\nprior_final = [\"2022年决算数\", \"上年决算数\"]\nbudget = [\"2023年预算数\"]\n";
        assert!(year_slips("t.toml", text, 2023).is_empty());
        let slips = year_slips("t.toml", text, 2024);
        let said: Vec<&str> = slips.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(slips.len(), 3, "{said:?}");
        assert!(said[0].contains("year = 2023"), "{said:?}");
        assert!(
            said[1].contains("prior_final 的表头名称写的是 2022年，2024 年度的模板应为 2023年"),
            "{said:?}"
        );
        assert!(
            said[2].contains("budget 的表头名称写的是 2023年"),
            "{said:?}"
        );
        // Its span is the year itself.
        let text_at = |p: &Problem| {
            p.labels
                .first()
                .map(|(span, _)| &text[span.start as usize..span.end as usize])
        };
        assert_eq!(text_at(&slips[1]), Some("2022年"));
    }

    #[test]
    fn builtin_2022_parses() {
        let t = Templates::builtin(2022);
        assert!(t.is_ok(), "{:?}", t.err().map(|p| p.message));
        assert!(Templates::builtin(1999).is_err());
    }
}
