//! A table as a grid: every row has one slot per grid column, and a slot
//! names the cell that covers it. A cell spanning columns (`gridSpan`) fills
//! several slots of its row; a vertically merged cell fills the same column
//! in the rows below. A table Word split in two (a page break, a "续表")
//! is one grid built from both parts' rows; each row remembers where it came
//! from, for the warnings and the output's comments.

use super::docx::{MAX_COLUMNS, Merge, Row};

/// A cell of the grid: the top-left cell of a merged region.
#[derive(Debug, Default)]
pub struct GridCell {
    /// Its paragraphs, as written.
    pub paragraphs: Vec<String>,
    /// It holds a picture.
    pub has_image: bool,
    /// The picture is a text box (`docx::Cell::has_text_box`).
    pub has_text_box: bool,
    /// First grid column.
    pub col: usize,
    /// Grid columns covered.
    pub span: usize,
    /// Grid row where it starts.
    pub row: usize,
}

impl GridCell {
    /// Paragraphs trimmed, blank ones dropped, joined by line breaks.
    pub fn text(&self) -> String {
        let lines: Vec<&str> = self
            .paragraphs
            .iter()
            .flat_map(|p| p.split('\n'))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        lines.join("\n")
    }

    /// What a cell holding no text but a picture holds, in a warning's
    /// words: a text box is said as one (its text is not in the cell, and
    /// the clerk must move it there), any other picture as a picture.
    pub fn picture_words(&self) -> &'static str {
        match self.has_text_box {
            true => "文本框（文字写在文本框中，不在单元格中）",
            false => "图片",
        }
    }

    /// Nothing written (a picture is something).
    pub fn is_blank(&self) -> bool {
        !self.has_image && self.paragraphs.iter().all(|p| p.trim().is_empty())
    }
}

/// One rule for the paragraphs and line breaks inside a cell, everywhere:
/// in a prose field (goals, the deviation's reasons) each paragraph is a
/// line (`GridCell::text`); in a short field (a label, a name, an amount,
/// an indicator's target or actual value) a break is only where the narrow
/// cell wrapped, so the lines are joined with nothing ("提高服务⏎满意度" →
/// "提高服务满意度"), and with a space only between two Latin letters or
/// digits, which a wrap would otherwise glue ("ISO⏎9001" → "ISO 9001").
pub fn one_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
        let glue = out
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && line
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if glue {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// A row of the grid.
#[derive(Debug, Default)]
pub struct GridRow {
    /// One slot per grid column: the index of the cell covering it.
    pub slots: Vec<Option<usize>>,
    /// The document's table number this row was read from (1-based).
    pub table: usize,
    /// Its row number in that table (1-based).
    pub row: usize,
}

/// A cell as seen from one row.
#[derive(Clone, Copy, Debug)]
pub struct Slot<'a> {
    /// The cell.
    pub cell: &'a GridCell,
    /// Its first grid column.
    pub col: usize,
    /// It starts in an earlier row (vertically merged).
    pub from_above: bool,
}

/// A table, possibly stitched from several parts.
#[derive(Debug, Default)]
pub struct Grid {
    /// Grid columns.
    pub columns: usize,
    /// Cells, by index.
    pub cells: Vec<GridCell>,
    /// Rows in order.
    pub rows: Vec<GridRow>,
}

