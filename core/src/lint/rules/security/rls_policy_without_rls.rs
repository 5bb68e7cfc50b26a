//! A table with row-level security policies whose row-level security is disabled: PostgreSQL
//! ignores the policies, and every role with a privilege on the table sees and changes every
//! row (CREATE POLICY: "policies will not be applied until row-level security is enabled").

use serde_json::json;

use super::Quote;
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "rls_policy_without_rls",
    category: "security",
    severity: Severity::Error,
    enabled: true,
    description: "a table with policies but row-level security disabled: the policies are ignored",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let quote = Quote::new(catalog);
    catalog
        .tables
        .iter()
        .filter(|t| !t.rls_enabled)
        .filter_map(|t| {
            let policies: Vec<String> = catalog
                .policies_of(t.oid)
                .map(|p| quote.ident(&p.name))
                .collect();
            if policies.is_empty() {
                return None;
            }
            let (count, them) = match policies.len() {
                1 => (format!("policy {}", policies[0]), "it"),
                n => (format!("{n} policies"), "them"),
            };
            Some(
                Hit::on_table(
                    t,
                    format!(
                        "{} has {count} but row-level security is disabled, so PostgreSQL ignores {them}.",
                        t.qualified
                    ),
                )
                .with_remediation(format!(
                    "ALTER TABLE {} ENABLE ROW LEVEL SECURITY;",
                    t.qualified
                ))
                .with_detail(json!({ "policies": policies })),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{policy, Objects};
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_when_policies_exist_but_rls_is_off() {
        let orders = table(1, "orders");
        let p = policy(&orders, "tenant_isolation", '*', Some("(tenant_id = 1)"));
        let hits = run(
            &RULE,
            &Objects {
                tables: vec![orders],
                policies: vec![p],
                ..Objects::default()
            }
            .catalog(),
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "public.orders has policy tenant_isolation but row-level security is disabled, so PostgreSQL ignores it."
        );
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;")
        );
        assert_eq!(hits[0].detail, json!({"policies": ["tenant_isolation"]}));
    }

    #[test]
    fn silent_when_rls_is_on_or_there_is_no_policy() {
        let mut secured = table(1, "orders");
        secured.rls_enabled = true;
        let p = policy(&secured, "tenant_isolation", '*', Some("true"));
        let plain = table(2, "countries");
        let hits = run(
            &RULE,
            &Objects {
                tables: vec![secured, plain],
                policies: vec![p],
                ..Objects::default()
            }
            .catalog(),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
