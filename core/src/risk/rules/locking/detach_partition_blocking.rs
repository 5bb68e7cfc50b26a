//! `ALTER TABLE ... DETACH PARTITION` without `CONCURRENTLY`: AccessExclusiveLock on the
//! partitioned table (and the partition), so every query on the partitioned table waits.
//! `DETACH PARTITION ... CONCURRENTLY` (PostgreSQL 14 and later) takes only
//! ShareUpdateExclusiveLock on the parent; it cannot run inside a transaction block, nor when
//! the table has a default partition.

use super::{alter_existing, relation_sql, target_sql, waits};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::AlterAction;

pub const RULE: Rule = Rule {
    id: "detach_partition_blocking",
    severity: Severity::Warning,
    summary: "DETACH PARTITION without CONCURRENTLY blocks every query on the partitioned table",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let alter = alter_existing(context)?;
    let (partition, lock) = alter.commands.iter().find_map(|c| match &c.action {
        AlterAction::DetachPartition {
            partition,
            concurrently: false,
        } => Some((partition, c.lock)),
        _ => None,
    })?;
    let partition = relation_sql(context, partition);
    let message = format!(
        "DETACH PARTITION takes an {} on {} and on {partition}: {} on the partitioned table until it is done.",
        lock.name(),
        context.target_name(),
        waits(lock)
    );
    if context.target()?.default_partition.is_some() {
        return Some(RULE.finding(format!(
            "{message} CONCURRENTLY is not allowed while the table has a default partition."
        )));
    }
    Some(RULE.finding(message).with_alternative(format!(
        "ALTER TABLE {} DETACH PARTITION {partition} CONCURRENTLY;",
        target_sql(context)
    )))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::catalog::{Catalog, RelKind};
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;
    use crate::LockMode::{AccessExclusive, ShareUpdateExclusive};

    fn detach(concurrently: bool) -> Statement {
        let action = AlterAction::DetachPartition {
            partition: name("events_2020"),
            concurrently,
        };
        let lock = if concurrently {
            ShareUpdateExclusive
        } else {
            AccessExclusive
        };
        alter("events", action, lock)
    }

    fn events(default_partition: bool) -> Catalog {
        let mut parent = table(1, "events", 0.0, &[]);
        parent.kind = RelKind::PartitionedTable;
        parent.children = vec![2];
        if default_partition {
            parent.default_partition = Some(3);
        }
        let mut partition = table(2, "events_2020", 1e6, &[]);
        partition.partition_of = Some(1);
        catalog(vec![parent, partition])
    }

    #[test]
    fn fires_with_the_concurrent_form() {
        let found = run(&RULE, &detach(false), &events(false)).unwrap();
        assert!(found
            .message
            .starts_with("DETACH PARTITION takes an AccessExclusiveLock on public.events"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some("ALTER TABLE public.events DETACH PARTITION public.events_2020 CONCURRENTLY;")
        );
        let with_default = run(&RULE, &detach(false), &events(true)).unwrap();
        assert_eq!(with_default.safe_alternative, None);
    }

    #[test]
    fn silent_when_concurrent_or_created_by_the_script() {
        let catalog = events(false);
        assert_eq!(run(&RULE, &detach(true), &catalog), None);
        let state = created(&["events"], &catalog);
        assert_eq!(run_with(&RULE, &detach(false), &catalog, &state), None);
    }
}
