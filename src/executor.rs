//! Running statements through SPI: a client's statements the way the client would run them,
//! for dry runs and migrations, and Confiture's own writes to its tables.

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

/// Runs one of Confiture's own statements (a write to its tables) with a new snapshot, and
/// returns how many rows it processed; an ERROR propagates, an SPI failure is an internal one.
pub fn run(sql: &str, args: &[pgrx::datum::DatumWithOid]) -> u64 {
    Spi::connect_mut(|client| client.update(sql, None, args).map(|t| t.len() as u64))
        .unwrap_or_else(|error| pgrx::error!("confiture: {error}"))
}

/// As [`run`], for a statement that returns one text value (`RETURNING name`): the value of
/// its first row, `None` when it returned no row.
pub fn returning(sql: &str, args: &[pgrx::datum::DatumWithOid]) -> Option<String> {
    Spi::connect_mut(|client| {
        let returned = client.update(sql, None, args)?;
        if returned.is_empty() {
            return Ok(None);
        }
        returned.first().get_one::<String>()
    })
    .unwrap_or_else(|error| pgrx::error!("confiture: {error}"))
}
