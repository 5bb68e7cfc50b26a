//! The anonymization key: set by a superuser or the extension's owner, read by the masking
//! functions for their caller without the caller being able to read it.
//!
//! `confiture.anonymization_key` grants nothing to `PUBLIC`; the key is read as the table's
//! owner (the extension's owner) for the one query that reads it, then kept in backend memory
//! until the transaction ends, so that a masking UPDATE of a million rows reads it once and a
//! key changed by another session is seen by the next transaction.

use std::cell::RefCell;

use confiture_core::anonymize::validate_key;
use pgrx::prelude::*;

use crate::acting_role::as_role;
use crate::errors::{invalid_parameter, raise};

thread_local! {
    static CACHED: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// Forgets the key: at the end of every transaction, committed or not.
pub fn forget() {
    CACHED.with(|c| c.borrow_mut().take());
}

/// The extension's owner: the owner of its tables.
fn extension_owner() -> pg_sys::Oid {
    let owner = crate::catalog_text::read(
        "SELECT (SELECT extowner::text FROM pg_extension WHERE extname = 'confiture')",
        &[],
    );
    pg_sys::Oid::from(owner.parse::<u32>().expect("the extension is installed"))
}

/// The key, or an ERROR saying how to set one: masking never falls back to a default secret.
pub fn key(function: &'static str) -> Vec<u8> {
    if let Some(key) = CACHED.with(|c| c.borrow().clone()) {
        return key;
    }
    let hex = as_role(extension_owner(), || {
        crate::catalog_text::read(
            "SELECT (SELECT encode(key, 'hex') FROM confiture.anonymization_key)",
            &[],
        )
    });
    if hex.is_empty() {
        raise(
            PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            "no anonymization key is set in this database",
            "A superuser sets one with SELECT confiture.set_anonymization_key('<a long random \
             secret>'); masking never uses a default key.",
            function,
        );
    }
    let key = decode_hex(&hex);
    CACHED.with(|c| *c.borrow_mut() = Some(key.clone()));
    key
}

fn decode_hex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("encode(..., 'hex') output"))
        .collect()
}

/// Stores `key` as this database's anonymization key.
pub fn set(key: &str, function: &'static str) {
    // SAFETY: reads the session's identity.
    let allowed =
        unsafe { pg_sys::superuser() } || unsafe { pg_sys::GetUserId() } == extension_owner();
    if !allowed {
        raise(
            PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
            "permission denied to set the anonymization key",
            "Only a superuser or the owner of the confiture extension may set it.",
            function,
        );
    }
    if let Err(weak) = validate_key(key.as_bytes()) {
        invalid_parameter(weak.message, weak.hint, function);
    }
    crate::executor::run(
        "INSERT INTO confiture.anonymization_key (id, key) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE
            SET key = EXCLUDED.key, set_at = now(), set_by = current_user",
        &[key.as_bytes().to_vec().into()],
    );
    forget();
}
