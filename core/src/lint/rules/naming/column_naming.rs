//! A column of a table or view whose name does not follow the naming convention (snake_case by
//! default): `"createdAt"` must be double-quoted in every query that names it.

use serde_json::{json, Value};

use super::{alter_kind, pattern, snake_case, suggest};
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "column_naming",
    category: "naming",
    severity: Severity::Warning,
    enabled: true,
    description: "a column whose name does not match the naming pattern",
    options,
    check,
};

fn options() -> Value {
    json!({"pattern": "^[a-z][a-z0-9_]*$"})
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let pattern = pattern(context, RULE.id);
    let keywords = catalog.keyword_set();
    catalog
        .tables
        .iter()
        // Partitions have their parent's columns: the parent is reported.
        .filter(|t| t.partition_of.is_none())
        .flat_map(|t| {
            let (pattern, keywords) = (&pattern, keywords);
            t.columns
                .iter()
                .filter(move |c| !pattern.is_match(&c.name))
                .map(move |c| {
                    let suggested = suggest(snake_case(&c.name), Some(pattern), keywords, |n| {
                        t.column_named(n).is_some()
                    });
                    let mut hit = Hit::on_column(
                        t,
                        c,
                        format!(
                            "The name of column {}.{} does not match the naming pattern {}.",
                            t.qualified,
                            c.quoted,
                            pattern.as_str()
                        ),
                    );
                    if let Some(name) = &suggested {
                        hit = hit.with_remediation(format!(
                            "ALTER {} {} RENAME COLUMN {} TO {name};",
                            alter_kind(t.kind),
                            t.qualified,
                            c.quoted
                        ));
                    }
                    hit.with_detail(json!({
                        "table": t.qualified,
                        "column": c.name,
                        "pattern": pattern.as_str(),
                        "suggested_name": suggested,
                    }))
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::{Column, TableKind};
    use crate::lint::testing::*;

    fn quoted(num: i16, name: &str) -> Column {
        let mut c = column(num, name, "text");
        c.quoted = format!("\"{name}\"");
        c
    }

    #[test]
    fn fires_for_camel_case_columns_of_tables_and_views() {
        let mut orders = table(1, "orders");
        orders.columns = vec![column(1, "id", "bigint"), quoted(2, "createdAt")];
        let mut view = table(2, "recent_orders");
        view.kind = TableKind::View;
        view.columns = vec![quoted(1, "createdAt")];
        let hits = run(&RULE, &catalog(vec![orders, view], vec![], vec![]));
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].object_type, "column");
        assert_eq!(hits[0].object_name, "public.orders.\"createdAt\"");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.orders RENAME COLUMN \"createdAt\" TO created_at;")
        );
        assert_eq!(
            hits[1].remediation.as_deref(),
            Some("ALTER VIEW public.recent_orders RENAME COLUMN \"createdAt\" TO created_at;")
        );
    }

    #[test]
    fn silent_for_snake_case_columns_and_partitions() {
        let mut orders = table(1, "orders");
        orders.columns = vec![column(1, "id", "bigint"), column(2, "created_at", "date")];
        let mut partition = table(2, "events_2024");
        partition.partition_of = Some(3);
        partition.columns = vec![quoted(1, "createdAt")];
        let hits = run(&RULE, &catalog(vec![orders, partition], vec![], vec![]));
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn no_rename_onto_an_existing_column() {
        let mut orders = table(1, "orders");
        orders.columns = vec![quoted(1, "CreatedAt"), column(2, "created_at", "date")];
        let hits = run(&RULE, &catalog(vec![orders], vec![], vec![]));
        assert_eq!(hits.len(), 1);
        assert!(hits[0].remediation.is_none());
    }

    #[test]
    fn the_pattern_is_configurable_and_checked() {
        let mut orders = table(1, "orders");
        orders.columns = vec![quoted(1, "createdAt")];
        let catalog = catalog(vec![orders], vec![], vec![]);
        let camel = json!({"pattern": "^[a-z][a-zA-Z0-9]*$"});
        assert!(run_with(&RULE, &catalog, &camel).is_empty());
        let invalid = json!({"pattern": "("});
        let failed = std::panic::catch_unwind(|| run_with(&RULE, &catalog, &invalid));
        let message = failed.unwrap_err();
        let message = message.downcast_ref::<String>().unwrap();
        assert!(
            message.starts_with("invalid pattern for column_naming"),
            "{message}"
        );
    }
}
