//! What every report needs beyond the outcome, resolved in one place: each
//! place of the submission in the documents' words with its value and its
//! place in the input file (a TOML line, or the Word table and row of a
//! `.docx` package); values typed, a record shown by its name in the
//! documents; the rule file as the reader can find it; the findings in the
//! one order every format lists them. The backends (text, Markdown, HTML,
//! JSON, the summary) draw from here and resolve nothing themselves.

use super::place::{SourcePlace, document_words, source_place};
use crate::data::{NO_PLACE, Place, PlaceId, Step, Submission, Value, Walk, walk_path};
use crate::eval::outcome::{Deduction, DeductionKind, Finding, NodeOutcome, Outcome};
use crate::ir::RuleSet;
use crate::source::Span;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// One place of the submission, resolved.
#[derive(Clone, Debug)]
pub struct PlaceView {
    /// The engine's path (`projects[0].funds.score`).
    pub path: String,
    /// In the documents' words.
    pub document: String,
    /// The value there.
    pub value: Value,
    /// Where it is in the input file.
    pub source: SourcePlace,
    /// Its span in the submission text.
    pub span: Span,
    /// Its place (`NO_PLACE` for a review's value, named by its path).
    pub id: PlaceId,
    /// For a long text: the phrase the explanation is about, with a little
    /// context, and its character range in the text.
    pub phrase: Option<Phrase>,
}

/// The evidence inside a long text: the phrase and a little context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phrase {
    /// The context before the phrase (with `…` where cut).
    pub before: String,
    /// The phrase.
    pub phrase: String,
    /// The context after it.
    pub after: String,
    /// The phrase's character range in the whole text.
    pub range: (usize, usize),
}

/// Characters of a cell shown beside another of its Word row.
const ROW_CELL_CHARS: usize = 30;

/// A text longer than this is quoted by its phrase, not in full.
pub const LONG_TEXT: usize = 80;

/// Characters of context either side of a phrase.
const CONTEXT: usize = 24;

impl Phrase {
    /// `…得分为【100】分。全年…`
    pub fn marked(&self) -> String {
        format!("{}【{}】{}", self.before, self.phrase, self.after)
    }
}

/// The first clue found in the text (one of at least two characters, or
/// digits, and under 40), as byte offsets.
fn first_clue(text: &str, clues: &[String]) -> Option<(usize, usize)> {
    let usable = || {
        clues
            .iter()
            .filter(|c| c.chars().count() >= 2 || c.chars().all(|ch| ch.is_ascii_digit()))
            .filter(|c| !c.is_empty() && c.chars().count() < 40)
    };
    usable()
        .find_map(|c| {
            let at = text.find(c.as_str())?;
            Some((at, at + c.len()))
        })
        // A figure the unit wrote in full-width digits (“１００分”), which
        // the rules read as 100: found as the unit wrote it.
        .or_else(|| usable().find_map(|c| find_half_width(text, c)))
}

/// Where `clue` stands in `text` when full-width digits, points and
/// signs are read as their half-width forms, as byte offsets in `text`.
fn find_half_width(text: &str, clue: &str) -> Option<(usize, usize)> {
    let half = |c: char| match c {
        '０'..='９' | '．' | '％' | '－' | '＋' => {
            char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    };
    if !text.chars().any(|c| half(c) != c) {
        return None;
    }
    let clue: Vec<char> = clue.chars().collect();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = chars
        .windows(clue.len())
        .position(|w| w.iter().map(|(_, c)| half(*c)).eq(clue.iter().copied()))?;
    let start = chars.get(at)?.0;
    let end = chars.get(at + clue.len()).map_or(text.len(), |(i, _)| *i);
    Some((start, end))
}

/// Where in a long text one of `clues` (the values that produced an
/// explanation) stands: the first clue found, with context; else the text's
/// opening words.
pub fn phrase_in(text: &str, clues: &[String]) -> Phrase {
    let (start_at, end_at) = first_clue(text, clues).unwrap_or((0, 0));
    let before_phrase = text.get(..start_at).unwrap_or_default();
    let phrase = text.get(start_at..end_at).unwrap_or_default();
    let start = before_phrase.chars().count();
    let end = start + phrase.chars().count();
    // The context is counted in characters from the phrase outwards: a
    // long text is neither copied out as characters nor counted to its end.
    let from_at = match before_phrase.char_indices().rev().nth(CONTEXT - 1) {
        Some((i, _)) => i,
        None => 0,
    };
    let after_phrase = text.get(end_at..).unwrap_or_default();
    // The text goes on past the context after the phrase.
    let (to_at, cut) = match after_phrase.char_indices().nth(CONTEXT * 2) {
        Some((i, _)) => (end_at + i, true),
        None => (text.len(), false),
    };
    // Line breaks shown as spaces: the phrase is quoted on one line.
    let piece = |out: &mut String, a: usize, b: usize| {
        for (i, part) in text.get(a..b).unwrap_or_default().split('\n').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(part);
        }
    };
    let mut before = String::new();
    if start > CONTEXT {
        before.push('…');
    }
    piece(&mut before, from_at, start_at);
    let mut phrase = String::new();
    piece(&mut phrase, start_at, end_at);
    let mut after = String::new();
    piece(&mut after, end_at, to_at);
    if cut {
        after.push('…');
    }
    Phrase {
        before,
        phrase,
        after,
        range: (start, end),
    }
}

