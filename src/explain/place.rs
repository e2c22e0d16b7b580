//! Places of a submission in the words of the unit's own documents. The
//! rules folder's schema names every field as the forms do
//! (`executed: decimal? "全年执行数"`) and every row of a table by its own
//! cells (`indicators: [indicator]? "{level1} / {level2} / {name}"`), so
//! the engine's path `projects[0].indicators[5].score` reads
//! "附件4 项目支出绩效自评表（业务工作经费）· 产出指标 / 成本指标 / 业务工作经费 · 得分".

use crate::data::schema::{RecordId, Schema, Type};
use crate::data::{Submission, Value};

/// One step of an engine path: a key, and the row it indexes, if any.
struct Step<'p> {
    key: &'p str,
    row: Option<usize>,
}

/// `a.b[2].c` → steps.
#[cfg(test)]
fn steps(path: &str) -> Vec<Step<'_>> {
    each_step(path).collect()
}

/// The steps of `a.b[2].c`, one by one.
fn each_step(path: &str) -> impl Iterator<Item = Step<'_>> {
    path.split('.')
        .filter(|s| !s.is_empty())
        .map(|segment| match segment.split_once('[') {
            Some((key, rest)) => Step {
                key,
                row: rest.trim_end_matches(']').parse().ok(),
            },
            None => Step {
                key: segment,
                row: None,
            },
        })
}

/// Words joined with ` · `, written into one string as they come.
struct Joined {
    text: String,
    first: bool,
}

impl Joined {
    fn push(&mut self, word: &str) {
        if !self.first {
            self.text.push_str(" · ");
        }
        self.first = false;
        self.text.push_str(word);
    }
}

/// What no row or field holds.
static ABSENT: Value = Value::Absent;

/// The place of `path` in the documents' words. A field the schema gives
/// no name keeps its key, so nothing is ever dropped from a place.
///
/// Every place of every report is named here, so the values are walked by
/// reference and the words written into one string, not cloned step by
/// step and joined.
pub fn document_words(schema: &Schema, root: &Value, path: &str) -> String {
    let mut words = Joined {
        text: String::with_capacity(96),
        first: true,
    };
    let mut record = Some(schema.root);
    let mut value = root;
    let mut in_map = false;
    for step in each_step(path) {
        if in_map {
            // A key of a free table (一级指标分值 · 产出指标).
            words.push(step.key);
            in_map = false;
            continue;
        }
        let Some(rt) = record.and_then(|id| schema.record(id)) else {
            words.push(step.key);
            continue;
        };
        let Some(index) = rt.field(step.key) else {
            words.push(step.key);
            record = None;
            continue;
        };
        let field = rt.fields.get(index);
        let label = field.and_then(|f| f.label.as_deref());
        let ty = field.map_or(&Type::Any, |f| &f.ty);
        value = field_value(value, index);
        match (ty, step.row) {
            (Type::List(inner), Some(row)) => {
                let item = match value {
                    Value::List(items) => items.get(row).unwrap_or(&ABSENT),
                    _ => &ABSENT,
                };
                let row_record = match inner.as_ref() {
                    Type::Record(id) => Some(*id),
                    _ => None,
                };
                let template = label.unwrap_or(step.key);
                words.push(&row_name(schema, row_record, item, template, row));
                record = row_record;
                value = item;
            }
            (Type::Record(id), _) => {
                if let Some(l) = label.filter(|l| !l.is_empty()) {
                    words.push(l);
                }
                record = Some(*id);
            }
            (Type::Map(_), _) => {
                words.push(label.unwrap_or(step.key));
                in_map = true;
                record = None;
            }
            (_, _) => {
                words.push(label.unwrap_or(step.key));
                record = None;
            }
        }
    }
    words.text
}

fn field_value(value: &Value, index: usize) -> &Value {
    match value {
        Value::Record(r) => r.fields.get(index).unwrap_or(&ABSENT),
        _ => &ABSENT,
    }
}

