//! The built-in strategies as data: what each is called, what it accepts, whether it is
//! one-to-one, and its options. The SQL layer lists them (`confiture.masking_strategies()`),
//! validates an anonymization rule with `configure` when the rule is written rather than when
//! it runs, and refuses a strategy that would break a UNIQUE column with `check_unique_column`.

use serde_json::Value;

use super::error::MaskError;
use super::options::{in_range, non_empty, JsonOptions, OptionSpec};
use super::strategies::unique::UniqueKind;
use super::strategies::{date_shift, hash, ip, noise, partial, redact};

/// The kind of column a strategy masks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeFamily {
    Text,
    /// `date`, `timestamp` and `timestamptz`.
    DateTime,
    Numeric,
    Inet,
}

impl TypeFamily {
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::DateTime => "date/time",
            Self::Numeric => "numeric",
            Self::Inet => "inet",
        }
    }
}

/// A built-in strategy, as listed to users.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strategy {
    pub name: &'static str,
    /// One-to-one for a fixed key: distinct values never mask alike, so UNIQUE and PRIMARY
    /// KEY constraints (and foreign keys to them) survive masking.
    pub unique_safe: bool,
    pub accepts: TypeFamily,
    pub description: &'static str,
    pub options: &'static [OptionSpec],
    /// What to use instead on a UNIQUE column, when this strategy is not one-to-one.
    pub unique_alternative: Option<&'static str>,
}

const fn option(
    name: &'static str,
    json_type: &'static str,
    default: Option<&'static str>,
) -> OptionSpec {
    OptionSpec {
        name,
        json_type,
        default,
    }
}

pub const STRATEGIES: [Strategy; 12] = [
    Strategy {
        name: "mask_hash",
        unique_safe: false,
        accepts: TypeFamily::Text,
        description: "keyed HMAC-SHA256 of the value, in hexadecimal",
        options: &[option("length", "integer", Some("16"))],
        unique_alternative: Some("mask_unique with kind 'alnum'"),
    },
    Strategy {
        name: "mask_email",
        unique_safe: false,
        accepts: TypeFamily::Text,
        description: "e-mail address with a keyed local part and an example.com domain",
        options: &[option("keep_domain", "boolean", Some("false"))],
        unique_alternative: Some("mask_unique with kind 'email'"),
    },
    Strategy {
        name: "mask_name",
        unique_safe: false,
        accepts: TypeFamily::Text,
        description: "made-up first and last names of the same shape",
        options: &[],
        unique_alternative: Some("mask_unique with kind 'alnum'"),
    },
    Strategy {
        name: "mask_phone",
        unique_safe: false,
        accepts: TypeFamily::Text,
        description: "phone number with keyed digits, same country code and format",
        options: &[],
        unique_alternative: Some("mask_unique with kind 'digits'"),
    },
    Strategy {
        name: "mask_partial",
        unique_safe: false,
        accepts: TypeFamily::Text,
        description: "keeps the first and last characters, pads the middle",
        options: &[
            option("keep_prefix", "integer", None),
            option("keep_suffix", "integer", None),
            option("pad", "string", Some("'*'")),
        ],
        unique_alternative: Some("mask_unique with kind 'alnum'"),
    },
    Strategy {
        name: "mask_redact",
        unique_safe: false,
        accepts: TypeFamily::Text,
        description: "replaces the value with a constant",
        options: &[option("replacement", "string", Some("'[REDACTED]'"))],
        unique_alternative: Some("mask_unique with kind 'alnum'"),
    },
    Strategy {
        name: "mask_date_shift",
        unique_safe: false,
        accepts: TypeFamily::DateTime,
        description: "moves the date by a keyed number of days, never zero",
        options: &[option("max_days", "integer", Some("30"))],
        unique_alternative: None,
    },
    Strategy {
        name: "mask_noise",
        unique_safe: false,
        accepts: TypeFamily::Numeric,
        description: "multiplies the number by a keyed factor within 1 ± ratio",
        options: &[option("ratio", "number", Some("0.1"))],
        unique_alternative: None,
    },
    Strategy {
        name: "mask_ip",
        unique_safe: true,
        accepts: TypeFamily::Inet,
        description: "keeps the network prefix, permutes the host bits",
        options: &[option("keep_prefix", "integer", Some("16"))],
        unique_alternative: None,
    },
    Strategy {
        name: "mask_credit_card",
        unique_safe: false,
        accepts: TypeFamily::Text,
        description: "Luhn-valid card number keeping the last four digits",
        options: &[],
        unique_alternative: Some("mask_unique with kind 'digits'"),
    },
    Strategy {
        name: "mask_text_pii",
        unique_safe: false,
        accepts: TypeFamily::Text,
        description: "replaces e-mails, phones, card numbers and IBANs inside free text",
        options: &[],
        unique_alternative: Some("mask_unique with kind 'alnum'"),
    },
    Strategy {
        name: "mask_unique",
        unique_safe: true,
        accepts: TypeFamily::Text,
        description: "keyed one-to-one permutation keeping length and character classes",
        options: &[option("kind", "string", None)],
        unique_alternative: None,
    },
];

