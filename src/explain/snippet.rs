//! Source excerpts for the Markdown and HTML reports: the lines a span
//! covers with one line of context either side, numbered, and on each line
//! the part the responsible expression (the focus) covers. Shared by
//! `markdown.rs` and `html.rs`, which only differ in how they draw it.

use crate::eval::outcome::{Deduction, NodeOutcome};
pub(crate) use crate::source::display_width;
use crate::source::{SourceFile, Span};

/// Lines a statement may show before the middle is elided.
const MAX_LINES: usize = 8;
/// Lines an excerpt of the submission may show before the middle is
/// elided: a form's row of up to eleven lines (an indicator's is nine) with
/// a line either side.
const MAX_DATA_LINES: usize = 13;
/// Characters a line may show before it is clipped around its mark.
const MAX_CHARS: usize = 160;

/// A numbered excerpt of one file.
pub(crate) struct Excerpt {
    /// The file's name.
    pub name: String,
    /// Line of the span's start (1-based).
    pub line: usize,
    /// The lines to show.
    pub lines: Vec<Line>,
}

/// One line of an excerpt.
pub(crate) struct Line {
    /// 1-based line number; `None` for the elision between long spans' ends.
    pub number: Option<usize>,
    /// The text shown (clipped, with `…` where cut).
    pub text: String,
    /// The marked parts of `text`, as ordered, disjoint byte ranges.
    pub marks: Vec<(usize, usize)>,
    /// A context line outside the spans.
    pub context: bool,
}

/// Start byte of every line of `text`.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Index (0-based) of the line holding byte `offset`.
fn line_of(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|s| *s <= offset).saturating_sub(1)
}

/// First and last line (0-based) of a span.
fn lines_of(starts: &[usize], span: Span) -> (usize, usize) {
    let (start, end) = (span.start as usize, span.end as usize);
    (
        line_of(starts, start),
        line_of(starts, end.saturating_sub(1).max(start)),
    )
}

/// The excerpt of `file` for the statement `span`, marking `focus`.
pub(crate) fn excerpt(file: &SourceFile, span: Span, focus: Span) -> Excerpt {
    let starts = line_starts(&file.text);
    let (first, last) = lines_of(&starts, span);
    build(
        file,
        &starts,
        (first, last),
        &[(first, last)],
        &[focus],
        MAX_LINES,
    )
}

/// A span of the submission to mark, with the span of the form's row or
/// table it belongs to (`Report::row_extent`), shown around it when short.
pub(crate) struct Marked {
    /// What to mark.
    pub span: Span,
    /// Its row or table, header to last line.
    pub row: Option<Span>,
}

/// Excerpts of `file` marking each span; spans whose lines are near each
/// other share one excerpt. A span's row is shown whole when it is short
/// (so that an indicator's name and score are read with the cell marked),
/// else from its header when that is a few lines up. Each excerpt comes
/// with the indexes of the spans it shows.
pub(crate) fn excerpts(file: &SourceFile, spans: &[Marked]) -> Vec<(Excerpt, Vec<usize>)> {
    let starts = line_starts(&file.text);
    let shown = |m: &Marked| {
        let (first, last) = lines_of(&starts, m.span);
        let Some(row) = m.row else {
            return (first, last);
        };
        let (top, bottom) = lines_of(&starts, row);
        if top <= first && bottom + 1 - top <= MAX_DATA_LINES - 2 {
            (top, bottom.max(last))
        } else if top <= first && first - top < MAX_DATA_LINES / 2 {
            (top, last)
        } else {
            (first, last)
        }
    };
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|i| spans.get(*i).map_or(0, |m| shown(m).0));
    let mut groups: Vec<((usize, usize), Vec<usize>)> = Vec::new();
    for i in order {
        let Some(m) = spans.get(i) else { continue };
        let (first, last) = shown(m);
        match groups.last_mut() {
            Some(((_, end), members)) if first <= *end + 2 => {
                *end = (*end).max(last);
                members.push(i);
            }
            _ => groups.push(((first, last), vec![i])),
        }
    }
    groups
        .into_iter()
        .map(|(range, members)| {
            let marks: Vec<Span> = members
                .iter()
                .filter_map(|i| spans.get(*i))
                .map(|m| m.span)
                .collect();
            let marked: Vec<(usize, usize)> = marks.iter().map(|m| lines_of(&starts, *m)).collect();
            let excerpt = build(file, &starts, range, &marked, &marks, MAX_DATA_LINES);
            (excerpt, members)
        })
        .collect()
}

