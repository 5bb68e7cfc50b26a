//! The SQL that masks a column: which column types a strategy family takes, and the expression
//! an anonymization UPDATE assigns to the column. Options are data: strings become quoted
//! literals and numbers numbers, so no option can add SQL of its own.

use serde_json::Value;

use super::registry::{Masking, TypeFamily};

/// The family of a column whose base type (a domain's base type for a domain), written as
/// `format_type(oid, NULL)` writes it, a strategy may mask; `None` for any other type. Only
/// built-in types are listed: a user-defined type's casts and functions are user code.
pub fn family_of(base_type: &str) -> Option<TypeFamily> {
    Some(match base_type {
        "text" | "character varying" | "character" => TypeFamily::Text,
        "date" | "timestamp with time zone" | "timestamp without time zone" => TypeFamily::DateTime,
        "numeric" | "smallint" | "integer" | "bigint" | "real" | "double precision" => {
            TypeFamily::Numeric
        }
        "inet" => TypeFamily::Inet,
        _ => return None,
    })
}

/// How a column is masked.
#[derive(Debug, Clone, PartialEq)]
pub enum Call<'a> {
    Builtin(&'a Masking),
    /// A registered strategy, through `confiture.mask_custom`, given the column as its
    /// function's argument type.
    Custom {
        name: &'a str,
        options: &'a Value,
        argument_type: &'a str,
    },
}

/// The masked value of the column `column` (already quoted). The UPDATE casts it back to the
/// column's type, so that its typmod and domain constraints apply.
pub fn expression(call: &Call, column: &str) -> String {
    let text = format!("{column}::text");
    let (function, arguments) = match call {
        Call::Custom {
            name,
            options,
            argument_type,
        } => {
            let options = literal(&options.to_string());
            return format!(
                "confiture.mask_custom({}, {column}::{argument_type}, {options}::jsonb)",
                literal(name)
            );
        }
        Call::Builtin(masking) => match masking {
            Masking::Hash { length } => ("mask_hash", vec![text, length.to_string()]),
            Masking::Email { keep_domain } => ("mask_email", vec![text, keep_domain.to_string()]),
            Masking::Name => ("mask_name", vec![text]),
            Masking::Phone => ("mask_phone", vec![text]),
            Masking::Partial {
                keep_prefix,
                keep_suffix,
                pad,
            } => (
                "mask_partial",
                vec![
                    text,
                    keep_prefix.to_string(),
                    keep_suffix.to_string(),
                    literal(pad),
                ],
            ),
            Masking::Redact { replacement } => ("mask_redact", vec![text, literal(replacement)]),
            Masking::DateShift { max_days } => (
                "mask_date_shift",
                vec![column.to_string(), max_days.to_string()],
            ),
            Masking::Noise { ratio } => (
                "mask_noise",
                vec![format!("{column}::numeric"), format!("{ratio:?}")],
            ),
            Masking::Ip { keep_prefix } => {
                ("mask_ip", vec![column.to_string(), keep_prefix.to_string()])
            }
            Masking::CreditCard => ("mask_credit_card", vec![text]),
            Masking::TextPii => ("mask_text_pii", vec![text]),
            Masking::Unique { kind } => ("mask_unique", vec![text, literal(kind.name())]),
        },
    };
    format!("confiture.{function}({})", arguments.join(", "))
}

/// `value` as an SQL string literal, whatever `standard_conforming_strings` says.
pub fn literal(value: &str) -> String {
    let quoted = value.replace('\'', "''");
    if value.contains('\\') {
        format!("E'{}'", quoted.replace('\\', "\\\\"))
    } else {
        format!("'{quoted}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymize::registry::configure;
    use crate::anonymize::UniqueKind;
    use serde_json::json;

    fn builtin(name: &str, options: Value) -> String {
        expression(
            &Call::Builtin(&configure(name, &options).unwrap()),
            "\"e mail\"",
        )
    }

    #[test]
    fn built_in_types_have_a_family_and_others_none() {
        assert_eq!(family_of("character varying"), Some(TypeFamily::Text));
        assert_eq!(
            family_of("timestamp without time zone"),
            Some(TypeFamily::DateTime)
        );
        assert_eq!(family_of("bigint"), Some(TypeFamily::Numeric));
        assert_eq!(family_of("inet"), Some(TypeFamily::Inet));
        assert_eq!(family_of("cidr"), None);
        assert_eq!(family_of("public.citext"), None);
        assert_eq!(family_of("jsonb"), None);
    }

    #[test]
    fn text_strategies_mask_the_column_as_text_with_their_options() {
        assert_eq!(
            builtin("mask_email", json!({"keep_domain": true})),
            "confiture.mask_email(\"e mail\"::text, true)"
        );
        assert_eq!(
            builtin("mask_hash", json!({})),
            "confiture.mask_hash(\"e mail\"::text, 16)"
        );
        assert_eq!(
            builtin("mask_unique", json!({"kind": "email"})),
            "confiture.mask_unique(\"e mail\"::text, 'email')"
        );
    }

    #[test]
    fn other_families_keep_their_type_or_use_numeric() {
        assert_eq!(
            builtin("mask_date_shift", json!({"max_days": 7})),
            "confiture.mask_date_shift(\"e mail\", 7)"
        );
        assert_eq!(
            builtin("mask_noise", json!({"ratio": 0.2})),
            "confiture.mask_noise(\"e mail\"::numeric, 0.2)"
        );
        assert_eq!(
            builtin("mask_noise", json!({"ratio": 1})),
            "confiture.mask_noise(\"e mail\"::numeric, 1.0)"
        );
        assert_eq!(
            builtin("mask_ip", json!({})),
            "confiture.mask_ip(\"e mail\", 16)"
        );
    }

    #[test]
    fn string_options_are_literals_that_cannot_escape() {
        assert_eq!(
            builtin(
                "mask_redact",
                json!({"replacement": "x'); DROP TABLE t; --"})
            ),
            "confiture.mask_redact(\"e mail\"::text, 'x''); DROP TABLE t; --')"
        );
        assert_eq!(literal("a\\'b"), "E'a\\\\''b'");
        assert_eq!(
            expression(
                &Call::Builtin(&Masking::Unique {
                    kind: UniqueKind::Digits
                }),
                "c"
            ),
            "confiture.mask_unique(c::text, 'digits')"
        );
    }

    #[test]
    fn custom_strategies_go_through_mask_custom_with_their_options_as_jsonb() {
        let options = json!({"salt_column": "it's"});
        assert_eq!(
            expression(
                &Call::Custom {
                    name: "shuffle",
                    options: &options,
                    argument_type: "character varying",
                },
                "c"
            ),
            "confiture.mask_custom('shuffle', c::character varying, '{\"salt_column\":\"it''s\"}'::jsonb)"
        );
    }
}
