//! The 0..100 risk score and its level (formula in docs/reference/assess_risk.md#risk-score).

use super::effects::Effects;
use super::finding::{Finding, Severity};
use crate::LockMode::{self, *};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    pub value: i32,
    pub level: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub fn of(score: i32) -> Self {
        match score {
            ..=24 => Self::Low,
            25..=49 => Self::Medium,
            50..=74 => Self::High,
            _ => Self::Critical,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// Points for the strongest lock on an existing relation: what other sessions must wait for.
fn lock_points(mode: Option<LockMode>) -> i32 {
    match mode {
        Some(AccessExclusive) => 40,
        Some(Exclusive) => 35,
        Some(ShareRowExclusive | Share) => 30,
        Some(ShareUpdateExclusive) => 10,
        Some(RowExclusive | RowShare) => 5,
        Some(AccessShare) | None => 0,
    }
}

/// Points for how long the work holds the lock; halved when the lock blocks neither reads
/// nor writes.
fn duration_points(duration_ms: Option<f64>, mode: Option<LockMode>) -> i32 {
    let points = match duration_ms {
        None => 0,
        Some(ms) if ms < 100.0 => 0,
        Some(ms) if ms < 1_000.0 => 10,
        Some(ms) if ms < 10_000.0 => 20,
        Some(_) => 30,
    };
    if mode.is_some_and(|m| m >= Share) {
        points
    } else {
        points / 2
    }
}

impl Score {
    pub fn of(effects: &Effects, duration_ms: Option<f64>, findings: &[Finding]) -> Self {
        let mode = effects.strongest();
        let rewrite = if effects.rewrites && effects.target_oid.is_some() {
            10
        } else {
            0
        };
        let finding = match findings.iter().map(|f| f.severity).max() {
            Some(Severity::Error) => 20,
            Some(Severity::Warning) => 10,
            _ => 0,
        };
        let value =
            (lock_points(mode) + duration_points(duration_ms, mode) + rewrite + finding).min(100);
        Self {
            value,
            level: Level::of(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::effects::Lock;

    fn effects(mode: Option<LockMode>, rewrites: bool) -> Effects {
        Effects {
            locks: mode
                .map(|mode| {
                    vec![Lock {
                        oid: 1,
                        relation: "public.t".into(),
                        mode,
                    }]
                })
                .unwrap_or_default(),
            rewrites,
            target_oid: Some(1),
            ..Effects::default()
        }
    }

    #[test]
    fn no_lock_no_work_no_finding_is_zero() {
        let score = Score::of(&effects(None, false), None, &[]);
        assert_eq!((score.value, score.level), (0, Level::Low));
    }

    #[test]
    fn long_rewrite_under_access_exclusive_is_critical() {
        let error = Finding::new("column_type_rewrite", Severity::Error, "x");
        let score = Score::of(
            &effects(Some(AccessExclusive), true),
            Some(60_000.0),
            &[error],
        );
        assert_eq!((score.value, score.level), (100, Level::Critical));
    }

    #[test]
    fn validation_under_share_update_exclusive_stays_low() {
        let score = Score::of(
            &effects(Some(ShareUpdateExclusive), false),
            Some(5_000.0),
            &[],
        );
        assert_eq!((score.value, score.level), (20, Level::Low));
    }

    #[test]
    fn levels_have_documented_bounds() {
        assert_eq!(Level::of(24), Level::Low);
        assert_eq!(Level::of(25), Level::Medium);
        assert_eq!(Level::of(50), Level::High);
        assert_eq!(Level::of(75), Level::Critical);
    }
}
