//! `char(n)` / `character(n)` columns: values are padded with spaces to n characters, which
//! clients receive and comparisons ignore, and the type is no faster than `text`.

use super::{columns_of_target, columns_of_type, BPCHAR};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;

pub const RULE: Rule = Rule {
    id: "char_column",
    severity: Severity::Warning,
    summary: "a char(n) column: padded with spaces, no faster than text",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let columns = columns_of_type(context, |t| BPCHAR.matches(t));
    if columns.is_empty() {
        return None;
    }
    Some(RULE.finding(format!(
        "{} char(n): values are padded with spaces that clients receive but comparisons ignore, and it is no faster than text. Use text, with a CHECK on length(...) if the limit matters.",
        columns_of_target(context, &columns)
    )))
}

#[cfg(test)]
mod tests {
    use super::super::{column, create_table};
    use super::*;
    use crate::risk::testing::*;

    #[test]
    fn fires_on_char_columns() {
        let mut country = column("country", type_ref("bpchar", 1042));
        country.type_ref.display = "character(2)".into();
        let found = run(&RULE, &create_table(country), &catalog(vec![])).unwrap();
        assert!(found.message.starts_with("country of orders is char(n)"));
        let mut unresolved = column("country", type_ref("character", 0));
        unresolved.type_ref.id = None;
        assert!(run(&RULE, &create_table(unresolved), &catalog(vec![])).is_some());
    }

    #[test]
    fn silent_on_text_varchar_and_the_internal_char_type() {
        let note = column("note", type_ref("varchar", VARCHAR));
        assert_eq!(run(&RULE, &create_table(note), &catalog(vec![])), None);
        // `"char"`, the one-byte internal type.
        let flag = column("flag", type_ref("char", 18));
        assert_eq!(run(&RULE, &create_table(flag), &catalog(vec![])), None);
    }
}
