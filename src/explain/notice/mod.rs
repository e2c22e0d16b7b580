//! The notice the unit receives (评分结果告知书, `score --for unit`): one or
//! two pages of plain Chinese. The unit, the year, the total (and its grade,
//! where the rules give `grades`), each lost point in a sentence or two that
//! names the place in the unit's own documents and the sheet's words, then
//! what the unit should correct. No rule code, no ids, no engine paths.
//! Text, Markdown and HTML draw the same `Notice`.

use super::place::UNREAD;
use super::report::Report;
use super::snippet::{display_width, severity_word};
use crate::data::{Date, Value};
use crate::eval::outcome::{DeductionKind, NodeOutcome, Status};
use crate::ir::Severity;
use rust_decimal::Decimal;
use std::fmt::Write as _;

mod items;

/// What the notice says, resolved once.
pub struct Notice {
    /// The unit.
    pub unit: String,
    /// The year evaluated.
    pub year: i64,
    /// The sheet's title.
    pub rules: String,
    /// `95 分（满分 100 分）`, or the range while pending.
    pub total: String,
    /// Is the total final (not pending a judgment)?
    pub final_total: bool,
    /// The grade the rules give the total, if they give grades.
    pub grade: Option<String>,
    /// When the package reached the bureau.
    pub received_on: Option<Date>,
    /// The deadline (the rules' `deadline`).
    pub deadline: Option<Date>,
    /// Reviewers, in order of first judgment.
    pub reviewers: Vec<String>,
    /// The first and the latest review date.
    pub reviewed_on: Option<(Date, Date)>,
    /// Each lost point: (criterion with its points, what and where, the
    /// sheet's words).
    pub lost: Vec<[String; 3]>,
    /// Does a reviewer's override set some criterion's score? The lost
    /// points' part then also lists the overrides.
    pub overrides: bool,
    /// Criteria still awaiting a judgment.
    pub pending: Vec<String>,
    /// Every criterion, in the sheet's order: (title, points, score; none
    /// while awaiting a judgment).
    pub scores: Vec<(String, Decimal, Option<Decimal>)>,
    /// The total, as the table's last row gives it: (points, score; none
    /// while a criterion awaits a judgment).
    pub sum: (Decimal, Option<Decimal>),
    /// Who sends the notice (the rules' `bureau`).
    pub bureau: String,
    /// The closing paragraph (the rules' `notice_closing`), if any.
    pub closing: Option<String>,
    /// What to correct: (severity word, what and where). What the import
    /// could not read of a Word package comes first (`未能读取`): the
    /// findings after it may stem from it.
    pub corrections: Vec<(String, String)>,
    /// For reference (the rules' notes, `info`): what and where. Not
    /// necessarily wrong, but the unit may want to check or explain it
    /// (an adjusted budget without its reason, a self-score below the
    /// formula's).
    pub for_reference: Vec<String>,
}

impl Notice {
    /// The notice of one report.
    pub fn new(report: &Report<'_>) -> Notice {
        let o = report.outcome;
        let total = match (o.status, o.score) {
            (Status::Final, Some(s)) => format!(
                "{} 分（满分 {} 分）",
                super::decimal(s),
                super::decimal(o.max)
            ),
            _ => format!(
                "尚未最终评定：部分评分项尚待评审，得分可能在 {}—{} 分之间（满分 {} 分）",
                super::decimal(o.range.0),
                super::decimal(o.range.1),
                super::decimal(o.max)
            ),
        };
        let grade = o.score.and_then(|s| grade_of(report, s));
        let deadline = match report.rules.param("deadline") {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        };
        // The findings the notice lists, in its two lists' orders: a lost
        // point names the ones its criterion relates to by their numbers.
        let listed = |info: bool| -> Vec<&crate::eval::outcome::Finding> {
            report
                .findings()
                .iter()
                .copied()
                .filter(|f| (f.severity == Severity::Info) == info && !f.about_reviews())
                .collect()
        };
        let (all_to_correct, all_to_consider) = (listed(false), listed(true));
        let (to_correct, to_consider) = (
            one_per_stop(&all_to_correct),
            one_per_stop(&all_to_consider),
        );
        // What the import noted (above all, what it could not read) comes
        // first in the list to correct: the findings' numbers start after it.
        let import_notes = super::place::import_notes_for_unit(report.submission);
        // A finding on a Word row the import could not read all of (a
        // score “100%” said as not filled in) points at why.
        let unread_rows = |f: &crate::eval::outcome::Finding| -> String {
            let rows = word_rows(report, &f.places, &f.values);
            let causes: Vec<String> = import_notes
                .iter()
                .enumerate()
                .filter(|(_, note)| note.unread && note.row.is_some_and(|at| rows.contains(&at)))
                .map(|(i, _)| format!("第 {} 条", i + 1))
                .collect();
            match causes.is_empty() {
                true => String::new(),
                false => format!("这一行中有未能读取的内容，见{}。", causes.join("、")),
            }
        };
        let corrected = items::list(report, &to_correct, &all_to_correct, &unread_rows);
        let considered = items::list(report, &to_consider, &all_to_consider, &|_| String::new());
        // Each finding's number in its list: the list to correct starts
        // with the import's notes.
        let correct_numbers: Vec<usize> = corrected
            .item_of
            .iter()
            .map(|i| import_notes.len() + i + 1)
            .collect();
        let consider_numbers: Vec<usize> = considered.item_of.iter().map(|i| i + 1).collect();
        let mut reviewers: Vec<String> = Vec::new();
        let mut reviewed_on: Option<(Date, Date)> = None;
        let mut lost = Vec::new();
        // Each lost point's number, its criterion and a finding it relates to.
        let mut lost_related: Vec<(usize, &str, &crate::eval::outcome::Finding)> = Vec::new();
        let mut pending = Vec::new();
        let mut scores = Vec::new();
        walk(&o.nodes, &mut |n| {
            if n.children.is_empty() {
                scores.push((n.title.clone(), n.max, n.score));
            }
            for j in &n.judgments {
                if let Some(r) = &j.reviewer
                    && !reviewers.contains(r)
                {
                    reviewers.push(r.clone());
                }
                if let Some(on) = j.reviewed_on {
                    reviewed_on = Some(
                        reviewed_on.map_or((on, on), |(first, last)| (first.min(on), last.max(on))),
                    );
                }
            }
            if n.children.is_empty() && n.score.is_none() {
                // Quoted: titles hold 、 and ， themselves. What the
                // reviewers will look at among the findings is pointed at,
                // so that the unit can see it before they judge.
                let related = findings_words(
                    &report.criterion_findings(&n.id),
                    (&to_correct, &correct_numbers),
                    (&to_consider, &consider_numbers),
                );
                let related = related.trim_end_matches('。');
                pending.push(match related.is_empty() {
                    true => format!("“{}”（满分 {} 分）", n.title, super::decimal(n.max)),
                    false => format!(
                        "“{}”（满分 {} 分；{related}）",
                        n.title,
                        super::decimal(n.max)
                    ),
                });
            }
            if let Some(item) = lost_item(
                report,
                n,
                (&to_correct, &correct_numbers),
                (&to_consider, &consider_numbers),
            ) {
                lost.push(item);
                for d in &n.deductions {
                    for (_, f) in report.lost_point_findings(n, d) {
                        lost_related.push((lost.len(), n.title.as_str(), f));
                    }
                }
            }
        });
        // What costs nothing itself but is why points were lost is said as
        // such: read as “optional”, it would be left as is.
        let for_reference = considered
            .items
            .iter()
            .enumerate()
            .map(|(item, (_, words))| {
                let mut words = words.clone();
                let mut said: Vec<usize> = Vec::new();
                for (number, title, g) in &lost_related {
                    let here = to_consider
                        .iter()
                        .zip(&considered.item_of)
                        .any(|(f, i)| *i == item && std::ptr::eq(*f, *g));
                    if here && !said.contains(number) {
                        said.push(*number);
                        let _ = write!(words, "与失分第 {number} 条“{title}”有关，请一并改正。");
                    }
                }
                words
            })
            .collect();
        // A note of what was read with an assumption, or sent but not
        // listed, is a warning like the findings', not something unread.
        let mut corrections: Vec<(String, String)> = import_notes
            .iter()
            .map(|note| {
                let word = if note.unread { UNREAD } else { "警告" };
                (word.to_string(), sentence(&note.said))
            })
            .collect();
        corrections.extend(
            corrected
                .items
                .into_iter()
                .map(|(severity, words)| (severity_word(severity).to_string(), words)),
        );
        let text_param = |name: &str| match report.rules.param(name) {
            Some(Value::Text(t)) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ => None,
        };
        Notice {
            bureau: text_param("bureau").unwrap_or_else(|| "评分单位".to_string()),
            // Nothing lost, nothing to correct, nothing pending: the unit
            // is not asked to correct and send again what needs nothing.
            closing: match lost.is_empty() && corrections.is_empty() && pending.is_empty() {
                true => text_param("notice_closing_clean").or_else(|| text_param("notice_closing")),
                false => text_param("notice_closing"),
            },
            unit: o.unit.clone(),
            year: o.year,
            rules: o.rules.clone(),
            total,
            final_total: o.status == Status::Final && o.score.is_some(),
            grade,
            received_on: report.submission.received_on(),
            deadline,
            reviewers,
            reviewed_on,
            overrides: o.criteria().iter().any(|c| c.overridden.is_some()),
            lost,
            pending,
            scores,
            sum: (o.max, o.score.filter(|_| o.status == Status::Final)),
            corrections,
            for_reference,
        }
    }

