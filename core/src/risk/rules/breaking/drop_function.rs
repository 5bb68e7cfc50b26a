//! Dropping a function or procedure the script did not create: the running application's calls
//! fail, and so do triggers, defaults, checks and views that use it (`CASCADE` drops those).

use super::not_created;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{ObjectKind, Operation};

pub const RULE: Rule = Rule {
    id: "drop_function",
    severity: Severity::Warning,
    summary: "dropping a function or procedure breaks clients that still call it",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Drop(drop) = &context.statement.operation else {
        return None;
    };
    if drop.object != ObjectKind::Function {
        return None;
    }
    let functions = not_created(context, &drop.names);
    if functions.is_empty() {
        return None;
    }
    let names: Vec<String> = functions.iter().map(|n| n.display()).collect();
    let consequence = if drop.cascade {
        "CASCADE also drops the triggers, defaults, constraints and views that use it"
    } else {
        "deploy code that no longer calls it first"
    };
    Some(RULE.finding(format!(
        "Dropping {} breaks every call of the running application to it: {consequence}.",
        names.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::breaking::script::created;
    use crate::risk::statement::{Drop, Statement};
    use crate::risk::testing::*;

    fn drop_function(cascade: bool) -> Statement {
        statement(
            "DROP FUNCTION",
            Operation::Drop(Drop {
                object: ObjectKind::Function,
                names: vec![name("app.order_total")],
                concurrently: false,
                cascade,
                missing_ok: false,
            }),
        )
    }

    #[test]
    fn fires_on_a_function_the_script_did_not_create() {
        let found = run(&RULE, &drop_function(false), &catalog(vec![])).unwrap();
        assert!(found.message.starts_with("Dropping app.order_total breaks"));
        let found = run(&RULE, &drop_function(true), &catalog(vec![])).unwrap();
        assert!(found.message.contains("CASCADE also drops the triggers"));
    }

    #[test]
    fn silent_on_functions_created_earlier_in_the_script() {
        let state = created("CREATE FUNCTION", "app.order_total");
        assert_eq!(
            run_with(&RULE, &drop_function(false), &catalog(vec![]), &state),
            None
        );
    }
}