/// The excerpt of lines `shown` (0-based, with a line of context either
/// side), the lines of `ranges` not dimmed as context, `marks` marked; the
/// middle elided past `max_lines`.
fn build(
    file: &SourceFile,
    starts: &[usize],
    shown: (usize, usize),
    ranges: &[(usize, usize)],
    marks: &[Span],
    max_lines: usize,
) -> Excerpt {
    let text: &str = &file.text;
    let (first, last) = shown;
    // A line of context either side, but for a blank one.
    let blank = |i: usize| {
        let from = starts.get(i).copied().unwrap_or(text.len());
        let to = starts.get(i + 1).copied().unwrap_or(text.len());
        text.get(from..to).is_none_or(|l| l.trim().is_empty())
    };
    let shown_first = match first.checked_sub(1) {
        Some(before) if !blank(before) => before,
        _ => first,
    };
    let shown_last = match last + 1 {
        after if after < starts.len() && !blank(after) => after,
        _ => last,
    };
    let mut numbers: Vec<Option<usize>> = (shown_first..=shown_last).map(Some).collect();
    if numbers.len() > max_lines {
        let tail = numbers.split_off(numbers.len() - max_lines / 2);
        numbers.truncate(max_lines / 2);
        numbers.push(None);
        numbers.extend(tail);
    }
    let lines = numbers
        .into_iter()
        .map(|n| {
            let Some(i) = n else {
                return Line {
                    number: None,
                    text: "…".into(),
                    marks: Vec::new(),
                    context: true,
                };
            };
            let ls = starts.get(i).copied().unwrap_or(text.len());
            let le = starts
                .get(i + 1)
                .map_or(text.len(), |s| s.saturating_sub(1));
            let raw = text.get(ls..le).unwrap_or("").trim_end_matches('\r');
            let le = ls + raw.len();
            let mut on_line: Vec<(usize, usize)> = marks
                .iter()
                .map(|m| (m.start as usize, m.end as usize))
                .filter(|(fs, fe)| *fs < le && *fe > ls)
                .map(|(fs, fe)| (fs.max(ls) - ls, fe.min(le) - ls))
                .collect();
            on_line.sort_unstable();
            let mut disjoint: Vec<(usize, usize)> = Vec::new();
            for (a, b) in on_line {
                match disjoint.last_mut() {
                    Some((_, end)) if a <= *end => *end = (*end).max(b),
                    _ => disjoint.push((a, b)),
                }
            }
            let (text, marks) = clip(raw, disjoint);
            Line {
                number: Some(i + 1),
                text,
                marks,
                context: !ranges.iter().any(|(f, l)| (*f..=*l).contains(&i)),
            }
        })
        .collect();
    let first_marked = ranges.iter().map(|r| r.0).min().unwrap_or(first);
    Excerpt {
        name: file.name.clone(),
        line: first_marked + 1,
        lines,
    }
}

