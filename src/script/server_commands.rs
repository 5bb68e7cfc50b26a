//! Reading a statement's [`Command`] from the server's raw parse tree.

use std::ffi::CStr;
use std::ops::Range;

use pgrx::prelude::*;
use pgrx::PgList;

use super::command::{Command, Execution, External};

/// The command of `raw`. `script` is the parsed text and `tokens` the byte ranges of the
/// statement's tokens, used to locate the `CONCURRENTLY` keyword (reported relative to the
/// statement's first token, where the statement's text starts).
///
/// # Safety
/// `raw` must be a statement returned by `raw_parser` for `script`, still allocated.
pub unsafe fn command_of(
    raw: *mut pg_sys::RawStmt,
    script: &[u8],
    tokens: &[Range<usize>],
) -> Command {
    // SAFETY: the caller guarantees a valid RawStmt; every node is read according to its tag.
    unsafe {
        let node = (*raw).stmt;
        let statement_start = tokens.first().map_or(0, |t| t.start);
        let concurrently = || {
            tokens
                .iter()
                .find(|t| script[t.start..t.end].eq_ignore_ascii_case(b"concurrently"))
                .map(|t| t.start - statement_start..t.end - statement_start)
        };
        let own_transaction = |concurrent: bool| Execution::OwnTransaction {
            concurrently: if concurrent { concurrently() } else { None },
        };
        let execution = match (*node).type_ {
            pg_sys::NodeTag::T_TransactionStmt => Execution::TransactionControl,
            pg_sys::NodeTag::T_IndexStmt if (*node.cast::<pg_sys::IndexStmt>()).concurrent => {
                own_transaction(true)
            }
            pg_sys::NodeTag::T_DropStmt if (*node.cast::<pg_sys::DropStmt>()).concurrent => {
                own_transaction(true)
            }
            pg_sys::NodeTag::T_ReindexStmt => reindex(node.cast(), own_transaction),
            pg_sys::NodeTag::T_AlterTableStmt if detaches_concurrently(node.cast()) => {
                own_transaction(true)
            }
            pg_sys::NodeTag::T_VacuumStmt if (*node.cast::<pg_sys::VacuumStmt>()).is_vacuumcmd => {
                own_transaction(false)
            }
            pg_sys::NodeTag::T_ClusterStmt
                if (*node.cast::<pg_sys::ClusterStmt>()).relation.is_null() =>
            {
                own_transaction(false)
            }
            pg_sys::NodeTag::T_CreatedbStmt
            | pg_sys::NodeTag::T_DropdbStmt
            | pg_sys::NodeTag::T_CreateTableSpaceStmt
            | pg_sys::NodeTag::T_DropTableSpaceStmt
            | pg_sys::NodeTag::T_AlterSystemStmt
            | pg_sys::NodeTag::T_CreateSubscriptionStmt
            | pg_sys::NodeTag::T_DropSubscriptionStmt => own_transaction(false),
            pg_sys::NodeTag::T_CopyStmt => copy(node.cast()),
            pg_sys::NodeTag::T_PrepareStmt
            | pg_sys::NodeTag::T_DeallocateStmt
            | pg_sys::NodeTag::T_LoadStmt
            | pg_sys::NodeTag::T_DiscardStmt
            | pg_sys::NodeTag::T_CheckPointStmt => Execution::Session,
            _ => Execution::Transactional,
        };
        // One call for the tag's name (each call into the server costs an error-handling
        // frame, which is most of the price of classifying a statement).
        let tag = CStr::from_ptr(pg_sys::CreateCommandName(node))
            .to_string_lossy()
            .into_owned();
        Command {
            counts_rows: counts_rows(&tag),
            tag,
            execution,
        }
    }
}

/// The commands whose tag carries a row count (`rowcount` in the server's cmdtaglist.h).
fn counts_rows(tag: &str) -> bool {
    matches!(
        tag,
        "COPY" | "DELETE" | "FETCH" | "INSERT" | "MERGE" | "MOVE" | "SELECT" | "UPDATE"
    )
}

unsafe fn reindex(
    stmt: *mut pg_sys::ReindexStmt,
    own_transaction: impl Fn(bool) -> Execution,
) -> Execution {
    // SAFETY: `stmt` is a valid ReindexStmt whose params are DefElem nodes.
    unsafe {
        let params = PgList::<pg_sys::DefElem>::from_pg((*stmt).params);
        let concurrent = params.iter_ptr().any(|option| {
            CStr::from_ptr((*option).defname).to_bytes() == b"concurrently"
                && pg_sys::defGetBoolean(option)
        });
        let many_tables = matches!(
            (*stmt).kind,
            pg_sys::ReindexObjectType::REINDEX_OBJECT_SCHEMA
                | pg_sys::ReindexObjectType::REINDEX_OBJECT_SYSTEM
                | pg_sys::ReindexObjectType::REINDEX_OBJECT_DATABASE
        );
        match (concurrent, many_tables) {
            (false, false) => Execution::Transactional,
            // REINDEX SCHEMA commits per table, so even without CONCURRENTLY it has no
            // transactional form.
            (_, true) => own_transaction(false),
            (true, false) => own_transaction(true),
        }
    }
}

unsafe fn detaches_concurrently(stmt: *mut pg_sys::AlterTableStmt) -> bool {
    // SAFETY: `stmt` is a valid AlterTableStmt whose cmds are AlterTableCmd nodes.
    unsafe {
        PgList::<pg_sys::AlterTableCmd>::from_pg((*stmt).cmds)
            .iter_ptr()
            .any(|cmd| {
                (*cmd).subtype == pg_sys::AlterTableType::AT_DetachPartition
                    && (*(*cmd).def.cast::<pg_sys::PartitionCmd>()).concurrent
            })
    }
}

unsafe fn copy(stmt: *mut pg_sys::CopyStmt) -> Execution {
    // SAFETY: `stmt` is a valid CopyStmt.
    let stmt = unsafe { &*stmt };
    match (stmt.is_program, stmt.filename.is_null(), stmt.is_from) {
        (true, _, _) => Execution::External(External::Program),
        (false, true, _) => Execution::External(External::Client),
        (false, false, false) => Execution::External(External::ServerFileWrite),
        (false, false, true) => Execution::Transactional,
    }
}