/// A rule's place, as the reader finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRef {
    /// The file on disk, or `builtin:2022/sheet.jx` for the rules built in.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One submission's report: the outcome with its rules and submission.
pub struct Report<'a> {
    /// The outcome.
    pub outcome: &'a Outcome,
    /// The rules it was scored with.
    pub rules: &'a RuleSet,
    /// The submission.
    pub submission: &'a Submission,
    /// The Word file, when the input was a `.docx` package.
    word_file: Option<String>,
    /// The findings, by severity, then in rule-file order.
    findings: Vec<&'a Finding>,
    /// Positions in `findings` by check id (of the ids some finding names),
    /// and of the findings naming a check id in `related to`: `related`
    /// looks a finding's kin up instead of comparing it with every other
    /// finding (quadratic in findings).
    by_id: HashMap<&'a str, Vec<usize>>,
    naming: HashMap<&'a str, Vec<usize>>,
    /// Places already put in the documents' words, by path: the findings
    /// and lost points point at the same rows and records again and
    /// again, and naming one walks the schema and fills its row's template.
    named: RefCell<HashMap<String, String, foldhash::fast::RandomState>>,
    /// Places already resolved, for the same reason.
    resolved: RefCell<HashMap<PlaceId, PlaceView, foldhash::fast::RandomState>>,
    /// Engine paths already spelt out: a place is named, traced and
    /// compared with its kin's places by its path, several times a report.
    paths: RefCell<HashMap<PlaceId, Rc<str>, foldhash::fast::RandomState>>,
    /// Places walked to, by id: a place's walk carries on from its
    /// parent's, so a row is named once for all the places in it.
    walks: RefCell<HashMap<PlaceId, Rc<Walk<'a>>, foldhash::fast::RandomState>>,
    /// The criteria naming checks (`related to`), with those checks: a
    /// few, looked up for every criterion a report shows.
    relating: Vec<(&'a str, &'a [String])>,
}

