//! Whether an anonymization rule may be written: the column can be masked, the strategy
//! takes its type, its options are valid, and a UNIQUE column gets a one-to-one strategy.
//! Checked when the rule is declared (`set_rule`) and again before each masking run, since the
//! table may have changed in between.

use serde_json::Value;

use super::error::MaskError;
use super::registry::{check_unique_column, configure, strategy, Masking, TypeFamily};
use super::sql::{family_of, Call};

/// What the catalog says about the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnFacts {
    pub table: String,
    /// A table (plain or partitioned): views, foreign tables and the like hold no rows to mask.
    pub is_table: bool,
    pub column: String,
    pub exists: bool,
    /// `GENERATED ALWAYS AS (...) STORED`: computed from other columns, never assigned.
    pub generated: bool,
    /// `GENERATED ALWAYS AS IDENTITY`: assigned only by the sequence.
    pub identity_always: bool,
    /// The column's type, a domain's base type for a domain, as `format_type` writes it.
    pub base_type: String,
    /// Part of a unique index: a UNIQUE or PRIMARY KEY constraint, or a unique index.
    pub unique: bool,
}

/// A registered custom strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Custom {
    pub family: TypeFamily,
    /// The type of its function's first argument, as `format_type` writes it.
    pub argument_type: String,
    pub unique_safe: bool,
}

/// How a valid rule masks its column.
#[derive(Debug, Clone, PartialEq)]
pub enum Planned {
    Builtin(Masking),
    Custom {
        name: String,
        options: Value,
        argument_type: String,
    },
}

impl Planned {
    pub fn call(&self) -> Call<'_> {
        match self {
            Self::Builtin(masking) => Call::Builtin(masking),
            Self::Custom {
                name,
                options,
                argument_type,
            } => Call::Custom {
                name,
                options,
                argument_type,
            },
        }
    }
}

