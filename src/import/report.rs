//! 附件3 部门整体支出绩效自评报告 → `[report]`: the title, the nine
//! sections, each with its prose, and the report's own list of attachments.
//!
//! Sections are found by their headings, whatever the Word style: "七、" by
//! its number as the template numbers them; "（七）", "7.", "7、",
//! "第七部分", "第七章" and a bold paragraph by the section's words in the
//! year's `templates.toml` (or by their number once the report's sections
//! are seen to be numbered that way). A paragraph written like the report's
//! headings that is none of the sections stays a heading of its own, with a
//! warning: a section's text never swallows the next heading.

use super::Context;
use super::heading_number::{Numbered, Style, numbered};
use super::label::{self, compact};
use super::recognise::ReportPart;
use super::template::{FormKind, Templates};
use super::warning::Warning;
use super::write::{Section, Value};
use crate::diag::Code;

/// What the report gave.
pub struct Report {
    /// `[report]` and its sections.
    pub sections: Vec<Section>,
    /// The list of attachments: indices into `Templates::attachments`, in
    /// the report's order; `None` when the report has no list.
    pub listed: Option<Vec<usize>>,
}

/// One section as read.
struct Part {
    /// The template's section number; `None` for a paragraph that looks
    /// like a heading but is none of the template's sections.
    number: Option<u32>,
    heading: String,
    /// The heading without its number ("存在的问题及原因分析").
    title: String,
    /// Its paragraph's position, for the warnings.
    at: usize,
    lines: Vec<String>,
}

/// Longest heading text (after its number) that still looks like a heading.
const HEADING_CHARS: usize = 40;

