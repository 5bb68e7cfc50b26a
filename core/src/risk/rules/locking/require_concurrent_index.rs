//! `CREATE INDEX` without `CONCURRENTLY` on an existing table blocks its writes for the whole
//! build (ShareLock).

use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::Operation;

pub const RULE: Rule = Rule {
    id: "require_concurrent_index",
    severity: Severity::Error,
    summary: "CREATE INDEX without CONCURRENTLY on an existing table blocks writes while it builds",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::CreateIndex(index) = &context.statement.operation else {
        return None;
    };
    if index.concurrently || !context.on_existing_data() {
        return None;
    }
    let safe = insert_concurrently(&context.statement.text);
    Some(
        RULE.finding(format!(
            "Building the index holds a ShareLock on {} until it is done: inserts, updates and deletes wait.",
            context.target_name()
        ))
        .with_alternative(safe),
    )
}

/// The statement with `CONCURRENTLY` after `INDEX` (`CREATE INDEX`, `DROP INDEX`).
pub(crate) fn insert_concurrently(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    match lower.find("index") {
        Some(at) => format!("{} CONCURRENTLY{}", &text[..at + 5], &text[at + 5..]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::statement::{CreateIndex, Statement};
    use crate::risk::testing::*;

    fn create_index(table: &str, concurrently: bool) -> Statement {
        let mut s = statement(
            "CREATE INDEX",
            Operation::CreateIndex(CreateIndex {
                relation: name(table),
                name: Some("orders_placed_idx".into()),
                concurrently,
                ..Default::default()
            }),
        );
        s.text = "CREATE INDEX orders_placed_idx ON orders (placed_at)".into();
        s
    }

    #[test]
    fn fires_on_an_existing_table_with_the_concurrent_form() {
        let catalog = catalog(vec![table(1, "orders", 1e6, &[])]);
        let found = run(&RULE, &create_index("orders", false), &catalog).unwrap();
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some("CREATE INDEX CONCURRENTLY orders_placed_idx ON orders (placed_at)")
        );
    }

    #[test]
    fn silent_when_concurrent_or_on_a_table_created_by_the_script() {
        let catalog = catalog(vec![table(1, "orders", 1e6, &[])]);
        assert_eq!(run(&RULE, &create_index("orders", true), &catalog), None);
        assert_eq!(run(&RULE, &create_index("missing", false), &catalog), None);
        let state = created(&["orders"], &catalog);
        let create = create_index("orders", false);
        assert_eq!(run_with(&RULE, &create, &catalog, &state), None);
    }
}