impl Grid {
    /// Build from rows in order, each with its table number and row number.
    pub fn build<'a>(rows: impl IntoIterator<Item = (usize, usize, &'a Row)>) -> Grid {
        let mut grid = Grid::default();
        for (table, number, row) in rows {
            grid.push_row(table, number, row);
        }
        grid.columns = grid.rows.iter().map(|r| r.slots.len()).max().unwrap_or(0);
        for r in &mut grid.rows {
            r.slots.resize(grid.columns, None);
        }
        grid
    }

    fn push_row(&mut self, table: usize, number: usize, row: &Row) {
        let index = self.rows.len();
        let mut slots: Vec<Option<usize>> = vec![None; row.grid_before.min(MAX_COLUMNS)];
        let mut last: Option<usize> = None;
        for cell in &row.cells {
            let col = slots.len();
            let span = cell.span.clamp(1, MAX_COLUMNS);
            if col + span > MAX_COLUMNS {
                break;
            }
            let above = self
                .rows
                .last()
                .and_then(|r| r.slots.get(col).copied().flatten())
                .filter(|&id| self.cells.get(id).is_some_and(|c| c.col == col));
            let id = match (cell.merge, above, last) {
                (_, _, Some(left)) if cell.merge_left => {
                    if let Some(c) = self.cells.get_mut(left) {
                        c.span += span;
                        c.paragraphs.extend(cell.paragraphs.iter().cloned());
                    }
                    left
                }
                (Merge::Continue, Some(id), _) => {
                    if let Some(c) = self.cells.get_mut(id) {
                        // Text in a continued cell is kept, not lost.
                        c.paragraphs.extend(
                            cell.paragraphs
                                .iter()
                                .filter(|p| !p.trim().is_empty())
                                .cloned(),
                        );
                        c.has_image |= cell.has_image;
                        c.has_text_box |= cell.has_text_box;
                    }
                    id
                }
                _ => {
                    self.cells.push(GridCell {
                        paragraphs: cell.paragraphs.clone(),
                        has_image: cell.has_image,
                        has_text_box: cell.has_text_box,
                        col,
                        span,
                        row: index,
                    });
                    self.cells.len() - 1
                }
            };
            slots.extend(std::iter::repeat_n(Some(id), span));
            last = Some(id);
        }
        self.rows.push(GridRow {
            slots,
            table,
            row: number,
        });
    }

    /// The cell covering a slot.
    pub fn at(&self, row: usize, col: usize) -> Option<Slot<'_>> {
        let id = self.rows.get(row)?.slots.get(col).copied().flatten()?;
        let cell = self.cells.get(id)?;
        Some(Slot {
            cell,
            col: cell.col,
            from_above: cell.row < row,
        })
    }

    /// The distinct cells of a row, left to right.
    pub fn row_cells(&self, row: usize) -> Vec<Slot<'_>> {
        let mut out: Vec<Slot<'_>> = Vec::new();
        let Some(r) = self.rows.get(row) else {
            return out;
        };
        let mut previous = None;
        for (col, id) in r.slots.iter().enumerate() {
            let Some(id) = *id else { continue };
            if previous == Some(id) {
                continue;
            }
            previous = Some(id);
            if let Some(cell) = self.cells.get(id) {
                if cell.col == col {
                    out.push(Slot {
                        cell,
                        col,
                        from_above: cell.row < row,
                    });
                }
            }
        }
        out
    }

    /// Where a row's cell starting at grid column `col` is as the clerk
    /// sees it: its place among the row's cells from the left, a merged
    /// cell counted once. Not the grid column: a table with merged cells
    /// has more grid columns than any of its rows shows.
    pub fn seen_position(&self, row: usize, col: usize) -> usize {
        self.row_cells(row)
            .iter()
            .position(|s| s.col == col)
            .map_or(col + 1, |i| i + 1)
    }

    /// The cells that start in this row (not merged from above).
    pub fn own_cells(&self, row: usize) -> Vec<Slot<'_>> {
        self.row_cells(row)
            .into_iter()
            .filter(|s| !s.from_above)
            .collect()
    }

    /// Is every cell starting in the row blank?
    pub fn is_blank_row(&self, row: usize) -> bool {
        self.own_cells(row).iter().all(|s| s.cell.is_blank())
    }

    /// "第2个表格第5行" for a grid row.
    pub fn place(&self, row: usize) -> String {
        self.rows
            .get(row)
            .map_or_else(String::new, |r| format!("第{}个表格第{}行", r.table, r.row))
    }
}

#[cfg(test)]
mod tests {
    use super::super::docx::Cell;
    use super::*;

    fn cell(text: &str, span: usize, merge: Merge) -> Cell {
        Cell {
            paragraphs: vec![text.to_string()],
            span,
            merge,
            ..Cell::default()
        }
    }

    #[test]
    fn spans_and_merges() {
        let rows = [
            Row {
                cells: vec![cell("A", 1, Merge::Restart), cell("B", 2, Merge::None)],
                ..Row::default()
            },
            Row {
                cells: vec![
                    cell("", 1, Merge::Continue),
                    cell("C", 1, Merge::None),
                    cell("D", 1, Merge::None),
                ],
                ..Row::default()
            },
        ];
        let grid = Grid::build(rows.iter().enumerate().map(|(i, r)| (1, i + 1, r)));
        assert_eq!(grid.columns, 3);
        let first: Vec<String> = grid.row_cells(0).iter().map(|s| s.cell.text()).collect();
        assert_eq!(first, ["A", "B"]);
        let second = grid.row_cells(1);
        assert_eq!(second.len(), 3);
        assert!(
            second
                .first()
                .is_some_and(|s| s.from_above && s.cell.text() == "A")
        );
        assert_eq!(grid.own_cells(1).len(), 2);
        assert_eq!(grid.place(1), "第1个表格第2行");
        // “D” starts at grid column 3 and is the third cell one sees; “B”,
        // over two grid columns, is the second, as is “C” below A.
        assert_eq!(grid.seen_position(1, 2), 3);
        assert_eq!(grid.seen_position(0, 1), 2);
        assert_eq!(grid.seen_position(1, 1), 2);
    }
}
