//! What `set_anonymization_key` accepts. Every masked value is only as secret as the key: a
//! short or repetitive key can be brute-forced offline from a single (value, masked value)
//! pair, after which every masking can be recomputed and dictionary-inverted.

use super::error::MaskError;

/// Shortest key accepted: 16 bytes is 128 bits when the key is random.
pub const MIN_KEY_BYTES: usize = 16;

/// Fewest distinct bytes accepted: a random 16-byte key has about 15, while `aaaa...`,
/// `abababab...` or `1234123412341234` have at most four.
pub const MIN_DISTINCT_BYTES: usize = 6;

const KEY_HINT: &str = "Use a random key of at least 16 bytes, for example the output of \
                        `openssl rand -hex 32`.";

/// Checks that `key` is long and varied enough to protect the masked data. It cannot prove
/// a key random, only refuse obviously weak ones.
pub fn validate_key(key: &[u8]) -> Result<(), MaskError> {
    if key.len() < MIN_KEY_BYTES {
        return Err(MaskError::new(
            format!(
                "the anonymization key is {} bytes long, at least {MIN_KEY_BYTES} are required",
                key.len()
            ),
            KEY_HINT,
        ));
    }
    let mut seen = [false; 256];
    for &byte in key {
        seen[usize::from(byte)] = true;
    }
    let distinct = seen.iter().filter(|&&s| s).count();
    if distinct < MIN_DISTINCT_BYTES {
        return Err(MaskError::new(
            format!(
                "the anonymization key uses only {distinct} distinct characters, at least \
                 {MIN_DISTINCT_BYTES} are required"
            ),
            KEY_HINT,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_random_looking_key_is_accepted() {
        assert_eq!(validate_key(b"9f86d081884c7d659a2feaa0c55ad015"), Ok(()));
    }

    #[test]
    fn a_short_key_is_refused_with_its_length() {
        let error = validate_key(b"s3cr3t").unwrap_err();
        assert!(error.message.contains("6 bytes long"), "{error:?}");
        assert!(error.hint.contains("openssl rand"), "{error:?}");
    }

    #[test]
    fn a_repetitive_key_is_refused() {
        assert!(validate_key(&[b'a'; 40]).is_err());
        assert!(validate_key(b"abababababababababab").is_err());
        assert!(validate_key(b"1234123412341234").is_err());
    }

    #[test]
    fn the_empty_key_is_refused() {
        assert!(validate_key(b"").is_err());
    }
}