/// Clip a long line to `MAX_CHARS` characters around its first mark.
fn clip(raw: &str, marks: Vec<(usize, usize)>) -> (String, Vec<(usize, usize)>) {
    let chars: Vec<(usize, char)> = raw.char_indices().collect();
    if chars.len() <= MAX_CHARS {
        return (raw.to_string(), marks);
    }
    let mark_char = marks
        .first()
        .map_or(0, |(a, _)| chars.partition_point(|(i, _)| *i < *a));
    let from = if mark_char > MAX_CHARS * 3 / 4 {
        mark_char - MAX_CHARS / 4
    } else {
        0
    };
    let to = (from + MAX_CHARS).min(chars.len());
    let byte = |c: usize| chars.get(c).map_or(raw.len(), |(i, _)| *i);
    let (bf, bt) = (byte(from), byte(to));
    let prefix = if from > 0 { "…" } else { "" };
    let suffix = if to < chars.len() { "…" } else { "" };
    let body = raw.get(bf..bt).unwrap_or("");
    let text = format!("{prefix}{body}{suffix}");
    let shift = prefix.len();
    let marks = marks
        .into_iter()
        .filter_map(|(a, b)| {
            let (a, b) = (a.clamp(bf, bt), b.clamp(bf, bt));
            (b > a).then(|| (a - bf + shift, b - bf + shift))
        })
        .collect();
    (text, marks)
}

/// How many submission places one explanation shows. Three records of
/// three cells each (three self-checks not done) are shown whole; past
/// that the explanation says how many it left out, all of them being in
/// the JSON report and the summary's 扣分明细.
pub(crate) const MAX_DATA_PLACES: usize = 12;

/// The places behind an explanation, as many as are shown, and how many
/// more there are.
pub(crate) struct DataPlaces {
    pub shown: Vec<super::PlaceView>,
    pub left_off: usize,
    /// Were the places the engine kept all it kept (`MAX_PLACES_KEPT`)?
    /// Then `left_off` is a floor.
    pub floor: bool,
}

impl DataPlaces {
    /// `另有 5 处未列出…`, when some are left out.
    pub(crate) fn left_off_words(&self) -> Option<String> {
        (self.left_off > 0).then(|| {
            // Past the cells the engine keeps, no report has the rest.
            match self.floor {
                true => format!("另有至少 {} 处相关数据未列出", self.left_off),
                false => format!(
                    "另有 {} 处相关数据未列出（全部位置见 JSON 报告或汇总表的“扣分明细”“检查发现”）",
                    self.left_off
                ),
            }
        })
    }
}

/// The places behind an explanation (a few), and the review value behind a
/// judgment, resolved.
pub(crate) fn data_places(
    report: &super::Report<'_>,
    places: &[crate::data::PlaceId],
    values: &[(String, crate::data::Value)],
    review_at: Option<&(String, Span)>,
) -> DataPlaces {
    let mut shown: Vec<super::PlaceView> = report.evidence_places(places, values);
    let left_off = shown.len().saturating_sub(MAX_DATA_PLACES);
    shown.truncate(MAX_DATA_PLACES);
    if let Some((path, span)) = review_at {
        shown.push(report.place_at(path, *span));
    }
    DataPlaces {
        shown,
        left_off,
        floor: places.len() >= crate::eval::MAX_PLACES_KEPT,
    }
}

/// How the submission's places are shown: for a Word package, each place
/// in words with its Word table and row; for a TOML file, excerpts of its
/// lines, each with the names of the places it shows.
pub(crate) enum Evidence {
    /// (place in words with its value, Word location).
    Word(Vec<(String, String)>),
    /// (excerpt, the places it shows in the documents' words), and the
    /// phrases quoted from long texts: (place in words and line, phrase).
    Toml(Vec<(Excerpt, Vec<String>)>, Vec<(String, String)>),
}

