//! Running a migration statement by statement inside a subtransaction that is always rolled
//! back, observing each statement.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use pgrx::pg_sys::panic::{ErrorReport, ErrorReportWithLevel};
use pgrx::prelude::*;

use super::catalog_diff::{self, Changes};
use super::locks::{self, Held, LockMode};
use super::options::Options;
use super::plan::{self, Step};
use super::report::{LockReport, StatementReport, Status};
use super::server::{self, Before, Connection, Observer, UnrelatedWrites, XidWindow};
use super::side_effects::{self, SequenceState};
use crate::script::{self, Command};
use crate::statement_timer::StatementTimer;
use crate::subtransaction::{always_rolled_back, attempt};

/// A statement of the migration, with its command.
type Statement<'a> = script::Statement<'a, Command>;

/// A finished dry run.
pub struct DryRun {
    pub statements: Vec<StatementReport>,
    /// What the rollback could not undo and no statement could be blamed for (sequences moved
    /// by statements that then failed).
    pub unattributed_side_effects: Vec<String>,
}

/// Dry-runs `migration`: see docs/reference/dry_run.md.
pub fn dry_run(migration: &str, options: &Options) -> DryRun {
    let statements = script::commands_or_report(migration);
    for statement in &statements {
        if let Some(refusal) = plan::refusal(&statement.command) {
            ErrorReport::new(
                PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED,
                refusal.message,
                function_name!(),
            )
            .set_detail(format!(
                "Statement {}: {}",
                statement.number, statement.text
            ))
            .set_hint(refusal.hint)
            .report(PgLogLevel::ERROR);
        }
    }

    // Reading a sequence locks it; the rollback of this subtransaction releases the locks.
    let sequences = || {
        always_rolled_back(|| {
            let _spi = Connection::open();
            server::sequence_states(None)
        })
    };
    let at_start = sequences();
    let (reports, last_seen) = always_rolled_back(|| {
        let _spi = Connection::open();
        server::execute(&format!(
            "SELECT set_config('lock_timeout', '{}ms', true), \
                    set_config('statement_timeout', '{}ms', true)",
            options.lock_timeout_ms, options.statement_timeout_ms
        ))
        .expect("set_config is a plain SELECT");
        let mut run = Run::new(Observer::prepare(), &at_start);
        let reports: Vec<_> = statements
            .iter()
            .map(|s| run.statement(s, options))
            .collect();
        (reports, run.sequences)
    });
    let after_rollback = sequences();
    DryRun {
        statements: reports,
        unattributed_side_effects: side_effects::sequence_moves(
            after_rollback
                .iter()
                .filter_map(|(oid, name, now)| Some((name.as_str(), *last_seen.get(oid)?, *now))),
        ),
    }
}

/// What a completed statement did.
struct Observed {
    acquired: Vec<(u32, LockMode)>,
    catalog: Changes,
}

/// What a dry run knows between statements.
struct Run {
    observer: Observer,
    held: Held,
    names: HashMap<u32, String>,
    /// `pg_class.relkind` of every relation seen locked.
    kinds: HashMap<u32, String>,
    created_relations: HashSet<u32>,
    /// Last known state of every sequence readable at the start, in its original storage.
    sequences: BTreeMap<u32, SequenceState>,
    failure: Option<usize>,
}

impl Run {
    fn new(observer: Observer, sequences: &[(u32, String, SequenceState)]) -> Self {
        let mut run = Run {
            observer,
            held: Held::new(),
            names: HashMap::new(),
            kinds: HashMap::new(),
            created_relations: HashSet::new(),
            sequences: sequences.iter().map(|(oid, _, p)| (*oid, *p)).collect(),
            failure: None,
        };
        run.held = run.observe_locks();
        run
    }

    fn statement(&mut self, statement: &Statement, options: &Options) -> StatementReport {
        let unexecuted = |status, reason| {
            StatementReport::unexecuted(statement.number, statement.text, status, Some(reason))
        };
        if let Some(failed) = self.failure.filter(|_| options.stop_on_error) {
            return unexecuted(
                Status::NotRun,
                format!("not run: statement {failed} failed"),
            );
        }
        match plan::step(
            statement.text,
            &statement.command,
            options.simulate_concurrently,
        ) {
            Step::Skip { reason } => unexecuted(Status::Skipped, reason),
            Step::Run { sql, simulated } => self.execute(statement, &sql, simulated, options),
        }
    }

