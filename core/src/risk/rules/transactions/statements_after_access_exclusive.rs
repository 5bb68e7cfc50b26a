//! A statement that runs inside a transaction block after an earlier statement of the block
//! took an AccessExclusiveLock on an existing relation: that lock is held until the block
//! ends, so whatever this statement does, however harmless, lengthens the time during which
//! the relation can be neither read nor written.
//!
//! Transaction control (`COMMIT`, `ROLLBACK`, `SAVEPOINT`, ...) and `SET` are left alone: they
//! take no time worth counting, and the `COMMIT` is what releases the lock. So are statements
//! that cannot run in a block at all: they fail there, which `concurrent_in_transaction` reports.

use super::super::plural;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::state::HeldLock;
use crate::risk::statement::Operation;
use crate::LockMode;

pub const RULE: Rule = Rule {
    id: "statements_after_access_exclusive",
    severity: Severity::Warning,
    summary: "a statement runs in a transaction block while an earlier statement's AccessExclusiveLock is held",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    // A statement that cannot run in a block fails there (concurrent_in_transaction).
    if !context.state.in_transaction()
        || !context.statement.transactional
        || matches!(
            context.statement.operation,
            Operation::Transaction(_) | Operation::SetVariable { .. }
        )
    {
        return None;
    }
    // Per relation, the first statement that locked it (the list is in statement order).
    let mut held: Vec<&HeldLock> = Vec::new();
    for lock in &context.state.held {
        if lock.mode == LockMode::AccessExclusive
            && !held.iter().any(|h| h.relation == lock.relation)
        {
            held.push(lock);
        }
    }
    if held.is_empty() {
        return None;
    }
    let locked: Vec<String> = held
        .iter()
        .map(|h| format!("{} (taken by statement {})", h.relation, h.statement))
        .collect();
    Some(RULE.finding(format!(
        "This transaction block holds an AccessExclusiveLock on {} until it ends: everything this statement does keeps reads and writes of {} waiting longer. Run it before the statement that takes the lock, or in a transaction of its own.",
        locked.join(", "),
        plural(held.len(), "it", "them")
    )))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{begin, commit, create_table, set};
    use super::*;
    use crate::risk::catalog::Catalog;
    use crate::risk::statement::{AlterAction, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::{AccessExclusive, ShareUpdateExclusive};

    fn shop() -> Catalog {
        catalog(vec![
            table(1, "orders", 1e5, &[]),
            table(2, "customers", 1e4, &[]),
        ])
    }

    fn drop_default(table: &str) -> Statement {
        let action = AlterAction::DropDefault { column: "a".into() };
        alter(table, action, AccessExclusive)
    }

    fn set_statistics(table: &str) -> Statement {
        let action = AlterAction::Other {
            label: "SET STATISTICS".into(),
        };
        alter(table, action, ShareUpdateExclusive)
    }

    #[test]
    fn fires_after_an_access_exclusive_lock_in_the_block() {
        let catalog = shop();
        let state = state_after(&[begin(), drop_default("orders")], &catalog);
        let found = run_with(&RULE, &set_statistics("customers"), &catalog, &state).unwrap();
        assert!(
            found.message.starts_with(
                "This transaction block holds an AccessExclusiveLock on public.orders (taken by statement 2) until it ends: everything this statement does keeps reads and writes of it waiting"
            ),
            "{}",
            found.message
        );
    }

    #[test]
    fn names_each_relation_once_with_the_statement_that_locked_it_first() {
        let catalog = shop();
        let script = [
            begin(),
            drop_default("orders"),
            drop_default("customers"),
            drop_default("orders"),
        ];
        let state = state_after(&script, &catalog);
        let found = run_with(&RULE, &set_statistics("orders"), &catalog, &state).unwrap();
        assert!(found.message.contains(
            "on public.orders (taken by statement 2), public.customers (taken by statement 3) until it ends"
        ));
        assert!(found.message.contains("reads and writes of them"));
    }

    #[test]
    fn silent_outside_a_block_after_commit_and_for_commit_and_set() {
        let catalog = shop();
        let autocommit = state_after(&[drop_default("orders")], &catalog);
        assert_eq!(
            run_with(&RULE, &set_statistics("orders"), &catalog, &autocommit),
            None
        );
        let committed = state_after(&[begin(), drop_default("orders"), commit()], &catalog);
        assert_eq!(
            run_with(&RULE, &set_statistics("orders"), &catalog, &committed),
            None
        );
        let open = state_after(&[begin(), drop_default("orders")], &catalog);
        assert_eq!(run_with(&RULE, &commit(), &catalog, &open), None);
        let reset = set("lock_timeout", None);
        assert_eq!(run_with(&RULE, &reset, &catalog, &open), None);
        let mut vacuum = statement(
            "VACUUM",
            crate::risk::statement::Operation::Vacuum {
                full: false,
                analyze_only: false,
                tables: vec![name("customers")],
            },
        );
        vacuum.transactional = false;
        assert_eq!(run_with(&RULE, &vacuum, &catalog, &open), None);
    }

    #[test]
    fn silent_after_weaker_locks_and_on_tables_created_in_the_block() {
        let catalog = shop();
        let weak = state_after(&[begin(), set_statistics("orders")], &catalog);
        assert_eq!(
            run_with(&RULE, &drop_default("customers"), &catalog, &weak),
            None
        );
        let script = [begin(), create_table("orders"), drop_default("orders")];
        let new = state_after(&script, &catalog);
        assert_eq!(
            run_with(&RULE, &drop_default("customers"), &catalog, &new),
            None
        );
    }
}
