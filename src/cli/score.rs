//! `jixiao score`: load each input, choose its year's rules (compiled once
//! per year), score, render. Inputs are loaded, scored and rendered in
//! parallel on all cores; results keep the input order. A submission is
//! dropped as soon as its report (or summary row) is made, so memory grows
//! with the output only.

use super::output::{emit, emit_with};
use clap::ValueEnum;
use jixiao::RuleSet;
use jixiao::data::{ReviewBook, Submission};
use jixiao::diag::Code;
use jixiao::diag::{Problem, render};
use jixiao::explain::{Summary, SummaryBook, SummaryRow};
use jixiao::outcome::Outcome;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Output formats of `score`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// Explanations as annotated source snippets.
    Text,
    /// The JSON of the output contract.
    Json,
    /// A report for people, in Markdown.
    Markdown,
    /// A report for people, as one self-contained HTML file.
    Html,
    /// The summary table of all inputs.
    Csv,
    /// The summary table, findings and lost points as a workbook (needs -o).
    Xlsx,
}

impl ReportFormat {
    /// File extension of one report under `--out-dir`.
    fn extension(self) -> &'static str {
        match self {
            ReportFormat::Text => "txt",
            ReportFormat::Json => "json",
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
            ReportFormat::Csv => "csv",
            ReportFormat::Xlsx => "xlsx",
        }
    }

    fn is_summary(self) -> bool {
        matches!(self, ReportFormat::Csv | ReportFormat::Xlsx)
    }
}

/// The rules: one folder for every input, or each year's shipped rules,
/// compiled the first time an input of that year needs them.
enum Rules {
    Fixed(Arc<RuleSet>),
    ByYear(Mutex<HashMap<i64, Compiled>>),
}

/// One year's rules, compiled, or why they could not be.
type Compiled = Result<Arc<RuleSet>, Vec<Problem>>;

impl Rules {
    fn for_year(&self, year: i64) -> Result<Arc<RuleSet>, Vec<Problem>> {
        match self {
            Rules::Fixed(r) => Ok(Arc::clone(r)),
            Rules::ByYear(cache) => cache
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(year)
                .or_insert_with(|| jixiao::rules::builtin(year).map(Arc::new))
                .clone(),
        }
    }
}

/// What a worker makes of one input.
enum Piece {
    /// A rendered report: text, a JSON item, Markdown, an HTML article.
    /// Bytes, as they are written: the JSON serializer writes bytes, and
    /// making them a `String` again checked every byte of every report.
    Report(Vec<u8>),
    /// A row of the summary (CSV, XLSX).
    Row(Box<SummaryRow>),
    /// Written to its own file under `--out-dir`.
    Written,
}

/// Who a report is for.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Audience {
    /// The bureau's working paper: rule lines, values, data snippets.
    Bureau,
    /// The unit's notice (评分结果告知书): plain Chinese, one or two pages.
    Unit,
}

/// How every input is rendered.
struct Plan<'a> {
    format: ReportFormat,
    audience: Audience,
    /// Several inputs (or a folder): JSON items are indented for the array,
    /// HTML reports are articles of one document.
    as_array: bool,
    /// With `--out-dir`: each input's file.
    targets: Option<&'a [PathBuf]>,
    /// `--reviews`: the reviewers' judgments.
    book: Option<&'a ReviewBook>,
    /// Each scored input's unit and year, to find one unit's two packages
    /// (a Word file left beside its import) once the batch is done.
    units: Mutex<Vec<(PathBuf, String, i64)>>,
}

impl Plan<'_> {
    /// One unit's packages scored twice, in input order: what to say of each
    /// second one.
    fn same_unit_twice(&self, files: &[(PathBuf, bool)]) -> Vec<String> {
        let units = self
            .units
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Looked up by path: a district has thousands of inputs. (Hashed
        // the quick way: the keys are the run's own inputs, no attacker's.)
        type Fast<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
        let by_path: Fast<&Path, (&str, i64)> = units
            .iter()
            .map(|(p, unit, year)| (p.as_path(), (unit.as_str(), *year)))
            .collect();
        let mut first: Fast<(String, i64), &Path> = Fast::default();
        let mut said = Vec::new();
        for (path, _) in files {
            let Some(&(unit, year)) = by_path.get(path.as_path()) else {
                continue;
            };
            // Spaces typed into a name (full-width ones too) do not make
            // another unit.
            let key = (super::unit_key(unit), year);
            match first.get(&key) {
                Some(earlier) => said.push(format!(
                    "{} 和 {} 是同一单位“{unit}”（{year} 年度）的两份材料，都评了分：汇总会把这个单位排两次，告知书也会出两份；请只保留一份（改正 Word 材料后导入的，删去原来的 .docx 或移出目录）",
                    earlier.display(),
                    path.display()
                )),
                None => {
                    first.insert(key, path.as_path());
                }
            }
        }
        said
    }
}

