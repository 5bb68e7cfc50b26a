//! One run of `migrate` or `rollback`: the phases in order inside a subtransaction, kept only
//! when everything succeeded and it is not a dry run; on failure, the `on_error` hooks.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::time::Instant;

use confiture_core::event::{Event, EventKind};
use confiture_core::hooks::context::{Caller, Failure, HookRun, Migration, Operation};
use confiture_core::hooks::Phase;
use confiture_core::lint::engine::Selection;
use confiture_core::migrate::options::{OnError, Options};
use confiture_core::migrate::outcome::{Outcome, Stage, Status};
use confiture_core::risk;
use confiture_core::severity::Severity;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use serde_json::{json, Value};

use super::history::{self, Entry};
use crate::errors::Caught;
use crate::executor::{self, Connection};
use crate::hooks::runner::{run_phase, HookFailure};
use crate::log::emit;
use crate::subtransaction::{always_rolled_back, scoped};

/// The script a run executes.
pub enum Script<'a> {
    /// `migrate`: `up` runs, `down` is kept for a later rollback.
    Up { up: &'a str, down: Option<&'a str> },
    /// `rollback`: the stored `down` runs.
    Down { down: &'a str },
}

/// What to run.
pub struct Request<'a> {
    pub version: &'a str,
    pub name: &'a str,
    pub script: Script<'a>,
    /// The checksum of the `up` script.
    pub checksum: String,
    pub options: Options,
}

impl Request<'_> {
    fn operation(&self) -> Operation {
        match self.script {
            Script::Up { .. } => Operation::Migrate,
            Script::Down { .. } => Operation::Rollback,
        }
    }

    fn text(&self) -> &str {
        match self.script {
            Script::Up { up, .. } => up,
            Script::Down { down } => down,
        }
    }
}

/// What has happened so far: shared by the steps and by the handler of their failure.
struct Progress {
    /// Where an ERROR escaping the steps comes from (the statement being executed).
    stage: Stage,
    hooks: Vec<HookRun>,
    steps: Vec<(&'static str, f64)>,
    rows: u64,
    new_lint_errors: Vec<Value>,
}

struct Run<'a> {
    request: &'a Request<'a>,
    migration: Migration,
    caller: Caller,
    /// assess_risk's verdict on the script, and each statement's level and score.
    risk: Value,
    levels: Vec<risk::score::Score>,
    progress: RefCell<Progress>,
}

/// Runs `request` to its outcome. With `on_error = 'raise'` (and not a dry run), a failure is
/// raised again once the `on_error` hooks have run, its SQLSTATE kept.
pub fn run(request: &Request, function: &'static str) -> Outcome {
    let dry_run = request.options.dry_run;
    let (start, completed, failed) = if dry_run {
        use EventKind::*;
        (DryRunStart, DryRunCompleted, DryRunFailed)
    } else {
        use EventKind::*;
        (MigrationStart, MigrationCompleted, MigrationFailed)
    };
    let run = Run::new(request, function);
    emit(Event::new(start).migration(request.version));
    let started = Instant::now();
    let result = scoped(
        !dry_run,
        || run.steps(),
        |error| (Caught::from(&error), run.progress.borrow().stage.clone()),
    );
    let error = result.err().map(|(caught, stage)| {
        // A cancel, or the caller's own statement_timeout, stops everything now: no more hooks.
        // A hook's timeout is that hook's failure.
        let cancelled = caught.code == PgSqlErrorCode::ERRCODE_QUERY_CANCELED
            && !matches!(stage, Stage::Hook { .. });
        if cancelled {
            caught.raise(
                &format!("{} {}", request.operation().name(), request.version),
                function,
            );
        }
        run.on_error(&caught.failure);
        (caught, stage)
    });
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let outcome = run.outcome(error.as_ref(), duration_ms);
    match &error {
        None => emit(
            Event::new(completed)
                .migration(request.version)
                .duration_ms(duration_ms)
                .rows(outcome.rows),
        ),
        Some((caught, stage)) => emit(
            Event::new(failed)
                .migration(request.version)
                .duration_ms(duration_ms)
                .error(&format!("{}: {}", stage.describe(), caught.failure.message)),
        ),
    }
    if dry_run {
        return outcome;
    }
    let keep_failure = request.options.on_error == OnError::Record;
    if error.is_none() || keep_failure {
        run.record(&outcome);
    }
    if let (Some((caught, stage)), false) = (&error, keep_failure) {
        caught.raise(
            &format!(
                "{} {} failed at {}",
                request.operation().name(),
                request.version,
                stage.describe()
            ),
            function,
        );
    }
    outcome
}

