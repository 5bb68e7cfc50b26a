//! SQL functions of the linter.

use std::time::Instant;

use confiture_core::event::{Event, EventKind};
use confiture_core::lint::config::check_options;
use confiture_core::lint::engine::{self, LintFinding, Selection, Timings};
use confiture_core::lint::report;
use confiture_core::lint::rules;
use confiture_core::severity::Severity;
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::Value;

use super::loader;
use crate::errors::invalid_parameter;

/// A call's filters, checked: every rule named exists, the severity is one of the three.
fn selection(
    schemas: Option<Vec<Option<String>>>,
    rules: Option<Vec<Option<String>>>,
    min_severity: Option<&str>,
    function: &'static str,
) -> Selection {
    let min_severity = match min_severity {
        None => Severity::Info,
        Some(name) => Severity::from_name(name).unwrap_or_else(|| {
            invalid_parameter(
                format!("unknown severity \"{name}\""),
                "Severities: error, warning, info.".into(),
                function,
            )
        }),
    };
    let rules = rules.map(|names| {
        let names: Vec<String> = names.into_iter().flatten().collect();
        for name in &names {
            known_rule(name, function);
        }
        names
    });
    Selection {
        schemas: schemas.map(|s| s.into_iter().flatten().collect()),
        rules,
        min_severity,
    }
}

