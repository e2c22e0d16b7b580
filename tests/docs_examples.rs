#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

//! Every rule example of the docs is run, and gives what the doc says.
//!
//! A ```` ```jx ```` block states its outcome in one comment line:
//!
//! | line | meaning |
//! |---|---|
//! | `# 结果：检查通过`, `# outcome: accepted` | `jixiao check` accepts the rules with the block |
//! | `# 结果：总分 93，timeliness 7，发现 low_rate`, `# outcome: score 93, timeliness 7, finding low_rate` | accepted, and the example scores so (`总分 50–100` / `score 50–100`: a pending range; `<id> X`: a criterion's score or range; `发现 ID` / `finding ID`: a finding with that id) |
//! | `# 结果：不通过 rules::cycle`, `# rejected: rules::cycle` | `jixiao check` rejects it with that code |
//! | `# 结果：评分出错 rules::no_value`, `# outcome: fails rules::no_value` | accepted, but scoring the example stops with that code |
//! | `# 片段：理由`, `# fragment: reason` | not run, for the reason given (which must be there) |
//!
//! A block with none of these, or with two, fails the test.
//!
//! **Where a block goes.** In `docs/language.md` and `docs/语言参考.md`
//! each block is run on its own, on a fresh copy of `rules/2022`, and scored
//! on `examples/2022/yueyanglou-finance-office.toml` (95 points as shipped):
//!
//! - items (`param`, `let`, `fn`, `check`, `criterion`, `section` at the
//!   start of a line) whose name is already in the rules **replace** that
//!   item where it stands; an item that follows a replaced one in the block
//!   is inserted after it (a new criterion next to the one it takes points
//!   from); other items go into a file of their own, read after the others,
//!   and a new top-level criterion or section raises the sheet's `total` by
//!   its `max`;
//! - a `sheet` header replaces the header;
//! - `record` / `root` blocks make a folder of their own, with a one-criterion
//!   sheet (only `check` outcomes);
//! - a block that starts with a statement (`deduct`, `hint`, `zero`, … or an
//!   indented line) is inserted into the criterion `timeliness`, after its
//!   `let late`.
//!
//! `docs/guide-rules.md` is an exercise: its blocks are applied **one after
//! the other** to a copy of `rules/2023` named `rules/2024`, as a bureau
//! author following the guide does (a block stated as rejected is tried on a
//! throwaway copy). A ```` ```toml file=PATH ```` block writes the test case
//! PATH, or, when PATH exists and the block starts with a `[table]`, replaces
//! that table. At the end the folder must pass `jixiao check`, `jixiao test`
//! (after `--bless`, as the guide does), `jixiao fmt --check` and `jixiao diff`.

mod common;

use std::path::{Path, PathBuf};

use common::{Run, jixiao_in};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
const EXAMPLE: &str = "examples/2022/yueyanglou-finance-office.toml";
/// The file the new items of a block go into, read after the shipped ones.
const EXTRA_FILE: &str = "zz_docs_example.jx";

/// One fenced block of a doc.
struct Block {
    doc: String,
    line: usize,
    /// The fence's info string: `jx`, `toml file=…`.
    info: String,
    text: String,
}

impl Block {
    fn place(&self) -> String {
        format!("{}:{}", self.doc, self.line)
    }
}

/// The fenced blocks of `doc` whose info string starts with `lang`.
fn blocks(doc: &str, lang: &str) -> Vec<Block> {
    let path = Path::new(MANIFEST).join(doc);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{doc}: {e}"));
    let mut found = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.take() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open = Some((index + 1, info.trim().to_string(), String::new()));
                }
            }
            Some((start, info, mut body)) => {
                if trimmed.starts_with("```") {
                    if info.split_whitespace().next() == Some(lang) {
                        found.push(Block {
                            doc: doc.to_string(),
                            line: start,
                            info,
                            text: body,
                        });
                    }
                } else {
                    body.push_str(line);
                    body.push('\n');
                    open = Some((start, info, body));
                }
            }
        }
    }
    found
}

/// What a block says it gives.
#[derive(Debug, PartialEq)]
enum Expect {
    Fragment(String),
    Accepted,
    Rejected(String),
    Fails(String),
    Score(Vec<Fact>),
}

