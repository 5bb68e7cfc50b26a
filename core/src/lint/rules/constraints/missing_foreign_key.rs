//! A column named like a reference (`customer_id`) to a table that exists in the same schema
//! (`customer`, `customers`), with a key it could reference, but no foreign key: nothing stops
//! it from pointing at rows that do not exist, and readers (and planners of cascades) cannot
//! see the relationship.

use std::collections::HashMap;

use serde_json::json;

use super::super::helpers::quote_ident;
use crate::lint::catalog::{Column, ConstraintKind, LintCatalog, Table, TableKind};
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "missing_foreign_key",
    category: "constraints",
    severity: Severity::Warning,
    enabled: true,
    description: "a column named like a reference to an existing table, without a foreign key",
    options,
    check,
};

fn options() -> serde_json::Value {
    json!({"suffixes": ["_id"]})
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let suffixes = context.option_strings("suffixes");
    let tables: HashMap<(&str, &str), &Table> = catalog
        .tables
        .iter()
        .filter(|t| t.is_base_table())
        .map(|t| ((t.schema.as_str(), t.name.as_str()), t))
        .collect();
    let mut hits = Vec::new();
    for table in catalog.tables.iter().filter(|t| t.is_base_table()) {
        let mut referencing = None;
        for column in &table.columns {
            let Some(target) = suffixes
                .iter()
                .filter_map(|suffix| column.name.strip_suffix(suffix))
                .filter(|stem| !stem.is_empty())
                .find_map(|stem| {
                    plurals(stem)
                        .find_map(|name| tables.get(&(table.schema.as_str(), &*name)).copied())
                })
            else {
                continue;
            };
            let Some(key) = referenceable_key(catalog, target, column) else {
                continue;
            };
            // The table's own key (`users.user_id`) references nothing.
            if target.oid == table.oid && own_key(catalog, table, column) {
                continue;
            }
            let covered = referencing.get_or_insert_with(|| {
                catalog
                    .constraints_of(table.oid)
                    .filter(|c| c.kind == ConstraintKind::ForeignKey)
                    .flat_map(|c| c.columns.iter().copied())
                    .collect::<Vec<i16>>()
            });
            if covered.contains(&column.num) {
                continue;
            }
            hits.push(hit(catalog, table, column, target, key));
        }
    }
    hits
}

/// The table names `stem` may refer to: `customer`, `customers`, `boxes`, `categories`.
fn plurals(stem: &str) -> impl Iterator<Item = String> {
    let ies = stem
        .strip_suffix('y')
        .map(|s| format!("{s}ies"))
        .into_iter();
    [stem.to_string(), format!("{stem}s"), format!("{stem}es")]
        .into_iter()
        .chain(ies)
}

/// The column of `target` a foreign key from `column` can reference: its single-column primary
/// key or unique key, named `id` or like `column`, of a compatible type.
fn referenceable_key<'a>(
    catalog: &LintCatalog,
    target: &'a Table,
    column: &Column,
) -> Option<&'a Column> {
    let mut keys: Vec<_> = catalog
        .indexes_of(target.oid)
        .filter(|i| {
            i.unique
                && i.valid
                && i.keys.len() == 1
                && i.keys[0] != 0
                && i.predicate.is_none()
                && i.expressions.is_none()
        })
        .collect();
    keys.sort_by_key(|i| !i.primary);
    keys.iter()
        .filter_map(|i| target.column(i.keys[0]))
        .find(|key| (key.name == "id" || key.name == column.name) && compatible(key, column))
}

fn compatible(a: &Column, b: &Column) -> bool {
    let integer = |c: &Column| matches!(c.type_name.as_str(), "smallint" | "integer" | "bigint");
    a.type_oid == b.type_oid || (integer(a) && integer(b))
}

/// `column` is (part of) `table`'s primary key.
fn own_key(catalog: &LintCatalog, table: &Table, column: &Column) -> bool {
    catalog
        .indexes_of(table.oid)
        .any(|i| i.primary && i.keys.contains(&column.num))
}

