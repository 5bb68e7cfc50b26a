//! A statement timeout for work done inside a function: each statement of a dry run, each hook.
//!
//! The server arms its statement timer once per client message, so a `statement_timeout` set
//! inside a function never fires for the statements the function runs. Confiture arms the
//! timer itself around the work, and puts back the caller's own deadline afterwards.

use pgrx::pg_sys::panic::{ErrorReport, ErrorReportWithLevel};
use pgrx::prelude::*;

// timeout.h: not in pgrx's bindings. `STATEMENT_TIMEOUT` is the fourth TimeoutId, as in every
// supported major version.
const STATEMENT_TIMEOUT: i32 = 3;

extern "C-unwind" {
    fn enable_timeout_after(id: i32, delay_ms: i32);
    fn enable_timeout_at(id: i32, fin_time: pg_sys::TimestampTz);
    fn disable_timeout(id: i32, keep_indicator: bool);
    fn get_timeout_active(id: i32) -> bool;
    fn get_timeout_finish_time(id: i32) -> pg_sys::TimestampTz;
}

/// The statement timer while one statement runs.
pub struct StatementTimer {
    /// The deadline of the caller's own statement, if it has one.
    callers_deadline: Option<pg_sys::TimestampTz>,
    armed: bool,
}

impl StatementTimer {
    /// Limits the next statement to the current `statement_timeout` setting (which the script
    /// itself may have changed), unless the caller's deadline comes first.
    pub fn arm() -> Self {
        // SAFETY: reading a GUC's variable from the backend's only thread.
        Self::arm_for(unsafe { pg_sys::StatementTimeout })
    }

    /// Limits the work that follows to `limit_ms` (0: no limit of its own), unless the
    /// caller's deadline comes first.
    pub fn arm_for(limit_ms: i32) -> Self {
        // SAFETY: timeout.c functions, called from the backend's only thread.
        unsafe {
            let callers_deadline = get_timeout_active(STATEMENT_TIMEOUT)
                .then(|| get_timeout_finish_time(STATEMENT_TIMEOUT));
            let ours = pg_sys::GetCurrentTimestamp() + i64::from(limit_ms) * 1000;
            let armed = limit_ms > 0 && callers_deadline.is_none_or(|deadline| ours < deadline);
            if armed {
                enable_timeout_after(STATEMENT_TIMEOUT, limit_ms);
            }
            Self {
                callers_deadline,
                armed,
            }
        }
    }

    /// Whether the caller's own statement has run out of time: then the whole call stops, rather than
    /// the one statement or hook.
    pub fn callers_deadline_passed(&self) -> bool {
        // SAFETY: reading the clock.
        self.callers_deadline
            .is_some_and(|deadline| unsafe { pg_sys::GetCurrentTimestamp() } >= deadline)
    }

    /// Puts the caller's deadline back.
    pub fn disarm(self) {
        if !self.armed {
            return;
        }
        // SAFETY: as in `arm`.
        unsafe {
            disable_timeout(STATEMENT_TIMEOUT, false);
            if let Some(deadline) = self.callers_deadline {
                enable_timeout_at(STATEMENT_TIMEOUT, deadline);
            }
        }
    }
}

/// A cancel by the user, or the caller's own statement_timeout, ends the whole call (after the
/// rollback); a timeout armed here is just the failure of the statement or hook it limited.
pub fn stop_if_cancelled(error: &ErrorReportWithLevel, callers_deadline_passed: bool) {
    let cancelled = error.sql_error_code() == PgSqlErrorCode::ERRCODE_QUERY_CANCELED
        && (callers_deadline_passed || !error.message().contains("statement timeout"));
    if cancelled {
        ErrorReport::new(
            error.sql_error_code(),
            error.message().to_string(),
            function_name!(),
        )
        .report(PgLogLevel::ERROR);
    }
}
