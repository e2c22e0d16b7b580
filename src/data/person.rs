//! A reviewer's name as the forms and review files write it, read as one
//! person: shared by the submission's own `[review]`, review files and
//! worksheets, each of which refuses a judgment nobody signed.

/// A reviewer's name as one person: trimmed, and in a Chinese name the
/// spaces that align two-character names (`张　三`) dropped.
pub fn person(name: &str) -> String {
    let name = name.trim();
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    // A cell holding only marks or a form's placeholder has no name.
    let bare: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && !"()（）[]【】".contains(*c))
        .collect();
    if !bare.chars().any(char::is_alphanumeric) || PLACEHOLDERS.contains(&bare.as_str()) {
        return String::new();
    }
    // `李四(财政局)` and `李四（财政局）` are one reviewer.
    let name: String = name
        .chars()
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect();
    if name.chars().any(han) {
        // Two names a space apart (`张三 李四`) are two reviewers, said as
        // such by the caller; a space inside one name (`张 三`) is dropped.
        let words: Vec<&str> = name.split_whitespace().collect();
        // (An aside in brackets, `李四 （财政局）`, is no second name.)
        let a_name = |w: &&str| !w.starts_with('（') && w.chars().filter(|c| han(*c)).count() >= 2;
        if words.len() > 1 && words.iter().all(a_name) {
            return words.join("、");
        }
        name.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        name.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// What a form's name cell says before it is filled: no name.
const PLACEHOLDERS: [&str; 7] = ["签名", "签字", "姓名", "评审人", "评审人签名", "无", "暂无"];
