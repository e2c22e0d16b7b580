//! Parse errors: pest's failures in words bureau staff can read, and the
//! nesting guard that runs before pest.

use super::Rule;
use crate::source::Span;
use miette::SourceSpan;

/// A rule file that cannot be read as the language.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ParseError {
    /// `criterion x "t" max { }` (a token missing or misplaced)
    #[error("规则文件语法错误：{message}")]
    #[diagnostic(code(rules::syntax), help("{hint}"))]
    Syntax {
        /// What was expected.
        message: String,
        /// Where.
        #[label("这里")]
        span: SourceSpan,
        /// A hint.
        hint: String,
    },
    /// Nesting the parser's own stack ran out on (`if … then … else`
    /// nested hundreds deep: no bracket is counted).
    #[error("规则文件中的表达式嵌套过深，解析器读不下去")]
    #[diagnostic(code(rules::too_deep), help("把复杂的表达式拆成几个 let 命名值"))]
    TooDeepToParse {
        /// Where the parser stopped.
        #[label("这里")]
        span: SourceSpan,
    },
    /// `((((((…))))))` beyond `MAX_NESTING`
    #[error("规则文件嵌套过深（超过 {limit} 层）")]
    #[diagnostic(code(rules::too_deep), help("把复杂的表达式拆成几个 let 命名值"))]
    TooDeep {
        /// Where the limit was passed.
        #[label("这里超过了嵌套上限")]
        span: SourceSpan,
        /// The limit.
        limit: usize,
    },
    /// `a + b + …` with more than `MAX_OPERATORS` operators. The code is
    /// `rules::too_deep`, as for nesting: the expression's tree is as deep
    /// as its chain.
    #[error("一个表达式中的运算符过多（超过 {limit} 个）")]
    #[diagnostic(
        code(rules::too_deep),
        help("把长的算式拆成几个 let 命名值，每个不超过 {limit} 个运算符")
    )]
    TooManyOperators {
        /// Where the limit was passed.
        #[label("这里超过了运算符个数的上限")]
        span: SourceSpan,
        /// The limit.
        limit: usize,
    },
    /// A rule file over `MAX_RULE_FILE_BYTES`.
    #[error("规则文件过大（上限 {limit} 字节）")]
    #[diagnostic(code(rules::too_large), help("把规则拆成几个文件"))]
    TooLarge {
        /// The file's start.
        #[label("此文件")]
        span: SourceSpan,
        /// The limit.
        limit: usize,
    },
    /// A literal that is well formed but not a value: `2023-02-30`, a number
    /// beyond the decimal range, a `\x` escape.
    #[error("{message}")]
    #[diagnostic(code(rules::bad_literal), help("{hint}"))]
    BadLiteral {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("这里")]
        span: SourceSpan,
        /// How to fix it.
        hint: String,
    },
}

impl ParseError {
    /// The same error with its span moved by `to` (a byte offset of the
    /// text parsed to one of the text the author wrote).
    pub fn remapped(self, to: impl Fn(usize) -> usize) -> Self {
        let map = |span: SourceSpan| {
            let start = to(span.offset());
            let end = to(span.offset() + span.len()).max(start);
            SourceSpan::new(start.into(), end - start)
        };
        match self {
            ParseError::Syntax {
                message,
                span,
                hint,
            } => ParseError::Syntax {
                message,
                span: map(span),
                hint,
            },
            ParseError::TooDeep { span, limit } => ParseError::TooDeep {
                span: map(span),
                limit,
            },
            ParseError::TooDeepToParse { span } => ParseError::TooDeepToParse { span: map(span) },
            ParseError::TooManyOperators { span, limit } => ParseError::TooManyOperators {
                span: map(span),
                limit,
            },
            ParseError::TooLarge { span, limit } => ParseError::TooLarge {
                span: map(span),
                limit,
            },
            ParseError::BadLiteral {
                message,
                span,
                hint,
            } => ParseError::BadLiteral {
                message,
                span: map(span),
                hint,
            },
        }
    }

    /// The span, for ordering and for the file index.
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Syntax { span, .. }
            | ParseError::TooDeep { span, .. }
            | ParseError::TooDeepToParse { span }
            | ParseError::TooManyOperators { span, .. }
            | ParseError::TooLarge { span, .. }
            | ParseError::BadLiteral { span, .. } => span.offset(),
        }
    }
}

/// Full-width punctuation and digits a Chinese input method types, and
/// their ASCII forms.
pub const FULL_WIDTH: [(char, char); 29] = [
    // A list's items typed apart with the enumeration comma: `["—"、"空"]`.
    ('、', ','),
    ('（', '('),
    ('）', ')'),
    ('［', '['),
    ('］', ']'),
    ('｛', '{'),
    ('｝', '}'),
    ('，', ','),
    ('：', ':'),
    ('“', '"'),
    ('”', '"'),
    ('＝', '='),
    ('＋', '+'),
    ('－', '-'),
    ('＊', '*'),
    ('／', '/'),
    ('＜', '<'),
    ('＞', '>'),
    ('．', '.'),
    ('０', '0'),
    ('１', '1'),
    ('２', '2'),
    ('３', '3'),
    ('４', '4'),
    ('５', '5'),
    ('６', '6'),
    ('７', '7'),
    ('８', '8'),
    ('９', '9'),
];

/// Characters that show nothing (zero-width, direction marks): in a name or
/// a string they make two equal-looking words differ.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
    )
}

/// Spaces other than the plain space, tab and the full-width space (which
/// the grammar reads as a space): the no-break, narrow and figure spaces.
fn odd_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}'
    )
}

