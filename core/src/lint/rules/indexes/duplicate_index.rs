//! Two indexes of a table that are the same index: same keys, expressions, predicate, method,
//! operator classes, collations and included columns. One of them serves every query the
//! other does; the other costs disk, cache, write time and vacuum time for nothing.

use std::collections::HashMap;

use serde_json::json;

use super::super::helpers::{drop_index, names_json, parent_index};
use crate::lint::catalog::Index;
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "duplicate_index",
    category: "indexes",
    severity: Severity::Warning,
    enabled: true,
    description: "an index identical to another index of its table",
    options: no_options,
    check,
};

/// What makes two indexes the same index.
type Signature<'a> = (
    &'a [i16],
    Vec<i16>,
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
    &'a [u32],
    &'a [u32],
);

fn signature(index: &Index) -> Signature<'_> {
    let mut included = index.included.clone();
    included.sort_unstable();
    (
        &index.keys,
        included,
        index.expressions.as_deref(),
        index.predicate.as_deref(),
        &index.method,
        &index.opclasses,
        &index.collations,
    )
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let mut hits = Vec::new();
    for table in &catalog.tables {
        let mut groups: Vec<Vec<&Index>> = Vec::new();
        let mut group_of: HashMap<Signature, usize> = HashMap::new();
        for index in catalog.indexes_of(table.oid).filter(|i| i.valid && i.ready) {
            let at = *group_of.entry(signature(index)).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[at].push(index);
        }
        for group in groups.iter().filter(|g| g.len() > 1) {
            // Keep the one backing a constraint, else a unique one, else one attached to a
            // partitioned table's index (which cannot be dropped alone), else the oldest.
            let attached = |i: &Index| parent_index(catalog, table, i).is_some();
            let keeper = group
                .iter()
                .max_by_key(|i| {
                    (
                        i.constraint.is_some(),
                        i.unique,
                        attached(i),
                        std::cmp::Reverse(i.oid),
                    )
                })
                .expect("a group has members");
            for index in group
                .iter()
                .filter(|i| i.oid != keeper.oid && i.constraint.is_none() && !attached(i))
            {
                hits.push(
                    Hit::on_index(
                        table,
                        index,
                        format!(
                            "Index {} duplicates {} on {}.",
                            index.qualified, keeper.qualified, table.qualified
                        ),
                    )
                    .with_remediation(drop_index(index))
                    .with_detail(json!({
                        "duplicate_of": keeper.qualified,
                        "columns": names_json(table, &index.keys),
                        "bytes": index.bytes,
                    })),
                );
            }
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
                ("id", "bigint"),
                ("customer_id", "bigint"),
                ("status", "text"),
            ],
        )
    }

    #[test]
    fn fires_once_for_the_copy_not_backing_a_constraint() {
        let orders = orders();
        let pkey = primary(index(10, &orders, "orders_pkey", &[1]));
        let copy_of_pkey = index(11, &orders, "orders_id_idx", &[1]);
        let first = index(12, &orders, "orders_customer", &[2, 3]);
        let mut second = index(13, &orders, "orders_customer_2", &[2, 3]);
        second.included = vec![];
        let hits = run(
            &RULE,
            &catalog(
                vec![orders],
                vec![pkey, copy_of_pkey, first, second],
                vec![],
            ),
        );
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].object_name, "public.orders_id_idx");
        assert_eq!(hits[0].detail["duplicate_of"], "public.orders_pkey");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("DROP INDEX CONCURRENTLY public.orders_id_idx;")
        );
        // Of two plain copies, the newer goes.
        assert_eq!(hits[1].object_name, "public.orders_customer_2");
    }

    #[test]
    fn silent_for_indexes_that_differ_or_both_back_constraints() {
        let orders = orders();
        let pkey = primary(index(10, &orders, "orders_pkey", &[1]));
        let mut unique = index(11, &orders, "orders_id_key", &[1]);
        unique.unique = true;
        unique.constraint = Some("orders_id_key".into());
        let plain = index(20, &orders, "orders_status", &[3]);
        let mut partial = index(21, &orders, "orders_status_open", &[3]);
        partial.predicate = Some("(status = 'open'::text)".into());
        let mut hash = index(22, &orders, "orders_status_hash", &[3]);
        hash.method = "hash".into();
        let mut collated = index(23, &orders, "orders_status_c", &[3]);
        collated.collations = vec![950];
        let mut pattern = index(24, &orders, "orders_status_pattern", &[3]);
        pattern.opclasses = vec![10044];
        let mut covering = index(25, &orders, "orders_status_covering", &[3]);
        covering.included = vec![2];
        let mut lower = index(26, &orders, "orders_lower_status", &[0]);
        lower.expressions = Some("lower(status)".into());
        let mut upper = index(27, &orders, "orders_upper_status", &[0]);
        upper.expressions = Some("upper(status)".into());
        let mut invalid = index(28, &orders, "orders_status_invalid", &[3]);
        invalid.valid = false;
        let hits = run(
            &RULE,
            &catalog(
                vec![orders],
                vec![
                    pkey, unique, plain, partial, hash, collated, pattern, covering, lower, upper,
                    invalid,
                ],
                vec![],
            ),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
