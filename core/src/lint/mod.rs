//! `confiture.lint()`: the live schema checked by rules that are pure functions over a catalog
//! loaded once (catalog.rs), run under the user's configuration (engine.rs), reported as rows,
//! text, JSON, SARIF, GitHub annotations or JUnit (report.rs).

pub mod catalog;
pub mod config;
pub mod engine;
pub mod report;
pub mod rule;
pub mod rules;
#[cfg(test)]
pub mod testing;
