//! How a call of `assess_risk` is configured: rules ignored (the `options` argument) and the
//! throughput figures of the duration model (GUCs).

use serde_json::Value;

use super::effects::Effects;
use super::statement::{Operation, Statement};

/// Throughputs of the duration model, in MB/s (`confiture.scan_mb_per_s`, ...).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throughput {
    pub scan_mb_per_s: f64,
    pub rewrite_mb_per_s: f64,
    pub index_build_mb_per_s: f64,
}

impl Default for Throughput {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Throughput {
    /// Conservative figures for a busy server on SSDs (docs/reference/assess_risk.md).
    pub const DEFAULT: Throughput = Throughput {
        scan_mb_per_s: 200.0,
        rewrite_mb_per_s: 50.0,
        index_build_mb_per_s: 40.0,
    };

    /// Estimated time of the statement's scan or rewrite: bytes over the throughput of that
    /// kind of work. `None` when it neither scans nor rewrites existing data.
    pub fn duration_ms(&self, statement: &Statement, effects: &Effects) -> Option<f64> {
        if !effects.scans && !effects.rewrites {
            return None;
        }
        let builds_index = matches!(
            statement.operation,
            Operation::CreateIndex(_) | Operation::Reindex { .. }
        );
        let mb_per_s = if effects.rewrites && !builds_index {
            self.rewrite_mb_per_s
        } else if builds_index {
            self.index_build_mb_per_s
        } else {
            self.scan_mb_per_s
        };
        let megabytes = effects.bytes as f64 / 1_048_576.0;
        Some((megabytes / mb_per_s * 1000.0 * 1000.0).round() / 1000.0)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// Rule ids disabled for the whole call.
    pub ignore: Vec<String>,
    pub throughput: Throughput,
}

/// Why an `options` value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub message: String,
    pub hint: String,
}

impl Options {
    /// Reads `{"ignore": ["rule_id", ...]}`; every id must be a known rule.
    pub fn from_json(value: &Value, known_rules: &[&str]) -> Result<Self, OptionError> {
        let hint = "For example '{\"ignore\": [\"prefer_text\"]}'. Options: ignore.".to_string();
        let object = value.as_object().ok_or_else(|| OptionError {
            message: "assess_risk options must be a JSON object".into(),
            hint: hint.clone(),
        })?;
        let mut options = Options::default();
        for (name, value) in object {
            if name != "ignore" {
                return Err(OptionError {
                    message: format!("unknown assess_risk option \"{name}\""),
                    hint,
                });
            }
            let list = value.as_array().ok_or_else(|| OptionError {
                message: "assess_risk option \"ignore\" must be an array of rule ids".into(),
                hint: hint.clone(),
            })?;
            for id in list {
                let id = id.as_str().ok_or_else(|| OptionError {
                    message: format!("assess_risk option \"ignore\" holds {id}, not a rule id"),
                    hint: hint.clone(),
                })?;
                if !known_rules.contains(&id) {
                    return Err(OptionError {
                        message: format!("unknown rule \"{id}\" in assess_risk option \"ignore\""),
                        hint: "SELECT rule FROM confiture.risk_rules() lists the rules.".into(),
                    });
                }
                options.ignore.push(id.to_string());
            }
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ignore_lists_known_rules() {
        let options = Options::from_json(&json!({"ignore": ["a", "b"]}), &["a", "b", "c"]).unwrap();
        assert_eq!(options.ignore, ["a", "b"]);
    }

    #[test]
    fn unknown_rules_options_and_shapes_are_refused() {
        let known = ["a"];
        let error = Options::from_json(&json!({"ignore": ["zz"]}), &known).unwrap_err();
        assert!(error.message.contains("unknown rule \"zz\""), "{error:?}");
        let error = Options::from_json(&json!({"ignor": []}), &known).unwrap_err();
        assert!(error
            .message
            .contains("unknown assess_risk option \"ignor\""));
        assert!(Options::from_json(&json!([]), &known).is_err());
        assert!(Options::from_json(&json!({"ignore": "a"}), &known).is_err());
        assert!(Options::from_json(&json!({"ignore": [1]}), &known).is_err());
    }
}