/// A row named by its own cells: the template's `{field}` holes filled
/// from the row. A blank cell leaves its hole out with the separator before
/// it; a row with every hole blank is named by its position. (The holes
/// are those `label_holes` finds, found here in the same walk that copies
/// the words between them.)
fn row_name(
    schema: &Schema,
    record: Option<RecordId>,
    row: &Value,
    template: &str,
    index: usize,
) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut holes = 0;
    let mut filled = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let literal = rest.get(..open).unwrap_or("");
        let after = rest.get(open..).unwrap_or("");
        let Some(close) = after.find('}') else { break };
        let hole = after.get(1..close).unwrap_or("").trim();
        rest = after.get(close + 1..).unwrap_or("");
        holes += 1;
        let cell = record
            .and_then(|id| schema.record(id))
            .and_then(|rt| rt.field(hole))
            .map_or(Cell::Blank, |i| cell_text(field_value(row, i)));
        if cell.is_empty() {
            // Keep words, drop a separator that would now lead nowhere.
            let kept = literal.trim_end_matches([' ', '/', '·', '、', '，', ',']);
            out.push_str(if filled == 0 { literal } else { kept });
        } else {
            out.push_str(literal);
            cell.write_to(&mut out);
            filled += 1;
        }
    }
    out.push_str(rest);
    // Empty brackets are rare: looked for by their opening character
    // (a `memchr`) before a pattern search.
    if out.contains('（') {
        out = out.replace("（）", "");
    }
    if out.contains('(') {
        out = out.replace("()", "");
    }
    let trimmed = out.trim_matches([' ', '/', '·', '、']);
    if holes == 0 || filled > 0 {
        if trimmed.len() == out.len() {
            out
        } else {
            trimmed.to_string()
        }
    } else if trimmed.is_empty() {
        format!("第 {} 行", index + 1)
    } else {
        format!("{trimmed}（第 {} 项）", index + 1)
    }
}

/// A cell's text for a row name, written straight into the name.
enum Cell<'v> {
    /// A text, trimmed.
    Text(&'v str),
    /// A number, shown in its normal form.
    Num(rust_decimal::Decimal),
    /// A date.
    Date(&'v crate::data::Date),
    /// Anything else shows nothing.
    Blank,
}

impl Cell<'_> {
    fn is_empty(&self) -> bool {
        match self {
            Cell::Text(t) => t.is_empty(),
            Cell::Num(_) | Cell::Date(_) => false,
            Cell::Blank => true,
        }
    }

    fn write_to(&self, out: &mut String) {
        use std::fmt::Write as _;
        // Writing to a `String` cannot fail.
        let _ = match self {
            Cell::Text(t) => {
                out.push_str(t);
                Ok(())
            }
            Cell::Num(n) => write!(out, "{}", n.normalize()),
            Cell::Date(d) => write!(out, "{d}"),
            Cell::Blank => Ok(()),
        };
    }
}

/// A cell's text for a row name: texts trimmed, numbers and dates shown.
fn cell_text(v: &Value) -> Cell<'_> {
    match v {
        Value::Text(t) => Cell::Text(t.trim()),
        Value::Num(n) => Cell::Num(*n),
        Value::Date(d) => Cell::Date(d),
        _ => Cell::Blank,
    }
}

/// Where a value is in the input file: a TOML line and column, or for a
/// Word package, the place in the Word file its import recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourcePlace {
    /// A `.toml` submission: file, line, column (characters).
    Toml {
        /// File name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A `.docx` package: its table and row.
    WordTable {
        /// File name.
        file: String,
        /// 1-based table.
        table: usize,
        /// 1-based row.
        row: usize,
    },
    /// A `.docx` package: a place in words (a paragraph, a heading).
    WordText {
        /// File name.
        file: String,
        /// What the import wrote (“表下“填报日期””, “第 42 段”).
        text: String,
    },
}

