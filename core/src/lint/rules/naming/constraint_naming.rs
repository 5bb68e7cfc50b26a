//! A primary key, unique constraint or foreign key whose name is not the one the naming
//! templates give it (PostgreSQL's own defaults: `{table}_pkey`, `{table}_{columns}_key`,
//! `{table}_{columns}_fkey`): the name is what error messages and migration scripts show.

use serde_json::{json, Value};

use super::index_naming::column_sets;
use super::{follows, object_name, relation_names, template, Keywords};
use crate::lint::catalog::{Constraint, ConstraintKind, Table};
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "constraint_naming",
    category: "naming",
    severity: Severity::Info,
    enabled: false,
    description: "a key or foreign key not named after its table and columns as the templates say",
    options,
    check,
};

fn options() -> Value {
    json!({
        "primary_key_template": "{table}_pkey",
        "unique_template": "{table}_{columns}_key",
        "foreign_key_template": "{table}_{columns}_fkey",
    })
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let primary = template(context, RULE.id, "primary_key_template");
    let unique = template(context, RULE.id, "unique_template");
    let foreign = template(context, RULE.id, "foreign_key_template");
    let keywords = catalog.keyword_set();
    let relations = relation_names(catalog);
    catalog
        .constraints
        .iter()
        .filter_map(|constraint| {
            let template = match constraint.kind {
                ConstraintKind::PrimaryKey => primary,
                ConstraintKind::Unique => unique,
                ConstraintKind::ForeignKey => foreign,
                // Check constraints are named after one column or none, exclusion constraints
                // after expressions too: not checked.
                _ => return None,
            };
            let table = catalog.table(constraint.table)?;
            // Partitions' keys and foreign keys are created and named from the parent's.
            if table.partition_of.is_some() {
                return None;
            }
            let keys = names(table, &constraint.columns)?;
            // A key's index may have INCLUDE columns, which PostgreSQL puts in the name.
            let included = match constraint.kind {
                ConstraintKind::ForeignKey => Vec::new(),
                _ => catalog
                    .indexes_of(table.oid)
                    .find(|i| i.constraint.as_deref() == Some(constraint.name.as_str()))
                    .and_then(|i| names(table, &i.included))
                    .unwrap_or_default(),
            };
            let column_sets = column_sets(&keys, &included);
            if follows(&constraint.name, template, &table.name, &column_sets) {
                return None;
            }
            let expected = object_name(template, &table.name, &column_sets[0]);
            // Constraint names are unique per table; a key's name is also its index's, which
            // shares the schema's namespace with tables.
            let taken = catalog
                .constraints_of(table.oid)
                .any(|c| c.name == expected)
                || (constraint.kind != ConstraintKind::ForeignKey
                    && relations.contains(&(table.schema.as_str(), expected.as_str())));
            Some(hit(table, constraint, &expected, keywords, taken))
        })
        .collect()
}

fn names<'a>(table: &'a Table, columns: &[i16]) -> Option<Vec<&'a str>> {
    columns
        .iter()
        .map(|&num| table.column(num).map(|c| c.name.as_str()))
        .collect()
}

