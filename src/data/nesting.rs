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
            b'"' | b'\'' => at = string_end(bytes, at, c)?,
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

/// The closing quote of the string that opens at `at`. A string runs to
/// its next quote; a multi-line one (three quotes) to the next three,
/// which up to two more quotes may follow as its own text (`""""` ends
/// with a quote). In a basic string (`"`) a backslash escapes the byte
/// after it.
fn string_end(bytes: &[u8], at: usize, quote: u8) -> Option<usize> {
    let three = [quote; 3];
    let multi_line = bytes.get(at..at + 3) == Some(&three[..]);
    let mut i = if multi_line { at + 2 } else { at };
    loop {
        i = match quote {
            b'"' => after(bytes, i, |rest| memchr::memchr2(b'"', b'\\', rest))?,
            _ => after(bytes, i, |rest| memchr::memchr(quote, rest))?,
        };
        if bytes.get(i) == Some(&b'\\') && quote == b'"' {
            i += 1;
        } else if !multi_line {
            return Some(i);
        } else if bytes.get(i..i + 3) == Some(&three[..]) {
            let extra = bytes.get(i + 3..).map_or(0, |rest| {
                rest.iter().take(2).take_while(|b| **b == quote).count()
            });
            return Some(i + 2 + extra);
        }
    }
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

    /// The scan a byte at a time, as TOML reads strings: the fast one must
    /// agree with it.
    fn reference(text: &str) -> Option<usize> {
        let b = text.as_bytes();
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        let mut depth = 0usize;
        let mut i = 0;
        while i < b.len() {
            let c = at(i);
            match c {
                b'#' => {
                    while i < b.len() && at(i) != b'\n' {
                        i += 1;
                    }
                }
                b'"' | b'\'' => {
                    let multi = at(i + 1) == c && at(i + 2) == c;
                    i += if multi { 3 } else { 1 };
                    loop {
                        if i >= b.len() {
                            return None;
                        }
                        if c == b'"' && at(i) == b'\\' {
                            i += 2;
                            continue;
                        }
                        if at(i) == c && (!multi || (at(i + 1) == c && at(i + 2) == c)) {
                            if multi {
                                i += 2;
                                let mut extra = 0;
                                while extra < 2 && at(i + 1) == c {
                                    i += 1;
                                    extra += 1;
                                }
                            }
                            break;
                        }
                        i += 1;
                    }
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_SUBMISSION_NESTING {
                        return Some(i);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
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
            // A multi-line text with a lone quote is still one text.
            format!("a = \"\"\"易\"帆{}\"\"\"\nb = 1", deep("[")),
            format!("a = '''易'帆{}'''\nb = 1", deep("{")),
            format!("a = \"\"\"x\"\"\"\"\" {}", deep("[")),
            format!("a = '''x''''' {}", deep("[")),
            format!("a = \"\"\"x\\\"\"\"{}\"\"\" {}", deep("["), deep("[")),
            format!("a = \"\" {}", deep("[")),
            format!("a = '' {}", deep("[")),
            format!("a = \"\"\"未完 {}", deep("[")),
            format!("a = 'c:\\' {}", deep("[")),
        ];
        texts.push(format!("{}{}", "]".repeat(5), deep("[")));
        for text in &texts {
            assert_eq!(too_deep(text), reference(text), "{text:?}");
        }
        assert!(too_deep(&format!("a = {}", deep("["))).is_some());
    }
}
