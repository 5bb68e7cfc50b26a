//! What a rollback cannot undo, named per statement.

use crate::script::Command;

/// What a sequence's page holds, and which storage the page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SequenceState {
    /// `relfilenode`: `ALTER SEQUENCE ... RESTART` or `TRUNCATE ... RESTART IDENTITY` give a
    /// sequence new storage, which the rollback throws away with everything written to it.
    pub storage: i64,
    pub last_value: i64,
    pub is_called: bool,
}

impl SequenceState {
    fn describe(self) -> String {
        if self.is_called {
            format!("last value {}", self.last_value)
        } else {
            format!("next value {}", self.last_value)
        }
    }
}

/// The sequences whose position moved between two readings (`seen`, `now`) in storage that
/// outlives the rollback: `nextval` and `setval` are not transactional.
pub fn sequence_moves<'a>(
    readings: impl IntoIterator<Item = (&'a str, SequenceState, SequenceState)>,
) -> Vec<String> {
    readings
        .into_iter()
        .filter(|(_, seen, now)| seen.storage == now.storage && seen != now)
        .map(|(name, seen, now)| {
            format!(
                "sequence {name} moved from {} to {}: nextval and setval are not rolled back",
                seen.describe(),
                now.describe()
            )
        })
        .collect()
}

/// Calls whose effect lives outside the transaction, with why.
const ESCAPING_CALLS: [(&str, &str); 14] = [
    (
        "dblink_exec",
        "runs SQL over another connection, which commits on its own",
    ),
    (
        "dblink",
        "runs SQL over another connection, which commits on its own",
    ),
    (
        "dblink_send_query",
        "runs SQL over another connection, which commits on its own",
    ),
    (
        "pg_advisory_lock",
        "takes a session-level advisory lock that outlives the rollback",
    ),
    (
        "pg_advisory_lock_shared",
        "takes a session-level advisory lock that outlives the rollback",
    ),
    (
        "pg_try_advisory_lock",
        "may take a session-level advisory lock that outlives the rollback",
    ),
    ("pg_terminate_backend", "terminates another session"),
    ("pg_cancel_backend", "cancels another session's query"),
    (
        "pg_reload_conf",
        "makes the server reload its configuration",
    ),
    ("pg_rotate_logfile", "rotates the server log"),
    ("pg_switch_wal", "switches the WAL file"),
    ("lo_export", "writes a file on the database server"),
    ("pg_file_write", "writes a file on the database server"),
    (
        "pg_notify",
        "is discarded with the rollback: listeners hear nothing from a dry run",
    ),
];

/// Side effects visible from the statement itself: its command, its row count and the
/// functions it calls by name (calls hidden in function bodies are out of sight).
pub fn of_statement(command: &Command, text: &str, rows: Option<u64>) -> Vec<String> {
    let mut effects = Vec::new();
    let tag = command.tag.as_str();
    match (tag, rows) {
        ("INSERT" | "UPDATE" | "MERGE" | "COPY", Some(rows)) if rows > 0 => effects.push(format!(
            "{rows} row versions written by {tag} stay in the table as dead tuples until VACUUM \
             (disk space, not data)"
        )),
        // index_update_stats and vac_update_relstats write pg_class estimates with an in-place
        // update, which no rollback undoes.
        ("CREATE INDEX" | "REINDEX" | "ANALYZE", _) => effects.push(format!(
            "{tag} updates the table's row and page estimates (and relhasindex) in pg_class in \
             place; the rollback keeps them (the next VACUUM or ANALYZE corrects them)"
        )),
        ("NOTIFY", _) => effects.push(
            "NOTIFY is discarded with the rollback: listeners hear nothing from a dry run".into(),
        ),
        _ => {}
    }
    for name in called_functions(text) {
        if let Some((_, why)) = ESCAPING_CALLS.iter().find(|(f, _)| *f == name) {
            effects.push(format!("{name}() {why}"));
        }
    }
    effects.dedup();
    effects
}

/// Lower-cased names written as `name (` in `text`: unquoted function calls.
fn called_functions(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut names = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if is_ident(bytes[i]) {
            let start = i;
            while i < bytes.len() && is_ident(bytes[i]) {
                i += 1;
            }
            let rest = lower[i..].trim_start();
            if rest.starts_with('(') {
                names.push(lower[start..i].to_string());
            }
        } else {
            i += 1;
        }
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(storage: i64, last_value: i64, is_called: bool) -> SequenceState {
        SequenceState {
            storage,
            last_value,
            is_called,
        }
    }

    #[test]
    fn moved_sequences_are_named_with_both_positions() {
        let effects = sequence_moves([
            ("public.a_id_seq", state(1, 41, true), state(1, 46, true)),
            ("public.b_id_seq", state(2, 7, true), state(2, 7, true)),
            ("public.c_id_seq", state(3, 1, false), state(3, 1, true)),
            ("public.d_seq", state(4, 1, false), state(4, 5, false)),
        ]);
        assert_eq!(effects.len(), 3);
        assert!(effects[0]
            .starts_with("sequence public.a_id_seq moved from last value 41 to last value 46"));
        assert!(effects[1]
            .starts_with("sequence public.c_id_seq moved from next value 1 to last value 1"));
        assert!(
            effects[2].starts_with("sequence public.d_seq moved from next value 1 to next value 5")
        );
    }

    #[test]
    fn moves_in_storage_the_rollback_discards_are_not_side_effects() {
        let restarted =
            sequence_moves([("public.a_id_seq", state(1, 41, true), state(9, 1, true))]);
        assert!(restarted.is_empty());
    }

    fn command(tag: &str) -> Command {
        Command {
            tag: tag.into(),
            counts_rows: true,
            execution: crate::script::Execution::Transactional,
        }
    }

    #[test]
    fn written_rows_leave_dead_tuples() {
        let effects = of_statement(&command("UPDATE"), "UPDATE t SET a = 1", Some(3));
        assert_eq!(effects.len(), 1);
        assert!(effects[0].starts_with("3 row versions written by UPDATE"));
        assert!(of_statement(&command("DELETE"), "DELETE FROM t", Some(3)).is_empty());
        assert!(of_statement(&command("UPDATE"), "UPDATE t SET a = 1", Some(0)).is_empty());
    }

    #[test]
    fn index_builds_and_analyze_keep_their_estimates() {
        for tag in ["CREATE INDEX", "REINDEX", "ANALYZE"] {
            assert_eq!(of_statement(&command(tag), "x", None).len(), 1, "{tag}");
        }
        assert!(of_statement(&command("ALTER TABLE"), "ALTER TABLE t ADD c int", None).is_empty());
    }

    #[test]
    fn calls_that_escape_the_transaction_are_named() {
        let effects = of_statement(
            &command("SELECT"),
            "SELECT dblink_exec('db', 'DELETE FROM t'), pg_advisory_lock (1), public.f(2)",
            Some(1),
        );
        assert_eq!(effects.len(), 2);
        assert!(effects[0].starts_with("dblink_exec() runs SQL over another connection"));
        assert!(effects[1].starts_with("pg_advisory_lock() takes a session-level"));
        assert!(of_statement(&command("SELECT"), "SELECT my_dblink_exec(1)", Some(1)).is_empty());
    }

    #[test]
    fn notify_is_reported_as_not_delivered() {
        let effects = of_statement(&command("NOTIFY"), "NOTIFY jobs", None);
        assert!(effects[0].starts_with("NOTIFY is discarded"));
    }
}
