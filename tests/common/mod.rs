//! What the integration tests share: running the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of `jixiao` gave.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// `jixiao ARGS…` in `dir`, without colour and wrapped at `columns`, so
/// the text is the same on every machine.
pub fn jixiao_in(dir: &Path, columns: u16, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", columns.to_string())
        .args(args)
        .output()
        .expect("run jixiao");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A scratch copy of `rules/2022` (with its cases and their bases) and
/// `examples/2022`, laid out as in the repository: the cases' `base` paths
/// resolve, and the paths printed are the same on every machine.
#[allow(dead_code)] // Not every test crate copies the rules.
pub fn rules_scratch(prefix: &str, name: &str) -> PathBuf {
    let root =
        std::env::temp_dir().join(format!("jixiao-{prefix}-{:010}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for dir in [
        "rules/2022",
        "rules/2022/tests",
        "rules/2022/tests/bases",
        "examples/2022",
    ] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let to = root.join(dir);
        std::fs::create_dir_all(&to).expect("create scratch folder");
        for entry in std::fs::read_dir(&from).expect("read folder").flatten() {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
            }
        }
    }
    root
}
