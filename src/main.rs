//! The `jixiao` command. Thin: arguments in, library calls, output and exit
//! status out.

// The crate's code may not panic (Cargo.toml's [lints.clippy]); its unit
// tests may: a failing test should stop. The normal build still checks
// every line outside them.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod cli;

/// Loading, scoring and rendering make and free many small values (texts,
/// lists, places): mimalloc serves them in a fraction of glibc's
/// instructions (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
