//! SQL functions of dry runs.

use std::time::Instant;

use confiture_core::event::{Event, EventKind};
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::{json, Value};

use super::options::Options;
use super::report::{self, StatementReport, Status};
use super::runner::{self, DryRun};
use crate::log::emit;

fn options_or_report(options: Option<JsonB>) -> Options {
    let options = options.map_or(json!({}), |o| o.0);
    Options::from_json(&options).unwrap_or_else(|error| {
        crate::errors::invalid_parameter(error.message, error.hint, function_name!())
    })
}

fn run(migration: Option<&str>, options: Option<JsonB>) -> (Options, Option<DryRun>) {
    let options = options_or_report(options);
    let run = migration.map(|m| logged(|| runner::dry_run(m, &options)));
    (options, run)
}

/// The dry run with its events: `dry_run_failed` names the first statement that failed.
fn logged(dry_run: impl FnOnce() -> DryRun) -> DryRun {
    emit(Event::new(EventKind::DryRunStart));
    let started = Instant::now();
    let run = dry_run();
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let failed = run.statements.iter().find(|r| r.status == Status::Failed);
    let event = match failed {
        None => Event::new(EventKind::DryRunCompleted),
        Some(report) => Event::new(EventKind::DryRunFailed).error(&format!(
            "statement {}: {}",
            report.number,
            report.message.as_deref().unwrap_or_default()
        )),
    };
    emit(
        event
            .duration_ms(duration_ms)
            .rows(run.statements.len() as u64),
    );
    run
}

/// A row of `dry_run`, in the column order of its signature.
type Row = (
    i32,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<i64>,
    Option<JsonB>,
    Option<Vec<String>>,
    Option<Vec<String>>,
    Option<Vec<String>>,
    Option<Vec<String>>,
    Vec<String>,
);

fn row(report: StatementReport) -> Row {
    let locks = report
        .locks
        .map(|locks| JsonB(Value::Array(locks.iter().map(|l| l.to_json()).collect())));
    (
        report.number as i32,
        report.statement,
        report.status.name().to_string(),
        report.sqlstate,
        report.message,
        report.duration_ms,
        report.rows_affected.map(|n| n as i64),
        locks,
        report.rewritten,
        report.created,
        report.dropped,
        report.altered,
        report.side_effects,
    )
}

// pgrx reads the column names from the signature, so the row type is spelled out there.
#[allow(clippy::type_complexity)]
/// Executes `migration` statement by statement in a subtransaction that is always rolled back,
/// and reports what each statement really did.
#[pg_extern(volatile, parallel_unsafe)]
fn dry_run(
    migration: Option<&str>,
    options: default!(Option<JsonB>, "'{}'"),
) -> TableIterator<
    'static,
    (
        name!(statement_no, i32),
        name!(statement, String),
        name!(status, String),
        name!(sqlstate, Option<String>),
        name!(message, Option<String>),
        name!(duration_ms, Option<f64>),
        name!(rows_affected, Option<i64>),
        name!(locks, Option<JsonB>),
        name!(rewritten, Option<Vec<String>>),
        name!(created, Option<Vec<String>>),
        name!(dropped, Option<Vec<String>>),
        name!(altered, Option<Vec<String>>),
        name!(side_effects, Vec<String>),
    ),
> {
    let (_, run) = run(migration, options);
    TableIterator::new(run.into_iter().flat_map(|r| r.statements).map(row))
}

/// The verdict on a dry run of `migration` as one JSON document.
#[pg_extern(volatile, parallel_unsafe)]
fn dry_run_summary(
    migration: Option<&str>,
    options: default!(Option<JsonB>, "'{}'"),
) -> Option<JsonB> {
    let (options, run) = run(migration, options);
    let run = run?;
    Some(JsonB(report::summary(
        &run.statements,
        options.data_scale,
        &run.unattributed_side_effects,
    )))
}
