//! Outcome → what people and programs read: JSON exactly as the contract
//! says, and text with a miette diagnostic for every lost point.

mod csv;
mod diff_report;
mod diff_unscorable;
mod html;
mod json;
mod json_writer;
mod markdown;
mod notice;
mod place;
mod report;
mod snippet;
mod summary;
mod test_instead;
mod test_lines;
mod test_report;
mod text;
mod worksheet;
mod xlsx;

pub use csv::{summary_csv, write_summary_csv};
pub use diff_report::{diff_json, diff_markdown, diff_text};
pub use html::{html_document, html_failures, html_unit, render_html};
pub use json::{append_outcome_json, outcome_json, problems_json, write_outcome_json};
pub use markdown::{markdown_failures, render_markdown};
pub use notice::{Notice, notice_html, notice_markdown, notice_text};
pub use place::{SourcePlace, document_words};
pub use report::{PlaceView, Report, RuleRef};
pub use summary::{Summary, SummaryRow};
pub use test_report::{bless_changes, names_unknown_ids, test_failure};
pub use text::{render_text, text_failures};
pub use worksheet::{WorksheetUnit, pending_criteria, review_worksheet};
pub use xlsx::{SummaryBook, summary_xlsx};

pub use crate::base::decimal;

/// Text safe in HTML content and attribute values.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text inside a CSS string in a `<style>` element: quotes and backslashes
/// escaped, line breaks dropped, and `<` and `>` written as CSS escapes, so
/// that a unit's name with `</style>` in it cannot end the element (the
/// HTML parser ends it at `</style` whatever the CSS says).
pub(crate) fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| !c.is_control()) {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3c "),
            '>' => out.push_str("\\3e "),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::css_string;

    #[test]
    fn a_css_string_cannot_end_its_style_element() {
        let name = "X</style><script>alert(1)</script>\"\\";
        let css = css_string(name);
        assert!(!css.contains('<') && !css.contains('>'), "{css}");
        assert_eq!(
            css,
            "X\\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e \\\"\\\\"
        );
    }
}
