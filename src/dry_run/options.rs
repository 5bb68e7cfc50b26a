//! The `options` argument of `dry_run`: validated before anything runs.

use confiture_core::json_options::{self, boolean, duration, OptionError};
use serde_json::Value;

/// How a dry run behaves; see docs/reference/dry_run.md.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Stop at the first failing statement (the rest are `not_run`).
    pub stop_on_error: bool,
    /// `lock_timeout` for every statement, in milliseconds (0: wait forever).
    pub lock_timeout_ms: u32,
    /// `statement_timeout` for every statement, in milliseconds (0: no limit).
    pub statement_timeout_ms: u32,
    /// Run the non-concurrent form of `CREATE INDEX CONCURRENTLY` and friends instead of
    /// skipping them.
    pub simulate_concurrently: bool,
    /// Put the planner's EXPLAIN of each DML statement in its message.
    pub explain: bool,
    /// Ratio of production data volume to this database's, for the time estimate.
    pub data_scale: f64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            stop_on_error: true,
            lock_timeout_ms: 1_000,
            statement_timeout_ms: 60_000,
            simulate_concurrently: false,
            explain: false,
            data_scale: 1.0,
        }
    }
}

pub const NAMES: &str =
    "stop_on_error, lock_timeout, statement_timeout, simulate_concurrently, explain, data_scale";

impl Options {
    /// Reads `options`, which must be a JSON object of known options with values of their type.
    pub fn from_json(options: &Value) -> Result<Self, OptionError> {
        let object = json_options::object(FUNCTION, options, "{\"stop_on_error\": false}", NAMES)?;
        let mut parsed = Self::default();
        for (name, value) in object {
            match name.as_str() {
                "stop_on_error" => parsed.stop_on_error = boolean(FUNCTION, name, value)?,
                "simulate_concurrently" => {
                    parsed.simulate_concurrently = boolean(FUNCTION, name, value)?
                }
                "explain" => parsed.explain = boolean(FUNCTION, name, value)?,
                "lock_timeout" => parsed.lock_timeout_ms = duration(FUNCTION, name, value)?,
                "statement_timeout" => {
                    parsed.statement_timeout_ms = duration(FUNCTION, name, value)?
                }
                "data_scale" => parsed.data_scale = scale(name, value)?,
                _ => return Err(json_options::unknown(FUNCTION, name, NAMES)),
            }
        }
        Ok(parsed)
    }
}

const FUNCTION: &str = "dry_run";

fn scale(name: &str, value: &Value) -> Result<f64, OptionError> {
    value
        .as_f64()
        .filter(|s| s.is_finite() && *s > 0.0)
        .ok_or_else(|| json_options::wrong_type(FUNCTION, name, value, "a positive number", "20"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_object_gives_the_documented_defaults() {
        let options = Options::from_json(&json!({})).unwrap();
        assert_eq!(options, Options::default());
        assert!(options.stop_on_error);
        assert_eq!(options.lock_timeout_ms, 1_000);
        assert_eq!(options.statement_timeout_ms, 60_000);
    }

    #[test]
    fn every_option_is_read() {
        let options = Options::from_json(&json!({
            "stop_on_error": false, "simulate_concurrently": true, "explain": true,
            "lock_timeout": "250ms", "statement_timeout": 5000, "data_scale": 12.5
        }))
        .unwrap();
        assert!(!options.stop_on_error && options.simulate_concurrently && options.explain);
        assert_eq!(options.lock_timeout_ms, 250);
        assert_eq!(options.statement_timeout_ms, 5_000);
        assert_eq!(options.data_scale, 12.5);
    }

    #[test]
    fn durations_take_postgres_units() {
        for (text, ms) in [
            ("2s", 2_000),
            ("1.5 s", 1_500),
            ("1min", 60_000),
            ("0", 0),
            ("1h", 3_600_000),
        ] {
            let options = Options::from_json(&json!({ "lock_timeout": text })).unwrap();
            assert_eq!(options.lock_timeout_ms, ms, "{text}");
        }
    }

    #[test]
    fn unknown_option_is_named_with_the_valid_ones() {
        let error = Options::from_json(&json!({"lock_timout": "1s"})).unwrap_err();
        assert_eq!(error.message, "unknown dry_run option \"lock_timout\"");
        assert!(error.hint.contains("lock_timeout"));
    }

    #[test]
    fn wrong_types_name_the_option_and_the_type() {
        let error = Options::from_json(&json!({"stop_on_error": "no"})).unwrap_err();
        assert_eq!(
            error.message,
            "dry_run option \"stop_on_error\" must be a boolean, not a string"
        );
        let error = Options::from_json(&json!({"lock_timeout": "soon"})).unwrap_err();
        assert_eq!(
            error.message,
            "dry_run option \"lock_timeout\" is not a duration: \"soon\""
        );
        assert!(Options::from_json(&json!({"lock_timeout": -1})).is_err());
        assert!(Options::from_json(&json!({"data_scale": 0})).is_err());
    }

    #[test]
    fn options_must_be_an_object() {
        let error = Options::from_json(&json!([1])).unwrap_err();
        assert_eq!(
            error.message,
            "dry_run options must be a JSON object, not an array"
        );
    }
}
