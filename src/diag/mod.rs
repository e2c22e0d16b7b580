//! One diagnostic type for every phase: a stable code, a message, labelled
//! spans in one source file, a help line, and related diagnostics that may
//! point into other files (the rule beside the submission). Rendering lives
//! here and in `explain`; nothing else prints.

mod code;

pub use code::Code;

use crate::source::{SourceFile, Span};
use miette::{Diagnostic, LabeledSpan, Severity};
use std::fmt;

/// What heads a rendered snippet: a diagnostic's code, or the title of an
/// explanation that the text report draws with the same renderer (a
/// criterion's id, a check's words, "↳ 相关位置").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heading {
    /// A problem: its stable code.
    Code(Code),
    /// An explanation: its title.
    Title(String),
}

impl Heading {
    /// The code, when this heads a problem.
    pub fn code(&self) -> Option<Code> {
        match self {
            Heading::Code(c) => Some(*c),
            Heading::Title(_) => None,
        }
    }
}

impl From<Code> for Heading {
    fn from(code: Code) -> Self {
        Heading::Code(code)
    }
}

impl PartialEq<Code> for Heading {
    fn eq(&self, other: &Code) -> bool {
        self.code() == Some(*other)
    }
}

impl PartialEq<&str> for Heading {
    fn eq(&self, other: &&str) -> bool {
        self.code().is_some_and(|c| c == *other)
    }
}

impl fmt::Display for Heading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Heading::Code(c) => f.write_str(c.as_str()),
            Heading::Title(t) => f.write_str(t),
        }
    }
}

/// A problem or an explanation, ready to render.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Stable code, e.g. `rules::unknown_field`; listed in docs/diagnostics.md.
    /// Its code, or the title of an explanation drawn the same way.
    pub code: Heading,
    /// Error, warning or advice.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// The file the labels point into.
    pub source: Option<Box<SourceFile>>,
    /// Labelled spans in `source`.
    pub labels: Vec<(Span, String)>,
    /// What to do.
    pub help: Option<String>,
    /// Further snippets, possibly in other files.
    pub related: Vec<Problem>,
}

impl Problem {
    /// An error with one label.
    pub fn error(
        code: impl Into<Heading>,
        message: impl Into<String>,
        source: &SourceFile,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Problem {
            code: code.into(),
            severity: Severity::Error,
            message: message.into(),
            source: Some(Box::new(source.clone())),
            labels: vec![(span, label.into())],
            help: None,
            related: Vec::new(),
        }
    }

    /// An error about no place in particular (a missing folder, say).
    pub fn plain(code: impl Into<Heading>, message: impl Into<String>) -> Self {
        Problem {
            code: code.into(),
            severity: Severity::Error,
            message: message.into(),
            source: None,
            labels: Vec::new(),
            help: None,
            related: Vec::new(),
        }
    }

    /// With a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// With a help line, if there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// With a related snippet.
    pub fn with_related(mut self, related: Problem) -> Self {
        self.related.push(related);
        self
    }

    /// File, line and column of the first label.
    pub fn location(&self) -> Option<(String, usize, usize)> {
        let source = self.source.as_ref()?;
        let (span, _) = self.labels.first()?;
        let (line, column) = source.line_col(span.start);
        Some((source.name.clone(), line, column))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|s| s.as_ref() as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(
            |(i, (span, text))| {
                let label = (!text.is_empty()).then(|| text.clone());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(label, span.source_span())
                } else {
                    LabeledSpan::new_with_span(label, span.source_span())
                }
            },
        )))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

/// The width text is wrapped to, in terminal columns (a Chinese character
/// takes two): `COLUMNS` when set, else the terminal's when stdout is one,
/// else 80 — so output piped to a file or a test is the same everywhere.
pub fn text_width() -> usize {
    *WIDTH.get_or_init(|| {
        let from_env = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok());
        let from_tty = || {
            use std::io::IsTerminal as _;
            std::io::stdout()
                .is_terminal()
                .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
                .flatten()
        };
        from_env.or_else(from_tty).unwrap_or(80).clamp(40, 400)
    })
}

static WIDTH: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// The width a report written to a file is wrapped to: a file is kept, and
/// the same package and reviews give the same bytes whatever terminal
/// wrote it (`COLUMNS`).
pub const FILE_WIDTH: usize = 80;

