//! Rules about changes that break clients still running the previous version of the code.
//!
//! They fire only for objects that exist: a relation created earlier in the script, or another
//! object (function, type, schema) the script created, is nobody else's yet.

mod drop_column;
mod drop_constraint;
mod drop_default;
mod drop_function;
mod drop_schema;
mod drop_sequence;
mod drop_table;
mod drop_type;
mod drop_view;
mod rename_column;
mod rename_object;
mod rename_table;
mod set_schema;

use super::plural;
pub(super) use super::quote_ident;
use crate::risk::catalog::{RelKind, Relation};
use crate::risk::context::Context;
use crate::risk::rule::Rule;
use crate::risk::statement::{Name, ObjectKind};

pub const RULES: &[&Rule] = &[
    &drop_column::RULE,
    &rename_column::RULE,
    &rename_table::RULE,
    &rename_object::RULE,
    &set_schema::RULE,
    &drop_table::RULE,
    &drop_view::RULE,
    &drop_sequence::RULE,
    &drop_function::RULE,
    &drop_type::RULE,
    &drop_schema::RULE,
    &drop_constraint::RULE,
    &drop_default::RULE,
];

/// The existing relations among `names`: not created earlier in the script.
pub(super) fn existing_relations<'a>(context: &Context<'a>, names: &[Name]) -> Vec<&'a Relation> {
    names.iter().filter_map(|n| context.existing(n)).collect()
}

/// The objects among `names` that the script did not create earlier (functions, types,
/// schemas: the catalog does not list them, so they are taken to exist).
pub(super) fn not_created<'n>(context: &Context, names: &'n [Name]) -> Vec<&'n Name> {
    names
        .iter()
        .filter(|n| !context.state.is_created(n))
        .collect()
}

/// Relations the statement locks besides `except`, with the mode: `a (AccessExclusiveLock)`.
pub(super) fn other_locks(context: &Context, except: &[u32]) -> Vec<String> {
    context
        .effects
        .locks
        .iter()
        .filter(|l| !except.contains(&l.oid))
        .map(|l| format!("{} ({})", l.relation, l.mode.name()))
        .collect()
}

/// What an object is called in a message.
pub(super) fn noun(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Table => "table",
        ObjectKind::Index => "index",
        ObjectKind::View => "view",
        ObjectKind::MaterializedView => "materialized view",
        ObjectKind::Sequence => "sequence",
        ObjectKind::ForeignTable => "foreign table",
        ObjectKind::Column => "column",
        ObjectKind::Constraint => "constraint",
        ObjectKind::Schema => "schema",
        ObjectKind::Type => "type",
        ObjectKind::Domain => "domain",
        ObjectKind::Function => "function",
        ObjectKind::Trigger => "trigger",
        ObjectKind::Policy => "policy",
        ObjectKind::Rule => "rule",
        ObjectKind::Other => "object",
    }
}

/// What a relation is called in a message, by what the catalog says it is.
pub(super) fn relation_noun(kind: RelKind) -> &'static str {
    match kind {
        RelKind::Table | RelKind::PartitionedTable => "table",
        RelKind::Index | RelKind::PartitionedIndex => "index",
        RelKind::View => "view",
        RelKind::MaterializedView => "materialized view",
        RelKind::Sequence => "sequence",
        RelKind::ForeignTable => "foreign table",
        RelKind::Other => "relation",
    }
}

/// `name` or `schema.name`, each part quoted where SQL needs it: for safe alternatives.
pub(super) fn sql_name(name: &Name) -> String {
    match &name.schema {
        Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(&name.name)),
        None => quote_ident(&name.name),
    }
}

/// Test helpers: the script state after statements that create the objects named.
#[cfg(test)]
pub(super) mod script {
    use crate::risk::state::ScriptState;
    use crate::risk::statement::{CreateTable, Operation};
    use crate::risk::testing::{catalog, name, state_after, statement};

    /// After `CREATE TABLE <table>`.
    pub fn created_table(table: &str) -> ScriptState {
        let create = Operation::CreateTable(CreateTable {
            relation: name(table),
            ..Default::default()
        });
        state_after(&[statement("CREATE TABLE", create)], &catalog(vec![]))
    }

    /// After a statement (`CREATE FUNCTION`, `CREATE TYPE`, `CREATE SCHEMA`, ...) that creates
    /// `object`.
    pub fn created(tag: &str, object: &str) -> ScriptState {
        let create = Operation::Other {
            creates: Some(name(object)),
        };
        state_after(&[statement(tag, create)], &catalog(vec![]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The category every page of the group names.
    const CATEGORY: &str = "breaking changes";

    #[test]
    fn names_are_quoted_only_where_sql_needs_it() {
        assert_eq!(sql_name(&Name::new(Some("app"), "orders")), "app.orders");
        assert_eq!(sql_name(&Name::new(None, "Orders")), "\"Orders\"");
        assert_eq!(sql_name(&Name::new(None, "user")), "\"user\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("line_2"), "line_2");
    }

    #[test]
    fn every_rule_has_its_page() {
        crate::risk::rules::assert_pages(RULES, CATEGORY);
    }
}