    /// The opening paragraph.
    pub fn opening(&self) -> String {
        let mut s = format!("你单位报送的 {} 年度绩效自评材料", self.year);
        match (self.received_on, self.deadline) {
            (Some(r), Some(d)) => {
                let _ = write!(
                    s,
                    "已于 {}收到（报送截止日期为 {}）",
                    chinese_date(r),
                    chinese_date(d)
                );
            }
            (Some(r), None) => {
                let _ = write!(s, "已于 {}收到", chinese_date(r));
            }
            _ => s.push_str("已收到"),
        }
        match self.final_total {
            true => {
                let _ = write!(s, "。经按《{}》评审，", self.rules);
                let _ = write!(s, "你单位得分为 {}", self.total);
            }
            false => {
                let _ = write!(s, "。按《{}》，你单位的得分{}", self.rules, self.total);
            }
        }
        if let Some(g) = &self.grade {
            let _ = write!(s, "，等次为“{g}”");
        }
        s.push('。');
        if !self.reviewers.is_empty() {
            let _ = write!(s, "评审人：{}", self.reviewers.join("、"));
            match self.reviewed_on {
                Some((first, last)) if first == last => {
                    let _ = write!(s, "（{}评审）", chinese_date(first));
                }
                Some((first, last)) => {
                    let _ = write!(
                        s,
                        "（{}至 {}评审）",
                        chinese_date(first),
                        chinese_date(last)
                    );
                }
                None => {}
            }
            s.push('。');
        }
        s
    }
}

/// Said above the table of every criterion's score.
const SCORES_LEAD: &str = "各评分项得分：";

/// Criteria side by side in a row of the HTML notice's table.
const SCORES_PER_ROW: usize = 3;

/// A criterion's score as the table shows it: `18`, or `待评审`.
fn score_cell(score: Option<Decimal>) -> String {
    score.map_or_else(|| "待评审".to_string(), super::decimal)
}

/// Places a notice names for one item; more are counted (`等 6 处`).
const NOTICE_PLACES: usize = 4;

/// The Word tables and rows of an item's places.
fn word_rows(
    report: &Report<'_>,
    places: &[crate::data::PlaceId],
    values: &[(String, Value)],
) -> Vec<(usize, usize)> {
    report
        .evidence_places(places, values)
        .into_iter()
        .filter_map(|p| match p.source {
            super::place::SourcePlace::WordTable { table, row, .. } => Some((table, row)),
            _ => None,
        })
        .collect()
}

/// A finding's message as the unit reads it. A check stopped by a zero
/// divisor or by a number out of range is said without the rule's
/// formula, which the bureau's report and the JSON quote: the unit knows
/// its cells, not the rules' code (the places that follow name the
/// cells). Every check the same cells stopped is said in its one item
/// (`one_per_stop`).
fn unit_words<'f>(
    f: &'f crate::eval::outcome::Finding,
    listed: &[&crate::eval::outcome::Finding],
) -> std::borrow::Cow<'f, str> {
    let (mut words, ask) = match f.id.as_str() {
        crate::eval::UNDEFINED_RATIO => (
            "计算中作除数的数为 0（位置见本条末尾），无法核对".to_string(),
            "。请核实这个数：填错的请改正，确为 0 的请在报告中说明",
        ),
        crate::eval::OUT_OF_RANGE => (
            "计算中用到的数过大或过小（位置见本条末尾），算出的结果超出了可以计算的范围，无法核对"
                .to_string(),
            "。请核实这些数：多写了位数、小数点位置不对或单位填错（如元写成万元）的，请改正",
        ),
        _ => return std::borrow::Cow::Borrowed(&f.message),
    };
    let mut purposes: Vec<&str> = Vec::new();
    let stopped = std::iter::once(f).chain(listed.iter().copied().filter(|g| same_stop(f, g)));
    for g in stopped {
        if let Some(says) = g.says.as_deref().map(|s| s.trim().trim_end_matches('。'))
            && !purposes.contains(&says)
        {
            purposes.push(says);
        }
    }
    match purposes.as_slice() {
        [] => words.push_str("表中的数"),
        [one] => {
            let _ = write!(words, "：{one}");
        }
        several => {
            for (i, p) in several.iter().enumerate() {
                let _ = write!(
                    words,
                    "{}（{}）{p}",
                    if i == 0 { "：" } else { "；" },
                    i + 1
                );
            }
        }
    }
    words.push_str(ask);
    std::borrow::Cow::Owned(words)
}

