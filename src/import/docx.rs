//! Reading a `.docx`: the zip container and the main document's XML,
//! reduced to what the importer needs — body paragraphs (text, style, list
//! numbering, pictures) and tables (rows, cells with their spans and
//! vertical merges). Tracked deletions, field codes, drawings' inner text,
//! hidden text and content-control placeholders are left out, as Word
//! shows them.
//!
//! This module knows nothing of the bureau's templates.

use super::numbering::{NumRef, Numbering};
use super::xml::attr;
use crate::diag::Code;
use crate::diag::Problem;
use quick_xml::events::{BytesStart, Event};
use std::io::{Cursor, Read};

/// Largest XML part read, in bytes (a real package's document is ~250 KB).
const MAX_PART_BYTES: u64 = 64 << 20;
/// Widest table accepted, in grid columns; wider spans are clipped.
pub(super) const MAX_COLUMNS: usize = 256;

/// A Word document's body, in order.
#[derive(Debug, Default)]
pub struct Document {
    /// Paragraphs and tables, in the body's order.
    pub blocks: Vec<Block>,
}

/// One element of the body.
#[derive(Debug)]
pub enum Block {
    /// A paragraph outside tables.
    Paragraph(Paragraph),
    /// A table.
    Table(Table),
}

/// A paragraph.
#[derive(Debug, Default, Clone)]
pub struct Paragraph {
    /// Its text as Word shows it, list numbering included.
    pub text: String,
    /// Its style id (`Heading1`), if any.
    pub style: Option<String>,
    /// It holds a picture.
    pub has_image: bool,
    /// The picture is a text box: text written in it, not in the
    /// document (Word's 插入 → 文本框), which the import does not read.
    pub has_text_box: bool,
    /// Every character of its text is in bold runs (a heading set by hand
    /// in bold, without a number or a heading style).
    pub bold: bool,
    /// 1-based position among the body's paragraphs (outside tables), as
    /// the warnings name it.
    pub number: usize,
    numbering: Option<NumRef>,
    /// Visible characters in bold runs and in other runs.
    bold_chars: usize,
    plain_chars: usize,
}

/// A table as written: rows of cells.
#[derive(Debug, Default)]
pub struct Table {
    /// 1-based position among the document's tables.
    pub number: usize,
    /// Columns declared by `w:tblGrid`.
    pub grid_columns: usize,
    /// Rows in order.
    pub rows: Vec<Row>,
}

/// A table row.
#[derive(Debug, Default, Clone)]
pub struct Row {
    /// Grid columns skipped before the first cell.
    pub grid_before: usize,
    /// A header row Word repeats on each page.
    pub repeat_header: bool,
    /// Cells in order.
    pub cells: Vec<Cell>,
}

/// A table cell.
#[derive(Debug, Default, Clone)]
pub struct Cell {
    /// Its paragraphs' texts (a nested table's paragraphs included).
    pub paragraphs: Vec<String>,
    /// Grid columns it spans (≥ 1).
    pub span: usize,
    /// Vertical merge.
    pub merge: Merge,
    /// It continues the cell to its left (old-style `w:hMerge`).
    pub merge_left: bool,
    /// It holds a picture.
    pub has_image: bool,
    /// The picture is a text box: text written in it, not in the
    /// document (Word's 插入 → 文本框), which the import does not read.
    pub has_text_box: bool,
}

/// Vertical merge of a cell.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// Not merged.
    #[default]
    None,
    /// Starts a merged region.
    Restart,
    /// Continues the region above.
    Continue,
}

