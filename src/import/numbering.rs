//! Word's automatic list numbering (`numbering.xml`, and numbering carried
//! by paragraph styles in `styles.xml`), rendered as Word shows it: a
//! heading numbered by a list reads "三、政府性基金预算支出情况" here too,
//! so report headings are found by their numbering whatever made it.

use super::xml::attr;
use quick_xml::events::Event;
use std::collections::HashMap;

/// Deepest list level Word uses.
const LEVELS: usize = 9;

/// A paragraph's list: `w:numId` and `w:ilvl`.
#[derive(Clone, Debug)]
pub struct NumRef {
    num_id: String,
    level: usize,
}

impl NumRef {
    /// From a paragraph's properties; `None` without a `w:numId`.
    pub fn new(num_id: Option<&str>, level: Option<&str>) -> Option<NumRef> {
        Some(NumRef {
            num_id: num_id?.to_string(),
            level: level
                .and_then(|l| l.trim().parse().ok())
                .unwrap_or(0)
                .min(LEVELS - 1),
        })
    }
}

#[derive(Clone, Debug, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// The document's list definitions and the counters while reading.
#[derive(Debug, Default)]
pub struct Numbering {
    /// abstractNumId → levels.
    abstract_levels: HashMap<String, Vec<Option<Level>>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: HashMap<String, (String, Vec<Option<u32>>)>,
    /// Paragraph style id → its list (through `w:basedOn`).
    styles: HashMap<String, NumRef>,
    counters: HashMap<String, [Option<u32>; LEVELS]>,
}

impl Numbering {
    /// Read the definitions; missing or malformed parts give no numbering.
    pub fn read(numbering: Option<&str>, styles: Option<&str>) -> Numbering {
        let mut n = Numbering::default();
        if let Some(xml) = numbering {
            n.read_definitions(xml);
        }
        if let Some(xml) = styles {
            n.read_styles(xml);
        }
        n
    }