/// What pest would report late or in its own terms, found first and said
/// in the author's: nesting beyond `MAX_NESTING` (before pest recurses
/// into it), full-width punctuation, invisible characters, a string or a
/// bracket left open (at the place it opens), a date not written
/// `YYYY-MM-DD`.
/// When a `}` has no `{` to close (left to the parser, which notices only
/// at the end of the file), gives where the layout shows a `}` too many:
/// see `extra_close`.
pub(super) fn check_nesting(file: u16, text: &str) -> Result<Option<ParseError>, ParseError> {
    let span = |a: usize, b: usize| Span::new(file, a..b).source_span();
    let mut open: Vec<(usize, char)> = Vec::new();
    // The first `}` that starts its line and closes a `{` whose line is
    // indented otherwise; and, once a `}` has no `{`, that one.
    let mut misplaced: Option<usize> = None;
    let mut extra: Option<(usize, bool)> = None;
    let mut string_at: Option<usize> = None;
    // (A string left open is found by the parser: `from_pest` points at the
    // quote that opens it.)
    let mut in_comment = false;
    let mut escaped = false;
    // A quote left open may swallow brackets: then the parser's message,
    // pointing at that quote, says it better than a bracket's would.
    let quotes_balanced = text
        .lines()
        .all(|l| l.split('#').next().unwrap_or("").matches('"').count() % 2 == 0);
    if let Some((at, next)) = lone_backslash(text) {
        return Err(ParseError::BadLiteral {
            message: format!("文字中的 `\\{next}` 不是可用的写法：反斜杠本身要写成两个 `\\\\`"),
            span: span(at, at + 1),
            hint: format!("写成 \\\\{next}（文字中可用的还有 \\\" 引号、\\n 换行、\\{{ 花括号）"),
        });
    }
    if let Some(at) = backslash_before_quote(text) {
        return Err(ParseError::BadLiteral {
            message: "文字中的反斜杠 `\\` 要写成两个：`\\\"` 是引号本身，文字没有在这里结束".into(),
            span: span(at, at + 1),
            hint: "只有一个反斜杠的文字写成 \"\\\\\"；文字中要有引号，写成 \\\" 并在文字末尾再写一个 \"".into(),
        });
    }
    for (at, c) in text.char_indices() {
        if invisible(c) {
            return Err(ParseError::BadLiteral {
                message: format!("这里有一个看不见的字符（U+{:04X}）", c as u32),
                span: span(at, at + c.len_utf8()),
                hint:
                    "它会让看起来相同的名称或文字不相等：删去它（常见于从网页、Word 复制来的文字）"
                        .into(),
            });
        }
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if let Some(start) = string_at {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => string_at = None,
                _ => {}
            }
            let _ = start;
            continue;
        }
        // A space that is not one (no-break, thin, figure…, copied from a
        // web page or Word) between two words: the parser would call the
        // words themselves wrong ("这里应为 数字，实际是 `2022`").
        if odd_space(c) {
            return Err(ParseError::BadLiteral {
                message: format!("这里有一个特殊空格（U+{:04X}），规则中不能用它分隔", c as u32),
                span: span(at, at + c.len_utf8()),
                hint: "它看起来与空格相同，常见于从网页、Word 复制来的文字：删去它，重新输入一个普通空格（半角）；运行 jixiao fmt 文件名 可以把规则中这样的空格都改过来".into(),
            });
        }
        // A quote left open on an earlier line turns the next line's
        // string inside out: a full-width sign that its own line quotes is
        // left to the parser, whose message points at the open quote. So
        // is one on a line whose quotes do not pair (a string's opening
        // quote forgotten: `because {x} 送达，…"`), where the sign is
        // meant to be inside the text.
        let quoted_on_its_line = || {
            let line_start = text
                .get(..at)
                .and_then(|b| b.rfind('\n'))
                .map_or(0, |i| i + 1);
            let line_end = text
                .get(at..)
                .and_then(|r| r.find('\n'))
                .map_or(text.len(), |i| at + i);
            let odd = |t: Option<&str>| t.is_some_and(|t| t.matches('"').count() % 2 == 1);
            odd(text.get(line_start..at)) || odd(text.get(line_start..line_end))
        };
        // No statement ends with a semicolon, and a full stop is no
        // decimal point: said as what to write instead, not as a sign to
        // turn half-width (`;` is not valid either).
        if matches!(c, '；' | '。') && !quoted_on_its_line() {
            let digit = |ch: Option<char>| ch.is_some_and(|d| d.is_ascii_digit());
            let between_digits = digit(text.get(..at).and_then(|b| b.chars().next_back()))
                && digit(text.get(at + c.len_utf8()..).and_then(|a| a.chars().next()));
            let digits =
                |t: &str| -> String { t.chars().take_while(char::is_ascii_digit).collect() };
            let before: String = digits(
                &text
                    .get(..at)
                    .unwrap_or("")
                    .chars()
                    .rev()
                    .collect::<String>(),
            )
            .chars()
            .rev()
            .collect();
            let after = digits(text.get(at + c.len_utf8()..).unwrap_or(""));
            let decimal = format!("小数点用半角的 `.`：写成 {before}.{after}");
            // `submission。received_on`: a field's dot typed with a Chinese
            // input method.
            let word = |ch: Option<char>| ch.is_some_and(|d| d.is_alphanumeric() || d == '_');
            let between_names = word(text.get(..at).and_then(|b| b.chars().next_back()))
                && word(text.get(at + c.len_utf8()..).and_then(|a| a.chars().next()));
            let field = {
                let name = |t: &str, rev: bool| -> String {
                    let is = |d: &char| d.is_alphanumeric() || *d == '_';
                    match rev {
                        true => t
                            .chars()
                            .rev()
                            .take_while(is)
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .collect(),
                        false => t.chars().take_while(is).collect(),
                    }
                };
                format!(
                    "字段前的点用半角的 `.`：写成 {}.{}",
                    name(text.get(..at).unwrap_or(""), true),
                    name(text.get(at + c.len_utf8()..).unwrap_or(""), false)
                )
            };
            let (message, hint) = match (c, between_digits) {
                ('。', true) => ("数中的 `。` 应是小数点 `.`".to_string(), decimal.as_str()),
                ('。', false) if between_names => (
                    "名称之间的 `。` 应是半角的点 `.`".to_string(),
                    field.as_str(),
                ),
                ('。', false) => (
                    "规则中不用句号 `。`：删去它".to_string(),
                    "说明文字放在英文双引号中（because \"……。\"），注释写在 # 之后；语句写完换行即可",
                ),
                _ => (
                    "规则中不用分号 `；`：删去它".to_string(),
                    "一条语句写完就换行，不加分号；同一语句中的各部分用空格隔开（cap 3 because \"……\"）",
                ),
            };
            return Err(ParseError::Syntax {
                message,
                span: span(at, at + c.len_utf8()),
                hint: hint.into(),
            });
        }
        if let Some((_, ascii)) = FULL_WIDTH.iter().find(|(w, _)| *w == c)
            && !quoted_on_its_line()
        {
            return Err(ParseError::Syntax {
                message: match ascii.is_ascii_digit() {
                    true => format!("全角数字 `{c}`，请改为半角 `{ascii}`"),
                    false => format!("全角符号 `{c}`，请改为半角 `{ascii}`"),
                },
                span: span(at, at + c.len_utf8()),
                hint: "规则中的数字、括号、逗号、冒号、引号、运算符都用半角（英文输入法）；运行 jixiao fmt 文件名 可以把引号以外的全角字符都改过来".into(),
            });
        }
        match c {
            '#' => in_comment = true,
            '"' => string_at = Some(at),
            '(' | '[' | '{' => {
                open.push((at, c));
                if open.len() > super::MAX_NESTING {
                    return Err(ParseError::TooDeep {
                        span: span(at, at + 1),
                        limit: super::MAX_NESTING,
                    });
                }
            }
            ')' | ']' | '}' => {
                let pair = open.pop();
                match (pair, c) {
                    (Some((o_at, '{')), '}')
                        if misplaced.is_none()
                            && starts_line(text, at)
                            && indent_at(text, at) != indent_at(text, o_at)
                            && indent_at(text, at) != statement_indent_at(text, o_at) =>
                    {
                        misplaced = Some(at);
                    }
                    (None, '}') if extra.is_none() => {
                        extra = Some(misplaced.map_or((at, false), |m| (m, true)));
                    }
                    _ => {}
                }
                if quotes_balanced {
                    unpaired(text, pair, at, c).map_err(|(a, b, message, hint)| {
                        ParseError::Syntax {
                            message,
                            span: span(a, b),
                            hint,
                        }
                    })?;
                }
            }
            _ => {}
        }
        if c.is_ascii_digit() {
            check_date_like(file, text, at)?;
        }
    }
    // A bracket or parenthesis left open at the end is said where it opens.
    if let Some((at, c)) = open
        .last()
        .copied()
        .filter(|(_, c)| *c != '{' && quotes_balanced)
    {
        let close = if c == '(' { ')' } else { ']' };
        return Err(ParseError::Syntax {
            message: format!("这里的 `{c}` 没有对应的 `{close}`"),
            span: span(at, at + 1),
            hint: format!("括号要成对：在这个表达式结束的地方补上 {close}"),
        });
    }
    // A block left open is said where it opens — unless a quote left open
    // may have swallowed its `}` (a line with an odd number of quotes):
    // then the parser's message, pointing at that quote, says it better.
    if let Some((at, c)) = open
        .last()
        .copied()
        .filter(|(_, c)| *c == '{' && quotes_balanced)
        .map(|(at, c)| (unclosed_by_indent(text).unwrap_or((at, None)), c))
    {
        let (at, ends_before) = at;
        // Where the layout says the block ends: the next line as far left
        // as its header. A `}` added at the end of the file would put the
        // blocks after it inside this one.
        let hint = match ends_before {
            Some(line) => {
                let number = text.get(..line).map_or(0, |t| t.matches('\n').count()) + 1;
                let words = text
                    .get(line..)
                    .and_then(|r| r.lines().next())
                    .unwrap_or("")
                    .trim();
                let shown: String = words.chars().take(30).collect();
                format!(
                    "按缩进，这个块应在第 {number} 行（{shown}）之前结束：在那一行之前补上 }}，不要补在文件末尾"
                )
            }
            None => "从这里开始的块一直到文件结尾都没有闭合：在块的结尾补上 }".to_string(),
        };
        return Err(ParseError::Syntax {
            message: format!("这里的 `{c}` 没有对应的 `}}`"),
            span: span(at, at + 1),
            hint,
        });
    }
    Ok(extra.map(|(m, early)| extra_close(file, m, early)))
}

