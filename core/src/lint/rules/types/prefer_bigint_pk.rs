//! A single-column primary key of type integer or smallint: a key fed by a sequence runs out at
//! 2,147,483,647 (32,767), usually on a table too large to rewrite quickly, and every foreign
//! key referencing it must then change too.

use std::collections::HashMap;

use serde_json::json;

use super::type_hit;
use crate::lint::catalog::{Constraint, ConstraintKind, Sequence};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "prefer_bigint_pk",
    category: "types",
    severity: Severity::Warning,
    enabled: true,
    description: "a single-column integer or smallint primary key",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let sequences: HashMap<(u32, i16), &Sequence> = catalog
        .sequences
        .iter()
        .filter_map(|s| Some((s.owned_by?, s)))
        .collect();
    let mut referencing: HashMap<(u32, i16), Vec<&Constraint>> = HashMap::new();
    for fk in &catalog.constraints {
        if let (ConstraintKind::ForeignKey, Some(referenced), [column]) =
            (fk.kind, fk.referenced, fk.referenced_columns.as_slice())
        {
            referencing
                .entry((referenced, *column))
                .or_default()
                .push(fk);
        }
    }
    catalog
        .tables
        .iter()
        .filter(|t| t.is_base_table())
        .filter_map(|t| {
            let key = catalog.indexes_of(t.oid).find(|i| i.primary)?;
            let [num] = key.keys.as_slice() else {
                return None;
            };
            let column = t.column(*num)?;
            if !matches!(column.type_name.as_str(), "integer" | "smallint") {
                return None;
            }
            let mut statements = vec![format!(
                "ALTER TABLE {} ALTER COLUMN {} TYPE bigint;",
                t.qualified, column.quoted
            )];
            // The referencing columns must widen too (partitions follow their parent's).
            let mut references = Vec::new();
            for fk in referencing.get(&(t.oid, *num)).into_iter().flatten() {
                let Some(from) = catalog.table(fk.table).filter(|f| f.partition_of.is_none())
                else {
                    continue;
                };
                let Some(from_column) = fk.columns.first().and_then(|&n| from.column(n)) else {
                    continue;
                };
                references.push(format!("{}.{}", from.qualified, from_column.quoted));
                if matches!(from_column.type_name.as_str(), "integer" | "smallint") {
                    statements.push(format!(
                        "ALTER TABLE {} ALTER COLUMN {} TYPE bigint;",
                        from.qualified, from_column.quoted
                    ));
                }
            }
            // A serial's sequence is `AS integer`; an identity's follows its column's type.
            let sequence = sequences.get(&(t.oid, *num));
            if let Some(sequence) = sequence.filter(|_| !column.identity) {
                statements.push(format!("ALTER SEQUENCE {} AS bigint;", sequence.qualified));
            }
            let used = sequence.and_then(|s| {
                let last = s.last_value? as f64;
                (s.max_value > 0).then(|| (last / s.max_value as f64 * 1000.0).round() / 10.0)
            });
            let limit = if column.type_name == "integer" {
                "2,147,483,647"
            } else {
                "32,767"
            };
            let usage = used
                .map(|u| format!(" and its sequence is {u}% used"))
                .unwrap_or_default();
            let hit = type_hit(
                t,
                column,
                format!(
                    "Primary key {}.{} is {}, which runs out at {limit}{usage}; use bigint.",
                    t.qualified, column.quoted, column.type_name
                ),
                Some(statements.join(" ")),
            );
            Some(hit.with_detail(json!({
                "table": t.qualified,
                "column": column.name,
                "type": column.type_name,
                "sequence": sequence.map(|s| s.qualified.as_str()),
                "last_value": sequence.and_then(|s| s.last_value),
                "max_value": sequence.map(|s| s.max_value),
                "used_percent": used,
                "referenced_by": references,
            })))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    fn serial(owner: u32, name: &str, last_value: Option<i64>) -> Sequence {
        Sequence {
            oid: 900 + owner,
            qualified: format!("public.{name}"),
            owned_by: Some((owner, 1)),
            last_value,
            max_value: 2_147_483_647,
        }
    }

    #[test]
    fn fires_with_the_referencing_columns_and_the_serial_sequence() {
        let mut orders = table(1, "orders");
        orders.columns = vec![not_null(column(1, "id", "integer"))];
        let mut lines = table(2, "order_lines");
        lines.columns = vec![
            not_null(column(1, "id", "bigint")),
            column(2, "order_id", "integer"),
        ];
        let pkey = primary(index(10, &orders, "orders_pkey", &[1]));
        let lines_key = primary(index(11, &lines, "order_lines_pkey", &[1]));
        let fk = foreign_key(20, &lines, &[2], &orders, &[1]);
        let mut catalog = catalog(vec![orders, lines], vec![pkey, lines_key], vec![fk]);
        catalog.sequences = vec![serial(1, "orders_id_seq", Some(1_073_741_824))];
        let hits = run(&RULE, &catalog);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some(
                "ALTER TABLE public.orders ALTER COLUMN id TYPE bigint; ALTER TABLE \
                 public.order_lines ALTER COLUMN order_id TYPE bigint; ALTER SEQUENCE \
                 public.orders_id_seq AS bigint;"
            )
        );
        assert_eq!(hits[0].detail["used_percent"], 50.0);
        assert!(hits[0].message.contains("50% used"), "{}", hits[0].message);
    }

    #[test]
    fn identity_sequences_follow_their_column() {
        let mut tags = table(1, "tags");
        let mut id = not_null(column(1, "id", "smallint"));
        id.identity = true;
        tags.columns = vec![id];
        let pkey = primary(index(10, &tags, "tags_pkey", &[1]));
        let mut catalog = catalog(vec![tags], vec![pkey], vec![]);
        catalog.sequences = vec![serial(1, "tags_id_seq", None)];
        let hits = run(&RULE, &catalog);
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.tags ALTER COLUMN id TYPE bigint;")
        );
        assert!(hits[0].message.contains("32,767"));
    }

    #[test]
    fn silent_for_bigint_uuid_composite_keys_and_partitions() {
        let mut a = table(1, "a");
        a.columns = vec![column(1, "id", "bigint")];
        let mut b = table(2, "b");
        b.columns = vec![column(1, "id", "uuid")];
        let mut c = table(3, "c");
        c.columns = vec![column(1, "x", "integer"), column(2, "y", "integer")];
        let mut p = table(4, "c_1");
        p.partition_of = Some(3);
        p.columns = vec![column(1, "id", "integer")];
        let indexes = vec![
            primary(index(10, &a, "a_pkey", &[1])),
            primary(index(11, &b, "b_pkey", &[1])),
            primary(index(12, &c, "c_pkey", &[1, 2])),
            primary(index(13, &p, "c_1_pkey", &[1])),
        ];
        let hits = run(&RULE, &catalog(vec![a, b, c, p], indexes, vec![]));
        assert!(hits.is_empty(), "{hits:?}");
    }
}
