//! `ADD CONSTRAINT ... PRIMARY KEY` without `USING INDEX` on an existing table: the unique index
//! is built (and nullable key columns are scanned for NULLs) while the `ALTER TABLE` holds
//! AccessExclusiveLock, so reads and writes wait for all of it. Building the index with
//! `CREATE UNIQUE INDEX CONCURRENTLY` first, proving the columns NOT NULL with a validated
//! check, then adding the key `USING INDEX`, takes the strong lock only for instants.

use super::{
    added_constraints, alter_existing, builds_index, constraint_on_concurrent_index,
    is_partitioned, not_null_proven, others_first, safe_set_not_null, table_name, target_sql,
    waits,
};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::ConstraintKind;

pub const RULE: Rule = Rule {
    id: "primary_key_without_index",
    severity: Severity::Error,
    summary: "a PRIMARY KEY without USING INDEX builds its index while reads and writes wait",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let alter = alter_existing(context)?;
    let table = context.target()?;
    let added: Vec<_> = added_constraints(alter, ConstraintKind::PrimaryKey)
        .into_iter()
        .filter(|a| a.constraint.using_index.is_none())
        .collect();
    let key = added.first()?;
    let message = format!(
        "Adding the primary key builds its unique index on {} under {}: {} until the whole table is indexed.",
        context.target_name(),
        key.lock.name(),
        waits(key.lock)
    );
    // Neither CREATE INDEX CONCURRENTLY nor USING INDEX works on a partitioned table, and an
    // inline PRIMARY KEY needs its column first.
    if is_partitioned(context) || key.column.is_some() {
        return Some(RULE.finding(message));
    }
    let target = target_sql(context);
    let bare = table_name(context);
    let mut steps: Vec<String> = key
        .columns
        .iter()
        .filter(|c| !not_null_proven(context, table, c))
        .map(|c| safe_set_not_null(&target, &bare, c))
        .collect();
    let name = key
        .constraint
        .name
        .clone()
        .unwrap_or_else(|| format!("{bare}_pkey"));
    steps.push(constraint_on_concurrent_index(
        &target,
        &name,
        &key.columns,
        "PRIMARY KEY",
    ));
    let first = others_first(alter, |action| {
        builds_index(action, ConstraintKind::PrimaryKey)
    });
    Some(
        RULE.finding(message)
            .with_alternative(format!("{first}{}", steps.join("\n"))),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::statement::{AlterAction, Constraint, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn add_key(using_index: Option<&str>) -> Statement {
        let constraint = Constraint {
            kind: Some(ConstraintKind::PrimaryKey),
            using_index: using_index.map(str::to_string),
            columns: vec!["id".into()],
            ..Default::default()
        };
        alter(
            "events",
            AlterAction::AddConstraint(constraint),
            AccessExclusive,
        )
    }

    fn events(not_null: bool) -> crate::risk::catalog::Catalog {
        let mut events = table(1, "events", 1e6, &[("id", "bigint", INT8)]);
        events.columns[0].not_null = not_null;
        catalog(vec![events])
    }

    #[test]
    fn fires_with_a_concurrent_index_then_using_index() {
        let found = run(&RULE, &add_key(None), &events(true)).unwrap();
        assert!(found
            .message
            .contains("public.events under AccessExclusiveLock"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some(
                "CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON public.events (id);\n\
                 ALTER TABLE public.events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;"
            )
        );
    }

    #[test]
    fn nullable_key_columns_are_made_not_null_safely_first() {
        let found = run(&RULE, &add_key(None), &events(false)).unwrap();
        let safe = found.safe_alternative.unwrap();
        assert_eq!(safe.lines().count(), 6);
        assert!(safe.starts_with("ALTER TABLE public.events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;"));
    }

    #[test]
    fn silent_with_using_index_or_on_a_table_created_by_the_script() {
        let catalog = events(true);
        assert_eq!(run(&RULE, &add_key(Some("events_pkey")), &catalog), None);
        let state = created(&["events"], &catalog);
        assert_eq!(run_with(&RULE, &add_key(None), &catalog, &state), None);
    }
}
