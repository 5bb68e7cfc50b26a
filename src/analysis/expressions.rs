//! Questions only the server can answer about a statement's types and expressions, answered
//! with the same functions `ALTER TABLE` uses to decide on a rewrite: type lookup, parse
//! analysis and planning of a default, and the coercion a type change would apply.

use confiture_core::risk::effects::TypeOracle;
use confiture_core::risk::statement::{TypeId, TypeRef, Volatility};
use pgrx::pg_sys::{self, NodeTag as T};

use super::nodes::{opt_text, strings};
use crate::subtransaction::attempt;

/// The type `type_name` names, resolved if it exists now.
///
/// # Safety
/// `type_name` must be a `TypeName` of a raw parse tree, still allocated, and the call must be
/// inside a subtransaction (an invalid type modifier raises an ERROR).
pub unsafe fn type_ref(type_name: *mut pg_sys::TypeName) -> TypeRef {
    if type_name.is_null() {
        return TypeRef::default();
    }
    let names = unsafe { strings((*type_name).names) };
    let base = names.last().cloned().unwrap_or_default().to_lowercase();
    let is_array = unsafe { !(*type_name).arrayBounds.is_null() };
    // LookupTypeName with missing_ok: a type created earlier in the script is just unknown. An
    // invalid type modifier still raises: the caller reads statements in a subtransaction.
    let id = unsafe {
        let mut typmod = -1;
        let tuple = pg_sys::LookupTypeName(std::ptr::null_mut(), type_name, &mut typmod, true);
        (!tuple.is_null()).then(|| {
            let oid = pg_sys::typeTypeId(tuple);
            pg_sys::ReleaseSysCache(tuple);
            TypeId {
                oid: oid.to_u32(),
                typmod,
            }
        })
    };
    let (display, constrained_domain) = match id {
        Some(id) => unsafe {
            let oid = pg_sys::Oid::from(id.oid);
            (
                opt_text(pg_sys::format_type_with_typemod(oid, id.typmod)).unwrap_or_default(),
                pg_sys::DomainHasConstraints(oid),
            )
        },
        None => (names.join("."), false),
    };
    TypeRef {
        display: if is_array && id.is_none() {
            format!("{display}[]")
        } else {
            display
        },
        base,
        id,
        constrained_domain,
        is_array,
    }
}

/// Whether a column default is volatile once analysed and planned, as `ADD COLUMN` decides
/// between storing it once and rewriting the table (StoreAttrDefault).
///
/// # Safety
/// `expression` must be a raw expression of a parse tree, still allocated.
pub unsafe fn volatility(expression: *mut pg_sys::Node) -> Volatility {
    attempt(|| unsafe {
        let state = pg_sys::make_parsestate(std::ptr::null_mut());
        let analysed = pg_sys::transformExpr(
            state,
            expression,
            pg_sys::ParseExprKind::EXPR_KIND_COLUMN_DEFAULT,
        );
        // Collations first: planning folds constants, and upper('x') needs one.
        pg_sys::assign_expr_collations(state, analysed);
        let planned = pg_sys::expression_planner(analysed.cast());
        pg_sys::contain_volatile_functions(planned.cast())
    })
    .map_or(Volatility::Unknown, |volatile| {
        if volatile {
            Volatility::Volatile
        } else {
            Volatility::NotVolatile
        }
    })
}

/// The server's verdict on type changes.
pub struct ServerTypes;

impl TypeOracle for ServerTypes {
    fn type_change_rewrites(&self, from: TypeId, to: TypeId) -> Option<bool> {
        attempt(|| unsafe { coercion_rewrites(from, to) })
            .ok()
            .flatten()
    }
}

/// Plans the conversion `ALTER COLUMN TYPE` applies to a column of type `from` (a `Var`
/// coerced by assignment to `to`, then planned) and tells whether it changes stored values:
/// `ATColumnChangeRequiresRewrite` in tablecmds.c, whose walk this repeats. `None` when there
/// is no assignment cast (the statement would need `USING`).
unsafe fn coercion_rewrites(from: TypeId, to: TypeId) -> Option<bool> {
    unsafe {
        let state = pg_sys::make_parsestate(std::ptr::null_mut());
        let from_oid = pg_sys::Oid::from(from.oid);
        let column = pg_sys::makeVar(
            1,
            1,
            from_oid,
            from.typmod,
            pg_sys::get_typcollation(from_oid),
            0,
        );
        let coerced = pg_sys::coerce_to_target_type(
            state,
            column.cast(),
            from_oid,
            pg_sys::Oid::from(to.oid),
            to.typmod,
            pg_sys::CoercionContext::COERCION_ASSIGNMENT,
            pg_sys::CoercionForm::COERCE_IMPLICIT_CAST,
            -1,
        );
        if coerced.is_null() {
            return None;
        }
        pg_sys::assign_expr_collations(state, coerced);
        let mut expr = pg_sys::expression_planner(coerced.cast()).cast::<pg_sys::Node>();
        loop {
            match (*expr).type_ {
                T::T_Var => return Some(false),
                T::T_RelabelType => expr = (*expr.cast::<pg_sys::RelabelType>()).arg.cast(),
                T::T_CoerceToDomain => {
                    let domain = &*expr.cast::<pg_sys::CoerceToDomain>();
                    if pg_sys::DomainHasConstraints(domain.resulttype) {
                        return Some(true);
                    }
                    expr = domain.arg.cast();
                }
                T::T_FuncExpr => {
                    let call = &*expr.cast::<pg_sys::FuncExpr>();
                    let timestamps = [
                        pg_sys::F_TIMESTAMP_TIMESTAMPTZ,
                        pg_sys::F_TIMESTAMPTZ_TIMESTAMP,
                    ];
                    if !timestamps.contains(&call.funcid.to_u32())
                        || pg_sys::TimestampTimestampTzRequiresRewrite()
                    {
                        return Some(true);
                    }
                    expr = pg_sys::list_nth(call.args, 0).cast();
                }
                _ => return Some(true),
            }
        }
    }
}
