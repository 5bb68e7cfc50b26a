//! `ALTER COLUMN ... DROP DEFAULT` on an existing table: inserts of the running application
//! that leave the column out now store NULL, or fail when the column is NOT NULL.

use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, Operation};

pub const RULE: Rule = Rule {
    id: "drop_default",
    severity: Severity::Warning,
    summary: "dropping a column default changes what inserts that omit the column store",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::AlterTable(alter) = &context.statement.operation else {
        return None;
    };
    let table = context.target()?;
    let columns: Vec<&str> = alter
        .commands
        .iter()
        .filter_map(|c| match &c.action {
            AlterAction::DropDefault { column } => Some(column.as_str()),
            _ => None,
        })
        .collect();
    if columns.is_empty() {
        return None;
    }
    let not_null = columns
        .iter()
        .any(|c| table.column(c).is_some_and(|c| c.not_null));
    let outcome = if not_null {
        "fail (NOT NULL)"
    } else {
        "store NULL"
    };
    Some(RULE.finding(format!(
        "Dropping the default of {} on {}: inserts of the running application that leave it out now {outcome}; deploy code that sets it explicitly first.",
        columns.join(", "),
        table.qualified
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::breaking::script::created_table;
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn drop_default(table: &str) -> crate::risk::statement::Statement {
        let action = AlterAction::DropDefault {
            column: "status".into(),
        };
        alter(table, action, AccessExclusive)
    }

    #[test]
    fn fires_on_an_existing_table() {
        let mut orders = table(1, "orders", 10.0, &[("status", "text", TEXT)]);
        let found = run(
            &RULE,
            &drop_default("orders"),
            &catalog(vec![orders.clone()]),
        )
        .unwrap();
        assert!(found
            .message
            .starts_with("Dropping the default of status on public.orders"));
        assert!(found.message.contains("now store NULL"));
        orders.columns[0].not_null = true;
        let found = run(&RULE, &drop_default("orders"), &catalog(vec![orders])).unwrap();
        assert!(found.message.contains("now fail (NOT NULL)"));
    }

    #[test]
    fn silent_on_tables_created_earlier_in_the_script_or_missing() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[("status", "text", TEXT)])]);
        let state = created_table("orders");
        assert_eq!(
            run_with(&RULE, &drop_default("orders"), &catalog, &state),
            None
        );
        assert_eq!(run(&RULE, &drop_default("ghosts"), &catalog), None);
    }
}