/// Open a `.docx` from its bytes.
pub fn read(bytes: &[u8], name: &str) -> Result<Document, Box<Problem>> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Box::new(
            Problem::plain(
                Code::ImportOldWord,
                format!("{name} 是旧版 Word 文件（.doc）或加密的文档，不是 .docx"),
            )
            .with_help("在 Word 或 WPS 中打开，取消密码保护，“另存为” Word 文档（*.docx）后再导入"),
        ));
    }
    // The library's reason is English: the file is damaged or not a
    // package at all, which is what the unit needs to hear.
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        Problem::plain(
            Code::ImportNotDocx,
            format!("{name} 不是有效的 .docx 文件：文件已损坏，或是改了扩展名的其他文件"),
        )
        .with_help("确认文件是 Word 文档（*.docx），且没有损坏或加密")
    })?;
    let main = main_part(&mut archive, name)?.unwrap_or_else(|| "word/document.xml".to_string());
    // A workbook or a presentation renamed .docx is a package too, with
    // another kind of main part: said as what it is, not read as an
    // empty Word document.
    let other = [("xl/", "Excel 工作簿"), ("ppt/", "PowerPoint 演示文稿")]
        .into_iter()
        .find(|(folder, _)| main.starts_with(folder));
    if let Some((_, what)) = other {
        return Err(Box::new(
            Problem::plain(
                Code::ImportNotDocx,
                format!("{name} 是 {what}，不是 Word 文档（只是扩展名改成了 .docx）"),
            )
            .with_help("请单位发送自评材料的 Word 文档（*.docx）"),
        ));
    }
    let xml = part(&mut archive, &main, name)?.ok_or_else(|| {
        Problem::plain(
            Code::ImportNotDocx,
            format!("{name} 中没有 Word 正文（{main}）"),
        )
        .with_help("确认文件是 Word 文档（*.docx），而不是改了扩展名的其他文件")
    })?;
    if xml.trim().is_empty() {
        return Err(Box::new(
            Problem::plain(
                Code::ImportBadXml,
                format!("{name} 已损坏：Word 正文（{main}）是空的"),
            )
            .with_help("用 Word 打开并重新保存，再导入；Word 也打不开的，请单位重新发送文件"),
        ));
    }
    let numbering = Numbering::read(
        part(&mut archive, "word/numbering.xml", name)?.as_deref(),
        part(&mut archive, "word/styles.xml", name)?.as_deref(),
    );
    let doc = parse(&xml, numbering).map_err(|e| match e {
        ParseError::Xml(e, place) => Problem::plain(
            Code::ImportBadXml,
            format!(
                "{name} 已损坏，正文读不下去：{}（在{place}）",
                xml_error_words(&e)
            ),
        )
        .with_help("用 Word 打开并重新保存，再导入；Word 也打不开的，请单位重新发送文件"),
        ParseError::Entity(entity, place) => Problem::plain(
            Code::ImportBadXml,
            format!(
                "{name} 的正文中有 Word 不会写出的内容 `{entity}`（在{place}）：文件可能被其他程序改动过"
            ),
        )
        .with_help("用 Word 打开并重新保存，再导入：不认识的内容若按空白读，表中的数会悄悄丢失"),
        ParseError::TooManyElements => Problem::plain(
            Code::ImportTooManyElements,
            format!("{name} 的正文有超过 {MAX_ELEMENTS} 个段落、表格行或单元格，不予读取"),
        )
        .with_help(
            "真实的自评材料只有几千个段落；请检查文件是否损坏（例如大量空段落），\
             或用 Word 打开、删去空白内容后重新保存",
        ),
    })?;
    Ok(doc)
}

