//! Every review given to `jixiao score --reviews`: worksheets and review
//! files, matched to the packages by unit name and year. A row naming a
//! unit that is not among the inputs is an error, listed once all inputs
//! are scored.

use super::review_file::{Fingerprint, Received, ReviewedUnit, Reviews, load_review_file};
use super::worksheet::{MAX_WORKSHEET_BYTES, read_worksheet};
use super::{Date, Judgment};
use crate::diag::Code;
use crate::diag::Problem;
use crate::source::SourceFile;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// One file of reviews, and the sheet's title it was made for (worksheets).
struct Source {
    reviews: Reviews,
    rules: Option<String>,
}

/// All reviews of a run.
pub struct ReviewBook {
    sources: Vec<Source>,
    /// `(unit, year)` of every package scored, to find rows for none.
    seen: Mutex<HashSet<(String, i64)>>,
    /// `(file name, unit, year)` of every package scored: a row naming no
    /// unit scored, but one of these files (材料文件), belongs to its unit.
    files: Mutex<Vec<(String, String, i64)>>,
}

impl ReviewBook {
    /// Read every file (`.xlsx`, `.toml`; a folder gives its files in name
    /// order). A file that cannot be read at all stops the run: scoring
    /// without one reviewer's judgments would look complete and is not.
    pub fn load(paths: &[PathBuf]) -> Result<ReviewBook, Vec<Problem>> {
        let mut files = Vec::new();
        let mut nested: Vec<PathBuf> = Vec::new();
        for path in paths {
            if path.is_dir() {
                let entries = std::fs::read_dir(path).map_err(|e| {
                    vec![Problem::plain(
                        Code::ReviewRead,
                        format!(
                            "无法读取目录 {}：{}",
                            path.display(),
                            crate::files::io_error_words(&e)
                        ),
                    )]
                })?;
                let mut found: Vec<PathBuf> = Vec::new();
                for p in entries.flatten().map(|e| e.path()) {
                    if p.is_dir() {
                        // A reviewer's sheet saved into a folder of its own
                        // would otherwise be left out, and the scores made
                        // final without them.
                        if holds_reviews(&p) {
                            nested.push(p);
                        }
                    } else if is_review_like(&p) {
                        found.push(p);
                    }
                }
                found.sort();
                files.extend(found);
            } else {
                files.push(path.clone());
            }
        }
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        nested.sort();
        for dir in &nested {
            problems.push(
                Problem::plain(
                    Code::ReviewRead,
                    format!(
                        "评审意见目录中的子目录 {} 里有评审表或评审文件，没有读取",
                        dir.display()
                    ),
                )
                .with_help(format!(
                    "把其中的评审表移到上一级目录中，或另写一个 --reviews {} 单独给出；否则分数会在少了这位评审人的情况下定下来",
                    dir.display()
                )),
            );
        }
        // The same file named twice (twice with --reviews, or alone and in
        // its folder) is said as that, not as one reviewer in two files.
        let mut read: Vec<(PathBuf, &PathBuf)> = Vec::new();
        for file in &files {
            let canonical = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
            if let Some((_, first)) = read.iter().find(|(c, _)| *c == canonical) {
                let named = if *first == file {
                    format!("{}", file.display())
                } else {
                    format!("{}（即 {}）", file.display(), first.display())
                };
                problems.push(
                    Problem::plain(
                        Code::ReviewSameReviewer,
                        format!("同一份评审意见给了两次：{named}"),
                    )
                    .with_help("每份评审意见只给一次：去掉重复的 --reviews，或不再单独列出文件夹中已有的文件"),
                );
                continue;
            }
            read.push((canonical, file));
            match load_one(file) {
                Ok(s) => sources.push(s),
                Err(p) => problems.extend(p),
            }
        }
        // One reviewer may send a second sheet for other units (a late
        // one, 补评); the same unit in two of their sheets is a mix-up (a
        // copy passed on unsigned, a file given twice, two people of one
        // name), said once per unit.
        for (i, s) in sources.iter().enumerate() {
            for first in sources
                .iter()
                .take(i)
                .filter(|f| f.reviews.reviewer == s.reviews.reviewer)
            {
                for (a, b) in shared_units(&first.reviews, &s.reviews) {
                    problems.push(
                        Problem::plain(
                            Code::ReviewSameReviewer,
                            format!(
                                "评审人“{}”的两份评审意见都评了“{}”（{} 年度）：{} 和 {}",
                                s.reviews.reviewer, a.unit, a.year, a.at, b.at
                            ),
                        )
                        .with_help("同一单位只在一份评审表中评审：删去其中一份里这个单位的评分（补评的评审表只填尚未评审的单位）；若是同名的两位评审人，请在姓名后加以区别，如“张三（财政局）”"),
                    );
                }
            }
        }
        if problems.is_empty() {
            Ok(ReviewBook {
                sources,
                seen: Mutex::new(HashSet::new()),
                files: Mutex::new(Vec::new()),
            })
        } else {
            Err(problems)
        }
    }

