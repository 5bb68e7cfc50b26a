//! `mask_partial`: keep the ends of a value, hide the middle (`4111********1111`).

use crate::anonymize::error::MaskError;
use crate::anonymize::options::{in_range, non_empty};

pub const DEFAULT_PAD: &str = "*";

/// Keeps the first `keep_prefix` and the last `keep_suffix` characters (Unicode characters,
/// not bytes) and writes `pad` once for each hidden character, so a one-character pad keeps
/// the length. When the kept characters would cover the whole value (`keep_prefix +
/// keep_suffix >= length`), every character is hidden: a value too short to hide something
/// with these settings must not come out whole. Counts must be 0 or more; `pad` must not be
/// empty (an empty pad would hide the length of the middle, use `mask_redact` for that).
/// Not one-to-one.
/// The SQL arguments are `int`.
pub const MAX_KEEP: i64 = i32::MAX as i64;

pub fn mask_partial(
    value: &str,
    keep_prefix: i64,
    keep_suffix: i64,
    pad: &str,
) -> Result<String, MaskError> {
    let keep_prefix = in_range("mask_partial", "keep_prefix", keep_prefix, 0, MAX_KEEP)? as usize;
    let keep_suffix = in_range("mask_partial", "keep_suffix", keep_suffix, 0, MAX_KEEP)? as usize;
    let pad = non_empty("mask_partial", "pad", pad)?;
    let chars: Vec<char> = value.chars().collect();
    let (kept_prefix, kept_suffix) = if keep_prefix + keep_suffix >= chars.len() {
        (0, 0)
    } else {
        (keep_prefix, keep_suffix)
    };
    let hidden = chars.len() - kept_prefix - kept_suffix;
    let mut masked: String = chars[..kept_prefix].iter().collect();
    masked.push_str(&pad.repeat(hidden));
    masked.extend(&chars[chars.len() - kept_suffix..]);
    Ok(masked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_prefix_and_suffix_and_pads_the_middle() {
        assert_eq!(
            mask_partial("4111222233334444", 4, 4, "*").unwrap(),
            "4111********4444"
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(mask_partial("Zoé Müller", 2, 2, "*").unwrap(), "Zo******er");
        assert_eq!(mask_partial("ééééé", 1, 1, "#").unwrap(), "é###é");
    }

    #[test]
    fn repeats_a_longer_pad_per_hidden_character() {
        assert_eq!(mask_partial("abcdef", 1, 1, "xy").unwrap(), "axyxyxyxyf");
    }

    #[test]
    fn hides_everything_when_the_kept_parts_would_cover_the_value() {
        assert_eq!(mask_partial("1234", 2, 2, "*").unwrap(), "****");
        assert_eq!(mask_partial("ab", 5, 0, "*").unwrap(), "**");
    }

    #[test]
    fn zero_counts_hide_everything() {
        assert_eq!(mask_partial("secret", 0, 0, "*").unwrap(), "******");
    }

    #[test]
    fn the_empty_string_stays_empty() {
        assert_eq!(mask_partial("", 2, 2, "*").unwrap(), "");
    }

    #[test]
    fn negative_counts_are_refused() {
        let error = mask_partial("abc", -1, 0, "*").unwrap_err();
        assert_eq!(
            error.message,
            "mask_partial option \"keep_prefix\" is -1, out of range"
        );
        assert!(mask_partial("abc", 0, -3, "*").is_err());
    }

    #[test]
    fn an_empty_pad_is_refused() {
        let error = mask_partial("abc", 1, 1, "").unwrap_err();
        assert_eq!(error.message, "mask_partial option \"pad\" is empty");
    }
}
