//! `--format csv`: the district summary as RFC 4180 CSV (CRLF line ends,
//! fields quoted when they hold a comma, a quote or a line break), UTF-8
//! with a byte-order mark so that Excel opens the Chinese text as it is.

use super::summary::{Cell, Summary};
use std::io;

/// The summary table as CSV text.
pub fn summary_csv(summary: &Summary) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and every piece is UTF-8.
    let _ = write_summary_csv(&mut out, summary);
    String::from_utf8(out).unwrap_or_default()
}

/// The summary table as CSV, written row by row (the rows are made as
/// they are written, so the table is never held whole).
pub fn write_summary_csv(out: &mut (impl io::Write + ?Sized), summary: &Summary) -> io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    // A number's digits, written into the one buffer for every cell.
    let mut number = String::new();
    for row in summary.table() {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            // A text is written as it is when it needs no quotes, without a
            // copy of it per cell.
            match cell {
                Cell::Empty => {}
                // A text Excel or WPS would run as a formula (a unit's name
                // typed `=HYPERLINK(…)` into its forms) is kept a text.
                Cell::Text(s) if starts_a_formula(s) => {
                    out.write_all(field(&format!("'{s}")).as_bytes())?;
                }
                Cell::Text(s) if !needs_quotes(s) => out.write_all(s.as_bytes())?,
                // Digits and a point: never quoted.
                Cell::Num(d) => {
                    number.clear();
                    crate::base::push_decimal(&mut number, *d);
                    out.write_all(number.as_bytes())?;
                }
                _ => out.write_all(field(&cell.text()).as_bytes())?,
            }
        }
        out.write_all(b"\r\n")?;
    }
    Ok(())
}

/// Does a text start as a spreadsheet formula does (`=`, `+`, `-`, `@`, a
/// tab or a carriage return)? Such a cell from the units' own documents is
/// written with a leading `'`, which the spreadsheet shows as text.
fn starts_a_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn needs_quotes(s: &str) -> bool {
    s.contains([',', '"', '\n', '\r'])
}

fn field(s: &str) -> String {
    if needs_quotes(s) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(field("95"), "95");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("说“好”\"x\""), "\"说“好”\"\"x\"\"\"");
        assert_eq!(field("一\n二"), "\"一\n二\"");
    }
}