/// Score and print; false when anything failed.
pub(super) fn run(
    rules_dir: Option<&Path>,
    format: ReportFormat,
    output: Option<&Path>,
    out_dir: Option<&Path>,
    reviews: &[PathBuf],
    audience: Audience,
    inputs: &[PathBuf],
) -> bool {
    usage_check(format, output, out_dir);
    audience_check(format, audience, out_dir, inputs);
    if output.is_some() || out_dir.is_some() {
        jixiao::diag::wrap_for_files();
    }
    if let Some(why) = output
        .filter(|o| {
            o.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        })
        .and_then(|o| super::review::not_ours(o, super::review::Ours::Summary))
    {
        noteln!("{why}");
        return false;
    }
    let book = if reviews.is_empty() {
        None
    } else {
        match ReviewBook::load(reviews) {
            Ok(book) => {
                noteln!("{}", book.summary());
                if book.is_empty() {
                    let named: Vec<String> =
                        reviews.iter().map(|p| p.display().to_string()).collect();
                    noteln!(
                        "提示：--reviews 给出的 {} 中没有评审表（.xlsx）或评审意见文件（.toml），需要评审的评分项都待评审",
                        named.join("、")
                    );
                }
                Some(book)
            }
            Err(problems) => {
                note!("{}", render(&problems));
                noteln!("评审意见有 {} 个问题，未评分", problems.len());
                say_nothing_written(out_dir);
                return false;
            }
        }
    };
    let rules = match rules_dir {
        Some(dir) => match jixiao::rules::from_dir(dir) {
            Ok(r) => Rules::Fixed(Arc::new(r)),
            Err(problems) => {
                note!("{}", render(&problems));
                return false;
            }
        },
        None => Rules::ByYear(Mutex::new(HashMap::new())),
    };
    let files = match super::inputs::expand_packages(inputs) {
        Ok(f) => f,
        Err(p) => {
            note!("{}", render(&[*p]));
            return false;
        }
    };
    let misnamed = super::import::spreadsheets_named(&files);
    if !misnamed.is_empty() {
        note!("{}", render(&misnamed));
        return false;
    }
    super::import::note_unused_received_on(&files);
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    super::output::protect(&paths);
    super::output::protect(reviews);
    if let Some(dir) = rules_dir {
        super::output::protect_folder(dir);
    }
    let as_array = files.len() != 1 || files.iter().any(|(_, from_dir)| *from_dir);
    let targets = match out_dir {
        Some(dir) => match out_files(dir, &files, format) {
            Ok(t) => Some(t),
            Err(e) => {
                noteln!("{e}");
                return false;
            }
        },
        None => None,
    };
    let plan = Plan {
        format,
        audience,
        as_array,
        targets: targets.as_deref(),
        book: book.as_ref(),
        units: Mutex::new(Vec::new()),
    };
    // Several reports (a JSON array, text, Markdown, one HTML document)
    // are written one by one as the units are scored, so memory stays flat
    // in the number of units. (With --reviews the worksheet's unmatched
    // rows are reported before the units' errors, which needs every unit
    // first; the summaries need every unit for their header and ranks.)
    // (Notices are written after the batch too: a unit's notice must not
    // carry the bureau's list of packages it could not score, and with no
    // notice to give nothing is written.)
    if as_array
        && !format.is_summary()
        && targets.is_none()
        && book.is_none()
        && audience != Audience::Unit
    {
        if let Some(ok) = stream_reports(&files, &rules, &plan, output) {
            warn_same_unit_twice(&plan, &files);
            return ok;
        }
    }
    // The summaries keep each unit's small row (XLSX writes its other
    // lines at once); with --reviews they wait for the batch as above.
    if format.is_summary() && book.is_none() {
        return summarize(&files, &rules, &plan, output);
    }
    let results = score_all(&files, &rules, &plan);

    let mut ok = true;
    // A unit whose package failed to load is not "missing": its own error
    // says why; rows for units not among the inputs are listed otherwise.
    // A unit refused only for its judgments (a score outside its band) was
    // read and matched: the other rows are still listed, so that a reviewer
    // sees every mistake in one run.
    let review_only = |problems: &Vec<Problem>| {
        problems.iter().all(|p| {
            p.code
                .code()
                .is_some_and(|c| c.as_str().starts_with("review::"))
        })
    };
    let all_loaded = results
        .iter()
        .all(|r| r.as_ref().err().is_none_or(review_only));
    if let Some(book) = book.as_ref().filter(|_| all_loaded) {
        let unmatched = book.unmatched();
        if !unmatched.is_empty() {
            note!("{}", render(&unmatched));
            ok = false;
        }
    }
    let mut reports = Vec::new();
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    let mut scored_any = false;
    for (i, ((path, _), result)) in files.iter().zip(results).enumerate() {
        note!("{}", super::import::take_notes(path));
        scored_any |= result.is_ok();
        match result {
            Ok(Piece::Report(r)) => reports.push(r),
            Ok(Piece::Row(row)) => rows.push(*row),
            Ok(Piece::Written) => {}
            Err(problems) => {
                ok = false;
                say_not_scored(path, &problems);
                let file = path.display().to_string();
                if let Some(target) = targets.as_ref().and_then(|t| t.get(i)) {
                    // A program reads the folder: the input's JSON says it
                    // failed this time, in place of any earlier report.
                    if format == ReportFormat::Json {
                        let failed = failure_json(path, &file, &problems);
                        if let Err(e) = super::output::emit(Some(target), format!("{failed}\n")) {
                            noteln!("{e}");
                        }
                    } else {
                        say_stale(target);
                    }
                }
                match format {
                    ReportFormat::Json if as_array => {
                        reports.push(indent(&failure_json(path, &file, &problems)).into_bytes())
                    }
                    // One input alone: its failure object is the output, as
                    // in an array, so that a program always reads a status.
                    ReportFormat::Json => {
                        let failed = failure_json(path, &file, &problems);
                        reports.push(format!("{failed}\n").into_bytes());
                    }
                    ReportFormat::Csv | ReportFormat::Xlsx => {
                        rows.push(failed_row(path, file, &problems));
                    }
                    _ => failures.push((file, problems)),
                }
            }
        }
    }
    if format.is_summary() {
        if same_unit_twice_in_summary(&plan, &files) {
            return false;
        }
        if !scored_any && output.is_some() {
            say_no_summary();
            return false;
        }
    } else {
        warn_same_unit_twice(&plan, &files);
    }
    if let Some(targets) = &targets {
        say_other_reports(targets);
        return ok;
    }
    // A notice goes to a unit: the bureau's list of packages it could not
    // score (reviewers' names, worksheet cells) is said on the screen only,
    // and with no notice to write, nothing is written.
    if audience == Audience::Unit {
        failures.clear();
        if reports.is_empty() {
            return false;
        }
    }
    if !as_array && reports.is_empty() && !format.is_summary() {
        return false;
    }
    let written = match format {
        ReportFormat::Text => {
            let rule = format!("{}\n\n", "═".repeat(60));
            let mut doc = join(reports, &rule, "", "");
            // A report written to a file keeps the reasons the screen
            // showed for the inputs it lacks.
            if output.is_some() && !failures.is_empty() {
                if !doc.is_empty() {
                    doc.extend_from_slice(rule.as_bytes());
                }
                doc.extend_from_slice(jixiao::explain::text_failures(&failures).as_bytes());
            }
            emit(output, doc)
        }
        ReportFormat::Json if as_array => {
            let body = if reports.is_empty() {
                b"[]\n".to_vec()
            } else {
                join(reports, ",\n", "[\n", "\n]\n")
            };
            emit(output, body)
        }
        ReportFormat::Json => emit(output, join(reports, "", "", "")),
        ReportFormat::Markdown => {
            let mut doc = join(reports, "\n---\n\n", "", "");
            if !failures.is_empty() {
                if !doc.is_empty() {
                    doc.extend_from_slice(b"\n---\n\n");
                }
                doc.extend_from_slice(jixiao::explain::markdown_failures(&failures).as_bytes());
            }
            emit(output, doc)
        }
        ReportFormat::Html if as_array => {
            let mut body = join(reports, "", "", "");
            if !failures.is_empty() {
                body.extend_from_slice(jixiao::explain::html_failures(&failures).as_bytes());
            }
            // Every piece was a `String`: the bytes are UTF-8.
            let body = String::from_utf8(body)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            let title = format!("绩效自评工作考核评分报告（{} 份材料）", files.len());
            emit(output, jixiao::explain::html_document(&title, &body))
        }
        ReportFormat::Html => emit(output, join(reports, "", "", "")),
        ReportFormat::Csv => emit(output, jixiao::explain::summary_csv(&Summary::new(rows))),
        ReportFormat::Xlsx => {
            jixiao::explain::summary_xlsx(rows).and_then(|bytes| emit(output, bytes))
        }
    };
    if let Err(e) = written {
        noteln!("{e}");
        return false;
    }
    ok
}

