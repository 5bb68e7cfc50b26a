//! A table with no columns: usually the leftover of a migration that dropped them one by one
//! or a placeholder never filled; it holds nothing but row counts and confuses tools.

use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "table_without_columns",
    category: "structure",
    severity: Severity::Warning,
    enabled: true,
    description: "a table with no columns",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    context
        .catalog
        .tables
        .iter()
        .filter(|t| t.is_base_table() && t.columns.is_empty())
        // No remediation: dropping it or giving it columns is a decision, not a fix.
        .map(|t| Hit::on_table(t, format!("{} has no columns.", t.qualified)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::TableKind;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_a_table_without_columns() {
        let hits = run(
            &RULE,
            &catalog(vec![table(1, "placeholder")], vec![], vec![]),
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].object_name, "public.placeholder");
    }

    #[test]
    fn silent_for_tables_with_columns_partitions_and_views() {
        let mut orders = table(1, "orders");
        orders.columns = vec![column(1, "id", "bigint")];
        let mut partition = table(2, "events_2024");
        partition.partition_of = Some(3);
        let mut view = table(4, "nothing");
        view.kind = TableKind::View;
        let hits = run(
            &RULE,
            &catalog(vec![orders, partition, view], vec![], vec![]),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
