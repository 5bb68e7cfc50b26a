//! Anonymization: deterministic keyed masking, rules per column, guarded custom strategies,
//! set-based masking runs with an audit trail, and their verification.
//!
//! Pure parts are in `confiture_core::anonymize` (strategies, options, rules, the SQL of a
//! masking expression). Here: `key` (storage and reading for the caller), `catalog` (columns,
//! functions and rules read), `rules`, `strategies` (custom ones, run in the sandbox),
//! `runner` (masking runs), `verify`, and `sql_api`.

mod catalog;
pub mod key;
mod rules;
mod runner;
mod sql_api;
mod strategies;
mod verify;

/// Forgets what anonymization keeps for the duration of a transaction: the key and the custom
/// strategies checked.
unsafe extern "C-unwind" fn end_of_transaction(
    _: pgrx::pg_sys::XactEvent::Type,
    _: *mut std::ffi::c_void,
) {
    key::forget();
    strategies::forget();
}

/// Registers the end-of-transaction callback; called once, from `_PG_init`.
pub fn register_callback() {
    // SAFETY: the callback only empties thread-locals.
    unsafe { pgrx::pg_sys::RegisterXactCallback(Some(end_of_transaction), std::ptr::null_mut()) };
}