impl<'a> Run<'a> {
    fn new(request: &'a Request<'a>, function: &'static str) -> Self {
        let options = risk::options::Options {
            throughput: crate::gucs::throughput(),
            ..Default::default()
        };
        // The analysis reads the script once, with the server's grammar, for the statements
        // to run as well as for their risk.
        let analysis = crate::analysis::analyse(request.text(), &options);
        let statements = runnable(&analysis.statements, function);
        let tables: BTreeSet<String> = analysis
            .assessments
            .iter()
            .flat_map(|a| {
                let locked = a.effects.locks.iter().map(|l| l.relation.clone());
                a.effects.target.clone().into_iter().chain(locked)
            })
            .collect();
        let levels = analysis.assessments.iter().map(|a| a.score).collect();
        Run {
            request,
            migration: Migration {
                version: request.version.to_string(),
                name: request.name.to_string(),
                checksum: request.checksum.clone(),
                operation: request.operation(),
                dry_run: request.options.dry_run,
                statements,
                tables: tables.into_iter().collect(),
            },
            caller: crate::hooks::runner::caller(),
            risk: risk::summary::summary(&analysis.assessments),
            levels,
            progress: RefCell::new(Progress {
                stage: Stage::Validation,
                hooks: Vec::new(),
                steps: Vec::new(),
                rows: 0,
                new_lint_errors: Vec::new(),
            }),
        }
    }

    /// The phases in order; the first failure stops them.
    fn steps(&self) -> Result<(), (Caught, Stage)> {
        self.phase(Phase::BeforeValidation)?;
        self.timed("validation", || self.validate())?;
        let lint_before = self.request.options.lint.then(lint_errors);
        self.phase(Phase::BeforeDdl)?;
        self.timed("statements", || {
            self.statements();
            Ok(())
        })?;
        if let Some(before) = lint_before {
            self.timed("lint", || self.lint(&before))?;
        }
        self.phase(Phase::AfterDdl)?;
        self.phase(Phase::AfterValidation)?;
        self.phase(Phase::Cleanup)
    }

    fn timed(
        &self,
        step: &'static str,
        work: impl FnOnce() -> Result<(), (Caught, Stage)>,
    ) -> Result<(), (Caught, Stage)> {
        let started = Instant::now();
        let result = work();
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        self.progress.borrow_mut().steps.push((step, elapsed));
        result
    }

    fn phase(&self, phase: Phase) -> Result<(), (Caught, Stage)> {
        self.timed(phase.name(), || {
            let mut runs = std::mem::take(&mut self.progress.borrow_mut().hooks);
            let result = run_phase(&self.migration, phase, &self.caller, &mut runs, None);
            self.progress.borrow_mut().hooks = runs;
            result.map_err(|HookFailure { hook, caught }| (caught, Stage::Hook { phase, hook }))
        })
    }

    /// `max_risk`: the script's worst assess_risk level must not be above it.
    fn validate(&self) -> Result<(), (Caught, Stage)> {
        let Some(max) = self.request.options.max_risk else {
            return Ok(());
        };
        let above: Vec<String> = self
            .levels
            .iter()
            .zip(&self.migration.statements)
            .enumerate()
            .filter(|(_, (score, _))| score.level > max)
            .map(|(i, (score, text))| {
                format!(
                    "Statement {} is {} (score {}): {text}",
                    i + 1,
                    score.level.name(),
                    score.value
                )
            })
            .collect();
        if above.is_empty() {
            return Ok(());
        }
        let mut caught = Caught::new(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            &format!("{} statement(s) above max_risk {}", above.len(), max.name()),
        );
        caught.failure.detail = Some(above.join("\n"));
        caught.failure.hint = Some(
            "Rewrite the risky statements as assess_risk suggests, or raise max_risk once the \
             risk is understood."
                .into(),
        );
        Err((caught, Stage::Validation))
    }

    /// Executes the script's statements; an ERROR propagates, the stage naming the statement.
    fn statements(&self) {
        let _spi = Connection::open();
        for (i, statement) in self.migration.statements.iter().enumerate() {
            self.progress.borrow_mut().stage = Stage::Statement { number: i + 1 };
            let executed =
                executor::execute(statement).unwrap_or_else(|refused| pgrx::error!("{refused}"));
            self.progress.borrow_mut().rows += executed.rows;
        }
    }