/// A check the engine stopped (a zero divisor, a number out of range)?
fn is_stop(f: &crate::eval::outcome::Finding) -> bool {
    f.id == crate::eval::UNDEFINED_RATIO || f.id == crate::eval::OUT_OF_RANGE
}

/// Two checks stopped for the same cause by the same cells.
fn same_stop(f: &crate::eval::outcome::Finding, g: &crate::eval::outcome::Finding) -> bool {
    is_stop(f) && f.id == g.id && f.places == g.places
}

/// The findings as the notice lists them: of the checks the same cells
/// stopped (a 全年预算数 of 0 stops the check of the rate and of its
/// score), the first stands for all; `unit_words` says them together.
fn one_per_stop<'f>(
    findings: &[&'f crate::eval::outcome::Finding],
) -> Vec<&'f crate::eval::outcome::Finding> {
    let mut kept: Vec<&crate::eval::outcome::Finding> = Vec::with_capacity(findings.len());
    for f in findings.iter().copied() {
        // Only a stopped check is compared with those kept: a notice of
        // hundreds of findings does not compare each with all.
        if !is_stop(f) || !kept.iter().any(|k| same_stop(k, f)) {
            kept.push(f);
        }
    }
    kept
}

/// `message`, then where to look: `。见附件2 …；附件4 …`.
fn with_places(
    message: &str,
    report: &Report<'_>,
    places: &[crate::data::PlaceId],
    values: &[(String, Value)],
) -> String {
    let (shown, count, floor) = places_said(report, places, values);
    see(&chinese_dates(message), &shown, count, floor)
}

/// The places of an item as the notice names them (the first
/// `NOTICE_PLACES`), how many there are, and whether that count is a
/// floor.
fn places_said(
    report: &Report<'_>,
    places: &[crate::data::PlaceId],
    values: &[(String, Value)],
) -> (Vec<String>, usize, bool) {
    // The received date is the bureau's registry, not a place in the
    // unit's documents.
    let all: Vec<_> = report
        .evidence_places(places, values)
        .into_iter()
        .filter(|p| p.path != crate::data::RECEIVED_ON_PATH)
        .collect();
    let word = report.is_word();
    let rows = cells_by_row(all);
    let shown: Vec<String> = rows
        .iter()
        .take(NOTICE_PLACES)
        .map(|p| place_words(p, word))
        .collect();
    // The engine keeps a value's first `MAX_PLACES_KEPT` cells: at that
    // many there may have been more, and the count is a floor.
    let floor = places.len() >= crate::eval::MAX_PLACES_KEPT;
    (shown, rows.len(), floor)
}

