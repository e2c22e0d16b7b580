//! jixiao (绩效): a rules-as-data engine that scores budget units'
//! performance self-evaluations against the finance bureau's assessment
//! sheet and explains every lost point.
//!
//! Pipeline: `syntax` (text → AST) → `check` (names, types, points → `ir`)
//! → `data` (a submission, validated against the rules' schema) → `eval`
//! (outcome tree) → `explain` (JSON and text).
//!
//! The entry points: [`rules::builtin`] / [`rules::from_dir`] (or
//! [`compile`]) give a [`RuleSet`]; [`data::load_submission`] loads a
//! submission against its schema; [`score`] gives an [`outcome::Outcome`];
//! `explain` renders it. `import`, `cases`, `diff` and `syntax` (the
//! formatter) serve the other commands.

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

// The stages inside: what the rule author wrote, the smallest pieces, the
// checker, the compiled rules and the evaluator are reached through the
// entry points below, not module by module.
mod ast;
mod base;
mod check;
mod eval;
mod ir;

pub mod cases;
pub mod data;
pub mod diag;
pub mod diff;
pub mod explain;
pub mod files;
pub mod import;
pub mod rules;
pub mod source;
pub mod syntax;

pub use check::{compile, parse_problem};
pub use diag::Problem;
pub use eval::outcome;
pub use eval::{
    score, score_for_review, score_for_summary, score_for_totals, score_interpreted, score_scanning,
};
pub use ir::{NodeIr, NodeIrKind, RuleSet, Severity};
