//! Structured logging: lifecycle events go to the server log through `ereport(LOG)`, which
//! writes immediately, so a failure is on record even when its transaction rolls back. The
//! line's format and the events kept are chosen by `confiture.log_format` and
//! `confiture.log_min_level`; `LOG` reaches the server log whatever `log_min_messages` says
//! (below `FATAL`), and clients only when they ask for it with `client_min_messages = log`.

use std::ffi::{c_char, c_int, CString};

use confiture_core::event::{Event, Format, Level};
use pgrx::pg_sys;
use pgrx::{GucContext, GucFlags, GucRegistry, GucSetting, PostgresGucEnum};

#[derive(Clone, Copy, PostgresGucEnum)]
enum LogFormat {
    #[name = c"text"]
    Text,
    #[name = c"json"]
    Json,
}

#[derive(Clone, Copy, PostgresGucEnum)]
enum LogMinLevel {
    #[name = c"debug"]
    Debug,
    #[name = c"info"]
    Info,
    #[name = c"warning"]
    Warning,
}

static LOG_FORMAT: GucSetting<LogFormat> = GucSetting::<LogFormat>::new(LogFormat::Text);
static LOG_MIN_LEVEL: GucSetting<LogMinLevel> = GucSetting::<LogMinLevel>::new(LogMinLevel::Info);

pub fn register_gucs() {
    GucRegistry::define_enum_guc(
        c"confiture.log_format",
        c"Format of Confiture's event lines in the server log: text or json.",
        c"json writes one JSON object per line, with the event's name and fields.",
        &LOG_FORMAT,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_enum_guc(
        c"confiture.log_min_level",
        c"Least important Confiture event written to the server log: debug, info or warning.",
        c"debug adds each hook and phase; info the start and end of migrations, dry runs and \
          lints; warning keeps failures only.",
        &LOG_MIN_LEVEL,
        GucContext::Userset,
        GucFlags::default(),
    );
}

/// Writes `event` to the server log, unless `confiture.log_min_level` drops it.
pub fn emit(event: Event) {
    let min_level = match LOG_MIN_LEVEL.get() {
        LogMinLevel::Debug => Level::Debug,
        LogMinLevel::Info => Level::Info,
        LogMinLevel::Warning => Level::Warning,
    };
    if event.kind.level() < min_level {
        return;
    }
    let format = match LOG_FORMAT.get() {
        LogFormat::Text => Format::Text,
        LogFormat::Json => Format::Json,
    };
    log_line(&event.line(format));
}

// elog.h's entry points, which pgrx keeps out of its bindings; at LOG level errfinish returns.
extern "C-unwind" {
    fn errstart(elevel: c_int, domain: *const c_char) -> bool;
    fn errfinish(filename: *const c_char, lineno: c_int, funcname: *const c_char);
}

/// `ereport(LOG, errmsg_internal("%s", line), errhidestmt(true), errhidecontext(true))`: at LOG
/// level the server would otherwise add the whole statement (the migration's script) and its
/// context after every event, as `log_min_error_statement` ranks LOG above ERROR.
fn log_line(line: &str) {
    let line = CString::new(line.replace('\0', " ")).expect("NUL bytes were replaced");
    // SAFETY: the documented ereport sequence, from the backend's only thread; LOG does not
    // jump, and every pointer outlives the call.
    unsafe {
        if errstart(pg_sys::LOG as c_int, std::ptr::null()) {
            pg_sys::errmsg_internal(c"%s".as_ptr(), line.as_ptr());
            pg_sys::errhidestmt(true);
            pg_sys::errhidecontext(true);
            errfinish(
                c"log.rs".as_ptr(),
                line!() as c_int,
                c"confiture_log".as_ptr(),
            );
        }
    }
}