/// One fact of a stated score.
#[derive(Debug, PartialEq)]
enum Fact {
    Total(String),
    Range(String, String),
    Criterion(String, String),
    CriterionRange(String, String, String),
    Finding(String),
    /// `# 提示：标签 = 值`: a criterion shows this hint.
    Hint(String, String),
    /// `# 说明：文字`: a deduction, full-marks or finding message contains it.
    Message(String),
}

fn strip_any<'a>(text: &'a str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .map(str::trim)
}

fn range_of(value: &str) -> Option<(String, String)> {
    let (low, high) = value.split_once('–')?;
    Some((low.trim().to_string(), high.trim().to_string()))
}

/// The outcome stated in `text`, or why there is none.
fn expectation(text: &str) -> Result<Expect, String> {
    let mut stated = Vec::new();
    let mut extra = Vec::new();
    for line in text.lines() {
        let Some(comment) = line.trim().strip_prefix('#') else {
            continue;
        };
        let comment = comment.trim();
        if let Some(hint) = strip_any(comment, &["提示：", "提示:", "hint:"]) {
            let Some((label, value)) = hint.split_once(" = ") else {
                return Err(format!(
                    "write a stated hint as `# 提示：标签 = 值`: {hint}"
                ));
            };
            extra.push(Fact::Hint(
                label.trim().to_string(),
                value.trim().to_string(),
            ));
        } else if let Some(message) = strip_any(comment, &["说明：", "说明:", "message:"]) {
            extra.push(Fact::Message(message.to_string()));
        } else if let Some(reason) = strip_any(comment, &["片段：", "片段:", "fragment:"]) {
            if reason.is_empty() {
                return Err("a fragment needs its reason: `# 片段：理由`".into());
            }
            stated.push(Expect::Fragment(reason.to_string()));
        } else if let Some(code) = strip_any(comment, &["rejected:"]) {
            stated.push(Expect::Rejected(code.to_string()));
        } else if let Some(result) = strip_any(comment, &["结果：", "结果:", "outcome:"]) {
            stated.push(outcome(result)?);
        }
    }
    if !extra.is_empty() {
        return match stated.pop() {
            Some(Expect::Accepted) if stated.is_empty() => Ok(Expect::Score(extra)),
            Some(Expect::Score(mut facts)) if stated.is_empty() => {
                facts.extend(extra);
                Ok(Expect::Score(facts))
            }
            _ => Err("`# 提示：` and `# 说明：` go with one `# 结果：` that scores".into()),
        };
    }
    match stated.len() {
        1 => Ok(stated.remove(0)),
        0 => Err("no stated outcome: add `# 结果：…` (or `# 片段：理由` if it cannot run)".into()),
        _ => Err("more than one stated outcome".into()),
    }
}

fn outcome(result: &str) -> Result<Expect, String> {
    if result == "检查通过" || result == "accepted" {
        return Ok(Expect::Accepted);
    }
    if let Some(code) = strip_any(result, &["不通过", "rejected"]) {
        return Ok(Expect::Rejected(code.to_string()));
    }
    if let Some(code) = strip_any(result, &["评分出错", "fails"]) {
        return Ok(Expect::Fails(code.to_string()));
    }
    let mut facts = Vec::new();
    for item in result.split(['，', ',', '；', ';']) {
        let mut words = item.split_whitespace();
        let (Some(key), Some(value), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "cannot read `{}` in the stated outcome",
                item.trim()
            ));
        };
        facts.push(match (key, range_of(value)) {
            ("总分" | "score", Some((low, high))) => Fact::Range(low, high),
            ("总分" | "score", None) => Fact::Total(value.to_string()),
            ("发现" | "finding", _) => Fact::Finding(value.to_string()),
            (id, Some((low, high))) => Fact::CriterionRange(id.to_string(), low, high),
            (id, None) => Fact::Criterion(id.to_string(), value.to_string()),
        });
    }
    Ok(Expect::Score(facts))
}

// ---------------------------------------------------------------------------
// Putting a block into a rules folder

const ITEM_WORDS: [&str; 9] = [
    "param",
    "let",
    "fn",
    "check",
    "criterion",
    "section",
    "sheet",
    "record",
    "root",
];

/// One top-level item of a block: its keyword, name and text (with the
/// comment lines just above it).
struct Item {
    keyword: String,
    name: String,
    text: String,
}

fn first_word(line: &str) -> &str {
    line.split(|c: char| c.is_whitespace() || c == '(' || c == '{')
        .next()
        .unwrap_or("")
}