/// Read the report.
pub fn read(part: &ReportPart, place: &str, cx: &mut Context<'_>) -> Report {
    let t = cx.t;
    let mut head = Section::table("report").comment(place.to_string());
    match &part.title {
        Some(title) => head.set("title", Value::Text(title.clone())),
        None => cx.warn(Warning::new(
            Code::ImportMissingTitle,
            place,
            "找不到报告标题（以“绩效自评报告”结尾的一行），报告标题未导入",
        )),
    }
    let mut parts: Vec<Part> = Vec::new();
    let mut preamble: Vec<String> = Vec::new();
    let mut list: Option<Vec<String>> = None;
    // The styles the template's sections were found in: a paragraph in one
    // of them is a heading even when it matches no section.
    let mut styles: Vec<Style> = Vec::new();
    // The lists inside the current section (one per numbering style, a
    // list within a list in another): the last number of each.
    let mut list_items: Vec<(Style, u32)> = Vec::new();
    for (i, p) in part.paragraphs.iter().enumerate() {
        let text = p.text.trim();
        if text.is_empty() {
            continue;
        }
        if let Some(items) = list.as_mut() {
            items.push(text.to_string());
            continue;
        }
        // “附件：” (or “附：”, “报告附件：”) on a line of its own, the
        // attachments' titles below it: the list, in the words units use
        // instead of the template's lead-in. Its titles are not the last
        // section's text.
        let next = || {
            part.paragraphs
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .find(|q| !q.text.trim().is_empty())
        };
        // The lead may carry the first item (“附件：1、…基础数据表”) or a
        // count (“附件：（共6份）”) on its own line.
        let (lead, rest) = text.split_once(['：', ':']).unwrap_or((text, ""));
        let rest = rest.trim();
        if is_attachment_lead(lead, t) {
            if !rest.is_empty() && !titles_in(rest, t).is_empty() {
                list = Some(vec![rest.to_string()]);
                continue;
            }
            let only_a_count =
                rest.is_empty() || (rest.contains('份') && rest.chars().count() <= 12);
            if only_a_count && next().is_some_and(|q| !titles_in(&q.text, t).is_empty()) {
                list = Some(Vec::new());
                continue;
            }
        }
        let key = compact(text);
        if let Some(l) = t.report.attachment_list.iter().find(|l| {
            let l = compact(l);
            !l.is_empty() && key.starts_with(&l)
        }) {
            // "报告需要以下附件：1、……" — items may follow on the same line.
            let after = key
                .get(compact(l).len()..)
                .unwrap_or("")
                .trim_start_matches(['：', ':', '。', '，', ','])
                .to_string();
            list = Some(if after.is_empty() {
                Vec::new()
            } else {
                vec![after]
            });
            continue;
        }
        let form = numbered(text, p.bold);
        // "3、专项资金管理情况分析", an item of section 二, was taken for
        // section 三 by its number; the heading with section 三's own
        // words comes after it: the item goes back into section 二.
        if let Some(f) = form.as_ref()
            && let Some(n) = f.number
            && names_section(f.rest, n, t)
            && parts.len() > 1
            && parts
                .last()
                .is_some_and(|s| s.number == Some(n) && !names_section(&s.title, n, t))
            && let Some(item) = parts.pop()
            && let Some(before) = parts.last_mut()
        {
            before.lines.push(item.heading);
            before.lines.extend(item.lines);
        }
        let last = parts.iter().filter_map(|s| s.number).max().unwrap_or(0);
        // A list inside a section ("（一）基本支出情况", "（二）项目支出情况"
        // under "（二）一般公共预算支出情况"): it starts again at 1 and goes
        // on one by one; its items are the section's text unless one
        // carries a section's own words.
        let item = form
            .as_ref()
            .and_then(|f| Some((f.style, f.number?, f.rest)));
        if let Some((style, n, rest)) = item {
            let continues =
                (n == 1 && last >= 1) || list_items.iter().any(|(s, k)| *s == style && n == k + 1);
            if continues && !names_section(rest, n, t) {
                list_items.retain(|(s, _)| *s != style);
                list_items.push((style, n));
                if let Some(s) = parts.last_mut() {
                    s.lines.push(text.to_string());
                    continue;
                }
            }
        }
        if let Some(h) = heading(text, form.as_ref(), last, &styles, cx) {
            list_items.clear();
            if !styles.contains(&h.style) {
                styles.push(h.style);
            }
            parts.push(Part {
                number: Some(h.number),
                heading: h.heading,
                title: h.title,
                at: p.number,
                lines: h.rest.into_iter().collect(),
            });
            continue;
        }
        if let Some(f) = form.as_ref().filter(|f| looks_like_heading(f, &styles)) {
            cx.warn(
                Warning::new(
                    Code::ImportUnknownHeading,
                    format!("{place}，第{}段", p.number),
                    format!(
                        "“{text}”像是标题，但不是模板中的任何部分；已作为单独一部分照录，未并入上一部分的正文"
                    ),
                )
                .help("如它是模板中某一部分的标题，请改用模板的措辞（如“七、存在的问题及原因分析”）；如它是正文，去掉编号或加粗"),
            );
            parts.push(Part {
                number: None,
                heading: text.to_string(),
                title: f.rest.trim().to_string(),
                at: p.number,
                lines: Vec::new(),
            });
            continue;
        }
        match parts.last_mut() {
            Some(s) => s.lines.push(text.to_string()),
            None => preamble.push(text.to_string()),
        }
    }
    if !preamble.is_empty() {
        cx.warn(Warning::new(
            Code::ImportTextBeforeSections,
            place,
            format!(
                "标题与“一、”之间的 {} 段文字不属于任何部分，未导入：“{}…”",
                preamble.len(),
                preamble
                    .first()
                    .map(|s| s.chars().take(20).collect::<String>())
                    .unwrap_or_default()
            ),
        ));
    }
    check_sections(&parts, place, cx);
    cx.attach_pending(&mut head);
    let mut sections = vec![head];
    for s in parts {
        // Where the section starts, as the warnings say it: reports cite
        // a section's text by it.
        let mut section = Section::array("report.sections").comment(format!("第{}段起", s.at));
        section.set("heading", Value::Text(s.heading));
        if !s.lines.is_empty() {
            section.set("text", Value::Text(s.lines.join("\n")));
        }
        sections.push(section);
    }
    let listed = list.map(|items| attachment_list(&items, place, cx));
    Report { sections, listed }
}

/// Does `rest` start with the template's words for section `n` (1-based)?
fn names_section(rest: &str, n: u32, t: &super::Templates) -> bool {
    section_words(rest, n, t).is_some()
}

/// How many characters of `rest` (white space aside) are the template's
/// words for section `n`, when `rest` starts with them.
fn section_words(rest: &str, n: u32, t: &super::Templates) -> Option<usize> {
    let key: String = compact(rest).chars().map(label::fold).collect();
    let i = usize::try_from(n).ok()?.checked_sub(1)?;
    let k: String = compact(t.report.headings.get(i)?)
        .chars()
        .map(label::fold)
        .collect();
    (!k.is_empty() && key.starts_with(&k)).then(|| k.chars().count())
}

/// Short enough for a heading, and not a sentence.
fn is_short(rest: &str) -> bool {
    let rest = rest.trim();
    !rest.is_empty()
        && rest.chars().count() <= HEADING_CHARS
        && !rest.ends_with(['。', '；', ';', '，', ','])
}

