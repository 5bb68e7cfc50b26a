//! `ADD CONSTRAINT ... UNIQUE` without `USING INDEX` on an existing table: the unique index is
//! built while the `ALTER TABLE` holds AccessExclusiveLock, so reads and writes wait for the
//! whole build. Building the index with `CREATE UNIQUE INDEX CONCURRENTLY` first, then adding
//! the constraint `USING INDEX`, takes the strong lock only for an instant.

use super::{
    added_constraints, alter_existing, builds_index, constraint_on_concurrent_index, default_name,
    is_partitioned, others_first, table_name, target_sql, waits,
};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::ConstraintKind;

pub const RULE: Rule = Rule {
    id: "unique_constraint_without_index",
    severity: Severity::Error,
    summary: "a UNIQUE constraint without USING INDEX builds its index while reads and writes wait",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let alter = alter_existing(context)?;
    let added: Vec<_> = added_constraints(alter, ConstraintKind::Unique)
        .into_iter()
        .filter(|a| a.constraint.using_index.is_none())
        .collect();
    let first = added.first()?;
    let message = format!(
        "Adding the UNIQUE constraint builds its index on {} under {}: {} until the whole table is indexed.",
        context.target_name(),
        first.lock.name(),
        waits(first.lock)
    );
    // Neither CREATE INDEX CONCURRENTLY nor USING INDEX works on a partitioned table, and an
    // inline UNIQUE needs its column first.
    if is_partitioned(context) || added.iter().any(|a| a.column.is_some()) {
        return Some(RULE.finding(message));
    }
    let table = target_sql(context);
    let safe: Vec<String> = added
        .iter()
        .map(|a| {
            let name = a
                .constraint
                .name
                .clone()
                .unwrap_or_else(|| default_name(&table_name(context), &a.columns, "key"));
            constraint_on_concurrent_index(&table, &name, &a.columns, "UNIQUE")
        })
        .collect();
    let first = others_first(alter, |action| builds_index(action, ConstraintKind::Unique));
    Some(
        RULE.finding(message)
            .with_alternative(format!("{first}{}", safe.join("\n"))),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::statement::{AlterAction, Constraint, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn add_unique(using_index: Option<&str>) -> Statement {
        let constraint = Constraint {
            kind: Some(ConstraintKind::Unique),
            using_index: using_index.map(str::to_string),
            columns: vec!["email".into()],
            ..Default::default()
        };
        alter(
            "users",
            AlterAction::AddConstraint(constraint),
            AccessExclusive,
        )
    }

    fn users() -> crate::risk::catalog::Catalog {
        catalog(vec![table(1, "users", 1e6, &[("email", "text", TEXT)])])
    }

    #[test]
    fn fires_with_a_concurrent_index_then_using_index() {
        let found = run(&RULE, &add_unique(None), &users()).unwrap();
        assert!(found
            .message
            .contains("public.users under AccessExclusiveLock"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some(
                "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON public.users (email);\n\
                 ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;"
            )
        );
    }

    #[test]
    fn silent_with_using_index_or_on_a_table_created_by_the_script() {
        let catalog = users();
        let using = add_unique(Some("users_email_key"));
        assert_eq!(run(&RULE, &using, &catalog), None);
        let state = created(&["users"], &catalog);
        assert_eq!(run_with(&RULE, &add_unique(None), &catalog, &state), None);
    }
}
