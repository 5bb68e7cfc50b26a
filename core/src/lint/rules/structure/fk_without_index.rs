//! A foreign key whose columns lead no index of its table: every `DELETE` or key `UPDATE` on
//! the referenced table scans the referencing table (under a lock) to find the rows it would
//! orphan, and joins along the key cannot use an index.

use serde_json::json;

use super::super::helpers::{column_list, foreign_keys, names_json, on_constraint};
use crate::lint::catalog::{Index, TableKind};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "fk_without_index",
    category: "structure",
    severity: Severity::Warning,
    enabled: true,
    description: "a foreign key whose columns lead no index of its table",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    foreign_keys(catalog)
        .filter(|(table, fk)| {
            !catalog
                .indexes_of(table.oid)
                .any(|index| serves(index, &fk.columns, |n| table.column(n).map(|c| &*c.quoted)))
        })
        .map(|(table, fk)| {
            let referenced = fk
                .referenced
                .and_then(|r| catalog.table(r))
                .map_or_else(|| "the referenced table".to_string(), |t| t.qualified.clone());
            let columns = column_list(table, &fk.columns);
            // A partitioned table's index cannot be built concurrently.
            let concurrently = if table.kind == TableKind::PartitionedTable {
                ""
            } else {
                " CONCURRENTLY"
            };
            on_constraint(
                catalog,
                table,
                fk,
                format!(
                    "Foreign key {} of {} ({columns}) has no index, so every delete from {referenced} scans {}.",
                    fk.name, table.qualified, table.qualified
                ),
            )
            .with_remediation(format!(
                "CREATE INDEX{concurrently} ON {} ({columns});",
                table.qualified
            ))
            .with_detail(json!({
                "columns": names_json(table, &fk.columns),
                "referenced_table": referenced,
            }))
        })
        .collect()
}

/// `index` can look the foreign key's `columns` up: valid, its leading keys are those columns
/// (in any order), and it covers every row where they are set. `quoted` names a column.
fn serves<'a>(index: &Index, columns: &[i16], quoted: impl Fn(i16) -> Option<&'a str>) -> bool {
    let n = columns.len();
    if !index.valid || n == 0 || index.keys.len() < n {
        return false;
    }
    let mut leading = index.keys[..n].to_vec();
    let mut wanted = columns.to_vec();
    leading.sort_unstable();
    wanted.sort_unstable();
    let method = match index.method.as_str() {
        "btree" | "gist" => true,
        "hash" => index.keys.len() == 1,
        _ => false,
    };
    method && leading == wanted && covers_keys(index.predicate.as_deref(), columns, quoted)
}

/// A partial index still serves the lookups when its predicate only says that foreign key
/// columns are not null (a lookup by `column = value` implies it): `(a IS NOT NULL)`,
/// `((a IS NOT NULL) AND (b IS NOT NULL))`.
fn covers_keys<'a>(
    predicate: Option<&str>,
    columns: &[i16],
    quoted: impl Fn(i16) -> Option<&'a str>,
) -> bool {
    let Some(predicate) = predicate else {
        return true;
    };
    let bare: String = predicate
        .chars()
        .filter(|&c| c != '(' && c != ')')
        .collect();
    bare.split(" AND ").all(|term| {
        term.trim()
            .strip_suffix(" IS NOT NULL")
            .is_some_and(|name| columns.iter().any(|&c| quoted(c) == Some(name)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::Table;
    use crate::lint::testing::*;

    fn customers_and_orders() -> (Table, Table) {
        let mut customers = table(1, "customers");
        customers.columns = vec![not_null(column(1, "id", "bigint"))];
        let mut orders = table(2, "orders");
        orders.columns = vec![
            not_null(column(1, "id", "bigint")),
            column(2, "customer_id", "bigint"),
            column(3, "tenant_id", "bigint"),
        ];
        (customers, orders)
    }

    #[test]
    fn fires_without_a_usable_index_and_suggests_one() {
        let (customers, orders) = customers_and_orders();
        let pkey = primary(index(10, &orders, "orders_pkey", &[1]));
        // Not usable: the key is not leading, an expression, an unrelated partial index,
        // an invalid index.
        let trailing = index(11, &orders, "orders_tenant_customer", &[3, 1, 2]);
        let mut expression = index(12, &orders, "orders_expr", &[0]);
        expression.expressions = Some("(customer_id + 0)".into());
        let mut partial = index(13, &orders, "orders_partial", &[2]);
        partial.predicate = Some("(tenant_id = 1)".into());
        let mut invalid = index(14, &orders, "orders_invalid", &[2]);
        invalid.valid = false;
        let fk = foreign_key(20, &orders, &[2], &customers, &[1]);
        let hits = run(
            &RULE,
            &catalog(
                vec![customers, orders],
                vec![pkey, trailing, expression, partial, invalid],
                vec![fk],
            ),
        );
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].object_type, "constraint");
        assert_eq!(hits[0].object_name, "public.orders.orders_fkey20");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("CREATE INDEX CONCURRENTLY ON public.orders (customer_id);")
        );
        assert_eq!(hits[0].detail["columns"], json!(["customer_id"]));
    }

    #[test]
    fn fires_for_not_validated_keys_and_partitioned_tables_without_concurrently() {
        let (customers, mut orders) = customers_and_orders();
        orders.kind = TableKind::PartitionedTable;
        let mut fk = foreign_key(20, &orders, &[2], &customers, &[1]);
        fk.validated = false;
        let hits = run(&RULE, &catalog(vec![customers, orders], vec![], vec![fk]));
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("CREATE INDEX ON public.orders (customer_id);")
        );
    }

    #[test]
    fn silent_when_a_prefix_of_any_index_covers_the_key() {
        let (customers, orders) = customers_and_orders();
        // A composite primary key (customer_id, id) covers the first foreign key, a
        // (customer_id, tenant_id) key in the other order covers the second, a partial index
        // on the key's own NOT NULL covers the third.
        let pkey = primary(index(10, &orders, "orders_pkey", &[2, 1]));
        let pair = index(11, &orders, "orders_pair", &[3, 2, 1]);
        let mut not_null_only = index(12, &orders, "orders_tenant", &[3]);
        not_null_only.predicate = Some("(tenant_id IS NOT NULL)".into());
        let by_customer = foreign_key(20, &orders, &[2], &customers, &[1]);
        let by_pair = foreign_key(21, &orders, &[2, 3], &customers, &[1, 1]);
        let by_tenant = foreign_key(22, &orders, &[3], &customers, &[1]);
        let hits = run(
            &RULE,
            &catalog(
                vec![customers, orders],
                vec![pkey, pair, not_null_only],
                vec![by_customer, by_pair, by_tenant],
            ),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
