//! Source files and byte spans. Spans are converted from pest exactly once,
//! in `syntax::build`; everything downstream carries this `Copy` type.

use std::sync::{Arc, OnceLock};

/// A half-open byte range into one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
    /// Which file of the rule set (index into `RuleSet::files`).
    pub file: u16,
}

impl Span {
    /// A span of `file` covering `range`.
    pub fn new(file: u16, range: std::ops::Range<usize>) -> Self {
        Span {
            start: u32::try_from(range.start).unwrap_or(u32::MAX),
            end: u32::try_from(range.end).unwrap_or(u32::MAX),
            file,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
            file: self.file,
        }
    }

    /// The span for miette.
    pub fn source_span(self) -> miette::SourceSpan {
        (self.start as usize, (self.end - self.start) as usize).into()
    }
}

/// One named text: a rule file or a submission. A shared handle: a
/// judgment's place, a problem and a report each keep the file they name,
/// and a copy is one count more, not two names and a table copied.
#[derive(Clone, Debug)]
pub struct SourceFile(Arc<SourceText>);

/// What a `SourceFile` holds (its fields are read through the handle:
/// `file.name`, `file.text`).
#[derive(Debug)]
pub struct SourceText {
    /// The name shown to users (a path relative to where it was found).
    pub name: String,
    /// The whole text.
    pub text: Arc<str>,
    /// The same, named, for miette.
    pub named: miette::NamedSource<Arc<str>>,
    /// What comes before each `LINE_BLOCK` bytes of the text, for
    /// `line_col`: made on the first call (loading and scoring name no
    /// line; a report does, for what it shows).
    blocks: OnceLock<Blocks>,
}

impl std::ops::Deref for SourceFile {
    type Target = SourceText;
    fn deref(&self) -> &SourceText {
        &self.0
    }
}

impl SourceFile {
    /// A file named `name` holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let (name, text) = (name.into(), text.into());
        let named = miette::NamedSource::new(name.clone(), Arc::clone(&text));
        SourceFile(Arc::new(SourceText {
            name,
            text,
            named,
            blocks: OnceLock::new(),
        }))
    }

    /// 1-based line and column (in characters) of a byte offset. What
    /// comes before the offset's block of `LINE_BLOCK` bytes is counted
    /// once per file (`Blocks`); within the block, when asked. A place far
    /// into a long line (a table of rows written inline, on one line) is
    /// found without walking the line from its start for every place.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let text = self.text.as_bytes();
        let offset = (offset as usize).min(text.len());
        let blocks = self.blocks.get_or_init(|| Blocks::of(text));
        let block = offset / LINE_BLOCK;
        let block_start = block * LINE_BLOCK;
        let within = text.get(block_start..offset).unwrap_or_default();
        let line = blocks.newlines(block) + memchr::memchr_iter(b'\n', within).count() + 1;
        let line_start = match memchr::memrchr(b'\n', within) {
            Some(i) => block_start + i + 1,
            None => blocks.line_start(block),
        };
        // An offset inside a character has no column of its own.
        if !self.text.is_char_boundary(offset) {
            return (line, 1);
        }
        let column = match offset - line_start > LINE_BLOCK {
            // The line started before this block.
            true => blocks.columns(block, text) + characters(within),
            false => characters(text.get(line_start..offset).unwrap_or_default()),
        };
        (line, column + 1)
    }
}

/// Bytes of a file whose newlines and characters `line_col` counts when
/// asked.
const LINE_BLOCK: usize = 1024;

/// For each block of `LINE_BLOCK` bytes (one entry more than there are
/// whole blocks): the newlines before it and where its line starts; and,
/// made only when a place is asked for far into a long line, the
/// characters from its line's start to it.
#[derive(Debug)]
struct Blocks {
    newlines: Box<[u32]>,
    line_starts: Box<[u32]>,
    columns: OnceLock<Box<[u32]>>,
}

impl Blocks {
    fn of(text: &[u8]) -> Blocks {
        let count = text.len() / LINE_BLOCK + 1;
        let (mut newlines, mut line_starts) =
            (Vec::with_capacity(count), Vec::with_capacity(count));
        let (mut total, mut line_start) = (0, 0);
        newlines.push(0);
        line_starts.push(0);
        for (k, block) in text.chunks_exact(LINE_BLOCK).enumerate() {
            total += memchr::memchr_iter(b'\n', block).count();
            if let Some(i) = memchr::memrchr(b'\n', block) {
                line_start = k * LINE_BLOCK + i + 1;
            }
            newlines.push(saturating_u32(total));
            line_starts.push(saturating_u32(line_start));
        }
        Blocks {
            newlines: newlines.into(),
            line_starts: line_starts.into(),
            columns: OnceLock::new(),
        }
    }

    fn newlines(&self, block: usize) -> usize {
        self.newlines.get(block).copied().unwrap_or(0) as usize
    }

    fn line_start(&self, block: usize) -> usize {
        self.line_starts.get(block).copied().unwrap_or(0) as usize
    }