fn known_rule(name: &str, function: &'static str) -> &'static confiture_core::lint::rule::LintRule {
    rules::find(name).unwrap_or_else(|| {
        invalid_parameter(
            format!("unknown lint rule \"{name}\""),
            "SELECT rule FROM confiture.lint_rules() lists the rules.".into(),
            function,
        )
    })
}

/// Lints the live schema under the stored configuration: the findings, how long the whole run
/// took and how long each rule took, in milliseconds.
pub fn run(selection: &Selection, function: &'static str) -> (Vec<LintFinding>, f64, Timings) {
    let started = Instant::now();
    let catalog = loader::catalog();
    if let Some(schemas) = &selection.schemas {
        for schema in schemas {
            if !catalog.schemas.iter().any(|s| &s.name == schema) {
                invalid_parameter(
                    format!("schema \"{schema}\" is not linted"),
                    "It does not exist, or it is a system schema or an extension's: \
                     SELECT name FROM confiture.lint() lists nothing there."
                        .into(),
                    function,
                );
            }
        }
    }
    let config = loader::config();
    let (findings, timings) = engine::lint(&catalog, &config, selection);
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    crate::log::emit(
        Event::new(EventKind::LintCompleted)
            .duration_ms(duration_ms)
            .rows(findings.len() as u64),
    );
    (findings, duration_ms, timings)
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    JsonB,
    String,
);

pub fn row(finding: LintFinding) -> Row {
    (
        finding.rule.to_string(),
        finding.severity.name().to_string(),
        finding.category.to_string(),
        finding.object_type.to_string(),
        finding.object_name,
        finding.message,
        finding.remediation,
        JsonB(if finding.detail.is_null() {
            Value::Object(Default::default())
        } else {
            finding.detail
        }),
        finding.fingerprint,
    )
}

// pgrx reads the column names from the signature, so the row type is spelled out there.
#[allow(clippy::type_complexity)]
/// Lints the live schema: one row per finding, errors first.
#[pg_extern(stable, parallel_safe)]
fn lint(
    schemas: default!(Option<Vec<Option<String>>>, "NULL"),
    rules: default!(Option<Vec<Option<String>>>, "NULL"),
    min_severity: default!(Option<&str>, "'info'"),
) -> TableIterator<
    'static,
    (
        name!(rule, String),
        name!(severity, String),
        name!(category, String),
        name!(object_type, String),
        name!(object_name, String),
        name!(message, String),
        name!(remediation, Option<String>),
        name!(detail, JsonB),
        name!(fingerprint, String),
    ),
> {
    let selection = selection(schemas, rules, min_severity, function_name!());
    let (findings, _, _) = run(&selection, function_name!());
    TableIterator::new(findings.into_iter().map(row).collect::<Vec<_>>())
}

/// The findings of `lint(schemas, rules, min_severity)` as one document: `text`, `json`,
/// `sarif` (2.1.0), `github` (workflow commands) or `junit`.
#[pg_extern(stable, parallel_safe)]
fn lint_report(
    format: default!(&str, "'text'"),
    schemas: default!(Option<Vec<Option<String>>>, "NULL"),
    rules: default!(Option<Vec<Option<String>>>, "NULL"),
    min_severity: default!(Option<&str>, "'info'"),
) -> String {
    // An unknown format is refused before the schema is read.
    if let Err(error) = report::render(format, &[], env!("CARGO_PKG_VERSION")) {
        invalid_parameter(error.message, error.hint, function_name!());
    }
    let selection = selection(schemas, rules, min_severity, function_name!());
    let (findings, _, _) = run(&selection, function_name!());
    report::render(format, &findings, env!("CARGO_PKG_VERSION"))
        .unwrap_or_else(|error| invalid_parameter(error.message, error.hint, function_name!()))
}

/// Every lint rule with its default and configured settings.
#[pg_extern(stable, parallel_safe)]
fn lint_rules() -> TableIterator<
    'static,
    (
        name!(rule, String),
        name!(category, String),
        name!(default_severity, String),
        name!(severity, String),
        name!(enabled, bool),
        name!(options, JsonB),
        name!(description, String),
    ),
> {
    let config = loader::config();
    TableIterator::new(
        rules::all()
            .map(|rule| {
                let settings = engine::effective(rule, &config);
                (
                    rule.id.to_string(),
                    rule.category.to_string(),
                    rule.severity.name().to_string(),
                    settings.severity.name().to_string(),
                    settings.enabled,
                    JsonB(settings.options),
                    rule.description.to_string(),
                )
            })
            .collect::<Vec<_>>(),
    )
}

/// Configures a rule: `NULL` arguments leave that setting as it is. Returns the rule's
/// settings afterwards.
#[pg_extern(volatile, parallel_unsafe)]
fn configure_rule(
    rule: &str,
    enabled: default!(Option<bool>, "NULL"),
    severity: default!(Option<&str>, "NULL"),
    options: default!(Option<JsonB>, "NULL"),
) -> JsonB {
    let found = known_rule(rule, function_name!());
    if let Some(name) = severity {
        if Severity::from_name(name).is_none() {
            invalid_parameter(
                format!("unknown severity \"{name}\""),
                "Severities: error, warning, info.".into(),
                function_name!(),
            );
        }
    }
    if let Some(JsonB(options)) = &options {
        if let Err(message) = check_options(found, options) {
            invalid_parameter(
                message,
                format!(
                    "SELECT options FROM confiture.lint_rules() WHERE rule = '{rule}' shows them."
                ),
                function_name!(),
            );
        }
    }
    Spi::connect_mut(|client| {
        client
            .update(
                "INSERT INTO confiture.lint_rule_config AS c (rule, enabled, severity, options)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (rule) DO UPDATE
             SET enabled = coalesce(EXCLUDED.enabled, c.enabled),
                 severity = coalesce(EXCLUDED.severity, c.severity),
                 options = coalesce(c.options, '{}') || coalesce(EXCLUDED.options, '{}'),
                 updated_at = now(), updated_by = current_user",
                None,
                &[rule.into(), enabled.into(), severity.into(), options.into()],
            )
            .map(|_| ())
    })
    .unwrap_or_else(|error| pgrx::error!("could not configure rule {rule}: {error}"));
    let config = loader::config();
    let settings = engine::effective(found, &config);
    JsonB(serde_json::json!({
        "rule": rule,
        "enabled": settings.enabled,
        "severity": settings.severity.name(),
        "options": settings.options,
    }))
}

/// Excludes objects whose name matches `object_pattern` (LIKE) from `rule`, for `reason`.
/// Returns the exclusion's id.
#[pg_extern(volatile, parallel_unsafe)]
fn exclude(rule: &str, object_pattern: &str, reason: &str) -> i64 {
    known_rule(rule, function_name!());
    if object_pattern.is_empty() || reason.trim().is_empty() {
        invalid_parameter(
            "an exclusion needs an object pattern and a reason".into(),
            "For example: SELECT confiture.exclude('missing_primary_key', 'public.audit%', 'append-only logs');"
                .into(),
            function_name!(),
        );
    }
    Spi::connect_mut(|client| {
        client
            .update(
                "INSERT INTO confiture.lint_exclusions (rule, object_pattern, reason)
                 VALUES ($1, $2, $3)
                 ON CONFLICT (rule, object_pattern) DO UPDATE SET reason = EXCLUDED.reason
                 RETURNING id",
                None,
                &[rule.into(), object_pattern.into(), reason.into()],
            )?
            .first()
            .get_one::<i64>()
    })
    .ok()
    .flatten()
    .unwrap_or_else(|| pgrx::error!("could not store the exclusion"))
}
