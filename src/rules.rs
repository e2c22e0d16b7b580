//! Finding a year's rules: built into the binary, or a folder on disk.
//! Compilation happens once per run; every submission reuses the result.

use crate::diag::Problem;
use crate::ir::RuleSet;
use crate::source::SourceFile;
use std::path::{Path, PathBuf};

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
    crate::check::compile(sources).map(|mut rules| {
        rules.builtin = true;
        rules
    })
}

/// The year folders under `dir` when `dir` holds no rule file of its own
/// but folders that do (`rules/` rather than `rules/2022`), in name order;
/// otherwise `dir` itself.
pub fn year_folders(dir: &Path) -> Vec<PathBuf> {
    let has_rules = |d: &Path| {
        std::fs::read_dir(d).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == EXTENSION))
        })
    };
    if has_rules(dir) {
        return vec![dir.to_path_buf()];
    }
    let mut years: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && has_rules(p))
        .collect();
    years.sort();
    if years.is_empty() {
        vec![dir.to_path_buf()]
    } else {
        years
    }
}

/// The rules in a folder on disk (`*.jx`, in file-name order).
pub fn from_dir(dir: &Path) -> Result<RuleSet, Vec<Problem>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![
            Problem::plain(
                "rules::no_folder",
                format!("无法读取规则目录 {}：{}", dir.display(), io_error_words(&e)),
            )
            .with_help("--rules 应指向某一年度的规则目录，如 rules/2022"),
        ]
    })?;
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        // A folder named `x.jx` is kept, for `read_text` to name it.
        .filter(|p| p.extension().is_some_and(|e| e == EXTENSION))
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
        if let Err(p) = confine(dir, &path) {
            problems.push(*p);
            continue;
        }
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

/// Largest file read as text (rule files and submissions): the largest
/// submission accepted. Reading stops one byte past it, so a huge file or a
/// device such as `/dev/zero` cannot exhaust memory.
pub const MAX_TEXT_FILE_BYTES: usize = crate::data::MAX_SUBMISSION_BYTES;

/// A folder, a FIFO, a device or a socket given as an input file, refused
/// before it is opened: a FIFO would block and a device never end. Every
/// input goes through this, text or Word or workbook.
pub fn refuse_special(path: &Path) -> Result<(), Box<Problem>> {
    let fail = |message: String| Box::new(Problem::plain("io::read", message));
    let shown = path.display();
    if path.is_dir() {
        return Err(fail(format!("{shown} 是一个目录，不是文件")));
    }
    if let Ok(m) = std::fs::metadata(path)
        && !m.is_file()
    {
        return Err(fail(format!(
            "{shown} 不是普通文件（管道、设备或套接字），不予读取"
        )));
    }
    Ok(())
}

