//! A lock that blocks other sessions, requested without `lock_timeout`: while it waits behind a
//! long query, every session that comes after it queues behind it.

use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::LockMode;

pub const RULE: Rule = Rule {
    id: "missing_lock_timeout",
    severity: Severity::Warning,
    summary: "a lock that blocks writes or reads is requested without lock_timeout set earlier",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    if context.state.lock_timeout.is_some() {
        return None;
    }
    let strongest = context.effects.strongest()?;
    if strongest < LockMode::Share {
        return None;
    }
    Some(
        RULE.finding(format!(
            "The statement waits for a {} without a lock_timeout: while it waits, every query on {} queues behind it.",
            strongest.name(),
            context.target_name()
        ))
        .with_alternative(format!("SET lock_timeout = '2s';\n{};", context.statement.text)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::statement::{AlterAction, Operation};
    use crate::risk::testing::*;
    use crate::LockMode::{AccessExclusive, ShareUpdateExclusive};

    fn drop_default(lock: LockMode) -> crate::risk::statement::Statement {
        alter(
            "orders",
            AlterAction::DropDefault { column: "a".into() },
            lock,
        )
    }

    fn set(name: &str, value: Option<&str>) -> crate::risk::statement::Statement {
        statement(
            "SET",
            Operation::SetVariable {
                name: name.into(),
                value: value.map(str::to_string),
                local: false,
            },
        )
    }

    #[test]
    fn fires_for_a_blocking_lock_without_timeout() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[])]);
        assert!(run(&RULE, &drop_default(AccessExclusive), &catalog).is_some());
    }

    #[test]
    fn silent_after_set_lock_timeout_and_for_weak_locks() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[])]);
        let state = state_after(&[set("lock_timeout", Some("'2s'"))], &catalog);
        assert_eq!(
            run_with(&RULE, &drop_default(AccessExclusive), &catalog, &state),
            None
        );
        assert_eq!(
            run(&RULE, &drop_default(ShareUpdateExclusive), &catalog),
            None
        );
    }

    #[test]
    fn fires_again_after_lock_timeout_is_reset_to_zero() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[])]);
        let state = state_after(
            &[
                set("lock_timeout", Some("'2s'")),
                set("lock_timeout", Some("0")),
            ],
            &catalog,
        );
        assert!(run_with(&RULE, &drop_default(AccessExclusive), &catalog, &state).is_some());
    }
}
