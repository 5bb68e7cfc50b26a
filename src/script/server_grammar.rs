//! The server's own scanner and grammar applied to a script, without executing anything.
//!
//! Using the server's lexer and parser (rather than a Rust SQL parser) makes statement
//! boundaries match PostgreSQL by construction: dollar quotes, nested comments, `E''` strings,
//! `standard_conforming_strings`, and `BEGIN ATOMIC` bodies full of semicolons all behave exactly
//! as they do when the server runs the script. All unsafe code of script handling lives here.

use std::cell::Cell;
use std::ffi::{c_void, CStr, CString};
use std::ops::Range;

use pgrx::pg_sys::panic::CaughtError;
use pgrx::prelude::*;
use pgrx::PgList;

use super::boundaries::{GrammarStatement, TokenCursor};
use super::command::Command;
use super::server_commands::command_of;

/// An ERROR the server raised while reading a script.
#[derive(Debug)]
pub struct GrammarError {
    pub sqlstate: PgSqlErrorCode,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// 1-based character index in the script, when the server reported one.
    pub cursor: Option<usize>,
}

/// A script as the server reads it.
pub struct ParsedScript<C> {
    /// Each statement's byte range according to the grammar, with `None` as end for "to the end
    /// of the script" (the grammar's `stmt_len = 0`), and its command if asked for.
    pub statements: Vec<GrammarStatement<C>>,
    /// Byte range of every token, in order.
    pub tokens: Vec<Range<usize>>,
}

/// Reads `script` with the server's grammar; a syntax error comes back as [`GrammarError`].
pub fn parse(script: &str) -> Result<ParsedScript<()>, GrammarError> {
    parse_with(script, |_, _, _| ())
}

/// [`parse`], and each statement's [`Command`] (classifying costs a call into the server per
/// statement, which only callers that execute statements need).
pub fn parse_commands(script: &str) -> Result<ParsedScript<Command>, GrammarError> {
    // SAFETY: parse_with passes statements raw_parser returned for the script, still allocated.
    parse_with(script, |raw, text, tokens| unsafe {
        command_of(raw, text, tokens)
    })
}

/// Parses `script` and describes each statement with `classify(statement, script, tokens of
/// the statement)`.
pub(super) fn parse_with<C>(
    script: &str,
    mut classify: impl FnMut(*mut pg_sys::RawStmt, &[u8], &[Range<usize>]) -> C,
) -> Result<ParsedScript<C>, GrammarError> {
    let script = CString::new(script).map_err(|nul| GrammarError {
        sqlstate: PgSqlErrorCode::ERRCODE_CHARACTER_NOT_IN_REPERTOIRE,
        message: "the script contains a zero byte".into(),
        detail: None,
        hint: None,
        cursor: Some(nul.nul_position() + 1),
    })?;
    let list = with_error_cursor(|| unsafe {
        // SAFETY: `script` is a valid NUL-terminated string that outlives the call.
        pg_sys::raw_parser(script.as_ptr(), pg_sys::RawParseMode::RAW_PARSE_DEFAULT)
    })?;
    // Scanning after a successful parse cannot fail: the grammar already scanned the same text.
    let tokens = token_ranges(&script);
    let text = script.as_bytes();
    let mut cursor = TokenCursor::new(&tokens);
    // SAFETY: raw_parser returns a List of RawStmt nodes (or NIL for an empty script), allocated
    // in the current memory context and read before this function returns.
    let statements = unsafe { PgList::<pg_sys::RawStmt>::from_pg(list) }
        .iter_ptr()
        .map(|raw| {
            // SAFETY: every element of the list is a valid RawStmt.
            let (location, length) = unsafe { ((*raw).stmt_location, (*raw).stmt_len) };
            let start = location.max(0) as usize;
            let end = (length > 0).then(|| start + length as usize);
            let own_tokens = cursor.starting_in(start, end.unwrap_or(text.len()));
            GrammarStatement {
                start,
                end,
                command: classify(raw, text, own_tokens),
            }
        })
        .collect();
    Ok(ParsedScript { statements, tokens })
}

