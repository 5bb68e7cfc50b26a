//! Two btree indexes of a table that start with the same column but go on differently, such
//! as `(a, b)` and `(a, c)`: candidates to merge into one (`(a, b, c)`, or one with INCLUDE),
//! which saves disk, cache and write time, if the queries they serve allow it.

use serde_json::{json, Value};

use super::super::helpers::{column_list, names_json};
use crate::lint::catalog::Index;
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "intersecting_index",
    category: "indexes",
    severity: Severity::Info,
    enabled: true,
    description: "two btree indexes sharing their leading column, candidates to merge",
    options: no_options,
    check,
};

/// A plain btree index on columns, enforcing nothing: free to be merged.
fn mergeable(index: &Index) -> bool {
    index.valid
        && index.ready
        && index.method == "btree"
        && index.expressions.is_none()
        && !index.keys.is_empty()
        && !index.keys.contains(&0)
        && !index.unique
        && index.constraint.is_none()
}

fn starts_with(longer: &[i16], prefix: &[i16]) -> bool {
    longer.len() >= prefix.len() && longer[..prefix.len()] == *prefix
}

/// `a` and `b` share their leading column (same operator class and collation, same
/// predicate) and neither is a prefix of the other.
fn intersect(a: &Index, b: &Index) -> bool {
    a.keys[0] == b.keys[0]
        && a.opclasses.first() == b.opclasses.first()
        && a.collations.first() == b.collations.first()
        && a.predicate == b.predicate
        && !starts_with(&a.keys, &b.keys)
        && !starts_with(&b.keys, &a.keys)
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let mut hits = Vec::new();
    for table in &catalog.tables {
        let candidates: Vec<&Index> = catalog
            .indexes_of(table.oid)
            .filter(|i| mergeable(i))
            .collect();
        // Each pair once: on the later index, naming every earlier one it intersects.
        for (at, index) in candidates.iter().enumerate() {
            let partners: Vec<&&Index> = candidates[..at]
                .iter()
                .filter(|other| intersect(index, other))
                .collect();
            if partners.is_empty() {
                continue;
            }
            let named: Vec<String> = partners
                .iter()
                .map(|p| format!("{} ({})", p.qualified, column_list(table, &p.keys)))
                .collect();
            let detail: Vec<Value> = partners
                .iter()
                .map(|p| json!({"index": p.qualified, "columns": names_json(table, &p.keys)}))
                .collect();
            hits.push(
                Hit::on_index(
                    table,
                    index,
                    format!(
                        "Index {} ({}) shares its leading column with {}: consider merging them.",
                        index.qualified,
                        column_list(table, &index.keys),
                        named.join(", ")
                    ),
                )
                .with_detail(json!({
                    "columns": names_json(table, &index.keys),
                    "intersects": detail,
                })),
            );
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::Table;
    use crate::lint::testing::*;

    fn orders() -> Table {
        table_with(
            1,
            "orders",
            &[
                ("tenant_id", "bigint"),
                ("created_at", "timestamptz"),
                ("status", "text"),
                ("total", "numeric"),
            ],
        )
    }

    #[test]
    fn fires_once_per_pair() {
        let orders = orders();
        let a = index(10, &orders, "orders_tenant_created", &[1, 2]);
        let b = index(11, &orders, "orders_tenant_status", &[1, 3]);
        let c = index(12, &orders, "orders_tenant_total", &[1, 4]);
        let hits = run(&RULE, &catalog(vec![orders], vec![a, b, c], vec![]));
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].object_name, "public.orders_tenant_status");
        assert_eq!(hits[0].detail["intersects"].as_array().unwrap().len(), 1);
        assert_eq!(hits[1].object_name, "public.orders_tenant_total");
        assert_eq!(hits[1].detail["intersects"].as_array().unwrap().len(), 2);
        assert!(
            hits[0].message.contains("(tenant_id, created_at)"),
            "{}",
            hits[0].message
        );
    }

    #[test]
    fn silent_for_prefixes_unique_other_leads_predicates_and_methods() {
        let orders = orders();
        let a = index(10, &orders, "orders_tenant_created", &[1, 2]);
        let prefix = index(11, &orders, "orders_tenant", &[1]);
        let longer = index(12, &orders, "orders_tenant_created_status", &[1, 2, 3]);
        let mut unique = index(13, &orders, "orders_tenant_status_key", &[1, 3]);
        unique.unique = true;
        let pkey = primary(index(14, &orders, "orders_pkey", &[1, 4]));
        let other_lead = index(15, &orders, "orders_status_total", &[3, 4]);
        let mut partial = index(16, &orders, "orders_tenant_total_open", &[1, 4]);
        partial.predicate = Some("(status = 'open'::text)".into());
        let mut gin = index(17, &orders, "orders_tenant_status_gin", &[1, 3]);
        gin.method = "gin".into();
        let hits = run(
            &RULE,
            &catalog(
                vec![orders],
                vec![a, prefix, longer, unique, pkey, other_lead, partial, gin],
                vec![],
            ),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