impl<'a> Report<'a> {
    /// Resolve what the backends need.
    pub fn new(outcome: &'a Outcome, rules: &'a RuleSet, submission: &'a Submission) -> Self {
        let name = &submission.source.name;
        let word_file = name
            .to_ascii_lowercase()
            .ends_with(".docx")
            .then(|| name.clone());
        let mut findings: Vec<&Finding> = outcome.findings.iter().collect();
        findings.sort_by_key(|f| report_order(f));
        let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut naming: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            for id in &f.related {
                naming.entry(id.as_str()).or_default().push(i);
            }
        }
        // Only the ids some finding names are looked up: most reports name
        // none, and keep no list per check.
        if !naming.is_empty() {
            for (i, f) in findings.iter().enumerate() {
                if naming.contains_key(f.id.as_str()) {
                    by_id.entry(f.id.as_str()).or_default().push(i);
                }
            }
        }
        Report {
            outcome,
            rules,
            submission,
            word_file,
            findings,
            by_id,
            naming,
            named: RefCell::default(),
            resolved: RefCell::default(),
            paths: RefCell::default(),
            walks: RefCell::default(),
            relating: relating(&rules.nodes),
        }
    }

    /// A place's engine path (`report.sections[8].text`), spelt out once.
    pub fn path(&self, id: PlaceId) -> Rc<str> {
        if let Some(path) = self.paths.borrow().get(&id) {
            return Rc::clone(path);
        }
        let path: Rc<str> = Rc::from(self.submission.path(id));
        self.paths.borrow_mut().insert(id, Rc::clone(&path));
        path
    }

    /// The input is a Word package (its TOML lines exist only in memory).
    pub fn is_word(&self) -> bool {
        self.word_file.is_some()
    }

    /// Findings, by severity (error, warning, info), then in rule-file order.
    pub fn findings(&self) -> &[&'a Finding] {
        &self.findings
    }

    /// The findings by severity, errors first; only severities that have
    /// some, each group in report order.
    pub fn findings_by_severity(&self) -> Vec<(crate::ir::Severity, Vec<&'a Finding>)> {
        use crate::ir::Severity;
        [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .map(|severity| {
                let group: Vec<&Finding> = self
                    .findings
                    .iter()
                    .copied()
                    .filter(|f| f.severity == severity)
                    .collect();
                (severity, group)
            })
            .filter(|(_, group)| !group.is_empty())
            .collect()
    }

    /// A place of the submission.
    pub fn place(&self, id: PlaceId) -> Option<PlaceView> {
        if id == NO_PLACE {
            return None;
        }
        if let Some(view) = self.resolved.borrow().get(&id) {
            return Some(view.clone());
        }
        let place = self.submission.places.get(id as usize)?;
        let path = self.path(id);
        let view = match self.walk(id) {
            Some(walk) => PlaceView {
                path: path.to_string(),
                document: walk.words(),
                value: walk.value().clone(),
                source: source_place(self.submission, place.span.start, self.word_file.as_deref()),
                span: place.span,
                id,
                phrase: None,
            },
            None => self.place_at(&path, place.span),
        };
        self.resolved.borrow_mut().insert(id, view.clone());
        Some(view)
    }

    /// The walk down the submission to place `id`, carried on from its
    /// parent's; none inside `[review]`, which the schema does not hold
    /// (`place_at` names those by their path).
    fn walk(&self, id: PlaceId) -> Option<Rc<Walk<'a>>> {
        if let Some(walk) = self.walks.borrow().get(&id) {
            return Some(Rc::clone(walk));
        }
        let place = self.submission.places.get(id as usize)?;
        let source = &self.submission.source.text;
        let top = matches!(place.step, Step::Root) || place.parent == NO_PLACE;
        let mut walk = if top {
            if matches!(&place.step, Step::Field(key) if key.text(source) == "review") {
                return None;
            }
            Walk::start(&self.rules.schema, &self.submission.root)
        } else if place.parent >= id {
            // A place's parent is read before it: the walk ends even on a
            // malformed table.
            return None;
        } else {
            Walk::clone(&*self.walk(place.parent)?)
        };
        match &place.step {
            Step::Root => {}
            Step::Field(key) | Step::Key(key) => walk.field(key.text(source)),
            Step::Index(row) => walk.row(*row as usize),
        }
        let walk = Rc::new(walk);
        self.walks.borrow_mut().insert(id, Rc::clone(&walk));
        Some(walk)
    }

    /// The place of a path with a span (the review values of `[review]`
    /// are not in the schema: their path is kept as words, their value
    /// read from the file as written).
    pub fn place_at(&self, path: &str, span: Span) -> PlaceView {
        let value = if path.starts_with("review.") {
            let written = self
                .submission
                .source
                .text
                .get(span.start as usize..span.end as usize)
                .unwrap_or("");
            review_value(written)
        } else {
            walk_path(&self.rules.schema, &self.submission.root, path)
                .value()
                .clone()
        };
        PlaceView {
            path: path.to_string(),
            document: self.words_at(path),
            value,
            source: source_place(self.submission, span.start, self.word_file.as_deref()),
            span,
            id: NO_PLACE,
            phrase: None,
        }
    }

    /// The other cells of the Word table row that holds place `id` (a
    /// Word package's), in words: `年度指标值 100万；分值 10`. The row's
    /// cells are those of the place's row or table that the import found
    /// in the same Word row; empty when there are none.
    pub fn same_word_row(&self, id: PlaceId) -> String {
        let (Some(view), Some(row)) = (self.place(id), self.holder_of(id)) else {
            return String::new();
        };
        let Some(holder) = self.place(row) else {
            return String::new();
        };
        let at = view.source.words();
        let prefix = format!("{} · ", holder.document);
        let mut cells = Vec::new();
        for (child, _) in self.children(row).filter(|(child, _)| *child != id) {
            let Some(cell) = self.place(child) else {
                continue;
            };
            if matches!(
                cell.value,
                Value::Absent | Value::Record(_) | Value::List(_) | Value::Map(_)
            ) || cell.source.words() != at
            {
                continue;
            }
            let label = cell
                .document
                .strip_prefix(&prefix)
                .unwrap_or(&cell.document);
            // A sentence (an actual value written out) by its beginning.
            let shown = shorten_to(&self.shown(&cell.value), ROW_CELL_CHARS);
            cells.push(format!("{label} {shown}"));
        }
        cells.join("；")
    }

    /// The row or table holding place `id` (the place itself when it is
    /// one), from its header to its last cell, for an excerpt to show the
    /// cell among its row's. Nothing at the top level.
    pub fn row_extent(&self, id: PlaceId) -> Option<Span> {
        let row = self.holder_of(id)?;
        let holder = self.submission.places.get(row as usize)?;
        let header = holder.span;
        if matches!(holder.step, Step::Root) || header.start == header.end {
            return None;
        }
        // A table of its own inside the row (`[projects.funds]` in a
        // project) is written under its own header, after the row's cells:
        // not part of the row's lines.
        let text = &self.submission.source.text;
        let own_header = |span: Span| {
            let start = span.start as usize;
            let line = text
                .get(..start)
                .map_or(0, |t| t.rfind('\n').map_or(0, |i| i + 1));
            text.get(line..start)
                .is_some_and(|before| before.trim().is_empty())
                && text.get(start..).is_some_and(|t| t.starts_with('['))
        };
        let end = self
            .children(row)
            .filter(|(_, p)| !own_header(p.span))
            .map(|(_, p)| p.span.end)
            .fold(header.end, u32::max);
        Some(Span::new(header.file, header.start as usize..end as usize))
    }

    /// The row or table holding place `id`: the place itself when it is
    /// one (a record), else its parent.
    fn holder_of(&self, id: PlaceId) -> Option<PlaceId> {
        let place = self.submission.places.get(id as usize)?;
        let is_row = matches!(self.place(id).map(|p| p.value), Some(Value::Record(_)));
        Some(if is_row { id } else { place.parent })
    }

    /// The places directly under `row`. A place's descendants are read
    /// right after it: they are the places that follow it up to the first
    /// that is not its descendant.
    fn children(&self, row: PlaceId) -> impl Iterator<Item = (PlaceId, &Place)> + '_ {
        self.submission
            .places
            .iter()
            .enumerate()
            .skip(row as usize + 1)
            .map_while(|(at, p)| Some((PlaceId::try_from(at).ok()?, p)))
            .take_while(move |(_, p)| p.parent >= row && p.parent != NO_PLACE)
            .filter(move |(_, p)| p.parent == row)
    }

    /// A path in the documents' words.
    pub fn words_at(&self, path: &str) -> String {
        if path.starts_with("review.") {
            return review_words(self.outcome, path);
        }
        if let Some(words) = self.named.borrow().get(path) {
            return words.clone();
        }
        let words = document_words(&self.rules.schema, &self.submission.root, path);
        self.named
            .borrow_mut()
            .insert(path.to_string(), words.clone());
        words
    }

    /// A place in the documents' words: its `PlaceView::document` without
    /// resolving its value and its place in the input file.
    pub fn words(&self, id: PlaceId) -> Option<String> {
        if id == NO_PLACE {
            return None;
        }
        if let Some(view) = self.resolved.borrow().get(&id) {
            return Some(view.document.clone());
        }
        self.submission.places.get(id as usize)?;
        match self.walk(id) {
            Some(walk) => Some(walk.words()),
            None => Some(self.words_at(&self.path(id))),
        }
    }

    /// Every place of a list in the documents' words with where the input
    /// file has it, without repeats: `附件2 … · 得分（第 120 行）`, or for
    /// a Word package `（第2个表格第40行）` (the summary's places, beside
    /// a column naming the file).
    pub fn places_located(&self, ids: &[PlaceId]) -> Vec<String> {
        distinct_places(ids)
            .filter_map(|id| self.place(id))
            .map(|p| located(&p))
            .collect()
    }

    /// The place of a path with a span (a review's), as `places_located`.
    pub fn place_located(&self, path: &str, span: Span) -> String {
        located(&self.place_at(path, span))
    }

    /// The places behind an explanation, with the phrase of a long text
    /// found by the values that produced it.
    pub fn evidence_places(&self, ids: &[PlaceId], values: &[(String, Value)]) -> Vec<PlaceView> {
        // The clues are written out only when some place is a long text.
        let mut clues: Option<Vec<String>> = None;
        let mut places = self.places(ids);
        for p in &mut places {
            // More than `LONG_TEXT` characters: told without counting a
            // long text to its end.
            if let Value::Text(t) = &p.value
                && t.len() > LONG_TEXT
                && t.chars().nth(LONG_TEXT).is_some()
            {
                let clues = clues.get_or_insert_with(|| {
                    values
                        .iter()
                        .filter_map(|(_, v)| match v {
                            Value::Num(n) => Some(n.normalize().to_string()),
                            Value::Text(t) if t.chars().count() < 40 => Some(t.to_string()),
                            _ => None,
                        })
                        .collect()
                });
                p.phrase = Some(phrase_in(t, clues));
            }
        }
        places
    }

    /// Every place of a list, resolved, without repeats.
    pub fn places(&self, ids: &[PlaceId]) -> Vec<PlaceView> {
        distinct_places(ids)
            .filter_map(|id| self.place(id))
            .collect()
    }

    /// A value in words: a record by its name in the documents, lists
    /// joined with `、`.
    pub fn shown(&self, value: &Value) -> String {
        match value {
            Value::Record(r) => self.words(r.place).unwrap_or_else(|| computed_record(r)),
            // A computed ratio carries 28 digits: a reader is given four
            // decimals, marked as rounded (JSON keeps every digit).
            Value::Num(n) if n.normalize().scale() > SHOWN_DECIMALS => format!(
                "≈{}",
                n.round_dp_with_strategy(
                    SHOWN_DECIMALS,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero
                )
                .normalize()
            ),
            Value::List(items) if items.iter().any(|v| matches!(v, Value::Record(_))) => items
                .iter()
                .map(|v| self.shown(v))
                .collect::<Vec<_>>()
                .join("、"),
            v => v.to_string(),
        }
    }

    /// Where a rule is: its file as the reader can open it.
    pub fn rule(&self, span: Span) -> RuleRef {
        let file = self.rules.files.get(usize::from(span.file));
        let (line, column) = file.map_or((0, 0), |f| f.line_col(span.start));
        // The built-in rules' files are named `builtin:2022/sheet.jx`.
        RuleRef {
            file: file.map_or("", |f| f.name.as_str()).to_string(),
            line,
            column,
        }
    }

    /// The total as the sheet's last row shows it (`95`, or `50–100` while
    /// pending), and the points lost (empty when none, or pending).
    pub fn total_and_lost(&self) -> (String, String) {
        let o = self.outcome;
        let total = match o.score {
            Some(s) => super::decimal(s),
            None => format!(
                "{}–{}",
                super::decimal(o.range.0),
                super::decimal(o.range.1)
            ),
        };
        let lost = o
            .score
            .filter(|s| *s < o.max)
            .map(|s| super::decimal(o.max - s))
            .unwrap_or_default();
        (total, lost)
    }

    /// Every criterion at full marks that says why: (title, points, why).
    pub fn full_marks(&self) -> Vec<[String; 3]> {
        fn walk(nodes: &[crate::eval::outcome::NodeOutcome], out: &mut Vec<[String; 3]>) {
            for n in nodes {
                if let Some(why) = &n.full {
                    out.push([n.title.clone(), super::decimal(n.max), why.clone()]);
                }
                walk(&n.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.outcome.nodes, &mut out);
        out
    }

    /// The findings of the checks a criterion names (`related to`), in
    /// report order, each with its number among the report's findings
    /// (1-based, as the Markdown and HTML reports number them).
    pub fn criterion_findings(&self, criterion: &str) -> Vec<(usize, &'a Finding)> {
        let Some((_, related)) = self.relating.iter().find(|(id, _)| *id == criterion) else {
            return Vec::new();
        };
        self.findings
            .iter()
            .enumerate()
            .filter(|(_, f)| related.contains(&f.id))
            .map(|(i, f)| (i + 1, *f))
            .collect()
    }

    /// `criterion_findings`, given with a criterion's first lost point
    /// only: the relation is the criterion's, not one deduction's (a
    /// criterion that lost points twice names them once).
    pub fn lost_point_findings(
        &self,
        node: &NodeOutcome,
        d: &Deduction,
    ) -> Vec<(usize, &'a Finding)> {
        match node.deductions.first() {
            Some(first) if std::ptr::eq(first, d) => self.criterion_findings(&node.id),
            _ => Vec::new(),
        }
    }

    /// The findings that are the same matter as `f`: of a check it names in
    /// `related to` (or that names it), about the same table or row.
    pub fn related(&self, f: &Finding) -> Vec<&'a Finding> {
        let paths = |g: &Finding| -> Vec<Rc<str>> {
            g.places
                .iter()
                .filter(|p| (**p as usize) < self.submission.places.len())
                .map(|p| self.path(*p))
                .collect()
        };
        // One inside the other (a row and its cell), or cells of one record.
        let near = |a: &str, b: &str| {
            let inside = |outer: &str, inner: &str| {
                inner.starts_with(outer)
                    && inner
                        .get(outer.len()..)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
            };
            // Compared in place: no copy of either parent.
            fn parent(p: &str) -> &str {
                p.rfind('.').and_then(|i| p.get(..i)).unwrap_or(p)
            }
            inside(a, b) || inside(b, a) || parent(a) == parent(b)
        };
        // The findings of a check `f` names, and those naming `f`'s check,
        // in report order.
        let mut kin: Vec<usize> = f
            .related
            .iter()
            .filter_map(|id| self.by_id.get(id.as_str()))
            .chain(self.naming.get(f.id.as_str()))
            .flatten()
            .copied()
            .collect();
        if kin.is_empty() {
            return Vec::new();
        }
        kin.sort_unstable();
        kin.dedup();
        let mine = paths(f);
        kin.into_iter()
            .filter_map(|i| self.findings.get(i).copied())
            .filter(|g| !std::ptr::eq(*g, f))
            .filter(|g| f.related.contains(&g.id) || g.related.contains(&f.id))
            .filter(|g| paths(g).iter().any(|p| mine.iter().any(|m| near(m, p))))
            .collect()
    }

    /// A rule statement's named values, then the parameters its text reads
    /// (`deadline`, `tolerance`): a threshold or a date in the message is
    /// traced to the parameter the bureau sets, with its value.
    pub fn with_params(&self, span: Span, values: &[(String, Value)]) -> Vec<(String, Value)> {
        let mut out = values.to_vec();
        out.extend(
            self.params_read(span, values)
                .into_iter()
                .map(|(name, v, _)| (name.to_string(), v.clone())),
        );
        out
    }

    /// The parameters a rule statement's text reads that are not among its
    /// named values, each once, in the order the text first names them,
    /// with where each is set.
    pub fn params_read(
        &self,
        span: Span,
        values: &[(String, Value)],
    ) -> Vec<(&'a str, &'a Value, Option<Span>)> {
        let rules = self.rules;
        let found = rules.params_read.get_or_scan(span, || {
            let text = rules
                .files
                .get(usize::from(span.file))
                .and_then(|f| f.text.get(span.start as usize..span.end as usize))
                .unwrap_or("");
            let mut found: Vec<(u32, Option<Span>)> = Vec::new();
            // Names are ASCII: other characters only part them.
            for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if !word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                    continue;
                }
                let at = rules
                    .params
                    .binary_search_by(|(n, _, _)| n.as_str().cmp(word))
                    .ok()
                    .and_then(|i| u32::try_from(i).ok());
                if let Some(at) = at
                    && !found.iter().any(|(i, _)| *i == at)
                {
                    let def = rules.definitions.iter().find(|d| d.name == word);
                    found.push((at, def.map(|d| d.extent)));
                }
            }
            found
        });
        found
            .iter()
            .filter_map(|(i, def)| Some((rules.params.get(*i as usize)?, *def)))
            .filter(|((name, _, _), _)| !values.iter().any(|(n, _)| n == name))
            .map(|((name, value, _), def)| (name.as_str(), value, def))
            .collect()
    }

    /// Where a parameter is set; none for any other name.
    pub fn param_rule(&self, name: &str) -> Option<RuleRef> {
        self.rules.param(name)?;
        let def = self.rules.definitions.iter().find(|d| d.name == name)?;
        Some(self.rule(def.extent))
    }

    /// Where a parameter is set: `（参数，params.jx 第 4 行）`. Nothing for
    /// any other name.
    pub fn param_source(&self, name: &str) -> Option<String> {
        let at = self.param_rule(name)?;
        let file = at.file.rsplit(['/', '\\']).next().unwrap_or(&at.file);
        Some(format!("（参数，{file} 第 {} 行）", at.line))
    }

    /// A named value as shown beside a rule: `late = 3`.
    pub fn named(&self, name: &str, value: &Value) -> String {
        format!("{name} = {}", shorten(&self.shown(value)))
    }

    /// A named value as `named` shows it, and for a number the rules
    /// computed, the cells it came from.
    pub fn named_traced(
        &self,
        name: &str,
        value: &Value,
        computed_from: &[(String, Vec<PlaceId>)],
    ) -> String {
        let from = computed_from
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, places)| self.derivation(value, places))
            .or_else(|| self.param_source(name))
            .unwrap_or_default();
        format!("{}{from}", self.named(name, value))
    }

    /// `（据 全年执行数 96.89、全年预算数 100）`: the cells a computed number
    /// was read from, each by its column's words and its value. Nothing
    /// for a number that is one cell as read (the cell says itself).
    pub fn derivation(&self, value: &Value, places: &[PlaceId]) -> Option<String> {
        let ids: Vec<PlaceId> = distinct_places(places).collect();
        // Only the cells named are resolved into words.
        let views: Vec<PlaceView> = ids
            .iter()
            .take(MAX_CELLS_TRACED)
            .filter_map(|id| self.place(*id))
            .collect();
        if let ([one], Value::Num(n)) = (views.as_slice(), value) {
            if matches!(&one.value, Value::Num(m) if m == n) {
                return None;
            }
        }
        // A cell is named by its column; where two cells named would have
        // the same words (分值 of two rows), each is named by its row too.
        let row_and_column = |p: &PlaceView| -> String {
            let mut parts = p.document.rsplit(" · ");
            let column = parts.next().unwrap_or(&p.document);
            match parts.next() {
                Some(row) => format!("{row} · {column}"),
                None => column.to_string(),
            }
        };
        let columns: Vec<&str> = views.iter().map(|p| column_words(&p.document)).collect();
        let repeated = columns
            .iter()
            .enumerate()
            .any(|(i, c)| columns.iter().skip(i + 1).any(|d| d == c));
        // Cells of several tables (the 一级指标分值 of 附件2 and of 附件4)
        // that read alike by row and column are named with their table.
        let table = |p: &PlaceView| p.document.split(" · ").next().unwrap_or("").to_string();
        let tables_differ = views
            .iter()
            .any(|p| views.first().is_some_and(|f| table(f) != table(p)));
        let parts: Vec<String> = views
            .iter()
            .map(|p| {
                let column: std::borrow::Cow<'_, str> = if repeated && tables_differ {
                    p.document.as_str().into()
                } else if repeated {
                    row_and_column(p).into()
                } else {
                    column_words(&p.document).into()
                };
                let column = &*column;
                match &p.value {
                    // A number found in a paragraph: the paragraph is named,
                    // not quoted (the evidence below quotes its phrase).
                    Value::Text(t) if is_paragraph(t) => format!("{column}中的文字"),
                    // A long cell (a 三级指标's name): its beginning, quoted.
                    Value::Text(t) if t.chars().count() > LONGEST_TEXT_TRACED => {
                        let start: String = t.trim().chars().take(LONGEST_TEXT_TRACED).collect();
                        format!("{column}“{start}…”")
                    }
                    // The unit's own figure, as written.
                    Value::Num(n) => format!("{column} {}", n.normalize()),
                    v => format!("{column} {}", shorten(&self.shown(v))),
                }
            })
            .collect();
        if parts.is_empty() {
            return None;
        }
        // The engine keeps a value's first `MAX_PLACES_KEPT` cells: at
        // that many, there may have been more.
        let more = match ids.len() {
            n if n >= crate::eval::MAX_PLACES_KEPT => format!(" 等至少 {n} 格"),
            n if n > MAX_CELLS_TRACED => format!(" 等 {n} 格"),
            _ => String::new(),
        };
        Some(format!("（据 {}{more}）", parts.join("、")))
    }
}

