//! Transaction control that does not match the blocks the script opened: a `BEGIN` while a
//! block is already open (PostgreSQL ignores it with `WARNING: there is already a transaction
//! in progress`, so the `COMMIT` meant for it ends the outer block early), a `COMMIT`,
//! `ROLLBACK` or `PREPARE TRANSACTION` with no block open (`WARNING: there is no transaction in
//! progress`: the statements before it were never grouped, each committed on its own), and
//! `SAVEPOINT`, `RELEASE` or `ROLLBACK TO` outside a block (an ERROR). Either way the script
//! does not do what its layout says.

use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{Operation, TransactionKind};

pub const RULE: Rule = Rule {
    id: "transaction_nesting",
    severity: Severity::Warning,
    summary:
        "BEGIN inside an open transaction block, or COMMIT, ROLLBACK or a savepoint outside one",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Transaction(kind) = context.statement.operation else {
        return None;
    };
    let state = context.state;
    let message = match (kind, state.transaction_began) {
        (TransactionKind::Begin, Some(began)) => format!(
            "BEGIN inside the transaction block opened by statement {began}: PostgreSQL ignores it with a warning, and the COMMIT meant for it ends the outer block, earlier than the script's layout says. Transaction blocks do not nest: use SAVEPOINT for a part that may be rolled back alone."
        ),
        (TransactionKind::Commit | TransactionKind::Prepare, None) => format!(
            "{} with no transaction block open: PostgreSQL only warns that there is no transaction in progress. The statements before it were not grouped in a block, each was committed on its own.",
            command(kind)
        ),
        (TransactionKind::Rollback, None) => "ROLLBACK with no transaction block open: PostgreSQL only warns that there is no transaction in progress, and nothing is rolled back: the statements before it were each committed on their own.".to_string(),
        (TransactionKind::Savepoint | TransactionKind::Release | TransactionKind::RollbackTo, None) => format!(
            "{} outside a transaction block fails: savepoints exist only inside a block opened with BEGIN.",
            command(kind)
        ),
        _ => return None,
    };
    Some(RULE.finding(message))
}

fn command(kind: TransactionKind) -> &'static str {
    match kind {
        TransactionKind::Begin => "BEGIN",
        TransactionKind::Commit => "COMMIT",
        TransactionKind::Rollback => "ROLLBACK",
        TransactionKind::Savepoint => "SAVEPOINT",
        TransactionKind::Release => "RELEASE SAVEPOINT",
        TransactionKind::RollbackTo => "ROLLBACK TO SAVEPOINT",
        TransactionKind::Prepare => "PREPARE TRANSACTION",
        TransactionKind::CommitPrepared => "COMMIT PREPARED",
        TransactionKind::RollbackPrepared => "ROLLBACK PREPARED",
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{begin, commit, transaction};
    use super::*;
    use crate::risk::testing::*;

    #[test]
    fn fires_for_a_begin_inside_an_open_block() {
        let catalog = catalog(vec![]);
        let state = state_after(&[begin()], &catalog);
        let found = run_with(&RULE, &begin(), &catalog, &state).unwrap();
        assert!(found
            .message
            .starts_with("BEGIN inside the transaction block opened by statement 1"));
    }

    #[test]
    fn fires_for_commit_rollback_and_savepoints_outside_a_block() {
        let catalog = catalog(vec![]);
        let found = run(&RULE, &commit(), &catalog).unwrap();
        assert!(found
            .message
            .starts_with("COMMIT with no transaction block open"));
        let rollback = transaction(TransactionKind::Rollback);
        let found = run(&RULE, &rollback, &catalog).unwrap();
        assert!(found.message.contains("nothing is rolled back"));
        let savepoint = transaction(TransactionKind::Savepoint);
        let found = run(&RULE, &savepoint, &catalog).unwrap();
        assert!(found
            .message
            .starts_with("SAVEPOINT outside a transaction block fails"));
    }

    #[test]
    fn the_commit_after_an_ignored_begin_ends_the_outer_block() {
        // BEGIN; BEGIN; COMMIT; COMMIT: the second COMMIT finds no block open.
        let catalog = catalog(vec![]);
        let state = state_after(&[begin(), begin(), commit()], &catalog);
        assert!(run_with(&RULE, &commit(), &catalog, &state).is_some());
    }

    #[test]
    fn silent_for_well_formed_blocks() {
        let catalog = catalog(vec![]);
        assert_eq!(run(&RULE, &begin(), &catalog), None);
        let open = state_after(&[begin()], &catalog);
        for kind in [
            TransactionKind::Commit,
            TransactionKind::Rollback,
            TransactionKind::Savepoint,
            TransactionKind::Release,
            TransactionKind::RollbackTo,
            TransactionKind::Prepare,
        ] {
            assert_eq!(run_with(&RULE, &transaction(kind), &catalog, &open), None);
        }
        let closed = state_after(&[begin(), commit()], &catalog);
        assert_eq!(run_with(&RULE, &begin(), &catalog, &closed), None);
        let prepared = transaction(TransactionKind::CommitPrepared);
        assert_eq!(run(&RULE, &prepared, &catalog), None);
    }
}
