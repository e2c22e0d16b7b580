//! Text → AST. The grammar is `grammar/rules.pest`; this module turns pest's
//! pairs into `ast` nodes with spans, and pest's errors into `ParseError`.

mod build;
mod error;
pub mod format;

pub use error::ParseError;

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

/// Parse one rule file. `file` is the file's index in its rule set; spans
/// carry it.
pub fn parse_file(file: u16, text: &str) -> Result<ast::File, ParseError> {
    if text.len() > MAX_RULE_FILE_BYTES {
        return Err(ParseError::TooLarge {
            span: crate::source::Span::new(file, 0..0).source_span(),
            limit: MAX_RULE_FILE_BYTES,
        });
    }
    error::check_nesting(file, text)?;
    let pairs = match <RuleParser as pest::Parser<Rule>>::parse(Rule::file, text) {
        Ok(pairs) => pairs,
        Err(_) => {
            // Parse again tracking the tokens expected at the farthest point
            // reached, so that a missing `{` is named as such. Tracking slows
            // parsing, so only a failing file pays for it.
            pest::set_error_detail(true);
            let detailed = <RuleParser as pest::Parser<Rule>>::parse(Rule::file, text);
            pest::set_error_detail(false);
            match detailed {
                Ok(pairs) => pairs,
                Err(e) => return Err(error::from_pest(file, text, &e)),
            }
        }
    };
    build::build_file(file, pairs)
}

/// Parse the expression of a message hole; `offset` is where `text` starts
/// in the file, so spans point into the file.
pub fn parse_hole(file: u16, offset: usize, text: &str) -> Result<ast::Expr, ParseError> {
    error::check_nesting(file, text)?;
    let pairs = <RuleParser as pest::Parser<Rule>>::parse(Rule::hole, text).map_err(|e| {
        let mut err = error::from_pest(file, text, &e);
        if let ParseError::Syntax { span, .. } = &mut err {
            *span = (span.offset() + offset, span.len()).into();
        }
        err
    })?;
    build::build_hole(file, offset, pairs)
}
