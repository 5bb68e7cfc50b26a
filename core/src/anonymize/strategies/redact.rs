//! `mask_redact`: the value is replaced by a constant.

pub const DEFAULT_REPLACEMENT: &str = "[REDACTED]";

/// Returns `replacement` whatever the value: nothing of the value survives, not even its
/// length. Not one-to-one (every value masks alike).
pub fn mask_redact(replacement: &str) -> String {
    replacement.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_replacement() {
        assert_eq!(mask_redact(DEFAULT_REPLACEMENT), "[REDACTED]");
        assert_eq!(mask_redact(""), "");
    }
}
