//! Anonymization: deterministic, keyed masking strategies (`mask_hash`, `mask_email`, ...,
//! `mask_unique`), the registry that describes them and validates their options, and the
//! check of the anonymization key. Pure: the extension stores the key and the rules and runs
//! the UPDATEs; every masked value is computed here from (key, value, options) alone.

pub mod error;
pub mod feistel;
pub mod key;
pub mod keyed;
pub mod strategies;

pub use error::MaskError;
pub use key::validate_key;
