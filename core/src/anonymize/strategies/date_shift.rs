//! `mask_date_shift`: move a date or timestamp by a keyed number of days, so intervals between
//! events of different values blur while every value stays a plausible date near the truth.
//!
//! Values are PostgreSQL's own representations: a `date` is days since 2000-01-01, a
//! `timestamptz` microseconds since 2000-01-01 00:00 UTC, so the SQL layer passes them through
//! without conversion.

use crate::anonymize::error::MaskError;
use crate::anonymize::keyed::KeyedHash;
use crate::anonymize::options::in_range;

pub const DEFAULT_MAX_DAYS: i64 = 30;
/// A thousand years: more than any real use, and small enough that a shift can always be
/// turned around to stay inside PostgreSQL's range.
pub const MAX_MAX_DAYS: i64 = 365_000;

const MICROSECONDS_PER_DAY: i64 = 86_400_000_000;

/// PostgreSQL's `date` range, 4713-11-24 BC to 5874897-12-31, in days since 2000-01-01
/// (`DATE_END_JULIAN` minus `POSTGRES_EPOCH_JDATE`, src/include/datatype/timestamp.h).
const DATE_MIN: i64 = -2_451_545;
const DATE_END: i64 = 2_147_483_494 - 2_451_545;
/// `DATEVAL_NOBEGIN` and `DATEVAL_NOEND`: `-infinity` and `infinity`.
const DATE_INFINITIES: [i32; 2] = [i32::MIN, i32::MAX];

/// PostgreSQL's `timestamptz` range, `MIN_TIMESTAMP..END_TIMESTAMP` (timestamp.h).
const TIMESTAMP_MIN: i64 = -211_813_488_000_000_000;
const TIMESTAMP_END: i64 = 9_223_371_331_200_000_000;
const TIMESTAMP_INFINITIES: [i64; 2] = [i64::MIN, i64::MAX];

/// Shifts a `date` (days since 2000-01-01) by a whole number of days in
/// `[-max_days, -1] ∪ [1, max_days]`, chosen by HMAC(key, date): never 0, so no date is kept,
/// and the same date always moves alike. A shift that would leave PostgreSQL's date range
/// goes the other way. `infinity` and `-infinity` are kept. `max_days` is 1 to 365000.
/// Not one-to-one: two dates may land on the same day.
pub fn mask_date_shift(key: &[u8], days: i32, max_days: i64) -> Result<i32, MaskError> {
    let max_days = in_range("mask_date_shift", "max_days", max_days, 1, MAX_MAX_DAYS)?;
    if DATE_INFINITIES.contains(&days) {
        return Ok(days);
    }
    let shift = shift_days(key, b"date", &days.to_be_bytes(), max_days);
    let shifted = within(i64::from(days), shift, DATE_MIN, DATE_END);
    Ok(i32::try_from(shifted).expect("inside the date range"))
}

/// Shifts a `timestamptz` (microseconds since 2000-01-01 00:00 UTC) by whole days as
/// `mask_date_shift` does, keeping the time of day; the shift is chosen by HMAC(key,
/// timestamp), so two instants of one day may move differently. `infinity` and `-infinity`
/// are kept.
pub fn mask_timestamp_shift(
    key: &[u8],
    microseconds: i64,
    max_days: i64,
) -> Result<i64, MaskError> {
    let max_days = in_range("mask_date_shift", "max_days", max_days, 1, MAX_MAX_DAYS)?;
    if TIMESTAMP_INFINITIES.contains(&microseconds) {
        return Ok(microseconds);
    }
    let shift = shift_days(key, b"timestamptz", &microseconds.to_be_bytes(), max_days);
    let shifted = within(
        microseconds,
        shift * MICROSECONDS_PER_DAY,
        TIMESTAMP_MIN,
        TIMESTAMP_END,
    );
    Ok(shifted)
}

/// A keyed shift uniform over the `2 * max_days` nonzero days of `[-max_days, max_days]`.
fn shift_days(key: &[u8], kind: &[u8], value: &[u8], max_days: i64) -> i64 {
    let draw = KeyedHash::new(key)
        .stream("mask_date_shift", &[kind, value])
        .below(2 * max_days as u64) as i64;
    if draw < max_days {
        draw - max_days
    } else {
        draw - max_days + 1
    }
}

/// `value + shift`, or `value - shift` when that would leave `min..end`: the value is at most
/// `MAX_MAX_DAYS` days from one end of a range far wider than that, so one of the two fits.
fn within(value: i64, shift: i64, min: i64, end: i64) -> i64 {
    let forward = value + shift;
    if (min..end).contains(&forward) {
        forward
    } else {
        value - shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"date shift test key 012345";

    #[test]
    fn shifts_stay_within_max_days_and_are_never_zero() {
        for days in 0..2000 {
            let shift = i64::from(mask_date_shift(KEY, days, 30).unwrap() - days);
            assert!(shift != 0 && (-30..=30).contains(&shift), "{days}: {shift}");
        }
    }

    #[test]
    fn shifts_cover_both_directions_and_every_allowed_day() {
        let mut seen = std::collections::BTreeSet::new();
        for days in 0..2000 {
            seen.insert(mask_date_shift(KEY, days, 5).unwrap() - days);
        }
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>(),
            [-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]
        );
    }

    #[test]
    fn is_deterministic() {
        assert_eq!(
            mask_date_shift(KEY, 9000, 30),
            mask_date_shift(KEY, 9000, 30)
        );
    }

    #[test]
    fn different_keys_shift_differently() {
        let other = b"another date key 987654321";
        let differing = (0..100)
            .filter(|&d| mask_date_shift(KEY, d, 30) != mask_date_shift(other, d, 30))
            .count();
        assert!(differing > 80, "{differing}");
    }

    #[test]
    fn timestamps_keep_their_time_of_day() {
        let noon = 9000 * MICROSECONDS_PER_DAY + 12 * 3_600_000_000 + 34_567;
        let shifted = mask_timestamp_shift(KEY, noon, 30).unwrap();
        assert_eq!(
            shifted.rem_euclid(MICROSECONDS_PER_DAY),
            noon.rem_euclid(MICROSECONDS_PER_DAY)
        );
        let days = (shifted - noon) / MICROSECONDS_PER_DAY;
        assert!(days != 0 && (-30..=30).contains(&days));
    }

    #[test]
    fn infinities_are_kept() {
        assert_eq!(mask_date_shift(KEY, i32::MAX, 30), Ok(i32::MAX));
        assert_eq!(mask_date_shift(KEY, i32::MIN, 30), Ok(i32::MIN));
        assert_eq!(mask_timestamp_shift(KEY, i64::MAX, 30), Ok(i64::MAX));
    }

    #[test]
    fn shifts_near_the_range_ends_stay_inside() {
        for max_days in [1, 30, MAX_MAX_DAYS] {
            let first = DATE_MIN as i32;
            assert!(i64::from(mask_date_shift(KEY, first, max_days).unwrap()) > DATE_MIN);
            let last = (DATE_END - 1) as i32;
            assert!(i64::from(mask_date_shift(KEY, last, max_days).unwrap()) < DATE_END - 1);
            let shifted = mask_timestamp_shift(KEY, TIMESTAMP_MIN, max_days).unwrap();
            assert!(shifted > TIMESTAMP_MIN);
        }
    }

    #[test]
    fn max_days_below_one_is_refused() {
        let error = mask_date_shift(KEY, 0, 0).unwrap_err();
        assert_eq!(
            error.message,
            "mask_date_shift option \"max_days\" is 0, out of range"
        );
        assert!(mask_timestamp_shift(KEY, 0, -5).is_err());
    }
}
