//! A table with row-level security enabled and no policy: PostgreSQL then applies a
//! default-deny policy, so every role but the owner (and roles with BYPASSRLS) sees no row and
//! can change none ("Row Security Policies": "If no policy exists for the table, a default-deny
//! policy is used"). Sometimes meant (a table only the owner's functions touch), often a policy
//! forgotten or dropped.

use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "rls_enabled_without_policy",
    category: "security",
    severity: Severity::Warning,
    enabled: true,
    description: "a table with row-level security enabled and no policy: only its owner sees rows",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    catalog
        .tables
        .iter()
        // A partition is read through its parent, whose policies apply; denying direct access
        // to the partition itself is what RLS without a policy is for.
        .filter(|t| t.rls_enabled && t.partition_of.is_none())
        .filter(|t| catalog.policies_of(t.oid).next().is_none())
        .map(|t| {
            Hit::on_table(
                t,
                format!(
                    "{} has row-level security enabled but no policy, so no role but its owner can read or change its rows.",
                    t.qualified
                ),
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
    fn fires_for_rls_without_a_policy() {
        let mut orders = table(1, "orders");
        orders.rls_enabled = true;
        let hits = run(
            &RULE,
            &Objects {
                tables: vec![orders],
                ..Objects::default()
            }
            .catalog(),
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].object_name, "public.orders");
        assert_eq!(hits[0].remediation, None);
    }

    #[test]
    fn silent_with_a_policy_without_rls_and_for_partitions() {
        let mut secured = table(1, "orders");
        secured.rls_enabled = true;
        let p = policy(&secured, "own_rows", 'r', Some("(owner = CURRENT_USER)"));
        let plain = table(2, "countries");
        let mut partition = table(3, "orders_2024");
        partition.rls_enabled = true;
        partition.partition_of = Some(1);
        let hits = run(
            &RULE,
            &Objects {
                tables: vec![secured, plain, partition],
                policies: vec![p],
                ..Objects::default()
            }
            .catalog(),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
