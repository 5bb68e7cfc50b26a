//! `ALTER ... SET SCHEMA`: the object moves, and clients that name it with its old schema (or
//! find it through a search_path without the new one) no longer find it.

use super::{noun, relation_noun};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::Operation;

pub const RULE: Rule = Rule {
    id: "set_schema",
    severity: Severity::Warning,
    summary: "moving an object to another schema breaks clients that use its old qualified name",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::SetSchema { object, relation } = &context.statement.operation else {
        return None;
    };
    let what = match relation {
        // A relation: only an existing one (not created earlier in the script, not missing).
        Some(_) => {
            let r = context.target()?;
            format!("{} {}", relation_noun(r.kind), r.qualified)
        }
        None => format!("a {}", noun(*object)),
    };
    Some(RULE.finding(format!(
        "Moving {what} to another schema breaks the running application's queries that qualify it with its current schema, and unqualified ones whose search_path lacks the new schema."
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::breaking::script::created_table;
    use crate::risk::statement::{ObjectKind, Statement};
    use crate::risk::testing::*;

    fn set_schema(object: ObjectKind, relation: Option<&str>) -> Statement {
        statement(
            "ALTER TABLE",
            Operation::SetSchema {
                object,
                relation: relation.map(name),
            },
        )
    }

    #[test]
    fn fires_on_existing_relations_and_other_objects() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[])]);
        let found = run(
            &RULE,
            &set_schema(ObjectKind::Table, Some("orders")),
            &catalog,
        )
        .unwrap();
        assert!(found.message.starts_with("Moving table public.orders"));
        let found = run(&RULE, &set_schema(ObjectKind::Function, None), &catalog).unwrap();
        assert!(found.message.starts_with("Moving a function"));
    }

    #[test]
    fn silent_on_tables_created_earlier_in_the_script_or_missing() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[])]);
        let statement = set_schema(ObjectKind::Table, Some("orders"));
        let state = created_table("orders");
        assert_eq!(run_with(&RULE, &statement, &catalog, &state), None);
        let missing = set_schema(ObjectKind::Table, Some("ghosts"));
        assert_eq!(run(&RULE, &missing, &catalog), None);
    }
}
