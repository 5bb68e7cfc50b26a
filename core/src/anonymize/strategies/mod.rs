//! One file per built-in strategy; each is a plain function of the key, the value and its
//! options, deterministic for (key, value).

pub mod unique;
