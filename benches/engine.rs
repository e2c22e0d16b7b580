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

#[path = "support/district.rs"]
mod district;

use district::{DISTRICT_UNITS, EXAMPLE};

/// Write the district folder (again) and return it.
fn district() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-district");
    if let Err(e) = district::write(&dir, DISTRICT_UNITS) {
        panic!("cannot write {}: {e}", dir.display());
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
            // As `score --format json` renders it.
            let mut text = Vec::new();
            jixiao::explain::write_outcome_json(
                &mut text,
                black_box(&outcome),
                &rules,
                &submission,
                0,
            )
            .map(|()| text.len())
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
