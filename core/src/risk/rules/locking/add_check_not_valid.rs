//! A `CHECK` constraint added to an existing table without `NOT VALID`: PostgreSQL reads every
//! row to validate it while holding the `ALTER TABLE`'s AccessExclusiveLock, so reads and
//! writes wait for the whole scan. Added `NOT VALID`, the check applies to new rows at once, and
//! `VALIDATE CONSTRAINT` checks the old ones later under ShareUpdateExclusiveLock.
//!
//! The alternative is offered when the statement does nothing else: its text with `NOT VALID`
//! appended, then `VALIDATE CONSTRAINT`. An unnamed check is validated under the name
//! PostgreSQL would choose (`<table>_<column>_check` for a check on one column, else
//! `<table>_check`), and the message asks to name it.

use super::{
    added_constraints, alter_existing, default_name, quote_ident, statement_sql, table_name,
    target_sql, waits,
};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::ConstraintKind;

pub const RULE: Rule = Rule {
    id: "add_check_not_valid",
    severity: Severity::Error,
    summary:
        "a CHECK constraint added without NOT VALID scans the table while reads and writes wait",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let alter = alter_existing(context)?;
    let checks = added_constraints(alter, ConstraintKind::Check);
    let added = checks.iter().find(|c| !c.constraint.not_valid)?;
    let mut message = format!(
        "Adding the CHECK constraint reads every row of {} under {} to validate it: {} until it is done.",
        context.target_name(),
        added.lock.name(),
        waits(added.lock)
    );
    if added.column.is_some() || alter.commands.len() != 1 {
        message
            .push_str(" Add it in an ALTER TABLE of its own, NOT VALID, then VALIDATE CONSTRAINT.");
        return Some(RULE.finding(message));
    }
    let name = match &added.constraint.name {
        Some(name) => name.clone(),
        None => {
            message.push_str(" Name the constraint, so that it can be validated by name.");
            let columns = match added.columns.as_slice() {
                [_] => added.columns.as_slice(),
                _ => &[],
            };
            default_name(&table_name(context), columns, "check")
        }
    };
    let safe = format!(
        "{} NOT VALID;\nALTER TABLE {} VALIDATE CONSTRAINT {};",
        statement_sql(&context.statement.text),
        target_sql(context),
        quote_ident(&name)
    );
    Some(RULE.finding(message).with_alternative(safe))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::statement::{AlterAction, Constraint, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn add_check(name: Option<&str>, not_valid: bool, text: &str) -> Statement {
        add_check_on(name, not_valid, text, &[])
    }

    /// A check whose expression uses `columns`.
    fn add_check_on(
        name: Option<&str>,
        not_valid: bool,
        text: &str,
        columns: &[&str],
    ) -> Statement {
        let constraint = Constraint {
            kind: Some(ConstraintKind::Check),
            name: name.map(str::to_string),
            not_valid,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        };
        let mut s = alter(
            "orders",
            AlterAction::AddConstraint(constraint),
            AccessExclusive,
        );
        s.text = text.into();
        s
    }

    fn orders() -> crate::risk::catalog::Catalog {
        catalog(vec![table(1, "orders", 1e6, &[("total", "numeric", 1700)])])
    }

    #[test]
    fn fires_with_not_valid_then_validate() {
        let text = "ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0);";
        let found = run(
            &RULE,
            &add_check(Some("total_positive"), false, text),
            &orders(),
        )
        .unwrap();
        assert!(found
            .message
            .contains("public.orders under AccessExclusiveLock"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some(
                "ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0) NOT VALID;\n\
                 ALTER TABLE public.orders VALIDATE CONSTRAINT total_positive;"
            )
        );
    }

    #[test]
    fn an_unnamed_check_is_validated_by_its_default_name() {
        // PostgreSQL names it after the table, and the column when the check uses just one.
        let one = "ALTER TABLE orders ADD CHECK (total > 0)";
        let found = run(
            &RULE,
            &add_check_on(None, false, one, &["total"]),
            &orders(),
        )
        .unwrap();
        assert!(found.message.contains("Name the constraint"));
        assert!(found
            .safe_alternative
            .unwrap()
            .ends_with("VALIDATE CONSTRAINT orders_total_check;"));
        let two = "ALTER TABLE orders ADD CHECK (total > discount)";
        let statement = add_check_on(None, false, two, &["total", "discount"]);
        let found = run(&RULE, &statement, &orders()).unwrap();
        assert!(found
            .safe_alternative
            .unwrap()
            .ends_with("VALIDATE CONSTRAINT orders_check;"));
    }

    #[test]
    fn silent_when_not_valid_or_on_a_table_created_by_the_script() {
        let catalog = orders();
        let text = "ALTER TABLE orders ADD CHECK (total > 0)";
        assert_eq!(run(&RULE, &add_check(None, true, text), &catalog), None);
        let state = created(&["orders"], &catalog);
        let statement = add_check(None, false, text);
        assert_eq!(run_with(&RULE, &statement, &catalog, &state), None);
    }
}