/// A closing bracket and what it closed (`None`: nothing was open): the
/// span, message and hint when they are not a pair. A `(` or `[` still
/// open when its block's `}` comes was not closed (said where it opens);
/// a `)` or `]` with nothing of its kind open is one too many.
type Unpaired = (usize, usize, String, String);

fn unpaired(
    text: &str,
    opened: Option<(usize, char)>,
    at: usize,
    close: char,
) -> Result<(), Unpaired> {
    let line = |at: usize| text.get(..at).map_or(0, |t| t.matches('\n').count()) + 1;
    let open_of = |c: char| match c {
        ')' => '(',
        ']' => '[',
        _ => '{',
    };
    let close_of = |c: char| match c {
        '(' => ')',
        '[' => ']',
        _ => '}',
    };
    match opened {
        Some((_, o)) if o == open_of(close) => Ok(()),
        // A `}` too many is most often a block's `{` missing: the parser
        // says where the `{` was expected.
        None if close == '}' => Ok(()),
        Some((o_at, o)) if close == '}' => Err((
            o_at,
            o_at + 1,
            format!("这里的 `{o}` 没有对应的 `{}`", close_of(o)),
            format!("括号要成对：在这个表达式结束的地方补上 {}", close_of(o)),
        )),
        Some((_, '{')) | None => Err((
            at,
            at + 1,
            format!("多出的 `{close}`：前面没有与它成对的 `{}`", open_of(close)),
            format!("删去它，或在该开始的地方补上 {}", open_of(close)),
        )),
        Some((o_at, o)) => Err((
            at,
            at + 1,
            format!(
                "这里应是 `{}`，与第 {} 行的 `{o}` 成对",
                close_of(o),
                line(o_at)
            ),
            "`(` 以 `)` 结束，`[` 以 `]` 结束".to_string(),
        )),
    }
}

/// A backslash inside a text that starts no escape the rules have
/// (`"a\b"`): the byte of the backslash and the character after it.
fn lone_backslash(text: &str) -> Option<(usize, char)> {
    let mut in_string = false;
    let mut in_comment = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (in_comment, in_string, c) {
            (true, _, '\n') => in_comment = false,
            (true, _, _) => {}
            (false, false, '#') => in_comment = true,
            (false, _, '"') => in_string = !in_string,
            (false, true, '\\') => match chars.next() {
                Some((_, '"' | '\\' | 'n' | 't' | '{' | '}')) => {}
                Some((_, next)) if next != '\n' => return Some((i, next)),
                _ => return None,
            },
            (false, _, '\n') => in_string = false,
            _ => {}
        }
    }
    None
}

/// A text meant to be one backslash (`"\"`), whose `\"` is a quote inside
/// the text: its line ends inside a text, and a `\"` in that text is
/// followed by what ends an item (`,`, `]`, `)`, `}`). The byte of the
/// backslash.
fn backslash_before_quote(text: &str) -> Option<usize> {
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut in_string = false;
        let mut escaped = false;
        let mut suspect = None;
        for (i, c) in line.char_indices() {
            match (in_string, escaped, c) {
                (false, _, '#') => break,
                (false, _, '"') => in_string = true,
                (true, true, _) => escaped = false,
                (true, false, '\\') => {
                    escaped = true;
                    let after = line.get(i + 2..).unwrap_or("").trim_start();
                    if line.get(i + 1..i + 2) == Some("\"")
                        && (after.is_empty() || after.starts_with([',', ']', ')', '}']))
                    {
                        suspect = suspect.or(Some(line_start + i));
                    }
                }
                (true, false, '"') => in_string = false,
                _ => {}
            }
        }
        if in_string && suspect.is_some() {
            return suspect;
        }
        line_start += line.len();
    }
    None
}

/// A `}` too many at `at`, found by the layout (`check_nesting`): in
/// `jixiao fmt`'s layout a `}` closing a `{` on a line indented otherwise
/// is where a block was closed early. The parser notices only at the end
/// of the file.
/// `early`: the `}` closes a block laid out to end later (its line is
/// indented otherwise); else nothing is open where it stands.
fn extra_close(file: u16, at: usize, early: bool) -> ParseError {
    let message = match early {
        true => "多出的 `}`：这一行的 `}` 与它关闭的 `{` 缩进不同，块在这里提前结束了",
        false => "多出的 `}`：前面的块都已闭合，它没有对应的 `{`",
    };
    ParseError::Syntax {
        message: message.into(),
        span: Span::new(file, at..at + 1).source_span(),
        hint: "删去它；若是上面少了一个 `{`（如 criterion … max 5 后面），补上 `{`".into(),
    }
}

/// Is `at` the first character of its line but for spaces?
fn starts_line(text: &str, at: usize) -> bool {
    text.get(..at)
        .map(|b| b.rsplit('\n').next().unwrap_or("").trim().is_empty())
        .unwrap_or(false)
}

/// The indentation of the line `at` is on.
fn indent_at(text: &str, at: usize) -> usize {
    let start = text
        .get(..at)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = text.get(start..).unwrap_or("");
    indent_width(line)
}

/// Which `{` was left open, by the layout: the first whose line's
/// indentation is not met again by a line starting with `}` before the text
/// moves out to a lesser indentation (`jixiao fmt` lays blocks out so).
fn unclosed_by_indent(text: &str) -> Option<(usize, Option<usize>)> {
    let indent = indent_width;
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |at, l| {
            let start = *at;
            *at += l.len();
            Some((start, l))
        })
        .collect();
    let code_of = |l: &str| l.split('#').next().unwrap_or("").trim_end().to_string();
    for (i, (start, line)) in lines.iter().enumerate() {
        let code = code_of(line);
        if !code.ends_with('{') {
            continue;
        }
        let level = statement_indent(&lines, i, &code_of);
        let next = lines
            .iter()
            .skip(i + 1)
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .find(|(_, l)| indent(l) <= level);
        let closed =
            next.is_some_and(|(_, l)| indent(l) == level && l.trim_start().starts_with('}'));
        if !closed {
            return Some((start + code.len() - 1, next.map(|(at, _)| *at)));
        }
    }
    None
}

/// The indentation of the statement whose last line is `lines[i]`: a
/// header written over two lines (`criterion … max 7` / `related to … {`)
/// has its block closed at its first line's indentation. A line goes on
/// from the one above it when that one is less indented and neither
/// opens nor closes a block.
/// As `statement_indent`, for the `{` at byte `at`: a block whose `{`
/// ends a continuation line (`criterion … max 7` and below it `related to
/// … {`) is closed at the indentation of the statement's first line.
fn statement_indent_at(text: &str, at: usize) -> usize {
    let line_start = text
        .get(..at)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let above = text.get(..line_start).unwrap_or("").lines().rev();
    header_indent(
        indent_at(text, at),
        above.map(|l| (l, l.split('#').next().unwrap_or("").trim_end())),
    )
}

