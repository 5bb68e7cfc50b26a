//! `statement_timeout` for each statement of a dry run.
//!
//! The server arms its statement timer once per client message, so a `statement_timeout` set
//! inside a function never fires for the statements the function runs. A dry run arms the
//! timer itself around each statement, and puts back the caller's own deadline afterwards.

use pgrx::pg_sys;

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
        // SAFETY: timeout.c functions, called from the backend's only thread.
        unsafe {
            let callers_deadline = get_timeout_active(STATEMENT_TIMEOUT)
                .then(|| get_timeout_finish_time(STATEMENT_TIMEOUT));
            let limit_ms = pg_sys::StatementTimeout;
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

    /// Whether the caller's own statement has run out of time (then the whole dry run stops).
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
