//! A sequence feeding an integer column (serial, identity, or a `nextval` default) that has
//! used more than a share of the values the column (or the sequence) can hold: once it runs
//! out, every insert fails, and widening a large table's column rewrites it under an
//! exclusive lock, which takes planning.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use crate::lint::catalog::{Column, LintCatalog, Sequence, Table};
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "sequence_exhaustion",
    category: "structure",
    severity: Severity::Warning,
    enabled: true,
    description: "a sequence past a share of its integer column's range",
    options,
    check,
};

fn options() -> serde_json::Value {
    json!({"threshold": 0.5})
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let threshold = context.option_f64("threshold").unwrap_or(0.5);
    let mut hits = Vec::new();
    let mut seen = HashSet::new();
    for (sequence, table, column) in fed_columns(catalog) {
        if !seen.insert((sequence.oid, table.oid, column.num)) {
            continue;
        }
        let Some(type_max) = type_max(&column.type_name) else {
            continue;
        };
        let Some(last_value) = sequence.last_value else {
            continue;
        };
        let max = type_max.min(sequence.max_value);
        if max <= 0 || (last_value as f64) <= threshold * max as f64 {
            continue;
        }
        let percent = (last_value as f64 / max as f64 * 1000.0).round() / 10.0;
        let mut fix = Vec::new();
        if column.type_name != "bigint" {
            fix.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} TYPE bigint;",
                table.qualified, column.quoted
            ));
        }
        // An identity column's sequence follows its column's type; a serial's does not.
        if !column.identity && sequence.max_value < i64::MAX {
            fix.push(format!(
                "ALTER SEQUENCE {} AS bigint NO MAXVALUE;",
                sequence.qualified
            ));
        }
        let mut hit = Hit::on_column(
            table,
            column,
            format!(
                "Sequence {} feeding {}.{} ({}) is at {last_value}, {percent}% of its maximum {max}.",
                sequence.qualified, table.qualified, column.quoted, column.type_name
            ),
        )
        .with_detail(json!({
            "sequence": sequence.qualified,
            "type": column.type_name,
            "last_value": last_value,
            "max": max,
            "percent": percent,
        }));
        if !fix.is_empty() {
            hit = hit.with_remediation(fix.join("\n"));
        }
        hits.push(hit);
    }
    hits
}

/// The largest value of an integer type, by its `format_type` name.
fn type_max(type_name: &str) -> Option<i64> {
    match type_name {
        "smallint" => Some(i16::MAX.into()),
        "integer" => Some(i32::MAX.into()),
        "bigint" => Some(i64::MAX),
        _ => None,
    }
}

/// Every (sequence, table, column) where the sequence feeds the column: owned by it, or named
/// by its `nextval('…'::regclass)` default.
fn fed_columns(catalog: &LintCatalog) -> Vec<(&Sequence, &Table, &Column)> {
    let mut fed: Vec<(&Sequence, &Table, &Column)> = catalog
        .sequences
        .iter()
        .filter_map(|s| {
            let (table, num) = s.owned_by?;
            let table = catalog.table(table)?;
            Some((s, table, table.column(num)?))
        })
        .collect();
    let by_qualified: HashMap<&str, &Sequence> = catalog
        .sequences
        .iter()
        .map(|s| (s.qualified.as_str(), s))
        .collect();
    let mut by_name: HashMap<&str, Vec<&Sequence>> = HashMap::new();
    for sequence in &catalog.sequences {
        by_name
            .entry(split_qualified(&sequence.qualified).1)
            .or_default()
            .push(sequence);
    }
    for table in &catalog.tables {
        for column in &table.columns {
            let Some(named) = column.default.as_deref().and_then(nextval_argument) else {
                continue;
            };
            let (schema, name) = split_qualified(&named);
            let sequence = if schema.is_empty() {
                // Unqualified: the schema is on the search path; prefer the table's own.
                let candidates = by_name.get(name).map_or(&[][..], Vec::as_slice);
                let table_schema = split_qualified(&table.qualified).0;
                candidates
                    .iter()
                    .find(|s| split_qualified(&s.qualified).0 == table_schema)
                    .or(if candidates.len() == 1 {
                        candidates.first()
                    } else {
                        None
                    })
                    .copied()
            } else {
                by_qualified.get(named.as_str()).copied()
            };
            if let Some(sequence) = sequence {
                fed.push((sequence, table, column));
            }
        }
    }
    fed
}

