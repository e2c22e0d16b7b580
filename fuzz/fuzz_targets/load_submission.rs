//! The submission loader on any text, against the 2022 schema: a submission
//! or problems (which render), never a panic.
#![no_main]

use jixiao::source::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static RULES: LazyLock<jixiao::RuleSet> =
    LazyLock::new(|| jixiao::rules::builtin(2022).expect("shipped 2022 rules compile"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("fuzz.toml", text);
    let _ = jixiao::data::read_header(&source);
    if let Err(problems) = jixiao::data::load_submission(source, &RULES.schema) {
        let _ = jixiao::diag::render(&problems);
    }
});