/// Wrap at `FILE_WIDTH` from now on, the terminal's width unread: the
/// reports go to files. (Before anything is wrapped; later, it changes
/// nothing.)
pub fn wrap_for_files() {
    let _ = WIDTH.set(FILE_WIDTH);
}

/// The words a line of a diagnostic wraps between: where Unicode allows a
/// break, except inside a run of ASCII, a file's or folder's name and a
/// cell address. A file name (`out-of-band.xlsx`, `评审表-张三.xlsx`), a
/// folder (`评审表目录/`), a cell address with its sheet (`评审!H9`) or an
/// option stays whole on its line (nor is it split at its hyphens), so that
/// a reader can find it and copy it; Chinese text still breaks anywhere.
fn words(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    // Each word as (start, end of its text, end with its whitespace).
    let mut kept: Vec<(usize, usize, usize)> = Vec::new();
    let mut at = 0;
    for word in textwrap::WordSeparator::UnicodeBreakProperties.find_words(line) {
        let (end, next) = (
            at + word.word.len(),
            at + word.word.len() + word.whitespace.len(),
        );
        let ascii_before = |s: &str| s.chars().next_back().is_some_and(|c| c.is_ascii_graphic());
        let ascii_after = word
            .word
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_graphic());
        let mut start = at;
        // `…xlsx` + `-band`: a run of ASCII is one word.
        if let Some(&(prev, prev_end, prev_next)) = kept.last() {
            let before = line.get(prev..prev_end).unwrap_or("");
            if prev_end == prev_next && ascii_before(before) && ascii_after {
                start = prev;
                kept.pop();
            }
        }
        // A name or an address takes in the characters of its own before it
        // (`评` + `审!H9`, `张` + `三.xlsx`), up to a space or a character
        // that cannot be part of it.
        let token = line.get(start..end).unwrap_or("");
        let part_of: Option<fn(char) -> bool> = if is_address(token) {
            Some(char::is_alphabetic)
        } else if is_path(token) {
            Some(|c| !"：，。；、！？“”".contains(c))
        } else {
            None
        };
        if let Some(part_of) = part_of {
            while let Some(&(prev, prev_end, prev_next)) = kept.last() {
                if prev_end != prev_next {
                    break;
                }
                let before = line.get(prev..prev_end).unwrap_or("");
                let own: usize = before
                    .chars()
                    .rev()
                    .take_while(|c| part_of(*c))
                    .map(char::len_utf8)
                    .sum();
                if own == 0 {
                    break;
                }
                start = prev_end - own;
                kept.pop();
                if own < before.len() {
                    // The rest of that word stays a word of its own.
                    kept.push((prev, start, start));
                    break;
                }
            }
        }
        kept.push((start, end, next));
        at = next;
    }
    Box::new(
        kept.into_iter().map(|(start, _, next)| {
            textwrap::core::Word::from(line.get(start..next).unwrap_or(""))
        }),
    )
}

