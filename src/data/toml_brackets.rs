//! A bracket left open in a TOML file, found where it opens. The parser
//! notices only on a later line (`missing comma between array elements`
//! at the next key), or at the end of the file, and every line after the
//! slip then fails again: one mistake, said once, at the `[` or `{` the
//! person wrote, with what to write.

use super::toml_errors::Told;

/// A syntax error the parser gave at `at` with `message`, in words: a
/// quote or a bracket left open, said where it opens, or a slip in the
/// value there (`tell`). Nothing when it is none of those.
pub(crate) fn told_syntax(text: &str, at: usize, message: &str) -> Option<Told> {
    super::toml_errors::unclosed_string(text, at)
        .or_else(|| unclosed_bracket(text, at, message))
        .or_else(|| super::toml_errors::tell(text, at))
}

/// The bracket left open before `at`, where the parser stopped: a `[` or
/// `{` not closed when the line holding `at` starts the next key (or the
/// file ends), a table header without its `]`, or two items of an array
/// on one line without a comma between them. `message` is the parser's.
pub(crate) fn unclosed_bracket(text: &str, at: usize, message: &str) -> Option<Told> {
    let at = at.min(text.len());
    let line_start = text
        .get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(line_start..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| line_start + i);
    let line = text.get(line_start..line_end).unwrap_or("");
    let unclosed = message.contains("unclosed");
    let open_before = open_brackets(text, line_start);
    // `[edit` on a line of its own: a table header without its `]`.
    if unclosed && open_before.is_empty() && is_header_slip(line) {
        let header = line.split('#').next().unwrap_or("").trim();
        let from = line_start + (line.len() - line.trim_start().len());
        return Some(Told {
            message: format!("表头 `{header}` 少了结尾的 `]`"),
            label: "表头没有闭合",
            help: format!("写成 {header}]"),
            range: from..from + header.len(),
        });
    }
    // The parser says "unclosed" where the file or the line ends: the
    // bracket may open on that line.
    let open = match unclosed {
        true => open_brackets(text, at),
        false => open_before,
    };
    match open.last() {
        // `["甲" "乙"]`, `{ a = 1 b = 2 }`: two items on the line the
        // parser stopped at.
        None if message.contains("missing comma") => {
            let (what, example) = match open_brackets(text, at).last() {
                Some((_, '{')) => ("内联表", "{ 键 = 值, 键 = 值 }"),
                _ => ("数组", "[\"甲\", \"乙\"]"),
            };
            let before = text.get(line_start..at).unwrap_or("");
            before.contains(['[', '{']).then(|| Told {
                message: format!("{what}的两项之间少了逗号"),
                label: "这里少了逗号",
                help: format!("在两项之间加英文逗号，如 {example}"),
                range: at..at,
            })
        }
        None => None,
        // An opening bracket earlier whose line the next key follows (or
        // the file ends): it was meant to close on its own line.
        Some(&(opened, bracket)) if unclosed || starts_key(line) || starts_header(line) => {
            let close = if bracket == '[' { ']' } else { '}' };
            let kind = if bracket == '[' {
                "数组"
            } else {
                "内联表"
            };
            let example = if bracket == '[' {
                "数组写成 [\"甲\", \"乙\"]"
            } else {
                "内联表写成 { 键 = 值 }"
            };
            Some(Told {
                message: format!("这里的 `{bracket}` 没有对应的 `{close}`"),
                label: "从这里开始没有闭合",
                help: format!(
                    "{example}：在{kind}的最后一项之后补上 {close}；这里本不是{kind}的，删去 {bracket}"
                ),
                range: opened..opened + 1,
            })
        }
        Some(_) => None,
    }
}

/// A table header (`[overall.funds]`, `[[units]]`) on its own line, which
/// no array or inline table holds.
fn starts_header(line: &str) -> bool {
    let code = line.split('#').next().unwrap_or("").trim();
    let inner = code
        .strip_prefix("[[")
        .and_then(|c| c.strip_suffix("]]"))
        .or_else(|| code.strip_prefix('[').and_then(|c| c.strip_suffix(']')));
    inner.is_some_and(|k| {
        !k.trim().is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | ' '))
    })
}

