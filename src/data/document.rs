//! A TOML file read into a light document: tables as vectors of entries in
//! the order they were made, every key and value with its span, numbers as
//! their own text.
//!
//! Why not the `toml` crate's `DeTable`: building it (a B-tree map per
//! table, keys cloned and compared, every table of a header removed and
//! inserted again) cost more than half of loading a submission. This
//! builder reads the same events of the same parser (`toml_parser`) and
//! makes the same values with the same spans for the forms submissions
//! are written in. (For the commonest forms the events are found by a
//! pass over the bytes, `toml_scan`, which gives the parser's own events
//! or leaves the file to it.) Whatever it does not take on — any error,
//! a key or a table written twice, a table extended in an unusual way —
//! it leaves to `DeTable`, whose result is then converted: a file's
//! problems are always `toml`'s own messages, and a file it accepts reads
//! the same either way (`tests` below compares the two on every shape).

use super::toml_bytes::{bare_key_byte, comment_valid, controls, holds};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};
use toml::value::Datetime;
use toml_parser::decoder::Encoding;
use toml_parser::parser::{Event, EventKind, EventReceiver};
use toml_parser::{ErrorSink, ParseError, Source, Span as TokenSpan};

/// A value with its span.
pub(crate) type Item<'s> = Spanned<Node<'s>>;

/// A key with its span (decoded: a quoted key without its quotes).
pub(crate) type KeyText<'s> = Spanned<Cow<'s, str>>;

/// A TOML value.
#[derive(Debug)]
pub(crate) enum Node<'s> {
    String(Cow<'s, str>),
    Integer(Number<'s>),
    Float(Number<'s>),
    Boolean(bool),
    Datetime(Datetime),
    Array(Array<'s>),
    Table(Table<'s>),
}

/// A number as written, `_` separators kept, with its radix (10 for floats).
#[derive(Debug)]
pub(crate) struct Number<'s> {
    text: Cow<'s, str>,
    radix: u32,
}

impl Number<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    pub(crate) fn radix(&self) -> u32 {
        self.radix
    }
}

/// An array: `[1, 2]`, or the tables of `[[name]]` headers.
#[derive(Debug, Default)]
pub(crate) struct Array<'s> {
    items: Vec<Item<'s>>,
    of_tables: bool,
}

impl<'s> Array<'s> {
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Item<'s>> {
        self.items.iter()
    }
}

/// A table's entries, in the order they were made.
#[derive(Debug, Default)]
pub(crate) struct Table<'s> {
    entries: Vec<(KeyText<'s>, Item<'s>)>,
    /// Made by a header or dotted key that named a table inside it.
    implicit: bool,
    /// Made or extended by a dotted key.
    dotted: bool,
    /// `{ … }`: closed once written.
    inline: bool,
    /// Positions by key, for a table of many keys (`level1_weights` of a
    /// few thousand): finding a written key again must not scan them all.
    /// Built at the first lookup past `SCAN_KEYS`; boxed, so that a
    /// table (and every value, which may be one) stays small to move.
    /// Rarely made: the extra allocation is not what clippy warns of.
    #[allow(clippy::box_collection)]
    by_key: Option<Box<HashMap<String, usize>>>,
}

/// Room a table is given at its first key.
const ROW_KEYS: usize = 8;

/// Tables with up to this many keys are searched by a scan.
const SCAN_KEYS: usize = 16;

/// Nesting of arrays and inline tables the fast reading goes into: the
/// submission's limit. A file nested deeper is left to the loader, whose
/// scan (`nesting::too_deep`) names where before `read_slow` is asked
/// (which has the `toml` crate's own limit, 80 levels, for what the scan
/// cannot see).
const RECURSION_LIMIT: u32 = super::MAX_SUBMISSION_NESTING as u32;

impl<'s> Table<'s> {
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&KeyText<'s>, &Item<'s>)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The entries in the order they are written in the file (a table
    /// taken up again by a later header is moved to the end of its
    /// parent): put in order only when they are not, which is rare.
    pub(crate) fn in_file_order(&self) -> InFileOrder<'_, 's> {
        let start = |(k, _): &(KeyText<'s>, Item<'s>)| k.span().start;
        let order = (!self.entries.is_sorted_by_key(start)).then(|| {
            let mut order: Vec<usize> = (0..self.entries.len()).collect();
            order.sort_by_key(|i| self.entries.get(*i).map(start));
            order
        });
        InFileOrder {
            table: self,
            order,
            at: 0,
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Item<'s>> {
        self.entries
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    fn position(&mut self, key: &str) -> Option<usize> {
        if self.entries.len() <= SCAN_KEYS {
            return self
                .entries
                .iter()
                .position(|(k, _)| k.get_ref().as_ref() == key);
        }
        let entries = &self.entries;
        let index = self.by_key.get_or_insert_with(|| {
            Box::new(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.get_ref().to_string(), i))
                    .collect(),
            )
        });
        index.get(key).copied()
    }

    fn push(&mut self, key: KeyText<'s>, value: Item<'s>) {
        if let Some(index) = &mut self.by_key {
            index.insert(key.get_ref().to_string(), self.entries.len());
        }
        // A row of a form has a handful of keys: room for them at once,
        // not grown (and its entries copied) at the second and the fifth.
        if self.entries.capacity() == 0 {
            self.entries.reserve(ROW_KEYS);
        }
        self.entries.push((key, value));
    }

    fn remove(&mut self, at: usize) -> (KeyText<'s>, Item<'s>) {
        self.by_key = None;
        self.entries.remove(at)
    }
}

/// A table's entries in file order (`Table::in_file_order`).
pub(crate) struct InFileOrder<'t, 's> {
    table: &'t Table<'s>,
    /// Positions of the entries in file order, when they are not in it.
    order: Option<Vec<usize>>,
    at: usize,
}

impl<'t, 's> Iterator for InFileOrder<'t, 's> {
    type Item = (&'t KeyText<'s>, &'t Item<'s>);