    fn execute(
        &mut self,
        statement: &Statement,
        sql: &str,
        simulated: Option<String>,
        options: &Options,
    ) -> StatementReport {
        let before = Before::take();
        let window = XidWindow::open();
        let unrelated_before = self.observer.unrelated_writes();
        let explain = options.explain
            && matches!(
                statement.command.tag.as_str(),
                "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "SELECT"
            );
        let timer = StatementTimer::arm();
        let started = Instant::now();
        let outcome = attempt(|| {
            let plan = explain.then(|| server::explain(sql));
            (plan, server::execute(sql))
        });
        // Microseconds are the precision worth reporting.
        let duration_ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3;
        let callers_deadline_passed = timer.callers_deadline_passed();
        timer.disarm();

        let mut report = StatementReport {
            duration_ms: Some(duration_ms),
            ..StatementReport::unexecuted(statement.number, statement.text, Status::Failed, None)
        };
        match outcome {
            // PreventInTransactionBlock raises this before the command does anything: the
            // command has no transactional form (REINDEX of a partitioned table, ...).
            Err(error)
                if error.sql_error_code() == PgSqlErrorCode::ERRCODE_ACTIVE_SQL_TRANSACTION =>
            {
                report.status = Status::Skipped;
                report.duration_ms = None;
                report.message = Some(format!(
                    "{} (PostgreSQL refuses it inside a transaction block)",
                    error.message()
                ));
            }
            Err(error) => {
                crate::statement_timer::stop_if_cancelled(&error, callers_deadline_passed);
                report.sqlstate = Some(crate::subtransaction::server_sqlstate(&error));
                report.message = Some(match &simulated {
                    Some(_) => format!("simulated without CONCURRENTLY: {}", full_message(&error)),
                    None => full_message(&error),
                });
                self.failure = self.failure.or(Some(statement.number));
            }
            Ok((_, Err(refused))) => {
                report.message = Some(refused);
                self.failure = self.failure.or(Some(statement.number));
            }
            Ok((plan, Ok(executed))) => {
                let changes = self.observe(window, before, unrelated_before, executed.wrote);
                let rows = statement.command.counts_rows.then_some(executed.rows);
                let mut effects = side_effects::of_statement(&statement.command, sql, rows);
                effects.extend(self.foreign_writes(&changes.acquired));
                effects.extend(self.sequence_locks(&changes.acquired));
                effects.extend(self.sequence_moves());
                report.status = Status::Ok;
                report.message = [simulated.clone(), plan]
                    .into_iter()
                    .flatten()
                    .reduce(|a, b| a + "\n" + &b);
                report.rows_affected = rows;
                report.locks = Some(self.lock_reports(&changes.acquired, simulated.is_some()));
                report.rewritten = Some(changes.catalog.rewritten);
                report.created = Some(changes.catalog.created);
                report.dropped = Some(changes.catalog.dropped);
                report.altered = Some(changes.catalog.altered);
                report.side_effects = effects;
            }
        }
        report
    }

    /// What a statement that completed changed: the locks it acquired and, when it wrote
    /// anything, the catalog rows it touched since `before`.
    fn observe(
        &mut self,
        window: XidWindow,
        before: Before,
        unrelated_before: UnrelatedWrites,
        wrote: bool,
    ) -> Observed {
        let after = self.observe_locks();
        let catalog = if wrote {
            let relations: Vec<u32> = after.keys().copied().collect();
            let unrelated = self.observer.unrelated_writes().since(unrelated_before);
            let old =
                self.observer
                    .touched_catalog_rows(window, Some(&before), &relations, unrelated);
            let new = self
                .observer
                .touched_catalog_rows(window, None, &relations, unrelated);
            for row in old.iter().chain(&new) {
                if let Some(oid) = row.key.strip_prefix("class:").and_then(|o| o.parse().ok()) {
                    self.names.entry(oid).or_insert_with(|| row.name.clone());
                }
            }
            catalog_diff::diff(&old, &new)
        } else {
            Changes::default()
        };
        let acquired = locks::acquired(&self.held, &after);
        self.created_relations.extend(&catalog.new_relations);
        self.held = after;
        Observed { acquired, catalog }
    }