/// A paragraph that is none of the template's sections but is written as
/// the report's headings are: "第十部分" or "第十章" (only ever headings),
/// or a short paragraph in a style the report's sections use — not a
/// "（一）" under a "一、" section, which is the section's own text.
fn looks_like_heading(form: &Numbered<'_>, styles: &[Style]) -> bool {
    if !is_short(form.rest) {
        return false;
    }
    match form.style {
        Style::Part => true,
        Style::Plain => false,
        // As `heading` takes a section by its number: only in the style
        // the sections start in ("3、" among "一、" sections is an item).
        s @ (Style::Bracketed | Style::Arabic) => styles.first() == Some(&s),
        s => styles.contains(&s),
    }
}

/// The template section a heading's text names: its index, and how many
/// bytes of `rest` the heading takes. A heading names a section when it
/// starts with the section's template words ("存在的问题及原因分析：……"),
/// or, when short, contains them ("七、关于存在的问题及原因分析").
fn section_named(rest: &str, t: &super::Templates) -> Option<(usize, usize)> {
    let key: String = compact(rest).chars().map(label::fold).collect();
    let template_key = |h: &String| -> String { compact(h).chars().map(label::fold).collect() };
    for (i, h) in t.report.headings.iter().enumerate() {
        let k = template_key(h);
        if !k.is_empty() && key.starts_with(&k) {
            return Some((i, cut_after(rest, k.chars().count())));
        }
    }
    if is_short(rest) {
        return t
            .report
            .headings
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                let k = template_key(h);
                !k.is_empty() && key.contains(&k)
            })
            .max_by_key(|(_, h)| h.chars().count())
            .map(|(i, _)| (i, rest.len()));
    }
    None
}

/// The byte offset in `rest` after `wanted` non-whitespace characters.
fn cut_after(rest: &str, wanted: usize) -> usize {
    let mut taken = 0;
    for (i, c) in rest.char_indices() {
        if taken == wanted {
            return i;
        }
        if !c.is_whitespace() {
            taken += 1;
        }
    }
    rest.len()
}

/// A paragraph found to be a section's heading.
struct Heading {
    number: u32,
    style: Style,
    /// As written, number included.
    heading: String,
    /// Without its number.
    title: String,
    /// Text after the heading in the same paragraph.
    rest: Option<String>,
}

/// The heading a paragraph is, if it is one. Numbers only go up. "七、"
/// headings are found by their number, as the template numbers them; the
/// other styles by the section's words from the year's templates, or by
/// their number when the report's sections are numbered that way (or
/// "第七部分", which is never anything but a heading).
fn heading(
    text: &str,
    form: Option<&Numbered<'_>>,
    last: u32,
    styles: &[Style],
    cx: &Context<'_>,
) -> Option<Heading> {
    let t = cx.t;
    let form = form?;
    let count = u32::try_from(t.report.headings.len()).unwrap_or(u32::MAX);
    let in_range = |n: u32| n > last && n <= count.saturating_add(3);
    let rest = form.rest;
    let split = |number: u32, cut: usize| {
        let after = rest
            .get(cut..)
            .unwrap_or("")
            .trim_start_matches(['：', ':', '。', ' ', '\u{3000}'])
            .trim();
        let heading_len = text.len() - rest.len() + cut;
        Some(Heading {
            number,
            style: form.style,
            heading: text.get(..heading_len).unwrap_or(text).trim().to_string(),
            title: rest.get(..cut).unwrap_or(rest).trim().to_string(),
            rest: (!after.is_empty()).then(|| after.to_string()),
        })
    };
    let template_key = |i: usize| -> Option<String> {
        let k: String = compact(t.report.headings.get(i)?)
            .chars()
            .map(label::fold)
            .collect();
        (!k.is_empty()).then_some(k)
    };
    let rest_key: String = compact(rest).chars().map(label::fold).collect();
    // The number and the template's words agree: "（七）存在的问题及原因分析：……".
    if let Some(n) = form.number.filter(|n| in_range(*n)) {
        if let Some(words) = section_words(rest, n, t) {
            return split(n, cut_after(rest, words));
        }
    }
    match form.style {
        Style::Chinese => {
            // As before: any short "七、" line next in sequence.
            let n = form.number.filter(|n| in_range(*n))?;
            (rest.chars().count() <= HEADING_CHARS).then(|| Heading {
                number: n,
                style: Style::Chinese,
                heading: text.trim().to_string(),
                title: rest.trim().to_string(),
                rest: None,
            })
        }
        Style::Plain => {
            // Only a paragraph that is exactly a template heading.
            let key = rest_key.trim_end_matches(['：', ':']);
            let i = (0..t.report.headings.len())
                .find(|i| template_key(*i).is_some_and(|k| k == key))?;
            let n = u32::try_from(i + 1).ok().filter(|n| *n > last)?;
            split(n, rest.len())
        }
        _ => {
            if !is_short(rest) {
                return None;
            }
            if let Some((i, cut)) = section_named(rest, t) {
                let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
                if n > last {
                    return split(n, cut);
                }
            }
            // By its number alone only in the style the report's sections
            // start in: a "（三）" under a section numbered "（二）" among
            // "一、" sections is that section's own item.
            let by_number = match form.style {
                Style::Part => true,
                Style::Bracketed | Style::Arabic => styles.first() == Some(&form.style),
                _ => false,
            };
            let n = form.number.filter(|n| by_number && in_range(*n))?;
            split(n, rest.len())
        }
    }
}

