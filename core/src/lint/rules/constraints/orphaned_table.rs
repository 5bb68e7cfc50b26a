//! A table no foreign key references and that references nothing: sometimes a standalone
//! table by design (settings, logs, staging), often a relationship never declared or a
//! leftover nobody uses any more. Off by default: worth a look once, noisy as a gate.

use std::collections::HashSet;

use crate::lint::catalog::{ConstraintKind, LintCatalog};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "orphaned_table",
    category: "constraints",
    severity: Severity::Info,
    enabled: false,
    description: "a table with no foreign key to or from it",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let mut linked = HashSet::new();
    for fk in catalog
        .constraints
        .iter()
        .filter(|c| c.kind == ConstraintKind::ForeignKey)
    {
        for oid in std::iter::once(fk.table).chain(fk.referenced) {
            mark(catalog, oid, &mut linked);
        }
    }
    catalog
        .tables
        .iter()
        .filter(|t| t.is_base_table() && !linked.contains(&t.oid))
        .map(|t| {
            Hit::on_table(
                t,
                format!(
                    "{} has no foreign key to or from any other table.",
                    t.qualified
                ),
            )
        })
        .collect()
}

/// `oid` and the partitioned tables above it: a partition's foreign key is its table's.
fn mark(catalog: &LintCatalog, oid: u32, linked: &mut HashSet<u32>) {
    let mut next = Some(oid);
    while let Some(oid) = next {
        if !linked.insert(oid) {
            break;
        }
        next = catalog.table(oid).and_then(|t| t.partition_of);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_tables_with_no_link_only() {
        let customers = table(1, "customers");
        let orders = table(2, "orders");
        let settings = table(3, "settings");
        let mut events = table(4, "events");
        events.kind = crate::lint::catalog::TableKind::PartitionedTable;
        let mut events_1 = table(5, "events_1");
        events_1.partition_of = Some(4);
        let fk = foreign_key(10, &orders, &[1], &customers, &[1]);
        // Only a partition references: its partitioned table is linked.
        let from_partition = foreign_key(11, &events_1, &[1], &customers, &[1]);
        let hits = run(
            &RULE,
            &catalog(
                vec![customers, orders, settings, events, events_1],
                vec![],
                vec![fk, from_partition],
            ),
        );
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].object_name, "public.settings");
    }
}
