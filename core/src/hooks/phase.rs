//! The phases of a migration at which hooks run (the `confiture.hook_phase` enum).

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    BeforeValidation,
    BeforeDdl,
    AfterDdl,
    AfterValidation,
    Cleanup,
    OnError,
    BeforeAnonymization,
    AfterAnonymization,
}

impl Phase {
    /// In the order of the SQL enum.
    pub const ALL: [Phase; 8] = [
        Self::BeforeValidation,
        Self::BeforeDdl,
        Self::AfterDdl,
        Self::AfterValidation,
        Self::Cleanup,
        Self::OnError,
        Self::BeforeAnonymization,
        Self::AfterAnonymization,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::BeforeValidation => "before_validation",
            Self::BeforeDdl => "before_ddl",
            Self::AfterDdl => "after_ddl",
            Self::AfterValidation => "after_validation",
            Self::Cleanup => "cleanup",
            Self::OnError => "on_error",
            Self::BeforeAnonymization => "before_anonymization",
            Self::AfterAnonymization => "after_anonymization",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The phases' names, for hints.
    pub fn names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_enum_order() {
        for (i, phase) in Phase::ALL.into_iter().enumerate() {
            assert_eq!(Phase::from_name(phase.name()), Some(phase));
            assert_eq!(phase as usize, i);
        }
        assert_eq!(Phase::from_name("after-ddl"), None);
        assert!(Phase::names().starts_with("before_validation, before_ddl"));
    }
}
