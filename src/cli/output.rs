//! Writing results: stdout, or a file written whole or not at all.

use std::io::Write as _;
use std::path::Path;

/// Write `text` to `path` atomically (a temporary file, then rename), or to
/// stdout.
pub(crate) fn emit(path: Option<&Path>, text: impl AsRef<[u8]>) -> Result<(), String> {
    let text = text.as_ref();
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(text)
            .map_err(|e| format!("无法写出结果：{e}"));
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("无法写入 {}：{e}", path.display()));
    }
    Ok(())
}