/// A report for people drawn in one backend's markup: the parts in the
/// order every backend lays them out (`lay_out`), each drawn its own way.
pub(crate) trait Draw {
    /// A part's heading, numbered 一、二、….
    fn heading(&mut self, number: &str, title: &str);
    /// The unit, year, total, status.
    fn header(&mut self, report: &Report<'_>);
    /// The criteria as on the printed sheet.
    fn criteria(&mut self, report: &Report<'_>);
    /// Each reviewer's judgment: (criterion, reviewer, tier, score, note, how combined).
    fn judgments(&mut self, rows: &[[String; 7]]);
    /// Why each automatic criterion at full marks lost nothing:
    /// (criterion, points, why).
    fn full_marks(&mut self, rows: &[[String; 3]]);
    /// One lost point.
    fn deduction(
        &mut self,
        number: usize,
        node: &crate::eval::outcome::NodeOutcome,
        d: &crate::eval::outcome::Deduction,
        report: &Report<'_>,
    );
    /// A criterion awaiting a judgment.
    fn pending(
        &mut self,
        number: usize,
        node: &crate::eval::outcome::NodeOutcome,
        report: &Report<'_>,
    );
    /// The findings, by severity.
    fn findings(&mut self, report: &Report<'_>);
    /// What the import from Word noted, one line each.
    fn import_notes(&mut self, notes: &[String]);
}

/// Longest text of a cell quoted in a derivation.
const LONGEST_TEXT_TRACED: usize = 16;

/// Texts longer than a table's cell usually is are paragraphs.
const LONGEST_CELL: usize = 60;

/// A report's paragraph rather than a table's cell: several lines, or
/// longer than cells are.
fn is_paragraph(text: &str) -> bool {
    text.trim().contains('\n') || text.chars().count() > LONGEST_CELL
}

/// Cells named in a derivation; more are counted.
const MAX_CELLS_TRACED: usize = 6;

/// Decimals a computed number is shown with in the values of a report.
const SHOWN_DECIMALS: u32 = 4;

/// A record the rules computed (no place in the documents), by its values:
/// a quantity (`quantity(…)`: comparator, number, unit) as it is written,
/// `≥100万`; any other record its values in order, `｛…｝`.
fn computed_record(r: &crate::data::Record) -> String {
    match &*r.fields {
        [Value::Text(comparator), Value::Num(n), Value::Text(unit)] => {
            format!("{comparator}{}{unit}", n.normalize())
        }
        fields => format!(
            "｛{}｝",
            fields
                .iter()
                .filter(|v| !matches!(v, Value::Absent))
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("，")
        ),
    }
}

/// Chinese ordinals for the report's parts.
const PARTS: [&str; 8] = ["一", "二", "三", "四", "五", "六", "七", "八"];

/// The parts of a report for people, in order: header, the sheet, the
/// reviewers' judgments, lost points, criteria awaiting a judgment,
/// findings.
pub(crate) fn lay_out(draw: &mut impl Draw, report: &Report<'_>) {
    let mut part = PARTS.iter();
    let mut next = || *part.next().unwrap_or(&"·");
    draw.header(report);
    draw.heading(next(), "评分表");
    draw.criteria(report);
    let limit = report.rules.reviews.disagree_above.map(|(l, _)| l);
    let judged = super::snippet::judgment_rows(report.outcome, limit);
    if !judged.is_empty() {
        draw.heading(next(), "评审情况");
        draw.judgments(&judged);
    }
    let full = report.full_marks();
    if !full.is_empty() {
        draw.heading(next(), "满分说明");
        draw.full_marks(&full);
    }
    let mut lost = Vec::new();
    let mut pending = Vec::new();
    for node in &report.outcome.nodes {
        super::snippet::walk(node, &mut lost, &mut pending);
    }
    if !lost.is_empty() {
        draw.heading(next(), "失分说明");
        for (i, (node, d)) in lost.iter().enumerate() {
            draw.deduction(i + 1, node, d, report);
        }
    }
    if !pending.is_empty() {
        draw.heading(next(), "待评审项");
        for (i, node) in pending.iter().enumerate() {
            draw.pending(i + 1, node, report);
        }
    }
    draw.heading(next(), "检查发现");
    draw.findings(report);
    let notes = super::place::import_notes(report.submission);
    if !notes.is_empty() {
        draw.heading(next(), IMPORT_NOTES_HEADING);
        draw.import_notes(&notes);
    }
}

/// The part listing what the import from Word noted.
pub const IMPORT_NOTES_HEADING: &str = "Word 材料导入说明";

/// Said before the import's notes.
pub const IMPORT_NOTES_LEAD: &str =
    "材料由 Word 文件导入；以下是导入时发现的情况（“缺少”“警告”请对照 Word 原件核实）：";

/// Said before a criterion's related findings (`related to`): what the
/// checks found that bears on the criterion.
pub const RELATED_FINDING: &str = "相关检查发现";

/// A cell's column in words: the last part of its place's words.
fn column_words(document: &str) -> &str {
    document.rsplit(" · ").next().unwrap_or(document)
}

/// A place in words with where its file has it (the summaries' 材料位置:
/// the file is in the row's 文件 column).
fn located(p: &PlaceView) -> String {
    format!("{}（{}）", p.document, p.source.in_file_words())
}

/// The order every format lists findings in: by severity (error, warning,
/// info), then in rule-file order.
pub(crate) fn report_order(f: &Finding) -> (crate::ir::Severity, u16, u32) {
    (f.severity, f.span.file, f.span.start)
}

/// The criteria of a tree that name checks, with those checks.
pub(crate) fn relating(nodes: &[crate::ir::NodeIr]) -> Vec<(&str, &[String])> {
    let mut out = Vec::new();
    for n in nodes {
        if !n.related.is_empty() {
            out.push((n.id.as_str(), n.related.as_slice()));
        }
        if let crate::ir::NodeIrKind::Section(children) = &n.kind {
            out.extend(relating(children));
        }
    }
    out
}

/// A criterion's related finding in words: `相关检查发现（提示）：…`, with
/// its number among the report's findings where the format numbers them.
pub(crate) fn related_finding_words(number: Option<usize>, f: &Finding) -> String {
    let severity = super::snippet::severity_word(f.severity);
    match number {
        Some(n) => format!(
            "{RELATED_FINDING}（检查发现第 {n} 条，{severity}）：{}",
            f.message
        ),
        None => format!("{RELATED_FINDING}（{severity}）：{}", f.message),
    }
}

/// How a reviewer gives a pending criterion its score, in the bureau's words.
pub const HOW_TO_REVIEW: &str =
    "由评审人在评审表（jixiao review 生成）中填写档次、得分和评审意见，评分时一并读入";

/// `review.problems.score` → `评审意见 · 绩效评价报告反映问题情况 · 得分`.
fn review_words(outcome: &Outcome, path: &str) -> String {
    let mut parts = path.split('.').skip(1);
    let id = parts.next().unwrap_or("");
    fn find<'o>(nodes: &'o [crate::eval::outcome::NodeOutcome], id: &str) -> Option<&'o str> {
        nodes.iter().find_map(|n| {
            if n.id == id {
                Some(n.title.as_str())
            } else {
                find(&n.children, id)
            }
        })
    }
    let title = find(&outcome.nodes, id).unwrap_or(id);
    let field = match parts.next() {
        Some("score") => "得分",
        Some("tier") => "档次",
        Some("note") => "评审意见",
        Some(other) => other,
        None => "",
    };
    format!("评审意见 · {title} · {field}")
}

/// At most 120 characters.
pub fn shorten(text: &str) -> String {
    shorten_to(text, 120)
}

/// At most `max` characters, ending in `…` where cut.
fn shorten_to(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or("")),
        None => text.to_string(),
    }
}

