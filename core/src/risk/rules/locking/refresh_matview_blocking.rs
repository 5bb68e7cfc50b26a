//! `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY` of an existing view holds an
//! AccessExclusiveLock on it while the query runs again: even reads of the view wait.
//! `CONCURRENTLY` (ExclusiveLock) lets reads go on; it needs a unique index on plain columns of
//! the view, without a WHERE clause. `WITH NO DATA` only empties the view and is left alone.

use super::{target_sql, waits};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::Operation;
use crate::LockMode;

pub const RULE: Rule = Rule {
    id: "refresh_matview_blocking",
    severity: Severity::Warning,
    summary: "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::RefreshMaterializedView {
        concurrently: false,
        with_data: true,
        ..
    } = &context.statement.operation
    else {
        return None;
    };
    let view = context.target()?;
    // A predicate is not in the model: a partial unique index would pass for a usable one.
    let has_key = view.indexes.iter().any(|i| {
        i.unique && i.valid && !i.columns.is_empty() && i.columns.iter().all(Option::is_some)
    });
    let lock = LockMode::AccessExclusive;
    let mut message = format!(
        "REFRESH MATERIALIZED VIEW holds an {} on {} while its query runs: {} until it is done.",
        lock.name(),
        context.target_name(),
        waits(lock)
    );
    let target = target_sql(context);
    let mut safe = String::new();
    if !has_key {
        message.push_str(" CONCURRENTLY needs a unique index on plain columns of the view first.");
        safe.push_str(&format!(
            "-- first: CREATE UNIQUE INDEX CONCURRENTLY ON {target} (<columns that identify a row>);\n"
        ));
    }
    safe.push_str(&format!("REFRESH MATERIALIZED VIEW CONCURRENTLY {target};"));
    Some(RULE.finding(message).with_alternative(safe))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::catalog::{Catalog, RelKind};
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;

    fn refresh(concurrently: bool) -> Statement {
        statement(
            "REFRESH MATERIALIZED VIEW",
            Operation::RefreshMaterializedView {
                view: name("daily_sales"),
                concurrently,
                with_data: true,
            },
        )
    }

    fn sales(unique_key: bool) -> Catalog {
        let mut view = table(1, "daily_sales", 1e5, &[("day", "date", 1082)]);
        view.kind = RelKind::MaterializedView;
        let day = index(2, "daily_sales_day", &mut view, &["day"]);
        view.indexes[0].unique = unique_key;
        catalog(vec![view, day])
    }

    #[test]
    fn fires_with_the_concurrent_form() {
        let found = run(&RULE, &refresh(false), &sales(true)).unwrap();
        assert!(found
            .message
            .contains("AccessExclusiveLock on public.daily_sales"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some("REFRESH MATERIALIZED VIEW CONCURRENTLY public.daily_sales;")
        );
    }

    #[test]
    fn says_a_unique_index_is_needed_first() {
        let found = run(&RULE, &refresh(false), &sales(false)).unwrap();
        assert!(found.message.contains("needs a unique index"));
        assert!(found
            .safe_alternative
            .unwrap()
            .starts_with("-- first: CREATE UNIQUE INDEX CONCURRENTLY"));
    }

    #[test]
    fn silent_when_concurrent_or_created_by_the_script() {
        let catalog = sales(true);
        assert_eq!(run(&RULE, &refresh(true), &catalog), None);
        let state = created(&["daily_sales"], &catalog);
        assert_eq!(run_with(&RULE, &refresh(false), &catalog, &state), None);
    }
}
