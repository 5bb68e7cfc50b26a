//! `mask_hash`: the keyed hash, for identifiers whose format does not matter.

use crate::anonymize::error::MaskError;
use crate::anonymize::keyed::{hex, KeyedHash};
use crate::anonymize::options::in_range;

pub const DEFAULT_LENGTH: i64 = 16;
/// SHA-256 has 32 bytes, 64 hexadecimal digits.
pub const MAX_LENGTH: i64 = 64;

/// Returns the first `length` (1 to 64) lower-case hexadecimal digits of
/// HMAC-SHA256(key, UTF-8 bytes of `value`): the plain RFC 2104 HMAC, so it can be
/// reproduced outside the database. Not one-to-one: 16 digits (64 bits) make a collision
/// likely only beyond billions of distinct values, but never impossible.
pub fn mask_hash(key: &[u8], value: &str, length: i64) -> Result<String, MaskError> {
    let length = in_range("mask_hash", "length", length, 1, MAX_LENGTH)? as usize;
    let mut digest = hex(&KeyedHash::new(key).raw(value.as_bytes()));
    digest.truncate(length);
    Ok(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"hash test key 0123456789";

    #[test]
    fn is_hmac_sha256_in_hexadecimal() {
        // RFC 4231, test case 2.
        assert_eq!(
            mask_hash(b"Jefe", "what do ya want for nothing?", 64).unwrap(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn is_truncated_to_the_length() {
        let full = mask_hash(KEY, "alice", 64).unwrap();
        let short = mask_hash(KEY, "alice", DEFAULT_LENGTH).unwrap();
        assert_eq!(short.len(), 16);
        assert!(full.starts_with(&short));
    }

    #[test]
    fn is_deterministic() {
        assert_eq!(mask_hash(KEY, "alice", 16), mask_hash(KEY, "alice", 16));
    }

    #[test]
    fn different_keys_give_different_hashes() {
        assert_ne!(
            mask_hash(KEY, "alice", 16),
            mask_hash(b"another key 9876543210", "alice", 16)
        );
    }

    #[test]
    fn the_empty_string_is_hashed_too() {
        assert_eq!(mask_hash(KEY, "", 8).unwrap().len(), 8);
    }

    #[test]
    fn lengths_outside_1_to_64_are_refused() {
        assert!(mask_hash(KEY, "alice", 0).is_err());
        let error = mask_hash(KEY, "alice", 65).unwrap_err();
        assert_eq!(error.hint, "\"length\" must be between 1 and 64.");
    }
}
