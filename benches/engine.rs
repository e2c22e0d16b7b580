//! Benchmarks: compiling the 2022 rules, loading the example, scoring it.
//! Run with `cargo bench`; figures are recorded in the closing notes and
//! docs, not asserted by tests.

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao::source::SourceFile;
use std::hint::black_box;

const EXAMPLE: &str = include_str!("../examples/2022/yueyanglou-finance-office.toml");

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
}

criterion_group!(benches, engine);
criterion_main!(benches);
