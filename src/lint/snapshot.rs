//! Recorded lint runs, for pg_cron: `lint_snapshot()` stores a run and its findings and says
//! what changed since the previous run; `lint_diff()` compares any two runs.

use confiture_core::lint::engine::{LintFinding, Selection};
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::{json, Value};

use super::sql_api::run;
use crate::errors::invalid_parameter;

/// Inserts the run and its findings; new and fixed findings are those whose fingerprint is
/// absent from the previous run, or from this one.
const RECORD: &str = "
WITH run AS (
    INSERT INTO confiture.lint_runs (duration_ms, counts) VALUES ($1, $2) RETURNING id, ran_at
), stored AS (
    INSERT INTO confiture.lint_findings
        (run_id, fingerprint, rule, severity, category, object_type, object_name, message,
         remediation, detail)
    SELECT run.id, f.fingerprint, f.rule, f.severity, f.category, f.object_type, f.object_name,
           f.message, f.remediation, f.detail
    FROM run, jsonb_to_recordset($3) AS f (fingerprint text, rule text, severity text,
        category text, object_type text, object_name text, message text, remediation text,
        detail jsonb)
), previous AS (
    SELECT max(id) AS id FROM confiture.lint_runs
)
SELECT json_build_object(
    'run_id', (SELECT id FROM run),
    'ran_at', (SELECT ran_at FROM run),
    'previous_run_id', (SELECT id FROM previous),
    'fixed', coalesce((SELECT json_agg(json_build_object('rule', p.rule, 'severity', p.severity,
                                                        'object_name', p.object_name,
                                                        'fingerprint', p.fingerprint)
                                       ORDER BY p.rule, p.object_name)
                       FROM confiture.lint_findings p
                       WHERE p.run_id = (SELECT id FROM previous)
                         AND NOT EXISTS (SELECT FROM jsonb_to_recordset($3) AS f (fingerprint text)
                                         WHERE f.fingerprint = p.fingerprint)), '[]'),
    'previous_fingerprints', coalesce((SELECT json_agg(p.fingerprint) FROM confiture.lint_findings p
                                       WHERE p.run_id = (SELECT id FROM previous)), '[]')
)::text";

fn finding_json(finding: &LintFinding) -> Value {
    json!({
        "fingerprint": finding.fingerprint,
        "rule": finding.rule,
        "severity": finding.severity.name(),
        "category": finding.category,
        "object_type": finding.object_type,
        "object_name": finding.object_name,
        "message": finding.message,
        "remediation": finding.remediation,
        "detail": finding.detail,
    })
}

