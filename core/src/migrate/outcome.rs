//! The `jsonb` that `migrate` and `rollback` return.

use serde_json::{json, Value};

use crate::hooks::context::{Failure, HookRun, Operation};
use crate::hooks::Phase;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Applied,
    AlreadyApplied,
    RolledBack,
    Failed,
    /// Dry runs: what would have happened, none of which was kept.
    WouldApply,
    WouldRollBack,
    WouldFail,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::AlreadyApplied => "already_applied",
            Self::RolledBack => "rolled_back",
            Self::Failed => "failed",
            Self::WouldApply => "would_apply",
            Self::WouldRollBack => "would_roll_back",
            Self::WouldFail => "would_fail",
        }
    }

    /// The status of a run of `operation` that succeeded or failed, for real or dry.
    pub fn of(operation: Operation, succeeded: bool, dry_run: bool) -> Self {
        match (operation, succeeded, dry_run) {
            (_, false, false) => Self::Failed,
            (_, false, true) => Self::WouldFail,
            (Operation::Rollback, true, false) => Self::RolledBack,
            (Operation::Rollback, true, true) => Self::WouldRollBack,
            (_, true, false) => Self::Applied,
            (_, true, true) => Self::WouldApply,
        }
    }
}

/// Where a migration failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Hook {
        phase: Phase,
        hook: String,
    },
    /// `max_risk` refused it.
    Validation,
    Statement {
        number: usize,
    },
    /// `lint` found errors the statements introduced.
    Lint,
}

impl Stage {
    pub fn to_json(&self) -> Value {
        match self {
            Self::Hook { phase, hook } => {
                json!({"stage": "hook", "phase": phase.name(), "hook": hook})
            }
            Self::Validation => json!({"stage": "validation"}),
            Self::Statement { number } => json!({"stage": "statement", "statement": number}),
            Self::Lint => json!({"stage": "lint"}),
        }
    }

    /// For messages: `hook "audit" (after_ddl)`, `statement 3`, ...
    pub fn describe(&self) -> String {
        match self {
            Self::Hook { phase, hook } => format!("hook \"{hook}\" ({} phase)", phase.name()),
            Self::Validation => "validation (max_risk)".into(),
            Self::Statement { number } => format!("statement {number}"),
            Self::Lint => "lint".into(),
        }
    }
}

/// A finished (or refused) run of `migrate` or `rollback`.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: Status,
    pub version: String,
    pub name: String,
    pub checksum: String,
    pub duration_ms: f64,
    /// Time of each step that ran, in order: phases of hooks, `validation`, `statements`,
    /// `lint`.
    pub steps: Vec<(&'static str, f64)>,
    pub hooks: Vec<HookRun>,
    pub statements: usize,
    pub rows: u64,
    /// assess_risk's verdict (`assess_risk_summary`) when the run validated the migration.
    pub risk: Option<Value>,
    /// Lint errors the statements introduced (`options.lint`).
    pub new_lint_errors: Vec<Value>,
    pub error: Option<(Failure, Stage)>,
}

fn ms(value: f64) -> Value {
    Value::from((value * 1000.0).round() / 1000.0)
}

impl Outcome {
    pub fn to_json(&self) -> Value {
        let steps: Vec<Value> = self
            .steps
            .iter()
            .map(|(step, duration)| json!({"step": step, "duration_ms": ms(*duration)}))
            .collect();
        let mut result = json!({
            "status": self.status.name(),
            "version": self.version,
            "name": self.name,
            "checksum": self.checksum,
            "duration_ms": ms(self.duration_ms),
            "steps": steps,
            "statements": self.statements,
            "rows": self.rows,
            "hook_results": self.hooks_json(),
        });
        if let Some(risk) = &self.risk {
            result["risk"] = risk.clone();
        }
        if !self.new_lint_errors.is_empty() {
            result["new_lint_errors"] = Value::from(self.new_lint_errors.clone());
        }
        if let Some((failure, stage)) = &self.error {
            let mut error = failure.to_json();
            error["failed_at"] = stage.to_json();
            result["error"] = error;
        }
        result
    }

    pub fn hooks_json(&self) -> Value {
        Value::from(self.hooks.iter().map(HookRun::to_json).collect::<Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(status: Status) -> Outcome {
        Outcome {
            status,
            version: "V1".into(),
            name: "init".into(),
            checksum: "c".into(),
            duration_ms: 12.345_67,
            steps: vec![("before_ddl", 0.5), ("statements", 11.0)],
            hooks: vec![],
            statements: 2,
            rows: 0,
            risk: None,
            new_lint_errors: vec![],
            error: None,
        }
    }

    #[test]
    fn a_success_reports_status_timings_and_hooks() {
        let json = outcome(Status::Applied).to_json();
        assert_eq!(json["status"], "applied");
        assert_eq!(json["duration_ms"], 12.346);
        assert_eq!(
            json["steps"],
            json!([{"step": "before_ddl", "duration_ms": 0.5},
                   {"step": "statements", "duration_ms": 11.0}])
        );
        assert_eq!(json["hook_results"], json!([]));
        assert!(json.get("error").is_none());
    }

    #[test]
    fn a_failure_says_where_it_happened() {
        let mut failed = outcome(Status::Failed);
        failed.error = Some((
            Failure {
                sqlstate: "57014".into(),
                message: "canceling statement due to statement timeout".into(),
                detail: None,
                hint: None,
            },
            Stage::Hook {
                phase: Phase::AfterDdl,
                hook: "slow".into(),
            },
        ));
        let json = failed.to_json();
        assert_eq!(json["error"]["sqlstate"], "57014");
        assert_eq!(
            json["error"]["failed_at"],
            json!({"stage": "hook", "phase": "after_ddl", "hook": "slow"})
        );
        assert_eq!(
            failed.error.unwrap().1.describe(),
            "hook \"slow\" (after_ddl phase)"
        );
    }

    #[test]
    fn statuses_depend_on_the_operation_success_and_dry_run() {
        use Operation::*;
        assert_eq!(Status::of(Migrate, true, false), Status::Applied);
        assert_eq!(Status::of(Migrate, true, true), Status::WouldApply);
        assert_eq!(Status::of(Rollback, true, false), Status::RolledBack);
        assert_eq!(Status::of(Rollback, true, true), Status::WouldRollBack);
        assert_eq!(Status::of(Rollback, false, false), Status::Failed);
        assert_eq!(Status::of(Migrate, false, true), Status::WouldFail);
    }
}