/// The notice is for people: text, Markdown or HTML; several notices in
/// HTML are separate documents, one per unit (`--out-dir`).
fn audience_check(
    format: ReportFormat,
    audience: Audience,
    out_dir: Option<&Path>,
    inputs: &[PathBuf],
) {
    if audience == Audience::Bureau {
        return;
    }
    let message = if !matches!(
        format,
        ReportFormat::Text | ReportFormat::Markdown | ReportFormat::Html
    ) {
        "--for unit（告知书）只有 text、markdown、html 三种格式"
    } else if format == ReportFormat::Html
        && out_dir.is_none()
        && (inputs.len() > 1 || inputs.iter().any(|i| i.is_dir()))
    {
        "多个单位的 HTML 告知书请用 --out-dir 目录，每个单位一份"
    } else {
        return;
    };
    usage_error(message);
}

/// An option combination the command line cannot express: said as clap
/// says its own usage errors, exit status 2.
fn usage_error(message: &str) -> ! {
    super::usage::fail(message)
}

/// Combinations the command line cannot express: exit 2, as clap does.
fn usage_check(format: ReportFormat, output: Option<&Path>, out_dir: Option<&Path>) {
    if let Some(output) = output {
        let word = match format {
            ReportFormat::Text => "text",
            ReportFormat::Json => "json",
            ReportFormat::Markdown => "markdown",
            ReportFormat::Html => "html",
            ReportFormat::Csv => "csv",
            ReportFormat::Xlsx => "xlsx",
        };
        super::usage::check_output_extension("-o", output, word);
    }
    let message = if format.is_summary() && out_dir.is_some() {
        "--format csv 和 --format xlsx 给出全部材料的一张汇总表，不能与 --out-dir 同用；请用 -o 文件"
    } else if format == ReportFormat::Xlsx && output.is_none() {
        "--format xlsx 需要用 -o 指定输出文件"
    } else {
        return;
    };
    usage_error(message);
}

