//! A filled worksheet's cells are looked at for their addresses before the
//! workbook is read. The reader lays a sheet out as a grid from its first
//! to its last cell, so one cell far away (`XFD1048576`, or an address no
//! spreadsheet can hold, typed into the file's XML) would make it allocate
//! rows × columns cells: gigabytes, or a panic on the size. A worksheet
//! `jixiao review` writes has thirteen columns and a few rows per unit.

use std::io::Read as _;

/// Rows a filled worksheet may use: six criteria for each of thousands of
/// units, with room to spare.
pub const MAX_ROWS: u64 = 200_000;

/// Columns a filled worksheet may use (`A` to `CV`): the thirteen written,
/// and notes a reviewer keeps beside them.
pub const MAX_COLUMNS: u64 = 100;

/// The XML of one sheet read, at most (the workbook itself is bounded;
/// this bounds what it unpacks to).
const MAX_SHEET_XML: u64 = 256 * 1024 * 1024;

/// The first cell or row address beyond the bounds: the sheet's part name
/// in the workbook and the address as written. Nothing when every address
/// is within them, or the workbook cannot be opened (the reader then says
/// why).
pub fn far_cell(bytes: &[u8]) -> Option<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let parts: Vec<String> = archive
        .file_names()
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        .map(str::to_string)
        .collect();
    for part in parts {
        let mut xml = Vec::new();
        let Ok(file) = archive.by_name(&part) else {
            continue;
        };
        if file.take(MAX_SHEET_XML).read_to_end(&mut xml).is_err() {
            continue;
        }
        if let Some(address) = far_address(&xml) {
            return Some((part, address));
        }
    }
    None
}

/// What the workbook's parts may unpack to, together: a few sheets at
/// their largest. A worksheet `review` writes unpacks to a few megabytes.
const MAX_UNPACKED: u64 = 2 * MAX_SHEET_XML;

/// The parts other than sheets and shared strings (the list of sheets,
/// the styles, the properties): a few kilobytes in any real workbook.
const MAX_OTHER_PART: u64 = 16 * 1024 * 1024;

/// The first part of the workbook that unpacks to more than a worksheet's
/// parts can hold (a sheet or the shared strings beyond `MAX_SHEET_XML`,
/// another part beyond `MAX_OTHER_PART`, all of them beyond
/// `MAX_UNPACKED`), with the limit it passed: the reader would unpack it
/// whole into memory. A 4 MB file of blanks unpacked to gigabytes. Told by
/// what each part declares and, in case the declaration lies, by what it
/// unpacks to, counted and not kept.
pub fn oversized_part(bytes: &[u8]) -> Option<(String, u64)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    let mut total = 0u64;
    for name in names {
        let limit = match name.starts_with("xl/worksheets/") || name == "xl/sharedStrings.xml" {
            true => MAX_SHEET_XML,
            false => MAX_OTHER_PART,
        };
        let Ok(file) = archive.by_name(&name) else {
            continue;
        };
        if file.size() > limit {
            return Some((name, limit));
        }
        let unpacked = std::io::copy(&mut file.take(limit + 1), &mut std::io::sink()).unwrap_or(0);
        if unpacked > limit {
            return Some((name, limit));
        }
        total += unpacked;
        if total > MAX_UNPACKED {
            return Some((name, MAX_UNPACKED));
        }
    }
    None
}

/// The first `r="…"` (a cell's or a row's address) beyond the bounds.
/// Ranges (`<dimension ref=…>`, merged cells, validations over whole
/// columns) are not cells and are left alone: the reader sizes its grid by
/// the cells.
/// The dimension is checked only against what a spreadsheet can address
/// (`XFD1048576`): the reader fails on one beyond.
fn far_address(xml: &[u8]) -> Option<String> {
    let checks: [Check; 2] = [
        (b" r=\"", |a| within(a, MAX_COLUMNS, MAX_ROWS)),
        (b"<dimension ref=\"", |range| {
            range
                .split(':')
                .all(|a| within(a, EXCEL_COLUMNS, EXCEL_ROWS))
        }),
    ];
    for (needle, fits) in checks {
        for at in memchr::memmem::find_iter(xml, needle) {
            let value = xml.get(at + needle.len()..)?;
            let end = memchr::memchr(b'"', value)?;
            let text = std::str::from_utf8(value.get(..end)?).ok()?;
            if !fits(text) {
                return Some(text.chars().take(40).collect());
            }
        }
    }
    None
}

/// What to look for in a sheet's XML, and whether the value after it fits.
type Check = (&'static [u8], fn(&str) -> bool);

/// The last column and row a spreadsheet has (`XFD1048576`).
const EXCEL_COLUMNS: u64 = 16_384;
const EXCEL_ROWS: u64 = 1_048_576;

/// Is one address (`H5`, `5` for a row, `$H$5`) within `columns` and
/// `rows`?
fn within(address: &str, columns: u64, rows: u64) -> bool {
    let address = address.trim().replace('$', "");
    let letters = address
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .count();
    let (column, row) = address.split_at(letters);
    let column_ok = letters <= 3
        && column.chars().fold(0u64, |n, c| {
            n * 26 + u64::from(c.to_ascii_uppercase() as u8 - b'A' + 1)
        }) <= columns;
    let row_ok = row.is_empty()
        || (row.len() <= 9
            && row.chars().all(|c| c.is_ascii_digit())
            && row.parse::<u64>().is_ok_and(|r| r <= rows));
    column_ok && row_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_far_away_are_found() {
        let cell = |a| within(a, MAX_COLUMNS, MAX_ROWS);
        assert!(cell("A1") && cell("M30") && cell("$CV$200000") && cell("17"));
        for far in [
            "ZZZZZZZ99999999999",
            "H99999999999",
            "ZZZZZZZ5",
            "XFD1048576",
            "CW1",
            "A200001",
        ] {
            assert!(!cell(far), "{far}");
        }
        let insane = br#"<worksheet><dimension ref="A1:ZZZZZZZ99999999999"/></worksheet>"#;
        assert_eq!(
            far_address(insane).as_deref(),
            Some("A1:ZZZZZZZ99999999999")
        );
        let xml = br#"<worksheet><dimension ref="A1:M9"/><sheetData><row r="9"><c r="H9"><v>4</v></c><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#;
        assert_eq!(far_address(xml).as_deref(), Some("XFD1048576"));
        let row = br#"<sheetData><row r="99999999999"><c><v>4</v></c></row></sheetData>"#;
        assert_eq!(far_address(row).as_deref(), Some("99999999999"));
        let fine =
            br#"<dimension ref="A1:XFD1048576"/><row r="9"><c r="H9" s="3"><v>4</v></c></row>"#;
        assert_eq!(far_address(fine), None);
    }
}
