//! `mask_phone`: a plausible phone number of the same country and format.

use crate::anonymize::keyed::KeyedHash;

/// Replaces the digits of a phone number with keyed digits, keeping the characters that are
/// not digits where they are (so the length and format stay) and keeping the parts that say
/// where the number is, not whose it is:
/// - an international prefix (`+` or `00`) and the country code after it: the digits up to
///   the first separator when there are 1 to 3 of them (`+33 6...`), else the code read from
///   the number by the E.164 numbering plan (`+14155552671` keeps `1`, `+351...` keeps `351`);
/// - otherwise a leading trunk `0` (`06 12 34 56 78`).
///
/// The new digits are drawn from HMAC(key, all the digits of the value), so one number
/// written in different formats masks to the same digits. Not one-to-one.
pub fn mask_phone(key: &[u8], value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let kept = kept_digits(value);
    let mut stream = KeyedHash::new(key).stream("mask_phone", &[digits.as_bytes()]);
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= kept {
                c
            } else {
                stream.digit()
            }
        })
        .collect()
}

/// How many leading digits locate the number (country code, trunk prefix).
fn kept_digits(value: &str) -> usize {
    let trimmed = value.trim_start();
    let (international, prefix_digits, rest) = if let Some(rest) = trimmed.strip_prefix('+') {
        (true, 0, rest)
    } else if let Some(rest) = trimmed.strip_prefix("00") {
        (true, 2, rest)
    } else {
        (false, 0, trimmed)
    };
    if !international {
        return usize::from(rest.starts_with('0'));
    }
    let run: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let separated = rest.len() > run.len();
    let country = if separated && (1..=3).contains(&run.len()) {
        run.len()
    } else {
        country_code_length(&run).min(run.len())
    };
    prefix_digits + country
}

/// The length of the country code a number starts with. ITU-T E.164 country codes are a
/// prefix code by world zone: zones 1 and 7 are one digit; in the others, the two-digit codes
/// below are assigned and every other code is three digits.
fn country_code_length(digits: &str) -> usize {
    const TWO_DIGIT: [&str; 44] = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ];
    match digits.as_bytes().first() {
        Some(b'1' | b'7') => 1,
        _ if TWO_DIGIT.iter().any(|code| digits.starts_with(code)) => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"phone test key 0123456789";

    fn shape(value: &str) -> String {
        value
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect()
    }

    #[test]
    fn keeps_the_format_and_length() {
        for value in [
            "+1 (415) 555-2671",
            "06 12 34 56 78",
            "+44 20 7946 0958",
            "555.123.4567",
        ] {
            let masked = mask_phone(KEY, value);
            assert_eq!(shape(&masked), shape(value), "{value} -> {masked}");
        }
    }

    #[test]
    fn keeps_a_separated_country_code() {
        assert!(mask_phone(KEY, "+33 6 12 34 56 78").starts_with("+33 "));
        assert!(mask_phone(KEY, "+353-1-234-5678").starts_with("+353-"));
    }

    #[test]
    fn reads_the_country_code_of_an_unseparated_number() {
        assert!(mask_phone(KEY, "+14155552671").starts_with("+1"));
        assert_eq!(kept_digits("+14155552671"), 1);
        assert_eq!(kept_digits("+447946095812"), 2);
        assert_eq!(kept_digits("+351912345678"), 3);
        assert_eq!(kept_digits("+79161234567"), 1);
    }

    #[test]
    fn keeps_a_00_prefix_with_its_country_code() {
        assert!(mask_phone(KEY, "0049 30 1234567").starts_with("0049 "));
    }

    #[test]
    fn keeps_a_trunk_zero() {
        assert!(mask_phone(KEY, "06 12 34 56 78").starts_with('0'));
        assert_eq!(kept_digits("06 12 34 56 78"), 1);
        assert_eq!(kept_digits("(555) 123-4567"), 0);
    }

    #[test]
    fn replaces_the_subscriber_digits() {
        let masked = mask_phone(KEY, "+1 415 555 2671 ext 1234");
        assert_ne!(&masked[3..], "415 555 2671 ext 1234");
        assert!(masked.contains(" ext "));
    }

    #[test]
    fn one_number_in_two_formats_masks_to_the_same_digits() {
        let digits = |s: String| s.chars().filter(char::is_ascii_digit).collect::<String>();
        assert_eq!(
            digits(mask_phone(KEY, "+1 (415) 555-2671")),
            digits(mask_phone(KEY, "+1 415.555.2671"))
        );
    }

    #[test]
    fn is_deterministic() {
        let value = "+1 415 555 2671";
        assert_eq!(mask_phone(KEY, value), mask_phone(KEY, value));
    }

    #[test]
    fn different_keys_give_different_outputs() {
        let value = "+1 415 555 2671";
        assert_ne!(
            mask_phone(KEY, value),
            mask_phone(b"other phone key 987654", value)
        );
    }

    #[test]
    fn text_without_digits_is_kept() {
        assert_eq!(mask_phone(KEY, ""), "");
        assert_eq!(mask_phone(KEY, "n/a"), "n/a");
    }
}
