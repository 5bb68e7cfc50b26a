//! A table without a primary key: rows cannot be addressed one by one (logical replication of
//! UPDATE/DELETE needs a replica identity, tools and ORMs need a key), and duplicates creep in.

use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "missing_primary_key",
    category: "structure",
    severity: Severity::Error,
    enabled: true,
    description: "a table without a primary key",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    catalog
        .tables
        .iter()
        // Partitions inherit the parent's key; views have none.
        .filter(|t| t.is_base_table())
        .filter(|t| !catalog.indexes_of(t.oid).any(|i| i.primary))
        .map(|t| {
            let identity = t.columns.iter().find(|c| c.identity || c.name == "id");
            let mut hit = Hit::on_table(t, format!("{} has no primary key.", t.qualified));
            if let Some(column) = identity.filter(|c| c.not_null) {
                hit = hit.with_remediation(format!(
                    "ALTER TABLE {} ADD PRIMARY KEY ({});",
                    t.qualified, column.quoted
                ));
            }
            hit
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_a_table_without_a_key_and_suggests_its_id() {
        let mut audit = table(1, "audit");
        audit.columns = vec![not_null(column(1, "id", "bigint"))];
        let hits = run(&RULE, &catalog(vec![audit], vec![], vec![]));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.audit ADD PRIMARY KEY (id);")
        );
    }

    #[test]
    fn silent_for_keyed_tables_partitions_and_views() {
        let orders = table(1, "orders");
        let pkey = primary(index(10, &orders, "orders_pkey", &[1]));
        let mut partition = table(2, "events_2024");
        partition.partition_of = Some(3);
        let mut view = table(4, "v");
        view.kind = crate::lint::catalog::TableKind::View;
        let hits = run(
            &RULE,
            &catalog(vec![orders, partition, view], vec![pkey], vec![]),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
