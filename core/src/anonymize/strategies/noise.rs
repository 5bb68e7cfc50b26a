//! `mask_noise`: multiply a number by a keyed factor close to 1, so sums and averages stay
//! roughly right while individual values are no longer exact.
//!
//! The value is a decimal string (PostgreSQL's `numeric` output) and the arithmetic is exact
//! decimal arithmetic on its digits: a `numeric` may have a thousand digits, far beyond an
//! `f64`, and the result must keep the input's scale exactly.

use crate::anonymize::error::MaskError;
use crate::anonymize::keyed::KeyedHash;
use crate::anonymize::options::in_range;

pub const DEFAULT_RATIO: f64 = 0.1;

/// The factor is `1 + k / 10^9` with `k` an integer: nine decimal places of noise.
const FACTOR_DIGITS: u32 = 9;
const FACTOR_ONE: u64 = 10u64.pow(FACTOR_DIGITS);

/// Returns `value * (1 + r)` with `r` uniform in `[-ratio, +ratio]` (to 9 decimal places),
/// chosen by HMAC(key, value), rounded half away from zero to the input's number of decimal
/// digits. Numerically equal inputs (`1.5`, `1.50`) draw the same `r`. Zero stays zero and the
/// sign is kept; `NaN`, `Infinity` and `-Infinity` are kept. `ratio` is 0 to 1. The value must
/// be a plain decimal (`-12.30`), as `numeric` prints. Not one-to-one.
pub fn mask_noise(key: &[u8], value: &str, ratio: f64) -> Result<String, MaskError> {
    let ratio = in_range("mask_noise", "ratio", ratio, 0.0, 1.0)?;
    if matches!(value, "NaN" | "Infinity" | "-Infinity") {
        return Ok(value.to_owned());
    }
    let decimal = Decimal::parse(value)?;
    let spread = (ratio * FACTOR_ONE as f64).round() as u64;
    let draw = KeyedHash::new(key)
        .stream("mask_noise", &[decimal.canonical().as_bytes()])
        .below(2 * spread + 1);
    let factor = FACTOR_ONE - spread + draw;
    Ok(decimal.scaled_by(factor).to_string())
}

/// A decimal number: its digits as an integer (least significant first) and its scale.
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    scale: usize,
}

impl Decimal {
    fn parse(text: &str) -> Result<Self, MaskError> {
        let invalid = || {
            MaskError::new(
                format!("mask_noise cannot read \"{text}\" as a number"),
                "mask_noise takes numeric values, written like -12.30.",
            )
        };
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if integer.len() + fraction.len() == 0 || !all_digits(integer) || !all_digits(fraction) {
            return Err(invalid());
        }
        let digits = integer
            .bytes()
            .chain(fraction.bytes())
            .rev()
            .map(|b| b - b'0')
            .collect();
        Ok(Self {
            negative,
            digits,
            scale: fraction.len(),
        })
    }

    /// The value written without leading or trailing zeros, so equal numbers read alike.
    fn canonical(&self) -> String {
        let mut text = self.to_string();
        if text.contains('.') {
            text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
        }
        if text == "-0" {
            text = "0".to_owned();
        }
        text
    }

