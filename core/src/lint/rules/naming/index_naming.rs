//! An index whose name is not the one the naming templates give it (PostgreSQL's own defaults:
//! `{table}_{columns}_idx`, `{table}_{columns}_key`, `{table}_pkey`): names that tell the table
//! and columns make plans, lock reports and migration scripts readable.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::{follows, object_name, relation_names, template, Keywords};
use crate::lint::catalog::{Index, Table};
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "index_naming",
    category: "naming",
    severity: Severity::Info,
    enabled: false,
    description: "an index not named after its table and columns as the templates say",
    options,
    check,
};

fn options() -> Value {
    json!({
        "template": "{table}_{columns}_idx",
        "unique_template": "{table}_{columns}_key",
        "primary_template": "{table}_pkey",
    })
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let plain = template(context, RULE.id, "template");
    let unique = template(context, RULE.id, "unique_template");
    let primary = template(context, RULE.id, "primary_template");
    let keywords = catalog.keyword_set();
    // Indexes share their schema's namespace with tables: a rename must not collide.
    let taken = relation_names(catalog);
    catalog
        .indexes
        .iter()
        .filter_map(|index| {
            let table = catalog.table(index.table)?;
            // Partitions' indexes are created and named by PostgreSQL from the partitioned
            // table's index; exclusion constraints' indexes are not checked.
            if table.partition_of.is_some()
                || (index.constraint.is_some() && !index.unique && !index.primary)
            {
                return None;
            }
            // Expression indexes have no column names to build a name from.
            let keys = names(table, &index.keys)?;
            let included = names(table, &index.included)?;
            let templates: &[&str] = if index.primary {
                &[primary]
            } else if index.unique && index.constraint.is_some() {
                &[unique]
            } else if index.unique {
                // CREATE UNIQUE INDEX without a name gives `_idx`, a UNIQUE constraint `_key`.
                &[unique, plain]
            } else {
                &[plain]
            };
            let column_sets = column_sets(&keys, &included);
            if templates
                .iter()
                .any(|t| follows(&index.name, t, &table.name, &column_sets))
            {
                return None;
            }
            let expected = object_name(templates[0], &table.name, &column_sets[0]);
            Some(hit(table, index, expected, keywords, &taken))
        })
        .collect()
}

/// The names of `columns` of `table`; `None` for an expression (0) or an unknown column.
fn names<'a>(table: &'a Table, columns: &[i16]) -> Option<Vec<&'a str>> {
    columns
        .iter()
        .map(|&num| table.column(num).map(|c| c.name.as_str()))
        .collect()
}

/// The column parts a name may use: the key columns joined by `_`, and (PostgreSQL's choice
/// when it names the index) the key and INCLUDE columns.
pub(super) fn column_sets(keys: &[&str], included: &[&str]) -> Vec<String> {
    let mut sets = vec![keys.join("_")];
    if !included.is_empty() {
        sets.push(
            keys.iter()
                .chain(included)
                .copied()
                .collect::<Vec<_>>()
                .join("_"),
        );
    }
    sets
}

fn hit(
    table: &Table,
    index: &Index,
    expected: String,
    keywords: &Keywords,
    taken: &HashSet<(&str, &str)>,
) -> Hit {
    let mut hit = Hit::on_index(
        table,
        index,
        format!(
            "Index {} of {} is not named {} as the naming template says.",
            index.qualified,
            table.qualified,
            keywords.quote(&expected)
        ),
    );
    if !taken.contains(&(table.schema.as_str(), expected.as_str())) {
        // Renaming the index of a constraint renames the constraint too.
        hit = hit.with_remediation(format!(
            "ALTER INDEX {} RENAME TO {};",
            index.qualified,
            keywords.quote(&expected)
        ));
    }
    hit.with_detail(json!({
        "table": table.qualified,
        "index": index.name,
        "expected_name": expected,
        "unique": index.unique,
        "primary": index.primary,
    }))
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
                ("id", "bigint"),
                ("customer_id", "bigint"),
                ("created_at", "timestamptz"),
                ("number", "text"),
            ],
        )
    }

    fn unique(mut index: Index, constraint: bool) -> Index {
        index.unique = true;
        if constraint {
            index.constraint = Some(index.name.clone());
        }
        index
    }

    #[test]
    fn fires_for_names_that_do_not_follow_the_templates() {
        let t = orders();
        let indexes = vec![
            index(10, &t, "idx_orders_customer", &[2, 3]),
            primary(index(11, &t, "orders_primary", &[1])),
            unique(index(12, &t, "orders_number_unique", &[4]), true),
        ];
        let hits = run(&RULE, &catalog(vec![t], indexes, vec![]));
        let expected: Vec<_> = hits
            .iter()
            .map(|h| h.detail["expected_name"].as_str().unwrap())
            .collect();
        assert_eq!(
            expected,
            [
                "orders_customer_id_created_at_idx",
                "orders_pkey",
                "orders_number_key"
            ]
        );
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER INDEX public.idx_orders_customer RENAME TO orders_customer_id_created_at_idx;")
        );
    }

    #[test]
    fn silent_for_postgres_default_names() {
        let t = orders();
        let mut covering = index(13, &t, "orders_customer_id_number_idx", &[2]);
        covering.included = vec![4];
        let mut expression = index(15, &t, "lower_number", &[0]);
        expression.expressions = Some("lower(number)".into());
        let mut exclusion = index(16, &t, "no_overlap", &[3]);
        exclusion.constraint = Some("no_overlap".into());
        let mut partition = table(2, "orders_2024");
        partition.partition_of = Some(1);
        partition.columns = t.columns.clone();
        let indexes = vec![
            index(10, &t, "orders_customer_id_created_at_idx", &[2, 3]),
            index(11, &t, "orders_customer_id_idx1", &[2]),
            primary(index(12, &t, "orders_pkey", &[1])),
            unique(index(14, &t, "orders_number_key", &[4]), true),
            unique(index(17, &t, "orders_number_idx", &[4]), false),
            covering,
            expression,
            exclusion,
            index(18, &partition, "p2024_by_customer", &[2]),
        ];
        let hits = run(&RULE, &catalog(vec![t, partition], indexes, vec![]));
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn a_unique_constraint_named_idx_is_reported() {
        let t = orders();
        let indexes = vec![unique(index(12, &t, "orders_number_idx", &[4]), true)];
        let hits = run(&RULE, &catalog(vec![t], indexes, vec![]));
        assert_eq!(hits.len(), 1);
    }

    #[test]
    fn templates_are_configurable_and_renames_never_collide() {
        let t = orders();
        let options = json!({
            "template": "ix_{table}_{columns}",
            "unique_template": "uq_{table}_{columns}",
            "primary_template": "pk_{table}",
        });
        let indexes = vec![
            index(10, &t, "ix_orders_customer_id", &[2]),
            primary(index(11, &t, "pk_orders", &[1])),
            index(12, &t, "orders_created_at_idx", &[3]),
        ];
        let mut taken = table(3, "ix_orders_created_at");
        taken.kind = crate::lint::catalog::TableKind::View;
        let hits = run_with(&RULE, &catalog(vec![t, taken], indexes, vec![]), &options);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].detail["expected_name"], "ix_orders_created_at");
        assert!(hits[0].remediation.is_none());
    }
}