    fn next(&mut self) -> Option<Self::Item> {
        let i = match &self.order {
            Some(order) => *order.get(self.at)?,
            None => self.at,
        };
        self.at += 1;
        self.table.entries.get(i).map(|(k, v)| (k, v))
    }
}

impl<'s> Node<'s> {
    pub(crate) fn as_table(&self) -> Option<&Table<'s>> {
        match self {
            Node::Table(t) => Some(t),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_integer(&self) -> Option<&Number<'s>> {
        match self {
            Node::Integer(i) => Some(i),
            _ => None,
        }
    }
}

/// Read a TOML document; `toml`'s errors when it has any. (The loader
/// scans for nesting between the two readings.)
#[cfg(test)]
fn parse(text: &str) -> Result<Spanned<Table<'_>>, Vec<toml::de::Error>> {
    if let Some(doc) = read_fast(text) {
        return Ok(doc);
    }
    read_slow(text)
}

/// The reading by `DeTable`, which reports every error. It recurses once
/// per level of nesting: the caller bounds the nesting first.
pub(crate) fn read_slow(text: &str) -> Result<Spanned<Table<'_>>, Vec<toml::de::Error>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        Ok(from_de_table(table))
    } else {
        Err(errors)
    }
}

/// The document as `DeTable` gives it, converted.
fn from_de_table(doc: Spanned<DeTable<'_>>) -> Spanned<Table<'_>> {
    let span = doc.span();
    Spanned::new(span, table_from_de(doc.into_inner()))
}

fn table_from_de(table: DeTable<'_>) -> Table<'_> {
    let mut out = Table::default();
    for (key, value) in table {
        out.push(key, node_from_de(value));
    }
    out
}

fn node_from_de(value: Spanned<DeValue<'_>>) -> Item<'_> {
    let span = value.span();
    let node = match value.into_inner() {
        DeValue::String(s) => Node::String(s),
        DeValue::Integer(i) => Node::Integer(Number {
            radix: i.radix(),
            text: Cow::Owned(i.as_str().to_string()),
        }),
        DeValue::Float(f) => Node::Float(Number {
            radix: 10,
            text: Cow::Owned(f.as_str().to_string()),
        }),
        DeValue::Boolean(b) => Node::Boolean(b),
        DeValue::Datetime(d) => Node::Datetime(d),
        DeValue::Array(items) => Node::Array(Array {
            of_tables: false,
            items: items.into_iter().map(node_from_de).collect(),
        }),
        DeValue::Table(t) => Node::Table(table_from_de(t)),
    };
    Spanned::new(span, node)
}

/// The fast reading: `None` wherever it leaves the file to `read_slow`
/// (an error to report, or a form it does not read), and where arrays or
/// inline tables nest deeper than `MAX_SUBMISSION_NESTING`.
pub(crate) fn read_fast(text: &str) -> Option<Spanned<Table<'_>>> {
    let source = Source::new(text);
    // The common form by one pass over the bytes; the rest by the parser.
    let (events, scanned) = match super::toml_scan::events(text, RECURSION_LIMIT) {
        Some(events) => (events, true),
        None => (parser_events(source)?, false),
    };
    let mut reader = Reader {
        source,
        events: &events,
        at: 0,
        failed: Failed(false),
        scanned,
    };
    let root = reader.document()?;
    (!reader.failed.0).then(|| Spanned::new(0..0, root))
}

/// The parser's events of a file, as `Events` keeps them; `None` for a
/// file it refuses.
fn parser_events(source: Source<'_>) -> Option<Vec<Event>> {
    let tokens = source.lex().into_vec();
    let mut failed = Failed(false);
    let mut receiver = Events {
        events: Vec::with_capacity(tokens.len()),
        source,
        depth: 0,
        refused: false,
    };
    toml_parser::parser::parse_document(&tokens, &mut receiver, &mut failed);
    (!failed.0 && !receiver.refused).then_some(receiver.events)
}

/// The parser's events a document is read from, gathered as the parser's
/// own `Vec<Event>`, `RecursionGuard` and `ValidateWhitespace` together
/// would gather them, in one receiver: arrays and inline tables nested
/// past `RECURSION_LIMIT` are refused (and not descended into); comments
/// and line breaks are checked as they come, eight bytes at a time (a
/// comment holds no control character but a tab, nor DEL; a line break is
/// not a lone carriage return) and, with whitespace, not kept: the
/// document's reading passes over them. A refused file is left to
/// `read_slow`, which says why.
struct Events<'s> {
    events: Vec<Event>,
    source: Source<'s>,
    depth: u32,
    refused: bool,
}

impl Events<'_> {
    fn push(&mut self, kind: EventKind, encoding: Option<Encoding>, span: TokenSpan) {
        self.events.push(Event::new_unchecked(kind, encoding, span));
    }

    /// Into an array or inline table, if not too deep.
    fn open(&mut self, kind: EventKind, span: TokenSpan) -> bool {
        self.push(kind, None, span);
        self.depth += 1;
        let within = self.depth <= RECURSION_LIMIT;
        self.refused |= !within;
        within
    }

    fn close(&mut self, kind: EventKind, span: TokenSpan) {
        self.depth = self.depth.saturating_sub(1);
        self.push(kind, None, span);
    }
}