fn item_name(line: &str) -> String {
    let rest = line[first_word(line).len()..].trim_start();
    rest.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Whether the block's first line of rules is an item at the start of a line.
fn starts_with_item(text: &str) -> bool {
    text.lines()
        .map(|l| (l, l.trim()))
        .find(|(_, t)| !t.is_empty() && !t.starts_with('#'))
        .is_some_and(|(l, t)| l == t && ITEM_WORDS.contains(&first_word(t)))
}

fn split_items(text: &str) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    // comment and blank lines at the start of a line, not yet placed: they
    // belong to the next item, or to the current one if more of it follows
    let mut pending = String::new();
    for line in text.lines() {
        let at_start = !line.starts_with(char::is_whitespace);
        if at_start && ITEM_WORDS.contains(&first_word(line)) {
            items.push(Item {
                keyword: first_word(line).to_string(),
                name: item_name(line),
                text: format!("{}{line}\n", std::mem::take(&mut pending)),
            });
        } else if line.trim().is_empty() || (at_start && line.starts_with('#')) {
            pending.push_str(line);
            pending.push('\n');
        } else if let Some(last) = items.last_mut() {
            last.text.push_str(&std::mem::take(&mut pending));
            last.text.push_str(line);
            last.text.push('\n');
        } else {
            pending.clear();
        }
    }
    for item in &mut items {
        item.text = item.text.trim().to_string();
    }
    items
}

