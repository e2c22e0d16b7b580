//! The parser's events of a TOML file in the form submissions are written
//! in, found by one pass over its bytes.
//!
//! Why: `toml_parser` lexes the whole file into tokens and then parses
//! them into events, looking at every byte of a long report section in
//! both passes; together that was a third of loading a submission. This
//! scanner gives the same events (the same kinds, encodings and spans,
//! without the whitespace, comments and line breaks that `document`'s
//! reading passes over) for a strict subset of TOML: bare or quoted keys,
//! dotted or not; table and array-of-table headers; strings of the four
//! kinds; numbers, booleans and dates as the run of bytes up to a
//! delimiter (decoded later by the parser's own decoder); arrays, over
//! several lines with comments; inline tables on one line. Anything else —
//! a form it does not take on, or anything that might be an error — gives
//! `None`, and the file is read through the parser as before, so every
//! problem is still the parser's to say. The tests of `document` compare
//! the two on every file of the repository, on the example mistyped
//! anywhere and on generated files.

use toml_parser::Span;
use toml_parser::decoder::Encoding;
use toml_parser::parser::{Event, EventKind};

/// The events of `text`, or `None` where the parser must read it. Arrays
/// and inline tables nested deeper than `max_depth` are left to it too.
pub(super) fn events(text: &str, max_depth: u32) -> Option<Vec<Event>> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        at: 0,
        // About one event a dozen bytes (a submission is mostly text).
        events: Vec::with_capacity(text.len() / 12 + 16),
        depth: 0,
        max_depth,
    };
    scan.document()?;
    Some(scan.events)
}

struct Scan<'t> {
    bytes: &'t [u8],
    at: usize,
    events: Vec<Event>,
    depth: u32,
    max_depth: u32,
}

