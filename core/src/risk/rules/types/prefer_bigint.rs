//! A new `integer` or `smallint` key column: an identity, a serial, part of the primary key, or
//! named `id` / `*_id`. A 32-bit key runs out after 2,147,483,647 values (a smallint after
//! 32,767), and widening it then rewrites the table, and every table that references it, under
//! an AccessExclusiveLock.

use super::{defined_columns, Defined, INTEGER, SMALLINT};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, Constraint, ConstraintKind, Operation};

pub const RULE: Rule = Rule {
    id: "prefer_bigint",
    severity: Severity::Warning,
    summary: "a new integer or smallint key column: 32-bit keys run out",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let primary_key = primary_key_columns(context);
    let keys: Vec<String> = defined_columns(&context.statement.operation)
        .into_iter()
        .filter(|c| !c.type_ref.is_array && is_key(c, &primary_key))
        .filter_map(|c| {
            let width = if SMALLINT.matches(c.type_ref) {
                "smallint"
            } else if INTEGER.matches(c.type_ref) {
                "integer"
            } else {
                return None;
            };
            Some(format!("{} ({width})", c.name))
        })
        .collect();
    if keys.is_empty() {
        return None;
    }
    Some(RULE.finding(format!(
        "Key {} {} of {} will run out of values: integer stops at 2,147,483,647 and smallint at 32,767, and widening it later rewrites the table and those that reference it under an AccessExclusiveLock. Use bigint.",
        if keys.len() == 1 { "column" } else { "columns" },
        keys.join(", "),
        context.target_name()
    )))
}

/// An identity or serial column, one of the primary key, or one named as a key.
fn is_key(column: &Defined, primary_key: &[&str]) -> bool {
    let defined_as_key = column.definition.is_some_and(|d| {
        d.identity
            || d.is_serial()
            || d.constraints
                .iter()
                .any(|c| c.kind == Some(ConstraintKind::PrimaryKey))
    });
    defined_as_key
        || primary_key.contains(&column.name)
        || column.name == "id"
        || column.name.ends_with("_id")
}

/// Columns of the primary key the statement declares as a table constraint, or that the
/// existing table already has.
fn primary_key_columns<'a>(context: &Context<'a>) -> Vec<&'a str> {
    let is_primary = |c: &&Constraint| c.kind == Some(ConstraintKind::PrimaryKey);
    let declared: Vec<&Constraint> = match &context.statement.operation {
        Operation::CreateTable(create) => create.constraints.iter().filter(is_primary).collect(),
        Operation::AlterTable(alter) => alter
            .commands
            .iter()
            .filter_map(|c| match &c.action {
                AlterAction::AddConstraint(constraint) => Some(constraint),
                _ => None,
            })
            .filter(is_primary)
            .collect(),
        _ => Vec::new(),
    };
    let existing = context
        .target()
        .into_iter()
        .flat_map(|t| &t.indexes)
        .filter(|i| i.primary)
        .flat_map(|i| i.columns.iter().flatten());
    declared
        .into_iter()
        .flat_map(|c| &c.columns)
        .chain(existing)
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{column, create_table};
    use super::*;
    use crate::risk::statement::CreateTable;
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    #[test]
    fn fires_on_integer_ids_serials_and_primary_keys() {
        let catalog = catalog(vec![]);
        let found = run(
            &RULE,
            &create_table(column("id", type_ref("int4", INT4))),
            &catalog,
        );
        assert!(found
            .unwrap()
            .message
            .starts_with("Key column id (integer) of orders will run out"));
        let mut serial = column("number", type_ref("smallserial", 21));
        serial.type_ref.id = None;
        assert!(run(&RULE, &create_table(serial), &catalog).is_some());
        let mut create = create_table(column("code", type_ref("integer", INT4)));
        if let Operation::CreateTable(CreateTable { constraints, .. }) = &mut create.operation {
            constraints.push(Constraint {
                kind: Some(ConstraintKind::PrimaryKey),
                columns: vec!["code".into()],
                ..Default::default()
            });
        }
        assert!(run(&RULE, &create, &catalog).is_some());
    }

    #[test]
    fn fires_on_a_column_added_or_retyped_to_integer() {
        let mut orders = table(1, "orders", 10.0, &[("code", "bigint", INT8)]);
        let pk = index(2, "orders_pkey", &mut orders, &["code"]);
        orders.indexes[0].primary = true;
        let catalog = catalog(vec![orders, pk]);
        let action = AlterAction::AlterColumnType {
            column: "code".into(),
            new_type: type_ref("int4", INT4),
            using: false,
        };
        let found = run(&RULE, &alter("orders", action, AccessExclusive), &catalog).unwrap();
        assert!(found.message.contains("code (integer) of public.orders"));
        let added = AlterAction::AddColumn(column("customer_id", type_ref("int", INT4)));
        assert!(run(&RULE, &alter("orders", added, AccessExclusive), &catalog).is_some());
    }

    #[test]
    fn silent_on_bigint_keys_and_integer_values() {
        let catalog = catalog(vec![]);
        let bigint = column("id", type_ref("int8", INT8));
        assert_eq!(run(&RULE, &create_table(bigint), &catalog), None);
        let quantity = column("quantity", type_ref("integer", INT4));
        assert_eq!(run(&RULE, &create_table(quantity), &catalog), None);
        let mut ids = column("tag_id", type_ref("int4", 1007));
        ids.type_ref.is_array = true;
        assert_eq!(run(&RULE, &create_table(ids), &catalog), None);
    }
}
