//! Rules about column types that age badly. They look at the columns a statement defines:
//! `CREATE TABLE` columns, `ADD COLUMN`, and the new type of `ALTER COLUMN TYPE`.

mod char_column;
mod enum_value_without_position;
mod identifier_too_long;
mod prefer_bigint;
mod prefer_identity;
mod prefer_jsonb;
mod prefer_text;
mod prefer_timestamptz;

use crate::risk::context::Context;
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, ColumnDef, Operation, TypeRef};

pub const RULES: &[&Rule] = &[
    &prefer_text::RULE,
    &prefer_bigint::RULE,
    &prefer_identity::RULE,
    &prefer_timestamptz::RULE,
    &prefer_jsonb::RULE,
    &char_column::RULE,
    &identifier_too_long::RULE,
    &enum_value_without_position::RULE,
];

/// A column a statement defines or retypes.
pub(super) struct Defined<'a> {
    pub name: &'a str,
    pub type_ref: &'a TypeRef,
    /// The whole definition; `None` for `ALTER COLUMN TYPE`, which gives only the type.
    pub definition: Option<&'a ColumnDef>,
}

/// Columns a statement defines (`CREATE TABLE`, `ADD COLUMN`) or retypes.
pub(super) fn defined_columns(operation: &Operation) -> Vec<Defined<'_>> {
    fn defined(column: &ColumnDef) -> Defined<'_> {
        Defined {
            name: column.name.as_str(),
            type_ref: &column.type_ref,
            definition: Some(column),
        }
    }
    match operation {
        Operation::CreateTable(create) => create.columns.iter().map(defined).collect(),
        Operation::AlterTable(alter) => alter
            .commands
            .iter()
            .filter_map(|c| match &c.action {
                AlterAction::AddColumn(column) => Some(defined(column)),
                AlterAction::AlterColumnType {
                    column, new_type, ..
                } => Some(Defined {
                    name: column.as_str(),
                    type_ref: new_type,
                    definition: None,
                }),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The names of the columns `context`'s statement defines whose type `matches`.
pub(super) fn columns_of_type(
    context: &Context,
    matches: impl Fn(&TypeRef) -> bool,
) -> Vec<String> {
    defined_columns(&context.statement.operation)
        .into_iter()
        .filter(|c| matches(c.type_ref))
        .map(|c| c.name.to_string())
        .collect()
}

/// `a of t is` / `a, b of t are`: the start of a message about columns of the target.
pub(super) fn columns_of_target(context: &Context, columns: &[String]) -> String {
    format!(
        "{} of {} {}",
        columns.join(", "),
        context.target_name(),
        if columns.len() == 1 { "is" } else { "are" }
    )
}

/// A built-in type, known by its OID when the server resolved the type, or else by the
/// spellings the grammar accepts for it (the last name part, lower case).
pub(super) struct BuiltIn {
    pub oid: u32,
    pub spellings: &'static [&'static str],
}

impl BuiltIn {
    /// Whether `type_ref` is this type (or an array of it). An array's OID is the array
    /// type's, so arrays are known by their element's spelling.
    pub fn matches(&self, type_ref: &TypeRef) -> bool {
        match type_ref.id {
            Some(id) if !type_ref.is_array => id.oid == self.oid,
            _ => self.spellings.contains(&type_ref.base.as_str()),
        }
    }
}

pub(super) const SMALLINT: BuiltIn = BuiltIn {
    oid: 21,
    spellings: &["int2", "smallint", "smallserial", "serial2"],
};
pub(super) const INTEGER: BuiltIn = BuiltIn {
    oid: 23,
    spellings: &["int4", "int", "integer", "serial", "serial4"],
};
pub(super) const TIMESTAMP: BuiltIn = BuiltIn {
    oid: 1114,
    spellings: &["timestamp"],
};
pub(super) const JSON: BuiltIn = BuiltIn {
    oid: 114,
    spellings: &["json"],
};
/// `char(n)`, `character(n)`: the grammar reads both as `bpchar` (a quoted `"char"` is the
/// one-byte internal type, OID 18).
pub(super) const BPCHAR: BuiltIn = BuiltIn {
    oid: 1042,
    spellings: &["bpchar", "char", "character"],
};

/// A `CREATE TABLE` statement with one column, for the rules' tests.
#[cfg(test)]
pub(super) fn create_table(column: ColumnDef) -> crate::risk::statement::Statement {
    use crate::risk::statement::CreateTable;
    crate::risk::testing::statement(
        "CREATE TABLE",
        Operation::CreateTable(CreateTable {
            relation: crate::risk::testing::name("orders"),
            columns: vec![column],
            ..Default::default()
        }),
    )
}

/// A column `name` of `type_ref`.
#[cfg(test)]
pub(super) fn column(name: &str, type_ref: TypeRef) -> ColumnDef {
    ColumnDef {
        name: name.into(),
        type_ref,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::testing::{type_ref, INT4, INT8};

    /// The category every page of the group names.
    const CATEGORY: &str = "types";

    #[test]
    fn types_are_known_by_oid_first_then_by_spelling() {
        assert!(INTEGER.matches(&type_ref("int", INT4)));
        // The OID decides: a domain named `integer` is not integer.
        assert!(!INTEGER.matches(&type_ref("integer", 50_000)));
        assert!(!INTEGER.matches(&type_ref("int8", INT8)));
        let mut unresolved = type_ref("serial", 0);
        unresolved.id = None;
        assert!(INTEGER.matches(&unresolved));
        let mut array = type_ref("timestamp", 1115);
        array.is_array = true;
        assert!(TIMESTAMP.matches(&array));
    }

    #[test]
    fn every_rule_has_its_page() {
        crate::risk::rules::assert_pages(RULES, CATEGORY);
    }
}
