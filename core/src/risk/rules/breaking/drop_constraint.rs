//! `ALTER TABLE ... DROP CONSTRAINT` on an existing table: the running application may rely on
//! what the constraint guaranteed (uniqueness, `ON CONFLICT`, a foreign key's checks and
//! `ON DELETE` action). Dropping a foreign key also locks the table it references.

use super::{other_locks, plural};
use crate::risk::catalog::Relation;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, Operation};

pub const RULE: Rule = Rule {
    id: "drop_constraint",
    severity: Severity::Warning,
    summary: "dropping a constraint removes a guarantee clients may rely on",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::AlterTable(alter) = &context.statement.operation else {
        return None;
    };
    let table = context.target()?;
    // Constraints the catalog knows: one missing from it was added earlier in the script (or
    // does not exist), which no client relies on yet.
    let dropped: Vec<(String, &str)> = alter
        .commands
        .iter()
        .filter_map(|c| match &c.action {
            AlterAction::DropConstraint { name, .. } => describe(table, name),
            _ => None,
        })
        .collect();
    if dropped.is_empty() {
        return None;
    }
    let labels: Vec<&str> = dropped.iter().map(|(label, _)| label.as_str()).collect();
    let losses: Vec<&str> = dropped.iter().map(|(_, loss)| *loss).collect();
    let mut message = format!(
        "Dropping {} of {}: {}; the running application may rely on {}.",
        labels.join(", "),
        table.qualified,
        losses.join("; "),
        plural(dropped.len(), "it", "them")
    );
    let others = other_locks(context, &context.catalog.with_descendants(table.oid));
    if !others.is_empty() {
        message.push_str(&format!(" It also locks {}.", others.join(", ")));
    }
    Some(RULE.finding(message))
}

/// `kind name` and what clients lose, for a constraint the catalog lists.
fn describe(table: &Relation, name: &str) -> Option<(String, &'static str)> {
    let constraint = table.constraints.iter().find(|c| c.name == name)?;
    let (kind, loss) = match constraint.kind {
        'p' | 'u' => (
            if constraint.kind == 'p' {
                "primary key"
            } else {
                "unique constraint"
            },
            "duplicates can be written, and INSERT ... ON CONFLICT on its columns fails",
        ),
        'f' => (
            "foreign key",
            "rows pointing at missing rows can be written, and its ON DELETE action stops",
        ),
        'c' => ("check constraint", "rows it rejected can be written"),
        'x' => (
            "exclusion constraint",
            "conflicting rows can be written, and ON CONFLICT on it fails",
        ),
        't' => ("constraint trigger", "its trigger no longer fires"),
        _ => ("constraint", "what it enforced is no longer checked"),
    };
    Some((format!("{kind} {name}"), loss))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::catalog::{ConstraintInfo, ForeignKey};
    use crate::risk::rules::breaking::script::created_table;
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn drop_constraint(name: &str) -> crate::risk::statement::Statement {
        let action = AlterAction::DropConstraint {
            name: name.into(),
            cascade: false,
        };
        alter("orders", action, AccessExclusive)
    }

    fn shop() -> crate::risk::catalog::Catalog {
        let fk = ForeignKey {
            name: "orders_customer_fk".into(),
            referencing: 2,
            columns: vec!["customer_id".into()],
            referenced: 1,
            referenced_columns: vec!["id".into()],
            on_delete: 'c',
            on_update: 'a',
            index: 0,
            validated: true,
        };
        let mut customers = table(1, "customers", 10.0, &[]);
        customers.referenced_by.push(fk.clone());
        let mut orders = table(2, "orders", 10.0, &[]);
        orders.foreign_keys.push(fk);
        for (name, kind) in [("orders_customer_fk", 'f'), ("orders_number_key", 'u')] {
            orders.constraints.push(ConstraintInfo {
                name: name.into(),
                kind,
                validated: true,
                index: None,
            });
        }
        catalog(vec![customers, orders])
    }

    #[test]
    fn fires_on_a_foreign_key_naming_the_referenced_table_it_locks() {
        let found = run(&RULE, &drop_constraint("orders_customer_fk"), &shop()).unwrap();
        assert!(found.message.starts_with(
            "Dropping foreign key orders_customer_fk of public.orders: rows pointing"
        ));
        assert!(found
            .message
            .ends_with("It also locks public.customers (AccessExclusiveLock)."));
    }

    #[test]
    fn fires_on_a_unique_constraint() {
        let found = run(&RULE, &drop_constraint("orders_number_key"), &shop()).unwrap();
        assert!(found.message.starts_with(
            "Dropping unique constraint orders_number_key of public.orders: duplicates"
        ));
        assert!(!found.message.contains("also locks"));
    }

    #[test]
    fn silent_on_constraints_and_tables_created_earlier_in_the_script() {
        assert_eq!(
            run(&RULE, &drop_constraint("orders_added_check"), &shop()),
            None
        );
        let state = created_table("orders");
        let statement = drop_constraint("orders_number_key");
        assert_eq!(run_with(&RULE, &statement, &shop(), &state), None);
    }
}
