//! A TOML syntax error in a unit's own words. The parser knows only that it
//! could not read a value; the clerk wrote a date with slashes, an amount
//! with its unit or a thousands separator, full-width digits or quotes, or
//! pasted an invisible control character. Each of those is recognised from
//! the text at the error and told in Chinese, with the fix written out
//! from the clerk's own value.

/// What to say about a syntax error at `at`: message, label, help, and the
/// span to underline (the value, or the one bad character).
pub(crate) struct Told {
    pub message: String,
    pub label: &'static str,
    pub help: String,
    pub range: std::ops::Range<usize>,
}

/// The mistake written at byte `at` of `text`, when it is one of those.
pub(crate) fn tell(text: &str, at: usize) -> Option<Told> {
    let (line_start, line) = line_at(text, at);
    if let Some(told) = control_character(line_start, line) {
        return Some(told);
    }
    if let Some(told) = chinese_quotes(line_start, line) {
        return Some(told);
    }
    if let Some(told) = full_width_key(line_start, line) {
        return Some(told);
    }
    if let Some(told) = full_width_sign(text, at) {
        return Some(told);
    }
    let (value_start, value) = value_of(line_start, line, at)?;
    let range = value_start..value_start + value.len();
    let told = |message: String, label, help: String| {
        Some(Told {
            message,
            label,
            help,
            range: range.clone(),
        })
    };
    if looks_like_date(value) {
        return told(
            format!("`{value}` 不是日期的写法"),
            "日期写法不对",
            "日期写成 2023-06-14（年-月-日，月和日写两位，用减号连接，不加引号）".into(),
        );
    }
    if let Some((number, unit)) = number_with_unit(value) {
        return told(
            format!("`{value}` 的数字后面带了单位“{unit}”"),
            "数字后不写单位",
            format!("只写数字：{number}（单位由表格规定，这里不写）"),
        );
    }
    if let Some(plain) = without_thousands_separators(value) {
        return told(
            format!("`{value}` 中有千位分隔符（逗号）"),
            "数字中不写逗号",
            format!("写成 {plain}"),
        );
    }
    if let Some(plain) = half_width_number(value) {
        return told(
            format!("`{value}` 是全角字符写的数字"),
            "全角数字",
            format!("切换到英文输入法，写成半角数字：{plain}"),
        );
    }
    if value.starts_with(['“', '”', '‘', '’']) {
        return told(
            "文字要用英文双引号括起，不能用中文引号".into(),
            "中文引号",
            "把 “…” 改成 \"…\"（英文输入法下的双引号）".into(),
        );
    }
    None
}

