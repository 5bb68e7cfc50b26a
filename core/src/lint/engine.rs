//! Running the rules: configuration (enabled, severity, options), exclusions (LIKE patterns
//! and `@confiture:ignore` in object comments), filters, stable fingerprints, and isolation of a
//! rule that fails so that the others still run.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use serde_json::{json, Value};

use super::catalog::LintCatalog;
use super::rule::{Hit, LintContext, LintRule};
use super::rules;
use crate::severity::Severity;

/// The configuration of one rule (`confiture.lint_rule_config`); `None` keeps the default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleConfig {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    pub options: Option<Value>,
}

/// `confiture.exclude(rule, object_pattern, reason)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub rule: String,
    /// LIKE pattern on `object_name` (`%`, `_`, `\` escapes).
    pub pattern: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub rules: HashMap<String, RuleConfig>,
    pub exclusions: Vec<Exclusion>,
}

/// What a call asks for: `schemas` (`None`: all), `rules` (`None`: every enabled rule; named
/// rules run even when disabled), findings of at least `min_severity`.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub schemas: Option<Vec<String>>,
    pub rules: Option<Vec<String>>,
    pub min_severity: Severity,
}

impl Default for Selection {
    fn default() -> Self {
        Self {
            schemas: None,
            rules: None,
            min_severity: Severity::Info,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LintFinding {
    pub rule: &'static str,
    pub severity: Severity,
    pub category: &'static str,
    pub object_type: &'static str,
    pub object_name: String,
    pub message: String,
    pub remediation: Option<String>,
    pub detail: Value,
    pub fingerprint: String,
}

impl LintFinding {
    /// A finding with its fingerprint, and neither remediation nor detail.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        category: &'static str,
        object_type: &'static str,
        object_name: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let object_name = object_name.into();
        LintFinding {
            fingerprint: fingerprint(rule, object_type, &object_name),
            rule,
            severity,
            category,
            object_type,
            object_name,
            message: message.into(),
            remediation: None,
            detail: Value::Null,
        }
    }
}

/// The rule reported when a rule fails: its error is a finding, the run goes on.
pub const RULE_FAILED: &str = "lint_rule_failed";

/// A rule's effective settings under `config`.
pub struct Effective<'a> {
    pub rule: &'static LintRule,
    pub enabled: bool,
    pub severity: Severity,
    pub options: Value,
    pub configured: Option<&'a RuleConfig>,
}

pub fn effective<'a>(rule: &'static LintRule, config: &'a Config) -> Effective<'a> {
    let configured = config.rules.get(rule.id);
    let mut options = (rule.options)();
    if let (Some(Value::Object(set)), Value::Object(defaults)) =
        (configured.and_then(|c| c.options.as_ref()), &mut options)
    {
        for (name, value) in set {
            defaults.insert(name.clone(), value.clone());
        }
    }
    Effective {
        rule,
        enabled: configured.and_then(|c| c.enabled).unwrap_or(rule.enabled),
        severity: configured.and_then(|c| c.severity).unwrap_or(rule.severity),
        options,
        configured,
    }
}

/// Time each rule took, for the benchmark's per-rule breakdown.
pub type Timings = Vec<(&'static str, f64)>;

/// Lints `catalog` under `config`: the findings, ordered by severity (errors first), rule and
/// object, and the time each rule took.
pub fn lint(
    catalog: &LintCatalog,
    config: &Config,
    selection: &Selection,
) -> (Vec<LintFinding>, Timings) {
    let mut findings = Vec::new();
    let mut timings = Vec::new();
    for rule in rules::all() {
        let settings = effective(rule, config);
        let asked = selection
            .rules
            .as_ref()
            .map(|r| r.iter().any(|id| id == rule.id));
        if !asked.unwrap_or(settings.enabled) || settings.severity < selection.min_severity {
            continue;
        }
        let context = LintContext {
            catalog,
            options: &settings.options,
        };
        let started = Instant::now();
        let hits = catch_unwind(AssertUnwindSafe(|| (rule.check)(&context)));
        timings.push((rule.id, started.elapsed().as_secs_f64() * 1000.0));
        match hits {
            Ok(hits) => findings.extend(
                hits.into_iter()
                    .filter(|hit| selected(hit, selection) && !excluded(rule.id, hit, config))
                    .map(|hit| finding(rule, settings.severity, hit)),
            ),
            Err(panic) => findings.push(failure(rule, panic)),
        }
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.cmp(b.rule))
            .then(a.object_name.cmp(&b.object_name))
    });
    (findings, timings)
}

