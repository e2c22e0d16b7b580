//! The canonical layout of rule files (`jixiao fmt`). It works on tokens, so
//! comments and the author's line breaks are kept: indentation follows
//! braces and brackets, spacing follows the token kinds, blank lines are
//! collapsed to one, trailing comments of consecutive lines are aligned.
//! Formatting the output again changes nothing.

use super::ParseError;
use crate::source::display_width as width;

/// One token of a rule file, with the line breaks before it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Token<'a> {
    kind: Kind,
    text: &'a str,
    /// Newlines between the previous token and this one.
    breaks: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Word,
    Number,
    Text,
    Comment,
    Open,
    Close,
    Comma,
    Colon,
    Dot,
    Question,
    Operator,
}

/// Words after which a `(` or `[` is not a call or an index.
const SPACED_WORDS: [&str; 25] = [
    "and", "or", "not", "if", "then", "else", "in", "where", "when", "per", "cap", "because",
    "award", "zero", "judge", "at", "raise", "hint", "show", "deduct", "for", "to", "says", "let",
    "param",
];

/// Words that start a statement; a line starting otherwise continues the
/// previous one and is indented one more level.
const STATEMENT_WORDS: [&str; 33] = [
    "let",
    "show",
    "reviews",
    "combine",
    "disagree",
    "require",
    "param",
    "fn",
    "check",
    "raise",
    "deduct",
    "award",
    "judge",
    "zero",
    "hint",
    "when",
    "otherwise",
    "for",
    "tier",
    "says",
    "section",
    "criterion",
    "record",
    "root",
    "sheet",
    "year",
    "total",
    "round",
    "error",
    "warning",
    "info",
    "max",
    "cap",
];

/// Words that go on with the statement before them when they start a
/// line (`because …` under a `deduct`), so they are indented one more.
const CONTINUING_WORDS: [&str; 13] = [
    "and", "or", "then", "else", "because", "at", "related", "where", "in", "per", "cap", "to",
    "free",
];

fn lex(text: &str) -> Result<Vec<Token<'_>>, usize> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut breaks = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        let kind = match b {
            b'\n' => {
                breaks += 1;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            // A full-width space or a byte-order mark: white space to the
            // grammar too.
            _ if text
                .get(i..)
                .is_some_and(|r| r.starts_with('\u{3000}') || r.starts_with('\u{FEFF}')) =>
            {
                i += 3;
                continue;
            }
            b'#' => {
                while bytes.get(i).is_some_and(|c| *c != b'\n') {
                    i += 1;
                }
                Kind::Comment
            }
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return Err(start),
                        Some(b'\\') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                Kind::Text
            }
            b'0'..=b'9' => {
                while bytes
                    .get(i)
                    .is_some_and(|c| c.is_ascii_digit() || *c == b'.' || *c == b'-')
                {
                    i += 1;
                }
                Kind::Number
            }
            b'(' | b'[' | b'{' => {
                i += 1;
                Kind::Open
            }
            b')' | b']' | b'}' => {
                i += 1;
                Kind::Close
            }
            b',' => {
                i += 1;
                Kind::Comma
            }
            b':' => {
                i += 1;
                Kind::Colon
            }
            b'.' => {
                i += 1;
                Kind::Dot
            }
            b'?' => {
                i += 1;
                Kind::Question
            }
            b'=' | b'!' | b'<' | b'>' => {
                i += if bytes.get(i + 1) == Some(&b'=') {
                    2
                } else {
                    1
                };
                Kind::Operator
            }
            b'+' | b'-' | b'*' | b'/' => {
                i += 1;
                Kind::Operator
            }
            _ => {
                // A word: everything up to the next delimiter (Unicode letters
                // included; the parser has already accepted the file).
                let rest = text.get(i..).unwrap_or("");
                let len = rest
                    .char_indices()
                    .find(|(_, c)| c.is_whitespace() || "#\"()[]{},:.?=!<>+-*/".contains(*c))
                    .map_or(rest.len(), |(at, _)| at);
                if len == 0 {
                    return Err(start);
                }
                i += len;
                Kind::Word
            }
        };
        let token_text = text.get(start..i).ok_or(start)?;
        // A full-width space is white space to the grammar.
        let token_text = token_text.trim_matches('\u{3000}');
        tokens.push(Token {
            kind,
            text: token_text,
            breaks,
        });
        breaks = 0;
    }
    Ok(tokens)
}

