//! Relation locks: which ones a statement acquired.

use std::collections::BTreeMap;

pub use confiture_core::LockMode;

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