/// Where the item starting at `start` ends (the end of its last line).
fn item_end(text: &str, start: usize, braced: bool) -> usize {
    let bytes = text.as_bytes();
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let item_indent = start - line_start;
    let (mut depth, mut opened) = (0i32, false);
    let (mut in_string, mut escaped, mut in_comment) = (false, false, false);
    let mut i = start;
    while i < bytes.len() {
        let c = bytes[i];
        if in_comment {
            if c == b'\n' {
                in_comment = false;
            } else {
                i += 1;
                continue;
            }
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'#' => in_comment = true,
            b'(' | b'[' => depth += 1,
            b'{' => {
                depth += 1;
                opened = true;
            }
            b')' | b']' | b'}' => {
                depth -= 1;
                if braced && opened && depth == 0 {
                    return text[i..].find('\n').map_or(text.len(), |n| i + n);
                }
            }
            b'\n' if !braced && depth == 0 => {
                // the item goes on while the next line is indented deeper
                let rest = &text[i + 1..];
                let next = rest.lines().next().unwrap_or("");
                let next_indent = next.len() - next.trim_start().len();
                if next.trim().is_empty() || next_indent <= item_indent {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    text.len()
}

fn is_braced(keyword: &str) -> bool {
    matches!(
        keyword,
        "check" | "criterion" | "section" | "sheet" | "record" | "root"
    )
}

fn rule_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jx"))
        .collect();
    files.sort();
    files
}

/// The file and byte offset of the item `keyword name` in the folder.
fn find_item(dir: &Path, keyword: &str, name: &str) -> Option<(PathBuf, usize, usize)> {
    let nested = matches!(keyword, "criterion" | "section");
    for file in rule_files(dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let matches = if keyword == "sheet" {
                trimmed.starts_with("sheet ")
            } else {
                first_word(trimmed) == keyword && item_name(trimmed) == name
            };
            if matches && (nested || indent == 0) {
                return Some((file, offset + indent, indent));
            }
            offset += line.len();
        }
    }
    None
}

fn indented(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `max N` of an item's first line.
fn points_of(text: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| ITEM_WORDS.contains(&first_word(l)))
        .unwrap_or("");
    let mut words = line.split_whitespace();
    while let Some(word) = words.next() {
        if word == "max" {
            return words.next().and_then(|n| n.parse().ok()).unwrap_or(0.0);
        }
    }
    0.0
}

fn raise_total(dir: &Path, by: f64) {
    let (file, _, _) = find_item(dir, "sheet", "").expect("a sheet header");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut out = String::new();
    let mut done = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !done && trimmed.starts_with("total ") {
            let old: f64 = trimmed["total ".len()..]
                .split_whitespace()
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let indent = &line[..line.len() - trimmed.len()];
            out.push_str(&format!("{indent}total {}\n", old + by));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    std::fs::write(&file, out).unwrap();
}

/// Puts the block's rules into the folder `dir`, as the module doc says.
fn apply(dir: &Path, text: &str) {
    apply_in(dir, text, false);
}

/// As `apply`; with `replace_records`, a record of the folder's own
/// schema is replaced where it stands (the guide's exercise: the year in
/// the column labels), where the language references show a record as a
/// schema of its own.
fn apply_in(dir: &Path, text: &str, replace_records: bool) {
    if !starts_with_item(text) {
        // statements: into `timeliness`, after its `let late`
        let sheet = dir.join("sheet.jx");
        let body = std::fs::read_to_string(&sheet).unwrap();
        let anchor = body
            .lines()
            .find(|l| l.trim_start().starts_with("let late ="))
            .expect("timeliness has `let late`")
            .to_string();
        let indent = anchor.len() - anchor.trim_start().len();
        let lines = text
            .lines()
            .map(|l| {
                if l.trim().is_empty() {
                    String::new()
                } else {
                    format!("{}{}", " ".repeat(indent), l.trim_start())
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let body = body.replacen(&anchor, &format!("{anchor}\n{lines}"), 1);
        std::fs::write(&sheet, body).unwrap();
        return;
    }
    let items = split_items(text);
    let new_record = items.iter().any(|i| {
        (i.keyword == "record" || i.keyword == "root")
            && !(replace_records && find_item(dir, &i.keyword, &i.name).is_some())
    });
    if new_record {
        for file in rule_files(dir) {
            std::fs::remove_file(file).unwrap();
        }
        std::fs::write(dir.join("schema.jx"), text).unwrap();
        std::fs::write(
            dir.join("sheet.jx"),
            "sheet \"示例\" {\n  year 2022\n  total 10\n  round 2\n}\n\ncriterion demo \"示例\" max 10 {\n  judge 0 to 10\n}\n",
        )
        .unwrap();
        return;
    }
    let mut extra = String::new();
    let mut added_points = 0.0;
    // after a replaced item: (file, offset, indent) for the next new one
    let mut anchor: Option<(PathBuf, usize, usize)> = None;
    for item in &items {
        let found = find_item(dir, &item.keyword, &item.name);
        if let Some((file, start, indent)) = found {
            let body = std::fs::read_to_string(&file).unwrap();
            let line_start = start - indent;
            let end = item_end(&body, start, is_braced(&item.keyword));
            let new = indented(&item.text, indent);
            let body = format!("{}{}{}", &body[..line_start], new, &body[end..]);
            std::fs::write(&file, body).unwrap();
            anchor = Some((file, line_start + new.len(), indent));
        } else if let Some((file, at, indent)) = anchor.take() {
            let body = std::fs::read_to_string(&file).unwrap();
            let new = format!("\n\n{}", indented(&item.text, indent));
            let body = format!("{}{}{}", &body[..at], new, &body[at..]);
            std::fs::write(&file, body).unwrap();
            anchor = Some((file, at + new.len(), indent));
        } else {
            if matches!(item.keyword.as_str(), "criterion" | "section") {
                added_points += points_of(&item.text);
            }
            if !extra.is_empty() {
                extra.push_str("\n\n");
            }
            extra.push_str(&item.text);
        }
    }
    if !extra.is_empty() {
        let path = dir.join(EXTRA_FILE);
        let mut old = std::fs::read_to_string(&path).unwrap_or_default();
        if !old.is_empty() {
            old.push('\n');
        }
        old.push_str(&extra);
        old.push('\n');
        std::fs::write(path, old).unwrap();
    }
    if added_points > 0.0 {
        raise_total(dir, added_points);
    }
}

/// A test case block: writes the file, or replaces one table of it.
fn apply_toml(root: &Path, path: &str, text: &str) {
    let file = root.join(path);
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .unwrap_or("");
    // `key = value` lines of an existing file: each replaces its key's line
    // (`year = 2024` in templates.toml).
    if file.exists() && !first.starts_with('[') && first.contains(" = ") {
        let mut body = std::fs::read_to_string(&file).unwrap();
        for line in text.lines().filter(|l| l.contains(" = ")) {
            let key = format!("{} = ", line.split(" = ").next().unwrap().trim());
            let old = body
                .lines()
                .find(|l| l.starts_with(&key))
                .unwrap_or_else(|| panic!("{path} has no {key}"))
                .to_string();
            body = body.replacen(&old, line, 1);
        }
        std::fs::write(&file, body).unwrap();
        return;
    }
    if !(file.exists() && first.starts_with('[')) {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, text).unwrap();
        return;
    }
    let header = first.trim();
    let old = std::fs::read_to_string(&file).unwrap();
    let mut out = String::new();
    let mut skipping = false;
    let mut replaced = false;
    for line in old.split_inclusive('\n') {
        let t = line.trim();
        if t == header {
            skipping = true;
            replaced = true;
            out.push_str(text.trim_end());
            out.push_str("\n\n");
            continue;
        }
        if skipping && t.starts_with('[') {
            skipping = false;
        }
        if !skipping {
            out.push_str(line);
        }
    }
    assert!(replaced, "{path} has no {header}");
    std::fs::write(&file, out).unwrap();
}

// ---------------------------------------------------------------------------
// Running

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-docs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str]) -> Run {
    jixiao_in(Path::new(MANIFEST), 100, args)
}

fn codes(run: &Run) -> Vec<String> {
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["code"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn find_criterion<'a>(nodes: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    for node in nodes.as_array()? {
        if node["id"] == id {
            return Some(node);
        }
        if let Some(found) = find_criterion(&node["children"], id) {
            return Some(found);
        }
    }
    None
}

/// Every hint of every criterion: (label, value).
fn all_hints(nodes: &serde_json::Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for node in nodes.as_array().into_iter().flatten() {
        for hint in node["hints"].as_array().into_iter().flatten() {
            found.push((text_of(&hint["label"]), text_of(&hint["value"])));
        }
        found.extend(all_hints(&node["children"]));
    }
    found
}

/// Every message of a score: deductions, full marks, findings.
fn all_messages(json: &serde_json::Value) -> Vec<String> {
    fn walk(nodes: &serde_json::Value, out: &mut Vec<String>) {
        for node in nodes.as_array().into_iter().flatten() {
            if let Some(full) = node["full"].as_str() {
                out.push(full.to_string());
            }
            for d in node["deductions"].as_array().into_iter().flatten() {
                out.push(text_of(&d["message"]));
            }
            walk(&node["children"], out);
        }
    }
    let mut out = Vec::new();
    walk(&json["criteria"], &mut out);
    for f in json["findings"].as_array().into_iter().flatten() {
        out.push(text_of(&f["message"]));
    }
    out
}

fn text_of(value: &serde_json::Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), String::from)
}

/// Checks the rules folder `dir` against what was stated; the error says
/// what differs.
fn verify(dir: &Path, expect: &Expect) -> Result<(), String> {
    let dir_text = dir.display().to_string();
    let check = run(&["check", "--format", "json", "--rules", &dir_text]);
    let check_codes = codes(&check);
    if let Expect::Rejected(code) = expect {
        return if check.code != Some(0) && check_codes.contains(code) {
            Ok(())
        } else {
            Err(format!(
                "expected `check` to reject it with {code}; got {check_codes:?}"
            ))
        };
    }
    if check.code != Some(0) {
        return Err(format!("`check` rejected it: {}", check.stdout));
    }
    let example = Path::new(MANIFEST).join(EXAMPLE).display().to_string();
    let facts = match expect {
        Expect::Accepted | Expect::Fragment(_) | Expect::Rejected(_) => return Ok(()),
        Expect::Fails(code) => {
            let score = run(&["score", "--rules", &dir_text, "--format", "json", &example]);
            return if score.code != Some(0) && score.stderr.contains(code.as_str()) {
                Ok(())
            } else {
                Err(format!(
                    "expected scoring to stop with {code}; got: {}",
                    score.stderr
                ))
            };
        }
        Expect::Score(facts) => facts,
    };
    let score = run(&["score", "--rules", &dir_text, "--format", "json", &example]);
    if score.code != Some(0) {
        return Err(format!("scoring failed: {}", score.stderr));
    }
    let json: serde_json::Value = serde_json::from_str(&score.stdout).unwrap();
    let mut wrong = Vec::new();
    for fact in facts {
        match fact {
            Fact::Total(total) => {
                let got = text_of(&json["score"]);
                if &got != total {
                    wrong.push(format!("总分 {got}, stated {total}"));
                }
            }
            Fact::Range(low, high) => {
                let got = (text_of(&json["range"][0]), text_of(&json["range"][1]));
                if (&got.0, &got.1) != (low, high) {
                    wrong.push(format!("range {}–{}, stated {low}–{high}", got.0, got.1));
                }
            }
            Fact::Criterion(id, value) => match find_criterion(&json["criteria"], id) {
                Some(node) if &text_of(&node["score"]) == value => {}
                Some(node) => {
                    wrong.push(format!("{id} {}, stated {value}", text_of(&node["score"])))
                }
                None => wrong.push(format!("no criterion {id}")),
            },
            Fact::CriterionRange(id, low, high) => match find_criterion(&json["criteria"], id) {
                Some(node)
                    if &text_of(&node["range"][0]) == low
                        && &text_of(&node["range"][1]) == high => {}
                Some(node) => wrong.push(format!(
                    "{id} {}–{}, stated {low}–{high}",
                    text_of(&node["range"][0]),
                    text_of(&node["range"][1])
                )),
                None => wrong.push(format!("no criterion {id}")),
            },
            Fact::Hint(label, value) => {
                let hints = all_hints(&json["criteria"]);
                if !hints.iter().any(|(l, v)| l == label && v == value) {
                    let shown: Vec<String> = hints
                        .iter()
                        .filter(|(l, _)| l == label)
                        .map(|(_, v)| v.clone())
                        .collect();
                    wrong.push(format!("hint {label} = {shown:?}, stated {value}"));
                }
            }
            Fact::Message(text) => {
                let messages = all_messages(&json);
                if !messages.iter().any(|m| m.contains(text.as_str())) {
                    wrong.push(format!(
                        "no message contains `{text}`; messages: {messages:?}"
                    ));
                }
            }
            Fact::Finding(id) => {
                let found = json["findings"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|x| x["id"] == id.as_str()));
                if !found {
                    wrong.push(format!("no finding {id}"));
                }
            }
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("; "))
    }
}

