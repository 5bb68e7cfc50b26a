//! `ALTER TABLE ... VALIDATE CONSTRAINT` of a constraint added `NOT VALID` earlier in the same,
//! still open, transaction block. `NOT VALID` exists so that the strong lock of the `ADD` is
//! held only for a moment and the scan runs later under ShareUpdateExclusiveLock; in one block,
//! the `ADD`'s lock (AccessExclusiveLock for a check, ShareRowExclusiveLock for a foreign key)
//! is still held through the whole validation scan, exactly as if `NOT VALID` had been left out.

use super::super::statement_sql;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, Operation};

pub const RULE: Rule = Rule {
    id: "validate_in_same_transaction",
    severity: Severity::Warning,
    summary: "VALIDATE CONSTRAINT in the transaction block that added the constraint NOT VALID",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::AlterTable(alter) = &context.statement.operation else {
        return None;
    };
    if !context.state.in_transaction() || !context.on_existing_data() {
        return None;
    }
    let table = context.effects.target.as_ref()?;
    let constraint = alter.commands.iter().find_map(|c| match &c.action {
        AlterAction::ValidateConstraint { name }
            if context
                .state
                .not_valid_in_transaction
                .iter()
                .any(|(t, n)| t == table && n == name) =>
        {
            Some(name)
        }
        _ => None,
    })?;
    // The strongest lock the block holds on the table: the ADD's, or a stronger one since.
    let held = context
        .state
        .held
        .iter()
        .filter(|h| &h.relation == table)
        .max_by_key(|h| h.mode);
    let lock = match held {
        Some(h) => format!(
            "the {} taken on {table} by statement {} is still held",
            h.mode.name(),
            h.statement
        ),
        None => format!("the lock of the ADD on {table} is still held"),
    };
    let blocked = held.map_or("other sessions", |h| h.mode.blocks());
    Some(
        RULE.finding(format!(
            "Constraint {constraint} was added NOT VALID earlier in this transaction block, so {lock} while VALIDATE reads every row: {blocked} wait for the whole scan, as if NOT VALID had not been used. Commit between the two."
        ))
        .with_alternative(format!(
            "COMMIT;  -- ends the block that added the constraint, and releases its lock\n{};",
            statement_sql(&context.statement.text)
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{begin, commit};
    use super::*;
    use crate::risk::catalog::Catalog;
    use crate::risk::statement::{Constraint, ConstraintKind, Name, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::{AccessExclusive, ShareRowExclusive, ShareUpdateExclusive};

    fn shop() -> Catalog {
        catalog(vec![
            table(1, "orders", 1e5, &[("customer_id", "integer", INT4)]),
            table(2, "customers", 1e4, &[("id", "integer", INT4)]),
        ])
    }

    fn add_not_valid(kind: ConstraintKind, name: &str) -> Statement {
        let foreign_key = kind == ConstraintKind::ForeignKey;
        let constraint = Constraint {
            kind: Some(kind),
            name: Some(name.into()),
            not_valid: true,
            references: foreign_key.then(|| Name::new(None, "customers")),
            ..Default::default()
        };
        let lock = if foreign_key {
            ShareRowExclusive
        } else {
            AccessExclusive
        };
        alter("orders", AlterAction::AddConstraint(constraint), lock)
    }

    fn validate(name: &str) -> Statement {
        let action = AlterAction::ValidateConstraint { name: name.into() };
        let mut s = alter("orders", action, ShareUpdateExclusive);
        s.text = format!("ALTER TABLE orders VALIDATE CONSTRAINT {name};");
        s
    }

    #[test]
    fn fires_when_the_add_is_in_the_same_open_block() {
        let catalog = shop();
        let script = [begin(), add_not_valid(ConstraintKind::Check, "positive")];
        let state = state_after(&script, &catalog);
        let found = run_with(&RULE, &validate("positive"), &catalog, &state).unwrap();
        assert!(
            found.message.starts_with(
                "Constraint positive was added NOT VALID earlier in this transaction block, so the AccessExclusiveLock taken on public.orders by statement 2 is still held while VALIDATE reads every row: reads and writes wait"
            ),
            "{}",
            found.message
        );
        assert!(found
            .safe_alternative
            .unwrap()
            .ends_with("\nALTER TABLE orders VALIDATE CONSTRAINT positive;"));
    }

    #[test]
    fn names_the_share_row_exclusive_lock_of_a_foreign_key() {
        let catalog = shop();
        let script = [
            begin(),
            add_not_valid(ConstraintKind::ForeignKey, "orders_customer_fkey"),
        ];
        let state = state_after(&script, &catalog);
        let statement = validate("orders_customer_fkey");
        let found = run_with(&RULE, &statement, &catalog, &state).unwrap();
        assert!(found
            .message
            .contains("the ShareRowExclusiveLock taken on public.orders"));
        assert!(found.message.contains(": writes wait"));
    }

    #[test]
    fn silent_after_a_commit_outside_a_block_and_for_other_constraints() {
        let catalog = shop();
        let committed = state_after(
            &[
                begin(),
                add_not_valid(ConstraintKind::Check, "positive"),
                commit(),
            ],
            &catalog,
        );
        let statement = validate("positive");
        assert_eq!(run_with(&RULE, &statement, &catalog, &committed), None);
        let autocommit = state_after(
            &[add_not_valid(ConstraintKind::Check, "positive")],
            &catalog,
        );
        assert_eq!(run_with(&RULE, &statement, &catalog, &autocommit), None);
        let other = state_after(
            &[begin(), add_not_valid(ConstraintKind::Check, "other")],
            &catalog,
        );
        assert_eq!(run_with(&RULE, &statement, &catalog, &other), None);
    }
}
