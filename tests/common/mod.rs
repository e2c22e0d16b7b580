//! What the integration tests share: running the binary.

use std::path::Path;
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
