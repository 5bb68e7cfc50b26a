//! A foreign key column whose type differs from the column it references: every check and
//! every join along the key compares across types (casts, cross-type operators that may not
//! use an index), and the referencing column may not hold every value of the referenced one
//! (an `integer` referencing a `bigint` key fails once the key passes 2^31).

use serde_json::{json, Value};

use super::super::helpers::{foreign_keys, on_constraint};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "fk_type_mismatch",
    category: "structure",
    severity: Severity::Warning,
    enabled: true,
    description: "a foreign key column whose type differs from the referenced column's",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    foreign_keys(catalog)
        .filter_map(|(table, fk)| {
            let referenced = catalog.table(fk.referenced?)?;
            let pairs: Vec<_> = fk
                .columns
                .iter()
                .zip(&fk.referenced_columns)
                .filter_map(|(&from, &to)| Some((table.column(from)?, referenced.column(to)?)))
                .filter(|(from, to)| from.type_oid != to.type_oid)
                .collect();
            if pairs.is_empty() {
                return None;
            }
            let described: Vec<String> = pairs
                .iter()
                .map(|(from, to)| {
                    format!(
                        "{} is {} but {}.{} is {}",
                        from.name, from.type_name, referenced.qualified, to.name, to.type_name
                    )
                })
                .collect();
            let remediation: Vec<String> = pairs
                .iter()
                .map(|(from, to)| {
                    format!(
                        "ALTER TABLE {} ALTER COLUMN {} TYPE {};",
                        table.qualified, from.quoted, to.type_name
                    )
                })
                .collect();
            let detail: Vec<Value> = pairs
                .iter()
                .map(|(from, to)| {
                    json!({
                        "column": from.name,
                        "type": from.type_name,
                        "referenced_column": to.name,
                        "referenced_type": to.type_name,
                    })
                })
                .collect();
            Some(
                on_constraint(
                    catalog,
                    table,
                    fk,
                    format!(
                        "Foreign key {} of {} joins columns of different types: {}.",
                        fk.name,
                        table.qualified,
                        described.join("; ")
                    ),
                )
                .with_remediation(remediation.join("\n"))
                .with_detail(json!({
                    "referenced_table": referenced.qualified,
                    "mismatches": detail,
                })),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::Column;
    use crate::lint::testing::*;

    fn typed(num: i16, name: &str, type_name: &str, type_oid: u32) -> Column {
        Column {
            type_oid,
            ..column(num, name, type_name)
        }
    }

    #[test]
    fn fires_when_the_types_differ() {
        let mut customers = table(1, "customers");
        customers.columns = vec![typed(1, "id", "bigint", 20)];
        let mut orders = table(2, "orders");
        orders.columns = vec![typed(1, "customer_id", "integer", 23)];
        let fk = foreign_key(10, &orders, &[1], &customers, &[1]);
        let hits = run(&RULE, &catalog(vec![customers, orders], vec![], vec![fk]));
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].message.contains("customer_id is integer"),
            "{}",
            hits[0].message
        );
        assert!(hits[0].message.contains("public.customers.id is bigint"));
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.orders ALTER COLUMN customer_id TYPE bigint;")
        );
        assert_eq!(hits[0].detail["mismatches"][0]["referenced_type"], "bigint");
    }

    #[test]
    fn silent_when_the_types_match_even_with_other_modifiers() {
        let mut customers = table(1, "customers");
        customers.columns = vec![
            typed(1, "id", "bigint", 20),
            typed(2, "code", "character varying(20)", 1043),
        ];
        let mut orders = table(2, "orders");
        orders.columns = vec![
            typed(1, "customer_id", "bigint", 20),
            typed(2, "customer_code", "character varying(10)", 1043),
        ];
        let by_id = foreign_key(10, &orders, &[1], &customers, &[1]);
        let by_code = foreign_key(11, &orders, &[2], &customers, &[2]);
        let hits = run(
            &RULE,
            &catalog(vec![customers, orders], vec![], vec![by_id, by_code]),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