/// Lints with every enabled rule, stores the run and its findings, and returns the counts and
/// the findings that are new or fixed since the previous run. Sends `NOTIFY confiture_lint`
/// (payload: run id, counts, new errors) when new errors appear.
#[pg_extern(volatile, parallel_unsafe)]
fn lint_snapshot() -> JsonB {
    let (findings, duration_ms, timings) = run(&Selection::default(), function_name!());
    let mut counts = json!({"error": 0, "warning": 0, "info": 0});
    for finding in &findings {
        let count = &mut counts[finding.severity.name()];
        *count = json!(count.as_i64().unwrap_or(0) + 1);
    }
    let rows = Value::Array(findings.iter().map(finding_json).collect());
    let stored: Value = Spi::connect_mut(|client| {
        client
            .update(
                RECORD,
                None,
                &[
                    duration_ms.into(),
                    JsonB(counts.clone()).into(),
                    JsonB(rows).into(),
                ],
            )?
            .first()
            .get_one::<String>()
    })
    .ok()
    .flatten()
    .and_then(|text| serde_json::from_str(&text).ok())
    .unwrap_or_else(|| pgrx::error!("could not store the lint run"));

    let previous: Vec<&str> = stored["previous_fingerprints"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let has_previous = !stored["previous_run_id"].is_null();
    let new: Vec<&LintFinding> = findings
        .iter()
        .filter(|f| has_previous && !previous.contains(&f.fingerprint.as_str()))
        .collect();
    let new_errors: Vec<Value> = new
        .iter()
        .filter(|f| f.severity == confiture_core::severity::Severity::Error)
        .map(|f| json!({"rule": f.rule, "object_name": f.object_name}))
        .collect();
    let summary = json!({
        "run_id": stored["run_id"],
        "ran_at": stored["ran_at"],
        "previous_run_id": stored["previous_run_id"],
        "duration_ms": (duration_ms * 1000.0).round() / 1000.0,
        // Where the time went: reading the catalog is the rest of duration_ms.
        "rule_ms": timings.iter()
            .map(|(rule, ms)| (rule.to_string(), json!((ms * 1000.0).round() / 1000.0)))
            .collect::<serde_json::Map<String, Value>>(),
        "counts": counts,
        "new": new.iter().map(|f| json!({
            "rule": f.rule, "severity": f.severity.name(),
            "object_name": f.object_name, "fingerprint": f.fingerprint,
        })).collect::<Vec<_>>(),
        "fixed": stored["fixed"],
    });
    if !new_errors.is_empty() {
        notify(&json!({
            "run_id": stored["run_id"],
            "counts": summary["counts"],
            "new_errors": new_errors.len(),
            // NOTIFY payloads are limited to 8000 bytes: the first few, the rest by run id.
            "first": new_errors.iter().take(10).collect::<Vec<_>>(),
        }));
    }
    JsonB(summary)
}

fn notify(payload: &Value) {
    Spi::connect_mut(|client| {
        client
            .update(
                "SELECT pg_notify('confiture_lint', $1)",
                None,
                &[payload.to_string().into()],
            )
            .map(|_| ())
    })
    .unwrap_or_else(|error| pgrx::error!("could not notify confiture_lint: {error}"));
}

// pgrx reads the column names from the signature, so the row type is spelled out there.
#[allow(clippy::type_complexity)]
/// What changed between two recorded runs: findings of `to_run` absent from `from_run` (`new`)
/// and findings of `from_run` absent from `to_run` (`fixed`), matched by fingerprint.
#[pg_extern(stable, parallel_safe)]
fn lint_diff(
    from_run: i64,
    to_run: i64,
) -> TableIterator<
    'static,
    (
        name!(change, String),
        name!(rule, String),
        name!(severity, String),
        name!(category, String),
        name!(object_type, String),
        name!(object_name, String),
        name!(message, String),
        name!(remediation, Option<String>),
        name!(detail, Option<JsonB>),
        name!(fingerprint, String),
    ),
> {
    let rows = Spi::connect(|client| {
        let runs = client
            .select(
                "SELECT count(*) FROM confiture.lint_runs WHERE id IN ($1, $2)",
                None,
                &[from_run.into(), to_run.into()],
            )?
            .first()
            .get_one::<i64>()?
            .unwrap_or(0);
        let expected = if from_run == to_run { 1 } else { 2 };
        if runs != expected {
            invalid_parameter(
                format!("lint run {from_run} or {to_run} does not exist"),
                "SELECT id, ran_at FROM confiture.lint_runs ORDER BY id lists the runs.".into(),
                "lint_diff",
            );
        }
        client
            .select(
                "SELECT c.change, f.rule, f.severity, f.category, f.object_type, f.object_name,
                        f.message, f.remediation, f.detail, f.fingerprint
                 FROM (VALUES ('new', $2::bigint, $1::bigint), ('fixed', $1, $2)) AS c (change, present, absent)
                 JOIN confiture.lint_findings f ON f.run_id = c.present
                 WHERE NOT EXISTS (SELECT FROM confiture.lint_findings o
                                   WHERE o.run_id = c.absent AND o.fingerprint = f.fingerprint)
                 ORDER BY c.change DESC, f.rule, f.object_name",
                None,
                &[from_run.into(), to_run.into()],
            )?
            .map(|row| {
                Ok((
                    row.get::<String>(1)?.unwrap_or_default(),
                    row.get::<String>(2)?.unwrap_or_default(),
                    row.get::<String>(3)?.unwrap_or_default(),
                    row.get::<String>(4)?.unwrap_or_default(),
                    row.get::<String>(5)?.unwrap_or_default(),
                    row.get::<String>(6)?.unwrap_or_default(),
                    row.get::<String>(7)?.unwrap_or_default(),
                    row.get::<String>(8)?,
                    row.get::<JsonB>(9)?,
                    row.get::<String>(10)?.unwrap_or_default(),
                ))
            })
            .collect::<Result<Vec<_>, pgrx::spi::SpiError>>()
    })
    .unwrap_or_else(|error| pgrx::error!("could not compare lint runs: {error}"));
    TableIterator::new(rows)
}