/// Each input's report file under `dir`: its stem and the format's
/// extension, `-2`, `-3`… added when two inputs share a stem.
fn out_files(
    dir: &Path,
    files: &[(PathBuf, bool)],
    format: ReportFormat,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| {
        format!(
            "无法创建目录 {}：{}",
            dir.display(),
            jixiao::files::write_error_words(&e)
        )
    })?;
    let mut taken = HashSet::new();
    Ok(files
        .iter()
        .map(|(path, _)| {
            let stem = path
                .file_stem()
                .map_or_else(|| "report".into(), |s| s.to_string_lossy().into_owned());
            let mut name = format!("{stem}.{}", format.extension());
            let mut n = 1;
            while !taken.insert(name.clone()) {
                n += 1;
                name = format!("{stem}-{n}.{}", format.extension());
            }
            // Two inputs of one name (from two folders): which report is
            // whose is said, not left to guess.
            if n > 1 {
                noteln!(
                    "提示：{} 与前面的材料同名，它的报告写在 {}",
                    path.display(),
                    dir.join(&name).display()
                );
            }
            dir.join(name)
        })
        .collect())
}

/// Inputs a worker may run ahead of the last piece handed over.
const AHEAD: usize = 16;

/// Every input's piece, in input order, made on all cores.
fn score_all(
    files: &[(PathBuf, bool)],
    rules: &Rules,
    plan: &Plan<'_>,
) -> Vec<Result<Piece, Vec<Problem>>> {
    let mut out = Vec::with_capacity(files.len());
    score_each(files, rules, plan, |_, piece| out.push(piece));
    out
}

/// Each input's piece handed to `take` in input order, as soon as it and
/// every piece before it are made. Workers (one per core) take the next
/// input from a counter; a piece made early waits only for those before it.
/// A worker does not start an input more than `AHEAD` per worker past the
/// last piece handed over, so that a slow input (a huge package) does not
/// leave the pieces of all the others waiting in memory.
fn score_each(
    files: &[(PathBuf, bool)],
    rules: &Rules,
    plan: &Plan<'_>,
    mut take: impl FnMut(usize, Result<Piece, Vec<Problem>>),
) {
    let workers = std::env::var("JIXIAO_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
        .min(files.len())
        .max(1);
    let progress = progress_bar(files.len());
    let next = AtomicUsize::new(0);
    let handed = AtomicUsize::new(0);
    let ahead = AHEAD * workers;
    let (sender, made) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (next, handed, progress) = (&next, &handed, &progress);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((path, _)) = files.get(i) else {
                        break;
                    };
                    // The piece being waited for is being made by another
                    // worker, which is not held here: no deadlock.
                    while i >= handed.load(Ordering::Acquire).saturating_add(ahead) {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                    let target = plan.targets.and_then(|t| t.get(i)).map(PathBuf::as_path);
                    let piece = process(path, rules, plan, target);
                    progress.inc(1);
                    if sender.send((i, piece)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        // Should `take` fail by unwinding, the workers are let go on.
        struct Release<'a>(&'a AtomicUsize);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.store(usize::MAX, Ordering::Release);
            }
        }
        let _release = Release(&handed);
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, piece) in made {
            waiting.insert(i, piece);
            while let Some(piece) = waiting.remove(&due) {
                take(due, piece);
                due += 1;
                handed.store(due, Ordering::Release);
            }
        }
    });
    progress.finish_and_clear();
}

