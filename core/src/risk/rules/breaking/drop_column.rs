//! Dropping a column that the running application may still read or write.

use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, Operation};

pub const RULE: Rule = Rule {
    id: "drop_column",
    severity: Severity::Warning,
    summary: "dropping a column breaks clients that still use it",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::AlterTable(alter) = &context.statement.operation else {
        return None;
    };
    if !context.on_existing_data() {
        return None;
    }
    let columns: Vec<&str> = alter
        .commands
        .iter()
        .filter_map(|c| match &c.action {
            AlterAction::DropColumn { column, .. } => Some(column.as_str()),
            _ => None,
        })
        .collect();
    if columns.is_empty() {
        return None;
    }
    Some(RULE.finding(format!(
        "Dropping {} of {} breaks every query of the running application that still names it: deploy code that no longer uses it first.",
        columns.join(", "),
        context.target_name()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn drop(table: &str) -> crate::risk::statement::Statement {
        let action = AlterAction::DropColumn {
            column: "note".into(),
            cascade: false,
        };
        alter(table, action, AccessExclusive)
    }

    #[test]
    fn fires_on_an_existing_table() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[("note", "text", TEXT)])]);
        let found = run(&RULE, &drop("orders"), &catalog).unwrap();
        assert!(found.message.starts_with("Dropping note of public.orders"));
    }

    #[test]
    fn silent_on_tables_that_do_not_exist_yet() {
        assert_eq!(run(&RULE, &drop("orders"), &catalog(vec![])), None);
    }
}
