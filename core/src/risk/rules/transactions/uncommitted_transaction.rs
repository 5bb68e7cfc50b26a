//! The script ends inside a transaction block: a `BEGIN` that no `COMMIT`, `ROLLBACK` or
//! `PREPARE TRANSACTION` ends. Whatever runs the migration then decides its fate: the locks
//! taken are held for as long as the session stays open, and the work is lost (rolled back)
//! when the connection closes, which often looks like success to the tool that ran it.
//!
//! Reported on the script's last statement, the only one that knows the script ends there.

use super::super::statement_sql;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{Operation, TransactionKind};

pub const RULE: Rule = Rule {
    id: "uncommitted_transaction",
    severity: Severity::Error,
    summary: "the script ends inside a transaction block that nothing commits",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    if !context.last {
        return None;
    }
    let began = match &context.statement.operation {
        Operation::Transaction(
            TransactionKind::Commit | TransactionKind::Rollback | TransactionKind::Prepare,
        ) => return None,
        Operation::Transaction(TransactionKind::Begin) => context
            .state
            .transaction_began
            .unwrap_or(context.statement.number),
        _ => context.state.transaction_began?,
    };
    Some(
        RULE.finding(format!(
            "The script ends inside the transaction block opened by statement {began}: nothing commits it, so the locks it takes are held until the session ends and its work is rolled back when the connection closes. End the script with COMMIT."
        ))
        .with_alternative(format!(
            "{};\nCOMMIT;",
            statement_sql(&context.statement.text)
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{begin, commit, run_last};
    use super::*;
    use crate::risk::catalog::Catalog;
    use crate::risk::statement::{AlterAction, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn orders() -> Catalog {
        catalog(vec![table(1, "orders", 1e5, &[])])
    }

    fn drop_default() -> Statement {
        let action = AlterAction::DropDefault { column: "a".into() };
        let mut s = alter("orders", action, AccessExclusive);
        s.text = "ALTER TABLE orders ALTER COLUMN a DROP DEFAULT".into();
        s
    }

    #[test]
    fn fires_when_the_last_statement_leaves_the_block_open() {
        let catalog = orders();
        let state = state_after(&[begin()], &catalog);
        let found = run_last(&RULE, &drop_default(), &catalog, &state).unwrap();
        assert!(found
            .message
            .starts_with("The script ends inside the transaction block opened by statement 1"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some("ALTER TABLE orders ALTER COLUMN a DROP DEFAULT;\nCOMMIT;")
        );
    }

    #[test]
    fn fires_when_the_script_ends_with_begin() {
        let catalog = orders();
        let state = state_after(&[drop_default()], &catalog);
        let mut last = begin();
        last.number = 2;
        let found = run_last(&RULE, &last, &catalog, &state).unwrap();
        assert!(found.message.contains("opened by statement 2"));
    }

    #[test]
    fn silent_when_the_block_is_committed_or_before_the_last_statement() {
        let catalog = orders();
        let open = state_after(&[begin(), drop_default()], &catalog);
        assert_eq!(run_last(&RULE, &commit(), &catalog, &open), None);
        assert_eq!(run_with(&RULE, &drop_default(), &catalog, &open), None);
        let closed = state_after(&[begin(), drop_default(), commit()], &catalog);
        assert_eq!(run_last(&RULE, &drop_default(), &catalog, &closed), None);
        assert_eq!(
            run_last(&RULE, &drop_default(), &catalog, &Default::default()),
            None
        );
    }
}
