//! Running a statement the way a client's statement runs, for dry runs and migrations.

use std::ffi::{CStr, CString};

use pgrx::prelude::*;

/// An SPI connection held across the statements run, opened outside their subtransactions so
/// that it survives their rollbacks (as PL/pgSQL's does).
pub struct Connection(());

impl Connection {
    pub fn open() -> Self {
        // SAFETY: SPI_connect in a function call; the connection is closed in Drop, or by the
        // abort of the subtransaction it was opened in if an ERROR escapes first.
        let code = unsafe { pg_sys::SPI_connect() };
        assert!(code >= 0, "SPI_connect failed: {code}");
        Connection(())
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // SAFETY: closes the connection `open` made.
        unsafe { pg_sys::SPI_finish() };
    }
}

/// What executing one statement returned.
pub struct Executed {
    /// `SPI_processed`: rows inserted, updated, deleted, selected or copied.
    pub rows: u64,
    /// Whether the statement wrote anything: its subtransaction got a transaction ID.
    pub wrote: bool,
}

/// Executes `sql` the way a client's statement runs; an ERROR propagates.
pub fn execute(sql: &str) -> Result<Executed, String> {
    let sql = CString::new(sql).map_err(|_| "the statement contains a zero byte".to_string())?;
    // SAFETY: SPI is connected; the result table is freed before returning.
    unsafe {
        let code = pg_sys::SPI_execute(sql.as_ptr(), false, 0);
        let rows = pg_sys::SPI_processed;
        pg_sys::SPI_freetuptable(pg_sys::SPI_tuptable);
        if code < 0 {
            let reason = CStr::from_ptr(pg_sys::SPI_result_code_string(code));
            return Err(format!(
                "SPI refused the statement: {}",
                reason.to_string_lossy()
            ));
        }
        Ok(Executed {
            rows,
            wrote: pg_sys::GetCurrentTransactionIdIfAny() != pg_sys::InvalidTransactionId,
        })
    }
}