/// The evidence for a list of places.
pub(crate) fn evidence(report: &super::Report<'_>, places: &[super::PlaceView]) -> Evidence {
    if report.is_word() {
        return Evidence::Word(
            places
                .iter()
                .map(|p| match &p.phrase {
                    Some(phrase) => (
                        format!("{}：{}", p.document, phrase.marked()),
                        p.source.words(),
                    ),
                    // With the rest of its Word row, as a TOML excerpt
                    // shows the rest of the row's lines.
                    None => {
                        let row = report.same_word_row(p.id);
                        let at = match row.is_empty() {
                            true => p.source.words(),
                            false => format!("{}（该行：{row}）", p.source.words()),
                        };
                        (place_line(report, p), at)
                    }
                })
                .collect(),
        );
    }
    let (long, short): (Vec<&super::PlaceView>, Vec<&super::PlaceView>) =
        places.iter().partition(|p| p.phrase.is_some());
    let spans: Vec<Marked> = short
        .iter()
        .map(|p| Marked {
            span: p.span,
            row: report.row_extent(p.id),
        })
        .collect();
    let excerpts = excerpts(&report.submission.source, &spans)
        .into_iter()
        .map(|(e, members)| {
            let named = members
                .iter()
                .filter_map(|i| short.get(*i))
                .map(|p| p.document.clone())
                .collect();
            (e, named)
        })
        .collect();
    let phrases = long
        .iter()
        .filter_map(|p| {
            let phrase = p.phrase.as_ref()?;
            Some((
                // With the file's name: “第 331 行” alone reads as a line
                // of the report the phrase is quoted from.
                format!("{}（{}）", p.document, p.source.words()),
                phrase.marked(),
            ))
        })
        .collect();
    Evidence::Toml(excerpts, phrases)
}

/// A place in words with its value: `附件2 … · 全年执行数（1115.09）`.
pub(crate) fn place_line(report: &super::Report<'_>, p: &super::PlaceView) -> String {
    let value = report.shown(&p.value);
    if matches!(
        p.value,
        crate::data::Value::Absent | crate::data::Value::Record(_)
    ) || value.chars().count() > 60
    {
        p.document.clone()
    } else {
        format!("{}（{value}）", p.document)
    }
}

/// Every criterion scored by reviewers' judgments, with each judgment as
/// a row: (criterion, reviewer, tier, score, note, how combined).
///
/// Scores further apart than the rules allow (`disagree above`) say so
/// beside the combined score, where the reader of the table looks, and
/// not only among the findings. A reviewer of the unit who did not judge
/// a criterion the others did (its row left blank, or deleted from the
/// worksheet) has a row saying so: the score is the others', and the
/// record shows it.
pub(crate) fn judgment_rows(
    outcome: &crate::eval::outcome::Outcome,
    disagree_above: Option<rust_decimal::Decimal>,
) -> Vec<[String; 7]> {
    let mut reviewers: Vec<&str> = Vec::new();
    each_judgment(outcome, &mut |j| {
        if !reviewers.contains(&j.who()) {
            reviewers.push(j.who());
        }
    });
    let mut out = Vec::new();
    judged_rows(&outcome.nodes, disagree_above, &reviewers, &mut out);
    out
}

fn judged_rows(
    nodes: &[NodeOutcome],
    limit: Option<rust_decimal::Decimal>,
    reviewers: &[&str],
    out: &mut Vec<[String; 7]>,
) {
    for n in nodes {
        let scores = n.judgments.iter().map(|j| j.score);
        let spread = scores
            .clone()
            .max()
            .zip(scores.min())
            .map(|(hi, lo)| hi - lo);
        let recheck = match (spread, limit) {
            (Some(s), Some(l)) if s > l => format!(
                "；相差 {} 分，超过 {} 分，请复核",
                s.normalize(),
                l.normalize()
            ),
            _ => String::new(),
        };
        let how = n
            .combined
            .map_or_else(String::new, |c| c.words().to_string());
        let combined = match (&how, n.score) {
            (h, Some(s)) if !h.is_empty() => format!("{h} {}{recheck}", s.normalize()),
            // One reviewer: their score is the criterion's.
            (_, Some(s)) if n.judgments.len() == 1 => format!("一人评审 {}", s.normalize()),
            _ => String::new(),
        };
        for j in &n.judgments {
            out.push([
                n.title.clone(),
                j.who().to_string(),
                j.tier.clone().unwrap_or_default(),
                j.score.to_string(),
                j.note.clone().unwrap_or_default(),
                combined.clone(),
                // Where it was written: the auditor traces each score to
                // the reviewer's own cell or line.
                j.at.to_string(),
            ]);
        }
        if !n.judgments.is_empty() {
            for who in reviewers
                .iter()
                .filter(|who| !n.judgments.iter().any(|j| j.who() == **who))
            {
                out.push([
                    n.title.clone(),
                    (*who).to_string(),
                    String::new(),
                    "未评".to_string(),
                    "这位评审人评了本单位的其他评分项，这一项没有评（评审表中这一行空着或被删去），不计入".to_string(),
                    combined.clone(),
                    String::new(),
                ]);
            }
        }
        judged_rows(&n.children, limit, reviewers, out);
    }
}

