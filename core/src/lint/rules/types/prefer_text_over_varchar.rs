//! A `character varying(n)` column: in PostgreSQL `text` and `varchar` are stored alike, so the
//! length limit buys nothing but a migration the day a value is longer (and raising it is only
//! free when the new limit is larger); a CHECK constraint states a real business limit better.

use super::{alter_type, element_type, table_columns, type_hit};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "prefer_text_over_varchar",
    category: "types",
    severity: Severity::Info,
    enabled: false,
    description: "a character varying(n) column",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    table_columns(context.catalog)
        .filter_map(|(t, c)| {
            let (element, array) = element_type(&c.type_name);
            if !element.starts_with("character varying(") {
                return None;
            }
            let text = if array { "text[]" } else { "text" };
            Some(type_hit(
                t,
                c,
                format!(
                    "Column {}.{} is {}, whose length limit PostgreSQL does not need; use {text}.",
                    t.qualified, c.quoted, c.type_name
                ),
                // varchar to text is binary coercible: no rewrite, no index rebuild.
                Some(alter_type(t, c, text, None)),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_bounded_varchar_and_its_arrays() {
        let mut users = table(1, "users");
        users.columns = vec![
            column(1, "email", "character varying(255)"),
            column(2, "tags", "character varying(20)[]"),
        ];
        let hits = run(&RULE, &catalog(vec![users], vec![], vec![]));
        assert_eq!(
            hits.iter()
                .map(|h| h.remediation.as_deref().unwrap())
                .collect::<Vec<_>>(),
            [
                "ALTER TABLE public.users ALTER COLUMN email TYPE text;",
                "ALTER TABLE public.users ALTER COLUMN tags TYPE text[];",
            ]
        );
    }

    #[test]
    fn silent_for_text_unbounded_varchar_and_char() {
        let mut users = table(1, "users");
        users.columns = vec![
            column(1, "name", "text"),
            column(2, "nick", "character varying"),
            column(3, "country", "character(2)"),
        ];
        assert!(run(&RULE, &catalog(vec![users], vec![], vec![])).is_empty());
    }
}