/// The template's sections one heading names together, listed with 、
/// and their shared ending written once: “三、政府性基金、国有资本经营、
/// 社会保险基金预算支出情况” is the third, fourth and fifth. A piece
/// before the last covers a section whose heading is the piece followed by
/// an ending the last piece has (“预算支出情况”). None for a heading that
/// lists nothing.
fn sections_together(title: &str, t: &super::Templates) -> Vec<usize> {
    let key: String = compact(title).chars().map(label::fold).collect();
    let pieces: Vec<&str> = key.split('、').filter(|p| !p.is_empty()).collect();
    let Some((last, before)) = pieces.split_last() else {
        return Vec::new();
    };
    if before.is_empty() {
        return Vec::new();
    }
    let mut covered = Vec::new();
    for (i, h) in t.report.headings.iter().enumerate() {
        let h: String = compact(h).chars().map(label::fold).collect();
        let by_piece = before.iter().any(|p| {
            h.strip_prefix(p)
                .is_some_and(|ending| !ending.is_empty() && last.ends_with(ending))
        });
        if by_piece || (!h.is_empty() && last.ends_with(h.as_str())) {
            covered.push(i);
        }
    }
    // One section found is a heading that happens to hold a 、, not a list.
    if covered.len() < 2 {
        covered.clear();
    }
    covered
}

/// Every template section present, with the template's words.
fn check_sections(parts: &[Part], place: &str, cx: &mut Context<'_>) {
    let t = cx.t;
    // Sections a heading names together are present, under its number.
    let together: Vec<usize> = parts
        .iter()
        .flat_map(|p| sections_together(&p.title, t))
        .collect();
    for (i, wanted) in t.report.headings.iter().enumerate() {
        if together.contains(&i) {
            continue;
        }
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let numeral = numeral(number);
        // A part whose title is this section's, under another number (the
        // sections before it deleted and the rest renumbered): said where
        // that part is found, not as a section missing.
        let renumbered = parts.iter().any(|p| {
            p.number != Some(number) && section_named(&p.title, t).map(|(j, _)| j) == Some(i)
        });
        let missing = |cx: &mut Context<'_>| {
            cx.warn(
                Warning::new(
                    Code::ImportMissingSection,
                    place,
                    format!("报告中没有第{numeral}部分“{numeral}、{wanted}”"),
                )
                .help(format!(
                    "如确有此部分，检查它的标题：写成“{numeral}、{wanted}”，或“（{numeral}）”“{number}.”“第{numeral}部分”后接“{wanted}”，或单独一段加粗的“{wanted}”"
                )),
            );
        };
        match parts.iter().find(|p| p.number == Some(number)) {
            None if renumbered => {}
            None => missing(cx),
            Some(p) => {
                let at = format!("{place}，第{}段", p.at);
                let named = section_named(&p.title, t)
                    .map(|(j, _)| j)
                    .filter(|j| *j != i);
                // Its number is this section's, its title another's: this
                // section is missing unless some other part has its title.
                if named.is_some() && !renumbered {
                    missing(cx);
                }
                if let Some(j) = named {
                    let other = self::numeral(u32::try_from(j + 1).unwrap_or(u32::MAX));
                    cx.warn(Warning::note(
                        Code::ImportRenamedHeading,
                        at.clone(),
                        format!(
                            "“{}”是模板的第{other}部分“{other}、{}”，编号与模板不同（前面有部分删去时常见）；按原文照录，评分按标题中的关键词认定",
                            p.heading,
                            t.report.headings.get(j).map_or("", String::as_str)
                        ),
                    ));
                } else if label::key(&p.title, &[]) != label::key(wanted, &[]) {
                    cx.warn(
                        Warning::new(
                            Code::ImportRenamedHeading,
                            at.clone(),
                            format!("第{numeral}部分的标题“{}”与模板“{numeral}、{wanted}”不同，已照录原文", p.heading),
                        )
                        .help("评分按标题中的关键词认定各部分；请核对该部分是否会被认出"),
                    );
                }
                if p.lines.is_empty() {
                    cx.warn(Warning::new(
                        Code::ImportEmptySection,
                        at,
                        format!("第{numeral}部分“{}”没有正文", p.heading),
                    ));
                }
            }
        }
    }
    for p in parts.iter().filter(|p| {
        p.number
            .is_some_and(|n| n as usize > t.report.headings.len())
    }) {
        cx.warn(Warning::note(
            Code::ImportExtraSection,
            format!("{place}，第{}段", p.at),
            format!(
                "模板只有 {} 个部分；“{}”也已导入",
                t.report.headings.len(),
                p.heading
            ),
        ));
    }
}

