//! `lint_report('sarif')` validates against the official SARIF 2.1.0 JSON schema (OASIS,
//! Errata 01, draft-04), vendored beside this file: see README.md for where it comes from.

use confiture_core::lint::engine::{LintFinding, RULE_FAILED};
use confiture_core::lint::report::render;
use confiture_core::severity::Severity;
use jsonschema::Validator;
use serde_json::{json, Value};

const SCHEMA: &str = include_str!("sarif-schema-2.1.0.json");

fn validator() -> Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Every violation, one per line, with where it is.
fn violations(validator: &Validator, log: &Value) -> String {
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn finding(
    rule: &'static str,
    severity: Severity,
    category: &'static str,
    object: (&'static str, &str),
    message: &str,
    remediation: Option<&str>,
    detail: Value,
) -> LintFinding {
    LintFinding {
        remediation: remediation.map(str::to_string),
        detail,
        ..LintFinding::new(rule, severity, category, object.0, object.1, message)
    }
}

/// What a run over a real schema reports: every severity, every kind of object, a rule that
/// failed, rules the registry knows and rules it does not, remediations over several lines,
/// quoted identifiers, and text that needs escaping.
fn realistic() -> Vec<LintFinding> {
    vec![
        finding(
            "missing_primary_key",
            Severity::Error,
            "structure",
            ("table", "public.audit_log"),
            "public.audit_log has no primary key.",
            Some("ALTER TABLE public.audit_log ADD PRIMARY KEY (id);"),
            Value::Null,
        ),
        finding(
            "missing_primary_key",
            Severity::Error,
            "structure",
            ("table", "\"Billing\".\"Invoice Lines\""),
            "\"Billing\".\"Invoice Lines\" has no primary key.",
            None,
            Value::Null,
        ),
        finding(
            RULE_FAILED,
            Severity::Error,
            "indexes",
            ("rule", "fk_without_index"),
            "Rule fk_without_index failed and reported nothing: index out of bounds",
            None,
            json!({"rule": "fk_without_index", "error": "index out of bounds"}),
        ),
        finding(
            "fk_without_index",
            Severity::Warning,
            "indexes",
            ("constraint", "public.orders.orders_customer_id_fkey"),
            "No index covers the foreign key orders_customer_id_fkey (customer_id).",
            Some("CREATE INDEX CONCURRENTLY orders_customer_id_idx\n    ON public.orders (customer_id);"),
            json!({"columns": ["customer_id"], "referenced": "public.customers", "rows": 1.2e7}),
        ),
        finding(
            "unused_index",
            Severity::Warning,
            "indexes",
            ("index", "public.orders_created_at_idx"),
            "public.orders_created_at_idx has not been scanned since statistics were reset (48 MB).",
            Some("DROP INDEX CONCURRENTLY public.orders_created_at_idx;"),
            json!({"bytes": 50_331_648, "scans": 0}),
        ),
        finding(
            "tenant_column_without_policy",
            Severity::Warning,
            "multi_tenant",
            ("policy", "app.documents.tenant_isolation"),
            "Row-level security is on but no policy filters on tenant_id: 100% of rows visible <to all>.",
            None,
            Value::Null,
        ),
        finding(
            "prefer_timestamptz",
            Severity::Info,
            "types",
            ("column", "public.events.\"créé_le\""),
            "Column public.events.\"créé_le\" is timestamp without time zone.\nUse timestamptz.",
            Some("ALTER TABLE public.events ALTER COLUMN \"créé_le\" TYPE timestamptz;"),
            Value::Null,
        ),
        finding(
            "security_definer_without_search_path",
            Severity::Error,
            "security",
            ("function", "app.transfer(bigint, bigint, numeric)"),
            "SECURITY DEFINER function without a fixed search_path.",
            Some("ALTER FUNCTION app.transfer(bigint, bigint, numeric) SET search_path = pg_catalog, app;"),
            Value::Null,
        ),
        finding(
            "public_schema_create",
            Severity::Warning,
            "security",
            ("schema", "public"),
            "PUBLIC can CREATE in schema public.",
            Some("REVOKE CREATE ON SCHEMA public FROM PUBLIC;"),
            Value::Null,
        ),
        finding(
            "sequence_near_exhaustion",
            Severity::Error,
            "types",
            ("sequence", "public.orders_id_seq"),
            "public.orders_id_seq has used 91% of its integer range.",
            None,
            json!({"used": 0.91}),
        ),
        finding(
            "extension_outdated",
            Severity::Info,
            "structure",
            ("extension", "pg_trgm"),
            "pg_trgm 1.5 is installed; 1.6 is available.",
            Some("ALTER EXTENSION pg_trgm UPDATE;"),
            Value::Null,
        ),
        finding(
            "view_without_security_invoker",
            Severity::Info,
            "security",
            ("view", "app.active_users"),
            "app.active_users runs with its owner's rights.",
            Some("ALTER VIEW app.active_users SET (security_invoker = on);"),
            Value::Null,
        ),
    ]
}

#[test]
fn sarif_of_realistic_findings_validates_against_the_schema() {
    let validator = validator();
    let sarif = render("sarif", &realistic(), env!("CARGO_PKG_VERSION")).unwrap();
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let problems = violations(&validator, &log);
    assert!(problems.is_empty(), "{problems}\n{sarif}");
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 12);
}

#[test]
fn sarif_without_findings_validates_against_the_schema() {
    let validator = validator();
    let log: Value = serde_json::from_str(&render("sarif", &[], "0.1.0").unwrap()).unwrap();
    let problems = violations(&validator, &log);
    assert!(problems.is_empty(), "{problems}");
}

/// The validator is not vacuous: logs that break the spec in the ways a renderer could are
/// refused.
#[test]
fn the_schema_refuses_what_the_spec_forbids() {
    let validator = validator();
    let good: Value =
        serde_json::from_str(&render("sarif", &realistic(), "0.1.0").unwrap()).unwrap();
    assert!(validator.is_valid(&good));
    type Breakage = fn(&mut Value);
    let breakages: [(&str, Breakage); 7] = [
        ("level info", |log| {
            log["runs"][0]["results"][0]["level"] = json!("info")
        }),
        ("no message", |log| {
            log["runs"][0]["results"][0]
                .as_object_mut()
                .unwrap()
                .remove("message");
        }),
        ("negative rule index", |log| {
            log["runs"][0]["results"][0]["ruleIndex"] = json!(-2)
        }),
        ("no driver name", |log| {
            log["runs"][0]["tool"]["driver"]
                .as_object_mut()
                .unwrap()
                .remove("name");
        }),
        ("version 2.0.0", |log| log["version"] = json!("2.0.0")),
        ("$schema not a URI", |log| {
            log["$schema"] = json!("sarif 2.1.0")
        }),
        ("unknown property", |log| {
            log["runs"][0]["results"][0]["remediation"] = json!("x")
        }),
    ];
    for (what, breakage) in breakages {
        let mut log = good.clone();
        breakage(&mut log);
        assert!(!validator.is_valid(&log), "{what} should be refused");
    }
}
