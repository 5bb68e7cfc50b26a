//! A table, view or column named after a PostgreSQL keyword (`user`, `order`, `group`,
//! `time`...): every query must double-quote it, tools that forget to break, and some keywords
//! change meaning unquoted (`SELECT user FROM t` returns the current role, not the column).
//! Compared with the server's own keyword list, ignoring case, as the parser does.

use serde_json::json;

use super::{alter_kind, noun, relation_names, suggest};
use crate::lint::catalog::{Column, ConstraintKind, LintCatalog, Table};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "reserved_word_identifier",
    category: "naming",
    severity: Severity::Warning,
    enabled: true,
    description: "a table or column named after a keyword that needs quoting",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    if catalog.keywords.is_empty() {
        return Vec::new();
    }
    let keywords = catalog.keyword_set();
    let taken = relation_names(catalog);
    let mut hits = Vec::new();
    for t in &catalog.tables {
        if keywords.contains(&t.name) {
            // users, orders, groups: the plural is the usual table name.
            let lower = t.name.to_ascii_lowercase();
            let plural = (!lower.ends_with('s')).then(|| format!("{lower}s"));
            let suggested = plural.and_then(|name| {
                suggest(name, None, keywords, |n| {
                    taken.contains(&(t.schema.as_str(), n))
                })
            });
            let mut hit = Hit::on_table(
                t,
                format!(
                    "The {} {} is named after the keyword {}, so every query must quote it.",
                    noun(t.kind),
                    t.qualified,
                    t.name.to_ascii_uppercase()
                ),
            );
            if let Some(name) = &suggested {
                hit = hit.with_remediation(format!(
                    "ALTER {} {} RENAME TO {name};",
                    alter_kind(t.kind),
                    t.qualified
                ));
            }
            hits.push(hit.with_detail(json!({
                "name": t.name,
                "keyword": t.name.to_ascii_lowercase(),
                "suggested_name": suggested,
            })));
        }
        // Partitions have their parent's columns: the parent is reported.
        if t.partition_of.is_some() {
            continue;
        }
        for c in t.columns.iter().filter(|c| keywords.contains(&c.name)) {
            let suggested = suggest(column_name(catalog, t, c), None, keywords, |n| {
                t.column_named(n).is_some()
            });
            let mut hit = Hit::on_column(
                t,
                c,
                format!(
                    "Column {}.{} is named after the keyword {}, so every query must quote it.",
                    t.qualified,
                    c.quoted,
                    c.name.to_ascii_uppercase()
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
            hits.push(hit.with_detail(json!({
                "table": t.qualified,
                "column": c.name,
                "keyword": c.name.to_ascii_lowercase(),
                "suggested_name": suggested,
            })));
        }
    }
    hits
}

/// A mechanical new name for a keyword column: `<name>_id` for the column of a single-column
/// foreign key (`user` referencing `users`), otherwise the table's name as prefix
/// (`events.time` becomes `events_time`).
fn column_name(catalog: &LintCatalog, table: &Table, column: &Column) -> String {
    let lower = column.name.to_ascii_lowercase();
    let references = catalog
        .constraints_of(table.oid)
        .any(|k| k.kind == ConstraintKind::ForeignKey && k.columns == [column.num]);
    if references {
        format!("{lower}_id")
    } else {
        format!("{}_{lower}", table.name.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::LintCatalog;
    use crate::lint::testing::*;

    /// The catalog with some of the server's keywords, indexed again so that column names
    /// are quoted as the keywords require.
    fn with_keywords(mut catalog: LintCatalog) -> LintCatalog {
        catalog.keywords = ["user", "order", "group", "time", "select"]
            .iter()
            .map(|k| k.to_string())
            .collect();
        catalog.indexed()
    }

    fn quoted(num: i16, name: &str, type_name: &str) -> Column {
        let mut c = column(num, name, type_name);
        c.quoted = format!("\"{name}\"");
        c
    }

    #[test]
    fn fires_for_keyword_tables_and_columns() {
        let mut user = table(1, "user");
        user.qualified = "public.\"user\"".into();
        user.columns = vec![column(1, "id", "bigint")];
        let mut events = table(2, "events");
        events.columns = vec![
            quoted(1, "time", "timestamptz"),
            quoted(2, "user", "bigint"),
        ];
        let fk = foreign_key(20, &events, &[2], &user, &[1]);
        let hits = run(
            &RULE,
            &with_keywords(catalog(vec![user, events], vec![], vec![fk])),
        );
        let remediations: Vec<_> = hits.iter().map(|h| h.remediation.as_deref()).collect();
        assert_eq!(
            remediations,
            [
                Some("ALTER TABLE public.\"user\" RENAME TO users;"),
                Some("ALTER TABLE public.events RENAME COLUMN \"time\" TO events_time;"),
                Some("ALTER TABLE public.events RENAME COLUMN \"user\" TO user_id;"),
            ]
        );
        assert_eq!(hits[1].object_type, "column");
        assert_eq!(hits[1].detail["keyword"], "time");
    }

    /// Linters with a case-sensitive list miss `"Order"` and `"SELECT"`, which are the same
    /// keyword to the parser.
    #[test]
    fn compares_ignoring_case() {
        let mut order = table(1, "Order");
        order.qualified = "public.\"Order\"".into();
        order.columns = vec![quoted(1, "SELECT", "text")];
        let hits = run(&RULE, &with_keywords(catalog(vec![order], vec![], vec![])));
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].detail["keyword"], "order");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.\"Order\" RENAME TO orders;")
        );
    }

    #[test]
    fn silent_for_unreserved_words_partition_columns_and_taken_names() {
        // `name`, `type`, `status` are unreserved keywords: not in the catalog's list.
        let mut items = table(1, "items");
        items.columns = vec![
            column(1, "name", "text"),
            column(2, "type", "text"),
            column(3, "orders", "int"),
        ];
        let mut partition = table(2, "items_2024");
        partition.partition_of = Some(1);
        partition.columns = vec![quoted(1, "time", "timestamptz")];
        let hits = run(
            &RULE,
            &with_keywords(catalog(vec![items, partition], vec![], vec![])),
        );
        assert!(hits.is_empty(), "{hits:?}");

        let group = table(3, "group");
        let groups = table(4, "groups");
        let hits = run(
            &RULE,
            &with_keywords(catalog(vec![group, groups], vec![], vec![])),
        );
        assert_eq!(hits.len(), 1);
        assert!(hits[0].remediation.is_none(), "groups is taken");
    }
}