/// Does a word hold a cell address: `!` and then a column letter?
fn is_address(word: &str) -> bool {
    word.split_once('!')
        .is_some_and(|(_, cell)| cell.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// Does a word end a file's or a folder's name: an extension the tool reads
/// or writes, or a `/`?
fn is_path(word: &str) -> bool {
    let word = word.trim_end_matches(|c: char| "）)，。；：、".contains(c));
    word.ends_with('/')
        || [
            ".xlsx", ".toml", ".docx", ".jx", ".csv", ".md", ".html", ".json", ".txt",
        ]
        .iter()
        .any(|e| word.ends_with(e))
}

/// Render diagnostics as text without colour, wrapped to `text_width`. A
/// related snippet in the same file becomes a further label of its problem;
/// one in another file (the submission beside the rule) follows its problem
/// as a `↳` block.
pub fn render(problems: &[Problem]) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(text_width())
            .with_word_separator(textwrap::WordSeparator::Custom(words))
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_links(false);
    let mut out = String::new();
    // Problems drawn per file, and those left out past the limit.
    let mut shown: Vec<(&str, usize, usize)> = Vec::new();
    for problem in problems {
        let file = problem.source.as_deref().map_or("", |s| s.name.as_str());
        let i = match shown.iter().position(|(f, _, _)| *f == file) {
            Some(i) => i,
            None => {
                shown.push((file, 0, 0));
                shown.len() - 1
            }
        };
        if let Some((_, drawn, left_out)) = shown.get_mut(i) {
            if !file.is_empty() && *drawn >= MAX_DRAWN_PER_FILE {
                *left_out += 1;
                continue;
            }
            *drawn += 1;
        }
        for part in flatten(problem).into_iter().flat_map(apart) {
            let part = without_long_lines(part);
            if handler.render_report(&mut out, &part).is_err() {
                out.push_str(&part.message);
            }
            out.push('\n');
        }
    }
    for (file, drawn, left_out) in shown {
        if left_out > 0 {
            let _ = fmt::Write::write_fmt(
                &mut out,
                format_args!(
                    "{file}：另有 {left_out} 个问题未逐一列出（只列出前 {drawn} 个）。请先改正以上问题，再运行一次\n\n"
                ),
            );
        }
    }
    out
}

/// Problems of one file drawn with their snippets, at most. Drawing one
/// reads its file from the start to its place: thousands of mistakes (a
/// file of unknown keys) cost time growing with their number times the
/// file's length, and nobody reads past the first screens.
pub const MAX_DRAWN_PER_FILE: usize = 50;

/// Lines between two labels beyond which they are drawn as two snippets.
/// The snippet drawer shows every line from a problem's first label to its
/// last: two places forty lines apart in a submission (a section's heading
/// and the attachment list) printed the forty lines between, report text
/// and all.
const MAX_LINES_BETWEEN_LABELS: usize = 4;

/// `problem` as one part per group of nearby labels: the first keeps the
/// problem's heading and message, the others follow as `↳ 相关位置`.
fn apart(problem: Problem) -> Vec<Problem> {
    let Some(source) = problem.source.as_deref() else {
        return vec![problem];
    };
    if problem.labels.len() < 2 {
        return vec![problem];
    }
    let mut labels: Vec<(usize, usize, (Span, String))> = problem
        .labels
        .iter()
        .map(|(span, label)| {
            let (first, _) = source.line_col(span.start);
            let (last, _) = source.line_col(span.end.max(span.start));
            (first, last, (*span, label.clone()))
        })
        .collect();
    labels.sort_by_key(|(first, last, _)| (*first, *last));
    let mut groups: Vec<Vec<(Span, String)>> = Vec::new();
    let mut reach = 0;
    for (first, last, label) in labels {
        match groups.last_mut() {
            Some(group) if first <= reach + MAX_LINES_BETWEEN_LABELS => group.push(label),
            _ => groups.push(vec![label]),
        }
        reach = reach.max(last);
    }
    if groups.len() < 2 {
        return vec![problem];
    }
    // The group of the problem's own first label (the place it is about)
    // stays with its message; the others follow in file order.
    let primary = problem.labels.first().map(|(span, _)| *span);
    let at = groups
        .iter()
        .position(|g| g.iter().any(|(span, _)| Some(*span) == primary))
        .unwrap_or(0);
    let own = groups.remove(at);
    let groups = groups.into_iter();
    let first = Problem {
        labels: own,
        ..problem.clone()
    };
    let mut parts = vec![first];
    for labels in groups {
        parts.push(Problem {
            code: Heading::Title("↳ 相关位置".into()),
            severity: Severity::Advice,
            message: match &problem.code {
                Heading::Title(t) if t == "↳ 相关位置" => problem.message.clone(),
                _ => "同一问题的另一处".into(),
            },
            help: None,
            related: Vec::new(),
            labels,
            ..problem.clone()
        });
    }
    parts
}

/// Longest line (in characters) drawn in a snippet. A problem on or beside
/// a longer line (a 100,000-term expression, a submission written on one
/// line, a 10 MB text) names its places as `file:line:column` instead:
/// drawing such a line would print megabytes, and miette panics on a label
/// more than 65,535 columns from the line's start (found by the robustness
/// tests; docs/limits.md).
pub const MAX_SNIPPET_LINE_CHARS: usize = 1_000;

/// `problem` without its snippet when a labelled line or a line of context
/// beside it is longer than `MAX_SNIPPET_LINE_CHARS`.
fn without_long_lines(problem: Problem) -> Problem {
    let Some(source) = problem.source.as_deref() else {
        return problem;
    };
    let text: &str = &source.text;
    let long = problem.labels.iter().any(|(span, _)| {
        // The labelled lines and one line of context either side.
        let start = (span.start as usize).min(text.len());
        let end = (span.end as usize).clamp(start, text.len());
        let from = text.get(..start).and_then(|t| t.rfind('\n')).unwrap_or(0);
        let from = text.get(..from).and_then(|t| t.rfind('\n')).unwrap_or(0);
        let to = text
            .get(end..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| end + i);
        let to = text
            .get(to + 1..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| to + 1 + i);
        text.get(from..to).unwrap_or("").split('\n').any(|line| {
            line.len() > MAX_SNIPPET_LINE_CHARS && line.chars().count() > MAX_SNIPPET_LINE_CHARS
        })
    });
    if !long {
        return problem;
    }
    let places: Vec<String> = problem
        .labels
        .iter()
        .map(|(span, label)| {
            let (line, column) = source.line_col(span.start);
            let label = if label.is_empty() {
                String::new()
            } else {
                format!("（{label}）")
            };
            format!("{}:{line}:{column}{label}", source.name)
        })
        .collect();
    Problem {
        message: format!(
            "{}\n位置：{}（该行超过 {MAX_SNIPPET_LINE_CHARS} 字，不显示原文）",
            problem.message,
            places.join("；")
        ),
        source: None,
        labels: Vec::new(),
        ..problem
    }
}

fn flatten(problem: &Problem) -> Vec<Problem> {
    let mut main = Problem {
        related: Vec::new(),
        ..problem.clone()
    };
    let mut after = Vec::new();
    let same_file = |r: &Problem| match (&r.source, &problem.source) {
        (Some(a), Some(b)) => a.name == b.name,
        _ => false,
    };
    for related in &problem.related {
        if same_file(related) {
            for (span, label) in &related.labels {
                // `第一次定义在这里`, not `第一次定义在这里：第一次定义`.
                let text = if label.is_empty() || related.message.contains(label.as_str()) {
                    related.message.clone()
                } else {
                    format!("{}：{label}", related.message)
                };
                main.labels.push((*span, text));
            }
        } else {
            after.push(Problem {
                code: Heading::Title("↳ 相关位置".into()),
                severity: Severity::Advice,
                related: Vec::new(),
                ..related.clone()
            });
        }
    }
    let mut all = vec![main];
    all.extend(after);
    all
}

#[cfg(test)]
mod tests {
    use super::words;

    fn wrapped(line: &str, width: usize) -> Vec<String> {
        let options = textwrap::Options::new(width)
            .word_separator(textwrap::WordSeparator::Custom(words))
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        textwrap::wrap(line, options)
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn addresses_and_file_names_stay_whole_on_their_line() {
        // Unicode alone allows a break after `!` and after each `-`. (A
        // token wider than the line is still cut, as it must be.)
        let line = "评审意见有误：out-of-band.xlsx 评审!H9（评审人张三）";
        for width in 20..40 {
            let lines = wrapped(line, width);
            assert_eq!(lines.concat().replace(' ', ""), line.replace(' ', ""));
            assert!(
                lines.iter().any(|l| l.contains("评审!H9")),
                "{width}: {lines:?}"
            );
            assert!(
                lines.iter().any(|l| l.contains("out-of-band.xlsx")),
                "{width}: {lines:?}"
            );
        }
        // Chinese text still breaks between characters.
        assert!(wrapped("评审意见有误评审意见有误", 10).len() > 1);
        // Names and addresses right after Chinese text or a bracket, and
        // file and folder names in Chinese.
        for (line, whole) in [
            (
                "单位不在本次评分的材料之中：“岳阳楼区甲单位”（评审!A11 起）",
                "评审!A11",
            ),
            (
                "请在每份评审表前写 --reviews 张三.xlsx 李四.xlsx",
                "张三.xlsx",
            ),
            (
                "把评审表放在一个目录中，写 --reviews 评审表目录/ 即可",
                "评审表目录/",
            ),
            (
                "同一行出现两次，另一处：收回/评审表-张三（复制了一行）.xlsx 评审!H9",
                "收回/评审表-张三（复制了一行）.xlsx",
            ),
        ] {
            for width in 40..70 {
                let lines = wrapped(line, width);
                assert_eq!(lines.concat().replace(' ', ""), line.replace(' ', ""));
                assert!(
                    lines.iter().any(|l| l.contains(whole)),
                    "{width}: {lines:?}"
                );
            }
        }
    }
}
