//! A `SECURITY DEFINER` function or procedure that does not set `search_path`: it runs with its
//! owner's rights but resolves unqualified names through the caller's `search_path`, so a caller
//! who can create objects in any schema on that path (or in `pg_temp`, which is searched first
//! unless named) can make it run their own operator, function or table with the owner's rights
//! ("Writing SECURITY DEFINER Functions Safely" in the CREATE FUNCTION documentation).

use serde_json::json;

use super::on_function;
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "security_definer_without_search_path",
    category: "security",
    severity: Severity::Error,
    enabled: true,
    description: "a SECURITY DEFINER function or procedure that does not set search_path",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    context
        .catalog
        .functions
        .iter()
        // An aggregate's own security is its support functions', reported themselves.
        .filter(|f| f.security_definer && !f.sets_search_path && f.kind != 'a')
        .map(|f| {
            let what = if f.kind == 'p' { "PROCEDURE" } else { "FUNCTION" };
            on_function(
                f,
                format!(
                    "{} is SECURITY DEFINER without a fixed search_path, so callers can make it run their objects with its owner's rights.",
                    f.signature
                ),
            )
            .with_remediation(format!(
                "ALTER {what} {} SET search_path = pg_catalog, pg_temp;",
                f.signature
            ))
            .with_detail(json!({ "kind": what.to_lowercase(), "language": f.language }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{function, Objects};
    use super::*;
    use crate::lint::catalog::Function;

    fn definer(oid: u32, name: &str, kind: char) -> Function {
        let mut f = function(oid, name);
        f.security_definer = true;
        f.kind = kind;
        f
    }

    fn hits_for(functions: Vec<Function>) -> Vec<Hit> {
        crate::lint::testing::run(
            &RULE,
            &Objects {
                functions,
                ..Objects::default()
            }
            .catalog(),
        )
    }

    #[test]
    fn fires_for_definer_functions_and_procedures_without_search_path() {
        let hits = hits_for(vec![
            definer(1, "grant_role", 'f'),
            definer(2, "purge", 'p'),
        ]);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].object_type, "function");
        assert_eq!(hits[0].object_name, "public.grant_role()");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER FUNCTION public.grant_role() SET search_path = pg_catalog, pg_temp;")
        );
        assert_eq!(
            hits[1].remediation.as_deref(),
            Some("ALTER PROCEDURE public.purge() SET search_path = pg_catalog, pg_temp;")
        );
    }

    #[test]
    fn silent_with_search_path_for_invokers_and_aggregates() {
        let mut pinned = definer(1, "grant_role", 'f');
        pinned.sets_search_path = true;
        let invoker = function(2, "lookup");
        let aggregate = definer(3, "total", 'a');
        assert!(hits_for(vec![pinned, invoker, aggregate]).is_empty());
    }
}
