//! Running the hooks of one phase, each in its own subtransaction under its own timeout.

use std::time::Instant;

use confiture_core::event::{Event, EventKind};
use confiture_core::hooks::context::{self, Caller, Failure, HookRun, Migration};
use confiture_core::hooks::Phase;
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::Value;

use crate::errors::Caught;
use crate::log::emit;
use crate::statement_timer::{stop_if_cancelled, StatementTimer};
use crate::subtransaction::attempt;

/// The hooks of a phase that apply to a migration, in the order they run. `refusal` comes from
/// the `confiture.hooks` view, for the current role.
const PHASE_HOOKS: &str = "
SELECT coalesce(json_agg(json_build_object(
           'name', h.name,
           'call', CASE WHEN p.oid IS NOT NULL THEN format('%I.%I', n.nspname, p.proname) END,
           'returns_jsonb', p.prorettype = 'jsonb'::regtype,
           'timeout_ms', extract(epoch FROM h.timeout) * 1000,
           'refusal', h.refusal) ORDER BY h.priority, h.name), '[]')::text
  FROM confiture.hooks h
  LEFT JOIN pg_proc p ON p.oid = h.fn
  LEFT JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE h.phase = $1::confiture.hook_phase AND h.enabled
   AND (h.applies_to IS NULL OR $2 ~ h.applies_to OR $3 ~ h.applies_to)";

/// A hook that failed, and how.
pub struct HookFailure {
    pub hook: String,
    pub caught: Caught,
}

/// Runs the hooks of `phase` for `migration` in priority order, adding each run to `runs`. The
/// first hook that fails (its subtransaction rolled back) stops the phase. `error` is the
/// migration's failure, passed to `on_error` hooks.
pub fn run_phase(
    migration: &Migration,
    phase: Phase,
    caller: &Caller,
    runs: &mut Vec<HookRun>,
    error: Option<&Failure>,
) -> Result<(), HookFailure> {
    let hooks: Value = serde_json::from_str(&crate::catalog_text::read(
        PHASE_HOOKS,
        &[
            phase.name().into(),
            migration.version.as_str().into(),
            migration.name.as_str().into(),
        ],
    ))
    .expect("the query builds a JSON array");
    let hooks = hooks.as_array().cloned().unwrap_or_default();
    if hooks.is_empty() {
        return Ok(());
    }
    // A masking run has no version: its events name its table.
    let label = if migration.version.is_empty() {
        &migration.name
    } else {
        &migration.version
    };
    let event = |kind| Event::new(kind).migration(label).phase(phase.name());
    emit(event(EventKind::ExecutingHooks).hooks(hooks.len()));
    let started = Instant::now();
    for hook in &hooks {
        let name = hook["name"].as_str().unwrap_or_default().to_string();
        emit(event(EventKind::HookStart).hook(&name));
        let context = context::context(migration, phase, runs, caller, error);
        let hook_started = Instant::now();
        let outcome = call(hook, context);
        let duration_ms = hook_started.elapsed().as_secs_f64() * 1000.0;
        runs.push(HookRun {
            hook: name.clone(),
            phase,
            duration_ms,
            outcome: outcome.as_ref().map_err(|c| (*c.failure).clone()).cloned(),
        });
        match outcome {
            Ok(_) => emit(
                event(EventKind::HookCompleted)
                    .hook(&name)
                    .duration_ms(duration_ms),
            ),
            Err(caught) => {
                emit(
                    event(EventKind::HookFailed)
                        .hook(&name)
                        .duration_ms(duration_ms)
                        .error(&caught.failure.message),
                );
                return Err(HookFailure { hook: name, caught });
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    emit(event(EventKind::PhaseCompleted).duration_ms(elapsed));
    Ok(())
}

/// Calls one hook with `context`: what it returned, or its ERROR.
fn call(hook: &Value, context: Value) -> Result<Option<Value>, Caught> {
    if let Some(refusal) = hook["refusal"].as_str() {
        return Err(Caught::new(
            PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
            refusal,
        ));
    }
    let call = hook["call"].as_str().unwrap_or_default();
    let returns_jsonb = hook["returns_jsonb"].as_bool().unwrap_or(false);
    // At least a millisecond: 0 would mean no limit at all.
    let timeout_ms = (hook["timeout_ms"].as_f64().unwrap_or(0.0).ceil() as i32).max(1);
    let sql = format!("SELECT {call}($1::jsonb)");
    let timer = StatementTimer::arm_for(timeout_ms);
    let outcome = attempt(|| {
        Spi::connect_mut(|client| {
            let result = client.update(&sql, Some(1), &[JsonB(context).into()])?;
            if returns_jsonb {
                result.first().get_one::<JsonB>().map(|r| r.map(|j| j.0))
            } else {
                Ok(None)
            }
        })
    });
    let callers_deadline_passed = timer.callers_deadline_passed();
    timer.disarm();
    match outcome {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(spi)) => Err(Caught::new(
            PgSqlErrorCode::ERRCODE_INTERNAL_ERROR,
            &format!("SPI refused the hook call: {spi}"),
        )),
        Err(error) => {
            stop_if_cancelled(&error, callers_deadline_passed);
            let mut caught = Caught::from(&error);
            if caught.code == PgSqlErrorCode::ERRCODE_QUERY_CANCELED {
                caught.failure.detail = Some(format!(
                    "The hook ran longer than its timeout, {timeout_ms} ms (confiture.hooks.timeout)."
                ));
            }
            Err(caught)
        }
    }
}

/// Who runs this, and the transaction's timestamp.
pub fn caller() -> Caller {
    let row: Value = serde_json::from_str(&crate::catalog_text::read(
        "SELECT json_build_object('user', current_user, 'timestamp', now())::text",
        &[],
    ))
    .expect("the query builds a JSON object");
    Caller {
        user: row["user"].as_str().unwrap_or_default().to_string(),
        timestamp: row["timestamp"].as_str().unwrap_or_default().to_string(),
    }
}
