//! A masking run: every rule column of a table masked by one UPDATE per batch of blocks,
//! inside a subtransaction of its own, with progress, the hooks around it and an audit row.

use std::time::Instant;

use confiture_core::anonymize::foreign_keys;
use confiture_core::anonymize::rule::Planned;
use confiture_core::anonymize::run::{batches, RunOptions};
use confiture_core::anonymize::sql::expression;
use confiture_core::hooks::context::{Caller, Migration, Operation};
use confiture_core::hooks::Phase;
use confiture_core::identifier::quote_ident;
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::{json, Value};

use super::{catalog, key, rules};
use crate::catalog_text::read;
use crate::errors::{raise, Caught};
use crate::executor::run;
use crate::hooks::runner::run_phase;
use crate::statement_timer::StatementTimer;
use crate::subtransaction::attempt;

/// One column to mask.
pub struct Target {
    pub column: String,
    pub strategy: String,
    pub options: Value,
    pub planned: Planned,
    /// A unique index over the column checks each row as it is written (not DEFERRABLE).
    pub unique_immediate: bool,
}

/// The rules of `table`, each checked against the table as it is now.
pub fn targets(table: pg_sys::Oid, function: &'static str) -> Vec<Target> {
    catalog::rules(table)
        .into_iter()
        .map(|rule| {
            let (planned, unique_immediate) =
                rules::plan(table, &rule.column, &rule.strategy, &rule.options, function);
            Target {
                column: rule.column,
                strategy: rule.strategy,
                options: rule.options,
                planned,
                unique_immediate,
            }
        })
        .collect()
}

/// `name` double-quoted: the generated statements quote every identifier, so no keyword list
/// is needed.
pub fn quoted(name: &str) -> String {
    quote_ident(name, |_| true)
}

