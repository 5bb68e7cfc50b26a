//! Confiture: safe PostgreSQL schema changes from inside the database.
//!
//! Every capability is a folder with pure logic beside the thin layer that talks to the server;
//! SQL-facing functions of a capability live in its `sql_api.rs`.

use pgrx::prelude::*;

mod acting_role;
pub mod analysis;
mod anonymize;
mod catalog_text;
pub mod dry_run;
mod errors;
mod executor;
mod gucs;
mod hooks;
mod lint;
mod log;
mod migrate;
pub mod script;
mod statement_timer;
mod subtransaction;

pgrx::pg_module_magic!();

#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    gucs::register();
    log::register_gucs();
    anonymize::register_callback();
}

pgrx::extension_sql_file!("../sql/lint.sql", name = "lint_tables");
pgrx::extension_sql_file!(
    "../sql/hooks.sql",
    name = "hook_tables",
    requires = [hook_phase, hook_refusal]
);
pgrx::extension_sql_file!("../sql/migrations.sql", name = "migration_tables");
pgrx::extension_sql_file!("../sql/anonymize.sql", name = "anonymization_tables");
pgrx::extension_sql_file!("../sql/grants.sql", name = "grants", finalize);

/// The version of the Confiture library loaded in this backend.
#[pg_extern(immutable, parallel_safe)]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[cfg(feature = "pg_test")]
#[path = "../pg_test/mod.rs"]
pub mod pg_test;
