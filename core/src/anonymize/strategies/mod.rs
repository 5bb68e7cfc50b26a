//! One file per built-in strategy; each is a plain function of the key, the value and its
//! options, deterministic for (key, value), so a `#[pg_extern]` wrapper only converts types.

pub mod hash;
pub mod partial;
pub mod redact;
pub mod unique;
