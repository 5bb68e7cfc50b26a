//! A statement that cannot run inside a transaction block (`CREATE INDEX CONCURRENTLY`,
//! `DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`, `DETACH PARTITION CONCURRENTLY`,
//! `VACUUM`, `CREATE DATABASE`, ...) written after a `BEGIN` that is still open: PostgreSQL
//! refuses it with SQLSTATE 25001 (active_sql_transaction), and the whole block is rolled back.
//!
//! Which statements cannot run in a block is the server's own answer, read with the statement
//! (`Statement::transactional`).

use super::super::statement_sql;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, AlterTable, Operation};

pub const RULE: Rule = Rule {
    id: "concurrent_in_transaction",
    severity: Severity::Error,
    summary: "a statement that cannot run inside a transaction block follows an open BEGIN",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let began = context.state.transaction_began?;
    if context.statement.transactional {
        return None;
    }
    let what = label(context);
    Some(
        RULE.finding(format!(
            "{what} cannot run inside a transaction block, and the block opened by statement {began} is still open: it fails with SQLSTATE 25001 and the whole block is rolled back. Run it after the COMMIT."
        ))
        .with_alternative(format!(
            "COMMIT;\n{};",
            statement_sql(&context.statement.text)
        )),
    )
}

/// What the statement is called in the message: its most telling action (`CREATE INDEX
/// CONCURRENTLY` rather than the command tag `CREATE INDEX`), else its tag.
fn label(context: &Context) -> String {
    let detaches_concurrently = |alter: &AlterTable| {
        alter.commands.iter().any(|c| {
            matches!(
                c.action,
                AlterAction::DetachPartition {
                    concurrently: true,
                    ..
                }
            )
        })
    };
    match &context.statement.operation {
        Operation::AlterTable(alter) if detaches_concurrently(alter) => {
            "DETACH PARTITION CONCURRENTLY".into()
        }
        _ => context
            .effects
            .action
            .clone()
            .or_else(|| Some(context.statement.tag.clone()))
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "This statement".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{begin, commit, create_index_concurrently};
    use super::*;
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;
    use crate::LockMode::ShareUpdateExclusive;

    fn vacuum() -> Statement {
        let mut s = statement(
            "VACUUM",
            Operation::Vacuum {
                full: false,
                analyze_only: false,
                tables: vec![name("orders")],
            },
        );
        s.transactional = false;
        s
    }

    #[test]
    fn fires_inside_an_open_block() {
        let catalog = catalog(vec![table(1, "orders", 1e5, &[])]);
        let state = state_after(&[begin()], &catalog);
        let found = run_with(&RULE, &create_index_concurrently(), &catalog, &state).unwrap();
        assert!(found.message.starts_with(
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and the block opened by statement 1 is still open"
        ));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some("COMMIT;\nCREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);")
        );
        let found = run_with(&RULE, &vacuum(), &catalog, &state).unwrap();
        assert!(found.message.starts_with("VACUUM cannot run"));
    }

    #[test]
    fn names_a_concurrent_detach_and_statements_the_analysis_only_knows_by_tag() {
        let catalog = catalog(vec![
            table(1, "events", 1e5, &[]),
            table(2, "events_2020", 1e4, &[]),
        ]);
        let state = state_after(&[begin()], &catalog);
        let action = AlterAction::DetachPartition {
            partition: name("events_2020"),
            concurrently: true,
        };
        let mut detach = alter("events", action, ShareUpdateExclusive);
        detach.transactional = false;
        let found = run_with(&RULE, &detach, &catalog, &state).unwrap();
        assert!(found
            .message
            .starts_with("DETACH PARTITION CONCURRENTLY cannot"));
        let mut create_database = statement("CREATE DATABASE", Operation::Other { creates: None });
        create_database.transactional = false;
        let found = run_with(&RULE, &create_database, &catalog, &state).unwrap();
        assert!(found.message.starts_with("CREATE DATABASE cannot"));
    }

    #[test]
    fn silent_outside_a_block_and_for_statements_that_can_run_in_one() {
        let catalog = catalog(vec![table(1, "orders", 1e5, &[])]);
        assert_eq!(run(&RULE, &create_index_concurrently(), &catalog), None);
        let committed = state_after(&[begin(), commit()], &catalog);
        assert_eq!(
            run_with(&RULE, &create_index_concurrently(), &catalog, &committed),
            None
        );
        let open = state_after(&[begin()], &catalog);
        let mut plain = create_index_concurrently();
        plain.transactional = true;
        assert_eq!(run_with(&RULE, &plain, &catalog, &open), None);
    }
}
