//! The configuration tables read as an [`engine::Config`], and the checks `configure_rule`
//! makes before writing to them.

use serde_json::Value;

use super::engine::{Config, Exclusion, RuleConfig};
use super::rule::LintRule;
use crate::json_options::json_type;
use crate::severity::Severity;

impl Config {
    /// From `{"rules": [[rule, enabled, severity, options], ...], "exclusions": [[rule,
    /// pattern], ...]}`, the shape the extension's query returns.
    pub fn from_json(value: &Value) -> Config {
        let rows = |key: &str| value[key].as_array().cloned().unwrap_or_default();
        let rules = rows("rules")
            .iter()
            .filter_map(|row| {
                let rule = row[0].as_str()?.to_string();
                Some((
                    rule,
                    RuleConfig {
                        enabled: row[1].as_bool(),
                        severity: row[2].as_str().and_then(Severity::from_name),
                        options: row[3].is_object().then(|| row[3].clone()),
                    },
                ))
            })
            .collect();
        let exclusions = rows("exclusions")
            .iter()
            .filter_map(|row| {
                Some(Exclusion {
                    rule: row[0].as_str()?.to_string(),
                    pattern: row[1].as_str()?.to_string(),
                })
            })
            .collect();
        Config { rules, exclusions }
    }
}

/// Why `options` cannot configure `rule`: not an object, an option the rule does not have, or
/// a value of another JSON type than its default.
pub fn check_options(rule: &LintRule, options: &Value) -> Result<(), String> {
    let defaults = (rule.options)();
    let known: Vec<&String> = defaults
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    let Some(options) = options.as_object() else {
        return Err(format!(
            "options of rule \"{}\" must be a JSON object",
            rule.id
        ));
    };
    for (name, value) in options {
        let Some(default) = defaults.get(name) else {
            let listed = if known.is_empty() {
                "it has none".to_string()
            } else {
                known
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(format!(
                "rule \"{}\" has no option \"{name}\" (options: {listed})",
                rule.id
            ));
        };
        if json_type(default) != json_type(value) {
            return Err(format!(
                "option \"{name}\" of rule \"{}\" must be {}, not {}",
                rule.id,
                json_type(default),
                json_type(value)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules;
    use serde_json::json;

    #[test]
    fn configuration_rows_become_rule_settings_and_exclusions() {
        let config = Config::from_json(&json!({
            "rules": [["missing_primary_key", false, null, null], ["unused_index", null, "warning", {"min_bytes": 0}]],
            "exclusions": [["missing_primary_key", "public.audit%"]]
        }));
        assert_eq!(config.rules["missing_primary_key"].enabled, Some(false));
        assert_eq!(
            config.rules["unused_index"].severity,
            Some(Severity::Warning)
        );
        assert_eq!(
            config.rules["unused_index"].options,
            Some(json!({"min_bytes": 0}))
        );
        assert_eq!(config.exclusions[0].pattern, "public.audit%");
    }

    #[test]
    fn options_are_checked_against_the_rules_defaults() {
        let rule = rules::find("missing_primary_key").unwrap();
        assert!(check_options(rule, &json!({})).is_ok());
        let error = check_options(rule, &json!({"x": 1})).unwrap_err();
        assert!(
            error.contains("has no option \"x\" (options: it has none)"),
            "{error}"
        );
        assert!(check_options(rule, &json!([1])).is_err());
    }
}
