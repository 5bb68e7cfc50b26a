//! Anonymization: deterministic, keyed masking strategies, the registry that describes them and
//! validates their options, and the check of the anonymization key. Pure: the extension stores
//! the key and the rules and runs the UPDATEs; every masked value is computed here from (key,
//! value, options) alone, so the same value masks alike in every table and every run, and a
//! different key gives different values.

pub mod error;
pub mod feistel;
pub mod key;
pub mod keyed;
pub mod names;
pub mod options;
pub mod strategies;

pub use error::MaskError;
pub use key::validate_key;
