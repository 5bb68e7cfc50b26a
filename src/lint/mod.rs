//! `confiture.lint()`: the server loads the schema and the configuration (loader.rs); the pure
//! linter in `confiture_core::lint` decides; sql_api.rs holds the SQL functions, snapshot.rs the
//! runs recorded for pg_cron.

mod loader;
mod snapshot;
mod sql_api;

pub use sql_api::run;