    /// Every judgment of a unit, in file order, with the problems of its
    /// rows that could not be read (the unit is not scored, but the others
    /// are judged too, so that every sheet goes back to its reviewer once);
    /// an error for a worksheet made for another sheet.
    /// `file`: the package's file name, as the worksheet's 材料文件 gives it.
    pub fn judgments_for(
        &self,
        unit: &str,
        year: i64,
        rules_title: &str,
        file: &str,
    ) -> Result<(Vec<Judgment>, Vec<Problem>), Vec<Problem>> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((unit.to_string(), year));
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((file.to_string(), unit.to_string(), year));
        let mut judgments = Vec::new();
        let mut problems = Vec::new();
        let mut unread = Vec::new();
        for source in &self.sources {
            for block in source
                .reviews
                .units
                .iter()
                .filter(|u| u.unit == unit && u.year == year)
            {
                // Spaces typed into or out of the title are no other rules.
                let bare = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
                if let Some(made_for) = source
                    .rules
                    .as_deref()
                    .filter(|r| bare(r) != bare(rules_title))
                {
                    problems.push(
                        Problem::plain(
                            Code::ReviewOtherRules,
                            format!(
                                "{}：这份评审表是按《{made_for}》生成的，而单位“{unit}”按《{rules_title}》评分",
                                source.reviews.file
                            ),
                        )
                        .with_help("用本年度的规则重新生成评审表（jixiao review），再把评审意见填入"),
                    );
                    continue;
                }
                unread.extend(block.problems.iter().cloned());
                judgments.extend(block.judgments.iter().cloned());
            }
        }
        if problems.is_empty() {
            Ok((judgments, unread))
        } else {
            Err(problems)
        }
    }

    /// The fingerprints of a unit's package as the worksheets were made
    /// from it (their 单位 sheets), one per worksheet that has one.
    pub fn fingerprints_for(&self, unit: &str, year: i64) -> Vec<&Fingerprint> {
        self.sources
            .iter()
            .flat_map(|s| s.reviews.fingerprints.iter())
            .filter(|f| f.unit == unit && f.year == year)
            .collect()
    }

    /// The received dates written for a unit (a worksheet's 单位 sheet).
    pub fn received_for(&self, unit: &str, year: i64) -> Vec<&Received> {
        self.sources
            .iter()
            .flat_map(|s| s.reviews.received.iter())
            .filter(|r| r.unit == unit && r.year == year)
            .collect()
    }

    /// The worksheet cell where a unit's received date is to be written
    /// and is not (`评审表.xlsx 单位!D5`), if one is.
    pub fn blank_date_cell(&self, unit: &str, year: i64) -> Option<&str> {
        self.sources
            .iter()
            .flat_map(|s| &s.reviews.blank_dates)
            .find(|(u, y, _)| u == unit && *y == year)
            .map(|(_, _, at)| at.as_str())
    }

    /// The one received date of a unit; several different ones are an error.
    /// Asked for a unit among the inputs: its rows are not "a unit not
    /// among the inputs" when the dates stop it from being scored.
    pub fn received_date(&self, unit: &str, year: i64) -> Result<Option<Date>, Box<Problem>> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((unit.to_string(), year));
        // A date written for it that could not be read: said, not taken
        // for no date at all.
        if let Some((_, _, problem)) = self
            .sources
            .iter()
            .flat_map(|s| &s.reviews.unread_dates)
            .find(|(u, y, _)| u == unit && *y == year)
        {
            return Err(Box::new(problem.clone()));
        }
        let dates = self.received_for(unit, year);
        let Some(first) = dates.first() else {
            return Ok(None);
        };
        match dates.iter().find(|r| r.date != first.date) {
            None => Ok(Some(first.date)),
            Some(other) => Err(Box::new(
                Problem::plain(
                    Code::ReviewReceivedConflict,
                    format!(
                        "单位“{unit}”的送达日期不一致：{} 写的是 {}，{} 写的是 {}",
                        first.at, first.date, other.at, other.date
                    ),
                )
                .with_help("各份评审表“单位”工作表中的送达日期应相同；请核对登记簿后改正"),
            )),
        }
    }

    /// Rows naming a unit that was not among the inputs (reviews.md: an
    /// error). Units the worksheet was made for (its 单位 sheet lists them
    /// under the same name) are said together, once per worksheet: the
    /// usual cause is a notice re-issued for one unit of the district.
    pub fn unmatched(&self) -> Vec<Problem> {
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        let seen_years: std::collections::BTreeSet<i64> = seen.iter().map(|(_, y)| *y).collect();
        let mut problems = Vec::new();
        for source in &self.sources {
            let on_unit_sheet = unit_sheet_units(&source.reviews);
            // The rows' package (材料文件) is scored under another name: the
            // package's unit was renamed after the worksheet was made. Said
            // once per unit, with both names.
            let renamed_to = |b: &ReviewedUnit| -> Option<(String, String)> {
                let file = b.file.as_ref()?;
                files
                    .iter()
                    .find(|(f, u, y)| f == file && *y == b.year && *u != b.unit)
                    .map(|(f, u, _)| (f.clone(), u.clone()))
            };
            for b in source
                .reviews
                .units
                .iter()
                .filter(|b| !seen.contains(&(b.unit.clone(), b.year)))
            {
                let Some((file, now)) = renamed_to(b) else {
                    continue;
                };
                // Only when the whole block names that file: a single row
                // typed over is said below, at its row.
                let rows = source
                    .reviews
                    .rows
                    .get(&(b.unit.clone(), b.year))
                    .map_or(0, Vec::len);
                if rows < 2 {
                    continue;
                }
                problems.push(
                    Problem::plain(
                        Code::ReviewUnknownUnit,
                        format!(
                            "{}：评审表中单位“{}”的各行（材料文件 {file}）对应本次评分的材料 {file}，而这份材料中的单位名称是“{now}”：评审表生成之后，材料中的单位名称改过，这些评分没有计入",
                            b.at, b.unit
                        ),
                    )
                    .with_help(format!(
                        "以材料为准的，把评审表中这个单位各行的单位名称（及“单位”工作表中的名称）改为“{now}”；材料改错了的，把材料中的单位名称改回“{}”",
                        b.unit
                    )),
                );
            }
            let (listed, unmatched): (Vec<_>, Vec<_>) = source
                .reviews
                .units
                .iter()
                .filter(|b| !seen.contains(&(b.unit.clone(), b.year)))
                .filter(|b| {
                    renamed_to(b).is_none()
                        || source
                            .reviews
                            .rows
                            .get(&(b.unit.clone(), b.year))
                            .map_or(0, Vec::len)
                            < 2
                })
                .partition(|b| {
                    seen_years.contains(&b.year)
                        && on_unit_sheet.contains(&(b.unit.as_str(), b.year))
                });
            if !listed.is_empty() {
                let names: Vec<String> = listed
                    .iter()
                    .map(|b| {
                        let cell =
                            b.at.strip_prefix(&format!("{} ", source.reviews.file))
                                .unwrap_or(&b.at);
                        format!("“{}”（{cell} 起）", b.unit)
                    })
                    .collect();
                problems.push(
                    Problem::plain(
                        Code::ReviewUnknownUnit,
                        format!(
                            "{}：评审的 {} 个单位不在本次评分的材料之中：{}",
                            source.reviews.file,
                            listed.len(),
                            names.join("、")
                        ),
                    )
                    .with_help("这份评审表是为更多单位生成的。只为其中几个单位重新出具告知书时，列入的单位照常评分、照常写出，这条错误可以不管；要没有错误，给出评审表中全部单位的材料（如 材料/ 目录），用 --out-dir 每个单位写一份"),
                );
            }
            // A worksheet of another year (last year's, kept by mistake):
            // said once for the file, not once per row.
            let years: std::collections::BTreeSet<i64> = unmatched.iter().map(|b| b.year).collect();
            let some_matched = unmatched.len() < source.reviews.units.len();
            // One unit's rows alike: another year's worksheet when the
            // rules it was made by (评分表, its title) name that year, else
            // a year typed over, said at its cell below.
            let made_for_that_year = source
                .rules
                .as_deref()
                .is_some_and(|title| years.iter().all(|y| title.contains(&y.to_string())));
            if !seen_years.is_empty()
                && !some_matched
                && (unmatched.len() > 1 || (unmatched.len() == 1 && made_for_that_year))
                && years.iter().all(|y| !seen_years.contains(y))
            {
                let join = |ys: &std::collections::BTreeSet<i64>| {
                    ys.iter().map(i64::to_string).collect::<Vec<_>>().join("、")
                };
                problems.push(
                    Problem::plain(
                        Code::ReviewUnknownUnit,
                        format!(
                            "{}：这份评审意见评的是 {} 年度的材料（{} 个单位），本次评分的材料是 {} 年度",
                            source.reviews.file,
                            join(&years),
                            unmatched.len(),
                            join(&seen_years)
                        ),
                    )
                    .with_help("换用本年度的评审表；或把那一年度的材料一并列入评分"),
                );
                continue;
            }
            // How many judgments this file gives each unit it names: a
            // name slipped in a row or two of a unit's block is a slip; a
            // whole block under a near name (外事工作办公室 beside
            // 金融工作办公室) is another unit's.
            let mut rows_here: std::collections::HashMap<(&str, i64), usize> =
                std::collections::HashMap::new();
            for b in &source.reviews.units {
                *rows_here.entry((b.unit.as_str(), b.year)).or_default() += b.judgments.len();
            }
            problems.extend(unmatched.into_iter().map(|block| {
                // The unit is among the inputs under another year: the
                // year was typed over, said at its cell.
                // (The earliest such year, whatever order the set keeps.)
                let scored_year = seen
                    .iter()
                    .filter(|(u, _)| *u == block.unit)
                    .map(|(_, y)| *y)
                    .min();
                if let Some(scored) = scored_year {
                    return Problem::plain(
                        Code::ReviewUnknownUnit,
                        format!(
                            "{}：单位“{}”的年度写的是 {}，本次评分的这个单位的材料是 {scored} 年度：这一行的评分没有计入它的得分",
                            block.year_at.as_deref().unwrap_or(&block.at),
                            block.unit,
                            block.year
                        ),
                    )
                    .with_help(format!(
                        "把评审表中的年度改回 {scored} 后重新评分；单位、年度、编号三列请勿改动"
                    ));
                }
                let problem = Problem::plain(
                    Code::ReviewUnknownUnit,
                    format!(
                        "{}：评审的单位“{}”（{} 年度）不在本次评分的材料之中",
                        block.at, block.unit, block.year
                    ),
                );
                // A slip in the name (档案舘 for 档案馆): the unit it was
                // meant for is scored without this row, which the summary
                // cannot show. Said as a possibility: 民政局 and 财政局 are
                // one character apart too.
                let own_rows = rows_here
                    .get(&(block.unit.as_str(), block.year))
                    .copied()
                    .unwrap_or(0);
                let candidates = seen
                    .iter()
                    .filter(|(u, y)| {
                        *y == block.year
                            && rows_here
                                .get(&(u.as_str(), *y))
                                .is_none_or(|theirs| own_rows < *theirs)
                    })
                    .map(|(u, _)| u.as_str());
                // The row's own file (材料文件) names the unit it was
                // made for: said before any unit of a name like it.
                let by_file = block.file.as_ref().and_then(|f| {
                    files
                        .iter()
                        .find(|(file, _, year)| file == f && *year == block.year)
                });
                if let Some((file, meant, _)) = by_file {
                    return Problem {
                        message: format!(
                            "{}；这一行的材料文件是 {file}，即本次评分的单位“{meant}”：这一行的评分没有计入它的得分",
                            problem.message
                        ),
                        ..problem
                    }
                    .with_help(format!(
                        "把评审表中的单位名称改回“{meant}”（与材料中的 [unit] 一致）后重新评分；单位、年度、编号三列请勿改动"
                    ));
                }
                match crate::source::nearest_within(&block.unit, candidates, MAX_NAME_SLIP) {
                    Some((meant, apart)) => Problem {
                        message: format!(
                            "{}；它与本次评分的单位“{meant}”只差 {apart} 个字，若是同一单位，这一行的评分没有计入“{meant}”的得分",
                            problem.message
                        ),
                        ..problem
                    }
                    .with_help(format!(
                        "是同一单位的，把评审表中的单位名称改为“{meant}”（与材料中的 [unit] 一致）后重新评分，改正之前汇总中“{meant}”的得分不含这一行；是另一单位的，把它的材料一并列入评分"
                    )),
                    None => problem.with_help(
                        "把这个单位的材料一并列入评分；或检查单位名称、年度是否与材料中的 [unit] 一致",
                    ),
                }
            }));
            problems.extend(unmatched_dates(&source.reviews, &seen));
        }
        problems
    }

    /// Worksheets that cover a unit (it has rows in them) but lack the
    /// row of a criterion it awaits judgment on (`needed`: id and title):
    /// a row deleted in Excel. Like a blank row, it leaves the criterion
    /// to the other reviewers; unlike one, nothing else would say so. One
    /// note per worksheet.
    pub fn missing_rows(&self, unit: &str, year: i64, needed: &[(&str, &str)]) -> Vec<String> {
        let mut notes = Vec::new();
        for source in &self.sources {
            // Looked up by unit: a district's worksheet has thousands of
            // rows, asked about once per unit.
            let Some(ids) = source.reviews.rows.get(&(unit.to_string(), year)) else {
                // Made for the unit (its 单位 sheet lists it), yet without
                // a row of it: the unit's rows were deleted.
                // (When no worksheet has rows of it, the unit's own note
                // says so once: see `made_for_without_rows`.)
                let others_have_rows = !self.listing(unit, year).is_empty();
                if !needed.is_empty() && others_have_rows && lists_unit(&source.reviews, unit, year)
                {
                    notes.push(format!(
                        "提示：{}（评审人 {}）的“单位”工作表列有单位“{unit}”，“评审”工作表中却没有它的行。它需要评审的评分项按其他评审人的评分计，无人评分的仍待评审；行被删去的，请从原表复制恢复后重新评分",
                        source.reviews.file, source.reviews.reviewer
                    ));
                }
                continue;
            };
            let missing: Vec<String> = needed
                .iter()
                .filter(|(id, _)| !ids.iter().any(|i| i == id))
                .map(|(_, title)| format!("“{title}”"))
                .collect();
            if missing.is_empty() {
                continue;
            }
            notes.push(format!(
                "提示：{}（评审人 {}）中单位“{unit}”没有这些评分项的行：{}。这些评分项按其他评审人的评分计，无人评分的仍待评审；行被删去的，请从原表复制恢复后重新评分",
                source.reviews.file,
                source.reviews.reviewer,
                missing.join("、")
            ));
        }
        notes
    }

    /// A worksheet whose rows give this package file (材料文件) under
    /// another unit's name, and that name: the package's unit was renamed.
    pub fn rows_of_file_under_another_name(
        &self,
        file: &str,
        unit: &str,
        year: i64,
    ) -> Option<(&str, &str)> {
        self.sources.iter().find_map(|s| {
            s.reviews
                .units
                .iter()
                .find(|b| b.year == year && b.unit != unit && b.file.as_deref() == Some(file))
                .map(|b| (s.reviews.file.as_str(), b.unit.as_str()))
        })
    }

    /// A received date written on a 单位 sheet for a unit whose name is
    /// like this one's (a slip, a name shortened or lengthened) and not
    /// this one: where a package's date was most likely written.
    pub fn received_under_a_like_name(
        &self,
        unit: &str,
        year: i64,
        file: &str,
    ) -> Option<&Received> {
        let like = |other: &str| {
            let (a, b): (Vec<char>, Vec<char>) = (unit.chars().collect(), other.chars().collect());
            let (short, long) = if a.len() <= b.len() {
                (&a, &b)
            } else {
                (&b, &a)
            };
            // The shorter name read in order within the longer one
            // (“岳阳楼区金融工作办公室” in “岳阳楼区人民政府金融工作办公室”).
            let mut rest = long.iter();
            let within = short.iter().all(|c| rest.any(|d| d == c));
            (within && short.len() * 2 > long.len())
                || crate::source::nearest_within(unit, [other], MAX_NAME_SLIP).is_some()
        };
        // The row's own 材料文件 names the package whatever the name says.
        let received = || self.sources.iter().flat_map(|s| s.reviews.received.iter());
        received()
            .find(|r| r.year == year && r.unit != unit && r.file.as_deref() == Some(file))
            .or_else(|| received().find(|r| r.year == year && r.unit != unit && like(&r.unit)))
    }

    /// The worksheets made for a unit (their 单位 sheet lists it) that
    /// have no row of it.
    pub fn made_for_without_rows(&self, unit: &str, year: i64) -> Vec<&str> {
        let key = (unit.to_string(), year);
        self.sources
            .iter()
            .filter(|s| !s.reviews.rows.contains_key(&key) && lists_unit(&s.reviews, unit, year))
            .map(|s| s.reviews.file.as_str())
            .collect()
    }

    /// The review files that list a unit (rows in a worksheet, filled or
    /// not): a unit with no judgment was left blank there, not left out.
    pub fn listing(&self, unit: &str, year: i64) -> Vec<&str> {
        let key = (unit.to_string(), year);
        self.sources
            .iter()
            .filter(|s| s.reviews.rows.contains_key(&key))
            .map(|s| s.reviews.file.as_str())
            .collect()
    }

    /// No file was read (an empty folder).
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// How many files, reviewers and judgments were read, for the log.
    pub fn summary(&self) -> String {
        let reviewers: HashSet<&str> = self
            .sources
            .iter()
            .map(|s| s.reviews.reviewer.as_str())
            .collect();
        let judgments: usize = self
            .sources
            .iter()
            .flat_map(|s| s.reviews.units.iter())
            .flat_map(|u| &u.judgments)
            // A score that is no number was not read (it is said as such).
            .filter(|j| !j.score_unread)
            .count();
        let mut out = format!(
            "评审意见：{} 个文件，{} 位评审人，{judgments} 条评分",
            self.sources.len(),
            reviewers.len()
        );
        // Rows left empty are not mistakes, but the coordinator should know
        // whose, before the scores go out.
        for s in self
            .sources
            .iter()
            .filter(|s| !s.reviews.unjudged.is_empty())
        {
            let cells = &s.reviews.unjudged;
            let shown: Vec<&str> = cells
                .iter()
                .take(MAX_CELLS_LISTED)
                .map(String::as_str)
                .collect();
            let more = match cells.len() > MAX_CELLS_LISTED {
                true => format!(" 等 {} 处", cells.len()),
                false => String::new(),
            };
            out.push_str(&format!(
                "\n提示：{}（评审人 {}）有 {} 行未评分（{}{more}），这些评分项按其他评审人的评分计，无人评分的仍待评审",
                s.reviews.file,
                s.reviews.reviewer,
                cells.len(),
                shown.join("、")
            ));
        }
        out
    }
}

