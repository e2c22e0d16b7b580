//! The nesting limit of a submission, checked on its text before the TOML
//! parser sees it: the parser recurses once per level.

use super::MAX_SUBMISSION_NESTING;

/// Where nesting passes `MAX_SUBMISSION_NESTING`, outside strings and
/// comments. Every byte that matters is ASCII, and no byte of a multi-byte
/// UTF-8 character is, so the text is scanned byte by byte, skipping to the
/// next byte that matters.
pub(super) fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = next(bytes, 0)?;
    while let Some(&c) = bytes.get(at) {
        match c {
            // A comment runs to the end of its line.
            b'#' => at = after(bytes, at, |rest| memchr::memchr(b'\n', rest))?,
            // A string runs to its closing quote; a backslash in a basic
            // string escapes the byte after it.
            b'"' => loop {
                at = after(bytes, at, |rest| memchr::memchr2(b'"', b'\\', rest))?;
                if bytes.get(at) == Some(&b'"') {
                    break;
                }
                at += 1;
            },
            b'\'' => at = after(bytes, at, |rest| memchr::memchr(b'\'', rest))?,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_SUBMISSION_NESTING {
                    return Some(at);
                }
            }
            _ => depth = depth.saturating_sub(1),
        }
        at = next(bytes, at + 1)?;
    }
    None
}

/// Does a byte open or close something?
const fn matters(c: u8) -> bool {
    matches!(c, b'#' | b'"' | b'\'' | b'[' | b'{' | b']' | b'}')
}

/// `matters` for every byte, as a table: one look-up per byte instead of
/// seven comparisons, on every byte outside strings.
static MATTERS: [bool; 256] = {
    let mut table = [false; 256];
    let mut rest: &mut [bool] = &mut table;
    let mut c: u8 = 0;
    while let [slot, tail @ ..] = rest {
        *slot = matters(c);
        rest = tail;
        c = c.wrapping_add(1);
    }
    table
};

/// The first byte from `from` on that opens or closes something.
fn next(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.iter()
        .position(|&c| MATTERS.get(usize::from(c)) == Some(&true))
        .map(|i| from + i)
}

/// The position `find` finds in the bytes after `at`.
fn after(bytes: &[u8], at: usize, find: impl Fn(&[u8]) -> Option<usize>) -> Option<usize> {
    let from = at + 1;
    find(bytes.get(from..)?).map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan as first written, a character at a time: the fast one must
    /// agree with it.
    fn reference(text: &str) -> Option<usize> {
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut escaped = false;
        let mut comment = false;
        for (at, c) in text.char_indices() {
            if comment {
                comment = c != '\n';
                continue;
            }
            if let Some(q) = quote {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') if q == '"' => escaped = true,
                    (false, c) if c == q => quote = None,
                    _ => {}
                }
                continue;
            }
            match c {
                '#' => comment = true,
                '"' | '\'' => quote = Some(c),
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_SUBMISSION_NESTING {
                        return Some(at);
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        None
    }

    #[test]
    fn agrees_with_the_scan_a_character_at_a_time() {
        let deep = |open: &str| open.repeat(MAX_SUBMISSION_NESTING + 1);
        let mut texts = vec![
            String::new(),
            "a = 1\n".to_string(),
            format!("a = {}", deep("[")),
            format!("a = {}", deep("{ b = ")),
            format!("a = \"{}\"", deep("[")),
            format!("a = '{}'", deep("[")),
            format!("# {}\nb = {}", deep("["), deep("[")),
            format!("a = \"x\\\"{}\" {}", deep("["), deep("[")),
            format!("a = \"x\\\\\" {}", deep("[")),
            format!("a = \"\"\"多行{}\"\"\" {}", deep("["), deep("[")),
            format!("a = '它\\' {}", deep("[")),
            format!("a = \"未完 {}", deep("[")),
            format!("a = {}{}", "[]".repeat(40), deep("[")),
            format!("名称 = \"单位\" # 注 {}\n{}", deep("{"), deep("[")),
            "a = \"\\".to_string(),
            "# \n[x]\n".to_string(),
        ];
        texts.push(format!("{}{}", "]".repeat(5), deep("[")));
        for text in &texts {
            assert_eq!(too_deep(text), reference(text), "{text:?}");
        }
        assert!(too_deep(&format!("a = {}", deep("["))).is_some());
    }
}
