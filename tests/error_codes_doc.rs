//! The Chinese reference for bureau staff, `docs/错误代码.md`, lists every
//! diagnostic code. The codes are `jixiao::diag::Code`, one list in
//! `src/diag/code.rs`; each code of the phases `rules`, `submission`,
//! `review`, `io`, `fmt` and `case` (not `import`, as in
//! `tests/diagnostics_doc.rs`) needs a row of its own in the table of its
//! phase's section, the code in backticks in the row's first cell:
//!
//! ```text
//! ## 规则文件（rules）
//!
//! | 代码 | 什么情况 | 怎么改 |
//! |---|---|---|
//! | `rules::syntax` | … | … |
//! ```
//!
//! so that a new code fails the build until it is explained in Chinese too.
//! A row naming a code that does not exist (a misspelling, a code renamed)
//! fails as well, and so does a row in another phase's section or with an
//! empty cell.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jixiao::diag::Code;
use std::collections::BTreeMap;
use std::path::Path;

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// The phases whose codes must be in the page.
const PHASES: [&str; 6] = ["rules", "submission", "review", "io", "fmt", "case"];

/// A table row of the page that names a code in its first cell.
#[derive(Debug)]
struct Row {
    /// The code, as written between the backticks.
    code: String,
    /// The phase named by the `##` heading above the row, if any.
    section: Option<String>,
    /// The line number, from 1.
    line: usize,
    /// The cells after the first, trimmed.
    cells: Vec<String>,
}

/// The phase a `##` heading names: its first ASCII word that is a phase
/// (`## 规则文件（rules）` → `rules`).
fn heading_phase(heading: &str) -> Option<String> {
    heading
        .split(|c: char| !(c.is_ascii_lowercase() || c == '_'))
        .find(|word| PHASES.contains(word) || *word == "import")
        .map(str::to_string)
}

/// The rows of the page's tables whose first cell is a code in backticks,
/// outside fenced blocks.
fn rows(doc: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut in_fence = false;
    let mut section = None;
    for (i, line) in doc.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if let Some(heading) = line.strip_prefix("## ") {
            section = heading_phase(heading);
            continue;
        }
        let Some(inner) = trimmed.strip_prefix('|') else {
            continue;
        };
        let cells: Vec<&str> = inner
            .strip_suffix('|')
            .unwrap_or(inner)
            .split('|')
            .collect();
        let first = cells[0].trim();
        let Some(code) = first
            .strip_prefix('`')
            .and_then(|rest| rest.strip_suffix('`'))
            .filter(|code| code.contains("::"))
        else {
            continue;
        };
        rows.push(Row {
            code: code.trim().to_string(),
            section: section.clone(),
            line: i + 1,
            cells: cells[1..].iter().map(|c| c.trim().to_string()).collect(),
        });
    }
    rows
}

#[test]
fn every_code_has_a_row_in_docs_error_codes_md() {
    let doc_path = Path::new(MANIFEST).join("docs/错误代码.md");
    let doc = std::fs::read_to_string(&doc_path)
        .unwrap_or_else(|e| panic!("{}: {e}", doc_path.display()));
    let rows = rows(&doc);
    let by_code: BTreeMap<&str, &Row> = rows.iter().map(|r| (r.code.as_str(), r)).collect();

    assert!(
        Code::ALL.len() > 100,
        "the list of codes is short: {}",
        Code::ALL.len()
    );

    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| PHASES.contains(&c.phase()))
        .map(|c| c.as_str())
        .filter(|c| !by_code.contains_key(c))
        .collect();
    assert!(
        missing.is_empty(),
        "{} diagnostic code(s) have no row in docs/错误代码.md; add a row \
         | `code` | 什么情况 | 怎么改 | to the table of the code's phase, in plain \
         Chinese for bureau staff, for each:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );

    let mut wrong = Vec::new();
    let mut seen = BTreeMap::new();
    for row in &rows {
        let Some(code) = Code::ALL.iter().find(|c| c.as_str() == row.code) else {
            wrong.push(format!(
                "line {}: `{}` is not a code of src/diag/code.rs",
                row.line, row.code
            ));
            continue;
        };
        if let Some(first) = seen.insert(row.code.as_str(), row.line) {
            wrong.push(format!(
                "line {}: `{}` already has a row, at line {first}",
                row.line, row.code
            ));
        }
        if row.section.as_deref() != Some(code.phase()) {
            wrong.push(format!(
                "line {}: `{}` is not in the section of its phase `{}`",
                row.line,
                row.code,
                code.phase()
            ));
        }
        if row.cells.len() != 2 || row.cells.iter().any(String::is_empty) {
            wrong.push(format!(
                "line {}: `{}` needs two filled cells after the code: 什么情况 | 怎么改",
                row.line, row.code
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "docs/错误代码.md:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn rows_are_read_from_tables_outside_fences() {
    let doc = "# 标题\n\
               正文 `rules::a`\n\
               ## 规则文件（rules）\n\
               | 代码 | 什么情况 | 怎么改 |\n\
               |---|---|---|\n\
               | `rules::b` | 情况 | 改法 |\n\
               | `rules::c` | 情况 |  |\n\
               ```text\n\
               | `rules::d` | 情况 | 改法 |\n\
               ```\n\
               ## 文件读写（io）\n\
               | `io::e` | 情况 | 改法 |\n\
               | 说明 `io::f` | 情况 | 改法 |\n";
    let rows = rows(doc);
    let found: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|r| (r.code.as_str(), r.section.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            ("rules::b", Some("rules")),
            ("rules::c", Some("rules")),
            ("io::e", Some("io")),
        ]
    );
    assert_eq!(rows[0].cells, ["情况", "改法"]);
    assert!(rows[1].cells[1].is_empty());
    assert_eq!(rows[0].line, 6);
}
