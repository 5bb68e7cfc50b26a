//! Identifiers longer than 63 bytes that a statement creates: PostgreSQL truncates them with
//! only a NOTICE, so the name in the catalog is not the one the script (and the code) uses.

use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;

pub const RULE: Rule = Rule {
    id: "identifier_too_long",
    severity: Severity::Error,
    summary: "an identifier longer than 63 bytes, which PostgreSQL truncates silently",
    check,
};

/// `NAMEDATALEN - 1`.
const MAX_BYTES: usize = 63;

fn check(context: &Context) -> Option<Finding> {
    let long = &context.statement.long_identifiers;
    if long.is_empty() {
        return None;
    }
    let renamed: Vec<String> = long
        .iter()
        .map(|name| format!("{name} becomes {}", truncated(name)))
        .collect();
    Some(RULE.finding(format!(
        "PostgreSQL truncates identifiers to {MAX_BYTES} bytes with only a NOTICE: {}. Statements and code that use the full name will not find it; choose a shorter name.",
        renamed.join(", ")
    )))
}

/// The name as PostgreSQL stores it: cut to 63 bytes without splitting a character.
fn truncated(name: &str) -> &str {
    let mut end = name.len().min(MAX_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::statement::{CreateIndex, Operation, Statement};
    use crate::risk::testing::*;

    fn create_index(name: &str, long: bool) -> Statement {
        let mut s = statement(
            "CREATE INDEX",
            Operation::CreateIndex(CreateIndex {
                relation: crate::risk::testing::name("orders"),
                name: Some(name.into()),
                ..Default::default()
            }),
        );
        if long {
            s.long_identifiers.push(name.into());
        }
        s
    }

    #[test]
    fn fires_with_the_truncated_name() {
        let long = format!("{}_idx", "orders_customer_placed".repeat(3));
        let found = run(&RULE, &create_index(&long, true), &catalog(vec![])).unwrap();
        let expected = format!("{long} becomes {}", &long[..63]);
        assert!(found.message.contains(&expected));
    }

    #[test]
    fn silent_on_short_names() {
        let statement = create_index("orders_customer_idx", false);
        assert_eq!(run(&RULE, &statement, &catalog(vec![])), None);
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        let name = format!("{}é", "a".repeat(62));
        assert_eq!(truncated(&name), "a".repeat(62));
        assert_eq!(truncated("short"), "short");
    }
}
