//! What a dry run does with each statement before running anything: run it, run a
//! transactional stand-in, skip it with a reason, or refuse the whole script.

use std::ops::Range;

use super::locks::LockMode;
use crate::script::{Command, Execution, External};

/// What happens to one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Execute `sql`. `simulated` explains a stand-in for a statement that cannot run in a
    /// transaction.
    Run {
        sql: String,
        simulated: Option<String>,
    },
    /// Do not execute; report `reason`.
    Skip { reason: String },
}

/// A statement whose effect would escape the rollback: the dry run refuses to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub hint: String,
}

/// The lock every `CONCURRENTLY` form takes on the table in place of the plain form's.
pub const CONCURRENT_LOCK: LockMode = LockMode::ShareUpdateExclusive;

/// Refuses statements that act outside the database, where no rollback reaches.
pub fn refusal(command: &Command) -> Option<Refusal> {
    let what = match command.execution {
        Execution::External(External::Program) => "runs a program on the database server",
        Execution::External(External::ServerFileWrite) => "writes a file on the database server",
        _ => return None,
    };
    Some(Refusal {
        message: format!(
            "dry_run refuses {}: it {what}, which a rollback cannot undo",
            command.tag
        ),
        hint: "Remove the statement from the script to dry-run the rest.".into(),
    })
}

/// The step for a statement `text` with `command`.
pub fn step(text: &str, command: &Command, simulate_concurrently: bool) -> Step {
    match &command.execution {
        Execution::Transactional => Step::Run {
            sql: text.to_string(),
            simulated: None,
        },
        Execution::TransactionControl => Step::Skip {
            reason: transaction_control_reason(&command.tag),
        },
        Execution::OwnTransaction {
            concurrently: Some(keyword),
        } if simulate_concurrently => Step::Run {
            sql: without_keyword(text, keyword.clone()),
            simulated: Some(format!(
                "simulated: ran without CONCURRENTLY, so the locks shown are those of the \
                 plain form; {} CONCURRENTLY takes {} on the table instead, which does not \
                 block reads or writes",
                command.tag,
                CONCURRENT_LOCK.name()
            )),
        },
        Execution::OwnTransaction { concurrently } => Step::Skip {
            reason: format!(
                "{} cannot run inside a transaction block, so a dry run cannot execute it{}",
                command.tag,
                if concurrently.is_some() {
                    "; option \"simulate_concurrently\" runs the non-concurrent form instead"
                } else {
                    ""
                }
            ),
        },
        Execution::Session => Step::Skip {
            reason: format!(
                "{} acts on the session or the server, not the transaction: a rollback would \
                 not undo it",
                command.tag
            ),
        },
        Execution::External(_) => Step::Skip {
            reason: format!(
                "{} FROM STDIN / TO STDOUT needs the client's side of the connection",
                command.tag
            ),
        },
    }
}

fn transaction_control_reason(tag: &str) -> String {
    let consequence = match tag {
        "BEGIN" | "START TRANSACTION" | "COMMIT" => {
            "the dry run already runs the whole script in one transaction that it rolls back"
        }
        "ROLLBACK" => {
            "the dry run keeps going in its own transaction; a real run would discard the \
             statements before this ROLLBACK"
        }
        _ => {
            "the dry run does not execute transaction control; later statements run as if it \
              were absent"
        }
    };
    format!("transaction control ({tag}) skipped: {consequence}")
}

/// `text` without the keyword at `keyword`, and without the parentheses or comma that only
/// existed for it: `REINDEX (CONCURRENTLY) TABLE t` becomes `REINDEX TABLE t`.
pub fn without_keyword(text: &str, keyword: Range<usize>) -> String {
    let before = text[..keyword.start].trim_end();
    let after = text[keyword.end..].trim_start();
    match (before.strip_suffix('('), after.strip_prefix(')')) {
        (Some(b), Some(a)) => join(b.trim_end(), a.trim_start()),
        (Some(_), None) => join(
            before,
            after.strip_prefix(',').unwrap_or(after).trim_start(),
        ),
        (None, _) => join(before.strip_suffix(',').unwrap_or(before).trim_end(), after),
    }
}