impl SourcePlace {
    /// Without the file's name (the report's own input): `第 12 行`,
    /// `第3个表格第19行`.
    pub fn short_words(&self) -> String {
        match self {
            SourcePlace::Toml { line, .. } => format!("第 {line} 行"),
            SourcePlace::WordTable { table, row, .. } => format!("第{table}个表格第{row}行"),
            SourcePlace::WordText { text, .. } => text.clone(),
        }
    }

    /// In words: `x.toml 第 12 行`, `x.docx 第3个表格第19行`.
    pub fn words(&self) -> String {
        match self {
            SourcePlace::Toml { file, line, .. } => format!("{file} 第 {line} 行"),
            SourcePlace::WordTable { file, table, row } => {
                format!("{file} 第{table}个表格第{row}行")
            }
            SourcePlace::WordText { file, text } => format!("{file} {text}"),
        }
    }
}

/// The input place of the value at byte `offset` of the submission. For a
/// Word package (imported in memory), the provenance comment the import
/// wrote on the value's line or above its block.
pub fn source_place(submission: &Submission, offset: u32, word_file: Option<&str>) -> SourcePlace {
    let (line, column) = submission.source.line_col(offset);
    let Some(docx) = word_file else {
        return SourcePlace::Toml {
            file: submission.source.name.clone(),
            line,
            column,
        };
    };
    let text: &str = &submission.source.text;
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.saturating_sub(1)).copied().unwrap_or("");
    let comment_of = |l: &str| -> Option<String> {
        let at = l.find("# ")?;
        // A `#` inside a quoted string is not a comment.
        let before = l.get(..at)?;
        (before.matches('"').count() % 2 == 0)
            .then(|| l.get(at + 2..).unwrap_or("").trim().to_string())
    };
    let mut candidates: Vec<String> = comment_of(here).into_iter().collect();
    // The block's comment: the comment lines just above the nearest header.
    let mut i = line.saturating_sub(1);
    while i > 0 {
        i -= 1;
        let l = lines.get(i).copied().unwrap_or("").trim();
        if l.starts_with('[') {
            let mut j = i;
            while j > 0 {
                j -= 1;
                let c = lines.get(j).copied().unwrap_or("").trim();
                match c.strip_prefix("# ") {
                    Some(words) => candidates.push(words.trim().to_string()),
                    None => break,
                }
            }
            break;
        }
    }
    for c in &candidates {
        if let Some((table, row)) = table_row(c) {
            return SourcePlace::WordTable {
                file: docx.to_string(),
                table,
                row,
            };
        }
    }
    if here.trim_end().ends_with("# --received-on") {
        return SourcePlace::WordText {
            file: docx.to_string(),
            text: "（日期由命令行 --received-on 给出）".to_string(),
        };
    }
    match candidates
        .into_iter()
        .find(|c| !c.is_empty() && !c.starts_with("--"))
    {
        Some(text) => SourcePlace::WordText {
            file: docx.to_string(),
            text,
        },
        None => SourcePlace::WordText {
            file: docx.to_string(),
            text: "（导入时未记录位置）".to_string(),
        },
    }
}

/// `第3个表格第19行` anywhere in a comment.
fn table_row(comment: &str) -> Option<(usize, usize)> {
    let start = comment.find('第')?;
    let rest = comment.get(start + '第'.len_utf8()..)?;
    let (table, rest) = rest.split_once("个表格第")?;
    let row: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let table: usize = table.trim().parse().ok()?;
    Some((table, row.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_from_comments() {
        assert_eq!(table_row("第1个表格第12行"), Some((1, 12)));
        assert_eq!(
            table_row("附件1 部门整体支出绩效评价基础数据表，第1个表格第1行"),
            Some((1, 1))
        );
        assert_eq!(table_row("表下“填报日期”"), None);
    }

    #[test]
    fn paths_split_into_steps() {
        let s = steps("projects[0].indicators[5].score");
        let shown: Vec<(&str, Option<usize>)> = s.iter().map(|s| (s.key, s.row)).collect();
        assert_eq!(
            shown,
            vec![
                ("projects", Some(0)),
                ("indicators", Some(5)),
                ("score", None)
            ]
        );
    }
}
