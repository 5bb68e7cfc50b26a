//! An explicit `LOCK TABLE` of existing tables in a mode that blocks writes (SHARE and
//! stronger): the lock is held until the transaction ends, so writes, or reads too in ACCESS
//! EXCLUSIVE mode, wait for everything the transaction does after it.

use super::{existing_relations, relation_list, waits};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::Operation;
use crate::LockMode;

pub const RULE: Rule = Rule {
    id: "lock_table",
    severity: Severity::Warning,
    summary: "LOCK TABLE in a mode that blocks writes holds it until the transaction ends",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::LockTable { tables, mode, .. } = &context.statement.operation else {
        return None;
    };
    if *mode < LockMode::Share {
        return None;
    }
    let existing = existing_relations(context, tables);
    if existing.is_empty() {
        return None;
    }
    Some(RULE.finding(format!(
        "LOCK TABLE takes a {} on {} until the transaction ends: {} for everything the transaction does until then.",
        mode.name(),
        relation_list(&existing),
        waits(*mode)
    )))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;

    fn lock(mode: LockMode) -> Statement {
        statement(
            "LOCK TABLE",
            Operation::LockTable {
                tables: vec![name("orders")],
                mode,
                only: false,
            },
        )
    }

    #[test]
    fn fires_for_a_mode_that_blocks_writes() {
        let catalog = catalog(vec![table(1, "orders", 1e6, &[])]);
        let found = run(&RULE, &lock(LockMode::Share), &catalog).unwrap();
        assert!(found
            .message
            .starts_with("LOCK TABLE takes a ShareLock on public.orders"));
        assert!(run(&RULE, &lock(LockMode::AccessExclusive), &catalog).is_some());
    }

    #[test]
    fn silent_for_weak_modes_or_tables_created_by_the_script() {
        let catalog = catalog(vec![table(1, "orders", 1e6, &[])]);
        assert_eq!(run(&RULE, &lock(LockMode::RowExclusive), &catalog), None);
        let state = created(&["orders"], &catalog);
        assert_eq!(
            run_with(&RULE, &lock(LockMode::AccessExclusive), &catalog, &state),
            None
        );
    }
}
