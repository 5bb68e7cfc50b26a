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

pub mod error;
pub mod feistel;
pub mod key;
pub mod keyed;
pub mod names;
pub mod options;
pub mod registry;
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
