//! Whether a function may serve as a hook for the role about to run it.
//!
//! A hook runs with the privileges of the role that runs the migration, so a function written
//! by someone else would act as that role: its owner must be a role that already has the
//! caller's privileges (the caller itself, a member of the caller's role, or a superuser),
//! so that running it gives its owner nothing new. A `SECURITY DEFINER`
//! function would run as its owner instead, with the caller able to trigger it at will, so it
//! is refused unless the caller owns it.

/// What the catalog says about the function, relative to the current role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionFacts {
    /// `regprocedure` text of the function.
    pub signature: String,
    /// A plain function (`prokind = 'f'`), not a procedure or aggregate.
    pub is_function: bool,
    /// Exactly one argument, of type `jsonb`.
    pub takes_jsonb: bool,
    /// Result type as `format_type` writes it.
    pub returns: String,
    pub returns_set: bool,
    pub security_definer: bool,
    pub owner: String,
    pub owned_by_caller: bool,
    /// `pg_has_role(owner, current_user, 'USAGE')`: true for superusers.
    pub owner_has_callers_privileges: bool,
    pub caller_may_execute: bool,
}

/// Why a function cannot be a hook for the current role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub hint: String,
    /// A matter of privileges (SQLSTATE 42501) rather than of the function's signature.
    pub privilege: bool,
}

/// `None` when the function may run as a hook for the current role.
pub fn refusal(facts: &FunctionFacts) -> Option<Refusal> {
    let function = &facts.signature;
    let refused = |message: String, hint: &str| {
        Some(Refusal {
            message,
            hint: hint.to_string(),
            privilege: false,
        })
    };
    let denied = |message: String, hint: &str| {
        Some(Refusal {
            privilege: true,
            ..refused(message, hint)?
        })
    };
    if !facts.is_function || !facts.takes_jsonb || facts.returns_set {
        return refused(
            format!("{function} cannot be a hook: a hook is a function of one jsonb argument"),
            "Declare it as FUNCTION name(context jsonb) RETURNS jsonb (or void).",
        );
    }
    if facts.returns != "jsonb" && facts.returns != "void" {
        return refused(
            format!(
                "{function} cannot be a hook: it returns {}, not jsonb or void",
                facts.returns
            ),
            "What a hook returns is kept as jsonb; return jsonb, or void for nothing.",
        );
    }
    if !facts.caller_may_execute {
        return denied(
            format!("permission denied to run {function} as a hook"),
            "The role running the migration needs EXECUTE on the function.",
        );
    }
    if facts.security_definer && !facts.owned_by_caller {
        return denied(
            format!(
                "{function} cannot be a hook: it is SECURITY DEFINER and owned by {}",
                facts.owner
            ),
            "A hook runs with the privileges of the role running the migration; SECURITY \
             DEFINER hooks are accepted only from their owner.",
        );
    }
    if !facts.owner_has_callers_privileges {
        return denied(
            format!(
                "{function} cannot be a hook for the current role: it is owned by {}, which does \
                 not have the current role's privileges",
                facts.owner
            ),
            "Running it would let its owner act with your privileges. Use a function owned by \
             you, by a role that is a member of yours, or by a superuser.",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook() -> FunctionFacts {
        FunctionFacts {
            signature: "audit.record(jsonb)".into(),
            is_function: true,
            takes_jsonb: true,
            returns: "jsonb".into(),
            returns_set: false,
            security_definer: false,
            owner: "dba".into(),
            owned_by_caller: false,
            owner_has_callers_privileges: true,
            caller_may_execute: true,
        }
    }

    #[test]
    fn a_jsonb_function_of_a_trusted_owner_is_a_hook() {
        assert_eq!(refusal(&hook()), None);
        let void = FunctionFacts {
            returns: "void".into(),
            ..hook()
        };
        assert_eq!(refusal(&void), None);
    }

    #[test]
    fn the_signature_must_be_one_jsonb_argument() {
        let two_args = FunctionFacts {
            takes_jsonb: false,
            ..hook()
        };
        assert!(refusal(&two_args)
            .unwrap()
            .message
            .contains("one jsonb argument"));
        let text = FunctionFacts {
            returns: "text".into(),
            ..hook()
        };
        assert!(refusal(&text).unwrap().message.contains("returns text"));
        let procedure = FunctionFacts {
            is_function: false,
            ..hook()
        };
        assert!(refusal(&procedure).is_some());
    }

    #[test]
    fn security_definer_functions_are_accepted_from_their_owner_only() {
        let definer = FunctionFacts {
            security_definer: true,
            ..hook()
        };
        assert!(refusal(&definer)
            .unwrap()
            .message
            .contains("SECURITY DEFINER"));
        let own = FunctionFacts {
            owned_by_caller: true,
            ..definer
        };
        assert_eq!(refusal(&own), None);
    }

    #[test]
    fn functions_of_owners_without_the_callers_privileges_are_refused() {
        let foreign = FunctionFacts {
            owner_has_callers_privileges: false,
            owner: "intern".into(),
            ..hook()
        };
        let refused = refusal(&foreign).unwrap();
        assert!(refused.message.contains("owned by intern"), "{refused:?}");
    }

    #[test]
    fn the_caller_must_be_allowed_to_execute_it() {
        let hidden = FunctionFacts {
            caller_may_execute: false,
            ..hook()
        };
        let refused = refusal(&hidden).unwrap();
        assert!(refused.message.starts_with("permission denied"));
        assert!(refused.privilege);
    }
}
