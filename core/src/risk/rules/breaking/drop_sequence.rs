//! Dropping an existing sequence: the running application's `nextval()` calls fail, and a
//! column whose default draws from it (a serial) loses that default under `CASCADE`.

use super::{existing_relations, plural};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{ObjectKind, Operation};

pub const RULE: Rule = Rule {
    id: "drop_sequence",
    severity: Severity::Warning,
    summary: "dropping a sequence breaks clients and defaults that draw values from it",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Drop(drop) = &context.statement.operation else {
        return None;
    };
    if drop.object != ObjectKind::Sequence {
        return None;
    }
    let sequences = existing_relations(context, &drop.names);
    if sequences.is_empty() {
        return None;
    }
    let names: Vec<&str> = sequences.iter().map(|s| s.qualified.as_str()).collect();
    let mut message = format!(
        "Dropping {} breaks every nextval() and currval() of the running application on {}.",
        names.join(", "),
        plural(sequences.len(), "it", "them"),
    );
    // Columns that own one of them (serial and identity columns), where the catalog knows.
    let mut owners: Vec<String> = context
        .catalog
        .relations
        .values()
        .flat_map(|t| {
            t.owned_sequences
                .iter()
                .filter(|(s, _)| sequences.iter().any(|q| q.oid == *s))
                .map(move |(_, column)| format!("{} of {}", column, t.qualified))
        })
        .collect();
    owners.sort();
    if !owners.is_empty() {
        message.push_str(&format!(
            " {} {} {} values from {}: {}.",
            plural(owners.len(), "Column", "Columns"),
            owners.join(", "),
            plural(owners.len(), "draws", "draw"),
            plural(sequences.len(), "it", "them"),
            if drop.cascade {
                "CASCADE removes that default, and inserts that omit the column fail"
            } else {
                "the drop fails without CASCADE, which would remove that default"
            }
        ));
    }
    Some(RULE.finding(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::catalog::RelKind;
    use crate::risk::rules::breaking::script::created;
    use crate::risk::statement::{Drop, Statement};
    use crate::risk::testing::*;

    fn drop_sequence(cascade: bool) -> Statement {
        statement(
            "DROP SEQUENCE",
            Operation::Drop(Drop {
                object: ObjectKind::Sequence,
                names: vec![name("orders_id_seq")],
                concurrently: false,
                cascade,
                missing_ok: false,
            }),
        )
    }

    fn with_sequence(owned: bool) -> crate::risk::catalog::Catalog {
        let mut sequence = table(2, "orders_id_seq", 1.0, &[]);
        sequence.kind = RelKind::Sequence;
        let mut orders = table(1, "orders", 10.0, &[("id", "integer", INT4)]);
        if owned {
            orders.owned_sequences.push((2, "id".into()));
        }
        catalog(vec![orders, sequence])
    }

    #[test]
    fn fires_on_an_existing_sequence_and_names_its_column() {
        let found = run(&RULE, &drop_sequence(false), &with_sequence(false)).unwrap();
        assert!(found
            .message
            .starts_with("Dropping public.orders_id_seq breaks every nextval()"));
        let found = run(&RULE, &drop_sequence(true), &with_sequence(true)).unwrap();
        assert!(found
            .message
            .contains("Column id of public.orders draws values from it: CASCADE removes"));
    }

    #[test]
    fn silent_on_sequences_created_earlier_in_the_script_or_missing() {
        let state = created("CREATE SEQUENCE", "orders_id_seq");
        let sequences = with_sequence(false);
        assert_eq!(
            run_with(&RULE, &drop_sequence(false), &sequences, &state),
            None
        );
        assert_eq!(run(&RULE, &drop_sequence(false), &catalog(vec![])), None);
    }
}
