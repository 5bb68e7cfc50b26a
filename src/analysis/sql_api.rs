//! SQL functions of static risk analysis.

use confiture_core::risk::options::Options;
use confiture_core::risk::{rules, summary};
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::{json, Value};

use super::{analyse, Analysis};

fn options_or_report(options: Option<JsonB>) -> Options {
    let value = options.map_or(json!({}), |o| o.0);
    let known: Vec<&str> = rules::all().map(|r| r.id).collect();
    let mut options = Options::from_json(&value, &known).unwrap_or_else(|error| {
        crate::errors::invalid_parameter(error.message, error.hint, function_name!())
    });
    options.throughput = crate::gucs::throughput();
    options
}

/// A row of `assess_risk`, in the column order of its signature.
type Row = (
    i32,
    String,
    String,
    String,
    Option<String>,
    JsonB,
    Option<String>,
    String,
    bool,
    bool,
    bool,
    Option<i64>,
    Option<i64>,
    Option<f64>,
    i32,
    String,
    JsonB,
);

fn rows(analysis: Analysis) -> Vec<Row> {
    analysis
        .statements
        .into_iter()
        .zip(analysis.assessments)
        .map(|(statement, assessment)| {
            let effects = &assessment.effects;
            let strongest = effects.strongest();
            let findings = Value::Array(assessment.findings.iter().map(|f| f.to_json()).collect());
            (
                statement.number as i32,
                statement.text,
                statement.tag.clone(),
                // Statements without sub-actions are their own action.
                effects.action.clone().unwrap_or(statement.tag),
                effects.target.clone(),
                JsonB(summary::locks_json(&assessment)),
                strongest.map(|m| m.name().to_string()),
                strongest.map_or("nothing", |m| m.blocks()).to_string(),
                effects.rewrites,
                effects.scans,
                statement.transactional,
                assessment
                    .target_size
                    .and_then(|(rows, _)| rows)
                    .map(|r| r as i64),
                assessment.target_size.map(|(_, bytes)| bytes),
                assessment.est_duration_ms,
                assessment.score.value,
                assessment.score.level.name().to_string(),
                JsonB(findings),
            )
        })
        .collect()
}

// pgrx reads the column names from the signature, so the row type is spelled out there.
#[allow(clippy::type_complexity)]
/// Static analysis of `migration`: per statement the locks it will take, whether it rewrites
/// or scans, estimates from the real tables, a risk score and findings with safe alternatives.
#[pg_extern(stable, parallel_unsafe)]
fn assess_risk(
    migration: Option<&str>,
    options: default!(Option<JsonB>, "'{}'"),
) -> TableIterator<
    'static,
    (
        name!(statement_no, i32),
        name!(statement, String),
        name!(command, String),
        name!(action, String),
        name!(target, Option<String>),
        name!(locks, JsonB),
        name!(lock_mode, Option<String>),
        name!(blocks, String),
        name!(rewrites_table, bool),
        name!(scans_table, bool),
        name!(transactional, bool),
        name!(est_rows, Option<i64>),
        name!(est_bytes, Option<i64>),
        name!(est_duration_ms, Option<f64>),
        name!(risk_score, i32),
        name!(risk_level, String),
        name!(findings, JsonB),
    ),
> {
    let options = options_or_report(options);
    let rows = migration.map_or_else(Vec::new, |m| rows(analyse(m, &options)));
    TableIterator::new(rows)
}

/// The verdict on the whole of `migration` as one JSON document, for a deploy gate.
#[pg_extern(stable, parallel_unsafe)]
fn assess_risk_summary(
    migration: Option<&str>,
    options: default!(Option<JsonB>, "'{}'"),
) -> Option<JsonB> {
    let options = options_or_report(options);
    migration.map(|m| JsonB(summary::summary(&analyse(m, &options).assessments)))
}

/// Every rule of `assess_risk`: its id, default severity and what it detects.
#[pg_extern(immutable, parallel_safe)]
fn risk_rules() -> TableIterator<
    'static,
    (
        name!(rule, String),
        name!(severity, String),
        name!(description, String),
    ),
> {
    TableIterator::new(
        rules::all()
            .map(|r| {
                (
                    r.id.to_string(),
                    r.severity.name().to_string(),
                    r.summary.to_string(),
                )
            })
            .collect::<Vec<_>>(),
    )
}
