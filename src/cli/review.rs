//! `jixiao review --out 评审表.xlsx INPUT...`: the review worksheet for a
//! round of packages. Every input is loaded and scored without judgments;
//! each criterion still pending for a unit becomes a row. An input that
//! cannot be loaded is reported and no worksheet is written: a worksheet
//! silently missing a unit would be found out only when its scores are due.

use super::output::emit;
use jixiao::RuleSet;
use jixiao::data::worksheet::MAX_WORKSHEET_BYTES;
use jixiao::data::{Submission, load_parsed, parse_submission};
use jixiao::diag::{Problem, render};
use jixiao::explain::{WorksheetUnit, pending_criteria, review_worksheet};
use jixiao::outcome::Outcome;
use jixiao::source::SourceFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One package, scored without judgments.
struct Loaded {
    /// As given on the command line.
    path: String,
    /// Its file name, for the worksheet.
    file: String,
    outcome: Outcome,
    rules: Arc<RuleSet>,
    received_on: Option<jixiao::data::Date>,
    /// The package file's fingerprint, for the 单位 sheet.
    fingerprint: String,
}

/// Write the worksheet; false when an input or the rules failed.
pub(super) fn run(rules_dir: Option<&Path>, out: &Path, inputs: &[PathBuf]) -> bool {
    // A worksheet of another name is a slip of the command line (status 2,
    // as `score -o` says it), said before anything is read.
    if !out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        super::usage::fail(&format!(
            "--out {}：评审表应写成 .xlsx 文件；请用 --out 评审表.xlsx",
            out.display()
        ));
    }
    let fixed = match rules_dir.map(jixiao::rules::from_dir).transpose() {
        Ok(r) => r.map(Arc::new),
        Err(problems) => {
            note!("{}", render(&problems));
            return false;
        }
    };
    let files = match super::inputs::expand_packages(inputs) {
        Ok(f) => f,
        Err(p) => {
            note!("{}", render(&[*p]));
            return false;
        }
    };
    super::import::note_unused_received_on(&files);
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    super::output::protect(&paths);
    if let Some(dir) = rules_dir {
        super::output::protect_folder(dir);
    }
    let mut by_year: HashMap<i64, Arc<RuleSet>> = HashMap::new();
    let mut loaded = Vec::new();
    let mut failed = 0;
    for (path, _) in &files {
        let result = load(path, fixed.as_ref(), &mut by_year);
        note!("{}", super::import::take_notes(path));
        match result {
            Ok(l) => loaded.push(l),
            Err(problems) => {
                note!("{}", render(&problems));
                noteln!("{}：{} 个问题", path.display(), problems.len());
                failed += 1;
            }
        }
    }
    if failed > 0 {
        noteln!("{failed} 份材料未能读取，未生成评审表：请改正或移出这些材料后再运行");
        return false;
    }
    if loaded.is_empty() {
        noteln!("没有找到材料（.toml 或 .docx），未生成评审表");
        return false;
    }
    // Judgments are matched to packages by unit and year: two packages of
    // one unit would each take every row of the other.
    let mut twice = false;
    for (i, l) in loaded.iter().enumerate() {
        if let Some(first) = loaded.iter().take(i).find(|f| {
            super::unit_key(&f.outcome.unit) == super::unit_key(&l.outcome.unit)
                && f.outcome.year == l.outcome.year
        }) {
            noteln!(
                "{} 和 {} 是同一单位“{}”（{} 年度）的两份材料：评审意见按单位和年度对应材料，请只保留一份",
                first.path,
                l.path,
                l.outcome.unit,
                l.outcome.year
            );
            twice = true;
        }
    }
    if twice {
        return false;
    }
    if let Some(why) = not_to_overwrite(out, &files) {
        noteln!("{why}");
        return false;
    }
    let units: Vec<WorksheetUnit<'_>> = loaded
        .iter()
        .map(|l| WorksheetUnit {
            file: l.file.clone(),
            outcome: &l.outcome,
            rules: &l.rules,
            received_on: l.received_on,
            fingerprint: l.fingerprint.clone(),
        })
        .collect();
    let rows: usize = loaded
        .iter()
        .map(|l| pending_criteria(&l.outcome).len())
        .sum();
    let bytes = match review_worksheet(&units) {
        Ok(b) => b,
        Err(e) => {
            noteln!("{e}");
            return false;
        }
    };
    if let Err(e) = emit(Some(out), bytes) {
        noteln!("{e}");
        return false;
    }
    noteln!(
        "已生成评审表 {}：{} 个单位，{rows} 项待评审",
        out.display(),
        loaded.len()
    );
    true
}

