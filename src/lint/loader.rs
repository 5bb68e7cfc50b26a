//! Reading the schema and the linter's configuration: one query each, through read-only SPI
//! (no transaction ID, no lock on a user table), so `lint()` works on a hot standby.

use confiture_core::lint::catalog::LintCatalog;
use confiture_core::lint::engine::Config;
use pgrx::prelude::*;

const CATALOG: &str = include_str!("catalog.sql");

const CONFIG: &str = "
SELECT json_build_object(
    'rules', (SELECT json_agg(json_build_array(rule, enabled, severity, options))
              FROM confiture.lint_rule_config),
    'exclusions', (SELECT json_agg(json_build_array(rule, object_pattern))
                   FROM confiture.lint_exclusions))::text";

fn one_text(sql: &str) -> String {
    Spi::connect(|client| {
        client
            .select(sql, None, &[])
            .and_then(|table| table.first().get_one::<String>())
    })
    .ok()
    .flatten()
    .unwrap_or_default()
}

/// The schema to lint, with its lookups built.
pub fn catalog() -> LintCatalog {
    let text = one_text(CATALOG);
    serde_json::from_str::<LintCatalog>(&text)
        .unwrap_or_else(|error| {
            // The query and the structs are one contract: a mismatch is a bug, not bad input.
            pgrx::error!("confiture could not read the catalog query's result: {error}")
        })
        .indexed()
}

/// The rules' configuration and the exclusions.
pub fn config() -> Config {
    let text = one_text(CONFIG);
    Config::from_json(&serde_json::from_str(&text).unwrap_or_default())
}
