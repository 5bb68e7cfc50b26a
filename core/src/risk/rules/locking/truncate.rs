//! `TRUNCATE` of an existing table: every row is gone at once, and the AccessExclusiveLock it
//! takes blocks even reads until the transaction ends. With `CASCADE` it also empties every
//! table that references it through a foreign key, recursively.

use super::{existing_relations, relation_list};
use crate::risk::catalog::RelKind;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::Operation;

pub const RULE: Rule = Rule {
    id: "truncate",
    severity: Severity::Error,
    summary: "TRUNCATE deletes every row of an existing table under AccessExclusiveLock",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Truncate {
        tables, cascade, ..
    } = &context.statement.operation
    else {
        return None;
    };
    let named = existing_relations(context, tables);
    if named.is_empty() {
        return None;
    }
    let mut message = format!(
        "TRUNCATE deletes every row of {} under AccessExclusiveLock: reads and writes wait until the transaction ends, and the rows are gone once it commits.",
        relation_list(&named)
    );
    if *cascade {
        let named_trees: Vec<u32> = named
            .iter()
            .flat_map(|r| context.catalog.with_descendants(r.oid))
            .collect();
        let reached: Vec<&str> = context
            .effects
            .locks
            .iter()
            .filter(|l| !named_trees.contains(&l.oid))
            .filter(|l| {
                context
                    .catalog
                    .get(l.oid)
                    .is_some_and(|r| r.kind != RelKind::Sequence)
            })
            .map(|l| l.relation.as_str())
            .collect();
        if !reached.is_empty() {
            message.push_str(&format!(
                " CASCADE empties the tables that reference it too: {}.",
                reached.join(", ")
            ));
        }
    }
    Some(RULE.finding(message))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::catalog::{Catalog, ForeignKey};
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;

    fn truncate(tables: &[&str], cascade: bool) -> Statement {
        statement(
            "TRUNCATE TABLE",
            Operation::Truncate {
                tables: tables.iter().map(|t| name(t)).collect(),
                cascade,
                restart_identity: false,
            },
        )
    }

    /// `order_lines` references `orders`.
    fn shop() -> Catalog {
        let mut orders = table(1, "orders", 1e6, &[("id", "integer", INT4)]);
        let mut lines = table(2, "order_lines", 5e6, &[("order_id", "integer", INT4)]);
        let fk = ForeignKey {
            name: "order_lines_order_id_fkey".into(),
            referencing: 2,
            columns: vec!["order_id".into()],
            referenced: 1,
            referenced_columns: vec!["id".into()],
            on_delete: 'a',
            on_update: 'a',
            index: 0,
            validated: true,
        };
        orders.referenced_by.push(fk.clone());
        lines.foreign_keys.push(fk);
        catalog(vec![orders, lines])
    }

    #[test]
    fn fires_and_names_the_tables_cascade_reaches() {
        let found = run(&RULE, &truncate(&["orders"], true), &shop()).unwrap();
        assert!(found
            .message
            .starts_with("TRUNCATE deletes every row of public.orders"));
        assert!(
            found
                .message
                .ends_with("reference it too: public.order_lines."),
            "{}",
            found.message
        );
        let plain = run(&RULE, &truncate(&["orders"], false), &shop()).unwrap();
        assert!(!plain.message.contains("CASCADE"));
    }

    #[test]
    fn silent_on_tables_created_by_the_script() {
        let catalog = shop();
        let state = created(&["orders"], &catalog);
        assert_eq!(
            run_with(&RULE, &truncate(&["orders"], false), &catalog, &state),
            None
        );
        assert_eq!(run(&RULE, &truncate(&["missing"], false), &catalog), None);
    }
}
