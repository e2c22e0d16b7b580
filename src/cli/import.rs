//! `jixiao import`: Word packages → submission files; and the in-memory
//! import `jixiao score` uses for `.docx` inputs.

use super::output::emit;
use jixiao::data::Date;
use jixiao::data::ReviewBook;
use jixiao::diag::Code;
use jixiao::diag::{Problem, render};
use jixiao::import::{Imported, Level, Options, Templates, import_file};
use jixiao::source::SourceFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `--received-on`: `2023-06-14`.
/// A date as a clerk types it on the command line: 2023-06-14, and the
/// forms the review worksheet and Word packages accept (2023/6/14,
/// 2023.6.14, 2023年6月14日), or eight digits (20230614).
pub(super) fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    // A year of four digits: `23-6-18` is no date of year 23.
    let four_digit_year = t.split('-').next().is_some_and(|y| y.len() == 4);
    Date::parse(t)
        .filter(|_| four_digit_year)
        .or_else(|| jixiao::import::date(t))
        .ok_or_else(|| {
            format!("“{text}”不是有效日期：写成 2023-06-14（或 2023/6/14、2023年6月14日）")
        })
}

/// The templates of a `--rules` folder; `None` for the built-in ones.
fn templates(rules: Option<&Path>) -> Result<Option<Templates>, Box<Problem>> {
    rules.map(Templates::from_dir).transpose()
}

/// An import's warnings, each naming its file, and their count.
fn report(path: &Path, imported: &Imported) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for w in &imported.warnings {
        let _ = writeln!(out, "{}：{w}", path.display());
    }
    let count = |level| {
        imported
            .warnings
            .iter()
            .filter(|w| w.level == level)
            .count()
    };
    let (missing, warnings, notes) = (
        count(Level::Missing),
        count(Level::Warning),
        count(Level::Note),
    );
    if missing + warnings + notes > 0 {
        let _ = writeln!(
            out,
            "{}：缺少 {missing} 项，警告 {warnings} 条，提示 {notes} 条",
            path.display()
        );
    }
    out
}

/// Notes about each input (a Word package's import warnings; what the
/// screen must say of a scored unit), kept until the command prints that
/// input's output: inputs are handled in parallel, and their notes must
/// come out in input order, not interleaved.
static INPUT_NOTES: std::sync::Mutex<Vec<(PathBuf, String)>> = std::sync::Mutex::new(Vec::new());

/// Keep a note about one input (a line or more, each ending in a line
/// break), printed with its import warnings before its output.
pub(super) fn keep_note(path: &Path, note: String) {
    INPUT_NOTES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push((path.to_path_buf(), note));
}

/// The notes kept for `path`, once.
pub(super) fn take_notes(path: &Path) -> String {
    let mut kept = INPUT_NOTES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut out = String::new();
    kept.retain(|(p, w)| {
        if p == path {
            out.push_str(w);
            false
        } else {
            true
        }
    });
    out
}

