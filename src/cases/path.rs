//! The edit language of a test case: a path into a TOML document
//! (`report.sections[2].text`, `overall.level1_weights.产出指标`) and the two
//! operations on it, set and remove, done with `toml_edit` so that every
//! other byte of the base document, numbers' own text included, is kept.

use crate::data::schema::{Schema, Type};
use crate::source::did_you_mean;
use toml_edit::{ArrayOfTables, Item, Table, Value};

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Seg {
    /// A key of a table.
    Key(String),
    /// A row of an array (from 0).
    Index(usize),
}

/// Parse `a.b[2]."c.d"`: keys separated by dots, each either bare (any
/// characters but `.`, `[`, `]`, `"` and white space, so Chinese keys need no
/// quotes) or quoted, each followed by any number of `[N]`.
pub fn parse(text: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    let mut rest = text;
    loop {
        let (key, after) = if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted
                .find('"')
                .ok_or_else(|| format!("路径 `{text}` 中的引号没有闭合"))?;
            (
                quoted.get(..end).unwrap_or(""),
                quoted.get(end + 1..).unwrap_or(""),
            )
        } else {
            let end = rest
                .find(|c: char| matches!(c, '.' | '[' | ']' | '"') || c.is_whitespace())
                .unwrap_or(rest.len());
            if end == 0 {
                return Err(format!("路径 `{text}` 中缺少键名"));
            }
            (rest.get(..end).unwrap_or(""), rest.get(end..).unwrap_or(""))
        };
        segs.push(Seg::Key(key.to_string()));
        rest = after;
        while let Some(inner) = rest.strip_prefix('[') {
            let end = inner
                .find(']')
                .ok_or_else(|| format!("路径 `{text}` 中的 `[` 没有闭合"))?;
            let digits = inner.get(..end).unwrap_or("");
            let index = digits
                .parse::<usize>()
                .ok()
                .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    format!("路径 `{text}` 中 `[{digits}]` 应为从 0 起的行号，如 `[0]`")
                })?;
            segs.push(Seg::Index(index));
            rest = inner.get(end + 1..).unwrap_or("");
        }
        if rest.is_empty() {
            return Ok(segs);
        }
        rest = rest
            .strip_prefix('.')
            .ok_or_else(|| format!("路径 `{text}` 在 `{rest}` 处无法理解"))?;
    }
}

