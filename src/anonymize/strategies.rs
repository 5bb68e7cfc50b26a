//! Custom strategies: registered, checked, and run as a role without privileges.

use std::cell::RefCell;
use std::collections::HashMap;

use confiture_core::anonymize::custom::{check_function, check_name};
use confiture_core::anonymize::TypeFamily;
use pgrx::prelude::*;

use super::catalog;
use crate::acting_role::as_role;
use crate::errors::{invalid_parameter, raise};

/// The family a registered strategy's function masks and its argument type, after checking
/// that it may still serve (it may have been replaced, given away or made SECURITY DEFINER
/// since it was registered).
pub fn checked_family(
    function: pg_sys::Oid,
    name: &str,
    caller: &'static str,
) -> (TypeFamily, String) {
    let facts = catalog::function(function).unwrap_or_else(|| {
        raise(
            PgSqlErrorCode::ERRCODE_UNDEFINED_FUNCTION,
            format!("the function of strategy {name} no longer exists"),
            "Register the strategy again with its new function, or remove its rules.",
            caller,
        )
    });
    let family = check_function(&facts).unwrap_or_else(|refusal| {
        let code = if refusal.privilege {
            PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE
        } else {
            PgSqlErrorCode::ERRCODE_INVALID_FUNCTION_DEFINITION
        };
        raise(code, refusal.message, refusal.hint, caller)
    });
    (family, facts.arguments[0].clone())
}

pub fn register(
    name: &str,
    function: pg_sys::Oid,
    unique_safe: bool,
    description: Option<&str>,
    caller: &'static str,
) {
    if let Err(error) = check_name(name) {
        invalid_parameter(error.message, error.hint, caller);
    }
    checked_family(function, name, caller);
    crate::executor::run(
        "INSERT INTO confiture.masking_strategy (name, fn, unique_safe, description)
         VALUES ($1, $2::oid::regprocedure, $3, $4)
         ON CONFLICT (name) DO UPDATE
            SET fn = EXCLUDED.fn, unique_safe = EXCLUDED.unique_safe,
                description = EXCLUDED.description,
                registered_at = now(), registered_by = current_user",
        &[
            name.into(),
            function.into(),
            unique_safe.into(),
            description.into(),
        ],
    );
}

/// Marks `schema` trusted (or no longer) for custom strategies: superusers only.
pub fn trust(schema: pg_sys::Oid, trusted: bool, caller: &'static str) {
    // SAFETY: reads the session's identity.
    if !unsafe { pg_sys::superuser() } {
        raise(
            PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
            "permission denied to trust a schema",
            "Only a superuser vouches for the functions of a schema.",
            caller,
        );
    }
    let sql = if trusted {
        "INSERT INTO confiture.trusted_schema (schema) VALUES ($1::oid::regnamespace)
         ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM confiture.trusted_schema WHERE schema = $1::oid::regnamespace"
    };
    crate::executor::run(sql, &[schema.into()]);
}

/// A strategy checked in this transaction: its function, whether it takes options, the role
/// it runs as.
#[derive(Clone, Copy)]
struct Checked {
    function: pg_sys::Oid,
    argument_type: pg_sys::Oid,
    takes_options: bool,
    sandbox: pg_sys::Oid,
}

thread_local! {
    static CHECKED: RefCell<HashMap<String, Checked>> = RefCell::new(HashMap::new());
}

/// Forgets the strategies checked in the transaction that ends.
pub fn forget() {
    CHECKED.with(|c| c.borrow_mut().clear());
}

fn checked(name: &str, caller: &'static str) -> Checked {
    if let Some(checked) = CHECKED.with(|c| c.borrow().get(name).copied()) {
        return checked;
    }
    let registered = catalog::registered(name).unwrap_or_else(|| {
        raise(
            PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
            format!("masking strategy \"{name}\" is not registered"),
            "SELECT name FROM confiture.masking_strategies() lists them.",
            caller,
        )
    });
    checked_family(registered.function, name, caller);
    let shape = crate::catalog_text::read(
        "SELECT (SELECT proargtypes[0]::bigint || ' ' || pronargs FROM pg_proc WHERE oid = $1)",
        &[registered.function.into()],
    );
    let (argument_type, nargs) = shape.split_once(' ').expect("checked_family found it");
    let checked = Checked {
        function: registered.function,
        argument_type: pg_sys::Oid::from(argument_type.parse::<u32>().expect("an oid")),
        takes_options: nargs == "2",
        sandbox: catalog::sandbox_role(),
    };
    CHECKED.with(|c| c.borrow_mut().insert(name.to_string(), checked));
    checked
}

/// Masks `value` with the registered strategy `name`, as `confiture_sandbox`.
pub fn mask(
    name: &str,
    value: pg_sys::Datum,
    value_type: pg_sys::Oid,
    options: pg_sys::Datum,
    caller: &'static str,
) -> pg_sys::Datum {
    let strategy = checked(name, caller);
    if value_type != strategy.argument_type {
        raise(
            PgSqlErrorCode::ERRCODE_DATATYPE_MISMATCH,
            format!("strategy {name} does not take a value of this type"),
            "A custom strategy takes the type of its function's first argument.",
            caller,
        );
    }
    as_role(strategy.sandbox, || unsafe {
        // SAFETY: fmgr calls of a function checked above, with datums of its argument types.
        if strategy.takes_options {
            pg_sys::OidFunctionCall2Coll(
                strategy.function,
                pg_sys::DEFAULT_COLLATION_OID,
                value,
                options,
            )
        } else {
            pg_sys::OidFunctionCall1Coll(strategy.function, pg_sys::DEFAULT_COLLATION_OID, value)
        }
    })
}
