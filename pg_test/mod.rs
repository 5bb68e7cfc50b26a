//! In-server tests: compiled into the extension under the `pg_test` feature and run by
//! `cargo pgrx test`, each inside a transaction that is rolled back.

mod anonymize;
mod assess_risk;
mod dry_run;
mod hooks;
mod lint;
mod log;
mod migrate;
mod split_statements;
mod split_statements_corpus;

/// The SQLSTATE and message of the ERROR `sql` raises (its subtransaction rolled back), or
/// `None` when it succeeds.
pub fn error_of(sql: &str) -> Option<(String, String)> {
    crate::subtransaction::attempt(|| pgrx::Spi::run(sql))
        .err()
        .map(|e| {
            (
                crate::errors::sqlstate(e.sql_error_code()),
                e.message().to_string(),
            )
        })
}

/// Called once per test before the cluster starts.
pub fn setup(_options: Vec<&str>) {}

/// Settings of the test cluster.
pub fn postgresql_conf_options() -> Vec<&'static str> {
    vec![]
}