/// Runs `read`, which may raise an ERROR from the server's scanner or grammar, and returns that
/// error with its cursor position instead of letting it abort the transaction.
///
/// pgrx turns an ERROR into a Rust panic carrying only message, detail and hint, so the cursor
/// is captured by an error context callback while the ERROR is being raised (`errfinish` calls
/// the callbacks, where `geterrposition()` reads the error under construction).
///
/// Catching without a subtransaction is sound here only because reading a script takes no
/// locks, buffers or other resources that an abort would have to release: the scanner and the
/// grammar just allocate memory in the current context.
fn with_error_cursor<T>(
    read: impl FnOnce() -> T + std::panic::UnwindSafe,
) -> Result<T, GrammarError> {
    let cursor = Cell::new(0);
    let mut callback = pg_sys::ErrorContextCallback {
        // SAFETY: reading and writing the error context stack is what every PostgreSQL function
        // that reports context does; this backend is single-threaded.
        previous: unsafe { pg_sys::error_context_stack },
        callback: Some(remember_error_cursor),
        arg: (&cursor as *const Cell<i32>).cast_mut().cast::<c_void>(),
    };
    unsafe { pg_sys::error_context_stack = &mut callback };
    let outcome = PgTryBuilder::new(|| Ok(read()))
        .catch_others(|caught| Err(Box::new(caught)))
        .execute();
    unsafe { pg_sys::error_context_stack = callback.previous };

    outcome.map_err(|caught| match *caught {
        CaughtError::PostgresError(report) => GrammarError {
            sqlstate: report.sql_error_code(),
            message: report.message().to_string(),
            detail: report.detail().map(str::to_string),
            hint: report.hint().map(str::to_string),
            cursor: usize::try_from(cursor.get()).ok().filter(|&c| c > 0),
        },
        other => other.rethrow(),
    })
}

#[pg_guard]
unsafe extern "C-unwind" fn remember_error_cursor(arg: *mut c_void) {
    // SAFETY: `arg` is the `Cell` of `with_error_cursor`, which outlives the installed callback.
    let cursor = unsafe { &*(arg as *const Cell<i32>) };
    cursor.set(unsafe { pg_sys::geterrposition() });
}

/// The byte range of every token of `script`, from the server's core scanner.
///
/// The scanner reports where a token starts; where it ends comes from the scanner's own
/// convention of NUL-terminating the current token in its buffer until the next call, which the
/// grammar's lookahead (`base_yylex` in parser.c) and pg_stat_statements'
/// `fill_in_constant_lengths` rely on too.
fn token_ranges(script: &CStr) -> Vec<Range<usize>> {
    let mut tokens = Vec::new();
    // SAFETY: the scanner is initialised on a valid string with the core keyword tables, used
    // only in this block and finished before the block ends.
    unsafe {
        let mut extra = pg_sys::core_yy_extra_type::default();
        let extra: *mut pg_sys::core_yy_extra_type = &mut extra;
        let scanner = pg_sys::scanner_init(
            script.as_ptr(),
            extra,
            &raw const pg_sys::ScanKeywords,
            (&raw const pg_sys::ScanKeywordTokens).cast::<u16>(),
        );
        // The grammar has already warned about nonstandard escapes once.
        (*extra).escape_string_warning = false;
        let mut value = pg_sys::core_YYSTYPE::default();
        let mut location = 0;
        while pg_sys::core_yylex(&mut value, &mut location, scanner) != 0 {
            let start = location as usize;
            let length = CStr::from_ptr((*extra).scanbuf.add(start)).to_bytes().len();
            tokens.push(start..start + length);
        }
        pg_sys::scanner_finish(scanner);
    }
    tokens
}
