//! Relation locks: PostgreSQL's eight table-level modes, and which ones a statement acquired.

use std::collections::BTreeMap;

/// A table-level lock mode, ordered as PostgreSQL numbers them (weakest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockMode {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

const MODES: [(LockMode, &str, &str); 8] = [
    (
        LockMode::AccessShare,
        "AccessShareLock",
        "nothing but ACCESS EXCLUSIVE (DDL)",
    ),
    (
        LockMode::RowShare,
        "RowShareLock",
        "EXCLUSIVE and ACCESS EXCLUSIVE locks",
    ),
    (
        LockMode::RowExclusive,
        "RowExclusiveLock",
        "SHARE locks (CREATE INDEX) and stronger",
    ),
    (
        LockMode::ShareUpdateExclusive,
        "ShareUpdateExclusiveLock",
        "DDL and VACUUM; not reads or writes",
    ),
    (LockMode::Share, "ShareLock", "writes"),
    (
        LockMode::ShareRowExclusive,
        "ShareRowExclusiveLock",
        "writes",
    ),
    (
        LockMode::Exclusive,
        "ExclusiveLock",
        "writes and SELECT ... FOR UPDATE/SHARE",
    ),
    (
        LockMode::AccessExclusive,
        "AccessExclusiveLock",
        "reads and writes",
    ),
];

impl LockMode {
    /// The mode named as in `pg_locks.mode`.
    pub fn from_name(name: &str) -> Option<Self> {
        MODES.iter().find(|m| m.1 == name).map(|m| m.0)
    }

    /// The name `pg_locks.mode` uses.
    pub fn name(self) -> &'static str {
        MODES[self as usize].1
    }

    /// What other sessions cannot do while this lock is held.
    pub fn blocks(self) -> &'static str {
        MODES[self as usize].2
    }
}

/// The strongest lock held on each relation, by relation OID.
pub type Held = BTreeMap<u32, LockMode>;

/// Folds `(relation, mode)` rows, several per relation, into the strongest mode per relation.
pub fn strongest(rows: impl IntoIterator<Item = (u32, LockMode)>) -> Held {
    let mut held = Held::new();
    for (relation, mode) in rows {
        let entry = held.entry(relation).or_insert(mode);
        *entry = (*entry).max(mode);
    }
    held
}

/// The locks a statement acquired: relations locked now but not before, or now in a stronger
/// mode than before. A lock already held in the same or a stronger mode is not acquired again.
pub fn acquired(before: &Held, after: &Held) -> Vec<(u32, LockMode)> {
    after
        .iter()
        .filter(|(relation, mode)| before.get(relation).is_none_or(|old| old < mode))
        .map(|(&relation, &mode)| (relation, mode))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use LockMode::*;

    #[test]
    fn names_round_trip_in_strength_order() {
        let names: Vec<_> = MODES.iter().map(|m| m.1).collect();
        for (i, name) in names.iter().enumerate() {
            let mode = LockMode::from_name(name).unwrap();
            assert_eq!(mode.name(), *name);
            assert_eq!(mode as usize, i);
        }
        assert!(AccessShare < RowExclusive && Share < AccessExclusive);
        assert_eq!(LockMode::from_name("SIReadLock"), None);
    }

    #[test]
    fn strongest_keeps_the_strongest_mode_per_relation() {
        let held = strongest([
            (1, AccessShare),
            (1, AccessExclusive),
            (2, RowExclusive),
            (1, Share),
        ]);
        assert_eq!(held, Held::from([(1, AccessExclusive), (2, RowExclusive)]));
    }

    #[test]
    fn acquired_reports_new_and_upgraded_locks_only() {
        let before = Held::from([(1, AccessShare), (2, AccessExclusive)]);
        let after = Held::from([
            (1, ShareRowExclusive),
            (2, AccessExclusive),
            (3, RowExclusive),
        ]);
        assert_eq!(
            acquired(&before, &after),
            [(1, ShareRowExclusive), (3, RowExclusive)]
        );
        assert!(acquired(&after, &after).is_empty());
    }
}
