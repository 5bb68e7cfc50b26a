//! `ALTER COLUMN ... SET NOT NULL` on an existing table reads every row to look for NULLs while
//! it holds AccessExclusiveLock, unless the column is already NOT NULL or a validated
//! `CHECK (column IS NOT NULL)` proves it (PostgreSQL 12 and later then skip the scan). The
//! check can be added `NOT VALID` and validated under ShareUpdateExclusiveLock first.

use super::{alter_existing, not_null_proven, others_first, safe_set_not_null, target_sql, waits};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::AlterAction;

pub const RULE: Rule = Rule {
    id: "set_not_null_without_check",
    severity: Severity::Error,
    summary: "SET NOT NULL without a validated CHECK (column IS NOT NULL) scans the table while reads and writes wait",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let alter = alter_existing(context)?;
    let table = context.target()?;
    let unproven: Vec<(&str, crate::LockMode)> = alter
        .commands
        .iter()
        .filter_map(|c| match &c.action {
            AlterAction::SetNotNull { column } if !not_null_proven(context, table, column) => {
                Some((column.as_str(), c.lock))
            }
            _ => None,
        })
        .collect();
    let &(_, lock) = unproven.first()?;
    let columns: Vec<&str> = unproven.iter().map(|(c, _)| *c).collect();
    let target = target_sql(context);
    let safe: Vec<String> = columns
        .iter()
        .map(|c| safe_set_not_null(&target, &table.name, c))
        .collect();
    let first = others_first(
        alter,
        |action| matches!(action, AlterAction::SetNotNull { column } if columns.contains(&column.as_str())),
    );
    Some(
        RULE.finding(format!(
            "SET NOT NULL reads every row of {} under {} to look for NULLs in {}: {} until it is done.",
            context.target_name(),
            lock.name(),
            columns.join(", "),
            waits(lock)
        ))
        .with_alternative(format!("{first}{}", safe.join("\n"))),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::catalog::Catalog;
    use crate::risk::statement::{AlterCommand, Constraint, ConstraintKind, Operation, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn set_not_null(column: &str) -> Statement {
        let action = AlterAction::SetNotNull {
            column: column.into(),
        };
        alter("orders", action, AccessExclusive)
    }

    fn orders() -> Catalog {
        catalog(vec![table(
            1,
            "orders",
            1e6,
            &[("placed_at", "date", 1082), ("id", "integer", INT4)],
        )])
    }

    #[test]
    fn fires_with_the_four_step_sequence() {
        let found = run(&RULE, &set_not_null("placed_at"), &orders()).unwrap();
        assert!(found
            .message
            .contains("public.orders under AccessExclusiveLock"));
        let safe = found.safe_alternative.unwrap();
        assert_eq!(safe.lines().count(), 4);
        assert!(safe.starts_with("ALTER TABLE public.orders ADD CONSTRAINT orders_placed_at_not_null CHECK (placed_at IS NOT NULL) NOT VALID;"));
    }

    #[test]
    fn other_subcommands_are_kept_before_the_sequence() {
        let mut statement = set_not_null("placed_at");
        if let Operation::AlterTable(alter) = &mut statement.operation {
            alter.commands.push(AlterCommand {
                action: AlterAction::SetDefault {
                    column: "placed_at".into(),
                },
                lock: AccessExclusive,
            });
        }
        let found = run(&RULE, &statement, &orders()).unwrap();
        let safe = found.safe_alternative.unwrap();
        assert!(
            safe.starts_with("-- first the statement's other subcommands"),
            "{safe}"
        );
        assert_eq!(safe.lines().count(), 5);
    }

    #[test]
    fn silent_when_already_not_null_or_proven_by_a_check() {
        let mut catalog = orders();
        let orders = catalog.relations.get_mut(&1).unwrap();
        orders.columns[1].not_null = true;
        orders.not_null_checks.push("placed_at".into());
        assert_eq!(run(&RULE, &set_not_null("id"), &catalog), None);
        assert_eq!(run(&RULE, &set_not_null("placed_at"), &catalog), None);
    }

    #[test]
    fn silent_after_a_check_added_earlier_in_the_script() {
        let catalog = orders();
        let check = Constraint {
            kind: Some(ConstraintKind::Check),
            name: Some("orders_placed_at_not_null".into()),
            proves_not_null: Some("placed_at".into()),
            ..Default::default()
        };
        let add = alter("orders", AlterAction::AddConstraint(check), AccessExclusive);
        let state = state_after(&[add], &catalog);
        assert_eq!(
            run_with(&RULE, &set_not_null("placed_at"), &catalog, &state),
            None
        );
    }

    #[test]
    fn silent_on_a_table_created_by_the_script() {
        let catalog = orders();
        let state = created(&["orders"], &catalog);
        assert_eq!(
            run_with(&RULE, &set_not_null("placed_at"), &catalog, &state),
            None
        );
    }
}
