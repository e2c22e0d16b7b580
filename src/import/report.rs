//! 附件3 部门整体支出绩效自评报告 → `[report]`: the title, the nine
//! sections found by their numbering ("一、" … "九、", whatever the Word
//! style), each with its prose, and the report's own list of attachments.

use super::Context;
use super::label::{self, compact};
use super::recognise::ReportPart;
use super::warning::Warning;
use super::write::{Section, Value};

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
    number: u32,
    heading: String,
    lines: Vec<String>,
}

/// Read the report.
pub fn read(part: &ReportPart, place: &str, cx: &mut Context<'_>) -> Report {
    let t = cx.t;
    let mut head = Section::table("report").comment(place.to_string());
    match &part.title {
        Some(title) => head.set("title", Value::Text(title.clone())),
        None => cx.warn(Warning::new(
            "import::missing_title",
            place,
            "找不到报告标题（以“绩效自评报告”结尾的一行），title 未导入",
        )),
    }
    let mut parts: Vec<Part> = Vec::new();
    let mut preamble: Vec<String> = Vec::new();
    let mut list: Option<Vec<String>> = None;
    for p in &part.paragraphs {
        let text = p.trim();
        if text.is_empty() {
            continue;
        }
        if let Some(items) = list.as_mut() {
            items.push(text.to_string());
            continue;
        }
        if t.report
            .attachment_list
            .iter()
            .any(|l| compact(text).starts_with(&compact(l)))
        {
            list = Some(Vec::new());
            continue;
        }
        let last = parts.last().map_or(0, |s| s.number);
        if let Some((number, heading, rest)) = heading(text, last, cx) {
            parts.push(Part {
                number,
                heading,
                lines: rest.into_iter().collect(),
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
            "import::text_before_sections",
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
        let mut section = Section::array("report.sections");
        section.set("heading", Value::Text(s.heading));
        if !s.lines.is_empty() {
            section.set("text", Value::Text(s.lines.join("\n")));
        }
        sections.push(section);
    }
    let listed = list.map(|items| attachment_list(&items, place, cx));
    Report { sections, listed }
}

/// A heading line: its number, the heading as written, and any text after
/// the heading in the same paragraph. Numbers only go up; a long line is a
/// heading only if it starts with the template's heading.
fn heading(text: &str, last: u32, cx: &Context<'_>) -> Option<(u32, String, Option<String>)> {
    let t = cx.t;
    let (number, rest) = label::chinese_ordinal(text)?;
    let count = u32::try_from(t.report.headings.len()).unwrap_or(u32::MAX);
    if number <= last || number > count.saturating_add(3) {
        return None;
    }
    let template = usize::try_from(number)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| t.report.headings.get(i));
    let rest_key = compact(rest);
    if let Some(h) = template
        .map(|h| compact(h))
        .filter(|h| !h.is_empty() && rest_key.starts_with(h.as_str()))
    {
        // "一、单位基本情况：本单位……" — the heading, then its text.
        let wanted = h.chars().count();
        let mut taken = 0;
        let mut cut = rest.len();
        for (i, c) in rest.char_indices() {
            if taken == wanted {
                cut = i;
                break;
            }
            if !c.is_whitespace() {
                taken += 1;
            }
        }
        let after = rest
            .get(cut..)
            .unwrap_or("")
            .trim_start_matches(['：', ':', '。', ' ', '\u{3000}'])
            .trim();
        let heading_len = text.len() - rest.len() + cut;
        let heading = text.get(..heading_len).unwrap_or(text).trim().to_string();
        return Some((
            number,
            heading,
            (!after.is_empty()).then(|| after.to_string()),
        ));
    }
    (rest.chars().count() <= 40).then(|| (number, text.trim().to_string(), None))
}

/// Every template section present, with the template's words.
fn check_sections(parts: &[Part], place: &str, cx: &mut Context<'_>) {
    let t = cx.t;
    for (i, wanted) in t.report.headings.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let numeral = numeral(number);
        match parts.iter().find(|p| p.number == number) {
            None => cx.warn(
                Warning::new(
                    "import::missing_section",
                    place,
                    format!("报告中没有第{numeral}部分“{numeral}、{wanted}”"),
                )
                .help(
                    "如确有此部分，检查它的标题是否以“{numeral}、”开头"
                        .replace("{numeral}", &numeral),
                ),
            ),
            Some(p) => {
                let (_, rest) = label::chinese_ordinal(&p.heading).unwrap_or((number, &p.heading));
                if label::key(rest, &[]) != label::key(wanted, &[]) {
                    cx.warn(
                        Warning::new(
                            "import::renamed_heading",
                            place,
                            format!("第{numeral}部分的标题“{}”与模板“{numeral}、{wanted}”不同，已照录原文", p.heading),
                        )
                        .help("评分按标题中的关键词认定各部分；请核对该部分是否会被认出"),
                    );
                }
                if p.lines.is_empty() {
                    cx.warn(Warning::new(
                        "import::empty_section",
                        place,
                        format!("第{numeral}部分“{}”没有正文", p.heading),
                    ));
                }
            }
        }
    }
    for p in parts
        .iter()
        .filter(|p| p.number as usize > t.report.headings.len())
    {
        cx.warn(Warning::note(
            "import::extra_section",
            place,
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

/// The report's list → template attachments, in the list's order.
fn attachment_list(items: &[String], place: &str, cx: &mut Context<'_>) -> Vec<usize> {
    let t = cx.t;
    let mut out = Vec::new();
    for item in items {
        let key = label::key(item, &t.label_prefixes);
        let hit = t.attachments.iter().position(|a| {
            let names = [a.title.clone()];
            label::fits(&key, &names, &t.label_prefixes).is_some()
        });
        match hit {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => {}
            None => cx.warn(Warning::note(
                "import::unknown_listed_attachment",
                format!("{place}，附件清单"),
                format!("清单中的“{item}”不是模板中的附件，未记入 [[attachments]]"),
            )),
        }
    }
    out
}
