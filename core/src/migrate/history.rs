//! What `confiture.migrations` already says about a version decides what `migrate` may do.

/// The recorded state of a version (`confiture.migrations.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Applied,
    Failed,
    RolledBack,
}

impl Recorded {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "applied" => Some(Self::Applied),
            "failed" => Some(Self::Failed),
            "rolled_back" => Some(Self::RolledBack),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Failed => "failed",
            Self::RolledBack => "rolled_back",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Never applied, failed before, or rolled back: run it.
    Apply,
    /// Applied with this very script: nothing to do.
    AlreadyApplied,
    /// Applied with another script: the file changed after it ran, which must not pass
    /// silently (Flyway's "checksum mismatch").
    ChecksumDrift { applied: String },
}

/// The decision for a version whose `up` script has `checksum`, given its record.
pub fn decide(record: Option<(Recorded, &str)>, checksum: &str) -> Decision {
    match record {
        Some((Recorded::Applied, applied)) if applied == checksum => Decision::AlreadyApplied,
        Some((Recorded::Applied, applied)) => Decision::ChecksumDrift {
            applied: applied.to_string(),
        },
        Some((Recorded::Failed | Recorded::RolledBack, _)) | None => Decision::Apply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_version_is_applied() {
        assert_eq!(decide(None, "c1"), Decision::Apply);
    }

    #[test]
    fn an_applied_version_with_the_same_script_is_a_no_op() {
        assert_eq!(
            decide(Some((Recorded::Applied, "c1")), "c1"),
            Decision::AlreadyApplied
        );
    }

    #[test]
    fn an_applied_version_whose_script_changed_is_refused() {
        assert_eq!(
            decide(Some((Recorded::Applied, "c1")), "c2"),
            Decision::ChecksumDrift {
                applied: "c1".into()
            }
        );
    }

    #[test]
    fn failed_and_rolled_back_versions_may_run_again() {
        assert_eq!(
            decide(Some((Recorded::Failed, "c1")), "c2"),
            Decision::Apply
        );
        assert_eq!(
            decide(Some((Recorded::RolledBack, "c1")), "c1"),
            Decision::Apply
        );
        for status in ["applied", "failed", "rolled_back"] {
            assert_eq!(Recorded::from_name(status).unwrap().name(), status);
        }
    }
}
