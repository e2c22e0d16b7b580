//! The static checker on the shipped schema and parameters with a fuzzed
//! sheet: `compile` returns rules or problems; the problems render.
#![no_main]

use jixiao::source::SourceFile;
use libfuzzer_sys::fuzz_target;

const SCHEMA: &str = include_str!("../../rules/2022/schema.jx");
const PARAMS: &str = include_str!("../../rules/2022/params.jx");

fuzz_target!(|data: &[u8]| {
    let Ok(sheet) = std::str::from_utf8(data) else {
        return;
    };
    let files = vec![
        SourceFile::new("rules/2022/schema.jx", SCHEMA),
        SourceFile::new("rules/2022/params.jx", PARAMS),
        SourceFile::new("rules/2022/sheet.jx", sheet),
    ];
    if let Err(problems) = jixiao::compile(files) {
        let _ = jixiao::diag::render(&problems);
    }
});
