//! jixiao (绩效): a rules-as-data engine that scores budget units'
//! performance self-evaluations against the finance bureau's assessment
//! sheet and explains every lost point.
//!
//! Pipeline: `syntax` (text → AST) → `check` (names, types, points → `ir`)
//! → `data` (a submission, validated against the rules' schema) → `eval`
//! (outcome tree) → `explain` (JSON and text).

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

pub mod ast;
pub mod base;
pub mod cases;
pub mod check;
pub mod data;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod files;
pub mod import;
pub mod ir;
pub mod rules;
pub mod source;
pub mod syntax;

pub use diag::Problem;
pub use eval::{score, score_for_review};
pub use ir::RuleSet;
