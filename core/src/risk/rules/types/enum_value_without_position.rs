//! `ALTER TYPE ... ADD VALUE` without `BEFORE` or `AFTER`: the new value sorts after every
//! existing one, which `ORDER BY` and comparisons of the enum show; and the value cannot be
//! used in the transaction that adds it until that commits.

use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::Operation;

pub const RULE: Rule = Rule {
    id: "enum_value_without_position",
    severity: Severity::Info,
    summary: "an enum value added without BEFORE/AFTER sorts last",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::AlterEnum {
        type_name,
        added_without_position,
        adds,
    } = &context.statement.operation
    else {
        return None;
    };
    if !(*adds && *added_without_position) {
        return None;
    }
    Some(RULE.finding(format!(
        "The value added to {} sorts after all existing ones, in ORDER BY and in < and > comparisons: say BEFORE or AFTER if it belongs elsewhere. It cannot be used until the transaction that adds it commits.",
        type_name.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;

    fn add_value(added_without_position: bool) -> Statement {
        statement(
            "ALTER TYPE",
            Operation::AlterEnum {
                type_name: name("order_status"),
                added_without_position,
                adds: true,
            },
        )
    }

    #[test]
    fn fires_without_a_position() {
        let found = run(&RULE, &add_value(true), &catalog(vec![])).unwrap();
        assert!(found
            .message
            .starts_with("The value added to order_status sorts after"));
    }

    #[test]
    fn silent_with_before_or_after_and_on_renames() {
        assert_eq!(run(&RULE, &add_value(false), &catalog(vec![])), None);
        let rename = statement(
            "ALTER TYPE",
            Operation::AlterEnum {
                type_name: name("order_status"),
                added_without_position: false,
                adds: false,
            },
        );
        assert_eq!(run(&RULE, &rename, &catalog(vec![])), None);
    }
}
