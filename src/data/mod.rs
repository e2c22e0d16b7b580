//! The submission: values, the schema the rules declare for it, and the
//! loader that reads a TOML file into values with exact decimals and spans.

mod date;
mod load;
pub mod schema;
mod value;

pub use date::Date;
pub use load::{load_submission, read_header, Header, Judgment, LoadError, Review, Submission};
pub use value::{MapValue, Place, PlaceId, Record, Value, NO_PLACE};
