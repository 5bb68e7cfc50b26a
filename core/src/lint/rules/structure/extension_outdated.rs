//! An installed extension older than the version its installed files provide: the server runs
//! the new library against the old SQL objects until `ALTER EXTENSION … UPDATE`, which misses
//! fixes and can break in subtle ways (functions missing, signatures changed).

use serde_json::json;

use super::super::helpers::quote_ident;
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "extension_outdated",
    category: "structure",
    severity: Severity::Warning,
    enabled: true,
    description: "an extension installed at an older version than its default",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    catalog
        .extensions
        .iter()
        .filter_map(|extension| {
            let default = extension.default_version.as_deref()?;
            (default != extension.version).then(|| Hit {
                object_type: "extension",
                object_name: extension.name.clone(),
                schema: extension.schema.clone(),
                comment: None,
                message: format!(
                    "Extension {} is at version {} but {default} is available.",
                    extension.name, extension.version
                ),
                remediation: Some(format!(
                    "ALTER EXTENSION {} UPDATE;",
                    quote_ident(catalog, &extension.name)
                )),
                detail: json!({
                    "version": extension.version,
                    "default_version": default,
                }),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::Extension;
    use crate::lint::testing::*;

    fn extension(name: &str, version: &str, default: Option<&str>) -> Extension {
        Extension {
            name: name.into(),
            schema: "public".into(),
            version: version.into(),
            default_version: default.map(str::to_string),
        }
    }

    #[test]
    fn fires_for_an_older_version_only() {
        let mut catalog = catalog(vec![], vec![], vec![]);
        catalog.extensions = vec![
            extension("pg_trgm", "1.5", Some("1.6")),
            extension("uuid-ossp", "1.0", Some("1.1")),
            extension("hstore", "1.8", Some("1.8")),
            // Its control file is gone: nothing to update to.
            extension("legacy", "0.1", None),
        ];
        let hits = run(&RULE, &catalog);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].object_type, "extension");
        assert_eq!(hits[0].object_name, "pg_trgm");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER EXTENSION pg_trgm UPDATE;")
        );
        assert_eq!(
            hits[1].remediation.as_deref(),
            Some("ALTER EXTENSION \"uuid-ossp\" UPDATE;")
        );
        assert_eq!(hits[0].detail["default_version"], "1.6");
    }
}