/// What a block gives, to write its outcome line: with the environment
/// variable `JIXIAO_DOCS_PROBE` set, each block without one is run and this
/// is printed (`cargo test --test docs_examples -- --nocapture`).
fn probe(text: &str) -> String {
    let dir = scratch("probe");
    copy_dir(&Path::new(MANIFEST).join("rules/2022"), &dir);
    apply(&dir, text);
    let dir_text = dir.display().to_string();
    let check = run(&["check", "--format", "json", "--rules", &dir_text]);
    if check.code != Some(0) {
        return format!("rejected {:?}", codes(&check));
    }
    let example = Path::new(MANIFEST).join(EXAMPLE).display().to_string();
    let score = run(&["score", "--rules", &dir_text, "--format", "json", &example]);
    if score.code != Some(0) {
        return format!(
            "accepted; scoring stops: {}",
            score.stderr.lines().next().unwrap_or("")
        );
    }
    let json: serde_json::Value = serde_json::from_str(&score.stdout).unwrap();
    let findings: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| text_of(&f["id"]))
        .collect();
    let timeliness = find_criterion(&json["criteria"], "timeliness");
    format!(
        "accepted; score {} range {}–{}; findings {} {:?}; hints {:?}; timeliness {}",
        text_of(&json["score"]),
        text_of(&json["range"][0]),
        text_of(&json["range"][1]),
        findings.len(),
        findings,
        all_hints(&json["criteria"]),
        timeliness.map_or_else(String::new, |t| format!(
            "{} {}",
            text_of(&t["score"]),
            all_messages(&serde_json::json!({ "criteria": [t] })).join(" | ")
        ))
    )
}