/// Cells of one row, one after the other, said as the row once with
/// their columns (`自查记录：… · 单位、自查事项、是否完成`), not the row
/// three times. A cell quoted by its phrase stays on its own, and so do
/// cells of one record that sit in two rows of the Word table (the funds'
/// 全年执行数 and, a row below, its 其中): each row is named.
fn cells_by_row(places: Vec<super::PlaceView>) -> Vec<super::PlaceView> {
    use super::place::SourcePlace;
    let word_row = |v: &super::PlaceView| match &v.source {
        SourcePlace::WordTable { table, row, .. } => Some((*table, *row)),
        _ => None,
    };
    let mut out: Vec<super::PlaceView> = Vec::with_capacity(places.len());
    for p in places {
        // A whole row after one of its cells is already named by it
        // (`年度资金总额 · 分值`, then the 年度资金总额 row itself).
        // (By the submission's path: two rows of one name are two rows.)
        let inside = |o: &super::PlaceView| {
            o.path
                .strip_prefix(p.path.as_str())
                .is_some_and(|rest| rest.starts_with(['.', '[']))
        };
        let row_named = p.phrase.is_none() && out.iter().any(|o| o.phrase.is_none() && inside(o));
        if row_named {
            continue;
        }
        let row = |v: &super::PlaceView| {
            v.document
                .rsplit_once(" · ")
                .filter(|_| v.phrase.is_none())
                .map(|(row, column)| (row.to_string(), column.to_string()))
        };
        if let (Some(last), Some((here, column))) = (out.last_mut(), row(&p)) {
            if last.phrase.is_none()
                && last.document.starts_with(&format!("{here} · "))
                && word_row(last) == word_row(&p)
            {
                last.document.push('、');
                last.document.push_str(&column);
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// Dates the rules wrote as `2023-06-19` in a message, as the notice
/// writes every date: `2023 年 6 月 19 日`.
fn chinese_dates(text: &str) -> String {
    const ISO_LEN: usize = "2023-06-19".len();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let date = rest
            .get(..ISO_LEN)
            .filter(|d| d.as_bytes().get(4) == Some(&b'-') && d.as_bytes().get(7) == Some(&b'-'))
            .and_then(Date::parse);
        let digit_before = out.chars().last().is_some_and(|c| c.is_ascii_digit());
        let digit_after = rest.as_bytes().get(ISO_LEN).is_some_and(u8::is_ascii_digit);
        match date {
            Some(d) if !digit_before && !digit_after => {
                out.push_str(&chinese_date(d));
                rest = rest.get(ISO_LEN..).unwrap_or("");
                // “…19 日 送达” reads “…19 日送达”: the space set the ISO
                // date off from the words, which 日 now does.
                if let Some(after) = rest.strip_prefix(' ') {
                    if after.chars().next().is_some_and(|c| !c.is_ascii()) {
                        rest = after;
                    }
                }
            }
            _ => {
                let mut chars = rest.chars();
                if let Some(c) = chars.next() {
                    out.push(c);
                }
                rest = chars.as_str();
            }
        }
    }
    out
}

/// `message。见a；b等 6 处`: the places shown of `count` (`等至少 16 处`
/// where `count` is a floor).
fn see(message: &str, shown: &[String], count: usize, floor: bool) -> String {
    if shown.is_empty() {
        return message.to_string();
    }
    format!(
        "{message}。见{}{}",
        shown.join("；"),
        more_places(shown.len(), count, floor)
    )
}

/// `等 6 处` (`等至少 16 处` where `count` is a floor) after the places
/// shown, when there are more.
fn more_places(shown: usize, count: usize, floor: bool) -> String {
    match (count > shown, floor) {
        (true, true) => format!("等至少 {count} 处"),
        (true, false) => format!("等 {count} 处"),
        (false, _) => String::new(),
    }
}

/// A place as the notice names it: in the documents' words, and for a long
/// text the phrase with a few characters either side. A unit that sent a
/// Word package is told where in its Word file, too (`（Word 文件第2个表格
/// 第40行）`): a row whose label is a picture cannot be found by its words.
fn place_words(p: &super::PlaceView, word: bool) -> String {
    let mut words = match &p.phrase {
        Some(phrase) => {
            let before: String = context(phrase.before.chars().rev())
                .into_iter()
                .rev()
                .collect();
            let after: String = context(phrase.after.chars()).into_iter().collect();
            format!("{}：“…{before}{}{after}…”", p.document, phrase.phrase)
        }
        None => p.document.clone(),
    };
    if word {
        use super::place::SourcePlace;
        // A table's row is counted as Word shows it to nobody but can be
        // found by; a paragraph's number is not (Word does not number
        // paragraphs), and the part of the report is named already.
        if let SourcePlace::WordTable { .. } = &p.source {
            let _ = write!(words, "（Word 文件{}）", p.source.short_words());
        }
    }
    words
}

/// Characters of context quoted beside a phrase.
const CONTEXT_CHARS: usize = 10;

/// A number cut in two at the edge of a quotation reads as another
/// number (`全年预算数为34…` for 348.64): a number at the edge is quoted
/// whole, up to this many more characters, or left out.
const NUMBER_CHARS: usize = 12;

/// About `CONTEXT_CHARS` characters of `chars` (the text beside a phrase,
/// nearest first), ending neither inside a number nor halfway along one.
fn context(chars: impl Iterator<Item = char>) -> Vec<char> {
    let numeric = |c: char| {
        c.is_ascii_digit()
            || ('０'..='９').contains(&c)
            || matches!(c, '.' | '．' | ',' | '%' | '％')
    };
    let mut chars = chars.peekable();
    let mut out: Vec<char> = chars.by_ref().take(CONTEXT_CHARS).collect();
    if out.last().is_some_and(|c| numeric(*c)) && chars.peek().is_some_and(|c| numeric(*c)) {
        let more: Vec<char> = chars
            .by_ref()
            .take_while(|c| numeric(*c))
            .take(NUMBER_CHARS + 1)
            .collect();
        if more.len() <= NUMBER_CHARS {
            out.extend(more);
        } else {
            // Too long to quote whole: end before it.
            while out.last().is_some_and(|c| numeric(*c)) {
                out.pop();
            }
        }
    }
    out
}

/// A criterion's lost points as one item of the notice: (the criterion
/// with its points and what it lost, what and where, the sheet's words).
/// Several lost points are numbered, and where together they exceed the
/// criterion's points the item says so: the lost points then add up to
/// the score the table shows. A reviewer's override is an item even
/// where it took nothing: a late package with full marks says why.
fn lost_item(
    report: &Report<'_>,
    n: &NodeOutcome,
    to_correct: Numbered<'_, '_>,
    to_consider: Numbered<'_, '_>,
) -> Option<[String; 3]> {
    let overridden_in_full = n.deductions.is_empty() && n.overridden.is_some();
    if n.deductions.is_empty() && !overridden_in_full {
        return None;
    }
    let mut parts: Vec<(Decimal, String)> = Vec::new();
    let mut related_said: Vec<String> = Vec::new();
    for d in &n.deductions {
        let what = match d.kind {
            DeductionKind::Judged | DeductionKind::Override => judged_words(
                report.rules,
                n,
                n.max - d.points,
                (&d.judgments, d.combined),
                d.kind == DeductionKind::Override,
            ),
            _ => with_places(&d.message, report, &d.places, &d.values),
        };
        let mut what = sentence(&what);
        let related = related_words(report, n, d, to_correct, to_consider);
        if !related.is_empty() && !related_said.contains(&related) {
            what.push_str(&related);
            related_said.push(related);
        }
        parts.push((d.points, what));
    }
    if overridden_in_full {
        let what = judged_words(report.rules, n, n.max, (&n.judgments, n.combined), true);
        parts.push((Decimal::ZERO, sentence(&what)));
    }
    let listed: Decimal = parts.iter().map(|(points, _)| *points).sum();
    let lost = n.score.map_or(listed, |score| n.max - score);
    let mut what = match parts.as_slice() {
        [(_, one)] => one.clone(),
        several => several
            .iter()
            .enumerate()
            .map(|(i, (points, what))| {
                format!("（{}）扣 {} 分：{what}", i + 1, super::decimal(*points))
            })
            .collect(),
    };
    if listed > lost {
        let _ = write!(
            what,
            "以上合计 {} 分，本项满分 {} 分，扣完为止，实扣 {} 分。",
            super::decimal(listed),
            super::decimal(n.max),
            super::decimal(lost)
        );
    }
    let header = match overridden_in_full {
        true => format!(
            "{}（满分 {} 分，评审改判，未扣分）",
            n.title,
            super::decimal(n.max)
        ),
        false => format!(
            "{}（满分 {} 分，扣 {} 分）",
            n.title,
            super::decimal(n.max),
            super::decimal(lost)
        ),
    };
    Some([header, what, n.says.clone().unwrap_or_default()])
}

/// A judged score in the unit's words: who judged (with each reviewer's
/// tier and score where there are several), not where the bureau keeps
/// the judgment (its worksheet and cell, or review file and line, are
/// the bureau's own records); for an override, first what the rules
/// alone gave and why.
fn judged_words(
    rules: &crate::ir::RuleSet,
    n: &NodeOutcome,
    score: Decimal,
    (judgments, combined): (
        &[crate::eval::outcome::JudgmentShown],
        Option<crate::ir::Combine>,
    ),
    overriding: bool,
) -> String {
    let mut s = String::new();
    if overriding && let Some((Some(ruled), why)) = &n.overridden {
        let _ = write!(s, "按规则应得 {} 分", super::decimal(*ruled));
        if !why.is_empty() {
            let why: Vec<&str> = why
                .iter()
                .map(|w| w.trim().trim_end_matches(['。', '；', '，']))
                .collect();
            let _ = write!(s, "（{}）", why.join("；"));
        }
        s.push('，');
    }
    let verb = if overriding {
        "评审改判"
    } else {
        "评审判定"
    };
    let _ = write!(s, "{verb}得 {} 分", super::decimal(score));
    match judgments {
        [one] => {
            if let Some(tier) = &one.tier {
                let _ = write!(s, "（档次“{tier}”）");
            }
        }
        [] => {}
        several => {
            // Each reviewer's tier and score, so the unit can work the
            // combined one out, and sees a reviewer who wrote no reason.
            let how = combined.map_or("", crate::ir::Combine::words);
            let scores: Vec<String> = several
                .iter()
                .map(|j| match &j.tier {
                    Some(tier) => {
                        format!("{}（档次“{tier}”）{} 分", j.who(), super::decimal(j.score))
                    }
                    None => format!("{} {} 分", j.who(), super::decimal(j.score)),
                })
                .collect();
            let _ = write!(
                s,
                "（{} 位评审人的评分{how}：{}",
                several.len(),
                scores.join("、")
            );
            // A mean of two tiers' scores may fall between their bands.
            let tiers: Vec<&str> = several.iter().filter_map(|j| j.tier.as_deref()).collect();
            if tiers.iter().any(|t| Some(t) != tiers.first()) {
                s.push_str("；评审人所定档次不同，综合后的得分不一定落在某一档次的分数段内");
            }
            s.push('）');
        }
    }
    // The reviewers' reasons, each once; a note that only points at another
    // row of the worksheet (“同上”) means nothing to the unit.
    let mut notes: Vec<String> = Vec::new();
    for j in judgments {
        let Some(note) = j.note.as_deref().map(str::trim) else {
            continue;
        };
        if !crate::eval::gives_reason(rules, note) {
            continue;
        }
        let note = note.trim_end_matches(['。', '；', '，']);
        let said = match judgments.len() {
            1 => note.to_string(),
            _ => format!("{}：{note}", j.who()),
        };
        if !notes.contains(&said) {
            notes.push(said);
        }
    }
    if !notes.is_empty() {
        let _ = write!(s, "。评审意见：{}", notes.join("；"));
    }
    s
}

/// Every node, parents first.
fn walk<'o>(nodes: &'o [NodeOutcome], f: &mut impl FnMut(&'o NodeOutcome)) {
    for n in nodes {
        f(n);
        walk(&n.children, f);
    }
}

/// The grade of a total, from the rules' `grades` (a list of
/// `{ grade: "优秀", from: 90 }`, highest first or in any order).
fn grade_of(report: &Report<'_>, score: Decimal) -> Option<String> {
    let (Value::List(grades), crate::data::schema::Type::List(inner)) =
        report.rules.param_typed("grades")?
    else {
        return None;
    };
    let crate::data::schema::Type::Record(id) = inner.as_ref() else {
        return None;
    };
    let rt = report.rules.schema.record(*id)?;
    let (name_at, from_at) = (rt.field("grade")?, rt.field("from")?);
    let mut best: Option<(Decimal, String)> = None;
    for g in grades.iter() {
        let Value::Record(r) = g else { continue };
        if let (Some(Value::Text(name)), Some(Value::Num(from))) =
            (r.fields.get(name_at), r.fields.get(from_at))
            && score >= *from
            && best.as_ref().is_none_or(|(b, _)| from > b)
        {
            best = Some((*from, name.to_string()));
        }
    }
    best.map(|(_, name)| name)
}

/// `2023-06-14` → `2023 年 6 月 14 日`.
pub fn chinese_date(d: Date) -> String {
    let (y, m, day) = d.parts();
    format!("{y} 年 {m} 月 {day} 日")
}

/// A sentence ends with one full stop.
fn sentence(text: &str) -> String {
    let t = text.trim().trim_end_matches(['。', '；', '，']);
    format!("{t}。")
}

impl Notice {
    /// The title: a notice sent while criteria await a judgment says it is
    /// provisional, so that the stamped page is not taken for the result.
    fn lost_heading(&self) -> &'static str {
        match self.overrides {
            true => "一、失分及评审改判情况",
            false => "一、失分情况",
        }
    }

    fn title(&self) -> &'static str {
        match self.final_total {
            true => "绩效自评工作考核评分结果告知书",
            false => "绩效自评工作考核评分结果告知书（初步）",
        }
    }
}

/// The notice as plain text, wrapped to the terminal's width.
pub fn notice_text(report: &Report<'_>) -> String {
    let n = Notice::new(report);
    let width = crate::diag::text_width();
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", n.title());
    let _ = writeln!(out, "{}：\n", n.unit);
    wrap(&mut out, &format!("　　{}", n.opening()), width, "");
    out.push('\n');
    score_lines(&mut out, &n, width);
    out.push('\n');
    section(&mut out, n.lost_heading(), width, &lost_lines(&n));
    if !n.pending.is_empty() {
        let lines = vec![format!(
            "以下评分项尚待评审，评审后另行告知：{}。",
            n.pending.join("、")
        )];
        section(&mut out, "二、尚待评审", width, &lines);
    }
    let heading = format!(
        "{}、{CORRECTIONS_HEADING}",
        if n.pending.is_empty() { "二" } else { "三" }
    );
    let mut lines = correction_lines(&n);
    if !n.corrections.is_empty() {
        lines.insert(0, corrections_lead(&n));
    }
    section(&mut out, &heading, width, &lines);
    if !n.for_reference.is_empty() {
        let heading = format!("{}、{REFERENCE_HEADING}", next_part(&heading));
        let mut lines = numbered(&n.for_reference);
        lines.insert(0, REFERENCE_LEAD.to_string());
        section(&mut out, &heading, width, &lines);
    }
    if let Some(closing) = &n.closing {
        wrap(&mut out, &format!("　　{closing}"), width, "");
    }
    // The seal's line where it always stood; the date under it, their
    // right edges together (measured in display columns).
    let seal = format!("{}（盖章）", n.bureau);
    let seal_pad = (width / 2).saturating_sub(seal.chars().count());
    let right_edge = seal_pad + display_width(&seal);
    let date_pad = right_edge.saturating_sub(display_width(SIGNED_ON));
    let _ = writeln!(out, "\n{}{seal}", " ".repeat(seal_pad));
    let _ = writeln!(out, "{}{SIGNED_ON}", " ".repeat(date_pad));
    let _ = writeln!(out, "\n{ACKNOWLEDGEMENT}");
    out
}

/// Every criterion's score, in columns where they fit the width; at a
/// narrow width a line each, wrapped.
fn score_lines(out: &mut String, n: &Notice, width: usize) {
    let _ = writeln!(out, "　　{SCORES_LEAD}");
    let title_width = n
        .scores
        .iter()
        .map(|(t, _, _)| display_width(t))
        .max()
        .unwrap_or(0);
    let columns =
        display_width("　　　　") + title_width + display_width("  满分 100  得分 待评审");
    for (title, max, score) in &n.scores {
        if columns <= width {
            let pad = " ".repeat(title_width.saturating_sub(display_width(title)));
            let _ = writeln!(
                out,
                "　　　　{title}{pad}  满分 {:>3}  得分 {}",
                super::decimal(*max),
                score_cell(*score)
            );
        } else {
            let line = format!(
                "　　{title}：得分 {}（满分 {}）",
                score_cell(*score),
                super::decimal(*max)
            );
            wrap(out, &line, width, "　　");
        }
    }
    // The table ends with its total, as a score sheet does.
    let (max, score) = n.sum;
    if columns <= width {
        let pad = " ".repeat(title_width.saturating_sub(display_width(TOTAL)));
        let _ = writeln!(
            out,
            "　　　　{TOTAL}{pad}  满分 {:>3}  得分 {}",
            super::decimal(max),
            score_cell(score)
        );
    } else {
        let line = format!(
            "　　{TOTAL}：得分 {}（满分 {}）",
            score_cell(score),
            super::decimal(max)
        );
        wrap(out, &line, width, "　　");
    }
}

/// The last row of the table of scores.
const TOTAL: &str = "总分";

/// The part after the corrections: what the unit may check or explain.
const REFERENCE_HEADING: &str = "供参考";

/// The part listing what the unit should correct.
const CORRECTIONS_HEADING: &str = "请改正的问题";

/// Said before the notes for reference: they cost nothing and may be right.
const REFERENCE_LEAD: &str = "以下情况本身不另扣分，供核对；需要时请在材料中补充说明。与上文失分有关的，各条已注明，请一并改正。";

/// The part numbered after `part` (“二” or “三”, or a heading starting
/// with one).
fn next_part(part: &str) -> &'static str {
    if part.starts_with('三') {
        "四"
    } else {
        "三"
    }
}