/// A sign typed with a Chinese input method where the parser stopped
/// (`"甲"，"乙"` in a list, `［`, `＝`): what to type instead.
/// A key typed with a Chinese input method's full-width letters or digits
/// (`ｆｉｌｌｅｄ_ｂｙ = …`): said once, over the key, with the key as it
/// must be written. (The parser stops at the key's first and its last
/// full-width letter: both are this one slip.)
fn full_width_key(line_start: usize, line: &str) -> Option<Told> {
    let wide = |c: char| matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '＿' | '－');
    let key = line.split('=').next()?;
    if line.trim_start().starts_with(['#', '[', '"']) || !key.chars().any(wide) {
        return None;
    }
    let lead = key.len() - key.trim_start().len();
    let key = key.trim();
    let narrow: String = key
        .chars()
        .map(|c| match c {
            _ if wide(c) => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    Some(Told {
        message: format!("键 `{key}` 中有全角字母或数字：TOML 的键只认英文（半角）字母和数字"),
        label: "全角字母",
        help: format!("切换到英文输入法，重新输入这个键：{narrow}"),
        range: line_start + lead..line_start + lead + key.len(),
    })
}

fn full_width_sign(text: &str, at: usize) -> Option<Told> {
    // A Chinese quote earlier on the line, outside any text, opened what
    // the parser read as a bare word (`[“projects[0]…”]` stops at `[0]`).
    let (line_start, line) = line_at(text, at);
    let mut in_text = false;
    let mut quote = None;
    for (i, c) in line.char_indices() {
        // The parser may stop only at the line's end (`［submission］`):
        // the first full-width sign before it is the one to say.
        if line_start + i > at {
            break;
        }
        match c {
            '"' => in_text = !in_text,
            '#' if !in_text => break,
            '“' | '”' | '［' | '］' | '【' | '】' | '｛' | '｝' | '＝' if !in_text => {
                quote = Some(line_start + i);
                break;
            }
            _ => {}
        }
    }
    // A full-width sign on the line before, outside any text (`findings =
    // ［`): the parser stops only on the next line.
    let before = {
        let previous_start = text
            .get(..line_start.saturating_sub(1))
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let previous = text.get(previous_start..line_start).unwrap_or("");
        let mut in_text = false;
        let mut found = None;
        for (i, c) in previous.char_indices() {
            match c {
                '"' => in_text = !in_text,
                '#' if !in_text => break,
                '［' | '］' | '【' | '】' | '｛' | '｝' | '，' | '、' | '＝' if !in_text =>
                {
                    found = Some(previous_start + i);
                    break;
                }
                _ => {}
            }
        }
        found.filter(|_| line_start > 0)
    };
    let at = quote.or(before).unwrap_or(at);
    let c = text.get(at..)?.chars().next()?;
    if matches!(c, '“' | '”') && !ends_in_english_text(text, at) {
        return Some(Told {
            message: "文字要用英文双引号括起，不能用中文引号".into(),
            label: "中文引号",
            help: "把 “…” 改成 \"…\"（英文输入法下的双引号）".into(),
            range: at..at + c.len_utf8(),
        });
    }
    let (half, label) = match c {
        '，' | '、' => (",", "中文逗号"),
        '［' | '【' => ("[", "全角括号"),
        '］' | '】' => ("]", "全角括号"),
        '｛' => ("{", "全角括号"),
        '｝' => ("}", "全角括号"),
        '＝' => ("=", "全角等号"),
        _ => return None,
    };
    Some(Told {
        message: format!("这里的 `{c}` 是中文（全角）符号：TOML 只认英文（半角）符号"),
        label,
        help: format!("切换到英文输入法，把 `{c}` 改为 `{half}`"),
        range: at..at + c.len_utf8(),
    })
}

/// Is the Chinese quote at `at` inside a text opened with an English
/// quote (`"final”`), ending it the Chinese way?
fn ends_in_english_text(text: &str, at: usize) -> bool {
    let (line_start, _) = line_at(text, at);
    text.get(line_start..at)
        .is_some_and(|before| before.matches('"').count() % 2 == 1)
}

/// A key quoted with Chinese quotes (`“overall.name” = …`, typed with a
/// Chinese input method): TOML does not read them as quotes, so the parser
/// stumbles somewhere inside the key; the quote is the mistake.
fn chinese_quotes(line_start: usize, line: &str) -> Option<Told> {
    let key = line.trim_start();
    if !key.starts_with(['“', '”', '‘', '’']) {
        return None;
    }
    let at = line.len() - key.len();
    let c = key.chars().next()?;
    Some(Told {
        message: "文字和带点的键名要用英文双引号括起，不能用中文引号".into(),
        label: "中文引号",
        help: "把 “…” 改成 \"…\"（英文输入法下的双引号）".into(),
        range: line_start + at..line_start + at + c.len_utf8(),
    })
}

/// The first value whose string opens with `"` and is not closed on its
/// line (a line break typed inside it), on a line starting before
/// `before`: the parser then stumbles on the next line, twice or more, and
/// reads the broken piece as a number with a unit. One mistake, said once
/// where the quote opens.
pub(crate) fn unclosed_string(text: &str, before: usize) -> Option<Told> {
    let mut at = 0;
    let mut in_multiline = false;
    // Where the multi-line string being read opened.
    let mut opened = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        if start > before {
            break;
        }
        // A multi-line string's own lines are text, whatever they hold.
        let triples = line.matches("\"\"\"").count() + line.matches("'''").count();
        if in_multiline {
            in_multiline = triples % 2 == 0;
            continue;
        }
        if triples % 2 == 1 {
            in_multiline = true;
            opened = start
                + line
                    .find("\"\"\"")
                    .or_else(|| line.find("'''"))
                    .unwrap_or(0);
            continue;
        }
        let code = line.trim_start();
        if code.starts_with('#') || code.starts_with('[') || triples > 0 {
            continue;
        }
        let Some(eq) = line.find('=') else { continue };
        let value = line.get(eq + 1..).unwrap_or("");
        let offset = eq + 1 + (value.len() - value.trim_start().len());
        if !value.trim_start().starts_with('"') {
            continue;
        }
        let mut quotes = 0;
        let mut escaped = false;
        for c in value.trim_start().chars() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => quotes += 1,
                (false, '#') if quotes % 2 == 0 => break,
                _ => {}
            }
        }
        // Closed with a Chinese quote (`"final”`): that quote is the slip.
        if let Some(close) = value
            .trim_end()
            .strip_suffix('”')
            .map(str::len)
            .filter(|_| quotes % 2 == 1)
        {
            let at = start + eq + 1 + close;
            return Some(Told {
                message: "文字的结尾用了中文引号 ”：要用英文双引号 \"".into(),
                label: "中文引号",
                help: "把结尾的 ” 改成 \"（英文输入法下的双引号）".into(),
                range: at..at + '”'.len_utf8(),
            });
        }
        if quotes % 2 == 1 {
            return Some(Told {
                message: "这一行的文字没有结束的引号".into(),
                label: "文字从这里开始",
                help: "在这段文字的结尾补上 \"（文字中间不能换行；要分行写的长文字，用三个引号 \"\"\" 括起）".into(),
                range: start + offset..start + offset + 1,
            });
        }
    }
    // A multi-line string never closed (a file cut short inside it): what
    // the parser stumbles on after it is text, not the mistake.
    let delimiter = text.get(opened..opened + 3).unwrap_or("\"\"\"");
    let closed = text
        .get(opened + 3..)
        .is_some_and(|rest| rest.contains(delimiter));
    if in_multiline && !closed {
        return Some(Told {
            message: format!(
                "多行文字从这里的 {delimiter} 开始，到文件结尾也没有结束的 {delimiter}"
            ),
            label: "文字从这里开始",
            help: format!(
                "在这段文字的结尾补上 {delimiter}；文件若是在这里被截断的（没有保存完或复制不全），请重新复制或导出完整的文件"
            ),
            range: opened..opened + 3,
        });
    }
    None
}

