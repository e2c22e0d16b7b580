//! Text → AST. The grammar is `grammar/rules.pest`; this module turns pest's
//! pairs into `ast` nodes with spans, and pest's errors into `ParseError`.

mod build;
mod error;
pub mod format;

pub use error::{ParseError, half_width_outside_strings};

use crate::ast;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/rules.pest"]
struct RuleParser;

/// Deepest nesting of brackets, parentheses and braces a rule file may use.
/// Real rules nest a handful of levels; the limit keeps the parser's
/// recursion far from the stack's end.
pub const MAX_NESTING: usize = 64;

/// Most operators in one expression (`a + b + …`): the expression's tree is
/// as deep as its chain, and checking and evaluation recurse over it.
pub const MAX_OPERATORS: usize = 256;

/// Largest rule file accepted, in bytes.
pub const MAX_RULE_FILE_BYTES: usize = 1 << 20;

/// Most rule-matching steps pest may take on one parse: this many, plus
/// `PARSER_CALLS_PER_BYTE` for each byte of the text. A PEG parser
/// backtracks: `[[[[…` or `max(max(max(…` made it try each level both as a
/// list and as a comprehension (as a call and as an aggregate), doubling the
/// work at every level, so 34 unclosed `[` took minutes (found by fuzzing;
/// docs/limits.md). The limit turns that into an error within a second.
pub const PARSER_CALLS_BASE: usize = 1_000_000;

/// Steps allowed per byte of text on top of `PARSER_CALLS_BASE`. The shipped
/// rules take about 3 a byte, a dense `1 + 1 + …` about 20.
pub const PARSER_CALLS_PER_BYTE: usize = 32;

/// Raise pest's call limit (one setting for the whole process) to what a
/// text of `len` bytes may take. It is only ever raised, so that a small
/// file parsed at the same time never lowers the limit under a large one.
fn limit_parser_calls(len: usize) {
    static SET: std::sync::Mutex<usize> = std::sync::Mutex::new(0);
    let limit = PARSER_CALLS_BASE.saturating_add(PARSER_CALLS_PER_BYTE.saturating_mul(len));
    let mut set = SET
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if limit > *set {
        *set = limit;
        pest::set_call_limit(std::num::NonZeroUsize::new(limit));
    }
}

/// Parse one rule file. `file` is the file's index in its rule set; spans
/// carry it.
pub fn parse_file(file: u16, text: &str) -> Result<ast::File, ParseError> {
    if text.len() > MAX_RULE_FILE_BYTES {
        return Err(ParseError::TooLarge {
            span: crate::source::Span::new(file, 0..0).source_span(),
            limit: MAX_RULE_FILE_BYTES,
        });
    }
    let extra_close = error::check_nesting(file, text)?;
    limit_parser_calls(text.len());
    let pairs = match <RuleParser as pest::Parser<Rule>>::parse(Rule::file, text) {
        Ok(pairs) => pairs,
        // Out of steps or of stack: parsing again would only take as long.
        Err(e) if matches!(&e.variant, pest::error::ErrorVariant::CustomError { .. }) => {
            return Err(error::from_pest(file, text, &e));
        }
        Err(_) => {
            // Parse again tracking the tokens expected at the farthest point
            // reached, so that a missing `{` is named as such. Tracking slows
            // parsing, so only a failing file pays for it.
            pest::set_error_detail(true);
            let detailed = <RuleParser as pest::Parser<Rule>>::parse(Rule::file, text);
            pest::set_error_detail(false);
            match detailed {
                Ok(pairs) => pairs,
                Err(e) => {
                    let err = error::from_pest(file, text, &e);
                    // A `}` too many is seen by the parser only at the end
                    // of the file; the layout shows where it is. A `{`
                    // missing earlier is the parser's to say.
                    return Err(match extra_close {
                        Some(extra) if extra.offset() <= err.offset() => extra,
                        _ => err,
                    });
                }
            }
        }
    };
    build::build_file(file, pairs)
}

/// Parse the expression of a message hole; `offset` is where `text` starts
/// in the file, so spans point into the file.
pub fn parse_hole(file: u16, offset: usize, text: &str) -> Result<ast::Expr, ParseError> {
    error::check_nesting(file, text)?;
    limit_parser_calls(text.len());
    let pairs = <RuleParser as pest::Parser<Rule>>::parse(Rule::hole, text).map_err(|e| {
        let mut err = error::from_pest(file, text, &e);
        if let ParseError::Syntax { span, .. } = &mut err {
            *span = (span.offset() + offset, span.len()).into();
        }
        err
    })?;
    build::build_hole(file, offset, pairs)
}