/// Import and write; false when an input failed or lacks a required value.
pub(super) fn run(
    rules: Option<&Path>,
    options: &Options,
    output: Option<&Path>,
    out_dir: Option<&Path>,
    inputs: &[PathBuf],
) -> bool {
    if let Some(output) = output {
        super::usage::check_output_extension("-o", output, "toml");
    }
    super::output::protect(inputs);
    if let Some(dir) = rules {
        super::output::protect_folder(dir);
    }
    let templates = match templates(rules) {
        Ok(t) => t,
        Err(p) => {
            note!("{}", render(&[*p]));
            return false;
        }
    };
    if let Some(dir) = out_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            noteln!(
                "无法创建目录 {}：{}",
                dir.display(),
                jixiao::files::write_error_words(&e)
            );
            return false;
        }
    }
    let mut ok = true;
    let mut taken = std::collections::HashSet::new();
    let mut schemas = HashMap::new();
    for input in inputs {
        let imported = match import_file(input, options, templates.as_ref()) {
            Ok(i) => i,
            Err(p) => {
                note!("{}", render(&[*p]));
                ok = false;
                continue;
            }
        };
        note!("{}", report(input, &imported));
        // As `score` warns: a received date years after the package's
        // year is most likely its year mistyped (2030 for 2023).
        if let Some(on) = options.received_on
            && (i64::from(on.parts().0) > imported.year + 2
                || i64::from(on.parts().0) <= imported.year)
        {
            noteln!(
                "警告：{} 的送达日期 {on}（--received-on）与 {} 年度的材料不相称：请核对送达日期的年份（是否迟报按这个日期计算）",
                input.display(),
                imported.year
            );
        }
        ok &= imported.is_complete();
        if let Err(problems) = fits_schema(input, &imported, rules, &mut schemas) {
            note!("{}", render(&problems));
            ok = false;
            continue;
        }
        let target = match out_dir {
            Some(dir) => {
                // Two packages of one name (a/x.docx, b/x.docx) get x.toml
                // and x-2.toml, as score --out-dir does.
                let stem = input
                    .file_stem()
                    .map_or_else(|| "package".into(), |s| s.to_string_lossy().into_owned());
                let mut name = format!("{stem}.toml");
                let mut n = 1;
                while !taken.insert(name.clone()) {
                    n += 1;
                    name = format!("{stem}-{n}.toml");
                }
                Some(dir.join(name))
            }
            None => output.map(Path::to_path_buf),
        };
        if let Some(why) = target.as_deref().and_then(written_by_hand) {
            noteln!("{why}");
            ok = false;
            continue;
        }
        if let Err(e) = emit(target.as_deref(), &imported.toml) {
            noteln!("{e}");
            ok = false;
        }
    }
    ok
}

/// Why `path` must not be written over: a submission not written by
/// `import` (a unit's own `.toml`, or another's), which an import would
/// replace. An earlier import of the same package is written over: that
/// is what importing again is for.
fn written_by_hand(path: &Path) -> Option<String> {
    use std::io::Read as _;
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    let head = String::from_utf8_lossy(head.get(..n).unwrap_or_default());
    let head = head.trim_start_matches('\u{feff}');
    let ours = head
        .strip_prefix("# ")
        .is_some_and(|h| h.starts_with(jixiao::import::MADE_BY));
    (!head.is_empty() && !ours).then(|| {
        format!(
            "{} 已存在，不是 jixiao import 写出的文件（可能是单位报送的材料），不覆盖：请换一个文件名，或先把它移走",
            path.display()
        )
    })
}

/// The importer writes the submission format by name; the year's
/// `schema.jx` says what the format is. An import is loaded against that
/// schema before it is written, so a field renamed in a copied rules folder
/// (or an importer that falls behind the schema) is an error naming the
/// key, never a file that fails later or a value silently dropped. Each
/// year's rules are compiled once per run.
fn fits_schema(
    input: &Path,
    imported: &Imported,
    rules: Option<&Path>,
    schemas: &mut HashMap<i64, Result<jixiao::data::schema::Schema, Vec<Problem>>>,
) -> Result<(), Vec<Problem>> {
    let compiled = schemas.entry(imported.year).or_insert_with(|| {
        let set = match rules {
            Some(dir) => jixiao::rules::from_dir(dir),
            None => jixiao::rules::builtin(imported.year),
        };
        set.map(|s| s.schema.clone())
    });
    let schema = compiled.as_ref().map_err(Clone::clone)?;
    let shown = format!("{}（导入结果）", input.display());
    let source = SourceFile::new(shown, imported.toml.as_str());
    // An import that lacks a required value (the received date, say) is
    // written with the value left to fill: only that key may be missing.
    let fits = |p: &Problem| imported.is_complete() || p.code != Code::SubmissionMissingKey;
    match jixiao::data::load_submission(source, schema) {
        Ok(_) => Ok(()),
        Err(problems) if !problems.iter().any(fits) => Ok(()),
        Err(problems) => {
            let mut problems: Vec<Problem> = problems.into_iter().filter(fits).collect();
            let folder = rules.map_or_else(
                || format!("内置的 {} 年度规则", imported.year),
                |d| d.display().to_string(),
            );
            problems.insert(
                0,
                Problem::plain(
                    Code::ImportSchemaMismatch,
                    format!(
                        "{}：导入结果不符合 {folder} 的 schema.jx，未写出",
                        input.display()
                    ),
                )
                .with_help(
                    "导入程序按报送格式的字段名写出材料；schema.jx 改了字段名或类型时两者不再一致。把字段名改回，确需改名时，导入程序写出的名称也要相应修改（见 docs/import.md）。下面各条指出导入结果中不符的键",
                ),
            );
            Err(problems)
        }
    }
}