    fn read_definitions(&mut self, xml: &str) {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<usize> = None;
        loop {
            let (e, empty) = match reader.read_event() {
                Ok(Event::Start(e)) => (e, false),
                Ok(Event::Empty(e)) => (e, true),
                Ok(Event::End(e)) => {
                    match e.local_name().as_ref() {
                        b"abstractNum" => abstract_id = None,
                        b"num" => num_id = None,
                        b"lvl" | b"lvlOverride" => level = None,
                        _ => {}
                    }
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => continue,
            };
            let val = attr(&e, b"val");
            match e.local_name().as_ref() {
                b"abstractNum" if !empty => abstract_id = attr(&e, b"abstractNumId"),
                b"num" if !empty => num_id = attr(&e, b"numId"),
                b"lvl" | b"lvlOverride" if !empty => {
                    level = attr(&e, b"ilvl")
                        .and_then(|l| l.parse().ok())
                        .filter(|l| *l < LEVELS)
                }
                b"abstractNumId" => {
                    if let (Some(id), Some(v)) = (&num_id, val) {
                        self.nums.insert(id.clone(), (v, vec![None; LEVELS]));
                    }
                }
                b"startOverride" => {
                    let start = val.and_then(|v| v.parse().ok());
                    if let (Some(id), Some(l)) = (&num_id, level) {
                        if let Some(slot) = self
                            .nums
                            .get_mut(id)
                            .and_then(|(_, overrides)| overrides.get_mut(l))
                        {
                            *slot = start;
                        }
                    }
                }
                name @ (b"start" | b"numFmt" | b"lvlText") => {
                    if let (Some(id), Some(l), None) = (&abstract_id, level, &num_id) {
                        let levels = self
                            .abstract_levels
                            .entry(id.clone())
                            .or_insert_with(|| vec![None; LEVELS]);
                        if let Some(slot) = levels.get_mut(l) {
                            let def = slot.get_or_insert_with(|| Level {
                                start: 1,
                                ..Level::default()
                            });
                            let v = val.unwrap_or_default();
                            match name {
                                b"start" => def.start = v.parse().unwrap_or(1),
                                b"numFmt" => def.format = v,
                                _ => def.text = v,
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn read_styles(&mut self, xml: &str) {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut style: Option<String> = None;
        let mut based_on: HashMap<String, String> = HashMap::new();
        let mut own: HashMap<String, (Option<String>, Option<String>)> = HashMap::new();
        loop {
            let e = match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) => e,
                Ok(Event::End(e)) if e.local_name().as_ref() == b"style" => {
                    style = None;
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => continue,
            };
            match (e.local_name().as_ref(), &style) {
                (b"style", _) => style = attr(&e, b"styleId"),
                (b"basedOn", Some(s)) => {
                    if let Some(v) = attr(&e, b"val") {
                        based_on.insert(s.clone(), v);
                    }
                }
                (b"numId", Some(s)) => own.entry(s.clone()).or_default().0 = attr(&e, b"val"),
                (b"ilvl", Some(s)) => own.entry(s.clone()).or_default().1 = attr(&e, b"val"),
                _ => {}
            }
        }
        for start in own.keys().chain(based_on.keys()) {
            let (mut id, mut level) = (None, None);
            let mut current = Some(start.clone());
            // Follow `basedOn` a bounded number of steps (cycles end it).
            for _ in 0..16 {
                let Some(s) = current else { break };
                if let Some((i, l)) = own.get(&s) {
                    id = id.or_else(|| i.clone());
                    level = level.or_else(|| l.clone());
                }
                current = based_on.get(&s).cloned();
            }
            if let Some(r) = NumRef::new(id.as_deref(), level.as_deref()) {
                self.styles.insert(start.clone(), r);
            }
        }
    }

    /// The list a paragraph style carries.
    pub fn style_ref(&self, style: &str) -> Option<&NumRef> {
        self.styles.get(style)
    }

    /// Count one more paragraph of this list; the number text Word shows
    /// before it (`"三、"`), or `None` for bullets and unknown lists.
    pub fn next(&mut self, r: &NumRef) -> Option<String> {
        let (abstract_id, overrides) = self.nums.get(&r.num_id)?;
        let levels = self.abstract_levels.get(abstract_id)?;
        let start_of = |l: usize| {
            overrides
                .get(l)
                .copied()
                .flatten()
                .or_else(|| levels.get(l).and_then(|d| d.as_ref()).map(|d| d.start))
                .unwrap_or(1)
        };
        let def = levels.get(r.level)?.as_ref()?;
        if matches!(def.format.as_str(), "bullet" | "none") {
            return None;
        }
        let starts: Vec<u32> = (0..LEVELS).map(start_of).collect();
        let counters = self
            .counters
            .entry(r.num_id.clone())
            .or_insert([None; LEVELS]);
        let current = counters.get(r.level).copied().flatten();
        let start = starts.get(r.level).copied().unwrap_or(1);
        if let Some(slot) = counters.get_mut(r.level) {
            *slot = Some(current.map_or(start, |c| c.saturating_add(1)));
        }
        for deeper in counters.iter_mut().skip(r.level + 1) {
            *deeper = None;
        }
        let mut text = def.text.clone();
        for l in (0..LEVELS).rev() {
            let placeholder = format!("%{}", l + 1);
            if text.contains(&placeholder) {
                let n = counters
                    .get(l)
                    .copied()
                    .flatten()
                    .unwrap_or_else(|| starts.get(l).copied().unwrap_or(1));
                let format = levels
                    .get(l)
                    .and_then(|d| d.as_ref())
                    .map_or("decimal", |d| d.format.as_str());
                text = text.replace(&placeholder, &render(n, format));
            }
        }
        Some(text)
    }
}

/// One number in a list format.
fn render(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "taiwaneseCounting"
        | "japaneseCounting"
        | "ideographDigital" => chinese(n, &DIGITS),
        "chineseLegalSimplified" => chinese(n, &LEGAL_DIGITS),
        "ideographTraditional" => nth(n, "甲乙丙丁戊己庚辛壬癸"),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => nth(n, "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c))
            .collect(),
        "decimalZero" if n < 10 => format!("0{n}"),
        "upperLetter" => nth(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        "lowerLetter" => nth(n, "abcdefghijklmnopqrstuvwxyz"),
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        _ => n.to_string(),
    }
}

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const LEGAL_DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// 1 → 一, 10 → 十, 11 → 十一, 25 → 二十五; above 99, Arabic digits.
fn chinese(n: u32, digits: &[char; 10]) -> String {
    let digit = |d: u32| digits.get(d as usize).copied().unwrap_or('〇');
    let ten = if digits == &LEGAL_DIGITS {
        '拾'
    } else {
        '十'
    };
    match n {
        0..=9 => digit(n).to_string(),
        10..=19 => format!(
            "{ten}{}",
            if n == 10 {
                String::new()
            } else {
                digit(n % 10).to_string()
            }
        ),
        20..=99 => {
            let ones = if n % 10 == 0 {
                String::new()
            } else {
                digit(n % 10).to_string()
            };
            format!("{}{ten}{ones}", digit(n / 10))
        }
        _ => n.to_string(),
    }
}

fn nth(n: u32, symbols: &str) -> String {
    n.checked_sub(1)
        .and_then(|i| symbols.chars().nth(i as usize))
        .map_or_else(|| n.to_string(), String::from)
}

fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    let mut out = String::new();
    for (value, text) in TABLE {
        while n >= value {
            out.push_str(text);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        assert_eq!(render(3, "chineseCounting"), "三");
        assert_eq!(render(10, "chineseCounting"), "十");
        assert_eq!(render(12, "chineseCounting"), "十二");
        assert_eq!(render(40, "chineseCounting"), "四十");
        assert_eq!(render(2, "decimalEnclosedCircle"), "②");
        assert_eq!(render(4, "upperRoman"), "IV");
    }

    #[test]
    fn renders_a_list() {
        let numbering = r#"<w:numbering xmlns:w="w">
          <w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/>
            <w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>
          <w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num></w:numbering>"#;
        let styles = r#"<w:styles xmlns:w="w"><w:style w:type="paragraph" w:styleId="H">
          <w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
          <w:style w:styleId="H2"><w:basedOn w:val="H"/></w:style></w:styles>"#;
        let mut n = Numbering::read(Some(numbering), Some(styles));
        let r = n.style_ref("H2").cloned();
        assert!(r.is_some());
        let r = r.unwrap_or(NumRef {
            num_id: String::new(),
            level: 0,
        });
        assert_eq!(n.next(&r).as_deref(), Some("一、"));
        assert_eq!(n.next(&r).as_deref(), Some("二、"));
    }
}