/// The indentation of a statement whose last line is indented `level`:
/// walking up `above` (each line with its code, comment cut), past
/// continuation lines indented less, to the line that is neither blank nor
/// the end of a block.
fn header_indent<'t, C: AsRef<str>>(
    mut level: usize,
    above: impl Iterator<Item = (&'t str, C)>,
) -> usize {
    let indent = indent_width;
    for (line, code) in above {
        let code = code.as_ref();
        if code.trim().is_empty() {
            continue;
        }
        if indent(line) >= level || code.ends_with('{') || code.ends_with('}') {
            break;
        }
        level = indent(line);
    }
    level
}

fn statement_indent(lines: &[(usize, &str)], i: usize, code_of: &dyn Fn(&str) -> String) -> usize {
    let indent = indent_width;
    let level = lines.get(i).map_or(0, |(_, l)| indent(l));
    header_indent(
        level,
        lines.iter().take(i).rev().map(|(_, l)| (*l, code_of(l))),
    )
}

/// `2024-6-10`, `2024/06/10` where a date is meant: outside a string they
/// are arithmetic (2024 − 6 − 10), not a date. Only `YYYY-MM-DD` is a date.
fn check_date_like(file: u16, text: &str, at: usize) -> Result<(), ParseError> {
    let before = text.get(..at).and_then(|b| b.chars().last());
    if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == '_' || b == '.') {
        return Ok(());
    }
    let rest = text.get(at..).unwrap_or("");
    let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
    let year = digits(rest);
    if year != 4 {
        return Ok(());
    }
    if let Some((written, corrected)) = chinese_date(rest) {
        return Err(ParseError::BadLiteral {
            message: format!("`{written}` 不是日期：日期写成年-月-日，月和日各两位"),
            span: Span::new(file, at..at + written.len()).source_span(),
            hint: format!("写成 {corrected}"),
        });
    }
    let Some(sep) = rest
        .get(4..5)
        .filter(|s| *s == "-" || *s == "/" || *s == ".")
    else {
        return Ok(());
    };
    let month_text = rest.get(5..).unwrap_or("");
    let month = digits(month_text);
    if !(1..=2).contains(&month) || month_text.get(month..month + 1) != Some(sep) {
        return Ok(());
    }
    let day_text = month_text.get(month + 1..).unwrap_or("");
    let day = digits(day_text);
    if !(1..=2).contains(&day) || (sep == "-" && month == 2 && day == 2) {
        return Ok(());
    }
    let len = 4 + 1 + month + 1 + day;
    let written = rest.get(..len).unwrap_or("");
    let (y, m, d) = (
        rest.get(..4).unwrap_or(""),
        month_text.get(..month).unwrap_or(""),
        day_text.get(..day).unwrap_or(""),
    );
    let corrected = format!("{y}-{m:0>2}-{d:0>2}");
    Err(ParseError::BadLiteral {
        message: format!("`{written}` 不是日期：日期写成年-月-日，月和日各两位"),
        span: Span::new(file, at..at + len).source_span(),
        hint: match sep {
            "." => format!("写成 {corrected}"),
            _ => format!("写成 {corrected}（不这样写，{written} 会被当作算式）"),
        },
    })
}

/// `2023年6月15日` at the start of `rest`: what is written and the date
/// in the rules' form, `2023-06-15`.
fn chinese_date(rest: &str) -> Option<(&str, String)> {
    let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
    let year = rest.get(..4).filter(|y| digits(y) == 4)?;
    let after_year = rest.get(4..)?.strip_prefix('年')?;
    let month = digits(after_year);
    let after_month = after_year.get(month..)?.strip_prefix('月')?;
    let day = digits(after_month);
    if !(1..=2).contains(&month) || !(1..=2).contains(&day) {
        return None;
    }
    let after_day = after_month.get(day..)?;
    let end = rest.len() - after_day.strip_prefix('日').unwrap_or(after_day).len();
    let corrected = format!(
        "{year}-{:0>2}-{:0>2}",
        after_year.get(..month)?,
        after_month.get(..day)?
    );
    Some((rest.get(..end)?, corrected))
}

/// `text` with the full-width punctuation outside strings and comments in
/// its ASCII form (for `jixiao fmt`).
pub fn half_width_outside_strings(text: &str) -> String {
    half_width_with_offsets(text).0
}

/// `half_width_outside_strings`, with where each byte of the result came
/// from in `text` (one more entry, for the end): an error found in the
/// result is shown at the author's own line and column.
pub fn half_width_with_offsets(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut offsets: Vec<usize> = Vec::with_capacity(text.len() + 1);
    let mut in_string = false;
    // A string opened with a full-width “ is closed by the ” typed with it
    // (`says “按时报送”`), not left open to the end of the file.
    let mut opened_full_width = false;
    // Was that string opened as an item of a list or a record (after `[`,
    // `{`, `:` or a comma, directly inside `[` or `{`)? Then a ” before a
    // full-width comma closes it: `[“甲”，“乙”]` is two words, not one
    // holding `”，“`. Inside a call's parentheses it is not
    // (`default(x, “写了“无”，算有”)`).
    let mut opened_in_list = false;
    // Quotes opened inside that string and not yet closed: the ” that
    // closes one is part of the text (`“按“无”、“/”处理”`).
    let mut nested = 0usize;
    // The brackets open around the code, and its last character that is
    // no space or comment.
    let mut brackets: Vec<char> = Vec::new();
    let mut last_code: Option<char> = None;
    let mut in_comment = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    let mut at = 0usize;
    // Push a character of the result, made from the one at `at`.
    let mut push = |out: &mut String, c: char, at: usize| {
        out.push(c);
        offsets.extend(std::iter::repeat_n(at, c.len_utf8()));
    };
    while let Some(c) = chars.next() {
        let here = at;
        at += c.len_utf8();
        if in_comment {
            in_comment = c != '\n';
            push(&mut out, c, here);
            continue;
        }
        if in_string {
            // A ” followed by more of the text (`“迟报”{late} 天”`: a quote
            // inside the quotes, as Chinese writes one) is part of it; the
            // one followed by a space, a line's end or punctuation of the
            // rules closes it (in a list, a full-width comma or bracket too).
            let closes = chars.peek().is_none_or(|n| {
                n.is_whitespace()
                    || matches!(n, ',' | ')' | ']' | '}' | '#')
                    || (opened_in_list && matches!(n, '，' | '、' | '］' | '｝'))
            });
            let at_line_end = chars.peek().is_none_or(|n| matches!(n, '\n' | '\r'));
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    in_string = false;
                    last_code = Some('"');
                }
                (false, '“') if opened_full_width => nested += 1,
                // (At the line's end the text ends, whatever was opened in
                // it: `“全角引号括起的“文字”`.)
                (false, '”') if opened_full_width && nested > 0 && !at_line_end => nested -= 1,
                (false, '”') if opened_full_width && closes => {
                    in_string = false;
                    last_code = Some('"');
                    push(&mut out, '"', here);
                    continue;
                }
                _ => {}
            }
            push(&mut out, c, here);
            continue;
        }
        let ascii = FULL_WIDTH
            .iter()
            .find(|(w, _)| *w == c)
            .map_or(c, |(_, a)| *a);
        // A no-break or other odd space between words is a plain one.
        let ascii = if odd_space(ascii) { ' ' } else { ascii };
        match ascii {
            '#' => in_comment = true,
            '"' => {
                in_string = true;
                opened_full_width = c != '"';
                nested = 0;
                opened_in_list = matches!(brackets.last(), Some('[' | '{'))
                    && matches!(last_code, Some('[' | '{' | ',' | ':'));
            }
            '(' | '[' | '{' => brackets.push(ascii),
            ')' | ']' | '}' => {
                brackets.pop();
            }
            _ => {}
        }
        if !ascii.is_whitespace() && ascii != '#' {
            last_code = Some(ascii);
        }
        push(&mut out, ascii, here);
    }
    offsets.push(text.len());
    (out, offsets)
}

