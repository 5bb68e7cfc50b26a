//! `DROP INDEX` without `CONCURRENTLY` of an existing index takes an AccessExclusiveLock on its
//! table: every read and write of the table waits, behind the queries already running on it,
//! until the drop commits. `DROP INDEX CONCURRENTLY` waits for those queries instead of
//! blocking the new ones.

use super::relation_sql;
use super::require_concurrent_index::insert_concurrently;
use crate::risk::catalog::RelKind;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{ObjectKind, Operation};

pub const RULE: Rule = Rule {
    id: "require_concurrent_index_drop",
    severity: Severity::Error,
    summary: "DROP INDEX without CONCURRENTLY locks the table against reads and writes",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Drop(drop) = &context.statement.operation else {
        return None;
    };
    if drop.object != ObjectKind::Index || drop.concurrently || !context.on_existing_data() {
        return None;
    }
    let index = context.target()?;
    let table = index
        .table
        .and_then(|t| context.catalog.get(t))
        .map_or_else(|| context.target_name(), |t| t.qualified.clone());
    let finding = RULE.finding(format!(
        "Dropping {} takes an AccessExclusiveLock on its table {table}: reads and writes of the table wait until the drop commits.",
        context.target_name()
    ));
    // CONCURRENTLY drops one index at a time, without CASCADE, and not a partitioned one.
    if drop.cascade || index.kind == RelKind::PartitionedIndex {
        return Some(finding);
    }
    let safe = match drop.names.as_slice() {
        [_] => insert_concurrently(&context.statement.text),
        names => names
            .iter()
            .map(|n| {
                let if_exists = if drop.missing_ok { "IF EXISTS " } else { "" };
                format!(
                    "DROP INDEX CONCURRENTLY {if_exists}{};",
                    relation_sql(context, n)
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    Some(finding.with_alternative(safe))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::statement::{CreateIndex, Drop, Statement};
    use crate::risk::testing::*;

    fn drop_index(names: &[&str], concurrently: bool) -> Statement {
        let mut s = statement(
            "DROP INDEX",
            Operation::Drop(Drop {
                object: ObjectKind::Index,
                names: names.iter().map(|n| name(n)).collect(),
                concurrently,
                cascade: false,
                missing_ok: false,
            }),
        );
        s.text = format!("DROP INDEX {}", names.join(", "));
        s
    }

    fn orders_with_indexes() -> crate::risk::catalog::Catalog {
        let mut orders = table(1, "orders", 1e6, &[("placed_at", "date", 1082)]);
        let placed = index(2, "orders_placed_idx", &mut orders, &["placed_at"]);
        let other = index(3, "orders_other_idx", &mut orders, &["placed_at"]);
        catalog(vec![orders, placed, other])
    }

    #[test]
    fn fires_on_an_existing_index_with_the_concurrent_form() {
        let catalog = orders_with_indexes();
        let found = run(&RULE, &drop_index(&["orders_placed_idx"], false), &catalog).unwrap();
        assert!(found
            .message
            .contains("AccessExclusiveLock on its table public.orders"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some("DROP INDEX CONCURRENTLY orders_placed_idx")
        );
    }

    #[test]
    fn several_indexes_are_dropped_concurrently_one_by_one() {
        let catalog = orders_with_indexes();
        let found = run(
            &RULE,
            &drop_index(&["orders_placed_idx", "orders_other_idx"], false),
            &catalog,
        )
        .unwrap();
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some(
                "DROP INDEX CONCURRENTLY public.orders_placed_idx;\n\
                 DROP INDEX CONCURRENTLY public.orders_other_idx;"
            )
        );
    }

    #[test]
    fn silent_when_concurrent_or_created_by_the_script() {
        let catalog = orders_with_indexes();
        let drop = drop_index(&["orders_placed_idx"], false);
        assert_eq!(
            run(&RULE, &drop_index(&["orders_placed_idx"], true), &catalog),
            None
        );
        let create = statement(
            "CREATE INDEX",
            Operation::CreateIndex(CreateIndex {
                relation: name("orders"),
                name: Some("orders_placed_idx".into()),
                ..Default::default()
            }),
        );
        let state = state_after(&[create], &catalog);
        assert_eq!(run_with(&RULE, &drop, &catalog, &state), None);
    }
}