/// The main document part named by `_rels/.rels`.
fn main_part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    package: &str,
) -> Result<Option<String>, Box<Problem>> {
    let Some(rels) = part(archive, "_rels/.rels", package)? else {
        return Ok(None);
    };
    let mut reader = quick_xml::Reader::from_str(&rels);
    loop {
        match reader.read_event() {
            Ok(Event::Empty(e) | Event::Start(e)) if e.local_name().as_ref() == b"Relationship" => {
                let is_main = attr(&e, b"Type").is_some_and(|t| t.ends_with("/officeDocument"));
                if let (true, Some(target)) = (is_main, attr(&e, b"Target")) {
                    return Ok(Some(target.trim_start_matches('/').to_string()));
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
    }
}

/// A part's text, if it is there. A part larger than `MAX_PART_BYTES` is
/// refused as too large — by the size the archive declares, before it is
/// expanded, and by what it expands to, in case the declaration lies. A cut
/// part would be read as a package with its end missing and scored wrong.
fn part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    package: &str,
) -> Result<Option<String>, Box<Problem>> {
    let Ok(file) = archive.by_name(name) else {
        return Ok(None);
    };
    let too_large = || {
        Box::new(
            Problem::plain(
                Code::ImportTooLarge,
                format!(
                    "{package} 中的 {name} 过大（超过 {} MiB），不予读取",
                    MAX_PART_BYTES >> 20
                ),
            )
            .with_help(
                "真实的自评材料正文只有几百 KB；请检查文件是否损坏，或用 Word 打开后重新保存",
            ),
        )
    };
    if file.size() > MAX_PART_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    if file
        .take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return Ok(None);
    }
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(too_large());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// Elements whose content Word does not show as text here.
fn skipped(local: &[u8]) -> bool {
    matches!(
        local,
        b"del"
            | b"moveFrom"
            | b"instrText"
            | b"delInstrText"
            | b"Fallback"
            | b"fldData"
            | b"pPrChange"
            | b"rPrChange"
            | b"tcPrChange"
            | b"trPrChange"
            | b"tblPrChange"
    )
}

fn is_picture(local: &[u8]) -> bool {
    matches!(local, b"drawing" | b"pict" | b"object")
}

#[derive(Default)]
struct Builder {
    numbering: Numbering,
    blocks: Vec<Block>,
    tables: usize,
    /// Nesting of tables; only the outermost is kept as a table.
    table_depth: usize,
    table: Option<Table>,
    row: Option<Row>,
    cell: Option<Cell>,
    paragraph: Option<Paragraph>,
    in_run: bool,
    in_text: bool,
    in_ppr: bool,
    /// The current run is bold (`w:b` in its `w:rPr`).
    run_bold: bool,
    /// The current run is hidden text (`w:vanish` or `w:specVanish` in its
    /// `w:rPr`): Word neither shows nor prints it, so it is not read — a
    /// unit's old figure hidden instead of deleted would otherwise be read
    /// together with the new one.
    run_hidden: bool,
    /// The current paragraph's mark is hidden (`w:vanish` in the `w:rPr`
    /// of its `w:pPr`): with no visible run either, Word shows nothing of
    /// the paragraph, not even an empty line.
    mark_hidden: bool,
    /// Body paragraphs seen so far.
    paragraphs: usize,
    num_id: Option<String>,
    num_level: Option<String>,
    /// Depth inside a subtree being skipped.
    skip: usize,
    /// Content controls: does each show its placeholder?
    sdt_placeholder: Vec<bool>,
    /// Paragraphs, rows and cells begun (see `MAX_ELEMENTS`).
    elements: usize,
}

/// Paragraphs, table rows and cells a document may hold. Each becomes a
/// value in memory (about a hundred bytes and more); a few kilobytes of
/// compressed `<w:p/>` expand to millions of them. A real self-evaluation
/// has a few thousand.
pub const MAX_ELEMENTS: usize = 200_000;

/// Why the main document could not be read.
enum ParseError {
    /// The XML is broken; where, in the document's terms (`Builder::place`).
    Xml(quick_xml::Error, String),
    /// An entity Word never writes (`&foo;`, a document type's own), and
    /// where.
    Entity(String, String),
    TooManyElements,
}

/// A broken document's reason in words: Word writes well-formed XML, so
/// what breaks it is a cut file or another program's edit.
fn xml_error_words(e: &quick_xml::Error) -> String {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    match e {
        quick_xml::Error::Syntax(
            SyntaxError::UnclosedTag
            | SyntaxError::UnclosedComment
            | SyntaxError::UnclosedCData
            | SyntaxError::UnclosedDoctype
            | SyntaxError::UnclosedPI
            | SyntaxError::UnclosedXmlDecl
            | SyntaxError::UnclosedSingleQuotedAttributeValue
            | SyntaxError::UnclosedDoubleQuotedAttributeValue,
        ) => "文件在中途截断了".into(),
        quick_xml::Error::Syntax(_) => "有不完整的标记".into(),
        quick_xml::Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            format!("标记 <{expected}> 与 </{found}> 不成对")
        }
        quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(tag)) => {
            format!("标记 <{tag}> 没有结束")
        }
        quick_xml::Error::IllFormed(IllFormedError::UnmatchedEndTag(tag)) => {
            format!("多出一个结束标记 </{tag}>")
        }
        quick_xml::Error::InvalidAttr(_) => "有不完整的属性".into(),
        quick_xml::Error::Encoding(_) => "不是 UTF-8 编码".into(),
        quick_xml::Error::Escape(_) => "有无法识别的字符引用".into(),
        _ => "XML 格式不对".into(),
    }
}