/// pest's error in words: what was expected at the farthest point the
/// parser reached, as literal tokens (`{`, `max`) and rule names.
pub(super) fn from_pest(file: u16, text: &str, e: &pest::error::Error<Rule>) -> ParseError {
    let mut at = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut words: Vec<String> = Vec::new();
    if let Some(attempts) = e.parse_attempts() {
        if attempts.max_position >= at {
            at = attempts.max_position;
            for token in attempts.expected_tokens() {
                // Literal tokens only: ranges print as `a..z`, built-ins by name.
                let token = token.to_string();
                let skipped = ["#", "\u{FEFF}", "\u{3000}", "BUILTIN_RULE"];
                if !token.trim().is_empty()
                    && !token.contains("..")
                    && !skipped.contains(&token.as_str())
                {
                    words.push(format!("`{token}`"));
                }
            }
            // Rule names only where no literal token says it better.
            if words.is_empty() {
                for stack in attempts.call_stacks() {
                    if let Some(rule) = stack.deepest.get_rule() {
                        words.push(rule_name(*rule).to_string());
                    }
                }
            }
        }
    }
    if words.is_empty() {
        if let pest::error::ErrorVariant::ParsingError { positives, .. } = &e.variant {
            words.extend(positives.iter().map(|r| rule_name(*r).to_string()));
        }
    }
    words.sort_unstable();
    words.dedup();
    // The word found, and a keyword it is probably a typo of (`critrion`).
    let found_word: String = text
        .get(at..)
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let expected_keywords: Vec<&str> = words
        .iter()
        .map(|w| w.trim_matches('`'))
        .filter(|w| w.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    let typo = (!found_word.is_empty() && !expected_keywords.contains(&found_word.as_str()))
        .then(|| crate::source::did_you_mean(&found_word, expected_keywords.iter().copied()))
        .flatten();
    let end = text
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(at, |c| at + c.len_utf8());
    // A name is shown whole (up to 40 characters); anything else up to the
    // next space, 20 characters at most.
    let ascii_name = found_word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_');
    let found = match found_word.chars().count() {
        1..=40 if ascii_name => {
            format!("`{found_word}`")
        }
        _ => text
            .get(at..)
            .and_then(|rest| rest.split_whitespace().next())
            .map_or_else(
                || "文件结尾".to_string(),
                |w| format!("`{}`", w.chars().take(20).collect::<String>()),
            ),
    };
    // A band written as the sheet writes it (`16-18`, `16—18`, `16～18`).
    if words.iter().any(|w| w == "`to`")
        && let Some(dash) = text
            .get(at..)
            .and_then(|r| r.chars().next())
            .filter(|c| RANGE_DASHES.contains(c))
    {
        let low: String = text
            .get(..at)
            .unwrap_or("")
            .trim_end()
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let high: String = text
            .get(at + dash.len_utf8()..)
            .unwrap_or("")
            .trim_start_matches(RANGE_DASHES)
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let example = match (low.is_empty(), high.is_empty()) {
            (false, false) => format!("{low} to {high}"),
            _ => "16 to 18".to_string(),
        };
        return ParseError::Syntax {
            message: format!("分数段中的 `{dash}` 不是规则中的写法：写成 `{example}`"),
            span: Span::new(file, at..at + dash.len_utf8()).source_span(),
            hint: format!("分数段用 to 连接低分和高分，两边留空格，如 {example}"),
        };
    }
    // `count(r in t.indicators for t in all_tables …)`: a second `for`
    // in one aggregate, which the language writes as one inside another.
    if found_word == "for" && open_bracket_before(text, at).is_some() {
        return ParseError::Syntax {
            message: "一个汇总（count、sum、any、[… for …] 等）只能有一个 `for`：要逐层汇总时，把内层的汇总写在外层之中".to_string(),
            span: Span::new(file, at..at + 3).source_span(),
            hint: "如 sum(count(r in t.indicators where written(r.name)) for t in all_tables)：内层 count 数一张表，外层 sum 把各表加起来".to_string(),
        };
    }
    if let Some((message, hint, span)) = missing_between(text, at, &words) {
        return ParseError::Syntax {
            message,
            span: Span::new(file, span).source_span(),
            hint,
        };
    }
    if let Some((message, hint, len)) = office_slip(text, at, &words, &found) {
        return ParseError::Syntax {
            message,
            span: Span::new(file, at..at + len).source_span(),
            hint,
        };
    }
    // The parser's own stack ran out (an `if … then … else` nested a
    // thousand deep, which no bracket counts): the same limit, said the
    // same way as brackets nested too deep.
    if let pest::error::ErrorVariant::CustomError { message } = &e.variant
        && message.contains("stack")
    {
        return ParseError::TooDeepToParse {
            span: Span::new(file, at..at).source_span(),
        };
    }
    let message = match &e.variant {
        // The parser's call limit (`PARSER_CALLS_BASE`): nesting that makes
        // it backtrack.
        pest::error::ErrorVariant::CustomError { message } if message.contains("call limit") => {
            "规则过于复杂，解析器未能在限定步数内读完（多层嵌套或未闭合的方括号、函数调用，或一个列表的项过多）"
                .to_string()
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
        _ if typo.is_some() => format!(
            "`{found_word}` 不是这里能用的关键字（{}）",
            typo.as_deref().unwrap_or("")
        ),
        _ if words.is_empty() => format!("无法识别 {found}"),
        _ if mid_word(text, at).is_some() => {
            let (word, read) = mid_word(text, at).unwrap_or_default();
            format!(
                "`{word}` 不是这里能用的写法：`{read}` 之后应为 {}",
                in_kinds(&words).join("，或 ")
            )
        }
        _ if swallowed_because(text, at, &words) => {
            "`because` 前面少了分数或条件：这里的 `because` 被读成了一个名称".to_string()
        }
        // `a = b` where a comparison was meant.
        _ if single_equals(text, at) && words.iter().any(|w| w == "`==`") => {
            "比较两个值是否相等写成 `==`（两个等号）；一个 `=` 只用在 let 和 param 的定义中"
                .to_string()
        }
        // `a <> b`: the parser read `<` and wanted a value at `>`.
        _ if at > 0 && text.get(at - 1..).is_some_and(|r| r.starts_with("<>")) => {
            "“不等于”写成 `!=`".to_string()
        }
        _ => format!(
            "这里应为 {}，实际是 {found}",
            in_kinds(&words).join("，或 ")
        ),
    };
    // `count(p.indicators)`: an aggregate's item is named first.
    let only_in = words.len() == 1 && words.first().is_some_and(|w| w == "`in`");
    let mut hint = kind_hint(&words).map_or_else(
        || "对照 docs/语言参考.md 检查这一行的写法；常见原因是少了引号、括号或关键字".to_string(),
        str::to_string,
    );
    let not_equal = at > 0 && text.get(at - 1..).is_some_and(|r| r.starts_with("<>"));
    let equals = single_equals(text, at) && words.iter().any(|w| w == "`==`");
    if not_equal {
        hint = "把 <> 改成 !=，如 c.unit != \"本单位\"".to_string();
    } else if equals {
        hint = "把 = 改成 ==，如 when late == 0".to_string();
    }
    if only_in {
        hint = "聚合先给每一行起个名字：count(r in p.indicators)、count(r in p.indicators where 条件)、sum(r.weight for r in p.indicators)".to_string();
    }
    if matches!(&e.variant, pest::error::ErrorVariant::CustomError { message } if message.contains("call limit"))
    {
        hint = "检查方括号、圆括号是否成对；把层层嵌套的表达式拆成几个 let 命名值；几万项的列表不宜写在规则文件中".to_string();
    } else if let Some(quote) = unclosed_quote_before(text, at) {
        return ParseError::Syntax {
            message: "这一行的引号没有闭合：字符串从这里开始，一直延续到了后面".into(),
            span: Span::new(file, quote..quote + 1).source_span(),
            hint: format!("在文字结尾补上 \"（读到后面 {found} 处才看出引号没有闭合）"),
        };
    }
    let start = if not_equal { at - 1 } else { at };
    ParseError::Syntax {
        message,
        span: Span::new(file, start..end).source_span(),
        hint,
    }
}

/// How far a line is indented, as an editor shows it: a tab as four
/// columns (an author who indents a block with a tab under a header
/// indented with two spaces means the block to be inside it).
fn indent_width(line: &str) -> usize {
    line.chars()
        .take_while(|c| matches!(c, ' ' | '\t' | '\u{3000}'))
        .map(|c| match c {
            '\t' => TAB_WIDTH,
            '\u{3000}' => 2,
            _ => 1,
        })
        .sum()
}

/// Columns a tab counts for in `indent_width`.
const TAB_WIDTH: usize = 4;

/// What is missing between two pieces the parser read apart, said as the
/// piece to write, not as the token list: `&&` for `and`, an `if … then`
/// without its `else`, two items of a list, a call or a record without the
/// comma between them. The place is where the piece goes (the end of the
/// code before, on its own line when the next item starts a line).
fn missing_between(
    text: &str,
    at: usize,
    words: &[String],
) -> Option<(String, String, std::ops::Range<usize>)> {
    let rest = text.get(at..).unwrap_or("");
    let expects = |w: &str| words.iter().any(|x| x.trim_matches('`') == w);
    for (typed, word, meaning) in [("&&", "and", "并且"), ("||", "or", "或者")] {
        if rest.starts_with(typed) && expects(word) {
            return Some((
                format!("“{meaning}”写成 `{word}`，规则中不用 `{typed}`"),
                format!("如 written(r.name) {word} rate < low_score_rate"),
                at..at + typed.len(),
            ));
        }
    }
    let starts_value = rest
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '"' | '{' | '[' | '(' | '_'));
    if !starts_value {
        return None;
    }
    // Where the missing piece goes: after the last code before `at`.
    let before = text.get(..at).unwrap_or("");
    let mut end = before.trim_end().len();
    while let Some(line_start) = text.get(..end).map(|t| t.rfind('\n').map_or(0, |i| i + 1)) {
        let line = text.get(line_start..end).unwrap_or("");
        match line.trim_start().starts_with('#') {
            true if line_start > 0 => end = text.get(..line_start).unwrap_or("").trim_end().len(),
            _ => break,
        }
    }
    let gap = end..end;
    if expects("else") && !expects(",") {
        return Some((
            "`if … then …` 后面少了 `else …`：条件不成立时的值也要写出".to_string(),
            "写成 if 条件 then 值 else 另一个值，如 if r.weight > 0 then round(r.score / r.weight * 100, 2) else 100".to_string(),
            gap,
        ));
    }
    if !expects(",") {
        return None;
    }
    let (what, example) = match open_bracket_before(text, at)? {
        '(' => (
            "函数的两个参数",
            "max(0, days_between(deadline, received_on))",
        ),
        '[' => ("列表的两项", "[\"加大资金投入\", \"加大投入\"]"),
        _ => ("记录的两项", "{ group: \"产出指标\", weight: 50 }"),
    };
    Some((
        format!("这里少了逗号：{what}之间要用英文逗号分隔"),
        format!("在这里补上英文逗号 ,（如 {example}）"),
        gap,
    ))
}

