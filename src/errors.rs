//! ERRORs raised for bad input to Confiture's functions, and caught ERRORs handled as data.

use confiture_core::hooks::context::Failure;
use pgrx::pg_sys::panic::{ErrorReport, ErrorReportWithLevel};
use pgrx::prelude::*;

/// Raises an ERROR with `code`, `message` and `hint`.
pub fn raise(
    code: PgSqlErrorCode,
    message: impl Into<String>,
    hint: impl Into<String>,
    function: &'static str,
) -> ! {
    ErrorReport::new(code, message.into(), function)
        .set_hint(hint.into())
        .report(PgLogLevel::ERROR);
    unreachable!("an ERROR report does not return")
}

/// Raises `22023 invalid_parameter_value` with `message` and `hint`.
pub fn invalid_parameter(message: String, hint: String, function: &'static str) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        message,
        hint,
        function,
    )
}

/// The five-character SQLSTATE of `code`.
pub fn sqlstate(code: PgSqlErrorCode) -> String {
    unpack_sqlstate(code as i32)
}

/// The five-character SQLSTATE, unpacked as elog.c's `unpack_sql_state` does.
pub fn unpack_sqlstate(mut packed: i32) -> String {
    (0..5)
        .map(|_| {
            let c = char::from(b'0' + (packed & 0x3F) as u8);
            packed >>= 6;
            c
        })
        .collect()
}

/// A caught ERROR (or one Confiture decided on) as data: raised again later, or reported.
#[derive(Debug, Clone)]
pub struct Caught {
    pub code: PgSqlErrorCode,
    pub failure: Box<Failure>,
}

impl Caught {
    pub fn new(code: PgSqlErrorCode, message: &str) -> Self {
        Self {
            code,
            failure: Box::new(Failure {
                sqlstate: sqlstate(code),
                message: message.to_string(),
                detail: None,
                hint: None,
            }),
        }
    }

    pub fn from(error: &ErrorReportWithLevel) -> Self {
        Self {
            code: error.sql_error_code(),
            failure: Box::new(Failure {
                sqlstate: crate::subtransaction::server_sqlstate(error),
                message: error.message().to_string(),
                detail: error.detail().map(str::to_string),
                hint: error.hint().map(str::to_string),
            }),
        }
    }

    /// Raises it as an ERROR with its SQLSTATE, detail and hint, the message prefixed with
    /// `context`. A SQLSTATE PostgreSQL does not define (a hook's `RAISE ... USING ERRCODE`)
    /// cannot be raised again through pgrx: it becomes `P0001 raise_exception`, the original
    /// code named in the detail.
    pub fn raise(&self, context: &str, function: &'static str) -> ! {
        let failure = &self.failure;
        let custom = failure.sqlstate != sqlstate(self.code);
        let code = if custom {
            PgSqlErrorCode::ERRCODE_RAISE_EXCEPTION
        } else {
            self.code
        };
        let mut report =
            ErrorReport::new(code, format!("{context}: {}", failure.message), function);
        let detail = match (&failure.detail, custom) {
            (Some(detail), true) => Some(format!("SQLSTATE {}. {detail}", failure.sqlstate)),
            (None, true) => Some(format!("SQLSTATE {}.", failure.sqlstate)),
            (detail, false) => detail.clone(),
        };
        if let Some(detail) = detail {
            report = report.set_detail(detail);
        }
        if let Some(hint) = &failure.hint {
            report = report.set_hint(hint.clone());
        }
        report.report(PgLogLevel::ERROR);
        unreachable!("an ERROR report does not return")
    }
}

/// Raises `22004 null_value_not_allowed` for an argument that must not be NULL.
pub fn null_argument<T>(argument: &str, function: &'static str) -> T {
    ErrorReport::new(
        PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
        format!("{argument} must not be NULL"),
        function,
    )
    .report(PgLogLevel::ERROR);
    unreachable!("an ERROR report does not return")
}
