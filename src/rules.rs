//! Finding a year's rules: built into the binary, or a folder on disk.
//! Compilation happens once per run; every submission reuses the result.

use crate::diag::Problem;
use crate::ir::RuleSet;
use crate::source::SourceFile;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The rule file extension.
pub const EXTENSION: &str = "jx";

/// The years with shipped rules.
pub fn builtin_years() -> Vec<&'static str> {
    EMBEDDED.iter().map(|(y, _)| *y).collect()
}

/// The shipped rules of a year, compiled.
pub fn builtin(year: i64) -> Result<RuleSet, Vec<Problem>> {
    let year_text = year.to_string();
    let Some((_, files)) = EMBEDDED.iter().find(|(y, _)| *y == year_text) else {
        return Err(vec![
            Problem::plain(
                "rules::no_rules_for_year",
                format!(
                    "没有 {year} 年度的评分规则（内置规则年度：{}）",
                    builtin_years().join("、")
                ),
            )
            .with_help("用 --rules 目录 指定该年度的规则目录，或检查 [unit] 中的 year"),
        ]);
    };
    let sources = files
        .iter()
        .map(|(name, text)| SourceFile::new(format!("rules/{year}/{name}"), *text))
        .collect();
    crate::check::compile(sources)
}

/// The rules in a folder on disk (`*.jx`, in file-name order).
pub fn from_dir(dir: &Path) -> Result<RuleSet, Vec<Problem>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![
            Problem::plain(
                "rules::no_folder",
                format!("无法读取规则目录 {}：{e}", dir.display()),
            )
            .with_help("--rules 应指向某一年度的规则目录，如 rules/2022"),
        ]
    })?;
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == EXTENSION))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(vec![Problem::plain(
            "rules::empty_folder",
            format!("规则目录 {} 中没有 .{EXTENSION} 文件", dir.display()),
        )]);
    }
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match read_text(&path) {
            Ok(text) => sources.push(SourceFile::new(path.display().to_string(), text)),
            Err(p) => problems.push(*p),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    crate::check::compile(sources)
}

/// Read a UTF-8 text file (a byte-order mark is dropped).
pub fn read_text(path: &Path) -> Result<String, Box<Problem>> {
    let bytes = std::fs::read(path)
        .map_err(|e| Problem::plain("io::read", format!("无法读取 {}：{e}", path.display())))
        .map_err(Box::new)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let encoding = if looks_like_gb18030(bytes) { "看起来是 GBK/GB18030 编码（中文 Windows 的默认编码）" } else { "不是 UTF-8 编码" };
        Problem::plain("io::encoding", format!("{} {encoding}（第 {at} 字节处无法按 UTF-8 读取）", path.display()))
            .with_help(format!(
                "请转换为 UTF-8 后再报送：用记事本“另存为”并选择“UTF-8”编码，或运行 iconv -f GB18030 -t UTF-8 {0} > 新文件",
                path.display()
            ))
            .into()
    })
}

/// Are the bytes well-formed GB18030 with some Chinese in them? (Two-byte
/// characters: lead 0x81–0xFE, trail 0x40–0xFE except 0x7F; four-byte: lead,
/// 0x30–0x39, lead, 0x30–0x39.)
fn looks_like_gb18030(bytes: &[u8]) -> bool {
    let mut i = 0;
    let mut multibyte = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            i += 1;
            continue;
        }
        let second = bytes.get(i + 1).copied().unwrap_or(0);
        if !(0x81..=0xFE).contains(&b) {
            return false;
        }
        if (0x30..=0x39).contains(&second) {
            let third = bytes.get(i + 2).copied().unwrap_or(0);
            let fourth = bytes.get(i + 3).copied().unwrap_or(0);
            if !(0x81..=0xFE).contains(&third) || !(0x30..=0x39).contains(&fourth) {
                return false;
            }
            i += 4;
        } else if (0x40..=0xFE).contains(&second) && second != 0x7F {
            i += 2;
        } else {
            return false;
        }
        multibyte += 1;
    }
    multibyte > 0
}
