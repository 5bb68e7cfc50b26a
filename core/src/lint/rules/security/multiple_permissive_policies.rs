//! A table where more than one permissive policy applies to the same command and role:
//! PostgreSQL ORs them, so each one widens what the others allow (a row hidden by one is
//! shown by another), which is easy to get wrong, and every one of them is evaluated for every
//! row. A policy `FOR ALL` applies to every command, one `TO PUBLIC` to every role.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::{command_name, Quote};
use crate::lint::catalog::Policy;
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "multiple_permissive_policies",
    category: "security",
    severity: Severity::Warning,
    enabled: true,
    description: "more than one permissive policy for the same command and role on a table",
    options: no_options,
    check,
};

fn for_everyone(policy: &Policy) -> bool {
    policy.roles.is_empty() || policy.roles.iter().any(|r| r == "public")
}

/// The policies among `policies` (all for one command) that share a role with another one.
fn overlapping<'a>(policies: &[&'a Policy]) -> Vec<&'a Policy> {
    if policies.len() < 2 {
        return Vec::new();
    }
    if policies.iter().any(|p| for_everyone(p)) {
        return policies.to_vec();
    }
    let mut holders: HashMap<&str, usize> = HashMap::new();
    for p in policies {
        for role in &p.roles {
            *holders.entry(role.as_str()).or_default() += 1;
        }
    }
    policies
        .iter()
        .filter(|p| p.roles.iter().any(|r| holders[r.as_str()] > 1))
        .copied()
        .collect()
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let quote = Quote::new(catalog);
    let mut hits = Vec::new();
    for table in &catalog.tables {
        let permissive: Vec<&Policy> = catalog
            .policies_of(table.oid)
            .filter(|p| p.permissive)
            .collect();
        if permissive.len() < 2 {
            continue;
        }
        // Per command, the policies that overlap; reported once for the table.
        let mut commands: Vec<(&str, Vec<String>)> = Vec::new();
        for command in ['r', 'a', 'w', 'd'] {
            let applying: Vec<&Policy> = permissive
                .iter()
                .filter(|p| p.command == command || p.command == '*')
                .copied()
                .collect();
            let names: Vec<String> = overlapping(&applying)
                .iter()
                .map(|p| quote.ident(&p.name))
                .collect();
            if !names.is_empty() {
                commands.push((command_name(command), names));
            }
        }
        let Some((_, first)) = commands.first() else {
            continue;
        };
        let same = commands.iter().all(|(_, names)| names == first);
        let which = if commands.len() == 4 && same {
            format!("every command ({})", first.join(", "))
        } else if same {
            let list: Vec<&str> = commands.iter().map(|(c, _)| *c).collect();
            format!("{} ({})", list.join(" and "), first.join(", "))
        } else {
            commands
                .iter()
                .map(|(c, names)| format!("{c} ({})", names.join(", ")))
                .collect::<Vec<_>>()
                .join(" and ")
        };
        let detail: Map<String, Value> = commands
            .iter()
            .map(|(c, names)| (c.to_string(), json!(names)))
            .collect();
        hits.push(
            Hit::on_table(
                table,
                format!(
                    "{} has permissive policies for the same roles on {which}, which PostgreSQL ORs together.",
                    table.qualified
                ),
            )
            .with_detail(json!({ "commands": detail })),
        );
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::super::testing::{policy, to_roles, Objects};
    use super::*;
    use crate::lint::testing::*;

    fn hits_for(policies: impl Fn(&crate::lint::catalog::Table) -> Vec<Policy>) -> Vec<Hit> {
        let orders = table(1, "orders");
        let policies = policies(&orders);
        run(
            &RULE,
            &Objects {
                tables: vec![orders],
                policies,
                ..Objects::default()
            }
            .catalog(),
        )
    }

    #[test]
    fn fires_once_per_table_for_overlapping_policies() {
        let hits = hits_for(|t| {
            vec![
                to_roles(policy(t, "own_rows", 'r', Some("a")), &["app_user"]),
                to_roles(
                    policy(t, "team_rows", 'r', Some("b")),
                    &["app_user", "auditor"],
                ),
                to_roles(policy(t, "admin_all", '*', Some("c")), &["admin"]),
            ]
        });
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "public.orders has permissive policies for the same roles on SELECT (own_rows, team_rows), which PostgreSQL ORs together."
        );
        assert_eq!(
            hits[0].detail,
            json!({"commands": {"SELECT": ["own_rows", "team_rows"]}})
        );
    }

    #[test]
    fn all_overlaps_every_command_and_public_every_role() {
        let hits = hits_for(|t| {
            vec![
                policy(t, "tenant", '*', Some("a")),
                to_roles(policy(t, "support", '*', Some("b")), &["support"]),
            ]
        });
        assert_eq!(
            hits[0].message,
            "public.orders has permissive policies for the same roles on every command (tenant, support), which PostgreSQL ORs together."
        );
        let hits = hits_for(|t| {
            vec![
                to_roles(policy(t, "edit", '*', Some("a")), &["editor"]),
                to_roles(policy(t, "read", 'r', Some("b")), &["editor"]),
                to_roles(policy(t, "purge", 'd', Some("c")), &["editor"]),
            ]
        });
        assert_eq!(
            hits[0].message,
            "public.orders has permissive policies for the same roles on SELECT (edit, read) and DELETE (edit, purge), which PostgreSQL ORs together."
        );
    }

    #[test]
    fn silent_for_distinct_roles_commands_and_restrictive_policies() {
        let hits = hits_for(|t| {
            let mut restrictive = policy(t, "tenant_guard", '*', Some("c"));
            restrictive.permissive = false;
            vec![
                to_roles(policy(t, "reader", 'r', Some("a")), &["reader"]),
                to_roles(policy(t, "writer", 'r', Some("b")), &["writer"]),
                policy(t, "insert", 'a', Some("b")),
                policy(t, "update", 'w', Some("b")),
                restrictive,
            ]
        });
        assert!(hits.is_empty(), "{hits:?}");
    }
}
