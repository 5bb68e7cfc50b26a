//! A table of a multi-tenant schema without the tenant column: its rows belong to no tenant, so
//! queries cannot be scoped to one, row level security cannot isolate them, and sharding by
//! tenant (Citus) cannot place them.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{designates, tenant_column};
use crate::lint::catalog::Column;
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "tenant_column_missing",
    category: "multi_tenant",
    severity: Severity::Warning,
    enabled: true,
    description: "a table of a multi-tenant schema without the tenant column",
    options,
    check,
};

fn options() -> Value {
    json!({
        "column": "tenant_id",
        "schemas": [],
        "tenant_table": "tenants",
        "shared_tables": [],
    })
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let column = tenant_column(context, RULE.id);
    let listed = context.option_strings("schemas");
    let tenant_table = context.option_str("tenant_table");
    let shared = context.option_strings("shared_tables");
    // The tenant column as the schema's first table declares it, for its type; its schemas are
    // multi-tenant unless `schemas` lists them.
    let mut declared: HashMap<&str, &Column> = HashMap::new();
    for t in catalog.tables.iter().filter(|t| t.is_base_table()) {
        if let Some(c) = t.column_named(column) {
            declared.entry(t.schema.as_str()).or_insert(c);
        }
    }
    let any_declared = catalog
        .tables
        .iter()
        .filter(|t| t.is_base_table())
        .find_map(|t| t.column_named(column));
    let tenants = tenant_table.and_then(|name| {
        catalog
            .tables
            .iter()
            .find(|t| t.is_base_table() && designates(name, t))
    });
    let keywords = catalog.keyword_set();
    catalog
        .tables
        .iter()
        .filter(|t| t.is_base_table())
        .filter(|t| {
            if listed.is_empty() {
                declared.contains_key(t.schema.as_str())
            } else {
                listed.contains(&t.schema.as_str())
            }
        })
        .filter(|t| t.column_named(column).is_none())
        .filter(|t| !tenant_table.is_some_and(|name| designates(name, t)))
        .filter(|t| !shared.iter().any(|name| designates(name, t)))
        .map(|t| {
            let like = declared.get(t.schema.as_str()).copied().or(any_declared);
            let mut hit = Hit::on_table(
                t,
                format!(
                    "Table {} of multi-tenant schema {} has no {column} column.",
                    t.qualified, t.schema
                ),
            );
            if let Some(like) = like {
                let references = tenants
                    .filter(|tenants| catalog.indexes_of(tenants.oid).any(|i| i.primary))
                    .map(|tenants| format!(" REFERENCES {}", tenants.qualified))
                    .unwrap_or_default();
                hit = hit.with_remediation(format!(
                    "ALTER TABLE {} ADD COLUMN {} {}{references};",
                    t.qualified,
                    keywords.quote(column),
                    like.type_name
                ));
            }
            hit.with_detail(json!({
                "table": t.qualified,
                "column": column,
                "schema": t.schema,
                "type": like.map(|c| c.type_name.as_str()),
                "schema_listed": !listed.is_empty(),
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tenant_scoped;
    use super::*;
    use crate::lint::catalog::{Table, TableKind};
    use crate::lint::testing::*;

    fn unscoped(oid: u32, name: &str) -> Table {
        let mut t = table(oid, name);
        t.columns = vec![not_null(column(1, "id", "bigint"))];
        t
    }

    #[test]
    fn fires_for_a_table_without_the_column_in_a_multi_tenant_schema() {
        let tenants = unscoped(1, "tenants");
        let tenants_key = primary(index(10, &tenants, "tenants_pkey", &[1]));
        let hits = run(
            &RULE,
            &catalog(
                vec![tenants, tenant_scoped(2, "orders"), unscoped(3, "invoices")],
                vec![tenants_key],
                vec![],
            ),
        );
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].object_name, "public.invoices");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.invoices ADD COLUMN tenant_id bigint REFERENCES public.tenants;")
        );
    }

    #[test]
    fn silent_for_the_tenant_table_shared_tables_views_partitions_and_single_tenant_schemas() {
        let mut view = unscoped(4, "order_totals");
        view.kind = TableKind::View;
        let mut partition = unscoped(5, "orders_2024");
        partition.partition_of = Some(2);
        let mut elsewhere = unscoped(6, "settings");
        elsewhere.schema = "admin".into();
        elsewhere.qualified = "admin.settings".into();
        let tables = vec![
            unscoped(1, "tenants"),
            tenant_scoped(2, "orders"),
            unscoped(3, "countries"),
            view,
            partition,
            elsewhere,
        ];
        let options = json!({
            "column": "tenant_id",
            "schemas": [],
            "tenant_table": "tenants",
            "shared_tables": ["public.countries"],
        });
        let hits = run_with(&RULE, &catalog(tables, vec![], vec![]), &options);
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn silent_until_some_table_has_the_column() {
        let hits = run(
            &RULE,
            &catalog(
                vec![unscoped(1, "orders"), unscoped(2, "invoices")],
                vec![],
                vec![],
            ),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn listed_schemas_and_another_column_name() {
        let mut accounts = unscoped(1, "accounts");
        accounts.schema = "app".into();
        accounts.qualified = "app.accounts".into();
        let mut orders = unscoped(2, "orders");
        orders.schema = "app".into();
        orders.qualified = "app.orders".into();
        orders.columns.push(column(2, "account_id", "uuid"));
        let mut invoices = unscoped(3, "invoices");
        invoices.schema = "app".into();
        invoices.qualified = "app.invoices".into();
        let options = json!({
            "column": "account_id",
            "schemas": ["app"],
            "tenant_table": "app.accounts",
            "shared_tables": [],
        });
        let hits = run_with(
            &RULE,
            &catalog(
                vec![accounts, orders, invoices, unscoped(4, "other")],
                vec![],
                vec![],
            ),
            &options,
        );
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE app.invoices ADD COLUMN account_id uuid;")
        );
    }
}