/// The innermost bracket open at `at`: `(`, `[` or `{`, strings and
/// comments skipped.
fn open_bracket_before(text: &str, at: usize) -> Option<char> {
    let mut open: Vec<char> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut in_comment = false;
    for c in text.get(..at)?.chars() {
        match (in_comment, in_string, escaped, c) {
            (true, _, _, '\n') => in_comment = false,
            (true, _, _, _) => {}
            (_, true, true, _) => escaped = false,
            (_, true, false, '\\') => escaped = true,
            (_, true, false, '"') => in_string = false,
            (_, true, _, _) => {}
            (_, false, _, '"') => in_string = true,
            (_, false, _, '#') => in_comment = true,
            (_, false, _, '(' | '[' | '{') => open.push(c),
            (_, false, _, ')' | ']' | '}') => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

/// The line of `text` up to byte `at`.
fn line_before(text: &str, at: usize) -> &str {
    let before = text.get(..at).unwrap_or("");
    before.rsplit('\n').next().unwrap_or(before)
}

/// Dashes a band is written with in the sheet and in Chinese text.
const RANGE_DASHES: [char; 8] = ['-', '—', '–', '－', '～', '~', '至', '―'];

/// A lone `=` at `at` (not `==`, `!=`, `<=`, `>=`).
fn single_equals(text: &str, at: usize) -> bool {
    let rest = text.get(at..).unwrap_or("");
    rest.starts_with('=') && !rest.starts_with("==")
}

/// Tokens that can begin a value: when pest lists them all, the place
/// wants a value, and one phrase says so better than seventeen tokens.
const VALUE_STARTS: [&str; 17] = [
    "\"", "(", "-", "[", "_", "all", "any", "count", "false", "first", "if", "max", "min", "not",
    "sum", "true", "{",
];

/// Tokens that continue an expression: operators, `.field`, `[index]`.
const CONTINUATIONS: [&str; 14] = [
    "!=", "*", "+", "-", "/", "<=", "<", "==", ">=", ">", "and", "or", ".", "[",
];

/// The expected tokens (each written `` `tok` ``) described by kind: a
/// value, an operator, then whatever single words remain, each in quotes.
fn in_kinds(words: &[String]) -> Vec<String> {
    let bare: Vec<&str> = words.iter().map(|w| w.trim_matches('`')).collect();
    let has_all = |set: &[&str]| set.iter().all(|t| bare.contains(t));
    // Markers that tell the sets apart: `(` and `"` start only values;
    // `==` and `and` only continue one.
    let wants_value = has_all(&["(", "\"", "not"]);
    let wants_operator = has_all(&["==", "+", "and"]);
    let mut kinds = Vec::new();
    if wants_value {
        kinds.push(
            "一个值（数字、日期、\"文字\"、名称、函数调用、[列表]、( 算式 ) 等）".to_string(),
        );
    }
    if wants_operator {
        kinds.push("运算符（+ - * / == != < > <= >= and or）".to_string());
    }
    let rest: Vec<&String> = words
        .iter()
        .filter(|w| {
            let t = w.trim_matches('`');
            let grouped = (wants_value && VALUE_STARTS.contains(&t))
                || (wants_operator && CONTINUATIONS.contains(&t));
            !grouped
        })
        .collect();
    if !rest.is_empty() {
        kinds.push(
            rest.iter()
                .map(|w| w.as_str())
                .collect::<Vec<_>>()
                .join("、"),
        );
    }
    kinds
}

/// `judge 0 too 5`: the parser took the keyword `to` and stopped inside
/// the word. The whole word and the part that was read, so the message
/// names what the author wrote rather than a stray letter.
fn mid_word(text: &str, at: usize) -> Option<(String, String)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text.get(..at)?;
    let after = text.get(at..)?;
    if !(before.chars().next_back().is_some_and(is_word)
        && after.chars().next().is_some_and(is_word))
    {
        return None;
    }
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = at + after.find(|c: char| !is_word(c)).unwrap_or(after.len());
    let read = text.get(start..at)?;
    // A name that runs into a number (`x1`) is not a slip of this kind.
    if !read.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    Some((text.get(start..end)?.to_string(), read.to_string()))
}

/// `award because "…"`: the value is missing, so `because` was read as a
/// name and the parser then wants an operator or another `because`.
fn swallowed_because(text: &str, at: usize, words: &[String]) -> bool {
    let before = text.get(..at).unwrap_or("").trim_end();
    before.ends_with("because")
        && before
            .get(..before.len() - "because".len())
            .is_some_and(|b| b.ends_with(char::is_whitespace))
        && words.iter().any(|w| w == "`because`")
}

/// What to write in the place, where the kinds expected say it.
fn kind_hint(words: &[String]) -> Option<&'static str> {
    let bare: Vec<&str> = words.iter().map(|w| w.trim_matches('`')).collect();
    if bare.contains(&"because") {
        return Some(
            "评分语句写成 award 5 because \"说明\"、deduct 1 per late cap 10 because \"说明\"；检查语句写成 raise warning when 条件 because \"说明\"",
        );
    }
    if ["error", "warning", "info"]
        .iter()
        .all(|s| bare.contains(s))
    {
        return Some(
            "发现的严重程度写 error（错误）、warning（警告）或 info（提示），如 raise warning when …",
        );
    }
    if bare.contains(&"(") && bare.contains(&"\"") {
        return Some(
            "这里要写一个值或算式，如 10、2023-06-15、\"文字\"、late、days_between(a, b)、sum(r.score for r in rows)；运算符不能打头",
        );
    }
    None
}

/// What an author used to office software writes where the rules want
/// something else: `≥` and `×` for `>=` and `*`, `80%` for a number, a
/// string whose opening quote was forgotten (`because {x} 送达"`), a
/// parameter where the points must be a number. The message, hint and
/// the length of the span to mark, or nothing.
fn office_slip(
    text: &str,
    at: usize,
    words: &[String],
    found: &str,
) -> Option<(String, String, usize)> {
    let rest = text.get(at..)?;
    let next = rest.chars().next()?;
    const SIGNS: [(char, &str, &str); 6] = [
        ('≥', ">=", "大于等于"),
        ('≤', "<=", "小于等于"),
        ('≠', "!=", "不等于"),
        ('×', "*", "乘"),
        ('÷', "/", "除"),
        ('＝', "==", "等于"),
    ];
    if let Some((c, ascii, name)) = SIGNS.iter().find(|(c, _, _)| *c == next) {
        return Some((
            format!("`{c}` 不是规则中的运算符：“{name}”写成 `{ascii}`"),
            "规则中的运算符都用半角（英文输入法）：>= <= != == + - * /".to_string(),
            c.len_utf8(),
        ));
    }
    let before = text.get(..at).and_then(|b| b.chars().last());
    if next == '%' && before.is_some_and(|b| b.is_ascii_digit()) {
        return Some((
            "规则中的数不带 %：数后面的 % 不能这样写".to_string(),
            "与表中按百分数填写的栏（如执行率 96.9%）比较时写成 96.9 这样的数；作比例相乘相除时写成 0.969 这样的小数".to_string(),
            1,
        ));
    }
    // A full-width space typed inside a name (`la　te`): the parser read
    // two words.
    let name_char = |c: char| c.is_alphanumeric() || c == '_';
    let before_space = text
        .get(..at)
        .and_then(|b| b.strip_suffix('\u{3000}'))
        .and_then(|b| b.chars().next_back());
    if before == Some('\u{3000}') && before_space.is_some_and(name_char) && name_char(next) {
        return Some((
            "这里前面有一个全角空格：名称或关键字被它分成了两段".to_string(),
            "删去全角空格（中文输入法下的空格）；需要分隔时用半角空格".to_string(),
            next.len_utf8(),
        ));
    }
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let quotes_after = rest.get(..line_end)?.matches('"').count();
    // `because “…"`: a Chinese opening quote, an ASCII closing one.
    if next == '“' && quotes_after % 2 == 1 {
        return Some((
            "说明文字的开头是中文引号 “：文字要用半角双引号 \" 括起来".to_string(),
            "把开头的 “ 改成 \"（结尾的 \" 已是半角）".to_string(),
            next.len_utf8(),
        ));
    }
    let wants = |w: &str| words.iter().any(|x| x == &format!("`{w}`"));
    // `deduct -2 per late`: points are taken off, so they are written
    // positive.
    if next == '-'
        && rest.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
        && text
            .get(..at)
            .is_some_and(|b| b.trim_end().ends_with("deduct"))
    {
        return Some((
            "扣分写正数：deduct 后面的分数就是扣去的分数".to_string(),
            format!(
                "去掉负号，写成 deduct {} …",
                rest.get(1..)
                    .unwrap_or("")
                    .split_whitespace()
                    .next()
                    .unwrap_or("2")
            ),
            1,
        ));
    }
    // `deduct 2 per late cap 10 when …`: the condition comes before `cap`.
    if found == "`when`"
        && wants("because")
        && !wants("when")
        && line_before(text, at).contains(" cap ")
    {
        return Some((
            "`when` 要写在 cap 之前".to_string(),
            "顺序是 deduct 分数 per 次数 when 条件 cap 上限 because \"……\"".to_string(),
            "when".len(),
        ));
    }
    // Any other clause of a `deduct` or `zero` out of its place (`deduct 2
    // cap 10 per late`, `… because "x" cap 10`): the order written out.
    let statement = line_before(text, at).trim_start();
    let clause = ["`per`", "`when`", "`cap`", "`because`", "`at`"].contains(&found);
    if clause && statement.starts_with("deduct ") {
        return Some((
            format!("{found} 的位置不对"),
            "deduct 语句各部分的顺序是：deduct 分数 per 次数 when 条件 cap 上限 because \"说明\" at 位置（per、when、cap、at 可以不写）".to_string(),
            found.trim_matches('`').len(),
        ));
    }
    if clause && statement.starts_with("zero ") {
        return Some((
            format!("{found} 的位置不对"),
            "zero 语句写成 zero when 条件 because \"说明\"（得 0 分，没有 per、cap）".to_string(),
            found.trim_matches('`').len(),
        ));
    }
    // `because "正文 " + len(x) + "个"`: a message is one text, its values
    // in braces.
    if next == '+'
        && text.get(..at).is_some_and(|b| b.trim_end().ends_with('"'))
        && line_before(text, at).contains("because \"")
    {
        return Some((
            "说明文字不能用 + 连接：整段说明写在一对引号中".to_string(),
            "要放入的值写在花括号中，如 because \"正文 {len(missing)} 个部分\"".to_string(),
            1,
        ));
    }
    if words.iter().any(|w| w == "`\"`") && quotes_after % 2 == 1 {
        return Some((
            "说明文字的开头少了引号：文字要用半角双引号 \" 括起来".to_string(),
            format!("在 {found} 前面补上 \"，如 because \"{{received_on}} 送达\""),
            next.len_utf8(),
        ));
    }
    // `when … { }` followed by anything but another `when` or `otherwise`.
    if wants("otherwise") && wants("when") {
        return Some((
            format!("一组 when 之后必须写 otherwise，这里是 {found}"),
            "when 条件 { … } 可以写几组，最后必须是 otherwise { … }：所有条件都不成立时怎样计分写在其中（如 otherwise { judge 0 to 5 }，或 otherwise { award 3 because \"……\" }）".to_string(),
            found.trim_matches('`').len().max(1),
        ));
    }
    // A block's `{` forgotten at the end of its header line: the parser
    // meets the block's first statement on the next line.
    if wants("{") && starts_line(text, at) && at > 0 {
        let header_line = text
            .get(..at)?
            .trim_end()
            .rsplit('\n')
            .next()
            .unwrap_or("")
            .trim();
        if !header_line.is_empty() && !header_line.ends_with('{') {
            return Some((
                format!("上一行末尾少了 `{{`：“{header_line}”之后的内容要放在 {{ }} 中"),
                "在上一行末尾补上 {（criterion、section、check 的标题行都以 { 结尾），块的最后一行是 }".to_string(),
                found.trim_matches('`').len().max(1),
            ));
        }
    }
    // `max 3分`: the unit written after a number.
    if matches!(next, '分' | '元' | '天' | '项' | '个')
        && before.is_some_and(|b| b.is_ascii_digit())
    {
        return Some((
            format!("数后面不写单位“{next}”：分值、金额、天数都只写数字"),
            "写成 max 3、deduct 2、cap 10 这样的数".to_string(),
            next.len_utf8(),
        ));
    }
    // `criterion section-length`: an id with a hyphen.
    if next == '-'
        && before.is_some_and(|b| b.is_ascii_alphanumeric() || b == '_')
        && rest.chars().nth(1).is_some_and(|c| c.is_ascii_alphabetic())
    {
        let word_start = text
            .get(..at)?
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let keyword = text
            .get(..word_start)?
            .split_whitespace()
            .next_back()
            .unwrap_or("");
        if matches!(
            keyword,
            "criterion" | "section" | "check" | "fn" | "let" | "param"
        ) {
            let id = text.get(word_start..)?;
            let id: String = id
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            return Some((
                format!("编号和名称只用字母、数字和下划线：`{id}` 中的 `-` 不能用"),
                format!("写成 `{}`", id.replace('-', "_")),
                1,
            ));
        }
    }
    // `max "3"`: a number in quotes where a number goes.
    if next == '"' && words.iter().any(|w| w == "数字") && !words.iter().any(|w| w.contains("文字"))
    {
        let quoted: String = rest.chars().skip(1).take_while(|c| *c != '"').collect();
        if !quoted.is_empty() && quoted.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Some((
                format!("这里的数不加引号：\"{quoted}\" 是文字"),
                format!("去掉引号，写成 {quoted}"),
                quoted.len() + 2,
            ));
        }
    }
    // A name starting here, not the rest of a word (`too` for `to`).
    let is_name = (next.is_alphabetic() || next == '_')
        && before.is_none_or(|b| !b.is_alphanumeric() && b != '_');
    if is_name && words.len() == 1 && words.first().is_some_and(|w| w == "数字") {
        return Some((
            format!("这里的分数要直接写数字，不能写名称 {found}"),
            "award、deduct、cap 后的分数写成数字，如 deduct 2 per late cap 10；按参数计算的分数可以写在 award 的算式中，如 award 5 * conforming / checked".to_string(),
            found.trim_matches('`').len(),
        ));
    }
    None
}