/// `jixiao score`'s options for `.docx` inputs, set once before scoring:
/// kept here so that the score command reads a `.docx` with one call
/// (`read_input`) and needs no new parameters.
static SCORE_OPTIONS: OnceLock<(Option<Date>, Option<PathBuf>)> = OnceLock::new();

/// Set `--received-on` and `--rules` for `.docx` inputs of `jixiao score`.
pub(super) fn for_score(received_on: Option<Date>, rules: Option<PathBuf>) {
    let _ = SCORE_OPTIONS.set((received_on, rules));
}

/// `score --role`: the role of the units whose Word packages are scored
/// (the forms do not say it; a 主管部门 scored as a 预算单位 would not be
/// asked for its summary of transfers).
static SCORE_ROLE: OnceLock<String> = OnceLock::new();

/// Keep `score --role` for the Word packages read.
pub(super) fn role_for_score(role: Option<String>) {
    if let Some(role) = role {
        let _ = SCORE_ROLE.set(role);
    }
}

/// `--received-on` given where no input is a Word package: a `.toml`
/// submission has its own `received_on`, so the option changes nothing,
/// and is said not to (the same output with and without it would leave
/// the clerk believing it was applied).
pub(super) fn note_unused_received_on(files: &[(PathBuf, bool)]) {
    let given = SCORE_OPTIONS.get().is_some_and(|(date, _)| date.is_some());
    if given && !files.iter().any(|(p, _)| is_docx(p)) {
        noteln!(
            "提示：--received-on 只用于 Word 材料（.docx）；这次的材料都是 .toml，按各自的 received_on 评分，--received-on 未使用"
        );
    }
}

/// Is this input a Word package? (Word's lock files, `~$name.docx`, are not.)
pub(super) fn is_docx(path: &Path) -> bool {
    let lock = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("~$"));
    !lock
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("docx"))
}

