//! The submission: values, the schema the rules declare for it, and the
//! loader that reads a TOML file into values with exact decimals and spans.

mod date;
mod load;
pub mod schema;
mod value;

pub use date::Date;
pub use load::{
    Header, Judgment, LoadError, MAX_ROWS, MAX_SUBMISSION_BYTES, MAX_SUBMISSION_NESTING, Parsed,
    Review, Submission, load_parsed, load_submission, parse_submission, read_header,
};
pub use value::{MapValue, NO_PLACE, Place, PlaceId, Record, Value};
