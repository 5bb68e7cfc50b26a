//! Whether a function may serve as a custom masking strategy.
//!
//! A strategy runs inside the masking UPDATE of whoever anonymizes, on every value of the
//! column, so it must be code a superuser vouches for: a function owned by a superuser, or
//! living in a schema a superuser marked trusted. It must not be `SECURITY DEFINER` (it would
//! run as its owner), and it must take and return the column's type, with the rule's options
//! as an optional second `jsonb` argument. It runs as a role without privileges (see
//! `confiture_sandbox` in the documentation), so that reading or writing a table fails.

use super::error::MaskError;
use super::registry::{TypeFamily, STRATEGIES};
use super::sql::family_of;

/// What the catalog says about the function, for the current role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionFacts {
    /// `regprocedure` text.
    pub signature: String,
    pub is_function: bool,
    /// Argument types as `format_type` writes them.
    pub arguments: Vec<String>,
    pub returns: String,
    pub returns_set: bool,
    pub security_definer: bool,
    pub owner_is_superuser: bool,
    pub schema: String,
    pub schema_trusted: bool,
    pub caller_may_execute: bool,
}

/// The family of values the function masks, or why it cannot be a strategy.
pub fn check_function(facts: &FunctionFacts) -> Result<TypeFamily, MaskError> {
    let function = &facts.signature;
    let shape = || {
        MaskError::new(
            format!("{function} cannot be a masking strategy: it must take a value and return one of the same type"),
            "Declare it as FUNCTION name(value <type>) RETURNS <type>, or with the rule's options \
             as a second argument: name(value <type>, options jsonb) RETURNS <type>; <type> \
             text, varchar, char, date, timestamp(tz), a number type or inet.",
        )
    };
    let Some(first) = facts.arguments.first() else {
        return Err(shape());
    };
    let second_is_options = facts.arguments.get(1).is_none_or(|t| t == "jsonb");
    if !facts.is_function
        || facts.returns_set
        || facts.arguments.len() > 2
        || !second_is_options
        || &facts.returns != first
    {
        return Err(shape());
    }
    let family = family_of(first).ok_or_else(shape)?;
    if facts.security_definer {
        return Err(MaskError::denied(
            format!("{function} cannot be a masking strategy: it is SECURITY DEFINER"),
            "A strategy would run as its owner inside every masking run; declare it SECURITY \
             INVOKER (the default).",
        ));
    }
    if !facts.owner_is_superuser && !facts.schema_trusted {
        return Err(MaskError::denied(
            format!(
                "{function} cannot be a masking strategy: its owner is not a superuser and schema \
                 {} is not trusted",
                facts.schema
            ),
            "A superuser vouches for strategies: by owning the function, or by marking its \
             schema trusted with confiture.trust_schema(schema).",
        ));
    }
    if !facts.caller_may_execute {
        return Err(MaskError::denied(
            format!("permission denied to use {function} as a masking strategy"),
            "The role needs EXECUTE on the function.",
        ));
    }
    Ok(family)
}

/// Whether `name` may name a custom strategy: a lower-case identifier that is not a built-in's.
pub fn check_name(name: &str) -> Result<(), MaskError> {
    if STRATEGIES.iter().any(|s| s.name == name) {
        return Err(MaskError::new(
            format!("\"{name}\" is a built-in strategy"),
            "Choose another name: a custom strategy cannot replace a built-in one.",
        ));
    }
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(MaskError::new(
            format!("invalid strategy name \"{name}\""),
            "A strategy name is lower-case letters, digits and underscores, starting with a letter.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy() -> FunctionFacts {
        FunctionFacts {
            signature: "masks.shuffle(text)".into(),
            is_function: true,
            arguments: vec!["text".into()],
            returns: "text".into(),
            returns_set: false,
            security_definer: false,
            owner_is_superuser: true,
            schema: "masks".into(),
            schema_trusted: false,
            caller_may_execute: true,
        }
    }

    #[test]
    fn a_superusers_function_of_one_value_is_a_strategy() {
        assert_eq!(check_function(&strategy()), Ok(TypeFamily::Text));
        let with_options = FunctionFacts {
            arguments: vec!["date".into(), "jsonb".into()],
            returns: "date".into(),
            ..strategy()
        };
        assert_eq!(check_function(&with_options), Ok(TypeFamily::DateTime));
    }

    #[test]
    fn the_function_must_return_what_it_takes() {
        for facts in [
            FunctionFacts {
                returns: "integer".into(),
                ..strategy()
            },
            FunctionFacts {
                arguments: vec!["text".into(), "integer".into()],
                ..strategy()
            },
            FunctionFacts {
                arguments: vec![],
                ..strategy()
            },
            FunctionFacts {
                arguments: vec!["jsonb".into()],
                returns: "jsonb".into(),
                ..strategy()
            },
            FunctionFacts {
                returns_set: true,
                ..strategy()
            },
        ] {
            let error = check_function(&facts).unwrap_err();
            assert!(error.message.contains("must take a value"), "{facts:?}");
            assert!(!error.privilege);
        }
    }

    #[test]
    fn security_definer_functions_are_refused() {
        let definer = FunctionFacts {
            security_definer: true,
            ..strategy()
        };
        assert!(check_function(&definer)
            .unwrap_err()
            .message
            .contains("SECURITY DEFINER"));
    }

    #[test]
    fn functions_nobody_vouches_for_are_refused_unless_their_schema_is_trusted() {
        let untrusted = FunctionFacts {
            owner_is_superuser: false,
            ..strategy()
        };
        let error = check_function(&untrusted).unwrap_err();
        assert!(error.message.contains("schema masks is not trusted"));
        assert!(error.privilege);
        let trusted = FunctionFacts {
            schema_trusted: true,
            ..untrusted
        };
        assert_eq!(check_function(&trusted), Ok(TypeFamily::Text));
    }

    #[test]
    fn names_are_identifiers_that_do_not_shadow_built_ins() {
        assert!(check_name("shuffle_v2").is_ok());
        assert!(check_name("mask_email")
            .unwrap_err()
            .message
            .contains("built-in"));
        assert!(check_name("Shuffle").is_err());
        assert!(check_name("a; DROP").is_err());
        assert!(check_name("").is_err());
    }
}