/// Place ids in their order, each once, without `NO_PLACE`. An
/// explanation names a few places: an earlier one is looked for in the
/// list itself. A finding may point at every row of a long table: such a
/// list is told apart with a set, not a search of those seen.
fn distinct_places(ids: &[PlaceId]) -> impl Iterator<Item = PlaceId> + '_ {
    let mut seen: Option<HashSet<PlaceId>> = (ids.len() > FEW_PLACES)
        .then(|| HashSet::with_capacity_and_hasher(ids.len(), Default::default()));
    ids.iter().enumerate().filter_map(move |(i, id)| {
        let first = match &mut seen {
            Some(seen) => seen.insert(*id),
            None => !ids.get(..i).unwrap_or_default().contains(id),
        };
        (*id != NO_PLACE && first).then_some(*id)
    })
}

/// Places of an explanation told apart without a set.
const FEW_PLACES: usize = 16;

type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// A `[review]` value as written: a number exactly (`4`, `4.5`), a plain
/// text without its quotes; anything else is not shown as a value.
fn review_value(written: &str) -> Value {
    let written = written.trim();
    if let Ok(n) = written.parse::<rust_decimal::Decimal>() {
        return Value::Num(n);
    }
    match written.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(text) if !text.contains(['\\', '"']) => Value::text(text),
        _ => Value::Absent,
    }
}