/// Bytes that end an unquoted value (the lexer's own list, with the dot,
/// which inside a number or a time is part of the value, left out).
fn ends_atom(b: u8) -> bool {
    matches!(
        b,
        b',' | b'=' | b'[' | b']' | b'{' | b'}' | b' ' | b'\t' | b'#' | b'\r' | b'\n'
    )
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.bytes
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(s))
    }

    fn push(&mut self, kind: EventKind, encoding: Option<Encoding>, start: usize) {
        self.events.push(Event::new_unchecked(
            kind,
            encoding,
            Span::new_unchecked(start, self.at),
        ));
    }

    /// One byte as an event of its own (`=`, `,`, `.`, a bracket).
    fn punctuation(&mut self, kind: EventKind, len: usize) {
        let start = self.at;
        self.at += len;
        self.push(kind, None, start);
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    fn document(&mut self) -> Option<()> {
        loop {
            self.skip_spaces();
            match self.peek() {
                None => return Some(()),
                Some(b'\n' | b'\r' | b'#') => self.line_end()?,
                Some(b'[') => {
                    self.header()?;
                    self.line_end()?;
                }
                Some(_) => {
                    self.key_value()?;
                    self.line_end()?;
                }
            }
        }
    }

    /// After a header or a value: spaces, perhaps a comment, and the
    /// line's end (or the file's).
    fn line_end(&mut self) -> Option<()> {
        self.skip_spaces();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        self.newline()
    }

    /// A line break, `\n` or `\r\n` (a lone carriage return is the
    /// parser's to refuse), or the end of the file.
    fn newline(&mut self) -> Option<()> {
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.at += 1;
                Some(())
            }
            Some(b'\r') if self.starts_with(b"\r\n") => {
                self.at += 2;
                Some(())
            }
            _ => None,
        }
    }

    /// `#` to the line's end: only tabs, printable ASCII and the bytes of
    /// other characters, as the parser's reading checks.
    fn comment(&mut self) -> Option<()> {
        let rest = self.bytes.get(self.at..)?;
        let len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let mut comment = rest.get(..len)?;
        // A `\r\n` line end: the carriage return is the line break's.
        if let Some(before) = comment.strip_suffix(b"\r") {
            comment = before;
        }
        if !super::toml_bytes::comment_valid(comment) {
            return None;
        }
        self.at += comment.len();
        Some(())
    }

    /// `[a.b]` or `[[a.b]]`.
    fn header(&mut self) -> Option<()> {
        let array = self.starts_with(b"[[");
        match array {
            true => self.punctuation(EventKind::ArrayTableOpen, 2),
            false => self.punctuation(EventKind::StdTableOpen, 1),
        }
        self.skip_spaces();
        self.key()?;
        self.skip_spaces();
        match array {
            true if self.starts_with(b"]]") => self.punctuation(EventKind::ArrayTableClose, 2),
            false if self.peek() == Some(b']') => self.punctuation(EventKind::StdTableClose, 1),
            _ => return None,
        }
        Some(())
    }

    /// A key, its parts joined by dots.
    fn key(&mut self) -> Option<()> {
        self.simple_key()?;
        loop {
            let before = self.at;
            self.skip_spaces();
            if self.peek() != Some(b'.') {
                self.at = before;
                return Some(());
            }
            self.punctuation(EventKind::KeySep, 1);
            self.skip_spaces();
            self.simple_key()?;
        }
    }

    fn simple_key(&mut self) -> Option<()> {
        let start = self.at;
        match self.peek()? {
            b'"' if !self.starts_with(b"\"\"\"") => {
                self.basic_string()?;
                self.push(EventKind::SimpleKey, Some(Encoding::BasicString), start);
            }
            b'\'' if !self.starts_with(b"'''") => {
                self.literal_string()?;
                self.push(EventKind::SimpleKey, Some(Encoding::LiteralString), start);
            }
            _ => {
                let rest = self.bytes.get(self.at..)?;
                let len = rest
                    .iter()
                    .position(|&b| !super::toml_bytes::bare_key_byte(b))
                    .unwrap_or(rest.len());
                if len == 0 {
                    return None;
                }
                self.at += len;
                self.push(EventKind::SimpleKey, None, start);
            }
        }
        Some(())
    }

    /// `key = value`.
    fn key_value(&mut self) -> Option<()> {
        self.key()?;
        self.skip_spaces();
        if self.peek() != Some(b'=') {
            return None;
        }
        self.punctuation(EventKind::KeyValSep, 1);
        self.skip_spaces();
        self.value()
    }

    fn value(&mut self) -> Option<()> {
        let start = self.at;
        let encoding = match self.peek()? {
            b'"' if self.starts_with(b"\"\"\"") => {
                self.multi_line_string(b'"')?;
                Encoding::MlBasicString
            }
            b'"' => {
                self.basic_string()?;
                Encoding::BasicString
            }
            b'\'' if self.starts_with(b"'''") => {
                self.multi_line_string(b'\'')?;
                Encoding::MlLiteralString
            }
            b'\'' => {
                self.literal_string()?;
                Encoding::LiteralString
            }
            b'[' => return self.array(),
            b'{' => return self.inline_table(),
            _ => {
                let rest = self.bytes.get(self.at..)?;
                let len = rest
                    .iter()
                    .position(|&b| ends_atom(b))
                    .unwrap_or(rest.len());
                let atom = rest.get(..len)?;
                // A quote inside is a string opened wrong: the parser's to say.
                if len == 0 || atom.iter().any(|&b| b == b'"' || b == b'\'') {
                    return None;
                }
                self.at += len;
                self.push(EventKind::Scalar, None, start);
                return Some(());
            }
        };
        self.push(EventKind::Scalar, Some(encoding), start);
        Some(())
    }

    /// `"…"` on one line; an escaped quote does not end it (what the
    /// escapes say is the decoder's to read).
    fn basic_string(&mut self) -> Option<()> {
        self.at += 1;
        loop {
            let rest = self.bytes.get(self.at..)?;
            let found = memchr::memchr3(b'"', b'\\', b'\n', rest)?;
            self.at += found + 1;
            match rest.get(found)? {
                b'"' => return Some(()),
                // The escaped byte; a line break there is not one a
                // one-line string may hold.
                b'\\' if self.peek().is_some_and(|b| b != b'\n') => self.at += 1,
                _ => return None,
            }
        }
    }

    /// `'…'` on one line.
    fn literal_string(&mut self) -> Option<()> {
        self.at += 1;
        let rest = self.bytes.get(self.at..)?;
        let found = memchr::memchr2(b'\'', b'\n', rest)?;
        self.at += found + 1;
        (rest.get(found) == Some(&b'\'')).then_some(())
    }

    /// `"""…"""` or `'''…'''`: to the first three quotes not escaped, and
    /// up to two quotes more (the string's own last ones).
    fn multi_line_string(&mut self, quote: u8) -> Option<()> {
        self.at += 3;
        loop {
            let rest = self.bytes.get(self.at..)?;
            let found = match quote {
                b'"' => memchr::memchr2(b'"', b'\\', rest)?,
                _ => memchr::memchr(quote, rest)?,
            };
            self.at += found;
            if rest.get(found) == Some(&b'\\') {
                self.at += 2;
                continue;
            }
            if self.starts_with(&[quote; 3]) {
                self.at += 3;
                for _ in 0..2 {
                    if self.peek() == Some(quote) {
                        self.at += 1;
                    }
                }
                return Some(());
            }
            self.at += 1;
        }
    }

    /// Into an array or an inline table, if not too deep.
    fn open(&mut self, kind: EventKind) -> Option<()> {
        self.punctuation(kind, 1);
        self.depth += 1;
        (self.depth <= self.max_depth).then_some(())
    }

    fn close(&mut self, kind: EventKind) {
        self.depth = self.depth.saturating_sub(1);
        self.punctuation(kind, 1);
    }

    /// Spaces, line breaks and comments between an array's items.
    fn skip_blank(&mut self) -> Option<()> {
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b'#') => {
                    self.comment()?;
                    self.newline()?;
                }
                Some(b'\n' | b'\r') => self.newline()?,
                _ => return Some(()),
            }
        }
    }

    /// `[a, b, …]`, over as many lines as it likes, a comma after the last
    /// item or not.
    fn array(&mut self) -> Option<()> {
        self.open(EventKind::ArrayOpen)?;
        loop {
            self.skip_blank()?;
            if self.peek() == Some(b']') {
                break;
            }
            self.value()?;
            self.skip_blank()?;
            match self.peek()? {
                b',' => self.punctuation(EventKind::ValueSep, 1),
                b']' => break,
                _ => return None,
            }
        }
        self.close(EventKind::ArrayClose);
        Some(())
    }

    /// `{ k = v, … }` on one line, without a comma after the last entry.
    fn inline_table(&mut self) -> Option<()> {
        self.open(EventKind::InlineTableOpen)?;
        self.skip_spaces();
        if self.peek() != Some(b'}') {
            loop {
                self.key_value()?;
                self.skip_spaces();
                match self.peek()? {
                    b',' => {
                        self.punctuation(EventKind::ValueSep, 1);
                        self.skip_spaces();
                    }
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        self.close(EventKind::InlineTableClose);
        Some(())
    }
}
