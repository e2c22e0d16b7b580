//! A problem found in a case's edited submission, shown in the base file
//! where it can be. The edited copy exists only in memory: an edit above
//! the problem (a long text made one line) shifts its lines, and an author
//! who opens the base at the edited copy's line number reads the wrong
//! line. A labelled line the edits left alone is found in the base and
//! shown there, with the base's own line number and name.

use crate::diag::Problem;
use crate::source::{SourceFile, Span};

/// `p`, with its labels in `base` when every one is on a line of the
/// edited submission that the base has too; else as it was.
pub(super) fn in_base(mut p: Problem, edited: &SourceFile, base: &SourceFile) -> Problem {
    let in_edited = p.source.as_deref().is_some_and(|s| s.name == edited.name);
    if in_edited && !p.labels.is_empty() {
        let moved: Option<Vec<(Span, String)>> = p
            .labels
            .iter()
            .map(|(span, label)| moved_span(edited, base, *span).map(|s| (s, label.clone())))
            .collect();
        if let Some(labels) = moved {
            p.labels = labels;
            p.source = Some(Box::new(base.clone()));
        }
    }
    p.related = p
        .related
        .into_iter()
        .map(|r| in_base(r, edited, base))
        .collect();
    p
}

/// Lines above and below a labelled line compared to tell alike lines
/// apart (`score = 14` is on many).
const CONTEXT: usize = 3;

/// The span of the same bytes on the base's line that is the labelled
/// line: the same text, with the most of its neighbours the same, the
/// nearest by number among those. Nothing for a span over several lines
/// or on a line the base does not have (an edited value).
fn moved_span(edited: &SourceFile, base: &SourceFile, span: Span) -> Option<Span> {
    let text: &str = &edited.text;
    let (start, end) = (span.start as usize, span.end as usize);
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(start..)?
        .find('\n')
        .map_or(text.len(), |i| start + i);
    if end > line_end {
        return None;
    }
    let edited_lines: Vec<&str> = text.split('\n').collect();
    let number = text.get(..line_start)?.matches('\n').count();
    let base_text: &str = &base.text;
    let base_lines: Vec<&str> = base_text.split('\n').collect();
    let line = *edited_lines.get(number)?;
    let neighbours_alike = |n: usize| -> usize {
        (1..=CONTEXT)
            .map(|d| {
                let above = number.checked_sub(d).and_then(|i| edited_lines.get(i))
                    == n.checked_sub(d).and_then(|i| base_lines.get(i));
                let below = edited_lines.get(number + d) == base_lines.get(n + d);
                usize::from(above) + usize::from(below)
            })
            .sum()
    };
    let best = base_lines
        .iter()
        .enumerate()
        .filter(|(_, l)| **l == line)
        .map(|(n, _)| {
            (
                std::cmp::Reverse(neighbours_alike(n)),
                n.abs_diff(number),
                n,
            )
        })
        .min()?;
    let base_start: usize = base_lines.iter().take(best.2).map(|l| l.len() + 1).sum();
    Some(Span::new(
        span.file,
        base_start + (start - line_start)..base_start + (end - line_start),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An edit that made three lines one moves the problem's line up by
    /// two in the edited copy; shown in the base, it is on its own line
    /// again, and alike lines elsewhere are not taken for it.
    #[test]
    fn a_line_below_an_edit_is_found_in_the_base() {
        let base = SourceFile::new(
            "base.toml",
            "[a]\nscore = 14\ntext = \"\"\"\n1\n2\n\"\"\"\n[b]\ntier = \"x\"\nscore = 14\nnote = \"n\"\n",
        );
        let edited = SourceFile::new(
            "base.toml（经 case.toml 修改）",
            "[a]\nscore = 14\ntext = \"1\"\n[b]\ntier = \"x\"\nscore = 14\nnote = \"n\"\n",
        );
        let at = edited.text.find("tier = \"x\"\nscore").unwrap_or(0) + "tier = \"x\"\n".len();
        let span = Span::new(0, at + 8..at + 10);
        let p = Problem::error(
            crate::diag::Code::ReviewOutOfBand,
            "m",
            &edited,
            span,
            "超出分数段",
        );
        let shown = in_base(p, &edited, &base);
        assert_eq!(
            shown.source.as_deref().map(|s| s.name.as_str()),
            Some("base.toml")
        );
        let (moved, _) = shown
            .labels
            .first()
            .cloned()
            .unwrap_or((span, String::new()));
        assert_eq!(
            base.text.get(moved.start as usize..moved.end as usize),
            Some("14")
        );
        assert_eq!(base.line_col(moved.start).0, 9);
    }

    /// A label on a line the edit changed stays in the edited copy.
    #[test]
    fn an_edited_line_stays_in_the_edited_copy() {
        let base = SourceFile::new("base.toml", "[a]\nscore = 14\n");
        let edited = SourceFile::new("base.toml（经 case.toml 修改）", "[a]\nscore = 15\n");
        let span = Span::new(0, 12..14);
        let p = Problem::error(crate::diag::Code::ReviewOutOfBand, "m", &edited, span, "l");
        let shown = in_base(p, &edited, &base);
        assert_eq!(
            shown.source.as_deref().map(|s| s.name.as_str()),
            Some("base.toml（经 case.toml 修改）")
        );
    }
}
