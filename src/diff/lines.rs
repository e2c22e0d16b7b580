//! Line differences between two versions of a rule file (longest common
//! subsequence; rule files are a few hundred lines).

/// A run of changed lines: old lines removed, new lines added, with their
/// 1-based positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hunk {
    /// First removed line in the old file (where the change is, if none).
    pub old_start: usize,
    /// Lines removed.
    pub removed: Vec<String>,
    /// First added line in the new file (where the change is, if none).
    pub new_start: usize,
    /// Lines added.
    pub added: Vec<String>,
}

/// Above this many line pairs the whole file counts as one change.
const MAX_CELLS: usize = 4_000_000;

/// The hunks that turn `old` into `new`.
pub fn hunks(old: &str, new: &str) -> Vec<Hunk> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a == b {
        return Vec::new();
    }
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        return vec![Hunk {
            old_start: 1,
            removed: a.iter().map(|s| s.to_string()).collect(),
            new_start: 1,
            added: b.iter().map(|s| s.to_string()).collect(),
        }];
    }
    // lcs[i][j]: length of the LCS of a[i..] and b[j..].
    let width = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            let value = if a.get(i) == b.get(j) {
                lcs.get((i + 1) * width + j + 1).copied().unwrap_or(0) + 1
            } else {
                let down = lcs.get((i + 1) * width + j).copied().unwrap_or(0);
                let right = lcs.get(i * width + j + 1).copied().unwrap_or(0);
                down.max(right)
            };
            if let Some(cell) = lcs.get_mut(i * width + j) {
                *cell = value;
            }
        }
    }
    let at = |i: usize, j: usize| lcs.get(i * width + j).copied().unwrap_or(0);
    let mut out: Vec<Hunk> = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut open: Option<Hunk> = None;
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a.get(i) == b.get(j) {
            out.extend(open.take());
            i += 1;
            j += 1;
            continue;
        }
        let hunk = open.get_or_insert_with(|| Hunk {
            old_start: i + 1,
            removed: Vec::new(),
            new_start: j + 1,
            added: Vec::new(),
        });
        if j < b.len() && (i >= a.len() || at(i, j + 1) >= at(i + 1, j)) {
            hunk.added
                .push(b.get(j).map_or(String::new(), |s| s.to_string()));
            j += 1;
        } else {
            hunk.removed
                .push(a.get(i).map_or(String::new(), |s| s.to_string()));
            i += 1;
        }
    }
    out.extend(open);
    for hunk in &mut out {
        drop_trailing_blank_line(hunk);
    }
    out
}

/// A block added after a blank line (`}`, blank, new block) is matched
/// with the blank line after it: the hunk starts at the block's first line,
/// as the author sees it, and ends in a blank line that only separates it
/// from the next. That last blank line is left out of what is shown. Only
/// a pure addition or removal is trimmed, and never to nothing.
fn drop_trailing_blank_line(hunk: &mut Hunk) {
    let lines = match (hunk.removed.is_empty(), hunk.added.is_empty()) {
        (true, false) => &mut hunk.added,
        (false, true) => &mut hunk.removed,
        _ => return,
    };
    if lines.len() > 1 && lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::hunks;

    #[test]
    fn one_changed_line() {
        let h = hunks("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(h.len(), 1);
        assert_eq!(h.first().map(|h| (h.old_start, h.new_start)), Some((2, 2)));
        assert_eq!(
            h.first().map(|h| h.added.clone()),
            Some(vec!["B".to_string()])
        );
        assert!(hunks("x\n", "x\n").is_empty());
        // A block added after a blank line starts at its first line and
        // does not end in a blank one.
        let appended = hunks("a\n}\n\nb\n", "a\n}\n\nc\n}\n\nb\n");
        assert_eq!(
            appended.first().map(|h| (h.new_start, h.added.clone())),
            Some((4, vec!["c".into(), "}".into()]))
        );
    }
}
