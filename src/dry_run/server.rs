//! SPI work of a dry run: executing statements and reading what they did from pg_locks and the
//! catalogs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{c_char, CStr, CString};

use pgrx::prelude::*;
use pgrx::IntoDatum;
use serde_json::Value;

use super::catalog_diff::CatalogRow;
use super::locks::LockMode;
use super::sequence_page;
use super::side_effects::SequenceState;
pub use crate::executor::{execute, Connection};

const CATALOG_ROWS: &str = include_str!("catalog_rows.sql");

/// The planner's `EXPLAIN` of `sql`, without executing it.
pub fn explain(sql: &str) -> String {
    let explain = CString::new(format!("EXPLAIN {sql}")).expect("checked by execute");
    // SAFETY: SPI is connected; rows are read while the result table exists, then it is freed.
    unsafe {
        let code = pg_sys::SPI_execute(explain.as_ptr(), false, 0);
        let table = pg_sys::SPI_tuptable;
        if code < 0 || table.is_null() {
            return String::new();
        }
        let lines: Vec<String> = (0..pg_sys::SPI_processed as usize)
            .map(|i| {
                let line = pg_sys::SPI_getvalue(*(*table).vals.add(i), (*table).tupdesc, 1);
                CStr::from_ptr(line).to_string_lossy().into_owned()
            })
            .collect();
        pg_sys::SPI_freetuptable(table);
        lines.join("\n")
    }
}

/// The sequences the caller may read, all or only `only`, with their state:
/// `(oid, name, state)`.
pub fn sequence_states(only: Option<&[u32]>) -> Vec<(u32, String, SequenceState)> {
    let only = only.map(oids);
    let query = JsonQuery::saved(
        "sequence_states",
        || {
            "SELECT coalesce(json_agg(json_build_array(c.oid::bigint,
                    quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relfilenode::bigint)),
                    '[]')::text
         FROM pg_sequence s
         JOIN pg_class c ON c.oid = s.seqrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE ($1 IS NULL OR s.seqrelid = ANY ($1))
           AND NOT pg_is_other_temp_schema(c.relnamespace)
           -- s.seqrelid, not c.oid: a condition on pg_class alone could be evaluated for every
           -- relation, and has_sequence_privilege raises an ERROR for what is not a sequence.
           AND has_sequence_privilege(s.seqrelid, 'SELECT, USAGE')"
                .into()
        },
        &[pg_sys::OIDARRAYOID],
    );
    array(&query.run(&[only.into_datum()], None))
        .iter()
        .filter_map(|row| {
            let oid = row[0].as_u64()? as u32;
            let (last_value, is_called) = sequence_page::position(oid);
            let state = SequenceState {
                storage: row[2].as_i64()?,
                last_value,
                is_called,
            };
            Some((oid, row[1].as_str()?.to_string(), state))
        })
        .collect()
}

/// The transaction IDs handed out while a statement ran.
#[derive(Clone, Copy)]
pub struct XidWindow {
    start: u64,
}

impl XidWindow {
    pub fn open() -> Self {
        // SAFETY: reads the next transaction ID under its lock.
        Self {
            start: unsafe { pg_sys::ReadNextFullTransactionId() }.value,
        }
    }

    fn bounds(self) -> (i64, i64) {
        // SAFETY: as in `open`.
        let end = unsafe { pg_sys::ReadNextFullTransactionId() }.value;
        // Catalog rows carry 32-bit IDs; the query compares modulo 2^32.
        ((self.start & 0xFFFF_FFFF) as i64, (end - self.start) as i64)
    }
}

/// The database as it was before a statement: a registered snapshot.
pub struct Before(pg_sys::Snapshot);

impl Before {
    pub fn take() -> Self {
        // SAFETY: makes earlier statements' changes visible, then copies and registers the
        // latest snapshot with the current resource owner (released in Drop, or by the owner).
        unsafe {
            pg_sys::CommandCounterIncrement();
            Before(pg_sys::RegisterSnapshot(pg_sys::GetLatestSnapshot()))
        }
    }
}

impl Drop for Before {
    fn drop(&mut self) {
        // SAFETY: registered in `take`.
        unsafe { pg_sys::UnregisterSnapshot(self.0) };
    }
}