/// A key or table written twice (the parser's `duplicate key`), told as
/// which: a table header repeated names where the first one is.
pub(crate) fn duplicate(text: &str, at: usize) -> Told {
    let (line_start, line) = line_at(text, at);
    let trimmed = line.trim();
    let header = trimmed
        .starts_with('[')
        .then(|| trimmed.split('#').next().unwrap_or(trimmed).trim_end());
    let Some(header) = header else {
        let key = line.split('=').next().unwrap_or("").trim();
        return Told {
            message: format!("键 `{key}` 在同一张表中写了两次"),
            label: "重复的键",
            help: "删去重复的一行；若是另一项数据，改正它的键名".into(),
            range: at..at,
        };
    };
    let start = line_start + (line.len() - line.trim_start().len());
    let first = text
        .get(..line_start)
        .unwrap_or("")
        .lines()
        .position(|l| l.trim().split('#').next().unwrap_or("").trim_end() == header)
        .map(|i| format!("（第一次在第 {} 行）", i + 1))
        .unwrap_or_default();
    Told {
        message: format!("表 {header} 写了两次{first}"),
        label: "重复的表",
        help: format!(
            "把两处 {header} 下的内容合并到一处，删去这一行表头；若这张表本应有多行（每行一块），表头写成两层方括号 [{header}]"
        ),
        range: start..start + header.len(),
    }
}

/// When `at` is on a table header, the bytes from that header to the next
/// one: the block of keys written under it.
pub(crate) fn table_block_at(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let (line_start, line) = line_at(text, at);
    if !line.trim_start().starts_with('[') {
        return None;
    }
    let after = line_start + line.len();
    let mut end = text.len();
    let mut offset = after;
    for l in text.get(after..).unwrap_or("").split_inclusive('\n') {
        if l.trim_start().starts_with('[') {
            end = offset;
            break;
        }
        offset += l.len();
    }
    Some(line_start..end)
}

/// The line holding byte `at`, with the byte where it starts.
fn line_at(text: &str, at: usize) -> (usize, &str) {
    let at = (0..=at.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let start = text
        .get(..at)
        .and_then(|t| t.rfind('\n').map(|i| i + 1))
        .unwrap_or(0);
    let end = text
        .get(at..)
        .and_then(|t| t.find('\n').map(|i| at + i))
        .unwrap_or(text.len());
    (start, text.get(start..end).unwrap_or(""))
}

/// An invisible control character on the line (a tab and the line's own
/// `\r` aside): pasted text brings them, and the parser calls the string
/// around one unterminated.
fn control_character(line_start: usize, line: &str) -> Option<Told> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let control = line
        .char_indices()
        .find(|(_, c)| c.is_control() && *c != '\t');
    if let Some((offset, c)) = control {
        let start = line_start + offset;
        return Some(Told {
            message: format!(
                "这一行有一个看不见的控制字符（U+{:04X}），文字因此读不下去",
                u32::from(c)
            ),
            label: "这里有看不见的字符",
            help: "删去这个字符（它常随从别处复制的文字带来，屏幕上看不见）：删去这一处前后的几个字再重新输入".into(),
            range: start..start + c.len_utf8(),
        });
    }
    // Outside a text, a space that is no space to the parser (pasted from
    // Word or a web page): the line looks right and does not parse.
    let mut quoted = false;
    let (offset, c, name) = line.char_indices().find_map(|(i, c)| {
        if c == '"' {
            quoted = !quoted;
        }
        if c == '#' && !quoted {
            return Some(None);
        }
        (!quoted)
            .then(|| invisible_name(c).map(|name| (i, c, name)))
            .flatten()
            .map(Some)
    })??;
    let start = line_start + offset;
    Some(Told {
        message: format!(
            "这一行有一个{name}（U+{:04X}），看起来是空格或什么也没有，但不能这样写",
            u32::from(c)
        ),
        label: "这里",
        help: format!(
            "删去这个{name}，需要空格处改为普通的半角空格（它常随从 Word 或网页复制的文字带来）"
        ),
        range: start..start + c.len_utf8(),
    })
}

