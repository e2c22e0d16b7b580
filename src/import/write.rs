//! The output: a submission file in the layout of the reference example —
//! tables and arrays of tables in the format's order, each block preceded by
//! a comment naming where it came from, and the importer's warnings kept as
//! comments where they happened. Numbers are written from the decimal's own
//! text; text is escaped so that any cell content stays valid TOML.

use crate::data::Date;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// A value to write.
#[derive(Clone, Debug)]
pub enum Value {
    /// Text.
    Text(String),
    /// An exact decimal, written from its own digits.
    Number(Decimal),
    /// A whole number.
    Integer(i64),
    /// `true` / `false`.
    Bool(bool),
    /// A local date.
    Date(Date),
    /// `{ "产出指标" = 50, … }`.
    Inline(Vec<(String, Value)>),
}

/// `key = value  # comment`, or a key to be filled in by hand.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The value; `None` writes the key commented out, to be filled in.
    pub value: Option<Value>,
    /// A comment after it (or, for a missing value, the example to write).
    pub comment: Option<String>,
}

/// A table (`[basic_data]`), an array entry (`[[projects]]`) or the top level.
#[derive(Clone, Debug, Default)]
pub struct Section {
    /// The header's dotted path; empty for the top level.
    pub path: String,
    /// An array entry (`[[…]]`).
    pub array: bool,
    /// Comment lines above the header.
    pub comments: Vec<String>,
    /// Its keys.
    pub entries: Vec<Entry>,
}

impl Section {
    /// A table.
    pub fn table(path: &str) -> Section {
        Section {
            path: path.to_string(),
            ..Section::default()
        }
    }

    /// An array entry.
    pub fn array(path: &str) -> Section {
        Section {
            path: path.to_string(),
            array: true,
            ..Section::default()
        }
    }

    /// With a comment line above.
    pub fn comment(mut self, line: impl Into<String>) -> Section {
        self.comments.push(line.into());
        self
    }

    /// Add a key.
    pub fn set(&mut self, key: &str, value: Value) {
        self.entries.push(Entry {
            key: key.to_string(),
            value: Some(value),
            comment: None,
        });
    }

    /// Add a key with a comment after it.
    pub fn set_noted(&mut self, key: &str, value: Value, comment: impl Into<String>) {
        self.entries.push(Entry {
            key: key.to_string(),
            value: Some(value),
            comment: Some(comment.into()),
        });
    }

    /// Add a key if there is a value.
    pub fn set_opt(&mut self, key: &str, value: Option<Value>) {
        if let Some(v) = value {
            self.set(key, v);
        }
    }

    /// A required key with no value: written commented out, with what to
    /// write, so the file does not load until someone fills it in.
    pub fn set_missing(&mut self, key: &str, example: impl Into<String>) {
        self.entries.push(Entry {
            key: key.to_string(),
            value: None,
            comment: Some(example.into()),
        });
    }

    /// Has nothing to write.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Write the sections as one TOML document.
pub fn render(head: &[String], sections: &[Section]) -> String {
    let mut out = String::new();
    for line in head {
        push_comment(&mut out, line);
    }
    for section in sections {
        if !out.is_empty() {
            out.push('\n');
        }
        for line in &section.comments {
            push_comment(&mut out, line);
        }
        if !section.path.is_empty() {
            let path: Vec<String> = section.path.split('.').map(key).collect();
            let (open, close) = if section.array {
                ("[[", "]]")
            } else {
                ("[", "]")
            };
            let _ = writeln!(out, "{open}{}{close}", path.join("."));
        }
        for entry in &section.entries {
            write_entry(&mut out, entry);
        }
    }
    out
}

fn write_entry(out: &mut String, entry: &Entry) {
    match &entry.value {
        Some(v) => {
            let _ = write!(out, "{} = {}", key(&entry.key), value(v));
            if let Some(c) = &entry.comment {
                let _ = write!(out, "  # {}", one_line(c));
            }
            out.push('\n');
        }
        None => {
            let example = entry.comment.as_deref().unwrap_or("");
            let _ = writeln!(out, "# 待填：{} = {}", key(&entry.key), one_line(example));
        }
    }
}

fn push_comment(out: &mut String, text: &str) {
    for line in text.lines() {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {}", printable(line));
        }
    }
}

/// A comment's text on one line, printable: TOML allows no control
/// character in a comment, and a Word cell may hold one (found by fuzzing).
fn one_line(text: &str) -> String {
    printable(&text.replace(['\n', '\r'], " "))
}

/// Control characters (but tab) shown as `U+0001`, so the comment stays
/// valid TOML and the character stays visible.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                format!("U+{:04X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A key, bare when it can be.
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { k.to_string() } else { basic_string(k) }
}

fn value(v: &Value) -> String {
    match v {
        Value::Text(t) if t.contains('\n') => multiline_string(t),
        Value::Text(t) => basic_string(t),
        Value::Number(n) => number(*n),
        Value::Integer(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Inline(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), value(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

/// The decimal's own text (`1018.20` stays `1018.20`); TOML has no
/// leading `+` or `.5`, which `Decimal`'s text never has either.
fn number(n: Decimal) -> String {
    n.to_string()
}

fn escape(c: char, out: &mut String, multiline: bool) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' if multiline => out.push('\n'),
        '\n' => out.push_str("\\n"),
        '\t' => out.push('\t'),
        '\r' => out.push_str("\\r"),
        c if c.is_control() => {
            let _ = write!(out, "\\u{:04X}", u32::from(c));
        }
        c => out.push(c),
    }
}

fn basic_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        escape(c, &mut out, false);
    }
    out.push('"');
    out
}

fn multiline_string(s: &str) -> String {
    let mut out = String::from("\"\"\"\n");
    for c in s.chars() {
        escape(c, &mut out, true);
    }
    out.push_str("\"\"\"");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn writes_valid_toml() {
        let mut s = Section::table("overall.funds");
        s.set("rate", Value::Text("102.76%".into()));
        s.set(
            "executed",
            Value::Number(Decimal::from_str("1018.20").unwrap_or_default()),
        );
        s.set("text", Value::Text("第一行\n\"引号\" \\ \u{7}".into()));
        s.set(
            "level1_weights",
            Value::Inline(vec![("产出指标".into(), Value::Integer(50))]),
        );
        s.set_missing("received_on", "2023-06-14");
        let text = render(&["头".into()], &[s]);
        assert!(text.contains("executed = 1018.20\n"));
        assert!(text.contains("level1_weights = { \"产出指标\" = 50 }"));
        assert!(text.contains("# 待填：received_on = 2023-06-14"));
        let parsed: Result<toml::Table, _> = toml::from_str(&text);
        assert!(parsed.is_ok(), "{text}");
    }
}
