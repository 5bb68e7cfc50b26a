//! A `json` column: `json` stores the text as given and parses it again on every access; it has
//! no equality operator (no DISTINCT, GROUP BY, unique index) and no GIN indexing, where
//! `jsonb` is parsed once, compared, indexed and queried with containment operators.

use super::{alter_type, element_type, table_columns, type_hit};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "prefer_jsonb",
    category: "types",
    severity: Severity::Info,
    enabled: true,
    description: "a json column",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    table_columns(context.catalog)
        .filter_map(|(t, c)| {
            let (element, array) = element_type(&c.type_name);
            if element != "json" {
                return None;
            }
            let jsonb = if array { "jsonb[]" } else { "jsonb" };
            Some(type_hit(
                t,
                c,
                format!(
                    "Column {}.{} is {}, which is parsed on every access and cannot be compared \
                     or GIN-indexed; use {jsonb}.",
                    t.qualified, c.quoted, c.type_name
                ),
                Some(alter_type(
                    t,
                    c,
                    jsonb,
                    Some(format!("{}::{jsonb}", c.quoted)),
                )),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_json_and_json_arrays() {
        let mut hooks = table(1, "webhooks");
        hooks.columns = vec![column(1, "payload", "json"), column(2, "batches", "json[]")];
        let hits = run(&RULE, &catalog(vec![hooks], vec![], vec![]));
        assert_eq!(
            hits.iter()
                .map(|h| h.remediation.as_deref().unwrap())
                .collect::<Vec<_>>(),
            [
                "ALTER TABLE public.webhooks ALTER COLUMN payload TYPE jsonb USING payload::jsonb;",
                "ALTER TABLE public.webhooks ALTER COLUMN batches TYPE jsonb[] USING \
                 batches::jsonb[];",
            ]
        );
    }

    #[test]
    fn silent_for_jsonb_and_views() {
        let mut hooks = table(1, "webhooks");
        hooks.columns = vec![column(1, "payload", "jsonb")];
        let mut view = table(2, "hook_view");
        view.kind = crate::lint::catalog::TableKind::View;
        view.columns = vec![column(1, "payload", "json")];
        assert!(run(&RULE, &catalog(vec![hooks, view], vec![], vec![])).is_empty());
    }
}