/// Every reviewer's judgment of a report, in sheet order.
pub(crate) fn each_judgment<'o>(
    outcome: &'o crate::eval::outcome::Outcome,
    f: &mut impl FnMut(&'o crate::eval::outcome::JudgmentShown),
) {
    fn walk<'o>(
        nodes: &'o [NodeOutcome],
        f: &mut impl FnMut(&'o crate::eval::outcome::JudgmentShown),
    ) {
        for n in nodes {
            n.judgments.iter().for_each(&mut *f);
            walk(&n.children, f);
        }
    }
    walk(&outcome.nodes, f);
}

/// The reader's words for a finding's severity.
pub(crate) fn severity_word(s: crate::ir::Severity) -> &'static str {
    match s {
        crate::ir::Severity::Error => "错误",
        crate::ir::Severity::Warning => "警告",
        crate::ir::Severity::Info => "提示",
    }
}

/// The reader's words for a basis.
pub(crate) fn basis_word(b: crate::eval::outcome::Basis) -> &'static str {
    use crate::eval::outcome::Basis;
    match b {
        Basis::Auto => "自动",
        Basis::Judged => "评审",
        Basis::Override => "改判",
        Basis::Mixed => "混合",
        Basis::Pending => "待评审",
    }
}

/// The reader's words for what took the points.
pub(crate) fn kind_word(k: crate::eval::outcome::DeductionKind) -> &'static str {
    use crate::eval::outcome::DeductionKind;
    match k {
        DeductionKind::Rule => "规则扣分",
        DeductionKind::Award => "按规则计分",
        DeductionKind::Zero => "不得分情形",
        DeductionKind::Judged => "评审判定",
        DeductionKind::Override => "评审改判",
    }
}

/// The node's notes not already in the deduction's message (a judged
/// deduction quotes the reviewer's note).
pub(crate) fn node_notes<'n>(
    node: &'n crate::eval::outcome::NodeOutcome,
    d: &crate::eval::outcome::Deduction,
) -> impl Iterator<Item = &'n String> {
    let message = d.message.clone();
    node.notes.iter().filter(move |n| {
        let body = n.split_once('：').map_or(n.as_str(), |(_, b)| b);
        !message.contains(body)
    })
}