fn selected(hit: &Hit, selection: &Selection) -> bool {
    selection
        .schemas
        .as_ref()
        .is_none_or(|schemas| schemas.contains(&hit.schema))
}

/// Excluded by configuration or by `@confiture:ignore rule_id` in the object's comment.
fn excluded(rule: &str, hit: &Hit, config: &Config) -> bool {
    let by_comment = hit.comment.as_deref().is_some_and(|comment| {
        comment
            .match_indices("@confiture:ignore")
            .any(|(at, marker)| {
                comment[at + marker.len()..]
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|w| !w.is_empty())
                    .take_while(|w| !w.starts_with('@'))
                    .any(|w| w.trim_end_matches(['.', ';']) == rule)
            })
    });
    by_comment
        || config
            .exclusions
            .iter()
            .any(|e| e.rule == rule && like(&hit.object_name, &e.pattern))
}

fn finding(rule: &'static LintRule, severity: Severity, hit: Hit) -> LintFinding {
    LintFinding {
        remediation: hit.remediation,
        detail: hit.detail,
        ..LintFinding::new(
            rule.id,
            severity,
            rule.category,
            hit.object_type,
            hit.object_name,
            hit.message,
        )
    }
}

fn failure(rule: &'static LintRule, panic: Box<dyn std::any::Any + Send>) -> LintFinding {
    let error = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown error".into());
    LintFinding {
        detail: json!({"rule": rule.id, "error": error}),
        ..LintFinding::new(
            RULE_FAILED,
            Severity::Error,
            rule.category,
            "rule",
            rule.id,
            format!("Rule {} failed and reported nothing: {error}", rule.id),
        )
    }
}

/// A stable identity for (rule, object): FNV-1a over the rule id, the object type and the
/// object's qualified name, so it survives changes to anything else.
pub fn fingerprint(rule: &str, object_type: &str, object_name: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in [rule, object_type, object_name].join("\u{0}").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// SQL's `LIKE`: `%` any run, `_` one character, `\` escapes the next one.
pub fn like(text: &str, pattern: &str) -> bool {
    fn matches(text: &[char], pattern: &[char]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('%', rest)) => (0..=text.len()).any(|i| matches(&text[i..], rest)),
            Some(('_', rest)) => !text.is_empty() && matches(&text[1..], rest),
            Some(('\\', [escaped, rest @ ..])) => {
                text.first() == Some(escaped) && matches(&text[1..], rest)
            }
            Some((c, rest)) => text.first() == Some(c) && matches(&text[1..], rest),
        }
    }
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    matches(&text, &pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_follows_sql() {
        assert!(like("public.audit_log", "public.audit%"));
        assert!(like("public.a_b", "public.a\\_b"));
        assert!(!like("public.axb", "public.a\\_b"));
        assert!(like("app.t1", "app.t_"));
        assert!(!like("app.t12", "app.t_"));
        assert!(like("x", "%"));
    }

    #[test]
    fn fingerprints_depend_on_rule_and_object_only() {
        let a = fingerprint("missing_primary_key", "table", "public.audit");
        assert_eq!(
            a,
            fingerprint("missing_primary_key", "table", "public.audit")
        );
        assert_ne!(
            a,
            fingerprint("missing_primary_key", "table", "public.audit2")
        );
        assert_ne!(a, fingerprint("fk_without_index", "table", "public.audit"));
        assert_eq!(a.len(), 16);
    }

    fn hit(comment: Option<&str>) -> Hit {
        Hit {
            object_type: "table",
            object_name: "public.audit_log".into(),
            schema: "public".into(),
            comment: comment.map(str::to_string),
            message: String::new(),
            remediation: None,
            detail: Value::Null,
        }
    }

    #[test]
    fn comments_and_patterns_exclude() {
        let none = Config::default();
        let commented = hit(Some(
            "append-only log. @confiture:ignore missing_primary_key",
        ));
        assert!(excluded("missing_primary_key", &commented, &none));
        assert!(!excluded("missing_table_comment", &commented, &none));
        let listed = hit(Some("@confiture:ignore a, missing_primary_key"));
        assert!(excluded("missing_primary_key", &listed, &none));
        let config = Config {
            exclusions: vec![Exclusion {
                rule: "missing_primary_key".into(),
                pattern: "public.audit%".into(),
            }],
            ..Config::default()
        };
        assert!(excluded("missing_primary_key", &hit(None), &config));
        assert!(!excluded("fk_without_index", &hit(None), &config));
    }
}
