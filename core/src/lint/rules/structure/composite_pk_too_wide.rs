//! A primary key of many columns: every foreign key to the table must repeat all of them, so
//! the referencing tables and their indexes grow, joins compare every column, and changing the
//! key means changing every reference. A surrogate key with a unique constraint on the natural
//! columns is usually simpler.

use serde_json::json;

use super::super::helpers::{names_json, on_constraint};
use crate::lint::catalog::ConstraintKind;
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "composite_pk_too_wide",
    category: "structure",
    severity: Severity::Info,
    enabled: true,
    description: "a primary key of more columns than max_columns",
    options,
    check,
};

fn options() -> serde_json::Value {
    json!({"max_columns": 3})
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let max = context.option_f64("max_columns").unwrap_or(3.0);
    catalog
        .tables
        .iter()
        // Partitions repeat their partitioned table's key.
        .filter(|t| t.is_base_table())
        .filter_map(|table| {
            let key = catalog.indexes_of(table.oid).find(|i| i.primary)?;
            if (key.keys.len() as f64) <= max {
                return None;
            }
            let message = format!(
                "The primary key of {} has {} columns, more than {max}.",
                table.qualified,
                key.keys.len()
            );
            let constraint = catalog
                .constraints_of(table.oid)
                .find(|c| c.kind == ConstraintKind::PrimaryKey);
            let hit = match constraint {
                Some(constraint) => on_constraint(catalog, table, constraint, message),
                None => Hit::on_index(table, key, message),
            };
            Some(hit.with_detail(json!({
                "columns": names_json(table, &key.keys),
                "max_columns": max,
            })))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::Constraint;
    use crate::lint::testing::*;

    fn wide() -> crate::lint::catalog::Table {
        let mut t = table(1, "readings");
        t.columns = ["site", "sensor", "kind", "at", "value"]
            .iter()
            .zip(1..)
            .map(|(name, num)| column(num, name, "text"))
            .collect();
        t
    }

    #[test]
    fn fires_above_max_columns_on_the_constraint() {
        let readings = wide();
        let key = primary(index(10, &readings, "readings_pkey", &[1, 2, 3, 4]));
        let constraint = Constraint {
            oid: 20,
            table: 1,
            name: "readings_pkey".into(),
            kind: ConstraintKind::PrimaryKey,
            columns: vec![1, 2, 3, 4],
            referenced: None,
            referenced_columns: vec![],
            validated: true,
            comment: None,
        };
        let hits = run(&RULE, &catalog(vec![readings], vec![key], vec![constraint]));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].object_name, "public.readings.readings_pkey");
        assert_eq!(
            hits[0].detail["columns"],
            json!(["site", "sensor", "kind", "at"])
        );
    }

    #[test]
    fn silent_within_max_columns_and_for_wide_unique_keys() {
        let readings = wide();
        let key = primary(index(10, &readings, "readings_pkey", &[1, 2, 3]));
        let mut unique = index(11, &readings, "readings_natural", &[1, 2, 3, 4, 5]);
        unique.unique = true;
        let catalog = catalog(vec![readings], vec![key, unique], vec![]);
        assert!(run(&RULE, &catalog).is_empty());
        assert_eq!(
            run_with(&RULE, &catalog, &json!({"max_columns": 2})).len(),
            1
        );
    }
}