/// An input of `jixiao score` as submission text: a `.toml` file as it is,
/// a `.docx` package imported in memory (its warnings to stderr). A Word
/// package carries no received date: `--received-on` gives it, or else the
/// 单位 sheet of a review worksheet (`book`) for the package's unit.
pub(super) fn read_input(
    path: &Path,
    book: Option<&ReviewBook>,
) -> Result<std::sync::Arc<str>, Vec<Problem>> {
    if let Some(problem) = not_a_package(path, false) {
        return Err(vec![problem]);
    }
    if !is_docx(path) {
        return jixiao::files::read_text(path).map_err(|p| vec![*p]);
    }
    let (received_on, _) = SCORE_OPTIONS.get().cloned().unwrap_or_default();
    let mut imported = import_docx(path, received_on)?;
    // No date in the package: the worksheet's 单位 sheet gives it, or
    // names the empty cell where it is to be written.
    if let Some(book) = book
        && only_date_missing(&imported)
        && let Ok(header) = jixiao::data::read_header(&SourceFile::new(
            path.display().to_string(),
            imported.toml.as_str(),
        ))
    {
        match book
            .received_date(&header.unit, header.year)
            .map_err(|p| vec![*p])?
        {
            Some(date) => {
                let from = book
                    .received_for(&header.unit, header.year)
                    .first()
                    .map_or_else(String::new, |r| format!("送达日期见 {}", r.at));
                imported = import_docx_from(path, Some(date), from)?;
            }
            None => {
                if let Some(cell) = book.blank_date_cell(&header.unit, header.year) {
                    return Err(vec![
                        Problem::plain(
                            Code::ImportIncomplete,
                            format!(
                                "{}：Word 材料中没有送达日期，评审表中的送达日期 {cell} 是空的",
                                path.display()
                            ),
                        )
                        .with_help(format!(
                            "按收文登记在 {cell} 填写送达日期（如 2023-06-14）后再评分；或评分时加 --received-on 日期"
                        )),
                    ]);
                }
                // The date is there, under the unit's name as someone
                // typed it: that row is named, not the date asked for.
                let file = path
                    .file_name()
                    .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
                if let Some(r) = book.received_under_a_like_name(&header.unit, header.year, &file) {
                    return Err(vec![
                        Problem::plain(
                            Code::ImportIncomplete,
                            format!(
                                "{}：Word 材料中没有送达日期；评审表中 {} 的送达日期 {} 写在单位“{}”名下，而材料中的单位是“{}”",
                                path.display(),
                                r.at,
                                r.date,
                                r.unit,
                                header.unit
                            ),
                        )
                        .with_help(format!(
                            "是同一单位的，把评审表“单位”工作表中这一行的单位名称改为“{}”（与材料一致）后再评分",
                            header.unit
                        )),
                    ]);
                }
            }
        }
    }
    complete(path, imported).map(std::sync::Arc::from)
}

/// A package for `jixiao review`: the submission text, and whether its
/// received date is known. A Word package without one is imported with a
/// stand-in date: which criteria need a judgment does not depend on it,
/// and the worksheet leaves its 送达日期 for the registry to fill.
pub(super) fn read_for_review(path: &Path) -> Result<(String, bool), Vec<Problem>> {
    if let Some(problem) = not_a_package(path, true) {
        return Err(vec![problem]);
    }
    if !is_docx(path) {
        return jixiao::files::read_text(path)
            .map(|t| (t.to_string(), true))
            .map_err(|p| vec![*p]);
    }
    let (received_on, _) = SCORE_OPTIONS.get().cloned().unwrap_or_default();
    let imported = import_docx(path, received_on)?;
    if received_on.is_none() && only_date_missing(&imported) {
        let stand_in = Date::new(2000, 1, 1);
        let imported = import_docx(path, stand_in)?;
        return complete(path, imported).map(|t| (t, false));
    }
    complete(path, imported).map(|t| (t, received_on.is_some()))
}

fn import_docx(path: &Path, received_on: Option<Date>) -> Result<Imported, Vec<Problem>> {
    import_docx_from(path, received_on, "--received-on".to_string())
}

fn import_docx_from(
    path: &Path,
    received_on: Option<Date>,
    received_from: String,
) -> Result<Imported, Vec<Problem>> {
    let (_, rules) = SCORE_OPTIONS.get().cloned().unwrap_or_default();
    let templates = templates(rules.as_deref()).map_err(|p| vec![*p])?;
    let options = Options {
        received_on,
        received_from,
        role: SCORE_ROLE
            .get()
            .cloned()
            .unwrap_or_else(|| Options::default().role),
    };
    import_file(path, &options, templates.as_ref()).map_err(|p| vec![*p])
}

/// Spreadsheets named as packages for `jixiao score`: a reviewer's
/// worksheet after a forgotten `--reviews` (`--reviews 张三.xlsx
/// 李四.xlsx 材料/`). A mistake in the command, said before anything is
/// scored or written: as one failed unit it would leave a summary
/// counting the worksheet as a unit and every score final without that
/// reviewer.
pub(super) fn spreadsheets_named(files: &[(PathBuf, bool)]) -> Vec<Problem> {
    files
        .iter()
        .filter(|(path, from_dir)| {
            !from_dir && path.exists() && jixiao::files::spreadsheet_extension(path).is_some()
        })
        .map(|(path, _)| {
            Problem::plain(
                Code::IoBinary,
                format!(
                    "{} 是电子表格（评审表或汇总表），不是单位报送的材料：没有评分，也没有写出结果",
                    path.display()
                ),
            )
            .with_help("每份评审表前都要写 --reviews，如 jixiao score --reviews 张三.xlsx --reviews 李四.xlsx 材料/；也可以把评审表放进一个目录，写 --reviews 评审表目录/")
        })
        .collect()
}

