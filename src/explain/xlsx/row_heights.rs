//! Row heights for the summary workbook's wrapped texts.
//!
//! LibreOffice and WPS show a row that has no height of its own one line
//! high, however long its wrapped text (Excel sizes it when it opens the
//! file), so a note of three lines prints as its first line. Every row whose
//! texts wrap onto more lines is given the height of its tallest cell; so is
//! a row of one line of Chinese text, which LibreOffice sets taller than
//! the default row (it sat on the row's lower border).
//!
//! The heights are not set through `rust_xlsxwriter`: a constant-memory
//! worksheet keeps the settings of every row given a height until the file
//! is saved (tried: 2,000 units took 46 MB instead of 15.5 MB). Instead the
//! finished workbook is copied once, part by part, and the rows of each
//! worksheet are given their heights on the way, one row at a time: the
//! columns' widths are read from the sheet's `<cols>` (which comes before
//! its rows) and each text's lines counted against its column. Memory
//! stays that of one row.

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, Write};
use zip::write::SimpleFileOptions;

/// Points a line of wrapped 11-point text takes: LibreOffice sets a line
/// of Chinese text (Noto Sans CJK) 16 points apart, more than Excel's 15
/// of a Calibri line; the taller is taken, so that no line is cut off.
const LINE_POINTS: u32 = 16;

/// Points above the first line and below the last, so that the last line
/// does not touch the cell's border.
const ROW_PADDING_POINTS: u32 = 4;

/// The tallest row Excel accepts, in points.
const MAX_POINTS: u32 = 409;

/// Widths of 11-point characters, in thirds of a pixel at 96 dpi (so that
/// the sums stay whole): a Chinese or full-width character is 11 points,
/// 14.67 px; Calibri's digits are 7 px and its letters mostly narrower.
const WIDE: u32 = 44;
const NARROW: u32 = 21;

/// Thirds of a pixel of a cell that text does not use: the margins either
/// side of the text, and the border.
const CELL_PADDING: u32 = 3 * 6;

/// A column set `width` characters wide (Excel's unit: the width of the
/// digit 0 of the default font, 11-point Calibri) in pixels, as Excel draws
/// it: 7 px a character and 5 of padding. (`rust_xlsxwriter` writes the
/// padding into the file's width, 0.71 of a character, so that the width
/// read back is the pixels over 7.)
pub(super) fn column_px(width: f64) -> u32 {
    // Widths are at most 255 characters.
    (width.clamp(0.0, 255.0) * 7.0).round() as u32 + 5
}

/// The workbook `src` (as `rust_xlsxwriter` wrote it) into `out`, every
/// worksheet row of wrapped text given the height of its tallest cell.
pub(super) fn fit_row_heights<R: Read + Seek, W: Write>(src: R, out: W) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("无法生成 XLSX：{e}");
    let mut archive = zip::ZipArchive::new(src).map_err(|e| failed(&e))?;
    // As `rust_xlsxwriter` writes: a stream, each part's sizes after it.
    let mut zip = zip::ZipWriter::new_stream(out);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| failed(&e))?;
        let name = part.name().to_string();
        if !is_worksheet(&name) {
            // Copied through, not raw: a raw copy into a stream keeps the
            // part's “sizes follow” flag and writes no sizes after it,
            // which strict readers (`unzip -t`) refuse. These parts are
            // small (styles, the workbook's list of sheets).
            let options = SimpleFileOptions::default()
                .compression_method(part.compression())
                .last_modified_time(part.last_modified().unwrap_or_default())
                .unix_permissions(part.unix_mode().unwrap_or(0o600));
            zip.start_file(name, options).map_err(|e| failed(&e))?;
            std::io::copy(&mut part, &mut zip).map_err(|e| failed(&e))?;
            continue;
        }
        let options = SimpleFileOptions::default()
            .compression_method(part.compression())
            .last_modified_time(part.last_modified().unwrap_or_default())
            .unix_permissions(part.unix_mode().unwrap_or(0o600))
            // Heights make a part a little longer: a part near the 4 GB
            // of a plain zip entry is written as ZIP64.
            .large_file(part.size() >= u64::from(u32::MAX) / 2);
        zip.start_file(name, options).map_err(|e| failed(&e))?;
        // The XML is written in small pieces, an element at a time.
        let mut sheet = BufWriter::with_capacity(1 << 16, &mut zip);
        fit_sheet(BufReader::new(part), &mut sheet).map_err(|e| failed(&e))?;
        sheet.flush().map_err(|e| failed(&e))?;
    }
    zip.finish().map_err(|e| failed(&e))?;
    Ok(())
}

fn is_worksheet(name: &str) -> bool {
    name.starts_with("xl/worksheets/sheet") && name.ends_with(".xml")
}