/// Why the worksheet must not be written at `out`: one of the packages, or a worksheet a reviewer has begun to fill (signed,
/// or with any tier, score or note written).
fn not_to_overwrite(out: &Path, inputs: &[(PathBuf, bool)]) -> Option<String> {
    let shown = out.display();
    let same = |p: &Path| match (p.canonicalize(), out.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if inputs.iter().any(|(p, _)| same(p)) {
        return Some(format!(
            "{shown} 是要评审的材料之一，不能用作评审表的文件名"
        ));
    }
    // A larger file than a worksheet can be is no worksheet of ours, and
    // not ours to replace.
    let size = std::fs::metadata(out).ok().filter(|m| m.is_file())?.len();
    if size > MAX_WORKSHEET_BYTES {
        return Some(format!(
            "{shown} 已存在且过大（{size} 字节），不是本程序写出的评审表，不覆盖：请换一个文件名"
        ));
    }
    not_ours(out, Ours::Worksheet)
}

/// What a command may write over: its own kind of workbook, untouched.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Ours {
    /// `review --out`: a worksheet as `review` wrote it, nothing judged.
    Worksheet,
    /// `score -o`: a summary `score --format xlsx` wrote.
    Summary,
}

/// Why the workbook at `out` must not be written over: a worksheet a
/// reviewer has filled (signed, or with judgments written), or a workbook
/// that is not the command's own untouched kind (a worksheet whose sheet
/// was renamed or header typed over may hold a reviewer's work; a master
/// worksheet holds the registry's received dates). `score -o` asks it too:
/// a summary written over a reviewer's worksheet would lose their work.
pub(super) fn not_ours(out: &Path, ours: Ours) -> Option<String> {
    let shown = out.display();
    // Only a regular file is read (a FIFO would block; writing refuses
    // it with its own message), and only up to a worksheet's limit.
    let size = std::fs::metadata(out).ok().filter(|m| m.is_file())?.len();
    use jixiao::data::worksheet;
    // A summary is told by its list of sheets alone: its cells (a
    // district's) are not read.
    if ours == Ours::Summary && std::fs::File::open(out).is_ok_and(worksheet::is_summary) {
        return None;
    }
    let what = match ours {
        Ours::Worksheet => "空白评审表",
        Ours::Summary => "汇总表",
    };
    let not_ours = || {
        format!(
            "{shown} 已存在，不是本程序写出的{what}（可能是改过工作表名或表头的评审表、填了送达日期的评审表，或其他工作簿），不覆盖：请换一个文件名，或先把它移走"
        )
    };
    if size > MAX_WORKSHEET_BYTES {
        // Larger than any worksheet (`review` refuses it on its own).
        return (ours == Ours::Summary).then(not_ours);
    }
    let bytes = std::fs::read(out).ok()?;
    let name = shown.to_string();
    let entries = worksheet::has_entries(&name, &bytes);
    let who = match worksheet::read_worksheet(&name, bytes.clone()) {
        Ok(sheet) => Some(format!("评审人{}", sheet.reviews.reviewer)),
        // Unsigned, but with judgments written: still a reviewer's work.
        Err(_) if entries => Some("评审人（尚未署名）".to_string()),
        Err(_) => None,
    };
    if let Some(who) = who {
        return Some(format!(
            "{shown} 已由{who}填写，不覆盖：请换一个文件名，或先把它移走"
        ));
    }
    let own = match ours {
        // Nothing judged (asked above), and its sheet as `review` made it.
        Ours::Worksheet => worksheet::has_review_header(&bytes),
        // Not a summary (asked above).
        Ours::Summary => false,
    };
    (!own).then(not_ours)
}

fn load(
    path: &Path,
    fixed: Option<&Arc<RuleSet>>,
    by_year: &mut HashMap<i64, Arc<RuleSet>>,
) -> Result<Loaded, Vec<Problem>> {
    let (text, date_known) = super::import::read_for_review(path)?;
    let source = SourceFile::new(path.display().to_string(), text);
    let parsed = parse_submission(&source)?;
    let rules = match fixed {
        Some(r) => Arc::clone(r),
        None => match by_year.get(&parsed.header.year) {
            Some(r) => Arc::clone(r),
            None => {
                let r = Arc::new(jixiao::rules::builtin(parsed.header.year)?);
                by_year.insert(parsed.header.year, Arc::clone(&r));
                r
            }
        },
    };
    let mut submission: Submission = load_parsed(source.clone(), &parsed, &rules.schema)?;
    // The worksheet asks for every judgment the rules need, whatever a
    // package's own `[review]` holds.
    submission.review.judgments.clear();
    let outcome = jixiao::score_for_review(&rules, &submission)?;
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // The file as it is on disk (a Word package's own bytes, not the text
    // imported from it, which the received date changes).
    let fingerprint = std::fs::read(path)
        .map(|bytes| jixiao::data::worksheet::package_fingerprint(&file, &bytes))
        .unwrap_or_default();
    Ok(Loaded {
        path: path.display().to_string(),
        file,
        outcome,
        rules,
        received_on: submission.received_on().filter(|_| date_known),
        fingerprint,
    })
}