impl EventReceiver for Events<'_> {
    fn std_table_open(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        self.push(EventKind::StdTableOpen, None, span);
    }
    fn std_table_close(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        self.push(EventKind::StdTableClose, None, span);
    }
    fn array_table_open(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        self.push(EventKind::ArrayTableOpen, None, span);
    }
    fn array_table_close(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        self.push(EventKind::ArrayTableClose, None, span);
    }
    fn inline_table_open(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) -> bool {
        self.open(EventKind::InlineTableOpen, span)
    }
    fn inline_table_close(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        self.close(EventKind::InlineTableClose, span);
    }
    fn array_open(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) -> bool {
        self.open(EventKind::ArrayOpen, span)
    }
    fn array_close(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        self.close(EventKind::ArrayClose, span);
    }
    fn simple_key(&mut self, span: TokenSpan, encoding: Option<Encoding>, _: &mut dyn ErrorSink) {
        self.push(EventKind::SimpleKey, encoding, span);
    }
    fn key_sep(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        self.push(EventKind::KeySep, None, span);
    }
    fn key_val_sep(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        self.push(EventKind::KeyValSep, None, span);
    }
    fn scalar(&mut self, span: TokenSpan, encoding: Option<Encoding>, _: &mut dyn ErrorSink) {
        self.push(EventKind::Scalar, encoding, span);
    }
    fn value_sep(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        self.push(EventKind::ValueSep, None, span);
    }
    fn whitespace(&mut self, _: TokenSpan, _: &mut dyn ErrorSink) {}
    fn comment(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        let valid = self
            .source
            .get(span)
            .is_some_and(|raw| comment_valid(raw.as_bytes()));
        self.refused |= !valid;
    }
    fn newline(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        let valid = self
            .source
            .get(span)
            .is_some_and(|raw| raw.as_str() != "\r");
        self.refused |= !valid;
    }
    fn error(&mut self, span: TokenSpan, _: &mut dyn ErrorSink) {
        self.push(EventKind::Error, None, span);
    }
}

/// An error sink that only remembers that there was one.
struct Failed(bool);

impl ErrorSink for Failed {
    fn report_error(&mut self, _error: ParseError) {
        self.0 = true;
    }
}

/// A table header: `[a.b]` or `[[a.b]]`.
struct Header<'s> {
    path: Vec<KeyText<'s>>,
    key: KeyText<'s>,
    span: Range<usize>,
    is_array: bool,
}

struct Reader<'s, 'e> {
    source: Source<'s>,
    events: &'e [Event],
    at: usize,
    failed: Failed,
    /// Were the events scanned (`toml_scan`), which gives a key without
    /// quotes only when it is all bare-key bytes (its `simple_key`; the
    /// tests hold its events to the parser's, which refuses any other)?
    scanned: bool,
}

impl<'s> Reader<'s, '_> {
    fn next(&mut self) -> Option<Event> {
        let event = self.events.get(self.at).copied();
        self.at += 1;
        event
    }

    fn peek(&self, ahead: usize) -> Option<EventKind> {
        self.events.get(self.at + ahead).map(Event::kind)
    }

    fn document(&mut self) -> Option<Table<'s>> {
        let mut root: Option<Table<'s>> = None;
        let mut current = Table::default();
        let mut header: Option<Header<'s>> = None;
        while let Some(event) = self.next() {
            match event.kind() {
                EventKind::StdTableOpen | EventKind::ArrayTableOpen => {
                    finish_table(&mut root, &mut current, header.take())?;
                    let next = self.header(event)?;
                    current = start_table(root.as_mut()?, &next)?;
                    header = Some(next);
                }
                EventKind::SimpleKey => {
                    let (path, key) = self.key(event)?;
                    if self.peek(0) == Some(EventKind::Whitespace) {
                        self.at += 1;
                    }
                    if self.next()?.kind() != EventKind::KeyValSep {
                        return None;
                    }
                    if self.peek(0) == Some(EventKind::Whitespace) {
                        self.at += 1;
                    }
                    let value = self.value()?;
                    let dotted = !path.is_empty();
                    let parent = descend(&mut current, &path, dotted)?;
                    if dotted && !parent.implicit {
                        return None;
                    }
                    if parent.position(key.get_ref()).is_some() {
                        return None;
                    }
                    parent.push(key, value);
                }
                EventKind::Whitespace | EventKind::Comment | EventKind::Newline => {}
                _ => return None,
            }
        }
        finish_table(&mut root, &mut current, header)?;
        root.or(Some(current))
    }

    /// `[a.b]` or `[[a.b]]`, after its opening bracket.
    fn header(&mut self, open: Event) -> Option<Header<'s>> {
        let is_array = open.kind() == EventKind::ArrayTableOpen;
        let mut keys = None;
        let mut span = open.span();
        while let Some(event) = self.next() {
            match event.kind() {
                EventKind::ArrayTableClose | EventKind::StdTableClose => {
                    span = span.append(event.span());
                    break;
                }
                EventKind::SimpleKey => keys = Some(self.key(event)?),
                EventKind::Whitespace => {}
                _ => return None,
            }
        }
        let (path, key) = keys?;
        Some(Header {
            path,
            key,
            span: span.start()..span.end(),
            is_array,
        })
    }

    /// A key, dotted or not: the tables it passes through and its last part.
    fn key(&mut self, first: Event) -> Option<(Vec<KeyText<'s>>, KeyText<'s>)> {
        let mut path = Vec::new();
        let mut last = self.simple_key(first)?;
        while self.peek(0) == Some(EventKind::KeySep)
            || (self.peek(0) == Some(EventKind::Whitespace)
                && self.peek(1) == Some(EventKind::KeySep))
        {
            let mut next = None;
            while let Some(event) = self.next() {
                match event.kind() {
                    EventKind::Whitespace | EventKind::KeySep => {}
                    EventKind::SimpleKey => {
                        next = Some(event);
                        break;
                    }
                    _ => return None,
                }
            }
            path.push(std::mem::replace(&mut last, self.simple_key(next?)?));
        }
        if path.len() >= RECURSION_LIMIT as usize {
            return None;
        }
        Some((path, last))
    }

    fn simple_key(&mut self, event: Event) -> Option<KeyText<'s>> {
        let raw = self.source.get(event)?;
        let mut decoded = Cow::Borrowed("");
        let bare = event.encoding().is_none()
            && (self.scanned
                || (!raw.as_str().is_empty() && raw.as_str().bytes().all(bare_key_byte)));
        if bare {
            decoded = Cow::Borrowed(raw.as_str());
        } else {
            raw.decode_key(&mut decoded, &mut self.failed);
        }
        let span = event.span();
        Some(Spanned::new(span.start()..span.end(), decoded))
    }

    /// A value after `=` or in an array.
    fn value(&mut self) -> Option<Item<'s>> {
        let event = self.next()?;
        match event.kind() {
            EventKind::Scalar => self.scalar(event),
            EventKind::ArrayOpen => self.array(event),
            EventKind::InlineTableOpen => self.inline_table(event),
            _ => None,
        }
    }

    fn scalar(&mut self, event: Event) -> Option<Item<'s>> {
        let raw = self.source.get(event)?;
        if let Some(text) = plain_string(raw.as_str(), event.encoding()) {
            let span = event.span();
            let node = Node::String(Cow::Borrowed(text));
            return Some(Spanned::new(span.start()..span.end(), node));
        }
        if event.encoding().is_none() {
            if let Some(node) = plain_number(raw.as_str()) {
                let span = event.span();
                return Some(Spanned::new(span.start()..span.end(), node));
            }
        }
        let mut decoded = Cow::Borrowed("");
        let kind = raw.decode_scalar(&mut decoded, &mut self.failed);
        use toml_parser::decoder::ScalarKind;
        let node = match kind {
            ScalarKind::String => Node::String(decoded),
            ScalarKind::Boolean(b) => Node::Boolean(b),
            ScalarKind::DateTime => Node::Datetime(decoded.parse::<Datetime>().ok()?),
            ScalarKind::Float => Node::Float(Number {
                text: decoded,
                radix: 10,
            }),
            ScalarKind::Integer(radix) => Node::Integer(Number {
                text: decoded,
                radix: radix.value(),
            }),
        };
        let span = event.span();
        Some(Spanned::new(span.start()..span.end(), node))
    }

    fn array(&mut self, open: Event) -> Option<Item<'s>> {
        let mut items = Vec::new();
        let mut pending = None;
        loop {
            let event = self.next()?;
            match event.kind() {
                EventKind::Scalar => pending = Some(self.scalar(event)?),
                EventKind::ArrayOpen => pending = Some(self.array(event)?),
                EventKind::InlineTableOpen => pending = Some(self.inline_table(event)?),
                EventKind::ValueSep => items.extend(pending.take()),
                EventKind::Whitespace | EventKind::Comment | EventKind::Newline => {}
                EventKind::ArrayClose => {
                    items.extend(pending.take());
                    let span = open.span().start()..event.span().end();
                    let array = Array {
                        items,
                        of_tables: false,
                    };
                    return Some(Spanned::new(span, Node::Array(array)));
                }
                _ => return None,
            }
        }
    }

    /// `{ … }`. Dotted keys inside one are left to `DeTable`.
    fn inline_table(&mut self, open: Event) -> Option<Item<'s>> {
        let mut table = Table {
            inline: true,
            ..Table::default()
        };
        let mut key = None;
        let mut pending = None;
        loop {
            let event = self.next()?;
            match event.kind() {
                EventKind::SimpleKey => {
                    let (path, k) = self.key(event)?;
                    if !path.is_empty() {
                        return None;
                    }
                    key = Some(k);
                }
                EventKind::KeyValSep => {}
                EventKind::Scalar => pending = Some(self.scalar(event)?),
                EventKind::ArrayOpen => pending = Some(self.array(event)?),
                EventKind::InlineTableOpen => pending = Some(self.inline_table(event)?),
                EventKind::ValueSep | EventKind::InlineTableClose => {
                    match (key.take(), pending.take()) {
                        (Some(k), Some(v)) => {
                            if table.position(k.get_ref()).is_some() {
                                return None;
                            }
                            table.push(k, v);
                        }
                        (None, None) => {}
                        _ => return None,
                    }
                    if event.kind() == EventKind::InlineTableClose {
                        let span = open.span().start()..event.span().end();
                        return Some(Spanned::new(span, Node::Table(table)));
                    }
                }
                EventKind::Whitespace | EventKind::Comment | EventKind::Newline => {}
                _ => return None,
            }
        }
    }
}

