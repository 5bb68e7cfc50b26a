//! Writes to `confiture.hook_registry`: registering, enabling, removing and discovering hooks.

use confiture_core::hooks::function::Refusal;
use confiture_core::hooks::tag::{self, Tag};
use pgrx::datum::Interval;
use pgrx::prelude::*;
use serde_json::Value;

use super::function_facts;
use crate::errors::{invalid_parameter, raise};
use crate::executor::returning;

/// A hook as `register_hook` receives it.
pub struct Registration<'a> {
    pub name: &'a str,
    pub phase: &'a str,
    pub function: pg_sys::Oid,
    pub priority: i32,
    pub timeout: Interval,
    pub applies_to: Option<&'a str>,
    pub enabled: bool,
}

pub fn register(hook: Registration, function: &'static str) {
    if hook.name.trim().is_empty() {
        invalid_parameter(
            "a hook needs a name".into(),
            "The name identifies the hook in confiture.hooks, in the logs and in the history."
                .into(),
            function,
        );
    }
    let timeout_us = hook.timeout.as_micros();
    if timeout_us <= 0 || timeout_us > i128::from(i32::MAX) * 1000 {
        invalid_parameter(
            "a hook's timeout must be positive and at most 24 days".into(),
            "For example '5 seconds'; a hook that outlives it is cancelled and fails.".into(),
            function,
        );
    }
    may_change_registry(function);
    if let Some(refusal) = function_facts::refusal(hook.function) {
        report_refusal(refusal, function);
    }
    if let Some(pattern) = hook.applies_to {
        // Compiles the pattern now, with PostgreSQL's own regular expressions (the ones `~`
        // uses at run time): a bad pattern is an ERROR here, not at the next migration.
        Spi::get_one_with_args::<bool>("SELECT '' ~ $1", &[pattern.into()])
            .expect("a comparison returns one row");
    }
    let inserted = returning(
        "INSERT INTO confiture.hook_registry
                (name, phase, fn, priority, timeout, applies_to, enabled, source)
         VALUES ($1, $2::confiture.hook_phase, $3::regprocedure, $4, $5, $6, $7, 'registered')
         ON CONFLICT (name) DO NOTHING
         RETURNING name",
        &[
            hook.name.into(),
            hook.phase.into(),
            hook.function.into(),
            hook.priority.into(),
            hook.timeout.into(),
            hook.applies_to.into(),
            hook.enabled.into(),
        ],
    );
    if inserted.is_none() {
        raise(
            PgSqlErrorCode::ERRCODE_DUPLICATE_OBJECT,
            format!("hook \"{}\" already exists", hook.name),
            "Unregister it first (confiture.unregister_hook), or choose another name.",
            function,
        );
    }
}

/// Sets `enabled` on the hook `name`.
pub fn enable(name: &str, enabled: bool, function: &'static str) {
    may_change_registry(function);
    let updated = returning(
        "UPDATE confiture.hook_registry SET enabled = $2 WHERE name = $1 RETURNING name",
        &[name.into(), enabled.into()],
    );
    updated.unwrap_or_else(|| no_such_hook(name, function));
}

/// Removes the hook `name`.
pub fn unregister(name: &str, function: &'static str) {
    may_change_registry(function);
    let deleted = returning(
        "DELETE FROM confiture.hook_registry WHERE name = $1 RETURNING name",
        &[name.into()],
    );
    deleted.unwrap_or_else(|| no_such_hook(name, function));
}

/// Functions whose comment carries a tag, in the schemas the caller may use.
const TAGGED: &str = "
SELECT coalesce(json_agg(json_build_object(
           'name', format('%s.%s', quote_ident(n.nspname), quote_ident(p.proname)),
           'oid', p.oid::bigint,
           'comment', d.description) ORDER BY n.nspname, p.proname), '[]')::text
  FROM pg_description d
  JOIN pg_proc p ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
  JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE d.description LIKE '%@confiture.hook%'
   AND has_schema_privilege(n.oid, 'USAGE')";