/// One worksheet's XML, its rows given their heights. Everything else is
/// written back as it was read.
fn fit_sheet(src: impl BufRead, out: impl Write) -> Result<(), quick_xml::Error> {
    let mut reader = Reader::from_reader(src);
    let mut writer = Writer::new(out);
    let mut buf = Vec::new();
    // Column widths in pixels, by index from 0.
    let mut widths: Vec<u32> = Vec::new();
    let mut row: Option<Row> = None;
    loop {
        let event = reader.read_event_into(&mut buf)?;
        if let Event::Eof = event {
            break;
        }
        match (&mut row, &event) {
            (None, Event::Empty(e) | Event::Start(e)) if e.name().as_ref() == b"col" => {
                note_width(e, &mut widths);
                writer.write_event(event.borrow())?;
            }
            (None, Event::Start(e)) if e.name().as_ref() == b"row" => {
                row = Some(Row::new(e.clone().into_owned()));
            }
            (Some(r), Event::End(e)) if e.name().as_ref() == b"row" => {
                let start = r.start_tag();
                writer.write_event(Event::Start(start))?;
                writer.get_mut().write_all(r.body.get_ref())?;
                writer.write_event(event.borrow())?;
                row = None;
            }
            (Some(r), _) => r.take(&event, &widths)?,
            (None, _) => writer.write_event(event.borrow())?,
        }
        buf.clear();
    }
    Ok(())
}

/// Widths in pixels of the columns a `<col min=".." max=".." width="..">`
/// covers.
fn note_width(col: &BytesStart<'_>, widths: &mut Vec<u32>) {
    let attr = |name: &[u8]| {
        col.try_get_attribute(name)
            .ok()
            .flatten()
            .and_then(|a| String::from_utf8(a.value.into_owned()).ok())
    };
    let number = |name: &[u8]| attr(name).and_then(|v| v.parse::<usize>().ok());
    let (Some(min), Some(max), Some(width)) = (
        number(b"min"),
        number(b"max"),
        attr(b"width").and_then(|v| v.parse::<f64>().ok()),
    ) else {
        return;
    };
    // Excel's sheets have 16,384 columns.
    let max = max.min(16_384);
    if widths.len() < max {
        widths.resize(max, DEFAULT_PX);
    }
    let px = (width.clamp(0.0, 256.0) * 7.0).round() as u32;
    for w in widths.iter_mut().take(max).skip(min.saturating_sub(1)) {
        *w = px;
    }
}

/// A column without a `<col>`: Excel's default width, 8.43 characters.
const DEFAULT_PX: u32 = 64;

/// A row being read: its start tag, its cells as read, the lines its
/// tallest text takes, and whether a text holds Chinese characters.
struct Row {
    start: BytesStart<'static>,
    body: Writer<Vec<u8>>,
    lines: u32,
    chinese: bool,
    /// The cell being read: its column, and whether it holds a text.
    column: usize,
    is_text: bool,
    /// Inside the cell's `<t>`, and the text read so far.
    in_text: bool,
    text: String,
}

impl Row {
    fn new(start: BytesStart<'static>) -> Row {
        Row {
            start,
            body: Writer::new(Vec::new()),
            lines: 1,
            chinese: false,
            column: 0,
            is_text: false,
            in_text: false,
            text: String::new(),
        }
    }

    /// The next event inside the row: kept, and its text read.
    fn take(&mut self, event: &Event<'_>, widths: &[u32]) -> Result<(), quick_xml::Error> {
        match event {
            Event::Start(e) if e.name().as_ref() == b"c" => {
                self.column = e
                    .try_get_attribute("r")
                    .ok()
                    .flatten()
                    .map_or(self.column, |r| column_of(&r.value));
                // Only texts wrap: every text cell of the summary has a
                // wrapping format, and numbers and dates never wrap.
                self.is_text = e
                    .try_get_attribute("t")
                    .ok()
                    .flatten()
                    .is_some_and(|t| t.value.as_ref() == b"inlineStr");
                self.text.clear();
            }
            Event::Start(e) if e.name().as_ref() == b"t" => self.in_text = true,
            Event::End(e) if e.name().as_ref() == b"t" => self.in_text = false,
            Event::Text(t) if self.in_text => {
                self.text.push_str(&t.xml10_content()?);
            }
            Event::GeneralRef(r) if self.in_text => {
                // `&amp;` and the like: one narrow character.
                let c = r.resolve_char_ref()?.unwrap_or('&');
                self.text.push(c);
            }
            Event::End(e) if e.name().as_ref() == b"c" => {
                if self.is_text {
                    let width = widths.get(self.column).copied().unwrap_or(DEFAULT_PX);
                    self.lines = self.lines.max(lines(&self.text, width));
                    self.chinese = self.chinese || self.text.chars().any(is_wide);
                }
                self.is_text = false;
                self.column += 1;
            }
            _ => {}
        }
        self.body.write_event(event.borrow())?;
        Ok(())
    }

