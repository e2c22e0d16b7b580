//! The submission: values, the schema the rules declare for it, and the
//! loader that reads a TOML file into values with exact decimals and spans.

mod document;
mod load;
mod nesting;
mod person;
mod review_book;
mod review_file;
pub mod schema;
mod toml_brackets;
mod toml_bytes;
mod toml_errors;
mod toml_scan;
mod value;
mod words;
pub mod worksheet;
mod worksheet_bounds;

pub use crate::base::Date;
pub use load::{
    Header, Judgment, LoadError, MAX_ROWS, MAX_SUBMISSION_BYTES, MAX_SUBMISSION_NESTING, Origin,
    Parsed, RECEIVED_ON_PATH, Review, SheetRow, Submission, explain_toml_error, load_parsed,
    load_submission, parse_submission, read_header,
};
pub use review_book::ReviewBook;
pub use review_file::{Fingerprint, Received, ReviewedUnit, Reviews, has_words, load_review_file};
pub(crate) use toml_brackets::told_syntax;
pub use value::{Key, MapValue, NO_PLACE, Place, PlaceId, Record, Step, Value, path_of};
pub use words::{Walk, document_words, walk_path};
