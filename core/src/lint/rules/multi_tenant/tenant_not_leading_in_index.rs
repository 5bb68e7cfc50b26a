//! A btree index of a tenant-scoped table that has the tenant column among its keys but not
//! first: every query is scoped to one tenant, and a btree can only narrow down by a leading
//! key, so such an index scans every tenant's entries for the keys before it.

use serde_json::{json, Value};

use super::tenant_column;
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "tenant_not_leading_in_index",
    category: "multi_tenant",
    severity: Severity::Info,
    enabled: true,
    description: "an index with the tenant column among its keys but not first",
    options,
    check,
};

fn options() -> Value {
    json!({"column": "tenant_id"})
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let column = tenant_column(context, RULE.id);
    catalog
        .indexes
        .iter()
        .filter(|i| i.method == "btree")
        .filter_map(|index| {
            let table = catalog.table(index.table)?;
            // Partitions' indexes follow the partitioned table's, which is reported.
            if table.partition_of.is_some() {
                return None;
            }
            let tenant = table.column_named(column)?;
            let position = index.keys.iter().position(|&k| k == tenant.num)?;
            if position == 0 {
                return None;
            }
            // Key names as the detail shows them; an expression is null.
            let keys: Vec<Option<&str>> = index
                .keys
                .iter()
                .map(|&k| table.column(k).map(|c| c.name.as_str()))
                .collect();
            let mut suggested = keys.clone();
            let moved = suggested.remove(position);
            suggested.insert(0, moved);
            let kind = if index.primary {
                "Primary key index"
            } else if index.unique {
                "Unique index"
            } else {
                "Index"
            };
            Some(
                Hit::on_index(
                    table,
                    index,
                    format!(
                        "{kind} {} has {column} in position {} instead of first, so lookups \
                         within one tenant cannot use its leading keys.",
                        index.qualified,
                        position + 1
                    ),
                )
                .with_detail(json!({
                    "table": table.qualified,
                    "index": index.name,
                    "column": column,
                    "position": position + 1,
                    "keys": keys,
                    "suggested_keys": suggested,
                    "primary": index.primary,
                    "unique": index.unique,
                })),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tenant_scoped;
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_when_the_tenant_column_is_not_the_leading_key() {
        let mut orders = tenant_scoped(1, "orders");
        orders.columns.push(column(3, "created_at", "timestamptz"));
        let indexes = vec![
            index(10, &orders, "orders_created_at_tenant_id_idx", &[3, 2]),
            primary(index(11, &orders, "orders_pkey", &[1, 2])),
        ];
        let hits = run(&RULE, &catalog(vec![orders], indexes, vec![]));
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].detail["position"], 2);
        assert_eq!(
            hits[0].detail["suggested_keys"],
            json!(["tenant_id", "created_at"])
        );
        assert!(hits[1].message.starts_with("Primary key index"));
        assert!(hits[0].remediation.is_none());
    }

    #[test]
    fn silent_for_leading_tenant_other_methods_partitions_and_untenanted_tables() {
        let mut orders = tenant_scoped(1, "orders");
        orders.columns.push(column(3, "tags", "text[]"));
        let mut partition = tenant_scoped(2, "orders_2024");
        partition.partition_of = Some(1);
        let mut other = table(3, "countries");
        other.columns = vec![column(1, "code", "text"), column(2, "name", "text")];
        let mut gin = index(11, &orders, "orders_tags_tenant_id_idx", &[3, 2]);
        gin.method = "gin".into();
        let indexes = vec![
            index(10, &orders, "orders_tenant_id_id_idx", &[2, 1]),
            gin,
            index(12, &orders, "orders_id_idx", &[1]),
            index(13, &partition, "orders_2024_id_tenant_id_idx", &[1, 2]),
            index(14, &other, "countries_name_code_idx", &[2, 1]),
        ];
        let hits = run(
            &RULE,
            &catalog(vec![orders, partition, other], indexes, vec![]),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn the_column_is_configurable() {
        let mut orders = table(1, "orders");
        orders.columns = vec![column(1, "id", "bigint"), column(2, "account_id", "bigint")];
        let indexes = vec![index(10, &orders, "orders_id_account_id_idx", &[1, 2])];
        let catalog = catalog(vec![orders], indexes, vec![]);
        assert!(run(&RULE, &catalog).is_empty());
        let hits = run_with(&RULE, &catalog, &json!({"column": "account_id"}));
        assert_eq!(hits.len(), 1);
    }
}
