//! Structured logging: the events a migration writes to the server log, in order, as JSON
//! lines with their fields. A test `emit_log_hook` captures what would reach the log.

#[pgrx::pg_schema]
mod tests {
    use std::cell::RefCell;
    use std::ffi::CStr;

    use pgrx::prelude::*;
    use serde_json::Value;

    thread_local! {
        static CAPTURED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    #[pg_guard]
    unsafe extern "C-unwind" fn capture(data: *mut pg_sys::ErrorData) {
        // SAFETY: the server passes the report being emitted.
        let message = unsafe { (*data).message };
        if !message.is_null() {
            let text = unsafe { CStr::from_ptr(message) }
                .to_string_lossy()
                .into_owned();
            CAPTURED.with(|c| c.borrow_mut().push(text));
        }
    }

    /// The confiture events `sql` writes to the server log.
    fn events_of(sql: &str) -> Vec<String> {
        CAPTURED.with(|c| c.borrow_mut().clear());
        // SAFETY: single-threaded backend; the previous hook is put back below.
        let previous = unsafe { pg_sys::emit_log_hook };
        unsafe { pg_sys::emit_log_hook = Some(capture) };
        let outcome = crate::subtransaction::attempt(|| Spi::run(sql));
        unsafe { pg_sys::emit_log_hook = previous };
        outcome.ok();
        CAPTURED.with(|c| c.borrow().clone())
    }

    fn json_events(sql: &str) -> Vec<Value> {
        Spi::run("SET confiture.log_format = 'json'; SET confiture.log_min_level = 'debug'")
            .unwrap();
        events_of(sql)
            .iter()
            .filter(|line| line.starts_with('{'))
            .map(|line| serde_json::from_str(line).expect("each event is one JSON object"))
            .collect()
    }

    fn names(events: &[Value]) -> Vec<&str> {
        events
            .iter()
            .map(|e| e["event"].as_str().unwrap())
            .collect()
    }

    fn hook_fixture() {
        Spi::run(
            "CREATE FUNCTION ok(context jsonb) RETURNS void LANGUAGE sql AS $$ $$;
             CREATE FUNCTION bad(context jsonb) RETURNS void LANGUAGE sql AS $$ SELECT 1/0 $$;
             SELECT confiture.register_hook('ok', 'before_ddl', 'ok(jsonb)');",
        )
        .unwrap();
    }

    #[pg_test]
    fn a_migration_logs_its_events_in_order_as_json_lines() {
        hook_fixture();
        let events = json_events("SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)')");
        assert_eq!(
            names(&events),
            [
                "migration_start",
                "executing_hooks",
                "hook_start",
                "hook_completed",
                "phase_completed",
                "migration_completed"
            ]
        );
        assert!(events.iter().all(|e| e["migration"] == "V1"));
        assert_eq!(events[1]["phase"], "before_ddl");
        assert_eq!(events[1]["hooks"], 1);
        assert_eq!(events[3]["hook"], "ok");
        assert!(events[3]["duration_ms"].as_f64().unwrap() >= 0.0);
        assert_eq!(events[5]["level"], "info");
    }

    #[pg_test]
    fn failures_are_logged_even_though_the_transaction_rolls_back() {
        hook_fixture();
        Spi::run("SELECT confiture.register_hook('bad', 'after_ddl', 'bad(jsonb)')").unwrap();
        let events = json_events("SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)')");
        let failed: Vec<&Value> = events.iter().filter(|e| e["level"] == "warning").collect();
        assert_eq!(names(&events).last(), Some(&"migration_failed"));
        assert_eq!(failed[0]["event"], "hook_failed");
        assert_eq!(failed[0]["hook"], "bad");
        assert_eq!(failed[0]["error"], "division by zero");
        assert_eq!(
            failed[1]["error"],
            "hook \"bad\" (after_ddl phase): division by zero"
        );
    }

    #[pg_test]
    fn dry_runs_and_lints_log_their_events() {
        let events = json_events("SELECT * FROM confiture.dry_run('SELECT 1/0')");
        assert_eq!(names(&events), ["dry_run_start", "dry_run_failed"]);
        assert_eq!(events[1]["error"], "statement 1: division by zero");
        let events = json_events("SELECT * FROM confiture.lint()");
        assert_eq!(names(&events), ["lint_completed"]);
        assert!(events[0]["rows"].is_u64());
    }

    #[pg_test]
    fn the_minimum_level_drops_lesser_events() {
        hook_fixture();
        Spi::run("SET confiture.log_format = 'json'; SET confiture.log_min_level = 'warning'")
            .unwrap();
        let lines = events_of("SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)')");
        assert!(lines.iter().all(|l| !l.contains("confiture")), "{lines:?}");
    }

    #[pg_test]
    fn text_lines_name_the_event_first() {
        Spi::run("SET confiture.log_format = 'text'; SET confiture.log_min_level = 'info'")
            .unwrap();
        let lines = events_of("SELECT confiture.migrate('V1', 'first migration', 'SELECT 1')");
        assert_eq!(lines[0], "confiture: migration_start migration=V1");
        assert!(
            lines[1].starts_with("confiture: migration_completed migration=V1 duration_ms="),
            "{lines:?}"
        );
    }
}
