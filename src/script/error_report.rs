//! Turning the server's complaint about a script into an ERROR that points into the script.

use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;

use super::position::Position;
use super::server_grammar::GrammarError;

const META_COMMAND_HINT: &str = "Confiture reads plain SQL. Remove psql meta-commands such as \
\\set, \\i or \\copy from the script, or run it with psql.";

/// Raises `error` as an ERROR whose DETAIL shows line, column and the offending line of `script`
/// (the server's own cursor would point into the calling query, not into the script).
pub fn report(error: GrammarError, script: &str) -> ! {
    let position = error.cursor.and_then(|c| Position::of_character(script, c));
    let meta_command = position.and_then(|p| p.psql_meta_command(script));

    let mut report = match meta_command {
        Some(command) => ErrorReport::new(
            PgSqlErrorCode::ERRCODE_SYNTAX_ERROR,
            format!("psql meta-command \"{command}\" is not SQL"),
            function_name!(),
        )
        .set_hint(META_COMMAND_HINT),
        None => {
            let report = ErrorReport::new(error.sqlstate, error.message, function_name!());
            match error.hint {
                Some(hint) => report.set_hint(hint),
                None => report,
            }
        }
    };
    let detail = [position.map(|p| p.describe(script)), error.detail]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    if !detail.is_empty() {
        report = report.set_detail(detail);
    }
    report.report(PgLogLevel::ERROR);
    unreachable!("an ERROR report does not return")
}