/// The sequence named by a `nextval('name'::regclass)` default, as regclass prints it.
fn nextval_argument(default: &str) -> Option<String> {
    let start = default.find("nextval('")? + "nextval('".len();
    let rest = &default[start..];
    let end = rest.find("'::regclass")?;
    Some(rest[..end].replace("''", "'"))
}

/// `schema.name` (each part quoted as needed) split at its dot; an empty schema when there is
/// none.
fn split_qualified(qualified: &str) -> (&str, &str) {
    let mut quoted = false;
    let mut dot = None;
    for (i, c) in qualified.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => dot = Some(i),
            _ => {}
        }
    }
    match dot {
        Some(i) => (&qualified[..i], &qualified[i + 1..]),
        None => ("", qualified),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    fn sequence(oid: u32, qualified: &str, last_value: i64, max_value: i64) -> Sequence {
        Sequence {
            oid,
            qualified: qualified.into(),
            owned_by: None,
            last_value: Some(last_value),
            max_value,
        }
    }

    #[test]
    fn fires_for_serial_identity_and_default_fed_columns_past_the_threshold() {
        let mut orders = table(1, "orders");
        let mut identity = not_null(column(2, "line", "smallint"));
        identity.identity = true;
        let mut fed = column(3, "ticket", "bigint");
        fed.default = Some("nextval('\"Tickets\"'::regclass)".into());
        orders.columns = vec![not_null(column(1, "id", "integer")), identity, fed];
        let mut serial = sequence(10, "public.orders_id_seq", 1_500_000_000, i32::MAX.into());
        serial.owned_by = Some((1, 1));
        let mut line = sequence(11, "public.orders_line_seq", 20_000, i16::MAX.into());
        line.owned_by = Some((1, 2));
        // A bigint column fed by an integer sequence: the sequence is the limit.
        let tickets = sequence(12, "public.\"Tickets\"", 2_000_000_000, i32::MAX.into());
        let mut catalog = catalog(vec![orders], vec![], vec![]);
        catalog.sequences = vec![serial, line, tickets];
        let hits = run(&RULE, &catalog);
        assert_eq!(hits.len(), 3, "{hits:?}");
        assert_eq!(hits[0].object_name, "public.orders.id");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some(
                "ALTER TABLE public.orders ALTER COLUMN id TYPE bigint;\n\
                 ALTER SEQUENCE public.orders_id_seq AS bigint NO MAXVALUE;"
            )
        );
        assert_eq!(hits[0].detail["percent"], 69.8);
        assert_eq!(hits[0].detail["max"], 2147483647);
        assert_eq!(
            hits[1].remediation.as_deref(),
            Some("ALTER TABLE public.orders ALTER COLUMN line TYPE bigint;")
        );
        assert_eq!(hits[2].object_name, "public.orders.ticket");
        assert_eq!(
            hits[2].remediation.as_deref(),
            Some("ALTER SEQUENCE public.\"Tickets\" AS bigint NO MAXVALUE;")
        );
    }

    #[test]
    fn silent_below_the_threshold_unused_or_on_other_types() {
        let mut orders = table(1, "orders");
        let mut fed = column(2, "ticket", "integer");
        fed.default = Some("nextval('orders_id_seq'::regclass)".into());
        orders.columns = vec![
            not_null(column(1, "id", "integer")),
            fed,
            column(3, "code", "numeric"),
        ];
        let mut low = sequence(10, "public.orders_id_seq", 1_000_000, i64::MAX);
        low.owned_by = Some((1, 1));
        let mut unused = sequence(11, "public.orders_x_seq", 0, i64::MAX);
        unused.last_value = None;
        unused.owned_by = Some((1, 1));
        let mut numeric = sequence(12, "public.orders_code_seq", i64::MAX - 1, i64::MAX);
        numeric.owned_by = Some((1, 3));
        let mut catalog = catalog(vec![orders], vec![], vec![]);
        catalog.sequences = vec![low, unused, numeric];
        assert!(run(&RULE, &catalog).is_empty());
        // A lower threshold makes the same sequence fire, once for each column it feeds.
        let hits = run_with(&RULE, &catalog, &json!({"threshold": 0.0001}));
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.orders ALTER COLUMN id TYPE bigint;")
        );
    }

    #[test]
    fn qualified_names_split_outside_quotes() {
        assert_eq!(split_qualified("a.b"), ("a", "b"));
        assert_eq!(split_qualified("\"a.b\".\"c.d\""), ("\"a.b\"", "\"c.d\""));
        assert_eq!(split_qualified("b"), ("", "b"));
        assert_eq!(
            nextval_argument("nextval('app.\"it''s\"'::regclass)").as_deref(),
            Some("app.\"it's\"")
        );
    }
}