/// Unjudged cells named in the summary; the rest are counted.
const MAX_CELLS_LISTED: usize = 5;

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// A workbook, not Excel's lock file (`~$name.xlsx`).
/// The units judged in both of one reviewer's two files, as each file
/// places them.
fn shared_units<'r>(a: &'r Reviews, b: &'r Reviews) -> Vec<(&'r ReviewedUnit, &'r ReviewedUnit)> {
    let judged = |u: &ReviewedUnit| !u.judgments.is_empty();
    a.units
        .iter()
        .filter(|u| judged(u))
        .flat_map(|u| {
            b.units
                .iter()
                .filter(move |v| judged(v) && v.unit == u.unit && v.year == u.year)
                .map(move |v| (u, v))
        })
        .collect()
}

/// A file a reviews folder is read for: a worksheet, a review file, or a
/// worksheet saved in another format (refused by name when read).
fn is_review_like(p: &Path) -> bool {
    p.is_file()
        && !mac_metadata(p)
        && (is_xlsx(p) || has_extension(p, "toml") || other_spreadsheet(p).is_some())
}

/// What a zip made on a Mac leaves beside the files (`__MACOSX/`,
/// `._评审表.xlsx`): metadata, no reviewer's sheet.
fn mac_metadata(p: &Path) -> bool {
    p.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.starts_with("._") || n == "__MACOSX"
    })
}

