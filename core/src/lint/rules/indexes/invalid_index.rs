//! An invalid index: a `CREATE INDEX CONCURRENTLY` or `REINDEX CONCURRENTLY` that failed
//! (often on a duplicate value of a unique index). The planner never uses it, yet every write
//! still maintains it, and a unique one still rejects rows.

use serde_json::json;

use super::super::helpers::{drop_index, names_json};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "invalid_index",
    category: "indexes",
    severity: Severity::Error,
    enabled: true,
    description: "an index left invalid by a failed concurrent build",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    catalog
        .indexes
        .iter()
        // A partitioned table's index is invalid until every partition has its own attached;
        // one that a backend is building right now is not finished yet. A concurrent build
        // that failed is left invalid (and not ready): that is the one to report.
        .filter(|i| !i.valid && !i.partitioned && !i.building)
        .filter_map(|index| {
            let table = catalog.table(index.table)?;
            // The leftover of a failed REINDEX CONCURRENTLY: the original is still there.
            let leftover = index.name.contains("_ccnew") || index.name.contains("_ccold");
            let remediation = if leftover {
                drop_index(index)
            } else {
                format!(
                    "REINDEX INDEX CONCURRENTLY {};\n-- or, if it is not needed:\n{}",
                    index.qualified,
                    drop_index(index)
                )
            };
            Some(
                Hit::on_index(
                    table,
                    index,
                    format!(
                        "Index {} on {} is invalid: queries cannot use it but writes still maintain it.",
                        index.qualified, table.qualified
                    ),
                )
                .with_remediation(remediation)
                .with_detail(json!({
                    "columns": names_json(table, &index.keys),
                    "unique": index.unique,
                    "bytes": index.bytes,
                    "leftover_of_reindex": leftover,
                })),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_failed_builds_and_drops_reindex_leftovers() {
        let mut orders = table(1, "orders");
        orders.columns = vec![column(1, "id", "bigint"), column(2, "email", "text")];
        // A concurrent build that failed on duplicates is left neither valid nor ready.
        let mut failed = index(10, &orders, "orders_email_key", &[2]);
        failed.valid = false;
        failed.ready = false;
        failed.unique = true;
        let mut leftover = index(11, &orders, "orders_email_key_ccnew", &[2]);
        leftover.valid = false;
        let hits = run(
            &RULE,
            &catalog(vec![orders], vec![failed, leftover], vec![]),
        );
        assert_eq!(hits.len(), 2);
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some(
                "REINDEX INDEX CONCURRENTLY public.orders_email_key;\n\
                 -- or, if it is not needed:\n\
                 DROP INDEX CONCURRENTLY public.orders_email_key;"
            )
        );
        assert_eq!(
            hits[1].remediation.as_deref(),
            Some("DROP INDEX CONCURRENTLY public.orders_email_key_ccnew;")
        );
    }

    #[test]
    fn silent_for_valid_partitioned_parents_and_builds_in_progress() {
        let orders = table(1, "orders");
        let valid = index(10, &orders, "orders_id", &[1]);
        let mut parent = index(11, &orders, "events_at", &[1]);
        parent.valid = false;
        parent.partitioned = true;
        let mut building = index(12, &orders, "orders_building", &[1]);
        building.valid = false;
        building.ready = false;
        building.building = true;
        let hits = run(
            &RULE,
            &catalog(vec![orders], vec![valid, parent, building], vec![]),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