    /// The row's start tag: a height of its own where its texts take more
    /// than a line or hold Chinese text (a row of one line of digits and
    /// Latin letters keeps the default height).
    fn start_tag(&self) -> BytesStart<'static> {
        if self.lines <= 1 && !self.chinese {
            return self.start.clone();
        }
        let mut tag = BytesStart::new("row");
        for a in self.start.attributes().flatten() {
            if !matches!(a.key.as_ref(), b"ht" | b"customHeight") {
                tag.push_attribute(a);
            }
        }
        let points = self
            .lines
            .saturating_mul(LINE_POINTS)
            .saturating_add(ROW_PADDING_POINTS)
            .min(MAX_POINTS);
        tag.push_attribute(("ht", points.to_string().as_str()));
        tag.push_attribute(("customHeight", "1"));
        tag
    }
}

/// The column index (from 0) of a cell reference such as `AB12`.
fn column_of(reference: &[u8]) -> usize {
    let n = reference
        .iter()
        .take_while(|b| b.is_ascii_uppercase())
        .fold(0usize, |n, b| {
            n.saturating_mul(26)
                .saturating_add(usize::from(b - b'A') + 1)
        });
    n.saturating_sub(1)
}

/// Lines `text` takes in a wrapping cell `width` pixels wide: each of
/// its own lines, wrapped as a spreadsheet does, at spaces between words
/// and between any two Chinese characters, a word longer than the line cut
/// where the line ends. A closing mark (，。）” …) does not start a line
/// and an opening one (（“ …) does not end one: the character before it,
/// or the mark itself, goes to the next line.
pub(super) fn lines(text: &str, width: u32) -> u32 {
    let room = width
        .saturating_mul(3)
        .saturating_sub(CELL_PADDING)
        .max(WIDE);
    // Most cells are short: a text that would fit were every character
    // wide is one line, without a closer look.
    if !text.contains('\n') && (text.chars().count() as u64) * u64::from(WIDE) <= u64::from(room) {
        return 1;
    }
    let mut total = 0u32;
    for line in text.split('\n') {
        let mut wrap = Wrap {
            room,
            lines: 1,
            used: 0,
            last: 0,
        };
        // The word being read: a run of narrow characters, kept whole
        // where it fits on a line, or a wide character, a word of its own;
        // either with the opening marks before it.
        let mut word = 0u32;
        let mut narrow = false;
        for c in line.chars() {
            if c == ' ' {
                wrap.place(word, false);
                (word, narrow) = (0, false);
                // A space at a line's end is not carried to the next.
                wrap.used = (wrap.used + NARROW).min(room);
                wrap.last = 0;
            } else if is_wide(c) {
                if narrow {
                    wrap.place(word, false);
                    (word, narrow) = (0, false);
                }
                word += WIDE;
                if !is_opening(c) {
                    wrap.place(word, is_closing(c));
                    word = 0;
                }
            } else {
                word += NARROW;
                narrow = true;
            }
        }
        wrap.place(word, false);
        total = total.saturating_add(wrap.lines);
    }
    total.max(1)
}

/// Lines being filled.
struct Wrap {
    room: u32,
    lines: u32,
    /// Width used on the current line, and by its last word.
    used: u32,
    last: u32,
}

impl Wrap {
    /// A word `w` wide: on this line if it fits, else on the next one
    /// (a closing mark takes the word before it along).
    fn place(&mut self, w: u32, closing: bool) {
        if w == 0 {
            return;
        }
        if self.used + w <= self.room {
            self.used += w;
            self.last = w;
        } else if w <= self.room {
            let carried = if closing && self.last < self.used {
                self.last
            } else {
                0
            };
            self.lines += 1;
            self.used = carried + w;
            self.last = w;
        } else {
            // Longer than a line: cut where each line is full.
            if self.used > 0 {
                self.lines += 1;
            }
            let mut rest = w;
            while rest > self.room {
                self.lines += 1;
                rest -= self.room;
            }
            self.used = rest;
            self.last = rest;
        }
    }
}

/// A character drawn as wide as a Chinese one: CJK and full-width ones,
/// and the punctuation Chinese text shares with others (“ ” ‘ ’ – — …),
/// which a spreadsheet may draw in the Chinese font amid Chinese text
/// (the Latin-1 ones, such as ·, stay in the cell's Latin font).
fn is_wide(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{206F}') || crate::source::char_width(c) > 1
}