fn parse(xml: &str, numbering: Numbering) -> Result<Document, ParseError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut b = Builder {
        numbering,
        ..Builder::default()
    };
    loop {
        if b.elements > MAX_ELEMENTS {
            return Err(ParseError::TooManyElements);
        }
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(ParseError::Xml(e, b.place())),
        };
        match event {
            Event::Eof => break,
            // Word writes no document type; one declares entities of its
            // own, which would be read as blanks.
            Event::DocType(_) => return Err(ParseError::Entity("<!DOCTYPE …>".into(), b.place())),
            Event::Start(e) => {
                if b.skip > 0 {
                    b.skip += 1;
                    // Inside a drawing: a text box's content is said as
                    // such, not as a picture.
                    if matches!(e.local_name().as_ref(), b"txbxContent" | b"textbox") {
                        if let Some(p) = b.paragraph.as_mut() {
                            p.has_text_box = true;
                        }
                    }
                } else {
                    b.start(&e, false);
                }
            }
            Event::Empty(e) if b.skip == 0 => {
                b.start(&e, true);
                b.end(e.local_name().as_ref());
            }
            Event::End(e) => {
                if b.skip > 0 {
                    b.skip -= 1;
                } else {
                    b.end(e.local_name().as_ref());
                }
            }
            Event::Text(t) if b.in_text && b.skip == 0 => {
                if let Ok(s) = t.xml10_content() {
                    b.push_text(&s);
                }
            }
            Event::CData(t) if b.in_text && b.skip == 0 => {
                b.push_text(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) if b.in_text && b.skip == 0 => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*r {
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"amp" => Some('&'),
                        b"apos" => Some('\''),
                        b"quot" => Some('"'),
                        _ => None,
                    },
                };
                match c {
                    Some(c) => b.push_text(c.encode_utf8(&mut [0; 4])),
                    None => {
                        let entity = format!("&{};", String::from_utf8_lossy(&r));
                        return Err(ParseError::Entity(entity, b.place()));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(Document { blocks: b.blocks })
}

impl Builder {
    /// Where the reader is, as Word shows it: the table and row, or the
    /// paragraph counted from the body's start.
    fn place(&self) -> String {
        match &self.table {
            Some(t) => format!("第{}个表格第{}行", self.tables, t.rows.len() + 1),
            None => format!("正文第{}段", self.paragraphs + 1),
        }
    }

    fn push_text(&mut self, s: &str) {
        if self.in_run && self.run_hidden {
            return;
        }
        // A Symbol-font sign typed as text is kept in the file as a private
        // code (U+F0A3 for ≤): read as the sign it shows.
        let s: std::borrow::Cow<'_, str> = match s
            .chars()
            .any(|c| ('\u{F000}'..='\u{F0FF}').contains(&c))
        {
            false => std::borrow::Cow::Borrowed(s),
            true => std::borrow::Cow::Owned(
                s.chars()
                    .map(|c| match ('\u{F000}'..='\u{F0FF}').contains(&c) {
                        true => symbol(None, Some(&format!("{:04X}", u32::from(c)))).unwrap_or(c),
                        false => c,
                    })
                    .collect(),
            ),
        };
        if let Some(p) = self.paragraph.as_mut() {
            p.text.push_str(&s);
            let visible = s.chars().filter(|c| !c.is_whitespace()).count();
            if self.run_bold {
                p.bold_chars += visible;
            } else {
                p.plain_chars += visible;
            }
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.local_name();
        let local = name.as_ref();
        if skipped(local) {
            self.skip = usize::from(!empty);
            return;
        }
        if is_picture(local) {
            if let (Some(p), false) = (self.paragraph.as_mut(), self.in_run && self.run_hidden) {
                p.has_image = true;
            }
            self.skip = usize::from(!empty);
            return;
        }
        match local {
            b"sdt" => self.sdt_placeholder.push(false),
            b"showingPlcHdr" => {
                if let Some(last) = self.sdt_placeholder.last_mut() {
                    *last = true;
                }
            }
            b"sdtContent" if self.sdt_placeholder.last() == Some(&true) => {
                self.skip = usize::from(!empty);
            }
            b"tbl" => {
                self.table_depth += 1;
                if self.table_depth == 1 {
                    self.tables += 1;
                    self.table = Some(Table {
                        number: self.tables,
                        ..Table::default()
                    });
                }
            }
            _ if self.table_depth > 1 => {
                // A nested table: only its paragraphs matter (see `end`).
                if local == b"p" {
                    self.start_paragraph();
                }
                self.start_inline(e, local);
            }
            b"gridCol" => {
                if let Some(t) = self.table.as_mut() {
                    t.grid_columns += 1;
                }
            }
            b"tr" => {
                self.elements += 1;
                self.row = Some(Row::default());
            }
            b"gridBefore" => {
                if let Some(r) = self.row.as_mut() {
                    r.grid_before = number(e).min(MAX_COLUMNS);
                }
            }
            b"tblHeader" => {
                if let Some(r) = self.row.as_mut() {
                    r.repeat_header = on(e);
                }
            }
            b"tc" => {
                self.elements += 1;
                self.cell = Some(Cell {
                    span: 1,
                    ..Cell::default()
                })
            }
            b"gridSpan" => {
                if let Some(c) = self.cell.as_mut() {
                    c.span = number(e).clamp(1, MAX_COLUMNS);
                }
            }
            b"vMerge" => {
                if let Some(c) = self.cell.as_mut() {
                    c.merge = match attr(e, b"val").as_deref() {
                        Some("restart") => Merge::Restart,
                        _ => Merge::Continue,
                    };
                }
            }
            b"hMerge" => {
                if let Some(c) = self.cell.as_mut() {
                    c.merge_left = attr(e, b"val").as_deref() != Some("restart");
                }
            }
            b"p" => self.start_paragraph(),
            _ => self.start_inline(e, local),
        }
    }

    fn start_paragraph(&mut self) {
        self.elements += 1;
        self.paragraph = Some(Paragraph::default());
        self.mark_hidden = false;
        self.num_id = None;
        self.num_level = None;
    }

    /// Elements inside a paragraph.
    fn start_inline(&mut self, e: &BytesStart<'_>, local: &[u8]) {
        match local {
            b"pPr" => self.in_ppr = true,
            b"pStyle" if self.in_ppr => {
                if let Some(p) = self.paragraph.as_mut() {
                    p.style = attr(e, b"val");
                }
            }
            b"numId" if self.in_ppr => self.num_id = attr(e, b"val"),
            b"ilvl" if self.in_ppr => self.num_level = attr(e, b"val"),
            b"r" => {
                self.in_run = true;
                self.run_bold = false;
                self.run_hidden = false;
            }
            // The paragraph mark's own `w:rPr` (inside `w:pPr`) is not its
            // text: a hidden mark does not hide the paragraph's runs.
            b"b" if self.in_run && !self.in_ppr => self.run_bold = on(e),
            b"vanish" | b"specVanish" if self.in_run && !self.in_ppr => {
                self.run_hidden = on(e);
            }
            b"vanish" if self.in_ppr => self.mark_hidden = on(e),
            b"t" if self.in_run => self.in_text = true,
            b"tab" if self.in_run => self.push_text("\t"),
            b"br" | b"cr" if self.in_run && attr(e, b"type").as_deref() != Some("page") => {
                self.push_text("\n");
            }
            b"noBreakHyphen" if self.in_run => self.push_text("-"),
            // A sign from Insert › Symbol (`≤` in a target “≤30天”): not
            // text in the file, but read as the sign it shows.
            b"sym" if self.in_run => {
                if let Some(c) = symbol(attr(e, b"font").as_deref(), attr(e, b"char").as_deref()) {
                    let mut buf = [0u8; 4];
                    self.push_text(c.encode_utf8(&mut buf));
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, local: &[u8]) {
        match local {
            b"sdt" => {
                self.sdt_placeholder.pop();
            }
            b"pPr" => {
                self.in_ppr = false;
                if let Some(p) = self.paragraph.as_mut() {
                    p.numbering = NumRef::new(self.num_id.as_deref(), self.num_level.as_deref());
                }
            }
            b"r" => {
                self.in_run = false;
                self.run_bold = false;
                self.run_hidden = false;
            }
            b"t" => self.in_text = false,
            b"p" => self.end_paragraph(),
            b"tbl" => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if self.table_depth == 0 {
                    if let Some(t) = self.table.take() {
                        self.blocks.push(Block::Table(t));
                    }
                }
            }
            _ if self.table_depth > 1 => {}
            b"tc" => {
                if let (Some(c), Some(r)) = (self.cell.take(), self.row.as_mut()) {
                    r.cells.push(c);
                }
            }
            b"tr" => {
                if let (Some(r), Some(t)) = (self.row.take(), self.table.as_mut()) {
                    t.rows.push(r);
                }
            }
            _ => {}
        }
    }

    fn end_paragraph(&mut self) {
        let Some(mut p) = self.paragraph.take() else {
            return;
        };
        // A paragraph Word does not show at all (a template's hidden
        // instruction) is not a paragraph of the document: not text, not
        // an empty line between two parts of a table, not counted.
        if self.mark_hidden && p.text.is_empty() && !p.has_image {
            return;
        }
        let numbering = p
            .numbering
            .as_ref()
            .or_else(|| p.style.as_deref().and_then(|s| self.numbering.style_ref(s)))
            .cloned();
        if let Some(prefix) = numbering.and_then(|n| self.numbering.next(&n)) {
            p.text.insert_str(0, &prefix);
        }
        p.bold = p.bold_chars > 0 && p.plain_chars == 0;
        if self.table_depth > 0 {
            if let Some(c) = self.cell.as_mut() {
                c.has_image |= p.has_image;
                c.has_text_box |= p.has_text_box;
                c.paragraphs.push(p.text);
            }
        } else {
            self.paragraphs += 1;
            p.number = self.paragraphs;
            self.blocks.push(Block::Paragraph(p));
        }
    }
}

/// A `w:val` number attribute (0 when absent or malformed).
fn number(e: &BytesStart<'_>) -> usize {
    attr(e, b"val")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// A `w:val` on/off attribute (absent means on).
fn on(e: &BytesStart<'_>) -> bool {
    !matches!(attr(e, b"val").as_deref(), Some("0" | "false" | "off"))
}

/// The character a `w:sym` shows: `char` is its code in `font`. The Symbol
/// font's signs a unit types into an indicator's target or actual value
/// (private-use codes `F0xx`) are mapped to their Unicode signs; a code of
/// another font that is itself a character is taken as it is.
fn symbol(font: Option<&str>, code: Option<&str>) -> Option<char> {
    let code = u32::from_str_radix(code?.trim(), 16).ok()?;
    let low = code & 0xFF;
    // Another symbol font's private codes (Wingdings' ticks and boxes) are
    // other glyphs: not guessed.
    if (0xF000..=0xF0FF).contains(&code) && !font.is_none_or(|f| f.eq_ignore_ascii_case("Symbol")) {
        return None;
    }
    if font.is_some_and(|f| f.eq_ignore_ascii_case("Symbol")) || (0xF000..=0xF0FF).contains(&code) {
        let sign = match low {
            0xA3 => '≤',
            0xB3 => '≥',
            0xB1 => '±',
            0xB4 => '×',
            0xB8 => '÷',
            0xB9 => '≠',
            0xBB => '≈',
            0xB0 => '°',
            0xD6 => '√',
            0x25 => '%',
            0x3C => '<',
            0x3E => '>',
            0x3D => '=',
            _ => return None,
        };
        return Some(sign);
    }
    char::from_u32(code).filter(|c| !c.is_control())
}
