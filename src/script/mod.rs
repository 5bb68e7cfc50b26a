//! Migration scripts: the statements a script holds, cut exactly where the server would cut.

mod boundaries;
mod command;
mod error_report;
mod position;
mod server_commands;
mod server_grammar;
mod sql_api;

use pgrx::pg_sys;

pub use boundaries::Statement;
pub use command::{Command, Execution, External};
pub use position::Position;
pub use server_grammar::GrammarError;

/// The statements of `script`, cut where the server would cut, or the server's complaint.
pub fn split(script: &str) -> Result<Vec<Statement<'_>>, GrammarError> {
    let parsed = server_grammar::parse(script)?;
    Ok(boundaries::statements(
        script,
        parsed.statements,
        &parsed.tokens,
    ))
}

/// The statements of `script`, or an ERROR that points into the script.
pub fn split_or_report(script: &str) -> Vec<Statement<'_>> {
    split(script).unwrap_or_else(|error| error_report::report(error, script))
}

/// Each statement of `script` with what `analyse` makes of it, given its raw parse tree (the
/// `stmt` of its `RawStmt`, valid during the call), its command and its tokens' texts; or the
/// server's complaint about the script (see [`report`]).
pub fn analyse<C>(
    script: &str,
    mut analyse: impl FnMut(*mut pg_sys::Node, Command, Vec<&str>) -> C,
) -> Result<Vec<Statement<'_, C>>, GrammarError> {
    server_grammar::parse_with(script, |raw, text, tokens| {
        // SAFETY: parse_with passes statements raw_parser returned for the script, still allocated.
        let command = unsafe { server_commands::command_of(raw, text, tokens) };
        let texts = tokens
            .iter()
            .map(|t| std::str::from_utf8(&text[t.clone()]).unwrap_or_default())
            .collect();
        analyse(unsafe { (*raw).stmt }, command, texts)
    })
    .map(|parsed| boundaries::statements(script, parsed.statements, &parsed.tokens))
}

/// Raises `error`, the server's complaint about `script`, as an ERROR that points into it.
pub fn report(error: GrammarError, script: &str) -> ! {
    error_report::report(error, script)
}

/// The statements of `script` with their commands, or an ERROR that points into the script.
pub fn commands_or_report(script: &str) -> Vec<Statement<'_, Command>> {
    server_grammar::parse_commands(script)
        .map(|parsed| boundaries::statements(script, parsed.statements, &parsed.tokens))
        .unwrap_or_else(|error| error_report::report(error, script))
}
