//! Reading a function's `options jsonb` argument: the pieces every capability shares, so that
//! `dry_run`, `migrate` and the others word their refusals the same way.

use serde_json::Value;

/// Why an `options` value was refused: the ERROR's message and hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub message: String,
    pub hint: String,
}

/// The JSON type of `value`, with its article, for messages.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The options of `function` as an object, or the refusal of anything else.
pub fn object<'v>(
    function: &str,
    value: &'v Value,
    example: &str,
    names: &str,
) -> Result<&'v serde_json::Map<String, Value>, OptionError> {
    value.as_object().ok_or_else(|| OptionError {
        message: format!(
            "{function} options must be a JSON object, not {}",
            json_type(value)
        ),
        hint: format!("For example '{example}'. Options: {names}."),
    })
}

/// An option `name` that `function` does not have.
pub fn unknown(function: &str, name: &str, names: &str) -> OptionError {
    OptionError {
        message: format!("unknown {function} option \"{name}\""),
        hint: format!("Options: {names}."),
    }
}

/// An option whose value has the wrong type.
pub fn wrong_type(
    function: &str,
    name: &str,
    value: &Value,
    expected: &str,
    example: &str,
) -> OptionError {
    OptionError {
        message: format!(
            "{function} option \"{name}\" must be {expected}, not {}",
            json_type(value)
        ),
        hint: format!("For example '{{\"{name}\": {example}}}'."),
    }
}

pub fn boolean(function: &str, name: &str, value: &Value) -> Result<bool, OptionError> {
    value
        .as_bool()
        .ok_or_else(|| wrong_type(function, name, value, "a boolean", "true"))
}

/// A duration option in milliseconds, written as PostgreSQL's timeout settings take it: a
/// number of milliseconds, or a string with a unit (see [`milliseconds`]).
pub fn duration(function: &str, name: &str, value: &Value) -> Result<u32, OptionError> {
    let invalid = || {
        wrong_type(
            function,
            name,
            value,
            "a duration such as \"2s\" or a number of milliseconds",
            "\"2s\"",
        )
    };
    let ms = match value {
        Value::Number(n) => n.as_f64().ok_or_else(invalid)?,
        Value::String(s) => milliseconds(s).ok_or_else(|| OptionError {
            message: format!("{function} option \"{name}\" is not a duration: \"{s}\""),
            hint: DURATION_HINT.into(),
        })?,
        _ => return Err(invalid()),
    };
    in_timeout_range(ms).ok_or_else(|| OptionError {
        message: format!("{function} option \"{name}\" is out of range: {ms} ms"),
        hint: format!("Use 0 (no limit) up to {} ms.", i32::MAX),
    })
}

pub const DURATION_HINT: &str =
    "Use a number of milliseconds, or a number with a unit: ms, s, min, h or d (for example \"2s\").";

/// `ms` as a timeout setting takes it (0 to `i32::MAX` milliseconds), rounded.
pub fn in_timeout_range(ms: f64) -> Option<u32> {
    (0.0..=f64::from(i32::MAX))
        .contains(&ms)
        .then(|| ms.round() as u32)
}

/// Milliseconds in `text`: a number with an optional unit among `ms` (the default), `s`,
/// `min`, `h` and `d`, as in `SET statement_timeout = '2s'`.
pub fn milliseconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let number: f64 = text[..split].parse().ok()?;
    let factor = match text[split..].trim() {
        "" | "ms" => 1.0,
        "s" => 1_000.0,
        "min" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => return None,
    };
    Some(number * factor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations_take_postgres_units() {
        for (text, ms) in [
            ("2s", 2_000.0),
            ("1.5 s", 1_500.0),
            ("1min", 60_000.0),
            ("0", 0.0),
            ("250ms", 250.0),
            ("1h", 3_600_000.0),
            ("1d", 86_400_000.0),
        ] {
            assert_eq!(milliseconds(text), Some(ms), "{text}");
        }
        for text in ["soon", "", "5 weeks", "-1s"] {
            assert_eq!(milliseconds(text), None, "{text}");
        }
    }

    #[test]
    fn duration_options_are_bounded_like_timeout_settings() {
        assert_eq!(duration("f", "t", &json!("2s")), Ok(2_000));
        assert_eq!(duration("f", "t", &json!(12.4)), Ok(12));
        let error = duration("f", "t", &json!(-1)).unwrap_err();
        assert_eq!(error.message, "f option \"t\" is out of range: -1 ms");
        let error = duration("f", "t", &json!(true)).unwrap_err();
        assert!(error.message.contains("must be a duration"), "{error:?}");
    }

    #[test]
    fn refusals_name_the_function_the_option_and_the_type() {
        let error = boolean("migrate", "lint", &json!("yes")).unwrap_err();
        assert_eq!(
            error.message,
            "migrate option \"lint\" must be a boolean, not a string"
        );
        let error = object("migrate", &json!([1]), "{}", "a, b").unwrap_err();
        assert_eq!(
            error.message,
            "migrate options must be a JSON object, not an array"
        );
        assert_eq!(unknown("migrate", "x", "a, b").hint, "Options: a, b.");
    }
}
