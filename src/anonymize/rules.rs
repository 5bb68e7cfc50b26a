//! Anonymization rules: declared per column, validated when declared and again before a run.

use confiture_core::anonymize::rule::{check_rule, Custom, Planned};
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::Value;

use super::catalog;
use super::strategies;
use crate::errors::invalid_parameter;

/// The rule masking `column` of `table`, checked against the table as it is now, and whether
/// a unique index over the column checks each row as it is written.
pub fn plan(
    table: pg_sys::Oid,
    column: &str,
    strategy: &str,
    options: &Value,
    function: &'static str,
) -> (Planned, bool) {
    let (facts, unique_immediate) = catalog::column(table, column);
    let custom = catalog::registered(strategy).map(|registered| {
        let (family, argument_type) =
            strategies::checked_family(registered.function, strategy, function);
        Custom {
            family,
            argument_type,
            unique_safe: registered.unique_safe,
        }
    });
    let planned = check_rule(&facts, strategy, options, custom.as_ref())
        .unwrap_or_else(|error| invalid_parameter(error.message, error.hint, function));
    (planned, unique_immediate)
}

pub fn set(
    table: pg_sys::Oid,
    column: &str,
    strategy: &str,
    options: Value,
    function: &'static str,
) {
    plan(table, column, strategy, &options, function);
    crate::executor::run(
        "INSERT INTO confiture.anonymization_rule (tbl, col, strategy, options)
         VALUES ($1::oid::regclass, $2, $3, $4)
         ON CONFLICT (tbl, col) DO UPDATE
            SET strategy = EXCLUDED.strategy, options = EXCLUDED.options,
                created_at = now(), created_by = current_user",
        &[
            table.into(),
            column.into(),
            strategy.into(),
            JsonB(options).into(),
        ],
    );
}

/// Removes the rule of `column`; whether there was one.
pub fn remove(table: pg_sys::Oid, column: &str) -> bool {
    crate::executor::run(
        "DELETE FROM confiture.anonymization_rule WHERE tbl = $1 AND col = $2",
        &[table.into(), column.into()],
    ) > 0
}
