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