fn oids(relations: &[u32]) -> Vec<pg_sys::Oid> {
    relations.iter().map(|&o| pg_sys::Oid::from(o)).collect()
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// Runs `observe` with `search_path` set to `pg_catalog, pg_temp`, as a function with a
/// `SET search_path` clause runs: the script may set any search_path, and the observation
/// queries must reach the catalogs and built-in functions, not objects of the same names in
/// the script's schemas. The script's setting is back when `observe` returns (and an ERROR
/// inside is cleaned up by the rollback of the subtransaction around the dry run).
fn with_catalog_search_path<T>(observe: impl FnOnce() -> T) -> T {
    // SAFETY: the same calls fmgr_security_definer makes around a function with SET clauses.
    unsafe {
        let nest_level = pg_sys::NewGUCNestLevel();
        pg_sys::set_config_option(
            c"search_path".as_ptr(),
            c"pg_catalog, pg_temp".as_ptr(),
            pg_sys::GucContext::PGC_USERSET,
            pg_sys::GucSource::PGC_S_SESSION,
            pg_sys::GucAction::GUC_ACTION_SAVE,
            true,
            0,
            false,
        );
        let result = observe();
        pg_sys::AtEOXact_GUC(true, nest_level);
        result
    }
}

thread_local! {
    /// Saved plans of the observation queries, by name, for the life of the backend.
    static SAVED_PLANS: RefCell<HashMap<&'static str, pg_sys::SPIPlanPtr>> =
        RefCell::new(HashMap::new());
}

/// A query returning one text value holding JSON, planned once per backend with a generic
/// plan: the observation queries run after every statement, and planning them costs more than
/// running them. The plan cache replans them if a catalog they read ever changes shape.
#[derive(Clone, Copy)]
struct JsonQuery(pg_sys::SPIPlanPtr);

impl JsonQuery {
    /// The saved plan called `name`, prepared from `sql` on first use.
    fn saved(name: &'static str, sql: impl FnOnce() -> String, types: &[pg_sys::Oid]) -> Self {
        if let Some(plan) = SAVED_PLANS.with(|plans| plans.borrow().get(name).copied()) {
            return JsonQuery(plan);
        }
        let sql = CString::new(sql()).expect("queries are literals");
        let mut types = types.to_vec();
        // SAFETY: SPI is connected; `types` has one element per parameter. SPI_keepplan moves
        // the plan out of the SPI connection's memory into the plan cache's.
        let plan = with_catalog_search_path(|| unsafe {
            let plan = pg_sys::SPI_prepare_cursor(
                sql.as_ptr(),
                types.len() as i32,
                types.as_mut_ptr(),
                pg_sys::CURSOR_OPT_GENERIC_PLAN as i32,
            );
            assert!(!plan.is_null(), "SPI_prepare_cursor failed");
            assert_eq!(pg_sys::SPI_keepplan(plan), 0, "SPI_keepplan failed");
            plan
        });
        SAVED_PLANS.with(|plans| plans.borrow_mut().insert(name, plan));
        JsonQuery(plan)
    }

    /// Runs the query and parses its JSON. With `snapshot`, the query sees the database as it
    /// was when the snapshot was taken; without, as it is now.
    fn run(&self, args: &[Option<pg_sys::Datum>], snapshot: Option<pg_sys::Snapshot>) -> Value {
        let mut values: Vec<pg_sys::Datum> = args
            .iter()
            .map(|a| a.unwrap_or(pg_sys::Datum::from(0)))
            .collect();
        let nulls: Vec<c_char> = args
            .iter()
            .map(|a| if a.is_some() { b' ' } else { b'n' } as c_char)
            .collect();
        // SAFETY: SPI is connected; the argument arrays have one element per parameter; the
        // result is freed before returning. Without a snapshot the query must not be
        // read-only, or SPI would reuse the caller's snapshot and miss the dry run's changes.
        with_catalog_search_path(|| unsafe {
            let code = pg_sys::SPI_execute_snapshot(
                self.0,
                values.as_mut_ptr(),
                nulls.as_ptr(),
                snapshot.unwrap_or(std::ptr::null_mut()),
                std::ptr::null_mut(),
                snapshot.is_some(),
                false,
                0,
            );
            assert!(code >= 0, "SPI_execute_snapshot failed: {code}");
            let table = pg_sys::SPI_tuptable;
            let text = pg_sys::SPI_getvalue(*(*table).vals, (*table).tupdesc, 1);
            let json = if text.is_null() {
                Value::Null
            } else {
                serde_json::from_slice(CStr::from_ptr(text).to_bytes())
                    .expect("the query returns JSON")
            };
            pg_sys::SPI_freetuptable(table);
            json
        })
    }
}

/// The queries that observe each statement (their plans are saved per backend).
pub struct Observer {
    locks: JsonQuery,
    written: JsonQuery,
    replaced: JsonQuery,
    unrelated_writes: JsonQuery,
}

/// Row writes this transaction made so far to the catalogs of objects not tied to a relation
/// (functions, types, enum values, schemas), from the statistics counters every write bumps;
/// `None` when counters are off (`track_counts`), so that nothing can be assumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnrelatedWrites(Option<i64>);

impl UnrelatedWrites {
    /// Whether writes may have happened between `earlier` and this reading.
    pub fn since(self, earlier: UnrelatedWrites) -> bool {
        self.0.is_none() || self != earlier
    }
}

impl Observer {
    pub fn prepare() -> Self {
        let catalog = |name, version| {
            JsonQuery::saved(
                name,
                || CATALOG_ROWS.replace("@VERSION@", version),
                &[
                    pg_sys::INT8OID,
                    pg_sys::INT8OID,
                    pg_sys::OIDARRAYOID,
                    pg_sys::BOOLOID,
                ],
            )
        };
        Observer {
            locks: JsonQuery::saved(
                "held_locks",
                || {
                    "SELECT coalesce(json_agg(json_build_array(l.relation::bigint, l.mode, c.relkind,
                            quote_ident(n.nspname) || '.' || quote_ident(c.relname))), '[]')::text
                 FROM pg_locks l
                 LEFT JOIN pg_class c ON c.oid = l.relation
                 LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
                   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                   AND l.relation >= 16384::oid"
                        .into()
                },
                &[],
            ),
            written: catalog("catalog_rows_written", "xmin"),
            replaced: catalog("catalog_rows_replaced", "xmax"),
            unrelated_writes: JsonQuery::saved(
                "unrelated_writes",
                || {
                    "SELECT CASE WHEN current_setting('track_counts')::bool THEN
                          sum(pg_stat_get_xact_tuples_inserted(c) + pg_stat_get_xact_tuples_updated(c)
                              + pg_stat_get_xact_tuples_deleted(c)) END::text
                 FROM unnest(ARRAY['pg_proc', 'pg_type', 'pg_enum', 'pg_namespace']::regclass[]) AS c"
                        .into()
                },
                &[],
            ),
        }
    }

    /// See [`UnrelatedWrites`].
    pub fn unrelated_writes(&self) -> UnrelatedWrites {
        UnrelatedWrites(self.unrelated_writes.run(&[], None).as_i64())
    }

    /// Every relation lock this backend holds in the current database on a user relation:
    /// `(oid, mode, relkind, name)`; the name is `None` for a relation dropped in this
    /// transaction.
    pub fn held_locks(&self) -> Vec<(u32, LockMode, String, Option<String>)> {
        array(&self.locks.run(&[], None))
            .iter()
            .filter_map(|row| {
                Some((
                    row[0].as_u64()? as u32,
                    LockMode::from_name(row[1].as_str()?)?,
                    row[2].as_str().unwrap_or_default().to_string(),
                    row[3].as_str().map(str::to_string),
                ))
            })
            .collect()
    }

    /// The catalog row versions this transaction wrote during `window` (`before: None`), or
    /// the versions it deleted or replaced then, as seen from `before`. Only rows of
    /// `relations` are read for relation-bound catalogs, and functions, types, enum values and
    /// schemas only when `unrelated_written` (see [`UnrelatedWrites`] and catalog_rows.sql).
    pub fn touched_catalog_rows(
        &self,
        window: XidWindow,
        before: Option<&Before>,
        relations: &[u32],
        unrelated_written: bool,
    ) -> Vec<CatalogRow> {
        let (start, span) = window.bounds();
        let query = if before.is_some() {
            &self.replaced
        } else {
            &self.written
        };
        let rows = query.run(
            &[
                start.into_datum(),
                span.into_datum(),
                oids(relations).into_datum(),
                unrelated_written.into_datum(),
            ],
            before.map(|b| b.0),
        );
        array(&rows)
            .iter()
            .filter(|row| {
                let xid = row["version"].as_str().and_then(|v| v.parse::<u32>().ok());
                // SAFETY: a plain lookup in this backend's transaction state.
                xid.is_some_and(|x| unsafe {
                    pg_sys::TransactionIdIsCurrentTransactionId(pg_sys::TransactionId::from(x))
                })
            })
            .map(|row| {
                let text = |field: &str| row[field].as_str().map(str::to_string);
                CatalogRow {
                    key: text("key").unwrap_or_default(),
                    kind: text("kind").unwrap_or_default(),
                    name: text("name").unwrap_or_default(),
                    owner: text("owner"),
                    owner_name: text("owner_name"),
                    filenode: row["filenode"].as_i64(),
                    definition: text("definition").unwrap_or_default(),
                    gone: row["gone"].as_bool().unwrap_or(false),
                }
            })
            .collect()
    }
}