/// Read a UTF-8 text file (a byte-order mark is dropped). Folders, missing
/// files, files over `MAX_TEXT_FILE_BYTES`, binary files and other encodings
/// are named as such, in words.
pub fn read_text(path: &Path) -> Result<String, Box<Problem>> {
    use std::io::Read as _;
    let fail = |message: String| Box::new(Problem::plain("io::read", message));
    let shown = path.display();
    refuse_special(path)?;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            f.take(MAX_TEXT_FILE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(|e| fail(format!("无法读取 {shown}：{}", io_error_words(&e))))?;
    if bytes.len() > MAX_TEXT_FILE_BYTES {
        return Err(Box::new(
            Problem::plain(
                "io::too_large",
                format!("{shown} 过大（超过 {MAX_TEXT_FILE_BYTES} 字节）"),
            )
            .with_help("报送材料和规则文件都是几十 KB 的文本；请检查是否选错了文件"),
        ));
    }
    // UTF-16, as Windows Notepad saves "Unicode": named, with how to convert.
    let utf16 = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => Some("UTF-16LE"),
        Some([0xFE, 0xFF]) => Some("UTF-16BE"),
        _ => None,
    };
    if let Some(encoding) = utf16 {
        return Err(Box::new(
            Problem::plain(
                "io::encoding",
                format!("{shown} 是 {encoding} 编码（记事本的“Unicode”），不是 UTF-8"),
            )
            .with_help(format!(
                "请转换为 UTF-8：用记事本“另存为”并选择“UTF-8”编码，或运行 iconv -f {encoding} -t UTF-8 {shown} > 新文件"
            )),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        // The bytes before `at` are valid UTF-8: count lines and characters.
        let before = std::str::from_utf8(bytes.get(..at).unwrap_or_default()).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let place = format!("第 {line} 行第 {column} 列，第 {at} 字节");
        let problem = if bytes.contains(&0) {
            Problem::plain("io::binary", format!("{shown} 不是文本文件，含有二进制数据（{place}起无法按文本读取）"))
                .with_help("报送材料应为 UTF-8 编码的 .toml 文本文件，规则文件应为 .jx 文本文件；请检查是否选错了文件")
        } else {
            let encoding = if looks_like_gb18030(bytes) {
                "看起来是 GBK/GB18030 编码（中文 Windows 的默认编码）"
            } else {
                "不是 UTF-8 编码"
            };
            Problem::plain("io::encoding", format!("{shown} {encoding}（{place}处无法按 UTF-8 读取）"))
                .with_help(format!(
                    "请转换为 UTF-8 后再报送：用记事本“另存为”并选择“UTF-8”编码，或运行 iconv -f GB18030 -t UTF-8 {shown} > 新文件"
                ))
        };
        Box::new(problem)
    })
}

/// The common I/O errors in words; others as the system says them.
pub fn io_error_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "不存在，请检查路径".into(),
        std::io::ErrorKind::NotADirectory => "这不是一个目录".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        std::io::ErrorKind::IsADirectory => "这是一个目录，不是文件".into(),
        _ if e.raw_os_error() == Some(40) => "是循环的符号链接（链接指向自己）".into(),
        _ => e.to_string(),
    }
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

/// A rules folder is copied and shared between offices: nothing it names may
/// read outside it. `path` (a file inside `root`, found by listing `root` or
/// by joining a name to it) is refused when a symbolic link, or a link among
/// its folders, leads out of `root`. The refused file is never opened, so
/// none of its lines can reach a message.
pub fn confine(root: &Path, path: &Path) -> Result<(), Box<Problem>> {
    let refuse = |why: String| {
        Box::new(
            Problem::plain(
                "rules::outside_folder",
                format!("{} {why}，不予读取", path.display()),
            )
            .with_help(format!(
                "规则目录 {} 中的文件必须都在这个目录之内：请把文件本身（而不是链接）复制进来",
                root.display()
            )),
        )
    };
    let (Ok(real_root), Ok(real)) = (root.canonicalize(), path.canonicalize()) else {
        // A missing file is reported by whoever reads it.
        return Ok(());
    };
    if real.starts_with(&real_root) {
        Ok(())
    } else {
        Err(refuse(format!(
            "是指向规则目录之外（{}）的链接",
            real.display()
        )))
    }
}

/// The file a rules folder's case names as `base`: `name` is relative to the
/// case's folder `from` (inside `root`) and must stay inside `root`, by its
/// words (no `..` above the folder, no absolute path) and by the file system
/// (no link leading out). The error says why, in words, and never quotes the
/// refused file.
pub fn resolve_inside(root: &Path, from: &Path, name: &str) -> Result<PathBuf, String> {
    let absolute = name.starts_with(['/', '\\'])
        || name.get(1..3) == Some(":\\")
        || name.get(1..3) == Some(":/");
    let outside = || {
        format!(
            "`{name}` 在规则目录 {} 之外：base 必须是规则目录中的文件（如 bases/yueyanglou-finance-office.toml）",
            root.display()
        )
    };
    if absolute {
        return Err(outside());
    }
    let from = from.strip_prefix(root).unwrap_or(from);
    let mut parts: Vec<String> = from
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or_else(outside)?;
            }
            p => parts.push(p.to_string()),
        }
    }
    let path = parts
        .iter()
        .fold(root.to_path_buf(), |p, part| p.join(part));
    confine(root, &path).map_err(|p| p.message)?;
    Ok(path)
}
