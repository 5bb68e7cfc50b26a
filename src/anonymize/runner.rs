//! A masking run: every rule column of a table masked by one UPDATE per batch of blocks,
//! inside a subtransaction of its own, with progress, the hooks around it and an audit row.

use std::time::Instant;

use confiture_core::anonymize::rule::Planned;
use confiture_core::anonymize::run::{batches, RunOptions};
use confiture_core::anonymize::sql::expression;
use confiture_core::hooks::context::{Caller, Migration, Operation};
use confiture_core::hooks::Phase;
use confiture_core::identifier::quote_ident;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::{json, Value};

use super::{catalog, key, rules};
use crate::errors::Caught;
use crate::hooks::runner::run_phase;
use crate::statement_timer::StatementTimer;
use crate::subtransaction::attempt;

/// One column to mask.
pub struct Target {
    pub column: String,
    pub strategy: String,
    pub options: Value,
    pub planned: Planned,
    pub column_type: String,
}

/// The rules of `table`, each checked against the table as it is now.
pub fn targets(table: pg_sys::Oid, function: &'static str) -> Vec<Target> {
    catalog::rules(table)
        .into_iter()
        .map(|rule| {
            let (planned, column_type) =
                rules::plan(table, &rule.column, &rule.strategy, &rule.options, function);
            Target {
                column: rule.column,
                strategy: rule.strategy,
                options: rule.options,
                planned,
                column_type,
            }
        })
        .collect()
}

/// `name` double-quoted: the generated statements quote every identifier, so no keyword list
/// is needed.
pub fn quoted(name: &str) -> String {
    quote_ident(name, |_| true)
}

/// `SET col = (masked)::type, ...` for every target.
fn assignments(targets: &[Target]) -> String {
    targets
        .iter()
        .map(|t| {
            let column = quoted(&t.column);
            format!(
                "{column} = ({})::{}",
                expression(&t.planned.call(), &column),
                t.column_type
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn run_sql(sql: &str, args: &[pgrx::datum::DatumWithOid]) -> u64 {
    Spi::connect_mut(|client| client.update(sql, None, args).map(|t| t.len() as u64))
        .unwrap_or_else(|error| pgrx::error!("confiture: {error}"))
}

fn one_text(sql: &str, args: &[pgrx::datum::DatumWithOid]) -> String {
    crate::catalog_text::read(sql, args)
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
        ErrorReport::new(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!("table {name} has no anonymization rule"),
            function,
        )
        .set_hint("Declare what to mask with confiture.set_rule(table, column, strategy).")
        .report(PgLogLevel::ERROR);
    }
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
    run_sql(
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
    let search_path = one_text("SELECT current_setting('search_path')", &[]);
    run_sql(
        "SELECT set_config('search_path', 'pg_catalog, pg_temp', true)",
        &[],
    );
    run_sql("SET CONSTRAINTS ALL DEFERRED", &[]);
    if options.disable_triggers {
        run_sql(&format!("ALTER TABLE {name} DISABLE TRIGGER USER"), &[]);
    }
    keep_originals(table, name, targets, options.keep_originals);
    // Versions written by this subtransaction carry its transaction ID: a batch skips them,
    // so that no row is masked twice, while rows the caller wrote earlier in its own
    // transaction are masked.
    // SAFETY: assigns and returns the current (sub)transaction's ID.
    let xid = unsafe { pg_sys::GetCurrentTransactionId() }
        .into_inner()
        .to_string();
    // A plain table is its own leaf; pg_partition_tree lists the leaves of a partitioned one.
    let leaves = one_text(
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
            let masked = run_sql(
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
    if options.disable_triggers {
        run_sql(&format!("ALTER TABLE {name} ENABLE TRIGGER USER"), &[]);
    }
    // An ERROR rolls the subtransaction back and the setting with it; success keeps it until
    // the transaction ends, so it is put back.
    run_sql(
        "SELECT set_config('search_path', $1, true)",
        &[search_path.as_str().into()],
    );
    (rows, count)
}

/// Keeps up to `limit` original values of each masked column in a temporary table of the
/// session, for `verify_anonymization` to look for afterwards. Only this session can read it,
/// and it goes with the session.
fn keep_originals(table: pg_sys::Oid, name: &str, targets: &[Target], limit: u32) {
    run_sql(
        "CREATE TEMP TABLE IF NOT EXISTS confiture_anonymization_originals
             (tbl oid, col name, value text)",
        &[],
    );
    run_sql(
        "DELETE FROM pg_temp.confiture_anonymization_originals WHERE tbl = $1",
        &[table.into()],
    );
    if limit == 0 {
        return;
    }
    for target in targets {
        let column = quoted(&target.column);
        run_sql(
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
