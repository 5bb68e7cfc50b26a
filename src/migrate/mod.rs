//! The migration runner: `confiture.migrate` applies a versioned script with its hooks and
//! records it in `confiture.migrations`; `confiture.rollback` runs the stored `down` script.
//!
//! Pure parts are in `confiture_core::migrate` (options, the history's verdict, the result).
//! Here: `history` (the table and the lock that serializes runners), `runner` (the phases in
//! their subtransactions) and `sql_api`.

mod history;
mod runner;
mod sql_api;
