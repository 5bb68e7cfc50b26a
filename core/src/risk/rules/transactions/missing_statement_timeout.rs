//! A statement that reads or rewrites the rows of an existing relation while holding a lock
//! that blocks writes, with no `statement_timeout` set earlier in the script: if the work takes
//! longer than planned (a bigger table than in staging, a slow disk, a wait for its lock),
//! nothing stops it, and other sessions wait for as long as it runs.
//!
//! It looks at `effects.scans`: every rewrite that copies rows scans them too, whereas new
//! storage that copies nothing (`TRUNCATE`, a sequence's one page) is over at once. The value
//! suggested is three times the time the work is estimated to take at the default throughputs
//! (the call's own throughputs are not in the context), rounded up to whole minutes.

use super::super::{article, statement_sql};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::options::Throughput;
use crate::risk::rule::Rule;
use crate::LockMode;

pub const RULE: Rule = Rule {
    id: "missing_statement_timeout",
    severity: Severity::Warning,
    summary: "rows are read or rewritten under a lock that blocks writes, with no statement_timeout set earlier",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    if context.state.statement_timeout.is_some() || !context.effects.scans {
        return None;
    }
    // Locks are listed for existing relations only: the rows read are other sessions' rows.
    let locks = &context.effects.locks;
    let mode = locks.iter().map(|l| l.mode).max()?;
    if mode < LockMode::Share {
        return None;
    }
    // The target when it holds the strongest lock (rather than one of its partitions).
    let lock = locks
        .iter()
        .filter(|l| l.mode == mode)
        .min_by_key(|l| Some(l.oid) != context.effects.target_oid)?;
    let work = if context.effects.rewrites {
        "rewrites"
    } else {
        "reads"
    };
    let message = format!(
        "The statement {work} existing rows while holding {} {} on {}, and no statement_timeout is set: if it runs longer than planned, {} wait until it ends, with nothing to stop it.",
        article(lock.mode.name()),
        lock.mode.name(),
        lock.relation,
        lock.mode.blocks()
    );
    let safe = format!(
        "SET statement_timeout = '{}';\n{};",
        suggested_timeout(context),
        statement_sql(&context.statement.text)
    );
    Some(RULE.finding(message).with_alternative(safe))
}

/// Three times the estimated duration, in whole minutes, one at least.
fn suggested_timeout(context: &Context) -> String {
    let ms = Throughput::DEFAULT
        .duration_ms(context.statement, context.effects)
        .unwrap_or(0.0);
    let minutes = (ms * 3.0 / 60_000.0).ceil().max(1.0);
    format!("{minutes}min")
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{created, set};
    use super::*;
    use crate::risk::catalog::Catalog;
    use crate::risk::statement::{
        AlterAction, CreateIndex, Operation, Statement, TypeRef, Volatility,
    };
    use crate::risk::testing::*;
    use crate::LockMode::{AccessExclusive, ShareUpdateExclusive};

    fn create_index(concurrently: bool) -> Statement {
        let mut s = statement(
            "CREATE INDEX",
            Operation::CreateIndex(CreateIndex {
                relation: name("orders"),
                name: Some("orders_total_idx".into()),
                concurrently,
                columns: vec!["total".into()],
                ..Default::default()
            }),
        );
        s.text = "CREATE INDEX orders_total_idx ON orders (total);".into();
        s
    }

    /// `orders` with `rows` rows of 100 to a page.
    fn orders(rows: f64) -> Catalog {
        catalog(vec![table(
            1,
            "orders",
            rows,
            &[("total", "integer", INT4)],
        )])
    }

    #[test]
    fn fires_for_an_index_build_without_timeout() {
        let found = run(&RULE, &create_index(false), &orders(1e5)).unwrap();
        assert!(
            found.message.starts_with(
                "The statement reads existing rows while holding a ShareLock on public.orders"
            ),
            "{}",
            found.message
        );
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some(
                "SET statement_timeout = '1min';\nCREATE INDEX orders_total_idx ON orders (total);"
            )
        );
    }

    #[test]
    fn names_a_partitioned_target_rather_than_its_partitions() {
        let mut events = table(1, "events", 0.0, &[("at", "timestamptz", 1184)]);
        events.kind = crate::risk::catalog::RelKind::PartitionedTable;
        events.children = vec![2];
        let mut partition = table(2, "events_2020", 1e5, &[("at", "timestamptz", 1184)]);
        partition.partition_of = Some(1);
        let catalog = catalog(vec![events, partition]);
        let mut statement = create_index(false);
        if let Operation::CreateIndex(index) = &mut statement.operation {
            index.relation = name("events");
        }
        let found = run(&RULE, &statement, &catalog).unwrap();
        assert!(
            found.message.contains("ShareLock on public.events,"),
            "{}",
            found.message
        );
    }

    #[test]
    fn suggests_three_times_the_estimate_for_a_big_rewrite() {
        // 10^8 rows: 10^6 pages, 7.6 GiB rewritten at 50 MB/s: about 156 s, times three.
        let column = crate::risk::statement::ColumnDef {
            name: "token".into(),
            type_ref: TypeRef::default(),
            default: Some(Volatility::Volatile),
            ..Default::default()
        };
        let statement = alter("orders", AlterAction::AddColumn(column), AccessExclusive);
        let found = run(&RULE, &statement, &orders(1e8)).unwrap();
        assert!(found.message.contains("rewrites existing rows"));
        assert!(found.message.contains("reads and writes wait"));
        assert!(found
            .safe_alternative
            .unwrap()
            .starts_with("SET statement_timeout = '8min';"));
    }

    #[test]
    fn silent_after_set_statement_timeout_and_for_work_that_blocks_no_writes() {
        let catalog = orders(1e5);
        let state = state_after(&[set("statement_timeout", Some("'5min'"))], &catalog);
        assert_eq!(
            run_with(&RULE, &create_index(false), &catalog, &state),
            None
        );
        assert_eq!(run(&RULE, &create_index(true), &catalog), None);
        let validate = alter(
            "orders",
            AlterAction::ValidateConstraint {
                name: "orders_total_check".into(),
            },
            ShareUpdateExclusive,
        );
        assert_eq!(run(&RULE, &validate, &catalog), None);
    }

    #[test]
    fn silent_for_a_table_created_by_the_script_and_for_work_without_rows() {
        let catalog = orders(1e5);
        let state = created(&["orders"], &catalog);
        assert_eq!(
            run_with(&RULE, &create_index(false), &catalog, &state),
            None
        );
        let truncate = statement(
            "TRUNCATE TABLE",
            Operation::Truncate {
                tables: vec![name("orders")],
                cascade: false,
                restart_identity: false,
            },
        );
        assert_eq!(run(&RULE, &truncate, &catalog), None);
    }
}
