//! `json` columns: the text is stored as written and parsed again on every access, and `json`
//! has no equality operator (no `DISTINCT`, `GROUP BY` or unique index on it) and no GIN
//! indexing. `jsonb` is stored parsed.

use super::{columns_of_target, columns_of_type, JSON};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;

pub const RULE: Rule = Rule {
    id: "prefer_jsonb",
    severity: Severity::Info,
    summary: "a json column: prefer jsonb",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let columns = columns_of_type(context, |t| JSON.matches(t));
    if columns.is_empty() {
        return None;
    }
    Some(RULE.finding(format!(
        "{} json: it is parsed again on every access and cannot be compared, grouped or GIN-indexed; jsonb can, unless the exact text and key order must be kept.",
        columns_of_target(context, &columns)
    )))
}

#[cfg(test)]
mod tests {
    use super::super::{column, create_table};
    use super::*;
    use crate::risk::testing::*;

    #[test]
    fn fires_on_json_columns() {
        let payload = column("payload", type_ref("json", 114));
        let found = run(&RULE, &create_table(payload), &catalog(vec![])).unwrap();
        assert!(found.message.starts_with("payload of orders is json"));
    }

    #[test]
    fn silent_on_jsonb_columns() {
        let payload = column("payload", type_ref("jsonb", 3802));
        assert_eq!(run(&RULE, &create_table(payload), &catalog(vec![])), None);
    }
}
