//! Every diagnostic code is documented. The codes are `jixiao::diag::Code`,
//! one list in `src/diag/code.rs`; each code of the phases `rules`,
//! `submission`, `review`, `io`, `fmt`, and `case` of `jixiao test` (not
//! `import`, whose per-cell warnings are not diagnostics) needs a heading
//! naming it in backticks in `docs/diagnostics.md` (e.g.
//! `` ### `rules::unknown_field` ``), so that a new code fails the build
//! until it is documented there. And every code listed is raised somewhere:
//! a code left in the list after its last use is found.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jixiao::diag::Code;
use std::collections::BTreeSet;
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
    let doc_path = root.join("docs/diagnostics.md");
    let doc = std::fs::read_to_string(&doc_path)
        .unwrap_or_else(|e| panic!("{}: {e}", doc_path.display()));
    let headings = documented(&doc);
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| PHASES.contains(&c.phase()))
        .map(|c| c.as_str())
        .filter(|c| !headings.contains(*c))
        .collect();
    assert!(
        Code::ALL.len() > 100,
        "the list of codes is short: {}",
        Code::ALL.len()
    );
    assert!(
        missing.is_empty(),
        "{} diagnostic code(s) have no heading in docs/diagnostics.md; add a \
         `### `code`` section (meaning, an example that triggers it, the output as \
         printed, the fix) for each:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

/// A variant of `Code` that no source file names is a code nobody raises.
#[test]
fn every_code_listed_is_raised() {
    let root = Path::new(MANIFEST);
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let sources: String = files
        .iter()
        .filter(|f| !f.ends_with("diag/code.rs"))
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect();
    let unused: Vec<String> = Code::ALL
        .iter()
        .map(|c| format!("{c:?}"))
        .filter(|name| !sources.contains(&format!("Code::{name}")))
        .collect();
    assert!(
        unused.is_empty(),
        "codes listed but never raised: {unused:?}"
    );
}

#[test]
fn codes_are_phase_and_name() {
    for code in Code::ALL {
        let text = code.as_str();
        let (phase, name) = text.split_once("::").unwrap_or(("", ""));
        assert!(
            !phase.is_empty()
                && !name.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':'),
            "{text}"
        );
        assert_eq!(code.phase(), phase);
    }
    let doc =
        "# Title\n### `rules::a`\n```text\n# `rules::b`\n```\n#### `io::c` †\ntext `rules::d`\n";
    let codes = documented(doc);
    assert!(codes.contains("rules::a") && codes.contains("io::c"));
    assert!(!codes.contains("rules::b") && !codes.contains("rules::d"));
}
