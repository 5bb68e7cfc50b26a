//! Dropping a type or domain the script did not create: casts and functions of the running
//! application that use it fail, and `CASCADE` drops every column of that type with its data.

use super::{not_created, noun};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{ObjectKind, Operation};

pub const RULE: Rule = Rule {
    id: "drop_type",
    severity: Severity::Warning,
    summary: "dropping a type or domain breaks clients that use it; CASCADE drops its columns",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Drop(drop) = &context.statement.operation else {
        return None;
    };
    if !matches!(drop.object, ObjectKind::Type | ObjectKind::Domain) {
        return None;
    }
    let types = not_created(context, &drop.names);
    if types.is_empty() {
        return None;
    }
    let names: Vec<String> = types.iter().map(|n| n.display()).collect();
    let mut message = format!(
        "Dropping {} {} breaks every query and function of the running application that uses it.",
        noun(drop.object),
        names.join(", ")
    );
    // Tables with columns of a domain, where the catalog knows them.
    let tables: Vec<&str> = types
        .iter()
        .filter_map(|n| context.catalog.domains.get(n))
        .flat_map(|d| &d.tables)
        .filter_map(|&oid| context.catalog.get(oid))
        .map(|t| t.qualified.as_str())
        .collect();
    if drop.cascade {
        message.push_str(" CASCADE also drops every column of that type, with its data");
        if !tables.is_empty() {
            message.push_str(&format!(" (in {})", tables.join(", ")));
        }
        message.push('.');
    } else if !tables.is_empty() {
        message.push_str(&format!(
            " It fails while columns of {} use it.",
            tables.join(", ")
        ));
    }
    Some(RULE.finding(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::catalog::Domain;
    use crate::risk::rules::breaking::script::created;
    use crate::risk::statement::{Drop, Statement};
    use crate::risk::testing::*;

    fn drop_type(object: ObjectKind, cascade: bool) -> Statement {
        statement(
            "DROP TYPE",
            Operation::Drop(Drop {
                object,
                names: vec![name("email")],
                concurrently: false,
                cascade,
                missing_ok: false,
            }),
        )
    }

    #[test]
    fn fires_on_an_existing_domain_and_names_its_tables() {
        let mut catalog = catalog(vec![table(1, "users", 10.0, &[])]);
        catalog
            .domains
            .insert(name("email"), Domain { tables: vec![1] });
        let found = run(&RULE, &drop_type(ObjectKind::Domain, true), &catalog).unwrap();
        assert!(found.message.starts_with("Dropping domain email breaks"));
        assert!(found.message.ends_with(
            "CASCADE also drops every column of that type, with its data (in public.users)."
        ));
        let found = run(&RULE, &drop_type(ObjectKind::Type, false), &catalog).unwrap();
        assert!(found
            .message
            .ends_with("It fails while columns of public.users use it."));
    }

    #[test]
    fn silent_on_types_created_earlier_in_the_script() {
        let state = created("CREATE TYPE", "email");
        let statement = drop_type(ObjectKind::Type, true);
        assert_eq!(run_with(&RULE, &statement, &catalog(vec![]), &state), None);
    }
}