/// Does a folder inside a reviews folder hold anything read as reviews?
fn holds_reviews(dir: &Path) -> bool {
    !mac_metadata(dir)
        && std::fs::read_dir(dir)
            .is_ok_and(|entries| entries.flatten().any(|e| is_review_like(&e.path())))
}

fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        && !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
}

fn load_one(path: &Path) -> Result<Source, Vec<Problem>> {
    let name = path.display().to_string();
    if is_xlsx(path) {
        use std::io::Read as _;
        crate::files::refuse_special(path).map_err(|p| vec![*p])?;
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_WORKSHEET_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| {
                vec![Problem::plain(
                    Code::ReviewRead,
                    format!(
                        "无法读取评审表 {name}：{}",
                        crate::files::io_error_words(&e)
                    ),
                )]
            })?;
        if bytes.len() as u64 > MAX_WORKSHEET_BYTES {
            return Err(vec![Problem::plain(
                Code::ReviewRead,
                format!("评审表 {name} 过大（超过 {MAX_WORKSHEET_BYTES} 字节）"),
            )]);
        }
        let sheet = read_worksheet(&name, bytes)?;
        return Ok(Source {
            reviews: sheet.reviews,
            rules: sheet.rules,
        });
    }
    if has_extension(path, "toml") {
        let text = crate::files::read_text(path).map_err(|p| vec![*p])?;
        let source = SourceFile::new(name, text);
        let reviews = load_review_file(&source)?;
        return Ok(Source {
            reviews,
            rules: None,
        });
    }
    // A worksheet saved in another format (Save As .xls, an .ods from
    // LibreOffice, WPS's .et, a CSV) holds a reviewer's judgments all the
    // same: refused by name, never skipped, or the scores would be final
    // without that reviewer.
    if let Some(ext) = other_spreadsheet(path) {
        return Err(vec![
            Problem::plain(
                Code::ReviewRead,
                format!("{name} 是 .{ext} 格式的表格，评审表只读 Excel 工作簿（.xlsx）：这份评审意见没有读取"),
            )
            .with_help("用 Excel 或 WPS 打开这份评审表，“另存为” Excel 工作簿（*.xlsx），再用 --reviews 给出；不要把它留在评审表目录中"),
        ]);
    }
    Err(vec![
        Problem::plain(
            Code::ReviewRead,
            format!("{name} 不是评审表（.xlsx）或评审文件（.toml）"),
        )
        .with_help("--reviews 后面写评审人填好的评审表 .xlsx、评审文件 .toml，或放着它们的目录"),
    ])
}

