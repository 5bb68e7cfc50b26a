//! In-server tests: compiled into the extension under the `pg_test` feature and run by
//! `cargo pgrx test`, each inside a transaction that is rolled back.

mod assess_risk;
mod dry_run;
mod lint;
mod split_statements;
mod split_statements_corpus;

/// Called once per test before the cluster starts.
pub fn setup(_options: Vec<&str>) {}

/// Settings of the test cluster.
pub fn postgresql_conf_options() -> Vec<&'static str> {
    vec![]
}
