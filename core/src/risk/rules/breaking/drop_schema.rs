//! `DROP SCHEMA` of a schema the script did not create. With `CASCADE` everything in it goes:
//! tables with their rows, views, sequences, functions, types (an error). Without it the drop
//! fails unless the schema is empty (a warning).

use super::{not_created, plural};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{ObjectKind, Operation};

pub const RULE: Rule = Rule {
    id: "drop_schema",
    severity: Severity::Error,
    summary: "dropping a schema; with CASCADE, everything in it and its data",
    check,
};

/// How many relations a message names before it counts the rest.
const NAMED: usize = 5;

fn check(context: &Context) -> Option<Finding> {
    let Operation::Drop(drop) = &context.statement.operation else {
        return None;
    };
    if drop.object != ObjectKind::Schema {
        return None;
    }
    let schemas = not_created(context, &drop.names);
    if schemas.is_empty() {
        return None;
    }
    let names: Vec<&str> = schemas.iter().map(|n| n.name.as_str()).collect();
    // What the catalog knows is in them (the extension lists relations, not functions).
    let mut members: Vec<&str> = schemas
        .iter()
        .filter_map(|n| context.catalog.schemas.get(&n.name))
        .flatten()
        .filter_map(|&oid| context.catalog.get(oid))
        .filter(|r| !r.kind.is_index())
        .map(|r| r.qualified.as_str())
        .collect();
    members.sort_unstable();
    if !drop.cascade {
        let message = if members.is_empty() {
            format!(
                "Dropping schema {} fails unless it is empty; any function or type in it that the running application uses must be gone already.",
                names.join(", ")
            )
        } else {
            format!(
                "Dropping schema {} fails: it still holds {}.",
                names.join(", "),
                listing(&members)
            )
        };
        return Some(Finding::new(RULE.id, Severity::Warning, message));
    }
    let contents = if members.is_empty() {
        "every table with its rows, view, sequence, function and type in it".to_string()
    } else {
        format!(
            "{} with their rows, and every function and type in {}",
            listing(&members),
            plural(schemas.len(), "it", "them")
        )
    };
    Some(RULE.finding(format!(
        "DROP SCHEMA {} CASCADE drops {contents}: nothing of it can be recovered but from a backup.",
        names.join(", ")
    )))
}

/// The first few names and how many more.
fn listing(names: &[&str]) -> String {
    if names.len() <= NAMED {
        names.join(", ")
    } else {
        format!(
            "{} and {} more relations",
            names[..NAMED].join(", "),
            names.len() - NAMED
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::breaking::script::created;
    use crate::risk::statement::{Drop, Statement};
    use crate::risk::testing::*;

    fn drop_schema(cascade: bool) -> Statement {
        statement(
            "DROP SCHEMA",
            Operation::Drop(Drop {
                object: ObjectKind::Schema,
                names: vec![name("billing")],
                concurrently: false,
                cascade,
                missing_ok: false,
            }),
        )
    }

    fn billing(tables: usize) -> crate::risk::catalog::Catalog {
        let relations = (0..tables)
            .map(|i| {
                let mut t = table(i as u32 + 1, &format!("t{i}"), 10.0, &[]);
                t.schema = "billing".into();
                t.qualified = format!("billing.t{i}");
                t
            })
            .collect();
        let mut catalog = catalog(relations);
        let oids = (1..=tables as u32).collect();
        catalog.schemas.insert("billing".into(), oids);
        catalog
    }

    #[test]
    fn cascade_is_an_error_naming_what_goes() {
        let found = run(&RULE, &drop_schema(true), &billing(2)).unwrap();
        assert_eq!(found.severity, Severity::Error);
        assert!(found.message.starts_with(
            "DROP SCHEMA billing CASCADE drops billing.t0, billing.t1 with their rows"
        ));
        let found = run(&RULE, &drop_schema(true), &billing(7)).unwrap();
        assert!(found.message.contains("billing.t4 and 2 more relations"));
    }

    #[test]
    fn without_cascade_a_warning() {
        let found = run(&RULE, &drop_schema(false), &billing(0)).unwrap();
        assert_eq!(found.severity, Severity::Warning);
        assert!(found
            .message
            .starts_with("Dropping schema billing fails unless"));
        let found = run(&RULE, &drop_schema(false), &billing(1)).unwrap();
        assert!(found.message.ends_with("it still holds billing.t0."));
    }

    #[test]
    fn silent_on_schemas_created_earlier_in_the_script() {
        let state = created("CREATE SCHEMA", "billing");
        assert_eq!(
            run_with(&RULE, &drop_schema(true), &billing(1), &state),
            None
        );
    }
}
