//! Places of a submission as reports show them: in the words of the unit's
//! own documents (`data::document_words`, shared with the loader), and
//! where each value is in the input file (a TOML line, or the Word table
//! and row its import recorded).

use crate::data::Submission;
pub use crate::data::document_words;

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
    /// A `.docx` package: the paragraph (outside tables) where a report
    /// section the value is part of starts.
    WordParagraph {
        /// File name.
        file: String,
        /// 1-based paragraph, as the import's warnings count them.
        paragraph: usize,
    },
    /// A `.docx` package: a place in words (a heading, “表下“填报日期””).
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
            SourcePlace::WordParagraph { paragraph, .. } => format!("第{paragraph}段起"),
            SourcePlace::WordText { text, .. } => text.clone(),
        }
    }

    /// Where in the unit's own file, for a table that names the file in a
    /// column of its own: `报送文件第 12 行`, `Word 文件第3个表格第19行`.
    pub fn in_file_words(&self) -> String {
        match self {
            SourcePlace::Toml { line, .. } => format!("报送文件第 {line} 行"),
            SourcePlace::WordText { text, .. } => format!("Word 文件{text}"),
            _ => format!("Word 文件{}", self.short_words()),
        }
    }

    /// In words: `x.toml 第 12 行`, `x.docx 第3个表格第19行`.
    pub fn words(&self) -> String {
        match self {
            SourcePlace::Toml { file, line, .. } => format!("{file} 第 {line} 行"),
            SourcePlace::WordTable { file, table, row } => {
                format!("{file} 第{table}个表格第{row}行")
            }
            SourcePlace::WordParagraph { file, paragraph } => format!("{file} 第{paragraph}段起"),
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
    // The value's line and those above it, nearest first: a place reads
    // back to its block's header, not the whole file (a report names a
    // place for every finding).
    let mut upward = lines_up(text, offset as usize);
    let here = upward.clone().next().unwrap_or("");
    let comment_of = |l: &str| -> Option<String> {
        let at = l.find("# ")?;
        // A `#` inside a quoted string is not a comment.
        let before = l.get(..at)?;
        (before.matches('"').count() % 2 == 0)
            .then(|| l.get(at + 2..).unwrap_or("").trim().to_string())
            .filter(|c| !is_import_note(c))
    };
    // A line of several rows (`level1_weights = { … }  # 产出指标 第2个表格
    // 第12行；效益指标 …`): the row of the key at the place.
    let own = comment_of(here).map(|c| match key_at(text, offset as usize) {
        Some(key) => c
            .split('；')
            .find(|segment| segment.starts_with(&format!("{key} ")))
            .map_or(c.clone(), str::to_string),
        None => c,
    });
    let mut candidates: Vec<String> = own.into_iter().collect();
    // The block's comment: the comment lines just above the nearest header
    // at or above the value's line (a row's own place is its header line).
    if upward.any(|l| l.trim().starts_with('[')) {
        for c in upward.map(str::trim) {
            match c.strip_prefix("# ") {
                // What the import noticed about the block is not where
                // the block is.
                Some(words) if is_import_note(words) => {}
                Some(words) => candidates.push(words.trim().to_string()),
                None => break,
            }
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
        if let Some(paragraph) = paragraph_from(c) {
            return SourcePlace::WordParagraph {
                file: docx.to_string(),
                paragraph,
            };
        }
    }
    if here.trim_end().ends_with("# --received-on") {
        return SourcePlace::WordText {
            file: docx.to_string(),
            text: "（Word 材料中没有送达日期：按区财政局收文登记，评分时录入）".to_string(),
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

/// The quoted key of an inline table's entry at byte `at` (its key or its
/// value): the last `"…"` from the line's start to the entry's end.
fn key_at(text: &str, at: usize) -> Option<&str> {
    let start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let rest = text.get(at..)?;
    let end = at + rest.find([',', '}', '\n']).unwrap_or(rest.len());
    let entry = text.get(start..end)?;
    if entry.matches('"').count() % 2 != 0 {
        return None;
    }
    entry.rsplit('"').nth(1).filter(|k| !k.is_empty())
}

/// The lines of `text` from the one holding byte `at` up to the first,
/// nearest first (a line's `\r` kept: every reader trims).
fn lines_up(text: &str, at: usize) -> impl Iterator<Item = &str> + Clone {
    let end = text
        .get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| at + i);
    let mut rest = text.get(..end);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.rfind('\n') {
            Some(i) => {
                rest = r.get(..i);
                r.get(i + 1..)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// A comment the import wrote about a gap (`提示：…`, `警告：…`, `缺少：…`;
/// see `import::Warning::comment`), not about where a block is.
pub fn is_import_note(comment: &str) -> bool {
    IMPORT_NOTE_WORDS.iter().any(|w| {
        comment
            .strip_prefix(w)
            .is_some_and(|rest| rest.starts_with('：'))
    })
}

/// What the import noted about a package, as its comments keep it
/// (`提示：附件2 …，第2个表格第40行：这一行的标签是图片…`), in file order;
/// nothing for a package not imported from Word.
pub fn import_notes(submission: &Submission) -> Vec<String> {
    let text: &str = &submission.source.text;
    // Only what the importer wrote: its header is the file's first line.
    if !text.starts_with(IMPORT_HEADER) {
        return Vec::new();
    }
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("# "))
        .filter(|c| is_import_note(c))
        .map(str::to_string)
        .collect()
}

/// What the import of a Word package could not read is called, in the
/// notice and in the summaries.
pub const UNREAD: &str = "未能读取";

/// One `警告` or `缺少` note of the import, as a unit reads it.
pub struct ImportNote {
    /// The Word table and row, where there is one.
    pub row: Option<(usize, usize)>,
    /// What it says.
    pub said: String,
    /// Was something left unread (a score written “100%”, an amount
    /// “约96.89万元”, a report part not found), not read with an
    /// assumption or merely noted (an amount's unit taken as 万元, a table
    /// sent but not in the report's list)?
    pub unread: bool,
}

/// What the import noted of a Word package that the unit should see (its
/// `警告` and `缺少` notes), in the words a unit reads, with the Word table
/// and row where there is one. The package's findings about cells left
/// unread say the cell is blank, which the unit will deny: the notice says
/// why.
pub fn import_notes_for_unit(submission: &Submission) -> Vec<ImportNote> {
    import_notes(submission)
        .into_iter()
        .filter_map(|note| {
            let said = note
                .strip_prefix("警告：")
                .or_else(|| note.strip_prefix("缺少："))?;
            let unread = is_unread(said);
            let said = in_units_words(said);
            // A note on the whole package names its file: the unit knows
            // which file it sent.
            let said = match said.split_once('：') {
                Some((place, rest)) if is_file_name(place) => rest.to_string(),
                _ => said,
            };
            Some(ImportNote {
                row: table_row(&said),
                said,
                unread,
            })
        })
        .collect()
}

/// An import note as the unit reads it: the unit sent a package, it
/// imported nothing, so the bureau's step (导入) is said as reading it
/// (`“约100万元”不是数字，未导入` → `…，未能读取，按未填写处理`;
/// `经费数据未导入` → `经费数据未能读取`; `按左边一栏导入` → `按左边一栏读取`).
fn in_units_words(said: &str) -> String {
    said.replacen("，未导入", "，未能读取，按未填写处理", 1)
        .replace("未导入", "未能读取")
        .replace("导入", "读取")
}

/// Is a note's place the package's file (`金融办.docx`), not a place in it?
fn is_file_name(place: &str) -> bool {
    let lower = place.to_ascii_lowercase();
    lower.ends_with(".docx") && !place.contains('，')
}

/// Does an import note say that something was left unread (`import`'s
/// messages: “…，未导入”, “未能识别…”, “找不到…”), rather than read with an
/// assumption (“找不到“××××年度”，按模板的 2023 年度导入”)? The unit's own
/// words quoted in the note (“…”) are not read for it.
fn is_unread(note: &str) -> bool {
    let mut own = String::with_capacity(note.len());
    let mut depth = 0usize;
    for c in note.chars() {
        match c {
            '“' => depth += 1,
            '”' => depth = depth.saturating_sub(1),
            _ if depth == 0 => own.push(c),
            _ => {}
        }
    }
    own.contains("未导入")
        || own.contains("未能识别")
        || (own.contains("找不到") && !own.contains("导入"))
}

/// How the importer's output begins (`import::write`).
const IMPORT_HEADER: &str = "# 由 jixiao import 从";

/// The words of `import::Level`, as the import's comments begin.
const IMPORT_NOTE_WORDS: [&str; 3] = ["提示", "警告", "缺少"];

/// `第3个表格第19行` anywhere in a comment.
fn table_row(comment: &str) -> Option<(usize, usize)> {
    let start = comment.find('第')?;
    let rest = comment.get(start + '第'.len_utf8()..)?;
    let (table, rest) = rest.split_once("个表格第")?;
    let row: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let table: usize = table.trim().parse().ok()?;
    Some((table, row.parse().ok()?))
}

/// `第39段起`, the whole comment: where a report section starts (the
/// import writes it above each `[[report.sections]]`).
fn paragraph_from(comment: &str) -> Option<usize> {
    comment
        .strip_prefix('第')?
        .strip_suffix("段起")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_note_for_the_unit_says_reading_not_importing() {
        for (note, said) in [
            (
                "附件2，第2个表格第4行：“100%”不是数字，未导入",
                "附件2，第2个表格第4行：“100%”不是数字，未能读取，按未填写处理",
            ),
            (
                "附件1：找不到“三公经费”一行，经费数据未导入",
                "附件1：找不到“三公经费”一行，经费数据未能读取",
            ),
            (
                "这一格与左边一栏合并（“得分”），按左边一栏导入，这一栏未导入",
                "这一格与左边一栏合并（“得分”），按左边一栏读取，这一栏未能读取",
            ),
            (
                "模板中没有“印刷费”这一行；已导入，归入“公用经费”",
                "模板中没有“印刷费”这一行；已读取，归入“公用经费”",
            ),
        ] {
            let words = super::in_units_words(note);
            assert_eq!(words, said);
            assert!(!words.contains("导入"), "{words}");
        }
    }

    use super::*;

    /// What was left unread, not what was read with an assumption; the
    /// unit's own words quoted in a note do not count.
    #[test]
    fn unread_notes_are_told_from_the_import_s_own_words() {
        assert!(is_unread("附件2，第2个表格第4行：“100%”不是数字，未导入"));
        assert!(is_unread("材料中找不到“项目支出绩效自评表”"));
        assert!(is_unread("找不到“全年预算数”一栏"));
        assert!(!is_unread("标题中找不到“××××年度”，按模板的 2023 年度导入"));
        assert!(!is_unread(
            "材料中有“项目支出绩效自评表”，但报告的附件清单没有列出（按已报送计）"
        ));
        assert!(!is_unread(
            "“找不到原因，未导入设备”一行金额单位未注明，按万元导入"
        ));
    }

    /// The key of an inline table's entry at a place: its key or value.
    #[test]
    fn the_key_at_a_place_of_an_inline_table() {
        let line = "level1_weights = { \"产出指标\" = 50, \"效益指标\" = 30 }  # …";
        let at = |needle: &str| line.find(needle).unwrap_or(0);
        assert_eq!(key_at(line, at("\"效益指标\"")), Some("效益指标"));
        assert_eq!(key_at(line, at("30")), Some("效益指标"));
        assert_eq!(key_at(line, at("50")), Some("产出指标"));
    }

    #[test]
    fn paragraphs_from_comments() {
        assert_eq!(paragraph_from("第39段起"), Some(39));
        assert_eq!(paragraph_from("附件3，第39段"), None);
        assert!(is_import_note("提示：这一行的标签是图片而不是文字"));
        assert!(!is_import_note("第2个表格第40行"));
    }

    #[test]
    fn table_rows_from_comments() {
        assert_eq!(table_row("第1个表格第12行"), Some((1, 12)));
        assert_eq!(
            table_row("附件1 部门整体支出绩效评价基础数据表，第1个表格第1行"),
            Some((1, 1))
        );
        assert_eq!(table_row("表下“填报日期”"), None);
    }
}