/// The name of a character that shows as a space or as nothing.
pub(crate) fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00A0}' | '\u{202F}' => "不换行空格",
        '\u{2000}'..='\u{200A}' => "特殊宽度的空格",
        '\u{3000}' => "全角空格",
        '\u{FEFF}' => "零宽不换行空格（BOM）",
        '\u{200B}' => "零宽空格",
        '\u{200C}' | '\u{200D}' | '\u{2060}' => "零宽字符",
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            "文字方向控制符"
        }
        _ => return None,
    })
}

/// The value written after `=` on the line, when `at` falls in it: up to a
/// comment, trimmed.
fn value_of(line_start: usize, line: &str, at: usize) -> Option<(usize, &str)> {
    let eq = line.find('=')?;
    let after = line.get(eq + 1..)?;
    let lead = after.len() - after.trim_start().len();
    let start = line_start + eq + 1 + lead;
    let value = after.trim_start();
    let value = match value.find(" #") {
        Some(i) => value.get(..i)?,
        None => value,
    };
    let value = value.trim_end();
    (at + 1 >= start && !value.is_empty()).then_some((start, value))
}

/// `2023/06/14`, `2023.6.14`, `2023-6-14`, `2023年6月14日`: a date in
/// another form than TOML's (four-digit year, two-digit month and day,
/// hyphens).
pub(super) fn looks_like_date(written: &str) -> bool {
    // Year, separator, month, separator, day, an optional 日.
    let mut parts = Vec::new();
    let mut separators = Vec::new();
    let mut digits = String::new();
    for c in written.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            parts.push(std::mem::take(&mut digits));
            separators.push(c);
        }
    }
    parts.push(digits);
    if separators.len() == 3
        && separators.last() == Some(&'日')
        && parts.last().is_some_and(String::is_empty)
    {
        separators.pop();
        parts.pop();
    }
    let [year, month, day] = parts.as_slice() else {
        return false;
    };
    let shaped = year.len() == 4 && (1..=2).contains(&month.len()) && (1..=2).contains(&day.len());
    let known = separators
        .iter()
        .all(|c| matches!(c, '/' | '.' | '年' | '月' | '／' | '。' | '-' | '－'));
    // `2023-02-30` is TOML's own form: a day that does not exist, which
    // the parser's message says.
    let toml_form = separators.iter().all(|c| *c == '-') && month.len() == 2 && day.len() == 2;
    shaped && known && !toml_form
}

/// `1085.09万元`, `95%`, `5分`: a number (digits, points, commas) followed
/// by its unit; the number and the unit.
fn number_with_unit(value: &str) -> Option<(String, &str)> {
    let value = value.trim_matches('"');
    let end = value
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+')))
        .map(|(i, _)| i)?;
    let (number, unit) = value.split_at(end);
    let unit = unit.trim();
    let is_unit = !unit.is_empty()
        && unit.chars().count() <= 4
        && unit.chars().all(|c| !c.is_ascii() || c == '%')
        && !unit.starts_with(['“', '”', '。', '，']);
    let number = number.replace(',', "");
    (is_unit && number.chars().any(|c| c.is_ascii_digit())).then_some((number, unit))
}

/// `1,085.09`: digits grouped by commas; the number without them.
fn without_thousands_separators(value: &str) -> Option<String> {
    let grouped = value.contains(',')
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-'))
        && value.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    grouped.then(|| value.replace(',', ""))
}

