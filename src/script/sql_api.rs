//! SQL functions for migration scripts.

use pgrx::prelude::*;

/// The statements of a migration script, split as the server would split them.
///
/// STABLE rather than IMMUTABLE: how the server reads backslashes in `'...'` literals depends on
/// `standard_conforming_strings`.
#[pg_extern(stable, strict, parallel_safe)]
fn split_statements(
    script: &str,
) -> TableIterator<
    'static,
    (
        name!(statement_no, i32),
        name!(statement, String),
        name!(start_offset, i32),
    ),
> {
    // A text value is at most 1 GB, so numbers and offsets always fit in an int.
    let rows: Vec<_> = super::split_or_report(script)
        .into_iter()
        .map(|s| (s.number as i32, s.text.to_string(), s.char_offset as i32))
        .collect();
    TableIterator::new(rows)
}