/// Checks the rule masking `column` with `strategy_name` (`custom` when it is a registered
/// strategy) and `options`.
pub fn check_rule(
    column: &ColumnFacts,
    strategy_name: &str,
    options: &Value,
    custom: Option<&Custom>,
) -> Result<Planned, MaskError> {
    let target = format!("column {} of {}", column.column, column.table);
    if !column.is_table {
        return Err(MaskError::new(
            format!("{} is not a table", column.table),
            "Rules mask the rows of tables (partitioned tables included): mask the table a \
             view reads from.",
        ));
    }
    if !column.exists {
        return Err(MaskError::new(
            format!("{target} does not exist"),
            "Rules name a column of the table as it is now.",
        ));
    }
    if column.generated || column.identity_always {
        let what = if column.generated {
            "a generated column: it is computed from other columns, mask those"
        } else {
            "an identity column GENERATED ALWAYS: only its sequence assigns it"
        };
        return Err(MaskError::new(
            format!("{target} cannot be masked"),
            format!("It is {what}."),
        ));
    }
    let family =
        family_of(&column.base_type).ok_or_else(|| {
            MaskError::new(
            format!("{target} is of type {}, which no strategy masks", column.base_type),
            "Strategies mask built-in text, date and time, number and inet columns (and domains \
             over them).",
        )
        })?;
    let (accepts, planned) = match custom {
        Some(custom) => {
            if !options.is_object() {
                return Err(MaskError::new(
                    format!("options of strategy {strategy_name} must be a JSON object"),
                    "They are passed to the strategy function as its jsonb argument.",
                ));
            }
            if column.unique && !custom.unique_safe {
                return Err(MaskError::new(
                    format!(
                        "{strategy_name} is not registered as one-to-one, and {target} is unique"
                    ),
                    "Use mask_unique, or register the strategy with unique_safe => true if \
                     distinct values always mask to distinct values.",
                ));
            }
            let planned = Planned::Custom {
                name: strategy_name.to_string(),
                options: options.clone(),
                argument_type: custom.argument_type.clone(),
            };
            (custom.family, planned)
        }
        None => {
            let spec = strategy(strategy_name)?;
            let masking = configure(strategy_name, options)?;
            check_unique_column(strategy_name, column.unique)?;
            (spec.accepts, Planned::Builtin(masking))
        }
    };
    if accepts != family {
        return Err(MaskError::new(
            format!(
                "{strategy_name} masks {} values, and {target} is {}",
                accepts.name(),
                column.base_type
            ),
            format!(
                "Choose a strategy for {} values: SELECT name FROM confiture.masking_strategies() \
                 WHERE accepts = '{}'.",
                family.name(),
                family.name()
            ),
        ));
    }
    Ok(planned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn email() -> ColumnFacts {
        ColumnFacts {
            table: "public.customers".into(),
            is_table: true,
            column: "email".into(),
            exists: true,
            generated: false,
            identity_always: false,
            base_type: "character varying".into(),
            unique: false,
        }
    }

    #[test]
    fn a_text_column_takes_a_text_strategy_with_its_options() {
        assert_eq!(
            check_rule(&email(), "mask_email", &json!({"keep_domain": true}), None),
            Ok(Planned::Builtin(Masking::Email { keep_domain: true }))
        );
    }

    #[test]
    fn a_strategy_of_another_family_is_refused_with_the_right_ones_named() {
        let error = check_rule(&email(), "mask_noise", &json!({}), None).unwrap_err();
        assert_eq!(
            error.message,
            "mask_noise masks numeric values, and column email of public.customers is character varying"
        );
        assert!(error.hint.contains("accepts = 'text'"));
    }

    #[test]
    fn a_unique_column_needs_a_one_to_one_strategy() {
        let unique = ColumnFacts {
            unique: true,
            ..email()
        };
        let error = check_rule(&unique, "mask_email", &json!({}), None).unwrap_err();
        assert!(
            error.hint.contains("mask_unique with kind 'email'"),
            "{error:?}"
        );
        assert!(check_rule(&unique, "mask_unique", &json!({"kind": "email"}), None).is_ok());
        let custom = Custom {
            family: TypeFamily::Text,
            argument_type: "text".into(),
            unique_safe: false,
        };
        assert!(check_rule(&unique, "shuffle", &json!({}), Some(&custom)).is_err());
        let one_to_one = Custom {
            unique_safe: true,
            ..custom
        };
        assert!(check_rule(&unique, "shuffle", &json!({}), Some(&one_to_one)).is_ok());
    }

    #[test]
    fn columns_that_cannot_be_assigned_or_typed_are_refused() {
        let missing = ColumnFacts {
            exists: false,
            ..email()
        };
        assert!(check_rule(&missing, "mask_email", &json!({}), None)
            .unwrap_err()
            .message
            .ends_with("does not exist"));
        let generated = ColumnFacts {
            generated: true,
            ..email()
        };
        assert!(check_rule(&generated, "mask_email", &json!({}), None).is_err());
        let view = ColumnFacts {
            is_table: false,
            ..email()
        };
        assert_eq!(
            check_rule(&view, "mask_email", &json!({}), None)
                .unwrap_err()
                .message,
            "public.customers is not a table"
        );
        let jsonb = ColumnFacts {
            base_type: "jsonb".into(),
            ..email()
        };
        assert!(check_rule(&jsonb, "mask_email", &json!({}), None)
            .unwrap_err()
            .message
            .contains("which no strategy masks"));
    }

    #[test]
    fn bad_options_and_unknown_strategies_are_refused() {
        assert!(check_rule(&email(), "mask_hash", &json!({"length": 0}), None).is_err());
        assert!(check_rule(&email(), "mask_hash", &json!({"size": 4}), None).is_err());
        assert!(check_rule(&email(), "mask_everything", &json!({}), None)
            .unwrap_err()
            .message
            .contains("unknown masking strategy"));
    }
}