/// Several inputs' reports, each written as soon as it is made: the bytes
/// `run` prints after the batch (JSON items in an array, text and Markdown
/// reports between their separators, HTML articles in one document, the
/// inputs that failed where `run` puts them), and the same messages on
/// stderr. None when the output could not be opened: nothing was scored,
/// and the batch runs as for the summaries (its errors, then why the output
/// could not be written).
fn stream_reports(
    files: &[(PathBuf, bool)],
    rules: &Rules,
    plan: &Plan<'_>,
    output: Option<&Path>,
) -> Option<bool> {
    let format = plan.format;
    // Around the reports: before the first, between two, after the last,
    // and the whole output when there is none.
    let rule = format!("{}\n\n", "═".repeat(60));
    let html = jixiao::explain::html_document(
        &format!("绩效自评工作考核评分报告（{} 份材料）", files.len()),
        "\u{1}",
    );
    let (html_head, html_tail) = html.split_once('\u{1}').unwrap_or((&html, ""));
    let (first, between, last, none) = match format {
        ReportFormat::Json => ("[\n", ",\n", "\n]\n", "[]\n"),
        ReportFormat::Text => ("", rule.as_str(), "", ""),
        ReportFormat::Markdown => ("", "\n---\n\n", "", ""),
        _ => ("", "", "", ""),
    };
    let mut ok = true;
    let mut started = false;
    let written = emit_with(output, |w| {
        started = true;
        if matches!(format, ReportFormat::Html) {
            w.write_all(html_head.as_bytes())?;
        }
        let mut reports = 0usize;
        let mut failures = Vec::new();
        let mut failed = None;
        score_each(files, rules, plan, |i, result| {
            let Some((path, _)) = files.get(i) else {
                return;
            };
            note!("{}", super::import::take_notes(path));
            let report = match result {
                Ok(Piece::Report(r)) => r,
                Ok(_) => return,
                Err(problems) => {
                    ok = false;
                    say_not_scored(path, &problems);
                    let file = path.display().to_string();
                    if format != ReportFormat::Json {
                        failures.push((file, problems));
                        return;
                    }
                    indent(&failure_json(path, &file, &problems)).into_bytes()
                }
            };
            if failed.is_none() {
                let before = if reports == 0 { first } else { between };
                reports += 1;
                if let Err(e) = w
                    .write_all(before.as_bytes())
                    .and_then(|()| w.write_all(&report))
                {
                    failed = Some(e);
                }
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        match format {
            ReportFormat::Markdown if !failures.is_empty() => {
                if reports > 0 {
                    w.write_all(b"\n---\n\n")?;
                }
                w.write_all(jixiao::explain::markdown_failures(&failures).as_bytes())
            }
            ReportFormat::Text if output.is_some() && !failures.is_empty() => {
                if reports > 0 {
                    w.write_all(rule.as_bytes())?;
                }
                w.write_all(jixiao::explain::text_failures(&failures).as_bytes())
            }
            ReportFormat::Html => {
                if !failures.is_empty() {
                    w.write_all(jixiao::explain::html_failures(&failures).as_bytes())?;
                }
                w.write_all(html_tail.as_bytes())
            }
            _ if reports == 0 => w.write_all(none.as_bytes()),
            _ => w.write_all(last.as_bytes()),
        }
    });
    if !started {
        return None;
    }
    if let Err(e) = written {
        noteln!("{e}");
        return Some(false);
    }
    Some(ok)
}

/// The CSV or XLSX summary of every input, made as the units are scored:
/// the bytes and messages `run` gives after the batch, without holding
/// every unit's row whole. Nothing is written when the workbook fails.
fn summarize(
    files: &[(PathBuf, bool)],
    rules: &Rules,
    plan: &Plan<'_>,
    output: Option<&Path>,
) -> bool {
    let mut ok = true;
    let mut scored_any = false;
    let mut summary = Summary::default();
    let mut book = (plan.format == ReportFormat::Xlsx).then(SummaryBook::new);
    score_each(files, rules, plan, |i, result| {
        let Some((path, _)) = files.get(i) else {
            return;
        };
        note!("{}", super::import::take_notes(path));
        let row = match result {
            Ok(Piece::Row(row)) => {
                scored_any = true;
                *row
            }
            Ok(_) => return,
            Err(problems) => {
                ok = false;
                say_not_scored(path, &problems);
                failed_row(path, path.display().to_string(), &problems)
            }
        };
        match &mut book {
            Some(Ok(b)) => {
                if let Err(e) = b.push(row) {
                    book = Some(Err(e));
                }
            }
            Some(Err(_)) => {}
            None => {
                summary.push(row);
            }
        }
    });
    if same_unit_twice_in_summary(plan, files) {
        return false;
    }
    if !scored_any && output.is_some() {
        say_no_summary();
        return false;
    }
    let written = match (book, output) {
        // The workbook is zipped straight into the temporary file; should
        // making it fail, the file is dropped and its error said alone.
        (Some(b), Some(path)) => b.and_then(|b| {
            let mut failed = None;
            let written = super::output::emit_file_with(path, |file| {
                b.finish_into(file).map_err(|e| {
                    let io = std::io::Error::other(e.clone());
                    failed = Some(e);
                    io
                })
            });
            match failed {
                Some(e) => Err(e),
                None => written,
            }
        }),
        (Some(b), None) => b
            .and_then(SummaryBook::finish)
            .and_then(|bytes| emit(None, bytes)),
        (None, _) => emit_with(output, |w| jixiao::explain::write_summary_csv(w, &summary)),
    };
    if let Err(e) = written {
        noteln!("{e}");
        return false;
    }
    ok
}

/// On stderr: one unit's packages scored twice (the reports are each right
/// for their package, but two of one unit go out).
fn warn_same_unit_twice(plan: &Plan<'_>, files: &[(PathBuf, bool)]) {
    for why in plan.same_unit_twice(files) {
        noteln!("警告：{why}");
    }
}

/// No package could be scored (a mistyped folder, a worksheet that
/// refuses every unit): a summary file of failures alone would replace a
/// good one at the same path, so none is written (on the screen the
/// failures' rows are still shown).
fn say_no_summary() {
    noteln!("没有一份材料评分成功：汇总未写出（原有的汇总文件保持不变）");
}

/// A unit ranked twice is a wrong summary: said, and none is written.
fn same_unit_twice_in_summary(plan: &Plan<'_>, files: &[(PathBuf, bool)]) -> bool {
    let twice = plan.same_unit_twice(files);
    for why in &twice {
        noteln!("{why}");
    }
    if !twice.is_empty() {
        noteln!("汇总未写出：每个单位只能有一份材料");
    }
    !twice.is_empty()
}

/// With `--out-dir`, a file already at the place of the report of an input
/// that could not be scored this time (an earlier run's report, most
/// likely): said, so that an old notice is not sent as this run's. It is
/// left as it is: it may not be ours to delete.
fn say_stale(stale: &Path) {
    if std::fs::symlink_metadata(stale).is_ok() {
        noteln!(
            "警告：{} 不是本次写出的（这份材料本次未能评分），里面不是本次的结果：请勿使用或发出，按上面所说改正（材料或评审表）后重新评分即会重写",
            stale.display()
        );
    }
}

/// An input that could not be scored, as the JSON says it (alone, in an
/// array, or in its own file under `--out-dir`): the JSON's `format`, and
/// like a scored unit's object its `unit` and `year` when the package's
/// header can still be read (as the summary's row names them), so that a
/// program joins it to the unit as it joins the others.
fn failure_json(path: &Path, file: &str, problems: &[Problem]) -> String {
    let mut object = serde_json::Map::new();
    object.insert("format".into(), 1.into());
    if let Some(h) = readable_header(path) {
        object.insert("unit".into(), h.unit.into());
        object.insert("year".into(), h.year.into());
    }
    object.insert("file".into(), file.into());
    object.insert("status".into(), "failed".into());
    object.insert("errors".into(), jixiao::explain::problems_json(problems));
    pretty(&serde_json::Value::Object(object))
}

/// With `--out-dir`, reports of the same kind in the folder that this run
/// did not write (a package renamed since, `03-卫健局.toml` →
/// `03-卫健局-更正.toml`, leaves its old notice beside the new one): said,
/// so that an old notice is not sent as this run's. They are left as they
/// are: they may not be ours to delete.
fn say_other_reports(targets: &[PathBuf]) {
    let Some(dir) = targets.first().and_then(|t| t.parent()) else {
        return;
    };
    let Some(ext) = targets.first().and_then(|t| t.extension()) else {
        return;
    };
    let mut others: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension() == Some(ext) && !targets.iter().any(|t| t == p))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    if others.is_empty() {
        return;
    }
    others.sort();
    let count = others.len();
    let shown: Vec<String> = others.into_iter().take(5).collect();
    let more = if count > shown.len() {
        format!(" 等 {count} 个")
    } else {
        String::new()
    };
    noteln!(
        "警告：{} 中的 {}{more} 不是本次写出的（可能是上次评分留下的，或材料已改名）：请勿当作本次的结果发出",
        dir.display(),
        shown.join("、")
    );
}

/// With `--out-dir`, when nothing was scored: the files already in the
/// folder are not this run's.
fn say_nothing_written(out_dir: Option<&Path>) {
    let Some(dir) = out_dir else {
        return;
    };
    let count = std::fs::read_dir(dir).map_or(0, |entries| entries.flatten().count());
    if count > 0 {
        noteln!(
            "警告：本次没有写出任何报告；{} 中已有的 {count} 个文件都不是本次的结果",
            dir.display()
        );
    }
}

/// On stderr: why an input could not be scored.
fn say_not_scored(path: &Path, problems: &[Problem]) {
    note!("{}", render(problems));
    noteln!("{}：{} 个问题，未能评分", path.display(), problems.len());
}

/// A bar on stderr when it is a terminal and there is more than one input.
fn progress_bar(len: usize) -> indicatif::ProgressBar {
    if len < 2 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "评分 {bar:30.cyan/blue} {pos}/{len} 份 {elapsed}，剩余约 {eta}",
    ) {
        bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
    }
    bar
}

/// Load, score and render one input; write it when it has its own file.
fn process(
    path: &Path,
    rules: &Rules,
    plan: &Plan<'_>,
    target: Option<&Path>,
) -> Result<Piece, Vec<Problem>> {
    let (outcome, set, submission) = score_one(path, rules, plan.book, plan.format)?;
    plan.units
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push((path.to_path_buf(), outcome.unit.clone(), outcome.year));
    let set = &*set;
    // Reviewers far apart: said on the screen too, not only deep in the
    // report, so that the coordinator has them reviewed before anything
    // goes out.
    for f in outcome
        .findings
        .iter()
        .filter(|f| f.id == jixiao::outcome::REVIEWERS_DISAGREE)
    {
        super::import::keep_note(
            path,
            format!("警告：单位“{}”的{}\n", outcome.unit, f.message),
        );
    }
    let item = plan.as_array && target.is_none();
    let rendered = match plan.format {
        ReportFormat::Csv | ReportFormat::Xlsx => {
            // The CSV shows no finding nor lost point: its row resolves
            // none of their places.
            let file = path.display().to_string();
            return Ok(Piece::Row(Box::new(if plan.format == ReportFormat::Csv {
                SummaryRow::totals(file, &outcome, &submission)
            } else {
                SummaryRow::scored(file, &outcome, set, &submission)
            })));
        }
        _ if plan.audience == Audience::Unit => {
            if outcome.score.is_none() {
                // A notice with criteria still to judge is a step, not the
                // result: said where the person sending it will see it
                // (with the input's other notes, in input order).
                super::import::keep_note(
                    path,
                    format!(
                        "提示：{} 尚有评分项待评审，告知书只写明已评定的部分和待评审的评分项；评审后请用 --reviews 重新出具\n",
                        path.display()
                    ),
                );
            }
            let report = jixiao::explain::Report::new(&outcome, set, &submission);
            match plan.format {
                ReportFormat::Markdown => jixiao::explain::notice_markdown(&report),
                ReportFormat::Html => jixiao::explain::notice_html(&report),
                _ => jixiao::explain::notice_text(&report),
            }
            .into_bytes()
        }
        ReportFormat::Text => jixiao::explain::render_text(&outcome, set, &submission).into_bytes(),
        ReportFormat::Json => {
            // Written as the array's item (indented one level, no final
            // newline) or as the whole output (a final newline).
            let mut out = Vec::with_capacity(64 * 1024);
            if item {
                out.extend_from_slice(b"  ");
            }
            jixiao::explain::append_outcome_json(
                &mut out,
                &outcome,
                set,
                &submission,
                usize::from(item),
            );
            if !item {
                out.push(b'\n');
            }
            out
        }
        ReportFormat::Markdown => {
            jixiao::explain::render_markdown(&outcome, set, &submission).into_bytes()
        }
        ReportFormat::Html if item => {
            jixiao::explain::html_unit(&outcome, set, &submission).into_bytes()
        }
        ReportFormat::Html => jixiao::explain::render_html(&outcome, set, &submission).into_bytes(),
    };
    drop(submission);
    match target {
        Some(file) => emit(Some(file), rendered)
            .map(|()| Piece::Written)
            .map_err(|e| vec![Problem::plain(Code::IoWrite, e)]),
        None => Ok(Piece::Report(rendered)),
    }
}

/// The pieces joined, consumed as they are copied: the peak is the output
/// once, not twice.
fn join(pieces: Vec<Vec<u8>>, separator: &str, prefix: &str, suffix: &str) -> Vec<u8> {
    let size = pieces.iter().map(Vec::len).sum::<usize>()
        + separator.len() * pieces.len().saturating_sub(1)
        + prefix.len()
        + suffix.len();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(prefix.as_bytes());
    for (i, piece) in pieces.into_iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(separator.as_bytes());
        }
        out.extend_from_slice(&piece);
    }
    out.extend_from_slice(suffix.as_bytes());
    out
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// A pretty JSON value as an item of a pretty array: two more spaces on
/// every line (JSON strings hold no raw line breaks), no final newline.
fn indent(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 8);
    for (i, line) in json.trim_end().split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("  ");
        out.push_str(line);
    }
    out
}