/// The hints of a judged criterion's deduction: what the reviewers were
/// shown beside what they judged (a deduction by the rules explains
/// itself by its values).
pub fn judged_hints<'n>(
    node: &'n NodeOutcome,
    d: &Deduction,
) -> impl Iterator<Item = (&'n String, &'n String)> {
    let judged = matches!(d.kind, DeductionKind::Judged | DeductionKind::Override);
    node.hints
        .iter()
        .filter(move |(_, v)| judged && !v.trim().is_empty())
        .map(|(l, v)| (l, v))
}

#[cfg(test)]
mod tests {
    use super::{CONTEXT, Phrase, first_clue, phrase_in};

    /// The phrase as first written: the text copied out as characters.
    fn by_characters(text: &str, clues: &[String]) -> Phrase {
        let chars: Vec<char> = text.chars().collect();
        let chars_to = |at: usize| text.get(..at).unwrap_or_default().chars().count();
        let (start, end) = first_clue(text, clues)
            .map(|(a, b)| (chars_to(a), chars_to(b)))
            .unwrap_or((0, 0));
        let from = start.saturating_sub(CONTEXT);
        let to = (end + CONTEXT * 2).min(chars.len());
        let piece = |a: usize, b: usize| -> String {
            chars
                .get(a..b)
                .unwrap_or_default()
                .iter()
                .map(|c| if *c == '\n' { ' ' } else { *c })
                .collect()
        };
        Phrase {
            before: format!("{}{}", if from > 0 { "…" } else { "" }, piece(from, start)),
            phrase: piece(start, end),
            after: format!(
                "{}{}",
                piece(end, to),
                if to < chars.len() { "…" } else { "" }
            ),
            range: (start, end),
        }
    }

