//! A dry run's findings: one report per statement, and the summary over all of them.

use serde_json::{json, Value};

use super::locks::LockMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Failed,
    /// Cannot run inside a transaction, or transaction control.
    Skipped,
    /// After a failure, with `stop_on_error`.
    NotRun,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::NotRun => "not_run",
        }
    }
}

/// A lock a statement acquired.
#[derive(Debug, Clone, PartialEq)]
pub struct LockReport {
    pub relation: String,
    pub mode: LockMode,
    /// For a simulated `CONCURRENTLY` statement: the mode the plain stand-in really took.
    pub observed_mode: Option<LockMode>,
    /// The relation was created earlier in the same dry run: nobody else can be waiting for it.
    pub created_in_run: bool,
}

impl LockReport {
    pub fn to_json(&self) -> Value {
        let mut lock = json!({"relation": self.relation, "mode": self.mode.name()});
        if let Some(observed) = self.observed_mode {
            lock["observed_mode"] = observed.name().into();
        }
        if self.created_in_run {
            lock["created_in_run"] = true.into();
        }
        lock
    }
}

/// What happened to one statement. Observations are `None` when the statement did not run to
/// completion (nothing could be observed).
#[derive(Debug, Clone, PartialEq)]
pub struct StatementReport {
    pub number: usize,
    pub statement: String,
    pub status: Status,
    pub sqlstate: Option<String>,
    pub message: Option<String>,
    pub duration_ms: Option<f64>,
    pub rows_affected: Option<u64>,
    pub locks: Option<Vec<LockReport>>,
    pub rewritten: Option<Vec<String>>,
    pub created: Option<Vec<String>>,
    pub dropped: Option<Vec<String>>,
    pub altered: Option<Vec<String>>,
    pub side_effects: Vec<String>,
}

impl StatementReport {
    /// A statement that did not execute.
    pub fn unexecuted(
        number: usize,
        statement: &str,
        status: Status,
        reason: Option<String>,
    ) -> Self {
        Self {
            number,
            statement: statement.to_string(),
            status,
            sqlstate: None,
            message: reason,
            duration_ms: None,
            rows_affected: None,
            locks: None,
            rewritten: None,
            created: None,
            dropped: None,
            altered: None,
            side_effects: Vec::new(),
        }
    }
}

/// SQLSTATE of "canceling statement due to lock timeout".
pub const LOCK_NOT_AVAILABLE: &str = "55P03";

