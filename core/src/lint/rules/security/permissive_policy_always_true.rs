//! A permissive policy whose condition is `true`: permissive policies are OR-ed, so this one
//! lets every row through for its command and roles, whatever the other permissive policies
//! on the table say (only restrictive policies could still narrow it). Sometimes meant (a
//! public lookup table), often a placeholder left from development.

use serde_json::json;

use super::{command_name, on_policy, Quote};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "permissive_policy_always_true",
    category: "security",
    severity: Severity::Warning,
    enabled: true,
    description: "a permissive policy whose USING (or WITH CHECK) is true",
    options: no_options,
    check,
};

/// `true` as `pg_get_expr` prints the constant, allowing for parentheses around it.
fn always_true(expression: &str) -> bool {
    let mut e = expression.trim();
    while let Some(inner) = e.strip_prefix('(').and_then(|e| e.strip_suffix(')')) {
        e = inner.trim();
    }
    e.eq_ignore_ascii_case("true")
}

/// The roles of a policy in a message: `every role` for PUBLIC.
fn roles_text(roles: &[String]) -> String {
    if roles.is_empty() || roles.iter().any(|r| r == "public") {
        "every role".into()
    } else {
        roles.join(", ")
    }
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let quote = Quote::new(catalog);
    catalog
        .policies
        .iter()
        .filter(|p| p.permissive)
        .filter_map(|p| {
            // USING decides which rows are seen; without one (INSERT), WITH CHECK decides
            // which rows may be written.
            let (clause, expression) = match (&p.using, &p.check) {
                (Some(using), _) => ("USING", using),
                (None, Some(check)) => ("WITH CHECK", check),
                (None, None) => return None,
            };
            if !always_true(expression) {
                return None;
            }
            let table = catalog.table(p.table)?;
            let command = command_name(p.command);
            let commands = if p.command == '*' { "every command" } else { command };
            Some(
                on_policy(
                    table,
                    p,
                    &quote,
                    format!(
                        "Permissive policy {} on {} is {clause} (true), so it opens every row for {commands} to {} whatever the other policies say.",
                        quote.ident(&p.name),
                        table.qualified,
                        roles_text(&p.roles)
                    ),
                )
                .with_detail(json!({
                    "table": table.qualified,
                    "policy": p.name,
                    "command": command,
                    "roles": p.roles,
                    "clause": clause,
                })),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{policy, to_roles, Objects};
    use super::*;
    use crate::lint::catalog::{Policy, Table};
    use crate::lint::testing::*;

    fn hits_for(table: Table, policies: Vec<Policy>) -> Vec<Hit> {
        run(
            &RULE,
            &Objects {
                tables: vec![table],
                policies,
                ..Objects::default()
            }
            .catalog(),
        )
    }

    #[test]
    fn fires_for_using_true_and_for_an_insert_check_true() {
        let orders = table(1, "orders");
        let mut insert = policy(&orders, "anyone_inserts", 'a', None);
        insert.check = Some("true".into());
        let hits = hits_for(
            orders.clone(),
            vec![policy(&orders, "read_all", 'r', Some("true")), insert],
        );
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].object_type, "policy");
        assert_eq!(hits[0].object_name, "public.orders.read_all");
        assert_eq!(
            hits[0].message,
            "Permissive policy read_all on public.orders is USING (true), so it opens every row for SELECT to every role whatever the other policies say."
        );
        assert_eq!(hits[1].detail["clause"], "WITH CHECK");
    }

    #[test]
    fn silent_for_real_conditions_and_restrictive_policies() {
        let orders = table(1, "orders");
        let mut restrictive = policy(&orders, "open", '*', Some("true"));
        restrictive.permissive = false;
        let mut narrowed = policy(&orders, "own", 'w', Some("(owner = CURRENT_USER)"));
        narrowed.check = Some("true".into());
        let hits = hits_for(
            orders.clone(),
            vec![
                restrictive,
                narrowed,
                policy(&orders, "tenant", 'r', Some("(tenant_id = 1)")),
                policy(&orders, "truthy", 'r', Some("(is_true = true)")),
            ],
        );
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn names_the_roles_it_opens_to() {
        let orders = table(1, "orders");
        let hits = hits_for(
            orders.clone(),
            vec![to_roles(
                policy(&orders, "service", '*', Some("(true)")),
                &["service_role"],
            )],
        );
        assert!(hits[0]
            .message
            .ends_with("for every command to service_role whatever the other policies say."));
    }
}
