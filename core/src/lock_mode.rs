//! PostgreSQL's eight table-level lock modes, what each blocks, and how they conflict.

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

    /// The mode of PostgreSQL's `LOCKMODE` number (1 = AccessShareLock .. 8 = AccessExclusiveLock).
    pub fn from_number(number: i32) -> Option<Self> {
        let index = usize::try_from(number).ok()?.checked_sub(1)?;
        MODES.get(index).map(|m| m.0)
    }

    /// Whether a lock in this mode and one in `other`, held by two sessions, conflict
    /// (the table in "Explicit Locking", section 13.3.1 of the PostgreSQL documentation).
    pub fn conflicts_with(self, other: LockMode) -> bool {
        use LockMode::*;
        let (weak, strong) = if self <= other {
            (self, other)
        } else {
            (other, self)
        };
        match strong {
            AccessShare | RowShare | RowExclusive => false,
            ShareUpdateExclusive => weak == ShareUpdateExclusive,
            Share => weak >= RowExclusive && weak != Share,
            ShareRowExclusive => weak >= RowExclusive,
            Exclusive => weak >= RowShare,
            AccessExclusive => true,
        }
    }

    /// What other sessions cannot do while this lock is held.
    pub fn blocks(self) -> &'static str {
        MODES[self as usize].2
    }
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
    fn numbers_are_postgres_lockmode_numbers() {
        assert_eq!(LockMode::from_number(1), Some(AccessShare));
        assert_eq!(LockMode::from_number(8), Some(AccessExclusive));
        assert_eq!(LockMode::from_number(0), None);
        assert_eq!(LockMode::from_number(9), None);
    }

    #[test]
    fn conflicts_follow_the_documented_table() {
        // Rows of the table in "Explicit Locking": the modes each mode conflicts with.
        let table = [
            (AccessShare, vec![AccessExclusive]),
            (RowShare, vec![Exclusive, AccessExclusive]),
            (
                RowExclusive,
                vec![Share, ShareRowExclusive, Exclusive, AccessExclusive],
            ),
            (
                ShareUpdateExclusive,
                vec![
                    ShareUpdateExclusive,
                    Share,
                    ShareRowExclusive,
                    Exclusive,
                    AccessExclusive,
                ],
            ),
            (
                Share,
                vec![
                    RowExclusive,
                    ShareUpdateExclusive,
                    ShareRowExclusive,
                    Exclusive,
                    AccessExclusive,
                ],
            ),
            (
                ShareRowExclusive,
                vec![
                    RowExclusive,
                    ShareUpdateExclusive,
                    Share,
                    ShareRowExclusive,
                    Exclusive,
                    AccessExclusive,
                ],
            ),
            (
                Exclusive,
                vec![
                    RowShare,
                    RowExclusive,
                    ShareUpdateExclusive,
                    Share,
                    ShareRowExclusive,
                    Exclusive,
                    AccessExclusive,
                ],
            ),
            (
                AccessExclusive,
                vec![
                    AccessShare,
                    RowShare,
                    RowExclusive,
                    ShareUpdateExclusive,
                    Share,
                    ShareRowExclusive,
                    Exclusive,
                    AccessExclusive,
                ],
            ),
        ];
        for (mode, conflicting) in table {
            for other in (1..=8).filter_map(LockMode::from_number) {
                assert_eq!(
                    mode.conflicts_with(other),
                    conflicting.contains(&other),
                    "{mode:?} vs {other:?}"
                );
            }
        }
    }
}
