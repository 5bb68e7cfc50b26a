//! `confiture.migrations`, and the advisory lock that makes concurrent runners take turns.

use confiture_core::migrate::history::Recorded;
use pgrx::prelude::*;
use pgrx::JsonB;
use serde_json::Value;

use crate::executor::{returning, run};

/// The advisory lock key of migration runners: "confitur" in ASCII, big-endian.
pub const LOCK_KEY: i64 = 7_165_066_918_304_707_954;

/// Waits (as long as `lock_timeout` allows) for other runners' transactions to end: the lock
/// is held until this transaction ends, so the next runner sees what this one recorded.
pub fn take_turn() {
    Spi::run_with_args("SELECT pg_advisory_xact_lock($1)", &[LOCK_KEY.into()])
        .expect("pg_advisory_xact_lock returns one row");
}

/// A version's row.
pub struct Record {
    pub status: Recorded,
    pub checksum: String,
    pub name: String,
    pub down: Option<String>,
}

/// The row of `version`, read with a new snapshot (not read-only SPI, which would keep the
/// statement's): after waiting for the lock, the runner must see what the previous one
/// committed.
pub fn record(version: &str) -> Option<Record> {
    let text = returning(
        "SELECT json_build_object('status', status, 'checksum', checksum, 'name', name,
                                  'down', down)::text
           FROM confiture.migrations WHERE version = $1",
        &[version.into()],
    )?;
    let row: Value = serde_json::from_str(&text).ok()?;
    Some(Record {
        status: Recorded::from_name(row["status"].as_str()?)?,
        checksum: row["checksum"].as_str()?.to_string(),
        name: row["name"].as_str()?.to_string(),
        down: row["down"].as_str().map(str::to_string),
    })
}

/// The checksum of a script, as the history's comment documents it.
pub fn checksum(script: &str) -> String {
    Spi::get_one_with_args::<String>(
        "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')",
        &[script.into()],
    )
    .ok()
    .flatten()
    .expect("sha256 of a text is a text")
}

/// What a finished run writes.
pub struct Entry<'a> {
    pub version: &'a str,
    pub name: &'a str,
    pub checksum: &'a str,
    pub duration_ms: f64,
    pub hook_results: Value,
    pub error: Option<Value>,
}

/// Records an applied (`error` is None) or failed migration, replacing an earlier failed or
/// rolled back attempt of the same version.
pub fn write_attempt(entry: &Entry, up: &str, down: Option<&str>) {
    let status = if entry.error.is_some() {
        "failed"
    } else {
        "applied"
    };
    run(
        "INSERT INTO confiture.migrations AS m
                (version, name, checksum, status, duration_ms, up, down, hook_results, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (version) DO UPDATE
            SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, status = EXCLUDED.status,
                applied_at = now(), applied_by = current_user,
                duration_ms = EXCLUDED.duration_ms, up = EXCLUDED.up, down = EXCLUDED.down,
                hook_results = EXCLUDED.hook_results, error = EXCLUDED.error,
                rolled_back_at = NULL, rolled_back_by = NULL",
        &[
            entry.version.into(),
            entry.name.into(),
            entry.checksum.into(),
            status.into(),
            entry.duration_ms.into(),
            up.into(),
            down.into(),
            JsonB(entry.hook_results.clone()).into(),
            entry.error.clone().map(JsonB).into(),
        ],
    );
}

/// Records a rollback: status `rolled_back` when it succeeded, the error (status unchanged)
/// when it failed; its hooks' results are added to the version's.
pub fn write_rollback(entry: &Entry) {
    run(
        "UPDATE confiture.migrations
            SET status = CASE WHEN $3::jsonb IS NULL THEN 'rolled_back' ELSE status END,
                rolled_back_at = CASE WHEN $3::jsonb IS NULL THEN now() END,
                rolled_back_by = CASE WHEN $3::jsonb IS NULL THEN current_user END,
                hook_results = hook_results || $2, error = $3
          WHERE version = $1",
        &[
            entry.version.into(),
            JsonB(entry.hook_results.clone()).into(),
            entry.error.clone().map(JsonB).into(),
        ],
    );
}
