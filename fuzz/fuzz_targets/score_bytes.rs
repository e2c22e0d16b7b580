//! Bytes to a report, as `jixiao score` does it: load against the 2022
//! rules, score, render text and JSON. Problems render; nothing panics.
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
    let submission = match jixiao::data::load_submission(source, &RULES.schema) {
        Ok(s) => s,
        Err(problems) => {
            let _ = jixiao::diag::render(&problems);
            return;
        }
    };
    match jixiao::score(&RULES, &submission) {
        Ok(outcome) => {
            let _ = jixiao::explain::render_text(&outcome, &RULES, &submission);
            let _ = jixiao::explain::outcome_json(&outcome, &RULES, &submission).to_string();
        }
        Err(problems) => {
            let _ = jixiao::diag::render(&problems);
        }
    }
});
