//! Anonymization: deterministic, keyed masking strategies, the registry that describes them and
//! validates their options, and the check of the anonymization key. Pure: the extension stores
//! the key and the rules and runs the UPDATEs; every masked value is computed here from (key,
//! value, options) alone, so the same value masks alike in every table and every run, and a
//! different key gives different values.
//!
//! - `strategies::*`: one function per `confiture.mask_*` SQL function;
//! - `registry`: the strategies as data, rule options checked (`configure`), UNIQUE columns
//!   guarded (`check_unique_column`);
//! - `key`: `validate_key` for `set_anonymization_key`;
//! - `keyed`, `feistel`, `names`, `options`: what the strategies are built from.
//!
//! NULL never reaches this module: the SQL functions are `STRICT`, so NULL stays NULL.
//! The SQL `mask_date_shift` has two Rust counterparts, `mask_date_shift` for `date` and
//! `mask_timestamp_shift` for `timestamptz`.

pub mod custom;
pub mod error;
pub mod feistel;
pub mod foreign_keys;
pub mod key;
pub mod keyed;
pub mod names;
pub mod options;
pub mod registry;
pub mod rule;
pub mod run;
pub mod sql;
pub mod strategies;

pub use error::MaskError;
pub use key::validate_key;
pub use registry::{check_unique_column, configure, Masking, Strategy, TypeFamily, STRATEGIES};
pub use strategies::credit_card::mask_credit_card;
pub use strategies::date_shift::{mask_date_shift, mask_timestamp_shift};
pub use strategies::email::mask_email;
pub use strategies::hash::mask_hash;
pub use strategies::ip::mask_ip;
pub use strategies::name::mask_name;
pub use strategies::noise::mask_noise;
pub use strategies::partial::mask_partial;
pub use strategies::phone::mask_phone;
pub use strategies::redact::mask_redact;
pub use strategies::text_pii::{contains_pii, find_pii, mask_text_pii, PiiKind, PiiMatch};
pub use strategies::unique::{mask_unique, UniqueKind};

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"module test key 0123456789";

    /// Text no column should hold but some column will.
    const ODD_VALUES: [&str; 14] = [
        "",
        " ",
        "\t\n",
        "@",
        "@@a@",
        "+",
        "00",
        "-.-",
        "ß",
        "e\u{301}",
        "😀 👍🏽",
        "名前 苗字",
        "O'Neil-Smith, Jr.",
        "+33 (0) 6 12 34 56 78 / 4111-1111-1111-1111 / a@b.c",
    ];

    #[test]
    fn text_strategies_accept_any_text() {
        let long = "x9 ".repeat(5_000);
        for value in ODD_VALUES.iter().copied().chain([long.as_str()]) {
            mask_hash(KEY, value, 16).unwrap();
            mask_email(KEY, value, false);
            mask_email(KEY, value, true);
            mask_name(KEY, value);
            mask_phone(KEY, value);
            mask_partial(value, 1, 1, "*").unwrap();
            mask_credit_card(KEY, value);
            mask_text_pii(value);
            for kind in [UniqueKind::Digits, UniqueKind::Alnum, UniqueKind::Email] {
                assert_eq!(
                    mask_unique(KEY, value, kind).chars().count(),
                    value.chars().count()
                );
            }
        }
    }

    #[test]
    fn format_preserving_strategies_keep_the_character_count() {
        for value in ODD_VALUES {
            let count = value.chars().count();
            assert_eq!(mask_phone(KEY, value).chars().count(), count, "{value:?}");
            assert_eq!(
                mask_credit_card(KEY, value).chars().count(),
                count,
                "{value:?}"
            );
            assert_eq!(
                mask_partial(value, 2, 2, "*").unwrap().chars().count(),
                count
            );
        }
    }
}
