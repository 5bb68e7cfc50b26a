//! `confiture.dry_run`: execute a migration for real inside a subtransaction that is always
//! rolled back, and report what each statement did.
//!
//! Pure parts: options, plan (what to do with each statement), locks, catalog_diff, side
//! effects and report. Server parts: sequence_page, server (SPI) and runner, with the crate's
//! subtransactions and statement timer.

mod catalog_diff;
mod locks;
mod options;
mod plan;
mod report;
mod runner;
mod sequence_page;
mod server;
mod side_effects;
mod sql_api;