/// `SET col = masked, ...` for every target. The masked value is assigned, not cast: an
/// assignment to `varchar(20)` refuses a longer value where a cast would cut it, and a
/// domain's constraints apply.
fn assignments(targets: &[Target]) -> String {
    targets
        .iter()
        .map(|t| {
            let column = quoted(&t.column);
            format!("{column} = {}", expression(&t.planned.call(), &column))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Refuses, before anything is masked, a run that could only fail or leave data behind: no
/// right to write its audit row, or a foreign key that masking this table would break.
fn preflight(table: pg_sys::Oid, name: &str, function: &'static str) {
    let may_audit = read(
        "SELECT has_table_privilege('confiture.anonymization_audit', 'INSERT')::text",
        &[],
    );
    if may_audit != "true" {
        raise(
            PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
            "permission denied to anonymize: every run writes confiture.anonymization_audit",
            "GRANT INSERT ON confiture.anonymization_audit TO <role> lets a role anonymize.",
            function,
        );
    }
    let rules = catalog::all_rules();
    for key in catalog::foreign_keys(table) {
        let rule = |table: &str, column: &str| {
            rules.get(&(table.to_string(), column.to_string())).cloned()
        };
        if let Err(error) = foreign_keys::check(&key, name, rule) {
            raise(
                PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                error.message,
                error.hint,
                function,
            );
        }
    }
}

/// Masks `table` by its rules; see docs/reference/anonymize_table.md.
pub fn anonymize_table(
    table: pg_sys::Oid,
    batch_size: u32,
    options: &RunOptions,
    function: &'static str,
) -> Value {
    key::key(function);
    let (name, qualified) = catalog::table_names(table);
    let targets = targets(table, function);
    if targets.is_empty() {
        raise(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!("table {name} has no anonymization rule"),
            "Declare what to mask with confiture.set_rule(table, column, strategy).",
            function,
        );
    }
    preflight(table, &name, function);
    let set = assignments(&targets);
    let started = Instant::now();
    let hooks_context = Migration {
        version: String::new(),
        name: name.clone(),
        checksum: String::new(),
        operation: Operation::Anonymize,
        dry_run: false,
        statements: vec![format!("UPDATE {name} SET {set}")],
        tables: vec![name.clone()],
    };
    let caller = crate::hooks::runner::caller();
    let mut hook_runs = Vec::new();
    hooks(
        &hooks_context,
        Phase::BeforeAnonymization,
        &caller,
        &mut hook_runs,
        function,
    );

    let timer = StatementTimer::arm_for(crate::gucs::mask_timeout_ms());
    let outcome = attempt(|| mask(table, &qualified, &targets, &set, batch_size, options));
    let callers_deadline_passed = timer.callers_deadline_passed();
    timer.disarm();
    let (rows, batches) = outcome.unwrap_or_else(|error| {
        crate::statement_timer::stop_if_cancelled(&error, callers_deadline_passed);
        Caught::from(&error).raise(&format!("anonymize_table {name}"), function)
    });
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;

    let strategies: Value = targets
        .iter()
        .map(|t| {
            (
                t.column.clone(),
                json!({"strategy": t.strategy, "options": t.options}),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    run(
        "INSERT INTO confiture.anonymization_audit (tbl, strategies, rows, duration_ms)
         VALUES ($1::oid::regclass, $2, $3, $4)",
        &[
            table.into(),
            JsonB(strategies.clone()).into(),
            (rows as i64).into(),
            duration_ms.into(),
        ],
    );
    hooks(
        &hooks_context,
        Phase::AfterAnonymization,
        &caller,
        &mut hook_runs,
        function,
    );
    json!({
        "table": name,
        "rows": rows,
        "batches": batches,
        "duration_ms": (duration_ms * 1000.0).round() / 1000.0,
        "rows_per_second": if duration_ms > 0.0 { (rows as f64 / duration_ms * 1000.0).round() } else { 0.0 },
        "columns": strategies,
        "hook_results": hook_runs.iter().map(|r| r.to_json()).collect::<Vec<_>>(),
    })
}

fn hooks(
    context: &Migration,
    phase: Phase,
    caller: &Caller,
    runs: &mut Vec<confiture_core::hooks::context::HookRun>,
    function: &'static str,
) {
    if let Err(failure) = run_phase(context, phase, caller, runs, None) {
        failure.caught.raise(
            &format!(
                "anonymize_table {} failed at hook \"{}\" ({} phase)",
                context.name,
                failure.hook,
                phase.name()
            ),
            function,
        );
    }
}

/// The masking itself, in the run's subtransaction: returns rows masked and batches run.
/// `name` is the table's qualified name.
fn mask(
    table: pg_sys::Oid,
    name: &str,
    targets: &[Target],
    set: &str,
    batch_size: u32,
    options: &RunOptions,
) -> (u64, usize) {
    // Only pg_catalog's operators and functions resolve in the statements below: a user's
    // operator or function of the same name in another schema cannot slip into the run.
    let search_path = read("SELECT current_setting('search_path')", &[]);
    run(
        "SELECT set_config('search_path', 'pg_catalog, pg_temp', true)",
        &[],
    );
    // Rows written by other sessions during the run would escape it: they wait until the
    // transaction ends, while reads go on. Under REPEATABLE READ the transaction's snapshot
    // predates the lock, so rows committed while the run waited for it would not be seen:
    // there the lock must have been taken before the snapshot.
    refuse_snapshot_older_than_lock(table, name);
    run(&format!("LOCK TABLE {name} IN EXCLUSIVE MODE"), &[]);
    run("SET CONSTRAINTS ALL DEFERRED", &[]);
    refuse_unique_collisions(name, targets);
    let disabled = if options.disable_triggers {
        disable_triggers(table)
    } else {
        Vec::new()
    };
    keep_originals(table, name, targets, options.keep_originals);
    // Versions written by this subtransaction carry its transaction ID: a batch skips them,
    // so that no row is masked twice, while rows the caller wrote earlier in its own
    // transaction are masked.
    // SAFETY: assigns and returns the current (sub)transaction's ID.
    let xid = unsafe { pg_sys::GetCurrentTransactionId() }
        .into_inner()
        .to_string();
    // A plain table is its own leaf; pg_partition_tree lists the leaves of a partitioned one.
    let leaves = read(
        "WITH leaf AS (SELECT relid FROM pg_partition_tree($1) WHERE isleaf
                       UNION SELECT $1::regclass)
         SELECT coalesce(json_agg(json_build_object(
                    'name', format('%I.%I', n.nspname, c.relname),
                    'blocks', pg_relation_size(c.oid) / current_setting('block_size')::bigint,
                    'rows_per_block', CASE WHEN c.relpages > 0 AND c.reltuples > 0
                                           THEN c.reltuples / c.relpages ELSE 100 END)), '[]')::text
           FROM leaf
           JOIN pg_class c ON c.oid = leaf.relid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind = 'r'",
        &[table.into()],
    );
    let leaves: Value = serde_json::from_str(&leaves).expect("the query builds a JSON array");
    let mut rows = 0;
    let mut count = 0;
    for leaf in leaves.as_array().into_iter().flatten() {
        let leaf_name = leaf["name"].as_str().unwrap_or_default();
        let ranges = batches(
            leaf["blocks"].as_u64().unwrap_or(0),
            leaf["rows_per_block"].as_f64().unwrap_or(100.0),
            batch_size,
        );
        let update = format!(
            "UPDATE ONLY {leaf_name} SET {set}
              WHERE ctid >= format('(%s,0)', $1)::tid AND ctid < format('(%s,0)', $2)::tid
                AND xmin <> $3::xid"
        );
        for (i, (start, end)) in ranges.iter().enumerate() {
            let masked = run(
                &update,
                &[
                    (*start as i64).into(),
                    (*end as i64).into(),
                    xid.as_str().into(),
                ],
            );
            rows += masked;
            count += 1;
            pgrx::notice!(
                "confiture: {leaf_name}: batch {} of {}, {rows} rows masked",
                i + 1,
                ranges.len()
            );
        }
    }
    for (relation, trigger, restore) in disabled {
        // The table before its partitions: PostgreSQL 15 carries a partitioned table's ENABLE
        // to its partitions even with ONLY, so each partition's own state is put back after.
        let put_back = format!("ALTER TABLE ONLY {relation} {restore} TRIGGER {trigger}");
        run(&put_back, &[]);
    }
    // An ERROR rolls the subtransaction back and the setting with it; success keeps it until
    // the transaction ends, so it is put back.
    run(
        "SELECT set_config('search_path', $1, true)",
        &[search_path.as_str().into()],
    );
    (rows, count)
}

fn refuse_snapshot_older_than_lock(table: pg_sys::Oid, name: &str) {
    let state: Value = serde_json::from_str(&read(
        "SELECT json_build_object(
                    'isolation', current_setting('transaction_isolation'),
                    'locked', EXISTS (SELECT FROM pg_locks
                                       WHERE pid = pg_backend_pid() AND relation = $1 AND granted
                                         AND mode IN ('ExclusiveLock', 'AccessExclusiveLock')))::text",
        &[table.into()],
    ))
    .expect("the query builds a JSON object");
    if state["isolation"] != "read committed" && state["locked"] != true {
        raise(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!(
                "anonymizing under {} needs the table locked before the transaction's snapshot",
                state["isolation"].as_str().unwrap_or_default()
            ),
            format!(
                "Run LOCK TABLE {name} IN EXCLUSIVE MODE as the transaction's first statement, or \
             anonymize under READ COMMITTED: rows other sessions commit meanwhile would escape."
            ),
            function_name!(),
        );
    }
}

/// The user triggers of the table and its partitions (clones of the table's own included),
/// the enabled ones disabled now one by one; each comes with the form that puts it back as it
/// was (`ENABLE`, `ENABLE ALWAYS`, `ENABLE REPLICA` or `DISABLE`), so that triggers disabled
/// before the run, on the table or on one partition, stay disabled after it.
fn disable_triggers(table: pg_sys::Oid) -> Vec<(String, String, &'static str)> {
    let triggers: Value = serde_json::from_str(&read(
        "WITH relation AS (SELECT relid FROM pg_partition_tree($1) UNION SELECT $1::regclass)
         SELECT coalesce(json_agg(json_build_array(
                    format('%I.%I', n.nspname, c.relname), quote_ident(t.tgname), t.tgenabled)
                    ORDER BY c.oid <> $1, c.oid), '[]')::text
           FROM relation r
           JOIN pg_trigger t ON t.tgrelid = r.relid
           JOIN pg_class c ON c.oid = t.tgrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE NOT t.tgisinternal",
        &[table.into()],
    ))
    .expect("the query builds a JSON array");
    triggers
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            let at = |i: usize| t[i].as_str().unwrap_or_default().to_string();
            let restore = match at(2).as_str() {
                "A" => "ENABLE ALWAYS",
                "R" => "ENABLE REPLICA",
                "D" => "DISABLE",
                _ => "ENABLE",
            };
            if restore != "DISABLE" {
                let disable = format!("ALTER TABLE ONLY {} DISABLE TRIGGER {}", at(0), at(1));
                run(&disable, &[]);
            }
            (at(0), at(1), restore)
        })
        .collect()
}

/// A unique index checked row by row fails the run as soon as a masked value equals a value
/// not masked yet: a one-to-one strategy permutes values, it does not keep them apart from the
/// originals. Looked for before anything is written, with the masked values computed once
/// (MATERIALIZED: inlined, the expression would be computed for each of its two uses).
fn refuse_unique_collisions(name: &str, targets: &[Target]) {
    for target in targets.iter().filter(|t| t.unique_immediate) {
        let column = quoted(&target.column);
        let masked = expression(&target.planned.call(), &format!("m.{column}"));
        let collisions = read(
            &format!(
                "WITH s AS MATERIALIZED (
                     SELECT ({masked})::text AS masked, m.{column}::text AS original FROM {name} m)
                 SELECT count(*)::text FROM s
                  WHERE s.masked IS DISTINCT FROM s.original
                    AND s.masked IN (SELECT o.{column}::text FROM {name} o)"
            ),
            &[],
        );
        if collisions != "0" {
            raise(PgSqlErrorCode::ERRCODE_UNIQUE_VIOLATION, format!(
                    "masking {} would give {collisions} row(s) a value another row holds before it is masked",
                    target.column
                ), "A unique index that is not DEFERRABLE checks each row as it is written. Make the \
                 UNIQUE constraint DEFERRABLE (it is then checked at commit), or drop the index \
                 and recreate it after masking, in the same transaction.", function_name!());
        }
    }
}

/// Keeps up to `limit` original values of each masked column in a temporary table of the
/// session, for `verify_anonymization` to look for afterwards. Only this session can read it,
/// and it goes with the session.
fn keep_originals(table: pg_sys::Oid, name: &str, targets: &[Target], limit: u32) {
    let exists = read(
        "SELECT (to_regclass('pg_temp.confiture_anonymization_originals') IS NOT NULL)::text",
        &[],
    ) == "true";
    if exists {
        run(
            "DELETE FROM pg_temp.confiture_anonymization_originals WHERE tbl = $1",
            &[table.into()],
        );
    }
    if limit == 0 {
        return;
    }
    if !exists {
        run(
            "CREATE TEMP TABLE confiture_anonymization_originals (tbl oid, col name, value text)",
            &[],
        );
    }
    for target in targets {
        let column = quoted(&target.column);
        run(
            &format!(
                "INSERT INTO pg_temp.confiture_anonymization_originals
                 SELECT DISTINCT $1::oid, $2::name, {column}::text
                   FROM (SELECT {column} FROM {name} WHERE {column} IS NOT NULL LIMIT $3) s"
            ),
            &[
                table.into(),
                target.column.as_str().into(),
                i64::from(limit).into(),
            ],
        );
    }
}