/// Brings the hooks declared in comments into the registry: new tags are added, changed ones
/// updated (an `enable_hook` choice is kept), and hooks whose tag or function is gone removed.
/// A malformed tag is a WARNING naming the function, not an ERROR: another extension's
/// mistake must not stop the rest. Returns the number of tagged functions found.
pub fn discover(function: &'static str) -> i32 {
    may_change_registry(function);
    let tagged: Value = serde_json::from_str(&crate::catalog_text::read(TAGGED, &[]))
        .expect("the query builds a JSON array");
    let mut found = Vec::new();
    for candidate in tagged.as_array().into_iter().flatten() {
        let name = candidate["name"].as_str().unwrap_or_default();
        let comment = candidate["comment"].as_str().unwrap_or_default();
        let oid = pg_sys::Oid::from(candidate["oid"].as_u64().unwrap_or_default() as u32);
        match tag::parse(comment) {
            None => continue,
            Some(Err(problem)) => {
                pgrx::warning!("confiture: ignoring the hook tag of {name}: {problem}");
                continue;
            }
            Some(Ok(Tag {
                phase,
                priority,
                timeout_ms,
            })) => {
                returning(
                    "INSERT INTO confiture.hook_registry AS h
                            (name, phase, fn, priority, timeout, source)
                     VALUES ($1, $2::confiture.hook_phase, $3::regprocedure, $4,
                             $5 * interval '1 millisecond', 'comment')
                     ON CONFLICT (name) DO UPDATE
                        SET phase = EXCLUDED.phase, fn = EXCLUDED.fn,
                            priority = EXCLUDED.priority, timeout = EXCLUDED.timeout
                      WHERE h.source = 'comment'
                     RETURNING name",
                    &[
                        name.into(),
                        phase.name().into(),
                        oid.into(),
                        priority.into(),
                        f64::from(timeout_ms).into(),
                    ],
                );
                if let Some(refusal) = function_facts::refusal(oid) {
                    pgrx::warning!(
                        "confiture: hook {name} is registered, but cannot run for you: {}",
                        refusal.message
                    );
                }
                found.push(name.to_string());
            }
        }
    }
    returning(
        "DELETE FROM confiture.hook_registry h
          WHERE h.source = 'comment' AND h.name <> ALL ($1)
            AND NOT EXISTS (SELECT FROM pg_proc p
                             WHERE p.oid = h.fn
                               AND NOT has_schema_privilege(p.pronamespace, 'USAGE'))
         RETURNING name",
        &[found.clone().into()],
    );
    found.len() as i32
}

fn may_change_registry(function: &'static str) {
    let allowed = Spi::get_one::<bool>(
        "SELECT has_table_privilege('confiture.hook_registry', 'INSERT')
            AND has_table_privilege('confiture.hook_registry', 'UPDATE')
            AND has_table_privilege('confiture.hook_registry', 'DELETE')",
    )
    .ok()
    .flatten()
    .unwrap_or(false);
    if !allowed {
        raise(
            PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
            "permission denied to change Confiture's hooks".to_string(),
            "Hooks run in other roles' migrations, so managing them is a DBA's act: \
             GRANT INSERT, UPDATE, DELETE ON confiture.hook_registry TO <role>.",
            function,
        );
    }
}

fn report_refusal(refusal: Refusal, function: &'static str) -> ! {
    let code = if refusal.privilege {
        PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE
    } else {
        PgSqlErrorCode::ERRCODE_INVALID_FUNCTION_DEFINITION
    };
    raise(code, refusal.message, refusal.hint, function)
}

fn no_such_hook(name: &str, function: &'static str) -> String {
    raise(
        PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
        format!("hook \"{name}\" does not exist"),
        "SELECT name FROM confiture.hooks lists them.",
        function,
    )
}
