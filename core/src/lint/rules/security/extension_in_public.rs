//! An extension installed in schema `public`: its functions, operators and types mix with the
//! application's, every role that can create in `public` can shadow them, dumps and diffs of
//! the application's schema carry them, and `DROP SCHEMA public CASCADE` takes them along.
//! A schema of their own (`extensions`) keeps them apart.

use serde_json::json;

use super::{on_extension, Quote};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "extension_in_public",
    category: "security",
    severity: Severity::Warning,
    enabled: true,
    description: "an extension installed in schema public",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let quote = Quote::new(context.catalog);
    context
        .catalog
        .extensions
        .iter()
        .filter(|e| e.schema == "public")
        .map(|e| {
            let name = quote.ident(&e.name);
            on_extension(
                e,
                &quote,
                format!("Extension {name} is installed in schema public, among the application's own objects."),
            )
            // Only relocatable extensions move (pg_extension.extrelocatable, not in the
            // catalog model): SET SCHEMA says so when it cannot.
            .with_remediation(format!(
                "CREATE SCHEMA IF NOT EXISTS extensions;\nALTER EXTENSION {name} SET SCHEMA extensions;"
            ))
            .with_detail(json!({ "extension": e.name, "version": e.version }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{extension, Objects};
    use super::*;

    #[test]
    fn fires_for_extensions_in_public() {
        let hits = crate::lint::testing::run(
            &RULE,
            &Objects {
                extensions: vec![
                    extension("pgcrypto", "public"),
                    extension("uuid-ossp", "public"),
                    extension("pg_trgm", "extensions"),
                ],
                ..Objects::default()
            }
            .catalog(),
        );
        let names: Vec<&str> = hits.iter().map(|h| h.object_name.as_str()).collect();
        assert_eq!(names, ["pgcrypto", "\"uuid-ossp\""]);
        assert_eq!(hits[0].object_type, "extension");
        assert_eq!(hits[0].schema, "public");
        assert_eq!(
            hits[1].remediation.as_deref(),
            Some("CREATE SCHEMA IF NOT EXISTS extensions;\nALTER EXTENSION \"uuid-ossp\" SET SCHEMA extensions;")
        );
    }
}
