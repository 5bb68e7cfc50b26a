//! One file per built-in strategy; each is a plain function of the key, the value and its
//! options, deterministic for (key, value), so a `#[pg_extern]` wrapper only converts types.

pub mod credit_card;
pub mod date_shift;
pub mod email;
pub mod hash;
pub mod ip;
pub mod name;
pub mod noise;
pub mod partial;
pub mod phone;
pub mod redact;
pub mod text_pii;
pub mod unique;
