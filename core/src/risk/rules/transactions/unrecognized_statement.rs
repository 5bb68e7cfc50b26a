//! A statement the analysis does not know. It cannot tell which relations the statement locks,
//! so it assumes the worst, an AccessExclusiveLock (`effects.assumed_lock`), and says so rather
//! than stay silent. `confiture.dry_run` executes the migration and rolls it back, reporting the
//! locks the statement really took.

use super::super::article;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::Operation;
use crate::LockMode;

pub const RULE: Rule = Rule {
    id: "unrecognized_statement",
    severity: Severity::Warning,
    summary: "a statement the analysis does not know, assumed to take an AccessExclusiveLock",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let what = match (&context.statement.operation, context.statement.tag.as_str()) {
        (Operation::Unreadable { reason }, _) => {
            format!("this statement, which the server refuses to read (\"{reason}\")")
        }
        (Operation::Unrecognized, "") => "this statement".to_string(),
        (Operation::Unrecognized, tag) => format!("this {tag} statement"),
        _ => return None,
    };
    let assumed = context
        .effects
        .assumed_lock
        .unwrap_or(LockMode::AccessExclusive);
    Some(RULE.finding(format!(
        "The analysis does not know {what}: it assumes {} {} on what it touches, and no rule checks it. Run the migration through confiture.dry_run(...) to see the locks it really takes.",
        article(assumed.name()),
        assumed.name()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::testing::*;

    #[test]
    fn names_why_the_server_refused_a_statement() {
        let unreadable = statement(
            "ALTER TABLE",
            Operation::Unreadable {
                reason: "length for type varchar must be at least 1".into(),
            },
        );
        let found = run(&RULE, &unreadable, &catalog(vec![])).unwrap();
        assert!(found
            .message
            .contains("refuses to read (\"length for type varchar"));
    }

    #[test]
    fn fires_for_an_unrecognized_statement() {
        let catalog = catalog(vec![]);
        let unknown = statement("IMPORT FOREIGN SCHEMA", Operation::Unrecognized);
        let found = run(&RULE, &unknown, &catalog).unwrap();
        assert!(found.message.starts_with(
            "The analysis does not know this IMPORT FOREIGN SCHEMA statement: it assumes an AccessExclusiveLock"
        ));
        let untagged = statement("", Operation::Unrecognized);
        let found = run(&RULE, &untagged, &catalog).unwrap();
        assert!(found.message.contains("does not know this statement:"));
    }

    #[test]
    fn silent_for_known_statements() {
        let catalog = catalog(vec![]);
        let other = statement("GRANT", Operation::Other { creates: None });
        assert_eq!(run(&RULE, &other, &catalog), None);
        let code = statement("DO", Operation::DynamicCode { kind: "DO".into() });
        assert_eq!(run(&RULE, &code, &catalog), None);
    }
}
