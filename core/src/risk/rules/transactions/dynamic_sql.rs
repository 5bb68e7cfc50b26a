//! Code the analysis cannot see into: a `DO` block, a `CALL`, an `EXECUTE` of a prepared
//! statement, the script of `CREATE EXTENSION` / `ALTER EXTENSION UPDATE`. The statements they
//! run are strings to the parser (a PL/pgSQL body is a string constant), so their locks,
//! rewrites and scans are unknown and no other rule can judge them. Only running them says what
//! they do: `confiture.dry_run` executes the migration and rolls it back, reporting the locks
//! each statement really took.

use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::Operation;

pub const RULE: Rule = Rule {
    id: "dynamic_sql",
    severity: Severity::Warning,
    summary:
        "a DO block, CALL, EXECUTE or extension script runs statements the analysis cannot see",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::DynamicCode { kind } = &context.statement.operation else {
        return None;
    };
    let what = match kind.as_str() {
        "DO" => "The DO block runs statements that are a string to the analysis".to_string(),
        "CALL" => "The procedure called runs statements the analysis does not see".to_string(),
        "EXECUTE" => "The prepared statement executed is not visible to the analysis".to_string(),
        "extension script" => {
            "The extension's script runs statements the analysis does not see".to_string()
        }
        other => format!("This {other} runs statements the analysis does not see"),
    };
    Some(RULE.finding(format!(
        "{what}: the locks they take and the rows they rewrite are unknown, and no rule checks them. Run the migration through confiture.dry_run(...) to see what they really do."
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;

    fn dynamic(tag: &str, kind: &str) -> Statement {
        statement(tag, Operation::DynamicCode { kind: kind.into() })
    }

    #[test]
    fn fires_for_do_call_execute_and_extensions() {
        let catalog = catalog(vec![]);
        let found = run(&RULE, &dynamic("DO", "DO"), &catalog).unwrap();
        assert!(found.message.starts_with("The DO block runs statements"));
        assert!(found.message.contains("confiture.dry_run"));
        for (tag, kind) in [
            ("CALL", "CALL"),
            ("EXECUTE", "EXECUTE"),
            ("CREATE EXTENSION", "extension script"),
        ] {
            assert!(run(&RULE, &dynamic(tag, kind), &catalog).is_some());
        }
    }

    #[test]
    fn silent_for_statements_the_analysis_reads() {
        let catalog = catalog(vec![]);
        let other = statement("CREATE FUNCTION", Operation::Other { creates: None });
        assert_eq!(run(&RULE, &other, &catalog), None);
        assert_eq!(
            run(&RULE, &statement("", Operation::Unrecognized), &catalog),
            None
        );
    }
}