/// `１０８５．０９`: a number in full-width characters; in half-width.
fn half_width_number(value: &str) -> Option<String> {
    let full = value.chars().any(|c| ('０'..='９').contains(&c));
    let number_like = value.chars().all(|c| {
        c.is_ascii_digit() || ('０'..='９').contains(&c) || matches!(c, '.' | '．' | '-' | '－')
    });
    (full && number_like).then(|| {
        value
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                '．' => '.',
                '－' => '-',
                other => other,
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(text: &str) -> Option<(String, String, String)> {
        let at = text.find('=').map_or(0, |i| i + 2);
        tell(text, at).map(|t| {
            let underlined = text.get(t.range.clone()).unwrap_or("").to_string();
            (t.message, t.help, underlined)
        })
    }

    #[test]
    fn tells_each_mistake_with_the_clerks_own_value() {
        let (m, h, u) = said("full_year_budget = 1085.09万元\n").unwrap();
        assert_eq!(m, "`1085.09万元` 的数字后面带了单位“万元”");
        assert!(h.contains("1085.09"), "{h}");
        assert_eq!(u, "1085.09万元");
        let (m, h, _) = said("full_year_budget = 1,085.09\n").unwrap();
        assert!(m.contains("千位分隔符"), "{m}");
        assert_eq!(h, "写成 1085.09");
        let (m, h, _) = said("full_year_budget = １０８５．０９\n").unwrap();
        assert!(m.contains("全角"), "{m}");
        assert!(h.ends_with("1085.09"), "{h}");
        let (m, _, _) = said("name = “培育企业上市”\n").unwrap();
        assert!(m.contains("英文双引号"), "{m}");
        // A dotted key of a rule test case's `[edit]`, quoted the Chinese way.
        let (m, _, u) = said("“overall.indicators[2].actual” = \"/\"\n").unwrap();
        assert!(m.contains("不能用中文引号"), "{m}");
        assert_eq!(u, "“");
        for date in [
            "2023/06/14",
            "2023.6.14",
            "2023-6-14",
            "2023年6月14日",
            "2023／6／14",
        ] {
            let (m, _, _) = said(&format!("received_on = {date}\n")).unwrap();
            assert_eq!(m, format!("`{date}` 不是日期的写法"));
        }
        let (m, _, u) = said("name = \"培育\u{1}企业\"\n").unwrap();
        assert!(m.contains("U+0001"), "{m}");
        assert_eq!(u, "\u{1}");
        let (m, _, _) = said("weight = 5分 # 分值\n").unwrap();
        assert!(m.contains("“分”"), "{m}");
        // A rule test case's list typed with a Chinese comma or quotes: the
        // parser stops at the comma, or well after the quote.
        let list = "findings = [\"a\"，\"b\"]\n";
        let told = tell(list, list.find('，').unwrap()).unwrap();
        assert!(told.help.contains("改为 `,`"), "{}", told.help);
        let list = "remove = [“projects[0].actual”]\n";
        let told = tell(list, list.find("[0]").unwrap()).unwrap();
        assert!(told.message.contains("不能用中文引号"), "{}", told.message);
        assert_eq!(list.get(told.range), Some("“"));
        // A full-width bracket at a line's end: the parser stops on the
        // next line.
        let list = "findings = ［\n    \"a\",\n]\n";
        let told = tell(list, list.find("\",").unwrap() + 1).unwrap();
        assert_eq!(list.get(told.range), Some("［"));
        // A text closed with a Chinese quote.
        let closed = "status = \"final”\n";
        let told = unclosed_string(closed, closed.len()).unwrap();
        assert!(told.message.contains("中文引号"), "{}", told.message);
        assert_eq!(closed.get(told.range), Some("”"));
    }

    #[test]
    fn a_line_break_inside_a_text_is_found_where_the_text_opens() {
        let text =
            "[report]\nbody = \"\"\"\n第一段 = \"引\n\"\"\"\ntitle = \"2022年度\n岳阳楼区报告\"\n";
        let told = unclosed_string(text, text.len()).unwrap();
        assert!(told.message.contains("没有结束的引号"), "{}", told.message);
        let line = text.get(told.range.start..).unwrap();
        assert!(line.starts_with("\"2022年度"), "{line}");
        assert!(unclosed_string("title = \"完整\" # 注释 \"\n", 100).is_none());
        assert!(unclosed_string("title = \"转义 \\\" 引号\"\n", 100).is_none());
    }

    #[test]
    fn leaves_other_errors_to_the_parser() {
        assert!(said("x = 1 y = 2\n").is_none());
        assert!(said("name = \"unterminated\n").is_none());
        assert!(said("[a\n").is_none());
        assert!(!looks_like_date("1085.09"));
        assert!(!looks_like_date("20230614"));
        assert!(number_with_unit("\"文字\"").is_none());
    }
}