/// The built-in strategy called `name`.
pub fn strategy(name: &str) -> Result<&'static Strategy, MaskError> {
    STRATEGIES.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<&str> = STRATEGIES.iter().map(|s| s.name).collect();
        MaskError::new(
            format!("unknown masking strategy \"{name}\""),
            format!("The built-in strategies are {}.", names.join(", ")),
        )
    })
}

/// A strategy with validated options, ready to mask a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Masking {
    Hash {
        length: i64,
    },
    Email {
        keep_domain: bool,
    },
    Name,
    Phone,
    Partial {
        keep_prefix: i64,
        keep_suffix: i64,
        pad: String,
    },
    Redact {
        replacement: String,
    },
    DateShift {
        max_days: i64,
    },
    Noise {
        ratio: f64,
    },
    /// The range of `keep_prefix` depends on each address's family: 0 to 128 is checked here,
    /// 0 to 32 for IPv4 by `mask_ip`.
    Ip {
        keep_prefix: i64,
    },
    CreditCard,
    TextPii,
    Unique {
        kind: UniqueKind,
    },
}

/// Validates a rule's JSON options (`{"length": 12}`) for the strategy called `name`, with
/// the messages the `mask_*` functions give for the same values, and fills in the defaults.
pub fn configure(name: &str, options: &Value) -> Result<Masking, MaskError> {
    let spec = strategy(name)?;
    let mut json = JsonOptions::new(spec.name, options, spec.options)?;
    let masking = match spec.name {
        "mask_hash" => {
            let length = json.int("length")?.unwrap_or(hash::DEFAULT_LENGTH);
            Masking::Hash {
                length: in_range(name, "length", length, 1, hash::MAX_LENGTH)?,
            }
        }
        "mask_email" => Masking::Email {
            keep_domain: json.bool("keep_domain")?.unwrap_or(false),
        },
        "mask_name" => Masking::Name,
        "mask_phone" => Masking::Phone,
        "mask_partial" => {
            let keep_prefix = json.required("keep_prefix", JsonOptions::int)?;
            let keep_suffix = json.required("keep_suffix", JsonOptions::int)?;
            let pad = json.string("pad")?;
            Masking::Partial {
                keep_prefix: in_range(name, "keep_prefix", keep_prefix, 0, partial::MAX_KEEP)?,
                keep_suffix: in_range(name, "keep_suffix", keep_suffix, 0, partial::MAX_KEEP)?,
                pad: non_empty(name, "pad", pad.as_deref().unwrap_or(partial::DEFAULT_PAD))?
                    .to_owned(),
            }
        }
        "mask_redact" => Masking::Redact {
            replacement: json
                .string("replacement")?
                .unwrap_or_else(|| redact::DEFAULT_REPLACEMENT.to_owned()),
        },
        "mask_date_shift" => {
            let max_days = json
                .int("max_days")?
                .unwrap_or(date_shift::DEFAULT_MAX_DAYS);
            Masking::DateShift {
                max_days: in_range(name, "max_days", max_days, 1, date_shift::MAX_MAX_DAYS)?,
            }
        }
        "mask_noise" => {
            let ratio = json.float("ratio")?.unwrap_or(noise::DEFAULT_RATIO);
            Masking::Noise {
                ratio: in_range(name, "ratio", ratio, 0.0, 1.0)?,
            }
        }
        "mask_ip" => {
            let keep_prefix = json.int("keep_prefix")?.unwrap_or(ip::DEFAULT_KEEP_PREFIX);
            Masking::Ip {
                keep_prefix: in_range(name, "keep_prefix", keep_prefix, 0, 128)?,
            }
        }
        "mask_credit_card" => Masking::CreditCard,
        "mask_text_pii" => Masking::TextPii,
        "mask_unique" => Masking::Unique {
            kind: UniqueKind::parse(&json.required("kind", JsonOptions::string)?)?,
        },
        other => unreachable!("strategy {other} is listed but not configured"),
    };
    json.finish()?;
    Ok(masking)
}

