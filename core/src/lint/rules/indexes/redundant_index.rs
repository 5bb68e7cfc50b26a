//! A btree index whose key columns lead another btree index of the same table (same
//! operator classes and collations, neither partial nor on expressions): the longer index
//! serves every lookup and ordering the shorter one does, so the shorter one only costs disk,
//! cache and write time.

use serde_json::json;

use super::super::helpers::{column_list, drop_index, names_json, parent_index};
use crate::lint::catalog::Index;
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "redundant_index",
    category: "indexes",
    severity: Severity::Info,
    enabled: true,
    description: "a btree index whose columns lead another index of its table",
    options: no_options,
    check,
};

/// A plain btree index on columns: the only kind whose prefix another one can stand for.
fn plain(index: &Index) -> bool {
    index.valid
        && index.ready
        && index.method == "btree"
        && index.predicate.is_none()
        && index.expressions.is_none()
        && !index.keys.contains(&0)
}

/// `longer` serves everything `shorter` does: its keys start with `shorter`'s (same operator
/// classes and collations), it holds `shorter`'s included columns too, and it is not the same
/// index (duplicate_index reports those).
fn covers(longer: &Index, shorter: &Index) -> bool {
    let n = shorter.keys.len();
    let holds = |c: &i16| longer.keys.contains(c) || longer.included.contains(c);
    let more_included = shorter.included.len() < longer.included.len();
    longer.oid != shorter.oid
        && longer.keys.len() >= n
        && longer.keys[..n] == shorter.keys[..]
        && longer.opclasses.get(..n) == shorter.opclasses.get(..n)
        && longer.collations.get(..n) == shorter.collations.get(..n)
        && shorter.included.iter().all(holds)
        && (longer.keys.len() > n || more_included)
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let mut hits = Vec::new();
    for table in &catalog.tables {
        let candidates: Vec<&Index> = catalog.indexes_of(table.oid).filter(|i| plain(i)).collect();
        for shorter in &candidates {
            // A unique index or a constraint's enforces something the longer one does not; one
            // attached to a partitioned table's index cannot be dropped alone.
            if shorter.unique
                || shorter.constraint.is_some()
                || parent_index(catalog, table, shorter).is_some()
            {
                continue;
            }
            let Some(longer) = candidates.iter().find(|longer| covers(longer, shorter)) else {
                continue;
            };
            hits.push(
                Hit::on_index(
                    table,
                    shorter,
                    format!(
                        "Index {} ({}) is redundant: {} ({}) serves the same lookups.",
                        shorter.qualified,
                        column_list(table, &shorter.keys),
                        longer.qualified,
                        column_list(table, &longer.keys)
                    ),
                )
                .with_remediation(drop_index(shorter))
                .with_detail(json!({
                    "columns": names_json(table, &shorter.keys),
                    "covered_by": longer.qualified,
                    "covered_by_columns": names_json(table, &longer.keys),
                    "bytes": shorter.bytes,
                })),
            );
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
                ("total", "numeric"),
            ],
        )
    }

    #[test]
    fn fires_for_a_plain_prefix_of_another_index() {
        let orders = orders();
        let short = index(10, &orders, "orders_customer", &[2]);
        let long = index(11, &orders, "orders_customer_status", &[2, 3]);
        let mut short_covering = index(12, &orders, "orders_status_inc", &[3]);
        short_covering.included = vec![4];
        let mut long_covering = index(13, &orders, "orders_status_inc2", &[3]);
        long_covering.included = vec![4, 1];
        let hits = run(
            &RULE,
            &catalog(
                vec![orders],
                vec![short, long, short_covering, long_covering],
                vec![],
            ),
        );
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].object_name, "public.orders_customer");
        assert_eq!(
            hits[0].detail["covered_by"],
            "public.orders_customer_status"
        );
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("DROP INDEX CONCURRENTLY public.orders_customer;")
        );
        assert_eq!(hits[1].object_name, "public.orders_status_inc");
    }

    /// Text prefixes of the definitions are not enough: method, predicate, expressions,
    /// collations, operator classes and uniqueness all matter.
    #[test]
    fn silent_when_the_longer_index_cannot_stand_for_the_shorter() {
        let orders = orders();
        let long = index(10, &orders, "orders_customer_status", &[2, 3]);
        let mut unique = index(11, &orders, "orders_customer_key", &[2]);
        unique.unique = true;
        let pkey = primary(index(12, &orders, "orders_pkey", &[1]));
        let pkey_prefix = index(13, &orders, "orders_id_status", &[1, 3]);
        let mut hash_long = index(20, &orders, "orders_status_total_hash", &[3, 4]);
        hash_long.method = "hash".into();
        let mut partial_long = index(21, &orders, "orders_status_total_open", &[3, 4]);
        partial_long.predicate = Some("(status = 'open'::text)".into());
        let mut collated_long = index(22, &orders, "orders_status_total_c", &[3, 4]);
        collated_long.collations = vec![950, 0];
        let mut pattern_long = index(23, &orders, "orders_status_total_pattern", &[3, 4]);
        pattern_long.opclasses = vec![10044, 0];
        let mut expression_long = index(24, &orders, "orders_lower_status_total", &[0, 4]);
        expression_long.expressions = Some("lower(status)".into());
        let status = index(25, &orders, "orders_status", &[3]);
        let mut partial_short = index(26, &orders, "orders_customer_open", &[2]);
        partial_short.predicate = Some("(status = 'open'::text)".into());
        let mut covering = index(27, &orders, "orders_total_inc", &[4]);
        covering.included = vec![1];
        let not_covering = index(28, &orders, "orders_total_status", &[4, 3]);
        let hits = run(
            &RULE,
            &catalog(
                vec![orders],
                vec![
                    long,
                    unique,
                    pkey,
                    pkey_prefix,
                    hash_long,
                    partial_long,
                    collated_long,
                    pattern_long,
                    expression_long,
                    status,
                    partial_short,
                    covering,
                    not_covering,
                ],
                vec![],
            ),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