fn join(before: &str, after: &str) -> String {
    match (before.is_empty(), after.is_empty()) {
        (true, _) => after.to_string(),
        (_, true) => before.to_string(),
        _ if before.ends_with('(') || after.starts_with([')', ',']) => format!("{before}{after}"),
        _ => format!("{before} {after}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(text: &str) -> String {
        let start = text.to_ascii_lowercase().find("concurrently").unwrap();
        without_keyword(text, start..start + "concurrently".len())
    }

    #[test]
    fn concurrently_is_removed_from_every_form() {
        assert_eq!(
            strip("CREATE INDEX CONCURRENTLY i ON t (a)"),
            "CREATE INDEX i ON t (a)"
        );
        assert_eq!(
            strip("create unique index concurrently if not exists i on t(a)"),
            "create unique index if not exists i on t(a)"
        );
        assert_eq!(strip("DROP INDEX CONCURRENTLY i"), "DROP INDEX i");
        assert_eq!(strip("REINDEX TABLE CONCURRENTLY t"), "REINDEX TABLE t");
        assert_eq!(strip("REINDEX (CONCURRENTLY) INDEX i"), "REINDEX INDEX i");
        assert_eq!(
            strip("REINDEX (VERBOSE, CONCURRENTLY) INDEX i"),
            "REINDEX (VERBOSE) INDEX i"
        );
        assert_eq!(
            strip("REINDEX (CONCURRENTLY, VERBOSE) INDEX i"),
            "REINDEX (VERBOSE) INDEX i"
        );
        assert_eq!(
            strip("ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY"),
            "ALTER TABLE p DETACH PARTITION p1"
        );
    }

    fn command(execution: Execution, tag: &str) -> Command {
        Command {
            tag: tag.into(),
            counts_rows: false,
            execution,
        }
    }

    #[test]
    fn concurrent_statements_are_skipped_unless_simulated() {
        let text = "CREATE INDEX CONCURRENTLY i ON t (a)";
        let cmd = command(
            Execution::OwnTransaction {
                concurrently: Some(13..25),
            },
            "CREATE INDEX",
        );
        let Step::Skip { reason } = step(text, &cmd, false) else {
            panic!("not skipped")
        };
        assert!(reason.contains("simulate_concurrently"));
        let Step::Run { sql, simulated } = step(text, &cmd, true) else {
            panic!("not run")
        };
        assert_eq!(sql, "CREATE INDEX i ON t (a)");
        assert!(simulated.unwrap().contains(CONCURRENT_LOCK.name()));
    }

    #[test]
    fn statements_without_a_transactional_form_are_skipped_even_when_simulating() {
        let cmd = command(Execution::OwnTransaction { concurrently: None }, "VACUUM");
        assert!(matches!(step("VACUUM t", &cmd, true), Step::Skip { .. }));
    }

    #[test]
    fn session_commands_are_skipped() {
        let Step::Skip { reason } = step(
            "DEALLOCATE ALL",
            &command(Execution::Session, "DEALLOCATE ALL"),
            false,
        ) else {
            panic!("not skipped")
        };
        assert!(reason.contains("not the transaction"));
    }

    #[test]
    fn transaction_control_is_skipped_with_its_consequence() {
        let Step::Skip { reason } = step(
            "COMMIT",
            &command(Execution::TransactionControl, "COMMIT"),
            false,
        ) else {
            panic!("not skipped")
        };
        assert!(reason.starts_with("transaction control (COMMIT) skipped"));
    }

    #[test]
    fn programs_and_server_files_are_refused() {
        let program = command(Execution::External(External::Program), "COPY");
        assert!(refusal(&program)
            .unwrap()
            .message
            .contains("runs a program"));
        let file = command(Execution::External(External::ServerFileWrite), "COPY");
        assert!(refusal(&file).unwrap().message.contains("writes a file"));
        assert!(refusal(&command(Execution::External(External::Client), "COPY")).is_none());
        assert!(refusal(&command(Execution::Transactional, "UPDATE")).is_none());
    }
}