/// A number as most of a submission's are written (`2022`, `-3`,
/// `348.64`), as the decoder would give it: its own text, an integer or a
/// float in base ten. Anything else (a sign `+`, a leading zero, `_`, an
/// exponent, `inf`, a date) is left to the decoder.
fn plain_number(text: &str) -> Option<Node<'_>> {
    let bytes = text.as_bytes();
    let unsigned = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let (whole, fraction) = match unsigned.iter().position(|&b| b == b'.') {
        Some(dot) => (unsigned.get(..dot)?, Some(unsigned.get(dot + 1..)?)),
        None => (unsigned, None),
    };
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    let no_leading_zero = whole == b"0" || !whole.starts_with(b"0");
    if !digits(whole) || !no_leading_zero || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    let number = Number {
        text: Cow::Borrowed(text),
        radix: 10,
    };
    Some(match fraction {
        Some(_) => Node::Float(number),
        None => Node::Integer(number),
    })
}

/// A string with nothing to decode, as the decoder would give it: its text
/// between the quotes (after a multi-line string's first line break), when
/// it has no escape, no carriage return and no control character. Long
/// report sections are mostly such text; the decoder looks at it byte by
/// byte, this test thirty-two bytes at a time, then eight.
fn plain_string(raw: &str, encoding: Option<Encoding>) -> Option<&str> {
    let (quotes, multi_line, escapes) = match encoding? {
        Encoding::BasicString => ("\"", false, true),
        Encoding::LiteralString => ("'", false, false),
        Encoding::MlBasicString => ("\"\"\"", true, true),
        Encoding::MlLiteralString => ("'''", true, false),
    };
    let inner = raw.strip_prefix(quotes)?.strip_suffix(quotes)?;
    let inner = if multi_line {
        inner.strip_prefix('\n').unwrap_or(inner)
    } else {
        inner
    };
    let quote = quotes.as_bytes().first().copied().unwrap_or(b'"');
    let bad = |b: u8| {
        (b < 0x20 && b != b'\t' && !(multi_line && b == b'\n'))
            || b == 0x7f
            || (escapes && b == b'\\')
            || (!multi_line && b == quote)
    };
    // Thirty-two bytes at a time, each byte tested as `bad` does, then
    // eight: a group of eight with no control byte, DEL, backslash or
    // quote is clean; only one holding one (a tab, a line of a multi-line
    // string, a quote in a literal) is looked at byte by byte. A
    // submission is mostly such strings, most of them Chinese text.
    let wide_bad = |group: &[u8; WIDE]| {
        group.iter().fold(false, |any, &b| {
            any | ((b < 0x20) & (b != b'\t') & !(multi_line & (b == b'\n')))
                | (b == 0x7f)
                | (escapes & (b == b'\\'))
                | (!multi_line & (b == quote))
        })
    };
    let mut wide = inner.as_bytes().chunks_exact(WIDE);
    let wide_clean = wide
        .by_ref()
        .all(|group| match <&[u8; WIDE]>::try_from(group) {
            Ok(group) => !wide_bad(group),
            Err(_) => false,
        });
    let mut groups = wide.remainder().chunks_exact(8);
    let clean = wide_clean
        && groups.by_ref().all(|group| {
            let v = u64::from_le_bytes(<[u8; 8]>::try_from(group).unwrap_or_default());
            !suspect(v) || !group.iter().any(|&b| bad(b))
        })
        && !groups.remainder().iter().any(|&b| bad(b));
    clean.then_some(inner)
}