/// Where the notice lists the findings a criterion relates to (`related
/// to`), said after its first lost point: `相关问题见“请改正的问题”第 2、3
/// 条，相关情况见“供参考”第 1 条。` (what is for reference is not called a
/// problem); empty when it lists none. The list to correct has
/// `listed_before` items (what could not be read) before its findings.
fn related_words(
    report: &Report<'_>,
    node: &NodeOutcome,
    d: &crate::eval::outcome::Deduction,
    to_correct: Numbered<'_, '_>,
    to_consider: Numbered<'_, '_>,
) -> String {
    findings_words(
        &report.lost_point_findings(node, d),
        to_correct,
        to_consider,
    )
}

/// The findings of one of the notice's lists, each with its item's number
/// there (a run of one check's findings on one table shares one item).
type Numbered<'l, 'f> = (&'l [&'f crate::eval::outcome::Finding], &'l [usize]);

/// `相关问题见“请改正的问题”第 2、3 条，…`: where the notice lists the
/// `related` findings, by their numbers in its two lists.
fn findings_words(
    related: &[(usize, &crate::eval::outcome::Finding)],
    to_correct: Numbered<'_, '_>,
    to_consider: Numbered<'_, '_>,
) -> String {
    let numbers = |(list, numbers): Numbered<'_, '_>| -> Vec<String> {
        let mut out: Vec<usize> = Vec::new();
        for (f, number) in list.iter().zip(numbers) {
            if related.iter().any(|(_, g)| std::ptr::eq(*f, *g)) && !out.contains(number) {
                out.push(*number);
            }
        }
        out.iter().map(usize::to_string).collect()
    };
    let parts: Vec<String> = [
        (to_correct, "相关问题", CORRECTIONS_HEADING),
        (to_consider, "相关情况", REFERENCE_HEADING),
    ]
    .into_iter()
    .filter_map(|(list, what, heading)| {
        let numbers = numbers(list);
        (!numbers.is_empty()).then(|| format!("{what}见“{heading}”第 {} 条", numbers.join("、")))
    })
    .collect();
    match parts.is_empty() {
        true => String::new(),
        false => format!("{}。", parts.join("，")),
    }
}