/// The quote that opened a string which ran on: the last quote of the
/// nearest earlier line (of the 20 before the error's) with an odd number
/// of unescaped quotes.
fn unclosed_quote_before(text: &str, at: usize) -> Option<usize> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let mut end = line_start;
    for _ in 0..20 {
        if end == 0 {
            return None;
        }
        let start = text.get(..end - 1)?.rfind('\n').map_or(0, |i| i + 1);
        let line = text.get(start..end - 1)?;
        let code = line.split('#').next().unwrap_or("");
        let mut quotes = Vec::new();
        let mut escaped = false;
        for (i, c) in code.char_indices() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => quotes.push(start + i),
                _ => {}
            }
        }
        if quotes.len() % 2 == 1 {
            return quotes.last().copied();
        }
        end = start;
    }
    None
}

/// Every grammar rule in words. A new rule fails to compile until it has one.
fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::WHITESPACE | Rule::COMMENT => "空白",
        Rule::keyword => "关键字",
        Rule::ident => "名称",
        Rule::number => "数字",
        Rule::date => "日期（如 2023-06-15）",
        Rule::string | Rule::string_body => "带引号的文字",
        Rule::kw_true | Rule::kw_false => "true 或 false",
        Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::infix_op => "运算符",
        Rule::op_not | Rule::op_neg | Rule::prefix_op => "not 或 -",
        Rule::expr | Rule::postfix | Rule::primary => "表达式",
        Rule::field_access => "`.字段`",
        Rule::index_access => "`[下标]`",
        Rule::if_expr => "if … then … else …",
        Rule::count_expr => "count(x in 列表 where 条件)",
        Rule::aggregate | Rule::agg_name => "sum/all/any/min/max/first(… for x in 列表)",
        Rule::comprehension => "[… for x in 列表]",
        Rule::where_clause => "where 条件",
        Rule::call => "函数调用",
        Rule::list => "列表 [ … ]",
        Rule::record_lit | Rule::record_field => "记录 { 键: 值 }",
        Rule::file | Rule::item => {
            "sheet、param、let、fn、section、criterion、check、record 或 root"
        }
        Rule::EOI => "文件结尾",
        Rule::hole => "{表达式}",
        Rule::sheet_decl => "sheet",
        Rule::sheet_setting | Rule::setting_name => "year、total、round 或 reviews { … }",
        Rule::reviews_decl => "reviews { combine …  disagree above …  require note below max }",
        Rule::combine_setting => "combine mean|median|lowest|highest",
        Rule::combine_method => "mean、median、lowest 或 highest",
        Rule::disagree_setting => "disagree above 分数",
        Rule::note_setting => "require note below max",
        Rule::param_decl => "param",
        Rule::let_decl => "let",
        Rule::section => "section",
        Rule::criterion => "criterion",
        Rule::points => "max 分值",
        Rule::says => "says \"评分标准原文\"",
        Rule::body | Rule::statement => "let、hint、show、full、zero、deduct、award、judge 或 when",
        Rule::hint => "hint",
        Rule::show => "show \"标题\" 文字",
        Rule::zero => "zero when",
        Rule::full => "full because \"说明\"",
        Rule::deduct => "deduct",
        Rule::per_clause => "per",
        Rule::when_clause => "when",
        Rule::cap_clause => "cap",
        Rule::because => "because \"说明\"",
        Rule::award => "award",
        Rule::judge => "judge",
        Rule::band => "分数段（如 16 to 18）",
        Rule::tier => "tier",
        Rule::free => "free",
        Rule::cases | Rule::case => "when 条件 { … }",
        Rule::otherwise => "otherwise { … }",
        Rule::fn_decl => "fn 名称(参数: 类型) = 表达式",
        Rule::fn_param => "参数（名称: 类型）",
        Rule::check_decl => "check",
        Rule::check_step => "for、let 或 raise",
        Rule::for_step => "for x in 列表",
        Rule::for_body => "{ … }",
        Rule::raise => "raise error|warning|info when 条件 because \"说明\"",
        Rule::severity => "error、warning 或 info",
        Rule::at_clause => "at 数据位置",
        Rule::related_clause => "related to 检查编号",
        Rule::record_decl => "record",
        Rule::root_decl => "root",
        Rule::field_decl => "字段声明（名称: 类型 \"表格中的名称\"）",
        Rule::field_label => "字段在表格中的名称（带引号的文字）",
        Rule::optional => "?",
        Rule::one_of => "in [ … ]",
        Rule::type_expr | Rule::list_type | Rule::map_type => "类型",
    }
}
