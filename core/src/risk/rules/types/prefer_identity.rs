//! `serial`, `bigserial` and `smallserial` columns: an integer with a `nextval()` default on a
//! sequence that is a separate object, with its own grants and ownership, that explicit ids
//! do not advance. `bigint GENERATED ALWAYS AS IDENTITY` is the standard form without those
//! traps.

use super::{columns_of_target, defined_columns};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;

pub const RULE: Rule = Rule {
    id: "prefer_identity",
    severity: Severity::Info,
    summary: "a serial column: prefer bigint GENERATED ALWAYS AS IDENTITY",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let columns: Vec<String> = defined_columns(&context.statement.operation)
        .into_iter()
        .filter(|c| c.definition.is_some_and(|d| d.is_serial()))
        .map(|c| c.name.to_string())
        .collect();
    if columns.is_empty() {
        return None;
    }
    Some(RULE.finding(format!(
        "{} serial: its sequence needs grants of its own and is not advanced by inserts that set the id explicitly; bigint GENERATED ALWAYS AS IDENTITY has neither problem.",
        columns_of_target(context, &columns)
    )))
}

#[cfg(test)]
mod tests {
    use super::super::{column, create_table};
    use super::*;
    use crate::risk::testing::*;

    #[test]
    fn fires_on_serial_columns() {
        let serial = column("id", type_ref("bigserial", INT8));
        let found = run(&RULE, &create_table(serial), &catalog(vec![])).unwrap();
        assert!(found.message.starts_with("id of orders is serial"));
    }

    #[test]
    fn silent_on_identity_columns() {
        let mut identity = column("id", type_ref("int8", INT8));
        identity.identity = true;
        assert_eq!(run(&RULE, &create_table(identity), &catalog(vec![])), None);
    }
}
