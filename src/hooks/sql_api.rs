//! SQL functions of hooks. `regprocedure` has no pgrx type, so the functions taking one declare
//! their SQL by hand: the Rust side receives its OID.

use pgrx::datum::Interval;
use pgrx::prelude::*;

use super::registry::{self, Registration};
use crate::errors::null_argument;

/// The phases of a migration at which hooks run (`confiture.hook_phase`), named as in SQL.
#[allow(non_camel_case_types)]
#[derive(PostgresEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum hook_phase {
    before_validation,
    before_ddl,
    after_ddl,
    after_validation,
    cleanup,
    on_error,
    before_anonymization,
    after_anonymization,
}

/// Registers `fn` to run at `phase` of every migration whose version or name matches
/// `applies_to` (a regular expression; NULL: every migration).
#[pg_extern(sql = "
CREATE FUNCTION register_hook(
    name text, phase hook_phase, fn regprocedure, priority integer DEFAULT 100,
    timeout interval DEFAULT '30 seconds', applies_to text DEFAULT NULL,
    enabled boolean DEFAULT true
) RETURNS void VOLATILE PARALLEL UNSAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'register_hook_wrapper';
COMMENT ON FUNCTION register_hook(text, hook_phase, regprocedure, integer, interval, text, boolean)
    IS 'Registers a hook: fn(context jsonb) RETURNS jsonb or void, run at phase.';
", requires = [hook_phase])]
fn register_hook(
    name: Option<&str>,
    phase: Option<hook_phase>,
    function: Option<pg_sys::Oid>,
    priority: Option<i32>,
    timeout: Option<Interval>,
    applies_to: Option<&str>,
    enabled: Option<bool>,
) {
    let f = function_name!();
    let phase = phase.unwrap_or_else(|| null_argument("phase", f));
    registry::register(
        Registration {
            name: name.unwrap_or_else(|| null_argument("name", f)),
            phase: phase_name(phase),
            function: function.unwrap_or_else(|| null_argument("fn", f)),
            priority: priority.unwrap_or_else(|| null_argument("priority", f)),
            timeout: timeout.unwrap_or_else(|| null_argument("timeout", f)),
            applies_to,
            enabled: enabled.unwrap_or_else(|| null_argument("enabled", f)),
        },
        f,
    );
}

fn phase_name(phase: hook_phase) -> &'static str {
    use confiture_core::hooks::Phase;
    match phase {
        hook_phase::before_validation => Phase::BeforeValidation,
        hook_phase::before_ddl => Phase::BeforeDdl,
        hook_phase::after_ddl => Phase::AfterDdl,
        hook_phase::after_validation => Phase::AfterValidation,
        hook_phase::cleanup => Phase::Cleanup,
        hook_phase::on_error => Phase::OnError,
        hook_phase::before_anonymization => Phase::BeforeAnonymization,
        hook_phase::after_anonymization => Phase::AfterAnonymization,
    }
    .name()
}

/// Removes the hook `name`.
#[pg_extern(strict, volatile, parallel_unsafe)]
fn unregister_hook(name: &str) {
    registry::unregister(name, function_name!());
}

/// Enables or disables the hook `name`.
#[pg_extern(strict, volatile, parallel_unsafe)]
fn enable_hook(name: &str, enabled: bool) {
    registry::enable(name, enabled, function_name!());
}

/// Registers the functions whose comment carries `@confiture.hook phase=...`, in every schema
/// the caller may use; returns how many it found.
#[pg_extern(volatile, parallel_unsafe)]
fn discover_hooks() -> i32 {
    registry::discover(function_name!())
}

/// Why `fn` cannot run as a hook for the current role, or NULL when it can.
#[pg_extern(sql = "
CREATE FUNCTION hook_refusal(fn regprocedure) RETURNS text
STRICT STABLE PARALLEL SAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'hook_refusal_wrapper';
COMMENT ON FUNCTION hook_refusal(regprocedure)
    IS 'Why fn cannot run as a hook for the current role, or NULL when it can.';
")]
fn hook_refusal(function: pg_sys::Oid) -> Option<String> {
    super::function_facts::refusal(function).map(|r| r.message)
}