/// Whether the strategy called `name` may mask a column that a UNIQUE or PRIMARY KEY
/// constraint covers: only a one-to-one strategy keeps distinct values distinct, any other
/// may make the masking UPDATE fail on a duplicate key, or worse, merge rows that a foreign
/// key told apart. The error's hint names the strategy to use instead.
pub fn check_unique_column(name: &str, column_is_unique: bool) -> Result<(), MaskError> {
    let spec = strategy(name)?;
    if !column_is_unique || spec.unique_safe {
        return Ok(());
    }
    let hint = match spec.unique_alternative {
        Some(alternative) => format!("Use {alternative}, which is one-to-one."),
        None => format!(
            "No built-in strategy is one-to-one for {} values: leave this column unmasked, or \
             use a one-to-one custom strategy.",
            spec.accepts.name()
        ),
    };
    Err(MaskError::new(
        format!(
            "{name} is not one-to-one: two values of this UNIQUE or PRIMARY KEY column could \
             mask to the same value"
        ),
        hint,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_strategy_is_listed_once() {
        let names: std::collections::HashSet<&str> = STRATEGIES.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), STRATEGIES.len());
    }

    #[test]
    fn every_strategy_has_a_one_line_description() {
        for spec in &STRATEGIES {
            assert!(
                !spec.description.is_empty() && !spec.description.contains('\n'),
                "{}",
                spec.name
            );
        }
    }

    #[test]
    fn every_strategy_configures_with_defaults_or_required_options() {
        for spec in &STRATEGIES {
            let required: serde_json::Map<String, Value> = spec
                .options
                .iter()
                .filter(|o| o.default.is_none())
                .map(|o| {
                    let value = if o.json_type == "integer" {
                        json!(1)
                    } else {
                        json!("digits")
                    };
                    (o.name.to_owned(), value)
                })
                .collect();
            assert!(
                configure(spec.name, &Value::Object(required)).is_ok(),
                "{}",
                spec.name
            );
        }
    }

    #[test]
    fn only_one_to_one_strategies_have_no_unique_alternative_to_name() {
        for spec in &STRATEGIES {
            if spec.unique_safe {
                assert_eq!(spec.unique_alternative, None, "{}", spec.name);
            }
        }
        let safe: Vec<&str> = STRATEGIES
            .iter()
            .filter(|s| s.unique_safe)
            .map(|s| s.name)
            .collect();
        assert_eq!(safe, ["mask_ip", "mask_unique"]);
    }

    #[test]
    fn listed_defaults_are_the_ones_applied() {
        let default = |name, option| {
            let spec = strategy(name).unwrap();
            let option = spec.options.iter().find(|o| o.name == option).unwrap();
            option.default.unwrap()
        };
        assert_eq!(
            default("mask_hash", "length"),
            hash::DEFAULT_LENGTH.to_string()
        );
        assert_eq!(
            default("mask_date_shift", "max_days"),
            date_shift::DEFAULT_MAX_DAYS.to_string()
        );
        assert_eq!(
            default("mask_noise", "ratio"),
            noise::DEFAULT_RATIO.to_string()
        );
        assert_eq!(
            default("mask_ip", "keep_prefix"),
            ip::DEFAULT_KEEP_PREFIX.to_string()
        );
        assert_eq!(
            default("mask_partial", "pad"),
            format!("'{}'", partial::DEFAULT_PAD)
        );
        assert_eq!(
            default("mask_redact", "replacement"),
            format!("'{}'", redact::DEFAULT_REPLACEMENT)
        );
    }

    #[test]
    fn defaults_are_filled_in() {
        assert_eq!(
            configure("mask_hash", &json!({})),
            Ok(Masking::Hash { length: 16 })
        );
        assert_eq!(
            configure("mask_date_shift", &Value::Null),
            Ok(Masking::DateShift { max_days: 30 })
        );
        assert_eq!(
            configure("mask_redact", &json!({})),
            Ok(Masking::Redact {
                replacement: "[REDACTED]".into()
            })
        );
    }

    #[test]
    fn given_options_are_read() {
        assert_eq!(
            configure("mask_hash", &json!({"length": 12})),
            Ok(Masking::Hash { length: 12 })
        );
        assert_eq!(
            configure("mask_partial", &json!({"keep_prefix": 2, "keep_suffix": 2})),
            Ok(Masking::Partial {
                keep_prefix: 2,
                keep_suffix: 2,
                pad: "*".into()
            })
        );
        assert_eq!(
            configure("mask_unique", &json!({"kind": "email"})),
            Ok(Masking::Unique {
                kind: UniqueKind::Email
            })
        );
        assert_eq!(
            configure("mask_noise", &json!({"ratio": 0.25})),
            Ok(Masking::Noise { ratio: 0.25 })
        );
    }

    #[test]
    fn an_unknown_strategy_is_refused_with_the_list() {
        let error = configure("mask_sha1", &json!({})).unwrap_err();
        assert_eq!(error.message, "unknown masking strategy \"mask_sha1\"");
        assert!(error.hint.contains("mask_hash, mask_email"), "{error:?}");
    }

    #[test]
    fn an_unknown_option_is_refused_with_the_accepted_ones() {
        let error = configure(
            "mask_partial",
            &json!({"keep_prefix": 1, "keep_suffix": 1, "keep": 3}),
        )
        .unwrap_err();
        assert_eq!(error.message, "unknown mask_partial option \"keep\"");
        assert_eq!(
            error.hint,
            "mask_partial options: \"keep_prefix\" (integer), \"keep_suffix\" (integer), \"pad\" (string)."
        );
        let error = configure("mask_name", &json!({"style": "x"})).unwrap_err();
        assert_eq!(error.hint, "mask_name takes no options: use '{}'.");
    }

    #[test]
    fn a_wrongly_typed_option_is_refused() {
        let error = configure("mask_email", &json!({"keep_domain": "yes"})).unwrap_err();
        assert_eq!(
            error.message,
            "mask_email option \"keep_domain\" must be true or false, not string \"yes\""
        );
    }

    #[test]
    fn an_out_of_range_option_is_refused_as_the_function_would() {
        let error = configure("mask_hash", &json!({"length": 100})).unwrap_err();
        assert_eq!(error, hash::mask_hash(b"k", "v", 100).unwrap_err());
        assert!(configure("mask_ip", &json!({"keep_prefix": 129})).is_err());
        assert!(configure("mask_noise", &json!({"ratio": 2})).is_err());
        assert!(configure(
            "mask_partial",
            &json!({"keep_prefix": -1, "keep_suffix": 0})
        )
        .is_err());
        assert!(configure(
            "mask_partial",
            &json!({"keep_prefix": 1, "keep_suffix": 1, "pad": ""})
        )
        .is_err());
        assert!(configure("mask_date_shift", &json!({"max_days": 0})).is_err());
    }

    #[test]
    fn a_missing_required_option_is_refused() {
        let error = configure("mask_unique", &json!({})).unwrap_err();
        assert_eq!(error.message, "mask_unique option \"kind\" is required");
        assert!(configure("mask_partial", &json!({"keep_prefix": 1})).is_err());
    }

    #[test]
    fn an_unknown_unique_kind_is_refused() {
        let error = configure("mask_unique", &json!({"kind": "uuid"})).unwrap_err();
        assert_eq!(error.message, "unknown mask_unique kind \"uuid\"");
    }

    #[test]
    fn any_strategy_may_mask_a_column_without_unique_constraint() {
        for spec in &STRATEGIES {
            assert_eq!(check_unique_column(spec.name, false), Ok(()));
        }
    }

    #[test]
    fn one_to_one_strategies_may_mask_a_unique_column() {
        assert_eq!(check_unique_column("mask_unique", true), Ok(()));
        assert_eq!(check_unique_column("mask_ip", true), Ok(()));
    }

    #[test]
    fn a_unique_column_refuses_other_strategies_and_names_the_alternative() {
        let error = check_unique_column("mask_email", true).unwrap_err();
        assert!(
            error.message.starts_with("mask_email is not one-to-one"),
            "{error:?}"
        );
        assert_eq!(
            error.hint,
            "Use mask_unique with kind 'email', which is one-to-one."
        );
    }

    #[test]
    fn a_unique_date_column_is_told_there_is_no_built_in_alternative() {
        let error = check_unique_column("mask_date_shift", true).unwrap_err();
        assert!(
            error
                .hint
                .starts_with("No built-in strategy is one-to-one for date/time"),
            "{error:?}"
        );
    }
}
