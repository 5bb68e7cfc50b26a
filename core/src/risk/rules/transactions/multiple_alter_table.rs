//! An `ALTER TABLE` of an existing table that an earlier `ALTER TABLE` of the script already
//! altered. Each statement queues for the table's lock again (behind every long query, and with
//! every later query queued behind it), and each rewrite copies the whole table again; one
//! `ALTER TABLE` with comma-separated subcommands takes the lock once and rewrites at most once.
//!
//! Steps that are separate on purpose are left alone: `VALIDATE CONSTRAINT` (the point of
//! `NOT VALID` is to validate later), and the `SET NOT NULL` and `DROP CONSTRAINT` that follow a
//! validated `CHECK (column IS NOT NULL)`.

use super::super::plural;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, ObjectKind, Operation};

pub const RULE: Rule = Rule {
    id: "multiple_alter_table",
    severity: Severity::Info,
    summary: "an existing table is altered again by another ALTER TABLE of the same script",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::AlterTable(alter) = &context.statement.operation else {
        return None;
    };
    if alter.object != ObjectKind::Table || !context.on_existing_data() {
        return None;
    }
    let table = context.effects.target.as_ref()?;
    let earlier = context.state.alters.get(table).filter(|e| !e.is_empty())?;
    // The steps of the safe patterns: separate statements on purpose.
    let not_null_check = |column: Option<&str>, constraint: Option<&str>| {
        context.state.not_null_checks.iter().any(|(t, n, c)| {
            t == table && column.is_none_or(|col| col == c) && constraint.is_none_or(|k| k == n)
        }) || column.is_some_and(|col| {
            context
                .target()
                .is_some_and(|r| r.not_null_checks.iter().any(|c| c == col))
        })
    };
    let on_purpose = alter.commands.iter().all(|c| match &c.action {
        AlterAction::ValidateConstraint { .. } => true,
        AlterAction::SetNotNull { column } => not_null_check(Some(column), None),
        AlterAction::DropConstraint { name, .. } => not_null_check(None, Some(name)),
        _ => false,
    });
    if on_purpose {
        return None;
    }
    // The latest few: a long script altering one table many times would otherwise repeat its
    // whole history in every finding.
    const SHOWN: usize = 3;
    let latest: Vec<String> = earlier[earlier.len().saturating_sub(SHOWN)..]
        .iter()
        .map(usize::to_string)
        .collect();
    let numbers = match earlier.len() - latest.len() {
        0 => latest.join(", "),
        more => format!("{} and {more} before", latest.join(", ")),
    };
    Some(RULE.finding(format!(
        "{table} was already altered by {} {}: each ALTER TABLE takes the table's lock again, and rewrites it again if it rewrites. Subcommands can be combined in one ALTER TABLE, separated by commas.",
        plural(earlier.len(), "statement", "statements"),
        numbers
    )))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::create_table;
    use super::*;
    use crate::risk::catalog::Catalog;
    use crate::risk::statement::{Constraint, ConstraintKind, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::{AccessExclusive, ShareUpdateExclusive};

    fn orders() -> Catalog {
        catalog(vec![
            table(1, "orders", 1e5, &[("placed_at", "timestamptz", 1184)]),
            table(2, "customers", 1e4, &[]),
        ])
    }

    fn drop_default(table: &str) -> Statement {
        let action = AlterAction::DropDefault {
            column: "placed_at".into(),
        };
        alter(table, action, AccessExclusive)
    }

    #[test]
    fn fires_and_names_the_earlier_statements() {
        let catalog = orders();
        let script = [
            drop_default("orders"),
            drop_default("customers"),
            drop_default("orders"),
        ];
        let state = state_after(&script, &catalog);
        let found = run_with(&RULE, &drop_default("orders"), &catalog, &state).unwrap();
        assert!(
            found
                .message
                .starts_with("public.orders was already altered by statements 1, 3:"),
            "{}",
            found.message
        );
        let once = state_after(&script[..1], &catalog);
        let found = run_with(&RULE, &drop_default("orders"), &catalog, &once).unwrap();
        assert!(found.message.contains("by statement 1:"));
    }

    #[test]
    fn names_only_the_latest_earlier_statements() {
        let catalog = orders();
        let script: Vec<Statement> = (0..6).map(|_| drop_default("orders")).collect();
        let state = state_after(&script, &catalog);
        let found = run_with(&RULE, &drop_default("orders"), &catalog, &state).unwrap();
        assert!(
            found
                .message
                .contains("by statements 4, 5, 6 and 3 before:"),
            "{}",
            found.message
        );
    }

    #[test]
    fn silent_for_the_first_alter_and_on_tables_created_by_the_script() {
        let catalog = orders();
        assert_eq!(run(&RULE, &drop_default("orders"), &catalog), None);
        let other = state_after(&[drop_default("customers")], &catalog);
        assert_eq!(
            run_with(&RULE, &drop_default("orders"), &catalog, &other),
            None
        );
        let script = [create_table("orders"), drop_default("orders")];
        let state = state_after(&script, &catalog);
        assert_eq!(
            run_with(&RULE, &drop_default("orders"), &catalog, &state),
            None
        );
    }

    #[test]
    fn silent_for_the_steps_of_a_safe_set_not_null() {
        let catalog = orders();
        let check = Constraint {
            kind: Some(ConstraintKind::Check),
            name: Some("orders_placed_at_not_null".into()),
            not_valid: true,
            columns: vec!["placed_at".into()],
            proves_not_null: Some("placed_at".into()),
            ..Default::default()
        };
        let add = alter("orders", AlterAction::AddConstraint(check), AccessExclusive);
        let validate = alter(
            "orders",
            AlterAction::ValidateConstraint {
                name: "orders_placed_at_not_null".into(),
            },
            ShareUpdateExclusive,
        );
        let set_not_null = alter(
            "orders",
            AlterAction::SetNotNull {
                column: "placed_at".into(),
            },
            AccessExclusive,
        );
        let drop_check = alter(
            "orders",
            AlterAction::DropConstraint {
                name: "orders_placed_at_not_null".into(),
                cascade: false,
            },
            AccessExclusive,
        );
        let state = state_after(std::slice::from_ref(&add), &catalog);
        assert_eq!(run_with(&RULE, &validate, &catalog, &state), None);
        let state = state_after(&[add.clone(), validate.clone()], &catalog);
        assert_eq!(run_with(&RULE, &set_not_null, &catalog, &state), None);
        let state = state_after(&[add, validate, set_not_null], &catalog);
        assert_eq!(run_with(&RULE, &drop_check, &catalog, &state), None);
        // Anything else on the table is worth combining.
        assert!(run_with(&RULE, &drop_default("orders"), &catalog, &state).is_some());
    }
}