/// The summary row of an input not scored, with its unit and year when
/// the package's header can still be read (a reviewer's mistake leaves
/// the package itself sound).
fn failed_row(path: &Path, file: String, problems: &[Problem]) -> SummaryRow {
    let row = SummaryRow::failed(file, problems);
    match readable_header(path) {
        Some(h) => row.of_unit(h.unit, h.year),
        None => row,
    }
}

/// The unit and year of an input not scored, when its header can still be
/// read.
fn readable_header(path: &Path) -> Option<jixiao::data::Header> {
    let text = match super::import::is_docx(path) {
        true => super::import::imported_text(path),
        false => jixiao::files::read_text(path).ok().map(|t| t.to_string()),
    };
    text.and_then(|text| {
        jixiao::data::read_header(&jixiao::source::SourceFile::new(
            path.display().to_string(),
            text,
        ))
        .ok()
    })
}

/// A `.toml` package's own received date wins over the worksheet's; a
/// disagreement is said.
fn warn_received(book: &ReviewBook, submission: &Submission) {
    let Some(own) = submission.received_on() else {
        return;
    };
    let word = super::import::is_docx(Path::new(&submission.source.name));
    for r in book.received_for(&submission.unit, submission.year) {
        if r.date != own {
            let ours = if word {
                format!("--received-on 给出的是 {own}")
            } else {
                format!("材料 {} 中为 {own}", submission.source.name)
            };
            let wins = if word {
                "以 --received-on 为准"
            } else {
                "以材料为准"
            };
            noteln!(
                "警告：单位“{}”的送达日期，{ours}，{} 为 {}；{wins}",
                submission.unit,
                r.at,
                r.date
            );
        }
    }
}

