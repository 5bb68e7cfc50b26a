//! What the catalog says about a would-be hook function, relative to the current role.

use confiture_core::hooks::function::{self, FunctionFacts, Refusal};
use pgrx::prelude::*;

const FACTS: &str = "
SELECT (SELECT json_build_object(
         'signature', p.oid::regprocedure::text,
         'is_function', p.prokind = 'f',
         'takes_jsonb', p.pronargs = 1 AND p.proargtypes[0] = 'jsonb'::regtype,
         'returns', format_type(p.prorettype, NULL),
         'returns_set', p.proretset,
         'security_definer', p.prosecdef,
         'owner', p.proowner::regrole::text,
         'owned_by_caller', p.proowner = me.oid,
         'owner_has_callers_privileges', pg_has_role(p.proowner, me.oid, 'USAGE'),
         'caller_may_execute', has_function_privilege(p.oid, 'EXECUTE'))::text
  FROM pg_proc p, (SELECT oid FROM pg_roles WHERE rolname = current_user) me
 WHERE p.oid = $1)";

/// Why the function `oid` cannot be a hook for the current role, if it cannot.
pub fn refusal(oid: pg_sys::Oid) -> Option<Refusal> {
    let text = crate::catalog_text::read(FACTS, &[oid.into()]);
    if text.is_empty() {
        return Some(Refusal {
            message: format!("function with OID {} does not exist", oid.to_u32()),
            hint: "It was dropped after the hook was registered: unregister the hook.".into(),
            privilege: false,
        });
    }
    let facts: serde_json::Value =
        serde_json::from_str(&text).expect("the query builds a JSON object");
    let flag = |key: &str| facts[key].as_bool().unwrap_or(false);
    let text = |key: &str| facts[key].as_str().unwrap_or_default().to_string();
    function::refusal(&FunctionFacts {
        signature: text("signature"),
        is_function: flag("is_function"),
        takes_jsonb: flag("takes_jsonb"),
        returns: text("returns"),
        returns_set: flag("returns_set"),
        security_definer: flag("security_definer"),
        owner: text("owner"),
        owned_by_caller: flag("owned_by_caller"),
        owner_has_callers_privileges: flag("owner_has_callers_privileges"),
        caller_may_execute: flag("caller_may_execute"),
    })
}
