//! `ADD CONSTRAINT ... EXCLUDE` on an existing table: its index is built while the
//! `ALTER TABLE` holds AccessExclusiveLock, so reads and writes wait for the whole build, and
//! PostgreSQL has no concurrent way to build an exclusion constraint (no `USING INDEX` for it).

use super::{added_constraints, alter_existing, waits};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::ConstraintKind;

pub const RULE: Rule = Rule {
    id: "exclusion_constraint",
    severity: Severity::Warning,
    summary: "an exclusion constraint builds its index while reads and writes wait, with no concurrent way",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let alter = alter_existing(context)?;
    let added = added_constraints(alter, ConstraintKind::Exclusion);
    let first = added.first()?;
    Some(RULE.finding(format!(
        "Adding the exclusion constraint builds its index on {} under {}: {} until the whole table is indexed, and there is no concurrent way to build one. Run it when the table is quiet, or on a copy of the table swapped in afterwards.",
        context.target_name(),
        first.lock.name(),
        waits(first.lock)
    )))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::statement::{AlterAction, Constraint, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn exclude() -> Statement {
        let constraint = Constraint {
            kind: Some(ConstraintKind::Exclusion),
            name: Some("bookings_no_overlap".into()),
            ..Default::default()
        };
        alter(
            "bookings",
            AlterAction::AddConstraint(constraint),
            AccessExclusive,
        )
    }

    #[test]
    fn fires_on_an_existing_table() {
        let catalog = catalog(vec![table(1, "bookings", 1e5, &[])]);
        let found = run(&RULE, &exclude(), &catalog).unwrap();
        assert!(found
            .message
            .contains("index on public.bookings under AccessExclusiveLock"));
    }

    #[test]
    fn silent_on_a_table_created_by_the_script() {
        let catalog = catalog(vec![table(1, "bookings", 1e5, &[])]);
        let state = created(&["bookings"], &catalog);
        assert_eq!(run_with(&RULE, &exclude(), &catalog, &state), None);
        assert_eq!(
            run(&RULE, &exclude(), &crate::risk::catalog::Catalog::default()),
            None
        );
    }
}
