//! One diagnostic type for every phase: a stable code, a message, labelled
//! spans in one source file, a help line, and related diagnostics that may
//! point into other files (the rule beside the submission). Rendering lives
//! here and in `explain`; nothing else prints.

use crate::source::{SourceFile, Span};
use miette::{Diagnostic, LabeledSpan, Severity};
use std::borrow::Cow;
use std::fmt;

/// A problem or an explanation, ready to render.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Stable code, e.g. `rules::unknown_field`; listed in docs/diagnostics.md.
    pub code: Cow<'static, str>,
    /// Error, warning or advice.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// The file the labels point into.
    pub source: Option<Box<SourceFile>>,
    /// Labelled spans in `source`.
    pub labels: Vec<(Span, String)>,
    /// What to do.
    pub help: Option<String>,
    /// Further snippets, possibly in other files.
    pub related: Vec<Problem>,
}

impl Problem {
    /// An error with one label.
    pub fn error(
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
        source: &SourceFile,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Problem {
            code: code.into(),
            severity: Severity::Error,
            message: message.into(),
            source: Some(Box::new(source.clone())),
            labels: vec![(span, label.into())],
            help: None,
            related: Vec::new(),
        }
    }

    /// An error about no place in particular (a missing folder, say).
    pub fn plain(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Problem {
            code: code.into(),
            severity: Severity::Error,
            message: message.into(),
            source: None,
            labels: Vec::new(),
            help: None,
            related: Vec::new(),
        }
    }

    /// With a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// With a help line, if there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// With a related snippet.
    pub fn with_related(mut self, related: Problem) -> Self {
        self.related.push(related);
        self
    }

    /// File, line and column of the first label.
    pub fn location(&self) -> Option<(String, usize, usize)> {
        let source = self.source.as_ref()?;
        let (span, _) = self.labels.first()?;
        let (line, column) = source.line_col(span.start);
        Some((source.name.clone(), line, column))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|s| &s.named as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(
            |(i, (span, text))| {
                let label = (!text.is_empty()).then(|| text.clone());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(label, span.source_span())
                } else {
                    LabeledSpan::new_with_span(label, span.source_span())
                }
            },
        )))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

/// Render diagnostics as text without colour, at a fixed width, so that
/// output and snapshots are the same on every machine. A related snippet in
/// the same file becomes a further label of its problem; one in another file
/// (the submission beside the rule) follows its problem as a `↳` block.
pub fn render(problems: &[Problem]) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false);
    let mut out = String::new();
    for problem in problems {
        for part in flatten(problem) {
            if handler.render_report(&mut out, &part).is_err() {
                out.push_str(&part.message);
            }
            out.push('\n');
        }
    }
    out
}

fn flatten(problem: &Problem) -> Vec<Problem> {
    let mut main = Problem {
        related: Vec::new(),
        ..problem.clone()
    };
    let mut after = Vec::new();
    let same_file = |r: &Problem| match (&r.source, &problem.source) {
        (Some(a), Some(b)) => a.name == b.name,
        _ => false,
    };
    for related in &problem.related {
        if same_file(related) {
            for (span, label) in &related.labels {
                let text = if label.is_empty() {
                    related.message.clone()
                } else {
                    format!("{}：{label}", related.message)
                };
                main.labels.push((*span, text));
            }
        } else {
            after.push(Problem {
                code: "↳ 相关位置".into(),
                severity: Severity::Advice,
                related: Vec::new(),
                ..related.clone()
            });
        }
    }
    let mut all = vec![main];
    all.extend(after);
    all
}
