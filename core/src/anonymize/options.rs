//! Option checks shared by the two ways a strategy is configured: the SQL arguments of
//! `mask_*` functions and the JSON options of an anonymization rule. Both report the same
//! messages, which name the strategy, the option and the accepted range.

use serde_json::Value;

use super::error::MaskError;

/// A numeric option within `min..=max` (a float NaN is out of every range).
pub fn in_range<T: PartialOrd + ToString + Copy>(
    strategy: &str,
    option: &str,
    value: T,
    min: T,
    max: T,
) -> Result<T, MaskError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(out_of_range(
            strategy,
            option,
            &value.to_string(),
            &min.to_string(),
            &max.to_string(),
        ))
    }
}

fn out_of_range(strategy: &str, option: &str, value: &str, min: &str, max: &str) -> MaskError {
    MaskError::new(
        format!("{strategy} option \"{option}\" is {value}, out of range"),
        format!("\"{option}\" must be between {min} and {max}."),
    )
}

/// A text option that must not be empty.
pub fn non_empty<'a>(strategy: &str, option: &str, value: &'a str) -> Result<&'a str, MaskError> {
    if value.is_empty() {
        Err(MaskError::new(
            format!("{strategy} option \"{option}\" is empty"),
            format!("Give \"{option}\" at least one character."),
        ))
    } else {
        Ok(value)
    }
}

/// An option a strategy accepts, as listed by the registry and in hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    pub name: &'static str,
    /// The JSON type: `integer`, `number`, `boolean` or `string`.
    pub json_type: &'static str,
    /// The default, as SQL would print it; `None` for a required option.
    pub default: Option<&'static str>,
}

/// The options of a rule, read one by one; anything left unread is an unknown option.
pub struct JsonOptions<'a> {
    strategy: &'a str,
    object: serde_json::Map<String, Value>,
    accepted: &'a [OptionSpec],
}

impl<'a> JsonOptions<'a> {
    /// `options` must be a JSON object (or `null`, read as `{}`).
    pub fn new(
        strategy: &'a str,
        options: &Value,
        accepted: &'a [OptionSpec],
    ) -> Result<Self, MaskError> {
        let object = match options {
            Value::Null => serde_json::Map::new(),
            Value::Object(object) => object.clone(),
            other => {
                return Err(MaskError::new(
                    format!(
                        "{strategy} options must be a JSON object, not {}",
                        json_type(other)
                    ),
                    Self::hint_for(strategy, accepted),
                ))
            }
        };
        Ok(Self {
            strategy,
            object,
            accepted,
        })
    }

    pub fn int(&mut self, name: &str) -> Result<Option<i64>, MaskError> {
        self.take(name, "an integer", Value::as_i64)
    }

    pub fn float(&mut self, name: &str) -> Result<Option<f64>, MaskError> {
        self.take(name, "a number", Value::as_f64)
    }

    pub fn bool(&mut self, name: &str) -> Result<Option<bool>, MaskError> {
        self.take(name, "true or false", Value::as_bool)
    }

    pub fn string(&mut self, name: &str) -> Result<Option<String>, MaskError> {
        self.take(name, "a string", |v| v.as_str().map(str::to_owned))
    }

    /// Refuses the options not read so far.
    pub fn finish(self) -> Result<(), MaskError> {
        match self.object.keys().next() {
            None => Ok(()),
            Some(name) => Err(MaskError::new(
                format!("unknown {} option \"{name}\"", self.strategy),
                Self::hint_for(self.strategy, self.accepted),
            )),
        }
    }

    fn take<T>(
        &mut self,
        name: &str,
        expected: &str,
        read: impl Fn(&Value) -> Option<T>,
    ) -> Result<Option<T>, MaskError> {
        match self.object.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => read(&value).map(Some).ok_or_else(|| {
                MaskError::new(
                    format!(
                        "{} option \"{name}\" must be {expected}, not {} {value}",
                        self.strategy,
                        json_type(&value)
                    ),
                    Self::hint_for(self.strategy, self.accepted),
                )
            }),
        }
    }

    /// Reads a required option.
    pub fn required<T>(
        &mut self,
        name: &str,
        read: impl Fn(&mut Self, &str) -> Result<Option<T>, MaskError>,
    ) -> Result<T, MaskError> {
        read(self, name)?.ok_or_else(|| {
            MaskError::new(
                format!("{} option \"{name}\" is required", self.strategy),
                Self::hint_for(self.strategy, self.accepted),
            )
        })
    }

    fn hint_for(strategy: &str, accepted: &[OptionSpec]) -> String {
        if accepted.is_empty() {
            return format!("{strategy} takes no options: use '{{}}'.");
        }
        let list: Vec<String> = accepted
            .iter()
            .map(|spec| format!("\"{}\" ({})", spec.name, spec.json_type))
            .collect();
        format!("{strategy} options: {}.", list.join(", "))
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ACCEPTED: &[OptionSpec] = &[OptionSpec {
        name: "length",
        json_type: "integer",
        default: Some("16"),
    }];

    #[test]
    fn absent_options_read_as_none() {
        let mut options = JsonOptions::new("mask_hash", &json!({}), ACCEPTED).unwrap();
        assert_eq!(options.int("length"), Ok(None));
        assert_eq!(options.finish(), Ok(()));
    }

    #[test]
    fn null_reads_as_no_options() {
        let mut options = JsonOptions::new("mask_hash", &Value::Null, ACCEPTED).unwrap();
        assert_eq!(options.int("length"), Ok(None));
    }

    #[test]
    fn an_unknown_option_is_named_and_the_accepted_ones_listed() {
        let mut options = JsonOptions::new("mask_hash", &json!({"lenght": 3}), ACCEPTED).unwrap();
        options.int("length").unwrap();
        let error = options.finish().unwrap_err();
        assert_eq!(error.message, "unknown mask_hash option \"lenght\"");
        assert_eq!(error.hint, "mask_hash options: \"length\" (integer).");
    }

    #[test]
    fn a_wrong_json_type_names_the_expected_and_the_given_types() {
        let mut options =
            JsonOptions::new("mask_hash", &json!({"length": "12"}), ACCEPTED).unwrap();
        let error = options.int("length").unwrap_err();
        assert_eq!(
            error.message,
            "mask_hash option \"length\" must be an integer, not string \"12\""
        );
    }

    #[test]
    fn a_fractional_number_is_not_an_integer() {
        let mut options =
            JsonOptions::new("mask_hash", &json!({"length": 12.5}), ACCEPTED).unwrap();
        assert!(options.int("length").is_err());
    }

    #[test]
    fn options_that_are_not_an_object_are_refused() {
        let error = JsonOptions::new("mask_hash", &json!([12]), ACCEPTED)
            .err()
            .unwrap();
        assert_eq!(
            error.message,
            "mask_hash options must be a JSON object, not array"
        );
    }

    #[test]
    fn a_missing_required_option_is_named() {
        let mut options = JsonOptions::new("mask_hash", &json!({}), ACCEPTED).unwrap();
        let error = options.required("length", JsonOptions::int).unwrap_err();
        assert_eq!(error.message, "mask_hash option \"length\" is required");
    }

    #[test]
    fn out_of_range_names_the_bounds() {
        let error = in_range("mask_hash", "length", 99, 1, 64).unwrap_err();
        assert_eq!(
            error.message,
            "mask_hash option \"length\" is 99, out of range"
        );
        assert_eq!(error.hint, "\"length\" must be between 1 and 64.");
    }

    #[test]
    fn nan_is_out_of_range() {
        assert!(in_range("mask_noise", "ratio", f64::NAN, 0.0, 1.0).is_err());
    }
}
