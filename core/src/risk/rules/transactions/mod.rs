//! Rules about the script as a whole: timeouts, transaction blocks, what cannot be seen.
//!
//! They read the script state before the statement (`context.state`): the open `BEGIN`, the
//! timeouts set, the locks the open block holds, the constraints it added `NOT VALID`, the
//! tables already altered.

mod concurrent_in_transaction;
mod dynamic_sql;
mod missing_lock_timeout;
mod missing_statement_timeout;
mod multiple_alter_table;
mod statements_after_access_exclusive;
mod transaction_nesting;
mod uncommitted_transaction;
mod unrecognized_statement;
mod validate_in_same_transaction;

use crate::risk::rule::Rule;

pub const RULES: &[&Rule] = &[
    &missing_lock_timeout::RULE,
    &missing_statement_timeout::RULE,
    &concurrent_in_transaction::RULE,
    &validate_in_same_transaction::RULE,
    &statements_after_access_exclusive::RULE,
    &uncommitted_transaction::RULE,
    &transaction_nesting::RULE,
    &multiple_alter_table::RULE,
    &dynamic_sql::RULE,
    &unrecognized_statement::RULE,
];

/// Test helpers: transaction control, settings, and a run of a rule on the script's last
/// statement.
#[cfg(test)]
mod test_support {
    use crate::risk::catalog::Catalog;
    use crate::risk::finding::Finding;
    use crate::risk::rule::Rule;
    use crate::risk::state::ScriptState;
    use crate::risk::statement::{CreateIndex, CreateTable, Operation, Statement, TransactionKind};
    use crate::risk::testing::{name, run_at, state_after, statement};

    pub fn transaction(kind: TransactionKind) -> Statement {
        let tag = match kind {
            TransactionKind::Begin => "BEGIN",
            TransactionKind::Commit => "COMMIT",
            TransactionKind::Rollback => "ROLLBACK",
            TransactionKind::Savepoint => "SAVEPOINT",
            TransactionKind::Release => "RELEASE",
            TransactionKind::RollbackTo => "ROLLBACK",
            TransactionKind::Prepare => "PREPARE TRANSACTION",
            TransactionKind::CommitPrepared => "COMMIT PREPARED",
            TransactionKind::RollbackPrepared => "ROLLBACK PREPARED",
        };
        statement(tag, Operation::Transaction(kind))
    }

    pub fn begin() -> Statement {
        transaction(TransactionKind::Begin)
    }

    pub fn commit() -> Statement {
        transaction(TransactionKind::Commit)
    }

    /// `SET name = value`, or `RESET name` for `None`.
    pub fn set(name: &str, value: Option<&str>) -> Statement {
        statement(
            "SET",
            Operation::SetVariable {
                name: name.into(),
                value: value.map(str::to_string),
                local: false,
            },
        )
    }

    /// The state after a script that created `tables`.
    pub fn created(tables: &[&str], catalog: &Catalog) -> ScriptState {
        let creates: Vec<Statement> = tables.iter().map(|t| create_table(t)).collect();
        state_after(&creates, catalog)
    }

    /// `CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total)`.
    pub fn create_index_concurrently() -> Statement {
        let mut s = statement(
            "CREATE INDEX",
            Operation::CreateIndex(CreateIndex {
                relation: name("orders"),
                name: Some("orders_total_idx".into()),
                concurrently: true,
                columns: vec!["total".into()],
                ..Default::default()
            }),
        );
        s.text = "CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total)".into();
        s.transactional = false;
        s
    }

    pub fn create_table(table: &str) -> Statement {
        statement(
            "CREATE TABLE",
            Operation::CreateTable(CreateTable {
                relation: name(table),
                ..Default::default()
            }),
        )
    }

    /// Runs `rule` on `statement` as the script's last statement, after a script that led to
    /// `state`.
    pub fn run_last(
        rule: &Rule,
        statement: &Statement,
        catalog: &Catalog,
        state: &ScriptState,
    ) -> Option<Finding> {
        run_at(rule, statement, catalog, state, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::catalog::Catalog;
    use crate::risk::options::Options;
    use crate::risk::statement::{AlterAction, Statement};
    use crate::risk::testing::*;
    use crate::risk::{assess, Assessment};
    use crate::LockMode::AccessExclusive;
    use test_support::{begin, commit, create_index_concurrently};

    #[test]
    fn every_rule_has_its_page() {
        super::super::assert_pages(RULES, "transactions");
    }

    fn numbered(mut statements: Vec<Statement>) -> Vec<Statement> {
        for (i, s) in statements.iter_mut().enumerate() {
            s.number = i + 1;
        }
        statements
    }

    /// The rules of this group each statement raises, through the whole engine.
    fn raised(assessments: &[Assessment]) -> Vec<Vec<&'static str>> {
        assessments
            .iter()
            .map(|a| {
                a.findings
                    .iter()
                    .map(|f| f.rule)
                    .filter(|id| RULES.iter().any(|r| r.id == *id))
                    .collect()
            })
            .collect()
    }

    fn orders() -> Catalog {
        catalog(vec![table(1, "orders", 1e5, &[("total", "integer", INT4)])])
    }

    #[test]
    fn a_script_left_open_with_a_concurrent_build_inside() {
        let drop_default = alter(
            "orders",
            AlterAction::DropDefault {
                column: "total".into(),
            },
            AccessExclusive,
        );
        let script = numbered(vec![begin(), drop_default, create_index_concurrently()]);
        let assessments = assess(&script, &orders(), &SameTypeOnly, &Options::default());
        assert_eq!(
            raised(&assessments),
            [
                vec![],
                vec!["missing_lock_timeout"],
                vec!["concurrent_in_transaction", "uncommitted_transaction"],
            ]
        );
    }

    #[test]
    fn a_well_formed_script_raises_nothing_of_this_group() {
        let script = numbered(vec![
            test_support::set("lock_timeout", Some("'2s'")),
            begin(),
            alter(
                "orders",
                AlterAction::DropDefault {
                    column: "total".into(),
                },
                AccessExclusive,
            ),
            commit(),
        ]);
        let assessments = assess(&script, &orders(), &SameTypeOnly, &Options::default());
        assert!(raised(&assessments).iter().all(Vec::is_empty));
    }
}
