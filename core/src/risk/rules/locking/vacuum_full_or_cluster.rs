//! `VACUUM FULL` and `CLUSTER` of existing tables copy each table and rebuild its indexes under
//! AccessExclusiveLock: even reads wait for the whole copy. pg_repack or pg_squeeze rebuild a
//! table online; a plain `VACUUM` makes dead space reusable without blocking anyone. Without a
//! table, `VACUUM FULL` rewrites every table of the database and `CLUSTER` every table clustered
//! before.

use super::{existing_relations, relation_list};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::Operation;

pub const RULE: Rule = Rule {
    id: "vacuum_full_or_cluster",
    severity: Severity::Error,
    summary: "VACUUM FULL or CLUSTER rewrites tables while reads and writes wait",
    check,
};

const ONLINE: &str =
    "pg_repack or pg_squeeze rebuild a table online; a plain VACUUM makes its dead space reusable without blocking.";

fn check(context: &Context) -> Option<Finding> {
    match &context.statement.operation {
        Operation::Vacuum {
            full: true, tables, ..
        } => {
            if tables.is_empty() {
                return Some(
                    RULE.finding(format!(
                        "VACUUM FULL without a table rewrites every table of the database, each under AccessExclusiveLock: reads and writes of each wait until its copy is done. {ONLINE}"
                    ))
                    .with_alternative("VACUUM;"),
                );
            }
            let existing = existing_relations(context, tables);
            if existing.is_empty() {
                return None;
            }
            let names = relation_list(&existing);
            Some(
                RULE.finding(format!(
                    "VACUUM FULL rewrites {names} under AccessExclusiveLock: reads and writes wait until the copy is done. {ONLINE}"
                ))
                .with_alternative(format!("VACUUM {names};")),
            )
        }
        Operation::Cluster { table: None } => Some(RULE.finding(format!(
            "CLUSTER without a table rewrites every table clustered before, each under AccessExclusiveLock: reads and writes of each wait until its copy is done. {ONLINE}"
        ))),
        Operation::Cluster { table: Some(name) } => {
            let table = context.existing(name)?;
            Some(RULE.finding(format!(
                "CLUSTER rewrites {} in index order under AccessExclusiveLock: reads and writes wait until the copy is done. {ONLINE}",
                table.qualified
            )))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;

    fn vacuum(full: bool, tables: &[&str]) -> Statement {
        statement(
            "VACUUM",
            Operation::Vacuum {
                full,
                analyze_only: false,
                tables: tables.iter().map(|t| name(t)).collect(),
            },
        )
    }

    fn cluster(table: &str) -> Statement {
        statement(
            "CLUSTER",
            Operation::Cluster {
                table: Some(name(table)),
            },
        )
    }

    #[test]
    fn fires_for_vacuum_full_and_cluster_of_existing_tables() {
        let catalog = catalog(vec![table(1, "orders", 1e6, &[])]);
        let found = run(&RULE, &vacuum(true, &["orders"]), &catalog).unwrap();
        assert!(found
            .message
            .starts_with("VACUUM FULL rewrites public.orders under AccessExclusiveLock"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some("VACUUM public.orders;")
        );
        let found = run(&RULE, &cluster("orders"), &catalog).unwrap();
        assert!(found.message.contains("pg_repack"));
        assert!(run(&RULE, &vacuum(true, &[]), &catalog).is_some());
    }

    #[test]
    fn silent_for_plain_vacuum_or_tables_created_by_the_script() {
        let catalog = catalog(vec![table(1, "orders", 1e6, &[])]);
        assert_eq!(run(&RULE, &vacuum(false, &["orders"]), &catalog), None);
        let state = created(&["orders"], &catalog);
        assert_eq!(
            run_with(&RULE, &vacuum(true, &["orders"]), &catalog, &state),
            None
        );
        assert_eq!(run_with(&RULE, &cluster("orders"), &catalog, &state), None);
    }
}
