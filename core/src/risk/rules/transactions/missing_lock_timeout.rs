//! A lock that blocks other sessions, requested without `lock_timeout`: while it waits behind a
//! long query, every session that comes after it queues behind it.

use super::super::{article, statement_sql};
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
    let queued = match context.target_name() {
        name if name.is_empty() => "the relations it locks".to_string(),
        name => name,
    };
    Some(
        RULE.finding(format!(
            "The statement waits for {} {} without a lock_timeout: while it waits, every query on {queued} queues behind it.",
            article(strongest.name()),
            strongest.name(),
        ))
        .with_alternative(format!(
            "SET lock_timeout = '2s';\n{};",
            statement_sql(&context.statement.text)
        )),
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
    fn names_the_relation_that_queues_or_says_it_is_unknown() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[])]);
        let found = run(&RULE, &drop_default(AccessExclusive), &catalog).unwrap();
        assert!(found
            .message
            .starts_with("The statement waits for an AccessExclusiveLock without a lock_timeout: while it waits, every query on public.orders queues"));
        let unknown = statement("IMPORT FOREIGN SCHEMA", Operation::Unrecognized);
        let found = run(&RULE, &unknown, &catalog).unwrap();
        assert!(found
            .message
            .contains("every query on the relations it locks queues"));
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
