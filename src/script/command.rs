//! What kind of command a statement is, as far as executing it safely needs to know.

use std::ops::Range;

/// A statement's command, read from the server's parse tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The server's command tag, e.g. `CREATE INDEX`.
    pub tag: String,
    /// Whether the server reports a row count for this command (DML, `SELECT`, `COPY`, ...).
    pub counts_rows: bool,
    pub execution: Execution,
}

/// How a statement relates to the transaction it runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Execution {
    /// Runs inside a transaction block and is undone by its rollback.
    Transactional,
    /// `BEGIN`, `COMMIT`, `SAVEPOINT`, `PREPARE TRANSACTION`, ...
    TransactionControl,
    /// Refuses to run inside a transaction block (`VACUUM`, `CREATE DATABASE`, ...). For the
    /// `CONCURRENTLY` forms, `concurrently` is the byte range of that keyword in the statement:
    /// without it the statement has a transactional equivalent.
    OwnTransaction { concurrently: Option<Range<usize>> },
    /// Reads from or writes to something outside the database.
    External(External),
    /// Changes the session rather than the transaction (`PREPARE`, `DEALLOCATE`, `LOAD`,
    /// `DISCARD`) or the whole server (`CHECKPOINT`): no rollback undoes it.
    Session,
}

/// The outside world a `COPY` talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum External {
    /// `COPY ... TO/FROM PROGRAM`: runs a shell command on the server.
    Program,
    /// `COPY ... TO 'file'`: writes a file on the server.
    ServerFileWrite,
    /// `COPY ... FROM STDIN` / `TO STDOUT`: needs the client's side of the protocol.
    Client,
}
