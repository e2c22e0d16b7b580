//! One stage of the engine, repeated: the driver `scripts/perf.sh` runs
//! under callgrind to count instructions per load, per score and per
//! rendered unit. Counting a run of 1 and a run of N repetitions and taking
//! the difference removes start-up and compilation from the figure.
//!
//! ```text
//! stages load N                    load the example N times
//! stages score N [RULES_DIR]       load once, score N times (built-in 2022 rules or a folder)
//! stages json N                    load, score and render its JSON N times
//! stages file PATH N               load, score and render PATH's JSON N times
//! stages district DIR [COUNT]      write the district's first COUNT units (2,000) into DIR
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/district.rs"]
mod district;

use jixiao::source::SourceFile;
use std::hint::black_box;
use std::path::Path;

/// The command's allocator (src/main.rs), so the stages count what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; anything starting with `-` is ignored.
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let count = |i: usize| -> usize { args.get(i).and_then(|n| n.parse().ok()).unwrap_or(1) };
    match args.first().copied() {
        Some("load") => load(count(1)),
        Some("score") => score(count(1), args.get(2).copied()),
        Some("json") => json(count(1), district::EXAMPLE),
        Some("file") => {
            let text = std::fs::read_to_string(args.get(1).copied().unwrap_or("")).unwrap();
            json(count(2), &text);
        }
        Some("district") => {
            let dir = Path::new(args.get(1).copied().unwrap_or("target/perf-district"));
            let units = args
                .get(2)
                .and_then(|n| n.parse().ok())
                .unwrap_or(district::DISTRICT_UNITS);
            district::write(dir, units).unwrap();
        }
        _ => eprintln!(
            "usage: stages load|score|json N [RULES_DIR] | file PATH N | district DIR COUNT"
        ),
    }
}

fn source() -> SourceFile {
    SourceFile::new("example.toml", district::EXAMPLE)
}

fn load(n: usize) {
    let rules = jixiao::rules::builtin(2022).unwrap();
    for _ in 0..n {
        let s = jixiao::data::load_submission(black_box(source()), &rules.schema).unwrap();
        black_box(&s);
    }
}

fn score(n: usize, rules_dir: Option<&str>) {
    let rules = match rules_dir {
        Some(dir) => jixiao::rules::from_dir(Path::new(dir)).unwrap(),
        None => jixiao::rules::builtin(2022).unwrap(),
    };
    let submission = jixiao::data::load_submission(source(), &rules.schema).unwrap();
    for _ in 0..n {
        let o = jixiao::score(black_box(&rules), black_box(&submission)).unwrap();
        black_box(o.score);
    }
}

fn json(n: usize, text: &str) {
    let rules = jixiao::rules::builtin(2022).unwrap();
    for _ in 0..n {
        let s = jixiao::data::load_submission(SourceFile::new("unit.toml", text), &rules.schema)
            .unwrap();
        let o = jixiao::score(&rules, &s).unwrap();
        // As `score --format json` renders it.
        let mut text = Vec::new();
        jixiao::explain::write_outcome_json(&mut text, &o, &rules, &s, 0).unwrap();
        black_box(text.len());
    }
}