/// `1. …`, `2. …`.
fn numbered(items: &[String]) -> Vec<String> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{}. {t}", i + 1))
        .collect()
}

/// The date line under the bureau's seal, filled in by hand when it signs.
const SIGNED_ON: &str = "＿＿＿＿年＿＿月＿＿日";

/// The acknowledgement the unit signs and returns.
const ACKNOWLEDGEMENT: &str =
    "回执：本单位已收到本告知书。　单位（盖章）：＿＿＿＿＿＿　经办人：＿＿＿＿　日期：＿＿＿＿";

fn lost_lines(n: &Notice) -> Vec<String> {
    if n.lost.is_empty() {
        // Criteria still awaiting a judgment may yet lose points.
        return vec![match n.pending.is_empty() {
            true => "没有失分。".to_string(),
            false => "已评定的评分项没有失分（尚待评审的评分项见下文）。".to_string(),
        }];
    }
    n.lost
        .iter()
        .enumerate()
        .map(|(i, [title, what, says])| {
            let says = if says.is_empty() {
                String::new()
            } else {
                format!("评分标准：{says}")
            };
            format!("{}. {title}：{what}{says}", i + 1)
        })
        .collect()
}

/// Said before the problems to correct: they cost no points themselves,
/// and what the two kinds ask of the unit.
fn corrections_lead(n: &Notice) -> String {
    let mut lead = match n.lost.is_empty() {
        true => {
            "以下问题不扣分，请核对材料并改正。其中“错误”是表中数据确有不符之处，须改正；“警告”是请核对之处：数字确实无误、原因已在表中或报告中说明的，不必改动"
        }
        false => {
            "以下问题不另扣分（失分已在上文列出），请核对材料并改正。其中“错误”是表中数据确有不符之处，须改正；“警告”是请核对之处：数字确实无误、原因已在表中或报告中说明的，不必改动"
        }
    }
    .to_string();
    if n.corrections.iter().any(|(word, _)| word == UNREAD) {
        lead.push_str("，“未能读取”是读取材料时未能找到或识别的内容：评分时按未填写处理；确已填写的，请按括号中的写法改正");
    }
    lead.push('。');
    lead
}

fn correction_lines(n: &Notice) -> Vec<String> {
    if n.corrections.is_empty() {
        return vec!["没有需要改正的问题。".to_string()];
    }
    n.corrections
        .iter()
        .enumerate()
        .map(|(i, (severity, what))| format!("{}. （{severity}）{what}", i + 1))
        .collect()
}

fn section(out: &mut String, heading: &str, width: usize, lines: &[String]) {
    let _ = writeln!(out, "{heading}\n");
    for l in lines {
        // A run's rows are indented under its lead.
        let mut parts = l.split(items::SUB_ITEM);
        if let Some(lead) = parts.next() {
            wrap(out, &format!("　　{lead}"), width, "");
        }
        for row in parts {
            wrap(out, &format!("　　　　{row}"), width, "　　　　");
        }
    }
    out.push('\n');
}

/// A numbered item in Markdown: a run's rows as a list nested in it.
fn markdown_item(item: &str) -> String {
    let mut parts = item.split(items::SUB_ITEM);
    let escape = super::markdown::escape;
    let mut out = escape(parts.next().unwrap_or_default());
    // Nested under the item's text, which starts after `N. `.
    let indent = " ".repeat(item.find(". ").map_or(3, |i| i + 2));
    for row in parts {
        let _ = write!(out, "\n{indent}- {}", escape(row));
    }
    out
}