/// Runs every jx block of `doc` on its own copy of rules/2022; returns
/// (run, fragments) and panics listing every block that failed.
fn run_independent(doc: &str, at_least: usize) -> (usize, usize) {
    let blocks = blocks(doc, "jx");
    assert!(
        blocks.len() >= at_least,
        "{doc}: only {} jx blocks found, expected at least {at_least}",
        blocks.len()
    );
    let (mut ran, mut fragments) = (0, 0);
    let mut failures = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        let expect = match expectation(&block.text) {
            Ok(e) => e,
            Err(why) => {
                if std::env::var_os("JIXIAO_DOCS_PROBE").is_some() {
                    eprintln!("{}: {}", block.place(), probe(&block.text));
                }
                failures.push(format!("{}: {why}", block.place()));
                continue;
            }
        };
        if let Expect::Fragment(_) = expect {
            fragments += 1;
            continue;
        }
        let tag: String = doc.chars().filter(char::is_ascii_alphanumeric).collect();
        let dir = scratch(&format!("{tag}-{index}"));
        copy_dir(&Path::new(MANIFEST).join("rules/2022"), &dir);
        apply(&dir, &block.text);
        match verify(&dir, &expect) {
            Ok(()) => {
                ran += 1;
                let _ = std::fs::remove_dir_all(&dir);
            }
            Err(why) => failures.push(format!(
                "{}: {why}\n    (the rules tried are kept in {})",
                block.place(),
                dir.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the {} jx examples of {doc} do not give what the doc says:\n{}",
        failures.len(),
        blocks.len(),
        failures.join("\n")
    );
    eprintln!("{doc}: {ran} examples run, {fragments} fragments");
    (ran, fragments)
}

#[test]
fn every_example_of_the_language_reference_gives_what_it_says() {
    run_independent("docs/language.md", 30);
}

#[test]
fn every_example_of_the_chinese_reference_gives_what_it_says() {
    run_independent("docs/语言参考.md", 40);
}

#[test]
fn rules_2022_md_has_no_rule_examples_left_unchecked() {
    // Its rules are quoted from the shipped files; if it ever gets jx
    // blocks, they are run like the others.
    let doc = "docs/rules-2022.md";
    if !blocks(doc, "jx").is_empty() {
        run_independent(doc, 1);
    }
}

/// The guide's exercise: rules/2024 made from rules/2023 by following
/// docs/guide-rules.md block by block, then checked, tested and compared.
#[test]
fn the_guide_exercise_gives_a_2024_folder_that_passes_check_test_and_diff() {
    let doc = "docs/guide-rules.md";
    let root = scratch("guide");
    copy_dir(
        &Path::new(MANIFEST).join("rules/2023"),
        &root.join("rules/2023"),
    );
    copy_dir(
        &Path::new(MANIFEST).join("rules/2023"),
        &root.join("rules/2024"),
    );
    let rules = root.join("rules/2024");
    let mut all: Vec<Block> = blocks(doc, "jx");
    all.extend(blocks(doc, "toml"));
    all.sort_by_key(|b| b.line);
    let (mut ran, mut fragments, mut cases) = (0, 0, 0);
    let mut failures = Vec::new();
    for block in &all {
        if block.info.starts_with("toml") {
            if let Some(path) = block
                .info
                .split_whitespace()
                .find_map(|w| w.strip_prefix("file="))
            {
                apply_toml(&root, path, &block.text);
                cases += 1;
            }
            continue;
        }
        let expect = match expectation(&block.text) {
            Ok(e) => e,
            Err(why) => {
                failures.push(format!("{}: {why}", block.place()));
                continue;
            }
        };
        match expect {
            Expect::Fragment(_) => fragments += 1,
            Expect::Rejected(_) => {
                let trial = root.join(format!("trial-{}", block.line));
                copy_dir(&rules, &trial);
                apply(&trial, &block.text);
                match verify(&trial, &expect) {
                    Ok(()) => ran += 1,
                    Err(why) => failures.push(format!("{}: {why}", block.place())),
                }
                let _ = std::fs::remove_dir_all(&trial);
            }
            _ => {
                apply_in(&rules, &block.text, true);
                match verify(&rules, &expect) {
                    Ok(()) => ran += 1,
                    Err(why) => failures.push(format!("{}: {why}", block.place())),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "following {doc} block by block went wrong (folder kept in {}):\n{}",
        root.display(),
        failures.join("\n")
    );
    assert!(
        ran >= 5 && cases >= 2,
        "{doc}: {ran} blocks run, {cases} test cases written"
    );

    let at_root = |args: &[&str]| jixiao_in(&root, 100, args);
    let check = at_root(&["check", "--rules", "rules/2024"]);
    assert_eq!(
        check.code,
        Some(0),
        "check: {}{}",
        check.stdout,
        check.stderr
    );
    assert!(
        check.stdout.contains("检查通过") && !check.stderr.contains('⚠'),
        "check passes without warnings: {}{}",
        check.stdout,
        check.stderr
    );
    let bless = at_root(&["test", "--rules", "rules/2024", "--bless"]);
    assert_eq!(
        bless.code,
        Some(0),
        "test --bless: {}{}",
        bless.stdout,
        bless.stderr
    );
    let test = at_root(&["test", "--rules", "rules/2024"]);
    assert_eq!(test.code, Some(0), "test: {}{}", test.stdout, test.stderr);
    // the guide's outputs count the cases: rules/2023's 34 and its 2 new ones
    assert!(
        test.stdout.contains("通过 36 个，失败 0 个"),
        "docs/guide-rules.md shows 34 cases before and 36 after its new ones; \
         if rules/2023/tests has changed, update the guide's outputs:\n{}",
        test.stdout
    );
    // the guide's run of one case, as it shows it
    let one = at_root(&["test", "--rules", "rules/2024", "late-3-days"]);
    let shown = "$ jixiao test --rules rules/2024 late-3-days\n";
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guide-rules.md"))
            .expect("read the guide");
    assert!(
        guide.contains(&format!("{shown}{}```", one.stdout)),
        "docs/guide-rules.md shows `{}` printing:\n{}",
        shown.trim(),
        one.stdout
    );
    let fmt = at_root(&["fmt", "--check", "rules/2024"]);
    assert_eq!(
        fmt.code,
        Some(0),
        "fmt --check: {}{}",
        fmt.stdout,
        fmt.stderr
    );
    let diff = at_root(&[
        "diff",
        "--old",
        "rules/2023",
        "--new",
        "rules/2024",
        "rules/2023/tests",
    ]);
    assert_eq!(diff.code, Some(0), "diff: {}{}", diff.stdout, diff.stderr);
    assert!(
        diff.stdout.contains("publicity 自评结果公开") && diff.stdout.contains("需重新评审"),
        "the diff shows the new criterion and the judgments to redo:\n{}",
        diff.stdout
    );
    eprintln!("{doc}: {ran} blocks run, {fragments} fragments, {cases} test case files");
    let _ = std::fs::remove_dir_all(&root);
}

// ---------------------------------------------------------------------------
// The runner itself

#[test]
fn a_block_must_state_its_outcome_or_why_it_cannot_run() {
    assert!(expectation("let a = 1\n").is_err());
    assert!(expectation("# 片段：\nlet a = 1\n").is_err());
    assert!(expectation("# 结果：检查通过\n# 结果：总分 95\n").is_err());
    assert_eq!(
        expectation("# 片段：只是一行的写法\n...\n"),
        Ok(Expect::Fragment("只是一行的写法".into()))
    );
    assert_eq!(
        expectation("# rejected: rules::cycle\n"),
        Ok(Expect::Rejected("rules::cycle".into()))
    );
    assert_eq!(
        expectation("# 结果：总分 93，timeliness 8，发现 low_rate，problems 0–20\n"),
        Ok(Expect::Score(vec![
            Fact::Total("93".into()),
            Fact::Criterion("timeliness".into(), "8".into()),
            Fact::Finding("low_rate".into()),
            Fact::CriterionRange("problems".into(), "0".into(), "20".into()),
        ]))
    );
}

/// A wrong statement of the outcome is caught: the runner can fail.
#[test]
fn a_wrong_stated_outcome_fails() {
    let dir = scratch("wrong");
    copy_dir(&Path::new(MANIFEST).join("rules/2022"), &dir);
    apply(
        &dir,
        "deduct 2 when unit.role == \"预算单位\" because \"示例扣分\"\n",
    );
    assert_eq!(verify(&dir, &outcome("总分 93").unwrap()), Ok(()));
    assert!(verify(&dir, &outcome("总分 94").unwrap()).is_err());
    assert!(verify(&dir, &outcome("timeliness 10").unwrap()).is_err());
    assert!(verify(&dir, &Expect::Rejected("rules::cycle".into())).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn items_replace_their_namesakes_and_new_ones_follow() {
    let dir = scratch("replace");
    copy_dir(&Path::new(MANIFEST).join("rules/2022"), &dir);
    apply(
        &dir,
        "param deadline = 2023-06-13\n\ncriterion suggestions \"建议\" max 10 {\n  judge 0 to 10\n}\n\ncriterion publicity \"公开\" max 5 {\n  award 5 because \"示例\"\n}\n",
    );
    let params = std::fs::read_to_string(dir.join("params.jx")).unwrap();
    assert!(params.contains("param deadline = 2023-06-13\n"), "{params}");
    let sheet = std::fs::read_to_string(dir.join("sheet.jx")).unwrap();
    let at = sheet.find("criterion suggestions \"建议\" max 10").unwrap();
    let next = sheet.find("criterion publicity").unwrap();
    assert!(
        next > at && !sheet.contains("针对问题提出可行性建议的情况"),
        "{sheet}"
    );
    assert!(!dir.join(EXTRA_FILE).exists());
    let _ = std::fs::remove_dir_all(&dir);
}
