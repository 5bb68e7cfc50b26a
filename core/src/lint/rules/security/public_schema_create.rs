//! A schema where PUBLIC (every role, present and future) may create objects: anyone can plant
//! a function or operator that shadows a built-in one for whoever has the schema on their
//! `search_path` (CVE-2018-1058). PostgreSQL 15 stopped granting CREATE on `public` by
//! default; databases created before keep it ("Schemas and Privileges": the secure schema
//! usage pattern).

use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

use super::{on_schema, Quote};

pub const RULE: LintRule = LintRule {
    id: "public_schema_create",
    category: "security",
    severity: Severity::Warning,
    enabled: true,
    description: "a schema where every role may create objects",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let quote = Quote::new(context.catalog);
    context
        .catalog
        .schemas
        .iter()
        .filter(|s| s.public_create)
        .map(|s| {
            let name = quote.ident(&s.name);
            on_schema(
                s,
                &quote,
                format!("Every role may create objects in schema {name}, and so shadow the functions and operators of anyone who has it on their search_path."),
            )
            .with_remediation(format!("REVOKE CREATE ON SCHEMA {name} FROM PUBLIC;"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{schema, Objects};
    use super::*;

    #[test]
    fn fires_for_schemas_public_may_create_in() {
        let mut public = schema("public");
        public.public_create = true;
        let mut scratch = schema("Scratch");
        scratch.public_create = true;
        let hits = crate::lint::testing::run(
            &RULE,
            &Objects {
                schemas: vec![public, scratch, schema("app")],
                ..Objects::default()
            }
            .catalog(),
        );
        let names: Vec<&str> = hits.iter().map(|h| h.object_name.as_str()).collect();
        assert_eq!(names, ["public", "\"Scratch\""]);
        assert_eq!(hits[0].object_type, "schema");
        assert_eq!(hits[0].schema, "public");
        assert_eq!(
            hits[1].remediation.as_deref(),
            Some("REVOKE CREATE ON SCHEMA \"Scratch\" FROM PUBLIC;")
        );
    }
}
