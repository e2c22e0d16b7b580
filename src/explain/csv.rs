//! `--format csv`: the district summary as RFC 4180 CSV (CRLF line ends,
//! fields quoted when they hold a comma, a quote or a line break), UTF-8
//! with a byte-order mark so that Excel opens the Chinese text as it is.

use super::summary::Summary;

/// The summary table as CSV text.
pub fn summary_csv(summary: &Summary) -> String {
    let mut out = String::from("\u{feff}");
    for row in summary.table() {
        let fields: Vec<String> = row.iter().map(|c| field(&c.text())).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
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
