//! Rules about locks held too long: blocking builds, validations and rewrites.

mod require_concurrent_index;

use crate::risk::rule::Rule;

pub const RULES: &[&Rule] = &[&require_concurrent_index::RULE];
