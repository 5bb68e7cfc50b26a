//! Rules about locks held too long: blocking builds, validations and rewrites.
//!
//! The helpers below are shared by the rules of this theme (child modules see them): which
//! constraints an `ALTER TABLE` adds, the names PostgreSQL would give them, identifiers as SQL,
//! and the safe `SET NOT NULL` sequence several alternatives end with.

mod add_check_not_valid;
mod add_foreign_key_not_valid;
mod add_not_null_column_without_default;
mod column_type_rewrite;
mod detach_partition_blocking;
mod domain_constraint;
mod exclusion_constraint;
mod lock_table;
mod primary_key_without_index;
mod refresh_matview_blocking;
mod reindex_blocking;
mod require_concurrent_index;
mod require_concurrent_index_drop;
mod serial_or_identity_rewrite;
mod set_not_null_without_check;
mod truncate;
mod unique_constraint_without_index;
mod vacuum_full_or_cluster;
mod volatile_default_rewrite;

use super::{quote_ident, statement_sql};
use crate::risk::catalog::{RelKind, Relation};
use crate::risk::context::Context;
use crate::risk::rule::Rule;
use crate::risk::statement::{
    AlterAction, AlterTable, ColumnDef, Constraint, ConstraintKind, Name, Operation,
};
use crate::LockMode;

pub const RULES: &[&Rule] = &[
    &require_concurrent_index::RULE,
    &require_concurrent_index_drop::RULE,
    &add_foreign_key_not_valid::RULE,
    &add_check_not_valid::RULE,
    &set_not_null_without_check::RULE,
    &volatile_default_rewrite::RULE,
    &column_type_rewrite::RULE,
    &unique_constraint_without_index::RULE,
    &primary_key_without_index::RULE,
    &add_not_null_column_without_default::RULE,
    &truncate::RULE,
    &serial_or_identity_rewrite::RULE,
    &refresh_matview_blocking::RULE,
    &vacuum_full_or_cluster::RULE,
    &lock_table::RULE,
    &exclusion_constraint::RULE,
    &detach_partition_blocking::RULE,
    &reindex_blocking::RULE,
    &domain_constraint::RULE,
];

/// The statement's `ALTER TABLE`, when it acts on an existing table (not one the script
/// created, nor a missing one).
fn alter_existing<'a>(context: &Context<'a>) -> Option<&'a AlterTable> {
    match &context.statement.operation {
        Operation::AlterTable(alter) if context.on_existing_data() => Some(alter),
        _ => None,
    }
}

/// A constraint an `ALTER TABLE` adds: by `ADD CONSTRAINT`, or inline in `ADD COLUMN`.
struct Added<'a> {
    constraint: &'a Constraint,
    /// The column definition an inline constraint is written in.
    column: Option<&'a ColumnDef>,
    /// The constrained columns; an inline constraint's is its own column.
    columns: Vec<String>,
    /// The lock of the subcommand that adds it.
    lock: LockMode,
}

/// The constraints of `kind` that `alter` adds, in order.
fn added_constraints(alter: &AlterTable, kind: ConstraintKind) -> Vec<Added<'_>> {
    let mut added = Vec::new();
    for command in &alter.commands {
        let (column, constraints) = match &command.action {
            AlterAction::AddConstraint(constraint) => (None, std::slice::from_ref(constraint)),
            AlterAction::AddColumn(column) => (Some(column), column.constraints.as_slice()),
            _ => continue,
        };
        for constraint in constraints.iter().filter(|c| c.kind == Some(kind)) {
            let columns = match column {
                Some(def) if constraint.columns.is_empty() => vec![def.name.clone()],
                _ => constraint.columns.clone(),
            };
            added.push(Added {
                constraint,
                column,
                columns,
                lock: command.lock,
            });
        }
    }
    added
}

/// Whether `action` adds a constraint of `kind` that builds its own index (no `USING INDEX`).
fn builds_index(action: &AlterAction, kind: ConstraintKind) -> bool {
    matches!(action, AlterAction::AddConstraint(c)
        if c.kind == Some(kind) && c.using_index.is_none())
}

/// The first line of an alternative that replaces only some subcommands of `alter` (those
/// `replaced` accepts): the others must still run, before, in an `ALTER TABLE` of their own.
fn others_first(alter: &AlterTable, replaced: impl Fn(&AlterAction) -> bool) -> &'static str {
    if alter.commands.iter().all(|c| replaced(&c.action)) {
        ""
    } else {
        "-- first the statement's other subcommands, in an ALTER TABLE of their own; then:\n"
    }
}

/// The table's bare name (for names PostgreSQL derives from it).
fn table_name(context: &Context) -> String {
    context
        .target()
        .map_or_else(|| context.target_name(), |t| t.name.clone())
}

/// The target as SQL: quoted and schema-qualified when it exists.
fn target_sql(context: &Context) -> String {
    context
        .target()
        .map_or_else(|| context.target_name(), |t| t.qualified.clone())
}