/// `[name` with no `]` on its line (comments aside).
fn is_header_slip(line: &str) -> bool {
    let code = line.split('#').next().unwrap_or("").trim();
    code.starts_with('[') && !code.ends_with(']') && !code.contains(['=', '"'])
}

/// Does the line start a key (`name = …`, `"甲" = …`), which no array or
/// inline table holds on a line of its own?
fn starts_key(line: &str) -> bool {
    let code = line.trim_start();
    let Some(eq) = code.find('=') else {
        return false;
    };
    let key = code.get(..eq).unwrap_or("").trim_end();
    !key.is_empty()
        && code.get(eq + 1..).is_none_or(|r| !r.starts_with('='))
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | ' '))
}

/// The brackets still open at byte `until` (a line's start), each with
/// where it opened; strings, multi-line strings and comments skipped.
fn open_brackets(text: &str, until: usize) -> Vec<(usize, char)> {
    let bytes = text.as_bytes();
    let mut open = Vec::new();
    let mut i = 0;
    while i < until.min(bytes.len()) {
        let rest = bytes.get(i..).unwrap_or_default();
        match bytes.get(i).copied().unwrap_or(b' ') {
            b'#' => {
                i += rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
                continue;
            }
            q @ (b'"' | b'\'') => {
                let triple = [q, q, q];
                if rest.starts_with(&triple) {
                    let body = rest.get(3..).unwrap_or_default();
                    let end = find(body, &triple).map_or(rest.len(), |e| e + 6);
                    i += end;
                } else {
                    // A one-line string ends at its quote or the line's end.
                    let mut j = 1;
                    while let Some(&b) = rest.get(j) {
                        if b == b'\n' || b == q {
                            break;
                        }
                        j += if b == b'\\' && q == b'"' { 2 } else { 1 };
                    }
                    i += j + 1;
                }
                continue;
            }
            b @ (b'[' | b'{') => open.push((i, char::from(b))),
            b']' | b'}' => {
                open.pop();
            }
            _ => {}
        }
        i += 1;
    }
    open
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::unclosed_bracket;

    fn said(text: &str, at: &str, message: &str) -> Option<(String, String)> {
        let at = text.find(at).unwrap_or(text.len());
        unclosed_bracket(text, at, message).map(|t| {
            (
                t.message,
                text.get(t.range.clone()).unwrap_or_default().to_string(),
            )
        })
    }

    #[test]
    fn an_open_bracket_is_said_where_it_opens() {
        let text = "[unit]\nrole = [\"预算单位\"\nfilled_by = \"易帆\"\n";
        assert_eq!(
            said(text, "filled_by", "missing comma between array elements"),
            Some(("这里的 `[` 没有对应的 `]`".into(), "[".into()))
        );
        let text = "criteria = { suggestions = \"0\" \n";
        assert_eq!(
            said(text, "\n", "unclosed inline table, expected `}`"),
            Some(("这里的 `{` 没有对应的 `}`".into(), "{".into()))
        );
        // A multi-line array that is closed, and a bracket in a text or a
        // comment, are no slip.
        let text = "rows = [\n  \"甲[\",  # ]]\n  \"乙\",\n]\nname = 1 2\n";
        assert_eq!(said(text, "name", "expected newline"), None);
    }

    #[test]
    fn a_header_and_a_missing_comma() {
        assert_eq!(
            said("[edit\nx = 1\n", "\n", "unclosed table, expected `]`"),
            Some(("表头 `[edit` 少了结尾的 `]`".into(), "[edit".into()))
        );
        // A `{` left open before the next table's header.
        let text =
            "[overall]\nlevel1_weights = { \"产出指标\" = 50\n\n[overall.funds]\nweight = 10\n";
        assert_eq!(
            said(text, "[overall.funds]", "invalid key").map(|s| s.1),
            Some("{".into())
        );
        let text = "w = { \"甲\" = 50 \"乙\" = 30 }\n";
        assert_eq!(
            said(text, "\"乙", "missing comma between key-value pairs").map(|s| s.0),
            Some("内联表的两项之间少了逗号".into())
        );
        let text = "findings = [\"a\" \"b\"]\n";
        assert_eq!(
            said(text, "\"b", "missing comma between array elements").map(|s| s.0),
            Some("数组的两项之间少了逗号".into())
        );
    }
}
