//! `mask_credit_card`: a fake card number that still passes format and checksum validation.

use crate::anonymize::keyed::KeyedHash;

/// Fewest digits of a real card number (ISO/IEC 7812 allows 8 to 19; payment cards use 13+).
const MIN_CARD_DIGITS: usize = 13;

/// Masks a card number: keeps its separators, its length, its last four digits (what receipts
/// and PCI DSS allow to show) and its first digit when it is a payment network's (3 to 6;
/// otherwise 4); draws the other digits from HMAC(key, digits) and adjusts the one before the
/// last four so that the result passes the Luhn check. A value of fewer than 13 digits is not
/// a card number: all its digits are replaced, without a Luhn guarantee. Not one-to-one.
pub fn mask_credit_card(key: &[u8], value: &str) -> String {
    let digits: Vec<u8> = value
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    let mut stream = KeyedHash::new(key).stream("mask_credit_card", &[&digits]);
    let mut masked: Vec<u8> = digits.iter().map(|_| stream.below(10) as u8).collect();
    let count = digits.len();
    if count >= MIN_CARD_DIGITS {
        masked[0] = if (3..=6).contains(&digits[0]) {
            digits[0]
        } else {
            4
        };
        masked[count - 4..].copy_from_slice(&digits[count - 4..]);
        fix_luhn(&mut masked, count - 5);
    }
    let mut next = masked.into_iter();
    value
        .chars()
        .map(|c| match c.is_ascii_digit() {
            true => char::from(b'0' + next.next().expect("one masked digit per digit")),
            false => c,
        })
        .collect()
}

/// Whether the digits pass the Luhn check (ISO/IEC 7812-1): from the right, every second
/// digit doubled (minus 9 past 9), the sum a multiple of 10.
pub fn luhn_valid(digits: &[u8]) -> bool {
    luhn_sum(digits).is_multiple_of(10)
}

fn luhn_sum(digits: &[u8]) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| u32::from(if i % 2 == 1 { luhn_double(d) } else { d }))
        .sum()
}

fn luhn_double(digit: u8) -> u8 {
    if digit * 2 > 9 {
        digit * 2 - 9
    } else {
        digit * 2
    }
}

/// Sets `digits[position]` so the whole passes the Luhn check. Always possible: whether the
/// position is doubled or not, its contribution runs over all of 0..=9 as the digit does.
fn fix_luhn(digits: &mut [u8], position: usize) {
    for candidate in 0..10 {
        digits[position] = candidate;
        if luhn_valid(digits) {
            return;
        }
    }
    unreachable!("some digit completes the Luhn sum");
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"card test key 0123456789";

    fn digits_of(value: &str) -> Vec<u8> {
        value
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect()
    }

    #[test]
    fn the_luhn_check_accepts_known_test_numbers() {
        assert!(luhn_valid(&digits_of("4111 1111 1111 1111")));
        assert!(luhn_valid(&digits_of("378282246310005")));
        assert!(!luhn_valid(&digits_of("4111 1111 1111 1112")));
    }

    #[test]
    fn results_pass_the_luhn_check() {
        for i in 0..2_000u64 {
            for length in [13, 15, 16, 19] {
                let value = format!(
                    "{:0length$}",
                    i * 982_451_653 % 10u64.pow(length as u32 - 1)
                        + 10u64.pow(length as u32 - 1) * 4
                );
                let masked = mask_credit_card(KEY, &value);
                assert!(luhn_valid(&digits_of(&masked)), "{value} -> {masked}");
            }
        }
    }

    #[test]
    fn keeps_the_last_four_digits_the_separators_and_the_network() {
        let masked = mask_credit_card(KEY, "5500-0000-0000-0004");
        assert!(masked.ends_with("-0004"), "{masked}");
        assert!(masked.starts_with('5'));
        assert_eq!(masked.len(), 19);
        assert_eq!(masked.matches('-').count(), 3);
    }

    #[test]
    fn an_unknown_network_digit_becomes_4() {
        assert!(mask_credit_card(KEY, "9999888877776666").starts_with('4'));
    }

    #[test]
    fn changes_the_middle_digits() {
        let masked = mask_credit_card(KEY, "4111111111111111");
        assert_ne!(&masked[1..12], "11111111111");
    }

    #[test]
    fn short_digit_strings_are_entirely_replaced() {
        let masked = mask_credit_card(KEY, "123-456");
        assert_eq!(masked.len(), 7);
        assert_eq!(&masked[3..4], "-");
        assert_ne!(masked, "123-456");
    }

    #[test]
    fn is_deterministic() {
        let value = "4111 1111 1111 1111";
        assert_eq!(mask_credit_card(KEY, value), mask_credit_card(KEY, value));
    }

    #[test]
    fn different_keys_give_different_outputs() {
        let value = "4111 1111 1111 1111";
        assert_ne!(
            mask_credit_card(KEY, value),
            mask_credit_card(b"other card key 98765", value)
        );
    }
}