/// Every lost point (with its criterion) and every criterion awaiting a
/// judgment, in sheet order: what the Markdown and HTML reports list.
pub(crate) fn walk<'o>(
    node: &'o NodeOutcome,
    lost: &mut Vec<(&'o NodeOutcome, &'o Deduction)>,
    pending: &mut Vec<&'o NodeOutcome>,
) {
    lost.extend(node.deductions.iter().map(|d| (node, d)));
    if node.score.is_none() && node.children.is_empty() {
        pending.push(node);
    }
    for c in &node.children {
        walk(c, lost, pending);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_focus_with_context() {
        let file = SourceFile::new("r.jx", "a {\n  deduct 1 per late\n}\n");
        let stmt = Span::new(0, 6..24);
        let focus = Span::new(0, 15..23);
        let e = excerpt(&file, stmt, focus);
        assert_eq!(e.line, 2);
        let shown: Vec<_> = e.lines.iter().map(|l| (l.number, l.context)).collect();
        assert_eq!(
            shown,
            vec![(Some(1), true), (Some(2), false), (Some(3), true)]
        );
        let line = e.lines.get(1).expect("line 2");
        let marks: Vec<_> = line
            .marks
            .iter()
            .map(|(a, b)| line.text.get(*a..*b))
            .collect();
        assert_eq!(marks, vec![Some("per late")]);
    }

    #[test]
    fn clips_long_lines_around_the_mark() {
        let long = format!("{}X{}", "字".repeat(300), "字".repeat(300));
        let at = long.find('X').unwrap_or(0);
        let (text, marks) = clip(&long, vec![(at, at + 1)]);
        assert!(text.chars().count() <= MAX_CHARS + 2);
        let (a, b) = marks.first().copied().expect("mark kept");
        assert_eq!(text.get(a..b), Some("X"));
    }

    #[test]
    fn a_cell_is_shown_in_its_row() {
        let row = "[[rows]]\nitem = \"a\"\nx = 1\ny = 2\n\n[[rows]]\n";
        let file = SourceFile::new("s.toml", row);
        let y = row.find("y = 2").unwrap_or(0) + 4;
        let header_end = "[[rows]]".len();
        let spans = [Marked {
            span: Span::new(0, y..y + 1),
            row: Some(Span::new(0, 0..y + 1)),
        }];
        let groups = excerpts(&file, &spans);
        let (e, _) = groups.first().expect("an excerpt");
        let numbers: Vec<Option<usize>> = e.lines.iter().map(|l| l.number).collect();
        // From the row's header through its last cell; the blank line
        // after it is no context.
        assert_eq!(numbers, vec![Some(1), Some(2), Some(3), Some(4)]);
        // Named by the line marked, the row's lines shown as context.
        assert_eq!(e.line, 4);
        let context: Vec<bool> = e.lines.iter().map(|l| l.context).collect();
        assert_eq!(context, vec![true, true, true, false]);
        // A row too long to show whole: from its header when that is near,
        // else the cell alone.
        let long = format!("[[rows]]\n{}z = 3\n", "k = 0\n".repeat(MAX_DATA_LINES));
        let file = SourceFile::new("l.toml", long.as_str());
        let z = long.find("z = 3").unwrap_or(0) + 4;
        let spans = [Marked {
            span: Span::new(0, z..z + 1),
            row: Some(Span::new(0, 0..z + 1)),
        }];
        let groups = excerpts(&file, &spans);
        let (e, _) = groups.first().expect("an excerpt");
        assert_eq!(
            e.lines.first().and_then(|l| l.number),
            Some(MAX_DATA_LINES + 1)
        );
        let near = "[[rows]]\nk = 0\nz = 3\n";
        let file = SourceFile::new("n.toml", near);
        let z = near.find("z = 3").unwrap_or(0) + 4;
        let spans = [Marked {
            span: Span::new(0, z..z + 1),
            row: Some(Span::new(0, 0..header_end)),
        }];
        let groups = excerpts(&file, &spans);
        let (e, _) = groups.first().expect("an excerpt");
        assert_eq!(e.lines.first().and_then(|l| l.number), Some(1));
    }

    #[test]
    fn near_places_share_an_excerpt() {
        let file = SourceFile::new("s.toml", "a = 1\nb = 2\nc = 3\n\n\n\n\nz = 9\n");
        let spans = [10..11, 4..5, 34..35].map(|r| Marked {
            span: Span::new(0, r),
            row: None,
        });
        let groups = excerpts(&file, &spans);
        let members: Vec<&Vec<usize>> = groups.iter().map(|(_, m)| m).collect();
        assert_eq!(members, vec![&vec![1, 0], &vec![2]]);
        let (first, _) = groups.first().expect("one group");
        let marked: Vec<usize> = first
            .lines
            .iter()
            .filter(|l| !l.marks.is_empty())
            .filter_map(|l| l.number)
            .collect();
        assert_eq!(marked, vec![1, 2]);
    }
}
