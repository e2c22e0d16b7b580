//! What the importer could not map, with its place in the package. Nothing
//! is dropped silently: each gap is one of these, printed to stderr and
//! kept as a comment in the output where it happened.

use crate::diag::Code;
use std::fmt;

/// How serious a gap is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Worth knowing; nothing is lost (a skipped scoring sheet).
    Note,
    /// Something was not imported or was guessed; check it.
    Warning,
    /// A required value is missing: the output cannot be scored as it is.
    Missing,
}

impl Level {
    /// The level's word.
    pub fn word(self) -> &'static str {
        match self {
            Level::Note => "提示",
            Level::Warning => "警告",
            Level::Missing => "缺少",
        }
    }
}

/// One gap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// How serious.
    pub level: Level,
    /// Stable code, e.g. `import::unknown_row`; listed in docs/import.md.
    pub code: Code,
    /// Where: "附件1 部门整体支出绩效评价基础数据表，第1个表格第16行".
    pub place: String,
    /// What, in one line.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
}

impl Warning {
    /// A warning.
    pub fn new(code: Code, place: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            level: Level::Warning,
            code,
            place: place.into(),
            message: message.into(),
            help: None,
        }
    }

    /// A note.
    pub fn note(code: Code, place: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            level: Level::Note,
            ..Warning::new(code, place, message)
        }
    }

    /// A missing required value.
    pub fn missing(code: Code, place: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            level: Level::Missing,
            ..Warning::new(code, place, message)
        }
    }

    /// With what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// One line for the output file's comments.
    pub fn comment(&self) -> String {
        // With its place: reports of a package scored from Word list these
        // lines (they never take one for where a block is).
        let mut s = match self.place.is_empty() {
            true => format!("{}：{}", self.level.word(), self.message),
            false => format!("{}：{}：{}", self.level.word(), self.place, self.message),
        };
        if let Some(h) = &self.help {
            s.push('（');
            s.push_str(h);
            s.push('）');
        }
        // One line: a cell's text quoted in the message may hold its own
        // paragraphs (`约100万元` and, below it, `（调减20万）`).
        if s.contains(['\n', '\r']) {
            s = s
                .split(['\n', '\r'])
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" ");
        }
        s
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}] ", self.level.word(), self.code)?;
        if !self.place.is_empty() {
            write!(f, "{}：", self.place)?;
        }
        f.write_str(&self.message)?;
        if let Some(h) = &self.help {
            write!(f, "\n    → {h}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A note is one comment line even when the cell it quotes has two
    /// paragraphs: the rest of it (`未导入`) is not lost.
    #[test]
    fn a_note_quoting_two_paragraphs_is_one_line() {
        let w = Warning::new(
            crate::diag::Code::ImportNotANumber,
            "附件4，第3个表格第4行",
            "“约100万元\n（调减20万）”不是数字，未导入",
        );
        let line = w.comment();
        assert!(!line.contains('\n'), "{line}");
        assert!(
            line.ends_with("“约100万元 （调减20万）”不是数字，未导入"),
            "{line}"
        );
    }
}
