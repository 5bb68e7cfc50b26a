//! A tenant-scoped table (it has the tenant column) without row level security: isolation
//! between tenants rests entirely on every query of every application remembering its
//! `WHERE tenant_id = ...`; one forgotten filter leaks another tenant's rows.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::tenant_column;
use crate::lint::catalog::Policy;
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "tenant_table_without_rls",
    category: "multi_tenant",
    severity: Severity::Warning,
    enabled: true,
    description: "a table with the tenant column but row level security disabled",
    options,
    check,
};

fn options() -> Value {
    json!({"column": "tenant_id", "setting": "app.tenant_id"})
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let column = tenant_column(context, RULE.id);
    let setting = context.option_str("setting").unwrap_or("app.tenant_id");
    let keywords = catalog.keyword_set();
    // A policy for all commands that already isolates tenants on a table with RLS enabled, by
    // the tenant column's type: the model for the others.
    let mut models: HashMap<&str, (&str, &Policy)> = HashMap::new();
    for policy in &catalog.policies {
        let Some(table) = catalog.table(policy.table) else {
            continue;
        };
        let Some(tenant) = table.column_named(column) else {
            continue;
        };
        if table.rls_enabled
            && policy.permissive
            && policy.command == '*'
            && policy.using.as_deref().is_some_and(|u| u.contains(column))
        {
            models
                .entry(tenant.type_name.as_str())
                .or_insert((table.qualified.as_str(), policy));
        }
    }
    catalog
        .tables
        .iter()
        // Partitions are read through their partitioned table, which is reported.
        .filter(|t| t.is_base_table() && !t.rls_enabled)
        .filter_map(|t| {
            let tenant = t.column_named(column)?;
            let policies: Vec<&str> = catalog
                .policies_of(t.oid)
                .map(|p| p.name.as_str())
                .collect();
            let enable = format!("ALTER TABLE {} ENABLE ROW LEVEL SECURITY;", t.qualified);
            let model = models.get(tenant.type_name.as_str());
            let (message, remediation) = if policies.is_empty() {
                let using = match model {
                    Some((_, policy)) => policy.using.clone().unwrap_or_default(),
                    None => format!(
                        "{} = current_setting('{}', true)::{}",
                        keywords.quote(column),
                        setting.replace('\'', "''"),
                        tenant.type_name
                    ),
                };
                (
                    format!(
                        "Table {} has a {column} column but row level security is disabled, so \
                         nothing in the database keeps tenants from reading each other's rows.",
                        t.qualified
                    ),
                    format!(
                        "CREATE POLICY tenant_isolation ON {} USING ({using}); {enable}",
                        t.qualified
                    ),
                )
            } else {
                (
                    format!(
                        "Table {} has policies but row level security is disabled, so they are \
                         not applied.",
                        t.qualified
                    ),
                    enable,
                )
            };
            Some(
                Hit::on_table(t, message)
                    .with_remediation(remediation)
                    .with_detail(json!({
                        "table": t.qualified,
                        "column": column,
                        "policies": policies,
                        "policy_copied_from": if policies.is_empty() {
                            model.map(|(table, policy)| json!({"table": table, "policy": policy.name}))
                        } else {
                            None
                        },
                    })),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tenant_scoped;
    use super::*;
    use crate::lint::testing::*;

    fn policy(table: u32, name: &str, using: &str) -> Policy {
        Policy {
            table,
            name: name.into(),
            permissive: true,
            command: '*',
            roles: vec!["public".into()],
            using: Some(using.into()),
            check: None,
        }
    }

    #[test]
    fn fires_and_proposes_a_policy_on_the_session_setting() {
        let hits = run(
            &RULE,
            &catalog(vec![tenant_scoped(1, "orders")], vec![], vec![]),
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some(
                "CREATE POLICY tenant_isolation ON public.orders USING (tenant_id = \
                 current_setting('app.tenant_id', true)::bigint); ALTER TABLE public.orders \
                 ENABLE ROW LEVEL SECURITY;"
            )
        );
    }

    #[test]
    fn copies_the_policy_of_an_isolated_table() {
        let mut invoices = tenant_scoped(1, "invoices");
        invoices.rls_enabled = true;
        let using = "(tenant_id = (current_setting('app.current_tenant'::text))::bigint)";
        let mut catalog = catalog(vec![invoices, tenant_scoped(2, "orders")], vec![], vec![]);
        catalog.policies = vec![policy(1, "isolation", using)];
        let catalog = catalog.indexed();
        let hits = run(&RULE, &catalog);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some(
                format!(
                    "CREATE POLICY tenant_isolation ON public.orders USING ({using}); \
                     ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;"
                )
                .as_str()
            )
        );
        assert_eq!(hits[0].detail["policy_copied_from"]["policy"], "isolation");
    }

    #[test]
    fn policies_without_rls_only_need_enabling() {
        let mut catalog = catalog(vec![tenant_scoped(1, "orders")], vec![], vec![]);
        catalog.policies = vec![policy(1, "isolation", "(tenant_id = 1)")];
        let catalog = catalog.indexed();
        let hits = run(&RULE, &catalog);
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;")
        );
        assert!(hits[0].message.contains("has policies"));
    }

    #[test]
    fn silent_for_isolated_tables_partitions_and_untenanted_tables() {
        let mut orders = tenant_scoped(1, "orders");
        orders.rls_enabled = true;
        let mut partition = tenant_scoped(2, "orders_2024");
        partition.partition_of = Some(1);
        let mut countries = table(3, "countries");
        countries.columns = vec![column(1, "code", "text")];
        let hits = run(
            &RULE,
            &catalog(vec![orders, partition, countries], vec![], vec![]),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