/// A package that changed after a worksheet whose judgments it takes was
/// made from it (the fingerprint on the worksheet's 单位 sheet differs from
/// the file's): the reviewers read another version, and their notes may be
/// about what was since corrected. Said to the bureau, and the summary
/// asks for a recheck; the judgments still count. The worksheet's cell of
/// the fingerprint, if so. The package's `[review]` tables are no part of
/// the fingerprint (`package_fingerprint`).
fn changed_since(book: &ReviewBook, path: &Path, submission: &Submission) -> Option<String> {
    // Only a worksheet made from a file of this name is compared: one made
    // from the Word package says nothing of the TOML imported from it.
    let file = path.file_name()?.to_string_lossy().into_owned();
    let made_from: Vec<_> = book
        .fingerprints_for(&submission.unit, submission.year)
        .into_iter()
        .filter(|f| f.file == file)
        .collect();
    if made_from.is_empty() {
        return None;
    }
    let now = std::fs::read(path)
        .map(|bytes| jixiao::data::worksheet::package_fingerprint(&file, &bytes))
        .ok()?;
    let changed: Vec<&str> = made_from
        .iter()
        .filter(|f| f.digest != now)
        .map(|f| f.at.as_str())
        .collect();
    let first = changed.first()?;
    super::import::keep_note(
        path,
        format!(
            "警告：{} 在生成评审表之后有改动（{} 记下的材料校验码与现在的材料不同）：评审意见是对改动前的材料作出的，请评审人核对仍然适用后再发告知书；汇总表“复核”一栏已标出\n",
            path.display(),
            changed.join("、")
        ),
    );
    Some((*first).to_string())
}

