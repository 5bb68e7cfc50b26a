//! `REINDEX INDEX` / `REINDEX TABLE` without `CONCURRENTLY` of existing relations: ShareLock on
//! the table (writes wait) and AccessExclusiveLock on each index rebuilt, which stops reads too,
//! since planning a query on the table opens its indexes. `REINDEX ... CONCURRENTLY`
//! (PostgreSQL 12 and later) builds a new index beside the old one under
//! ShareUpdateExclusiveLock; it cannot run inside a transaction block.

use super::target_sql;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{Operation, ReindexTarget};

pub const RULE: Rule = Rule {
    id: "reindex_blocking",
    severity: Severity::Warning,
    summary:
        "REINDEX without CONCURRENTLY blocks writes to the table and queries that use its indexes",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Reindex {
        target,
        concurrently: false,
        ..
    } = &context.statement.operation
    else {
        return None;
    };
    let relation = context.target()?;
    let name = target_sql(context);
    let (message, safe) = match target {
        ReindexTarget::Index => {
            let table = relation
                .table
                .and_then(|t| context.catalog.get(t))
                .map_or("its table", |t| t.qualified.as_str());
            (
                format!(
                    "REINDEX takes an AccessExclusiveLock on {name} and a ShareLock on {table}: writes wait, and so do reads, since planning a query on the table opens its indexes."
                ),
                format!("REINDEX INDEX CONCURRENTLY {name};"),
            )
        }
        ReindexTarget::Table if !relation.indexes.is_empty() => (
            format!(
                "REINDEX takes a ShareLock on {name} and an AccessExclusiveLock on each of its indexes: writes wait, and so do reads, since planning a query on the table opens its indexes."
            ),
            format!("REINDEX TABLE CONCURRENTLY {name};"),
        ),
        _ => return None,
    };
    Some(RULE.finding(message).with_alternative(safe))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::catalog::Catalog;
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;

    fn reindex(target: ReindexTarget, relation: &str, concurrently: bool) -> Statement {
        statement(
            "REINDEX",
            Operation::Reindex {
                target,
                name: name(relation),
                concurrently,
            },
        )
    }

    fn orders() -> Catalog {
        let mut orders = table(1, "orders", 1e6, &[("placed_at", "date", 1082)]);
        let placed = index(2, "orders_placed_idx", &mut orders, &["placed_at"]);
        catalog(vec![orders, placed])
    }

    #[test]
    fn fires_for_an_index_or_a_table_with_the_concurrent_form() {
        let catalog = orders();
        let index = reindex(ReindexTarget::Index, "orders_placed_idx", false);
        let found = run(&RULE, &index, &catalog).unwrap();
        assert!(found.message.contains("ShareLock on public.orders"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some("REINDEX INDEX CONCURRENTLY public.orders_placed_idx;")
        );
        let table = reindex(ReindexTarget::Table, "orders", false);
        let found = run(&RULE, &table, &catalog).unwrap();
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some("REINDEX TABLE CONCURRENTLY public.orders;")
        );
    }

    #[test]
    fn silent_when_concurrent_or_created_by_the_script() {
        let catalog = orders();
        let concurrent = reindex(ReindexTarget::Table, "orders", true);
        assert_eq!(run(&RULE, &concurrent, &catalog), None);
        let state = created(&["orders"], &catalog);
        let table = reindex(ReindexTarget::Table, "orders", false);
        assert_eq!(run_with(&RULE, &table, &catalog, &state), None);
    }
}
