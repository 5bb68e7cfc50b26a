//! `confiture.assess_risk`: the server reads the migration (its grammar, the types and
//! defaults it names, the catalog of the relations it touches); the pure analysis in
//! `confiture_core::risk` decides.

mod catalog_loader;
mod expressions;
mod nodes;
mod parse_tree;
mod sql_api;

use std::cell::Cell;

use confiture_core::risk::comments;
use confiture_core::risk::options::Options;
use confiture_core::risk::statement::{Operation, Statement};
use confiture_core::risk::{self, Assessment};

use crate::script::{self, Execution};
use crate::subtransaction::attempt;

/// A migration and the verdict on each of its statements.
pub struct Analysis {
    pub statements: Vec<Statement>,
    pub assessments: Vec<Assessment>,
}

/// Reads and assesses `migration`; a script the server cannot read is an ERROR pointing into it.
pub fn analyse(migration: &str, options: &Options) -> Analysis {
    let statements = read(migration);
    let catalog = catalog_loader::load(&statements);
    let assessments = risk::assess(&statements, &catalog, &expressions::ServerTypes, options);
    Analysis {
        statements,
        assessments,
    }
}

/// The statements of `migration` in the analysis' model.
///
/// Reading a statement may raise an ERROR (an invalid type modifier such as `varchar(0)`), so
/// the whole script is read in one subtransaction; if that fails, it is read again with a
/// subtransaction per statement, and a statement that cannot be read is unrecognized.
fn read(migration: &str) -> Vec<Statement> {
    let careful = Cell::new(false);
    let convert = |node, command: script::Command, tokens: Vec<&str>| {
        // SAFETY: `analyse` passes the statement node of a tree raw_parser just returned.
        let operation = if careful.get() {
            attempt(|| unsafe { parse_tree::operation(node) }).unwrap_or_else(|error| {
                Operation::Unreadable {
                    reason: error.message().to_string(),
                }
            })
        } else {
            unsafe { parse_tree::operation(node) }
        };
        (operation, command, comments::long_identifiers(tokens))
    };
    let parsed = attempt(|| script::analyse(migration, &convert)).unwrap_or_else(|_| {
        careful.set(true);
        script::analyse(migration, &convert)
    });
    let parsed = parsed.unwrap_or_else(|error| script::report(error, migration));

    let mut previous_end = 0;
    parsed
        .into_iter()
        .map(|s| {
            let end = s.byte_offset + s.text.len();
            // `-- confiture:ignore` comments between the previous statement and this one's end.
            let ignored = comments::ignored_rules(&migration[previous_end..end]);
            previous_end = end;
            let (operation, command, long_identifiers) = s.command;
            Statement {
                number: s.number,
                text: s.text.to_string(),
                transactional: !matches!(command.execution, Execution::OwnTransaction { .. }),
                tag: command.tag,
                operation,
                ignored,
                long_identifiers,
            }
        })
        .collect()
}