fn hit(
    table: &Table,
    constraint: &Constraint,
    expected: &str,
    keywords: &Keywords,
    taken: bool,
) -> Hit {
    let kind = match constraint.kind {
        ConstraintKind::PrimaryKey => "Primary key",
        ConstraintKind::Unique => "Unique constraint",
        _ => "Foreign key",
    };
    let name = keywords.quote(&constraint.name);
    let expected_quoted = keywords.quote(expected);
    let mut hit = Hit {
        object_type: "constraint",
        object_name: format!("{}.{name}", table.qualified),
        comment: constraint.comment.clone(),
        ..Hit::on_table(
            table,
            format!(
                "{kind} {name} of {} is not named {expected_quoted} as the naming template says.",
                table.qualified
            ),
        )
    };
    if !taken {
        hit = hit.with_remediation(format!(
            "ALTER TABLE {} RENAME CONSTRAINT {name} TO {expected_quoted};",
            table.qualified
        ));
    }
    hit.with_detail(json!({
        "table": table.qualified,
        "constraint": constraint.name,
        "kind": match constraint.kind {
            ConstraintKind::PrimaryKey => "primary_key",
            ConstraintKind::Unique => "unique",
            _ => "foreign_key",
        },
        "expected_name": expected,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::Index;
    use crate::lint::testing::*;

    fn constraint(
        oid: u32,
        table: &Table,
        name: &str,
        kind: ConstraintKind,
        columns: &[i16],
    ) -> Constraint {
        Constraint {
            oid,
            table: table.oid,
            name: name.into(),
            kind,
            columns: columns.to_vec(),
            referenced: None,
            referenced_columns: Vec::new(),
            validated: true,
            comment: None,
        }
    }

    fn tables() -> (Table, Table) {
        let mut customers = table(1, "customers");
        customers.columns = vec![column(1, "id", "bigint")];
        let mut orders = table(2, "orders");
        orders.columns = vec![
            column(1, "id", "bigint"),
            column(2, "customer_id", "bigint"),
            column(3, "number", "text"),
            column(4, "region", "text"),
        ];
        (customers, orders)
    }

    #[test]
    fn fires_for_keys_and_foreign_keys_not_named_by_the_templates() {
        let (customers, orders) = tables();
        let mut fk = foreign_key(30, &orders, &[2], &customers, &[1]);
        fk.name = "fk_orders_customer".into();
        let constraints = vec![
            fk,
            constraint(
                31,
                &orders,
                "orders_primary",
                ConstraintKind::PrimaryKey,
                &[1],
            ),
            constraint(32, &orders, "uq_number", ConstraintKind::Unique, &[3, 4]),
        ];
        let hits = run(
            &RULE,
            &catalog(vec![customers, orders], vec![], constraints),
        );
        let remediations: Vec<_> = hits
            .iter()
            .map(|h| h.remediation.as_deref().unwrap())
            .collect();
        assert_eq!(
            remediations,
            [
                "ALTER TABLE public.orders RENAME CONSTRAINT fk_orders_customer TO orders_customer_id_fkey;",
                "ALTER TABLE public.orders RENAME CONSTRAINT orders_primary TO orders_pkey;",
                "ALTER TABLE public.orders RENAME CONSTRAINT uq_number TO orders_number_region_key;",
            ]
        );
        assert_eq!(hits[0].object_type, "constraint");
        assert_eq!(hits[0].object_name, "public.orders.fk_orders_customer");
    }

    #[test]
    fn silent_for_default_names_checks_and_partitions() {
        let (customers, orders) = tables();
        let mut fk = foreign_key(30, &orders, &[2], &customers, &[1]);
        fk.name = "orders_customer_id_fkey".into();
        let mut partition = table(3, "orders_2024");
        partition.partition_of = Some(2);
        partition.columns = orders.columns.clone();
        let mut covering: Index = index(40, &orders, "orders_number_region_key", &[3]);
        covering.unique = true;
        covering.included = vec![4];
        covering.constraint = Some(covering.name.clone());
        let constraints = vec![
            fk,
            constraint(31, &orders, "orders_pkey", ConstraintKind::PrimaryKey, &[1]),
            constraint(
                32,
                &orders,
                "orders_number_region_key",
                ConstraintKind::Unique,
                &[3],
            ),
            constraint(33, &orders, "positive", ConstraintKind::Check, &[1]),
            constraint(
                34,
                &orders,
                "orders_customer_id_fkey1",
                ConstraintKind::ForeignKey,
                &[2],
            ),
            constraint(35, &partition, "whatever", ConstraintKind::PrimaryKey, &[1]),
        ];
        let hits = run(
            &RULE,
            &catalog(
                vec![customers, orders, partition],
                vec![covering],
                constraints,
            ),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn templates_are_configurable() {
        let (customers, orders) = tables();
        let mut fk = foreign_key(30, &orders, &[2], &customers, &[1]);
        fk.name = "fk_orders_customer_id".into();
        let options = json!({
            "primary_key_template": "pk_{table}",
            "unique_template": "uq_{table}_{columns}",
            "foreign_key_template": "fk_{table}_{columns}",
        });
        let hits = run_with(
            &RULE,
            &catalog(vec![customers, orders], vec![], vec![fk]),
            &options,
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
