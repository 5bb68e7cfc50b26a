//! A view that reads a table with row-level security and is not `security_invoker`: a view
//! reads its tables with its owner's rights, so when the owner is the table's owner (or
//! bypasses RLS) every caller sees every row, whatever the policies say ("Rules and
//! Privileges"; `security_invoker` is PostgreSQL 15's answer).

use serde_json::json;

use crate::lint::catalog::TableKind;
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "security_definer_view",
    category: "security",
    severity: Severity::Warning,
    enabled: true,
    description: "a view that reads a row-level secured table with its owner's rights",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    catalog
        .tables
        .iter()
        .filter(|v| v.kind == TableKind::View && !v.security_invoker)
        .filter_map(|v| {
            let secured: Vec<&str> = v
                .reads
                .iter()
                .filter_map(|&oid| catalog.table(oid))
                .filter(|t| t.rls_enabled)
                .map(|t| t.qualified.as_str())
                .collect();
            let first = *secured.first()?;
            let what = match secured.len() {
                1 => format!("{first}, which has row-level security,"),
                n => format!("{n} tables with row-level security"),
            };
            Some(
                Hit::on_table(
                    v,
                    format!(
                        "View {} reads {what} with its owner's rights, so callers may see rows the policies would hide.",
                        v.qualified
                    ),
                )
                .with_remediation(format!(
                    "ALTER VIEW {} SET (security_invoker = true);",
                    v.qualified
                ))
                .with_detail(json!({ "tables": secured })),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{view, Objects};
    use super::*;
    use crate::lint::testing::*;

    fn tables() -> Vec<crate::lint::catalog::Table> {
        let mut orders = table(1, "orders");
        orders.rls_enabled = true;
        let countries = table(2, "countries");
        vec![orders, countries]
    }

    #[test]
    fn fires_for_a_definer_view_over_a_secured_table() {
        let mut all = tables();
        all.push(view(3, "order_report", &[1, 2]));
        let hits = run(
            &RULE,
            &Objects {
                tables: all,
                ..Objects::default()
            }
            .catalog(),
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].object_type, "view");
        assert_eq!(
            hits[0].message,
            "View public.order_report reads public.orders, which has row-level security, with its owner's rights, so callers may see rows the policies would hide."
        );
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER VIEW public.order_report SET (security_invoker = true);")
        );
        assert_eq!(hits[0].detail, json!({"tables": ["public.orders"]}));
    }

    #[test]
    fn silent_for_invoker_views_views_over_open_tables_and_materialized_views() {
        let mut all = tables();
        let mut invoker = view(3, "order_report", &[1]);
        invoker.security_invoker = true;
        let open = view(4, "country_list", &[2]);
        let mut materialized = view(5, "order_totals", &[1]);
        materialized.kind = TableKind::MaterializedView;
        all.extend([invoker, open, materialized]);
        let hits = run(
            &RULE,
            &Objects {
                tables: all,
                ..Objects::default()
            }
            .catalog(),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
