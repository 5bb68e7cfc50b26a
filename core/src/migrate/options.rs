//! The `options` argument of `migrate`.

use serde_json::Value;

use crate::json_options::{self, boolean, OptionError};
use crate::risk::score::Level;

/// What `migrate` does when the migration fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Re-raise the original error (its SQLSTATE kept): the caller's transaction is aborted.
    Raise,
    /// Roll back the migration's work, record the failed attempt and return the error as the
    /// result, so that the record survives when the caller commits.
    Record,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Refuse a migration whose assess_risk level is above this one.
    pub max_risk: Option<Level>,
    /// Lint the schema before and after the statements, in the same transaction, and fail on
    /// errors the statements introduced.
    pub lint: bool,
    /// Run everything, hooks included, then roll it all back.
    pub dry_run: bool,
    pub on_error: OnError,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_risk: None,
            lint: false,
            dry_run: false,
            on_error: OnError::Raise,
        }
    }
}

const FUNCTION: &str = "migrate";
pub const NAMES: &str = "max_risk, lint, dry_run, on_error";
const LEVELS: [Level; 4] = [Level::Low, Level::Medium, Level::High, Level::Critical];

impl Options {
    pub fn from_json(value: &Value) -> Result<Self, OptionError> {
        let object = json_options::object(FUNCTION, value, "{\"max_risk\": \"medium\"}", NAMES)?;
        let mut options = Self::default();
        for (name, value) in object {
            match name.as_str() {
                "max_risk" => options.max_risk = Some(level(name, value)?),
                "lint" => options.lint = boolean(FUNCTION, name, value)?,
                "dry_run" => options.dry_run = boolean(FUNCTION, name, value)?,
                "on_error" => options.on_error = on_error(name, value)?,
                _ => return Err(json_options::unknown(FUNCTION, name, NAMES)),
            }
        }
        Ok(options)
    }
}

fn level(name: &str, value: &Value) -> Result<Level, OptionError> {
    let text = value.as_str().ok_or_else(|| {
        json_options::wrong_type(FUNCTION, name, value, "a risk level", "\"medium\"")
    })?;
    LEVELS
        .into_iter()
        .find(|l| l.name() == text)
        .ok_or_else(|| OptionError {
            message: format!("migrate option \"max_risk\" is not a risk level: \"{text}\""),
            hint: "Levels: low, medium, high, critical (as assess_risk reports them).".into(),
        })
}

fn on_error(name: &str, value: &Value) -> Result<OnError, OptionError> {
    match value.as_str() {
        Some("raise") => Ok(OnError::Raise),
        Some("record") => Ok(OnError::Record),
        Some(other) => Err(OptionError {
            message: format!(
                "migrate option \"on_error\" must be \"raise\" or \"record\", not \"{other}\""
            ),
            hint:
                "\"record\" keeps the failed attempt in confiture.migrations and returns the error."
                    .into(),
        }),
        None => Err(json_options::wrong_type(
            FUNCTION,
            name,
            value,
            "\"raise\" or \"record\"",
            "\"record\"",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_options_apply_for_real_and_raise() {
        assert_eq!(Options::from_json(&json!({})).unwrap(), Options::default());
        assert_eq!(Options::default().on_error, OnError::Raise);
    }

    #[test]
    fn every_option_is_read() {
        let options = Options::from_json(
            &json!({"max_risk": "high", "lint": true, "dry_run": true, "on_error": "record"}),
        )
        .unwrap();
        assert_eq!(options.max_risk, Some(Level::High));
        assert!(options.lint && options.dry_run);
        assert_eq!(options.on_error, OnError::Record);
    }

    #[test]
    fn bad_options_are_named_with_what_is_allowed() {
        let error = |v| Options::from_json(&v).unwrap_err();
        assert_eq!(
            error(json!({"max_risk": "severe"})).message,
            "migrate option \"max_risk\" is not a risk level: \"severe\""
        );
        assert!(error(json!({"max_risk": 3}))
            .message
            .contains("must be a risk level"));
        assert!(error(json!({"on_error": "ignore"}))
            .message
            .contains("\"raise\" or \"record\""));
        assert_eq!(
            error(json!({"dryrun": true})).hint,
            format!("Options: {NAMES}.")
        );
        assert!(error(json!("x")).message.contains("must be a JSON object"));
    }
}