/// Bytes of a string tested together: written byte by byte over a
/// fixed-size array, the test becomes a few vector compares, a fraction of
/// an instruction a byte (a report section is thousands of bytes).
const WIDE: usize = 32;

/// Does a group of eight bytes hold a byte below 0x20, DEL, a backslash or
/// a quote of either kind (a byte some string must not hold as it is)?
fn suspect(v: u64) -> bool {
    controls(v) | holds(v, 0x7f) | holds(v, b'\\') | holds(v, b'"') | holds(v, b'\'') != 0
}

/// Put the table read under `header` in its place (the first table, before
/// any header, is the root).
fn finish_table<'s>(
    root: &mut Option<Table<'s>>,
    current: &mut Table<'s>,
    header: Option<Header<'s>>,
) -> Option<()> {
    let table = std::mem::take(current);
    let Some(header) = header else {
        *root = Some(table);
        return Some(());
    };
    let parent = descend(root.as_mut()?, &header.path, false)?;
    let item = Spanned::new(header.span.clone(), Node::Table(table));
    if header.is_array {
        let at = match parent.position(header.key.get_ref()) {
            Some(at) => at,
            None => {
                let array = Array {
                    items: Vec::new(),
                    of_tables: true,
                };
                parent.push(header.key, Spanned::new(header.span, Node::Array(array)));
                parent.entries.len() - 1
            }
        };
        match parent.entries.get_mut(at).map(|(_, v)| v.get_mut()) {
            Some(Node::Array(array)) if array.of_tables => array.items.push(item),
            _ => return None,
        }
    } else {
        parent.push(header.key, item);
    }
    Some(())
}

/// The table a header opens: a table made earlier only by the headers of
/// the tables inside it (`[a.b]` before `[a]`) is taken up again; any other
/// table of that name is left to `DeTable` (its error).
fn start_table<'s>(root: &mut Table<'s>, header: &Header<'s>) -> Option<Table<'s>> {
    let mut table = Table::default();
    if !header.is_array {
        let parent = descend(root, &header.path, false)?;
        if let Some(at) = parent.position(header.key.get_ref()) {
            match parent.remove(at).1.into_inner() {
                Node::Table(t) if t.implicit && !t.dotted => table = t,
                _ => return None,
            }
        }
    }
    table.implicit = false;
    table.dotted = false;
    Some(table)
}

