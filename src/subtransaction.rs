//! Internal subtransactions, the way PL/pgSQL's exception blocks use them.
//!
//! pgrx 0.18 has no wrapper: the primitives come from xact.c. Memory context and resource owner
//! are saved before a subtransaction starts and restored after it ends, as `exec_stmt_block`
//! does, so that the caller's allocations and resources are not tied to the subtransaction.

use std::cell::Cell;
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

thread_local! {
    /// The SQLSTATE of the last report raised under `caught`, as the server had it.
    static LAST_ERRCODE: Cell<i32> = const { Cell::new(0) };
}

/// An error context callback: called by errfinish for every report raised below it, the
/// ERROR last, before the jump.
unsafe extern "C-unwind" fn remember_errcode(_: *mut std::ffi::c_void) {
    // SAFETY: called by errfinish, while the report is on the error stack.
    LAST_ERRCODE.with(|c| c.set(unsafe { pg_sys::geterrcode() }));
}

/// Runs `work`, catching an ERROR or panic it raises.
///
/// pgrx hands a caught ERROR over with its SQLSTATE as a `PgSqlErrorCode`, which has no value
/// for codes PostgreSQL does not define (`RAISE ... USING ERRCODE = 'P0042'`): an error
/// context callback keeps the server's own code for [`server_sqlstate`].
fn caught<T>(work: impl FnOnce() -> T) -> Result<T, Box<CaughtError>> {
    LAST_ERRCODE.with(|c| c.set(0));
    // SAFETY: pushed on the server's context stack and popped below; pgrx's FFI boundary
    // restores the stack when an ERROR jumps out of SPI, so after `work` it is ours again.
    let mut callback = pg_sys::ErrorContextCallback {
        previous: unsafe { pg_sys::error_context_stack },
        callback: Some(remember_errcode),
        arg: std::ptr::null_mut(),
    };
    unsafe { pg_sys::error_context_stack = &mut callback };
    let mut work = Some(work);
    let outcome = PgTryBuilder::new(AssertUnwindSafe(|| Ok(work.take().expect("runs once")())))
        .catch_others(|caught| Err(Box::new(caught)))
        .execute();
    unsafe { pg_sys::error_context_stack = callback.previous };
    outcome
}

/// The SQLSTATE of a caught ERROR as the server raised it, five characters.
pub fn server_sqlstate(error: &ErrorReportWithLevel) -> String {
    let code = error.sql_error_code();
    let raw = LAST_ERRCODE.with(Cell::get);
    // Only an unknown code became INTERNAL_ERROR; a success or warning code came from a
    // NOTICE, not from the ERROR.
    let raised = crate::errors::unpack_sqlstate(raw);
    if code == PgSqlErrorCode::ERRCODE_INTERNAL_ERROR && raw != 0 && !raised.starts_with('0') {
        raised
    } else {
        crate::errors::sqlstate(code)
    }
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
    scoped(true, || Ok(work()), |error| error)
}

/// Runs `work` in a subtransaction that is kept only when `keep` is true and `work` returns
/// `Ok`; otherwise it is rolled back, and an ERROR `work` raised comes back through `error`.
/// Anything other than an ERROR from the server (a Rust panic) is re-raised after the rollback.
pub fn scoped<T, E>(
    keep: bool,
    work: impl FnOnce() -> Result<T, E>,
    error: impl FnOnce(Box<ErrorReportWithLevel>) -> E,
) -> Result<T, E> {
    let subtransaction = Subtransaction::begin();
    match caught(work) {
        Ok(Ok(value)) if keep => {
            subtransaction.commit();
            Ok(value)
        }
        Ok(result) => {
            subtransaction.rollback();
            result
        }
        Err(caught) => {
            subtransaction.rollback();
            match *caught {
                CaughtError::PostgresError(report) => Err(error(Box::new(report))),
                other => other.rethrow(),
            }
        }
    }
}
