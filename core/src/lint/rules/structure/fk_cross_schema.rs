//! A foreign key to a table in another schema: the schemas can no longer be dumped, restored,
//! dropped or handed to another team on their own, and the dependency is easy to miss.

use serde_json::json;

use super::super::helpers::{foreign_keys, names_json, on_constraint};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "fk_cross_schema",
    category: "structure",
    severity: Severity::Info,
    enabled: false,
    description: "a foreign key to a table in another schema",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    foreign_keys(catalog)
        .filter_map(|(table, fk)| {
            let referenced = catalog.table(fk.referenced?)?;
            (referenced.schema != table.schema).then(|| {
                on_constraint(
                    catalog,
                    table,
                    fk,
                    format!(
                        "Foreign key {} of {} references {} in another schema.",
                        fk.name, table.qualified, referenced.qualified
                    ),
                )
                .with_detail(json!({
                    "columns": names_json(table, &fk.columns),
                    "referenced_table": referenced.qualified,
                    "referenced_schema": referenced.schema,
                }))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_across_schemas_only() {
        let mut customers = table(1, "customers");
        customers.schema = "crm".into();
        customers.qualified = "crm.customers".into();
        customers.columns = vec![column(1, "id", "bigint")];
        let mut orders = table(2, "orders");
        orders.columns = vec![
            column(1, "id", "bigint"),
            column(2, "customer_id", "bigint"),
            column(3, "parent_id", "bigint"),
        ];
        let across = foreign_key(10, &orders, &[2], &customers, &[1]);
        let within = foreign_key(11, &orders, &[3], &orders, &[1]);
        let hits = run(
            &RULE,
            &catalog(vec![customers, orders], vec![], vec![across, within]),
        );
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].object_name, "public.orders.orders_fkey10");
        assert_eq!(hits[0].detail["referenced_schema"], "crm");
    }
}
