//! Dropping an existing table: its rows are gone for good and every query of the running
//! application that uses it fails. `CASCADE` also drops the foreign keys and views that depend
//! on it; the tables its own foreign keys point to are locked while it runs.

use super::{existing_relations, other_locks, plural};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{ObjectKind, Operation};

pub const RULE: Rule = Rule {
    id: "drop_table",
    severity: Severity::Warning,
    summary: "dropping a table loses its data and breaks clients that still use it",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Drop(drop) = &context.statement.operation else {
        return None;
    };
    if drop.object != ObjectKind::Table {
        return None;
    }
    let tables = existing_relations(context, &drop.names);
    if tables.is_empty() {
        return None;
    }
    let names: Vec<&str> = tables.iter().map(|t| t.qualified.as_str()).collect();
    let one = tables.len() == 1;
    let mut message = format!(
        "Dropping {} deletes {} for good and breaks every query of the running application that still uses {}: deploy code that no longer does first.",
        names.join(", "),
        plural(tables.len(), "it and its rows", "them and their rows"),
        plural(tables.len(), "it", "them"),
    );
    if drop.cascade {
        message.push_str(&format!(
            " CASCADE also drops the foreign keys and views that depend on {}.",
            if one { "it" } else { "them" }
        ));
    }
    // The dropped tables, their partitions and their sequences are gone; other locks are
    // taken on tables that stay.
    let mut dropped: Vec<u32> = Vec::new();
    for table in &tables {
        dropped.extend(context.catalog.with_descendants(table.oid));
        dropped.extend(table.owned_sequences.iter().map(|(s, _)| *s));
    }
    let others = other_locks(context, &dropped);
    if !others.is_empty() {
        message.push_str(&format!(
            " While it runs it also locks {}.",
            others.join(", ")
        ));
    }
    Some(RULE.finding(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::catalog::ForeignKey;
    use crate::risk::rules::breaking::script::created_table;
    use crate::risk::statement::{Drop, Statement};
    use crate::risk::testing::*;

    fn drop_table(names: &[&str], cascade: bool) -> Statement {
        statement(
            "DROP TABLE",
            Operation::Drop(Drop {
                object: ObjectKind::Table,
                names: names.iter().map(|n| name(n)).collect(),
                concurrently: false,
                cascade,
                missing_ok: false,
            }),
        )
    }

    /// `customers` ← `orders` ← `items` by foreign keys.
    fn shop() -> crate::risk::catalog::Catalog {
        let fk = |name: &str, referencing, referenced| ForeignKey {
            name: name.into(),
            referencing,
            columns: vec!["ref".into()],
            referenced,
            referenced_columns: vec!["id".into()],
            on_delete: 'a',
            on_update: 'a',
            index: 0,
            validated: true,
        };
        let mut customers = table(1, "customers", 10.0, &[]);
        let mut orders = table(2, "orders", 10.0, &[]);
        let mut items = table(3, "items", 10.0, &[]);
        orders.foreign_keys.push(fk("orders_customer_fk", 2, 1));
        customers.referenced_by.push(fk("orders_customer_fk", 2, 1));
        items.foreign_keys.push(fk("items_order_fk", 3, 2));
        orders.referenced_by.push(fk("items_order_fk", 3, 2));
        catalog(vec![customers, orders, items])
    }

    #[test]
    fn fires_on_an_existing_table_naming_the_tables_it_locks() {
        let found = run(&RULE, &drop_table(&["orders"], false), &shop()).unwrap();
        assert!(found
            .message
            .starts_with("Dropping public.orders deletes it and its rows for good"));
        assert!(!found.message.contains("CASCADE"));
        assert!(found
            .message
            .ends_with("locks public.customers (AccessExclusiveLock)."));
    }

    #[test]
    fn cascade_names_the_referencing_tables_it_locks() {
        let found = run(&RULE, &drop_table(&["orders", "ghosts"], true), &shop()).unwrap();
        assert!(found.message.starts_with("Dropping public.orders deletes"));
        assert!(found
            .message
            .contains("CASCADE also drops the foreign keys"));
        assert!(found.message.contains("public.items (AccessExclusiveLock)"));
    }

    #[test]
    fn silent_on_tables_created_earlier_in_the_script_or_missing() {
        let state = created_table("orders");
        assert_eq!(
            run_with(&RULE, &drop_table(&["orders"], false), &shop(), &state),
            None
        );
        assert_eq!(run(&RULE, &drop_table(&["ghosts"], false), &shop()), None);
    }
}
