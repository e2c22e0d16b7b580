//! Reading what a user names: text files within a size limit and in words
//! when they are not UTF-8 text, special files refused before they are
//! opened, and a rules folder's files kept inside the folder. Every stage
//! that reads a file (rules, submissions, review files, templates) reads
//! it here, below them all.

use crate::diag::Code;
use crate::diag::Problem;
use std::path::{Path, PathBuf};

/// Largest file read as text (rule files and submissions): the largest
/// submission accepted. Reading stops one byte past it, so a huge file or a
/// device such as `/dev/zero` cannot exhaust memory.
pub const MAX_TEXT_FILE_BYTES: usize = 16 << 20;

/// A table's extension, lowercased, when the file is one an office
/// program saves (a review worksheet or a summary in any of its formats:
/// `xlsx`, `xls`, `ods`, WPS's `et`, `csv`, …); none for anything else.
pub fn spreadsheet_extension(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_string_lossy().to_lowercase();
    matches!(
        ext.as_str(),
        "xlsx"
            | "xls"
            | "xlsm"
            | "xlsb"
            | "xltx"
            | "xltm"
            | "xlt"
            | "ods"
            | "fods"
            | "et"
            | "ett"
            | "csv"
            | "numbers"
    )
    .then_some(ext)
}

/// A folder, a FIFO, a device or a socket given as an input file, refused
/// before it is opened: a FIFO would block and a device never end. Every
/// input goes through this, text or Word or workbook.
pub fn refuse_special(path: &Path) -> Result<(), Box<Problem>> {
    let fail = |message: String| Box::new(Problem::plain(Code::IoRead, message));
    let shown = path.display();
    // One look at the file (following links, as `is_dir` does) for both.
    let Ok(m) = std::fs::metadata(path) else {
        return Ok(());
    };
    if m.is_dir() {
        return Err(fail(format!("{shown} 是一个目录，不是文件")));
    }
    if !m.is_file() {
        return Err(fail(format!(
            "{shown} 不是普通文件（管道、设备或套接字），不予读取"
        )));
    }
    Ok(())
}