/// A path as written back: `a.b[2]`.
pub fn display(segs: &[Seg]) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                if k.is_empty()
                    || k.contains(['.', '[', ']', '"'])
                    || k.contains(char::is_whitespace)
                {
                    out.push('"');
                    out.push_str(k);
                    out.push('"');
                } else {
                    out.push_str(k);
                }
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Where a walk stands.
enum At<'a> {
    Table(&'a mut Table),
    Tables(&'a mut ArrayOfTables),
    Value(&'a mut Value),
}

impl<'a> At<'a> {
    fn of_item(item: &'a mut Item) -> Option<At<'a>> {
        match item {
            Item::Table(t) => Some(At::Table(t)),
            Item::ArrayOfTables(a) => Some(At::Tables(a)),
            Item::Value(v) => Some(At::Value(v)),
            Item::None => None,
        }
    }

    fn what(&self) -> &'static str {
        match self {
            At::Table(_) => "表",
            At::Tables(_) => "表格行的数组",
            At::Value(Value::InlineTable(_)) => "内联表",
            At::Value(Value::Array(_)) => "数组",
            At::Value(Value::String(_)) => "文字",
            At::Value(Value::Integer(_) | Value::Float(_)) => "数值",
            At::Value(Value::Boolean(_)) => "是非值",
            At::Value(Value::Datetime(_)) => "日期",
        }
    }

    /// One step down; `here` is the path so far, for messages.
    fn step(self, seg: &Seg, here: &[Seg]) -> Result<At<'a>, String> {
        let what = self.what();
        let missing = |keys: Vec<String>| {
            let Seg::Key(k) = seg else {
                return String::new();
            };
            let hint = did_you_mean(k, keys.iter().map(String::as_str))
                .map(|h| format!("（{h}）"))
                .unwrap_or_default();
            if here.is_empty() {
                format!("没有键 `{k}`{hint}")
            } else {
                format!("`{}` 中没有键 `{k}`{hint}", display(here))
            }
        };
        match (self, seg) {
            (At::Table(t), Seg::Key(k)) => {
                let keys = t.iter().map(|(k, _)| k.to_string()).collect();
                match t.get_mut(k).and_then(At::of_item) {
                    Some(at) => Ok(at),
                    None => Err(missing(keys)),
                }
            }
            (At::Value(Value::InlineTable(t)), Seg::Key(k)) => {
                let keys = t.iter().map(|(k, _)| k.to_string()).collect();
                t.get_mut(k).map(At::Value).ok_or_else(|| missing(keys))
            }
            (At::Tables(a), Seg::Index(i)) => {
                let len = a.len();
                a.get_mut(*i)
                    .map(At::Table)
                    .ok_or_else(|| too_few(here, *i, len))
            }
            (At::Value(Value::Array(a)), Seg::Index(i)) => {
                let len = a.len();
                a.get_mut(*i)
                    .map(At::Value)
                    .ok_or_else(|| too_few(here, *i, len))
            }
            (_, Seg::Index(i)) => Err(format!(
                "`{}` 是{what}，不是数组，不能取第 [{i}] 行",
                display(here)
            )),
            (_, Seg::Key(k)) => Err(format!(
                "`{}` 是{what}，不是表，不能再取键 `{k}`",
                display(here)
            )),
        }
    }
}

fn too_few(here: &[Seg], index: usize, len: usize) -> String {
    format!(
        "`{}` 只有 {len} 行（行号从 0 起，到 {}），没有第 [{index}] 行",
        display(here),
        len.saturating_sub(1)
    )
}

/// Walk to the parent of the last step.
fn parent<'a, 's>(root: &'a mut Table, segs: &'s [Seg]) -> Result<(At<'a>, &'s Seg), String> {
    let Some((last, init)) = segs.split_last() else {
        return Err("路径为空".to_string());
    };
    let mut at = At::Table(root);
    for (n, seg) in init.iter().enumerate() {
        at = at.step(seg, init.get(..n).unwrap_or(&[]))?;
    }
    Ok((at, last))
}

/// Set the value at `segs`: replace what is there (keeping its trailing
/// comment), add a missing last key, or add a row just past the end of an
/// array (`rows[N]` where the array has N rows). Everything above the last
/// step must exist.
pub fn set(root: &mut Table, segs: &[Seg], mut value: Value) -> Result<(), String> {
    let here = segs.get(..segs.len().saturating_sub(1)).unwrap_or(&[]);
    let (at, last) = parent(root, segs)?;
    let what = at.what();
    match (at, last) {
        (At::Table(t), Seg::Key(k)) => {
            if let Some(Item::Value(old)) = t.get(k) {
                *value.decor_mut() = old.decor().clone();
            } else {
                value.decor_mut().clear();
            }
            t.insert(k, Item::Value(value));
            Ok(())
        }
        (At::Value(Value::InlineTable(t)), Seg::Key(k)) => {
            match t.get(k) {
                Some(old) => *value.decor_mut() = old.decor().clone(),
                None => value.decor_mut().clear(),
            }
            t.insert(k, value);
            Ok(())
        }
        (At::Tables(a), Seg::Index(i)) => {
            let Value::InlineTable(row) = value else {
                return Err(format!(
                    "`{}` 的每一行都是表，新值应写成 {{ 键 = 值, … }}",
                    display(here)
                ));
            };
            let mut row = row.into_table();
            let len = a.len();
            if let Some(old) = a.get_mut(*i) {
                *row.decor_mut() = old.decor().clone();
                row.set_position(old.position());
                *old = row;
                Ok(())
            } else if *i == len {
                a.push(row);
                Ok(())
            } else {
                Err(format!(
                    "{}；要新增一行，写 `{}`",
                    too_few(here, *i, len),
                    display(&[here, &[Seg::Index(len)]].concat())
                ))
            }
        }
        (At::Value(Value::Array(a)), Seg::Index(i)) => {
            let len = a.len();
            if let Some(old) = a.get_mut(*i) {
                *value.decor_mut() = old.decor().clone();
                *old = value;
                Ok(())
            } else if *i == len {
                a.push(value);
                Ok(())
            } else {
                Err(format!(
                    "{}；要新增一行，写 `{}`",
                    too_few(here, *i, len),
                    display(&[here, &[Seg::Index(len)]].concat())
                ))
            }
        }
        (_, Seg::Index(i)) => Err(format!(
            "`{}` 是{what}，不是数组，不能设第 [{i}] 行",
            display(here)
        )),
        (_, Seg::Key(k)) => Err(format!(
            "`{}` 是{what}，不是表，不能设键 `{k}`",
            display(here)
        )),
    }
}

/// Remove the key or the row at `segs`; it must exist.
pub fn remove(root: &mut Table, segs: &[Seg]) -> Result<(), String> {
    let here = segs.get(..segs.len().saturating_sub(1)).unwrap_or(&[]);
    let (at, last) = parent(root, segs)?;
    let what = at.what();
    let gone = match (at, last) {
        (At::Table(t), Seg::Key(k)) => {
            let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
            t.remove(k).map(|_| ()).ok_or_else(|| (k.clone(), keys))
        }
        (At::Value(Value::InlineTable(t)), Seg::Key(k)) => {
            let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
            t.remove(k).map(|_| ()).ok_or_else(|| (k.clone(), keys))
        }
        (At::Tables(a), Seg::Index(i)) => {
            if *i < a.len() {
                a.remove(*i);
                return Ok(());
            }
            return Err(too_few(here, *i, a.len()));
        }
        (At::Value(Value::Array(a)), Seg::Index(i)) => {
            if *i < a.len() {
                a.remove(*i);
                return Ok(());
            }
            return Err(too_few(here, *i, a.len()));
        }
        (_, Seg::Index(i)) => {
            return Err(format!(
                "`{}` 是{what}，不是数组，没有第 [{i}] 行",
                display(here)
            ));
        }
        (_, Seg::Key(k)) => {
            return Err(format!(
                "`{}` 是{what}，不是表，没有键 `{k}`",
                display(here)
            ));
        }
    };
    gone.map_err(|(k, keys)| {
        let hint = did_you_mean(&k, keys.iter().map(String::as_str))
            .map(|h| format!("（{h}）"))
            .unwrap_or_default();
        if here.is_empty() {
            format!("没有键 `{k}`{hint}")
        } else {
            format!("`{}` 中没有键 `{k}`{hint}", display(here))
        }
    })
}

/// The first step of an edit's path that the submission's shape does not
/// have (a misspelt key: `submission.recieved_on`), said with the keys it
/// does have there; none when every step is in the schema (a free key of
/// a table such as `level1_weights` always is).
pub fn unknown_step(schema: &Schema, segs: &[Seg]) -> Option<(String, String)> {
    // `[review]` is not the forms' shape: the loader reads it apart.
    if segs.first() == Some(&Seg::Key("review".to_string())) {
        return None;
    }
    let mut ty = Type::Record(schema.root);
    for (i, seg) in segs.iter().enumerate() {
        ty = match (seg, ty) {
            (Seg::Index(_), Type::List(inner)) => *inner,
            (Seg::Key(_), Type::Map(inner)) => *inner,
            (Seg::Key(key), Type::Record(id)) => {
                let record = schema.record(id)?;
                match record.fields.iter().find(|f| f.name == *key) {
                    Some(f) => f.ty.clone(),
                    None => {
                        let at = display(segs.get(..i).unwrap_or(&[]));
                        let place = match at.is_empty() {
                            true => "报送材料的最上层".to_string(),
                            false => format!("`{at}` "),
                        };
                        let words = |f: &crate::data::schema::FieldType| match f.words() {
                            Some(w) => format!("`{}`（{w}）", f.name),
                            None => format!("`{}`", f.name),
                        };
                        let help = match crate::source::did_you_mean_name(
                            key,
                            record.fields.iter().map(|f| f.name.as_str()),
                        )
                        .and_then(|n| record.fields.iter().find(|f| f.name == n))
                        {
                            Some(f) => format!("您是不是想写 {}？", words(f)),
                            None => format!(
                                "{place}中可以改的键有：{}",
                                record
                                    .fields
                                    .iter()
                                    .map(words)
                                    .collect::<Vec<_>>()
                                    .join("、")
                            ),
                        };
                        return Some((
                            format!("{place}中没有键 `{key}`：这个改动改不到报送材料"),
                            help,
                        ));
                    }
                }
            }
            // A step the shape cannot take (a row of a table, a key of a
            // value) is left to the loader, which says what the value is.
            _ => return None,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml_edit::DocumentMut;

    fn doc(text: &str) -> DocumentMut {
        text.parse().unwrap_or_default()
    }

    fn value(text: &str) -> Value {
        text.parse().unwrap_or_else(|_| Value::from(""))
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse("report.sections[2].text"),
            Ok(vec![
                Seg::Key("report".into()),
                Seg::Key("sections".into()),
                Seg::Index(2),
                Seg::Key("text".into()),
            ])
        );
        assert_eq!(
            parse("overall.level1_weights.产出指标"),
            parse("overall.level1_weights.\"产出指标\"")
        );
        assert_eq!(
            parse("a.\"b.c\""),
            Ok(vec![Seg::Key("a".into()), Seg::Key("b.c".into())])
        );
        for bad in [
            "", ".a", "a.", "a[", "a[x]", "a[-1]", "a b", "a.\"b", "a[1]b",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            display(&parse("a.\"b.c\"[3]").unwrap_or_default()),
            "a.\"b.c\"[3]"
        );
    }

    #[test]
    fn numbers_keep_their_text() {
        let mut d = doc("[funds]\nbudget = 1085.09 # 全年\nrate = \"1%\"\n");
        let r = set(
            d.as_table_mut(),
            &[Seg::Key("funds".into()), Seg::Key("rate".into())],
            value("\"100%\""),
        );
        assert_eq!(r, Ok(()));
        let r = set(
            d.as_table_mut(),
            &[Seg::Key("funds".into()), Seg::Key("executed".into())],
            value("1115.09"),
        );
        assert_eq!(r, Ok(()));
        assert_eq!(
            d.to_string(),
            "[funds]\nbudget = 1085.09 # 全年\nrate = \"100%\"\nexecuted = 1115.09\n"
        );
    }

    #[test]
    fn rows() {
        let mut d = doc("[[s]]\na = 1\n[[s]]\na = 2\n[t]\nb = [1, 2]\n");
        let s = |i| vec![Seg::Key("s".into()), Seg::Index(i)];
        assert_eq!(set(d.as_table_mut(), &s(2), value("{ a = 3 }")), Ok(()));
        assert!(set(d.as_table_mut(), &s(4), value("{ a = 5 }")).is_err());
        assert_eq!(remove(d.as_table_mut(), &s(0)), Ok(()));
        assert_eq!(
            remove(
                d.as_table_mut(),
                &[Seg::Key("t".into()), Seg::Key("b".into()), Seg::Index(1)]
            ),
            Ok(())
        );
        let err = remove(d.as_table_mut(), &s(7)).err().unwrap_or_default();
        assert!(err.contains("只有 2 行"), "{err}");
        let err = remove(
            d.as_table_mut(),
            &[Seg::Key("t".into()), Seg::Key("c".into())],
        )
        .err()
        .unwrap_or_default();
        assert!(err.contains("没有键 `c`"), "{err}");
        let text = d.to_string();
        assert_eq!(text, "[[s]]\na = 2\n\n[[s]]\na = 3\n[t]\nb = [1]\n");
        let parsed: toml::Table = toml::from_str(&text).unwrap_or_default();
        let rows = parsed
            .get("s")
            .and_then(toml::Value::as_array)
            .map(Vec::len);
        assert_eq!(rows, Some(2));
    }

    #[test]
    fn walking_through_a_value() {
        let mut d = doc("[u]\nname = \"x\"\n");
        let err = set(
            d.as_table_mut(),
            &[
                Seg::Key("u".into()),
                Seg::Key("name".into()),
                Seg::Key("y".into()),
            ],
            value("1"),
        )
        .err()
        .unwrap_or_default();
        assert!(err.contains("`u.name` 是文字"), "{err}");
        let err = set(
            d.as_table_mut(),
            &[
                Seg::Key("u".into()),
                Seg::Key("nam".into()),
                Seg::Key("y".into()),
            ],
            value("1"),
        )
        .err()
        .unwrap_or_default();
        assert!(err.contains("`name`"), "{err}");
    }
}
