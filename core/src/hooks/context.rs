//! What a hook receives (one `jsonb` argument) and what is kept of each hook's run.

use serde_json::{json, Value};

use super::Phase;

/// What is being run: a migration's `up` script, its `down` script by `rollback`, or the
/// masking of a table by `anonymize_table`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Migrate,
    Rollback,
    Anonymize,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Self::Migrate => "migrate",
            Self::Rollback => "rollback",
            Self::Anonymize => "anonymize",
        }
    }
}

/// The migration a hook is called for.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    pub version: String,
    pub name: String,
    /// SHA-256 of the `up` script, hex.
    pub checksum: String,
    pub operation: Operation,
    pub dry_run: bool,
    /// The statements of the script being run, in order.
    pub statements: Vec<String>,
    /// Relations the statements act on, qualified, without repeats.
    pub tables: Vec<String>,
}

/// The error a hook or a statement raised, as the server reported it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub sqlstate: String,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
}

impl Failure {
    pub fn to_json(&self) -> Value {
        json!({"sqlstate": self.sqlstate, "message": self.message,
               "detail": self.detail, "hint": self.hint})
    }
}

/// One hook's run.
#[derive(Debug, Clone, PartialEq)]
pub struct HookRun {
    pub hook: String,
    pub phase: Phase,
    pub duration_ms: f64,
    /// What the function returned (`None` for `void` or SQL NULL), or the error it raised.
    pub outcome: Result<Option<Value>, Failure>,
}

impl HookRun {
    /// As kept in the context of later hooks, the result of `migrate` and the history.
    pub fn to_json(&self) -> Value {
        let mut run = json!({
            "hook": self.hook,
            "phase": self.phase.name(),
            "duration_ms": (self.duration_ms * 1000.0).round() / 1000.0,
        });
        match &self.outcome {
            Ok(result) => {
                run["status"] = "completed".into();
                run["result"] = result.clone().unwrap_or(Value::Null);
            }
            Err(failure) => {
                run["status"] = "failed".into();
                run["error"] = failure.to_json();
            }
        }
        run
    }
}

/// Who runs the migration and when (`current_user`, `now()` in ISO 8601).
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub user: String,
    pub timestamp: String,
}

/// The argument of a hook called at `phase`; `error` is what made the migration fail, for
/// `on_error` hooks.
pub fn context(
    migration: &Migration,
    phase: Phase,
    previous: &[HookRun],
    caller: &Caller,
    error: Option<&Failure>,
) -> Value {
    json!({
        "operation": migration.operation.name(),
        "version": migration.version,
        "name": migration.name,
        "checksum": migration.checksum,
        "phase": phase.name(),
        "dry_run": migration.dry_run,
        "statements": migration.statements,
        "tables": migration.tables,
        "results": previous.iter().map(HookRun::to_json).collect::<Vec<_>>(),
        "error": error.map(Failure::to_json),
        "user": caller.user,
        "timestamp": caller.timestamp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migration() -> Migration {
        Migration {
            version: "V3".into(),
            name: "add email".into(),
            checksum: "ab12".into(),
            operation: Operation::Migrate,
            dry_run: false,
            statements: vec!["ALTER TABLE users ADD email text".into()],
            tables: vec!["public.users".into()],
        }
    }

    fn caller() -> Caller {
        Caller {
            user: "deployer".into(),
            timestamp: "2026-12-01T10:00:00Z".into(),
        }
    }

    #[test]
    fn the_context_names_the_migration_the_phase_and_the_caller() {
        let context = context(&migration(), Phase::AfterDdl, &[], &caller(), None);
        assert_eq!(context["version"], "V3");
        assert_eq!(context["name"], "add email");
        assert_eq!(context["checksum"], "ab12");
        assert_eq!(context["phase"], "after_ddl");
        assert_eq!(context["operation"], "migrate");
        assert_eq!(context["dry_run"], false);
        assert_eq!(context["statements"][0], "ALTER TABLE users ADD email text");
        assert_eq!(context["tables"], json!(["public.users"]));
        assert_eq!(context["user"], "deployer");
        assert_eq!(context["error"], Value::Null);
    }

    #[test]
    fn later_hooks_see_what_earlier_hooks_returned() {
        let earlier = HookRun {
            hook: "count_rows".into(),
            phase: Phase::BeforeDdl,
            duration_ms: 0.123_456,
            outcome: Ok(Some(json!({"rows": 42}))),
        };
        let context = context(&migration(), Phase::AfterDdl, &[earlier], &caller(), None);
        assert_eq!(
            context["results"],
            json!([{"hook": "count_rows", "phase": "before_ddl", "duration_ms": 0.123,
                    "status": "completed", "result": {"rows": 42}}])
        );
    }

    #[test]
    fn on_error_hooks_see_the_error() {
        let failure = Failure {
            sqlstate: "42P01".into(),
            message: "relation \"users\" does not exist".into(),
            detail: None,
            hint: None,
        };
        let context = context(&migration(), Phase::OnError, &[], &caller(), Some(&failure));
        assert_eq!(context["error"]["sqlstate"], "42P01");
        let failed = HookRun {
            hook: "h".into(),
            phase: Phase::Cleanup,
            duration_ms: 1.0,
            outcome: Err(failure),
        };
        assert_eq!(failed.to_json()["status"], "failed");
        assert_eq!(failed.to_json()["error"]["sqlstate"], "42P01");
    }
}
