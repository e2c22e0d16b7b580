//! Outcome → what people and programs read: JSON exactly as the contract
//! says, and text with a miette diagnostic for every lost point.

mod csv;
mod diff_report;
mod html;
mod json;
mod json_writer;
mod markdown;
mod notice;
mod place;
mod report;
mod snippet;
mod summary;
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
pub use test_report::{bless_changes, test_failure};
pub use text::render_text;
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

/// Text inside a CSS string: quotes and backslashes escaped, line breaks
/// dropped.
pub(crate) fn css_string(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}