    /// `lint`: the schema must have no error the statements introduced.
    fn lint(&self, before: &BTreeSet<String>) -> Result<(), (Caught, Stage)> {
        let new: Vec<Value> = lint_findings()
            .into_iter()
            .filter(|f| !before.contains(&f.fingerprint))
            .map(|f| json!({"rule": f.rule, "object": f.object_name, "message": f.message}))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let mut caught = Caught::new(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            &format!("the migration introduces {} lint error(s)", new.len()),
        );
        caught.failure.detail = Some(
            new.iter()
                .map(|f| {
                    format!(
                        "{}: {}",
                        f["rule"].as_str().unwrap_or_default(),
                        f["message"]
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        );
        caught.failure.hint = Some(
            "Fix them in the migration, or configure the rules with \
                                    confiture.configure_rule / confiture.exclude."
                .into(),
        );
        self.progress.borrow_mut().new_lint_errors = new;
        Err((caught, Stage::Lint))
    }

    /// The `on_error` hooks, after the failed work was rolled back. Their own failures are
    /// recorded, not raised: the migration's error is the one that matters. In a dry run they
    /// are rolled back too.
    fn on_error(&self, failure: &Failure) {
        let hooks = || {
            let mut runs = std::mem::take(&mut self.progress.borrow_mut().hooks);
            let _ = run_phase(
                &self.migration,
                Phase::OnError,
                &self.caller,
                &mut runs,
                Some(failure),
            );
            self.progress.borrow_mut().hooks = runs;
        };
        if self.request.options.dry_run {
            always_rolled_back(hooks);
        } else {
            hooks();
        }
    }

    fn outcome(&self, error: Option<&(Caught, Stage)>, duration_ms: f64) -> Outcome {
        let progress = self.progress.borrow();
        Outcome {
            status: Status::of(
                self.request.operation(),
                error.is_none(),
                self.request.options.dry_run,
            ),
            version: self.migration.version.clone(),
            name: self.migration.name.clone(),
            checksum: self.migration.checksum.clone(),
            duration_ms,
            steps: progress.steps.clone(),
            hooks: progress.hooks.clone(),
            statements: self.migration.statements.len(),
            rows: progress.rows,
            risk: Some(self.risk.clone()),
            new_lint_errors: progress.new_lint_errors.clone(),
            error: error.map(|(caught, stage)| ((*caught.failure).clone(), stage.clone())),
        }
    }

    fn record(&self, outcome: &Outcome) {
        let entry = Entry {
            version: self.request.version,
            name: self.request.name,
            checksum: &self.request.checksum,
            duration_ms: outcome.duration_ms,
            hook_results: outcome.hooks_json(),
            error: outcome.to_json().get("error").cloned(),
        };
        match self.request.script {
            Script::Up { up, down } => history::write_attempt(&entry, up, down),
            Script::Down { .. } => history::write_rollback(&entry),
        }
    }
}

/// The statements' texts, refusing up front those a function cannot run: a migration runs
/// inside the caller's transaction, as one unit.
fn runnable(statements: &[risk::statement::Statement], function: &'static str) -> Vec<String> {
    for statement in statements {
        let why = if matches!(
            statement.operation,
            risk::statement::Operation::Transaction(_)
        ) {
            "controls the transaction, which migrate itself manages"
        } else if !statement.transactional {
            "cannot run inside a transaction block"
        } else {
            continue;
        };
        ErrorReport::new(
            PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED,
            format!("statement {} ({}) {why}", statement.number, statement.tag),
            function,
        )
        .set_detail(statement.text.clone())
        .set_hint(
            "A migration runs in one transaction, all or nothing. Remove BEGIN/COMMIT; run \
             CONCURRENTLY statements, VACUUM and the like outside confiture.migrate.",
        )
        .report(PgLogLevel::ERROR);
    }
    statements.iter().map(|s| s.text.clone()).collect()
}

fn lint_findings() -> Vec<confiture_core::lint::engine::LintFinding> {
    let errors = Selection {
        min_severity: Severity::Error,
        ..Default::default()
    };
    crate::lint::run(&errors, "migrate").0
}

fn lint_errors() -> BTreeSet<String> {
    lint_findings().into_iter().map(|f| f.fingerprint).collect()
}
