//! A relation the statement names that neither exists nor is created earlier in the script.

use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;

pub const RULE: Rule = Rule {
    id: "missing_relation",
    severity: Severity::Warning,
    summary:
        "a relation the statement uses exists neither in the database nor earlier in the script",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let missing = &context.effects.missing;
    if missing.is_empty() {
        return None;
    }
    let names: Vec<String> = missing.iter().map(|n| n.display()).collect();
    Some(RULE.finding(format!(
        "{} not found in the database nor created earlier in the script: the statement will fail here, or the script is meant for another database.",
        names.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::statement::AlterAction;
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn drop_default(table: &str) -> crate::risk::statement::Statement {
        let action = AlterAction::DropDefault { column: "a".into() };
        alter(table, action, AccessExclusive)
    }

    #[test]
    fn fires_for_an_unknown_table() {
        let found = run(&RULE, &drop_default("ghosts"), &catalog(vec![])).unwrap();
        assert!(found.message.starts_with("ghosts not found"));
    }

    #[test]
    fn silent_for_existing_and_created_tables() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[])]);
        assert_eq!(run(&RULE, &drop_default("orders"), &catalog), None);
        let create = statement(
            "CREATE TABLE",
            crate::risk::statement::Operation::CreateTable(crate::risk::statement::CreateTable {
                relation: name("ghosts"),
                ..Default::default()
            }),
        );
        let state = state_after(&[create], &catalog);
        assert_eq!(
            run_with(&RULE, &drop_default("ghosts"), &catalog, &state),
            None
        );
    }
}
