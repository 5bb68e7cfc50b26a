//! ERRORs raised for bad input to Confiture's functions.

use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;

/// Raises `22023 invalid_parameter_value` with `message` and `hint`.
pub fn invalid_parameter(message: String, hint: String, function: &'static str) -> ! {
    ErrorReport::new(
        PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        message,
        function,
    )
    .set_hint(hint)
    .report(PgLogLevel::ERROR);
    unreachable!("an ERROR report does not return")
}