/// A table in another format than the worksheet's (.xlsx): a reviewer's
/// copy saved as something else. Office's and LibreOffice's lock files
/// (`~$…`, `.~lock.…#`) are not copies.
fn other_spreadsheet(path: &Path) -> Option<String> {
    let lock = path.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.starts_with("~$") || n.starts_with(".~lock.")
    });
    crate::files::spreadsheet_extension(path).filter(|ext| !lock && ext != "xlsx")
}

/// The units the worksheet's 单位 sheet lists, by name and year (none for
/// a review file), as a set: asked of every row block of a district.
fn unit_sheet_units(reviews: &Reviews) -> HashSet<(&str, i64)> {
    let received = reviews.received.iter().map(|r| (r.unit.as_str(), r.year));
    let blank = reviews.blank_dates.iter().map(|(u, y, _)| (u.as_str(), *y));
    let unread = reviews
        .unread_dates
        .iter()
        .map(|(u, y, _)| (u.as_str(), *y));
    received.chain(blank).chain(unread).collect()
}

/// Received dates written for a unit with no judgments in their file and
/// not among the inputs (its name changed in the 单位 sheet): the date
/// would silently go unused.
fn unmatched_dates(reviews: &Reviews, seen: &HashSet<(String, i64)>) -> Vec<Problem> {
    let mut problems = Vec::new();
    for r in &reviews.received {
        let judged = reviews
            .units
            .iter()
            .any(|b| b.unit == r.unit && b.year == r.year);
        // A unit the worksheet has rows for is one it was made for, left
        // out of this run (a notice issued again for one unit): its date,
        // filled in by `jixiao review`, is no name typed over.
        let made_for = reviews.rows.contains_key(&(r.unit.clone(), r.year));
        if judged || made_for || seen.contains(&(r.unit.clone(), r.year)) {
            continue;
        }
        let problem = Problem::plain(
            Code::ReviewUnknownUnit,
            format!(
                "{}：写了送达日期的单位“{}”（{} 年度）不在本次评分的材料之中",
                r.at, r.unit, r.year
            ),
        );
        let candidates = seen
            .iter()
            .filter(|(_, y)| *y == r.year)
            .map(|(u, _)| u.as_str());
        problems.push(
            match crate::source::nearest_within(&r.unit, candidates, MAX_NAME_SLIP) {
                Some((meant, _)) => problem.with_help(format!(
                    "是“{meant}”的，把“单位”工作表中的单位名称改回“{meant}”（与材料中的 [unit] 一致）；单位、年度两列请勿改动"
                )),
                None => problem.with_help(
                    "“单位”工作表的单位、年度两列请勿改动；是另一单位的，把它的材料一并列入评分",
                ),
            },
        );
    }
    problems
}

/// Characters a unit's name may differ by to be taken for a slip of
/// another's: district units' names share long prefixes (岳阳楼区…), so
/// the share of the name that may differ, as for rule names, would take
/// one office for another.
const MAX_NAME_SLIP: usize = 2;

/// Does a worksheet's 单位 sheet list the unit (with a received date
/// written, left blank, or unreadable)?
fn lists_unit(reviews: &Reviews, unit: &str, year: i64) -> bool {
    reviews
        .received
        .iter()
        .any(|r| r.unit == unit && r.year == year)
        || reviews
            .blank_dates
            .iter()
            .any(|(u, y, _)| u == unit && *y == year)
        || reviews
            .unread_dates
            .iter()
            .any(|(u, y, _)| u == unit && *y == year)
}
