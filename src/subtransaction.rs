//! Internal subtransactions, the way PL/pgSQL's exception blocks use them.
//!
//! pgrx 0.18 has no wrapper: the primitives come from xact.c. Memory context and resource owner
//! are saved before a subtransaction starts and restored after it ends, as `exec_stmt_block`
//! does, so that the caller's allocations and resources are not tied to the subtransaction.

use std::panic::AssertUnwindSafe;

use pgrx::pg_sys::panic::{CaughtError, ErrorReportWithLevel};
use pgrx::prelude::*;

struct Subtransaction {
    context: pg_sys::MemoryContext,
    owner: pg_sys::ResourceOwner,
}

impl Subtransaction {
    fn begin() -> Self {
        // SAFETY: we are in a transaction (a function call); BeginInternalSubTransaction is the
        // documented way to open a subtransaction from C code.
        unsafe {
            let saved = Self {
                context: pg_sys::CurrentMemoryContext,
                owner: pg_sys::CurrentResourceOwner,
            };
            pg_sys::BeginInternalSubTransaction(std::ptr::null());
            pg_sys::MemoryContextSwitchTo(saved.context);
            saved
        }
    }

    fn commit(self) {
        // SAFETY: this subtransaction is the current one; see `begin`.
        unsafe {
            pg_sys::ReleaseCurrentSubTransaction();
            self.restore();
        }
    }

    fn rollback(self) {
        // SAFETY: this subtransaction is the current one; see `begin`.
        unsafe {
            pg_sys::RollbackAndReleaseCurrentSubTransaction();
            self.restore();
        }
    }

    unsafe fn restore(&self) {
        unsafe {
            pg_sys::MemoryContextSwitchTo(self.context);
            pg_sys::CurrentResourceOwner = self.owner;
        }
    }
}

/// Runs `work`, catching an ERROR or panic it raises.
fn caught<T>(work: impl FnOnce() -> T) -> Result<T, Box<CaughtError>> {
    let mut work = Some(work);
    PgTryBuilder::new(AssertUnwindSafe(|| Ok(work.take().expect("runs once")())))
        .catch_others(|caught| Err(Box::new(caught)))
        .execute()
}

/// Runs `work` in a subtransaction that is rolled back whatever happens: on success (so that
/// what `work` changed, and the locks it took, are gone), and on an ERROR, cancel or timeout,
/// which is re-raised after the rollback.
pub fn always_rolled_back<T>(work: impl FnOnce() -> T) -> T {
    let subtransaction = Subtransaction::begin();
    let outcome = caught(work);
    subtransaction.rollback();
    outcome.unwrap_or_else(|error| error.rethrow())
}

/// Runs `work` in a subtransaction that is kept when `work` succeeds and rolled back when it
/// raises an ERROR, which comes back as the server reported it. Anything other than an ERROR
/// from the server (a Rust panic) is re-raised after the rollback.
pub fn attempt<T>(work: impl FnOnce() -> T) -> Result<T, Box<ErrorReportWithLevel>> {
    let subtransaction = Subtransaction::begin();
    match caught(work) {
        Ok(value) => {
            subtransaction.commit();
            Ok(value)
        }
        Err(error) => {
            subtransaction.rollback();
            match *error {
                CaughtError::PostgresError(report) => Err(Box::new(report)),
                other => other.rethrow(),
            }
        }
    }
}
