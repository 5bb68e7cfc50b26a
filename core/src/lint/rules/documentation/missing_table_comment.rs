//! A table or view without a comment: what it holds, who writes it and what its rows mean
//! live only in people's heads; `\d+`, schema browsers and generated documentation show
//! nothing.

use crate::lint::catalog::TableKind;
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "missing_table_comment",
    category: "documentation",
    severity: Severity::Info,
    enabled: true,
    description: "a table or view without a comment",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    context
        .catalog
        .tables
        .iter()
        .filter(|t| {
            t.is_base_table() || matches!(t.kind, TableKind::View | TableKind::MaterializedView)
        })
        .filter(|t| t.comment.as_deref().is_none_or(|c| c.trim().is_empty()))
        // No remediation: only a person can write what it means.
        .map(|t| Hit::on_table(t, format!("{} has no comment.", t.qualified)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_tables_and_views_without_comment() {
        let orders = table(1, "orders");
        let mut blank = table(2, "blank");
        blank.comment = Some("  ".into());
        let mut view = table(3, "open_orders");
        view.kind = TableKind::View;
        let hits = run(&RULE, &catalog(vec![orders, blank, view], vec![], vec![]));
        assert_eq!(hits.len(), 3);
        assert_eq!(hits[2].object_type, "view");
    }

    #[test]
    fn silent_for_commented_tables_partitions_and_foreign_tables() {
        let mut orders = table(1, "orders");
        orders.comment = Some("One row per order placed.".into());
        let mut partition = table(2, "orders_2024");
        partition.partition_of = Some(1);
        let mut foreign = table(3, "remote");
        foreign.kind = TableKind::ForeignTable;
        let hits = run(
            &RULE,
            &catalog(vec![orders, partition, foreign], vec![], vec![]),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
