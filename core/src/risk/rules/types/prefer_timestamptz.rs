//! `timestamp` (without time zone) columns: the value is a wall-clock reading with no zone, so
//! clients in different time zones read different instants, and daylight-saving changes make
//! some values ambiguous. `timestamptz` stores the instant and shows it in each session's zone.

use super::{columns_of_target, columns_of_type, TIMESTAMP};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;

pub const RULE: Rule = Rule {
    id: "prefer_timestamptz",
    severity: Severity::Warning,
    summary: "a timestamp without time zone column: prefer timestamptz",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let columns = columns_of_type(context, |t| TIMESTAMP.matches(t));
    if columns.is_empty() {
        return None;
    }
    Some(RULE.finding(format!(
        "{} timestamp without time zone: the values carry no zone, so clients in other zones (or across a daylight-saving change) read other instants; timestamptz stores the instant.",
        columns_of_target(context, &columns)
    )))
}

#[cfg(test)]
mod tests {
    use super::super::{column, create_table};
    use super::*;
    use crate::risk::testing::*;

    #[test]
    fn fires_on_timestamp_columns() {
        let placed = column("placed_at", type_ref("timestamp", 1114));
        let found = run(&RULE, &create_table(placed), &catalog(vec![])).unwrap();
        assert!(found
            .message
            .starts_with("placed_at of orders is timestamp without time zone"));
    }

    #[test]
    fn silent_on_timestamptz_columns() {
        let placed = column("placed_at", type_ref("timestamptz", 1184));
        assert_eq!(run(&RULE, &create_table(placed), &catalog(vec![])), None);
    }
}
