//! The one error of the anonymization core: a sentence saying what was refused and a hint saying
//! what to do instead, so the SQL layer can raise it as `ERROR` + `HINT` unchanged.

use std::fmt;

/// Why a key, an option or a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskError {
    pub message: String,
    pub hint: String,
    /// A matter of privileges or trust (SQLSTATE 42501) rather than of the value or its shape.
    pub privilege: bool,
}

impl MaskError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
            privilege: false,
        }
    }

    /// A refusal for want of privilege or trust.
    pub fn denied(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            privilege: true,
            ..Self::new(message, hint)
        }
    }
}

impl fmt::Display for MaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (hint: {})", self.message, self.hint)
    }
}

impl std::error::Error for MaskError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_the_message_then_the_hint() {
        let error = MaskError::new("bad key", "use a longer one");
        assert_eq!(error.to_string(), "bad key (hint: use a longer one)");
    }
}