/// The name PostgreSQL chooses for an unnamed constraint or index (ChooseConstraintName):
/// `<table>_<columns>_<label>`, `<table>_<label>` without columns. Not truncated to 63 bytes,
/// and without the digit PostgreSQL appends when the name is taken.
fn default_name(table: &str, columns: &[String], label: &str) -> String {
    let mut parts = vec![table.to_string()];
    parts.extend(columns.iter().cloned());
    parts.push(label.to_string());
    parts.join("_")
}

/// Identifiers as an SQL list: `a, "B"`.
fn ident_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A relation named in the statement, as SQL: the catalog's qualified name when it exists,
/// else the name as written, quoted where needed.
fn relation_sql(context: &Context, name: &Name) -> String {
    match context.existing(name) {
        Some(relation) => relation.qualified.clone(),
        None => match &name.schema {
            Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(&name.name)),
            None => quote_ident(&name.name),
        },
    }
}

/// "reads and writes wait": what other sessions do while `mode` is held.
fn waits(mode: LockMode) -> String {
    format!("{} wait", mode.blocks())
}

/// Existing relations among `names` (not created earlier in the script).
fn existing_relations<'a>(context: &Context<'a>, names: &[Name]) -> Vec<&'a Relation> {
    names.iter().filter_map(|n| context.existing(n)).collect()
}

/// Relations' qualified names, comma-separated.
fn relation_list(relations: &[&Relation]) -> String {
    relations
        .iter()
        .map(|r| r.qualified.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_partitioned(context: &Context) -> bool {
    context
        .target()
        .is_some_and(|t| t.kind == RelKind::PartitionedTable)
}

/// Whether `column` of `table` is known not to hold NULLs without a scan: declared NOT NULL,
/// or proven by a `CHECK (column IS NOT NULL)` in the catalog or added earlier in the script.
fn not_null_proven(context: &Context, table: &Relation, column: &str) -> bool {
    table.column(column).is_some_and(|c| c.not_null)
        || table.not_null_checks.iter().any(|c| c == column)
        || context
            .state
            .not_null_checks
            .iter()
            .any(|(t, _, c)| t == &table.qualified && c == column)
}

/// `SET NOT NULL` without a long lock: a `NOT VALID` check, validated under
/// ShareUpdateExclusiveLock, lets `SET NOT NULL` skip its scan; the check is dropped after.
/// `table` is the table as SQL, `bare` its unqualified name.
fn safe_set_not_null(table: &str, bare: &str, column: &str) -> String {
    let check = quote_ident(&format!("{bare}_{column}_not_null"));
    let col = quote_ident(column);
    format!(
        "ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID;\n\
         ALTER TABLE {table} VALIDATE CONSTRAINT {check};\n\
         ALTER TABLE {table} ALTER COLUMN {col} SET NOT NULL;\n\
         ALTER TABLE {table} DROP CONSTRAINT {check};"
    )
}

/// An index built `CONCURRENTLY`, then turned into the constraint (`UNIQUE` or
/// `PRIMARY KEY`) with `USING INDEX`: only the last step takes the strong lock, briefly.
fn constraint_on_concurrent_index(
    table: &str,
    name: &str,
    columns: &[String],
    kind: &str,
) -> String {
    let name = quote_ident(name);
    format!(
        "CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} ({});\n\
         ALTER TABLE {table} ADD CONSTRAINT {name} {kind} USING INDEX {name};",
        ident_list(columns)
    )
}

#[cfg(test)]
mod test_support {
    use crate::risk::catalog::Catalog;
    use crate::risk::state::ScriptState;
    use crate::risk::statement::{CreateTable, Operation};
    use crate::risk::testing::{name, state_after, statement};

    /// The state after a script that created `tables` (new and empty from then on, even when
    /// the catalog has a relation of the same name).
    pub fn created(tables: &[&str], catalog: &Catalog) -> ScriptState {
        let creates: Vec<_> = tables
            .iter()
            .map(|t| {
                statement(
                    "CREATE TABLE",
                    Operation::CreateTable(CreateTable {
                        relation: name(t),
                        ..Default::default()
                    }),
                )
            })
            .collect();
        state_after(&creates, catalog)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_its_page() {
        crate::risk::rules::assert_pages(RULES, "locking");
    }

    #[test]
    fn identifiers_are_quoted_only_when_needed() {
        assert_eq!(quote_ident("placed_at"), "placed_at");
        assert_eq!(quote_ident("Placed"), "\"Placed\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("1st"), "\"1st\"");
    }

    #[test]
    fn default_names_follow_postgres() {
        let columns = ["a".to_string(), "b".to_string()];
        assert_eq!(default_name("t", &columns, "key"), "t_a_b_key");
        assert_eq!(default_name("t", &[], "check"), "t_check");
    }

    #[test]
    fn safe_set_not_null_is_four_steps() {
        let sql = safe_set_not_null("public.orders", "orders", "placed_at");
        let steps: Vec<&str> = sql.lines().collect();
        assert_eq!(
            steps,
            [
                "ALTER TABLE public.orders ADD CONSTRAINT orders_placed_at_not_null CHECK (placed_at IS NOT NULL) NOT VALID;",
                "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_placed_at_not_null;",
                "ALTER TABLE public.orders ALTER COLUMN placed_at SET NOT NULL;",
                "ALTER TABLE public.orders DROP CONSTRAINT orders_placed_at_not_null;",
            ]
        );
    }
}
