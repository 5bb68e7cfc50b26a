//! Migration scripts: the statements a script holds, cut exactly where the server would cut.

mod boundaries;
mod command;
mod error_report;
mod position;
mod server_commands;
mod server_grammar;
mod sql_api;

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

/// The statements of `script` with their commands, or an ERROR that points into the script.
pub fn commands_or_report(script: &str) -> Vec<Statement<'_, Command>> {
    server_grammar::parse_commands(script)
        .map(|parsed| boundaries::statements(script, parsed.statements, &parsed.tokens))
        .unwrap_or_else(|error| error_report::report(error, script))
}
