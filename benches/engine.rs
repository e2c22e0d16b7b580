//! Benchmarks: compiling the 2022 rules, loading the example, scoring it,
//! rendering its JSON, and a 2,000-unit district folder scored end to end
//! by the release binary. Run with `cargo bench --bench engine`; figures and
//! how to reproduce them are in docs/performance.md, not asserted by tests.
//!
//! The district folder is generated (deterministically) under
//! `target/bench-district/`, where it stays for `hyperfine` and profilers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao::source::SourceFile;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const EXAMPLE: &str = include_str!("../examples/2022/yueyanglou-finance-office.toml");
const UNIT: &str = "岳阳市岳阳楼区人民政府金融工作办公室";

/// Units in the district benchmark.
const DISTRICT_UNITS: usize = 2000;

/// The example with unit `i`'s values: its own name, received 0–14 days
/// around the deadline, other executed amounts, other review judgments.
fn variant(i: usize) -> String {
    let mut text = EXAMPLE.replace(UNIT, &format!("{UNIT}{i:04}"));
    let swaps = [
        (
            "received_on = 2023-06-14".to_string(),
            format!("received_on = 2023-06-{:02}", 8 + i % 15),
        ),
        (
            "executed = 1115.09".to_string(),
            format!("executed = {}.{:02}", 900 + i % 300, i % 100),
        ),
        (
            "[review.refinement]\nscore = 4".to_string(),
            format!("[review.refinement]\nscore = {}", i % 6),
        ),
        (
            "[review.measurable]\nscore = 4".to_string(),
            format!("[review.measurable]\nscore = {}", (i / 6) % 6),
        ),
        (
            "tier = \"较全面\"\nscore = 18".to_string(),
            format!("tier = \"较全面\"\nscore = {}", 16 + i % 3),
        ),
        (
            "tier = \"较全面\"\nscore = 14".to_string(),
            format!("tier = \"较全面\"\nscore = {}", 12 + (i / 3) % 3),
        ),
    ];
    for (from, to) in swaps {
        text = text.replacen(&from, &to, 1);
    }
    text
}

/// Write the district folder (again) and return it.
fn district() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-district");
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {e}", dir.display());
    }
    for i in 0..DISTRICT_UNITS {
        let file = dir.join(format!("unit-{i:04}.toml"));
        if let Err(e) = std::fs::write(&file, variant(i)) {
            panic!("cannot write {}: {e}", file.display());
        }
    }
    dir
}

fn engine(c: &mut Criterion) {
    c.bench_function("compile rules 2022", |b| {
        b.iter(|| {
            jixiao::rules::builtin(black_box(2022))
                .map(|r| r.slot_count)
                .unwrap_or(0)
        })
    });
    let Ok(rules) = jixiao::rules::builtin(2022) else {
        return;
    };
    let source = SourceFile::new("example.toml", EXAMPLE);
    c.bench_function("load example", |b| {
        b.iter(|| jixiao::data::load_submission(black_box(source.clone()), &rules.schema).is_ok())
    });
    let Ok(submission) = jixiao::data::load_submission(source.clone(), &rules.schema) else {
        return;
    };
    c.bench_function("score example", |b| {
        b.iter(|| {
            jixiao::score(black_box(&rules), black_box(&submission))
                .map(|o| o.score)
                .ok()
        })
    });
    let Ok(outcome) = jixiao::score(&rules, &submission) else {
        return;
    };
    c.bench_function("render example json", |b| {
        b.iter(|| {
            serde_json::to_string_pretty(&jixiao::explain::outcome_json(
                black_box(&outcome),
                &rules,
                &submission,
            ))
            .map(|s| s.len())
            .unwrap_or(0)
        })
    });
}

fn folder(c: &mut Criterion) {
    let mut group = c.benchmark_group("district");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("2000 units to json (binary)", |b| {
        // Generated here, so that only this benchmark pays for it.
        let dir = district();
        b.iter(|| {
            let status = Command::new(env!("CARGO_BIN_EXE_jixiao"))
                .args(["score", "--format", "json"])
                .arg(&dir)
                .stdout(Stdio::null())
                .status();
            assert!(status.is_ok_and(|s| s.success()), "district scored");
        })
    });
    group.finish();
}

criterion_group!(benches, engine, folder);
criterion_main!(benches);