    /// The locks held now, remembering relation names for when a relation is dropped.
    fn observe_locks(&mut self) -> Held {
        let rows = self.observer.held_locks();
        for (oid, _, kind, name) in &rows {
            if let Some(name) = name {
                self.names.insert(*oid, name.clone());
                self.kinds.insert(*oid, kind.clone());
            }
        }
        locks::strongest(rows.into_iter().map(|(oid, mode, _, _)| (oid, mode)))
    }

    fn lock_reports(&self, acquired: &[(u32, LockMode)], simulated: bool) -> Vec<LockReport> {
        // A relation without a name existed neither before nor after the statement (the
        // transient copy of a table rewrite); TOAST tables follow their table.
        let mut reports: Vec<LockReport> = acquired
            .iter()
            .filter_map(|&(oid, observed)| {
                let relation = self
                    .names
                    .get(&oid)
                    .filter(|n| !n.starts_with("pg_toast"))?;
                let created_in_run = self.created_relations.contains(&oid);
                // The CONCURRENTLY form takes a weaker lock on the existing relations.
                let weakened = simulated && !created_in_run && observed > plan::CONCURRENT_LOCK;
                Some(LockReport {
                    relation: relation.clone(),
                    mode: if weakened {
                        plan::CONCURRENT_LOCK
                    } else {
                        observed
                    },
                    observed_mode: weakened.then_some(observed),
                    created_in_run,
                })
            })
            .collect();
        reports.sort_by(|a, b| a.relation.cmp(&b.relation));
        reports
    }

    fn name(&self, oid: u32) -> String {
        self.names
            .get(&oid)
            .cloned()
            .unwrap_or_else(|| format!("relation {oid}"))
    }

    fn foreign_writes(&self, acquired: &[(u32, LockMode)]) -> Vec<String> {
        acquired
            .iter()
            .filter(|(oid, mode)| {
                self.kinds.get(oid).is_some_and(|k| k == "f") && *mode >= LockMode::RowExclusive
            })
            .map(|(oid, _)| {
                format!(
                    "writes to foreign table {}: whether the remote server rolls back depends \
                     on its foreign data wrapper",
                    self.name(*oid)
                )
            })
            .collect()
    }

    /// `nextval` and `setval` lock a sequence for the whole top-level transaction, beyond the
    /// dry run's rollback.
    fn sequence_locks(&self, acquired: &[(u32, LockMode)]) -> Vec<String> {
        acquired
            .iter()
            .filter(|(oid, mode)| {
                self.sequences.contains_key(oid) && *mode == LockMode::RowExclusive
            })
            .map(|(oid, mode)| {
                format!(
                    "sequence {} stays locked ({}) until the calling transaction ends: \
                     PostgreSQL holds sequence locks for the whole transaction",
                    self.name(*oid),
                    mode.name()
                )
            })
            .collect()
    }

    /// Sequences this transaction has touched whose position moved since last seen.
    fn sequence_moves(&mut self) -> Vec<String> {
        let locked: Vec<u32> = self
            .held
            .keys()
            .filter(|oid| self.sequences.contains_key(oid))
            .copied()
            .collect();
        if locked.is_empty() {
            return Vec::new();
        }
        let now = server::sequence_states(Some(&locked));
        let readings: Vec<_> = now
            .iter()
            .filter_map(|(oid, name, state)| {
                let seen = self.sequences.get_mut(oid)?;
                let reading = (name.as_str(), *seen, *state);
                // Positions in storage the rollback will discard are not remembered.
                if seen.storage == state.storage {
                    *seen = *state;
                }
                Some(reading)
            })
            .collect();
        side_effects::sequence_moves(readings)
    }
}

fn full_message(error: &ErrorReportWithLevel) -> String {
    let mut message = error.message().to_string();
    if let Some(detail) = error.detail() {
        message += &format!("\nDETAIL: {detail}");
    }
    if let Some(hint) = error.hint() {
        message += &format!("\nHINT: {hint}");
    }
    message
}
