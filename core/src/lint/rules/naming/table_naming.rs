//! A table or view whose name does not follow the naming convention (snake_case by default):
//! mixed-case names must be double-quoted in every query, and a schema whose names follow no
//! single convention is harder to read and to query.

use serde_json::{json, Value};

use super::{alter_kind, noun, pattern, relation_names, snake_case, suggest};
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "table_naming",
    category: "naming",
    severity: Severity::Warning,
    enabled: true,
    description: "a table or view whose name does not match the naming pattern",
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
    // Tables, views and indexes share one namespace per schema: a rename must not collide.
    let taken = relation_names(catalog);
    catalog
        .tables
        .iter()
        .filter(|t| !pattern.is_match(&t.name))
        // A partition of a misnamed table is named after it: the table's finding covers it.
        .filter(|t| {
            t.partition_of
                .and_then(|parent| catalog.table(parent))
                .is_none_or(|parent| pattern.is_match(&parent.name))
        })
        .map(|t| {
            let suggested = suggest(snake_case(&t.name), Some(&pattern), keywords, |name| {
                taken.contains(&(t.schema.as_str(), name))
            });
            let mut hit = Hit::on_table(
                t,
                format!(
                    "The name of {} {} does not match the naming pattern {}.",
                    noun(t.kind),
                    t.qualified,
                    pattern.as_str()
                ),
            );
            if let Some(name) = &suggested {
                hit = hit.with_remediation(format!(
                    "ALTER {} {} RENAME TO {name};",
                    alter_kind(t.kind),
                    t.qualified
                ));
            }
            hit.with_detail(json!({
                "name": t.name,
                "pattern": pattern.as_str(),
                "suggested_name": suggested,
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::TableKind;
    use crate::lint::engine::{lint, Config, RuleConfig, Selection, RULE_FAILED};
    use crate::lint::testing::*;

    fn named(oid: u32, name: &str) -> crate::lint::catalog::Table {
        let mut t = table(oid, name);
        t.qualified = format!("public.\"{name}\"");
        t
    }

    #[test]
    fn fires_for_mixed_case_tables_and_views_and_suggests_snake_case() {
        let mut view = named(2, "ActiveOrders");
        view.kind = TableKind::View;
        let hits = run(
            &RULE,
            &catalog(vec![named(1, "OrderItems"), view], vec![], vec![]),
        );
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.\"OrderItems\" RENAME TO order_items;")
        );
        assert_eq!(hits[1].object_type, "view");
        assert_eq!(
            hits[1].remediation.as_deref(),
            Some("ALTER VIEW public.\"ActiveOrders\" RENAME TO active_orders;")
        );
        assert_eq!(hits[0].detail["suggested_name"], "order_items");
    }

    #[test]
    fn silent_for_snake_case_names() {
        let hits = run(
            &RULE,
            &catalog(
                vec![table(1, "orders"), table(2, "order_items_2024")],
                vec![],
                vec![],
            ),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn no_rename_onto_a_taken_name_or_a_keyword() {
        let mut catalog = catalog(
            vec![named(1, "Orders"), table(2, "orders"), named(3, "User")],
            vec![],
            vec![],
        );
        catalog.keywords = vec!["user".into()];
        let hits = run(&RULE, &catalog.indexed());
        assert_eq!(hits.len(), 2);
        assert!(hits.iter().all(|h| h.remediation.is_none()), "{hits:?}");
    }

    #[test]
    fn partitions_of_a_misnamed_table_are_not_reported_again() {
        let parent = named(1, "Events");
        let mut partition = named(2, "Events_2024");
        partition.partition_of = Some(1);
        let good_parent = table(3, "logs");
        let mut odd_partition = named(4, "Logs2024");
        odd_partition.partition_of = Some(3);
        let hits = run(
            &RULE,
            &catalog(
                vec![parent, partition, good_parent, odd_partition],
                vec![],
                vec![],
            ),
        );
        let names: Vec<&str> = hits.iter().map(|h| h.object_name.as_str()).collect();
        assert_eq!(names, ["public.\"Events\"", "public.\"Logs2024\""]);
    }

    #[test]
    fn the_pattern_is_configurable() {
        let options = json!({"pattern": "^tbl_[a-z_]+$"});
        let catalog = catalog(
            vec![table(1, "orders"), table(2, "tbl_orders")],
            vec![],
            vec![],
        );
        let hits = run_with(&RULE, &catalog, &options);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].object_name, "public.orders");
        // snake_case "orders" does not match the configured pattern: no rename is suggested.
        assert!(hits[0].remediation.is_none());
    }

    #[test]
    fn an_invalid_pattern_fails_the_rule_with_a_clear_message() {
        let catalog = catalog(vec![named(1, "Orders")], vec![], vec![]);
        let mut config = Config::default();
        config.rules.insert(
            RULE.id.into(),
            RuleConfig {
                options: Some(json!({"pattern": "^[a-z"})),
                ..RuleConfig::default()
            },
        );
        let selection = Selection {
            rules: Some(vec![RULE.id.into()]),
            ..Selection::default()
        };
        let (findings, _) = lint(&catalog, &config, &selection);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].rule, RULE_FAILED);
        assert!(
            findings[0]
                .message
                .contains("invalid pattern for table_naming"),
            "{}",
            findings[0].message
        );
    }
}