/// Is `-` at this point a sign (no value before it)?
fn is_sign(prev: Option<&Token<'_>>) -> bool {
    match prev {
        None => true,
        Some(p) => match p.kind {
            Kind::Word => SPACED_WORDS.contains(&p.text) || p.text == "return",
            Kind::Number | Kind::Text => false,
            Kind::Close => false,
            _ => true,
        },
    }
}

/// The space between two tokens on one line: "" or " ".
fn space(prev: &Token<'_>, before_prev: Option<&Token<'_>>, next: &Token<'_>) -> &'static str {
    use Kind::*;
    let sign_before = prev.kind == Operator && prev.text == "-" && is_sign(before_prev);
    match (prev.kind, next.kind) {
        (_, Comment) => "  ",
        (_, Comma | Colon | Dot | Question) => "",
        (Dot, _) => "",
        (Open, Close) => "",
        (Open, _) if prev.text != "{" => "",
        (_, Close) if next.text != "}" => "",
        (Word, Open) if next.text != "{" && !SPACED_WORDS.contains(&prev.text) => "",
        (Close, Open) if prev.text != "}" && next.text != "{" => "",
        (Operator, _) if sign_before => "",
        _ => " ",
    }
}

/// Format a rule file. A file that does not parse is an error and is never
/// rewritten.
///
/// Full-width punctuation typed by a Chinese input method outside strings
/// and comments (`（`, `，`, `：`, `“…”`) is first made half-width.
pub fn format(file: u16, text: &str) -> Result<String, ParseError> {
    let (converted, offsets) = super::error::half_width_with_offsets(text);
    // An error is shown where the author wrote it, not where it is in
    // the text made half-width (a full-width sign is three bytes there).
    let written_at = |o: usize| offsets.get(o).copied().unwrap_or(text.len());
    super::parse_file(file, &converted).map_err(|e| e.remapped(written_at))?;
    let text = &converted;
    let tokens = lex(text).map_err(|at| ParseError::Syntax {
        message: "无法切分为记号".into(),
        span: crate::source::Span::new(file, at..at + 1).source_span(),
        hint: String::new(),
    })?;
    let lines = layout(&tokens);
    Ok(render(&lines))
}

/// A formatted line: indentation level, code, trailing comment.
struct Line {
    indent: usize,
    code: String,
    comment: Option<String>,
    blank_before: bool,
}

fn layout(tokens: &[Token<'_>]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    // Open brackets: (is a brace, opened on the line with this depth).
    let mut stack: Vec<char> = Vec::new();
    let mut current: Option<Line> = None;
    let mut prev: Option<&Token<'_>> = None;
    let mut before_prev: Option<&Token<'_>> = None;
    // The last token that is not a comment, and whether a comment has
    // followed it on its own line: a comment after the code of a line
    // does not end that line's statement (`raise … # 注释` / `because …`).
    let mut last_code: Option<&Token<'_>> = None;
    let mut trailing_comment = false;
    for token in tokens {
        let new_line = current.is_none() || token.breaks > 0;
        if new_line {
            if let Some(line) = current.take() {
                lines.push(line);
            }
            let closing = token.kind == Kind::Close;
            let depth = stack.len().saturating_sub(usize::from(closing));
            let before = if trailing_comment { last_code } else { prev };
            let continues = !closing
                && token.kind != Kind::Comment
                && before.is_some_and(|p| {
                    p.kind != Kind::Comment || lines.last().is_some_and(|l| !l.code.is_empty())
                })
                && !starts_statement(token, before, &stack);
            let line_start_comment = token.kind == Kind::Comment;
            current = Some(Line {
                indent: depth + usize::from(continues),
                code: if line_start_comment {
                    String::new()
                } else {
                    token.text.to_string()
                },
                comment: line_start_comment.then(|| token.text.trim_end().to_string()),
                blank_before: token.breaks > 1 && !lines.is_empty(),
            });
        } else if let Some(line) = current.as_mut() {
            if token.kind == Kind::Comment {
                line.comment = Some(token.text.trim_end().to_string());
            } else if let Some(p) = prev {
                line.code.push_str(space(p, before_prev, token));
                line.code.push_str(token.text);
            }
        }
        match token.kind {
            // A `{` where a value stands is a record literal (`[{ group: …,
            // weight: … }]`), whose lines after a comma are its fields;
            // any other opens a block, where a line after a comma goes on
            // with a list (`at a,` / `related to a,`).
            Kind::Open if token.text == "{" && prev.is_none_or(opens_a_value) => stack.push(RECORD),
            Kind::Open => stack.push(token.text.chars().next().unwrap_or('(')),
            Kind::Close => {
                stack.pop();
            }
            _ => {}
        }
        if token.kind == Kind::Comment {
            trailing_comment = !new_line;
        } else {
            trailing_comment = false;
            last_code = Some(token);
        }
        before_prev = prev;
        prev = Some(token);
    }
    if let Some(line) = current {
        lines.push(line);
    }
    lines
}

/// A record literal's brace on the formatter's stack (a block's is `{`).
const RECORD: char = 'r';

/// Does a `{` after this token stand where a value does (a record literal)?
fn opens_a_value(prev: &Token<'_>) -> bool {
    matches!(
        prev.kind,
        Kind::Open | Kind::Comma | Kind::Colon | Kind::Operator
    )
}

/// Does this token, first on its line, start a statement (or an item of a
/// braced block, or a list element) rather than continue an expression?
fn starts_statement(token: &Token<'_>, prev: Option<&Token<'_>>, stack: &[char]) -> bool {
    let Some(prev) = prev else { return true };
    // After an opening bracket, a new line is a new element; after a
    // comma too, but in a block, where a comma only separates the items
    // of a statement's list (`at a, b`), which goes on.
    if prev.kind == Kind::Open {
        return true;
    }
    if prev.kind == Kind::Comma {
        return !matches!(stack.last(), Some('{') | None);
    }
    if prev.kind == Kind::Close && prev.text == "}" {
        return true;
    }
    if prev.kind == Kind::Comment {
        return true;
    }
    // Inside parentheses or brackets everything continues one expression.
    if matches!(stack.last(), Some('(' | '[')) {
        return false;
    }
    match token.kind {
        Kind::Word => {
            STATEMENT_WORDS.contains(&token.text)
                // `name: type` in a record, or any word after a finished
                // value inside braces of a record body.
                || !matches!(prev.kind, Kind::Operator | Kind::Colon | Kind::Dot)
                    && !SPACED_WORDS.contains(&token.text)
                    && !CONTINUING_WORDS.contains(&token.text)
                    && !matches!(prev.kind, Kind::Word if SPACED_WORDS.contains(&prev.text))
        }
        _ => false,
    }
}

/// The widest code (in display columns) whose trailing comment is aligned
/// with its neighbours'.
const ALIGN_COLUMNS: usize = 60;

fn render(lines: &[Line]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        // A run of consecutive code lines with trailing comments shares one
        // comment column.
        // A line whose code runs past `ALIGN_COLUMNS` keeps its comment two
        // spaces after the code and ends the run: aligned to it, the short
        // lines' comments would be pushed far to the right.
        let mut end = i;
        while lines.get(end).is_some_and(|l| {
            !l.code.is_empty()
                && l.comment.is_some()
                && (end == i || !l.blank_before)
                && l.indent * 2 + width(&l.code) <= ALIGN_COLUMNS
        }) {
            end += 1;
        }
        let column = lines
            .get(i..end)
            .unwrap_or(&[])
            .iter()
            .map(|l| l.indent * 2 + width(&l.code))
            .max()
            .unwrap_or(0);
        let group_end = end.max(i + 1);
        for line in lines.get(i..group_end).unwrap_or(&[]) {
            if line.blank_before {
                out.push('\n');
            }
            let indent = "  ".repeat(line.indent);
            match (&line.code, &line.comment) {
                (code, Some(comment)) if code.is_empty() => {
                    out.push_str(&indent);
                    out.push_str(comment);
                }
                (code, Some(comment)) => {
                    out.push_str(&indent);
                    out.push_str(code);
                    let pad = if end > i {
                        column + 2 - (line.indent * 2 + width(code))
                    } else {
                        2
                    };
                    out.push_str(&" ".repeat(pad.max(2)));
                    out.push_str(comment);
                }
                (code, None) => {
                    out.push_str(&indent);
                    out.push_str(code);
                }
            }
            out.push('\n');
        }
        i = group_end;
    }
    out
}

/// The tokens of a text without layout, to confirm formatting kept them.
pub fn same_tokens(a: &str, b: &str) -> bool {
    match (lex(a), lex(b)) {
        (Ok(x), Ok(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(&y)
                    .all(|(p, q)| p.kind == q.kind && p.text.trim_end() == q.text.trim_end())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{CONTINUING_WORDS, SPACED_WORDS, STATEMENT_WORDS, format};

    /// Words of the grammar with no say in the layout: values, aggregate
    /// and combining names, words inside a statement. A word the grammar
    /// gains must be put here or in one of the formatter's lists, so the
    /// layout of a new statement is decided, not left to chance.
    const PLAIN_WORDS: [&str; 19] = [
        "_", "above", "all", "any", "below", "count", "false", "first", "full", "highest",
        "lowest", "mean", "median", "min", "n", "note", "sum", "t", "true",
    ];

    #[test]
    fn every_word_of_the_grammar_is_known_to_the_formatter() {
        let grammar = include_str!("../../grammar/rules.pest");
        // The grammar's string literals ("\"" included), comments skipped.
        let mut literals = Vec::new();
        for line in grammar
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
        {
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                if c != '"' {
                    continue;
                }
                let mut literal = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        // An escape (\r, \") is no word: kept with its backslash.
                        '\\' => literal.extend(std::iter::once('\\').chain(chars.next())),
                        '"' => break,
                        c => literal.push(c),
                    }
                }
                literals.push(literal);
            }
        }
        assert!(literals.iter().any(|l| l == "criterion"), "literals read");
        let mut unknown = Vec::new();
        for literal in literals.iter().map(String::as_str) {
            let is_word =
                !literal.is_empty() && literal.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            let known = SPACED_WORDS.contains(&literal)
                || STATEMENT_WORDS.contains(&literal)
                || CONTINUING_WORDS.contains(&literal)
                || PLAIN_WORDS.contains(&literal);
            if is_word && !known && !unknown.contains(&literal) {
                unknown.push(literal);
            }
        }
        assert!(
            unknown.is_empty(),
            "grammar words the formatter does not know: {unknown:?}"
        );
    }

    #[test]
    fn a_list_broken_after_a_comma_goes_on_but_a_record_literal_s_fields_do_not() {
        let text = "criterion c \"标题\" max 10 related to a,\nb {\njudge 0 to 10\n}\ncheck k {\nraise info when true because \"x\" at a,\nb\n}\nparam p = [\n{ g: \"产出\",\nw: 50 },\n]\nlet q = {\na: 1,\nb: 2 }\n";
        let once = format(0, text).unwrap_or_default();
        assert_eq!(format(0, &once).unwrap_or_default(), once);
        assert!(
            once.contains("related to a,\n  b {\n  judge 0 to 10"),
            "{once}"
        );
        assert!(once.contains("at a,\n    b\n}"), "{once}");
        assert!(once.contains("  { g: \"产出\",\n    w: 50 },\n]"), "{once}");
        assert!(once.contains("let q = {\n  a: 1,\n  b: 2 }"), "{once}");
    }

    /// A list of words typed with Chinese quotes and commas is the same
    /// words: `”，“` between items ends one word and starts the next. In a
    /// message, a quote inside the quotes stays part of the text.
    #[test]
    fn full_width_quotes_keep_a_list_s_words_apart_and_a_message_whole() {
        let text = "param words = [“加大资金投入”，“加大投入”、“加大财政投入”]\nparam one = [“甲”]\ncriterion c \"标题\" max 10 {\n  full because “写了“无”，算有内容”\n}\n";
        let once = format(0, text).unwrap_or_default();
        assert!(
            once.contains("param words = [\"加大资金投入\", \"加大投入\", \"加大财政投入\"]"),
            "{once}"
        );
        assert!(once.contains("param one = [\"甲\"]"), "{once}");
        assert!(
            once.contains("full because \"写了“无”，算有内容\""),
            "{once}"
        );
        assert_eq!(format(0, &once).unwrap_or_default(), once);
    }

    /// What decides where a full-width quoted text ends: a quote opened
    /// inside it closes inside it, a list's (or record's) items end at
    /// their commas even with a comment after one, and a call's argument
    /// is a text, not a list.
    #[test]
    fn full_width_quotes_nest_and_lists_are_told_by_their_brackets() {
        let cases = [
            (
                "param x = [\n  “甲”，  # 第一个\n  “乙”，  # 第二个\n  “丙”\n]\n",
                "[\n  \"甲\",  # 第一个\n  \"乙\",  # 第二个\n  \"丙\"\n]",
            ),
            (
                "fn h(x: text) = default(x, “按“无”、“/”处理”)\n",
                "default(x, \"按“无”、“/”处理\")",
            ),
            (
                "param y = [“填“/”、“—”的”]\n",
                "param y = [\"填“/”、“—”的\"]",
            ),
            (
                "fn g(cell: text) = default(cell, “未填写“三级指标”，按空白处理”)\n",
                "default(cell, \"未填写“三级指标”，按空白处理\")",
            ),
            (
                "param z = [“写“无”，算有”]\n",
                "param z = [\"写“无”，算有\"]",
            ),
            (
                "param w = [{ group: “产出指标”，weight: 50 }]\n",
                "param w = [{ group: \"产出指标\", weight: 50 }]",
            ),
        ];
        for (text, want) in cases {
            let once = format(0, text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert!(once.contains(want), "{text} → {once}");
        }
    }

    #[test]
    fn idempotent_on_a_small_file() {
        let text = "sheet \"t\" {  year 2022 total 10 round 2 }\nparam  a = [1,2 , 3]   # 注释\nlet b=max( 0 ,a[0] )-1\n\n\n# 独立注释\ncriterion c \"标题\" max 10 {\n deduct 1 per  b cap 10 because \"{b}\"\n}\nroot { x: integer ?\n}\n";
        let once = format(0, text).unwrap_or_default();
        let twice = format(0, &once).unwrap_or_default();
        assert_eq!(once, twice);
        assert!(once.contains("let b = max(0, a[0]) - 1"), "{once}");
        assert!(once.contains("param a = [1, 2, 3]  # 注释"), "{once}");
        assert!(once.contains("\n\n# 独立注释"), "{once}");
        assert!(
            once.contains("  deduct 1 per b cap 10 because \"{b}\""),
            "{once}"
        );
    }
}
