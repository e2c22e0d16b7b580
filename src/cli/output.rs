//! Writing results: stdout, or a file written whole or not at all.
//!
//! A file is written to a temporary file beside it, then renamed over it,
//! so a reader never sees half of it. What is already at the path is
//! respected: a regular file keeps its permissions, a link is written
//! through to the file it names, anything else (a FIFO, a device, a
//! folder) is refused, and so is one of the command's own inputs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

/// The inputs of this run (canonical paths): no output may replace one.
static INPUTS: OnceLock<Mutex<Vec<PathBuf>>> = OnceLock::new();

/// Temporary files being written now: removed if the run is interrupted.
static WRITING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On Ctrl-C or a termination signal, remove the temporary files being
/// written and stop (status 130): an interrupted run leaves no partial
/// file behind. (A SIGKILL cannot be caught; its leftovers are removed by
/// the next run that writes the same file.)
pub(crate) fn clean_up_on_signals() {
    let _ = ctrlc::set_handler(|| {
        // The lock is held until exit, so no temporary file can be created
        // after this sweep (creation happens under the same lock).
        let writing = WRITING.lock().unwrap_or_else(PoisonError::into_inner);
        for tmp in writing.iter() {
            let _ = std::fs::remove_file(tmp);
        }
        noteln!("已中断，未写完的文件已删除");
        std::process::exit(130);
    });
}

/// Temporary files `.{name}.PID.tmp` of runs that are gone.
fn remove_stale(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        // Whether that run is gone can only be told through /proc; where
        // there is none, a leftover is kept rather than risk deleting the
        // file another run is writing now.
        let alive = pid == std::process::id()
            || !cfg!(target_os = "linux")
            || Path::new(&format!("/proc/{pid}")).exists();
        if !alive {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Remember the inputs an output must not overwrite.
pub(crate) fn protect(inputs: &[PathBuf]) {
    let list = INPUTS.get_or_init(|| Mutex::new(Vec::new()));
    let mut list = list.lock().unwrap_or_else(PoisonError::into_inner);
    list.extend(inputs.iter().filter_map(|p| p.canonicalize().ok()));
}

/// Remember a rule folder's files (its rule files, `templates.toml`, its
/// test cases): a report written with `-o` over one of them would destroy
/// the year's rules that the same run reads.
pub(crate) fn protect_folder(dir: &Path) {
    let mut files = Vec::new();
    let mut folders = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() && depth < MAX_PROTECTED_DEPTH => {
                    folders.push((entry.path(), depth + 1));
                }
                Ok(t) if !t.is_dir() => files.push(entry.path()),
                _ => {}
            }
        }
    }
    protect(&files);
}

/// How deep a rule folder's files are protected: a year's folder, its
/// `tests/`, and their `bases/` (one more where `--rules` names the
/// folder of the years).
const MAX_PROTECTED_DEPTH: usize = 3;

fn is_input(path: &Path) -> bool {
    let Ok(real) = path.canonicalize() else {
        return false;
    };
    INPUTS.get().is_some_and(|list| {
        list.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&real)
    })
}

/// A debug build paused with the temporary file written but not yet
/// renamed, for `JIXIAO_TEST_WRITE_PAUSE_MS`: how the test of Ctrl-C
/// lands its signal mid-write every time. Release builds ignore it.
fn pause_for_tests() {
    if cfg!(debug_assertions)
        && let Some(ms) = std::env::var("JIXIAO_TEST_WRITE_PAUSE_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Whether the shell started us with stdout closed (`>&-`).
///
/// Rust's runtime reopens a closed standard descriptor on `/dev/null`
/// before `main`, so writes would succeed and the output vanish. That
/// reopened descriptor is `/dev/null` opened read-write, which a shell's
/// `>/dev/null` (write-only) never is. Linux shows both facts in `/proc`;
/// elsewhere nothing can be told and the answer is no.
fn stdout_was_closed() -> bool {
    let Ok(target) = std::fs::read_link("/proc/self/fd/1") else {
        return false;
    };
    if target != Path::new("/dev/null") {
        return false;
    }
    let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
        return false;
    };
    let flags = info
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok());
    // O_ACCMODE is 3, O_RDWR is 2 on every Linux architecture.
    flags.is_some_and(|f| f & 3 == 2)
}

/// Write `text` to `path` atomically (a temporary file, then rename), or to
/// stdout.
pub(crate) fn emit(path: Option<&Path>, text: impl AsRef<[u8]>) -> Result<(), String> {
    let text = text.as_ref();
    emit_with(path, |w| w.write_all(text))
}

/// As `emit`, with the output written by `write` as it is made (a batch's
/// reports one after another, so that they need not all be held): to
/// stdout, or to the temporary file renamed over `path` once `write` is done.
pub(crate) fn emit_with(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    match path {
        Some(path) => emit_file_with(path, |file| write(file)),
        None => emit_stdout_with(write),
    }
}

/// Write to stdout, unless the shell closed it.
fn emit_stdout_with(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    if stdout_was_closed() {
        return Err(CLOSED.to_string());
    }
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        // The reader stopped reading (`| head`): what it wanted it has,
        // whether the rest fitted the pipe or not.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!(
            "无法写出结果：{}",
            jixiao::files::write_error_words(&e)
        )),
        Ok(()) => Ok(()),
    }
}

/// Said when the result is for stdout and the shell closed it.
const CLOSED: &str = "标准输出已关闭（例如命令后面写了 >&-），结果无处可写：请把输出重定向到文件，或用 -o 给出输出文件";

/// Whether the shell closed stdout, said on stderr when it did: a command
/// whose result is stdout (`check`, `test`) then stops with status 1.
pub(crate) fn stdout_closed_said() -> bool {
    let closed = stdout_was_closed();
    if closed {
        noteln!("{}", CLOSED.replace("，或用 -o 给出输出文件", ""));
    }
    closed
}

/// As `emit_with`, to a file only: `write` is given the temporary file
/// (a writer that can be sent to another thread, as a zip writer needs).
pub(crate) fn emit_file_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), String> {
    if is_input(path) {
        return Err(format!(
            "{} 是本次的输入文件，不能用作输出：请换一个输出文件名",
            path.display()
        ));
    }
    // A link is written through: the file it names is replaced, the link
    // stays.
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => path.canonicalize().unwrap_or(path.to_path_buf()),
        _ => path.to_path_buf(),
    };
    let existing = std::fs::metadata(&target).ok();
    if let Some(m) = &existing
        && !m.is_file()
    {
        let what = if m.is_dir() {
            "一个目录"
        } else {
            "一个特殊文件（管道或设备）"
        };
        return Err(format!(
            "{} 是{what}，不能写入结果：请给出普通文件的路径",
            path.display()
        ));
    }
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    remove_stale(dir, &name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let created = {
        let mut writing = WRITING.lock().unwrap_or_else(PoisonError::into_inner);
        let file = std::fs::File::create(&tmp);
        if file.is_ok() {
            writing.push(tmp.clone());
        }
        file
    };
    let result = created
        .and_then(|file| {
            let mut file = std::io::BufWriter::new(file);
            write(&mut file)?;
            file.flush()
        })
        .map(|()| pause_for_tests())
        .and_then(|()| match &existing {
            Some(m) => std::fs::set_permissions(&tmp, m.permissions()),
            None => Ok(()),
        })
        .and_then(|()| std::fs::rename(&tmp, &target));
    WRITING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|t| *t != tmp);
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!(
            "无法写入 {}：{}",
            path.display(),
            jixiao::files::write_error_words(&e)
        ));
    }
    Ok(())
}
