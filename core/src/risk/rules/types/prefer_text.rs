//! `varchar(n)` columns: the length limit is a constraint that can only be raised by an
//! `ALTER COLUMN TYPE`, and lowering it rewrites the table.

use super::columns_of_type;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;

pub const RULE: Rule = Rule {
    id: "prefer_text",
    severity: Severity::Info,
    summary: "a new varchar(n) column: text with a CHECK on length is easier to change",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let columns = columns_of_type(context, |t| {
        matches!(t.base.as_str(), "varchar" | "bpchar_varying") && t.display.contains('(')
    });
    if columns.is_empty() {
        return None;
    }
    Some(RULE.finding(format!(
        "{} {} varchar(n): changing the limit later means ALTER COLUMN TYPE; text with a CHECK (length(...) <= n) constraint can be changed with NOT VALID and VALIDATE.",
        columns.join(", "),
        if columns.len() == 1 { "is" } else { "are" }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::statement::{ColumnDef, CreateTable, Operation};
    use crate::risk::testing::*;

    fn create(type_display: &str) -> crate::risk::statement::Statement {
        let mut type_ref = type_ref("varchar", VARCHAR);
        type_ref.display = type_display.into();
        if !type_display.starts_with("character varying") {
            type_ref = crate::risk::testing::type_ref("text", TEXT);
        }
        statement(
            "CREATE TABLE",
            Operation::CreateTable(CreateTable {
                relation: name("users"),
                columns: vec![ColumnDef {
                    name: "email".into(),
                    type_ref,
                    ..Default::default()
                }],
                ..Default::default()
            }),
        )
    }

    #[test]
    fn fires_on_varchar_with_a_length() {
        let found = run(&RULE, &create("character varying(100)"), &catalog(vec![])).unwrap();
        assert!(found.message.starts_with("email is varchar(n)"));
    }

    #[test]
    fn silent_on_text_and_unbounded_varchar() {
        assert_eq!(run(&RULE, &create("text"), &catalog(vec![])), None);
        assert_eq!(
            run(&RULE, &create("character varying"), &catalog(vec![])),
            None
        );
    }
}