/// Read a UTF-8 text file (a byte-order mark is dropped). Folders, missing
/// files, files over `MAX_TEXT_FILE_BYTES`, binary files and other encodings
/// are named as such, in words. The text is shared (`Arc<str>`): a
/// `SourceFile` keeps it as it is, not copied once more.
pub fn read_text(path: &Path) -> Result<std::sync::Arc<str>, Box<Problem>> {
    use std::io::Read as _;
    let fail = |message: String| Box::new(Problem::plain(Code::IoRead, message));
    let shown = path.display();
    refuse_special(path)?;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            // Room for the whole file at once (and the byte that tells it
            // is too large): the buffer is not grown and copied as it fills.
            let size = f.metadata().map_or(0, |m| m.len());
            bytes.reserve(usize::try_from(size.min(MAX_TEXT_FILE_BYTES as u64) + 1).unwrap_or(0));
            f.take(MAX_TEXT_FILE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(|e| fail(format!("无法读取 {shown}：{}", io_error_words(&e))))?;
    if bytes.len() > MAX_TEXT_FILE_BYTES {
        return Err(Box::new(
            Problem::plain(
                Code::IoTooLarge,
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
                Code::IoEncoding,
                format!("{shown} 是 {encoding} 编码（记事本的“Unicode”），不是 UTF-8"),
            )
            .with_help(format!(
                "请转换为 UTF-8：用记事本“另存为”并选择“UTF-8”编码，或运行 iconv -f {encoding} -t UTF-8 {shown} > 新文件"
            )),
        ));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // Lines ended by CR alone (old Mac editors): TOML and the rule language
    // would read the whole file as one line, and say the same mistake at
    // `1:40` dozens of times. Each CR is read as the line break it is; a
    // byte for a byte, so every position stays where it was.
    if memchr::memchr(b'\n', &bytes).is_none() && memchr::memchr(b'\r', &bytes).is_some() {
        for b in &mut bytes {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
    }
    // Lines ended CR CR LF (a file converted to Windows line ends twice):
    // the parsers would say a stray CR on every line. The extra CR is read
    // as the trailing space an editor shows there; a byte for a byte, so
    // every position stays where it was. (A file with no CR at all, most
    // of them, is passed over by the quicker search for one byte.)
    if memchr::memchr(b'\r', &bytes).is_some() && memchr::memmem::find(&bytes, b"\r\r\n").is_some()
    {
        let mut at = 0;
        while let Some(found) = bytes
            .get(at..)
            .and_then(|rest| memchr::memmem::find(rest, b"\r\r\n"))
        {
            if let Some(b) = bytes.get_mut(at + found) {
                *b = b' ';
            }
            at += found + 2;
        }
    }
    // std's check is slow on Chinese text (a quarter of reading a form);
    // simdutf8 gives the same yes or no. The checked text is copied once,
    // into the shared text every reader keeps (unsafe code is forbidden
    // here, so the bytes are not taken as they are).
    if let Ok(text) = simdutf8::basic::from_utf8(&bytes) {
        return Ok(std::sync::Arc::from(text));
    }
    // Not UTF-8: std's error gives the position of the first bad byte.
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        // The bytes before `at` are valid UTF-8: count lines and characters.
        let before = std::str::from_utf8(bytes.get(..at).unwrap_or_default()).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let place = format!("第 {line} 行第 {column} 列，第 {at} 字节");
        // UTF-8 throughout, its last character cut short: the file ends
        // early (saved or copied incompletely), which no conversion mends.
        let cut_short = e.utf8_error().error_len().is_none();
        let problem = if cut_short {
            Problem::plain(
                Code::IoEncoding,
                format!("{shown} 在一个字符的中间结束（{place}）：文件不完整"),
            )
            .with_help("文件可能没有保存完，或复制、下载时被截断：请从原处重新复制或导出完整的文件（不要转换编码）")
        } else if bytes.contains(&0) {
            Problem::plain(Code::IoBinary, format!("{shown} 不是文本文件，含有二进制数据（{place}起无法按文本读取）"))
                .with_help("报送材料应为 UTF-8 编码的 .toml 文本文件，规则文件应为 .jx 文本文件；请检查是否选错了文件")
        } else {
            let encoding = if looks_like_gb18030(bytes) {
                "看起来是 GBK/GB18030 编码（中文 Windows 的默认编码）"
            } else {
                "不是 UTF-8 编码"
            };
            Problem::plain(Code::IoEncoding, format!("{shown} {encoding}（{place}处无法按 UTF-8 读取）"))
                .with_help(format!(
                    "请转换为 UTF-8 编码：用记事本“另存为”并选择“UTF-8”编码，或运行 iconv -f GB18030 -t UTF-8 {shown} > 新文件"
                ))
        };
        Box::new(problem)
    })
    .map(std::sync::Arc::from)
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

/// Why a file could not be written, in words.
pub fn write_error_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "所在的文件夹不存在，请先建好文件夹或换一个路径".into(),
        std::io::ErrorKind::PermissionDenied => "没有写入权限".into(),
        std::io::ErrorKind::IsADirectory => "这是一个文件夹，请给出文件名".into(),
        std::io::ErrorKind::NotADirectory => "路径中有一段是文件而不是文件夹".into(),
        std::io::ErrorKind::StorageFull => "磁盘空间不足".into(),
        std::io::ErrorKind::ReadOnlyFilesystem => "磁盘是只读的".into(),
        std::io::ErrorKind::AlreadyExists => "已有同名的文件，不是文件夹：请换一个名称".into(),
        _ if e.raw_os_error() == Some(36) => "文件名过长，请换一个短些的名称".into(),
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
                Code::RulesOutsideFolder,
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
