//! SQL functions of the migration runner.

use confiture_core::migrate::history::{decide, Decision, Recorded};
use confiture_core::migrate::options::Options;
use confiture_core::migrate::outcome::{Outcome, Status};
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::json;

use super::history;
use super::runner::{self, Request, Script};
use crate::errors::{invalid_parameter, null_argument, raise};

fn options_or_report(options: Option<JsonB>, function: &'static str) -> Options {
    Options::from_json(&options.map_or(json!({}), |o| o.0))
        .unwrap_or_else(|error| invalid_parameter(error.message, error.hint, function))
}

/// Applies migration `version` (the `up` script) with its hooks and records it in
/// `confiture.migrations`; see docs/reference/migrate.md.
#[pg_extern(volatile, parallel_unsafe)]
fn migrate(
    version: Option<&str>,
    name: Option<&str>,
    up: Option<&str>,
    down: default!(Option<&str>, "NULL"),
    options: default!(Option<JsonB>, "'{}'"),
) -> JsonB {
    let f = function_name!();
    let version = version.unwrap_or_else(|| null_argument("version", f));
    let name = name.unwrap_or_else(|| null_argument("name", f));
    let up = up.unwrap_or_else(|| null_argument("up", f));
    if version.trim().is_empty() {
        invalid_parameter(
            "a migration needs a version".into(),
            "The version identifies it in confiture.migrations: for example 'V7' or '2026_12_01_1200'."
                .into(),
            f,
        );
    }
    let options = options_or_report(options, f);
    history::take_turn();
    let checksum = history::checksum(up);
    let recorded = history::record(version);
    match decide(
        recorded.as_ref().map(|r| (r.status, r.checksum.as_str())),
        &checksum,
    ) {
        Decision::Apply => {}
        Decision::AlreadyApplied => {
            return JsonB(
                Outcome {
                    status: Status::AlreadyApplied,
                    version: version.to_string(),
                    name: name.to_string(),
                    checksum,
                    duration_ms: 0.0,
                    steps: vec![],
                    hooks: vec![],
                    statements: 0,
                    rows: 0,
                    risk: None,
                    new_lint_errors: vec![],
                    error: None,
                }
                .to_json(),
            )
        }
        Decision::ChecksumDrift { applied } => {
            ErrorReport::new(
                PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!("migration {version} was applied with a different script"),
                f,
            )
            .set_detail(format!(
                "Checksum applied: {applied}; checksum of this script: {checksum}."
            ))
            .set_hint(
                "An applied migration must not change: put the change in a new version, or \
                 roll this one back first (confiture.rollback).",
            )
            .report(PgLogLevel::ERROR);
        }
    }
    let request = Request {
        version,
        name,
        script: Script::Up { up, down },
        checksum,
        options,
    };
    JsonB(runner::run(&request, f).to_json())
}

/// Runs the stored `down` script of the applied migration `version`, with its hooks, and marks
/// it rolled back; see docs/reference/rollback.md.
#[pg_extern(volatile, parallel_unsafe)]
fn rollback(version: Option<&str>, options: default!(Option<JsonB>, "'{}'")) -> JsonB {
    let f = function_name!();
    let version = version.unwrap_or_else(|| null_argument("version", f));
    let options = options_or_report(options, f);
    history::take_turn();
    let record = history::record(version).filter(|r| r.status == Recorded::Applied);
    let Some(record) = record else {
        raise(
            PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
            format!("migration {version} is not applied"),
            "SELECT * FROM confiture.status() lists the migrations and their status.",
            f,
        )
    };
    let Some(down) = record.down.as_deref() else {
        raise(PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE, format!("migration {version} has no down script"), "Pass down to confiture.migrate to make a migration reversible; undo this one with a new migration.", f)
    };
    let request = Request {
        version,
        name: &record.name,
        script: Script::Down { down },
        checksum: record.checksum.clone(),
        options,
    };
    JsonB(runner::run(&request, f).to_json())
}
