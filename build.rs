//! Embeds the shipped rules (`rules/<year>/*.jx`) into the binary, so that
//! `jixiao score FILE` works from any folder.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=rules");
    let mut years: Vec<(String, Vec<String>)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("rules") {
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(year) = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            if !path.is_dir() || year.parse::<u32>().is_err() {
                continue;
            }
            println!("cargo::rerun-if-changed={}", path.display());
            let mut files: Vec<String> = std::fs::read_dir(&path)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "jx"))
                .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string))
                .collect();
            files.sort();
            years.push((year, files));
        }
    }
    years.sort();
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let mut out = String::from(
        "/// Shipped rules: (year, [(file name, text)]).\npub static EMBEDDED: &[(&str, &[(&str, &str)])] = &[\n",
    );
    for (year, files) in &years {
        let _ = writeln!(out, "    (\"{year}\", &[");
        for f in files {
            let full = Path::new(&root).join("rules").join(year).join(f);
            let _ = writeln!(
                out,
                "        (\"{f}\", include_str!({:?})),",
                full.display().to_string()
            );
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    let dest = Path::new(&out_dir).join("embedded_rules.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo::error=cannot write {}: {e}", dest.display());
    }
    embed_templates(&root, &years, &out_dir);
    embed_cases(&root, &years, &out_dir);
}

/// The Word templates' descriptions (`rules/<year>/templates.toml`), for
/// `jixiao import`: `EMBEDDED_TEMPLATES: &[(year, text)]`.
fn embed_templates(root: &str, years: &[(String, Vec<String>)], out_dir: &str) {
    let mut out = String::from(
        "/// Shipped Word template descriptions: (year, text of templates.toml).\npub static EMBEDDED_TEMPLATES: &[(&str, &str)] = &[\n",
    );
    for (year, _) in years {
        let full = Path::new(root)
            .join("rules")
            .join(year)
            .join("templates.toml");
        if full.is_file() {
            let _ = writeln!(
                out,
                "    (\"{year}\", include_str!({:?})),",
                full.display().to_string()
            );
        }
    }
    out.push_str("];\n");
    let dest = Path::new(out_dir).join("embedded_templates.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo::error=cannot write {}: {e}", dest.display());
    }
}

/// The test cases kept with the rules (`rules/<year>/tests/*.toml`), for
/// `jixiao test`, and the submissions they name as `base = "…"` (resolved
/// against the case's folder, inside the repository):
/// `EMBEDDED_CASES: &[(year, &[(file name, text)])]` and
/// `EMBEDDED_BASES: &[(path from the repository root, text)]`.
fn embed_cases(root: &str, years: &[(String, Vec<String>)], out_dir: &str) {
    let mut cases = String::from(
        "/// Shipped test cases: (year, [(file name, text)]).\npub static EMBEDDED_CASES: &[(&str, &[(&str, &str)])] = &[\n",
    );
    let mut bases: Vec<String> = Vec::new();
    for (year, _) in years {
        let dir = Path::new(root).join("rules").join(year).join("tests");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string))
            .collect();
        files.sort();
        let _ = writeln!(cases, "    (\"{year}\", &[");
        for f in &files {
            let full = dir.join(f);
            let _ = writeln!(
                cases,
                "        (\"{f}\", include_str!({:?})),",
                full.display().to_string()
            );
            let text = std::fs::read_to_string(&full).unwrap_or_default();
            if let Some(base) = text.lines().find_map(base_of) {
                let joined = format!("rules/{year}/tests/{base}");
                // A base outside its rules folder is never embedded; the
                // case then fails with the reason at `jixiao test`.
                if let Some(rel) = normalize(&joined)
                    && rel.starts_with(&format!("rules/{year}/"))
                    && Path::new(root).join(&rel).is_file()
                    && !bases.contains(&rel)
                {
                    bases.push(rel);
                }
            }
        }
        cases.push_str("    ]),\n");
    }
    cases.push_str("];\n");
    bases.sort();
    cases.push_str(
        "/// Submissions the shipped cases edit: (path from the repository root, text).\npub static EMBEDDED_BASES: &[(&str, &str)] = &[\n",
    );
    for rel in &bases {
        let full = Path::new(root).join(rel);
        println!("cargo::rerun-if-changed={}", full.display());
        let _ = writeln!(
            cases,
            "    ({rel:?}, include_str!({:?})),",
            full.display().to_string()
        );
    }
    cases.push_str("];\n");
    let dest = Path::new(out_dir).join("embedded_cases.rs");
    if let Err(e) = std::fs::write(&dest, cases) {
        println!("cargo::error=cannot write {}: {e}", dest.display());
    }
}

/// The path of a `base = "…"` line (a basic or literal string, no escapes).
fn base_of(line: &str) -> Option<&str> {
    let rest = line
        .trim()
        .strip_prefix("base")?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = rest.get(1..)?;
    inner.get(..inner.find(quote)?)
}

/// `a/b/../c` → `a/c`; `None` when the path leaves the repository.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}