fn numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let d = |k: u32| DIGITS.get(k as usize).copied().unwrap_or("");
    match n {
        1..=9 => d(n).to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", d(n - 10)),
        _ => n.to_string(),
    }
}

/// A line that only leads an attachment list: “附件”, “附件：”, “附：”,
/// “报告附件：”, “本报告附件如下：” (short, ending in one of the templates'
/// `attachment_lead` words, a colon or 如下 at most after it). “附件1 …”,
/// a marker with its number, is not.
fn is_attachment_lead(text: &str, t: &Templates) -> bool {
    let key = compact(text);
    let key = key.trim_end_matches(['：', ':']);
    let key = key.strip_suffix("如下").unwrap_or(key);
    key.chars().count() <= 10
        && t.report
            .attachment_lead
            .0
            .iter()
            .any(|w| key.ends_with(w.as_str()))
}

/// The report's list → template attachments, in the list's order. A line
/// may name several, or name one inside prose ("3. 项目支出绩效自评表（业务
/// 工作经费、……）", "附件：1.……；2.……"): every template title written in
/// a line counts, where it stands.
fn attachment_list(items: &[String], place: &str, cx: &mut Context<'_>) -> Vec<usize> {
    let t = cx.t;
    let mut out = Vec::new();
    for item in items {
        let hits = titles_in(item, t);
        if hits.is_empty() {
            cx.warn(Warning::note(
                Code::ImportUnknownListedAttachment,
                format!("{place}，附件清单"),
                format!("清单中的“{item}”不是模板中的附件，未记为附件"),
            ));
        }
        for i in hits {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }
    out
}

/// The template attachments a line names, in the line's order. A title
/// inside a longer one ("自评表" in "项目支出绩效自评表") is not counted twice.
fn titles_in(line: &str, t: &super::Templates) -> Vec<usize> {
    let norm = |s: &str| -> String { compact(s).chars().map(label::fold).collect() };
    let line = norm(line);
    // (start, end, attachment) of every occurrence of every name.
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    for (i, a) in t.attachments.iter().enumerate() {
        let mut names = vec![a.title.clone()];
        let form_title = match a.form {
            Some(FormKind::BasicData) => Some(&t.basic_data.title),
            Some(FormKind::Overall) => Some(&t.overall.title),
            Some(FormKind::Project) => Some(&t.project.title),
            None => None,
        };
        names.extend(form_title.into_iter().flat_map(|n| n.0.iter().cloned()));
        for name in names {
            let key = norm(&name);
            if key.is_empty() {
                continue;
            }
            for (at, _) in line.match_indices(key.as_str()) {
                found.push((at, at + key.len(), i));
            }
        }
    }
    // Longest first, so a shorter name inside it is dropped.
    found.sort_by_key(|&(start, end, _)| (std::cmp::Reverse(end - start), start));
    let mut kept: Vec<(usize, usize, usize)> = Vec::new();
    for f in found {
        if !kept.iter().any(|k| f.0 < k.1 && k.0 < f.1) {
            kept.push(f);
        }
    }
    kept.sort_by_key(|&(start, _, _)| start);
    let mut out = Vec::new();
    for (_, _, i) in kept {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_is_short_and_not_a_sentence() {
        assert!(is_short("存在的问题及原因分析"));
        assert!(!is_short("本单位认真落实各项制度。"));
        assert!(!is_short(""));
        assert!(!is_short(&"字".repeat(HEADING_CHARS + 1)));
    }
}