    proptest::proptest! {
        #[test]
        fn any_phrase_is_found_as_by_characters(
            text in "[前后a1\n。]{0,120}",
            clues in proptest::collection::vec("[前后a1\n]{1,3}", 0..3),
        ) {
            proptest::prop_assert_eq!(phrase_in(&text, &clues), by_characters(&text, &clues));
        }
    }

    #[test]
    fn a_phrase_is_found_as_by_characters() {
        let long = "全年预算执行率为95%，项目\n完成情况良好。".repeat(6);
        // The context after the phrase ends with the text, or one before.
        let exact = format!("{}100{}", "前".repeat(30), "后".repeat(48));
        let one_more = format!("{}100{}", "前".repeat(30), "后".repeat(49));
        let texts = [
            "",
            "短",
            long.as_str(),
            exact.as_str(),
            one_more.as_str(),
            "abc得分为100分。全年预算执行情况良好，各项指标均已完成，绩效目标基本实现。",
        ];
        let clue_sets: [&[&str]; 6] = [
            &[],
            &["100"],
            &["项目"],
            &["不在文中", "良好"],
            &["5", "95%"],
            &["abc"],
        ];
        for text in texts {
            for clues in clue_sets {
                let clues: Vec<String> = clues.iter().map(|c| c.to_string()).collect();
                assert_eq!(
                    phrase_in(text, &clues),
                    by_characters(text, &clues),
                    "{text:?} {clues:?}"
                );
            }
        }
    }
}
