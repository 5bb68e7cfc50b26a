//! A table column without a comment: units, allowed values and meaning stay undocumented.
//! Off by default: most schemas have many self-explanatory columns; turn it on where every
//! column must be documented.

use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "missing_column_comment",
    category: "documentation",
    severity: Severity::Info,
    enabled: false,
    description: "a table column without a comment",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    context
        .catalog
        .tables
        .iter()
        .filter(|t| t.is_base_table())
        .flat_map(|t| {
            t.columns
                .iter()
                .filter(|c| c.comment.as_deref().is_none_or(|c| c.trim().is_empty()))
                .map(move |c| {
                    Hit::on_column(
                        t,
                        c,
                        format!("Column {}.{} has no comment.", t.qualified, c.quoted),
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::TableKind;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_uncommented_columns_of_tables_only() {
        let mut orders = table(1, "orders");
        let mut total = column(2, "total", "numeric");
        total.comment = Some("In cents, tax included.".into());
        orders.columns = vec![column(1, "id", "bigint"), total];
        let mut view = table(2, "v");
        view.kind = TableKind::View;
        view.columns = vec![column(1, "id", "bigint")];
        let mut partition = table(3, "orders_1");
        partition.partition_of = Some(1);
        partition.columns = vec![column(1, "id", "bigint")];
        let hits = run(
            &RULE,
            &catalog(vec![orders, view, partition], vec![], vec![]),
        );
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].object_name, "public.orders.id");
        assert_eq!(hits[0].object_type, "column");
    }
}