/// The table named by `path` below `table`, made where missing. A path
/// through an array of tables goes into its last table.
fn descend<'t, 's>(
    mut table: &'t mut Table<'s>,
    path: &[KeyText<'s>],
    dotted: bool,
) -> Option<&'t mut Table<'s>> {
    for key in path {
        let at = match table.position(key.get_ref()) {
            Some(at) => at,
            None => {
                let made = Table {
                    implicit: true,
                    dotted,
                    ..Table::default()
                };
                table.push(key.clone(), Spanned::new(key.span(), Node::Table(made)));
                table.entries.len() - 1
            }
        };
        let node = table.entries.get_mut(at)?.1.get_mut();
        table = match node {
            Node::Array(array) if array.of_tables => match array.items.last_mut()?.get_mut() {
                Node::Table(t) => t,
                _ => return None,
            },
            Node::Table(t) if !t.inline => {
                if dotted && t.implicit {
                    t.dotted = true;
                }
                if dotted && !t.implicit {
                    return None;
                }
                t
            }
            _ => return None,
        };
    }
    Some(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    /// Every key, value and span, tables' entries in the file's order.
    fn dump(item: &Item<'_>, out: &mut String) {
        let span = item.span();
        let _ = write!(out, "@{}..{} ", span.start, span.end);
        match item.get_ref() {
            Node::String(s) => {
                let _ = write!(out, "s{s:?}");
            }
            Node::Integer(n) => {
                let _ = write!(out, "i{}/{}", n.as_str(), n.radix());
            }
            Node::Float(n) => {
                let _ = write!(out, "f{}", n.as_str());
            }
            Node::Boolean(b) => {
                let _ = write!(out, "b{b}");
            }
            Node::Datetime(d) => {
                let _ = write!(out, "d{d}");
            }
            Node::Array(a) => {
                out.push('[');
                for item in a.iter() {
                    dump(item, out);
                    out.push(',');
                }
                out.push(']');
            }
            Node::Table(t) => {
                let mut entries: Vec<_> = t.iter().collect();
                entries.sort_by_key(|(k, _)| k.span().start);
                out.push('{');
                for (k, v) in entries {
                    let _ = write!(
                        out,
                        "{:?}@{}..{}=",
                        k.get_ref(),
                        k.span().start,
                        k.span().end
                    );
                    dump(v, out);
                    out.push(';');
                }
                out.push('}');
            }
        }
    }

    fn dump_doc(doc: Spanned<Table<'_>>) -> String {
        let span = doc.span();
        let mut s = String::new();
        dump(&Spanned::new(span, Node::Table(doc.into_inner())), &mut s);
        s
    }

    fn both(text: &str) -> (Option<String>, Option<String>) {
        scanned_as_parsed(text);
        let fast = read_fast(text).map(dump_doc);
        let (table, errors) = DeTable::parse_recoverable(text);
        let slow = errors.is_empty().then(|| dump_doc(from_de_table(table)));
        (fast, slow)
    }

    /// Where the scanner gives a file's events, the parser gives the same
    /// ones (and accepts the file). Whether it gave them.
    fn scanned_as_parsed(text: &str) -> bool {
        let Some(scanned) = super::super::toml_scan::events(text, RECURSION_LIMIT) else {
            return false;
        };
        assert_eq!(
            parser_events(Source::new(text)).as_deref(),
            Some(scanned.as_slice()),
            "{text:?}"
        );
        true
    }

    /// Read by the fast builder as by `DeTable`, or left to it.
    fn read_alike(text: &str) {
        let (fast, slow) = both(text);
        if fast.is_some() {
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    /// Read by the fast builder, and the same as `DeTable`.
    fn same(text: &str) {
        let (fast, slow) = both(text);
        assert!(
            fast.is_some(),
            "the fast reader left this to DeTable:\n{text}"
        );
        assert_eq!(fast, slow, "{text}");
    }

    /// Left to `DeTable` (an error, or a shape the fast reader does not
    /// take on), and still read the same through `parse`.
    fn left(text: &str) {
        let (fast, slow) = both(text);
        assert!(fast.is_none(), "the fast reader read this:\n{text}");
        if let Some(slow) = slow {
            assert_eq!(dump_doc(parse(text).unwrap()), slow);
        } else {
            assert!(parse(text).is_err());
        }
    }

    #[test]
    fn reads_what_detable_reads() {
        same("");
        same("format = 1\n[unit]\nname = \"岳阳楼区财政局\"\nyear = 2022\n");
        same("a = 1_000\nb = 0x1F\nc = 1.5e3\nd = -0.25\ne = true\nf = 2023-06-14\n");
        same("g = 2023-06-14T10:00:00+08:00\nh = 10:30:00\n");
        same("s = \"a\\tb\\u00e9\"\nt = 'raw \\n'\nu = \"\"\"\nline\n\"\"\"\nv = '''x'''\n");
        same("\"quoted key\" = 1\n'lit' = 2\n\"esc\\u0041\" = 3\n");
        same("[a]\nx = 1\n[a.b]\ny = 2\n[a.b.c]\nz = [1, 2, [3, 4]]\n");
        same("[a.b]\ny = 2\n[a]\nx = 1\n");
        same("[[rows]]\nn = 1\n[rows.sub]\nm = 2\n[[rows]]\nn = 3\n[[rows.items]]\nk = 4\n");
        same("[x]\n[[x.rows]]\na = 1\n[[x.rows]]\na = 2\n");
        same("w = { \"产出指标\" = 50, '效益' = 30, x = { y = [1, {z = 2}] } }\n");
        same("e = {}\nl = []\nm = [ 1 , 2 , ]\nn = [\n  1, # one\n  2,\n]\n");
        same("a.b = 1\na.c = 2\nd . e = 3\n[t]\nu.v.w = 4\n");
        same("a = \"tab\there\"\nb = '''\n多行\n文字'''\nc = \"\"\"\r\nx\r\ny\"\"\"\n");
        same("d = \"\"\"\n\"引号\" \\\n  续\"\"\"\ne = '''\n'''\nf = \"\"\ng = ''\n");
        same("h = \"\"\"\"\"\"\ni = '''it's'''\nj = \"\"\"a \"b\" c\"\"\"\n");
        same("k-1_a = 1\n\"\" = 2\n");
        same("# comment only\n\n  [ spaced . header ]  # c\n  k = \"v\"  # c\n");
        same("[[a]]\n[[a]]\nb.c = 1\n");
        let many: String = (0..100).map(|i| format!("k{i} = {i}\n")).collect();
        same(&format!("[m]\n{many}[n]\nx = 1\n"));
    }

    /// A string's test looks at thirty-two bytes at a time, then eight: a
    /// byte to decode or refuse, at every place in and around a group of
    /// either size, is still seen.
    #[test]
    fn strings_are_read_alike_wherever_their_odd_byte_stands() {
        let odd = ["\t", "\\n", "\"", "'", "\u{1}", "\u{7f}", "\r", "\n", "x"];
        for at in 0..80 {
            let before = "ab".repeat(at / 2) + if at % 2 == 1 { "c" } else { "" };
            for o in odd {
                for (open, close) in [
                    ("\"", "\""),
                    ("'", "'"),
                    ("\"\"\"", "\"\"\""),
                    ("\'\'\'", "\'\'\'"),
                ] {
                    let text = format!("s = {open}{before}{o}文字{close}\n");
                    let (fast, slow) = both(&text);
                    match slow {
                        Some(slow) => assert_eq!(fast.unwrap_or(slow.clone()), slow, "{text:?}"),
                        None => assert!(fast.is_none(), "{text:?}"),
                    }
                }
            }
        }
    }

    /// Comments are checked eight bytes at a time: a control character,
    /// DEL or a lone carriage return at every place in and around a group
    /// leaves the file to `DeTable`; a tab or a Chinese character does not.
    #[test]
    fn comments_are_read_alike_wherever_their_odd_byte_stands() {
        let odd = ["\t", "\u{1}", "\u{1f}", "\u{7f}", "\r", "x", "文"];
        for at in 0..20 {
            let before = "ab".repeat(at / 2) + if at % 2 == 1 { "c" } else { "" };
            for o in odd {
                for text in [
                    format!("# {before}{o}说明\na = 1\n"),
                    format!("a = 1 #{before}{o}\n"),
                    format!("a = [\n  1, # {before}{o}\n]\n"),
                ] {
                    let (fast, slow) = both(&text);
                    match slow {
                        Some(slow) => assert_eq!(fast, Some(slow), "{text:?}"),
                        None => assert!(fast.is_none(), "{text:?}"),
                    }
                }
            }
        }
        left("a = 1\r");
        left("a = 1\rb = 2\n");
        same("a = 1\r\nb = 2\r\n");
    }

    /// Arrays and inline tables are read as deep as a submission may nest
    /// them; one level more is left to `DeTable` (and, before it, to the
    /// loader's scan, which names where).
    #[test]
    fn nesting_is_read_to_the_submissions_limit() {
        let deep = |n: usize, open: &str, close: &str| {
            format!("a = {}1{}\n", open.repeat(n), close.repeat(n))
        };
        let limit = RECURSION_LIMIT as usize;
        same(&deep(limit, "[", "]"));
        left(&deep(limit + 1, "[", "]"));
        // An inline table and an array: two levels each.
        same(&deep(limit / 2, "{ b = [", "] }"));
        left(&deep(limit / 2, "{ b = [", "] }").replacen('1', "[1]", 1));
    }

    #[test]
    fn leaves_errors_and_unusual_shapes_to_detable() {
        left("a = 1\na = 2\n");
        left("[a]\n[a]\n");
        left("a = 1\n[a]\n");
        left("[a]\nb = 1\n[a.b]\n");
        left("a.b = 1\n[a]\n");
        left("[a]\nx.y = 1\n[a.x]\n");
        left("a = [1]\n[[a]]\n");
        left("t = { a.b = 1 }\n");
        left("t = { a = 1, a = 2 }\n");
        left("a = \"unterminated\n");
        left("d = 2023/06/14\n");
        left("d = 2023-02-30\n");
        left("= 1\n");
        left("[a\n");
        left("x = 1 y = 2\n");
        left("c = \"bell\u{7}\"\n");
        left("c = '''a\rb'''\n");
        left("c = \"del\u{7f}\"\n");
        let many: String = (0..100).map(|i| format!("k{i} = {i}\n")).collect();
        left(&format!("{many}k42 = 0\n"));
    }

    #[test]
    fn entries_are_given_in_file_order_however_they_are_kept() {
        let text = "b = 1\n[t]\nz = 2\na = 3\n[c]\n";
        let keys = |doc: &Spanned<Table<'_>>| -> Vec<String> {
            let mut keys = Vec::new();
            for (k, v) in doc.get_ref().in_file_order() {
                keys.push(k.get_ref().to_string());
                for (k, _) in v
                    .get_ref()
                    .as_table()
                    .map(Table::in_file_order)
                    .into_iter()
                    .flatten()
                {
                    keys.push(k.get_ref().to_string());
                }
            }
            keys
        };
        let fast = read_fast(text).unwrap_or_else(|| Spanned::new(0..0, Table::default()));
        // `DeTable` keeps keys in their sorted order: put back in the file's.
        let slow = read_slow(text).unwrap_or_else(|_| Spanned::new(0..0, Table::default()));
        assert_eq!(keys(&fast), ["b", "t", "z", "a", "c"]);
        assert_eq!(keys(&slow), keys(&fast));
    }

    #[test]
    fn reads_the_example_itself() {
        let text = include_str!("../../examples/2022/yueyanglou-finance-office.toml");
        same(text);
    }

    /// Every TOML file of the repository (examples, rule test cases, review
    /// files, fixtures) reads the same both ways.
    #[test]
    fn reads_every_file_of_the_repository_as_detable_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["examples", "tests", "rules"] {
            collect(&root.join(dir), &mut files);
        }
        assert!(files.len() > 20, "found only {} files", files.len());
        let (mut fast, mut scanned) = (0, 0);
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            scanned += usize::from(scanned_as_parsed(&text));
            let (f, slow) = both(&text);
            if f.is_some() {
                fast += 1;
                assert_eq!(f, slow, "{}", path.display());
            }
        }
        assert!(
            fast * 10 >= files.len() * 9,
            "{fast} of {} read fast",
            files.len()
        );
        // The scanner takes the forms the repository's files are written
        // in (the rest are written to be refused or odd).
        assert!(
            scanned * 10 >= files.len() * 8,
            "{scanned} of {} scanned",
            files.len()
        );
        let example =
            std::fs::read_to_string(root.join("examples/2022/yueyanglou-finance-office.toml"))
                .unwrap();
        assert!(scanned_as_parsed(&example), "the example is not scanned");
    }

    /// Values of every kind and of the odd forms around them (a string
    /// ending in quotes, an escape before its closing quotes, a date with
    /// a space, an inline table with a trailing comma) and some mistakes.
    const VALUES: &[&str] = &[
        "1",
        "-2.5",
        "1.5e3",
        "0x1F",
        "1_000",
        "-0",
        "00",
        "0.50",
        "-12.340",
        "1e5",
        "+1.5",
        "-.5",
        "01.5",
        "1.2.3",
        "-",
        "+inf",
        "nan",
        "true",
        "2023-06-14",
        "2023-06-14T10:00:00+08:00",
        "10:30:00",
        "1979-05-27 07:32:00",
        "1.",
        ".5",
        "1 2",
        "\"a\"",
        "\"a\\\"b\"",
        "\"\\\\\"",
        "\"tab\\there\"",
        "\"中文“引号”\"",
        "\"\"",
        "'lit'",
        "''",
        "\"a\" x",
        "\"unterminated",
        "'bad",
        "\"a\\\n\"",
        "\"\"\"\nx\n\"\"\"",
        "\"\"\"a\"\"\"\"",
        "\"\"\"a\"\"\"\"\"",
        "\"\"\"a\"\"\"\"\"\"",
        "\"\"\"a\\\"\"\"\"",
        "\"\"\"a\\\n  b\"\"\"",
        "\"\"\"\"\"\"",
        "'''a''''",
        "'''a'''''",
        "'''a''''''",
        "'''\n'''",
        "'''it's'''",
        "[1, 2]",
        "[1, 2,]",
        "[\n  1, # c\n  2\n]",
        "[ ]",
        "[[1], [\"x\"]]",
        "[,]",
        "[1 2]",
        "[\r\n1,\r\n]",
        "{ a = 1 }",
        "{a=1,b=\"x\"}",
        "{ a = 1, }",
        "{}",
        "{ a = [1, {b = 2}] }",
        "{ a.b = 1, 'c' = 2 }",
        "{ a = 1\n}",
        "{ a = 1 } x",
        "=",
        "",
        "\"a\"#c",
        "1#c",
        "[1]#c",
        "x\u{1}",
        "\"\u{1}\"",
        "\"\u{7f}\"",
        "'a\tb'",
    ];
    const KEYS: &[&str] = &[
        "a",
        "b-1_C",
        "\"q k\"",
        "'lit k'",
        "a.b",
        "a . b",
        "\"\"",
        "\"a\\\"b\"",
        "中文",
        "a..b",
        "1.2",
        "\"\"\"k\"\"\"",
        "a.\"b\".'c'",
    ];
    const HEADERS: &[&str] = &[
        "[t]",
        "[[rows]]",
        "[ a . b ]",
        "[[ x.y ]]",
        "[a]]",
        "[[a]",
        "[\"q\"]",
        "[[a] ]",
        "[]",
        "[ [a]]",
    ];
    const ENDS: &[&str] = &["\n", "\r\n", "\r", " # c\n", "\t#\u{1}\n", "# c\r\n", ""];

    /// Every value, key and header alone, with every line end: the
    /// scanner's events are the parser's wherever it gives them, and it
    /// gives them for the ordinary forms.
    #[test]
    fn scanned_events_are_the_parsers_for_every_form() {
        let mut scanned = 0;
        for end in ENDS {
            for value in VALUES {
                for key in KEYS {
                    let text = format!("{key} = {value}{end}");
                    scanned += usize::from(scanned_as_parsed(&text));
                    read_alike(&text);
                }
            }
            for header in HEADERS {
                let text = format!("{header}{end}a = 1{end}");
                scanned += usize::from(scanned_as_parsed(&text));
                read_alike(&text);
            }
        }
        assert!(scanned > 1000, "only {scanned} scanned");
        for text in [
            "k = \"a\"\n",
            "[t]\nk = 1\n",
            "k = [\n 1,\n]\n",
            "k = {a = 'x'}",
        ] {
            assert!(scanned_as_parsed(text), "{text:?}");
        }
    }

    proptest::proptest! {
        /// Documents of lines of those forms, in any order and indented
        /// or not: the same events, or left to the parser.
        #[test]
        fn scanned_documents_are_parsed_alike(lines in proptest::collection::vec(
            (0..4usize, proptest::sample::select(KEYS), proptest::sample::select(VALUES),
             proptest::sample::select(HEADERS), proptest::sample::select(ENDS),
             proptest::sample::select(&["", "  ", "\t"][..])),
            1..8,
        )) {
            let mut text = String::new();
            for (kind, key, value, header, end, indent) in lines {
                text.push_str(indent);
                match kind {
                    0 => text.push_str(header),
                    1 => text.push_str("# 说明"),
                    _ => text.push_str(&format!("{key} = {value}")),
                }
                text.push_str(if end.is_empty() { "\n" } else { end });
            }
            scanned_as_parsed(&text);
            let (fast, slow) = both(&text);
            if let Some(fast) = fast {
                proptest::prop_assert_eq!(Some(fast), slow);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The example with one byte replaced, inserted or removed (a
        /// quote, a bracket, a line break, a control character…) anywhere:
        /// the scanner gives the parser's events or leaves it to the parser.
        #[test]
        fn a_submission_mistyped_anywhere_is_scanned_as_parsed(
            at in 0..1_000_000usize,
            edit in 0..3usize,
            odd in proptest::sample::select(&[
                "\"", "'", "\\", "\n", "\r", "#", "[", "]", "{", "}", ",", "=", ".", " ", "\t",
                "\u{1}", "\u{7f}", "x", "中", "\"\"\"", "'''", "\r\n",
            ][..]),
        ) {
            let example = include_str!("../../examples/2022/yueyanglou-finance-office.toml");
            let mut at = at % (example.len() + 1);
            while !example.is_char_boundary(at) {
                at -= 1;
            }
            let (before, after) = example.split_at(at);
            let after = match edit {
                0 => after,
                _ => after.get(after.chars().next().map_or(0, char::len_utf8)..).unwrap_or(""),
            };
            let text = match edit {
                2 => format!("{before}{after}"),
                _ => format!("{before}{odd}{after}"),
            };
            scanned_as_parsed(&text);
        }
    }

    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                collect(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }

    /// Documents made of headers, keys and values that collide in every
    /// way (a table twice, a key and a table of one name, dotted keys into
    /// headers' tables, arrays of tables and their sub-tables): the fast
    /// reader never accepts what `DeTable` refuses, and what it reads is
    /// what `DeTable` reads.
    mod generated {
        use super::*;
        use proptest::prelude::*;
        use proptest::sample::select;

        const FRAGMENTS: [&str; 26] = [
            "[a]",
            "[a.b]",
            "[b]",
            "[[r]]",
            "[r.s]",
            "[[r.t]]",
            "[[a.c]]",
            "[a.b.c]",
            "x = 1",
            "y = \"文字\"",
            "x.y = 2",
            "a.b = 3",
            "z = { p = 1, q = [1, 2] }",
            "w = [ {k = 1}, {k = 2} ]",
            "b = 'lit'",
            "c = \"\"\"\nml\n\"\"\"",
            "d = 2023-06-14",
            "e = 1_000.5",
            "f = true",
            "\"q k\" = 1",
            "g = \"esc\\tx\"",
            "r = 1",
            "s.t = { u = 1 }",
            "a = {}",
            "[ 'a' . \"b\" ]",
            "# 注释",
        ];

        proptest! {
            #[test]
            fn fast_reader_agrees_with_detable(parts in proptest::collection::vec(select(&FRAGMENTS[..]), 0..12)) {
                let text = parts.join("\n");
                let (fast, slow) = both(&text);
                if let Some(fast) = fast {
                    prop_assert_eq!(Some(fast), slow, "{}", text);
                }
            }
        }
    }
}