fn score_one(
    path: &Path,
    rules: &Rules,
    book: Option<&ReviewBook>,
    format: ReportFormat,
) -> Result<(Outcome, Arc<RuleSet>, Submission), Vec<Problem>> {
    let text = super::import::read_input(path, book)?;
    let source = super::inputs::submission_source(path, text)?;
    // The TOML is parsed once: its header chooses the year's rules (unless
    // --rules fixed them), then the same document is loaded.
    let parsed = jixiao::data::parse_submission(&source)?;
    let set = match rules {
        Rules::Fixed(set) => {
            // Deliberate (a new year's rules tried on last year's packages)
            // or a slip: either way the deadline and other parameters are
            // the rules' year's, which is worth a line.
            if set.year != parsed.header.year {
                noteln!(
                    "提示：{} 是 {} 年度的材料，按 --rules 给出的 {} 年度规则（{}）评分；截止日期等参数按 {} 年度计",
                    source.name,
                    parsed.header.year,
                    set.year,
                    set.title,
                    set.year
                );
            }
            Arc::clone(set)
        }
        Rules::ByYear(_) => rules.for_year(parsed.header.year)?,
    };
    let mut submission = jixiao::data::load_parsed(source.clone(), &parsed, &set.schema)?;
    // A year's package arrives after that year ends: a received date within
    // the year itself is most likely its year mistyped (2022-06-14 for
    // 2023-06-14), which would make a late package timely. Said to the
    // bureau, whose registry the date is, not to the unit.
    // Two years and more after it (2033 typed for 2023) would cost the
    // unit every point for lateness: the same slip, the other way.
    if let Some(on) = submission.received_on() {
        let received = i64::from(on.parts().0);
        let year = parsed.header.year;
        let why = if received <= year {
            Some(format!(
                "在 {year} 年度结束之前，而自评材料在年度结束后报送"
            ))
        } else if received > year + 2 {
            Some(format!("在 {year} 年度材料报送的一年多以后"))
        } else {
            None
        };
        if let Some(why) = why {
            super::import::keep_note(
                path,
                format!(
                    "警告：{} 的送达日期 {on} {why}：请核对送达日期的年份（是否迟报按这个日期计算）\n",
                    path.display(),
                ),
            );
        }
    }
    let mut unread_rows = Vec::new();
    if let Some(book) = book {
        let header = &parsed.header;
        // The package's own `[review]` counts as one more reviewer (the
        // spec's rule); with worksheets given, that is easily missed.
        let own = submission.review.judgments.len();
        if own > 0 {
            super::import::keep_note(
                path,
                format!(
                    "提示：{} 自带 [review]（评审人 {}，{own} 项评分），与评审表的评分一并计入\n",
                    path.display(),
                    submission.review.reviewer.as_deref().unwrap_or("未署名")
                ),
            );
        }
        let file = path
            .file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
        let (judgments, unread) =
            book.judgments_for(&header.unit, header.year, &set.title, &file)?;
        unread_rows = unread;
        // A package that came after the worksheets were made (or was left
        // out of them): nobody judged it, which the summary alone hides.
        if judgments.is_empty() && own == 0 && !book.is_empty() {
            let listing = book.listing(&header.unit, header.year);
            let made_for = book.made_for_without_rows(&header.unit, header.year);
            let renamed = book.rows_of_file_under_another_name(&file, &header.unit, header.year);
            let note = if let (true, Some((sheet, before))) = (listing.is_empty(), renamed) {
                // Its rows are there under the name it had: said as such
                // (the error above names both), not as a unit never judged.
                format!(
                    "提示：{sheet} 中 {} 的行写的单位名称是“{before}”，与材料中的“{}”不同，这些评分没有计入；它需要评审的评分项待评审\n",
                    path.display(),
                    header.unit
                )
            } else if listing.is_empty() && !made_for.is_empty() {
                // The worksheet was made for it: its rows were deleted, and
                // a new worksheet is not what is missing.
                format!(
                    "提示：{} 的“单位”工作表列有单位“{}”（{}），“评审”工作表中却没有它的行，它需要评审的评分项待评审；行被删去的，请从原表复制恢复后重新评分\n",
                    made_for.join("、"),
                    header.unit,
                    path.display()
                )
            } else if listing.is_empty() {
                format!(
                    "提示：评审意见中没有单位“{}”（{}）的评分，它需要评审的评分项待评审；请为它生成评审表（jixiao review）\n",
                    header.unit,
                    path.display()
                )
            } else {
                // Its rows are there, left blank: the reviewers are asked,
                // not a new worksheet.
                format!(
                    "提示：{} 中列有单位“{}”（{}），但它的各行都没有填写评分，它需要评审的评分项待评审；请评审人填写这些行后重新评分\n",
                    listing.join("、"),
                    header.unit,
                    path.display()
                )
            };
            super::import::keep_note(path, note);
        }
        let judged = !judgments.is_empty();
        submission.review.judgments.extend(judgments);
        warn_received(book, &submission);
        if judged {
            submission.review.changed_since = changed_since(book, path, &submission);
        }
    }
    // A summary table shows no hint, and the CSV no finding's words: they
    // are not worked out for one.
    let outcome = match format {
        ReportFormat::Csv => jixiao::score_for_totals(&set, &submission),
        ReportFormat::Xlsx => jixiao::score_for_summary(&set, &submission),
        _ => jixiao::score(&set, &submission),
    };
    // Rows that could not be read stop the unit, said with whatever else
    // the readable judgments show (a missing note, a score out of its band).
    let outcome = match (outcome, unread_rows.is_empty()) {
        (Ok(o), true) => o,
        (Ok(_), false) => return Err(unread_rows),
        (Err(p), _) => return Err(unread_rows.into_iter().chain(p).collect()),
    };
    if let Some(book) = book {
        let needed: Vec<(&str, &str)> = outcome
            .criteria()
            .into_iter()
            .filter(|n| {
                matches!(
                    n.basis,
                    jixiao::outcome::Basis::Judged | jixiao::outcome::Basis::Pending
                )
            })
            .map(|n| (n.id.as_str(), n.title.as_str()))
            .collect();
        for note in book.missing_rows(&submission.unit, parsed.header.year, &needed) {
            super::import::keep_note(path, format!("{note}\n"));
        }
    }
    Ok((outcome, set, submission))
}