/// A mark that may not start a line.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '”'
            | '’'
            | '…'
            | '—'
    )
}

/// A mark that may not end a line.
fn is_opening(c: char) -> bool {
    matches!(c, '（' | '《' | '「' | '『' | '【' | '〔' | '“' | '‘')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_fits_is_one_line() {
        assert_eq!(lines("", column_px(10.0)), 1);
        assert_eq!(lines("评审人", column_px(10.0)), 1);
        assert_eq!(lines("rules/2022/sheet.jx:12", column_px(30.0)), 1);
    }

    #[test]
    fn chinese_text_wraps_at_its_column() {
        // 40 characters wide: 285 px, 279 for text, 19 Chinese characters.
        let note = "部".repeat(19);
        assert_eq!(lines(&note, column_px(40.0)), 1);
        assert_eq!(lines(&format!("{note}部"), column_px(40.0)), 2);
        assert_eq!(lines(&"部".repeat(95), column_px(40.0)), 5);
        assert_eq!(lines(&"部".repeat(96), column_px(40.0)), 6);
        // Quotation marks and dashes are drawn wide amid Chinese text.
        assert_eq!(lines(&"“部”".repeat(6), column_px(40.0)), 1);
        assert_eq!(lines(&"“部”".repeat(7), column_px(40.0)), 2);
    }

    #[test]
    fn a_closing_mark_takes_the_character_before_it_along() {
        let full = "部".repeat(19);
        let rest = "部".repeat(18);
        // The 。 cannot start the second line: 部。 does, and the second
        // line overflows.
        assert_eq!(lines(&format!("{full}。{rest}"), column_px(40.0)), 3);
        assert_eq!(lines(&format!("{full}部{rest}"), column_px(40.0)), 2);
        // An opening mark goes with what follows it.
        let first = "部".repeat(18);
        assert_eq!(lines(&format!("{first}（部{rest}"), column_px(40.0)), 3);
        assert_eq!(lines(&format!("{first}部部{rest}"), column_px(40.0)), 2);
    }

    #[test]
    fn own_lines_each_count() {
        assert_eq!(lines("张三 4 分\n李四 3 分", column_px(40.0)), 2);
        assert_eq!(
            lines(&format!("{}\n短", "部".repeat(30)), column_px(40.0)),
            3
        );
    }

    #[test]
    fn words_are_kept_whole_and_long_ones_cut() {
        // 10 characters wide: 75 px, 69 for text, 9 narrow characters.
        assert_eq!(lines("abcd efgh", column_px(10.0)), 1);
        assert_eq!(lines("abcde fghij", column_px(10.0)), 2);
        assert_eq!(lines(&"a".repeat(20), column_px(10.0)), 3);
    }

    #[test]
    fn columns_of_references() {
        assert_eq!(column_of(b"A1"), 0);
        assert_eq!(column_of(b"Z9"), 25);
        assert_eq!(column_of(b"AA3"), 26);
        assert_eq!(column_of(b"AG12"), 32);
    }

    /// Rows of one line of digits and Latin letters keep the default
    /// height; the others are as tall as their tallest text, Chinese text
    /// a little taller than the default.
    #[test]
    fn rows_are_given_the_height_of_their_tallest_text() {
        let long = "部".repeat(40);
        let xml = format!(
            "<?xml version=\"1.0\"?><worksheet><cols><col min=\"1\" max=\"1\" width=\"40.7109375\" customWidth=\"1\"/><col min=\"2\" max=\"3\" width=\"10.7109375\" customWidth=\"1\"/></cols><sheetData>\
             <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>short</t></is></c><c r=\"B1\"><v>2</v></c></row>\
             <row r=\"2\" spans=\"1:3\"><c r=\"A2\" s=\"2\" t=\"inlineStr\"><is><t>{long}</t></is></c><c r=\"B2\" s=\"3\"><v>1.5</v></c></row>\
             <row r=\"3\"><c r=\"C3\" t=\"inlineStr\"><is><t xml:space=\"preserve\">a &amp; b&#10;c\nd</t></is></c></row>\
             <row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>短</t></is></c></row>\
             </sheetData></worksheet>"
        );
        let mut out = Vec::new();
        fit_sheet(xml.as_bytes(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let expected = xml
            .replace(
                "<row r=\"2\" spans=\"1:3\">",
                "<row r=\"2\" spans=\"1:3\" ht=\"52\" customHeight=\"1\">",
            )
            .replace(
                "<row r=\"3\">",
                "<row r=\"3\" ht=\"52\" customHeight=\"1\">",
            )
            .replace(
                "<row r=\"4\">",
                "<row r=\"4\" ht=\"20\" customHeight=\"1\">",
            );
        assert_eq!(out, expected);
    }
}