/// The summary `dry_run_summary` returns; see docs/reference/dry_run_summary.md for the model.
pub fn summary(reports: &[StatementReport], data_scale: f64, run_side_effects: &[String]) -> Value {
    let count = |status| reports.iter().filter(|r| r.status == status).count();
    let first_failure = reports
        .iter()
        .find(|r| r.status == Status::Failed)
        .map(|r| {
            json!({"statement_no": r.number, "statement": r.statement,
               "sqlstate": r.sqlstate, "message": r.message})
        });
    let total_ms: f64 = reports.iter().filter_map(|r| r.duration_ms).sum();

    // Locks are held until the transaction ends: from the statement that takes one to the
    // last statement that runs.
    let mut held: Vec<(&LockReport, usize, f64)> = Vec::new();
    for (index, report) in reports.iter().enumerate() {
        for lock in report.locks.iter().flatten().filter(|l| !l.created_in_run) {
            let until_end: f64 = reports[index..].iter().filter_map(|r| r.duration_ms).sum();
            held.retain(|(l, _, _)| l.relation != lock.relation);
            held.push((lock, report.number, until_end));
        }
    }
    let lock_json = |(lock, number, ms): &(&LockReport, usize, f64)| {
        json!({"relation": lock.relation, "mode": lock.mode.name(), "blocks": lock.mode.blocks(),
               "acquired_by_statement": number, "held_ms": round(*ms)})
    };
    // The strongest mode, then the longest held; among equals the first listed, which is the
    // table rather than its indexes (a statement lists its locks by name).
    let strongest = held
        .iter()
        .reduce(|best, next| {
            let stronger = next
                .0
                .mode
                .cmp(&best.0.mode)
                .then(next.2.total_cmp(&best.2));
            if stronger.is_gt() {
                next
            } else {
                best
            }
        })
        .map(lock_json);

    let lock_timeouts: Vec<usize> = reports
        .iter()
        .filter(|r| r.sqlstate.as_deref() == Some(LOCK_NOT_AVAILABLE))
        .map(|r| r.number)
        .collect();
    let mut findings: Vec<String> = lock_timeouts
        .iter()
        .map(|n| {
            format!(
                "statement {n} could not get its lock within lock_timeout: another session holds \
                 a conflicting lock, and a real run would queue behind it while blocking every \
                 session that queues behind the migration"
            )
        })
        .collect();
    findings.extend(
        reports
            .iter()
            .filter(|r| r.status == Status::Skipped)
            .map(|r| {
                format!(
                    "statement {} was skipped: {}",
                    r.number,
                    r.message.as_deref().unwrap_or("")
                )
            }),
    );

    let union = |field: fn(&StatementReport) -> &Option<Vec<String>>| {
        let mut all: Vec<String> = reports
            .iter()
            .flat_map(|r| field(r).iter().flatten().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    };
    let mut side_effects: Vec<String> = reports
        .iter()
        .flat_map(|r| r.side_effects.clone())
        .collect();
    side_effects.extend(run_side_effects.iter().cloned());
    side_effects.dedup();

    json!({
        "would_succeed": count(Status::Failed) == 0,
        "statements": reports.len(),
        "ok": count(Status::Ok),
        "failed": count(Status::Failed),
        "skipped": count(Status::Skipped),
        "not_run": count(Status::NotRun),
        "first_failure": first_failure,
        "total_ms": round(total_ms),
        "strongest_lock": strongest,
        "locks": held.iter().map(lock_json).collect::<Vec<_>>(),
        "lock_timeouts": lock_timeouts,
        "rewritten": union(|r| &r.rewritten),
        "created": union(|r| &r.created),
        "dropped": union(|r| &r.dropped),
        "altered": union(|r| &r.altered),
        "side_effects": side_effects,
        "estimated_production_ms": round(estimated_production_ms(reports, data_scale)),
        "data_scale": data_scale,
        "findings": findings,
    })
}

/// The documented model: statements that worked on existing data (rewrote storage, changed
/// rows, or built an index on an existing table) scale with the data, `data_scale` times the
/// time measured here; the rest (catalog-only changes) take the time measured here.
pub fn estimated_production_ms(reports: &[StatementReport], data_scale: f64) -> f64 {
    reports
        .iter()
        .filter_map(|r| {
            let ms = r.duration_ms?;
            let data_bound = r.rewritten.as_ref().is_some_and(|v| !v.is_empty())
                || r.rows_affected.is_some_and(|n| n > 0)
                || r.created.iter().flatten().any(|c| c.starts_with("index "));
            Some(if data_bound { ms * data_scale } else { ms })
        })
        .sum()
}

fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran(number: usize, ms: f64, locks: Vec<LockReport>) -> StatementReport {
        StatementReport {
            duration_ms: Some(ms),
            locks: Some(locks),
            rewritten: Some(vec![]),
            created: Some(vec![]),
            dropped: Some(vec![]),
            altered: Some(vec![]),
            ..StatementReport::unexecuted(number, "x", Status::Ok, None)
        }
    }

    fn lock(relation: &str, mode: LockMode) -> LockReport {
        LockReport {
            relation: relation.into(),
            mode,
            observed_mode: None,
            created_in_run: false,
        }
    }

    #[test]
    fn strongest_lock_is_held_until_the_end_of_the_run() {
        let reports = [
            ran(1, 10.0, vec![lock("public.a", LockMode::RowExclusive)]),
            ran(2, 100.0, vec![lock("public.b", LockMode::AccessExclusive)]),
            ran(3, 5.0, vec![]),
        ];
        let s = summary(&reports, 1.0, &[]);
        assert_eq!(s["would_succeed"], true);
        assert_eq!(s["strongest_lock"]["relation"], "public.b");
        assert_eq!(s["strongest_lock"]["held_ms"], 105.0);
        assert_eq!(s["strongest_lock"]["acquired_by_statement"], 2);
        assert_eq!(s["locks"][0]["held_ms"], 115.0);
        assert_eq!(s["total_ms"], 115.0);
    }

    #[test]
    fn among_equal_locks_the_first_listed_is_the_strongest() {
        let reports = [ran(
            1,
            10.0,
            vec![
                lock("public.users", LockMode::AccessExclusive),
                lock("public.users_pkey", LockMode::AccessExclusive),
            ],
        )];
        let s = summary(&reports, 1.0, &[]);
        assert_eq!(s["strongest_lock"]["relation"], "public.users");
    }

    #[test]
    fn locks_on_relations_created_in_the_run_do_not_count() {
        let mut own = lock("public.new", LockMode::AccessExclusive);
        own.created_in_run = true;
        let s = summary(&[ran(1, 1.0, vec![own])], 1.0, &[]);
        assert!(s["strongest_lock"].is_null());
    }

    #[test]
    fn first_failure_and_lock_timeouts_are_reported() {
        let mut failed =
            StatementReport::unexecuted(2, "ALTER TABLE t ADD c int", Status::Failed, None);
        failed.sqlstate = Some(LOCK_NOT_AVAILABLE.into());
        failed.message = Some("canceling statement due to lock timeout".into());
        let reports = [
            ran(1, 1.0, vec![]),
            failed,
            StatementReport::unexecuted(3, "y", Status::NotRun, None),
        ];
        let s = summary(&reports, 1.0, &[]);
        assert_eq!(s["would_succeed"], false);
        assert_eq!(s["first_failure"]["statement_no"], 2);
        assert_eq!(s["lock_timeouts"], json!([2]));
        assert_eq!(s["not_run"], 1);
        assert!(s["findings"][0]
            .as_str()
            .unwrap()
            .contains("could not get its lock"));
    }

    #[test]
    fn only_data_bound_statements_scale() {
        let mut rewrite = ran(1, 100.0, vec![]);
        rewrite.rewritten = Some(vec!["public.t".into()]);
        let catalog_only = ran(2, 2.0, vec![]);
        assert_eq!(
            estimated_production_ms(&[rewrite, catalog_only], 10.0),
            1002.0
        );
    }
}