fn hit(catalog: &LintCatalog, table: &Table, column: &Column, target: &Table, key: &Column) -> Hit {
    let name = quote_ident(catalog, &format!("{}_{}_fkey", table.name, column.name));
    let add = format!(
        "ALTER TABLE {} ADD CONSTRAINT {name} FOREIGN KEY ({}) REFERENCES {} ({})",
        table.qualified, column.quoted, target.qualified, key.quoted
    );
    // A partitioned table takes no NOT VALID foreign key.
    let remediation = if table.kind == TableKind::PartitionedTable {
        format!("{add};")
    } else {
        format!(
            "{add} NOT VALID;\nALTER TABLE {} VALIDATE CONSTRAINT {name};",
            table.qualified
        )
    };
    Hit::on_column(
        table,
        column,
        format!(
            "{}.{} looks like a reference to {} but no foreign key enforces it.",
            table.qualified, column.quoted, target.qualified
        ),
    )
    .with_remediation(remediation)
    .with_detail(json!({
        "referenced_table": target.qualified,
        "referenced_column": key.name,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::Index;
    use crate::lint::testing::*;

    fn keyed(oid: u32, name: &str, key: &str) -> (Table, Index) {
        let mut t = table(oid, name);
        t.columns = vec![not_null(column(1, key, "bigint"))];
        let pkey = primary(index(oid * 100, &t, &format!("{name}_pkey"), &[1]));
        (t, pkey)
    }

    #[test]
    fn fires_for_reference_named_columns_without_a_key() {
        let (customers, customers_pkey) = keyed(1, "customers", "id");
        let (category, category_pkey) = keyed(2, "categories", "id");
        let (person, person_pkey) = keyed(3, "person", "person_id");
        let mut orders = table(4, "orders");
        orders.columns = vec![
            not_null(column(1, "id", "bigint")),
            column(2, "customer_id", "integer"),
            column(3, "category_id", "bigint"),
            column(4, "person_id", "bigint"),
        ];
        let hits = run(
            &RULE,
            &catalog(
                vec![customers, category, person, orders],
                vec![customers_pkey, category_pkey, person_pkey],
                vec![],
            ),
        );
        assert_eq!(hits.len(), 3, "{hits:?}");
        assert_eq!(hits[0].object_name, "public.orders.customer_id");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some(
                "ALTER TABLE public.orders ADD CONSTRAINT orders_customer_id_fkey \
                 FOREIGN KEY (customer_id) REFERENCES public.customers (id) NOT VALID;\n\
                 ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_id_fkey;"
            )
        );
        assert_eq!(hits[1].detail["referenced_table"], "public.categories");
        assert_eq!(hits[2].detail["referenced_column"], "person_id");
    }

    #[test]
    fn silent_for_covered_own_keys_other_schemas_lookups_without_keys_and_other_types() {
        let (customers, customers_pkey) = keyed(1, "customers", "id");
        // The table's own key.
        let (users, users_pkey) = keyed(2, "users", "user_id");
        // A lookup table without a key to reference, and one of another type.
        let mut statuses = table(3, "statuses");
        statuses.columns = vec![column(1, "id", "text")];
        let mut region = table(4, "regions");
        region.columns = vec![Column {
            type_oid: 25,
            ..not_null(column(1, "id", "text"))
        }];
        let region_pkey = primary(index(400, &region, "regions_pkey", &[1]));
        let mut warehouses = table(5, "warehouses");
        warehouses.schema = "stock".into();
        warehouses.qualified = "stock.warehouses".into();
        warehouses.columns = vec![not_null(column(1, "id", "bigint"))];
        let warehouses_pkey = primary(index(500, &warehouses, "warehouses_pkey", &[1]));
        let mut orders = table(6, "orders");
        orders.columns = vec![
            not_null(column(1, "id", "bigint")),
            column(2, "customer_id", "bigint"),
            column(3, "status_id", "text"),
            Column {
                type_oid: 20,
                ..column(4, "region_id", "bigint")
            },
            column(5, "warehouse_id", "bigint"),
            column(6, "external_id", "text"),
        ];
        let fk = foreign_key(10, &orders, &[2], &customers, &[1]);
        let hits = run(
            &RULE,
            &catalog(
                vec![customers, users, statuses, region, warehouses, orders],
                vec![customers_pkey, users_pkey, region_pkey, warehouses_pkey],
                vec![fk],
            ),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn suffixes_are_an_option_and_partitioned_tables_validate_at_once() {
        let (customers, customers_pkey) = keyed(1, "customers", "id");
        let mut orders = table(2, "orders");
        orders.kind = TableKind::PartitionedTable;
        orders.columns = vec![column(1, "customer_ref", "bigint")];
        let catalog = catalog(vec![customers, orders], vec![customers_pkey], vec![]);
        assert!(run(&RULE, &catalog).is_empty());
        let hits = run_with(&RULE, &catalog, &json!({"suffixes": ["_id", "_ref"]}));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some(
                "ALTER TABLE public.orders ADD CONSTRAINT orders_customer_ref_fkey \
                 FOREIGN KEY (customer_ref) REFERENCES public.customers (id);"
            )
        );
    }
}
