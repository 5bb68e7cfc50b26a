//! `verify_anonymization`: values still equal to an original kept by the run, and values that
//! still look like personal data.

use std::collections::BTreeSet;

use confiture_core::anonymize::run::pii_check_applies;
use confiture_core::anonymize::sql::family_of;
use confiture_core::anonymize::{find_pii, TypeFamily};
use pgrx::prelude::*;
use serde_json::Value;

use super::runner::{quoted, targets};
use crate::catalog_text::read;

/// A row of the report: column, check, values examined, values found, detail.
pub type Finding = (String, String, i64, Option<i64>, Option<String>);

const COLUMNS: &str = "
SELECT coalesce(json_agg(json_build_object(
           'name', a.attname,
           'base_type', (WITH RECURSIVE chain (oid, base) AS (
                             SELECT t.oid, t.typbasetype FROM pg_type t WHERE t.oid = a.atttypid
                             UNION ALL
                             SELECT t.oid, t.typbasetype FROM chain JOIN pg_type t ON t.oid = chain.base)
                         SELECT format_type(oid, NULL) FROM chain WHERE base = 0))
           ORDER BY a.attnum), '[]')::text
  FROM pg_attribute a
 WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped";

fn number(sql: &str, args: &[pgrx::datum::DatumWithOid]) -> i64 {
    read(sql, args).parse().unwrap_or(0)
}

pub fn verify(table: pg_sys::Oid, sample_size: i32, function: &'static str) -> Vec<Finding> {
    let (_, name) = super::catalog::table_names(table);
    let targets = targets(table, function);
    let kept = !read(
        "SELECT coalesce(to_regclass('pg_temp.confiture_anonymization_originals')::text, '')",
        &[],
    )
    .is_empty();
    let mut findings = Vec::new();
    for target in &targets {
        let column = quoted(&target.column);
        let args = [table.into(), target.column.as_str().into()];
        findings.push(if kept {
            let originals = number(
                "SELECT count(*)::text FROM pg_temp.confiture_anonymization_originals
                  WHERE tbl = $1 AND col = $2",
                &args,
            );
            let equal = number(
                &format!(
                    "SELECT count(*)::text FROM {name}
                      WHERE {column}::text IN (SELECT value FROM pg_temp.confiture_anonymization_originals
                                                WHERE tbl = $1 AND col = $2)"
                ),
                &args,
            );
            (target.column.clone(), "equals_original".into(), originals, Some(equal), None)
        } else {
            (
                target.column.clone(),
                "equals_original".into(),
                0,
                None,
                Some(
                    "no original values kept in this session: verify in the session that ran \
                     anonymize_table"
                        .into(),
                ),
            )
        });
    }
    let columns: Value = serde_json::from_str(&read(COLUMNS, &[table.into()]))
        .expect("the query builds a JSON array");
    for column in columns.as_array().into_iter().flatten() {
        let column_name = column["name"].as_str().unwrap_or_default();
        let base_type = column["base_type"].as_str().unwrap_or_default();
        let planned = targets
            .iter()
            .find(|t| t.column == column_name)
            .map(|t| &t.planned);
        if family_of(base_type) != Some(TypeFamily::Text) || !pii_check_applies(planned) {
            continue;
        }
        findings.push(pii(table, &name, column_name, sample_size));
    }
    findings
}

/// Values of a sample of rows of the column that look like e-mail addresses, phone or card
/// numbers, or IBANs.
fn pii(table: pg_sys::Oid, name: &str, column_name: &str, sample_size: i32) -> Finding {
    let column = quoted(column_name);
    let values: Value = serde_json::from_str(&read(
        &format!(
            "SELECT coalesce(json_agg(v), '[]')::text
               FROM (SELECT {column}::text AS v
                       FROM {name} TABLESAMPLE BERNOULLI (
                            (SELECT CASE WHEN reltuples > $2 THEN 100.0 * $2 / reltuples ELSE 100 END
                               FROM pg_class WHERE oid = $1))
                      WHERE {column} IS NOT NULL
                      LIMIT $2) s"
        ),
        &[table.into(), sample_size.into()],
    ))
    .expect("the query builds a JSON array");
    let values: Vec<&str> = values
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut kinds = BTreeSet::new();
    let mut matches = 0;
    for value in &values {
        let found = find_pii(value);
        if !found.is_empty() {
            matches += 1;
        }
        kinds.extend(found.iter().map(|m| m.kind.placeholder()));
    }
    (
        column_name.to_string(),
        "pii_pattern".into(),
        values.len() as i64,
        Some(matches),
        (!kinds.is_empty()).then(|| kinds.into_iter().collect::<Vec<_>>().join(" ")),
    )
}