/// A file named as a package that is one of the other documents of the
/// work (a review worksheet, an old Word or WPS file, a PDF): said in
/// those terms, rather than as a text file holding binary data.
fn not_a_package(path: &Path, for_review: bool) -> Option<Problem> {
    // A file that is not there is said to be missing, by the reader.
    if !path.exists() {
        return None;
    }
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    let (what, help) = match ext.as_str() {
        "xlsx" | "xls" | "et" if for_review => (
            "是电子表格（评审表或汇总表），不是单位报送的材料",
            "jixiao review 读的是单位的材料（.toml、.docx 或其文件夹），评审表是它生成的（--out），如 jixiao review --out 评审表.xlsx 材料/",
        ),
        "xlsx" | "xls" | "et" => (
            "是电子表格（评审表或汇总表），不是单位报送的材料",
            "评审表请用 --reviews 给出，如 jixiao score --reviews 评审表.xlsx 材料/",
        ),
        "doc" | "wps" => (
            "是旧版 Word 或 WPS 文件，只读得 .docx",
            "在 Word 或 WPS 中打开，“另存为” Word 文档（*.docx）后再评分",
        ),
        "pdf" => ("是 PDF 文件，读不出表格", "请单位报送 Word 文档（*.docx）"),
        _ => return None,
    };
    Some(Problem::plain(Code::IoBinary, format!("{} {what}", path.display())).with_help(help))
}

/// A Word package's imported text, its warnings not kept (they were said
/// when it was scored): for naming the unit of a package not scored.
pub(super) fn imported_text(path: &Path) -> Option<String> {
    let (received_on, _) = SCORE_OPTIONS.get().cloned().unwrap_or_default();
    import_docx(path, received_on).ok().map(|i| i.toml)
}

/// The received date is the only required value missing.
fn only_date_missing(imported: &Imported) -> bool {
    let missing: Vec<Code> = imported
        .warnings
        .iter()
        .filter(|w| w.level == Level::Missing)
        .map(|w| w.code)
        .collect();
    missing == [Code::ImportMissingReceivedOn]
}

/// The imported text, its warnings printed; an error when a required value
/// is missing.
fn complete(path: &Path, imported: Imported) -> Result<String, Vec<Problem>> {
    let warnings = report(path, &imported);
    if !warnings.is_empty() {
        INPUT_NOTES
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((path.to_path_buf(), warnings));
    }
    if !imported.is_complete() {
        let missing: Vec<&jixiao::import::Warning> = imported
            .warnings
            .iter()
            .filter(|w| w.level == Level::Missing)
            .collect();
        let said: Vec<&str> = missing.iter().map(|w| w.message.as_str()).collect();
        // The help is for what is missing: the received date has its own
        // ways in; anything else, the import's own advice.
        let help = match missing.as_slice() {
            [only] if only.code == Code::ImportMissingReceivedOn => {
                "Word 材料评分需要送达日期：加 --received-on 日期，或在评审表“单位”工作表中填写送达日期并用 --reviews 给出；也可先用 jixiao import 导出，补全后再评分".to_string()
            }
            _ => {
                let advice: Vec<&str> = missing.iter().filter_map(|w| w.help.as_deref()).collect();
                let mut help = advice.join("；");
                if !help.is_empty() {
                    help.push('；');
                }
                help.push_str("也可先用 jixiao import 导出，补全后再评分");
                help
            }
        };
        return Err(vec![
            Problem::plain(
                Code::ImportIncomplete,
                format!("{}：{}", path.display(), said.join("；")),
            )
            .with_help(help),
        ]);
    }
    Ok(imported.toml)
}
