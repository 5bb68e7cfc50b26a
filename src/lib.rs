//! Confiture: safe PostgreSQL schema changes from inside the database.
//!
//! Every capability is a folder with pure logic beside the thin layer that talks to the server;
//! SQL-facing functions of a capability live in its `sql_api.rs`.

use pgrx::prelude::*;

pub mod dry_run;
pub mod script;

pgrx::pg_module_magic!();

pgrx::extension_sql_file!("../sql/grants.sql", name = "grants", finalize);

/// The version of the Confiture library loaded in this backend.
#[pg_extern(immutable, parallel_safe)]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[cfg(feature = "pg_test")]
#[path = "../pg_test/mod.rs"]
pub mod pg_test;