    /// `self * factor / 10^9`, rounded half away from zero to the same scale.
    fn scaled_by(&self, factor: u64) -> Self {
        let mut product = Vec::with_capacity(self.digits.len() + 11);
        let mut carry: u64 = 0;
        for &digit in &self.digits {
            let t = u64::from(digit) * factor + carry;
            product.push((t % 10) as u8);
            carry = t / 10;
        }
        while carry > 0 {
            product.push((carry % 10) as u8);
            carry /= 10;
        }
        let dropped = FACTOR_DIGITS as usize;
        product.resize(product.len().max(dropped + 1), 0);
        let round_up = product[dropped - 1] >= 5;
        let mut digits = product.split_off(dropped);
        if round_up {
            for digit in &mut digits {
                if *digit == 9 {
                    *digit = 0;
                } else {
                    *digit += 1;
                    break;
                }
            }
            if digits.iter().all(|&d| d == 0) {
                digits.push(1);
            }
        }
        Self {
            negative: self.negative,
            digits,
            scale: self.scale,
        }
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut digits: Vec<u8> = self.digits.clone();
        digits.resize(digits.len().max(self.scale + 1), 0);
        while digits.len() > self.scale + 1 && digits.last() == Some(&0) {
            digits.pop();
        }
        let zero = digits.iter().all(|&d| d == 0);
        if self.negative && !zero {
            f.write_str("-")?;
        }
        for (i, digit) in digits.iter().enumerate().rev() {
            if i + 1 == self.scale {
                f.write_str(".")?;
            }
            write!(f, "{digit}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"noise test key 0123456789";

    fn as_f64(text: &str) -> f64 {
        text.parse().unwrap()
    }

    #[test]
    fn stays_within_the_ratio() {
        for i in 1..500 {
            let value = format!("{}.{:02}", i * 37, i % 100);
            let noisy = as_f64(&mask_noise(KEY, &value, 0.1).unwrap());
            let exact = as_f64(&value);
            assert!(
                (noisy - exact).abs() <= exact * 0.1 + 0.005,
                "{value} -> {noisy}"
            );
        }
    }

    #[test]
    fn noise_goes_both_ways() {
        let values: Vec<f64> = (1..200)
            .map(|i| {
                as_f64(&mask_noise(KEY, &format!("{i}000"), 0.1).unwrap()) / (i as f64 * 1000.0)
            })
            .collect();
        assert!(values.iter().any(|&r| r < 0.99));
        assert!(values.iter().any(|&r| r > 1.01));
    }

    #[test]
    fn keeps_the_scale() {
        assert_eq!(
            mask_noise(KEY, "1234.50", 0.1)
                .unwrap()
                .split_once('.')
                .unwrap()
                .1
                .len(),
            2
        );
        assert!(!mask_noise(KEY, "1234", 0.1).unwrap().contains('.'));
        assert_eq!(mask_noise(KEY, "0.000123", 0.5).unwrap().len(), 8);
    }

    #[test]
    fn keeps_the_sign() {
        assert!(mask_noise(KEY, "-250.00", 0.2).unwrap().starts_with('-'));
    }

    #[test]
    fn a_zero_ratio_keeps_the_value() {
        assert_eq!(mask_noise(KEY, "-0012.340", 0.0).unwrap(), "-12.340");
    }

    #[test]
    fn zero_stays_zero() {
        assert_eq!(mask_noise(KEY, "0.00", 1.0).unwrap(), "0.00");
        assert_eq!(mask_noise(KEY, "-0", 0.5).unwrap(), "0");
    }

    #[test]
    fn equal_numbers_draw_the_same_factor() {
        let a = as_f64(&mask_noise(KEY, "1.5", 0.1).unwrap());
        let b = as_f64(&mask_noise(KEY, "1.5000000", 0.1).unwrap());
        assert!((a - b).abs() < 0.051, "{a} {b}");
        assert_eq!(mask_noise(KEY, "1.50", 0.1), mask_noise(KEY, "+01.50", 0.1));
    }

    #[test]
    fn is_deterministic() {
        let value = "98765.4321";
        assert_eq!(mask_noise(KEY, value, 0.1), mask_noise(KEY, value, 0.1));
    }

    #[test]
    fn different_keys_give_different_outputs() {
        let value = "98765.4321";
        assert_ne!(
            mask_noise(KEY, value, 0.1),
            mask_noise(b"other noise key 98765", value, 0.1)
        );
    }

    #[test]
    fn numbers_beyond_f64_are_exact() {
        let big = format!("{}.25", "9".repeat(400));
        let noisy = mask_noise(KEY, &big, 0.0).unwrap();
        assert_eq!(noisy, big);
        let noisy = mask_noise(KEY, &big, 0.1).unwrap();
        assert!(noisy.len() >= 402 && noisy.len() <= 404, "{}", noisy.len());
    }

    #[test]
    fn rounding_carries_into_new_digits() {
        // 9.99 * 1.0005 = 9.994995 -> 9.99; a factor of 1.001 -> 10.00 (999 -> 1000).
        let nine = Decimal::parse("9.99").unwrap();
        assert_eq!(nine.scaled_by(1_000_500_000).to_string(), "9.99");
        assert_eq!(nine.scaled_by(1_001_000_000).to_string(), "10.00");
    }

    #[test]
    fn special_values_are_kept() {
        assert_eq!(mask_noise(KEY, "NaN", 0.1).unwrap(), "NaN");
        assert_eq!(mask_noise(KEY, "-Infinity", 0.1).unwrap(), "-Infinity");
    }

    #[test]
    fn text_that_is_not_a_number_is_refused() {
        for bad in ["", "-", ".", "1e5", "12,5", "abc", "1.2.3"] {
            assert!(mask_noise(KEY, bad, 0.1).is_err(), "{bad}");
        }
    }

    #[test]
    fn ratios_outside_0_to_1_are_refused() {
        assert!(mask_noise(KEY, "1", -0.1).is_err());
        let error = mask_noise(KEY, "1", 1.5).unwrap_err();
        assert_eq!(error.hint, "\"ratio\" must be between 0 and 1.");
    }
}
