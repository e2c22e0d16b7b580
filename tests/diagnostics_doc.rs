//! Every diagnostic code is documented. The codes are the string literals
//! `"<phase>::<name>"` in `src/` (phases `rules`, `submission`, `review`,
//! `io`, `fmt`, and `case` of `jixiao test`; not `import`, whose per-cell
//! warnings are not diagnostics); each needs a heading naming it in backticks in
//! `docs/diagnostics.md` (e.g. `` ### `rules::unknown_field` ``), so that a new
//! code fails the build until it is documented there.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// The phases whose codes must be documented.
const PHASES: [&str; 6] = ["rules", "submission", "review", "io", "fmt", "case"];

/// Every `.rs` file under `dir`, in a stable order.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

/// The code literals of one file: `"phase::name"`, exactly, with the line.
fn codes_in(text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        for phase in PHASES {
            let opening = format!("\"{phase}::");
            let mut rest = line;
            while let Some(at) = rest.find(&opening) {
                let after = &rest[at + opening.len()..];
                let name: String = after.chars().take_while(|c| is_name_char(*c)).collect();
                if !name.is_empty() && after[name.len()..].starts_with('"') {
                    found.push((format!("{phase}::{name}"), index + 1));
                }
                rest = &rest[at + 1..];
            }
        }
    }
    found
}

/// The codes named in backticks in the headings of the document.
fn documented(doc: &str) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let mut in_fence = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || !line.starts_with('#') {
            continue;
        }
        // `a` `b` … : the odd pieces between backticks.
        for (i, piece) in line.split('`').enumerate() {
            if i % 2 == 1 {
                codes.insert(piece.trim().to_string());
            }
        }
    }
    codes
}

#[test]
fn every_code_has_a_heading_in_docs_diagnostics_md() {
    let root = Path::new(MANIFEST);
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    // code → where it is used
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in &files {
        let text =
            std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let shown = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        for (code, line) in codes_in(&text) {
            used.entry(code)
                .or_default()
                .push(format!("{shown}:{line}"));
        }
    }
    assert!(
        used.contains_key("rules::syntax") && used.contains_key("submission::unknown_key"),
        "the scan of src/ found no codes; has the code style changed? found: {:?}",
        used.keys().collect::<Vec<_>>()
    );

    let doc_path = root.join("docs/diagnostics.md");
    let doc = std::fs::read_to_string(&doc_path)
        .unwrap_or_else(|e| panic!("{}: {e}", doc_path.display()));
    let headings = documented(&doc);

    let missing: Vec<String> = used
        .iter()
        .filter(|(code, _)| !headings.contains(*code))
        .map(|(code, places)| format!("  {code}  (used at {})", places.join(", ")))
        .collect();
    assert!(
        missing.is_empty(),
        "{} diagnostic code(s) have no heading in docs/diagnostics.md; add a \
         `### `code`` section (meaning, an example that triggers it, the output as \
         printed, the fix) for each:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn the_scanner_reads_literals_exactly() {
    let text = concat!(
        "Problem::plain(\"io::read\", \"无法读取\")\n",
        "let c = \"rules::syntax\"; let d = \"review::out_of_band\";\n",
        "// `rules::in_a_comment` and \"rules::not a code\" and \"rules::Upper\"\n",
        "\"import::skipped\" \"fmt::internal\"\n",
    );
    let found: Vec<(String, usize)> = codes_in(text);
    let expected = [
        ("io::read", 1),
        ("rules::syntax", 2),
        ("review::out_of_band", 2),
        ("fmt::internal", 4),
    ];
    let mut found_sorted = found.clone();
    found_sorted.sort();
    let mut expected_sorted: Vec<(String, usize)> =
        expected.iter().map(|(c, l)| (c.to_string(), *l)).collect();
    expected_sorted.sort();
    assert_eq!(found_sorted, expected_sorted);

    let doc =
        "# Title\n### `rules::a`\n```text\n# `rules::b`\n```\n#### `io::c` †\ntext `rules::d`\n";
    let codes = documented(doc);
    assert!(codes.contains("rules::a") && codes.contains("io::c"));
    assert!(!codes.contains("rules::b") && !codes.contains("rules::d"));
}