/// A list item in HTML: a run's rows as a list nested in it.
fn html_item(item: &str) -> String {
    let mut parts = item.split(items::SUB_ITEM);
    let esc = super::html_escape;
    let mut out = esc(parts.next().unwrap_or_default());
    let rows: Vec<String> = parts.map(|r| format!("<li>{}</li>", esc(r))).collect();
    if !rows.is_empty() {
        let _ = write!(out, "<ul class=\"rows\">{}</ul>", rows.concat());
    }
    out
}

/// `text` wrapped at `width` display columns (a Chinese character is two):
/// a figure or a Latin word is never cut, and no line starts with closing
/// punctuation (it stays with the character before it).
fn wrap(out: &mut String, text: &str, width: usize, indent: &str) {
    // Tokens a line may break between: a character, a run of ASCII
    // letters and digits; closing punctuation stays with what it closes
    // (with the space before a ` · `), opening punctuation with what it
    // opens, so no line starts with `，` or ` · ` nor ends with `“`.
    let mut tokens: Vec<String> = Vec::new();
    for c in text.chars() {
        let glue = c.is_ascii_alphanumeric() || matches!(c, '.' | '%' | '-' | '/' | ':');
        let closing = "，。、；：？！）》」』”’…·".contains(c);
        if closing && tokens.len() >= 2 && tokens.last().is_some_and(|t| t == " ") {
            tokens.pop();
            if let Some(last) = tokens.last_mut() {
                last.push(' ');
                last.push(c);
            }
            continue;
        }
        match tokens.last_mut() {
            Some(last)
                if closing
                    || last
                        .chars()
                        .last()
                        .is_some_and(|p| "“‘（《「『".contains(p))
                    || (glue
                        && last.chars().last().is_some_and(|p| {
                            p.is_ascii_alphanumeric() || matches!(p, '.' | '%' | '-' | '/' | ':')
                        })) =>
            {
                last.push(c)
            }
            _ => tokens.push(c.to_string()),
        }
    }
    let mut line = String::new();
    let mut used = 0;
    let mut broke = false;
    for t in tokens {
        let w = super::snippet::display_width(&t);
        if used + w > width && !line.trim().is_empty() {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.to_string();
            used = super::snippet::display_width(indent);
            broke = true;
        }
        // A space where the line broke is not carried to the next line.
        if broke && t == " " {
            continue;
        }
        broke = false;
        line.push_str(&t);
        used += w;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// The notice as Markdown.
pub fn notice_markdown(report: &Report<'_>) -> String {
    // The unit's and the rules' words are text, not Markdown: a `*` or a
    // `<b>` in a unit's name is shown, not obeyed.
    use super::markdown::escape;
    let n = Notice::new(report);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", n.title());
    let _ = writeln!(out, "**{}**：\n", escape(&n.unit));
    let _ = writeln!(out, "{}\n", escape(&n.opening()));
    let _ = writeln!(
        out,
        "{SCORES_LEAD}\n\n| 评分项 | 满分 | 得分 |\n|---|---:|---:|"
    );
    for (title, max, score) in &n.scores {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            escape(title),
            super::decimal(*max),
            score_cell(*score)
        );
    }
    let _ = writeln!(
        out,
        "| **{TOTAL}** | **{}** | **{}** |",
        super::decimal(n.sum.0),
        score_cell(n.sum.1)
    );
    out.push('\n');
    let _ = writeln!(out, "## {}\n", n.lost_heading());
    for l in lost_lines(&n) {
        let _ = writeln!(out, "{}\n", escape(&l));
    }
    // The parts are numbered as they appear: 尚待评审 only when pending.
    let corrections_part = if n.pending.is_empty() {
        "二"
    } else {
        let _ = writeln!(
            out,
            "## 二、尚待评审\n\n以下评分项尚待评审，评审后另行告知：{}。\n",
            escape(&n.pending.join("、"))
        );
        "三"
    };
    let _ = writeln!(out, "## {corrections_part}、{CORRECTIONS_HEADING}\n");
    if !n.corrections.is_empty() {
        let _ = writeln!(out, "{}\n", escape(&corrections_lead(&n)));
    }
    for l in correction_lines(&n) {
        let _ = writeln!(out, "{}\n", markdown_item(&l));
    }
    if !n.for_reference.is_empty() {
        let part = next_part(corrections_part);
        let _ = writeln!(
            out,
            "## {part}、{REFERENCE_HEADING}\n\n{}\n",
            escape(REFERENCE_LEAD)
        );
        for l in numbered(&n.for_reference) {
            let _ = writeln!(out, "{}\n", markdown_item(&l));
        }
    }
    if let Some(closing) = &n.closing {
        let _ = writeln!(out, "{}\n", escape(closing));
    }
    let _ = writeln!(
        out,
        "{}（盖章）\n\n{SIGNED_ON}\n\n---\n\n{ACKNOWLEDGEMENT}",
        escape(&n.bureau)
    );
    out
}

/// The notice as one HTML document for A4: a 仿宋 face for the text (Noto
/// CJK where the office fonts are missing), the unit and 第x页 共y页 on
/// every page, an item never split across pages.
pub fn notice_html(report: &Report<'_>) -> String {
    let n = Notice::new(report);
    let esc = super::html_escape;
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", n.title());
    let _ = writeln!(body, "<p class=\"to\">{}：</p>", esc(&n.unit));
    let _ = writeln!(body, "<p class=\"para\">{}</p>", esc(&n.opening()));
    // Three criteria to a row, a cell each (`单位自查 20/20`): the table
    // takes four lines of the two pages, not eleven.
    let _ = writeln!(
        body,
        "<table class=\"scores\">\n<caption>各评分项得分（得分/满分）：</caption>\n<tbody>"
    );
    let points = |max: Decimal, score: Option<Decimal>| match score {
        Some(s) => format!("{}/{}", super::decimal(s), super::decimal(max)),
        None => score_cell(None),
    };
    // The total closes the table: in the last row's free cell, where it
    // has one (eleven criteria leave one), else on a row of its own.
    let mut cells: Vec<String> = n
        .scores
        .iter()
        .map(|(title, max, score)| {
            format!(
                "<td>{}</td><td class=\"num\">{}</td>",
                esc(title),
                points(*max, *score)
            )
        })
        .collect();
    cells.push(format!(
        "<td class=\"total\">{TOTAL}</td><td class=\"num total\">{}</td>",
        points(n.sum.0, n.sum.1)
    ));
    for row in cells.chunks(SCORES_PER_ROW) {
        body.push_str("<tr>");
        body.push_str(&row.concat());
        for _ in row.len()..SCORES_PER_ROW {
            body.push_str("<td></td><td></td>");
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody>\n</table>\n");
    let _ = writeln!(body, "<h2>{}</h2>", n.lost_heading());
    if n.lost.is_empty() {
        // One sentence (没有失分), not a list of one.
        for l in lost_lines(&n) {
            let _ = writeln!(body, "<p class=\"para\">{}</p>", esc(&l));
        }
    } else {
        body.push_str("<ol class=\"items\">\n");
        for l in lost_lines(&n) {
            let text = l.split_once(". ").map_or(l.as_str(), |(_, t)| t);
            let _ = writeln!(body, "<li>{}</li>", esc(text));
        }
        body.push_str("</ol>\n");
    }
    let mut part = "二";
    if !n.pending.is_empty() {
        let _ = writeln!(
            body,
            "<h2>二、尚待评审</h2>\n<p class=\"para\">以下评分项尚待评审，评审后另行告知：{}。</p>",
            esc(&n.pending.join("、"))
        );
        part = "三";
    }
    let _ = writeln!(body, "<h2>{part}、{CORRECTIONS_HEADING}</h2>");
    if !n.corrections.is_empty() {
        let _ = writeln!(body, "<p class=\"para\">{}</p>", esc(&corrections_lead(&n)));
    }
    body.push_str("<ol class=\"items\">\n");
    for l in correction_lines(&n) {
        let text = l.split_once(". ").map_or(l.as_str(), |(_, t)| t);
        let _ = writeln!(body, "<li>{}</li>", html_item(text));
    }
    body.push_str("</ol>\n");
    if !n.for_reference.is_empty() {
        let _ = writeln!(
            body,
            "<h2>{}、{REFERENCE_HEADING}</h2>\n<p class=\"para\">{}</p>\n<ol class=\"items\">",
            next_part(part),
            esc(REFERENCE_LEAD)
        );
        for l in &n.for_reference {
            let _ = writeln!(body, "<li>{}</li>", html_item(l));
        }
        body.push_str("</ol>\n");
    }
    // The closing, the seal and the receipt stay on one page: a seal on a
    // page of its own, below no text, is no seal.
    body.push_str("<div class=\"end\">\n");
    if let Some(closing) = &n.closing {
        let _ = writeln!(body, "<p class=\"para\">{}</p>", esc(closing));
    }
    let _ = writeln!(
        body,
        "<div class=\"sign\"><p>{}（盖章）</p><p>{SIGNED_ON}</p></div>",
        esc(&n.bureau)
    );
    let _ = writeln!(body, "<p class=\"ack\">{}</p>", esc(ACKNOWLEDGEMENT));
    body.push_str("</div>\n");
    // Every page's header says what the title says: a page of a
    // provisional notice read alone is not taken for the result.
    let kind = n.title().trim_start_matches("绩效自评工作考核");
    let title = format!("{} · {kind}", n.unit);
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(&title),
        notice_style(&n.unit, kind)
    )
}

/// The notice's print style; the unit's name heads every page.
fn notice_style(unit: &str, kind: &str) -> String {
    let unit = super::css_string(unit);
    let kind = super::css_string(kind);
    format!(
        r#"
@page {{ size: A4; margin: 13mm 18mm 13mm;
  @top-center {{ content: "{unit} · {kind}"; font-size: 9pt; color: #555; }}
  @bottom-center {{ content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt; color: #555; }} }}
body {{ font-family: "FangSong", "仿宋", "STFangsong", "SimSun", "宋体", "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", serif;
  font-size: 11pt; line-height: 1.45; color: #111; margin: 0; }}
h1 {{ font-family: "SimSun", "宋体", "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 18pt; text-align: center; margin: 0 0 6mm; letter-spacing: .1em; }}
h2 {{ font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 12.5pt; margin: 4mm 0 1.5mm; break-after: avoid; }}
p.to {{ margin: 0 0 2mm; }}
p.para {{ text-indent: 2em; margin: 0 0 2mm; }}
ol.items {{ margin: 0; padding-left: 2em; }}
ol.items li {{ margin: 0 0 1mm; break-inside: avoid; }}
ul.rows {{ margin: .5mm 0 0; padding-left: 1em; list-style: none; }}
ul.rows li {{ margin: 0; }}
.sign {{ margin: 5mm 0 4mm auto; width: 60mm; text-align: center; break-inside: avoid; }}
.sign p {{ margin: 0; }}
p.ack {{ border-top: 1px dashed #777; padding-top: 2mm; font-size: 11pt; break-inside: avoid; }}
div.end {{ break-inside: avoid; }}
table.scores {{ width: 100%; border-collapse: collapse; font-size: 10pt; line-height: 1.3; margin: 1mm 0 2mm; break-inside: avoid; }}
table.scores caption {{ text-align: left; text-indent: 2em; font-size: 11pt; margin-bottom: 1mm; }}
table.scores td {{ border: 1px solid #999; padding: .5mm 1.2mm; }}
table.scores td.num {{ text-align: right; white-space: nowrap; width: 11mm; }}
table.scores td.total {{ font-weight: bold; }}
"#
    )
}

#[cfg(test)]
mod date_tests {
    use super::chinese_dates;

    #[test]
    fn iso_dates_in_a_message_read_as_the_notice_writes_dates() {
        assert_eq!(
            chinese_dates("2023-06-19 送达，截止日期 2023-06-15，迟报 4 天"),
            "2023 年 6 月 19 日送达，截止日期 2023 年 6 月 15 日，迟报 4 天"
        );
        // Not a date: left as written.
        assert_eq!(chinese_dates("编号 12023-06-190"), "编号 12023-06-190");
        assert_eq!(chinese_dates("2023-13-40"), "2023-13-40");
    }
}

#[cfg(test)]
mod tests {
    use super::{see, wrap};

    #[test]
    fn a_space_where_a_line_breaks_is_not_carried_over() {
        let mut out = String::new();
        wrap(&mut out, "总分 · 得分 · 分值", 8, "");
        assert!(out.lines().all(|l| !l.starts_with(' ')), "{out:?}");
        assert_eq!(out.replace('\n', ""), "总分 ·得分 ·分值");
    }

    #[test]
    fn no_line_starts_with_a_dot_nor_ends_with_an_opening_quote() {
        let text = "见附件4 项目支出绩效自评表 · 产出指标 · 得分，档次“较全面”得 18 分";
        for width in 4..40 {
            let mut out = String::new();
            wrap(&mut out, text, width, "");
            for line in out.lines() {
                assert!(!line.trim_start().starts_with('·'), "{width}: {out}");
                assert!(!line.starts_with('，'), "{width}: {out}");
                assert!(!line.ends_with('“'), "{width}: {out}");
            }
            assert_eq!(
                out.replace(['\n', ' '], ""),
                text.replace(' ', ""),
                "{width}"
            );
        }
    }

    #[test]
    fn places_beyond_those_shown_are_counted() {
        let names: Vec<String> = ["附件2", "附件4"].iter().map(|s| s.to_string()).collect();
        assert_eq!(
            see("权重不符", &names, 2, false),
            "权重不符。见附件2；附件4"
        );
        assert_eq!(
            see("权重不符", &names, 6, false),
            "权重不符。见附件2；附件4等 6 处"
        );
        assert_eq!(see("权重不符", &[], 0, false), "权重不符");
    }
}