    /// Characters from the start of the line holding the block's start to
    /// that start.
    fn columns(&self, block: usize, text: &[u8]) -> usize {
        let columns = self.columns.get_or_init(|| {
            let mut columns = Vec::with_capacity(self.newlines.len());
            let mut running = 0;
            columns.push(0);
            for block in text.chunks_exact(LINE_BLOCK) {
                running = match memchr::memrchr(b'\n', block) {
                    Some(i) => characters(block.get(i + 1..).unwrap_or_default()),
                    None => running + characters(block),
                };
                columns.push(saturating_u32(running));
            }
            columns.into()
        });
        columns.get(block).copied().unwrap_or(0) as usize
    }
}

/// Characters in UTF-8 bytes: the bytes that start one (not `10xxxxxx`).
/// Exact on any piece of a text, so pieces cut inside a character add up.
fn characters(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b as i8) >= -0x40).count()
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// miette names a place `file:line:column` with the column in bytes; the
/// JSON report and every other message count characters, and an editor's
/// "go to line:column" does too. The same span, its column in characters.
impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self
            .named
            .read_span(span, context_lines_before, context_lines_after)?;
        if context_lines_before > 0 {
            // Starts at a line's start: column 0 either way.
            return Ok(contents);
        }
        let offset = u32::try_from(span.offset()).unwrap_or(u32::MAX);
        let (_, column) = self.line_col(offset);
        Ok(Box::new(miette::MietteSpanContents::new_named(
            contents.name().unwrap_or(&self.name).to_string(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column - 1,
            contents.line_count(),
        )))
    }
}

/// Columns a monospace font gives `s`: CJK and full-width characters take
/// two. Tables, aligned comments and excerpts all measure with this.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Columns a monospace font gives `c`: two for a CJK or full-width
/// character, else one.
pub fn char_width(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 => 2,
        _ => 1,
    }
}

/// Edit distance in characters, for "did you mean" help: insertions,
/// deletions, substitutions and two neighbours swapped (`dnoe` is one slip
/// from `done`) each count one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: the one before the previous (for a swap),
    // the previous and the current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let at = |row: &[usize], k: usize| row.get(k).copied().unwrap_or(usize::MAX);
            let substitution = at(&previous, j).saturating_add(usize::from(ca != cb));
            let mut best = substitution
                .min(at(&previous, j + 1).saturating_add(1))
                .min(at(&current, j).saturating_add(1));
            let swapped =
                i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) && ca != cb;
            if swapped {
                best = best.min(at(&before, j - 1).saturating_add(1));
            }
            if let Some(cell) = current.get_mut(j + 1) {
                *cell = best;
            }
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

/// The closest of `candidates` to `name`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    did_you_mean_name(name, candidates).map(|c| format!("您是不是想写 `{c}`？"))
}

/// The candidate `did_you_mean` suggests.
pub fn did_you_mean_name<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    nearest_within(name, candidates, limit).map(|(c, _)| c)
}

/// The one candidate nearest to `name` within `limit` edits, and how many
/// edits apart; none when two are as near (“較全面” is as near to “不全面”
/// as to “较全面”: a guess either way).
pub fn nearest_within<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Option<(&'a str, usize)> {
    let mut near: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    near.sort();
    // A name offered twice (a local and a global) is one candidate.
    near.dedup_by(|a, b| a.1 == b.1);
    match near.as_slice() {
        [(d, c), (e, _), ..] if d < e => Some((c, *d)),
        [(d, c)] => Some((c, *d)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Lines and columns are those a walk over the characters finds,
        /// at every offset of texts of newlines, other control bytes and
        /// Chinese, with lines longer than a block of counted bytes; an
        /// offset inside a character is its line's, at column 1.
        #[test]
        fn lines_and_columns_are_counted_as_by_a_walk(parts in proptest::collection::vec(
            proptest::sample::select(vec!["\n", "\r\n", "\t", "a", "指标", "\n\n", "x".repeat(700).leak(), "指标".repeat(300).leak()]),
            0..12,
        )) {
            let text = parts.concat();
            let file = SourceFile::new("t", text.as_str());
            let (mut line, mut column) = (1, 1);
            for (i, c) in text.char_indices() {
                prop_assert_eq!(file.line_col(i as u32), (line, column), "at {}", i);
                if c.len_utf8() > 1 {
                    prop_assert_eq!(file.line_col(i as u32 + 1), (line, 1), "inside {}", i);
                }
                if c == '\n' {
                    (line, column) = (line + 1, 1);
                } else {
                    column += 1;
                }
            }
            prop_assert_eq!(file.line_col(text.len() as u32), (line, column));
            prop_assert_eq!(file.line_col(u32::MAX), (line, column));
        }
    }

    #[test]
    fn two_letters_swapped_are_one_slip() {
        assert_eq!(edit_distance("dnoe", "done"), 1);
        assert_eq!(edit_distance("recieved_on", "received_on"), 1);
        assert_eq!(edit_distance("done", "done"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("较全面", "不全面"), 1);
        assert_eq!(edit_distance("abc", "ca"), 3);
        assert_eq!(
            did_you_mean_name("dnoe", ["unit", "duty", "done"]),
            Some("done")
        );
    }
}
